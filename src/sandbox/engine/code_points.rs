//! Trino's functions that read text by code points, where the engine's read graphemes or bytes:
//! `lpad`, `rpad` and `codepoint`, with Trino's checks of their arguments.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, Int32Array, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::udf::{integers, is_integer, is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("lpad", pad_type, |args, _| padded(args, true)),
        Trino::udf("rpad", pad_type, |args, _| padded(args, false)),
        Trino::udf("codepoint", codepoint_type, codepoint),
    ]
}

fn pad_type(call: &Call) -> Result<DataType> {
    match call.types {
        [text, length, pad] if is_text(text) && is_integer(length) && is_text(pad) => Ok(DataType::Utf8),
        _ => call.mismatch(&format!("{}(varchar(x), bigint, varchar(y))", call.name)),
    }
}

/// The most characters a padded text may have here: Trino's bound is 2147483647, which the
/// sandbox's memory does not hold for every row.
const MOST_PADDED: i64 = 1 << 24;

/// `lpad(s, n, pad)` (`left`) and `rpad(s, n, pad)`, as Trino's `StringFunctions.pad`: `s` cut
/// or filled with `pad` repeated to `n` characters (code points, where the engine's counted
/// graphemes); `n` outside [0, 2147483647] and an empty `pad` refused.
fn padded(args: &[ArrayRef], left: bool) -> Result<ArrayRef> {
    let (texts, lengths, pads) = (text(args, 0)?, integers(args, 1)?, text(args, 2)?);
    let mut out = Vec::with_capacity(texts.len());
    for i in 0..texts.len() {
        if texts.is_null(i) || lengths.is_null(i) || pads.is_null(i) {
            out.push(None);
            continue;
        }
        let (value, length, pad) = (texts.value(i), lengths.value(i), pads.value(i));
        if !(0..=i64::from(i32::MAX)).contains(&length) {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Target length must be in the range [0..2147483647]");
        }
        if pad.is_empty() {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Padding string must not be empty");
        }
        if length > MOST_PADDED {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: the sandbox engine pads to at most {MOST_PADDED} characters (asked {length})"
            );
        }
        let length = length as usize;
        let have = value.chars().count();
        if have >= length {
            out.push(Some(value.chars().take(length).collect::<String>()));
            continue;
        }
        let fill: String = pad.chars().cycle().take(length - have).collect();
        out.push(Some(if left { fill + value } else { format!("{value}{fill}") }));
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// `codepoint(c)`: of one character (Trino's takes a `varchar(1)`; the engine's `ascii` read the
/// first of any text).
fn codepoint_type(call: &Call) -> Result<DataType> {
    match (call.types, call.text(0)) {
        ([kind], Some(literal)) if is_text(kind) && literal.chars().count() > 1 => {
            let given = format!("varchar({})", literal.chars().count());
            super::udf::unexpected_parameters("codepoint", &[given], "codepoint(varchar(1))")
        }
        ([kind], _) if is_text(kind) => Ok(DataType::Int32),
        _ => call.mismatch("codepoint(varchar(1))"),
    }
}

fn codepoint(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let texts = text(args, 0)?;
    let mut out = Vec::with_capacity(texts.len());
    for value in texts.iter() {
        out.push(match value.map(|v| (v.chars().next(), v.chars().count())) {
            None => None,
            Some((Some(c), 1)) => Some(c as i32),
            Some(_) => return exec_err!("INVALID_FUNCTION_ARGUMENT: Input string must be a single character string"),
        });
    }
    Ok(Arc::new(Int32Array::from(out)))
}
