//! Trino's types of the answers of functions the engine types otherwise (`ANSWER_TYPES` casts each
//! such call to Trino's type, keeping its name):
//! - a `bigint` where DataFusion answers a 32-bit integer: the length of a text or of bytes
//!   (`length`), the place of one text in another (`strpos`, `position(… IN …)`) and a field of a
//!   date or time (`extract`). Athena's `typeof(length(s))` says `bigint`, and so does the
//!   sandbox's for every other count a function answers;
//! - a `date` for `date_trunc(unit, d)` and `date_add(unit, n, d)` of a date, where the engine
//!   answers a timestamp (`date_trunc('month', current_date)` is `2026-12-01` on Athena, not
//!   `2026-12-01 00:00:00.000`); a unit of a time of day (`hour` …) is refused there, and in
//!   `date_diff` of two dates, as Trino refuses it.

use super::functions::Unit;
use super::rules::ExpressionRule;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{plan_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::{Cast, ScalarFunction};
use datafusion::logical_expr::{lit, Expr, ExprSchemable};

/// DataFusion's functions (by their own names, which their aliases plan to) whose answer Trino
/// types as a `bigint`.
const BIGINT_IN_TRINO: &[&str] = &["character_length", "octet_length", "strpos", "date_part"];

/// The functions whose answer for a date, their last argument, is a date in Trino.
const DATE_IN_TRINO: &[&str] = &["date_trunc", "date_add"];

pub const ANSWER_TYPES: ExpressionRule = ExpressionRule { name: "trino_answer_types", rewrite: trino_answer };

/// One of those calls → the same call cast to Trino's type of its answer.
fn trino_answer(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let Expr::ScalarFunction(call) = &expr else { return Ok(Transformed::no(expr)) };
    let name = call.name();
    // Nor are two dates apart by a unit of a time of day (or no unit at all).
    if let ("date_diff", [unit, a, b]) = (name, call.args.as_slice()) {
        if let (Some(unit), true) = (no_date_unit(unit), is_date(a, schema) && is_date(b, schema)) {
            return plan_err!("INVALID_FUNCTION_ARGUMENT: '{}' is not a valid DATE field", unit.to_lowercase());
        }
    }
    // Of a time of day, as a timestamp on 1970-01-01: moved past midnight it wraps around, as
    // Trino's `TimeFunctions` move one; a unit of a date is refused.
    if matches!(name, "date_add" | "date_diff") && call.args.iter().skip(1).any(|a| is_time(a, schema)) {
        if let Some(unit) = call.args.first().and_then(no_time_unit) {
            return plan_err!("INVALID_FUNCTION_ARGUMENT: '{}' is not a valid TIME field", unit.to_lowercase());
        }
        let mut args: Vec<Expr> =
            call.args.iter().map(|a| if is_time(a, schema) { on_the_first_day(a) } else { a.clone() }).collect();
        // An amount of a day or more is its rest past whole days, as Trino's `dateAdd` takes it
        // (`date_add('hour', 9223372036854775807, t)` is 7 hours on, not past the calendar).
        if let (Some(Ok(Unit::Fixed(ms))), true) = (call.args.first().and_then(literal_unit), name == "date_add") {
            args[1] = args[1].clone() % lit(super::datetime::MS_PER_DAY / ms);
        }
        let args = args.into_iter();
        let moved = Expr::ScalarFunction(ScalarFunction::new_udf(call.func.clone(), args.collect()));
        return Ok(Transformed::yes(match name {
            "date_add" => Expr::Cast(Cast::new(Box::new(moved), DataType::Time64(TimeUnit::Nanosecond))),
            _ => moved,
        }));
    }
    let trino = if BIGINT_IN_TRINO.contains(&name) && matches!(expr.get_type(schema), Ok(DataType::Int32)) {
        DataType::Int64
    } else if answers_a_date(call, schema) {
        // A date has no time of day to add to or truncate to.
        if let Some(unit) = call.args.first().and_then(no_date_unit) {
            return plan_err!("INVALID_FUNCTION_ARGUMENT: '{}' is not a valid DATE field", unit.to_lowercase());
        }
        DataType::Date32
    } else {
        return Ok(Transformed::no(expr));
    };
    if expr.get_type(schema).is_ok_and(|kind| kind == trino) {
        return Ok(Transformed::no(expr));
    }
    Ok(Transformed::yes(Expr::Cast(Cast::new(Box::new(expr), trino))))
}

/// The unit `arg` names, when it is a literal that is no unit of a date (`'hour'`, `'decade'`).
fn no_date_unit(arg: &Expr) -> Option<&str> {
    unit_written(arg).filter(|unit| !super::functions::is_date_unit(unit))
}

/// The text of a literal `arg`, a unit's as a call writes it.
fn unit_written(arg: &Expr) -> Option<&str> {
    match arg {
        Expr::Literal(ScalarValue::Utf8(Some(unit)) | ScalarValue::LargeUtf8(Some(unit)), _) => Some(unit),
        _ => None,
    }
}

/// Whether `call` answers a date in Trino (`date_trunc` or `date_add` of a date), which the
/// engine types as a timestamp until this rule casts it.
pub(super) fn answers_a_date(call: &ScalarFunction, schema: &DFSchema) -> bool {
    DATE_IN_TRINO.contains(&call.name()) && call.args.last().is_some_and(|d| is_date(d, schema))
}

/// Whether `value` is a time of day.
fn is_time(value: &Expr, schema: &DFSchema) -> bool {
    matches!(value.get_type(schema), Ok(DataType::Time32(_) | DataType::Time64(_)))
}

/// A time of day as the timestamp of it on 1970-01-01, in milliseconds.
fn on_the_first_day(time: &Expr) -> Expr {
    let nanos = Expr::Cast(Cast::new(Box::new(time.clone()), DataType::Time64(TimeUnit::Nanosecond)));
    let nanos = Expr::Cast(Cast::new(Box::new(nanos), DataType::Int64));
    datafusion::functions::datetime::expr_fn::to_timestamp_millis(vec![nanos / lit(1_000_000i64)])
}

/// The unit a literal `arg` names.
fn literal_unit(arg: &Expr) -> Option<Result<Unit>> {
    unit_written(arg).map(super::functions::unit)
}

/// The unit `arg` names, when it is a literal that is no unit of a time of day (`'day'`).
fn no_time_unit(arg: &Expr) -> Option<&str> {
    unit_written(arg).filter(|unit| super::functions::is_date_unit(unit) || super::functions::unit(unit).is_err())
}

/// Whether `value` is a date (the rule runs before the engine casts a date for a function).
fn is_date(value: &Expr, schema: &DFSchema) -> bool {
    matches!(value.get_type(schema), Ok(DataType::Date32 | DataType::Date64))
}
