// One client profile, in the order of the work: the draft, validate, publish, deploy, history.
import type { Artifact, Report } from 'mcp-orchestration-core/web';
import { useState } from 'preact/hooks';

import { type Api, ApiError, type DeployedArtifact } from '../api';
import { useLoad } from '../load';
import { href } from '../route';
import { ErrorBox, Title } from '../ui';
import { DeployPanel } from './deploy';
import { DraftPanel } from './draft';
import { HistoryPanel } from './history';
import { ImportPanel } from './import';
import { PublishPanel } from './publish';

/** The workspace of one client's profile. */
export function Profile({ api, client, profile }: { api: Api; client: string; profile: string }) {
  const clients = useLoad(() => api.clients(), [api]);
  const draft = useLoad(() => api.draft(client, profile), [api, client, profile]);
  const history = useLoad(() => api.history(client, profile).then((h) => h.artifacts), [api, client, profile]);
  const keys = useLoad(() => api.publicKey(), [api]);
  const deployed = useLoad(() => api.deployed(client, profile).catch(nothingDeployed), [api, client, profile]);
  const [report, setReport] = useState<Report | null>(null);
  const info = clients.data?.clients.find((c) => c.client_id === client);
  const artifacts: Artifact[] = history.data ?? [];
  const here = href({ screen: 'profile', client, profile });

  return (
    <>
      <p class="crumbs">
        <a href={href({ screen: 'clients' })}>Clients</a> › <a href={href({ screen: 'client', client })}>{info?.display_name ?? client}</a> ›
      </p>
      <Title sub={<>Profile of {info?.display_name ?? client}. Build the draft, validate it, publish it as a signed artifact, deploy it.</>}>
        {profile}
      </Title>
      <ErrorBox error={clients.error ?? draft.error} />
      <nav class="steps" aria-label="Steps">
        <a href={here} onClick={jump('draft')}>1 Draft</a>
        <a href={here} onClick={jump('publish')}>2 Validate &amp; publish</a>
        <a href={here} onClick={jump('deploy')}>3 Deploy</a>
        <a href={here} onClick={jump('history')}>4 History</a>
      </nav>
      <ImportPanel api={api} client={client} profile={profile} clientInfo={info ?? null}
        onDraft={(d) => { draft.set(d); setReport(null); }} />
      <DraftPanel api={api} client={client} profile={profile} clientInfo={info ?? null}
        draft={draft.data} onDraft={(d) => { draft.set(d); setReport(null); }} report={report} />
      <PublishPanel api={api} client={client} profile={profile} draftCount={draft.data?.server_count ?? 0}
        report={report} onReport={setReport} keys={keys}
        onPublished={() => { void history.reload(); }} />
      <DeployPanel api={api} client={client} profile={profile} artifacts={artifacts} keys={keys.data}
        deployed={deployed.data} onDeployed={() => { void deployed.reload(); }} />
      <HistoryPanel artifacts={artifacts} loading={history.loading} error={history.error} keys={keys.data}
        deployedId={deployed.data?.artifact_id ?? null} />
    </>
  );
}

/** Scrolls to a section without changing the route in the hash. */
function jump(id: string) {
  return (e: Event) => {
    e.preventDefault();
    const el = document.getElementById(id);
    el?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    el?.querySelector<HTMLElement>('h2')?.focus();
  };
}

/** "Nothing deployed yet" is an answer, not an error. */
function nothingDeployed(e: unknown): DeployedArtifact | null {
  if (e instanceof ApiError && e.code === 'NOTHING_DEPLOYED') return null;
  throw e;
}
