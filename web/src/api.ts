// The console's one way to the server: `/v1` on the same origin, with the signed-in credential.
import type {
  Artifact, ClientList, Diff, DraftImported, Payload, Report, Server, ServerJson, ServerList, Setting,
} from 'mcp-orchestration-core/web';

/** How the credential is sent: an issued token as `Authorization: Bearer`, the API key as `X-API-Key`. */
export type CredentialKind = 'token' | 'api-key';

/** What the user signed in with, kept in this tab's sessionStorage. */
export type Credential = { kind: CredentialKind; value: string };

const STORAGE_KEY = 'mcp-orchestration.console.credential';

/** The credential saved in this tab, if any. */
export function savedCredential(): Credential | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Credential>;
    if ((parsed.kind === 'token' || parsed.kind === 'api-key') && typeof parsed.value === 'string') {
      return { kind: parsed.kind, value: parsed.value };
    }
  } catch { /* unreadable: treated as signed out */ }
  return null;
}

/** Saves the credential for this tab, or forgets it (`null`). */
export function saveCredential(credential: Credential | null): void {
  if (credential) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** An answer that is not a 2xx: the API's error body (`detail`, `code`, and its own fields). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, fields: Record<string, unknown> = {}) {
    super(detail);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** The entry names a 409 `ENTRY_CONFLICT` lists. */
  get conflicts(): string[] {
    const c = this.fields.conflicts;
    return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string') : [];
  }

  /** The scope a 403 `INSUFFICIENT_SCOPE` names. */
  get requiredScope(): string | null {
    return typeof this.fields.required_scope === 'string' ? this.fields.required_scope : null;
  }
}

/** Called with the error of every 401, so the app can sign out. */
let onUnauthorized: (err: ApiError) => void = () => {};
export function setUnauthorizedHandler(handler: (err: ApiError) => void): void {
  onUnauthorized = handler;
}

/** One request to `/v1…` with the credential; the parsed JSON answer, or an `ApiError`. */
export async function request<T>(
  credential: Credential, method: string, path: string, body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (credential.kind === 'token') headers.Authorization = `Bearer ${credential.value}`;
  else headers['X-API-Key'] = credential.value;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', `The server could not be reached: ${String(e)}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (res.ok) return json as T;
  const fields = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const detail = typeof fields.detail === 'string' ? fields.detail : `HTTP ${res.status}: ${text.slice(0, 200)}`;
  const code = typeof fields.code === 'string' ? fields.code : `HTTP_${res.status}`;
  const err = new ApiError(res.status, code, detail, fields);
  if (res.status === 401) onUnauthorized(err);
  throw err;
}

const seg = encodeURIComponent;

/** A client's profiles and their path overrides. */
export type ProfileList = { client_id: string; profiles: string[]; config_paths: Record<string, string> };
/** A draft as `GET …/draft` answers it. */
export type DraftView = { mcpServers: Record<string, unknown>; server_count: number };
/** The answer of a draft add or remove. */
export type DraftChanged = { draft: DraftView; message: string; server_count: number };
/** The answer of adding, replacing or removing a team server. */
export type ServerChanged = { message: string; server: Server; status: string };
/** What `draft/add` takes: the server, the entry's name, its parameters, env vars and headers. */
export type AddBody = {
  server_id: string; name?: string; params?: Record<string, unknown>;
  env?: Record<string, Setting>; headers?: Record<string, Setting>;
};
/** The answer of a publish. */
export type Published = { artifact_id: string; created_at: string; message: string; server_count: number; warnings: Report['warnings'] };
/** The answer of a deploy (or of its dry run). */
export type Deployed = {
  artifact_id: string; config_path?: string | null; backup_path?: string | null; deployed: boolean;
  dry_run: boolean; message: string; added: string[]; updated: string[]; removed: string[];
  unchanged: string[]; left_alone: string[];
};
/** The artifact a profile has deployed. */
export type DeployedArtifact = Artifact & { deployed_at: string; config_path?: string | null };
/** The signing key and the archived ones. */
export type PublicKeyInfo = { algorithm: string; key_id: string; public_key: string; keys: { key_id: string; public_key: string }[] };
/** The answer of key initialisation. */
export type KeysInitialized = { key_id: string; message: string };
/** A scope of a token. */
export type Scope = 'read' | 'edit' | 'publish' | 'admin';
/** A token as the listing shows it. */
export type TokenInfo = {
  token_id: string; name?: string | null; scope: Scope; created_at: string;
  expires_at?: string | null; last_used?: string | null; usage_count: number;
};
/** A token just created: the secret is shown this once. */
export type TokenCreated = TokenInfo & { token: string; message: string };

/** The `/v1` operations the console uses, bound to one credential. */
export function api(c: Credential) {
  const cfg = (client: string, profile: string) => `/v1/config/${seg(client)}/${seg(profile)}`;
  return {
    clients: () => request<ClientList>(c, 'GET', '/v1/clients'),
    profiles: (client: string) => request<ProfileList>(c, 'GET', `/v1/clients/${seg(client)}/profiles`),
    /** Creates a profile; `config_path` sets its override (a string) or clears it (`null`). */
    putProfile: (client: string, profile_id: string, config_path?: string | null) =>
      request<unknown>(c, 'POST', `/v1/clients/${seg(client)}/profiles`,
        config_path === undefined ? { profile_id } : { profile_id, config_path }),
    servers: (q: string, transport: string) => {
      const params = new URLSearchParams();
      if (q.trim()) params.set('q', q.trim());
      if (transport) params.set('transport', transport);
      const query = params.toString();
      return request<ServerList>(c, 'GET', `/v1/servers${query ? `?${query}` : ''}`);
    },
    server: (id: string) => request<Server>(c, 'GET', `/v1/servers/${seg(id)}`),
    /** Adds a team server from its `server.json`. */
    addServer: (json: ServerJson) => request<ServerChanged>(c, 'POST', '/v1/servers', json),
    /** Replaces the team server `id` with this `server.json`. */
    replaceServer: (id: string, json: ServerJson) => request<ServerChanged>(c, 'PUT', `/v1/servers/${seg(id)}`, json),
    removeServer: (id: string) => request<ServerChanged>(c, 'DELETE', `/v1/servers/${seg(id)}`),
    draft: (client: string, profile: string) => request<DraftView>(c, 'GET', `${cfg(client, profile)}/draft`),
    addToDraft: (client: string, profile: string, body: AddBody) =>
      request<DraftChanged>(c, 'POST', `${cfg(client, profile)}/draft/add`, body),
    /** Makes the draft from a client file's text, or (`null`, native host) from the profile's own file. */
    importFile: (client: string, profile: string, text: string | null) =>
      request<DraftImported>(c, 'POST', `${cfg(client, profile)}/import`, text === null ? {} : { text }),
    removeFromDraft: (client: string, profile: string, name: string) =>
      request<DraftChanged>(c, 'POST', `${cfg(client, profile)}/draft/remove`, { server_id: name }),
    validate: (client: string, profile: string) => request<Report>(c, 'POST', `${cfg(client, profile)}/validate`),
    publish: (client: string, profile: string, changelog: string) =>
      request<Published>(c, 'POST', `${cfg(client, profile)}/publish`, changelog.trim() ? { changelog: changelog.trim() } : {}),
    deploy: (client: string, profile: string, body: { artifact_id?: string; dry_run: boolean; adopt: boolean }) =>
      request<Deployed>(c, 'POST', `${cfg(client, profile)}/deploy`, body),
    history: (client: string, profile: string) =>
      request<{ artifacts: Artifact[] }>(c, 'GET', `${cfg(client, profile)}/history`),
    deployed: (client: string, profile: string) => request<DeployedArtifact>(c, 'GET', `${cfg(client, profile)}/deployed`),
    diff: (config1: Payload, config2: Payload) => request<Diff>(c, 'POST', '/v1/config/diff', { config1, config2 }),
    publicKey: () => request<PublicKeyInfo>(c, 'GET', '/v1/keys/public'),
    initKeys: (regenerate: boolean) => request<KeysInitialized>(c, 'POST', '/v1/keys/initialize', { regenerate }),
    tokens: () => request<{ tokens: TokenInfo[] }>(c, 'GET', '/v1/tokens'),
    createToken: (body: { name?: string; scope: Scope; expires_in_days?: number }) =>
      request<TokenCreated>(c, 'POST', '/v1/tokens', body),
    revokeToken: (id: string) => request<unknown>(c, 'DELETE', `/v1/tokens/${seg(id)}`),
  };
}

/** The operations of one signed-in session. */
export type Api = ReturnType<typeof api>;
