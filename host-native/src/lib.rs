//! The native host of mcp-orchestration: the `mcp-orchestration` binary's server and CLI.
//!
//! It only moves bytes: HTTP in and out ([`server`], [`connections`], [`writes`]), MCP messages as lines of stdin and stdout
//! ([`mcp_stdio`]), command lines in and text or JSON out ([`cli`], [`commands`]: each command
//! is one operation of the core), keys and bytes in SQLite
//! ([`store`]), client config files ([`files`]) and signing keys ([`keyring`]) on disk, the
//! system clock and entropy ([`system`]). Every rule lives in `mcp_orchestration_core`.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod access;
pub mod app;
pub mod cli;
pub mod commands;
pub mod connections;
pub mod console;
pub mod files;
pub mod home;
pub mod keyring;
pub mod lockout;
pub mod mcp_stdio;
pub mod pins;
pub mod remote;
pub mod server;
pub mod store;
pub mod system;
pub mod writes;
