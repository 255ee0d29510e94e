// The declarations of mcp-orchestration-core, generated from the core's Rust types (the same
// schemas as /openapi.json) by `core/src/npm.rs`. Do not edit: regenerate with
// `UPDATE_GENERATED=1 cargo test -p mcp-orchestration-core npm`.

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * What every function throws on bad input: a JS `Error` whose `message` is the core's message,
 * with the stable `code` of the error registry, and any structured fields the core adds (e.g.
 * `conflicts`).
 */
export interface CoreError extends Error {
  /** The machine code, e.g. `SERVER_NOT_FOUND`. */
  code: Code;
  /** Structured fields of some errors, by name. */
  [field: string]: unknown;
}

/** A published, signed config. */
export type Artifact = {
  /** Hex SHA-256 of the canonical payload. */
  artifact_id: string;
  /** The client app it was published for. */
  client_id: string;
  /** When it was published. */
  created_at: Timestamp;
  /** Free-form facts about the publication (e.g. changelog, server count). */
  metadata: { [key: string]: JsonValue };
  /** The config, in the `{"mcpServers": {...}}` form. */
  payload: JsonValue;
  /** The client's profile. */
  profile_id: string;
  /** Base64 Ed25519 signature of the canonical payload. */
  signature: string;
  /** Id of the key that signed it. */
  signing_key_id: string;
};

/** What a client's entries may carry. */
export type Capabilities = {
  /** Arguments. */
  args: boolean;
  /** A working directory. */
  cwd: boolean;
  /** Env vars. */
  env: boolean;
  /** HTTP headers for remote servers. */
  headers: boolean;
  /** Remote servers, natively. */
  remote: boolean;
  /** The remote transports reached natively. */
  remote_transports: Remote[];
  /** The field that holds a remote server's URL. */
  remote_url_field?: string | null;
};

/** One field-level difference inside a server entry. */
export type Change = {
  /** The value in config2; null when absent there. */
  new_value?: JsonValue;
  /** The value in config1; null when absent there. */
  old_value?: JsonValue;
  /** Where in the entry (see the module docs); `""` is the whole entry. */
  path: string;
  /** The entry name. */
  server: string;
};

/** The answer of `list`. */
export type ClientList = {
  /** Every client app, in registry order. */
  clients: ClientSummary[];
};

/** A client app as `GET /v1/clients` lists it. */
export type ClientSummary = {
  /** What entries may carry. */
  capabilities: Capabilities;
  /** Id, e.g. `claude-desktop`. */
  client_id: string;
  /** The config file's format. */
  config_format: Format;
  /** The config path template on the host's OS; null when unknown there. */
  config_path?: string | null;
  /** The config path template per OS (`macos`, `windows`, `linux`); null where unknown. */
  config_paths: { [key: string]: string | null };
  /** The profiles every client starts with. */
  default_profiles: string[];
  /** Human name. */
  display_name: string;
  /** Limits, where the client has them. */
  limitations: Limits;
  /** Facts worth knowing about the client. */
  notes: string;
  /** The OSes the client has a known config path on. */
  platform: string[];
  /** The top-level key holding the servers. */
  servers_key: string;
};

/** A code of the error registry (see `x-error-codes`). */
export type Code =
  | "ROUTE_NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "PAYLOAD_TOO_LARGE"
  | "BODY_UNREADABLE"
  | "MISSING_BODY"
  | "INVALID_JSON"
  | "INVALID_BODY"
  | "MISSING_FIELD"
  | "INVALID_FIELD"
  | "UNKNOWN_FIELD"
  | "INVALID_ID"
  | "AUTHENTICATION_REQUIRED"
  | "INVALID_CREDENTIALS"
  | "TOO_MANY_FAILED_ATTEMPTS"
  | "INSUFFICIENT_SCOPE"
  | "ORIGIN_NOT_ALLOWED"
  | "UNSUPPORTED_PROTOCOL_VERSION"
  | "SESSION_REQUIRED"
  | "SESSION_NOT_FOUND"
  | "INVALID_JSONRPC"
  | "CLIENT_NOT_FOUND"
  | "INVALID_CONFIG_PATH"
  | "CONFIG_PATH_NOT_ABSOLUTE"
  | "PATH_UNRESOLVED"
  | "PATH_NOT_ALLOWED"
  | "SERVER_NOT_FOUND"
  | "INVALID_TRANSPORT"
  | "CATALOG_INVALID"
  | "UNKNOWN_PARAMETER"
  | "INVALID_PARAMETER"
  | "MISSING_PARAMETERS"
  | "INVALID_ENV_VAR"
  | "MISSING_ENV_VARS"
  | "DUPLICATE_ENTRY"
  | "ENTRY_NOT_FOUND"
  | "VALIDATION_FAILED"
  | "EMPTY_CONFIG"
  | "TOO_MANY_SERVERS"
  | "INVALID_SERVER_NAME"
  | "INVALID_ENTRY"
  | "CONFLICTING_TRANSPORT"
  | "MISSING_COMMAND"
  | "INVALID_URL"
  | "REMOTE_NOT_SUPPORTED"
  | "INVALID_HEADERS_TYPE"
  | "INVALID_ARGS_TYPE"
  | "ARGS_NOT_SUPPORTED"
  | "INVALID_ENV_TYPE"
  | "INVALID_ENV_NAME"
  | "TOO_MANY_ENV_VARS"
  | "ENV_NOT_SUPPORTED"
  | "EMPTY_ENV_VAR"
  | "CWD_NOT_SUPPORTED"
  | "INVALID_CWD"
  | "PLACEHOLDER_LEFT"
  | "SECRET_IN_ARGS"
  | "INVALID_PAYLOAD"
  | "INVALID_SERVER_ENTRY"
  | "NOTHING_PUBLISHED"
  | "NOTHING_DEPLOYED"
  | "ARTIFACT_NOT_FOUND"
  | "ARTIFACT_TAMPERED"
  | "SIGNATURE_INVALID"
  | "SIGNING_KEY_UNKNOWN"
  | "KEY_NOT_PINNED"
  | "KEYS_NOT_INITIALIZED"
  | "KEYS_NOT_FOUND"
  | "KEYS_ALREADY_INITIALIZED"
  | "KEYS_MANAGED_BY_SECRET"
  | "INVALID_PUBLIC_KEY"
  | "SIGNING_KEY_INVALID"
  | "SIGNING_KEY_UNREADABLE"
  | "KEY_ENCODE"
  | "CONFIG_UNPARSEABLE"
  | "CONFIG_CONFLICT"
  | "CONFIG_RENDER_FAILED"
  | "ENTRY_CONFLICT"
  | "INVALID_TOKEN_NAME"
  | "INVALID_EXPIRY"
  | "TOKEN_NOT_FOUND"
  | "TOKEN_COLLISION"
  | "ENTROPY_UNAVAILABLE"
  | "STORE_OPEN"
  | "STORE_IO"
  | "STORE_READ"
  | "STORE_WRITE"
  | "STORE_READ_ONLY"
  | "STORE_CORRUPT"
  | "STORE_ENCODE"
  | "KEYRING_IO"
  | "FILE_READ"
  | "FILE_WRITE"
  | "FILE_BACKUP"
  | "ENCODE_FAILED"
  | "HANDLER_FAILED";

/** The answer of `POST /v1/config/diff`. */
export type Diff = {
  /** Servers in config2 but not config1, by name. */
  added: string[];
  /** Field-level changes, by server name then path. */
  changes: Change[];
  /**
   * Human-readable summary, one line per change: `+ name: {entry}`, `- name: {entry}`, `~
   * name.path: old -> new` (`(absent)` for a missing side); empty when up to date.
   */
  diff: string;
  /** Servers in both whose entries differ, by name. */
  modified: string[];
  /** Servers in config1 but not config2, by name. */
  removed: string[];
  /** Overall standing: `up-to-date`, `outdated` or `diverged`. */
  status: Status;
  /** Number of added, removed and modified servers. */
  total_changes: number;
  /** Servers in both with equal entries, by name. */
  unchanged: string[];
};

/** The options of `renderEntry(serverId, options)`: what a draft add takes besides the server. */
export type EntryOptions = {
  /** Environment variables by name; values are strings, null counts as not given. */
  env?: { [key: string]: string | null };
  /** The entry's name; defaults to the server id. */
  name?: Id | null;
  /** Parameter values by name (see the server's `parameters`); null counts as not given. */
  params?: { [key: string]: JsonValue };
};

/** An environment variable a local server reads. */
export type EnvVar = {
  /** What it is for. */
  description: string;
  /** An example value. */
  example?: string | null;
  /** Variable name. */
  name: string;
  /** Whether the server needs it to work. */
  required?: boolean;
  /** Whether it holds a credential (to be masked in UIs and kept out of logs). */
  secret?: boolean;
};

/**
 * The format of a client's config file.
 *
 * - `json`: Strict JSON.
 * - `jsonc`: JSON with comments and trailing commas.
 * - `yaml`: YAML.
 * - `toml`: TOML.
 */
export type Format = "json" | "jsonc" | "yaml" | "toml";

/** An id: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
export type Id = string;

/** One finding: a stable code, a sentence naming the server and the exact problem. */
export type Issue = {
  /** Stable machine code, e.g. `MISSING_COMMAND` (see the module table). */
  code: Code;
  /** Human sentence naming the server and what is wrong. */
  message: string;
  /** The entry name the issue is about; absent for payload-wide issues. */
  server?: string | null;
  /** Error or warning. */
  severity: Severity;
};

/** A client's limits; null where it has none. */
export type Limits = {
  /** Most env vars per server. */
  max_env_vars?: number | null;
  /** Most servers loaded. */
  max_servers?: number | null;
};

/**
 * The type of a server parameter, which decides which JSON values it accepts.
 *
 * - `string`: A non-empty JSON string.
 * - `int`: A JSON number without a fractional part.
 * - `bool`: `true` or `false`.
 * - `path`: A filesystem path, given as a non-empty JSON string.
 */
export type ParamType = "string" | "int" | "bool" | "path";

/** A value the user supplies when adding a server, substituted for `{name}` in its args or URL. */
export type Parameter = {
  /** Value used when an optional parameter is not supplied. */
  default?: JsonValue;
  /** What the parameter is for. */
  description: string;
  /** An example value, for forms and docs. */
  example?: JsonValue;
  /** Name, as used in `{name}` placeholders and in the `params` of an add request. */
  name: string;
  /** Whether the user must supply it. */
  required?: boolean;
  /** Accepted type. */
  type: ParamType;
};

/** `{"mcpServers": {...}}`: server entries by entry name, sorted by name. */
export type Payload = {
  /** Entries by name. */
  mcpServers: { [key: string]: JsonValue };
};

/**
 * A remote transport.
 *
 * - `http`: Streamable HTTP.
 * - `sse`: Server-sent events.
 */
export type Remote = "http" | "sse";

/** A remote server, reached over Streamable HTTP (`http`) or server-sent events (`sse`). */
export type RemoteEntry = {
  /** HTTP headers sent with every request; present only when there are some. */
  headers?: { [key: string]: string } | null;
  /** The transport. */
  type: Remote;
  /** The endpoint. */
  url: string;
};

/** The answer of `POST /v1/config/{c}/{p}/validate`. */
export type Report = {
  /** Issues of severity error, in deterministic order. */
  errors: Issue[];
  /** Number of server entries in the payload. */
  server_count: number;
  /** Whether there are no errors (warnings allowed). */
  valid: boolean;
  /** Issues of severity warning, in deterministic order. */
  warnings: Issue[];
};

/** The options of `searchServers(query, options)`. */
export type SearchOptions = {
  /** Only servers of this transport (`stdio`, `http` or `sse`). */
  transport?: Transport | null;
};

/**
 * One catalog entry: what a server is and how a client runs or reaches it.
 *
 * Serializes with the `/v1/servers` field names; `required_env` and `optional_env` list the names
 * of the required and optional entries of `env`.
 */
export type Server = {
  /** Arguments of a stdio server; may hold `{param}` placeholders. */
  args: string[];
  /** Executable of a stdio server. */
  command?: string | null;
  /** One or two sentences on what it does. */
  description: string;
  /** Human name. */
  display_name: string;
  /** Where to read more. */
  documentation_url: string;
  /** Environment variables a stdio server reads. */
  env: EnvVar[];
  /** The npm package started with `npx -y`, if it is one. */
  npm_package?: string | null;
  /** Names of the env vars that may be given. */
  optional_env: string[];
  /** Values the user supplies when adding it. */
  parameters: Parameter[];
  /** The PyPI package started with `uvx`, if it is one. */
  pypi_package?: string | null;
  /** Names of the env vars that must be given. */
  required_env: string[];
  /** Catalog id, e.g. `filesystem`. */
  server_id: string;
  /** Search keywords. */
  tags: string[];
  /** How clients talk to it. */
  transport: Transport;
  /** Endpoint of a remote server; may hold `{param}` placeholders. */
  url?: string | null;
};

/**
 * A server entry as a draft holds it and an artifact signs it: a local process or a remote
 * endpoint.
 */
export type ServerEntry = StdioEntry | RemoteEntry;

/** The answer of `search`. */
export type ServerList = {
  /** How many. */
  count: number;
  /** The servers found, by id. */
  servers: Server[];
};

/**
 * How bad an `Issue` is: errors make a payload invalid, warnings do not.
 *
 * - `error`: The client would reject or mis-run the config; publishing is refused.
 * - `warning`: Likely a mistake, but the config can be published.
 */
export type Severity = "error" | "warning";

/**
 * How config1 stands relative to config2.
 *
 * - `up-to-date`: No differences.
 * - `outdated`: config2 only adds or modifies servers: config1 is behind.
 * - `diverged`: config2 lacks servers config1 has: the two have diverged.
 */
export type Status = "up-to-date" | "outdated" | "diverged";

/** A local server: a process spoken to over stdin/stdout. */
export type StdioEntry = {
  /** Its arguments (always present, possibly empty). */
  args: string[];
  /** The executable. */
  command: string;
  /** Its working directory, when one is set. */
  cwd?: string | null;
  /** Its environment variables; present only when there are some. */
  env?: { [key: string]: string } | null;
};

/** A string in `date-time` format. */
export type Timestamp = string;

/**
 * How a client talks to a server.
 *
 * - `stdio`: A local process spoken to over stdin/stdout.
 * - `http`: A remote server over streamable HTTP.
 * - `sse`: A remote server over HTTP with server-sent events (the older remote transport).
 */
export type Transport = "stdio" | "http" | "sse";

/** The whole server catalog, as `GET /v1/servers` lists it. */
export declare function catalog(): ServerList;

/**
 * Searches the catalog: `query` is matched (case-insensitive) against id, name, description and
 * tags, and a blank or absent one matches everything. An unknown `transport` throws
 * `INVALID_TRANSPORT`.
 * @param query Free text to look for.
 * @param options Filters.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function searchServers(query?: string | null, options?: SearchOptions): ServerList;

/**
 * One catalog server; throws `INVALID_ID` for a malformed id and `SERVER_NOT_FOUND` for an unknown
 * one.
 * @param id The catalog id, e.g. `filesystem`.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function getServer(id: Id): Server;

/**
 * Every client app the product knows, as `GET /v1/clients` lists them. No OS is known here, so each
 * `config_path` is null; `config_paths` has the path per OS.
 */
export declare function clients(): ClientList;

/**
 * The entry a draft would hold after adding catalog server `serverId` with these parameters and env
 * vars: every check of a draft add applies, and throws with its code (`UNKNOWN_PARAMETER`,
 * `MISSING_PARAMETERS`, `MISSING_ENV_VARS`, ...).
 * @param serverId The catalog id, e.g. `filesystem`.
 * @param options Parameter values, env vars and the entry's name.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function renderEntry(serverId: Id, options?: EntryOptions): ServerEntry;

/**
 * Validates a payload against a client's limits. An invalid payload is a report with `valid: false`
 * and its `errors` and `warnings` (each with a stable code), not a throw; a value that is not
 * `{"mcpServers": {...}}` throws `INVALID_PAYLOAD`.
 * @param clientId The client app, e.g. `claude-desktop`.
 * @param payload The config to check.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function validateConfig(clientId: Id, payload: Payload): Report;

/**
 * Compares two payloads server by server and field by field: how `a` (e.g. what a client has)
 * stands relative to `b` (e.g. a published artifact's payload).
 * @param a The local config.
 * @param b The remote config.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function diffConfigs(a: Payload, b: Payload): Diff;

/**
 * The canonical JSON (RFC 8785) text of any JSON value: what artifact ids hash and signatures sign.
 * @param value Any JSON value.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function canonicalize(value: JsonValue): string;

/**
 * The content address of a payload: the lowercase hex SHA-256 of its canonical JSON.
 * @param payload The payload.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function artifactId(payload: Payload): string;

/**
 * Whether the artifact's id is the hash of its payload and its Ed25519 signature verifies with the
 * key. A tampered payload or another key is `false`; a key that is not an Ed25519 SPKI PEM throws
 * `INVALID_PUBLIC_KEY`, and a value that is not an artifact throws.
 * @param artifact The artifact, as `GET /v1/artifacts/{id}` answers it.
 * @param publicKeyPem The signer's public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as `GET
 * /v1/keys/public` answers it.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function verifyArtifact(artifact: Artifact, publicKeyPem: string): boolean;

/**
 * The text of the client's config file with the payload's servers merged in: what a deploy of this
 * payload writes for the entries it owns, every payload entry counted as owned (and so added or
 * replaced). Every other entry, key, comment and format detail of `existingText` is kept; without
 * it (or when blank) a new file. Unparseable existing text throws `CONFIG_UNPARSEABLE`, a servers
 * key of the wrong type `CONFIG_CONFLICT`.
 * @param clientId The client app, e.g. `claude-desktop`.
 * @param payload The servers to write.
 * @param existingText The client's current config file, if there is one.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function renderClientConfig(clientId: Id, payload: Payload, existingText?: string | null): string;

/**
 * The servers a client's config file holds, as a payload (empty for an empty file or one without a
 * servers block). Unparseable text throws `CONFIG_UNPARSEABLE`; an entry that is not a server the
 * client could run throws `CONFIG_CONFLICT`.
 * @param clientId The client app, e.g. `claude-desktop`.
 * @param text The config file's text.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function readClientConfig(clientId: Id, text: string): Payload;

/** The version of the core this package was built from. */
export declare function version(): string;
