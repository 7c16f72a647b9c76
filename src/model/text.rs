//! Text that came from outside (AWS, the sandbox's users, log lines) is sanitized before
//! it can reach the terminal: control characters and escape sequences are replaced, so a
//! resource name cannot move the cursor, change colours or set the window title, and bidi
//! controls are removed, so a name cannot show its characters in another order than they are.

/// Replaces escape sequences and control characters with `�` (tabs and line breaks with a
/// space) and removes bidi controls, so the text is safe to draw.
///
/// ```
/// use lakeops::model::text::sanitize;
/// // A stream name that tries to set the terminal's title and clear the screen.
/// assert_eq!(sanitize("events\u{1b}]0;owned\u{7}\u{1b}[2J"), "events\u{fffd}\u{fffd}");
/// // A file name that reverses its end to pass for a PDF.
/// assert_eq!(sanitize("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
/// ```
pub fn sanitize(input: &str) -> String {
    clean(input, false)
}

/// As [`sanitize`], but line feeds and tabs stay (CSV fields and multi-line messages keep their
/// lines); a carriage return, which could rewrite the line on a terminal, does not.
pub fn sanitize_keeping_lines(input: &str) -> String {
    clean(input, true)
}

/// The bidi controls: embeddings, overrides and isolates, the marks, the Arabic letter mark.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Whether `text` reads on a terminal as it is written: no control character, no bidi control
/// (what [`sanitize`] would change), no invisible character. A name in a profile must be (it is
/// printed, and fed back).
pub fn shows_as_written(text: &str) -> bool {
    !text.chars().any(|c| changed_by_sanitize(c) || is_invisible(c))
}

/// A name as lakeops prints it: as written, or quoted with its characters escaped when it would not
/// read as written (`"prod\u{200b}"`), so it can never pass for another name.
pub fn shown_name(name: &str) -> String {
    if shows_as_written(name) {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

/// Characters a terminal draws as nothing (zero-width spaces and joiners, the word joiner, the
/// byte-order mark, the soft hyphen): a name with one reads as another name without it.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

fn changed_by_sanitize(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn clean(input: &str, keep_lines: bool) -> String {
    if !input.chars().any(changed_by_sanitize) {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                out.push('\u{fffd}');
                skip_escape(&mut chars);
            }
            '\u{9b}' => {
                out.push('\u{fffd}');
                skip_csi(&mut chars);
            }
            '\n' | '\t' if keep_lines => out.push(c),
            '\t' => out.push(' '),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c if is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \).
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// How many terminal cells `text` takes: two for a wide character (CJK, most emoji), none for
/// a combining mark.
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` broken into lines of at most `cells` columns: at spaces where it can, inside a word
/// longer than a line where it must. Its lines (empty ones too) start new lines.
pub fn wrap(text: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(1);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut current = String::new();
        let mut used = 0;
        for word in line.split_inclusive(' ') {
            let needed = width(word.trim_end_matches(' '));
            if used > 0 && used + needed > cells {
                out.push(current.trim_end().to_string());
                current.clear();
                used = 0;
            }
            if needed <= cells {
                current.push_str(word);
                used += width(word);
                continue;
            }
            for c in word.chars() {
                let w = width(c.encode_utf8(&mut [0; 4]));
                if used > 0 && used + w > cells {
                    out.push(std::mem::take(&mut current));
                    used = 0;
                }
                current.push(c);
                used += w;
            }
        }
        out.push(current.trim_end().to_string());
    }
    out
}

/// `text` made safe and fitted to `width` terminal cells: cut with `…`, padded with spaces (a
/// CJK character takes two cells; padding by characters misaligned every column after it).
pub fn padded(text: &str, width: usize) -> String {
    fit(&sanitize(text), width, false)
}

/// A table's cell `width` wide, in the console and in a headless table: its text fitted to one
/// cell less (a cut name ends in `…`, and read whole where it was cut), then a space.
pub fn cell(text: &str, width: usize) -> String {
    padded(text, width.saturating_sub(1)) + " "
}

/// A cell as [`cell`] does it, for a name whose end tells it from the others (an ARN:
/// `arn:aws:states:…:execution:nightly:run-7`): cut at its head, `…` then its end.
pub fn cell_keeping_end(text: &str, width: usize) -> String {
    let clean = sanitize(text);
    let room = width.saturating_sub(1);
    if self::width(&clean) <= room {
        return fit(&clean, room, false) + " ";
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in clean.chars().rev() {
        let cells = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cells > room {
            break;
        }
        kept.push(c);
        used += cells;
    }
    let end: String = kept.into_iter().rev().collect();
    fit(&format!("…{end}"), room, false) + " "
}

/// As [`clip`], for a message whose end matters as much as its start (`key `x`: expected …, found
/// "90 m"`): cut in its middle, two fifths of the room before the `…` and the rest after it.
pub fn clip_middle(text: &str, cells: usize) -> String {
    let clean = sanitize(text);
    if width(&clean) <= cells || cells < 8 {
        return clip(&clean, cells);
    }
    let head = fit(&clean, cells * 2 / 5, false).trim_end_matches(['…', ' ']).to_string();
    let tail = cell_keeping_end(&clean, cells - width(&head) + 1);
    format!("{head}{}", tail.trim_end_matches(' '))
}

/// Outside text made safe and cut to `cells` terminal cells, `…` marking the cut; not padded.
pub fn clip(text: &str, cells: usize) -> String {
    let clean = sanitize(text);
    if width(&clean) <= cells {
        clean
    } else {
        fit(&clean, cells, false).trim_end_matches(' ').to_string()
    }
}

/// `text` in `w` cells: cut with `…` when wider, padded with spaces when narrower, on the left
/// when `right` (numbers). A wide character that would straddle the cut is left out whole.
pub fn fit(text: &str, w: usize, right: bool) -> String {
    let (text, used) = if width(text) > w {
        let mut cut = String::new();
        let mut used = 0;
        for c in text.chars() {
            let cells = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + cells > w.saturating_sub(1) {
                break;
            }
            cut.push(c);
            used += cells;
        }
        if w > 0 {
            cut.push('…');
            used += 1;
        }
        (std::borrow::Cow::Owned(cut), used)
    } else {
        (std::borrow::Cow::Borrowed(text), width(text))
    };
    let pad = " ".repeat(w.saturating_sub(used));
    if right {
        format!("{pad}{text}")
    } else {
        format!("{text}{pad}")
    }
}

/// `text` with each run of more than `most` characters without a space cut in its middle:
/// `head…tail (N characters)`. A name pasted by mistake (a whole file, a base64 blob) is then said
/// on stderr and recorded in the journal in a line, not a screenful, and still recognised.
pub fn long_words_cut(text: &str, most: usize) -> std::borrow::Cow<'_, str> {
    let long = |word: &str| word.len() > most && word.chars().count() > most;
    if !text.split_whitespace().any(long) {
        return std::borrow::Cow::Borrowed(text);
    }
    let keep = most.max(2) / 2;
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (word, after) = rest.split_at(rest.find(char::is_whitespace).unwrap_or(rest.len()));
        if long(word) {
            // The quotes or brackets around a name stay outside the cut and its count.
            let marks = |c: char| "\"'`()[]{}<>,.;:".contains(c);
            let core = word.trim_start_matches(marks);
            let before = &word[..word.len() - core.len()];
            let core = core.trim_end_matches(marks);
            let after = &word[before.len() + core.len()..];
            let n = core.chars().count();
            let keep = keep.min(n / 2);
            out.push_str(before);
            out.extend(core.chars().take(keep));
            out.push('…');
            out.extend(core.chars().skip(n - keep));
            out.push_str(after);
            out.push_str(&format!(" ({n} characters)"));
        } else {
            out.push_str(word);
        }
        let (space, next) = after.split_at(after.find(|c: char| !c.is_whitespace()).unwrap_or(after.len()));
        out.push_str(space);
        rest = next;
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{
        cell, cell_keeping_end, fit, is_bidi_control, long_words_cut, padded, sanitize, sanitize_keeping_lines, width,
    };
    use proptest::prelude::*;

    #[test]
    fn a_word_too_long_to_read_is_cut_in_its_middle() {
        let name = format!("{}z", "a".repeat(99_999));
        assert_eq!(
            long_words_cut(&format!("no execution \"{name}\" here"), 10),
            "no execution \"aaaaa…aaaaz\" (100000 characters) here"
        );
        assert_eq!(long_words_cut("short  words\nstay", 8), "short  words\nstay");
        assert!(matches!(long_words_cut("short", 8), std::borrow::Cow::Borrowed(_)));
        assert_eq!(long_words_cut("東京都渋谷区東京都", 4), "東京…京都 (9 characters)");
    }

    proptest! {
        /// What is cut keeps every space and line as they were, and no word longer than asked.
        #[test]
        fn cut_words_are_short_and_the_spaces_stay(text in "[a-z \n東]{0,300}", most in 1usize..40) {
            let cut = long_words_cut(&text, most);
            let spaces = |t: &str| t.chars().filter(|c| c.is_whitespace()).count();
            let added = text.split_whitespace().filter(|w| w.chars().count() > most).count();
            prop_assert_eq!(spaces(&cut), spaces(&text) + 2 * added, "two for each count said");
            for word in cut.split_whitespace().filter(|w| !w.starts_with('(') && *w != "characters)") {
                prop_assert!(word.chars().count() <= most.max(2) + 1, "{word:?}");
            }
        }
    }

    #[test]
    fn a_message_cut_in_its_middle_keeps_both_ends() {
        let message = "key `slo.objectives.curated`: expected a duration such as 90m or 2h, found \"90 minutes\"";
        let cut = super::clip_middle(message, 40);
        assert_eq!(width(&cut), 40, "{cut}");
        assert!(cut.starts_with("key `slo.object…") && cut.ends_with("found \"90 minutes\""), "{cut}");
        assert_eq!(super::clip_middle("short", 40), "short");
    }

    /// A cell is as wide as the terminal draws it, CJK and all, and says where it was cut.
    #[test]
    fn a_cell_is_measured_in_terminal_cells() {
        assert_eq!(cell("東京", 6), "東京  ");
        assert_eq!(cell("東京都渋谷区", 6), "東京… ");
        assert_eq!(cell("monitoring.amazonaws.com", 10), "monitori… ");
        assert_eq!(padded("東", 3), "東 ");
        assert!(!cell("a\u{1b}[2Jb", 8).contains('\u{1b}'), "made safe");
        let arn = "arn:aws:states:us-east-1:123456789012:execution:nightly:run-7";
        assert_eq!(cell_keeping_end(arn, 24), "…xecution:nightly:run-7 ");
        assert_eq!(cell_keeping_end("short", 8), "short   ");
        assert_eq!(width(&cell_keeping_end("東京都渋谷区", 6)), 6);
    }

    #[test]
    fn plain_text_passes() {
        assert_eq!(sanitize("clickstream-events ✓"), "clickstream-events ✓");
    }

    #[test]
    fn escape_sequences_never_pass() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m"), "a\u{fffd}red\u{fffd}");
        assert_eq!(sanitize("t\u{1b}]0;pwned\u{7}x"), "t\u{fffd}x");
        assert_eq!(sanitize("t\u{1b}]52;c;ZXZpbA==\u{1b}\\x"), "t\u{fffd}x");
        assert_eq!(sanitize("bell\u{7}cr\rnl\n"), "bell\u{fffd}cr nl ");
        assert_eq!(sanitize("\u{9b}2Jx"), "\u{fffd}x");
        assert!(!sanitize("\u{1b}P1$r\u{1b}\\ok").contains('\u{1b}'));
    }

    #[test]
    fn bidi_controls_are_removed() {
        assert_eq!(sanitize("evil\u{202e}txt.exe"), "eviltxt.exe");
        assert_eq!(sanitize("\u{2066}a\u{2069}\u{200e}\u{200f}\u{061c}b\u{202a}"), "ab");
        assert_eq!(sanitize_keeping_lines("a\nb\r\n\u{202d}c"), "a\nb \nc");
    }

    #[test]
    fn text_fits_its_cells_wide_characters_counted_twice() {
        assert_eq!(fit("ab", 4, false), "ab  ");
        assert_eq!(fit("12", 4, true), "  12");
        assert_eq!(fit("abcdef", 4, false), "abc…");
        assert_eq!(fit("漢字", 4, false), "漢字");
        assert_eq!(fit("漢字漢字", 6, false), "漢字… ", "a wide character is not cut in two");
        assert_eq!(fit("🙂x", 3, true), "🙂x");
        assert_eq!(fit("", 0, false), "");
        for (text, w) in [("漢字漢字", 5), ("abc", 2), ("é́x", 2), ("🙂🙂🙂", 4)] {
            assert_eq!(width(&fit(text, w, false)), w, "{text} in {w}");
        }
    }

    /// Any character, weighted towards the ones sanitizing is about.
    fn hostile() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '\u{1b}', '\u{9b}', '\u{7}', '\u{0}', '\u{7f}', '\u{85}', '\u{9d}', '\n', '\r', '\t', '[', ']', '\\',
            '\u{202e}', '\u{2066}', '\u{200f}', '\u{061c}', 'a', 'é', '✓',
        ]);
        proptest::collection::vec(prop_oneof![special, any::<char>()], 0..64).prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #[test]
        fn nothing_a_terminal_obeys_passes(text in hostile()) {
            let out = sanitize(&text);
            prop_assert!(!out.chars().any(|c| c.is_control() || is_bidi_control(c)), "{:?} -> {:?}", text, out);
            let lines = sanitize_keeping_lines(&text);
            prop_assert!(!lines.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || is_bidi_control(c)), "{:?}", lines);
        }
    }
}
