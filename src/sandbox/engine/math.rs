//! Trino's rounding functions, which keep their argument's kind: `ceil(2)` is the integer 2
//! where DataFusion's answers the double 2.0, `sign(-5)` is -1, not -1.0, and a decimal is
//! rounded exactly, to a decimal of scale 0 (`floor(decimal(20,2))` is a `decimal(19,0)`).
//! `ceiling` and `truncate` are Trino's names. Also `is_finite`, `is_infinite`, and
//! `width_bucket(x, bound1, bound2, n)` (the bucket of `x` among `n` equal ones between the
//! bounds, 0 below and `n + 1` above) and `width_bucket(x, bins)` (how many of the sorted `bins`
//! are at most `x`). And `sqrt` and `power` (`pow`), Java's: NaN for a negative's root.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Decimal128Array, Float64Array, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::decimals::MOST_DIGITS;
use super::udf::{integers, is_integer, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("ceil", rounded_type, |args, kind| rounded(args, kind, Round::Up)),
        Trino::udf("ceiling", rounded_type, |args, kind| rounded(args, kind, Round::Up)),
        Trino::udf("floor", rounded_type, |args, kind| rounded(args, kind, Round::Down)),
        Trino::udf("truncate", rounded_type, |args, kind| rounded(args, kind, Round::TowardZero)),
        Trino::udf("sign", sign_type, sign),
        Trino::udf("is_finite", floating_test, |args, _| tested(args, f64::is_finite)),
        Trino::udf("is_infinite", floating_test, |args, _| tested(args, f64::is_infinite)),
        Trino::udf("width_bucket", width_bucket_type, width_bucket),
        Trino::udf(RANDOM_SPAN, random_span_type, random_span),
        // Java's `Math.sqrt` and `Math.pow`: NaN for a negative's root, an infinity for 0 to a
        // negative power (DataFusion's refuse both, as PostgreSQL does).
        Trino::udf(
            "sqrt",
            |call| of_doubles(call, "sqrt(double)"),
            |args, _| Ok(Arc::new(doubles(&args[0])?.iter().map(|v| v.map(f64::sqrt)).collect::<Float64Array>())),
        ),
        Trino::udf("power", |call| of_doubles(call, "power(double, double)"), power),
        Trino::udf("pow", |call| of_doubles(call, "pow(double, double)"), power),
    ]
}

/// `$random_span(n)`: `n`, the bound of `random(n)`, which must be above 0; `$random_span(m, n)`:
/// `n - m`, the span of `random(m, n)`, where `m` must be below `n`. Refused as Trino refuses.
pub const RANDOM_SPAN: &str = "$random_span";

fn random_span_type(call: &Call) -> Result<DataType> {
    match call.types {
        [n] if is_integer(n) => Ok(DataType::Int64),
        [m, n] if is_integer(m) && is_integer(n) => Ok(DataType::Int64),
        _ => call.mismatch("random(bigint), random(bigint, bigint)"),
    }
}

fn random_span(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let stops = integers(args, args.len() - 1)?;
    let starts = if args.len() > 1 { Some(integers(args, 0)?) } else { None };
    let mut out = Vec::with_capacity(stops.len());
    for i in 0..stops.len() {
        let start = starts.as_ref().map(|s| s.is_valid(i).then(|| s.value(i)));
        let stop = stops.is_valid(i).then(|| stops.value(i));
        out.push(match (start, stop) {
            (None, Some(n)) if n <= 0 => return exec_err!("INVALID_FUNCTION_ARGUMENT: bound must be positive"),
            (None, Some(n)) => Some(n),
            (Some(Some(m)), Some(n)) if m >= n => {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: start value must be less than stop value")
            }
            (Some(Some(m)), Some(n)) => n.checked_sub(m),
            _ => None,
        });
    }
    Ok(Arc::new(Int64Array::from(out)))
}

fn width_bucket_type(call: &Call) -> Result<DataType> {
    let number = |kind: &DataType| kind.is_numeric() || matches!(kind, DataType::Null);
    match call.types {
        [x, a, b, n] if number(x) && number(a) && number(b) && super::udf::is_integer(n) => Ok(DataType::Int64),
        [x, bins] if number(x) && super::nested::item(bins).is_some_and(number) => Ok(DataType::Int64),
        _ => call.mismatch("width_bucket(double, double, double, bigint), width_bucket(double, array(double))"),
    }
}

fn width_bucket(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let x = doubles(&args[0])?;
    let mut out = Vec::with_capacity(x.len());
    if let [_, bins] = args {
        let values = doubles(&super::nested::list_values(bins.as_ref())?)?;
        for row in 0..x.len() {
            let Some((start, end)) = super::nested::bounds(bins.as_ref(), row).filter(|_| x.is_valid(row)) else {
                out.push(None);
                continue;
            };
            if (start..end).any(|j| values.is_null(j)) {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: Bin values cannot be NULL");
            }
            out.push(Some((start..end).filter(|&j| values.value(j) <= x.value(row)).count() as i64));
        }
        return Ok(Arc::new(Int64Array::from(out)));
    }
    let (low, high, counts) = (doubles(&args[1])?, doubles(&args[2])?, super::udf::integers(args, 3)?);
    for row in 0..x.len() {
        if x.is_null(row) || low.is_null(row) || high.is_null(row) || counts.is_null(row) {
            out.push(None);
            continue;
        }
        out.push(Some(bucket(x.value(row), low.value(row), high.value(row), counts.value(row))?));
    }
    Ok(Arc::new(Int64Array::from(out)))
}

/// Trino's `width_bucket(x, bound1, bound2, n)`, its checks in its order.
fn bucket(x: f64, bound1: f64, bound2: f64, count: i64) -> Result<i64> {
    if count <= 0 {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: bucketCount must be greater than 0");
    }
    if x.is_nan() {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: operand must not be NaN");
    }
    if !bound1.is_finite() {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: first bound must be finite");
    }
    if !bound2.is_finite() {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: second bound must be finite");
    }
    if bound1 == bound2 {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: bounds cannot equal each other");
    }
    // Buckets count from bound1 towards bound2, either way round.
    let ascending = bound1 < bound2;
    let (before, after) = if ascending { (x < bound1, x >= bound2) } else { (x > bound1, x <= bound2) };
    Ok(if before {
        0
    } else if after {
        count + 1
    } else {
        ((x - bound1) / (bound2 - bound1) * count as f64) as i64 + 1
    })
}

#[derive(Clone, Copy)]
enum Round {
    Up,
    Down,
    TowardZero,
    /// To the nearest, a half away from zero (Trino's cast of a fraction to a whole number).
    Nearest,
}

impl Round {
    fn double(self, v: f64) -> f64 {
        match self {
            Round::Up => v.ceil(),
            Round::Down => v.floor(),
            Round::TowardZero => v.trunc(),
            Round::Nearest => v.round(),
        }
    }

    /// `v` (of scale `scale`) rounded to a whole number, exactly.
    fn decimal(self, v: i128, scale: u32) -> i128 {
        let unit = 10i128.pow(scale);
        match self {
            Round::Up => -(-v).div_euclid(unit),
            Round::Down => v.div_euclid(unit),
            Round::TowardZero => v / unit,
            Round::Nearest if (v % unit).abs() * 2 >= unit => v / unit + v.signum(),
            Round::Nearest => v / unit,
        }
    }
}

/// Numbers with a fraction rounded to the nearest whole number, a half away from zero, as
/// Trino's cast to a whole-number type rounds them; of their own type (a decimal's of scale 0).
pub(super) fn nearest_whole(values: &ArrayRef) -> Result<ArrayRef> {
    let kind = match values.data_type() {
        DataType::Decimal128(p, s) if *s > 0 => DataType::Decimal128((*p - *s as u8 + 1).min(MOST_DIGITS), 0),
        kind => kind.clone(),
    };
    rounded(std::slice::from_ref(values), &kind, Round::Nearest)
}

fn usage(call: &Call) -> String {
    format!("{0}(double), {0}(bigint), {0}(decimal(p,s))", call.name)
}

/// An integer or a floating type is kept; a decimal(p, s) becomes decimal(p - s + 1, 0), as
/// Trino's (the whole part, and one digit a carry may need); NULL is taken as a double.
fn rounded_type(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if kind.is_integer() || kind.is_floating() => Ok(kind.clone()),
        [DataType::Decimal128(p, s)] if *s > 0 => Ok(DataType::Decimal128((*p - *s as u8 + 1).min(MOST_DIGITS), 0)),
        [kind @ DataType::Decimal128(_, _)] => Ok(kind.clone()),
        [DataType::Null] => Ok(DataType::Float64),
        [kind] if kind.is_numeric() => Ok(DataType::Float64),
        _ => call.mismatch(&usage(call)),
    }
}

fn sign_type(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if kind.is_integer() || kind.is_floating() => Ok(kind.clone()),
        // Trino's sign of a decimal is a decimal(1,0).
        [DataType::Decimal128(_, _)] => Ok(DataType::Decimal128(1, 0)),
        [DataType::Null] => Ok(DataType::Float64),
        [kind] if kind.is_numeric() => Ok(DataType::Float64),
        _ => call.mismatch(&usage(call)),
    }
}

/// An integer is its own ceiling, floor and truncation; a decimal is rounded exactly; the rest
/// is rounded as a double.
fn rounded(args: &[ArrayRef], kind: &DataType, round: Round) -> Result<ArrayRef> {
    if kind.is_integer() {
        return Ok(args[0].clone());
    }
    if let DataType::Decimal128(_, scale) = args[0].data_type() {
        let scale = (*scale).max(0) as u32;
        let values = decimals(&args[0])?;
        let whole: Decimal128Array = values.iter().map(|v| v.map(|v| round.decimal(v, scale))).collect();
        return Ok(Arc::new(whole.with_data_type(kind.clone())));
    }
    let values: Float64Array = doubles(&args[0])?.iter().map(|v| v.map(|v| round.double(v))).collect();
    Ok(cast(&values, kind)?)
}

/// -1, 0 or 1 in the argument's type (a decimal's as a decimal(1,0)); a double's NaN stays NaN.
fn sign(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let answer: ArrayRef = if kind.is_integer() {
        let values = cast(&args[0], &DataType::Int64)?;
        let Some(values) = values.as_any().downcast_ref::<Int64Array>() else { return exec_err!("expected integers") };
        Arc::new(values.iter().map(|v| v.map(i64::signum)).collect::<Int64Array>())
    } else if let DataType::Decimal128(_, _) = kind {
        let signs: Decimal128Array = decimals(&args[0])?.iter().map(|v| v.map(i128::signum)).collect();
        Arc::new(signs.with_data_type(kind.clone()))
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

/// A double, of numbers (each read as a double) as many as `usage` takes.
fn of_doubles(call: &Call, usage: &str) -> Result<DataType> {
    let numbers = call.types.iter().all(|kind| kind.is_numeric() || matches!(kind, DataType::Null));
    if numbers && call.types.len() == usage.matches("double").count() {
        Ok(DataType::Float64)
    } else {
        call.mismatch(usage)
    }
}

fn power(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let (bases, exponents) = (doubles(&args[0])?, doubles(&args[1])?);
    let powers: Float64Array = bases.iter().zip(exponents.iter()).map(|(b, e)| Some(java_pow(b?, e?))).collect();
    Ok(Arc::new(powers))
}

/// Java's `Math.pow`, which differs from C's where the exponent is NaN, or infinite over a base
/// of ±1: NaN (C's `pow(1, NaN)` is 1).
fn java_pow(base: f64, exponent: f64) -> f64 {
    if exponent.is_nan() || (base.abs() == 1.0 && exponent.is_infinite()) {
        return f64::NAN;
    }
    base.powf(exponent)
}

fn floating_test(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if kind.is_numeric() || matches!(kind, DataType::Null) => Ok(DataType::Boolean),
        _ => call.mismatch(&format!("{}(double)", call.name)),
    }
}

fn tested(args: &[ArrayRef], test: fn(f64) -> bool) -> Result<ArrayRef> {
    let answers: BooleanArray = doubles(&args[0])?.iter().map(|v| v.map(test)).collect();
    Ok(Arc::new(answers))
}

pub(super) fn doubles(values: &ArrayRef) -> Result<Float64Array> {
    let values = cast(values, &DataType::Float64)?;
    match values.as_any().downcast_ref::<Float64Array>() {
        Some(values) => Ok(values.clone()),
        None => exec_err!("expected numbers"),
    }
}

fn decimals(values: &ArrayRef) -> Result<Decimal128Array> {
    match values.as_any().downcast_ref::<Decimal128Array>() {
        Some(values) => Ok(values.clone()),
        None => exec_err!("expected decimals"),
    }
}
