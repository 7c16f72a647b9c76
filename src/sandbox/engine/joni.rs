//! Athena's regular expressions, read as its Joni reads them (Java's syntax): look-around and
//! back-references through `fancy_regex` (a pattern without either runs on the `regex` crate,
//! which it wraps), the escapes Java reads otherwise written as `fancy_regex` reads them, and a
//! runaway pattern stopped with Trino's words.

use datafusion::common::{exec_datafusion_err, exec_err, Result};

/// A regular expression of a query, read as Athena's Joni reads it (`java_syntax`): look-around
/// and back-references too; a pattern without either runs on the `regex` crate, which
/// `fancy_regex` wraps.
#[derive(Debug)]
pub(super) struct Pattern {
    /// The pattern with Joni's `$` (and `\Z`) as the end alone: what it is over a text that does
    /// not end with a line feed. Without look-around of its own, it runs on the `regex` crate.
    at_end: fancy_regex::Regex,
    /// The pattern with Joni's `$` as the end or before a line feed that ends the text: a
    /// look-ahead, so the backtracking VM runs it, only over a text that ends so. None when the
    /// pattern has no such `$`.
    before_last_line_feed: Option<fancy_regex::Regex>,
}

impl Pattern {
    /// The pattern as it reads `text`.
    pub(super) fn over(&self, text: &str) -> &fancy_regex::Regex {
        match &self.before_last_line_feed {
            Some(exact) if text.ends_with('\n') => exact,
            _ => &self.at_end,
        }
    }

    /// How many groups it has, the whole match (0) among them.
    pub(super) fn captures_len(&self) -> usize {
        self.at_end.captures_len()
    }
}

/// `pattern` read as Athena's Joni reads it, or Athena's refusal of it on one line.
pub(super) fn regex(pattern: &str) -> Result<Pattern> {
    let refused =
        |why: &str| exec_datafusion_err!("INVALID_FUNCTION_ARGUMENT: Invalid regular expression '{pattern}': {why}");
    let build = |joni: &str| {
        fancy_regex::RegexBuilder::new(joni).backtrack_limit(BACKTRACK_LIMIT).build().map_err(|e| {
            let text = e.to_string();
            refused(text.lines().last().unwrap_or_default().trim_start_matches("error: "))
        })
    };
    let exact = java_syntax(pattern, SEMI_END).map_err(refused)?;
    let at_end = java_syntax(pattern, END).map_err(refused)?;
    // Joni's rules read the pattern's own look-arounds, not those `(?a)`'s edges are written with.
    fixed_look_behinds(&at_end.replace(ASCII_EDGE, r"\b").replace(ASCII_INSIDE, r"\B")).map_err(refused)?;
    let before_last_line_feed = if exact != at_end { Some(build(&exact)?) } else { None };
    Ok(Pattern { at_end: build(&at_end)?, before_last_line_feed })
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
/// - a group's flags are `i`, `m`, `s` and `x`, and `a`, `d`, `l` and `u` turned on: `(?a)` reads
///   `\w`, `\d`, `\s` and `\b` in ASCII only (written so), and the others undo it (`(?U)`, Rust's
///   ungreedy flag, `(?-u)` and `(?P<name>…)` are refused, as Joni refuses them: "undefined group
///   option").
///
/// `end` is what a `$` outside `(?m)`, and a `\Z`, are written as (`SEMI_END` or `END`).
fn java_syntax<'a>(pattern: &'a str, end: &str) -> std::result::Result<std::borrow::Cow<'a, str>, &'static str> {
    if !pattern.contains(['\\', '$', '(']) {
        return Ok(pattern.into());
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Whether `(?m)`, `(?x)` and `(?a)` are in effect, and what they were outside each open group.
    let (mut multi_line, mut extended, mut ascii) = (false, false, false);
    let mut outside: Vec<(bool, bool, bool)> = Vec::new();
    // Whether each open group is a look-behind.
    let mut behind: Vec<bool> = Vec::new();
    // How deep in a character class (`[a[b]]` nests).
    let mut class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => escape(&mut chars, &mut out, class > 0, end, ascii, behind.contains(&true)),
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
            '$' if !multi_line => out.push_str(end),
            '(' => {
                out.push('(');
                outside.push((multi_line, extended, ascii));
                let mut ahead = chars.clone();
                let look_behind =
                    ahead.next() == Some('?') && ahead.next() == Some('<') && matches!(ahead.next(), Some('=' | '!'));
                behind.push(look_behind);
                if chars.peek() != Some(&'?') {
                    continue;
                }
                chars.next();
                let mut flags = String::new();
                while let Some(f) = chars.next_if(|c| c.is_ascii_alphabetic() || *c == '-') {
                    flags.push(f);
                }
                let closes = chars.peek() == Some(&')');
                if flags.is_empty() || !(closes || chars.peek() == Some(&':')) {
                    // `(?P<…>`, or a group of another kind (`(?:`, `(?=`, `(?<name>`).
                    if !flags.is_empty() {
                        return Err(UNDEFINED_GROUP_OPTION);
                    }
                    out.push('?');
                    continue;
                }
                // The flags `fancy_regex` reads; `a`, `d`, `l` and `u` (character classes' ranges,
                // which Joni takes only turned on) are left out.
                let mut kept = String::new();
                let mut on = true;
                for flag in flags.chars() {
                    match flag {
                        // Joni takes any number of `-`: the first turns the rest off.
                        '-' if !on => continue,
                        '-' => on = false,
                        'm' => multi_line = on,
                        'x' => extended = on,
                        'i' | 's' => {}
                        'a' if on => {
                            ascii = true;
                            continue;
                        }
                        'd' | 'l' | 'u' if on => {
                            ascii = false;
                            continue;
                        }
                        _ => return Err(UNDEFINED_GROUP_OPTION),
                    }
                    kept.push(flag);
                }
                // `(?-)`, `(?i-:…)`: nothing turned off.
                if kept.ends_with('-') {
                    kept.pop();
                }
                if closes {
                    // `(?m)`: for the rest of the group it stands in.
                    chars.next();
                    outside.pop();
                    behind.pop();
                    if kept.is_empty() {
                        out.pop();
                    } else {
                        out.push_str(&format!("?{kept})"));
                    }
                } else {
                    out.push('?');
                    out.push_str(&kept);
                }
            }
            ')' => {
                out.push(')');
                behind.pop();
                if let Some((m, x, a)) = outside.pop() {
                    (multi_line, extended, ascii) = (m, x, a);
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out.into())
}

/// Joni's rules for a look-behind (`(?<=…)`, `(?<!…)`), which `fancy_regex` does not keep (it
/// runs a look-behind of any length):
/// - each alternative at its top matches a fixed number of characters (`(?<=ab|c)`,
///   `(?<=a{2})`; not `(?<=a+)` nor `(?<=(a|bc))`);
/// - it holds no back-reference, look-ahead, atomic group, end of text (`\z`, and `$` outside
///   `(?m)`, which is Joni's `\Z`), nor, in a negative one, a group that captures.
///
/// A pattern `fancy_regex` cannot read is left for its own refusal.
fn fixed_look_behinds(pattern: &str) -> std::result::Result<(), &'static str> {
    use fancy_regex::{Expr, LookAround};
    fn read(expr: &Expr) -> bool {
        let own = match expr {
            Expr::LookAround(body, way @ (LookAround::LookBehind | LookAround::LookBehindNeg)) => {
                let fixed = match body.as_ref() {
                    Expr::Alt(alternatives) => alternatives.iter().all(|a| chars_matched(a).is_some()),
                    body => chars_matched(body).is_some(),
                };
                fixed && allowed_behind(body, *way == LookAround::LookBehindNeg)
            }
            _ => true,
        };
        own && expr.children_iter().all(read)
    }
    match fancy_regex::Expr::parse_tree(pattern) {
        Ok(tree) if !read(&tree.expr) => Err(INVALID_LOOK_BEHIND),
        _ => Ok(()),
    }
}

/// Whether Joni takes `expr` in a look-behind, a negative one when `negative`
/// (`AnchorType.ALLOWED_IN_LB`, `EncloseType.ALLOWED_IN_LB`, `NodeType.ALLOWED_IN_LB`).
fn allowed_behind(expr: &fancy_regex::Expr, negative: bool) -> bool {
    use fancy_regex::{Assertion, Expr, LookAround};
    let own = match expr {
        Expr::Backref { .. }
        | Expr::BackrefWithRelativeRecursionLevel { .. }
        | Expr::AtomicGroup(_)
        | Expr::Conditional { .. }
        | Expr::BackrefExistsCondition { .. }
        | Expr::Absent(_)
        | Expr::Assertion(Assertion::EndText | Assertion::EndTextIgnoreTrailingNewlines { .. })
        | Expr::LookAround(_, LookAround::LookAhead | LookAround::LookAheadNeg) => false,
        Expr::Group(_) => !negative,
        _ => true,
    };
    own && expr.children_iter().all(|child| allowed_behind(child, negative))
}

/// How many characters `expr` matches, when that is one number (Joni's `get_char_length_tree`).
fn chars_matched(expr: &fancy_regex::Expr) -> Option<usize> {
    use fancy_regex::Expr;
    match expr {
        Expr::Empty | Expr::Assertion(_) | Expr::LookAround(..) | Expr::ContinueFromPreviousMatchEnd => Some(0),
        Expr::Any { .. } | Expr::Delegate { .. } => Some(1),
        Expr::Literal { val, .. } => Some(val.chars().count()),
        Expr::LiteralBytes { bytes } => Some(String::from_utf8_lossy(bytes).chars().count()),
        // Joni's lengths stop at their largest (`distanceAdd`), fixed still.
        Expr::Concat(parts) => {
            parts.iter().try_fold(0usize, |sum, part| Some(sum.saturating_add(chars_matched(part)?)))
        }
        Expr::Alt(alternatives) => {
            let mut lengths = alternatives.iter().map(chars_matched);
            let first = lengths.next()??;
            lengths.all(|n| n == Some(first)).then_some(first)
        }
        Expr::Group(inner) => chars_matched(inner),
        Expr::AtomicGroup(inner) => chars_matched(inner),
        Expr::Repeat { child, lo, hi, .. } if lo == hi => Some(chars_matched(child)?.saturating_mul(*lo)),
        _ => None,
    }
}

/// Joni's words for a look-behind of varying length.
const INVALID_LOOK_BEHIND: &str = "invalid pattern in look-behind";

/// `\b` under `(?a)`: a word's edge, words in ASCII.
const ASCII_EDGE: &str = "(?:(?<=[0-9A-Za-z_])(?![0-9A-Za-z_])|(?<![0-9A-Za-z_])(?=[0-9A-Za-z_]))";
/// `\B` under `(?a)`.
const ASCII_INSIDE: &str = "(?:(?<=[0-9A-Za-z_])(?=[0-9A-Za-z_])|(?<![0-9A-Za-z_])(?![0-9A-Za-z_]))";

/// Joni's `\Z`: the end, or before a line feed that ends the text.
const SEMI_END: &str = r"(?:\z|(?=\n\z))";

/// Joni's `\Z` over a text that does not end with a line feed: the end.
const END: &str = r"\z";

/// Joni's words for a group's flag it does not read.
const UNDEFINED_GROUP_OPTION: &str = "undefined group option";

/// The escape after a `\` of a pattern, as `fancy_regex` reads it (`java_syntax`).
fn escape(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut String,
    in_class: bool,
    end: &str,
    ascii: bool,
    in_look_behind: bool,
) {
    match chars.next() {
        // `fancy_regex` takes a `\G` that begins a look-behind for the search's own anchor and
        // gives up the search where it fails (`(?<=\Ga)b` over `abab` found one match of two);
        // as one of two alternatives it is read at each place.
        Some('G') if in_look_behind && !in_class => out.push_str(r"(?:\G|\G)"),
        // `(?a)`: a word, a digit, a space and a word's edge in ASCII only.
        Some(class @ ('w' | 'W' | 'd' | 'D' | 's' | 'S')) if ascii && !(in_class && class.is_uppercase()) => {
            let set = match class.to_ascii_lowercase() {
                'w' => "0-9A-Za-z_",
                'd' => "0-9",
                _ => r"\t\n\x0B\f\r ",
            };
            match (in_class, class.is_uppercase()) {
                (true, _) => out.push_str(set),
                (false, false) => out.push_str(&format!("[{set}]")),
                (false, true) => out.push_str(&format!("[^{set}]")),
            }
        }
        // A word's edge in ASCII, by look-around (`fancy_regex` does not turn Unicode off).
        Some('b') if ascii && !in_class => out.push_str(ASCII_EDGE),
        Some('B') if ascii && !in_class => out.push_str(ASCII_INSIDE),
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
        // Letters Joni's Java syntax gives no meaning (`fancy_regex`'s keep-out and line break).
        Some(letter @ ('<' | '>' | 'K' | 'R')) => out.push(letter),
        Some('Z') if !in_class => out.push_str(end),
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
        let read = |pattern| java_syntax(pattern, SEMI_END).unwrap();
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
        let read = |pattern| java_syntax(pattern, SEMI_END).unwrap();
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
            assert_eq!(regex(pattern).unwrap().over(text).is_match(text).unwrap(), matches, "{pattern} over {text:?}");
        }
        // A text that does not end with a line feed is read without a look-ahead: in linear
        // time, however long.
        let long = "a".repeat(5_000);
        assert!(!regex(".*b$").unwrap().over(&long).is_match(&long).unwrap());
        assert!(regex("ab").unwrap().before_last_line_feed.is_none());
    }

    #[test]
    fn group_flags_are_those_joni_reads() {
        let read = |pattern| java_syntax(pattern, END);
        assert_eq!(read("(?i)a(?s-m:.)").unwrap(), "(?i)a(?s-m:.)");
        assert_eq!(read("(?<year>\\d+)(?:x)(?=y)").unwrap(), "(?<year>\\d+)(?:x)(?=y)");
        // Joni's `a`, `d`, `l` and `u`, turned on, are left out.
        assert_eq!(read("(?iu)é(?u)x(?u:y)$").unwrap(), "(?i)éx(?:y)\\z");
        // `(?a)`: ASCII classes, for the rest of its group.
        assert_eq!(read(r"(?a)\w[\d]\b(?u)\s").unwrap(), format!(r"[0-9A-Za-z_][0-9]{ASCII_EDGE}\s"));
        // `é` is a word's letter in Unicode only.
        assert!(regex(r"é\b").unwrap().over("é").is_match("é").unwrap());
        assert!(!regex(r"(?a)é\b").unwrap().over("é").is_match("é").unwrap());
        assert!(regex(r"(?a)\Bé").unwrap().over("é").is_match("é").unwrap());
        assert_eq!(read(r"((?a)\D)\W").unwrap(), r"([^0-9])\W");
        // Nothing turned off.
        assert_eq!(read("(?-)a(?i-)b(?-:c)").unwrap(), "a(?i)b(?:c)");
        assert_eq!(read("(?--)a(?i-s-m)b").unwrap(), "a(?i-sm)b");
        for refused in ["(?U)a+", "(?P<n>a)", "(?-u:a)", "(?R)"] {
            assert_eq!(read(refused), Err(UNDEFINED_GROUP_OPTION), "{refused}");
        }
        let message = regex("(?U)a+").unwrap_err().to_string();
        assert!(regex("(?-)a").unwrap().over("a").is_match("a").unwrap());
        assert!(
            message.contains("INVALID_FUNCTION_ARGUMENT: Invalid regular expression '(?U)a+': undefined group option"),
            "{message}"
        );
    }

    #[test]
    fn a_look_behind_matches_a_fixed_number_of_characters_in_each_alternative() {
        let taken = [
            r"(?<=ab|c)d",
            r"(?<!a{2}\d)x",
            r"(?<=(?:ab|cd))e",
            r"(?<=(ab)[xé])e",
            r"(?<=\b.)x",
            r"(?m)(?<=^a$)",
            r"(?<=\Ga)b",
            // `\K` and `\R` are letters in Joni's Java syntax.
            r"(?<=\K\R)x",
        ];
        for taken in taken {
            assert!(regex(taken).is_ok(), "{taken}");
        }
        let refused = [
            r"(?<=a+)b",
            r"(?<!a?)b",
            r"(?<=(ab|c))d",
            r"(?<=a{1,2})b",
            r"x(?<=(?:a|b(?:c|de)))",
            // What Joni takes in no look-behind: a back-reference, a look-ahead, an atomic group,
            // the end; a group that captures in a negative one.
            r"(a)(?<=\1)b",
            r"(?<=a(?=b)c)",
            r"(?<=(?>ab))c",
            r"(?<=a$)",
            r"(?<!(a))b",
        ];
        for refused in refused {
            let message = regex(refused).unwrap_err().to_string();
            assert!(
                message.ends_with(&format!("Invalid regular expression '{refused}': invalid pattern in look-behind")),
                "{message}"
            );
        }
        assert!(regex(r"(?<=é|ab)c").unwrap().over("abc").is_match("abc").unwrap());
        // Lengths past any text's are fixed still (too large for `fancy_regex` to build).
        let huge = r"(?<=(?:(?:(?:a{65535}){65535}){65535}){65535}(?:(?:(?:a{65535}){65535}){65535}){65535})b";
        assert_eq!(fixed_look_behinds(huge), Ok(()));
        assert!(regex(r"(?<=\K)x").unwrap().over("Kx").is_match("Kx").unwrap());
        // `\G` in a look-behind at each match's start; `(?a)`'s edges are taken in one.
        let g = regex(r"(?<=\Ga)b").unwrap();
        assert_eq!(g.over("abab").find_iter("abab").filter_map(|m| m.ok()).count(), 2);
        assert!(regex(r"(?a)(?<=\b)a").unwrap().over("ab").is_match("ab").unwrap());
        assert!(regex(r"\R").unwrap().over("R").is_match("R").unwrap());
    }
}
