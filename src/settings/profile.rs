//! Finding a profile by name or path: the user's profiles first, then the built-ins.

use std::path::{Path, PathBuf};

use super::error::{did_you_mean, SettingsError};
use super::paths::Paths;

/// Profiles compiled into the binary.
pub const BUILTIN_PROFILES: &[(&str, &str)] = &[
    ("sandbox", include_str!("../../profiles/sandbox.toml")),
    ("production", include_str!("../../profiles/production.toml")),
    ("localstack", include_str!("../../profiles/localstack.toml")),
    ("moto", include_str!("../../profiles/moto.toml")),
];

/// A profile's text and where it came from.
#[derive(Debug, Clone)]
pub struct ProfileSource {
    pub name: String,
    /// A file path, or `built-in profile NAME`.
    pub origin: String,
    pub text: String,
    /// The directory of the profile's file (none for a built-in): what its relative paths mean.
    pub dir: Option<PathBuf>,
}

/// One line of `lakeops profiles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileEntry {
    pub name: String,
    pub location: String,
}

/// Resolves `--profile NAME|PATH`.
pub fn resolve(name_or_path: &str, paths: &Paths) -> Result<ProfileSource, SettingsError> {
    if looks_like_path(name_or_path) {
        let path = PathBuf::from(name_or_path);
        return read(&path, name_or_path);
    }
    let user = paths.profiles_dir().join(format!("{name_or_path}.toml"));
    if user.is_file() {
        return read(&user, name_or_path);
    }
    if let Some((name, text)) = BUILTIN_PROFILES.iter().find(|(n, _)| *n == name_or_path) {
        return Ok(ProfileSource {
            name: name.to_string(),
            origin: format!("built-in profile {name}"),
            text: text.to_string(),
            dir: None,
        });
    }
    let names: Vec<String> = list(paths).into_iter().map(|e| e.name).collect();
    let hint = did_you_mean(name_or_path, names.iter().map(String::as_str));
    Err(SettingsError::new(
        "command line",
        Some("--profile"),
        format!(
            "no profile named {name_or_path:?}{hint}; known profiles: {} (or give a path to a .toml file)",
            names.join(", ")
        ),
    ))
}

/// Whether `--profile` names a file rather than a profile: a `/` in it, or `.toml` at its end.
pub fn looks_like_path(s: &str) -> bool {
    s.contains('/') || s.ends_with(".toml")
}

fn read(path: &Path, shown: &str) -> Result<ProfileSource, SettingsError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        SettingsError::new(origin.clone(), None, format!("cannot read the profile {shown:?}: {}", io_reason(&e)))
    })?;
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| shown.to_string());
    let dir = Some(path.parent().map(Path::to_path_buf).unwrap_or_default());
    Ok(ProfileSource { name, origin, text, dir })
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Every profile lakeops can find: the user's, then the built-ins they do not shadow.
pub fn list(paths: &Paths) -> Vec<ProfileEntry> {
    with_builtins(&paths.profiles_dir(), BUILTIN_PROFILES)
}

/// The user's own profiles (`$XDG_CONFIG_HOME/lakeops/profiles/*.toml`), built-ins left out: what
/// `--all` reads.
pub fn users(paths: &Paths) -> Vec<ProfileEntry> {
    user_files(&paths.profiles_dir())
}

/// The user's `*.toml` files in `dir`, then the built-ins whose names they do not take.
pub fn with_builtins(dir: &Path, builtins: &[(&str, &str)]) -> Vec<ProfileEntry> {
    let mut entries = user_files(dir);
    for (name, _) in builtins {
        if !entries.iter().any(|e| e.name == *name) {
            entries.push(ProfileEntry { name: name.to_string(), location: "built-in".into() });
        }
    }
    entries
}

/// The `*.toml` files of a directory as (name, path) entries, sorted by name.
fn user_files(dir: &Path) -> Vec<ProfileEntry> {
    let mut entries: Vec<ProfileEntry> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().into_owned();
            Some(ProfileEntry { name, location: p.display().to_string() })
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}
