//! Builds the binary again when the web console changes: rust-embed includes the files it finds in
//! web/dist, but cannot ask cargo to watch the folder for new ones (a console built after the
//! binary). `web/` always exists (its sources are in git), so the watch never counts as missing.
fn main() {
    println!("cargo::rerun-if-changed=../web");
}
