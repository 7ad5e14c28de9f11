//! End-to-end benchmarks of gumstack against a hand-written rmcp server.
//!
//! Run everything with `cargo run --release -p gumstack-bench --bin mcp_load`;
//! see `BENCHMARKS.md` at the workspace root for the method and the figures.

pub mod plain;
