// The server catalog as the API serves it: search, tag and transport filters, each server's details.
import type { Server } from 'mcp-orchestration-core/web';
import { useState } from 'preact/hooks';

import type { Api, ServerChanged } from '../api';
import { useLoad } from '../load';
import { go, href } from '../route';
import { Button, ErrorBox, Field, Section, TableWrap, Title, useAction } from '../ui';
import { ServerJsonForm } from './serverjson';

/** How an entry's origin reads. */
const originLabel = (s: Server) => (s.origin === 'team' ? 'team' : 'built-in');

/** The catalog, or one server's details when `server` is given. */
export function Catalog({ api, server }: { api: Api; server?: string | undefined }) {
  if (server) return <ServerDetails api={api} id={server} />;
  return <CatalogList api={api} />;
}

function CatalogList({ api }: { api: Api }) {
  const [query, setQuery] = useState('');
  const [transport, setTransport] = useState('');
  const [tag, setTag] = useState('');
  const [added, setAdded] = useState<ServerChanged | null>(null);
  const all = useLoad(() => api.servers('', ''), [api]);
  const found = useLoad(() => api.servers(query, transport), [api, query, transport]);
  const tags = [...new Set((all.data?.servers ?? []).flatMap((s) => s.tags))].sort();
  const servers = (found.data?.servers ?? []).filter((s) => !tag || s.tags.includes(tag));
  return (
    <>
      <Title sub="Every MCP server the draft builder can add, with its parameters and env vars.">Catalog</Title>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field id="catalog-q" label="Search">
          <input id="catalog-q" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} placeholder="name, description or tag" />
        </Field>
        <Field id="catalog-tag" label="Tag">
          <select id="catalog-tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
            <option value="">Any tag</option>
            {tags.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </Field>
        <Field id="catalog-transport" label="Transport">
          <select id="catalog-transport" value={transport} onChange={(e) => setTransport(e.currentTarget.value)}>
            <option value="">Any transport</option>
            <option value="stdio">stdio (local process)</option>
            <option value="http">http (remote)</option>
            <option value="sse">sse (remote, older)</option>
          </select>
        </Field>
      </form>
      <details class="panel fold" id="add-server-json">
        <summary><h2>Add a server.json</h2></summary>
        <p class="meta">Your team’s own servers join the catalog from their <code>server.json</code>; built-in entries stay read-only.</p>
        <ServerJsonForm onSend={(json) => api.addServer(json)}
          onDone={(changed) => { setAdded(changed); void all.reload(); void found.reload(); }} />
        {added && (
          <p class="ok" role="status">
            ✓ {added.message} <a href={href({ screen: 'catalog', server: added.server.server_id })}>See {added.server.display_name}</a>
          </p>
        )}
      </details>
      <ErrorBox error={found.error ?? all.error} />
      <p class="meta" role="status">{found.loading ? 'Searching…' : `${servers.length} ${servers.length === 1 ? 'server' : 'servers'}`}</p>
      <ul class="cards" aria-label="Servers">
        {servers.map((s) => (
          <li key={s.server_id} class="card-item">
            <a class="card-link" href={href({ screen: 'catalog', server: s.server_id })}>
              <span class="card-title">{s.display_name} <span class="badge">{s.transport}</span> <span class={`origin ${s.origin}`}>{originLabel(s)}</span></span>
              <span class="meta">{s.description}</span>
              <span class="tags">{s.tags.map((t) => <span key={t} class="tag">{t}</span>)}</span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

function ServerDetails({ api, id }: { api: Api; id: string }) {
  const server = useLoad(() => api.server(id), [api, id]);
  const s: Server | null = server.data;
  const [replaced, setReplaced] = useState<ServerChanged | null>(null);
  return (
    <>
      <p class="crumbs"><a href={href({ screen: 'catalog' })}>Catalog</a> ›</p>
      <Title sub={s?.description}>{s?.display_name ?? id}</Title>
      <ErrorBox error={server.error} />
      {s && (
        <>
          <Section title="How it runs" id="runs">
            <dl class="facts">
              <div><dt>Id</dt><dd><code>{s.server_id}</code></dd></div>
              <div><dt>Origin</dt><dd>{s.origin === 'team' ? 'team (added from a server.json)' : 'built-in (read-only)'}</dd></div>
              <div><dt>Transport</dt><dd>{s.transport}</dd></div>
              {s.command && <div><dt>Command</dt><dd><code>{[s.command, ...s.args].join(' ')}</code></dd></div>}
              {s.url && <div><dt>URL</dt><dd><code>{s.url}</code></dd></div>}
              {s.npm_package && <div><dt>npm package</dt><dd><code>{s.npm_package}</code></dd></div>}
              {s.pypi_package && <div><dt>PyPI package</dt><dd><code>{s.pypi_package}</code></dd></div>}
              <div><dt>Tags</dt><dd>{s.tags.map((t) => <span key={t} class="tag">{t}</span>)}</dd></div>
              <div><dt>Documentation</dt><dd><a href={s.documentation_url} rel="noreferrer noopener" target="_blank">{s.documentation_url}</a></dd></div>
            </dl>
          </Section>
          <Section title="Parameters" id="parameters">
            {s.parameters.length === 0 ? <p class="meta">None.</p> : (
              <TableWrap label="Parameters"><table>
                <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Default</th><th scope="col">Example</th><th scope="col">What for</th></tr></thead>
                <tbody>{s.parameters.map((p) => (
                  <tr key={p.name}><td><code>{p.name}</code></td><td>{p.type}</td><td>{p.required ? 'yes' : 'no'}</td>
                    <td>{p.default === undefined || p.default === null ? '—' : <code>{JSON.stringify(p.default)}</code>}</td>
                    <td>{p.example === undefined || p.example === null ? '—' : <code>{JSON.stringify(p.example)}</code>}</td>
                    <td>{p.description}</td></tr>
                ))}</tbody>
              </table></TableWrap>
            )}
          </Section>
          <Section title="Environment variables" id="env">
            {s.env.length === 0 ? <p class="meta">None.</p> : (
              <TableWrap label="Environment variables"><table>
                <thead><tr><th scope="col">Name</th><th scope="col">Required</th><th scope="col">Secret</th><th scope="col">Example</th><th scope="col">What for</th></tr></thead>
                <tbody>{s.env.map((v) => (
                  <tr key={v.name}><td><code>{v.name}</code></td><td>{v.required ? 'yes' : 'no'}</td><td>{v.secret ? 'yes' : 'no'}</td>
                    <td>{v.example ? <code>{v.example}</code> : '—'}</td><td>{v.description}</td></tr>
                ))}</tbody>
              </table></TableWrap>
            )}
          </Section>
          {s.headers.length > 0 && (
            <Section title="Headers" id="headers">
              <TableWrap label="Headers"><table>
                <thead><tr><th scope="col">Name</th><th scope="col">Required</th><th scope="col">Secret</th><th scope="col">Prefix</th><th scope="col">What for</th></tr></thead>
                <tbody>{s.headers.map((h) => (
                  <tr key={h.name}><td><code>{h.name}</code></td><td>{h.required ? 'yes' : 'no'}</td><td>{h.secret ? 'yes' : 'no'}</td>
                    <td>{h.prefix ? <code>{h.prefix}</code> : '—'}</td><td>{h.description}</td></tr>
                ))}</tbody>
              </table></TableWrap>
            </Section>
          )}
          {s.origin === 'team' && (
            <Section title="Replace or remove" id="team-entry">
              <p class="meta">A team entry: replace it with a newer <code>server.json</code>, or remove it (drafts and artifacts that hold it keep their entries).</p>
              <ServerJsonForm id={s.server_id} onSend={(json) => api.replaceServer(s.server_id, json)}
                onDone={(changed) => { setReplaced(changed); server.set(changed.server); }} />
              {replaced && <p class="ok" role="status">✓ {replaced.message}</p>}
              <Remove api={api} server={s} />
            </Section>
          )}
        </>
      )}
    </>
  );
}

/** Remove a team entry, asked twice. */
function Remove({ api, server }: { api: Api; server: Server }) {
  const [asking, setAsking] = useState(false);
  const [remove, removing, error] = useAction(async () => {
    await api.removeServer(server.server_id);
    go({ screen: 'catalog' });
  });
  return (
    <div class="row remove">
      {asking ? (
        <span class="confirm">
          <Button kind="danger" onClick={() => void remove()} busy={removing} busyLabel="Removing…">
            Confirm: remove {server.server_id} from the catalog
          </Button>
          <Button kind="quiet" onClick={() => setAsking(false)}>Keep</Button>
        </span>
      ) : (
        <Button kind="danger" onClick={() => setAsking(true)}>Remove {server.server_id} from the catalog</Button>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
