// The draft builder: the entries (with the issues validation found in each), a server added
// through a form generated from its catalog definition, and the payload and the client's file
// as they will be written.
import type { ClientSummary, Issue, Parameter, Payload, Report, Server } from 'mcp-orchestration-core/web';
import { useEffect, useRef, useState } from 'preact/hooks';

import type { Api, DraftView } from '../api';
import { renderClientConfig } from '../core';
import { useCore } from '../hooks';
import { useLoad } from '../load';
import { Button, ErrorBox, Field, pretty, Section, useAction } from '../ui';

type Props = {
  api: Api; client: string; profile: string; clientInfo: ClientSummary | null;
  draft: DraftView | null; onDraft: (d: DraftView) => void; report: Report | null;
};

/** The draft: its entries, the add form and the previews. */
export function DraftPanel({ api, client, profile, clientInfo, draft, onDraft, report }: Props) {
  const entries = Object.entries(draft?.mcpServers ?? {});
  const issuesOf = (name: string) => [...(report?.errors ?? []), ...(report?.warnings ?? [])].filter((i) => i.server === name);
  return (
    <Section title="Draft" id="draft">
      {draft && entries.length === 0 && <p class="empty">The draft is empty: add a server below.</p>}
      <ul class="entries" aria-label="Draft entries">
        {entries.map(([name, entry]) => (
          <EntryCard key={name} name={name} entry={entry} issues={issuesOf(name)}
            onRemove={async () => onDraft((await api.removeFromDraft(client, profile, name)).draft)} />
        ))}
      </ul>
      <AddServer api={api} client={client} profile={profile} taken={entries.map(([n]) => n)} onDraft={onDraft} />
      {draft && <Previews client={client} clientInfo={clientInfo} draft={draft} />}
    </Section>
  );
}

function EntryCard({ name, entry, issues, onRemove }: {
  name: string; entry: unknown; issues: Issue[]; onRemove: () => Promise<void>;
}) {
  const [remove, removing, error] = useAction(onRemove);
  const e = (entry ?? {}) as { command?: string; args?: string[]; url?: string; type?: string; env?: Record<string, string> };
  const line = e.command ? [e.command, ...(e.args ?? [])].join(' ') : `${e.type ?? ''} ${e.url ?? ''}`;
  const env = Object.keys(e.env ?? {});
  return (
    <li class={`entry${issues.some((i) => i.severity === 'error') ? ' has-error' : ''}`} data-entry={name}>
      <div class="entry-head">
        <h3>{name}</h3>
        <Button kind="quiet" onClick={() => void remove()} busy={removing} busyLabel="Removing…" aria-label={`Remove ${name}`}>Remove</Button>
      </div>
      <p class="cmd"><code>{line}</code></p>
      {env.length > 0 && <p class="meta">env: {env.map((k) => <code key={k}>{k}=••••</code>)}</p>}
      {issues.length > 0 && (
        <ul class="issues" aria-label={`Issues of ${name}`}>
          {issues.map((i, n) => <IssueLine key={n} issue={i} />)}
        </ul>
      )}
      <ErrorBox error={error} />
    </li>
  );
}

/** One validation finding. */
export function IssueLine({ issue }: { issue: Issue }) {
  return (
    <li class={`issue ${issue.severity}`}>
      <strong>{issue.severity === 'error' ? 'Error' : 'Warning'}</strong>: {issue.message} <code>{issue.code}</code>
    </li>
  );
}

/** How many catalog servers the picker lists at once. */
const SHOWN = 8;

/** Picks a catalog server (from the API's catalog) and adds it through its form. */
function AddServer({ api, client, profile, taken, onDraft }: {
  api: Api; client: string; profile: string; taken: string[]; onDraft: (d: DraftView) => void;
}) {
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<Server | null>(null);
  const found = useLoad(() => api.servers(query, ''), [api, query]);
  const servers = found.data?.servers ?? [];
  // When the form closes, the keyboard goes back to the search it came from.
  const refocus = useRef(false);
  useEffect(() => {
    if (!chosen && refocus.current) {
      refocus.current = false;
      document.getElementById('server-search')?.focus();
    }
  }, [chosen]);
  const close = () => { refocus.current = true; setChosen(null); };
  return (
    <div class="add" id="add-server">
      <h3>Add a server</h3>
      {!chosen && (
        <>
          <Field id="server-search" label="Find a server in the catalog" hint={found.data ? `${found.data.count} servers` : undefined}>
            <input id="server-search" type="search" value={query} aria-describedby="server-search-hint"
              onInput={(e) => setQuery(e.currentTarget.value)} placeholder="e.g. git, files, database" />
          </Field>
          <ErrorBox error={found.error} />
          <ul class="pick" aria-label="Catalog servers">
            {servers.slice(0, SHOWN).map((s) => (
              <li key={s.server_id}>
                <button type="button" class="pick-item" onClick={() => setChosen(s)}>
                  <span class="card-title">{s.display_name}</span>
                  <span class="badge">{s.transport}</span>
                  <span class="meta">{s.description}</span>
                </button>
              </li>
            ))}
          </ul>
          {servers.length > SHOWN && <p class="meta">{servers.length - SHOWN} more: refine the search.</p>}
        </>
      )}
      {chosen && (
        <ServerForm key={chosen.server_id} server={chosen} taken={taken} onCancel={close}
          onAdd={async (body) => {
            onDraft((await api.addToDraft(client, profile, body)).draft);
            setQuery('');
            close();
          }} />
      )}
    </div>
  );
}

type AddBody = { server_id: string; name?: string; params?: Record<string, unknown>; env?: Record<string, string> };

/** The form of one server, generated from its parameters and env vars. */
export function ServerForm({ server, taken, onAdd, onCancel }: {
  server: Server; taken: string[]; onAdd: (body: AddBody) => Promise<void>; onCancel: () => void;
}) {
  const [name, setName] = useState(taken.includes(server.server_id) ? '' : server.server_id);
  const [params, setParams] = useState<Record<string, string>>({});
  const [env, setEnv] = useState<Record<string, string>>({});
  const [add, adding, error] = useAction(async () => {
    const body: AddBody = { server_id: server.server_id };
    if (name.trim() && name.trim() !== server.server_id) body.name = name.trim();
    const p: Record<string, unknown> = {};
    for (const def of server.parameters) {
      const raw = params[def.name] ?? '';
      if (raw === '') continue;
      p[def.name] = def.type === 'int' ? Number(raw) : def.type === 'bool' ? raw === 'true' : raw;
    }
    if (Object.keys(p).length) body.params = p;
    const e = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
    if (Object.keys(e).length) body.env = e;
    await onAdd(body);
  });
  const id = (kind: string, n: string) => `add-${kind}-${n}`;
  useEffect(() => { document.getElementById('add-name')?.focus(); }, []);
  return (
    <form class="server-form" onSubmit={(e) => { e.preventDefault(); void add(); }} aria-labelledby="add-form-title">
      <h4 id="add-form-title">{server.display_name} <span class="badge">{server.transport}</span></h4>
      <p class="meta">{server.description} <a href={server.documentation_url} rel="noreferrer noopener" target="_blank">Documentation</a></p>
      <Field id="add-name" label="Entry name" required hint={taken.includes(name.trim()) ? 'The draft already has an entry of this name: choose another.' : 'The key of the entry in the client’s file.'}>
        <input id="add-name" required value={name} aria-describedby="add-name-hint" spellcheck={false}
          pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      {server.parameters.length > 0 && (
        <fieldset>
          <legend>Parameters</legend>
          {server.parameters.map((def) => (
            <ParamField key={def.name} def={def} id={id('param', def.name)} value={params[def.name] ?? ''}
              onValue={(v) => setParams({ ...params, [def.name]: v })} />
          ))}
        </fieldset>
      )}
      {server.env.length > 0 && (
        <fieldset>
          <legend>Environment variables</legend>
          {server.env.map((v) => (
            <Field key={v.name} id={id('env', v.name)} label={<code>{v.name}</code>} required={!!v.required}
              hint={<>{v.description}{v.example ? <> Example: <code>{v.example}</code></> : null}{v.secret ? ' Secret: stored in the draft and written into the client’s file.' : ''}</>}>
              {v.secret
                ? <input id={id('env', v.name)} type="password" required={!!v.required} autocomplete="off" spellcheck={false}
                    aria-describedby={`${id('env', v.name)}-hint`} value={env[v.name] ?? ''}
                    onInput={(e) => setEnv({ ...env, [v.name]: e.currentTarget.value })} />
                : <input id={id('env', v.name)} type="text" required={!!v.required} autocomplete="off" spellcheck={false}
                    aria-describedby={`${id('env', v.name)}-hint`} value={env[v.name] ?? ''}
                    onInput={(e) => setEnv({ ...env, [v.name]: e.currentTarget.value })} />}
            </Field>
          ))}
        </fieldset>
      )}
      <ErrorBox error={error} />
      <div class="actions">
        <Button type="submit" kind="primary" busy={adding} busyLabel="Adding…">Add to draft</Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

function ParamField({ def, id, value, onValue }: { def: Parameter; id: string; value: string; onValue: (v: string) => void }) {
  const example = def.example === undefined || def.example === null ? null : JSON.stringify(def.example);
  const fallback = def.default === undefined || def.default === null ? null : JSON.stringify(def.default);
  const hint = (
    <>
      {def.description} <span class="type">({def.type})</span>
      {example && <> Example: <code>{example}</code>.</>}
      {fallback && <> Default: <code>{fallback}</code>.</>}
    </>
  );
  return (
    <Field id={id} label={<code>{def.name}</code>} required={!!def.required} hint={hint}>
      {def.type === 'bool' ? (
        <select id={id} value={value} aria-describedby={`${id}-hint`} required={!!def.required} onChange={(e) => onValue(e.currentTarget.value)}>
          <option value="">{fallback ? `Default (${fallback})` : 'Not set'}</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : def.type === 'int' ? (
        <input id={id} type="number" step={1} required={!!def.required} value={value} aria-describedby={`${id}-hint`}
          placeholder={example ?? ''} onInput={(e) => onValue(e.currentTarget.value)} />
      ) : (
        <input id={id} type="text" required={!!def.required} value={value} spellcheck={false} aria-describedby={`${id}-hint`}
          placeholder={typeof def.example === 'string' ? def.example : ''} onInput={(e) => onValue(e.currentTarget.value)} />
      )}
    </Field>
  );
}

/** The payload as JSON and the client's file as a deploy would write it (into an empty file). */
function Previews({ client, clientInfo, draft }: { client: string; clientInfo: ClientSummary | null; draft: DraftView }) {
  const ready = useCore();
  const [tab, setTab] = useState<'payload' | 'file'>('payload');
  const payload = { mcpServers: draft.mcpServers };
  let file = '';
  let fileError: unknown = null;
  if (ready === true) {
    try {
      file = renderClientConfig(client, payload as Payload, null);
    } catch (e) {
      fileError = e;
    }
  }
  return (
    <div class="previews">
      <div role="tablist" aria-label="Previews" class="tabs">
        <button type="button" role="tab" id="tab-payload" aria-controls="panel-payload" aria-selected={tab === 'payload'}
          tabIndex={tab === 'payload' ? 0 : -1} onClick={() => setTab('payload')} onKeyDown={arrows(setTab)}>Payload (JSON)</button>
        <button type="button" role="tab" id="tab-file" aria-controls="panel-file" aria-selected={tab === 'file'}
          tabIndex={tab === 'file' ? 0 : -1} onClick={() => setTab('file')} onKeyDown={arrows(setTab)}>Client file preview</button>
      </div>
      <div role="tabpanel" id="panel-payload" aria-labelledby="tab-payload" hidden={tab !== 'payload'}>
        <pre class="code" tabIndex={0} aria-label="Payload as JSON">{pretty(payload)}</pre>
      </div>
      <div role="tabpanel" id="panel-file" aria-labelledby="tab-file" hidden={tab !== 'file'}>
        <p class="meta">
          {clientInfo?.config_path ? <><code>{clientInfo.config_path}</code> as </> : null}
          a new file would hold it ({clientInfo?.config_format ?? 'json'}); a deploy into an existing file keeps its other settings and entries.
        </p>
        {ready instanceof Error && <ErrorBox error={ready} />}
        {ready === false && <p class="loading" role="status">Loading the core…</p>}
        <ErrorBox error={fileError} />
        {ready === true && !fileError && <pre class="code" tabIndex={0} aria-label="Client file text">{file}</pre>}
      </div>
    </div>
  );
}

/** Left and right arrows move between the two tabs. */
function arrows(setTab: (t: 'payload' | 'file') => void) {
  return (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next = (e.currentTarget as HTMLElement).id === 'tab-payload' ? 'file' : 'payload';
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
}
