//! The one error type of the core, and the one registry of machine codes it carries.
//!
//! Every failure the core (or a host, through the core's types) can report is an [`Error`]: a
//! registered [`Code`] and one human sentence. The code decides the HTTP status and the
//! `error_type`; validation reports use the same codes for their issues. `/openapi.json` lists
//! the registry, so clients can rely on it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Result with the core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong: a registered code, a human sentence, and sometimes structured fields that
/// go into the error body beside `detail` (e.g. the validation report of a refused publish).
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// Stable machine-readable code; it decides the status.
    pub code: Code,
    /// One human sentence saying exactly what is wrong.
    pub detail: String,
    /// Extra fields of the error body, beside `detail`, `error_type` and `code`.
    pub fields: Map<String, Value>,
}

impl Error {
    /// An error with `code` and a human `detail`.
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            fields: Map::new(),
        }
    }

    /// The same error with `name: value` added to its body.
    #[must_use]
    pub fn with_field(mut self, name: &str, value: Value) -> Self {
        self.fields.insert(name.to_owned(), value);
        self
    }

    /// The kind of failure, from the code.
    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }

    /// The HTTP status code, from the code.
    pub fn status(&self) -> u16 {
        self.code.status()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.detail, self.code)
    }
}

impl std::error::Error for Error {}

/// The kinds of failure; each is one HTTP status and one `error_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad input: malformed JSON, a missing or invalid field, a failed validation (400).
    BadRequest,
    /// No or wrong credentials (401).
    Unauthorized,
    /// Valid credentials whose scope does not allow the request (403).
    Forbidden,
    /// The thing named does not exist (404).
    NotFound,
    /// The method is not served on that route (405).
    MethodNotAllowed,
    /// The request conflicts with the current state (409).
    Conflict,
    /// The body is larger than the limit (413).
    PayloadTooLarge,
    /// The request target is longer than the server reads (414).
    UriTooLong,
    /// The request head is larger than the server reads (431).
    HeadersTooLarge,
    /// The caller's address sent too many wrong credentials and must wait (429).
    TooManyRequests,
    /// The server is at a limit of its own and asks the client to retry later (503).
    Unavailable,
    /// A stored value or a host facility failed (500); never caused by request input.
    Internal,
}

impl ErrorKind {
    /// The HTTP status code for this kind.
    pub fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::UriTooLong => 414,
            Self::HeadersTooLarge => 431,
            Self::TooManyRequests => 429,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }

    /// The `error_type` string of the error body.
    pub fn name(self) -> &'static str {
        match self {
            Self::BadRequest => "BadRequest",
            Self::Unauthorized => "Unauthorized",
            Self::Forbidden => "Forbidden",
            Self::NotFound => "NotFound",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::Conflict => "Conflict",
            Self::PayloadTooLarge => "PayloadTooLarge",
            Self::UriTooLong => "UriTooLong",
            Self::HeadersTooLarge => "RequestHeaderFieldsTooLarge",
            Self::TooManyRequests => "TooManyRequests",
            Self::Unavailable => "ServiceUnavailable",
            Self::Internal => "InternalError",
        }
    }
}

/// Declares the registry: each code's variant, string, kind and one-line meaning.
macro_rules! registry {
    ($($variant:ident = ($name:literal, $kind:ident, $meaning:literal),)*) => {
        /// Every machine code the product reports, in errors and in validation reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $meaning] $variant,)*
        }

        impl Code {
            /// The whole registry.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as it appears in JSON, e.g. `CLIENT_NOT_FOUND`.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The kind of failure (and so the HTTP status) the code is answered with.
            pub fn kind(self) -> ErrorKind {
                match self { $(Self::$variant => ErrorKind::$kind,)* }
            }

            /// What the code means, in one line.
            pub fn meaning(self) -> &'static str {
                match self { $(Self::$variant => $meaning,)* }
            }
        }
    };
}

registry! {
    // Requests
    RouteNotFound = ("ROUTE_NOT_FOUND", NotFound, "No route has this path."),
    MethodNotAllowed = ("METHOD_NOT_ALLOWED", MethodNotAllowed, "The path exists but not with this method; `Allow` lists the methods."),
    PayloadTooLarge = ("PAYLOAD_TOO_LARGE", PayloadTooLarge, "The request body is larger than 1 MiB."),
    BodyUnreadable = ("BODY_UNREADABLE", BadRequest, "The request body could not be read off the connection."),
    MalformedRequest = ("MALFORMED_REQUEST", BadRequest, "The request is not valid HTTP/1.1: its method, target, a header or its version cannot be read."),
    UriTooLong = ("URI_TOO_LONG", UriTooLong, "The request target is longer than the server reads."),
    HeadersTooLarge = ("HEADERS_TOO_LARGE", HeadersTooLarge, "The request head (its headers) is larger than the server reads."),
    MissingBody = ("MISSING_BODY", BadRequest, "The route needs a JSON body and none was sent."),
    InvalidJson = ("INVALID_JSON", BadRequest, "The body is not valid JSON."),
    InvalidBody = ("INVALID_BODY", BadRequest, "The body is JSON but not an object."),
    MissingField = ("MISSING_FIELD", BadRequest, "A required field is missing; the detail names it."),
    InvalidField = ("INVALID_FIELD", BadRequest, "A field has the wrong type or value; the detail names it."),
    UnknownField = ("UNKNOWN_FIELD", BadRequest, "A field is not one the request (or a server entry) takes; the detail names it."),
    InvalidId = ("INVALID_ID", BadRequest, "An id is malformed: ids are 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."),
    // Auth
    AuthenticationRequired = ("AUTHENTICATION_REQUIRED", Unauthorized, "No credentials were sent: use `Authorization: Bearer <token>` or `X-API-Key`."),
    InvalidCredentials = ("INVALID_CREDENTIALS", Unauthorized, "The token is unknown, revoked or expired, or the API key is wrong."),
    TooManyFailedAttempts = ("TOO_MANY_FAILED_ATTEMPTS", TooManyRequests, "More than 100 wrong credentials came from this address within a minute: its requests are refused, right credentials too, until `Retry-After` seconds have passed."),
    InsufficientScope = ("INSUFFICIENT_SCOPE", Forbidden, "The token is valid but its scope does not allow this request; `required_scope` names the scope needed."),
    // MCP over Streamable HTTP
    OriginNotAllowed = ("ORIGIN_NOT_ALLOWED", Forbidden, "The request's Origin may not use /mcp: only the server's own and origins listed explicitly may."),
    UnsupportedProtocolVersion = ("UNSUPPORTED_PROTOCOL_VERSION", BadRequest, "MCP-Protocol-Version names a revision this server does not speak."),
    SessionRequired = ("SESSION_REQUIRED", BadRequest, "An MCP request after initialize lacks the MCP-Session-Id header."),
    SessionNotFound = ("SESSION_NOT_FOUND", NotFound, "The MCP session has ended or never existed."),
    InvalidJsonRpc = ("INVALID_JSONRPC", BadRequest, "The /mcp body is not one JSON-RPC 2.0 message; `jsonrpc` holds the JSON-RPC error."),
    // Clients, profiles, catalog
    ClientNotFound = ("CLIENT_NOT_FOUND", NotFound, "No client app has this id."),
    InvalidConfigPath = ("INVALID_CONFIG_PATH", BadRequest, "A profile's config path override is not an absolute path."),
    ConfigPathNotAbsolute = ("CONFIG_PATH_NOT_ABSOLUTE", BadRequest, "A client config path does not resolve to an absolute path on this machine."),
    PathUnresolved = ("PATH_UNRESOLVED", Conflict, "The client's config path cannot be worked out on this machine (no home, variable unset, platform not supported)."),
    PathNotAllowed = ("PATH_NOT_ALLOWED", BadRequest, "A client config path is not a file name of the client's format, or resolves outside the folders this host writes in (the home directory and the `serve --allow-path` prefixes)."),
    ServerNotFound = ("SERVER_NOT_FOUND", NotFound, "No catalog server has this id."),
    InvalidTransport = ("INVALID_TRANSPORT", BadRequest, "The transport is not stdio, http or sse."),
    CatalogInvalid = ("CATALOG_INVALID", Internal, "The built-in catalog failed its own checks."),
    ServerJsonInvalid = ("SERVER_JSON_INVALID", BadRequest, "A `server.json` asks for something the catalog cannot honour; the detail names the field and why."),
    ServerExists = ("SERVER_EXISTS", Conflict, "The catalog already has a server with this id (`PUT /v1/servers/{server_id}` replaces a team entry)."),
    ServerReadOnly = ("SERVER_READ_ONLY", Conflict, "The server is a built-in catalog entry, which cannot be replaced or deleted."),
    // Drafts
    UnknownParameter = ("UNKNOWN_PARAMETER", BadRequest, "A parameter is not one the catalog server declares."),
    InvalidParameter = ("INVALID_PARAMETER", BadRequest, "A parameter value is not of the parameter's type."),
    MissingParameters = ("MISSING_PARAMETERS", BadRequest, "A required parameter of the server was not given."),
    InvalidEnvVar = ("INVALID_ENV_VAR", BadRequest, "An env var has a bad name or a value that is not a string."),
    MissingEnvVars = ("MISSING_ENV_VARS", BadRequest, "An env var the server requires was not given."),
    InvalidHeader = ("INVALID_HEADER", BadRequest, "A header has a bad name or a value that is not a string, or was given to a local server."),
    MissingHeaders = ("MISSING_HEADERS", BadRequest, "A header the remote server requires was not given."),
    DuplicateEntry = ("DUPLICATE_ENTRY", Conflict, "The draft already has an entry with this name."),
    EntryNotFound = ("ENTRY_NOT_FOUND", NotFound, "The draft has no entry with this name."),
    // Validation (issues in a report; a refused publish carries them)
    ValidationFailed = ("VALIDATION_FAILED", BadRequest, "The draft has validation errors; `errors` and `warnings` list them."),
    EmptyConfig = ("EMPTY_CONFIG", BadRequest, "The config has no servers."),
    TooManyServers = ("TOO_MANY_SERVERS", BadRequest, "The config has more servers than the client allows."),
    InvalidServerName = ("INVALID_SERVER_NAME", BadRequest, "An entry name is not a well-formed id."),
    InvalidEntry = ("INVALID_ENTRY", BadRequest, "An entry is not a JSON object."),
    ConflictingTransport = ("CONFLICTING_TRANSPORT", BadRequest, "An entry has both a command and a URL, or a type that contradicts them."),
    MissingCommand = ("MISSING_COMMAND", BadRequest, "A local entry has no command."),
    InvalidUrl = ("INVALID_URL", BadRequest, "A remote entry's URL is not an http(s) URL with a host."),
    RemoteNotSupported = ("REMOTE_NOT_SUPPORTED", BadRequest, "The client cannot reach this remote transport natively; it will run through `npx -y mcp-remote`."),
    InvalidHeadersType = ("INVALID_HEADERS_TYPE", BadRequest, "`headers` is not an object of strings."),
    InvalidArgsType = ("INVALID_ARGS_TYPE", BadRequest, "`args` is not a list of strings."),
    ArgsNotSupported = ("ARGS_NOT_SUPPORTED", BadRequest, "The client does not take arguments."),
    InvalidEnvType = ("INVALID_ENV_TYPE", BadRequest, "`env` is not an object of strings."),
    InvalidEnvName = ("INVALID_ENV_NAME", BadRequest, "An env var name is not an identifier."),
    TooManyEnvVars = ("TOO_MANY_ENV_VARS", BadRequest, "An entry has more env vars than the client allows."),
    EnvNotSupported = ("ENV_NOT_SUPPORTED", BadRequest, "The client does not pass env vars to servers."),
    EmptyEnvVar = ("EMPTY_ENV_VAR", BadRequest, "An env var is set to the empty string."),
    CwdNotSupported = ("CWD_NOT_SUPPORTED", BadRequest, "The client cannot set a server's working directory."),
    InvalidCwd = ("INVALID_CWD", BadRequest, "`cwd` is not a non-empty string."),
    PlaceholderLeft = ("PLACEHOLDER_LEFT", BadRequest, "A value still holds a `{placeholder}` or `<placeholder>`."),
    SecretInArgs = ("SECRET_IN_ARGS", BadRequest, "An argument looks like a credential; pass it as an env var."),
    PlaintextSecret = ("PLAINTEXT_SECRET", BadRequest, "A literal value sits where a secret belongs; give it as `{\"secret\": \"NAME\"}` so only its name is stored."),
    SecretUnresolved = ("SECRET_UNRESOLVED", Conflict, "A secret the deployed file needs is not set on the machine that writes it (its environment or $MCP_ORCHESTRATION_HOME/secrets.json)."),
    InvalidPayload = ("INVALID_PAYLOAD", BadRequest, "A config is not `{\"mcpServers\": {...}}`."),
    InvalidServerEntry = ("INVALID_SERVER_ENTRY", BadRequest, "An entry is neither a local (command) nor a remote (url) server."),
    // Artifacts, keys, deploys
    NothingPublished = ("NOTHING_PUBLISHED", NotFound, "The profile has no published artifact yet."),
    NothingDeployed = ("NOTHING_DEPLOYED", NotFound, "The profile has no deployed artifact yet."),
    ArtifactNotFound = ("ARTIFACT_NOT_FOUND", NotFound, "No artifact has this id (for this profile)."),
    ArtifactTampered = ("ARTIFACT_TAMPERED", Conflict, "The artifact's payload does not hash to its id."),
    SignatureInvalid = ("SIGNATURE_INVALID", Conflict, "The artifact's signature does not verify."),
    SigningKeyUnknown = ("SIGNING_KEY_UNKNOWN", Conflict, "The key that signed the artifact is not known here."),
    KeyNotPinned = ("KEY_NOT_PINNED", Conflict, "A pulled artifact is signed by a key this machine has not pinned for the server."),
    KeysNotInitialized = ("KEYS_NOT_INITIALIZED", Conflict, "Publishing needs signing keys: initialize them first."),
    KeysNotFound = ("KEYS_NOT_FOUND", NotFound, "No signing keys exist yet."),
    KeysAlreadyInitialized = ("KEYS_ALREADY_INITIALIZED", Conflict, "Signing keys exist; send `regenerate: true` to rotate them."),
    KeysManagedBySecret = ("KEYS_MANAGED_BY_SECRET", Conflict, "The signing key is set by a host secret and cannot be replaced through the API."),
    InvalidPublicKey = ("INVALID_PUBLIC_KEY", BadRequest, "A public key is not an Ed25519 SPKI PEM."),
    SigningKeyInvalid = ("SIGNING_KEY_INVALID", Internal, "The stored signing key is not an Ed25519 PKCS#8 PEM."),
    SigningKeyUnreadable = ("SIGNING_KEY_UNREADABLE", Internal, "The stored signing key cannot be read."),
    KeyEncode = ("KEY_ENCODE", Internal, "A key could not be encoded as PEM."),
    ConfigUnparseable = ("CONFIG_UNPARSEABLE", Conflict, "The client's config file cannot be parsed; it was left untouched."),
    ConfigConflict = ("CONFIG_CONFLICT", Conflict, "The client's config file holds its servers in a shape that cannot be merged."),
    ConfigRenderFailed = ("CONFIG_RENDER_FAILED", Internal, "The merged config could not be written out."),
    EntryConflict = ("ENTRY_CONFLICT", Conflict, "The client's config file already has an entry of a name being deployed that mcp-orchestration does not own; `conflicts` lists them (deploy with `adopt: true` to take them over)."),
    // Tokens
    InvalidTokenName = ("INVALID_TOKEN_NAME", BadRequest, "A token name is empty, too long or has control characters."),
    InvalidExpiry = ("INVALID_EXPIRY", BadRequest, "`expires_in_days` is out of range."),
    TokenNotFound = ("TOKEN_NOT_FOUND", NotFound, "No token has this id."),
    TokenCollision = ("TOKEN_COLLISION", Internal, "A new token's id collided with an existing one."),
    // Hosts
    EntropyUnavailable = ("ENTROPY_UNAVAILABLE", Internal, "The host gave no random bytes."),
    StoreOpen = ("STORE_OPEN", Internal, "The store could not be opened."),
    StoreIo = ("STORE_IO", Internal, "The store failed to read or write."),
    StoreRead = ("STORE_READ", Internal, "The store failed to read."),
    StoreWrite = ("STORE_WRITE", Internal, "The store failed to write; nothing was written."),
    StoreReadOnly = ("STORE_READ_ONLY", Internal, "A write reached a read-only view of the store."),
    StoreCorrupt = ("STORE_CORRUPT", Internal, "A stored value cannot be decoded."),
    StoreEncode = ("STORE_ENCODE", Internal, "A value could not be encoded for the store."),
    KeyringIo = ("KEYRING_IO", Internal, "The key files could not be read or written."),
    FileRead = ("FILE_READ", Internal, "A client config file could not be read."),
    FileWrite = ("FILE_WRITE", Internal, "A client config file could not be written."),
    FileBackup = ("FILE_BACKUP", Internal, "A client config file could not be backed up; it was left as it was."),
    EncodeFailed = ("ENCODE_FAILED", Internal, "An answer could not be encoded."),
    HandlerFailed = ("HANDLER_FAILED", Internal, "The request handler stopped unexpectedly."),
    ServerBusy = ("SERVER_BUSY", Unavailable, "Every connection the server allows is serving a request; retry after `Retry-After` seconds."),
}

impl Code {
    /// The HTTP status the code is answered with.
    pub fn status(self) -> u16 {
        self.kind().status()
    }

    /// The code named `s`, if registered.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown code {s}")))
    }
}

impl schemars::JsonSchema for Code {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Self::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "A code of the error registry (see `x-error-codes`).",
            "enum": names,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn codes_are_unique_upper_snake_with_a_meaning() {
        let mut seen = BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(s.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{s}");
            assert!(code.meaning().ends_with('.'), "{s}: {}", code.meaning());
            assert_eq!(Code::parse(s), Some(*code));
        }
    }

    #[test]
    fn every_registered_code_is_used_by_some_code_path() {
        // No dead entries: each variant appears in the crate's sources (or a host's) outside
        // this file. The registry is the enum, so no path can return an unregistered code.
        let mut sources = String::new();
        for dir in ["src", "../host-native/src", "../host-worker/src"] {
            collect(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
                &mut sources,
            );
        }
        let unused: Vec<&str> = Code::ALL
            .iter()
            .filter(|c| !sources.contains(&format!("Code::{c:?}")))
            .map(|c| c.as_str())
            .collect();
        assert!(unused.is_empty(), "registered but never used: {unused:?}");
    }

    fn collect(dir: std::path::PathBuf, out: &mut String) {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("error.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Only code before the test module counts as a code path.
                out.push_str(text.split("#[cfg(test)]").next().unwrap_or_default());
            }
        }
    }

    #[test]
    fn the_code_decides_status_and_error_type() {
        let e = Error::new(Code::ClientNotFound, "Client 'x' not found");
        assert_eq!((e.status(), e.kind().name()), (404, "NotFound"));
        assert_eq!(e.to_string(), "Client 'x' not found (CLIENT_NOT_FOUND)");
        assert_eq!(
            serde_json::to_value(Code::UnknownField).unwrap(),
            "UNKNOWN_FIELD"
        );
    }
}
