//! Link-time choices for the lakeops binary (no code is generated here).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // On Linux, pack the binary's relative relocations (DT_RELR: glibc ≥ 2.36, musl ≥ 1.2.4 —
    // Rust's musl targets link the musl they ship, 1.2.5 — and GNU ld ≥ 2.38): the loader
    // otherwise reads several megabytes of them at every start, and they stay resident
    // (docs/performance.md, Memory). In the static musl binaries they are 4 MB of the file.
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.ends_with("-linux-gnu") || target.ends_with("-linux-musl") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
