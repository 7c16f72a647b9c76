//! JSON cast to any type, as Trino's `CAST(json AS …)` reads it (`cast`'s `"$cast_to"` of a JSON
//! value): the text read token by token (`json_stream`), a string's content for `varchar` (an
//! array or object refused), an array from a JSON array, a map from an object, a row from an
//! object (by name) or an array (in order), JSON's `null` as NULL, a number from its text.

use std::sync::Arc;

use datafusion::arrow::array::{new_empty_array, Array, ArrayRef, ListArray, MapArray, StructArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::{cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{exec_err, Result, ScalarValue};

use super::cast::{duplicate_keys, Fit};
use super::decimals::{self, Unfit};
use super::json_stream::{self, Json};
use super::to_text;
use super::types::{field_type, is_json};
use super::udf::{is_text, text};

/// Each JSON text of `values` as a value of `to` (NULL stays NULL).
pub(super) fn from_json(values: &ArrayRef, to: &Field, fit: Fit) -> Result<ArrayRef> {
    let texts = text(std::slice::from_ref(values), 0)?;
    let mut out = Vec::with_capacity(texts.len());
    for text in texts.iter() {
        let value = match text.map(|text| (text, json_stream::parsed(text))) {
            None => Ok(ScalarValue::try_from(to.data_type())?),
            Some((_, Some(json))) => json_value(&json, to),
            Some((text, None)) => {
                let shown: String = text.chars().take(60).collect();
                exec_err!("INVALID_CAST_ARGUMENT: Cannot cast to {}. Not a JSON value: {shown}", field_type(to))
            }
        };
        out.push(match (value, fit) {
            (Ok(value), _) => value,
            (Err(_), Fit::Null) => ScalarValue::try_from(to.data_type())?,
            (Err(e), Fit::Refuse) => return Err(e),
        });
    }
    array_of(out, to.data_type())
}

/// One JSON value as a value of `to`'s type, as Trino's `CAST(json AS …)` reads it
/// (`JsonUtil.currentTokenAs…`); a part of type `json` keeps the value's JSON text. A number is
/// read from its text: a whole number as written (of any length, to text or a decimal), one with
/// a fraction or an exponent as a double, except to a decimal, which reads its digits exactly.
fn json_value(json: &Json, to: &Field) -> Result<ScalarValue> {
    let written = || {
        let mut out = String::new();
        json.write(&mut out);
        out
    };
    let refuse = || {
        let shown: String = written().chars().take(60).collect();
        exec_err!("INVALID_CAST_ARGUMENT: Cannot cast to {}. {shown}", field_type(to))
    };
    match (json, to.data_type()) {
        (Json::Null, kind) => Ok(ScalarValue::try_from(kind)?),
        (_, kind) if is_json(to) => Ok(text_of(written(), kind)),
        (Json::Array(items), DataType::List(item)) => {
            let items = items.iter().map(|v| json_value(v, item)).collect::<Result<Vec<_>>>()?;
            let values = array_of(items, item.data_type())?;
            let offsets = OffsetBuffer::from_lengths([values.len()]);
            Ok(ScalarValue::List(Arc::new(ListArray::try_new(item.clone(), offsets, values, None)?)))
        }
        (Json::Object(object), DataType::Map(entries, sorted)) => {
            let DataType::Struct(pair) = entries.data_type() else { return refuse() };
            let keys = object.keys().map(|k| json_value(&Json::Text(k.clone()), &pair[0]));
            let values = object.values().map(|v| json_value(v, &pair[1]));
            let keys = array_of(keys.collect::<Result<Vec<_>>>()?, pair[0].data_type())?;
            // Keys that are one once read (`"1"` and `"01"` as integers), as Trino refuses them.
            if duplicate_keys(&[0, keys.len() as i32], &keys)? {
                let shown: String = written().chars().take(60).collect();
                return exec_err!(
                    "INVALID_CAST_ARGUMENT: Cannot cast to {}. Duplicate keys are not allowed\n{shown}",
                    field_type(to)
                );
            }
            let values = array_of(values.collect::<Result<Vec<_>>>()?, pair[1].data_type())?;
            let pairs = StructArray::try_new(pair.clone(), vec![keys, values], None)?;
            let offsets = OffsetBuffer::from_lengths([pairs.len()]);
            Ok(ScalarValue::Map(Arc::new(MapArray::try_new(entries.clone(), offsets, pairs, None, *sorted)?)))
        }
        (Json::Object(object), DataType::Struct(fields)) => {
            let values = fields.iter().map(|f| {
                let found = object.iter().find(|(k, _)| k.eq_ignore_ascii_case(f.name())).map(|(_, v)| v);
                json_value(found.unwrap_or(&Json::Null), f)
            });
            row_of(fields, values.collect::<Result<Vec<_>>>()?)
        }
        (Json::Array(items), DataType::Struct(fields)) if items.len() == fields.len() => {
            let values = items.iter().zip(fields.iter()).map(|(v, f)| json_value(v, f));
            row_of(fields, values.collect::<Result<Vec<_>>>()?)
        }
        (Json::Array(_) | Json::Object(_), _) => refuse(),
        (_, DataType::List(_) | DataType::Map(_, _) | DataType::Struct(_)) => refuse(),
        (Json::Text(s), kind) if is_text(kind) => Ok(text_of(s.clone(), kind)),
        // A number with a fraction or an exponent is read as a double, and written as Trino's
        // cast of a double to varchar writes it (`1.50` is `1.5E0`); a whole number as it is.
        (Json::Number(n), kind) if is_text(kind) && is_double(n) => {
            Ok(text_of(to_text::double_text(n.parse().unwrap_or(f64::NAN)), kind))
        }
        (Json::Number(n), kind) if is_text(kind) => Ok(text_of(n.clone(), kind)),
        (Json::Bool(b), kind) if is_text(kind) => Ok(text_of(b.to_string(), kind)),
        (Json::Bool(b), DataType::Boolean) => Ok(ScalarValue::Boolean(Some(*b))),
        (Json::Bool(b), kind) => ScalarValue::Int64(Some(i64::from(*b))).cast_to(kind).or_else(|_| refuse()),
        // A decimal of the number's digits, exactly, rounded half up to the scale.
        (Json::Number(n) | Json::Text(n), DataType::Decimal128(precision, scale)) => {
            match decimals::scaled(n, *precision, *scale) {
                Ok(read) => ScalarValue::Utf8(Some(read)).cast_to(to.data_type()).or_else(|_| refuse()),
                Err(Unfit::TooLarge) => {
                    exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: Cannot cast input json to DECIMAL({precision},{scale})")
                }
                Err(Unfit::NotANumber) => refuse(),
            }
        }
        (Json::Number(n), kind) => {
            let scalar = match n.parse::<i64>() {
                Ok(i) => ScalarValue::Int64(Some(i)),
                // A fraction to a whole number is rounded, halves away from zero, as Trino's cast
                // of a double rounds it (the engine's cuts it).
                Err(_) if kind.is_integer() && is_double(n) => ScalarValue::Float64(n.parse().ok().map(f64::round)),
                // A whole number past a bigint is out of a whole number's range.
                Err(_) if kind.is_integer() => return refuse(),
                Err(_) => ScalarValue::Float64(n.parse().ok()),
            };
            scalar.cast_to(kind).or_else(|_| refuse())
        }
        (Json::Text(s), kind) => ScalarValue::Utf8(Some(s.clone())).cast_to(kind).or_else(|_| refuse()),
    }
}

/// Whether a JSON number's text is a double's (a fraction or an exponent), not a whole number's.
fn is_double(number: &str) -> bool {
    number.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

/// Text as a value of the text type `kind`.
fn text_of(text: String, kind: &DataType) -> ScalarValue {
    match kind {
        DataType::Utf8View => ScalarValue::Utf8View(Some(text)),
        DataType::LargeUtf8 => ScalarValue::LargeUtf8(Some(text)),
        _ => ScalarValue::Utf8(Some(text)),
    }
}

/// `values` as an array of exactly `kind` (a scalar's own type may be a sibling of it: `Utf8`
/// for `Utf8View`, a list's items without their field's marks).
fn array_of(values: Vec<ScalarValue>, kind: &DataType) -> Result<ArrayRef> {
    if values.is_empty() {
        return Ok(new_empty_array(kind));
    }
    let array = ScalarValue::iter_to_array(values)?;
    if array.data_type() == kind {
        return Ok(array);
    }
    Ok(cast_with_options(&array, kind, &CastOptions { safe: false, ..Default::default() })?)
}

fn row_of(fields: &Fields, values: Vec<ScalarValue>) -> Result<ScalarValue> {
    let columns = values.into_iter().map(|v| v.to_array()).collect::<Result<Vec<_>>>()?;
    Ok(ScalarValue::Struct(Arc::new(StructArray::try_new(fields.clone(), columns, None)?)))
}
