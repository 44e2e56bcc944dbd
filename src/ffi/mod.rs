//! The C ABI: a thin layer that checks arguments, converts them, calls the Rust API and converts
//! the answer back. It holds no telemetry logic of its own.
//!
//! Conventions, the same for every function (see `docs/c-api.md`):
//! - every export is written with `ffi_fn!`, which puts its body in the panic boundary: a panic
//!   becomes `MT_ERR_INTERNAL` (or NULL, false, nothing) and never unwinds into C;
//! - every pointer argument goes through one helper in [`handles`] that turns NULL into
//!   `MT_ERR_NULL_ARGUMENT`, and every string through one that turns bad UTF-8 into
//!   `MT_ERR_INVALID_UTF8`;
//! - out-parameters are written only on success.

#![allow(non_camel_case_types)]
// The exported functions take raw pointers from C, whose callers cannot see an `unsafe` marker;
// their contracts are stated in the doc comments (and header) instead, and every dereference
// goes through a helper in `handles` with its own SAFETY note.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

#[macro_use]
mod macros;
mod handles;

// In header order: cbindgen emits functions module by module, in the order declared here.
pub mod client;
pub mod client_lifecycle;

pub mod config;
pub mod config_delivery;
pub mod consent;
pub mod privacy;
pub mod process;
pub mod protocol;
pub mod status;

pub use status::mt_status;
