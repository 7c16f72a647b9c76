//! The build profiles' choices hold for every crate they are about. The release profile (a build
//! from source) is chosen for build time: every dependency at opt-level 0 but the crates the SQL
//! engine spends its time in on every row; this test keeps those entries in step with
//! Cargo.lock. The dist profile (the published binaries) is chosen for size and memory.
//! docs/performance.md has the measurements behind both.

fn cargo_toml() -> toml::Table {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    text.parse().unwrap()
}

fn opt_level(manifest: &toml::Table, package: &str) -> Option<toml::Value> {
    manifest.get("profile")?.get("release")?.get("package")?.get(package)?.get("opt-level").cloned()
}

/// The name of every package Cargo.lock holds.
fn locked_packages() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let lock: toml::Table = text.parse().unwrap();
    let packages = lock["package"].as_array().unwrap();
    packages.iter().map(|package| package["name"].as_str().unwrap().to_string()).collect()
}

/// The crates the engine spends its time in on every row, at level 1: Arrow's arrays and buffers,
/// its JSON reader (the raw zone) and row format (grouping, joins). The rest of Arrow and Parquet
/// build at 0 with the other dependencies (docs/performance.md, Shipping).
const ROW_KERNELS: &[&str] =
    &["arrow", "arrow-array", "arrow-buffer", "arrow-data", "arrow-json", "arrow-row", "arrow-schema"];

#[test]
fn dependencies_build_at_opt_level_0_but_the_row_kernels_at_1() {
    let manifest = cargo_toml();
    assert_eq!(opt_level(&manifest, "*"), Some(toml::Value::Integer(0)), "dependencies build at level 0");
    let packages = locked_packages();
    for kernel in ROW_KERNELS {
        assert!(packages.iter().any(|p| p == kernel), "{kernel} is in Cargo.lock");
        assert_eq!(
            opt_level(&manifest, kernel),
            Some(toml::Value::Integer(1)),
            "{kernel} is where the engine spends its time on every row: give it `[profile.release.package.{kernel}] opt-level = 1` in Cargo.toml"
        );
    }
    // The SQL engine's planner and the AWS SDK clients stay at the default: they are most of the
    // build and little of the time.
    for package in packages.iter().filter(|name| name.starts_with("datafusion") || name.starts_with("aws-sdk-")) {
        assert_eq!(opt_level(&manifest, package), None, "{package} builds at the default level 0");
    }
    // Every crate the profile names is one the build has: an entry left by an upgrade that
    // renamed or dropped its crate would set nothing, and say it did.
    let named = manifest["profile"]["release"]["package"].as_table().unwrap();
    for package in named.keys().filter(|name| *name != "*" && *name != "lakeops") {
        assert!(
            packages.iter().any(|p| p == package),
            "[profile.release.package.{package}] names no crate of Cargo.lock"
        );
    }
    // lakeops at level 1: at 3 it took 357 CPU-seconds of the build for the same queries and frames.
    assert_eq!(opt_level(&manifest, "lakeops"), Some(toml::Value::Integer(1)));
}

#[test]
fn the_release_binary_is_stripped_carries_no_debug_info_and_skips_lto() {
    let manifest = cargo_toml();
    let release = &manifest["profile"]["release"];
    assert_eq!(release.get("strip"), Some(&toml::Value::Boolean(true)));
    assert_eq!(release.get("debug"), Some(&toml::Value::Boolean(false)));
    // Built for build time: no link-time optimisation, not even within a crate, and no landing
    // pads (a panic aborts, as in the published binary).
    assert_eq!(release.get("lto"), Some(&toml::Value::String("off".into())));
    assert_eq!(release.get("panic"), Some(&toml::Value::String("abort".into())));
}

#[test]
fn the_published_binary_is_built_whole_for_size_and_aborts_on_panic() {
    let manifest = cargo_toml();
    let dist = manifest["profile"]["dist"].as_table().expect("a [profile.dist] in Cargo.toml");
    let value = |key: &str| dist.get(key).cloned();
    // From dev, not release: release's per-crate overrides (most crates at level 0, built for
    // build time) would otherwise apply to it as well, as Cargo lets a profile inherit them.
    assert_eq!(value("inherits"), Some(toml::Value::String("dev".into())));
    assert!(dist.get("package").is_none(), "no per-crate levels: every crate at the profile's own");
    assert_eq!(value("opt-level"), Some(toml::Value::String("z".into())));
    assert_eq!(value("lto"), Some(toml::Value::String("fat".into())));
    assert_eq!(value("codegen-units"), Some(toml::Value::Integer(1)));
    // The symbol table stays, for the link order (dist/link_order.py); dist/package.sh strips
    // the published copy (tests/install.rs).
    assert_eq!(value("strip"), Some(toml::Value::String("debuginfo".into())));
    assert_eq!(value("debug"), Some(toml::Value::Boolean(false)));
    assert_eq!(value("debug-assertions"), Some(toml::Value::Boolean(false)));
    assert_eq!(value("overflow-checks"), Some(toml::Value::Boolean(false)));
    // A panic aborts: 9.6 MB less. The console's panic hook ends the program itself, the sandbox
    // saved (tests/pty.rs), and the sandbox's queries run in worker processes
    // (tests/sandbox_worker.rs): neither needs unwinding.
    assert_eq!(value("panic"), Some(toml::Value::String("abort".into())));
    let dev_overrides = manifest["profile"]["dev"].get("package").and_then(|p| p.as_table());
    for (package, table) in dev_overrides.into_iter().flatten() {
        assert!(table.get("opt-level").is_none(), "dev's override of {package} would reach dist");
    }
    // And the workflow builds with it.
    let workflow =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.github/workflows/release.yml")).unwrap();
    assert!(
        workflow.contains("cargo build --profile dist --locked"),
        "the release workflow builds with --profile dist"
    );
    // On Linux it measures which functions run (on both backends) and links again in that order.
    assert!(workflow.contains("dist/link_order.py"), "the release workflow measures the link order");
    assert!(
        workflow.contains("LAKEOPS_LINK_ORDER=")
            && workflow.matches("cargo build --profile dist --locked").count() == 2,
        "the release workflow links again with the order"
    );
}

/// The AWS SDK clients' default `rustls` feature is the legacy HTTP stack (hyper 0.14, rustls 0.21,
/// ring), built and linked beside the one they use. Every client is declared without its default
/// features; this keeps it so, for the crates of the binary (not the tests') on this machine.
#[test]
fn the_binary_links_one_http_and_tls_stack() {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--locked", "--edges", "normal", "--prefix", "none", "--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree: {}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8(output.stdout).unwrap();
    let versions = |name: &str| {
        let mut found: Vec<&str> =
            tree.lines().filter_map(|line| line.strip_prefix(name)?.strip_prefix(" v")?.split(' ').next()).collect();
        found.sort_unstable();
        found.dedup();
        found
    };
    assert_eq!(versions("hyper").len(), 1, "hyper is linked once, not in versions {:?}: declare every aws-sdk-* client in Cargo.toml with `default-features = false`", versions("hyper"));
    for name in ["h2", "rustls", "hyper-rustls", "tokio-rustls", "http-body-util"] {
        assert!(versions(name).len() <= 1, "{name} is linked in versions {:?}: declare every aws-sdk-* client in Cargo.toml with `default-features = false`", versions(name));
    }
    assert_eq!(versions("ring"), Vec::<&str>::new(), "ring is the legacy stack's crypto; rustls uses aws-lc-rs");
}
