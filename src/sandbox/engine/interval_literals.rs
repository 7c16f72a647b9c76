//! Interval literals as Trino's grammar and `DateTimeUtils` read them: a quoted value and one of
//! the fields YEAR, MONTH, DAY, HOUR, MINUTE and SECOND, or a range of them (`INTERVAL '1-2' YEAR
//! TO MONTH`, `INTERVAL '1 02:03:04.5' DAY TO SECOND`, `INTERVAL '2:30' HOUR TO MINUTE`).
//!
//! The value is an optional `-` and then the range's fields from its first, as many as written
//! (`'1'` DAY TO SECOND is a day), each digits, between `-` (years and months), ` ` (days and
//! hours) and `:`, the seconds with an optional fraction read to milliseconds. A range, which the
//! engine refuses, becomes the engine's form of the same length; a single field stays as written.
//! What Athena's grammar refuses and the engine read is refused: a field of the engine's own
//! (`WEEK`, `HOURS`), a value without quotes, one without a field (`INTERVAL '1 day'`), and a
//! field's precision (`SECOND(3)`). A value the fields do not read, or a range Trino has not
//! (`HOUR TO HOUR`), fails with Trino's words (`Invalid INTERVAL DAY value: 1.5`).

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, DateTimeField, Expr, Spanned, UnaryOperator, Value, ValueWithSpan,
};
use datafusion::logical_expr::sqlparser::tokenizer::Location;

/// Trino's interval fields, largest first: years and months, then days to seconds.
const FIELDS: [(DateTimeField, &str); 6] = [
    (DateTimeField::Year, "YEAR"),
    (DateTimeField::Month, "MONTH"),
    (DateTimeField::Day, "DAY"),
    (DateTimeField::Hour, "HOUR"),
    (DateTimeField::Minute, "MINUTE"),
    (DateTimeField::Second, "SECOND"),
];
const MONTH: usize = 1;
const DAY: usize = 2;
const SECOND: usize = 5;

/// The separator written before each field after the first (none before years or days).
const SEPARATORS: [&str; 6] = ["", "-", "", " ", ":", ":"];

/// Each interval literal of `statement` read as Trino reads it (the module's note); the first one
/// Athena would refuse fails, with the message it would give.
pub(super) fn rewrite(statement: &mut ast::Statement, sql: &str) -> Result<(), String> {
    let mut refused = None;
    let _ = ast::visit_expressions_mut(statement, |expr| {
        let Expr::Interval(interval) = expr else { return ControlFlow::Continue(()) };
        match engine_form(interval, sql) {
            Ok(Some(form)) => *interval = form,
            Ok(None) => {}
            Err(message) => {
                refused = Some(message);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    refused.map_or(Ok(()), Err)
}

/// The engine's form of a literal it does not read as Trino does (None for one it does), or why
/// Athena refuses the literal.
fn engine_form(interval: &ast::Interval, sql: &str) -> Result<Option<ast::Interval>, String> {
    let (sign, value) = match interval.value.as_ref() {
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => (true, expr.as_ref()),
        Expr::UnaryOp { op: UnaryOperator::Plus, expr } => (false, expr.as_ref()),
        value => (false, value),
    };
    let start = value.span().start;
    let (text, end) = match value {
        Expr::Value(ValueWithSpan { value: Value::SingleQuotedString(text), span }) => (text.as_str(), span.end),
        other => {
            let at = at(sql, start);
            return Err(format!("SYNTAX_ERROR: {at}mismatched input '{other}'. Expecting: '+', '-', <string>"));
        }
    };
    let Some(leading) = &interval.leading_field else {
        let at = at(sql, end);
        return Err(format!(
            "SYNTAX_ERROR: {at}an INTERVAL names its field after its value (INTERVAL '1' DAY); Athena has no INTERVAL '{text}'"
        ));
    };
    if interval.leading_precision.is_some() || interval.fractional_seconds_precision.is_some() {
        let field = interval.last_field.as_ref().unwrap_or(leading).to_string();
        let at = super::errors::position_after(sql, end.line, end.column, &field);
        return Err(format!("SYNTAX_ERROR: {at}Athena's interval fields take no precision ({field}(…))"));
    }
    let field_after = |field: &DateTimeField| {
        FIELDS.iter().position(|(f, _)| f == field).ok_or_else(|| {
            let written = field.to_string();
            let at = super::errors::position_after(sql, end.line, end.column, &written);
            format!("SYNTAX_ERROR: {at}mismatched input '{written}'. Expecting: 'DAY', 'HOUR', 'MINUTE', 'MONTH', 'SECOND', 'YEAR'")
        })
    };
    let first = field_after(leading)?;
    let last = interval.last_field.as_ref().map(field_after).transpose()?;
    // A range runs from a larger field to a smaller one within years and months, or days to seconds.
    if let Some(last) = last {
        if last <= first || (first <= MONTH) != (last <= MONTH) {
            return Err(format!(
                "INVALID_LITERAL: Invalid interval qualifier: {} TO {}",
                FIELDS[first].1, FIELDS[last].1
            ));
        }
    }
    let last = last.unwrap_or(first);
    let qualifier =
        if last == first { FIELDS[first].1.to_string() } else { format!("{} TO {}", FIELDS[first].1, FIELDS[last].1) };
    let written = if sign { format!("-'{text}'") } else { text.to_string() };
    let invalid = || format!("INVALID_LITERAL: Invalid INTERVAL {qualifier} value: {written}");
    let (negative, values) = values(text, first, last).ok_or_else(invalid)?;
    // A single field the engine reads as written, but a second's (its fraction read to
    // milliseconds, after a point or a comma) and one with a sign before its quotes.
    if last == first && last != SECOND && !sign {
        return Ok(None);
    }
    let sign = if negative != sign { "-" } else { "" };
    let form = if first <= MONTH {
        // Years and months: the months they make.
        let (years, months) = (values[0], values.get(1).copied().unwrap_or(0));
        let months = years.checked_mul(12).and_then(|y| y.checked_add(months)).ok_or_else(invalid)?;
        (format!("{sign}{months}"), Some(DateTimeField::Month))
    } else {
        // Days to seconds, each as the engine names it (its `'1 days 2 hours'`).
        let units = ["days", "hours", "minutes", "seconds"];
        let parts: Vec<String> = values
            .iter()
            .zip(&units[first - DAY..])
            .enumerate()
            .map(|(i, (value, unit))| match (first + i == SECOND, values.get(i + 1)) {
                // The seconds' milliseconds follow them.
                (true, Some(millis)) => format!("{sign}{value}.{millis:03} {unit}"),
                _ => format!("{sign}{value} {unit}"),
            })
            .collect();
        (parts.join(" "), None)
    };
    Ok(Some(ast::Interval {
        value: Box::new(Expr::value(Value::SingleQuotedString(form.0))),
        leading_field: form.1,
        leading_precision: None,
        last_field: None,
        fractional_seconds_precision: None,
    }))
}

/// "line L:C: " of a place the parser gave.
fn at(sql: &str, place: Location) -> String {
    if place.line == 0 {
        return super::errors::position(sql, "INTERVAL");
    }
    super::errors::at(place.line, place.column)
}

/// The value of each field from `first` as written in `text` (up to `last`), the seconds followed
/// by their milliseconds, and whether `text` is negative; None when Trino's fields do not read it.
fn values(text: &str, first: usize, last: usize) -> Option<(bool, Vec<i64>)> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut values = Vec::new();
    for (at, separator) in SEPARATORS.iter().enumerate().take(last + 1).skip(first) {
        if at > first {
            match rest.strip_prefix(separator) {
                Some(after) => rest = after,
                None if rest.is_empty() => break,
                None => return None,
            }
        }
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        values.push(rest[..digits].parse::<i64>().ok()?);
        rest = &rest[digits..];
        if at == SECOND {
            let millis = match rest.strip_prefix(['.', ',']) {
                Some(after) => {
                    let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                    let fraction = format!("{:0<3}", &after[..digits.min(3)]);
                    rest = &after[digits..];
                    if digits == 0 {
                        return None;
                    }
                    fraction.parse().ok()?
                }
                None => 0,
            };
            values.push(millis);
        }
    }
    rest.is_empty().then_some((negative, values))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn read(text: &str, first: usize, last: usize) -> Option<(bool, Vec<i64>)> {
        values(text, first, last)
    }

    #[test]
    fn values_are_read_as_trinos_fields_read_them() {
        assert_eq!(read("1-2", 0, MONTH), Some((false, vec![1, 2])));
        assert_eq!(read("-1", 0, MONTH), Some((true, vec![1])));
        assert_eq!(read("1 02:03:04.5", DAY, SECOND), Some((false, vec![1, 2, 3, 4, 500])));
        assert_eq!(read("1 2", DAY, SECOND), Some((false, vec![1, 2])));
        assert_eq!(read("2:30", 3, 4), Some((false, vec![2, 30])));
        assert_eq!(read("90.1234", SECOND, SECOND), Some((false, vec![90, 123])));
        for wrong in ["1.5", "1:2", "--1", "x", "1 -2", "1 x"] {
            assert_eq!(read(wrong, DAY, 4), None, "{wrong:?}");
        }
    }

    proptest! {
        /// Any value under any range of fields is read or refused, never a panic.
        #[test]
        fn any_value_of_any_range_is_read_or_refused(text in "-?[0-9 :.,x-]{0,16}", first in 0usize..6, width in 0usize..6) {
            let last = (first + width).min(SECOND);
            let interval = ast::Interval {
                value: Box::new(Expr::value(Value::SingleQuotedString(text))),
                leading_field: Some(FIELDS[first].0.clone()),
                leading_precision: None,
                last_field: Some(FIELDS[last].0.clone()),
                fractional_seconds_precision: None,
            };
            match engine_form(&interval, "") {
                Ok(_) => {}
                Err(message) => prop_assert!(message.starts_with("INVALID_LITERAL: Invalid"), "{message}"),
            }
        }
    }
}
