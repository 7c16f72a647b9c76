//! Trino's casts where DataFusion spells them otherwise or reads them otherwise:
//! - `CAST(x AS array(T) | map(K, V) | row(…))` reads as `"$cast_to"(x, 'array(T)')` (the
//!   type in Trino's words, `types::parse_trino_type`; `TRY_CAST` as `"$try_cast_to"`, NULL
//!   where a value does not fit): a row becomes another row field by field in order, whatever
//!   the names (Trino's rule; Arrow's cast matches names first);
//! - a cast of JSON (`json_extract(…)`, `json_parse(…)`, `JSON '…'`, a column of them) to any
//!   type becomes the same call (`TRINO_CASTS`, a rule over the planned query, where each value's
//!   type is known), with a NULL of the type for its name, and read as Trino's `CAST(json AS …)`
//!   reads it (`json_casts`);
//! - a cast of a timestamp to text becomes `"$timestamp_text"(x)` (`TRINO_CASTS` too): Athena's
//!   `2026-03-20 14:15:00.000 [zone]`, where the engine writes ISO 8601's `…T14:15:00`; and of a
//!   timestamp with a zone to one without, `"$wall_clock"(x)`: what it says on the wall there, as
//!   Trino's (the engine's keeps the instant in UTC).
//! - `"$anonymous_rows"(x)`: the same value with its rows' fields nameless, for the functions
//!   whose rows Trino leaves unnamed (`zip`, `map_entries`) and the engine names.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{new_null_array, Array, ArrayRef, AsArray, ListArray, MapArray, StructArray};
use datafusion::arrow::compute::{cast_with_options, concat, CastOptions};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, TimeUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{exec_err, plan_err, DFSchema, DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::expr::{Cast, ScalarFunction, TryCast};
use datafusion::logical_expr::sqlparser::ast;
use datafusion::logical_expr::{lit, Expr, ExprSchemable, ScalarUDF};

use super::json_casts::from_json;
use super::rules::ExpressionRule;
use super::sql::{call, is_call, text_literal};
use super::types::{anonymous_field, is_json, parse_trino_type, trino_type};
use super::udf::{is_text, Call, Trino};
use super::{text_values, to_text};

/// The engine's name for a cast Trino reads otherwise than DataFusion.
pub const CAST_TO: &str = "$cast_to";
/// The same, answering NULL where a value does not fit (`TRY_CAST`).
pub const TRY_CAST_TO: &str = "$try_cast_to";
/// The engine's name for the value a cast is of, named for the type it is cast to
/// (`"$cast_value"(x, 'DOUBLE')`, `udf::Passing`): the engine names a cast as the value itself,
/// so `max(x)` beside `max(CAST(x AS double))`, or a column beside its cast in GROUP BY, were two
/// columns of one name, which the engine refuses to plan.
pub const CAST_VALUE: &str = "$cast_value";
/// The engine's name for taking the names off a value's rows.
pub const ANONYMOUS_ROWS: &str = "$anonymous_rows";
/// The engine's name for a timestamp written as text, as Athena writes it.
const TIMESTAMP_TEXT: &str = "$timestamp_text";
/// The engine's name for a timestamp with a zone as what it says on the wall there.
const WALL_CLOCK: &str = "$wall_clock";

/// The value of a cast to `data_type` under a name of that type, as Trino spells it
/// (`"$cast_value"(x, 'integer')` for `int` and `integer` alike); a constant's needs none.
/// A `varchar(n)` keeps its length in the name, for `$varchar` (`to_text`), a constant's too.
pub(super) fn named_for(value: ast::Expr, data_type: &ast::DataType) -> ast::Expr {
    let length = match data_type {
        ast::DataType::Varchar(Some(ast::CharacterLength::IntegerLength { length, .. })) => Some(*length),
        _ => None,
    };
    let constant = matches!(value, ast::Expr::Value(_)) && length.is_none();
    if constant || matches!(&value, ast::Expr::Function(f) if is_call(f, CAST_VALUE)) {
        return value;
    }
    let written = data_type.to_string();
    let name = match length {
        Some(length) => format!("varchar({length})"),
        None => parse_trino_type(&written).map(|t| trino_type(&t)).unwrap_or(written),
    };
    call(CAST_VALUE, vec![value, text_literal(&name)])
}

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        text_values::function().as_ref().clone(),
        to_text::function().as_ref().clone(),
        Trino::udf(CAST_TO, cast_to_type, cast_to),
        Trino::udf(TRY_CAST_TO, cast_to_type, try_cast_to),
        Trino::udf(ANONYMOUS_ROWS, anonymous_type, anonymous_rows),
        Trino::udf(TIMESTAMP_TEXT, timestamp_text_type, timestamp_text),
        Trino::udf(WALL_CLOCK, wall_clock_type, |args, _| super::calendar::wall_clock(&args[0])),
    ]
}

/// `$cast_to(x, to)`: `to` names the type (a constant, in Trino's words) or is a NULL of it.
fn cast_to_type(call: &Call) -> Result<DataType> {
    let to = match (call.text(1), call.types) {
        (Some(name), _) => match parse_trino_type(name) {
            Ok(to) => to,
            Err(e) => return plan_err!("TYPE_NOT_FOUND: {e}"),
        },
        (None, [_, to]) => to.clone(),
        _ => return plan_err!("{} takes a value and a type", call.name),
    };
    match call.types.first() {
        Some(from) if castable(from, &to) => Ok(to),
        Some(from) => plan_err!("TYPE_MISMATCH: Cannot cast {} to {}", trino_type(from), trino_type(&to)),
        None => plan_err!("{} takes a value and a type", call.name),
    }
}

/// Whether Trino casts a value of `from` to `to` (the rows' and elements' own casts are checked
/// as each value is cast). Text is read as JSON.
fn castable(from: &DataType, to: &DataType) -> bool {
    match (from, to) {
        (DataType::Null, _) => true,
        (from, _) if is_text(from) => true,
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
    cast_from(&args[0], to, Fit::Refuse)
}

fn try_cast_to(args: &[ArrayRef], to: &DataType) -> Result<ArrayRef> {
    cast_from(&args[0], to, Fit::Null)
}

/// What a value that does not fit its type becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fit {
    /// An error, as `CAST`.
    Refuse,
    /// NULL, as `TRY_CAST`.
    Null,
}

/// The argument of `$cast_to`: text is JSON (the cast was written of JSON, or to a nested type).
/// Under `TRY_CAST` a value that does not fit is NULL as a whole (not its parts that do not).
fn cast_from(values: &ArrayRef, to: &DataType, fit: Fit) -> Result<ArrayRef> {
    if is_text(values.data_type()) && values.data_type() != &DataType::Null {
        return from_json(values, &Field::new("", to.clone(), true), fit);
    }
    match (cast(values, to), fit) {
        (Ok(cast), _) => Ok(cast),
        (Err(e), Fit::Refuse) => Err(e),
        (Err(_), Fit::Null) => {
            let rows = (0..values.len())
                .map(|i| cast(&values.slice(i, 1), to).unwrap_or_else(|_| new_null_array(to, 1)))
                .collect::<Vec<_>>();
            let rows: Vec<&dyn Array> = rows.iter().map(|r| r.as_ref()).collect();
            Ok(concat(&rows)?)
        }
    }
}

/// `values` as `to`: rows field by field in order, the rest as the engine casts; an error where
/// a value does not fit.
fn cast(values: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    if values.data_type() == to {
        return Ok(values.clone());
    }
    // A part of a nested value cast to text, written as Trino's cast writes it (`CAST(ARRAY[1.5e0]
    // AS array(varchar))` is `[1.5E0]`, a timestamp's text has no `T`).
    if is_text(to) {
        if let Some(written) = to_text::written(values)? {
            return Ok(cast_with_options(&written, to, &CastOptions { safe: false, ..Default::default() })?);
        }
    }
    // A part with a fraction cast to a whole number is rounded, as a cast of it alone is
    // (`trino_cast`); the engine cut the fraction off.
    if is_fraction(values.data_type()) && to.is_integer() {
        let whole = super::math::nearest_whole(values)?;
        return Ok(cast_with_options(&whole, to, &CastOptions { safe: false, ..Default::default() })?);
    }
    match (values.data_type(), to) {
        (DataType::Null, _) => Ok(new_null_array(to, values.len())),
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
            // Keys cast alike are refused, as Trino's cast refuses them (and TRY_CAST makes NULL).
            let keys = pairs.as_struct().column(0);
            if map.keys().data_type() != keys.data_type() && duplicate_keys(map.value_offsets(), keys)? {
                return exec_err!("INVALID_CAST_ARGUMENT: duplicate keys");
            }
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

/// Whether a map's keys come out the same once cast (`CAST(MAP(ARRAY[1, 2], …) AS
/// map(boolean, …))`), which Trino's casts refuse; each map's keys are `keys` between two of
/// `offsets`.
pub(super) fn duplicate_keys(offsets: &[i32], keys: &ArrayRef) -> Result<bool> {
    for bounds in offsets.windows(2) {
        let mut seen = HashSet::new();
        for j in bounds[0].max(0) as usize..bounds[1].max(0) as usize {
            if !seen.insert(ScalarValue::try_from_array(keys, j)?) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Casts Trino reads otherwise than the engine, found in the planned query, where each value's
/// type is known:
/// - of a fraction (a double, a real, a decimal) to a whole number, rounded as Trino rounds it;
/// - of text to a date, a timestamp, a boolean or a whole number, read as Trino reads them
///   (`$text_value`);
/// - of JSON to any type, read as Trino reads them (`$cast_to`): a value is JSON when its field
///   says so (`types::json_field`), through columns, subqueries and views;
/// - of a timestamp to text, written as Athena writes it (`$timestamp_text`): the engine's own
///   is ISO 8601's, `2026-03-20T14:15:00.000`, where `substr(CAST(t AS varchar), 1, 13)` reads
///   `2026-03-20 14` on Athena.
pub const TRINO_CASTS: ExpressionRule = ExpressionRule { name: "trino_casts", rewrite: trino_cast };

/// Trino's refusal of a cast of a number or a boolean to a timestamp or a date, or back
/// (`from_unixtime`, `to_unixtime` do it); the engine's reads a number as seconds,
/// milliseconds or days. A rule of its own, run before the others, since Trino refuses the
/// cast before it reads what is done with its value (`CAST(5 AS date) = 'x'`).
pub const CASTS_REFUSED: ExpressionRule = ExpressionRule { name: "trino_casts_refused", rewrite: refuse_cast };

fn refuse_cast(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let (Expr::Cast(Cast { expr: value, field: to }) | Expr::TryCast(TryCast { expr: value, field: to })) = &expr
    else {
        return Ok(Transformed::no(expr));
    };
    let (to, Ok(from)) = (to.data_type(), value.get_type(schema)) else { return Ok(Transformed::no(expr)) };
    let temporal = |t: &DataType| matches!(t, DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64);
    let plain = |t: &DataType| t.is_numeric() || *t == DataType::Boolean;
    if (plain(&from) && temporal(to)) || (temporal(&from) && plain(to)) {
        let from = super::mixed_types::type_name(value, schema).unwrap_or_else(|| trino_type(&from));
        return plan_err!("TYPE_MISMATCH: Cannot cast {from} to {}", trino_type(to));
    }
    Ok(Transformed::no(expr))
}

/// `CAST(json AS t)` → `$cast_to(json, NULL of t)` (`TRY_CAST` → `$try_cast_to`);
/// `CAST(timestamp AS varchar)` → `$timestamp_text(timestamp)`.
fn trino_cast(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let (value, to, name) = match &expr {
        Expr::Cast(cast) => (&cast.expr, cast.field.data_type(), CAST_TO),
        Expr::TryCast(cast) => (&cast.expr, cast.field.data_type(), TRY_CAST_TO),
        _ => return Ok(Transformed::no(expr)),
    };
    // A value whose field cannot be found here (a scan's own filters) is left as it is.
    let Ok((_, field)) = value.to_field(schema) else { return Ok(Transformed::no(expr)) };
    // The same cast (or TRY_CAST) of a new value; a function's check of it that refuses a value,
    // or answers NULL under TRY_CAST.
    let recast = |value: Expr| match &expr {
        Expr::TryCast(_) => Expr::TryCast(TryCast::new(Box::new(value), to.clone())),
        _ => Expr::Cast(Cast::new(Box::new(value), to.clone())),
    };
    // `CAST(x AS timestamp with time zone)`: the engine's type has no zone (its session has
    // none); Trino's answer keeps a value's own zone and puts one without in UTC, the session's.
    let zoned = cast_label(value).is_some_and(|label| label.ends_with("with time zone"));
    if zoned && matches!(to, DataType::Timestamp(_, None)) {
        let utc = |unit| DataType::Timestamp(unit, Some("UTC".into()));
        match field.data_type() {
            DataType::Timestamp(_, Some(_)) => return Ok(Transformed::yes(value.as_ref().clone())),
            DataType::Timestamp(unit, None) => {
                return Ok(Transformed::yes(Expr::Cast(Cast::new(value.clone(), utc(*unit)))));
            }
            DataType::Date32 | DataType::Date64 => {
                return Ok(Transformed::yes(Expr::Cast(Cast::new(value.clone(), utc(TimeUnit::Millisecond)))));
            }
            // A column's texts, each at the instant it names (`datetime::ZONED_TEXT`); a text
            // written in the query keeps its zone (`sql::zoned_text`).
            DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 if !is_json(&field) => {
                let fit = lit(if name == TRY_CAST_TO { "null" } else { "refuse" });
                let reader = Arc::new(super::datetime::zoned_text_udf());
                let read = ScalarFunction::new_udf(reader, vec![value.as_ref().clone(), fit]);
                return Ok(Transformed::yes(Expr::ScalarFunction(read)));
            }
            _ => {}
        }
    }
    let fit = lit(if name == TRY_CAST_TO { "null" } else { "refuse" });
    let checked = |function: Arc<ScalarUDF>, args| Expr::ScalarFunction(ScalarFunction::new_udf(function, args));
    if is_fraction(field.data_type()) && to.is_integer() {
        // Trino rounds to the nearest whole number, a half away from zero (`CAST(2.5 AS
        // integer)` is 3); the engine cuts the fraction off.
        return Ok(Transformed::yes(recast(datafusion::functions::math::round().call(vec![value.as_ref().clone()]))));
    }
    if let Some(kind) = text_values::text_kind(to).filter(|_| is_text(field.data_type()) && !is_json(&field)) {
        // Text read as Trino reads a value of that type (`$text_value`), then cast.
        let args = vec![value.as_ref().clone(), lit(kind), fit];
        return Ok(Transformed::yes(recast(checked(text_values::function(), args))));
    }
    let length = cast_label(value).and_then(to_text::varchar_length);
    if is_text(to) && !is_json(&field) && to_text::differs(field.data_type(), length) {
        // A double or a real in Trino's notation, a length kept (`$varchar`).
        let args = vec![value.as_ref().clone(), lit(ScalarValue::Int64(length)), fit];
        return Ok(Transformed::yes(recast(checked(to_text::function(), args))));
    }
    let (name, args) = if is_json(&field) {
        (name, vec![value.as_ref().clone(), Expr::Literal(ScalarValue::try_from(to)?, None)])
    } else if matches!(field.data_type(), DataType::Timestamp(_, _)) && is_text(to) {
        (TIMESTAMP_TEXT, vec![value.as_ref().clone()])
    } else if matches!((field.data_type(), to), (DataType::Timestamp(_, Some(_)), DataType::Timestamp(_, None))) {
        (WALL_CLOCK, vec![value.as_ref().clone()])
    } else {
        return Ok(Transformed::no(expr));
    };
    let function = functions().into_iter().find(|f| f.name() == name);
    let Some(function) = function else { return Err(DataFusionError::Internal(format!("{name} is missing"))) };
    let call = Expr::ScalarFunction(ScalarFunction::new_udf(Arc::new(function), args));
    // The type it was cast to (the engine's text is `Utf8View`), for the nodes above.
    Ok(Transformed::yes(if name == TIMESTAMP_TEXT || name == WALL_CLOCK { call.cast_to(to, schema)? } else { call }))
}

/// The type, in Trino's words, a cast's value is named for (`$cast_value(x, 'varchar(3)')`).
fn cast_label(value: &Expr) -> Option<&str> {
    match value {
        Expr::ScalarFunction(f) if f.name() == CAST_VALUE => match f.args.get(1) {
            Some(Expr::Literal(ScalarValue::Utf8(Some(name)), _)) => Some(name),
            _ => None,
        },
        _ => None,
    }
}

/// A number with a fraction: a double, a real or a decimal.
fn is_fraction(kind: &DataType) -> bool {
    kind.is_floating() || matches!(kind, DataType::Decimal128(_, s) | DataType::Decimal256(_, s) if *s > 0)
}

/// `$timestamp_text(t)`: a timestamp as Athena writes it (`print`).
fn timestamp_text_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Timestamp(_, _)] => Ok(DataType::Utf8),
        _ => call.mismatch("$timestamp_text(timestamp)"),
    }
}

/// `$wall_clock(t)`: `calendar::wall_clock`.
fn wall_clock_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Timestamp(_, Some(_))] => {
            Ok(DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Millisecond, None))
        }
        _ => call.mismatch("$wall_clock(timestamp with time zone)"),
    }
}

fn timestamp_text(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    Ok(Arc::new(super::print::timestamps_as_text(args[0].as_ref())?))
}

fn anonymous_type(call: &Call) -> Result<DataType> {
    match call.types {
        [t] => Ok(anonymous(t)),
        _ => call.mismatch("one value"),
    }
}

/// `kind` with the fields of its rows nameless, at any depth.
fn anonymous(kind: &DataType) -> DataType {
    let field = |f: &FieldRef| Arc::new(f.as_ref().clone().with_data_type(anonymous(f.data_type())));
    match kind {
        DataType::List(item) => DataType::List(field(item)),
        DataType::Map(entries, sorted) => match entries.data_type() {
            // A map's own entries keep their names: they are not a row of the value.
            DataType::Struct(pair) => DataType::Map(
                Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(pair.iter().map(field).collect()))),
                *sorted,
            ),
            _ => kind.clone(),
        },
        DataType::Struct(fields) => DataType::Struct(
            fields
                .iter()
                .enumerate()
                .map(|(i, f)| f.as_ref().clone().with_name(anonymous_field(i)).with_data_type(anonymous(f.data_type())))
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
    use datafusion::arrow::datatypes::Fields;

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
        assert_eq!(
            shown(&cast_from(&texts, &kind("array(integer)"), Fit::Refuse).unwrap()),
            ["[1, null]", "NULL", "NULL", "[]"]
        );
        let empty: ArrayRef = Arc::new(StringArray::from(Vec::<Option<&str>>::new()));
        assert_eq!(
            cast_from(&empty, &kind("map(varchar, integer)"), Fit::Refuse).unwrap().data_type(),
            &kind("map(varchar, integer)")
        );
        let object: ArrayRef = Arc::new(StringArray::from(vec![r#"{"B": "2", "a": true}"#]));
        assert_eq!(
            shown(&cast_from(&object, &kind("row(a integer, b double, c varchar)"), Fit::Refuse).unwrap()),
            ["{a=1, b=2.0, c=null}"]
        );
        let mismatch: ArrayRef = Arc::new(StringArray::from(vec!["[1, 2]"]));
        let refused = cast_from(&mismatch, &kind("row(a integer)"), Fit::Refuse).unwrap_err().to_string();
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
