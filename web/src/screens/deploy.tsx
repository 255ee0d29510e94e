// Deploy: choose the latest or any artifact, preview what the deploy adds, updates, removes and
// leaves alone (a dry run), take over conflicting entries if wanted, then write.
import type { Artifact } from 'mcp-orchestration-core/web';
import { useState } from 'preact/hooks';

import { type Api, ApiError, type Deployed, type DeployedArtifact, type PublicKeyInfo } from '../api';
import { Button, ErrorBox, Field, Section, shortId, useAction, when } from '../ui';
import { SignatureMark } from './signature';

type Props = {
  api: Api; client: string; profile: string; artifacts: Artifact[]; keys: PublicKeyInfo | null;
  deployed: DeployedArtifact | null; onDeployed: () => void;
};

/** The deploy step. */
export function DeployPanel({ api, client, profile, artifacts, keys, deployed, onDeployed }: Props) {
  const [choice, setChoice] = useState('');
  const [adopt, setAdopt] = useState(false);
  const [preview, setPreview] = useState<Deployed | null>(null);
  const [done, setDone] = useState<Deployed | null>(null);
  const body = (dry_run: boolean) => ({ ...(choice ? { artifact_id: choice } : {}), dry_run, adopt });
  const [runPreview, previewing, previewError] = useAction(async () => {
    setPreview(null);
    setDone(null);
    setPreview(await api.deploy(client, profile, body(true)));
  });
  const [runDeploy, deploying, deployError] = useAction(async () => {
    setDone(await api.deploy(client, profile, body(false)));
    setPreview(null);
    onDeployed();
  });
  const reset = () => { setPreview(null); setDone(null); };
  const conflicts = previewError instanceof ApiError ? previewError.conflicts : [];
  return (
    <Section title="Deploy" id="deploy">
      {deployed ? (
        <p class="deployed-now">
          Deployed now: <code title={deployed.artifact_id}>{shortId(deployed.artifact_id)}</code>, {when(deployed.deployed_at)}
          {deployed.config_path ? <> to <code>{deployed.config_path}</code></> : null}{' '}
          <SignatureMark artifact={deployed} keys={keys} />
        </p>
      ) : <p class="meta">Nothing deployed from this profile yet.</p>}
      {artifacts.length === 0 ? <p class="empty">Publish the draft first: a deploy writes a published artifact.</p> : (
        <form onSubmit={(e) => { e.preventDefault(); void runPreview(); }}>
          <Field id="deploy-artifact" label="Artifact to deploy">
            <select id="deploy-artifact" value={choice} onChange={(e) => { setChoice(e.currentTarget.value); reset(); }}>
              <option value="">Latest published ({shortId(artifacts[0]?.artifact_id ?? '')})</option>
              {artifacts.map((a) => (
                <option key={a.artifact_id} value={a.artifact_id}>
                  {shortId(a.artifact_id)} · {when(a.created_at)}{changelogOf(a) ? ` · ${changelogOf(a)}` : ''}
                </option>
              ))}
            </select>
          </Field>
          {(conflicts.length > 0 || adopt) && (
            <div class="notice">
              {conflicts.length > 0 && <p>The file already has entries of these names that this profile did not write: {conflicts.map((c) => <code key={c}>{c}</code>)}.</p>}
              <label class="check">
                <input type="checkbox" checked={adopt} onChange={(e) => { setAdopt(e.currentTarget.checked); reset(); }} />
                Take them over (adopt): the deploy replaces them and owns them from now on
              </label>
            </div>
          )}
          <Button type="submit" busy={previewing} busyLabel="Previewing…">Preview deploy</Button>
        </form>
      )}
      <ErrorBox error={previewError} />
      <Unresolved error={previewError} />
      {preview && (
        <div class="preview" aria-labelledby="preview-title">
          <h3 id="preview-title">What the deploy of <code>{shortId(preview.artifact_id)}</code> will do</h3>
          {preview.config_path && <p class="meta">File: <code>{preview.config_path}</code></p>}
          <Outcome result={preview} />
          <Button kind="primary" onClick={() => void runDeploy()} busy={deploying} busyLabel="Deploying…">Deploy now</Button>
        </div>
      )}
      <ErrorBox error={deployError} />
      <Unresolved error={deployError} />
      {done && (
        <div class="ok-box" role="status">
          <p class="ok">✓ {done.message}</p>
          {done.config_path && <p class="meta">Wrote <code>{done.config_path}</code>{done.backup_path ? <>; the previous file is kept as <code>{done.backup_path}</code></> : null}.</p>}
          <Outcome result={done} />
        </div>
      )}
    </Section>
  );
}

/** What to do about a secret the machine writing the file lacks. */
function Unresolved({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || error.code !== 'SECRET_UNRESOLVED') return null;
  return (
    <p class="notice">
      This client’s file cannot refer to a secret, so the machine that writes it fills the value in: set it in the
      server’s environment or in <code>$MCP_ORCHESTRATION_HOME/secrets.json</code> (private to its owner), then deploy again.
    </p>
  );
}

/** The entries a deploy adds, updates, removes and leaves alone. */
function Outcome({ result }: { result: Deployed }) {
  const rows: [string, string[], string][] = [
    ['Added', result.added, 'added'], ['Updated', result.updated, 'modified'], ['Removed', result.removed, 'removed'],
    ['Unchanged', result.unchanged, 'same'], ['Left alone (not this profile’s)', result.left_alone, 'same'],
  ];
  return (
    <dl class="outcome">
      {rows.map(([label, names, cls]) => (
        <div key={label} class={names.length ? cls : 'none'}>
          <dt>{label}</dt>
          <dd>{names.length ? names.map((n) => <code key={n}>{n}</code>) : '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The changelog an artifact was published with. */
export function changelogOf(a: Artifact): string {
  const c = a.metadata?.changelog;
  return typeof c === 'string' ? c : '';
}
