//! `[keys]` in `config.toml` (or a profile): `quit = "Q"` rebinds a command wherever it is bound,
//! `[keys.streams] sort = ["s", "o"]` in one view. An unknown command or view, a key that cannot
//! be read, or two commands on one key is an error naming the file and the setting.

use std::collections::BTreeMap;

use super::{Context, Entry, Keymap};
use crate::app::chord::Chord;
use crate::app::command::Command;
use crate::app::registry::{Pane, ViewId};
use crate::settings::{did_you_mean, SettingsError};

pub use crate::settings::KeyOverride;

/// A problem with `[keys]`: where, which setting, what is expected.
pub type KeymapError = SettingsError;

/// Applies one setting of `[keys]`.
pub(super) fn apply(keymap: &mut Keymap, o: &KeyOverride) -> Result<(), KeymapError> {
    let setting = match &o.view {
        Some(view) => format!("keys.{view}.{}", o.command),
        None => format!("keys.{}", o.command),
    };
    let err = |message: String| SettingsError::new(o.origin.clone(), Some(&setting), message);
    let command = Command::parse(&o.command).ok_or_else(|| {
        let hint = did_you_mean(&o.command, Command::ALL.iter().map(|c| c.name()));
        err(format!("unknown command{hint}; `lakeops keys` lists every command with its keys"))
    })?;
    let chords = o.keys.iter().map(|k| Chord::parse(k)).collect::<Result<Vec<_>, _>>().map_err(err)?;
    if chords.is_empty() {
        return Err(err("expected a key, or a list of keys such as [\"j\", \"↓\"]".into()));
    }
    let context = match &o.view {
        None => None,
        Some(name) => Some(context_named(name).ok_or_else(|| {
            let names = Context::all().map(Context::name);
            err(format!("unknown view{}; the views are those `lakeops keys` lists", did_you_mean(name, names)))
        })?),
    };
    let mut found = false;
    for e in keymap.entries.iter_mut().filter(|e| e.command == command && context.is_none_or(|c| e.context == c)) {
        e.chords = chords.clone();
        e.origin = Some(o.origin.clone());
        found = true;
    }
    if !found {
        let place = context.map(Context::name).unwrap_or("any view");
        let commands: Vec<&str> = match context {
            Some(c) => c.defaults().iter().flat_map(|b| b.commands().map(|(c, _)| c.name())).collect(),
            None => Vec::new(),
        };
        let list = if commands.is_empty() { String::new() } else { format!("; its commands: {}", commands.join(", ")) };
        return Err(err(format!("`{}` has no key in {place}{list}", command.name())));
    }
    Ok(())
}

fn context_named(name: &str) -> Option<Context> {
    Context::all().find(|c| c.name() == name).or_else(|| ViewId::named(name).map(Context::View))
}

/// Refuses a key that means two commands where both would be reachable: in one shared context,
/// or in a view together with the lists' keys (if it has a list) and the keys everywhere.
pub(super) fn check_clashes(keymap: &Keymap) -> Result<(), KeymapError> {
    let shared: [&[Context]; 6] = [
        &[Context::Global],
        &[Context::List],
        &[Context::Dialog],
        &[Context::Charts],
        &[Context::Dialog, Context::List],
        &[Context::Fleet, Context::List, Context::Global],
    ];
    for contexts in shared {
        check(keymap, contexts, None, false)?;
    }
    for view in ViewId::ALL {
        let contexts: Vec<Context> = std::iter::once(Context::View(*view)).chain(Context::shared(*view)).collect();
        let mut panes: Vec<Option<Pane>> = vec![None];
        panes.extend(view.spec().keys.iter().filter_map(|b| b.pane).map(Some));
        panes.dedup();
        for pane in panes {
            // The editor takes what can be typed: only the other shared keys reach past it.
            check(keymap, &contexts, pane, pane == Some(Pane::Editor))?;
        }
    }
    Ok(())
}

fn check(keymap: &Keymap, contexts: &[Context], pane: Option<Pane>, text: bool) -> Result<(), KeymapError> {
    let mut seen: BTreeMap<Chord, &Entry> = BTreeMap::new();
    let own = contexts[0];
    for e in keymap.entries.iter().filter(|e| contexts.contains(&e.context) && keymap.applies(e, pane)) {
        for chord in &e.chords {
            if text && e.context != own && chord.is_text() {
                continue;
            }
            match seen.get(chord) {
                Some(first) if first.command != e.command => {
                    // Blame the setting the user wrote (the later one when both are).
                    let (blamed, other) = if e.origin.is_some() { (e, *first) } else { (*first, e) };
                    let origin = blamed.origin.clone().unwrap_or_else(|| "the built-in key table".into());
                    let setting = match blamed.context {
                        Context::Global => format!("keys.{}", blamed.command.name()),
                        c => format!("keys.{}.{}", c.name(), blamed.command.name()),
                    };
                    return Err(SettingsError::new(
                        origin,
                        Some(&setting),
                        format!(
                            "\"{chord}\" is also the key of `{}` ({}): choose another key for one of them",
                            other.command.name(),
                            other.context.name()
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    seen.insert(*chord, e);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(view: Option<&str>, command: &str, keys: &[&str]) -> KeyOverride {
        KeyOverride {
            view: view.map(str::to_string),
            command: command.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            origin: "/home/me/.config/lakeops/config.toml".into(),
        }
    }

    #[test]
    fn a_command_is_rebound_everywhere_or_in_one_view() {
        let keymap = Keymap::configured(&[set(None, "quit", &["Q"]), set(Some("streams"), "sort", &["o"])]).unwrap();
        let chord = |k| Chord::parse(k).unwrap();
        assert_eq!(keymap.command(Context::Global, None, chord("Q")), Some(Command::Quit));
        assert_eq!(keymap.command(Context::Global, None, chord("q")), None);
        assert_eq!(keymap.command(Context::View(ViewId::Streams), None, chord("o")), Some(Command::Sort));
        assert_eq!(keymap.label(ViewId::Streams, Command::Sort), "o");
    }

    #[test]
    fn mistakes_name_the_file_and_the_setting() {
        let message = |o: KeyOverride| Keymap::configured(&[o]).unwrap_err().to_string();
        assert_eq!(
            message(set(None, "quiet", &["Q"])),
            "/home/me/.config/lakeops/config.toml: key `keys.quiet`: unknown command (did you mean `quit`?); `lakeops keys` lists every command with its keys"
        );
        assert!(message(set(Some("stream"), "sort", &["o"])).contains("unknown view (did you mean `streams`?)"));
        assert!(message(set(Some("streams"), "plan", &["o"]))
            .contains("`plan` has no key in streams; its commands: open, sort, reverse"));
        assert!(message(set(None, "quit", &["ctrl+q"])).contains("cannot read the key \"ctrl+q\""));
        assert_eq!(
            message(set(None, "refresh", &["q"])),
            "/home/me/.config/lakeops/config.toml: key `keys.refresh`: \"q\" is also the key of `quit` (everywhere): choose another key for one of them"
        );
        assert!(message(set(Some("streams"), "sort", &["j"])).contains("\"j\" is also the key of `down` (lists)"));
    }
}
