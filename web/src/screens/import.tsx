// Import a client file into a profile's draft: pasted text, or (on a host that writes client files)
// the profile's own file; shows which entries run a catalog server, which stay custom, and the
// literal values that look like credentials.
import type { ClientSummary, DraftImported } from 'mcp-orchestration-core/web';
import { useState } from 'preact/hooks';

import type { Api, DraftView } from '../api';
import { Button, ErrorBox, Field, useAction } from '../ui';

type Props = {
  api: Api; client: string; profile: string; clientInfo: ClientSummary | null; onDraft: (d: DraftView) => void;
};

/** The import panel (folded until opened). */
export function ImportPanel({ api, client, profile, clientInfo, onDraft }: Props) {
  const [text, setText] = useState('');
  const [result, setResult] = useState<DraftImported | null>(null);
  const [run, importing, error] = useAction(async (own: boolean) => {
    setResult(null);
    const answer = await api.importFile(client, profile, own ? null : text);
    onDraft(answer.draft);
    setResult(answer);
    setText('');
  });
  // Only a host that writes client files knows where the profile's file is (the edge host does not).
  const ownFile = clientInfo?.config_path ?? null;
  const linked = Object.entries(result?.linked ?? {});
  return (
    <details class="panel fold import" id="import">
      <summary><h2>Import a client file</h2></summary>
      <p class="meta">
        The draft becomes the servers the file holds, in {clientInfo?.display_name ?? client}’s format; entries that run a
        catalog server are linked to it, the rest kept as custom entries.
      </p>
      <form onSubmit={(e) => { e.preventDefault(); void run(false); }}>
        <Field id="import-text" label="Client file to import" hint="Paste the file’s content.">
          <textarea id="import-text" rows={8} spellcheck={false} required value={text} aria-describedby="import-text-hint"
            onInput={(e) => setText(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <Button type="submit" kind="primary" busy={importing} busyLabel="Importing…" disabled={!text.trim()}>Import this text</Button>
          {ownFile && (
            <Button onClick={() => void run(true)} busy={importing} busyLabel="Importing…">Read this profile’s own file</Button>
          )}
        </div>
        {ownFile && <p class="meta">The profile’s own file: its path override if it has one, else <code class="path">{ownFile}</code>.</p>}
      </form>
      <ErrorBox error={error} />
      {result && (
        <div class="ok-box import-result" role="status">
          <p class="ok">✓ {result.message}</p>
          <dl class="facts">
            <div><dt>Linked to the catalog</dt><dd>{linked.length ? linked.map(([entry, id]) => <code key={entry}>{entry} → {id}</code>) : '—'}</dd></div>
            <div><dt>Custom entries</dt><dd>{result.custom.length ? result.custom.map((n) => <code key={n}>{n}</code>) : '—'}</dd></div>
          </dl>
          {result.secrets.length > 0 && (
            <div class="notice">
              <p>These literal values look like credentials: add those entries again with the secret referenced by name.</p>
              <ul class="list" aria-label="Secret-looking literals">
                {result.secrets.map((s) => <li key={`${s.entry} ${s.field}`}><code>{s.entry}</code>: <code>{s.field}</code></li>)}
              </ul>
            </div>
          )}
          <a href="#draft" onClick={(e) => {
            e.preventDefault();
            const draft = document.getElementById('draft');
            draft?.scrollIntoView({ block: 'start' });
            draft?.querySelector<HTMLElement>('h2')?.focus();
          }}>Go to the draft</a>
        </div>
      )}
    </details>
  );
}
