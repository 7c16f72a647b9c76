//! A key as the key table writes it: `q`, `G`, `ctrl-c`, `shift-tab`, `F5`, `enter`, `↓`. One
//! parser for the built-in table and the user's `[keys]`, and one way to show a key, so that what
//! the help says is what the handler matches.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key with its modifiers. Shift is part of the character (`G`, `?`) or of the key
/// (`shift-tab`), never a modifier of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chord {
    code: Code,
    ctrl: bool,
    alt: bool,
}

/// The keys a chord can be made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Code {
    Char(char),
    F(u8),
    Named(Named),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Named {
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Space,
}

/// Each named key: how the table writes it first, then what else a user may write.
const NAMES: &[(Named, &[&str])] = &[
    (Named::Enter, &["enter", "return"]),
    (Named::Esc, &["esc", "escape"]),
    (Named::Tab, &["tab"]),
    (Named::BackTab, &["shift-tab", "backtab"]),
    (Named::Backspace, &["backspace"]),
    (Named::Delete, &["delete", "del"]),
    (Named::Up, &["↑", "up"]),
    (Named::Down, &["↓", "down"]),
    (Named::Left, &["←", "left"]),
    (Named::Right, &["→", "right"]),
    (Named::Home, &["home"]),
    (Named::End, &["end"]),
    (Named::PageUp, &["pgup", "pageup"]),
    (Named::PageDown, &["pgdn", "pagedown"]),
    (Named::Space, &["space"]),
];

impl Chord {
    /// Reads `ctrl-c`, `alt-x`, `G`, `F5`, `shift-tab`, `↓` or `down`; says what is wrong otherwise.
    pub fn parse(text: &str) -> Result<Chord, String> {
        let mut rest = text.trim();
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(after) = lower.strip_prefix("ctrl-").filter(|a| !a.is_empty()) {
                ctrl = true;
                rest = &rest[rest.len() - after.len()..];
            } else if let Some(after) = lower.strip_prefix("alt-").filter(|a| !a.is_empty()) {
                alt = true;
                rest = &rest[rest.len() - after.len()..];
            } else {
                break;
            }
        }
        let code = Code::parse(rest).ok_or_else(|| {
            format!(
                "cannot read the key {text:?}: write a character (q, G, ?), a named key (enter, esc, tab, shift-tab, \
                 space, backspace, delete, up, down, left, right, home, end, pgup, pgdn), F1 to F12, with ctrl- or \
                 alt- before it if need be"
            )
        })?;
        Ok(Chord { code, ctrl, alt })
    }

    /// The chord a key press is, or `None` for keys the table cannot name.
    pub fn of(key: &KeyEvent) -> Option<Chord> {
        let code = match key.code {
            KeyCode::Char(' ') => Code::Named(Named::Space),
            KeyCode::Char(c) => Code::Char(c),
            KeyCode::F(n) => Code::F(n),
            KeyCode::Enter => Code::Named(Named::Enter),
            KeyCode::Esc => Code::Named(Named::Esc),
            KeyCode::Tab => Code::Named(Named::Tab),
            KeyCode::BackTab => Code::Named(Named::BackTab),
            KeyCode::Backspace => Code::Named(Named::Backspace),
            KeyCode::Delete => Code::Named(Named::Delete),
            KeyCode::Up => Code::Named(Named::Up),
            KeyCode::Down => Code::Named(Named::Down),
            KeyCode::Left => Code::Named(Named::Left),
            KeyCode::Right => Code::Named(Named::Right),
            KeyCode::Home => Code::Named(Named::Home),
            KeyCode::End => Code::Named(Named::End),
            KeyCode::PageUp => Code::Named(Named::PageUp),
            KeyCode::PageDown => Code::Named(Named::PageDown),
            _ => return None,
        };
        Some(Chord {
            code,
            ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
            alt: key.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// A key that types text when a view takes text: a character or a space without ctrl or alt.
    pub fn is_text(&self) -> bool {
        !self.ctrl && !self.alt && matches!(self.code, Code::Char(_) | Code::Named(Named::Space))
    }

    /// The key press this chord is (for tests and the pty driver).
    pub fn event(&self) -> KeyEvent {
        let code = match self.code {
            Code::Char(c) => KeyCode::Char(c),
            Code::F(n) => KeyCode::F(n),
            Code::Named(named) => match named {
                Named::Enter => KeyCode::Enter,
                Named::Esc => KeyCode::Esc,
                Named::Tab => KeyCode::Tab,
                Named::BackTab => KeyCode::BackTab,
                Named::Backspace => KeyCode::Backspace,
                Named::Delete => KeyCode::Delete,
                Named::Up => KeyCode::Up,
                Named::Down => KeyCode::Down,
                Named::Left => KeyCode::Left,
                Named::Right => KeyCode::Right,
                Named::Home => KeyCode::Home,
                Named::End => KeyCode::End,
                Named::PageUp => KeyCode::PageUp,
                Named::PageDown => KeyCode::PageDown,
                Named::Space => KeyCode::Char(' '),
            },
        };
        let mut modifiers = KeyModifiers::NONE;
        if self.ctrl {
            modifiers |= KeyModifiers::CONTROL;
        }
        if self.alt {
            modifiers |= KeyModifiers::ALT;
        }
        KeyEvent::new(code, modifiers)
    }
}

impl Code {
    fn parse(text: &str) -> Option<Code> {
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.clone().next()) {
            if !c.is_control() && !c.is_whitespace() && !NAMES.iter().any(|(_, n)| n.contains(&text)) {
                return Some(Code::Char(c));
            }
        }
        let lower = text.to_ascii_lowercase();
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()).filter(|n| (1..=12).contains(n)) {
            return Some(Code::F(n));
        }
        NAMES.iter().find(|(_, names)| names.contains(&lower.as_str())).map(|(named, _)| Code::Named(*named))
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            Code::Char(c) => write!(f, "{c}"),
            Code::F(n) => write!(f, "F{n}"),
            Code::Named(named) => {
                let name = NAMES.iter().find(|(n, _)| *n == named).map(|(_, names)| names[0]).unwrap_or("?");
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_table_s_spellings_read_back() {
        for text in ["q", "G", "?", ":", "/", "ctrl-c", "ctrl-enter", "ctrl-space", "shift-tab", "F5", "↓", "pgdn"] {
            assert_eq!(Chord::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Chord::parse("Down").unwrap().to_string(), "↓");
        assert_eq!(Chord::parse("CTRL-x").unwrap().to_string(), "ctrl-x");
    }

    #[test]
    fn bad_keys_say_how_to_write_one() {
        for text in ["", "ctrl-", "ctrl+c", "F13", "shift-q", "qq"] {
            let err = Chord::parse(text).unwrap_err();
            assert!(err.contains("write a character"), "{text}: {err}");
        }
    }

    #[test]
    fn key_presses_match_their_chords() {
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Chord::of(&shift_g), Chord::parse("G").ok());
        let backtab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Chord::of(&backtab), Chord::parse("shift-tab").ok());
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(Chord::of(&ctrl_c), Chord::parse("ctrl-c").ok());
        assert!(Chord::parse("q").unwrap().is_text() && !Chord::parse("ctrl-q").unwrap().is_text());
    }

    proptest! {
        /// Whatever a user writes, reading it never panics, and a key that reads shows as text
        /// that reads back to the same key.
        #[test]
        fn parsing_is_total_and_display_round_trips(text in "\\PC{0,12}") {
            if let Ok(chord) = Chord::parse(&text) {
                prop_assert_eq!(Chord::parse(&chord.to_string()), Ok(chord));
                prop_assert_eq!(Chord::of(&chord.event()), Some(chord));
            }
        }
    }
}
