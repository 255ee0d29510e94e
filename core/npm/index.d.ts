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
  | "MALFORMED_REQUEST"
  | "URI_TOO_LONG"
  | "HEADERS_TOO_LARGE"
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
  | "SERVER_JSON_INVALID"
  | "SERVER_EXISTS"
  | "SERVER_READ_ONLY"
  | "UNKNOWN_PARAMETER"
  | "INVALID_PARAMETER"
  | "MISSING_PARAMETERS"
  | "INVALID_ENV_VAR"
  | "MISSING_ENV_VARS"
  | "INVALID_HEADER"
  | "MISSING_HEADERS"
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
  | "PLAINTEXT_SECRET"
  | "SECRET_UNRESOLVED"
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
  | "HANDLER_FAILED"
  | "SERVER_BUSY";

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

/** The answer of `import`. */
export type DraftImported = {
  /** Entries kept as custom entries (no catalog server runs that way). */
  custom: string[];
  /** The draft now: the file's servers. */
  draft: DraftView;
  /** Entries that run a catalog server, by entry name: the server's id. */
  linked: { [key: string]: string };
  /** What happened, in a sentence. */
  message: string;
  /** Literal values that look like credentials: give them as `{"secret": "NAME"}` instead. */
  secrets: FoundSecret[];
  /** `imported`. */
  status: Outcome;
  /** Always true. */
  success: boolean;
};

/** A draft as the API shows it: the payload plus its size. */
export type DraftView = {
  /** Entries by name. */
  mcpServers: { [key: string]: JsonValue };
  /** Number of entries. */
  server_count: number;
};

/** The options of `renderEntry(serverId, options)`: what a draft add takes besides the server. */
export type EntryOptions = {
  /**
   * Environment variables by name: text, or `{"secret": "NAME"}` to keep only the secret's name;
   * null counts as not given.
   */
  env?: { [key: string]: Setting | null };
  /**
   * HTTP headers of a remote server by name: text, or `{"secret": "NAME"}`; null counts as not
   * given.
   */
  headers?: { [key: string]: Setting | null };
  /** The entry's name; defaults to the server id. */
  name?: Id | null;
  /** Parameter values by name (see the server's `parameters`); null counts as not given. */
  params?: { [key: string]: JsonValue };
};

/** An environment variable a local server reads. */
export type EnvVar = {
  /** The value a draft gets when none is given (team entries from a `server.json`). */
  default?: string | null;
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

/**
 * A literal value that looks like a credential, found while importing (the value is not repeated).
 */
export type FoundSecret = {
  /** The entry. */
  entry: string;
  /** Where: `env.NAME` or `headers.NAME`. */
  field: string;
};

/** An HTTP header a remote server reads. */
export type Header = {
  /** The value a draft gets when none is given. */
  default?: string | null;
  /** What it is for. */
  description: string;
  /** Header name, e.g. `Authorization`. */
  name: string;
  /** Text written before the value given, e.g. `Bearer `. */
  prefix?: string | null;
  /** Whether the server needs it to work. */
  required?: boolean;
  /** Whether it holds a credential: give it to `draft/add` as `{"secret": "NAME"}`. */
  secret?: boolean;
};

/** An id: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
export type Id = string;

/**
 * An argument, environment variable, header or variable of a `server.json` (the schema's `Input`,
 * `KeyValueInput`, `PositionalArgument` and `NamedArgument` in one).
 */
export type Input = {
  /** The values allowed. */
  choices?: string[];
  /** The value when none is given. */
  default?: string | null;
  /** What it is for. */
  description?: string | null;
  /** `string`, `number`, `boolean` or `filepath`. */
  format?: string | null;
  /** Whether it may be repeated (the catalog takes one value). */
  isRepeated?: boolean;
  /** Whether it must be given. */
  isRequired?: boolean;
  /** Whether it is a credential. */
  isSecret?: boolean;
  /** The flag (named argument), variable or header name. */
  name?: string | null;
  /** A hint shown in forms. */
  placeholder?: string | null;
  /** `positional` or `named` (arguments only). */
  type?: string | null;
  /** A fixed value; `{name}` is one of `variables`. */
  value?: string | null;
  /** What a positional argument's value is called. */
  valueHint?: string | null;
  /** The `{name}`s of `value`. */
  variables?: { [key: string]: Input };
};

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
 * Where a catalog entry comes from.
 *
 * - `builtin`: Shipped with the product; read-only.
 * - `team`: The deployment's own, added from a `server.json` (`POST /v1/servers`).
 */
export type Origin = "builtin" | "team";

/**
 * What a successful change did, as the `status` of its answer.
 *
 * - `added`: A server entry was added to a draft, or a team entry to the catalog.
 * - `updated`: A team catalog entry was replaced.
 * - `removed`: A server entry was removed from a draft, or a team entry from the catalog.
 * - `cleared`: A draft was cleared.
 * - `imported`: A draft was made from a client file's servers.
 * - `published`: A draft was published as an artifact.
 * - `deployed`: An artifact was deployed.
 * - `initialized`: Signing keys were created or rotated.
 * - `revoked`: A token was revoked.
 */
export type Outcome = "added" | "updated" | "removed" | "cleared" | "imported" | "published" | "deployed" | "initialized" | "revoked";

/** One package of a `server.json`. */
export type Package = {
  /** Environment variables it reads. */
  environmentVariables?: Input[];
  /** SHA-256 of the package file. */
  fileSha256?: string | null;
  /** Package name or image reference. */
  identifier: string;
  /** Arguments of the package. */
  packageArguments?: Input[];
  /** The registry's base URL. */
  registryBaseUrl?: string | null;
  /** `npm`, `pypi` or `oci` (others are refused). */
  registryType: string;
  /** Arguments of the runner, before the package. */
  runtimeArguments?: Input[];
  /** The runner: `npx`, `uvx` or `docker`. */
  runtimeHint?: string | null;
  /** How a client talks to it; only `stdio` is taken. */
  transport: Transport_;
  /** Exact version. */
  version?: string | null;
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
  /**
   * HTTP headers sent with every request (text, or `{"secret": "NAME", "prefix"?}`); present only
   * when there are some.
   */
  headers?: { [key: string]: Setting } | null;
  /** The transport. */
  type: Remote;
  /** The endpoint. */
  url: string;
};

/** One remote of a `server.json`. */
export type RemoteTransport = {
  /** Headers sent with every request. */
  headers?: Input[];
  /** `streamable-http` or `sse`. */
  type: string;
  /** URL template; `{name}` is a variable. */
  url: string;
  /** The URL's variables. */
  variables?: { [key: string]: Input };
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

/** `repository` of a `server.json`. */
export type Repository = {
  /** The forge's id of the repository. */
  id?: string | null;
  /** Hosting service, e.g. `github`. */
  source: string;
  /** Folder of the server in a monorepo. */
  subfolder?: string | null;
  /** Browsable URL. */
  url: string;
};

/** The options of `searchServers(query, options)`. */
export type SearchOptions = {
  /** Only servers of this transport (`stdio`, `http` or `sse`). */
  transport?: Transport | null;
};

/** A secret, by name. */
export type SecretRef = {
  /** Text before the value, e.g. `Bearer ` (headers only). */
  prefix?: string;
  /** The secret's name: an environment variable name on the machine that applies the file. */
  secret: string;
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
  /** HTTP headers a remote server reads. */
  headers: Header[];
  /** The npm package started with `npx -y`, if it is one. */
  npm_package?: string | null;
  /** Names of the env vars that may be given. */
  optional_env: string[];
  /** `builtin` (shipped, read-only) or `team` (the deployment's own). */
  origin: Origin;
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

/**
 * A server described in the MCP Registry's `server.json` format
 * (`https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json`).
 */
export type ServerJson = {
  /** The schema URI. */
  $schema?: string | null;
  /** Registry and publisher metadata (not used by the catalog). */
  _meta?: { [key: string]: JsonValue } | null;
  /** What the server does. */
  description: string;
  /** Icons (not used by the catalog). */
  icons?: JsonValue[];
  /**
   * Reverse-DNS name, e.g. `io.github.acme/weather`; the part after `/` is the catalog id `POST
   * /v1/servers` gives the entry.
   */
  name: string;
  /** Ways to run it locally. */
  packages?: Package[];
  /** Ways to reach it remotely. */
  remotes?: RemoteTransport[];
  /** Source repository. */
  repository?: Repository | null;
  /** Display name. */
  title?: string | null;
  /** The server's version. */
  version: string;
  /** Home page or documentation (https). */
  websiteUrl?: string | null;
};

/** The answer of `search`. */
export type ServerList = {
  /** How many. */
  count: number;
  /** The servers found, by id; `origin` says which are built in and which the deployment's own. */
  servers: Server[];
};

/** The value of an env var or header: text, or a secret by reference. */
export type Setting = string | SecretRef;

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
  /**
   * Its environment variables (text, or `{"secret": "NAME"}`); present only when there are some.
   */
  env?: { [key: string]: Setting } | null;
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

/** The transport of a package. */
export type Transport_ = {
  /** Headers of a package's local HTTP server. */
  headers?: Input[];
  /** `stdio`, `streamable-http` or `sse`. */
  type: string;
  /** URL of a package's local HTTP server. */
  url?: string | null;
};

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
 * The catalog entry a server described in the MCP Registry's `server.json` format maps to (as `POST
 * /v1/servers` maps it): throws `SERVER_JSON_INVALID` naming the field it cannot honour,
 * `UNKNOWN_FIELD` for a field the schema does not have.
 * @param serverJson The `server.json` document.
 * @param id The catalog id (default: the part of `name` after its `/`).
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function serverFromJson(serverJson: ServerJson, id?: string | null): Server;

/**
 * The draft a client file's text makes, as `POST /v1/config/{client}/{profile}/import` makes it:
 * the entries, which built-in catalog server each runs, and the literal values that look like
 * credentials.
 * @param clientId The client app whose format the text is in.
 * @param text The file's content.
 * @throws {CoreError} on bad input, with the core's message and code.
 */
export declare function importClientFile(clientId: Id, text: string): DraftImported;

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
