//! Athena's regular expressions, read as its Joni reads them (Java's syntax): look-around and
//! back-references through `fancy_regex` (a pattern without either runs on the `regex` crate,
//! which it wraps), the escapes Java reads otherwise written as `fancy_regex` reads them, and a
//! runaway pattern stopped with Trino's words.

use datafusion::common::{exec_datafusion_err, exec_err, Result};

/// A regular expression of a query, or Athena's refusal of it on one line. Look-around and
/// back-references are read, as Athena's Joni reads them; a pattern without either runs on the
/// `regex` crate, which `fancy_regex` wraps.
pub(super) fn regex(pattern: &str) -> Result<fancy_regex::Regex> {
    let refused =
        |why: &str| exec_datafusion_err!("INVALID_FUNCTION_ARGUMENT: Invalid regular expression '{pattern}': {why}");
    let joni = java_syntax(pattern).map_err(refused)?;
    fancy_regex::RegexBuilder::new(&joni).backtrack_limit(BACKTRACK_LIMIT).build().map_err(|e| {
        let text = e.to_string();
        refused(text.lines().last().unwrap_or_default().trim_start_matches("error: "))
    })
}

/// How many steps a pattern that backtracks (look-around, a back-reference) may take over one
/// text before its query fails (`fancy_regex`'s own default): many times what a row's text
/// takes, few enough that a pattern that would backtrack for hours fails within seconds, where
/// Athena's would run to the query's timeout.
const BACKTRACK_LIMIT: usize = 1_000_000;

/// A match's answer, or the query's failure, in Trino's words, when the pattern took too many
/// steps over a text.
pub(super) fn matched<T>(found: fancy_regex::Result<T>) -> Result<T> {
    found.or_else(|_| {
        exec_err!(
            "GENERIC_USER_ERROR: Regular expression matching was interrupted, likely because it took too long. \
             Regular expression in the worst case can have a catastrophic amount of backtracking and having \
             exponential time complexity"
        )
    })
}

/// `pattern` as `fancy_regex` reads what Joni's Java syntax reads, or Joni's refusal:
/// - `$` outside `(?m)`, and `\Z`, match at the end or before a line feed that ends the text
///   (Joni's Java syntax is single-line: `$` is its `\Z`); `fancy_regex`'s `$` is the end only
///   and its `\Z` is before any number of line feeds;
/// - `\Q…\E` quotes the text between (to the end without `\E`);
/// - `\<` and `\>` are the characters (not word boundaries);
/// - `\0` with up to three octal digits is that character (`\012` a line feed, not group 12);
/// - a group's flags are `i`, `m`, `s` and `x` (`(?U)`, Rust's ungreedy flag, and `(?P<name>…)`
///   are refused, as Joni refuses them: "undefined group option").
fn java_syntax(pattern: &str) -> std::result::Result<std::borrow::Cow<'_, str>, &'static str> {
    if !pattern.contains(['\\', '$', '(']) {
        return Ok(pattern.into());
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Whether `(?m)` and `(?x)` are in effect, and what they were outside each open group.
    let (mut multi_line, mut extended) = (false, false);
    let mut outside: Vec<(bool, bool)> = Vec::new();
    // How deep in a character class (`[a[b]]` nests).
    let mut class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => escape(&mut chars, &mut out, class > 0),
            '[' => {
                class += 1;
                out.push('[');
                // A `]` first in a class (after its `^`) is the character.
                if chars.peek() == Some(&'^') {
                    out.extend(chars.next());
                }
                if chars.peek() == Some(&']') {
                    out.extend(chars.next());
                }
            }
            ']' if class > 0 => {
                class -= 1;
                out.push(']');
            }
            _ if class > 0 => out.push(c),
            '#' if extended => {
                // A comment, to the end of its line.
                out.push('#');
                while let Some(c) = chars.next_if(|&c| c != '\n') {
                    out.push(c);
                }
            }
            '$' if !multi_line => out.push_str(SEMI_END),
            '(' => {
                out.push('(');
                outside.push((multi_line, extended));
                if chars.peek() != Some(&'?') {
                    continue;
                }
                out.extend(chars.next());
                let mut flags = String::new();
                while let Some(f) = chars.next_if(|c| c.is_ascii_alphabetic() || *c == '-') {
                    flags.push(f);
                }
                out.push_str(&flags);
                let closes = chars.peek() == Some(&')');
                if flags.is_empty() || !(closes || chars.peek() == Some(&':')) {
                    // `(?P<…>`, or a group of another kind (`(?:`, `(?=`, `(?<name>`).
                    if !flags.is_empty() {
                        return Err(UNDEFINED_GROUP_OPTION);
                    }
                    continue;
                }
                let mut on = true;
                for flag in flags.chars() {
                    match flag {
                        '-' => on = false,
                        'm' => multi_line = on,
                        'x' => extended = on,
                        'i' | 's' => {}
                        _ => return Err(UNDEFINED_GROUP_OPTION),
                    }
                }
                if closes {
                    // `(?m)`: for the rest of the group it stands in.
                    out.extend(chars.next());
                    outside.pop();
                }
            }
            ')' => {
                out.push(')');
                if let Some((m, x)) = outside.pop() {
                    (multi_line, extended) = (m, x);
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out.into())
}

/// Joni's `\Z`: the end, or before a line feed that ends the text.
const SEMI_END: &str = r"(?:\z|(?=\n\z))";

/// Joni's words for a group's flag it does not read.
const UNDEFINED_GROUP_OPTION: &str = "undefined group option";

/// The escape after a `\` of a pattern, as `fancy_regex` reads it (`java_syntax`).
fn escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String, in_class: bool) {
    match chars.next() {
        Some('Q') => {
            let mut quoted = String::new();
            while let Some(q) = chars.next() {
                if q == '\\' && chars.peek() == Some(&'E') {
                    chars.next();
                    break;
                }
                quoted.push(q);
            }
            out.push_str(&fancy_regex::escape(&quoted));
        }
        Some(bracket @ ('<' | '>')) => out.push(bracket),
        Some('Z') if !in_class => out.push_str(SEMI_END),
        Some('0') => {
            let mut code = 0u32;
            for _ in 0..3 {
                match chars.peek().and_then(|d| d.to_digit(8)) {
                    Some(digit) if code * 8 + digit <= 0o377 => {
                        code = code * 8 + digit;
                        chars.next();
                    }
                    _ => break,
                }
            }
            out.push_str(&format!("\\x{{{code:x}}}"));
        }
        Some(other) => {
            out.push('\\');
            out.push(other);
        }
        None => out.push('\\'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_escapes_are_written_as_fancy_regex_reads_them() {
        let read = |pattern| java_syntax(pattern).unwrap();
        assert_eq!(read(r"\Qa.b*\E+"), r"a\.b\*+");
        assert_eq!(read(r"x\Q(unclosed"), r"x\(unclosed");
        assert_eq!(read(r"\<[^>]+\>"), "<[^>]+>");
        assert_eq!(read(r"\012\0101\0"), r"\x{a}\x{41}\x{0}");
        // Other escapes, an escaped backslash among them, stay as written.
        assert_eq!(read(r"\d\\<\1"), r"\d\\<\1");
        assert_eq!(read(r"tail\"), r"tail\");
        assert!(matches!(read("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn the_end_is_before_a_last_line_feed_outside_multi_line_mode() {
        let read = |pattern| java_syntax(pattern).unwrap();
        assert_eq!(read(r"a$"), format!("a{SEMI_END}"));
        assert_eq!(read(r"a\Z|\z"), format!("a{SEMI_END}|\\z"));
        // In a class, escaped, or in multi-line mode, `$` is what it is.
        assert_eq!(read(r"[$\Z]\$"), r"[$\Z]\$");
        assert_eq!(read(r"[]$]$"), format!("[]$]{SEMI_END}"));
        assert_eq!(read(r"(?m)a$"), r"(?m)a$");
        assert_eq!(read(r"(?m:a$)b$"), format!("(?m:a$)b{SEMI_END}"));
        assert_eq!(read(r"((?m)a$)b$"), format!("((?m)a$)b{SEMI_END}"));
        assert_eq!(read(r"(?m)a$(?-m)b$"), format!("(?m)a$(?-m)b{SEMI_END}"));
        assert_eq!(read("(?x)a # $ here\n$"), format!("(?x)a # $ here\n{SEMI_END}"));
        for (pattern, text, matches) in
            [("^a$", "a\n", true), ("^a$", "a\n\n", false), ("^a$", "a\nb", false), ("(?m)^a$", "a\nb", true)]
        {
            assert_eq!(regex(pattern).unwrap().is_match(text).unwrap(), matches, "{pattern} over {text:?}");
        }
    }

    #[test]
    fn group_flags_are_those_joni_reads() {
        assert_eq!(java_syntax("(?i)a(?s-m:.)").unwrap(), "(?i)a(?s-m:.)");
        assert_eq!(java_syntax("(?<year>\\d+)(?:x)(?=y)").unwrap(), "(?<year>\\d+)(?:x)(?=y)");
        for refused in ["(?U)a+", "(?P<n>a)", "(?u:a)", "(?R)"] {
            assert_eq!(java_syntax(refused), Err(UNDEFINED_GROUP_OPTION), "{refused}");
        }
        let message = regex("(?U)a+").unwrap_err().to_string();
        assert!(
            message.contains("INVALID_FUNCTION_ARGUMENT: Invalid regular expression '(?U)a+': undefined group option"),
            "{message}"
        );
    }
}
