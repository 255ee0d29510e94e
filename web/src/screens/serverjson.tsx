// A team server from its MCP Registry `server.json`: pasted or read from a file, previewed as the
// catalog entry it maps to (the core, in the browser), then sent to `POST` or `PUT /v1/servers`.
import type { Server, ServerJson } from 'mcp-orchestration-core/web';
import { useState } from 'preact/hooks';

import type { ServerChanged } from '../api';
import { serverFromJson } from '../core';
import { useCore } from '../hooks';
import { Button, ErrorBox, Field, useAction } from '../ui';

/** The form: `id` is the entry being replaced (`PUT`), absent for a new one (`POST`). */
export function ServerJsonForm({ id, onSend, onDone }: {
  id?: string; onSend: (json: ServerJson) => Promise<ServerChanged>; onDone: (changed: ServerChanged) => void;
}) {
  const [text, setText] = useState('');
  const [readError, setReadError] = useState<unknown>(null);
  const [send, sending, error, setError] = useAction(async () => {
    let json: ServerJson;
    try {
      json = JSON.parse(text) as ServerJson;
    } catch (e) {
      throw new Error(`The text is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    onDone(await onSend(json));
    setText('');
  });
  const choose = async (file: File | undefined) => {
    setReadError(null);
    if (!file) return;
    try {
      setText(await file.text());
      setError(null);
    } catch (e) {
      setReadError(e);
    }
  };
  const field = id ? `server-json-${id}` : 'server-json';
  return (
    <form class="server-json" onSubmit={(e) => { e.preventDefault(); void send(); }}>
      <Field id={field} label="server.json" hint={<>Paste the server’s <code>server.json</code> (the MCP Registry format) or choose the file.</>}>
        <textarea id={field} rows={8} spellcheck={false} value={text} required
          aria-describedby={`${field}-hint${error ? ` ${field}-error` : ''}`} aria-invalid={error ? 'true' : undefined}
          onInput={(e) => { setText(e.currentTarget.value); setError(null); }} />
      </Field>
      <div id={`${field}-error`}><ErrorBox error={error} /></div>
      <Field id={`${field}-file`} label="Or choose a file">
        <input id={`${field}-file`} type="file" accept=".json,application/json"
          onChange={(e) => void choose(e.currentTarget.files?.[0])} />
      </Field>
      <ErrorBox error={readError} />
      <Mapping text={text} id={id} />
      <Button type="submit" kind="primary" busy={sending} busyLabel={id ? 'Replacing…' : 'Adding…'} disabled={!text.trim()}>
        {id ? `Replace ${id}` : 'Add to the catalog'}
      </Button>
    </form>
  );
}

/** What the catalog entry will be, computed in the browser as the server will compute it. */
function Mapping({ text, id }: { text: string; id: string | undefined }) {
  const ready = useCore();
  if (ready !== true || !text.trim()) return null;
  let server: Server;
  try {
    server = serverFromJson(JSON.parse(text) as ServerJson, id ?? null);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return (
      <p class="meta mapping">
        Preview: {e instanceof Error ? e.message : String(e)}{typeof code === 'string' ? <> <code>{code}</code></> : null}
      </p>
    );
  }
  const runs = server.command ? [server.command, ...server.args].join(' ') : server.url ?? '';
  return (
    <p class="meta mapping">
      Preview: <code>{server.server_id}</code> ({server.transport}) runs <code>{runs}</code>
      {server.parameters.length ? `, ${server.parameters.length} parameter(s)` : ''}
      {server.env.length ? `, env ${server.env.map((v) => `${v.name}${v.secret ? ' (secret)' : ''}`).join(', ')}` : ''}
      {server.headers.length ? `, headers ${server.headers.map((h) => `${h.name}${h.secret ? ' (secret)' : ''}`).join(', ')}` : ''}.
    </p>
  );
}
