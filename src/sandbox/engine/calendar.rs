//! Trino's `last_day_of_month(x)` (a date), `to_iso8601(x)` (text: `2020-05-11`,
//! `2020-05-11T11:15:05.055`, and for a timestamp with a zone its offset, `Z` when it is 0) and
//! `format_datetime(x, pattern)` (text, by a Joda pattern: `patterns::format_joda`). A timestamp
//! with a zone is read in that zone, as Trino reads it; one without, in UTC (the session's).
//! Also `timezone_hour(x)` and `timezone_minute(x)` (the parts of a timestamp's offset, with its
//! sign) and `to_milliseconds(interval day to second)`.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, Offset, Utc};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Int64Array, Int64Builder, StringArray, TimestampMillisecondArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit, TimestampMillisecondType};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::patterns::{format_joda, joda_pieces, Joda, Zone};
use super::print::{trino_interval, TrinoInterval};
use super::udf::{is_text, is_timestamp, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("last_day_of_month", |call| moment(call, DataType::Date32), last_day_of_month),
        Trino::udf("to_iso8601", |call| moment(call, DataType::Utf8), to_iso8601),
        Trino::udf("format_datetime", format_datetime_type, format_datetime),
        Trino::udf("to_milliseconds", to_milliseconds_type, to_milliseconds),
        Trino::udf("timezone_hour", zone_part_type, |args, _| zone_part(args, |seconds| seconds / 3600)),
        Trino::udf("timezone_minute", zone_part_type, |args, _| zone_part(args, |seconds| seconds / 60 % 60)),
    ]
}

fn moment(call: &Call, answer: DataType) -> Result<DataType> {
    match call.types {
        [kind] if is_timestamp(kind) => Ok(answer),
        _ => call.mismatch(&format!("{0}(date), {0}(timestamp(p)), {0}(timestamp(p) with time zone)", call.name)),
    }
}

/// What a date or timestamp says on the wall, and the zone it is in (none for a date or a
/// timestamp without one).
fn local_times(value: &ArrayRef) -> Result<(Vec<Option<NaiveDateTime>>, Option<Tz>)> {
    if let DataType::Date32 | DataType::Null = value.data_type() {
        let days = cast(value, &DataType::Date32)?;
        let days = days.as_primitive::<datafusion::arrow::datatypes::Date32Type>();
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let times = days
            .iter()
            .map(|d| d.and_then(|d| epoch.checked_add_signed(chrono::TimeDelta::days(d as i64))))
            .map(|d| d.and_then(|d| d.and_hms_opt(0, 0, 0)))
            .collect();
        return Ok((times, None));
    }
    let zone = match value.data_type() {
        DataType::Timestamp(_, Some(zone)) => match Tz::from_str(zone) {
            Ok(zone) => Some(zone),
            Err(e) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {e}"),
        },
        _ => None,
    };
    let kind = DataType::Timestamp(TimeUnit::Millisecond, None);
    let millis = cast(value, &kind)?;
    let times = millis
        .as_primitive::<TimestampMillisecondType>()
        .iter()
        .map(|ms| {
            let instant = DateTime::<Utc>::from_timestamp_millis(ms?)?;
            Some(match &zone {
                Some(zone) => instant.with_timezone(zone).naive_local(),
                None => instant.naive_utc(),
            })
        })
        .collect();
    Ok((times, zone))
}

/// Timestamps with a zone as what they say on the wall there, without it (Trino's `hour(t)`,
/// `date_format(t, …)` and `CAST(t AS timestamp)` read them so); any other value as it is.
pub fn wall_clock(value: &ArrayRef) -> Result<ArrayRef> {
    if !matches!(value.data_type(), DataType::Timestamp(_, Some(_))) {
        return Ok(value.clone());
    }
    let (times, _) = local_times(value)?;
    let millis: TimestampMillisecondArray = times.iter().map(|t| t.map(|t| t.and_utc().timestamp_millis())).collect();
    Ok(Arc::new(millis))
}

fn last_day_of_month(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (times, _) = local_times(&args[0])?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Date32Array = times
        .iter()
        .map(|t| {
            let first = t.as_ref()?.date().with_day(1)?;
            let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
            Some((last - epoch).num_days() as i32)
        })
        .collect();
    Ok(Arc::new(days))
}

fn to_iso8601(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let date = matches!(args[0].data_type(), DataType::Date32 | DataType::Date64);
    let (times, zone) = local_times(&args[0])?;
    let millis = cast(&args[0], &DataType::Timestamp(TimeUnit::Millisecond, None));
    let texts: StringArray = times
        .iter()
        .enumerate()
        .map(|(row, t)| {
            let t = t.as_ref()?;
            if date {
                return Some(t.format("%Y-%m-%d").to_string());
            }
            let local = t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string();
            Some(match &zone {
                None => local,
                Some(zone) => {
                    let ms = millis.as_ref().ok()?.as_primitive::<TimestampMillisecondType>().value(row);
                    let instant = DateTime::<Utc>::from_timestamp_millis(ms)?.with_timezone(zone);
                    // Java's offset, as Trino writes it: `Z` for any zero offset.
                    match instant.format("%:z").to_string() {
                        zero if zero == "+00:00" => format!("{local}Z"),
                        offset => format!("{local}{offset}"),
                    }
                }
            })
        })
        .collect();
    Ok(Arc::new(texts))
}

fn format_datetime_type(call: &Call) -> Result<DataType> {
    match call.types {
        [kind, pattern] if is_timestamp(kind) && is_text(pattern) => Ok(DataType::Utf8),
        _ => call
            .mismatch("format_datetime(timestamp(p), varchar), format_datetime(timestamp(p) with time zone, varchar)"),
    }
}

fn format_datetime(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (times, zone) = local_times(&args[0])?;
    let millis = cast(&args[0], &DataType::Timestamp(TimeUnit::Millisecond, None))?;
    let millis = millis.as_primitive::<TimestampMillisecondType>();
    let patterns = text(args, 1)?;
    let mut compiled: Option<(String, Vec<Joda>)> = None;
    let mut out = Vec::with_capacity(times.len());
    for (row, local) in times.iter().enumerate() {
        let Some(local) = local.filter(|_| patterns.is_valid(row)) else {
            out.push(None);
            continue;
        };
        let pattern = patterns.value(row);
        if compiled.as_ref().is_none_or(|(p, _)| p != pattern) {
            match joda_pieces(pattern) {
                Ok(pieces) => compiled = Some((pattern.to_string(), pieces)),
                Err(why) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {why}"),
            }
        }
        let Some((_, pieces)) = &compiled else { continue };
        let written = match &zone {
            None => format_joda(&local, &Zone { offset_seconds: 0, id: "UTC", abbreviation: "UTC" }, pieces),
            Some(tz) => {
                let Some(instant) = DateTime::<Utc>::from_timestamp_millis(millis.value(row)) else {
                    out.push(None);
                    continue;
                };
                let there = instant.with_timezone(tz);
                let offset_seconds = there.offset().fix().local_minus_utc();
                let id = tz.to_string();
                // A named zone's abbreviation there and then (`PDT`); an offset's is itself.
                let abbreviation = match chrono_tz::Tz::from_str(&id) {
                    Ok(named) => instant.with_timezone(&named).format("%Z").to_string(),
                    Err(_) => there.format("%:z").to_string(),
                };
                format_joda(&local, &Zone { offset_seconds, id: &id, abbreviation: &abbreviation }, pieces)
            }
        };
        match written {
            Ok(text) => out.push(Some(text)),
            Err(why) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {why}"),
        }
    }
    Ok(Arc::new(StringArray::from(out)))
}

fn to_milliseconds_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Interval(_) | DataType::Duration(_) | DataType::Null] => Ok(DataType::Int64),
        _ => call.mismatch("to_milliseconds(interval day to second)"),
    }
}

/// The milliseconds of each interval day to second (an interval of months is refused).
fn to_milliseconds(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let intervals = &args[0];
    let mut out = Vec::with_capacity(intervals.len());
    for row in 0..intervals.len() {
        out.push(match trino_interval(intervals.as_ref(), row) {
            Some(TrinoInterval::Millis(millis)) => Some(millis),
            None if intervals.is_null(row) => None,
            _ => {
                return exec_err!(
                    "TYPE_MISMATCH: Unexpected parameters (interval year to month) for function to_milliseconds. Expected: to_milliseconds(interval day to second)"
                )
            }
        });
    }
    Ok(Arc::new(Int64Array::from(out)))
}

fn zone_part_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Timestamp(_, Some(_)) | DataType::Null] => Ok(DataType::Int64),
        _ => call.mismatch(&format!("{}(timestamp(p) with time zone)", call.name)),
    }
}

/// A part of each timestamp's offset from UTC (`part` of its seconds), in the timestamp's zone.
fn zone_part(args: &[ArrayRef], part: fn(i64) -> i64) -> Result<ArrayRef> {
    let zone = match args[0].data_type() {
        DataType::Timestamp(_, Some(zone)) => match Tz::from_str(zone) {
            Ok(zone) => Some(zone),
            Err(e) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {e}"),
        },
        _ => None,
    };
    let millis = cast(&args[0], &DataType::Timestamp(TimeUnit::Millisecond, None))?;
    let parts: Int64Array = millis
        .as_primitive::<TimestampMillisecondType>()
        .iter()
        .map(|ms| {
            let instant = DateTime::<Utc>::from_timestamp_millis(ms?)?;
            let seconds = instant.with_timezone(zone.as_ref()?).offset().fix().local_minus_utc();
            Some(part(i64::from(seconds)))
        })
        .collect();
    Ok(Arc::new(parts))
}

/// `hour(t)`, `day(i)`, …: a field of a time of day (its hour, minute, second or millisecond), or
/// of an interval as Trino reads one: days, hours of the day, … of one of days and time, years and
/// months of the year of one of months.
pub(super) fn clock_or_interval_part(name: &str, values: &ArrayRef) -> Result<ArrayRef> {
    let refuse = || {
        let given = super::types::trino_type(values.data_type());
        exec_err!("TYPE_MISMATCH: Unexpected parameters ({given}) for function {name}")
    };
    let mut out = Int64Builder::new();
    if matches!(values.data_type(), DataType::Time32(_) | DataType::Time64(_)) {
        let nanos = cast(values, &DataType::Time64(TimeUnit::Nanosecond))?;
        let nanos = datafusion::arrow::array::AsArray::as_primitive::<datafusion::arrow::datatypes::Time64NanosecondType>(
            &nanos,
        );
        let ms_of_day = |row: usize| nanos.value(row) / 1_000_000;
        let field: fn(i64) -> i64 = match name {
            "hour" => |ms| ms / 3_600_000,
            "minute" => |ms| ms / 60_000 % 60,
            "second" => |ms| ms / 1000 % 60,
            "millisecond" => |ms| ms % 1000,
            _ => return refuse(),
        };
        (0..nanos.len()).for_each(|row| out.append_option(nanos.is_valid(row).then(|| field(ms_of_day(row)))));
        return Ok(Arc::new(out.finish()));
    }
    for row in 0..values.len() {
        out.append_option(match (trino_interval(values.as_ref(), row), name) {
            (None, _) if values.is_null(row) => None,
            (Some(TrinoInterval::Millis(ms)), "day") => Some(ms / super::datetime::MS_PER_DAY),
            (Some(TrinoInterval::Millis(ms)), "hour") => Some(ms / 3_600_000 % 24),
            (Some(TrinoInterval::Millis(ms)), "minute") => Some(ms / 60_000 % 60),
            (Some(TrinoInterval::Millis(ms)), "second") => Some(ms / 1000 % 60),
            (Some(TrinoInterval::Millis(ms)), "millisecond") => Some(ms % 1000),
            (Some(TrinoInterval::Months(months)), "year") => Some(months / 12),
            (Some(TrinoInterval::Months(months)), "month") => Some(months % 12),
            _ => return refuse(),
        });
    }
    Ok(Arc::new(out.finish()))
}
