// The client apps, and one client's profiles: create a profile, set its path override.
import { useState } from 'preact/hooks';

import type { Api } from '../api';
import { useLoad } from '../load';
import { go, href } from '../route';
import { Button, ErrorBox, Field, Section, Title, useAction } from '../ui';

/** Every client app the server knows. */
export function Clients({ api }: { api: Api }) {
  const clients = useLoad(() => api.clients(), [api]);
  return (
    <>
      <Title sub="Pick the app whose MCP servers you want to manage.">Clients</Title>
      <ErrorBox error={clients.error} />
      {clients.loading && !clients.data && <p class="loading" role="status">Loading the clients…</p>}
      <ul class="cards" aria-label="Client apps">
        {clients.data?.clients.map((c) => (
          <li key={c.client_id} class="card-item">
            <a class="card-link" href={href({ screen: 'client', client: c.client_id })}>
              <span class="card-title">{c.display_name}</span>
              <span class="meta">{c.config_format.toUpperCase()} · <code>{c.servers_key}</code>
                {c.limitations.max_servers ? ` · at most ${c.limitations.max_servers} servers` : ''}</span>
              <span class="meta path">{c.config_path ?? 'no config path known on this system'}</span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

/** One client app: its profiles, a new profile, a profile's path override. */
export function Client({ api, client }: { api: Api; client: string }) {
  const clients = useLoad(() => api.clients(), [api]);
  const profiles = useLoad(() => api.profiles(client), [api, client]);
  const info = clients.data?.clients.find((c) => c.client_id === client);
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [create, creating, createError] = useAction(async () => {
    await api.putProfile(client, name.trim(), path.trim() || undefined);
    go({ screen: 'profile', client, profile: name.trim() });
  });
  const [target, setTarget] = useState('');
  const [overridePath, setOverridePath] = useState('');
  const [saved, setSaved] = useState('');
  const [setOverride, saving, overrideError] = useAction(async () => {
    await api.putProfile(client, target, overridePath.trim() || null);
    setSaved(overridePath.trim() ? `Profile ${target} now deploys to ${overridePath.trim()}.` : `Profile ${target} deploys to the client's usual file again.`);
    await profiles.reload();
  });
  const list = profiles.data?.profiles ?? [];
  return (
    <>
      <p class="crumbs"><a href={href({ screen: 'clients' })}>Clients</a> ›</p>
      <Title sub={info ? <>Config file: <code>{info.config_path ?? 'unknown on this system'}</code> ({info.config_format})</> : null}>
        {info?.display_name ?? client}
      </Title>
      <ErrorBox error={clients.error ?? profiles.error} />
      {info?.notes && <p class="note">{info.notes}</p>}
      <Section title="Profiles" id="profiles">
        {profiles.loading && !profiles.data && <p class="loading" role="status">Loading the profiles…</p>}
        <ul class="list" aria-label="Profiles">
          {list.map((p) => (
            <li key={p}>
              <a href={href({ screen: 'profile', client, profile: p })}>{p}</a>
              {profiles.data?.config_paths[p] && <span class="meta"> → <code>{profiles.data.config_paths[p]}</code></span>}
            </li>
          ))}
        </ul>
      </Section>
      <div class="grid2">
        <Section title="New profile" id="new-profile">
          <form onSubmit={(e) => { e.preventDefault(); void create(); }}>
            <Field id="profile-name" label="Profile name" required hint="Letters, digits, '.', '_' or '-', e.g. work or team-a.">
              <input id="profile-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" aria-describedby="profile-name-hint"
                value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </Field>
            <Field id="profile-path" label="Path override (optional)" hint="Another config file for this profile (WSL, a remote). Needs the admin scope.">
              <input id="profile-path" aria-describedby="profile-path-hint" value={path} spellcheck={false}
                onInput={(e) => setPath(e.currentTarget.value)} placeholder={info?.config_path ?? ''} />
            </Field>
            <ErrorBox error={createError} />
            <Button type="submit" kind="primary" busy={creating} busyLabel="Creating…" disabled={!name.trim()}>Create profile</Button>
          </form>
        </Section>
        <Section title="Path override" id="path-override">
          <form onSubmit={(e) => { e.preventDefault(); void setOverride(); }}>
            <Field id="override-profile" label="Profile" required>
              <select id="override-profile" required value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
                <option value="">Choose a profile</option>
                {list.map((p) => <option key={p} value={p}>{p}</option>)}
              </select>
            </Field>
            <Field id="override-path" label="Config file path" hint="Empty: back to the client's usual file.">
              <input id="override-path" aria-describedby="override-path-hint" value={overridePath} spellcheck={false}
                onInput={(e) => setOverridePath(e.currentTarget.value)} />
            </Field>
            <ErrorBox error={overrideError} />
            {saved && !overrideError && <p role="status" class="ok">{saved}</p>}
            <Button type="submit" busy={saving} busyLabel="Saving…" disabled={!target}>Save path</Button>
          </form>
        </Section>
      </div>
    </>
  );
}
