// The artifacts of a profile, newest first, each with its signature checked in the browser, and
// a side-by-side diff of any two computed by the core in the browser.
import type { Artifact, Diff, Payload } from 'mcp-orchestration-core/web';
import { useState } from 'preact/hooks';

import type { PublicKeyInfo } from '../api';
import { diffConfigs } from '../core';
import { useCore } from '../hooks';
import { ErrorBox, Field, pretty, Section, shortId, TableWrap, when } from '../ui';
import { changelogOf } from './deploy';
import { SignatureMark } from './signature';

type Props = { artifacts: Artifact[]; loading: boolean; error: unknown; keys: PublicKeyInfo | null; deployedId: string | null };

/** The history and the diff. */
export function HistoryPanel({ artifacts, loading, error, keys, deployedId }: Props) {
  return (
    <Section title="History" id="history">
      <ErrorBox error={error} />
      {loading && artifacts.length === 0 && <p class="loading" role="status">Loading the history…</p>}
      {!loading && artifacts.length === 0 && <p class="empty">Nothing published yet.</p>}
      {artifacts.length > 0 && (
        <TableWrap label="Published artifacts">
          <table class="history">
            <caption class="sr-only">Published artifacts, newest first</caption>
            <thead><tr><th scope="col">Artifact</th><th scope="col">Published</th><th scope="col">Changelog</th><th scope="col">Servers</th><th scope="col">Signature</th></tr></thead>
            <tbody>
              {artifacts.map((a) => (
                <tr key={a.artifact_id} data-artifact={a.artifact_id}>
                  <td><code title={a.artifact_id}>{shortId(a.artifact_id)}</code>{a.artifact_id === deployedId && <span class="badge deployed">deployed</span>}</td>
                  <td>{when(a.created_at)}</td>
                  <td>{changelogOf(a) || '—'}</td>
                  <td>{Object.keys((a.payload as Payload | null)?.mcpServers ?? {}).length}</td>
                  <td><SignatureMark artifact={a} keys={keys} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {artifacts.length > 1 && <Compare artifacts={artifacts} />}
    </Section>
  );
}

/** Two artifacts side by side, server by server, with what changed. */
function Compare({ artifacts }: { artifacts: Artifact[] }) {
  const ready = useCore();
  const [from, setFrom] = useState(artifacts[1]?.artifact_id ?? '');
  const [to, setTo] = useState(artifacts[0]?.artifact_id ?? '');
  const a = artifacts.find((x) => x.artifact_id === from);
  const b = artifacts.find((x) => x.artifact_id === to);
  let diff: Diff | null = null;
  let error: unknown = null;
  if (ready === true && a && b) {
    try {
      diff = diffConfigs(a.payload as Payload, b.payload as Payload);
    } catch (e) {
      error = e;
    }
  }
  const option = (x: Artifact) => <option key={x.artifact_id} value={x.artifact_id}>{shortId(x.artifact_id)} · {when(x.created_at)}{changelogOf(x) ? ` · ${changelogOf(x)}` : ''}</option>;
  const left = ((a?.payload as Payload | undefined)?.mcpServers ?? {}) as Record<string, unknown>;
  const right = ((b?.payload as Payload | undefined)?.mcpServers ?? {}) as Record<string, unknown>;
  const names = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  const state = (n: string) => diff?.added.includes(n) ? 'added' : diff?.removed.includes(n) ? 'removed' : diff?.modified.includes(n) ? 'modified' : 'same';
  return (
    <div class="compare" id="compare">
      <h3>Compare two versions</h3>
      <div class="grid2">
        <Field id="diff-from" label="From (older)">
          <select id="diff-from" value={from} onChange={(e) => setFrom(e.currentTarget.value)}>{artifacts.map(option)}</select>
        </Field>
        <Field id="diff-to" label="To (newer)">
          <select id="diff-to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>{artifacts.map(option)}</select>
        </Field>
      </div>
      <ErrorBox error={error} />
      {diff && (
        <>
          <p class="diff-summary" role="status">
            {diff.total_changes === 0 ? 'The two are the same.' : `${diff.added.length} added, ${diff.removed.length} removed, ${diff.modified.length} modified, ${diff.unchanged.length} unchanged.`}
          </p>
          <TableWrap label="Side-by-side diff">
            <table class="diff">
              <caption class="sr-only">Entries of {shortId(from)} and {shortId(to)} side by side</caption>
              <thead><tr><th scope="col">Entry</th><th scope="col">{shortId(from)}</th><th scope="col">{shortId(to)}</th></tr></thead>
              <tbody>
                {names.map((n) => (
                  <tr key={n} class={state(n)} data-entry={n}>
                    <th scope="row">{n}<span class="sr-only"> ({state(n)})</span><span class={`badge ${state(n)}`} aria-hidden="true">{state(n)}</span></th>
                    <td>{n in left ? <pre>{pretty(left[n])}</pre> : <span class="meta">absent</span>}</td>
                    <td>{n in right ? <pre>{pretty(right[n])}</pre> : <span class="meta">absent</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {diff.changes.length > 0 && (
            <details>
              <summary>Field by field ({diff.changes.length})</summary>
              <pre class="code">{diff.diff}</pre>
            </details>
          )}
        </>
      )}
    </div>
  );
}
