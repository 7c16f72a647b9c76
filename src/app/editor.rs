//! The SQL editor of `:athena`: lines of characters, a cursor, undo and redo, and completion
//! of names from the catalog.

/// Undo steps kept.
const UNDO_KEPT: usize = 200;

/// The SQL being written; lines of characters, the cursor at (row, col).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub lines: Vec<Vec<char>>,
    pub row: usize,
    pub col: usize,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// Whether the last change was typing inside a word: the next letter joins its undo step.
    typing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    lines: Vec<Vec<char>>,
    row: usize,
    col: usize,
}

impl Default for Editor {
    fn default() -> Self {
        Editor { lines: vec![Vec::new()], row: 0, col: 0, undo: Vec::new(), redo: Vec::new(), typing: false }
    }
}

/// What a completion did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// No name starts with the word before the cursor (or there is no word).
    Nothing,
    /// The word was completed (wholly, or as far as the names agree).
    Completed,
    /// Several names fit and the word cannot be taken further: these.
    Choices(Vec<String>),
}

impl Editor {
    /// An editor holding `text`, the cursor at its end.
    pub fn from_text(text: &str) -> Editor {
        let lines: Vec<Vec<char>> = text.split('\n').map(|l| l.chars().collect()).collect();
        let row = lines.len() - 1;
        let col = lines[row].len();
        Editor { lines, row, col, ..Editor::default() }
    }

    /// Replaces the text as one undoable change (a recalled or picked query).
    pub fn replace_text(&mut self, text: &str) {
        self.remember(false);
        let fresh = Editor::from_text(text);
        self.lines = fresh.lines;
        self.row = fresh.row;
        self.col = fresh.col;
    }

    pub fn text(&self) -> String {
        self.lines.iter().map(|l| l.iter().collect::<String>()).collect::<Vec<_>>().join("\n")
    }

    /// Saves the text before a change; letters typed one after another are one step.
    fn remember(&mut self, typing: bool) {
        if !(typing && self.typing) {
            self.undo.push(Snapshot { lines: self.lines.clone(), row: self.row, col: self.col });
            if self.undo.len() > UNDO_KEPT {
                self.undo.remove(0);
            }
        }
        self.typing = typing;
        self.redo.clear();
    }

    pub fn undo(&mut self) -> bool {
        let Some(before) = self.undo.pop() else { return false };
        let now = self.swap(before);
        self.redo.push(now);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(after) = self.redo.pop() else { return false };
        let now = self.swap(after);
        self.undo.push(now);
        true
    }

    fn swap(&mut self, to: Snapshot) -> Snapshot {
        self.typing = false;
        let now = Snapshot { lines: std::mem::take(&mut self.lines), row: self.row, col: self.col };
        self.lines = to.lines;
        self.row = to.row;
        self.col = to.col;
        now
    }

    pub fn insert(&mut self, c: char) {
        self.remember(c.is_alphanumeric() || c == '_');
        self.lines[self.row].insert(self.col, c);
        self.col += 1;
    }

    pub fn newline(&mut self) {
        self.remember(false);
        let rest = self.lines[self.row].split_off(self.col);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
    }

    pub fn backspace(&mut self) {
        if self.col == 0 && self.row == 0 {
            return;
        }
        self.remember(false);
        if self.col > 0 {
            self.col -= 1;
            self.lines[self.row].remove(self.col);
        } else {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.lines[self.row].len();
            self.lines[self.row].extend(line);
        }
    }

    pub fn delete(&mut self) {
        if self.col < self.lines[self.row].len() {
            self.remember(false);
            self.lines[self.row].remove(self.col);
        } else if self.row + 1 < self.lines.len() {
            self.remember(false);
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].extend(next);
        }
    }

    /// Inserts `text` at the cursor as one change (a name from the catalog browser).
    pub fn insert_text(&mut self, text: &str) {
        self.remember(false);
        for c in text.chars() {
            self.lines[self.row].insert(self.col, c);
            self.col += 1;
        }
        self.typing = false;
    }

    pub fn move_to(&mut self, row: usize, col: usize) {
        self.typing = false;
        self.row = row.min(self.lines.len() - 1);
        self.col = col.min(self.lines[self.row].len());
    }

    /// The word being typed: the name characters just before the cursor, and the `"` that
    /// opens them if one does.
    pub fn word_before_cursor(&self) -> String {
        let line = &self.lines[self.row];
        let mut start = line[..self.col].iter().rposition(|c| !is_name_char(*c)).map(|i| i + 1).unwrap_or(0);
        if start > 0 && line[start - 1] == '"' {
            start -= 1;
        }
        line[start..self.col].iter().collect()
    }

    /// Completes the word before the cursor from `names` (case-insensitive, the name's
    /// own spelling kept). A `"` that opens the word or a name is no part of the match, and a
    /// word opened by one is closed by one once its name is whole (unless one follows): `"us`
    /// completes to `"user_id"`, and `$pa` or `"$pa` to `"$path"`. A word right after a `'` is
    /// in a text, and is left as it is.
    pub fn complete(&mut self, names: &[String]) -> Completion {
        let word = self.word_before_cursor();
        let bare = word.strip_prefix('"').unwrap_or(&word);
        let line = &self.lines[self.row];
        let start = self.col - word.chars().count();
        if bare.is_empty() || (start > 0 && line[start - 1] == '\'') {
            return Completion::Nothing;
        }
        let unquoted = |name: &str| name.trim_matches('"').to_string();
        let lower = bare.to_lowercase();
        let mut fits: Vec<&String> = names.iter().filter(|n| unquoted(n).to_lowercase().starts_with(&lower)).collect();
        fits.sort();
        fits.dedup();
        let Some(first) = fits.first() else { return Completion::Nothing };
        let common: String = fits.iter().skip(1).fold(unquoted(first), |common, name| {
            let name = unquoted(name);
            common.chars().zip(name.chars()).take_while(|(a, b)| a.eq_ignore_ascii_case(b)).map(|(a, _)| a).collect()
        });
        let quoted = word.starts_with('"') || fits.iter().all(|n| n.starts_with('"'));
        let closed = quoted && fits.len() == 1 && line.get(self.col) != Some(&'"');
        let completion = format!("{}{common}{}", if quoted { "\"" } else { "" }, if closed { "\"" } else { "" });
        if completion == word {
            return if fits.len() == 1 {
                Completion::Nothing
            } else {
                Completion::Choices(fits.into_iter().cloned().collect())
            };
        }
        self.remember(false);
        self.lines[self.row].splice(start..self.col, completion.chars());
        self.col = start + completion.chars().count();
        self.typing = false;
        Completion::Completed
    }
}

/// A character of a name as completion reads it: `$` for Athena's hidden columns (`"$path"`).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Editor {
        let mut e = Editor::default();
        for c in text.chars() {
            if c == '\n' {
                e.newline();
            } else {
                e.insert(c);
            }
        }
        e
    }

    #[test]
    fn undo_takes_back_a_word_at_a_time_and_redo_puts_it_back() {
        let mut e = typed("SELECT count");
        assert!(e.undo());
        assert_eq!(e.text(), "SELECT ");
        assert!(e.undo());
        assert_eq!(e.text(), "SELECT");
        assert!(e.redo());
        assert!(e.redo());
        assert_eq!(e.text(), "SELECT count");
        assert!(!e.redo());
        e.backspace();
        assert_eq!(e.text(), "SELECT coun");
        assert!(e.undo());
        assert_eq!((e.text().as_str(), e.col), ("SELECT count", 12));
        // A new change after an undo drops what could have been redone.
        e.undo();
        e.insert('x');
        assert!(!e.redo());
    }

    #[test]
    fn completion_finishes_a_name_or_offers_the_choices() {
        let names: Vec<String> = ["events", "event_time", "event_type", "raw_events"].map(String::from).to_vec();
        let mut e = typed("SELECT * FROM ra");
        assert_eq!(e.complete(&names), Completion::Completed);
        assert_eq!(e.text(), "SELECT * FROM raw_events");
        let mut e = typed("SELECT EV");
        assert_eq!(e.complete(&names), Completion::Completed, "as far as the names agree");
        assert_eq!(e.text(), "SELECT event");
        assert_eq!(
            e.complete(&names),
            Completion::Choices(vec!["event_time".into(), "event_type".into(), "events".into()])
        );
        let mut e = typed("SELECT x");
        assert_eq!(e.complete(&names), Completion::Nothing);
        e.undo();
        assert_eq!(e.text(), "SELECT ", "completion is one undo step apart from typing");
    }

    #[test]
    fn completion_reads_a_quote_before_a_name_and_gives_hidden_columns_theirs() {
        let names: Vec<String> =
            ["user_id", "\"$path\"", "\"$file_size\"", "\"$file_modified_time\""].map(String::from).to_vec();
        let mut e = typed("SELECT \"us");
        assert_eq!(e.complete(&names), Completion::Completed);
        assert_eq!(e.text(), "SELECT \"user_id\"", "a quote opened is closed once the name is whole");
        assert_eq!(e.complete(&names), Completion::Nothing, "a whole name stays as it is");
        let mut e = typed("SELECT \"user_id");
        assert_eq!(e.complete(&names), Completion::Completed);
        assert_eq!(e.text(), "SELECT \"user_id\"");
        // A closing quote already there is not doubled.
        let mut e = typed("SELECT \"$pa\" FROM t");
        e.move_to(0, "SELECT \"$pa".len());
        assert_eq!(e.complete(&names), Completion::Completed);
        assert_eq!(e.text(), "SELECT \"$path\" FROM t");
        // In a text, nothing is completed.
        let mut e = typed("WHERE x = '$pa");
        assert_eq!(e.complete(&names), Completion::Nothing);
        assert_eq!(e.text(), "WHERE x = '$pa");
        for typed_so_far in ["SELECT $pa", "SELECT \"$pa", "SELECT count(\"$P"] {
            let mut e = typed(typed_so_far);
            assert_eq!(e.complete(&names), Completion::Completed, "{typed_so_far}");
            let start = typed_so_far.rfind(['$', '"']).unwrap();
            let start = if typed_so_far[..start].ends_with('"') { start - 1 } else { start };
            assert_eq!(e.text(), format!("{}\"$path\"", &typed_so_far[..start]), "{typed_so_far}");
        }
        let mut e = typed("SELECT $f");
        assert_eq!(e.complete(&names), Completion::Completed, "as far as they agree, with its quote");
        assert_eq!(e.text(), "SELECT \"$file_");
        assert_eq!(
            e.complete(&names),
            Completion::Choices(vec!["\"$file_modified_time\"".into(), "\"$file_size\"".into()])
        );
        let mut e = typed("SELECT \"");
        assert_eq!(e.complete(&names), Completion::Nothing);
    }
}
