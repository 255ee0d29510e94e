//! TODO(owner: helper) — being written.
