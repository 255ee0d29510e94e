// The draft builder: the entries (with the issues validation found in each), a server added
// through a form generated from its catalog definition, and the payload and the client's file
// as they will be written.
import type { ClientSummary, Issue, Parameter, Payload, Report, Server, Setting } from 'mcp-orchestration-core/web';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

import type { AddBody, Api, DraftView } from '../api';
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
  const e = (entry ?? {}) as {
    command?: string; args?: string[]; url?: string; type?: string; env?: Record<string, Setting>; headers?: Record<string, Setting>;
  };
  const line = e.command ? [e.command, ...(e.args ?? [])].join(' ') : `${e.type ?? ''} ${e.url ?? ''}`;
  return (
    <li class={`entry${issues.some((i) => i.severity === 'error') ? ' has-error' : ''}`} data-entry={name}>
      <div class="entry-head">
        <h3>{name}</h3>
        <Button kind="quiet" onClick={() => void remove()} busy={removing} busyLabel="Removing…" aria-label={`Remove ${name}`}>Remove</Button>
      </div>
      <p class="cmd"><code>{line}</code></p>
      <Settings label="env" values={e.env} />
      <Settings label="headers" values={e.headers} />
      {issues.length > 0 && (
        <ul class="issues" aria-label={`Issues of ${name}`}>
          {issues.map((i, n) => <IssueLine key={n} issue={i} />)}
        </ul>
      )}
      <ErrorBox error={error} />
    </li>
  );
}

/** An entry's env vars or headers: a secret reference by its name, a literal value masked. */
function Settings({ label, values }: { label: string; values: Record<string, Setting> | undefined }) {
  const all = Object.entries(values ?? {});
  if (all.length === 0) return null;
  return (
    <p class="meta settings">
      {label}: {all.map(([k, v]) => (typeof v === 'string'
        ? <code key={k}>{k}=••••</code>
        : <code key={k} class="secret-ref" title={`The secret ${v.secret}, filled in by the machine or client`}>{k}=secret:{v.secret}</code>))}
    </p>
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
                  {s.origin === 'team' && <span class="origin team">team</span>}
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

/** How a secret env var or header is given: by the secret's name (the default) or as the value. */
type SecretMode = 'ref' | 'literal';

/** A value of the form: its text, and for a secret field whether it is a reference. */
type Value = { text: string; mode: SecretMode };

/** The setting `draft/add` gets from a field: `{"secret": NAME}` for a reference, else the text. */
function setting(v: Value, secret: boolean): Setting | null {
  if (v.text.trim() === '') return null;
  return secret && v.mode === 'ref' ? { secret: v.text.trim() } : v.text;
}

/** The secret name a field suggests: its own name, made an environment variable name. */
const secretName = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');

/** A field's value before the user touches it: a secret field refers to the secret of its name. */
const initial = (def: { name: string; secret?: boolean }): Value =>
  (def.secret ? { text: secretName(def.name), mode: 'ref' } : { text: '', mode: 'literal' });

/** The form of one server, generated from its parameters and env vars. */
export function ServerForm({ server, taken, onAdd, onCancel }: {
  server: Server; taken: string[]; onAdd: (body: AddBody) => Promise<void>; onCancel: () => void;
}) {
  const [name, setName] = useState(taken.includes(server.server_id) ? '' : server.server_id);
  const [params, setParams] = useState<Record<string, string>>({});
  const [env, setEnv] = useState<Record<string, Value>>({});
  const [headers, setHeaders] = useState<Record<string, Value>>({});
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
    const given = (defs: { name: string; secret?: boolean }[], values: Record<string, Value>) => {
      const out: Record<string, Setting> = {};
      for (const def of defs) {
        const v = setting(values[def.name] ?? initial(def), !!def.secret);
        if (v !== null) out[def.name] = v;
      }
      return out;
    };
    const e = given(server.env, env);
    if (Object.keys(e).length) body.env = e;
    const h = given(server.headers, headers);
    if (Object.keys(h).length) body.headers = h;
    await onAdd(body);
  });
  const id = (kind: string, n: string) => `add-${kind}-${n}`;
  // Before the next paint, so keys typed as the form opens already land in the name.
  useLayoutEffect(() => { document.getElementById('add-name')?.focus(); }, []);
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
            <SettingField key={v.name} kind="env" def={v} value={env[v.name]}
              onValue={(x) => setEnv({ ...env, [v.name]: x })} />
          ))}
        </fieldset>
      )}
      {server.headers.length > 0 && (
        <fieldset>
          <legend>Headers</legend>
          {server.headers.map((h) => (
            <SettingField key={h.name} kind="header" def={{ ...h, example: h.prefix ? `${h.prefix}…` : null }} value={headers[h.name]}
              onValue={(x) => setHeaders({ ...headers, [h.name]: x })} />
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

/**
 * An env var or header. A secret one offers "reference a secret by name" (the default: only the
 * name is stored, each machine or client supplies the value) or a literal value.
 */
function SettingField({ kind, def, value, onValue }: {
  kind: 'env' | 'header';
  def: { name: string; description: string; required?: boolean; secret?: boolean; example?: string | null; prefix?: string | null };
  value: Value | undefined; onValue: (v: Value) => void;
}) {
  const id = `add-${kind}-${def.name}`;
  const secret = !!def.secret;
  const v: Value = value ?? initial(def);
  const ref = secret && v.mode === 'ref';
  const prefix = def.prefix ? <> <code>{def.prefix}</code> is written before it.</> : null;
  const hint = ref
    ? <>{def.description} The secret’s name: only it is stored; the client’s file gets the client’s reference, or the machine that writes the file fills the value in from its environment or <code>secrets.json</code>.{prefix}</>
    : <>{def.description}{def.example ? <> Example: <code>{def.example}</code>.</> : null}{prefix}{secret ? ' A literal secret is stored in the draft, the artifacts and the client’s file (validation warns PLAINTEXT_SECRET).' : ''}</>;
  const setMode = (mode: SecretMode) => onValue({ mode, text: mode === 'ref' ? secretName(def.name) : '' });
  return (
    <div class="setting">
      {secret && (
        <div class="choice" role="radiogroup" aria-label={`How ${def.name} is given`}>
          <label><input type="radio" name={`${id}-mode`} value="ref" checked={ref} onChange={() => setMode('ref')} /> Reference a secret by name</label>
          <label><input type="radio" name={`${id}-mode`} value="literal" checked={!ref} onChange={() => setMode('literal')} /> Literal value</label>
        </div>
      )}
      <Field id={id} label={<><code>{def.name}</code>{ref ? ' — secret name' : ''}</>} required={!!def.required} hint={hint}>
        {/* Two elements (keys), so the reference's pattern never sticks to the literal. */}
        {secret && !ref
          ? <input key="literal" id={id} type="password" required={!!def.required} autocomplete="off" spellcheck={false}
              aria-describedby={`${id}-hint`} value={v.text} onInput={(e) => onValue({ ...v, text: e.currentTarget.value })} />
          : <input key="ref" id={id} type="text" required={!!def.required} autocomplete="off" spellcheck={false}
              pattern={ref ? '[A-Za-z_][A-Za-z0-9_]*' : undefined}
              aria-describedby={`${id}-hint`} value={v.text} onInput={(e) => onValue({ ...v, text: e.currentTarget.value })} />}
      </Field>
    </div>
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
  // A client with no reference syntax gets secrets filled in by the machine that writes its file:
  // the preview shows where they go.
  let filledIn = false;
  if (ready === true) {
    try {
      file = renderClientConfig(client, payload as Payload, null);
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SECRET_UNRESOLVED') {
        filledIn = true;
        try {
          file = renderClientConfig(client, placeholders(payload) as Payload, null);
        } catch (again) {
          fileError = again;
        }
      } else {
        fileError = e;
      }
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
        {filledIn && (
          <p class="notice">
            This client’s file cannot refer to a secret: the machine that deploys it fills each value in from its
            environment or <code>secrets.json</code>. The preview shows where.
          </p>
        )}
        {ready === true && !fileError && <pre class="code" tabIndex={0} aria-label="Client file text">{file}</pre>}
      </div>
    </div>
  );
}

/** The payload with every secret reference replaced by a placeholder naming it. */
function placeholders(payload: { mcpServers: Record<string, unknown> }): { mcpServers: Record<string, unknown> } {
  const fill = (values: unknown) => (values && typeof values === 'object'
    ? Object.fromEntries(Object.entries(values as Record<string, Setting>).map(([k, v]) =>
      [k, typeof v === 'string' ? v : `${v.prefix ?? ''}<secret ${v.secret}, filled in on deploy>`]))
    : values);
  const servers = Object.entries(payload.mcpServers).map(([name, entry]) => {
    if (!entry || typeof entry !== 'object') return [name, entry];
    const e = entry as Record<string, unknown>;
    return [name, { ...e, ...(e.env ? { env: fill(e.env) } : {}), ...(e.headers ? { headers: fill(e.headers) } : {}) }];
  });
  return { mcpServers: Object.fromEntries(servers) };
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
