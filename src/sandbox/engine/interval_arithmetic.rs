//! Trino's arithmetic of intervals, where the engine's differs or has none:
//! - an interval day to second is one length of time, a day 24 hours: each literal is made all
//!   nanoseconds (`datetime::day_time`; `DAY_TIME_LITERALS`), where the engine keeps days apart,
//!   so `INTERVAL '1' DAY` and `INTERVAL '24' HOUR` are one value when sorted, grouped or joined,
//!   and a timestamp with a zone moves by 24 hours across a change of clocks, as in Trino;
//! - an interval times or divided by a number (`INTERVAL '1' DAY * 7`, `2 * INTERVAL '1' MONTH`,
//!   `INTERVAL '1' HOUR / 4`), which the engine refuses, is Trino's `$interval_times` or
//!   `$interval_over`: milliseconds (or months) times a bigint, or times or over a double, cut
//!   toward zero;
//! - a date plus or minus an interval is `$date_plus` or `$date_minus`: whole months or whole days,
//!   where the engine dropped hours (`DATE '2020-01-01' + INTERVAL '1' HOUR` answered the date);
//!   Trino refuses them;
//! - an interval of months plus or minus one of days is refused, as Trino refuses it, and so is a
//!   date plus or minus a number (the engine moved it by days);
//! - a date minus a date is their midnights' difference, an interval day to second, as Trino reads
//!   two dates as timestamps (the engine answered a number of days).
//!
//! The arithmetic is planned as the query's SQL is read (`IntervalArithmetic`, an `ExprPlanner`):
//! the engine's planner fails on `interval * number` before any rule over the plan could run.

use std::sync::{Arc, LazyLock};

use chrono::Months;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Date32Array, IntervalMonthDayNanoArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Float64Type, Int64Type, IntervalMonthDayNano, IntervalUnit, TimeUnit,
};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{exec_err, plan_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::planner::{ExprPlanner, PlannerResult, RawBinaryExpr};
use datafusion::logical_expr::sqlparser::ast::BinaryOperator;
use datafusion::logical_expr::{BinaryExpr, Cast, Expr, ExprSchemable, Operator, ScalarUDF, WindowFrameBound};

use super::datetime::{day_time, MS_PER_DAY, NS_PER_DAY};
use super::print::{trino_interval, TrinoInterval};
use super::rules::ExpressionRule;
use super::types::is_interval;
use super::udf::{is_integer, Call, Trino};

pub const DAY_TIME_LITERALS: ExpressionRule =
    ExpressionRule { name: "trino_day_time_literals", rewrite: in_nanoseconds };

const TIMES: &str = "$interval_times";
const OVER: &str = "$interval_over";
const DATE_PLUS: &str = "$date_plus";
const DATE_MINUS: &str = "$date_minus";

static TIMES_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Trino::udf(TIMES, scaled_type, times)));
static OVER_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Trino::udf(OVER, scaled_type, over)));
static DATE_PLUS_UDF: LazyLock<Arc<ScalarUDF>> =
    LazyLock::new(|| Arc::new(Trino::udf(DATE_PLUS, moved_type, date_plus)));
static DATE_MINUS_UDF: LazyLock<Arc<ScalarUDF>> =
    LazyLock::new(|| Arc::new(Trino::udf(DATE_MINUS, moved_type, date_minus)));

/// Whether `name` is the function of an interval times or over a number.
pub(super) fn is_scaling(name: &str) -> bool {
    name == TIMES || name == OVER
}

pub fn functions() -> Vec<ScalarUDF> {
    [&TIMES_UDF, &OVER_UDF, &DATE_PLUS_UDF, &DATE_MINUS_UDF].map(|udf| udf.as_ref().clone()).into()
}

/// A literal interval of days and time, all in nanoseconds, and so a window's RANGE frame of one
/// over timestamps (`RANGE BETWEEN INTERVAL '1' DAY PRECEDING …`: 24 hours across a change of
/// clocks; the engine types a frame's bounds with the query, so this rule runs after). A frame
/// over dates keeps its days, which the engine moves a date by.
fn in_nanoseconds(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    match expr {
        Expr::Literal(mut value, metadata) => {
            let changed = day_time_value(&mut value);
            let literal = Expr::Literal(value, metadata);
            Ok(if changed { Transformed::yes(literal) } else { Transformed::no(literal) })
        }
        Expr::WindowFunction(mut window)
            if window
                .params
                .order_by
                .first()
                .is_some_and(|sort| matches!(sort.expr.get_type(schema), Ok(DataType::Timestamp(_, _)))) =>
        {
            let frame = &mut window.params.window_frame;
            let mut changed = false;
            for bound in [&mut frame.start_bound, &mut frame.end_bound] {
                if let WindowFrameBound::Preceding(value) | WindowFrameBound::Following(value) = bound {
                    changed |= day_time_value(value);
                }
            }
            Ok(if changed {
                Transformed::yes(Expr::WindowFunction(window))
            } else {
                Transformed::no(Expr::WindowFunction(window))
            })
        }
        expr => Ok(Transformed::no(expr)),
    }
}

/// `value`, an interval of days (and time), made all nanoseconds; whether it was one.
fn day_time_value(value: &mut ScalarValue) -> bool {
    let ScalarValue::IntervalMonthDayNano(Some(i)) = value else { return false };
    if i.months != 0 || i.days == 0 {
        return false;
    }
    let nanos = i128::from(i.days) * NS_PER_DAY + i128::from(i.nanoseconds);
    match day_time(nanos) {
        Some(nanos) => {
            *i = nanos;
            true
        }
        None => false,
    }
}

/// Plans `+`, `-`, `*` and `/` of an interval as Trino does (the module's list); every other
/// operator is left to the engine's planner.
#[derive(Debug)]
pub(super) struct IntervalArithmetic;

impl ExprPlanner for IntervalArithmetic {
    fn plan_binary_op(&self, expr: RawBinaryExpr, schema: &DFSchema) -> Result<PlannerResult<RawBinaryExpr>> {
        use BinaryOperator::{Divide, Minus, Multiply, Plus};
        if !matches!(expr.op, Plus | Minus | Multiply | Divide) {
            return Ok(PlannerResult::Original(expr));
        }
        // Each side's type, found once: a side's is found through all of it, and a chain of a
        // thousand `+` is a thousand sides.
        let (left, right) = (&expr.left, &expr.right);
        let (l, r) = (Class::of(left, schema), Class::of(right, schema));
        // A date the engine types as a timestamp for now (`Class::of`) is read as the date it is.
        let as_date = |e: &Expr| match e {
            Expr::ScalarFunction(f) if super::answer_types::answers_a_date(f, schema) => {
                Expr::Cast(Cast::new(Box::new(e.clone()), DataType::Date32))
            }
            e => e.clone(),
        };
        let call = |udf: &Arc<ScalarUDF>, args: [&Expr; 2]| {
            Ok(PlannerResult::Planned(Expr::ScalarFunction(ScalarFunction::new_udf(
                udf.clone(),
                args.map(as_date).into(),
            ))))
        };
        use Class::{Date, Interval, Null, Number};
        match (&expr.op, l, r) {
            (Multiply, Interval, Number | Null) => call(&TIMES_UDF, [left, right]),
            (Multiply, Number | Null, Interval) => call(&TIMES_UDF, [right, left]),
            (Divide, Interval, Number | Null) => call(&OVER_UDF, [left, right]),
            (Plus, Date, Interval) => call(&DATE_PLUS_UDF, [left, right]),
            (Plus, Interval, Date) => call(&DATE_PLUS_UDF, [right, left]),
            (Minus, Date, Interval) => call(&DATE_MINUS_UDF, [left, right]),
            // Two dates are two timestamps to Trino, their difference an interval day to second
            // (`19 00:00:00.000`), where the engine answered a number of days.
            (Minus, Date, Date) => {
                let midnight = |e: &Expr| {
                    Expr::Cast(Cast::new(Box::new(e.clone()), DataType::Timestamp(TimeUnit::Millisecond, None)))
                };
                Ok(PlannerResult::Planned(Expr::BinaryExpr(BinaryExpr::new(
                    Box::new(midnight(left)),
                    Operator::Minus,
                    Box::new(midnight(right)),
                ))))
            }
            // A date plus or minus a number, which the engine reads as days: Trino has no such
            // operator.
            (Plus | Minus, Date, Number) | (Plus | Minus, Number, Date) => {
                let name = |e: &Expr| super::mixed_types::type_name(e, schema).unwrap_or_default();
                plan_err!("TYPE_MISMATCH: Cannot apply operator: {} {} {}", name(left), expr.op, name(right))
            }
            (Plus | Minus, Interval, Interval) => {
                let kinds = (super::intervals::kind(left, schema), super::intervals::kind(right, schema));
                if let (Some(a), Some(b)) = kinds {
                    if a != b {
                        return plan_err!("TYPE_MISMATCH: Cannot apply operator: {a} {} {b}", expr.op);
                    }
                }
                Ok(PlannerResult::Original(expr))
            }
            _ => Ok(PlannerResult::Original(expr)),
        }
    }
}

/// What a side of an operator is, for the arithmetic planned here.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    Interval,
    Number,
    Null,
    Date,
    Timestamp,
    Other,
}

impl Class {
    /// An operator's class read from its sides' without asking the engine for its type, which it
    /// finds through the whole of each side: a chain of a thousand `+` took seconds a side.
    fn of(e: &Expr, schema: &DFSchema) -> Class {
        use Class::{Date, Interval, Null, Number, Timestamp};
        if let Expr::BinaryExpr(BinaryExpr { left, op, right }) = e {
            use Operator::{Divide, Minus, Modulo, Multiply, Plus};
            let class = match (op, Class::of(left, schema), Class::of(right, schema)) {
                (Plus | Minus | Multiply | Divide | Modulo, Number | Null, Number | Null) => Some(Number),
                (Plus | Minus, Interval, Interval) | (Minus, Timestamp | Date, Timestamp | Date) => Some(Interval),
                (Plus | Minus, Timestamp, Interval) | (Plus, Interval, Timestamp) => Some(Timestamp),
                _ => None,
            };
            if let Some(class) = class {
                return class;
            }
        }
        // `date_trunc` or `date_add` of a date, which the engine types as a timestamp until
        // `answer_types` casts it.
        if let Expr::ScalarFunction(call) = e {
            if super::answer_types::answers_a_date(call, schema) {
                return Date;
            }
        }
        match e.get_type(schema) {
            Ok(t) if is_interval(&t) => Class::Interval,
            Ok(DataType::Null) => Class::Null,
            Ok(DataType::Date32 | DataType::Date64) => Class::Date,
            Ok(DataType::Timestamp(_, _)) => Class::Timestamp,
            Ok(t) if t.is_numeric() => Class::Number,
            _ => Class::Other,
        }
    }
}

fn scaled_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Interval(_) | DataType::Duration(_) | DataType::Null, n] if n.is_numeric() || n.is_null() => {
            Ok(DataType::Interval(IntervalUnit::MonthDayNano))
        }
        _ => call.mismatch(&format!("{}(interval, double)", call.name)),
    }
}

/// `interval * n`: its milliseconds (or months) times a bigint, exactly, or times a double, cut
/// toward zero (Java's cast of a double to a long).
fn times(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    if is_integer(args[1].data_type()) {
        let by = cast(&args[1], &DataType::Int64)?;
        let by = by.as_primitive::<Int64Type>();
        return scale(&args[0], by, |value, by| {
            value.checked_mul(by).map_or_else(
                || exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: interval multiplication overflow: {value} * {by}"),
                Ok,
            )
        });
    }
    let by = cast(&args[1], &DataType::Float64)?;
    scale(&args[0], by.as_primitive::<Float64Type>(), |value, by| {
        if by.is_nan() {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Cannot multiply by double NaN");
        }
        Ok((value as f64 * by) as i64)
    })
}

/// `interval / n`: its milliseconds (or months) over a double, cut toward zero; 0 and NaN are
/// refused in Trino's words.
fn over(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let by = cast(&args[1], &DataType::Float64)?;
    scale(&args[0], by.as_primitive::<Float64Type>(), |value, by| {
        if by.is_nan() || by == 0.0 {
            let by = super::format::java_double(by);
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Cannot divide by double {by}");
        }
        Ok((value as f64 / by) as i64)
    })
}

/// Each row's interval, as Trino holds it (milliseconds or months), given to `by` with the row's
/// number; NULL where either is.
fn scale<T: datafusion::arrow::datatypes::ArrowPrimitiveType>(
    intervals: &ArrayRef,
    numbers: &datafusion::arrow::array::PrimitiveArray<T>,
    by: impl Fn(i64, T::Native) -> Result<i64>,
) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(intervals.len());
    for row in 0..intervals.len() {
        if numbers.is_null(row) || intervals.is_null(row) {
            out.push(None);
            continue;
        }
        let number = numbers.value(row);
        out.push(Some(match read(intervals, row)? {
            TrinoInterval::Millis(ms) => {
                let ms = by(ms, number)?;
                match day_time(i128::from(ms) * 1_000_000) {
                    Some(value) => value,
                    None => {
                        return exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: interval is out of range: {ms} milliseconds")
                    }
                }
            }
            TrinoInterval::Months(months) => {
                let months = by(months, number)?;
                match i32::try_from(months) {
                    Ok(months) => IntervalMonthDayNano::new(months, 0, 0),
                    Err(_) => {
                        return exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: interval is out of range: {months} months")
                    }
                }
            }
        }));
    }
    Ok(Arc::new(IntervalMonthDayNanoArray::from(out)))
}

/// Row `row` (not NULL) of an interval column, as Trino's interval it is.
fn read(intervals: &ArrayRef, row: usize) -> Result<TrinoInterval> {
    match trino_interval(intervals.as_ref(), row) {
        Some(interval) => Ok(interval),
        None => exec_err!("INVALID_FUNCTION_ARGUMENT: an interval of months and days together is not one Trino has"),
    }
}

fn moved_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Date32 | DataType::Date64 | DataType::Null, DataType::Interval(_) | DataType::Duration(_) | DataType::Null] => {
            Ok(DataType::Date32)
        }
        _ => call.mismatch(&format!("{}(date, interval)", call.name)),
    }
}

fn date_plus(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    moved(args, 1, "Cannot add hour, minutes or seconds to a date")
}

fn date_minus(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    moved(args, -1, "Cannot subtract hour, minutes or seconds from a date")
}

/// Each date moved by its interval, forward (`sign` 1) or back (-1): by whole months, the day
/// kept where the month has it and else its last (as Joda's calendar moves it), or by whole
/// days; an interval with hours, minutes or seconds is refused (`partial`, Trino's words).
fn moved(args: &[ArrayRef], sign: i64, partial: &str) -> Result<ArrayRef> {
    let dates = cast(&args[0], &DataType::Date32)?;
    let dates = dates.as_primitive::<Date32Type>();
    let intervals = &args[1];
    let mut out = Vec::with_capacity(dates.len());
    for row in 0..dates.len() {
        if dates.is_null(row) || intervals.is_null(row) {
            out.push(None);
            continue;
        }
        let day = dates.value(row);
        let out_of_range = || exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: date is out of range");
        let moved = match read(intervals, row)? {
            TrinoInterval::Millis(ms) if ms % MS_PER_DAY != 0 => {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: {partial}")
            }
            TrinoInterval::Millis(ms) => i32::try_from(i64::from(day) + sign * (ms / MS_PER_DAY)).ok(),
            TrinoInterval::Months(months) => {
                let months = sign * months;
                let by = Months::new(u32::try_from(months.unsigned_abs()).unwrap_or(u32::MAX));
                dates.value_as_date(row).and_then(|date| {
                    let moved = if months < 0 { date.checked_sub_months(by) } else { date.checked_add_months(by) };
                    moved.map(Date32Type::from_naive_date)
                })
            }
        };
        match moved {
            Some(moved) => out.push(Some(moved)),
            None => return out_of_range(),
        }
    }
    Ok(Arc::new(Date32Array::from(out)))
}
