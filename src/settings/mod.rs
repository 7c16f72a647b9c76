//! Settings: built-in defaults < `$XDG_CONFIG_HOME/lakeops/config.toml` < profile <
//! `LAKEOPS_*` environment < command-line flags, merged with the `config` crate.
//!
//! Each file layer is checked on its own first, so that an unknown key or a syntax error
//! names the file it is in; type errors and impossible values are traced back to the
//! last layer that set the key.

mod error;
mod keys;
mod model;
mod naming;
pub mod paths;
pub mod profile;
pub mod runbooks;
pub mod slo;
pub mod theme;
mod validate;

pub use error::{did_you_mean, nearest, SettingsError};
pub use keys::known_keys;
pub use model::*;
pub use naming::provisioning_name_problem;
pub use paths::Paths;
pub use runbooks::{RunbookRef, RunbookTarget};
pub use slo::Slo;
pub use theme::Theme;

use config::{Config, ConfigError, FileFormat};

pub(crate) const DEFAULTS: &str = include_str!("defaults.toml");

/// What the command line says about settings.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub profile: Option<String>,
    pub theme: Option<String>,
    pub readonly: bool,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub speed: Option<f64>,
}

/// The merged settings, the theme they name and where the profile came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub settings: Settings,
    pub theme: Theme,
    /// The profile's name as given (`sandbox`, or a file stem).
    pub profile: String,
    pub profile_origin: String,
    /// `[keys]`, as the files set it (the console checks the names against its key table).
    pub keys: Vec<KeyOverride>,
    /// `[runbooks]`, as the files set it (a later file's entry for a name replaces an earlier one's).
    pub runbooks: Vec<RunbookRef>,
    /// `[slo]`, as the last file with one sets it; `None`: no freshness objectives.
    pub slo: Option<Slo>,
}

/// One setting of `[keys]`: a command's keys, everywhere (`view` none) or in one view, and the
/// file that set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    pub view: Option<String>,
    pub command: String,
    pub keys: Vec<String>,
    pub origin: String,
}

struct Layer {
    origin: String,
    table: toml::Table,
    keys: Vec<KeyOverride>,
    runbooks: Vec<RunbookRef>,
    slo: Option<Slo>,
}

/// Loads every layer. `env` is the process environment (passed in so tests can vary it).
pub fn load(overrides: &Overrides, paths: &Paths, env: &[(String, String)]) -> Result<Loaded, SettingsError> {
    let mut layers: Vec<Layer> = Vec::new();
    layers.push(parse_layer("built-in defaults", DEFAULTS, None)?);

    let user_config = paths.config_file();
    if user_config.is_file() {
        let origin = user_config.display().to_string();
        let text = std::fs::read_to_string(&user_config).map_err(|e| {
            SettingsError::new(origin.clone(), None, format!("cannot read: {}", profile::io_reason(&e)))
        })?;
        layers.push(parse_layer(&origin, &text, Some(&paths.config_dir))?);
    }

    let profile_name = overrides.profile.clone().unwrap_or_else(|| "sandbox".to_string());
    let source = profile::resolve(&profile_name, paths)?;
    // A name that reads as another (`prod` and a zero-width space) would pass for it in the fleet.
    if !crate::model::text::shows_as_written(&source.name) {
        let message = format!(
            "expected a profile name with no control, bidi or invisible characters, found {:?}: rename the file",
            source.name
        );
        return Err(SettingsError::new(source.origin, None, message));
    }
    layers.push(parse_layer(&source.origin, &source.text, source.dir.as_deref())?);

    let env_layer = env_layer(env)?;
    let flag_layer = flag_layer(overrides);

    let mut builder = Config::builder();
    for layer in &layers {
        builder = builder
            .add_source(config::File::from_str(&toml::to_string(&layer.table).unwrap_or_default(), FileFormat::Toml));
    }
    let env_map: config::Map<String, String> =
        env.iter().filter(|(k, _)| is_setting_var(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    builder = builder.add_source(
        config::Environment::with_prefix("LAKEOPS")
            .prefix_separator("_")
            .separator("__")
            .try_parsing(true)
            .source(Some(env_map)),
    );
    builder = builder
        .add_source(config::File::from_str(&toml::to_string(&flag_layer.table).unwrap_or_default(), FileFormat::Toml));
    layers.push(env_layer);
    layers.push(flag_layer);

    let merged = builder.build().map_err(|e| config_error(e, &layers))?;
    let mut settings: Settings = merged.try_deserialize().map_err(|e| config_error(e, &layers))?;
    let derived = naming::derive(&mut settings, |key| layers.iter().any(|l| keys::contains(&l.table, key)));
    validate::validate(&settings, &derived)
        .map_err(|(key, message)| SettingsError::new(origin_of(key, &layers), Some(key), message))?;

    let theme_name = settings.console.theme.clone();
    let theme = theme::resolve(&theme_name, paths, &origin_of("console.theme", &layers))?;
    // A later file's runbook for a name replaces an earlier one's.
    let mut runbooks: Vec<RunbookRef> = Vec::new();
    for r in layers.iter_mut().flat_map(|l| std::mem::take(&mut l.runbooks)) {
        runbooks.retain(|k| k.key != r.key);
        runbooks.push(r);
    }
    // The last file with an `[slo]` sets all of it.
    let slo = layers.iter_mut().filter_map(|l| l.slo.take()).last();
    if let Some(slo) = &slo {
        slo.check_datasets(&settings.platform.quicksight.datasets)?;
    }
    // A later file's key for a command replaces an earlier one's.
    let mut keys: Vec<KeyOverride> = Vec::new();
    for o in layers.into_iter().flat_map(|l| l.keys) {
        keys.retain(|k| (&k.view, &k.command) != (&o.view, &o.command));
        keys.push(o);
    }
    Ok(Loaded { settings, theme, profile: source.name, profile_origin: source.origin, keys, runbooks, slo })
}

/// One file's table, with `[keys]` and `[runbooks]` taken out; `dir` is the directory its relative
/// runbook paths are read against.
fn parse_layer(origin: &str, text: &str, dir: Option<&std::path::Path>) -> Result<Layer, SettingsError> {
    let mut table: toml::Table = text.parse().map_err(|e| theme::toml_error(origin, text, &e))?;
    let keys = take_keys(&mut table, origin)?;
    let runbooks = runbooks::take(&mut table, origin, dir)?;
    let slo = slo::take(&mut table, origin)?;
    keys::check_known(&table, origin, true)?;
    Ok(Layer { origin: origin.to_string(), table, keys, runbooks, slo })
}

/// Takes `[keys]` out of a file's table: `command = "key"` or `["key", …]`, or a table of those
/// for one view. The names are the console's to check; the shape is checked here.
fn take_keys(table: &mut toml::Table, origin: &str) -> Result<Vec<KeyOverride>, SettingsError> {
    let Some(value) = table.remove("keys") else { return Ok(Vec::new()) };
    let expected =
        "expected a key (\"q\"), a list of keys ([\"j\", \"↓\"]), or a table of them for one view ([keys.streams])";
    let toml::Value::Table(keys) = value else {
        return Err(SettingsError::new(origin, Some("keys"), "expected a table ([keys])"));
    };
    let mut out = Vec::new();
    for (name, value) in keys {
        let setting = format!("keys.{name}");
        match key_list(&value) {
            Some(list) => out.push(KeyOverride { view: None, command: name, keys: list, origin: origin.into() }),
            None => {
                let toml::Value::Table(view) = value else {
                    return Err(SettingsError::new(origin, Some(&setting), expected));
                };
                for (command, value) in view {
                    let list = key_list(&value)
                        .ok_or_else(|| SettingsError::new(origin, Some(&format!("{setting}.{command}")), expected))?;
                    out.push(KeyOverride { view: Some(name.clone()), command, keys: list, origin: origin.into() });
                }
            }
        }
    }
    Ok(out)
}

/// A key as a string, or keys as an array of strings.
fn key_list(value: &toml::Value) -> Option<Vec<String>> {
    match value {
        toml::Value::String(key) => Some(vec![key.clone()]),
        toml::Value::Array(keys) => keys.iter().map(|k| k.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

/// `LAKEOPS_CONSOLE__REFRESH_SECONDS` is `console.refresh_seconds`; variables without `__`
/// (such as `LAKEOPS_PROFILE`) are command-line defaults, not settings.
fn is_setting_var(name: &str) -> bool {
    name.starts_with("LAKEOPS_") && name.contains("__")
}

fn env_layer(env: &[(String, String)]) -> Result<Layer, SettingsError> {
    let mut table = toml::Table::new();
    for (name, value) in env.iter().filter(|(k, _)| is_setting_var(k)) {
        let key = name["LAKEOPS_".len()..].to_ascii_lowercase().replace("__", ".");
        if key.split('.').next() == Some("keys") {
            // Command names have dashes (page-up), which variable names cannot carry.
            let origin = format!("environment variable {name}");
            return Err(SettingsError::new(
                origin,
                Some("keys"),
                "keys are set in config.toml or a profile ([keys]), not in the environment",
            ));
        }
        if key.split('.').next() == Some("runbooks") {
            // Alarm names have dashes, and a relative path needs a file to be relative to.
            let origin = format!("environment variable {name}");
            return Err(SettingsError::new(
                origin,
                Some("runbooks"),
                "runbooks are set in config.toml or a profile ([runbooks]), not in the environment",
            ));
        }
        insert_dotted(&mut table, &key, toml::Value::String(value.clone()));
        // Environment values are text; the config crate parses them, so only keys are checked
        // here, and that an integer's text is one.
        let origin = format!("environment variable {name}");
        keys::check_known(&table, &origin, false)?;
        keys::check_text(&key, value, &origin)?;
    }
    Ok(Layer { origin: "environment".into(), table, keys: Vec::new(), runbooks: Vec::new(), slo: None })
}

fn flag_layer(o: &Overrides) -> Layer {
    let mut table = toml::Table::new();
    if let Some(theme) = &o.theme {
        insert_dotted(&mut table, "console.theme", theme.clone().into());
    }
    if o.readonly {
        insert_dotted(&mut table, "console.readonly", true.into());
    }
    if let Some(region) = &o.region {
        insert_dotted(&mut table, "aws.region", region.clone().into());
    }
    if let Some(url) = &o.endpoint_url {
        insert_dotted(&mut table, "aws.endpoint_url", url.clone().into());
    }
    if let Some(speed) = o.speed {
        insert_dotted(&mut table, "sandbox.speed", speed.into());
    }
    Layer { origin: "command line".into(), table, keys: Vec::new(), runbooks: Vec::new(), slo: None }
}

fn insert_dotted(table: &mut toml::Table, key: &str, value: toml::Value) {
    let mut current = table;
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    for part in parts {
        let entry = current.entry(part.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        let toml::Value::Table(next) = entry else { return };
        current = next;
    }
    current.insert(last.to_string(), value);
}

/// The last layer that set `key`: that is where the user must look.
fn origin_of(key: &str, layers: &[Layer]) -> String {
    layers
        .iter()
        .rev()
        .find(|l| keys::contains(&l.table, key))
        .map(|l| match l.origin.as_str() {
            "environment" => format!("environment variable LAKEOPS_{}", key.to_ascii_uppercase().replace('.', "__")),
            other => other.to_string(),
        })
        .unwrap_or_else(|| "settings".into())
}

fn config_error(e: ConfigError, layers: &[Layer]) -> SettingsError {
    match e {
        ConfigError::Type { unexpected, expected, key, .. } => {
            let key = key.unwrap_or_default();
            SettingsError::new(origin_of(&key, layers), Some(&key), wrong_type(expected, &unexpected.to_string()))
        }
        ConfigError::At { error, key, .. } => {
            let key = key.unwrap_or_default();
            let inner = match *error {
                ConfigError::Message(m) => m,
                other => other.to_string(),
            };
            SettingsError::new(origin_of(&key, layers), Some(&key), humanize(&inner))
        }
        ConfigError::NotFound(key) => SettingsError::new(origin_of(&key, layers), Some(&key), "missing"),
        other => SettingsError::new("settings", None, humanize(&other.to_string())),
    }
}

/// A value of the wrong type in a reader's words: config says "expected an unsigned 64 bit or
/// less integer, found 64-bit integer `-1`", lakeops "expected a whole number, 0 or more, found -1".
fn wrong_type(expected: &str, found: &str) -> String {
    let expected = match expected {
        e if e.contains("unsigned") => format!("{}, 0 or more", keys::wanted("integer")),
        e if e.contains("integer") => keys::wanted("integer"),
        "a floating point" => keys::wanted("float"),
        "a boolean" => keys::wanted("boolean"),
        other => other.to_string(),
    };
    let value = ["64-bit integer `", "128-bit integer `", "64-bit unsigned integer `", "128-bit unsigned integer `"]
        .iter()
        .chain(&["floating point `", "boolean `"])
        .find_map(|prefix| found.strip_prefix(prefix).and_then(|v| v.strip_suffix('`')))
        .or_else(|| found.strip_prefix("string "));
    format!("expected {expected}, found {}", value.unwrap_or(found))
}

/// serde's "unknown variant `x`, expected `a` or `b`" reads fine; tidy the rest.
fn humanize(message: &str) -> String {
    message.trim().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> (tempfile::TempDir, Paths) {
        Paths::temp()
    }

    #[test]
    fn sandbox_is_the_default_profile() {
        let (_d, paths) = paths();
        let loaded = load(&Overrides::default(), &paths, &[]).unwrap();
        assert_eq!(loaded.settings.backend, Backend::Sandbox);
        assert_eq!(loaded.settings.platform.stream.name, "clickstream-events");
        assert_eq!(loaded.settings.console.refresh_seconds, 5);
        assert_eq!(loaded.theme.name, "default");
    }

    #[test]
    fn layers_override_in_order() {
        let (_d, paths) = paths();
        std::fs::create_dir_all(&paths.config_dir).unwrap();
        std::fs::write(paths.config_file(), "[console]\ntheme = \"light\"\nrefresh_seconds = 30\n").unwrap();
        let env = vec![("LAKEOPS_CONSOLE__REFRESH_SECONDS".to_string(), "7".to_string())];
        let overrides = Overrides { readonly: true, region: Some("eu-west-1".into()), ..Default::default() };
        let loaded = load(&overrides, &paths, &env).unwrap();
        // The profile sets refresh_seconds = 5 over config.toml's 30; the environment wins over both.
        assert_eq!(loaded.settings.console.refresh_seconds, 7);
        assert_eq!(loaded.theme.name, "light");
        assert!(loaded.settings.console.readonly);
        assert_eq!(loaded.settings.aws.region, "eu-west-1");
    }

    #[test]
    fn keys_are_not_taken_from_the_environment() {
        let env = vec![("LAKEOPS_KEYS__QUIT".to_string(), "Q".to_string())];
        let err = env_layer(&env).err().expect("refused");
        assert_eq!(err.origin, "environment variable LAKEOPS_KEYS__QUIT");
        assert!(err.to_string().contains("not in the environment"), "{err}");
    }

    /// A value of the wrong type is said in a reader's words, not config's.
    #[test]
    fn a_wrong_type_is_said_plainly() {
        let (_d, paths) = paths();
        let said = |name: &str, value: &str| {
            let env = vec![(name.to_string(), value.to_string())];
            load(&Overrides::default(), &paths, &env).unwrap_err().to_string()
        };
        let shards = said("LAKEOPS_PLATFORM__STREAM__SHARDS", "-1");
        assert!(shards.ends_with("expected a whole number, 0 or more, found -1"), "{shards}");
        // config would round 2.5 to 3 shards, and read `yes` as 1.
        for text in ["2.5", "yes", "four", " 3"] {
            let shards = said("LAKEOPS_PLATFORM__STREAM__SHARDS", text);
            assert!(shards.ends_with(&format!("expected a whole number, found {text:?}")), "{shards}");
        }
        // config would read any number as a switch: 2 as on, 0.0 as off.
        for text in ["2", "-1", "0.0", "maybe", ""] {
            let readonly = said("LAKEOPS_CONSOLE__READONLY", text);
            assert!(
                readonly
                    .contains(&format!("expected true or false (true, false, yes, no, on, off, 1, 0), found {text:?}")),
                "{readonly}"
            );
        }
        // A fractional setting takes a fraction; a whole number too large for its setting is said
        // to be out of range, not not whole.
        let env = |name: &str, value: &str| vec![(name.to_string(), value.to_string())];
        let peak = env("LAKEOPS_SANDBOX__PEAK_RECORDS_PER_SECOND", "2600.5");
        assert_eq!(
            load(&Overrides::default(), &paths, &peak).unwrap().settings.sandbox.peak_records_per_second,
            2600.5
        );
        let seed = env("LAKEOPS_SANDBOX__SEED", "18446744073709551615");
        assert!(load(&Overrides::default(), &paths, &seed).is_ok());
        assert!(said("LAKEOPS_CONSOLE__REFRESH_SECONDS", "2.5").contains("LAKEOPS_CONSOLE__REFRESH_SECONDS"));
    }

    #[test]
    fn environment_errors_name_the_variable() {
        let (_d, paths) = paths();
        let env = vec![("LAKEOPS_CONSOLE__REFRESH_SECONDS".to_string(), "0".to_string())];
        let err = load(&Overrides::default(), &paths, &env).unwrap_err();
        assert_eq!(err.origin, "environment variable LAKEOPS_CONSOLE__REFRESH_SECONDS");
        let env = vec![("LAKEOPS_CONSOLE__THEMES".to_string(), "x".to_string())];
        let err = load(&Overrides::default(), &paths, &env).unwrap_err();
        assert!(err.to_string().contains("did you mean `theme`"), "{err}");
    }
}
