//! Trino's rounding functions, which keep their argument's type: `ceil(2)` is the integer 2
//! where DataFusion's answers the double 2.0, and `sign(-5)` is -1, not -1.0. `ceiling` and
//! `truncate` are Trino's names; `sign` is DataFusion's `signum` without its turn to doubles.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, Float64Array, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::udf::{Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("ceil", same_number, |args, kind| rounded(args, kind, f64::ceil)),
        Trino::udf("ceiling", same_number, |args, kind| rounded(args, kind, f64::ceil)),
        Trino::udf("floor", same_number, |args, kind| rounded(args, kind, f64::floor)),
        Trino::udf("truncate", same_number, |args, kind| rounded(args, kind, f64::trunc)),
        Trino::udf("sign", same_number, sign),
    ]
}

/// One number in, the same type out; NULL is taken as a double, as Trino types it.
fn same_number(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if kind.is_integer() || kind.is_floating() => Ok(kind.clone()),
        [DataType::Null] => Ok(DataType::Float64),
        [kind] if kind.is_numeric() => Ok(DataType::Float64),
        _ => call.mismatch(&format!("{}(double), {}(bigint), {}(decimal(p,s))", call.name, call.name, call.name)),
    }
}

/// An integer is its own ceiling, floor and truncation; the rest is rounded as a double.
fn rounded(args: &[ArrayRef], kind: &DataType, round: fn(f64) -> f64) -> Result<ArrayRef> {
    if kind.is_integer() {
        return Ok(args[0].clone());
    }
    let values: Float64Array = doubles(&args[0])?.iter().map(|v| v.map(round)).collect();
    Ok(cast(&values, kind)?)
}

/// -1, 0 or 1 in the argument's type; a double's NaN stays NaN.
fn sign(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let answer: ArrayRef = if kind.is_integer() {
        let values = cast(&args[0], &DataType::Int64)?;
        let Some(values) = values.as_any().downcast_ref::<Int64Array>() else { return exec_err!("expected integers") };
        Arc::new(values.iter().map(|v| v.map(i64::signum)).collect::<Int64Array>())
    } else {
        let signs: Float64Array = doubles(&args[0])?
            .iter()
            .map(|v| {
                v.map(|v| match v {
                    v if v > 0.0 => 1.0,
                    v if v < 0.0 => -1.0,
                    v => v, // ±0 and NaN
                })
            })
            .collect();
        Arc::new(signs)
    };
    Ok(cast(&answer, kind)?)
}

fn doubles(values: &ArrayRef) -> Result<Float64Array> {
    let values = cast(values, &DataType::Float64)?;
    match values.as_any().downcast_ref::<Float64Array>() {
        Some(values) => Ok(values.clone()),
        None => exec_err!("expected numbers"),
    }
}
