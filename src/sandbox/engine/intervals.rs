//! Intervals compared as Trino compares them: a day-to-second interval by its length, a
//! year-to-month one by its months. The engine's intervals keep months, days and nanoseconds
//! apart and compare field by field, and a difference of timestamps is all nanoseconds, so
//! `INTERVAL '1' DAY = INTERVAL '24' HOUR` was false and `now() - event_time < INTERVAL '1' DAY`
//! held for every row. Once the engine has typed the query, each comparison of two intervals
//! (`=`, `<`, …, BETWEEN) compares their lengths (`$interval_length`).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{ArrayRef, AsArray, Decimal128Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, IntervalMonthDayNanoType, IntervalUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::{Between, BinaryExpr, Expr, ExprSchemable, ScalarUDF};

use super::mixed_types::is_comparison;
use super::rules::ExpressionRule;
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
    let interval = |e: &Expr| matches!(e.get_type(schema), Ok(DataType::Interval(_) | DataType::Duration(_)));
    let length = |e: Box<Expr>| Box::new(Expr::ScalarFunction(ScalarFunction::new_udf(LENGTH_UDF.clone(), vec![*e])));
    match expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right })
            if is_comparison(&op) && interval(&left) && interval(&right) =>
        {
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
        expr => Ok(Transformed::no(expr)),
    }
}

fn length_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Interval(_) | DataType::Duration(_)] => Ok(DataType::Decimal128(38, 0)),
        _ => call.mismatch("$interval_length(interval)"),
    }
}

fn length(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    const DAY: i128 = 86_400_000_000_000;
    let intervals = cast(&args[0], &DataType::Interval(IntervalUnit::MonthDayNano))?;
    let lengths: Decimal128Array = intervals
        .as_primitive::<IntervalMonthDayNanoType>()
        .iter()
        .map(|i| i.map(|i| i128::from(i.months) * 30 * DAY + i128::from(i.days) * DAY + i128::from(i.nanoseconds)))
        .collect();
    Ok(Arc::new(lengths.with_precision_and_scale(38, 0)?))
}
