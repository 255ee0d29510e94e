//! Validation of a payload against a client's limits, with stable codes and severities.

/// What a client accepts: the limits a payload is validated against.
/// Built by [`crate::client::Client::rules`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rules {
    /// Most servers the client loads, if limited.
    pub max_servers: Option<usize>,
    /// Most env vars per server, if limited.
    pub max_env_vars: Option<usize>,
    /// Whether entries may carry `env`.
    pub supports_env: bool,
    /// Whether entries may carry `args`.
    pub supports_args: bool,
    /// Whether entries may carry a working directory (`cwd`).
    pub supports_cwd: bool,
    /// Whether the client connects to remote (`url`) servers natively.
    pub supports_remote: bool,
}
