//! Athena's regular expressions, read as its Joni reads them (Java's syntax): look-around and
//! back-references through `fancy_regex` (a pattern without either runs on the `regex` crate,
//! which it wraps), the escapes Java reads otherwise written as `fancy_regex` reads them, and a
//! runaway pattern stopped with Trino's words.

use datafusion::common::{exec_err, Result};

/// A regular expression of a query, or Athena's refusal of it on one line. Look-around and
/// back-references are read, as Athena's Joni reads them; a pattern without either runs on the
/// `regex` crate, which `fancy_regex` wraps.
pub(super) fn regex(pattern: &str) -> Result<fancy_regex::Regex> {
    let joni = java_syntax(pattern);
    fancy_regex::RegexBuilder::new(&joni).backtrack_limit(BACKTRACK_LIMIT).build().or_else(|e| {
        let text = e.to_string();
        let why = text.lines().last().unwrap_or_default().trim_start_matches("error: ");
        exec_err!("INVALID_FUNCTION_ARGUMENT: Invalid regular expression '{pattern}': {why}")
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

/// `pattern` with the escapes Joni's Java syntax reads otherwise than `fancy_regex` written as
/// `fancy_regex` reads them: `\Q…\E` quotes the text between (to the end without `\E`), `\<`
/// and `\>` are the characters (not word boundaries), and `\0` with up to three octal digits is
/// that character (`\012` a line feed, not group 12).
fn java_syntax(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains('\\') {
        return pattern.into();
    }
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
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
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_escapes_are_written_as_fancy_regex_reads_them() {
        assert_eq!(java_syntax(r"\Qa.b*\E+"), r"a\.b\*+");
        assert_eq!(java_syntax(r"x\Q(unclosed"), r"x\(unclosed");
        assert_eq!(java_syntax(r"\<[^>]+\>"), "<[^>]+>");
        assert_eq!(java_syntax(r"\012\0101\0"), r"\x{a}\x{41}\x{0}");
        // Other escapes, an escaped backslash among them, stay as written.
        assert_eq!(java_syntax(r"\d\\<\1"), r"\d\\<\1");
        assert_eq!(java_syntax(r"tail\"), r"tail\");
        assert!(matches!(java_syntax("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
