//! Trino's arrays made from a count, each bounded at 10,000 entries as Trino bounds them, and
//! refused before they are made: `repeat(x, n)`, an array of `n` times `x` (DataFusion's repeats
//! text, and `repeat('x', 2000000000)` gathered gigabytes), and `sequence(start, stop[, step])`,
//! DataFusion's `generate_series` (`sequence(1, 100000000)` ran past 30 s).

use std::sync::Arc;

use chrono::Datelike;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, IntervalMonthDayNanoType, IntervalUnit};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature};

use super::nested::{list, pick};
use super::udf::{integers, is_integer, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    let series = datafusion::functions_nested::range::gen_series_udf().as_ref().clone();
    vec![ScalarUDF::new_from_impl(Sequence { series }), Trino::udf("repeat", repeat_type, repeat)]
}

/// Trino's bound on the entries of `sequence`'s arrays.
const MOST_ENTRIES: i128 = 10_000;

/// Trino's `sequence(start, stop[, step])`: DataFusion's `generate_series`, once each row's count
/// of entries is known to be within Trino's bound.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Sequence {
    series: ScalarUDF,
}

impl ScalarUDFImpl for Sequence {
    fn name(&self) -> &str {
        "sequence"
    }

    fn signature(&self) -> &Signature {
        self.series.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.series.return_type(arg_types)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.args.iter().find_map(|a| match a {
            ColumnarValue::Array(a) => Some(a.len()),
            ColumnarValue::Scalar(_) => None,
        });
        let arrays = args.args.iter().map(|a| a.to_array(rows.unwrap_or(1))).collect::<Result<Vec<_>>>()?;
        for row in 0..rows.unwrap_or(1) {
            if entries(&arrays, row)?.is_some_and(|n| n > MOST_ENTRIES) {
                return exec_err!(
                    "INVALID_FUNCTION_ARGUMENT: result of sequence function must not have more than {MOST_ENTRIES} entries"
                );
            }
        }
        self.series.invoke_with_args(args)
    }
}

/// How many entries `sequence` makes of row `row` (None when an argument is NULL); Trino's
/// refusal of a step of 0, or of one that leads away from the stop.
fn entries(args: &[ArrayRef], row: usize) -> Result<Option<i128>> {
    let value = |i: usize, kind: &DataType| -> Result<Option<i64>> {
        let Some(array) = args.get(i) else { return Ok(None) };
        let array = cast(&array.slice(row, 1), kind)?;
        let array = array.as_any().downcast_ref::<Int64Array>().cloned().or_else(|| {
            cast(&array, &DataType::Int64).ok().and_then(|a| a.as_any().downcast_ref::<Int64Array>().cloned())
        });
        Ok(array.filter(|a| !a.is_null(0)).map(|a| a.value(0)))
    };
    let Some(first) = args.first() else { return Ok(None) };
    let (start, stop, step) = if first.data_type().is_integer() {
        let (a, b, step) = match args.len() {
            1 => (Some(0), value(0, &DataType::Int64)?, Some(1)),
            _ => (
                value(0, &DataType::Int64)?,
                value(1, &DataType::Int64)?,
                if args.len() > 2 { value(2, &DataType::Int64)? } else { Some(1) },
            ),
        };
        (a, b, step)
    } else {
        // Dates and timestamps by an interval: fixed lengths in milliseconds, months by months.
        let millis = DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Millisecond, None);
        let (a, b) = (value(0, &millis)?, value(1, &millis)?);
        let Some(step) = args.get(2) else { return Ok(None) };
        let step = cast(&step.slice(row, 1), &DataType::Interval(IntervalUnit::MonthDayNano))?;
        let step = step.as_primitive::<IntervalMonthDayNanoType>();
        if step.is_null(0) {
            return Ok(None);
        }
        let step = step.value(0);
        if step.months != 0 {
            let month =
                |ms: i64| chrono::DateTime::from_timestamp_millis(ms).map(|t| t.year() as i64 * 12 + t.month0() as i64);
            let (a, b) = (a.and_then(month), b.and_then(month));
            (a, b, Some(step.months as i64))
        } else {
            (a, b, Some(step.days as i64 * 86_400_000 + step.nanoseconds / 1_000_000))
        }
    };
    let (Some(start), Some(stop), Some(step)) = (start, stop, step) else { return Ok(None) };
    if step == 0 {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: step must not be zero");
    }
    let span = i128::from(stop) - i128::from(start);
    if span.signum() * i128::from(step.signum()) < 0 {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: sequence stop value should be greater than or equal to start value if step is greater than zero otherwise stop should be less than or equal to start");
    }
    Ok(Some(span / i128::from(step) + 1))
}

/// Trino's bound on `repeat`'s count.
const MOST_REPEATS: i64 = 10_000;

fn repeat_type(call: &Call) -> Result<DataType> {
    match call.types {
        [x, n] if is_integer(n) => Ok(DataType::List(Arc::new(Field::new("item", x.clone(), true)))),
        _ => call.mismatch("repeat(T, bigint)"),
    }
}

/// `repeat(x, n)`: each row's `x`, `n` times, as an array.
fn repeat(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let counts = integers(args, 1)?;
    let (mut lengths, mut picks, mut valid) = (Vec::new(), Vec::new(), Vec::new());
    for (row, count) in counts.iter().enumerate() {
        let count = count.unwrap_or(0);
        if count < 0 {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: count argument of repeat function must be greater than or equal to 0"
            );
        }
        if count > MOST_REPEATS {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: count argument of repeat function must be less than or equal to {MOST_REPEATS}");
        }
        lengths.push(count as usize);
        valid.push(!counts.is_null(row));
        picks.extend(std::iter::repeat_n(Some(row as u32), count as usize));
    }
    list(kind, lengths, pick(&args[0], picks)?, valid)
}
