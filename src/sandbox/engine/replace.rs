//! `regexp_replace(s, pattern, x -> …)`: every match of `pattern` in `s` replaced by what the
//! lambda makes of the match's capturing groups (`x[1]` is the first group; a group that took
//! no part is NULL; there is no group for the whole match). A lambda answering NULL makes the
//! whole answer NULL, as on Athena. The lambda runs once over every match of the batch.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, ListArray, StringArray, StringBuilder};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use datafusion::logical_expr::LambdaArgument;

use super::joni::{matched, regex, Pattern};
use super::lambdas::apply;
use super::regexps::after;
use super::udf::text;

/// One match: the row it is in and where it starts and ends in that row's text.
struct Match {
    row: usize,
    start: usize,
    end: usize,
}

pub fn replace_with(texts: &ArrayRef, patterns: &ArrayRef, f: &LambdaArgument) -> Result<ArrayRef> {
    let (texts, patterns) = (text(std::slice::from_ref(texts), 0)?, text(std::slice::from_ref(patterns), 0)?);
    let mut matches = Vec::new();
    let mut groups = StringBuilder::new();
    let mut lengths = Vec::new();
    let mut compiled: Option<(&str, Pattern)> = None;
    for row in 0..texts.len() {
        if texts.is_null(row) || patterns.is_null(row) {
            continue;
        }
        let (text, pattern) = (texts.value(row), patterns.value(row));
        if compiled.as_ref().is_none_or(|(p, _)| *p != pattern) {
            compiled = Some((pattern, regex(pattern)?));
        }
        let Some((_, re)) = &compiled else { continue };
        let re = re.over(text);
        let mut at = 0;
        while let Some(captures) = matched(re.captures_from_pos(text, at))? {
            let Some(whole) = captures.get(0) else { break };
            matches.push(Match { row, start: whole.start(), end: whole.end() });
            for group in captures.iter().skip(1) {
                groups.append_option(group.map(|g| g.as_str()));
            }
            lengths.push(captures.len() - 1);
            let Some(next) = after(text, whole.range()) else { break };
            at = next;
        }
    }
    let replacements = if matches.is_empty() {
        StringArray::from(Vec::<Option<&str>>::new())
    } else {
        let item = Arc::new(Field::new_list_field(DataType::Utf8, true));
        let groups: ArrayRef =
            Arc::new(ListArray::try_new(item, OffsetBuffer::from_lengths(lengths), Arc::new(groups.finish()), None)?);
        let rows: Vec<u32> = matches.iter().map(|m| m.row as u32).collect();
        let answers = cast(&apply(f, &[groups], &rows)?, &DataType::Utf8)?;
        answers.as_any().downcast_ref::<StringArray>().cloned().unwrap_or_else(|| StringArray::from(vec![None::<&str>]))
    };
    let mut out = StringBuilder::new();
    let mut next = matches.iter().zip(0..).peekable();
    for row in 0..texts.len() {
        if texts.is_null(row) || patterns.is_null(row) {
            out.append_null();
            continue;
        }
        let text = texts.value(row);
        let (mut written, mut replaced, mut null) = (0, String::with_capacity(text.len()), false);
        while let Some((m, i)) = next.next_if(|(m, _)| m.row == row) {
            if i >= replacements.len() || replacements.is_null(i) {
                null = true;
                continue;
            }
            replaced.push_str(&text[written..m.start]);
            replaced.push_str(replacements.value(i));
            written = m.end;
        }
        replaced.push_str(&text[written..]);
        out.append_option((!null).then_some(replaced));
    }
    Ok(Arc::new(out.finish()))
}
