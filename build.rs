//! Link-time choices for the lakeops binary (no code is generated here).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // On glibc Linux, pack the binary's relative relocations (DT_RELR, glibc ≥ 2.36, GNU ld ≥
    // 2.38): the loader otherwise reads several megabytes of them at every start, and they stay
    // resident (docs/performance.md, Memory).
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.ends_with("-linux-gnu") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
