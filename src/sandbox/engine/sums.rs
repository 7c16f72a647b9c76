//! `sum` and `avg` in Trino's types, the finishing functions of `aggregates`' forms of them:
//! - `sum(x)` is `"$sum_like"(sum("$summed"(x)), min(x))`: integers added as decimals of 38
//!   digits and decimals in 76, then the sum in Trino's type, one past it refused;
//! - `avg(x)` is `"$mean_like"(avg("$averaged"(x)), min(x), max(x))`: intervals averaged in their
//!   milliseconds or months, then the mean in `x`'s type.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, DurationMillisecondArray, Float64Array, IntervalMonthDayNanoArray,
};
use datafusion::arrow::compute::{cast, cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{
    DataType, Float64Type, IntervalMonthDayNano, IntervalMonthDayNanoType, IntervalUnit, TimeUnit,
};
use datafusion::common::{exec_err, plan_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::datetime;
use super::udf::{is_integer, Call, Trino};

pub(super) const MEAN_LIKE: &str = "$mean_like";
pub(super) const AVERAGED: &str = "$averaged";
pub(super) const SUMMED: &str = "$summed";
pub(super) const SUM_LIKE: &str = "$sum_like";

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf(MEAN_LIKE, mean_like_type, mean_like),
        Trino::udf(AVERAGED, averaged_type, averaged),
        Trino::udf(SUMMED, summed_type, |args, kind| Ok(cast(&args[0], kind)?)),
        Trino::udf(SUM_LIKE, sum_like_type, sum_like),
    ]
}

/// `"$mean_like"(mean, like)`: a mean of decimals in their type (rounded half away from zero, as
/// Trino's); any other mean as it is.
fn mean_like_type(call: &Call) -> Result<DataType> {
    match call.types {
        [_, like @ (DataType::Decimal128(_, _) | DataType::Interval(_) | DataType::Duration(_) | DataType::Float32), _] => {
            Ok(like.clone())
        }
        [mean, _, _] => Ok(mean.clone()),
        _ => plan_err!("avg takes one value"),
    }
}

/// The mean in `x`'s type: a decimal's cut to its scale, a real's a real (Trino's
/// `RealAverageAggregation`), an interval's rounded half up to its
/// unit as Trino's `avg` of intervals rounds it (`IntervalDayToSecondAverageAggregation`,
/// `IntervalYearToMonthAverageAggregation`): months where the least or the greatest value has
/// some (a year to month interval), else milliseconds.
fn mean_like(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let means = match (kind, args[0].as_primitive_opt::<Float64Type>()) {
        (DataType::Duration(_) | DataType::Interval(_), Some(means)) => means,
        _ => return Ok(cast(&args[0], kind)?),
    };
    if let DataType::Duration(_) = kind {
        let millis: DurationMillisecondArray =
            means.iter().map(|mean| mean.map(|mean| (mean + 0.5).floor() as i64)).collect();
        return Ok(cast(&millis, kind)?);
    }
    let [least, most] = [&args[1], &args[2]].map(|values| values.as_primitive_opt::<IntervalMonthDayNanoType>());
    let intervals: IntervalMonthDayNanoArray = (0..means.len())
        .map(|row| {
            let mean = (!means.is_null(row)).then(|| (means.value(row) + 0.5).floor())?;
            let months =
                [least, most].iter().flatten().any(|values| !values.is_null(row) && values.value(row).months != 0);
            if months {
                Some(IntervalMonthDayNano::new(mean as i32, 0, 0))
            } else {
                datetime::day_time(mean as i128 * 1_000_000)
            }
        })
        .collect();
    Ok(Arc::new(intervals))
}

/// What `sum` adds of `x`: integers as decimals of 38 digits and decimals in 76, which hold any
/// sum Trino answers, so that one past its type fails as Trino's does (the engine's sum of
/// bigints wrapped, `9223372036854775807 + 1` was `-9223372036854775808`, and a sum of decimals
/// past 38 digits was a tenth of itself); any other value as it is.
fn summed_type(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_integer(kind) => Ok(DataType::Decimal128(38, 0)),
        [DataType::Decimal128(precision, scale)] => Ok(DataType::Decimal256(*precision, *scale)),
        [kind] => Ok(kind.clone()),
        _ => plan_err!("sum takes one value"),
    }
}

/// `"$sum_like"(sum, like)`: the sum in Trino's type for `like`'s (`min(x)`): a bigint for
/// integers, `decimal(38, s)` for decimals of scale `s`, a real for reals
/// (`BigintSumAggregation`, `DecimalSumAggregation`, `RealSumAggregation`).
fn sum_like_type(call: &Call) -> Result<DataType> {
    match call.types {
        [_, like] if is_integer(like) => Ok(DataType::Int64),
        [_, DataType::Decimal128(_, scale)] => Ok(DataType::Decimal128(38, *scale)),
        [_, DataType::Float32] => Ok(DataType::Float32),
        [sum, _] => Ok(sum.clone()),
        _ => plan_err!("sum takes one value"),
    }
}

fn sum_like(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let too_large = match kind {
        DataType::Int64 => "bigint addition overflow",
        DataType::Decimal128(_, _) => "Decimal overflow",
        _ => return Ok(cast(&args[0], kind)?),
    };
    // A cast that does not fit is NULL, where the sum was not.
    let options = CastOptions { safe: true, ..Default::default() };
    let sums = cast_with_options(&args[0], kind, &options)?;
    if sums.null_count() > args[0].null_count() {
        return exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: {too_large}");
    }
    Ok(sums)
}

/// What `avg` averages of `x`: an interval's months or milliseconds (Trino's units, which the
/// engine's `avg` does not take, or cuts where Trino rounds), any other value as it is.
fn averaged_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Interval(_) | DataType::Duration(_)] => Ok(DataType::Float64),
        [kind] => Ok(kind.clone()),
        _ => plan_err!("avg takes one value"),
    }
}

fn averaged(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    if let DataType::Duration(_) = args[0].data_type() {
        let millis = cast(&cast(&args[0], &DataType::Duration(TimeUnit::Millisecond))?, &DataType::Int64)?;
        return Ok(cast(&millis, &DataType::Float64)?);
    }
    if kind != &DataType::Float64 || !matches!(args[0].data_type(), DataType::Interval(_)) {
        return Ok(args[0].clone());
    }
    let intervals = cast(&args[0], &DataType::Interval(IntervalUnit::MonthDayNano))?;
    let units: Float64Array = intervals
        .as_primitive::<IntervalMonthDayNanoType>()
        .iter()
        .map(|interval| {
            interval.map(|i| if i.months != 0 { f64::from(i.months) } else { datetime::day_time_millis(&i) as f64 })
        })
        .collect();
    Ok(Arc::new(units))
}
