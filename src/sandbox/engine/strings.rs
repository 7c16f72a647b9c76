//! Trino's string functions DataFusion lacks: `url_encode` and `url_decode` (Java's
//! `URLEncoder`/`URLDecoder`: a space is `+`, other bytes outside `A-Za-z0-9.-*_` are `%XX`
//! of their UTF-8), and `hamming_distance`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, Int64Array, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::udf::{is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("url_encode", text_to_text, |args, _| {
            let texts = text(args, 0)?;
            let encoded: StringArray = texts
                .iter()
                .map(|t| t.map(|t| url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()))
                .collect();
            Ok(Arc::new(encoded))
        }),
        Trino::udf("url_decode", text_to_text, |args, _| {
            let texts = text(args, 0)?;
            let decoded = texts.iter().map(|t| t.map(url_decode).transpose()).collect::<Result<StringArray>>()?;
            Ok(Arc::new(decoded))
        }),
        Trino::udf("hamming_distance", two_texts, hamming_distance),
    ]
}

fn text_to_text(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_text(kind) => Ok(DataType::Utf8),
        _ => call.mismatch(&format!("{}(varchar)", call.name)),
    }
}

fn two_texts(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b] if is_text(a) && is_text(b) => Ok(DataType::Int64),
        _ => call.mismatch(&format!("{}(varchar, varchar)", call.name)),
    }
}

/// `+` is a space and `%XX` a byte; the bytes are read as UTF-8 (what is not becomes `�`).
fn url_decode(text: &str) -> Result<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        rest = after;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let escaped = rest.get(..2).and_then(|hex| std::str::from_utf8(hex).ok());
                let Some(value) = escaped.and_then(|hex| u8::from_str_radix(hex, 16).ok()) else {
                    return exec_err!("INVALID_FUNCTION_ARGUMENT: Illegal hex characters in escape (%) pattern");
                };
                bytes.push(value);
                rest = &rest[2..];
            }
            other => bytes.push(other),
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The number of places (characters) where two strings of one length differ.
fn hamming_distance(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (left, right) = (text(args, 0)?, text(args, 1)?);
    let mut out = Vec::with_capacity(left.len());
    for row in 0..left.len() {
        if left.is_null(row) || right.is_null(row) {
            out.push(None);
            continue;
        }
        let (a, b) = (left.value(row), right.value(row));
        if a.chars().count() != b.chars().count() {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: The input strings to hamming_distance function must have the same length"
            );
        }
        out.push(Some(a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() as i64));
    }
    Ok(Arc::new(Int64Array::from(out)))
}
