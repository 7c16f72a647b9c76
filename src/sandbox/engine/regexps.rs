//! Trino's regular-expression functions over every match: `regexp_like(s, pattern)`,
//! `regexp_count(s, pattern)`, `regexp_replace(s, pattern[, replacement])`,
//! `regexp_extract_all(s, pattern[, group])`, `regexp_split(s, pattern)` and
//! `regexp_position(s, pattern[, start[, occurrence]])`. Patterns read look-around and
//! back-references, as Athena's Joni does (`joni`), where DataFusion's own
//! `regexp_like`, `regexp_count` and `regexp_replace` refuse them; a replacement reads `$1`,
//! `${name}` and `\$` as Trino does. Matches are found one after another as Trino finds them
//! (`after`). Positions count characters from 1, as Trino's do; a pattern that does not compile
//! is Athena's `INVALID_FUNCTION_ARGUMENT`.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Int32Array, Int64Array, ListBuilder, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::joni::{matched, regex, Pattern};
use super::udf::{integers, is_integer, is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("regexp_like", like_type, like),
        Trino::udf("regexp_count", count_type, count),
        Trino::udf("regexp_replace", replace_type, replace),
        Trino::udf("regexp_extract_all", extract_all_type, extract_all),
        Trino::udf("regexp_split", split_type, split),
        Trino::udf("regexp_position", position_type, position),
    ]
}

fn texts() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
}

fn extract_all_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, p] if is_text(s) && is_text(p) => Ok(texts()),
        [s, p, g] if is_text(s) && is_text(p) && is_integer(g) => Ok(texts()),
        _ => call.mismatch("regexp_extract_all(varchar, JoniRegExp), regexp_extract_all(varchar, JoniRegExp, bigint)"),
    }
}

fn like_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, p] if is_text(s) && is_text(p) => Ok(DataType::Boolean),
        _ => call.mismatch("regexp_like(varchar, JoniRegExp)"),
    }
}

fn count_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, p] if is_text(s) && is_text(p) => Ok(DataType::Int64),
        _ => call.mismatch("regexp_count(varchar, JoniRegExp)"),
    }
}

fn replace_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, p, rest @ ..] if is_text(s) && is_text(p) && rest.len() <= 1 && rest.iter().all(is_text) => {
            Ok(DataType::Utf8)
        }
        _ => call.mismatch(
            "regexp_replace(varchar, JoniRegExp), regexp_replace(varchar, JoniRegExp, varchar), \
             regexp_replace(varchar, JoniRegExp, function(array(varchar), varchar))",
        ),
    }
}

fn split_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, p] if is_text(s) && is_text(p) => Ok(texts()),
        _ => call.mismatch("regexp_split(varchar, JoniRegExp)"),
    }
}

fn position_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, p, rest @ ..] if is_text(s) && is_text(p) && rest.len() <= 2 && rest.iter().all(is_integer) => {
            Ok(DataType::Int32)
        }
        _ => call.mismatch(
            "regexp_position(varchar, JoniRegExp), regexp_position(varchar, JoniRegExp, bigint), \
             regexp_position(varchar, JoniRegExp, bigint, bigint)",
        ),
    }
}

/// Each row's text and pattern (NULL when either is), the pattern compiled once a run of rows.
struct Rows {
    texts: datafusion::arrow::array::StringArray,
    patterns: datafusion::arrow::array::StringArray,
    compiled: Option<(String, Pattern)>,
}

impl Rows {
    fn new(args: &[ArrayRef]) -> Result<Rows> {
        Ok(Rows { texts: text(args, 0)?, patterns: text(args, 1)?, compiled: None })
    }

    fn get(&mut self, row: usize) -> Result<Option<(&str, &fancy_regex::Regex)>> {
        use datafusion::arrow::array::Array;
        if self.texts.is_null(row) || self.patterns.is_null(row) {
            return Ok(None);
        }
        let pattern = self.patterns.value(row);
        if self.compiled.as_ref().is_none_or(|(p, _)| p != pattern) {
            self.compiled = Some((pattern.to_string(), regex(pattern)?));
        }
        let text = self.texts.value(row);
        Ok(self.compiled.as_ref().map(|(_, re)| (text, re.over(text))))
    }
}

fn like(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let mut rows = Rows::new(args)?;
    let mut out = Vec::with_capacity(args[0].len());
    for row in 0..args[0].len() {
        out.push(match rows.get(row)? {
            Some((text, re)) => Some(matched(re.is_match(text))?),
            None => None,
        });
    }
    Ok(Arc::new(BooleanArray::from(out)))
}

fn count(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let mut rows = Rows::new(args)?;
    let mut out = Vec::with_capacity(args[0].len());
    for row in 0..args[0].len() {
        let Some((text, re)) = rows.get(row)? else {
            out.push(None);
            continue;
        };
        let (mut n, mut at) = (0, 0);
        while let Some(m) = matched(re.find_from_pos(text, at))? {
            n += 1;
            let Some(next) = after(text, m.range()) else { break };
            at = next;
        }
        out.push(Some(n));
    }
    Ok(Arc::new(Int64Array::from(out)))
}

/// Every match replaced by `replacement` (nothing when it is left out), read as Trino reads it
/// (`Replacement`).
fn replace(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    use datafusion::arrow::array::Array;
    let mut rows = Rows::new(args)?;
    let replacements = args.get(2).map(|_| text(args, 2)).transpose()?;
    let mut read: Option<(String, String, std::result::Result<Replacement, String>)> = None;
    let mut out = StringBuilder::new();
    for row in 0..args[0].len() {
        let replacement = match &replacements {
            Some(r) if r.is_null(row) => None,
            Some(r) => Some(r.value(row)),
            None => Some(""),
        };
        let (Some((text, re)), Some(replacement)) = (rows.get(row)?, replacement) else {
            out.append_null();
            continue;
        };
        if read.as_ref().is_none_or(|(p, r, _)| p != re.as_str() || r != replacement) {
            let parsed = Replacement::read(replacement, re);
            read = Some((re.as_str().to_string(), replacement.to_string(), parsed));
        }
        let Some((_, _, parsed)) = &read else { continue };
        let (mut written, mut at, mut replaced) = (0, 0, String::with_capacity(text.len()));
        while let Some(captures) = matched(re.captures_from_pos(text, at))? {
            let Some(whole) = captures.get(0) else { break };
            // Trino's refusal of a replacement comes with its first match, not before.
            let parts = match parsed {
                Ok(parts) => parts,
                Err(why) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {why}"),
            };
            replaced.push_str(&text[written..whole.start()]);
            for part in &parts.0 {
                match part {
                    Part::Text(t) => replaced.push_str(t),
                    Part::Group(g) => replaced.push_str(captures.get(*g).map(|m| m.as_str()).unwrap_or_default()),
                }
            }
            written = whole.end();
            let Some(next) = after(text, whole.range()) else { break };
            at = next;
        }
        replaced.push_str(&text[written..]);
        out.append_value(replaced);
    }
    Ok(Arc::new(out.finish()))
}

/// A replacement as Trino reads it: `${name}` a named group; `$` and a digit the group of that
/// number, taking in more digits while the number stays a group of the pattern (`$12` is group
/// 12 if there is one, else group 1 then `2`); `\` before any character that character (`\$`
/// a dollar); anything else itself. A group that took no part in a match adds nothing.
struct Replacement(Vec<Part>);

enum Part {
    Text(String),
    Group(usize),
}

impl Replacement {
    fn read(replacement: &str, re: &fancy_regex::Regex) -> std::result::Result<Replacement, String> {
        let illegal = || format!("Illegal replacement sequence: {replacement}");
        let groups = re.captures_len();
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = replacement.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => literal.push(chars.next().ok_or_else(illegal)?),
                '$' => {
                    let group = match chars.next().ok_or_else(illegal)? {
                        '{' => {
                            let mut name = String::new();
                            loop {
                                match chars.next() {
                                    Some('}') => break,
                                    Some(c) => name.push(c),
                                    None => return Err(illegal()),
                                }
                            }
                            let named = re.capture_names().position(|n| n == Some(name.as_str()));
                            named.ok_or_else(|| format!("Illegal replacement sequence: unknown group {{ {name} }}"))?
                        }
                        digit @ '0'..='9' => {
                            let mut group = digit as usize - '0' as usize;
                            if group >= groups {
                                return Err(format!("Illegal replacement sequence: unknown group {group}"));
                            }
                            while let Some(more) = chars.peek().and_then(|c| c.to_digit(10)) {
                                let wider = group * 10 + more as usize;
                                if wider >= groups {
                                    break;
                                }
                                group = wider;
                                chars.next();
                            }
                            group
                        }
                        _ => return Err(illegal()),
                    };
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Group(group));
                }
                other => literal.push(other),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Replacement(parts))
    }
}

fn extract_all(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let mut rows = Rows::new(args)?;
    let groups = args.get(2).map(|_| integers(args, 2)).transpose()?;
    let mut out = ListBuilder::new(StringBuilder::new());
    for row in 0..args[0].len() {
        let group = match &groups {
            Some(groups) if datafusion::arrow::array::Array::is_null(groups, row) => None,
            Some(groups) => Some(groups.value(row)),
            None => Some(0),
        };
        let (Some((text, re)), Some(group)) = (rows.get(row)?, group) else {
            out.append_null();
            continue;
        };
        if group < 0 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Group cannot be negative");
        }
        if group as usize >= re.captures_len() {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: Pattern has {} groups. Cannot access group {group}",
                re.captures_len() - 1
            );
        }
        let mut at = 0;
        while let Some(captures) = matched(re.captures_from_pos(text, at))? {
            let whole = captures.get(0).map(|m| m.range()).unwrap_or_default();
            out.values().append_option(captures.get(group as usize).map(|m| m.as_str()));
            let Some(next) = after(text, whole) else { break };
            at = next;
        }
        out.append(true);
    }
    Ok(Arc::new(out.finish()))
}

/// Trailing empty strings are kept: `regexp_split('1a 2b 14m', '\s*[a-z]+\s*')` is `[1, 2, 14, ]`.
fn split(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let mut rows = Rows::new(args)?;
    let mut out = ListBuilder::new(StringBuilder::new());
    for row in 0..args[0].len() {
        let Some((text, re)) = rows.get(row)? else {
            out.append_null();
            continue;
        };
        let (mut at, mut last_end) = (0, 0);
        while let Some(m) = matched(re.find_from_pos(text, at))? {
            out.values().append_value(&text[last_end..m.start()]);
            last_end = m.end();
            let Some(next) = after(text, m.range()) else { break };
            at = next;
        }
        out.values().append_value(&text[last_end..]);
        out.append(true);
    }
    Ok(Arc::new(out.finish()))
}

/// The character position (from 1) of the `occurrence`th match at or after character `start`,
/// -1 when there is none.
fn position(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    use datafusion::arrow::array::Array;
    let mut rows = Rows::new(args)?;
    let starts = args.get(2).map(|_| integers(args, 2)).transpose()?;
    let occurrences = args.get(3).map(|_| integers(args, 3)).transpose()?;
    let mut out = Vec::with_capacity(args[0].len());
    for row in 0..args[0].len() {
        let number = |numbers: &Option<datafusion::arrow::array::Int64Array>| match numbers {
            Some(n) if n.is_null(row) => None,
            Some(n) => Some(n.value(row)),
            None => Some(1),
        };
        // A NULL argument is a NULL answer, before any argument is checked.
        let (Some(start), Some(occurrence), Some((text, re))) = (number(&starts), number(&occurrences), rows.get(row)?)
        else {
            out.push(None);
            continue;
        };
        if start < 1 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: start position cannot be smaller than 1");
        }
        if occurrence < 1 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: occurrence cannot be smaller than 1");
        }
        // The byte where character `start` begins; past the last character, none.
        let Some((from, _)) = text.char_indices().nth(start as usize - 1) else {
            out.push(Some(-1));
            continue;
        };
        out.push(Some(match nth_match(re, text, from, occurrence as usize)? {
            Some(at) => (text[..at].chars().count() + 1) as i32,
            None => -1,
        }));
    }
    Ok(Arc::new(Int32Array::from(out)))
}

/// The byte where the `n`th match at or after byte `from` starts. The text before `from` is
/// still seen, so `\b` at `from` means what it means in the whole text.
fn nth_match(re: &fancy_regex::Regex, text: &str, from: usize, n: usize) -> Result<Option<usize>> {
    let mut at = from;
    for _ in 1..n {
        let Some(found) = matched(re.find_from_pos(text, at))? else { return Ok(None) };
        let Some(next) = after(text, found.range()) else { return Ok(None) };
        at = next;
    }
    Ok(matched(re.find_from_pos(text, at))?.map(|m| m.start()))
}

/// Where Trino's search goes on after a match: at its end, or a character later when it was
/// empty (so an empty match right after a match counts, as it does in Trino); `None` past the
/// end of the text.
pub(super) fn after(text: &str, found: std::ops::Range<usize>) -> Option<usize> {
    if found.end > found.start {
        return Some(found.end);
    }
    text[found.end..].chars().next().map(|c| found.end + c.len_utf8())
}
