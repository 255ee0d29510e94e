//! Compiles the suite for one host: with `MCP_TEST_TARGET=worker` it sets `cfg(worker_host)`,
//! so native-only tests carry `#[cfg_attr(worker_host, ignore = "native host only: …")]` and
//! libtest lists them as ignored, with the reason, instead of running them.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=MCP_TEST_TARGET");
    println!("cargo:rustc-check-cfg=cfg(worker_host)");
    if std::env::var("MCP_TEST_TARGET").as_deref() == Ok("worker") {
        println!("cargo:rustc-cfg=worker_host");
    }
}
