//! Link-time choices for the lakeops binary (no code is generated here).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A file of function names, one per line (dist/link_order.py writes it): linked first, together.
const LINK_ORDER: &str = "LAKEOPS_LINK_ORDER";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed={LINK_ORDER}");
    let target = std::env::var("TARGET").unwrap_or_default();
    let linux = target.ends_with("-linux-gnu") || target.ends_with("-linux-musl");
    // On Linux, pack the binary's relative relocations (DT_RELR: glibc ≥ 2.36, musl ≥ 1.2.4 —
    // Rust's musl targets link the musl they ship, 1.2.5 — and GNU ld ≥ 2.38): the loader
    // otherwise reads several megabytes of them at every start, and they stay resident
    // (docs/performance.md, Memory). In the static musl binaries they are 4 MB of the file.
    if linux {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    let Some(order) = std::env::var_os(LINK_ORDER).filter(|v| !v.is_empty()) else { return };
    if !linux {
        println!("cargo:warning={LINK_ORDER} is for Linux builds; {target} is linked in the usual order");
        return;
    }
    let order = PathBuf::from(order);
    if !order.is_absolute() || !order.is_file() {
        eprintln!("{LINK_ORDER}={} is not an absolute path to a file (dist/link_order.py writes one)", order.display());
        std::process::exit(1);
    }
    println!("cargo:rerun-if-changed={}", order.display());
    // The order is lld's option: Rust's own lld, through the C compiler that drives the link
    // (the default on x86_64 glibc already; the musl targets otherwise link with GNU ld).
    if let Some(gcc_ld) = rust_lld_dir() {
        println!("cargo:rustc-link-arg-bins=-B{}", gcc_ld.display());
    }
    println!("cargo:rustc-link-arg-bins=-fuse-ld=lld");
    println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", order.display());
    // Names this build does not have (the order was measured on another build) are skipped.
    println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
}

/// The directory of the `ld.lld` that runs the toolchain's `rust-lld`, when the toolchain has it.
fn rust_lld_dir() -> Option<PathBuf> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let host = std::env::var("HOST").ok()?;
    let sysroot = Command::new(rustc).args(["--print", "sysroot"]).output().ok()?;
    let sysroot = String::from_utf8(sysroot.stdout).ok()?;
    let dir = Path::new(sysroot.trim()).join("lib/rustlib").join(host).join("bin/gcc-ld");
    dir.join("ld.lld").is_file().then_some(dir)
}
