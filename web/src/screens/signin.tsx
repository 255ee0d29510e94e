// Signing in with an issued token or the server's API key, checked against the server at once.
import { useState } from 'preact/hooks';

import { ApiError, type Credential, type CredentialKind, request } from '../api';
import { Button, ErrorBox, Field, useAction } from '../ui';

/** The sign-in form; `ended` is the 401 that signed the user out, if one did. */
export function SignIn({ onSignedIn, ended }: { onSignedIn: (c: Credential) => void; ended: ApiError | null }) {
  const [kind, setKind] = useState<CredentialKind>('token');
  const [value, setValue] = useState('');
  const [submit, busy, error] = useAction(async () => {
    const credential = { kind, value: value.trim() };
    // Any authenticated read tells whether the server takes the credential.
    await request(credential, 'GET', '/v1/clients');
    onSignedIn(credential);
  });
  const refused = error instanceof ApiError && error.status === 401;
  return (
    <main id="main" class="signin">
      <div class="card">
        <h1>mcp-orchestration</h1>
        <p class="sub">Sign in to manage your AI apps’ MCP servers.</p>
        {ended && !error && (
          <div class="notice" role="status">
            <p>You were signed out: {ended.message}</p>
          </div>
        )}
        <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
          <fieldset class="choice">
            <legend>Sign in with</legend>
            <label><input type="radio" name="kind" value="token" checked={kind === 'token'} onChange={() => setKind('token')} /> a token</label>
            <label><input type="radio" name="kind" value="api-key" checked={kind === 'api-key'} onChange={() => setKind('api-key')} /> the API key</label>
          </fieldset>
          <Field id="credential" label={kind === 'token' ? 'Token' : 'API key'} required
            hint={kind === 'token'
              ? <>The token <code>serve</code> printed on first start, or one from <code>mcp-orchestration token create</code>.</>
              : <>The value of <code>MCP_ORCHESTRATION_API_KEY</code> on the server.</>}>
            <input id="credential" type="password" autocomplete="current-password" required spellcheck={false}
              aria-describedby="credential-hint" value={value}
              onInput={(e) => setValue(e.currentTarget.value)} />
          </Field>
          {refused ? (
            <div class="error" role="alert">
              <p>The server refused this {kind === 'token' ? 'token' : 'API key'}: it is wrong, revoked or expired.</p>
              <p class="meta">{(error as ApiError).message} · <code>{(error as ApiError).code}</code></p>
            </div>
          ) : <ErrorBox error={error} />}
          <Button type="submit" kind="primary" busy={busy} busyLabel="Signing in…" disabled={!value.trim()}>Sign in</Button>
        </form>
        <p class="meta">Kept for this browser tab only (sessionStorage). The API is documented at <a href="/docs">/docs</a>.</p>
      </div>
    </main>
  );
}
