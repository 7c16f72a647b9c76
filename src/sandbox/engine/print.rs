//! Every value as Athena's results spell it: timestamps and times to the millisecond
//! (`2026-03-20 14:15:00.000`, with the zone after one that has it: `… UTC`), arrays
//! `[1, 2]`, maps `{a=1, b=2}`, rows `{x=1, y=null}` (`{1, a}` when their fields have no
//! names: `ROW(1, 'a')`, `zip`'s), intervals as Trino's `2 03:00:00.000`
//! (day to second) and `3-5` (year to month); NULL at the top is `None`, inside a value `null`.

use datafusion::arrow::array::{Array, AsArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Float16Type, Float32Type, Float64Type, IntervalUnit};
use datafusion::arrow::error::ArrowError;

use super::datetime::MS_PER_DAY;
use super::format::{java_double, java_float};
use super::types::is_anonymous;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};

/// How Athena writes dates, times and timestamps (a timestamp's zone follows it, `zone_name`).
fn options() -> FormatOptions<'static> {
    FormatOptions::default()
        .with_timestamp_format(Some("%Y-%m-%d %H:%M:%S%.3f"))
        .with_timestamp_tz_format(Some("%Y-%m-%d %H:%M:%S%.3f"))
        .with_datetime_format(Some("%Y-%m-%d %H:%M:%S%.3f"))
        .with_time_format(Some("%H:%M:%S%.3f"))
}

/// Whether `zone` is UTC by one of its names.
pub(super) fn is_utc(zone: &str) -> bool {
    matches!(zone, "+00:00" | "Z" | "UTC" | "Etc/UTC")
}

/// A zone as Athena names it after a timestamp: UTC by that name.
fn zone_name(zone: &str) -> &str {
    if is_utc(zone) {
        "UTC"
    } else {
        zone
    }
}

/// Timestamps as text, as Athena's `CAST(ts AS varchar)` writes them and its results print them:
/// `2026-03-20 14:15:00.000`, and `… Asia/Tokyo` for one with a zone.
pub fn timestamps_as_text(values: &dyn Array) -> Result<StringArray, ArrowError> {
    let options = options();
    let format = ArrayFormatter::try_new(values, &options)?;
    let zone = match values.data_type() {
        DataType::Timestamp(_, Some(zone)) => format!(" {}", zone_name(zone)),
        _ => String::new(),
    };
    Ok((0..values.len()).map(|i| (!values.is_null(i)).then(|| format!("{}{zone}", format.value(i)))).collect())
}

/// The rows of `batches`, each value as text; `None` for NULL.
pub fn rows(batches: &[RecordBatch]) -> Result<Vec<Vec<Option<String>>>, ArrowError> {
    let options = options();
    let mut out = Vec::new();
    for batch in batches {
        let cells = batch.columns().iter().map(|c| Cell::new(c.as_ref(), &options)).collect::<Result<Vec<_>, _>>()?;
        for row in 0..batch.num_rows() {
            out.push(cells.iter().map(|cell| (!cell.null(row)).then(|| cell.value(row))).collect());
        }
    }
    Ok(out)
}

/// The value at `row` of `array` as a result prints it (`[1, null]`, `1.0E20`); None for NULL.
pub(super) fn value(array: &dyn Array, row: usize) -> Result<Option<String>, ArrowError> {
    let options = options();
    let cell = Cell::new(array, &options)?;
    Ok((!cell.null(row)).then(|| cell.value(row)))
}

/// How one column's values are written, made once a batch.
struct Cell<'a> {
    array: &'a dyn Array,
    kind: CellKind<'a>,
}

enum CellKind<'a> {
    Plain(ArrayFormatter<'a>),
    /// A timestamp with a time zone: the local time, then the zone.
    Zoned(ArrayFormatter<'a>, String),
    /// A row: its fields' names (none when they have none) and cells.
    Row(Option<Vec<&'a str>>, Vec<Cell<'a>>),
    /// An array: where each row's items start and end among `items`.
    List(Vec<usize>, Box<Cell<'a>>),
    Map(Vec<usize>, Box<Cell<'a>>, Box<Cell<'a>>),
    /// An interval or a duration: Trino's day-to-second or year-to-month form, else the
    /// engine's words.
    Interval(ArrayFormatter<'a>),
    /// A double or real, as Java's `toString` writes it (Trino's results do): `1.5`, `1.0E7`,
    /// `1.0E-4`, `Infinity`.
    Floating,
    /// Bytes: hex pairs, `61 62`, as Athena prints varbinary.
    Bytes,
}

impl<'a> Cell<'a> {
    fn new(array: &'a dyn Array, options: &'a FormatOptions<'a>) -> Result<Cell<'a>, ArrowError> {
        let offsets = |o: &[i32]| o.iter().map(|&v| v.max(0) as usize).collect::<Vec<usize>>();
        let kind = if let Some(row) = array.as_struct_opt() {
            let names = (!is_anonymous(row.fields())).then(|| row.fields().iter().map(|f| f.name().as_str()).collect());
            let cells = row.columns().iter().map(|child| Cell::new(child.as_ref(), options));
            CellKind::Row(names, cells.collect::<Result<_, ArrowError>>()?)
        } else if let Some(list) = array.as_list_opt::<i32>() {
            CellKind::List(offsets(list.value_offsets()), Box::new(Cell::new(list.values().as_ref(), options)?))
        } else if let Some(list) = array.as_list_opt::<i64>() {
            let ends = list.value_offsets().iter().map(|&v| v.max(0) as usize).collect();
            CellKind::List(ends, Box::new(Cell::new(list.values().as_ref(), options)?))
        } else if let Some(map) = array.as_map_opt() {
            CellKind::Map(
                offsets(map.value_offsets()),
                Box::new(Cell::new(map.keys().as_ref(), options)?),
                Box::new(Cell::new(map.values().as_ref(), options)?),
            )
        } else if super::types::is_interval(array.data_type()) {
            CellKind::Interval(ArrayFormatter::try_new(array, options)?)
        } else if let DataType::Timestamp(_, Some(zone)) = array.data_type() {
            CellKind::Zoned(ArrayFormatter::try_new(array, options)?, zone_name(zone).to_string())
        } else if let DataType::Binary | DataType::LargeBinary = array.data_type() {
            CellKind::Bytes
        } else if array.data_type().is_floating() {
            CellKind::Floating
        } else {
            CellKind::Plain(ArrayFormatter::try_new(array, options)?)
        };
        Ok(Cell { array, kind })
    }

    /// The value at `row`, which is not NULL.
    fn value(&self, row: usize) -> String {
        match &self.kind {
            CellKind::Plain(format) => format.value(row).to_string(),
            CellKind::Zoned(format, zone) => format!("{} {zone}", format.value(row)),
            CellKind::Bytes => {
                let bytes = match self.array.as_binary_opt::<i32>() {
                    Some(bytes) => bytes.value(row),
                    None => self.array.as_binary_opt::<i64>().map(|b| b.value(row)).unwrap_or_default(),
                };
                bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
            }
            CellKind::Floating => match self.array.data_type() {
                DataType::Float32 => java_float(self.array.as_primitive::<Float32Type>().value(row)),
                DataType::Float16 => java_double(self.array.as_primitive::<Float16Type>().value(row).to_f64()),
                _ => java_double(self.array.as_primitive::<Float64Type>().value(row)),
            },
            CellKind::Interval(format) => interval(self.array, row).unwrap_or_else(|| format.value(row).to_string()),
            CellKind::Row(names, cells) => {
                let parts: Vec<String> = match names {
                    Some(names) => {
                        names.iter().zip(cells).map(|(name, cell)| format!("{name}={}", cell.inner(row))).collect()
                    }
                    None => cells.iter().map(|cell| cell.inner(row)).collect(),
                };
                format!("{{{}}}", parts.join(", "))
            }
            CellKind::List(offsets, items) => {
                let parts: Vec<String> = span(offsets, row).map(|i| items.inner(i)).collect();
                format!("[{}]", parts.join(", "))
            }
            CellKind::Map(offsets, keys, values) => {
                let parts: Vec<String> =
                    span(offsets, row).map(|i| format!("{}={}", keys.inner(i), values.inner(i))).collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// Whether the value at `row` is NULL (a column of NULL's own type has no validity bits).
    fn null(&self, row: usize) -> bool {
        self.array.is_null(row) || self.array.data_type() == &DataType::Null
    }

    /// A value inside another: NULL is written `null`.
    fn inner(&self, row: usize) -> String {
        if self.null(row) {
            "null".to_string()
        } else {
            self.value(row)
        }
    }
}

/// Trino's two interval types, as a value of one reads.
pub(super) enum TrinoInterval {
    /// Year to month.
    Months(i64),
    /// Day to second.
    Millis(i64),
}

/// Row `row` of an interval or duration column as the Trino interval it is, if it is one (an
/// interval of months and days together is not).
pub(super) fn trino_interval(array: &dyn Array, row: usize) -> Option<TrinoInterval> {
    use datafusion::arrow::datatypes::{
        DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType, DurationSecondType,
        IntervalDayTimeType, IntervalMonthDayNanoType, IntervalYearMonthType, TimeUnit,
    };
    use TrinoInterval as Form;
    if array.is_null(row) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Interval(IntervalUnit::YearMonth) => {
            Form::Months(array.as_primitive::<IntervalYearMonthType>().value(row) as i64)
        }
        DataType::Interval(IntervalUnit::DayTime) => {
            let v = array.as_primitive::<IntervalDayTimeType>().value(row);
            Form::Millis(v.days as i64 * MS_PER_DAY + v.milliseconds as i64)
        }
        DataType::Interval(IntervalUnit::MonthDayNano) => {
            let v = array.as_primitive::<IntervalMonthDayNanoType>().value(row);
            match (v.months, v.days, v.nanoseconds) {
                (0, _, nanos) if nanos % 1_000_000 == 0 => Form::Millis(super::datetime::day_time_millis(&v)),
                (months, 0, 0) => Form::Months(months as i64),
                _ => return None,
            }
        }
        // A timestamp minus a timestamp: Trino's answer is an interval day to second.
        DataType::Duration(unit) => {
            let value = match unit {
                TimeUnit::Second => array.as_primitive::<DurationSecondType>().value(row).checked_mul(1000)?,
                TimeUnit::Millisecond => array.as_primitive::<DurationMillisecondType>().value(row),
                // Trino's intervals hold milliseconds: finer durations round to them.
                TimeUnit::Microsecond => round_div(array.as_primitive::<DurationMicrosecondType>().value(row), 1000),
                TimeUnit::Nanosecond => round_div(array.as_primitive::<DurationNanosecondType>().value(row), 1_000_000),
            };
            Form::Millis(value)
        }
        _ => return None,
    })
}

/// An interval as Trino writes it, when it is one Trino has: months alone (`Y-M`), or days and
/// time alone (`D HH:MM:SS.mmm`), a sign before either.
pub(super) fn interval(array: &dyn Array, row: usize) -> Option<String> {
    let form = trino_interval(array, row)?;
    let sign = |negative: bool| if negative { "-" } else { "" };
    Some(match form {
        TrinoInterval::Millis(millis) => {
            let m = millis.unsigned_abs();
            let (days, rest) = (m / MS_PER_DAY as u64, m % MS_PER_DAY as u64);
            let (hours, minutes, seconds, ms) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
            format!("{}{days} {hours:02}:{minutes:02}:{seconds:02}.{ms:03}", sign(millis < 0))
        }
        TrinoInterval::Months(months) => {
            let m = months.unsigned_abs();
            format!("{}{}-{}", sign(months < 0), m / 12, m % 12)
        }
    })
}

/// `value / by`, halves rounded away from zero.
fn round_div(value: i64, by: i64) -> i64 {
    let (quotient, rest) = (value / by, value % by);
    if rest.abs() * 2 >= by {
        quotient + rest.signum()
    } else {
        quotient
    }
}

fn span(offsets: &[usize], row: usize) -> std::ops::Range<usize> {
    match (offsets.get(row), offsets.get(row + 1)) {
        (Some(&start), Some(&end)) if start <= end => start..end,
        _ => 0..0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{ArrayRef, Int64Array, ListArray, StringArray, TimestampMillisecondArray};
    use datafusion::arrow::datatypes::{Field, Int64Type, Schema};
    use std::sync::Arc;

    #[test]
    fn nested_values_and_zoned_timestamps_read_as_athena_prints_them() {
        let list: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int64Type, _, _>(vec![
            Some(vec![Some(1), None, Some(3)]),
            Some(vec![]),
            None,
        ]));
        let zoned: ArrayRef = Arc::new(
            TimestampMillisecondArray::from(vec![Some(0), Some(1), None]).with_timezone("America/Los_Angeles"),
        );
        let text: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None, Some("")]));
        let numbers: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3]));
        let schema = Arc::new(Schema::new(vec![
            Field::new("l", list.data_type().clone(), true),
            Field::new("z", zoned.data_type().clone(), true),
            Field::new("t", DataType::Utf8, true),
            Field::new("n", DataType::Int64, false),
        ]));
        let batch = RecordBatch::try_new(schema, vec![list, zoned, text, numbers]).unwrap();
        let got = rows(&[batch]).unwrap();
        assert_eq!(got[0][0].as_deref(), Some("[1, null, 3]"));
        assert_eq!(got[1][0].as_deref(), Some("[]"));
        assert_eq!(got[2][0], None);
        assert_eq!(got[0][1].as_deref(), Some("1969-12-31 16:00:00.000 America/Los_Angeles"));
        assert_eq!(got[1][2], None);
        assert_eq!(got[2][2].as_deref(), Some(""));
    }

    #[test]
    fn intervals_read_as_trino_writes_them_where_trino_has_them() {
        use datafusion::arrow::array::{IntervalMonthDayNanoArray, IntervalYearMonthArray};
        use datafusion::arrow::datatypes::IntervalMonthDayNano;
        let mixed: ArrayRef = Arc::new(IntervalMonthDayNanoArray::from(vec![
            IntervalMonthDayNano::new(0, 2, -3 * 3_600_000_000_000),
            IntervalMonthDayNano::new(-14, 0, 0),
            IntervalMonthDayNano::new(0, -1, -1_000_000),
            IntervalMonthDayNano::new(1, 1, 0),
            IntervalMonthDayNano::new(0, 0, 1),
        ]));
        let months: ArrayRef = Arc::new(IntervalYearMonthArray::from(vec![41, 0, -7, 12, 1]));
        let schema = Arc::new(Schema::new(vec![
            Field::new("d", mixed.data_type().clone(), false),
            Field::new("m", months.data_type().clone(), false),
        ]));
        let got = rows(&[RecordBatch::try_new(schema, vec![mixed, months]).unwrap()]).unwrap();
        let column = |c: usize| got.iter().map(|r| r[c].clone().unwrap()).collect::<Vec<_>>();
        assert_eq!(column(0)[..3], ["1 21:00:00.000", "-1-2", "-1 00:00:00.001"]);
        // Months with days, or a part of a millisecond, are not Trino's: the engine's words.
        assert!(column(0)[3].contains("mon"), "{}", column(0)[3]);
        assert!(column(0)[4].contains("ns") || column(0)[4].contains("0.000000001"), "{}", column(0)[4]);
        assert_eq!(column(1), ["3-5", "0-0", "-0-7", "1-0", "0-1"]);
        let durations: ArrayRef =
            Arc::new(datafusion::arrow::array::DurationMillisecondArray::from(vec![82_799_500, -172_800_000]));
        let micros: ArrayRef =
            Arc::new(datafusion::arrow::array::DurationMicrosecondArray::from(vec![123_456, -1_500]));
        let schema = Arc::new(Schema::new(vec![Field::new("t", micros.data_type().clone(), false)]));
        let got = rows(&[RecordBatch::try_new(schema, vec![micros]).unwrap()]).unwrap();
        assert_eq!(got, [[Some("0 00:00:00.123".to_string())], [Some("-0 00:00:00.002".to_string())]]);
        let schema = Arc::new(Schema::new(vec![Field::new("t", durations.data_type().clone(), false)]));
        let got = rows(&[RecordBatch::try_new(schema, vec![durations]).unwrap()]).unwrap();
        assert_eq!(got, [[Some("0 22:59:59.500".to_string())], [Some("-2 00:00:00.000".to_string())]]);
    }
}
