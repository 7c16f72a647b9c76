//! Trino's LIKE: `%` and `_` are its only wildcards, and a pattern has no escape character
//! unless the query names one (`ESCAPE '!'`, any single character), where the engine's takes a
//! backslash as one always and refuses any other. `x LIKE p [ESCAPE e]` is read as
//! `x LIKE "$like_pattern"(p[, e])` (`sql`): Trino's pattern written in the engine's spelling,
//! each character it matches as itself behind a backslash, and Trino's refusals of a bad escape.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::sqlparser::ast::{Expr, Value};
use datafusion::logical_expr::ScalarUDF;

use super::sql::call;
use super::udf::{is_text, text, Call, Trino};

const LIKE_PATTERN: &str = "$like_pattern";

pub fn functions() -> Vec<ScalarUDF> {
    vec![Trino::udf(LIKE_PATTERN, pattern_type, patterns)]
}

/// `x [NOT] LIKE p [ESCAPE e]` read as Trino reads it (the module's note).
pub(super) fn rewrite(expr: &mut Expr) {
    let Expr::Like { pattern, escape_char, any: false, .. } = expr else { return };
    let mut args = vec![std::mem::replace(pattern.as_mut(), Expr::value(Value::Null))];
    if let Some(escape) = escape_char.take() {
        args.push(Expr::Value(escape));
    }
    **pattern = call(LIKE_PATTERN, args);
}

fn pattern_type(call: &Call) -> Result<DataType> {
    match call.types {
        [p] | [p, _] if is_text(p) && call.types.iter().all(is_text) => Ok(DataType::Utf8),
        _ => call.mismatch("like(varchar, varchar[, varchar])"),
    }
}

fn patterns(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let patterns = text(args, 0)?;
    let escapes = args.get(1).map(|_| text(args, 1)).transpose()?;
    let out: StringArray = (0..patterns.len())
        .map(|row| {
            let escape = match &escapes {
                Some(escapes) if escapes.is_null(row) => return Ok(None),
                Some(escapes) => Some(escapes.value(row)),
                None => None,
            };
            (!patterns.is_null(row)).then(|| engine_pattern(patterns.value(row), escape)).transpose()
        })
        .collect::<Result<_>>()?;
    Ok(Arc::new(out))
}

/// Trino's pattern `pattern`, with its escape character if it has one, in the engine's
/// spelling, whose escape is a backslash.
fn engine_pattern(pattern: &str, escape: Option<&str>) -> Result<String> {
    let escape = match escape.map(|e| {
        let mut chars = e.chars();
        (chars.next(), chars.next())
    }) {
        None => None,
        Some((Some(e), None)) => Some(e),
        Some(_) => return exec_err!("INVALID_FUNCTION_ARGUMENT: Escape string must be a single character"),
    };
    let mut out = String::with_capacity(pattern.len() + 2);
    let mut escaping = false;
    for c in pattern.chars() {
        if escaping {
            if !(c == '%' || c == '_' || Some(c) == escape) {
                return bad_escape();
            }
            literal(&mut out, c);
            escaping = false;
        } else if Some(c) == escape {
            escaping = true;
        } else if c == '\\' {
            // A backslash is a character like any other to Trino.
            literal(&mut out, c);
        } else {
            out.push(c);
        }
    }
    if escaping {
        return bad_escape();
    }
    Ok(out)
}

/// `c` matched as itself, in the engine's spelling.
fn literal(out: &mut String, c: char) {
    if matches!(c, '%' | '_' | '\\') {
        out.push('\\');
    }
    out.push(c);
}

fn bad_escape<T>() -> Result<T> {
    exec_err!("INVALID_FUNCTION_ARGUMENT: Escape character must be followed by '%', '_' or the escape character itself")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backslash_is_a_character_and_the_escape_is_the_querys() {
        assert_eq!(engine_pattern(r"C:\%", None).unwrap(), r"C:\\%");
        assert_eq!(engine_pattern("a%", None).unwrap(), "a%");
        assert_eq!(engine_pattern("%!%%", Some("!")).unwrap(), r"%\%%");
        assert_eq!(engine_pattern("a!!b!_", Some("!")).unwrap(), r"a!b\_");
        assert_eq!(engine_pattern(r"a\%", Some(r"\")).unwrap(), r"a\%");
        for (pattern, escape) in [("a!b", "!"), ("a!", "!")] {
            let error = engine_pattern(pattern, Some(escape)).unwrap_err().to_string();
            assert!(
                error.contains("Escape character must be followed by '%', '_' or the escape character itself"),
                "{error}"
            );
        }
        let error = engine_pattern("a", Some("!!")).unwrap_err().to_string();
        assert!(error.contains("Escape string must be a single character"), "{error}");
    }
}
