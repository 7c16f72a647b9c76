//! Several platforms at once (`--profile prod,staging`, `--all`): which profiles make the fleet,
//! and each one loaded with its own settings. The fleet's console (`runtime::fleet`) and
//! `lakeops status` of several (`headless::fleet`) both start here (docs/fleet.md).

use super::Failure;
use crate::app::Keymap;
use crate::settings::{self, profile, Loaded, Overrides, Paths};

/// One profile of the fleet.
#[derive(Debug, Clone)]
pub struct Member {
    /// The profile as the command line gives it (a name or a path): what its own console is
    /// opened with.
    pub given: String,
    /// Its settings, or why they could not be loaded (a wrong key, a missing file, a bad `[keys]`).
    pub loaded: Result<Loaded, String>,
}

impl Member {
    /// The name the profile goes by: its settings' once loaded, else as given — a file's stem
    /// either way for a path.
    pub fn name(&self) -> &str {
        match &self.loaded {
            Ok(loaded) => &loaded.profile,
            Err(_) if profile::looks_like_path(&self.given) => {
                std::path::Path::new(&self.given).file_stem().and_then(|s| s.to_str()).unwrap_or(&self.given)
            }
            Err(_) => &self.given,
        }
    }
}

/// The profiles the command line names when it names several: `--profile a,b`, or `--all` (your
/// own profiles, built-ins left out). `None` when it names one or none: the one-profile console and
/// commands, unchanged.
pub fn chosen(profile: Option<&str>, all: bool, paths: &Paths) -> Result<Option<Vec<String>>, Failure> {
    if all {
        let names: Vec<String> = profile::users(paths).into_iter().map(|e| e.name).collect();
        if names.is_empty() {
            return Err(Failure::Invalid(format!(
                "--all reads your own profiles and {} holds none; write one there (lakeops profiles lists what \
                 there is), or name profiles, built-ins too, with --profile a,b",
                paths.profiles_dir().display()
            )));
        }
        return Ok(Some(names));
    }
    profile.filter(|p| p.contains(',')).map(names).transpose()
}

/// `a,b` as names: none empty, none twice.
pub fn names(list: &str) -> Result<Vec<String>, Failure> {
    let names: Vec<String> = list.split(',').map(|n| n.trim().to_string()).collect();
    if names.iter().any(String::is_empty) {
        return Err(Failure::Invalid(format!(
            "--profile {list:?}: an empty name in the list; separate profiles with single commas (prod,staging)"
        )));
    }
    if let Some((_, twice)) = names.iter().enumerate().find(|(i, n)| names[..*i].contains(n)) {
        return Err(Failure::Invalid(format!("--profile {list:?}: {twice:?} is in the list twice")));
    }
    Ok(names)
}

/// Loads each profile with its own settings (the command line's other flags apply to each); a
/// profile that cannot be loaded is kept with its error, so the others still open.
pub fn load(names: &[String], overrides: &Overrides, paths: &Paths, env: &[(String, String)]) -> Vec<Member> {
    let mut members: Vec<Member> = Vec::with_capacity(names.len());
    for given in names {
        let overrides = Overrides { profile: Some(given.clone()), ..overrides.clone() };
        let loaded = settings::load(&overrides, paths, env)
            .map_err(|e| e.to_string())
            // `[keys]` is checked as the one-profile console checks it: its console would not open.
            .and_then(|l| Keymap::configured(&l.keys).map(|_| l).map_err(|e| e.to_string()))
            .and_then(|l| match members.iter().find(|m| m.loaded.is_ok() && m.name() == l.profile) {
                // Two files of one name would share the sandbox's saved state and look alike on screen.
                Some(other) => Err(format!(
                    "{} and {} are both named {:?}: give the files different names",
                    other.given, given, l.profile
                )),
                None => Ok(l),
            });
        members.push(Member { given: given.clone(), loaded });
    }
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> (tempfile::TempDir, Paths) {
        Paths::temp()
    }

    #[test]
    fn one_profile_is_not_a_fleet_and_a_list_is() {
        let (_d, paths) = paths();
        assert_eq!(chosen(None, false, &paths), Ok(None));
        assert_eq!(chosen(Some("prod"), false, &paths), Ok(None));
        assert_eq!(chosen(Some("prod, staging"), false, &paths), Ok(Some(vec!["prod".into(), "staging".into()])));
    }

    #[test]
    fn a_list_with_a_hole_or_a_name_twice_is_bad_input() {
        assert!(names("a,,b").unwrap_err().message().contains("an empty name"));
        assert!(names("a,").unwrap_err().message().contains("an empty name"));
        let twice = names("a,b,a").unwrap_err();
        assert_eq!(twice.exit_code(), 2);
        assert!(twice.message().contains("\"a\" is in the list twice"), "{twice:?}");
    }

    #[test]
    fn all_is_your_own_profiles_without_the_built_ins() {
        let (_d, paths) = paths();
        let none = chosen(None, true, &paths).unwrap_err();
        assert!(none.message().contains("holds none"), "{none:?}");
        std::fs::create_dir_all(paths.profiles_dir()).unwrap();
        for name in ["staging", "prod"] {
            std::fs::write(paths.profiles_dir().join(format!("{name}.toml")), "backend = \"sandbox\"\n").unwrap();
        }
        assert_eq!(chosen(Some("sandbox"), true, &paths), Ok(Some(vec!["prod".into(), "staging".into()])));
    }

    #[test]
    fn each_profile_loads_on_its_own_and_a_broken_one_keeps_its_error() {
        let (dir, paths) = paths();
        let a = dir.path().join("a.toml");
        std::fs::write(&a, "[console]\nreadonly = true\ncolor = \"red\"\n").unwrap();
        let other = dir.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("a.toml"), "").unwrap();
        let list = [a.display().to_string(), "missing".to_string(), other.join("a.toml").display().to_string()];
        let members = load(&list, &Overrides::default(), &paths, &[]);
        let first = members[0].loaded.as_ref().unwrap();
        assert!(first.settings.console.readonly);
        assert_eq!(first.settings.console.profile_color(), Some(ratatui::style::Color::Red));
        assert_eq!(members[0].name(), "a");
        assert!(members[1].loaded.as_ref().unwrap_err().contains("no profile named \"missing\""));
        let gone = load(&["/nowhere/gone.toml".to_string()], &Overrides::default(), &paths, &[]);
        assert_eq!(gone[0].name(), "gone");
        assert_eq!(members[1].name(), "missing");
        assert!(members[2].loaded.as_ref().unwrap_err().contains("are both named \"a\""), "{:?}", members[2]);
    }
}
