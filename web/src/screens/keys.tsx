// The signing keys: the current public key (and the archived ones), initialisation and rotation.
import { useState } from 'preact/hooks';

import { type Api, ApiError } from '../api';
import { useLoad } from '../load';
import { Button, CopyButton, ErrorBox, Section, Title, useAction } from '../ui';

/** The keys screen. */
export function Keys({ api }: { api: Api }) {
  const keys = useLoad(() => api.publicKey(), [api]);
  const [message, setMessage] = useState('');
  const [sure, setSure] = useState(false);
  const [init, initializing, initError] = useAction(async (regenerate: boolean) => {
    setMessage((await api.initKeys(regenerate)).message);
    setSure(false);
    await keys.reload();
  });
  const none = keys.error instanceof ApiError && keys.error.code === 'KEYS_NOT_FOUND';
  const k = keys.data;
  return (
    <>
      <Title sub="Artifacts are signed with Ed25519; machines and this console verify them with the public key.">Signing keys</Title>
      {!none && <ErrorBox error={keys.error} />}
      {message && <p class="ok" role="status">{message}</p>}
      <ErrorBox error={initError} />
      {none && (
        <Section title="No keys yet" id="keys-none">
          <p>Publishing needs signing keys. Create them once; the private key stays on the server.</p>
          <Button kind="primary" onClick={() => void init(false)} busy={initializing} busyLabel="Creating keys…">Initialize signing keys</Button>
        </Section>
      )}
      {k && (
        <>
          <Section title="Current key" id="key-current">
            <dl class="facts">
              <div><dt>Key id</dt><dd><code id="key-id">{k.key_id}</code></dd></div>
              <div><dt>Algorithm</dt><dd>{k.algorithm}</dd></div>
            </dl>
            <pre class="code" tabIndex={0} aria-label="Public key (PEM)">{k.public_key}</pre>
            <CopyButton text={k.public_key} label="Copy public key" />
          </Section>
          {k.keys.filter((x) => x.key_id !== k.key_id).length > 0 && (
            <Section title="Archived keys" id="key-archived">
              <p class="meta">Rotated out; artifacts they signed still verify.</p>
              <ul class="list">{k.keys.filter((x) => x.key_id !== k.key_id).map((x) => <li key={x.key_id}><code>{x.key_id}</code></li>)}</ul>
            </Section>
          )}
          <Section title="Rotate" id="key-rotate">
            <p>A new key signs from now on; the current one is archived so what it signed keeps verifying. Machines that pinned it must accept the new key.</p>
            <label class="check"><input type="checkbox" checked={sure} onChange={(e) => setSure(e.currentTarget.checked)} /> I want a new signing key</label>
            <Button kind="danger" onClick={() => void init(true)} busy={initializing} busyLabel="Rotating…" disabled={!sure}>Rotate the key</Button>
          </Section>
        </>
      )}
    </>
  );
}
