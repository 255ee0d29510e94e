//! The no-IO core of mcp-orchestration.
//!
//! Every rule of the product lives here once: the client registry, the server catalog, drafts,
//! validation, diffs, canonical JSON, signed content-addressed artifacts, tokens and their
//! scopes, rendering and merging client config files, and the `/v1` HTTP API as a pure function
//! over a [`Store`].
//!
//! # In scope
//! Pure functions from inputs to outputs. Time and randomness arrive through [`ports::Clock`] and
//! [`ports::Entropy`]; persistence through the synchronous [`Store`] trait; client config files
//! through [`ports::ClientFiles`]. Every user action is one typed function in [`ops`], which the
//! `/v1` API, the CLI and the other front doors call. The crate compiles for `wasm32-unknown-unknown`;
//! with the `wasm` feature, its `wasm` module adds the exports of the npm package ([`npm`]).
//!
//! # Out of scope
//! Sockets, files, threads, the system clock and process environment: hosts own those and
//! translate (`host-native`, `host-worker`, the wasm package).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod api;
pub mod artifact;
pub mod canonical;
pub mod catalog;
pub mod client;
pub mod config_file;
pub mod confine;
pub mod diff;
pub mod draft;
pub mod error;
pub mod id;
pub mod mcp;
pub mod npm;
pub mod ops;
pub mod payload;
pub mod ports;
pub mod records;
pub mod registry;
pub mod render;
pub mod scope;
pub mod secret;
pub mod signing;
pub mod store;
pub mod timestamp;
pub mod token;
pub mod usage;
pub mod validate;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use error::{Code, Error, ErrorKind, Result};
pub use payload::Payload;
pub use ports::{Clock, Entropy, Ports};
pub use scope::Scope;
pub use store::{Batch, MemoryStore, Store};
pub use timestamp::Timestamp;
