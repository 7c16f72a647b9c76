//! Trino's arrays made from a count, each bounded at 10,000 entries as Trino bounds them, and
//! refused before they are made: `repeat(x, n)`, an array of `n` times `x` (DataFusion's repeats
//! text, and `repeat('x', 2000000000)` gathered gigabytes), and `sequence(start, stop[, step])`,
//! DataFusion's `generate_series` (`sequence(1, 100000000)` ran past 30 s).

use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Date32Builder, Int64Array, IntervalMonthDayNanoArray, ListBuilder, PrimitiveArray,
    TimestampMicrosecondBuilder, TimestampMillisecondBuilder,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    ArrowTimestampType, DataType, Date32Type, Field, FieldRef, Int64Type, IntervalMonthDayNano,
    IntervalMonthDayNanoType, IntervalUnit, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature};

use super::datetime::MS_PER_DAY;
use super::nested::{list, pick};
use super::types::TIMESTAMP;
use super::udf::{integers, is_integer, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    let series = datafusion::functions_nested::range::gen_series_udf().as_ref().clone();
    // DataFusion's forms, and Trino's `sequence(date, date)`, a day a step.
    let mut forms = match &series.signature().type_signature {
        TypeSignature::OneOf(forms) => forms.clone(),
        form => vec![form.clone()],
    };
    forms.push(TypeSignature::Exact(vec![DataType::Date32, DataType::Date32]));
    // A zoneless timestamp's, as it is (DataFusion's forms make it nanoseconds, which hold no year
    // before 1677 nor after 2262): `by_fixed_steps` and `dates_by_months` answer it.
    forms.insert(0, TypeSignature::Exact(vec![TIMESTAMP, TIMESTAMP, DataType::Interval(IntervalUnit::MonthDayNano)]));
    let signature = Signature::one_of(forms, series.signature().volatility);
    vec![ScalarUDF::new_from_impl(Sequence { series, signature }), Trino::udf("repeat", repeat_type, repeat)]
}

/// Trino's bound on the entries of the arrays `sequence` and `repeat` make.
const MOST_ENTRIES: i64 = 10_000;

/// Trino's `sequence(start, stop[, step])`: DataFusion's `generate_series`, once each row's count
/// of entries is known to be within Trino's bound.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Sequence {
    series: ScalarUDF,
    signature: Signature,
}

impl ScalarUDFImpl for Sequence {
    fn name(&self) -> &str {
        "sequence"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        if arg_types.first() == Some(&TIMESTAMP) {
            return Ok(DataType::List(Arc::new(Field::new_list_field(TIMESTAMP, true))));
        }
        self.series.return_type(arg_types)
    }

    fn invoke_with_args(&self, mut args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        if let [start, _, step] = args.args.as_mut_slice() {
            if start.data_type() == DataType::Date32 {
                *step = ColumnarValue::Array(date_steps(&step.to_array(args.number_rows)?)?);
                let field = Field::new("step", DataType::Interval(IntervalUnit::MonthDayNano), true);
                args.arg_fields[2] = Arc::new(field);
            }
        }
        if let [start, stop] = args.args.as_slice() {
            if start.data_type() == DataType::Date32 {
                // Trino's dates from start to stop: a day forward, or back when stop is before.
                let (start, stop) = (start.to_array(args.number_rows)?, stop.to_array(args.number_rows)?);
                let (start, stop) = (start.as_primitive::<Date32Type>(), stop.as_primitive::<Date32Type>());
                let day = |row: usize| {
                    let back = start.is_valid(row) && stop.is_valid(row) && stop.value(row) < start.value(row);
                    IntervalMonthDayNano::new(0, if back { -1 } else { 1 }, 0)
                };
                let steps: IntervalMonthDayNanoArray = (0..start.len()).map(|row| Some(day(row))).collect();
                args.args.push(ColumnarValue::Array(Arc::new(steps)));
                let step = Field::new("step", DataType::Interval(IntervalUnit::MonthDayNano), true);
                args.arg_fields.push(Arc::new(step));
            } else if start.data_type() == DataType::Int64 {
                // Trino's whole numbers from start to stop: one up, or one down when stop is below.
                let (start, stop) = (start.to_array(args.number_rows)?, stop.to_array(args.number_rows)?);
                let (start, stop) = (start.as_primitive::<Int64Type>(), stop.as_primitive::<Int64Type>());
                let down = |row: usize| start.is_valid(row) && stop.is_valid(row) && stop.value(row) < start.value(row);
                let steps: Int64Array = (0..start.len()).map(|row| Some(if down(row) { -1 } else { 1 })).collect();
                args.args.push(ColumnarValue::Array(Arc::new(steps)));
                args.arg_fields.push(Arc::new(Field::new("step", DataType::Int64, true)));
            }
        }
        let rows = args.args.iter().find_map(|a| match a {
            ColumnarValue::Array(a) => Some(a.len()),
            ColumnarValue::Scalar(_) => None,
        });
        let arrays = args.args.iter().map(|a| a.to_array(rows.unwrap_or(1))).collect::<Result<Vec<_>>>()?;
        let bounds = Bounds::of(&arrays)?;
        for row in 0..rows.unwrap_or(1) {
            if entries(bounds.row(row))?.is_some_and(|n| n > i128::from(MOST_ENTRIES)) {
                return exec_err!(
                    "INVALID_FUNCTION_ARGUMENT: result of sequence function must not have more than {MOST_ENTRIES} entries"
                );
            }
        }
        if let Some(dates) = dates_by_months(&arrays, args.return_field.data_type())? {
            return Ok(ColumnarValue::Array(dates));
        }
        self.series.invoke_with_args(args)
    }
}

/// A sequence of dates' steps as the engine steps dates: whole months, or whole days (an interval
/// of days is all nanoseconds to the engine, `datetime::day_time`). A step with hours, minutes or
/// seconds is refused in Trino's words, and one of months and days together.
fn date_steps(steps: &ArrayRef) -> Result<ArrayRef> {
    let steps = cast(steps, &DataType::Interval(IntervalUnit::MonthDayNano))?;
    let day = |step: IntervalMonthDayNano| match (step.months, super::datetime::day_time_millis(&step)) {
        (0, ms) if ms % MS_PER_DAY != 0 => {
            exec_err!(
                "INVALID_FUNCTION_ARGUMENT: sequence step must be a day interval if start and end values are dates"
            )
        }
        (0, ms) => Ok(IntervalMonthDayNano::new(0, (ms / MS_PER_DAY) as i32, 0)),
        (_, 0) => Ok(step),
        _ => exec_err!("INVALID_FUNCTION_ARGUMENT: a sequence of dates steps by months or by days, not both"),
    };
    let steps: IntervalMonthDayNanoArray = steps
        .as_primitive::<IntervalMonthDayNanoType>()
        .iter()
        .map(|step| step.map(day).transpose())
        .collect::<Result<_>>()?;
    Ok(Arc::new(steps))
}

/// Trino's dates and timestamps by months: each entry is the start moved by a whole number of
/// steps, so the 31st stays the 31st where a month has one (`2026-01-31`, `2026-02-28`,
/// `2026-03-31`), where DataFusion moves the entry before (`2026-03-28`). None for any other
/// sequence (and for a timestamp with a zone, which DataFusion steps).
fn dates_by_months(args: &[ArrayRef], kind: &DataType) -> Result<Option<ArrayRef>> {
    let ([start, stop, step], DataType::List(item)) = (args, kind) else { return Ok(None) };
    if !matches!(start.data_type(), DataType::Date32 | DataType::Timestamp(_, None)) {
        return Ok(None);
    }
    let step = cast(step, &DataType::Interval(IntervalUnit::MonthDayNano))?;
    let step = step.as_primitive::<IntervalMonthDayNanoType>();
    let by_months = |s: &IntervalMonthDayNano| s.months != 0 && s.days == 0 && s.nanoseconds == 0;
    if *start.data_type() == TIMESTAMP {
        return timestamp_steps(start, stop, step, item).map(Some);
    }
    if !step.iter().flatten().all(|s| by_months(&s)) {
        return Ok(None);
    }
    let steps = |row: usize| step.is_valid(row).then(|| step.value(row).months);
    match start.data_type() {
        DataType::Date32 => {
            let (start, stop) = (start.as_primitive::<Date32Type>(), cast(stop, &DataType::Date32)?);
            let stop = stop.as_primitive::<Date32Type>();
            let day = |a: &PrimitiveArray<Date32Type>, row| a.is_valid(row).then(|| a.value_as_date(row)).flatten();
            let mut out = ListBuilder::new(Date32Builder::new()).with_field(item.clone());
            for row in 0..start.len() {
                match (day(start, row), day(stop, row), steps(row)) {
                    (Some(first), Some(last), Some(months)) => {
                        for date in months_apart(first, last, months) {
                            out.values().append_value(Date32Type::from_naive_date(date));
                        }
                        out.append(true);
                    }
                    _ => out.append_null(),
                }
            }
            Ok(Some(Arc::new(out.finish())))
        }
        DataType::Timestamp(_, None) => {
            let micros = DataType::Timestamp(TimeUnit::Microsecond, None);
            let (start, stop) = (cast(start, &micros)?, cast(stop, &micros)?);
            let (start, stop) =
                (start.as_primitive::<TimestampMicrosecondType>(), stop.as_primitive::<TimestampMicrosecondType>());
            let moment = |a: &PrimitiveArray<TimestampMicrosecondType>, row| {
                a.is_valid(row).then(|| a.value_as_datetime(row)).flatten()
            };
            let mut out = ListBuilder::new(TimestampMicrosecondBuilder::new());
            for row in 0..start.len() {
                match (moment(start, row), moment(stop, row), steps(row)) {
                    (Some(first), Some(last), Some(months)) => {
                        for time in months_apart(first, last, months) {
                            out.values().append_option(TimestampMicrosecondType::from_naive_datetime(time, None));
                        }
                        out.append(true);
                    }
                    _ => out.append_null(),
                }
            }
            Ok(Some(cast(&out.finish(), kind)?))
        }
        _ => Ok(None),
    }
}

/// A zoneless timestamp's entries, in milliseconds, row by row: by whole months
/// (`months_apart`), or by a fixed step (days, hours, …) from the start, each a step on, up to
/// the stop (`entries` has refused a step of 0, one away from the stop, and more entries than
/// Trino's bound). A step of months and days together is refused: Trino's year-to-month and
/// day-to-second intervals are apart.
fn timestamp_steps(
    start: &ArrayRef,
    stop: &ArrayRef,
    step: &PrimitiveArray<IntervalMonthDayNanoType>,
    item: &FieldRef,
) -> Result<ArrayRef> {
    let (start, stop) = (cast(start, &TIMESTAMP)?, cast(stop, &TIMESTAMP)?);
    let (start, stop) =
        (start.as_primitive::<TimestampMillisecondType>(), stop.as_primitive::<TimestampMillisecondType>());
    let mut out = ListBuilder::new(TimestampMillisecondBuilder::new()).with_field(item.clone());
    for row in 0..start.len() {
        if !(start.is_valid(row) && stop.is_valid(row) && step.is_valid(row)) {
            out.append_null();
            continue;
        }
        let by = step.value(row);
        let (mut at, last) = (start.value(row), stop.value(row));
        if by.months != 0 {
            if by.days != 0 || by.nanoseconds != 0 {
                return exec_err!(
                    "INVALID_FUNCTION_ARGUMENT: a sequence of timestamps steps by months or by days and time, not both"
                );
            }
            let moment = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc());
            if let (Some(first), Some(end)) = (moment(at), moment(last)) {
                for time in months_apart(first, end, by.months) {
                    out.values().append_value(time.and_utc().timestamp_millis());
                }
            }
            out.append(true);
            continue;
        }
        let by = super::datetime::day_time_millis(&by);
        while by != 0 && ((by > 0 && at <= last) || (by < 0 && at >= last)) {
            out.values().append_value(at);
            let Some(next) = at.checked_add(by) else { break };
            at = next;
        }
        out.append(true);
    }
    Ok(Arc::new(out.finish()))
}

/// A day or a moment of the calendar, moved by whole months.
trait Calendar: Copy + PartialOrd {
    fn add_months(self, months: Months) -> Option<Self>;
    fn sub_months(self, months: Months) -> Option<Self>;

    fn months_away(self, months: i64) -> Option<Self> {
        let by = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
        if months < 0 {
            self.sub_months(by)
        } else {
            self.add_months(by)
        }
    }
}

impl Calendar for NaiveDate {
    fn add_months(self, months: Months) -> Option<Self> {
        self.checked_add_months(months)
    }

    fn sub_months(self, months: Months) -> Option<Self> {
        self.checked_sub_months(months)
    }
}

impl Calendar for NaiveDateTime {
    fn add_months(self, months: Months) -> Option<Self> {
        self.checked_add_months(months)
    }

    fn sub_months(self, months: Months) -> Option<Self> {
        self.checked_sub_months(months)
    }
}

/// `first`, then `first` moved by each whole number of `step` months up to `last`.
fn months_apart<T: Calendar>(first: T, last: T, step: i32) -> Vec<T> {
    let within = |t: &T| (step > 0 && *t <= last) || (step < 0 && *t >= last);
    (0..).map_while(|n: i64| first.months_away(i64::from(step) * n).filter(within)).collect()
}

/// One row's start, stop and step, each NULL or a number.
type Row = (Option<i64>, Option<i64>, Option<i64>);

/// Each row's start, stop and step as numbers of one unit, read once a batch: integers as they
/// are; dates and timestamps in milliseconds by a fixed interval, or in months by months.
struct Bounds {
    start: Int64Array,
    stop: Int64Array,
    /// The step in the unit of `start` and `stop`; none for 1 (integers without a step).
    step: Option<Int64Array>,
}

impl Bounds {
    fn of(args: &[ArrayRef]) -> Result<Bounds> {
        let numbers = |array: &ArrayRef, kind: &DataType| -> Result<Int64Array> {
            Ok(cast(&cast(array, kind)?, &DataType::Int64)?.as_primitive::<Int64Type>().clone())
        };
        let Some(first) = args.first() else { return exec_err!("sequence takes a start and a stop") };
        if first.data_type().is_integer() {
            return Ok(match args {
                // DataFusion's one-argument form counts from 0.
                [stop] => Bounds {
                    start: Int64Array::from(vec![0; stop.len()]),
                    stop: numbers(stop, &DataType::Int64)?,
                    step: None,
                },
                [start, stop, rest @ ..] => Bounds {
                    start: numbers(start, &DataType::Int64)?,
                    stop: numbers(stop, &DataType::Int64)?,
                    step: rest.first().map(|step| numbers(step, &DataType::Int64)).transpose()?,
                },
                [] => return exec_err!("sequence takes a start and a stop"),
            });
        }
        let [start, stop, step, ..] = args else { return exec_err!("sequence of dates takes a step") };
        let millis = DataType::Timestamp(TimeUnit::Millisecond, None);
        let (start, stop) = (numbers(start, &millis)?, numbers(stop, &millis)?);
        let step = cast(step, &DataType::Interval(IntervalUnit::MonthDayNano))?;
        let step = step.as_primitive::<IntervalMonthDayNanoType>();
        let month = |ms: Option<i64>| {
            ms.and_then(chrono::DateTime::from_timestamp_millis).map(|t| t.year() as i64 * 12 + t.month0() as i64)
        };
        let rows: Vec<Row> = (0..step.len())
            .map(|row| {
                let (a, b) =
                    (start.is_valid(row).then(|| start.value(row)), stop.is_valid(row).then(|| stop.value(row)));
                match step.is_valid(row).then(|| step.value(row)) {
                    None => (None, None, None),
                    Some(step) if step.months != 0 => (month(a), month(b), Some(step.months as i64)),
                    Some(step) => (a, b, Some(super::datetime::day_time_millis(&step))),
                }
            })
            .collect();
        let column = |pick: fn(&Row) -> Option<i64>| -> Int64Array { rows.iter().map(pick).collect() };
        let (starts, stops, steps) = (column(|r| r.0), column(|r| r.1), column(|r| r.2));
        Ok(Bounds { start: starts, stop: stops, step: Some(steps) })
    }

    /// Row `row`'s start, stop and step; None where one is NULL.
    fn row(&self, row: usize) -> Option<(i64, i64, i64)> {
        let value = |array: &Int64Array| array.is_valid(row).then(|| array.value(row));
        let step = match &self.step {
            Some(steps) => value(steps)?,
            None => 1,
        };
        Some((value(&self.start)?, value(&self.stop)?, step))
    }
}

/// How many entries `sequence` makes of one row's bounds (None when one is NULL); Trino's
/// refusal of a step of 0, or of one that leads away from the stop.
fn entries(bounds: Option<(i64, i64, i64)>) -> Result<Option<i128>> {
    let Some((start, stop, step)) = bounds else { return Ok(None) };
    if step == 0 {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: step must not be zero");
    }
    let span = i128::from(stop) - i128::from(start);
    if span.signum() * i128::from(step.signum()) < 0 {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: sequence stop value should be greater than or equal to start value if step is greater than zero otherwise stop should be less than or equal to start");
    }
    Ok(Some(span / i128::from(step) + 1))
}

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
        if count > MOST_ENTRIES {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: count argument of repeat function must be less than or equal to {MOST_ENTRIES}");
        }
        lengths.push(count as usize);
        valid.push(!counts.is_null(row));
        picks.extend(std::iter::repeat_n(Some(row as u32), count as usize));
    }
    list(kind, lengths, pick(&args[0], picks)?, valid)
}
