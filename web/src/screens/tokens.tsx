// API tokens: create one with a scope (its secret shown once, with a copy button), list them
// with their scope and last use, revoke one.
import { useState } from 'preact/hooks';

import type { Api, Scope, TokenCreated } from '../api';
import { useLoad } from '../load';
import { Button, CopyButton, ErrorBox, Field, Section, TableWrap, Title, useAction, when } from '../ui';

const SCOPES: [Scope, string][] = [
  ['read', 'read — look, and pull deployed configs'],
  ['edit', 'edit — also change drafts and profiles'],
  ['publish', 'publish — also publish and deploy'],
  ['admin', 'admin — everything, tokens and keys too'],
];

/** The tokens screen. */
export function Tokens({ api }: { api: Api }) {
  const tokens = useLoad(() => api.tokens(), [api]);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const [create, creating, createError] = useAction(async () => {
    setCreated(null);
    const body: { name?: string; scope: Scope; expires_in_days?: number } = { scope };
    if (name.trim()) body.name = name.trim();
    if (days.trim()) body.expires_in_days = Number(days);
    setCreated(await api.createToken(body));
    setName('');
    setDays('');
    await tokens.reload();
  });
  return (
    <>
      <Title sub="Bearer tokens for the API, this console and machines that sync. Each has a scope.">Tokens</Title>
      <div class="grid2">
        <Section title="New token" id="new-token">
          <form onSubmit={(e) => { e.preventDefault(); void create(); }}>
            <Field id="token-name" label="Name" hint="Who or what uses it, e.g. laptop-sync.">
              <input id="token-name" value={name} aria-describedby="token-name-hint" onInput={(e) => setName(e.currentTarget.value)} />
            </Field>
            <Field id="token-scope" label="Scope" required>
              <select id="token-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)}>
                {SCOPES.map(([s, label]) => <option key={s} value={s}>{label}</option>)}
              </select>
            </Field>
            <Field id="token-days" label="Expires in (days)" hint="Empty: never.">
              <input id="token-days" type="number" min={1} step={1} value={days} aria-describedby="token-days-hint" onInput={(e) => setDays(e.currentTarget.value)} />
            </Field>
            <ErrorBox error={createError} />
            <Button type="submit" kind="primary" busy={creating} busyLabel="Creating…">Create token</Button>
          </form>
        </Section>
        {created && (
          <Section title="Your new token" id="created-token">
            <p class="notice">Copy it now: it is shown this once and stored only as a hash.</p>
            <p><code class="secret" id="new-token-value">{created.token}</code></p>
            <CopyButton text={created.token} label="Copy token" />
            <p class="meta">Id <code>{created.token_id}</code>, scope {created.scope}{created.expires_at ? `, expires ${when(created.expires_at)}` : ''}.</p>
          </Section>
        )}
      </div>
      <Section title="Tokens" id="token-list">
        <ErrorBox error={tokens.error} />
        {tokens.loading && !tokens.data && <p class="loading" role="status">Loading the tokens…</p>}
        {tokens.data && tokens.data.tokens.length === 0 && <p class="empty">No tokens.</p>}
        {tokens.data && tokens.data.tokens.length > 0 && (
          <TableWrap label="Tokens"><table class="tokens">
            <thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Scope</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Uses</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>{tokens.data.tokens.map((t) => (
              <tr key={t.token_id} data-token={t.token_id}>
                <td>{t.name ?? '—'}</td><td><code>{t.token_id}</code></td><td><span class="badge">{t.scope}</span></td>
                <td>{when(t.created_at)}</td><td>{when(t.last_used)}</td><td>{t.usage_count}</td><td>{t.expires_at ? when(t.expires_at) : 'never'}</td>
                <td><Revoke api={api} id={t.token_id} label={t.name ?? t.token_id} onRevoked={() => tokens.reload()} /></td>
              </tr>
            ))}</tbody>
          </table></TableWrap>
        )}
      </Section>
    </>
  );
}

/** Revoke, asked twice so a slip of the finger does not lock a machine out. */
function Revoke({ api, id, label, onRevoked }: { api: Api; id: string; label: string; onRevoked: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [revoke, revoking, error] = useAction(async () => {
    await api.revokeToken(id);
    await onRevoked();
  });
  if (!asking) return <Button kind="quiet" onClick={() => setAsking(true)} aria-label={`Revoke ${label}`}>Revoke</Button>;
  return (
    <span class="confirm">
      <Button kind="danger" onClick={() => void revoke()} busy={revoking} busyLabel="Revoking…" aria-label={`Confirm: revoke ${label}`}>Confirm revoke</Button>
      <Button kind="quiet" onClick={() => setAsking(false)}>Keep</Button>
      <ErrorBox error={error} />
    </span>
  );
}
