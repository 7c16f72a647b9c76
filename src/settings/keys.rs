//! Which keys a settings layer may hold: every key of the built-in defaults plus a few
//! optional ones. Each layer is checked on its own so that an unknown key is reported
//! with the file it is in.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::error::{did_you_mean, SettingsError};

/// Keys that have no default value.
const OPTIONAL_KEYS: &[&str] = &[
    "aws.profile",
    "aws.endpoint_url",
    "aws.template_bucket",
    "platform.lake.raw_bucket",
    "platform.lake.curated_bucket",
    "platform.glue.script_location",
    // Derived from the stack name when unset (settings/naming.rs).
    "platform.stream.name",
    "platform.lambda.function",
    "platform.dlq.queue",
    "platform.glue.database",
    "platform.glue.crawler",
    "platform.glue.job",
    "platform.redshift.name",
    "platform.athena.workgroup",
    "platform.orchestration.state_machine",
    "platform.emr.name",
    "platform.firehose.delivery_stream",
    // The profile's colour in the header and the fleet (settings/model.rs, ConsoleSettings).
    "console.color",
];

/// Tables whose keys the profile chooses (a step template's name); what each holds is checked
/// when the settings are read into their types.
const OPEN_TABLES: &[&str] = &["platform.emr.steps"];

struct Schema {
    /// Every leaf key with the TOML type its value must have.
    leaves: BTreeMap<String, &'static str>,
    tables: BTreeSet<String>,
}

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = Schema { leaves: BTreeMap::new(), tables: BTreeSet::new() };
        // The defaults are compiled in and covered by a unit test, so this cannot fail at run time.
        let defaults: toml::Table = super::DEFAULTS.parse().unwrap_or_default();
        collect(&defaults, "", &mut schema);
        for key in OPTIONAL_KEYS {
            schema.leaves.insert((*key).to_string(), "string");
        }
        schema
    })
}

fn collect(table: &toml::Table, prefix: &str, schema: &mut Schema) {
    for (key, value) in table {
        let path = join(prefix, key);
        match value {
            toml::Value::Table(inner) => {
                schema.tables.insert(path.clone());
                collect(inner, &path, schema);
            }
            other => {
                schema.leaves.insert(path, other.type_str());
            }
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Every dotted key lakeops accepts, tables excluded.
pub fn known_keys() -> impl Iterator<Item = &'static str> {
    schema().leaves.keys().map(String::as_str)
}

/// Refuses the first key of `table` lakeops does not know (naming the nearest known one)
/// and, with `typed`, the first value of the wrong TOML type.
pub fn check_known(table: &toml::Table, origin: &str, typed: bool) -> Result<(), SettingsError> {
    check_table(table, "", origin, typed)
}

/// Refuses an environment variable's text for an integer setting unless it is a whole number, and
/// for a switch unless it is one of [`SWITCH_WORDS`]: the config crate would round `2.5` to 3, read
/// `yes` as 1 shard and `2` as true (a TOML layer's types are checked by [`check_known`]).
pub fn check_text(key: &str, text: &str, origin: &str) -> Result<(), SettingsError> {
    let refused = match schema().leaves.get(key).copied() {
        // Whole numbers of any size: the setting's own range is said when it is read.
        Some("integer") if text.parse::<i128>().is_err() => wanted("integer"),
        Some("boolean") if !SWITCH_WORDS.iter().any(|w| w.eq_ignore_ascii_case(text)) => {
            format!("{} ({})", wanted("boolean"), SWITCH_WORDS.join(", "))
        }
        _ => return Ok(()),
    };
    Err(SettingsError::new(origin, Some(key), format!("expected {refused}, found {text:?}")))
}

/// What an environment variable may say for a switch, as the config crate reads them.
pub const SWITCH_WORDS: &[&str] = &["true", "false", "yes", "no", "on", "off", "1", "0"];

fn check_table(table: &toml::Table, prefix: &str, origin: &str, typed: bool) -> Result<(), SettingsError> {
    let schema = schema();
    for (key, value) in table {
        let path = join(prefix, key);
        if OPEN_TABLES.contains(&path.as_str()) {
            if !value.is_table() {
                return Err(SettingsError::new(
                    origin,
                    Some(&path),
                    format!("expected a table ([{path}.NAME]), found {}", value.type_str()),
                ));
            }
        } else if schema.tables.contains(&path) {
            match value {
                toml::Value::Table(inner) => check_table(inner, &path, origin, typed)?,
                other => {
                    return Err(SettingsError::new(
                        origin,
                        Some(&path),
                        format!("expected a table ([{path}]), found {}", other.type_str()),
                    ))
                }
            }
        } else if let Some(expected) = schema.leaves.get(&path) {
            let found = value.type_str();
            // A whole number is a fine value for a fractional setting.
            let fits = found == *expected || (*expected == "float" && found == "integer");
            if typed && !fits {
                return Err(SettingsError::new(
                    origin,
                    Some(&path),
                    format!("expected {}, found {}", wanted(expected), shown(value)),
                ));
            }
        } else {
            let siblings = schema.leaves.keys().chain(schema.tables.iter()).filter_map(|k| {
                let (parent, last) = k.rsplit_once('.').unwrap_or(("", k.as_str()));
                (parent == prefix).then_some(last)
            });
            let hint = match did_you_mean(key, siblings) {
                hint if hint.is_empty() => elsewhere(key),
                hint => hint,
            };
            let scope = if prefix.is_empty() { "at the top level".to_string() } else { format!("in [{prefix}]") };
            return Err(SettingsError::new(origin, Some(&path), format!("unknown key {scope}{hint}")));
        }
    }
    Ok(())
}

/// " (did you mean `console.readonly`?)" when `key` is a key of another table (a key written at
/// the top level, or in the wrong table), or nothing.
fn elsewhere(key: &str) -> String {
    let schema = schema();
    let found: Vec<&str> = schema
        .leaves
        .keys()
        .chain(schema.tables.iter())
        .filter(|path| path.rsplit_once('.').is_some_and(|(_, last)| last == key))
        .map(String::as_str)
        .collect();
    // A top-level key written under a table (TOML puts every key after `[aws]` in [aws]): the
    // common slip, named first even when tables have a key of that name too (`name`).
    if schema.leaves.contains_key(key) {
        return format!(" (did you mean the top-level `{key}`? top-level keys go above the first [table])");
    }
    match found.split_last() {
        // A key of many tables (`name`) says nothing by itself.
        _ if found.len() > 3 => String::new(),
        None => String::new(),
        Some((last, [])) => format!(" (did you mean `{last}`?)"),
        Some((last, rest)) => {
            format!(
                " (did you mean {} or `{last}`?)",
                rest.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
            )
        }
    }
}

/// What a setting of TOML type `type_name` takes, in a reader's words.
pub(super) fn wanted(type_name: &str) -> String {
    match type_name {
        "integer" => "a whole number".into(),
        "boolean" => "true or false".into(),
        other => article(other),
    }
}

/// A value as written (`2.5`, `"yes"`), or what it is when it is more than one (`an array`).
fn shown(value: &toml::Value) -> String {
    match value {
        toml::Value::Array(_) | toml::Value::Table(_) => article(value.type_str()),
        scalar => scalar.to_string(),
    }
}

pub(super) fn article(type_name: &str) -> String {
    match type_name {
        "integer" => "an integer".into(),
        "array" => "an array".into(),
        "float" => "a number".into(),
        other => format!("a {other}"),
    }
}

/// Whether `table` holds the dotted `key`.
pub fn contains(table: &toml::Table, key: &str) -> bool {
    let mut current = table;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        match current.get(part) {
            Some(toml::Value::Table(inner)) if parts.peek().is_some() => current = inner,
            Some(_) => return parts.peek().is_none(),
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_are_known() {
        let defaults: toml::Table = super::super::DEFAULTS.parse().expect("defaults parse");
        check_known(&defaults, "defaults", true).expect("defaults only hold known keys");
        assert!(known_keys().any(|k| k == "platform.stream.shards"));
    }

    #[test]
    fn unknown_key_names_the_nearest_sibling() {
        let table: toml::Table = "[platform.stream]\nshard = 4\n".parse().unwrap();
        let err = check_known(&table, "p.toml", true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.toml: key `platform.stream.shard`: unknown key in [platform.stream] (did you mean `shards`?)"
        );
    }

    #[test]
    fn a_key_of_another_table_is_named_with_its_table() {
        let table: toml::Table = "readonly = true\n".parse().unwrap();
        let err = check_known(&table, "p.toml", true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.toml: key `readonly`: unknown key at the top level (did you mean `console.readonly`?)"
        );
        let table: toml::Table = "[platform.stream]\nspeed = 2.0\n".parse().unwrap();
        let err = check_known(&table, "p.toml", true).unwrap_err();
        assert!(err.to_string().ends_with("unknown key in [platform.stream] (did you mean `sandbox.speed`?)"), "{err}");
        // A key of several tables names them all; a key of none, nothing.
        let table: toml::Table = "[console]\nmode = 1\n".parse().unwrap();
        let err = check_known(&table, "p.toml", true).unwrap_err().to_string();
        assert!(err.contains("(did you mean `platform.") && err.contains(" or `"), "{err}");
        let table: toml::Table = "[console]\nstream_name = 1\n".parse().unwrap();
        let err = check_known(&table, "p.toml", true).unwrap_err().to_string();
        assert!(!err.contains("did you mean"), "{err}");
        let table: toml::Table = "[platform.lake]\nbatch_size = 1\n".parse().unwrap();
        let err = check_known(&table, "p.toml", true).unwrap_err().to_string();
        assert!(err.ends_with("(did you mean `platform.lambda.batch_size`?)"), "{err}");
        // A top-level key is named as one first: `name` under [console] is the profile's name.
        let table: toml::Table = "name = \"x\"\n[console]\nname = 1\n".parse().unwrap();
        let err = check_known(&table, "p.toml", true).unwrap_err().to_string();
        assert!(
            err.ends_with("(did you mean the top-level `name`? top-level keys go above the first [table])"),
            "{err}"
        );
        let table: toml::Table = "[aws]\nregion = \"eu-west-1\"\nbackend = \"aws\"\n".parse().unwrap();
        assert!(
            check_known(&table, "p.toml", true).unwrap_err().to_string().ends_with(
                "unknown key in [aws] (did you mean the top-level `backend`? top-level keys go above the first [table])"
            ),
            "a top-level key below a table header is named as one"
        );
        let table: toml::Table = "[console]\nquux = 1\n".parse().unwrap();
        assert!(check_known(&table, "p.toml", true).unwrap_err().to_string().ends_with("unknown key in [console]"));
    }

    #[test]
    fn wrong_types_are_refused_in_files() {
        let table: toml::Table = "[console]\nreadonly = \"yes\"\n".parse().unwrap();
        let err = check_known(&table, "c.toml", true).unwrap_err();
        assert_eq!(err.to_string(), "c.toml: key `console.readonly`: expected true or false, found \"yes\"");
        let table: toml::Table = "[platform.stream]\nshards = 2.5\n".parse().unwrap();
        let err = check_known(&table, "c.toml", true).unwrap_err();
        assert_eq!(err.to_string(), "c.toml: key `platform.stream.shards`: expected a whole number, found 2.5");
        let table: toml::Table = "[sandbox]\nspeed = 2\n".parse().unwrap();
        assert!(check_known(&table, "c.toml", true).is_ok(), "an integer is a fine float");
    }

    #[test]
    fn contains_finds_nested_keys() {
        let table: toml::Table = "[console]\nreadonly = true\n".parse().unwrap();
        assert!(contains(&table, "console.readonly"));
        assert!(!contains(&table, "console.theme"));
        assert!(!contains(&table, "aws.region"));
    }
}
