//! Trino's casts to nested types, which DataFusion spells otherwise or not at all:
//! - `CAST(x AS array(T) | map(K, V) | row(…))` reads as `"$cast_to"(x, 'array(T)')` (the
//!   type in Trino's words, `types::parse_trino_type`): a row becomes another row field by
//!   field in order, whatever the names (Trino's rule; Arrow's cast matches names first), and a
//!   JSON value (text here) becomes the type as Trino's `CAST(json AS …)` reads it: an array
//!   from a JSON array, a map from an object, a row from an object (by name) or an array (in
//!   order);
//! - `"$anonymous_rows"(x)`: the same value with its rows' fields nameless, for the functions
//!   whose rows Trino leaves unnamed (`zip`, `map_entries`) and the engine names.

use std::sync::Arc;

use datafusion::arrow::array::{
    new_empty_array, new_null_array, Array, ArrayRef, AsArray, ListArray, MapArray, StructArray,
};
use datafusion::arrow::compute::{cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::ScalarUDF;
use serde_json::Value;

use super::types::{anonymous_field, parse_trino_type, trino_type};
use super::udf::{is_text, text, Call, Trino};

/// The engine's name for a cast to a nested type.
pub const CAST_TO: &str = "$cast_to";
/// The engine's name for taking the names off a value's rows.
pub const ANONYMOUS_ROWS: &str = "$anonymous_rows";

pub fn functions() -> Vec<ScalarUDF> {
    vec![Trino::udf(CAST_TO, cast_to_type, cast_to), Trino::udf(ANONYMOUS_ROWS, anonymous_type, anonymous_rows)]
}

/// `$cast_to(x, 'type')`: the type named by the constant second argument.
fn cast_to_type(call: &Call) -> Result<DataType> {
    let Some(name) = call.text(1) else { return plan_err!("{CAST_TO} takes a value and a type's name (a constant)") };
    let to = match parse_trino_type(name) {
        Ok(to) => to,
        Err(e) => return plan_err!("TYPE_NOT_FOUND: {e}"),
    };
    match call.types.first() {
        Some(from) if castable(from, &to) => Ok(to),
        Some(from) => plan_err!("TYPE_MISMATCH: Cannot cast {} to {}", trino_type(from), trino_type(&to)),
        None => plan_err!("{CAST_TO} takes a value and the name of a type"),
    }
}

/// Whether Trino casts a value of `from` to `to` (the rows' and elements' own casts are checked
/// as each value is cast).
fn castable(from: &DataType, to: &DataType) -> bool {
    match (from, to) {
        (DataType::Null, _) => true,
        (from, DataType::List(_) | DataType::Map(_, _) | DataType::Struct(_)) if is_text(from) => true,
        (DataType::List(a), DataType::List(b)) => castable(a.data_type(), b.data_type()),
        (DataType::Map(a, _), DataType::Map(b, _)) => castable(a.data_type(), b.data_type()),
        (DataType::Struct(a), DataType::Struct(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| castable(a.data_type(), b.data_type()))
        }
        (DataType::List(_) | DataType::Map(_, _) | DataType::Struct(_), _) => false,
        (_, DataType::List(_) | DataType::Map(_, _) | DataType::Struct(_)) => false,
        _ => true,
    }
}

fn cast_to(args: &[ArrayRef], to: &DataType) -> Result<ArrayRef> {
    cast(&args[0], to)
}

/// `values` as `to`: rows field by field in order, JSON text read as JSON, the rest as the
/// engine casts (an error for a value that does not fit, as Trino's CAST).
pub fn cast(values: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    if values.data_type() == to {
        return Ok(values.clone());
    }
    match (values.data_type(), to) {
        (DataType::Null, _) => Ok(new_null_array(to, values.len())),
        (from, DataType::List(_) | DataType::Map(_, _) | DataType::Struct(_)) if is_text(from) => from_json(values, to),
        (DataType::Struct(_), DataType::Struct(fields)) => {
            let row = values.as_struct();
            if row.num_columns() != fields.len() {
                return exec_err!(
                    "INVALID_CAST_ARGUMENT: Cannot cast {} to {}",
                    trino_type(values.data_type()),
                    trino_type(to)
                );
            }
            let columns =
                row.columns().iter().zip(fields.iter()).map(|(c, f)| cast(c, f.data_type())).collect::<Result<_>>()?;
            Ok(Arc::new(StructArray::try_new(fields.clone(), columns, row.nulls().cloned())?))
        }
        (DataType::List(_), DataType::List(item)) => {
            let list = values.as_list::<i32>();
            let items = cast(list.values(), item.data_type())?;
            Ok(Arc::new(ListArray::try_new(item.clone(), list.offsets().clone(), items, list.nulls().cloned())?))
        }
        (DataType::Map(_, _), DataType::Map(entries, sorted)) => {
            let map = values.as_map();
            let pairs: ArrayRef = Arc::new(map.entries().clone());
            let pairs = cast(&pairs, entries.data_type())?;
            let DataType::Struct(_) = entries.data_type() else { return exec_err!("a map's entries are rows") };
            Ok(Arc::new(MapArray::try_new(
                entries.clone(),
                map.offsets().clone(),
                pairs.as_struct().clone(),
                map.nulls().cloned(),
                *sorted,
            )?))
        }
        _ => Ok(cast_with_options(values, to, &CastOptions { safe: false, ..Default::default() })?),
    }
}

/// Each JSON text of `values` as `to` (NULL stays NULL; so does JSON's `null`).
fn from_json(values: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    let texts = text(std::slice::from_ref(values), 0)?;
    let mut out = Vec::with_capacity(texts.len());
    for text in texts.iter() {
        out.push(match text {
            None => ScalarValue::try_from(to)?,
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(json) => json_value(&json, to)?,
                Err(_) => {
                    let shown: String = text.chars().take(60).collect();
                    return exec_err!(
                        "INVALID_CAST_ARGUMENT: Cannot cast to {}. Not a JSON value: {shown}",
                        trino_type(to)
                    );
                }
            },
        });
    }
    if out.is_empty() {
        return Ok(new_empty_array(to));
    }
    ScalarValue::iter_to_array(out)
}

/// One JSON value as a value of `to`, as Trino's `CAST(json AS …)` reads it. Where Trino would
/// want `json` and the engine has `varchar`, a nested value is its compact JSON text.
fn json_value(json: &Value, to: &DataType) -> Result<ScalarValue> {
    let refuse = || {
        let shown: String = json.to_string().chars().take(60).collect();
        exec_err!("INVALID_CAST_ARGUMENT: Cannot cast to {}. {shown}", trino_type(to))
    };
    match (json, to) {
        (Value::Null, _) => Ok(ScalarValue::try_from(to)?),
        (Value::Array(items), DataType::List(item)) => {
            let items = items.iter().map(|v| json_value(v, item.data_type())).collect::<Result<Vec<_>>>()?;
            Ok(ScalarValue::List(Arc::new(list_of(items, item)?)))
        }
        (Value::Object(object), DataType::Map(entries, sorted)) => {
            let DataType::Struct(pair) = entries.data_type() else { return refuse() };
            let keys = object.keys().map(|k| json_value(&Value::String(k.clone()), pair[0].data_type()));
            let values = object.values().map(|v| json_value(v, pair[1].data_type()));
            let keys = array_of(keys.collect::<Result<Vec<_>>>()?, pair[0].data_type())?;
            let values = array_of(values.collect::<Result<Vec<_>>>()?, pair[1].data_type())?;
            let pairs = StructArray::try_new(pair.clone(), vec![keys, values], None)?;
            let offsets = datafusion::arrow::buffer::OffsetBuffer::from_lengths([pairs.len()]);
            Ok(ScalarValue::Map(Arc::new(MapArray::try_new(entries.clone(), offsets, pairs, None, *sorted)?)))
        }
        (Value::Object(object), DataType::Struct(fields)) => {
            let values = fields.iter().map(|f| {
                let found = object.iter().find(|(k, _)| k.eq_ignore_ascii_case(f.name())).map(|(_, v)| v);
                json_value(found.unwrap_or(&Value::Null), f.data_type())
            });
            row_of(fields, values.collect::<Result<Vec<_>>>()?)
        }
        (Value::Array(items), DataType::Struct(fields)) if items.len() == fields.len() => {
            let values = items.iter().zip(fields.iter()).map(|(v, f)| json_value(v, f.data_type()));
            row_of(fields, values.collect::<Result<Vec<_>>>()?)
        }
        (_, DataType::List(_) | DataType::Map(_, _) | DataType::Struct(_)) => refuse(),
        (Value::String(s), to) if is_text(to) => Ok(ScalarValue::Utf8(Some(s.clone()))),
        (other, to) if is_text(to) => Ok(ScalarValue::Utf8(Some(other.to_string()))),
        (Value::Bool(b), DataType::Boolean) => Ok(ScalarValue::Boolean(Some(*b))),
        (Value::Bool(b), to) => Ok(ScalarValue::Int64(Some(i64::from(*b))).cast_to(to)?),
        (Value::Number(n), to) => {
            let scalar = match n.as_i64() {
                Some(i) => ScalarValue::Int64(Some(i)),
                None => ScalarValue::Float64(n.as_f64()),
            };
            scalar.cast_to(to).or_else(|_| refuse())
        }
        (Value::String(s), to) => ScalarValue::Utf8(Some(s.clone())).cast_to(to).or_else(|_| refuse()),
        (Value::Array(_) | Value::Object(_), _) => refuse(),
    }
}

/// A one-row list of `items` (each of `item`'s type).
fn list_of(items: Vec<ScalarValue>, item: &FieldRef) -> Result<ListArray> {
    let values = array_of(items, item.data_type())?;
    let offsets = datafusion::arrow::buffer::OffsetBuffer::from_lengths([values.len()]);
    Ok(ListArray::try_new(item.clone(), offsets, values, None)?)
}

fn array_of(values: Vec<ScalarValue>, kind: &DataType) -> Result<ArrayRef> {
    if values.is_empty() {
        Ok(new_empty_array(kind))
    } else {
        ScalarValue::iter_to_array(values)
    }
}

fn row_of(fields: &Fields, values: Vec<ScalarValue>) -> Result<ScalarValue> {
    let columns = values.into_iter().map(|v| v.to_array()).collect::<Result<Vec<_>>>()?;
    Ok(ScalarValue::Struct(Arc::new(StructArray::try_new(fields.clone(), columns, None)?)))
}

fn anonymous_type(call: &Call) -> Result<DataType> {
    match call.types {
        [t] => Ok(anonymous(t)),
        _ => call.mismatch("one value"),
    }
}

/// `kind` with the fields of its rows nameless, at any depth.
fn anonymous(kind: &DataType) -> DataType {
    let field = |f: &FieldRef| Arc::new(Field::new(f.name(), anonymous(f.data_type()), f.is_nullable()));
    match kind {
        DataType::List(item) => DataType::List(field(item)),
        DataType::Map(entries, sorted) => match entries.data_type() {
            // A map's own entries keep their names: they are not a row of the value.
            DataType::Struct(pair) => DataType::Map(
                Arc::new(Field::new(
                    entries.name(),
                    DataType::Struct(pair.iter().map(field).collect()),
                    entries.is_nullable(),
                )),
                *sorted,
            ),
            _ => kind.clone(),
        },
        DataType::Struct(fields) => DataType::Struct(
            fields
                .iter()
                .enumerate()
                .map(|(i, f)| Field::new(anonymous_field(i), anonymous(f.data_type()), f.is_nullable()))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn anonymous_rows(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    cast(&args[0], kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int64Array, RecordBatch, StringArray};

    fn kind(name: &str) -> DataType {
        parse_trino_type(name).unwrap()
    }

    /// Each value as Athena prints it.
    fn shown(array: &ArrayRef) -> Vec<String> {
        let batch = RecordBatch::try_from_iter([("v", array.clone())]).unwrap();
        let rows = super::super::print::rows(&[batch]).unwrap();
        rows.into_iter().map(|row| row[0].clone().unwrap_or_else(|| "NULL".into())).collect()
    }

    #[test]
    fn rows_are_cast_field_by_field_in_order_not_by_name() {
        // Arrow's own cast matches `y` to `y`; Trino's takes the first field as the first.
        let fields = Fields::from(vec![Field::new("y", DataType::Int64, true), Field::new("x", DataType::Utf8, true)]);
        let columns: Vec<ArrayRef> = vec![Arc::new(Int64Array::from(vec![1])), Arc::new(StringArray::from(vec!["7"]))];
        let row: ArrayRef = Arc::new(StructArray::try_new(fields, columns, None).unwrap());
        let cast = cast(&row, &kind("row(x varchar, y bigint)")).unwrap();
        assert_eq!(shown(&cast), ["{x=1, y=7}"]);
        assert!(super::cast(&row, &kind("row(x bigint)")).is_err());
    }

    #[test]
    fn json_text_becomes_the_type_and_null_stays_null() {
        let texts: ArrayRef = Arc::new(StringArray::from(vec![Some("[1, null]"), None, Some("null"), Some("[]")]));
        assert_eq!(shown(&cast(&texts, &kind("array(integer)")).unwrap()), ["[1, null]", "NULL", "NULL", "[]"]);
        let empty: ArrayRef = Arc::new(StringArray::from(Vec::<Option<&str>>::new()));
        assert_eq!(cast(&empty, &kind("map(varchar, integer)")).unwrap().data_type(), &kind("map(varchar, integer)"));
        let object: ArrayRef = Arc::new(StringArray::from(vec![r#"{"B": "2", "a": true}"#]));
        assert_eq!(
            shown(&cast(&object, &kind("row(a integer, b double, c varchar)")).unwrap()),
            ["{a=1, b=2.0, c=null}"]
        );
        let mismatch: ArrayRef = Arc::new(StringArray::from(vec!["[1, 2]"]));
        let refused = cast(&mismatch, &kind("row(a integer)")).unwrap_err().to_string();
        assert!(refused.contains("INVALID_CAST_ARGUMENT: Cannot cast to row(a integer). [1,2]"), "{refused}");
    }

    #[test]
    fn castable_checks_shapes_not_values() {
        assert!(castable(&DataType::Utf8, &kind("array(integer)")));
        assert!(castable(&kind("array(bigint)"), &kind("array(varchar)")));
        assert!(!castable(&DataType::Int64, &kind("array(integer)")));
        assert!(!castable(&kind("array(bigint)"), &DataType::Int64));
        assert!(!castable(&kind("row(a bigint, b bigint)"), &kind("row(a bigint)")));
        assert!(castable(&kind("map(varchar, bigint)"), &kind("map(varchar, double)")));
    }

    #[test]
    fn anonymous_rows_lose_their_names_at_any_depth() {
        let zipped = kind("array(row(a bigint, b map(varchar, row(c integer))))");
        assert_eq!(trino_type(&anonymous(&zipped)), "array(row(bigint, map(varchar, row(integer))))");
    }
}
