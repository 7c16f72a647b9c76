//! `[runbooks]`: what to read when an alarm fires, a fault is rehearsed or a layer fails. Each
//! file's table is taken out before the layers merge (as `[keys]` is), so that a relative path is
//! read against the directory of the file that wrote it and a mistake names that file.
//!
//! A malformed entry (an empty key, a value that is no path or URL, `http://`, an unknown
//! `builtin:` name) stops lakeops at load, exit 2. A file that cannot be read (moved, not UTF-8,
//! too large) does not: the console must still open at 3 a.m. when someone moved a runbook, so
//! the problem is shown where the runbook would be, and `lakeops runbook` exits 2 with it.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::{did_you_mean, SettingsError};
use super::keys::article;

/// The largest runbook file lakeops reads: a runbook is a page, not a manual.
pub const MAX_RUNBOOK_BYTES: u64 = 256 * 1024;

/// The runbooks compiled into lakeops, as `builtin:NAME` names them (the sandbox profile's).
pub const BUILTIN_RUNBOOKS: &[(&str, &str)] = &[
    ("iterator-age", include_str!("../../profiles/runbooks/iterator-age.md")),
    ("lambda-errors", include_str!("../../profiles/runbooks/lambda-errors.md")),
    ("write-throttling", include_str!("../../profiles/runbooks/write-throttling.md")),
    ("dlq-depth", include_str!("../../profiles/runbooks/dlq-depth.md")),
    ("etl-failed", include_str!("../../profiles/runbooks/etl-failed.md")),
    ("redshift-cpu", include_str!("../../profiles/runbooks/redshift-cpu.md")),
    ("nightly-failed", include_str!("../../profiles/runbooks/nightly-failed.md")),
    ("delivery-freshness", include_str!("../../profiles/runbooks/delivery-freshness.md")),
    ("kafka-lag", include_str!("../../profiles/runbooks/kafka-lag.md")),
    ("dms-cdc-latency", include_str!("../../profiles/runbooks/dms-cdc-latency.md")),
    ("search-red", include_str!("../../profiles/runbooks/search-red.md")),
    ("spice-refresh-failed", include_str!("../../profiles/runbooks/spice-refresh-failed.md")),
    ("spark-oom", include_str!("../../profiles/runbooks/spark-oom.md")),
    ("bad-records", include_str!("../../profiles/runbooks/bad-records.md")),
];

/// One entry of `[runbooks]`: the name it is for and where its text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookRef {
    /// An alarm's name (whole, or without `<stack_name>-`), a sandbox fault's name or a layer's id.
    pub key: String,
    pub target: RunbookTarget,
    /// The file that set it.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookTarget {
    /// A Markdown file; a relative path was resolved against the directory of the file naming it.
    File(PathBuf),
    /// An `https://` page, shown as its address.
    Url(String),
    /// One of [`BUILTIN_RUNBOOKS`], by name.
    Builtin(&'static str),
}

impl RunbookTarget {
    /// Where the runbook is, as the operator would look for it.
    pub fn location(&self) -> String {
        match self {
            RunbookTarget::File(path) => path.display().to_string(),
            RunbookTarget::Url(url) => url.clone(),
            RunbookTarget::Builtin(name) => format!("builtin:{name}"),
        }
    }
}

impl RunbookRef {
    /// The dotted setting, as messages name it: `runbooks.clickstream-iterator-age`.
    pub fn setting(&self) -> String {
        setting(&self.key)
    }

    /// The runbook's Markdown, or `None` for a URL. A file that is missing, not a regular file,
    /// larger than [`MAX_RUNBOOK_BYTES`] or not UTF-8 is a problem in words naming the setting,
    /// where it was set and the file.
    pub fn read(&self) -> Result<Option<String>, String> {
        match &self.target {
            RunbookTarget::Url(_) => Ok(None),
            RunbookTarget::Builtin(name) => {
                Ok(BUILTIN_RUNBOOKS.iter().find(|(n, _)| n == name).map(|(_, text)| text.to_string()))
            }
            RunbookTarget::File(path) => read_file(path).map(Some).map_err(|reason| {
                SettingsError::new(&self.origin, Some(&self.setting()), format!("{}: {reason}", path.display()))
                    .to_string()
            }),
        }
    }
}

fn read_file(path: &Path) -> Result<String, String> {
    let metadata = std::fs::metadata(path).map_err(|e| super::profile::io_reason(&e))?;
    if !metadata.is_file() {
        return Err("not a file (a runbook is a Markdown file)".into());
    }
    if metadata.len() > MAX_RUNBOOK_BYTES {
        return Err(too_large(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| super::profile::io_reason(&e))?;
    // A file that grows between the two looks is still read no further than the limit.
    let mut bytes = Vec::new();
    file.take(MAX_RUNBOOK_BYTES + 1).read_to_end(&mut bytes).map_err(|e| super::profile::io_reason(&e))?;
    if bytes.len() as u64 > MAX_RUNBOOK_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!("not UTF-8 text (at byte offset {}): save the runbook as UTF-8 Markdown", e.utf8_error().valid_up_to())
    })
}

fn too_large(bytes: u64) -> String {
    format!(
        "{} KiB, larger than a runbook may be ({} KiB): keep the page short and link to the rest",
        bytes.div_ceil(1024),
        MAX_RUNBOOK_BYTES / 1024
    )
}

/// `runbooks.KEY`, the key quoted as TOML would need it.
fn setting(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        format!("runbooks.{key}")
    } else {
        format!("runbooks.{key:?}")
    }
}

/// Takes `[runbooks]` out of a file's table and checks each entry. `dir` is the directory
/// relative paths are read against: none for a built-in profile, which names `builtin:` runbooks.
pub fn take(table: &mut toml::Table, origin: &str, dir: Option<&Path>) -> Result<Vec<RunbookRef>, SettingsError> {
    let Some(value) = table.remove("runbooks") else { return Ok(Vec::new()) };
    let toml::Value::Table(entries) = value else {
        return Err(SettingsError::new(
            origin,
            Some("runbooks"),
            format!("expected a table ([runbooks]), found {}", article(value.type_str())),
        ));
    };
    entries.into_iter().map(|(key, value)| entry(key, &value, origin, dir)).collect()
}

fn entry(key: String, value: &toml::Value, origin: &str, dir: Option<&Path>) -> Result<RunbookRef, SettingsError> {
    let setting = setting(&key);
    let refuse = |message: String| SettingsError::new(origin, Some(&setting), message);
    if key.trim().is_empty() {
        return Err(refuse(
            "expected an alarm name, a fault's name or a layer's id as the key, found an empty one".into(),
        ));
    }
    if key.chars().any(char::is_control) {
        return Err(refuse("expected a name without control characters as the key".into()));
    }
    let expected = "expected the path of a Markdown file, an https:// URL or builtin:NAME";
    let toml::Value::String(text) = value else {
        return Err(refuse(format!("{expected}, found {}", article(value.type_str()))));
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(refuse(format!("{expected}, found an empty string")));
    }
    if text.chars().any(char::is_control) {
        return Err(refuse(format!("{expected}, found text with control characters")));
    }
    let target = if let Some(rest) = text.strip_prefix("https://") {
        if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
            return Err(refuse(format!("expected an https:// URL with a host and no spaces, found {text:?}")));
        }
        RunbookTarget::Url(text.to_string())
    } else if text.starts_with("http://") {
        return Err(refuse(format!(
            "expected an https:// URL, found {text:?}: a runbook read over plain http:// can be changed on the way"
        )));
    } else if let Some(name) = text.strip_prefix("builtin:") {
        let Some((builtin, _)) = BUILTIN_RUNBOOKS.iter().find(|(n, _)| *n == name) else {
            let hint = did_you_mean(name, BUILTIN_RUNBOOKS.iter().map(|(n, _)| *n));
            let names: Vec<&str> = BUILTIN_RUNBOOKS.iter().map(|(n, _)| *n).collect();
            return Err(refuse(format!(
                "no built-in runbook named {name:?}{hint}; the built-in runbooks: {}",
                names.join(", ")
            )));
        };
        RunbookTarget::Builtin(builtin)
    } else if let Some((scheme, _)) = text.split_once("://") {
        return Err(refuse(format!("{expected}, found a {scheme}:// address")));
    } else {
        let path = Path::new(text);
        if path.is_absolute() {
            RunbookTarget::File(path.to_path_buf())
        } else {
            let Some(dir) = dir else {
                return Err(refuse(format!(
                    "{expected}; a relative path ({text:?}) needs a profile file to be relative to"
                )));
            };
            RunbookTarget::File(dir.join(path))
        }
    };
    Ok(RunbookRef { key, target, origin: origin.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(text: &str, dir: Option<&Path>) -> Result<Vec<RunbookRef>, String> {
        let mut table: toml::Table = text.parse().unwrap();
        take(&mut table, "p.toml", dir).map_err(|e| e.to_string())
    }

    #[test]
    fn paths_urls_and_builtins() {
        let dir = Path::new("/etc/lakeops/profiles");
        let refs = taken(
            "[runbooks]\n\"clickstream-iterator-age\" = \"runbooks/age.md\"\nkinesis = \"https://wiki.example.com/kinesis\"\n\
             consumer-errors = \"builtin:lambda-errors\"\nglue = \"/srv/runbooks/glue.md\"\n",
            Some(dir),
        )
        .unwrap();
        let targets: Vec<(&str, String)> = refs.iter().map(|r| (r.key.as_str(), r.target.location())).collect();
        assert_eq!(
            targets,
            [
                ("clickstream-iterator-age", "/etc/lakeops/profiles/runbooks/age.md".to_string()),
                ("consumer-errors", "builtin:lambda-errors".to_string()),
                ("glue", "/srv/runbooks/glue.md".to_string()),
                ("kinesis", "https://wiki.example.com/kinesis".to_string()),
            ]
        );
        assert!(refs.iter().all(|r| r.origin == "p.toml"));
    }

    #[test]
    fn malformed_entries_name_the_key() {
        let cases = [
            ("[runbooks]\n\"\" = \"a.md\"\n", "p.toml: key `runbooks.\"\"`: expected an alarm name, a fault's name or a layer's id as the key, found an empty one"),
            ("[runbooks]\nkinesis = 3\n", "p.toml: key `runbooks.kinesis`: expected the path of a Markdown file, an https:// URL or builtin:NAME, found an integer"),
            ("[runbooks]\nkinesis = \" \"\n", "p.toml: key `runbooks.kinesis`: expected the path of a Markdown file, an https:// URL or builtin:NAME, found an empty string"),
            ("[runbooks]\nkinesis = \"http://wiki/k\"\n", "p.toml: key `runbooks.kinesis`: expected an https:// URL, found \"http://wiki/k\": a runbook read over plain http:// can be changed on the way"),
            ("[runbooks]\nkinesis = \"ftp://wiki/k\"\n", "p.toml: key `runbooks.kinesis`: expected the path of a Markdown file, an https:// URL or builtin:NAME, found a ftp:// address"),
            ("[runbooks]\nkinesis = \"https://\"\n", "p.toml: key `runbooks.kinesis`: expected an https:// URL with a host and no spaces, found \"https://\""),
            ("runbooks = \"x\"\n", "p.toml: key `runbooks`: expected a table ([runbooks]), found a string"),
        ];
        for (text, expected) in cases {
            assert_eq!(taken(text, Some(Path::new("."))).unwrap_err(), expected, "{text}");
        }
        let err = taken("[runbooks]\nkinesis = \"builtin:iterator-ag\"\n", None).unwrap_err();
        assert!(err.contains("no built-in runbook named \"iterator-ag\" (did you mean `iterator-age`?)"), "{err}");
        let err = taken("[runbooks]\nkinesis = \"k.md\"\n", None).unwrap_err();
        assert!(err.contains("needs a profile file to be relative to"), "{err}");
    }

    #[test]
    fn unreadable_files_are_problems_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| RunbookRef {
            key: "kinesis".into(),
            target: RunbookTarget::File(dir.path().join(name)),
            origin: "p.toml".into(),
        };
        let missing = at("gone.md").read().unwrap_err();
        assert_eq!(
            missing,
            format!("p.toml: key `runbooks.kinesis`: {}: no such file", dir.path().join("gone.md").display())
        );
        std::fs::write(dir.path().join("latin1.md"), b"caf\xe9\n").unwrap();
        assert!(at("latin1.md")
            .read()
            .unwrap_err()
            .ends_with("not UTF-8 text (at byte offset 3): save the runbook as UTF-8 Markdown"));
        std::fs::write(dir.path().join("big.md"), vec![b'a'; MAX_RUNBOOK_BYTES as usize + 1]).unwrap();
        assert!(at("big.md").read().unwrap_err().contains("257 KiB, larger than a runbook may be (256 KiB)"));
        std::fs::create_dir(dir.path().join("folder.md")).unwrap();
        assert!(at("folder.md").read().unwrap_err().contains("not a file"));
        std::fs::write(dir.path().join("ok.md"), "# Fine\n").unwrap();
        assert_eq!(at("ok.md").read().unwrap().as_deref(), Some("# Fine\n"));
    }

    #[test]
    fn every_builtin_runbook_is_markdown_with_a_title() {
        for (name, text) in BUILTIN_RUNBOOKS {
            assert!(text.starts_with("# "), "{name} starts with its title");
            assert!(text.len() < 8 * 1024, "{name} is short");
        }
    }
}
