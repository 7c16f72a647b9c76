//! The release profile's choices hold for every crate they are about: Cargo cannot name "every
//! AWS SDK client" in one profile entry, so this test keeps the per-crate entries in step with
//! the dependencies (docs/performance.md, Build, has the measurements behind them).

fn cargo_toml() -> toml::Table {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    text.parse().unwrap()
}

fn opt_level(manifest: &toml::Table, package: &str) -> Option<toml::Value> {
    manifest.get("profile")?.get("release")?.get("package")?.get(package)?.get("opt-level").cloned()
}

#[test]
fn every_aws_sdk_client_builds_at_opt_level_0() {
    let manifest = cargo_toml();
    let dependencies = manifest["dependencies"].as_table().unwrap();
    let clients: Vec<&String> = dependencies.keys().filter(|name| name.starts_with("aws-sdk-")).collect();
    assert!(clients.len() >= 10, "the AWS SDK clients are dependencies: {clients:?}");
    for client in clients {
        assert_eq!(
            opt_level(&manifest, client),
            Some(toml::Value::Integer(0)),
            "{client} is an AWS SDK client: give it `[profile.release.package.{client}] opt-level = 0` in Cargo.toml"
        );
    }
    assert_eq!(opt_level(&manifest, "*"), Some(toml::Value::Integer(1)), "other dependencies build at level 1");
}

#[test]
fn the_release_binary_is_stripped_and_carries_no_debug_info() {
    let manifest = cargo_toml();
    let release = &manifest["profile"]["release"];
    assert_eq!(release.get("strip"), Some(&toml::Value::Boolean(true)));
    assert_eq!(release.get("debug"), Some(&toml::Value::Boolean(false)));
}
