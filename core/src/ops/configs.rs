//! Comparing two configs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::diff::{self, Diff};
use crate::error::Result;
use crate::ports::Ports;
use crate::store::Store;

/// The input of [`diff`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    /// The local config, `{"mcpServers": {...}}`.
    #[schemars(with = "crate::payload::Payload")]
    pub config1: Value,
    /// The remote config, `{"mcpServers": {...}}`.
    #[schemars(with = "crate::payload::Payload")]
    pub config2: Value,
}

/// Compares two configs field by field: how config1 stands relative to config2.
pub fn diff<S: Store + ?Sized>(_: &mut S, _: &Ports<'_>, input: Compare) -> Result<Diff> {
    diff::diff(&input.config1, &input.config2)
}
