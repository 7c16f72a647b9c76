//! Trino's JSON functions beyond `json_extract` (in `text`): `json_parse`, `json_format`,
//! `json_size`, `json_array_get`, `json_array_contains`, `json_array_length`,
//! `is_json_scalar`, and `CAST(x AS JSON)` (as `$cast_json`). A JSON value is its text, written
//! compactly as Trino writes it (`[1,2,3]`), in a field marked as JSON (`types::json_field`):
//! `json_parse`, `json_extract`, `json_array_get` and `CAST(x AS JSON)` answer one.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanBuilder, Int64Builder, StringBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::ScalarUDF;
use serde_json::Value;

use super::json_path;
use super::json_stream::{self, NotJson, Reader, Token};
use super::types::is_anonymous;
use super::udf::{integers, is_integer, is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::json("json_parse", text_to_text, json_parse),
        Trino::udf("json_format", text_to_text, json_format),
        Trino::udf("json_array_length", text_to_bigint, json_array_length),
        Trino::udf("is_json_scalar", text_to_boolean, is_json_scalar),
        Trino::udf("json_size", json_size_type, json_size),
        Trino::json("json_array_get", json_array_get_type, json_array_get),
        Trino::udf("json_array_contains", json_array_contains_type, json_array_contains),
        Trino::json_keeping("$cast_json", |_| Ok(DataType::Utf8), cast_json),
    ]
}

/// The check of a function of one JSON (text) argument, by the type it answers.
fn text_to_text(call: &Call) -> Result<DataType> {
    match call.types {
        [t] if is_text(t) => Ok(DataType::Utf8),
        _ => call.mismatch(&format!("{}(varchar)", call.name)),
    }
}

fn text_to_bigint(call: &Call) -> Result<DataType> {
    match call.types {
        [t] if is_text(t) => Ok(DataType::Int64),
        _ => call.mismatch(&format!("{}(json)", call.name)),
    }
}

fn text_to_boolean(call: &Call) -> Result<DataType> {
    match call.types {
        [t] if is_text(t) => Ok(DataType::Boolean),
        _ => call.mismatch(&format!("{}(json)", call.name)),
    }
}

fn parse(text: &str) -> Result<Value> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(_) => not_json(text),
    }
}

fn not_json<T>(text: &str) -> Result<T> {
    let shown: String = text.chars().take(60).collect();
    exec_err!("INVALID_FUNCTION_ARGUMENT: Cannot convert value to JSON: '{shown}'")
}

/// `json_parse(text)`: the value's compact JSON text, each object's members in the order of
/// their names (the last of a name kept), as Trino writes a parsed value (Jackson's
/// `ORDER_MAP_ENTRIES_BY_KEYS`), its numbers as Jackson writes them (`json_stream`).
fn json_parse(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    rewritten(args, |value, json| match json_stream::parsed(value) {
        Some(tree) => {
            tree.write(json);
            true
        }
        None => false,
    })
}

/// `json_format(json)`: the value's compact JSON text, as it is.
fn json_format(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    rewritten(args, |value, json| {
        let mut reader = Reader::new(value);
        match reader.next() {
            Ok(Some(token)) => reader.copy(token, json).is_ok() && matches!(reader.next(), Ok(None)),
            _ => false,
        }
    })
}

/// Each text of the first argument written anew by `write` (NULL stays NULL); a text it finds
/// no JSON in refused.
fn rewritten(args: &[ArrayRef], mut write: impl FnMut(&str, &mut String) -> bool) -> Result<ArrayRef> {
    let texts = text(args, 0)?;
    let mut out = StringBuilder::new();
    let mut json = String::new();
    for value in texts.iter() {
        let Some(value) = value else {
            out.append_null();
            continue;
        };
        json.clear();
        if !write(value, &mut json) {
            return not_json(value);
        }
        out.append_value(&json);
    }
    Ok(Arc::new(out.finish()))
}

/// `json_array_length(json)`: the number of elements of an array, read as Trino reads them: text
/// after the array is not read (`[1,2] x` has 2).
fn json_array_length(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let mut out = Int64Builder::new();
    for value in text(args, 0)?.iter() {
        out.append_option(value.and_then(|value| {
            let mut reader = Reader::new(value);
            match reader.next() {
                Ok(Some(first @ Token::StartArray)) => items(&mut reader, &first).ok(),
                _ => None,
            }
        }));
    }
    Ok(Arc::new(out.finish()))
}

/// The number of elements (members) of the array (object) `container` starts, read past it.
fn items(reader: &mut Reader, container: &Token) -> Result<i64, NotJson> {
    let mut length = 0;
    loop {
        match reader.next()?.ok_or(NotJson)? {
            Token::EndArray | Token::EndObject => return Ok(length),
            Token::Name(_) => length += 1,
            item => {
                reader.skip(&item)?;
                length += i64::from(*container == Token::StartArray);
            }
        }
    }
}

fn is_json_scalar(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let mut out = BooleanBuilder::new();
    for value in text(args, 0)?.iter() {
        match value {
            None => out.append_null(),
            Some(value) => out.append_value(!matches!(parse(value)?, Value::Array(_) | Value::Object(_))),
        }
    }
    Ok(Arc::new(out.finish()))
}

fn json_size_type(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b] if is_text(a) && is_text(b) => Ok(DataType::Int64),
        _ => call.mismatch("json_size(json, json_path)"),
    }
}

/// The number of members of the object or array the path finds; 0 for a scalar; read as
/// Trino's `json_size` reads them (`json_stream`).
fn json_size(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (texts, paths) = (text(args, 0)?, text(args, 1)?);
    let mut out = Int64Builder::new();
    for i in 0..texts.len() {
        if texts.is_null(i) || paths.is_null(i) {
            out.append_null();
            continue;
        }
        let steps = json_path::path(paths.value(i))?;
        let mut reader = Reader::new(texts.value(i));
        let size = match reader.find(&steps) {
            Ok(Some(found @ (Token::StartArray | Token::StartObject))) => items(&mut reader, &found).ok(),
            Ok(Some(_)) => Some(0),
            Ok(None) | Err(_) => None,
        };
        out.append_option(size);
    }
    Ok(Arc::new(out.finish()))
}

fn json_array_get_type(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b] if is_text(a) && is_integer(b) => Ok(DataType::Utf8),
        _ => call.mismatch("json_array_get(json, bigint)"),
    }
}

/// The element at a 0-based index (negative from the end); a string element comes out
/// unquoted, as Trino's (documented as broken) function gives it, and a `null` element is
/// NULL, as Trino's is.
fn json_array_get(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (texts, indexes) = (text(args, 0)?, integers(args, 1)?);
    let mut out = StringBuilder::new();
    for i in 0..texts.len() {
        if texts.is_null(i) || indexes.is_null(i) {
            out.append_null();
            continue;
        }
        let index = indexes.value(i);
        let found = serde_json::from_str::<Value>(texts.value(i)).ok().and_then(|json| {
            let items = json.as_array()?;
            let at = if index >= 0 { index } else { items.len() as i64 + index };
            let at = usize::try_from(at).ok()?;
            match items.get(at)? {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                // A number as written (`1.50`, `1e3`), as Trino's parser hands its text over.
                Value::Number(_) => elements(texts.value(i)).get(at).map(|text| text.to_string()),
                other => Some(other.to_string()),
            }
        });
        out.append_option(found);
    }
    Ok(Arc::new(out.finish()))
}

/// The text of each element of a JSON array, as written (the text known to be one).
fn elements(json: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut escaped, mut start) = (0usize, false, false, 0);
    let mut found = Vec::new();
    for (at, c) in json.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            _ if quoted => {}
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    start = at + 1;
                }
            }
            ']' | '}' if depth == 1 => {
                let last = json[start..at].trim();
                if !last.is_empty() {
                    found.push(last);
                }
                depth -= 1;
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => {
                found.push(json[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    found
}

fn json_array_contains_type(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b] if is_text(a) && (is_text(b) || b.is_numeric() || b == &DataType::Boolean) => Ok(DataType::Boolean),
        _ => call.mismatch("json_array_contains(json, boolean|bigint|double|varchar)"),
    }
}

fn json_array_contains(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let texts = text(args, 0)?;
    let needles = &args[1];
    let mut out = BooleanBuilder::new();
    for i in 0..texts.len() {
        let needle = ScalarValue::try_from_array(needles, i)?;
        if texts.is_null(i) || needle.is_null() {
            out.append_null();
            continue;
        }
        let found = serde_json::from_str::<Value>(texts.value(i))
            .ok()
            .and_then(|json| json.as_array().map(|items| items.iter().any(|item| same(item, &needle))));
        out.append_option(found);
    }
    Ok(Arc::new(out.finish()))
}

/// A JSON element equals an SQL value of the same kind, as Trino matches its tokens: a whole
/// number only a number written without a point or an exponent (`1`), any other number only a
/// finite number written with one (`1.0`, `1e0`).
fn same(item: &Value, needle: &ScalarValue) -> bool {
    match (item, needle) {
        (Value::Bool(b), ScalarValue::Boolean(Some(n))) => b == n,
        (
            Value::String(s),
            ScalarValue::Utf8(Some(n)) | ScalarValue::LargeUtf8(Some(n)) | ScalarValue::Utf8View(Some(n)),
        ) => s == n,
        (Value::Number(number), needle) if needle.data_type().is_integer() => {
            let wanted = needle.cast_to(&DataType::Int64).ok();
            matches!(wanted, Some(ScalarValue::Int64(Some(n))) if number.as_i64() == Some(n))
        }
        (Value::Number(number), needle) if needle.data_type().is_numeric() && number.is_f64() => {
            let wanted = needle.cast_to(&DataType::Float64).ok();
            matches!(wanted, Some(ScalarValue::Float64(Some(n))) if n.is_finite() && number.as_f64() == Some(n))
        }
        _ => false,
    }
}

/// `CAST(x AS JSON)`: a string becomes a JSON string (not parsed), arrays, maps and rows
/// become JSON arrays and objects; NULL stays NULL (and is `null` inside a value). Written as
/// Trino's Jackson writes it: a double as Java's `Double.toString` (`1.0E20`, `3.14`), a real
/// as `Float.toString`, NaN and the infinities as strings (`"NaN"`), a decimal with all its
/// digits (`1.10`), a timestamp as its text, a JSON value inside as it is.
fn cast_json(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let values = &args[0];
    let mut out = StringBuilder::new();
    let mut text = String::new();
    for i in 0..values.len() {
        if values.is_null(i) || values.data_type() == &DataType::Null {
            out.append_null();
        } else {
            text.clear();
            write_json(values.as_ref(), i, false, &mut text)?;
            out.append_value(&text);
        }
    }
    Ok(Arc::new(out.finish()))
}

/// The value at `i` of `array` as JSON text, onto `out`; `json` when the values are JSON
/// already (a field marked so), written as they are.
fn write_json(array: &dyn Array, i: usize, json: bool, out: &mut String) -> Result<()> {
    if array.is_null(i) || array.data_type() == &DataType::Null {
        out.push_str("null");
        return Ok(());
    }
    let items = |out: &mut String, items: &mut dyn Iterator<Item = Result<String>>| -> Result<()> {
        for (n, item) in items.enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(&item?);
        }
        Ok(())
    };
    let one = |array: &dyn Array, i: usize, json: bool| -> Result<String> {
        let mut text = String::new();
        write_json(array, i, json, &mut text)?;
        Ok(text)
    };
    if let Some(list) = array.as_list_opt::<i32>() {
        let (values, json) = (list.value(i), list_item_is_json(list.data_type()));
        out.push('[');
        items(out, &mut (0..values.len()).map(|j| one(values.as_ref(), j, json)))?;
        out.push(']');
        return Ok(());
    }
    if let Some(map) = array.as_map_opt() {
        let json = matches!(map.data_type(), DataType::Map(entries, _) if matches!(entries.data_type(), DataType::Struct(f) if f.len() == 2 && is_json_field(&f[1])));
        let offsets = map.value_offsets();
        let mut entries = Vec::new();
        for j in offsets[i].max(0) as usize..offsets[i + 1].max(0) as usize {
            let key = one(map.keys().as_ref(), j, false)?;
            // A key is a JSON string: a string's own, any other value's text.
            let key = match serde_json::from_str::<Value>(&key) {
                Ok(Value::String(s)) => s,
                _ => key,
            };
            entries.push((key, one(map.values().as_ref(), j, json)?));
        }
        // A map's keys in order, as Trino writes them.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        out.push('{');
        items(out, &mut entries.into_iter().map(|(k, v)| Ok(format!("{}:{v}", quoted(&k)))))?;
        out.push('}');
        return Ok(());
    }
    if let Some(row) = array.as_struct_opt() {
        let columns = row.fields().iter().zip(row.columns());
        // A row whose fields have no names is a JSON array, as Trino writes it.
        if is_anonymous(row.fields()) {
            out.push('[');
            items(out, &mut columns.map(|(f, c)| one(c.as_ref(), i, is_json_field(f))))?;
            out.push(']');
        } else {
            out.push('{');
            let mut fields =
                columns.map(|(f, c)| Ok(format!("{}:{}", quoted(f.name()), one(c.as_ref(), i, is_json_field(f))?)));
            items(out, &mut fields)?;
            out.push('}');
        }
        return Ok(());
    }
    // A timestamp as its text (`2020-01-01 00:00:00.000`), as Trino writes it.
    if let DataType::Timestamp(_, _) = array.data_type() {
        let text = super::print::timestamps_as_text(&array.slice(i, 1))?;
        out.push_str(&quoted(text.value(0)));
        return Ok(());
    }
    let text = match ScalarValue::try_from_array(array, i)? {
        ScalarValue::Boolean(Some(b)) => b.to_string(),
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) if json => s,
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => quoted(&s),
        ScalarValue::Float32(Some(f)) if f.is_finite() => super::format::java_float(f),
        ScalarValue::Float64(Some(f)) if f.is_finite() => super::format::java_double(f),
        ScalarValue::Float32(Some(f)) => quoted(&super::format::java_float(f)),
        ScalarValue::Float64(Some(f)) => quoted(&super::format::java_double(f)),
        scalar if scalar.data_type().is_numeric() => scalar.to_string(),
        scalar => quoted(&scalar.to_string()),
    };
    out.push_str(&text);
    Ok(())
}

/// `text` as a JSON string, as Jackson writes it.
fn quoted(text: &str) -> String {
    let mut out = String::new();
    json_stream::write_text(text, &mut out);
    out
}

/// Whether a field holds JSON values (`types::json_field`).
fn is_json_field(field: &datafusion::arrow::datatypes::Field) -> bool {
    super::types::is_json(field)
}

/// Whether the items of a list of this type are JSON values.
fn list_item_is_json(kind: &DataType) -> bool {
    matches!(kind, DataType::List(item) if is_json_field(item))
}
