// Validate the draft (issues shown next to the entries they concern) and publish it as a signed
// artifact with a changelog; signing keys can be created here when there are none yet.
import type { Report } from 'mcp-orchestration-core/web';
import { useState } from 'preact/hooks';

import { type Api, ApiError, type PublicKeyInfo, type Published } from '../api';
import type { Loaded } from '../load';
import { href } from '../route';
import { Button, ErrorBox, Field, Section, shortId, useAction } from '../ui';
import { IssueLine } from './draft';

type Props = {
  api: Api; client: string; profile: string; draftCount: number;
  report: Report | null; onReport: (r: Report) => void;
  keys: Loaded<PublicKeyInfo>; onPublished: () => void;
};

/** Validation and publishing. */
export function PublishPanel({ api, client, profile, draftCount, report, onReport, keys, onPublished }: Props) {
  const [changelog, setChangelog] = useState('');
  const [published, setPublished] = useState<Published | null>(null);
  const [validate, validating, validateError] = useAction(async () => {
    onReport(await api.validate(client, profile));
  });
  const [publish, publishing, publishError] = useAction(async () => {
    setPublished(null);
    try {
      setPublished(await api.publish(client, profile, changelog));
      setChangelog('');
      onPublished();
    } catch (e) {
      // A refused publish carries the validation report: show it next to the entries.
      if (e instanceof ApiError && e.code === 'VALIDATION_FAILED') {
        onReport({ valid: false, server_count: draftCount, errors: asIssues(e.fields.errors), warnings: asIssues(e.fields.warnings) });
      }
      throw e;
    }
  });
  const [init, initializing, initError] = useAction(async () => {
    await api.initKeys(false);
    await keys.reload();
  });
  const noKeys = keys.error instanceof ApiError && keys.error.code === 'KEYS_NOT_FOUND';
  const general = [...(report?.errors ?? []), ...(report?.warnings ?? [])].filter((i) => !i.server);
  return (
    <Section title="Validate & publish" id="publish">
      <div class="row">
        <Button onClick={() => void validate()} busy={validating} busyLabel="Validating…" disabled={draftCount === 0}>Validate</Button>
        <div role="status" class="validation">
          {report && (report.valid
            ? <p class="ok">✓ Valid: {report.server_count} {report.server_count === 1 ? 'server' : 'servers'}{report.warnings.length ? `, ${report.warnings.length} warning(s)` : ''}.</p>
            : <p class="bad">✗ Not valid: {report.errors.length} error(s){report.warnings.length ? `, ${report.warnings.length} warning(s)` : ''}; see the entries above.</p>)}
        </div>
      </div>
      {general.length > 0 && <ul class="issues" aria-label="Issues of the whole draft">{general.map((i, n) => <IssueLine key={n} issue={i} />)}</ul>}
      <ErrorBox error={validateError} />
      {noKeys && (
        <div class="notice">
          <p>Publishing signs the draft, and this server has no signing keys yet.</p>
          <Button onClick={() => void init()} busy={initializing} busyLabel="Creating keys…">Initialize signing keys</Button>
          <ErrorBox error={initError} />
        </div>
      )}
      {keys.error && !noKeys ? <ErrorBox error={keys.error} /> : null}
      <form onSubmit={(e) => { e.preventDefault(); void publish(); }}>
        <Field id="changelog" label="Changelog" hint="What changed, for the history (optional).">
          <input id="changelog" value={changelog} aria-describedby="changelog-hint" onInput={(e) => setChangelog(e.currentTarget.value)} />
        </Field>
        <Button type="submit" kind="primary" busy={publishing} busyLabel="Publishing…" disabled={draftCount === 0}>Publish</Button>
      </form>
      <ErrorBox error={publishError} />
      {published && (
        <p class="ok" role="status">
          Published artifact <code title={published.artifact_id}>{shortId(published.artifact_id)}</code> with {published.server_count} {published.server_count === 1 ? 'server' : 'servers'}. <a href={`${href({ screen: 'profile', client, profile })}`} onClick={(e) => { e.preventDefault(); document.getElementById('deploy')?.scrollIntoView(); document.querySelector<HTMLElement>('#deploy h2')?.focus(); }}>Deploy it</a>
        </p>
      )}
    </Section>
  );
}

function asIssues(value: unknown): Report['errors'] {
  return Array.isArray(value) ? (value as Report['errors']) : [];
}
