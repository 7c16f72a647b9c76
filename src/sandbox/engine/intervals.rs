//! Intervals compared as Trino compares them: a day-to-second interval by its length, a
//! year-to-month one by its months. The engine's intervals keep months, days and nanoseconds
//! apart and compare field by field, and a difference of timestamps is all nanoseconds, so
//! `INTERVAL '1' DAY = INTERVAL '24' HOUR` was false and `now() - event_time < INTERVAL '1' DAY`
//! held for every row. Once the engine has typed the query, each comparison of two intervals
//! (`=`, `<`, …, BETWEEN, an IN list, CASE x WHEN) compares their lengths (`$interval_length`),
//! and one of days with one of months, where the query tells them apart, is refused as Trino
//! refuses it. (Sorting, grouping, DISTINCT, joins USING, `greatest` and `nullif` still read the
//! engine's fields.)

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{ArrayRef, AsArray, Decimal128Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type, IntervalMonthDayNanoType, IntervalUnit, TimeUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{plan_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::{InList, ScalarFunction};
use datafusion::logical_expr::{Between, BinaryExpr, Case, Cast, Expr, ExprSchemable, ScalarUDF};

use super::mixed_types::is_comparison;
use super::rules::ExpressionRule;
use super::types::is_interval;
use super::udf::{Call, Trino};

pub const INTERVAL_ORDER: ExpressionRule = ExpressionRule { name: "trino_interval_order", rewrite: by_length };

/// `$interval_length(i)`: an interval's length in nanoseconds, a month 30 days (Trino's
/// year-to-month and day-to-second intervals never meet, so a month's length only orders
/// months).
const LENGTH: &str = "$interval_length";

static LENGTH_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Trino::udf(LENGTH, length_type, length)));

pub fn functions() -> Vec<ScalarUDF> {
    vec![LENGTH_UDF.as_ref().clone()]
}

fn by_length(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let interval = |e: &Expr| e.get_type(schema).is_ok_and(|t| is_interval(&t));
    // A difference of timestamps the engine cast to an interval is measured as it was: the cast
    // fails past 292 years apart.
    let length = |e: Box<Expr>| {
        let e = match *e {
            Expr::Cast(Cast { expr, .. }) if matches!(expr.get_type(schema), Ok(DataType::Duration(_))) => *expr,
            e => e,
        };
        Box::new(Expr::ScalarFunction(ScalarFunction::new_udf(LENGTH_UDF.clone(), vec![e])))
    };
    match expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right })
            if is_comparison(&op) && interval(&left) && interval(&right) =>
        {
            if let (Some(a), Some(b)) = (kind(&left, schema), kind(&right, schema)) {
                if a != b {
                    let op = super::mixed_types::trino_operator(&op);
                    return plan_err!("TYPE_MISMATCH: Cannot apply operator: {a} {op} {b}");
                }
            }
            Ok(Transformed::yes(Expr::BinaryExpr(BinaryExpr { left: length(left), op, right: length(right) })))
        }
        Expr::Between(Between { expr, negated, low, high }) if interval(&expr) && interval(&low) && interval(&high) => {
            Ok(Transformed::yes(Expr::Between(Between {
                expr: length(expr),
                negated,
                low: length(low),
                high: length(high),
            })))
        }
        Expr::InList(InList { expr, list, negated }) if interval(&expr) && list.iter().all(interval) => {
            let list = list.into_iter().map(|item| *length(Box::new(item))).collect();
            Ok(Transformed::yes(Expr::InList(InList { expr: length(expr), list, negated })))
        }
        // CASE x WHEN: the operand and its WHENs compared.
        Expr::Case(Case { expr: Some(operand), when_then_expr, else_expr })
            if interval(&operand) && when_then_expr.iter().all(|(when, _)| interval(when)) =>
        {
            let when_then_expr = when_then_expr.into_iter().map(|(when, then)| (length(when), then)).collect();
            Ok(Transformed::yes(Expr::Case(Case { expr: Some(length(operand)), when_then_expr, else_expr })))
        }
        expr => Ok(Transformed::no(expr)),
    }
}

/// Trino's name of an interval of days and time, and of one of months and years.
pub(super) const DAYS: &str = "interval day to second";
pub(super) const MONTHS: &str = "interval year to month";

/// Trino's kind of an interval, where the query tells it: a difference of timestamps and a
/// literal of days or time are `interval day to second`, a literal of months or years `interval
/// year to month`, which Trino does not compare with each other.
pub(super) fn kind(e: &Expr, schema: &DFSchema) -> Option<&'static str> {
    let inner = match e {
        Expr::Cast(Cast { expr, .. }) => expr.as_ref(),
        // An interval times or over a number is of its interval's kind.
        Expr::ScalarFunction(ScalarFunction { func, args }) if super::interval_arithmetic::is_scaling(func.name()) => {
            return args.first().and_then(|interval| kind(interval, schema));
        }
        e => e,
    };
    match (inner, inner.get_type(schema).ok()?) {
        (_, DataType::Duration(_) | DataType::Interval(IntervalUnit::DayTime)) => Some(DAYS),
        (_, DataType::Interval(IntervalUnit::YearMonth)) => Some(MONTHS),
        (Expr::Literal(ScalarValue::IntervalMonthDayNano(Some(i)), _), _) => match (i.months, i.days, i.nanoseconds) {
            (0, 0, 0) => None,
            (0, _, _) => Some(DAYS),
            (_, 0, 0) => Some(MONTHS),
            _ => None,
        },
        _ => None,
    }
}

fn length_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Interval(_) | DataType::Duration(_)] => Ok(DataType::Decimal128(38, 0)),
        _ => call.mismatch("$interval_length(interval)"),
    }
}

fn length(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    const DAY: i128 = super::datetime::NS_PER_DAY;
    let values = &args[0];
    // Each read in its own unit, in 128 bits: a difference of timestamps far apart does not fit
    // the engine's interval of nanoseconds.
    let lengths: Decimal128Array = match values.data_type() {
        DataType::Duration(unit) => {
            let per = match unit {
                TimeUnit::Second => 1_000_000_000,
                TimeUnit::Millisecond => 1_000_000,
                TimeUnit::Microsecond => 1_000,
                TimeUnit::Nanosecond => 1,
            };
            let values = cast(values, &DataType::Int64)?;
            values.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| i128::from(v) * per)).collect()
        }
        _ => cast(values, &DataType::Interval(IntervalUnit::MonthDayNano))?
            .as_primitive::<IntervalMonthDayNanoType>()
            .iter()
            .map(|i| i.map(|i| i128::from(i.months) * 30 * DAY + i128::from(i.days) * DAY + i128::from(i.nanoseconds)))
            .collect(),
    };
    Ok(Arc::new(lengths.with_precision_and_scale(38, 0)?))
}
