//! Trino's date and time functions the engine adds: `from_iso8601_date`,
//! `from_iso8601_timestamp`, `date_parse` (MySQL specifiers), `parse_datetime` (Joda patterns),
//! `at_timezone` (and so `AT TIME ZONE`), `with_timezone`, and timestamp literals with a zone
//! (`$timestamp_tz`). The session's time zone is UTC, as on Athena. A timestamp with a zone
//! keeps one zone a column (Arrow's way), where Trino keeps one a value.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Date32Builder, TimestampMillisecondBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Float64Type, IntervalMonthDayNano, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use datafusion::common::{exec_err, plan_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::iso8601;
use super::sql::{call, is_call, plain_arguments, text_literal};
use super::udf::{is_integer, is_number, is_text, is_timestamp, text, Call, Trino};
use super::zones::zone_named;
use datafusion::logical_expr::sqlparser::ast;

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("from_iso8601_date", from_iso8601_date_type, from_iso8601_date),
        Trino::udf("from_iso8601_timestamp", from_iso8601_timestamp_type, from_iso8601_timestamp),
        Trino::udf(ISO8601_IN_ZONE, from_iso8601_timestamp_type, from_iso8601_timestamp),
        Trino::udf(PARSED_IN_ZONE, parse_datetime_type, parse_datetime),
        Trino::udf("date_parse", date_parse_type, date_parse),
        Trino::udf("parse_datetime", parse_datetime_type, parse_datetime),
        Trino::udf("at_timezone", zoned_type, at_timezone),
        Trino::udf(AT_TIME_ZONE, at_time_zone_type, at_timezone),
        Trino::udf("with_timezone", zoned_type, with_timezone),
        Trino::udf("$timestamp_tz", timestamp_literal_type, timestamp_literal),
        zoned_text_udf(),
        Trino::udf("from_unixtime", from_unixtime_type, from_unixtime),
    ]
}

/// Trino's `from_unixtime(seconds[, zone | hours, minutes])`: a `timestamp(3) with time zone`, UTC
/// without a zone;
/// the seconds any number (`from_unixtime(ms / 1000.0)`), rounded to the millisecond as Java's
/// `Math.round` rounds.
fn from_unixtime_type(call: &Call) -> Result<DataType> {
    match call.types {
        [n] if is_number(n) => Ok(zoned("UTC")),
        [n, z] if is_number(n) && is_text(z) => match call.text(1) {
            Some(zone) => match zone_named(zone) {
                Some(zone) => Ok(zoned(&zone)),
                None => zone_of(zone).map(|_| zoned(zone)),
            },
            None => plan_err!("NOT_SUPPORTED: the sandbox engine needs the zone of from_unixtime as a constant"),
        },
        // An offset of hours and minutes (Trino's `getTimeZoneKeyForOffset`: within 14 hours).
        [n, h, m] if is_number(n) && is_integer(h) && is_integer(m) => {
            let (Some(hours), Some(minutes)) = (call.integer(1), call.integer(2)) else {
                return plan_err!("NOT_SUPPORTED: the sandbox engine needs the offset of from_unixtime as constants");
            };
            let offset = hours.saturating_mul(60).saturating_add(minutes);
            if offset.abs() > 14 * 60 {
                return plan_err!("INVALID_FUNCTION_ARGUMENT: Invalid offset minutes {offset}");
            }
            let sign = if offset < 0 { '-' } else { '+' };
            let zone = if offset == 0 {
                "UTC".to_string()
            } else {
                format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
            };
            Ok(zoned(&zone))
        }
        _ => call.mismatch(
            "from_unixtime(double), from_unixtime(double, varchar(x)), from_unixtime(double, bigint, bigint)",
        ),
    }
}

fn from_unixtime(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let DataType::Timestamp(_, zone) = kind else { return exec_err!("from_unixtime answers a timestamp") };
    let seconds = cast(&args[0], &DataType::Float64)?;
    let mut out = TimestampMillisecondBuilder::new();
    for value in seconds.as_primitive::<Float64Type>().iter() {
        // Java's Math.round: half up, toward positive infinity.
        let millis = value.map(|s| (s * 1000.0 + 0.5).floor()).filter(|ms| ms.is_finite());
        // Within chrono's years (±262,000), which print.
        let millis = millis.map(|ms| (ms, chrono::DateTime::from_timestamp_millis(ms as i64).is_some()));
        match millis {
            Some((ms, true)) if ms.abs() < 9.2e18 => out.append_value(ms as i64),
            Some(_) => return exec_err!("INVALID_FUNCTION_ARGUMENT: from_unixtime is out of the timestamp range"),
            None => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish().with_timezone_opt(zone.clone())))
}

/// `from_iso8601_timestamp(text)` and `parse_datetime(text, pattern)` of constant texts, as the
/// SQL front writes them: with the zone the text names as a constant of its own
/// (`"$iso8601_in_zone"('…+01:00', '+01:00')`). The answer's type is then the same before the
/// engine folds constants and after (a type read from folded arguments would change under it).
const ISO8601_IN_ZONE: &str = "$iso8601_in_zone";
const PARSED_IN_ZONE: &str = "$parse_datetime_in_zone";

/// The form with its zone (`ISO8601_IN_ZONE`, `PARSED_IN_ZONE`) of a call of constant texts that
/// name one; None for any other call.
pub(super) fn with_written_zone(function: &ast::Function) -> Option<ast::Expr> {
    let args = plain_arguments(&function.args)?;
    let texts: Vec<&str> = args
        .iter()
        .map(|arg| match arg {
            ast::Expr::Value(value) => match &value.value {
                ast::Value::SingleQuotedString(text) => Some(text.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (form, zone) = match texts.as_slice() {
        [text] if is_call(function, "from_iso8601_timestamp") => (ISO8601_IN_ZONE, iso8601_zone(text)?),
        [text, pattern] if is_call(function, "parse_datetime") => {
            let fields = super::patterns::joda(pattern).ok()?;
            (PARSED_IN_ZONE, super::patterns::parse(text, &fields).ok()?.1?)
        }
        _ => return None,
    };
    let mut args = args;
    args.push(text_literal(&zone));
    Some(call(form, args))
}

/// `from_iso8601_timestamp(text)`: a `timestamp(3) with time zone` in the text's zone (`+01:00`;
/// `Z` is UTC), or the session's (UTC) when it names none. A column keeps one zone, so only a
/// constant text's zone is kept (`with_written_zone`): a column of texts answers their instants
/// in UTC.
fn from_iso8601_timestamp_type(call: &Call) -> Result<DataType> {
    match call.types {
        [t] if is_text(t) => Ok(zoned("UTC")),
        [t, _] if call.name == ISO8601_IN_ZONE && is_text(t) => Ok(zoned(call.text(1).unwrap_or("UTC"))),
        _ => call.mismatch("from_iso8601_timestamp(varchar(x))"),
    }
}

fn from_iso8601_timestamp(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let mut out = TimestampMillisecondBuilder::new();
    for value in text(args, 0)?.iter() {
        match value {
            None => out.append_null(),
            Some(value) => out.append_value(parse_iso8601(value)?),
        }
    }
    Ok(Arc::new(out.finish().with_timezone_opt(zone_in(kind))))
}

/// The zone an ISO 8601 text names, if it names one: `UTC` for `Z`, else its offset (`+01:00`).
fn iso8601_zone(text: &str) -> Option<String> {
    Some(iso8601::timestamp(text)?.offset?.zone())
}

/// An ISO 8601 text (`iso8601::timestamp`) as milliseconds since 1970 UTC (a text without an
/// offset is a UTC time, the session's zone).
fn parse_iso8601(value: &str) -> Result<i64> {
    match iso8601::timestamp(value) {
        Some(written) => {
            let offset = i64::from(written.offset.map_or(0, iso8601::Offset::seconds));
            Ok(written.local.and_utc().timestamp_millis() - offset * 1000)
        }
        None => exec_err!("INVALID_FUNCTION_ARGUMENT: Invalid format: \"{value}\""),
    }
}

/// The zone of a timestamp type, if it has one.
fn zone_in(kind: &DataType) -> Option<Arc<str>> {
    match kind {
        DataType::Timestamp(_, zone) => zone.clone(),
        _ => None,
    }
}

pub(super) const MS_PER_DAY: i64 = 86_400_000;

/// A day in nanoseconds, the unit the engine's intervals keep time in.
pub(super) const NS_PER_DAY: i128 = MS_PER_DAY as i128 * 1_000_000;

/// An interval's days and time in milliseconds (its months left out), a finer part cut.
pub(super) fn day_time_millis(interval: &IntervalMonthDayNano) -> i64 {
    i64::from(interval.days) * MS_PER_DAY + interval.nanoseconds / 1_000_000
}

/// Trino's interval day to second of `nanos` nanoseconds, as the engine holds every one: all in
/// nanoseconds, so that two of one length are one value wherever the engine reads its fields
/// (sorting, grouping, DISTINCT, joins, `greatest`, `array_sort`); a day is 24 hours, as Trino's
/// is. Past the 292 years 64 bits of nanoseconds hold, whole days and the rest; None past
/// what the engine's interval holds at all.
pub(super) fn day_time(nanos: i128) -> Option<IntervalMonthDayNano> {
    if let Ok(nanos) = i64::try_from(nanos) {
        return Some(IntervalMonthDayNano::new(0, 0, nanos));
    }
    let days = i32::try_from(nanos / NS_PER_DAY).ok()?;
    Some(IntervalMonthDayNano::new(0, days, (nanos % NS_PER_DAY) as i64))
}

/// The Trino function `EXTRACT(field FROM x)` is (`DOW` is `day_of_week`: Sunday is 7); None for
/// a field Trino's parser refuses (`MILLISECOND`, `EPOCH`).
pub(super) fn extract_function(field: &ast::DateTimeField) -> Option<&'static str> {
    Some(match field.to_string().to_ascii_uppercase().as_str() {
        "YEAR" => "year",
        "QUARTER" => "quarter",
        "MONTH" => "month",
        "WEEK" => "week",
        "DAY" | "DAY_OF_MONTH" => "day",
        "DAY_OF_WEEK" | "DOW" => "day_of_week",
        "DAY_OF_YEAR" | "DOY" => "day_of_year",
        "YEAR_OF_WEEK" | "YOW" => "year_of_week",
        "HOUR" => "hour",
        "MINUTE" => "minute",
        "SECOND" => "second",
        "TIMEZONE_HOUR" => "timezone_hour",
        "TIMEZONE_MINUTE" => "timezone_minute",
        _ => return None,
    })
}

/// The first field of an `EXTRACT` in `statement` that Trino has none of, as written.
pub(super) fn invalid_extract(statement: &ast::Statement) -> Option<String> {
    let found = ast::visit_expressions(statement, |expr| match expr {
        ast::Expr::Extract { field, .. } if extract_function(field).is_none() => {
            std::ops::ControlFlow::Break(field.to_string())
        }
        _ => std::ops::ControlFlow::Continue(()),
    });
    found.break_value()
}

/// The zone a `TIMESTAMP '…'` literal ends with, if it has one: `UTC`, `America/Los_Angeles`,
/// `+01:00` (after a space or right after the time), `Z` (right after the time), named as Trino names it (`zone_named`:
/// `GMT` is `UTC`, `UTC+05:30` is `+05:30`).
pub fn literal_zone(text: &str) -> Option<(NaiveDateTime, String)> {
    let text = text.trim();
    let (head, zone) = match text.rsplit_once(char::is_whitespace) {
        Some((head, zone)) if zone_named(zone).is_some() => (head.trim(), zone),
        // `Z` right after the time is UTC.
        _ => match text.strip_suffix('Z') {
            Some(head) if head.contains(':') && head.ends_with(|c: char| c.is_ascii_digit()) => (head, "Z"),
            _ => {
                let at = text.rfind(['+', '-']).filter(|&at| at > 10)?;
                (&text[..at], &text[at..])
            }
        },
    };
    // Java's `ZoneId.of`, then Trino's `TimeZoneKey`: `GMT` is UTC, `UTC+05:30` is `+05:30`.
    let zone = zone_named(zone)?;
    let local = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d"].iter().find_map(|f| {
        NaiveDateTime::parse_from_str(head, f)
            .ok()
            .or_else(|| NaiveDate::parse_from_str(head, f).ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
    })?;
    Some((to_millisecond(local), zone))
}

/// A timestamp literal's text (`2026-12-31 23:59:59.9995 UTC`) with its fraction cut at the
/// millisecond (`…59.999 UTC`).
pub(super) fn to_the_millisecond(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(dot) = text.find(':').and_then(|colon| text[colon..].find('.').map(|dot| colon + dot)) else {
        return text.into();
    };
    let digits = text[dot + 1..].bytes().take_while(u8::is_ascii_digit).count();
    if digits <= 3 {
        return text.into();
    }
    format!("{}{}", &text[..dot + 4], &text[dot + 1 + digits..]).into()
}

/// `t` rounded half up to the millisecond, as Trino's casts of text round a finer fraction
/// (`.9995` is the next second).
pub(super) fn to_millisecond(t: NaiveDateTime) -> NaiveDateTime {
    let nanos = i64::from(chrono::Timelike::nanosecond(&t) % 1_000_000);
    t + chrono::TimeDelta::nanoseconds(if nanos >= 500_000 { 1_000_000 - nanos } else { -nanos })
}

/// `2012-08-08 01:00` → `2012-08-08 01:00:00`: a timestamp literal whose seconds Trino
/// allows to be left out, written in full; None when it is complete already or not a timestamp.
pub fn full_timestamp(text: &str) -> Option<String> {
    let t = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M").ok()?;
    Some(t.format("%Y-%m-%d %H:%M:%S").to_string())
}

fn zone_of(name: &str) -> Result<Tz> {
    match zone_named(name).map(|name| Tz::from_str(&name)) {
        Some(Ok(tz)) => Ok(tz),
        _ => exec_err!("INVALID_FUNCTION_ARGUMENT: '{name}' is not a valid time zone"),
    }
}

/// The instant a wall-clock time names in `zone`, as Trino reads a literal: of two (clocks
/// turned back) the earlier, and a time the clocks skip an hour on (`functions::on_wall`).
fn instant(local: &NaiveDateTime, zone: &Tz) -> Result<i64> {
    match zone.from_local_datetime(local).earliest() {
        Some(t) => Ok(t.timestamp_millis()),
        None => match super::functions::on_wall(zone, *local, chrono::Offset::fix(&chrono::Utc)) {
            Some(t) => Ok(t),
            None => exec_err!("INVALID_FUNCTION_ARGUMENT: {local} does not exist in that time zone"),
        },
    }
}

fn zoned(zone: &str) -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some(zone.into()))
}

/// A text cast to a timestamp with a zone: the wall-clock time and the zone it names; `…Z`, or
/// no zone at all, is UTC, the session's.
pub fn zoned_or_utc(text: &str) -> Option<(NaiveDateTime, String)> {
    let text = text.trim();
    literal_zone(text).or_else(|| literal_zone(&format!("{} UTC", text.strip_suffix(['Z', 'z']).unwrap_or(text))))
}

fn timestamp_literal_type(call: &Call) -> Result<DataType> {
    match call.text(0).and_then(zoned_or_utc) {
        Some((_, zone)) => Ok(zoned(&zone)),
        None => plan_err!("INVALID_LITERAL: '{}' is not a valid timestamp literal", call.text(0).unwrap_or_default()),
    }
}

fn timestamp_literal(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let mut out = TimestampMillisecondBuilder::new();
    let mut zone_name = None;
    for value in text(args, 0)?.iter() {
        let Some(value) = value else {
            out.append_null();
            continue;
        };
        let Some((local, zone)) = zoned_or_utc(value) else {
            return exec_err!("INVALID_LITERAL: '{value}' is not a valid timestamp literal");
        };
        out.append_value(instant(&local, &zone_of(&zone)?)?);
        zone_name = Some(zone);
    }
    Ok(Arc::new(out.finish().with_timezone_opt(zone_name)))
}

/// `$zoned_text(text, 'refuse' | 'null')`: a column's texts cast to a timestamp with a zone,
/// each at the instant it names (`2020-01-01 00:00 +01:00`, `… Asia/Kolkata`, `…Z`; without a
/// zone, in UTC), shown in UTC: one column has one zone, where Trino keeps each value's own. A
/// text that is no timestamp fails the query, or is NULL under TRY_CAST (`'null'`).
pub const ZONED_TEXT: &str = "$zoned_text";

pub fn zoned_text_udf() -> ScalarUDF {
    Trino::udf(ZONED_TEXT, zoned_text_type, zoned_text)
}

fn zoned_text_type(call: &Call) -> Result<DataType> {
    match call.types {
        [t, f] if is_text(t) && is_text(f) => Ok(zoned("UTC")),
        _ => call.mismatch("$zoned_text(varchar, varchar)"),
    }
}

fn zoned_text(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let fits = text(args, 1)?;
    let mut out = TimestampMillisecondBuilder::new();
    for (i, value) in text(args, 0)?.iter().enumerate() {
        let Some(value) = value else {
            out.append_null();
            continue;
        };
        match zoned_or_utc(value).map(|(local, zone)| zone_of(&zone).and_then(|tz| instant(&local, &tz))) {
            Some(Ok(t)) => out.append_value(t),
            Some(Err(e)) => return Err(e),
            None if fits.is_valid(i) && fits.value(i) == "null" => out.append_null(),
            None => {
                return exec_err!("INVALID_CAST_ARGUMENT: Value cannot be cast to timestamp with time zone: {value}")
            }
        }
    }
    Ok(Arc::new(out.finish().with_timezone("UTC")))
}

/// `ts AT TIME ZONE zone`: `at_timezone`, of a timestamp alone, as Trino's analyzer allows it
/// (`at_timezone` of a date reads its midnight, as Trino coerces one).
pub(super) const AT_TIME_ZONE: &str = "$at_timezone";

fn at_time_zone_type(call: &Call) -> Result<DataType> {
    match call.types.first() {
        Some(DataType::Timestamp(_, _) | DataType::Null) | None => zoned_type(&Call { name: "at_timezone", ..*call }),
        Some(other) => plan_err!(
            "TYPE_MISMATCH: Type of value must be a time or timestamp with or without time zone (actual {})",
            super::types::trino_type(other)
        ),
    }
}

fn zoned_type(call: &Call) -> Result<DataType> {
    let usage = format!("{}(timestamp, varchar)", call.name);
    match call.types {
        [t, z] if is_timestamp(t) && is_text(z) => match call.text(1) {
            Some(zone) => match zone_named(zone) {
                Some(zone) => Ok(zoned(&zone)),
                None => zone_of(zone).map(|_| zoned(zone)),
            },
            None => plan_err!("NOT_SUPPORTED: the sandbox engine needs the zone of {} as a constant", call.name),
        },
        _ => call.mismatch(&usage),
    }
}

/// Each value as milliseconds since 1970 UTC: a timestamp without a zone is a UTC time (the
/// session's zone), a date its midnight.
fn instants(array: &ArrayRef) -> Result<Vec<Option<i64>>> {
    let scaled = |values: Vec<Option<i64>>, by: fn(i64) -> i64| values.into_iter().map(|v| v.map(by)).collect();
    Ok(match array.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            scaled(array.as_primitive::<TimestampSecondType>().iter().collect(), |v| v.saturating_mul(1000))
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            array.as_primitive::<TimestampMillisecondType>().iter().collect()
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            scaled(array.as_primitive::<TimestampMicrosecondType>().iter().collect(), |v| v.div_euclid(1000))
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            scaled(array.as_primitive::<TimestampNanosecondType>().iter().collect(), |v| v.div_euclid(1_000_000))
        }
        DataType::Date32 => {
            let days = array.as_primitive::<datafusion::arrow::datatypes::Date32Type>();
            days.iter().map(|d| d.map(|d| d as i64 * MS_PER_DAY)).collect()
        }
        DataType::Null => vec![None; array.len()],
        other => return exec_err!("expected a timestamp, got {other}"),
    })
}

/// `at_timezone(ts, zone)` and `ts AT TIME ZONE zone`: the same instant, shown in `zone`.
fn at_timezone(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let DataType::Timestamp(_, zone) = kind else { return exec_err!("at_timezone answers a timestamp") };
    let mut out = TimestampMillisecondBuilder::new();
    for value in instants(&args[0])? {
        out.append_option(value);
    }
    Ok(Arc::new(out.finish().with_timezone_opt(zone.clone())))
}

/// `with_timezone(ts, zone)`: the same wall-clock time, in `zone`.
fn with_timezone(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let DataType::Timestamp(_, Some(zone)) = kind else { return exec_err!("with_timezone answers a timestamp") };
    let tz = zone_of(zone)?;
    let mut out = TimestampMillisecondBuilder::new();
    for value in instants(&args[0])? {
        match value.and_then(chrono::DateTime::from_timestamp_millis) {
            Some(t) => out.append_value(instant(&t.naive_utc(), &tz)?),
            None => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish().with_timezone(zone.clone())))
}

fn from_iso8601_date_type(call: &Call) -> Result<DataType> {
    match call.types {
        [t] if is_text(t) => Ok(DataType::Date32),
        _ => call.mismatch("from_iso8601_date(varchar)"),
    }
}

fn from_iso8601_date(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut out = Date32Builder::new();
    for value in text(args, 0)?.iter() {
        match value {
            None => out.append_null(),
            Some(value) => match iso8601::date(value) {
                Some(date) => out.append_value((date - epoch).num_days() as i32),
                None => return exec_err!("INVALID_FUNCTION_ARGUMENT: Invalid format: \"{value}\""),
            },
        }
    }
    Ok(Arc::new(out.finish()))
}

fn date_parse_type(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b] if is_text(a) && is_text(b) => Ok(DataType::Timestamp(TimeUnit::Millisecond, None)),
        _ => call.mismatch("date_parse(varchar, varchar)"),
    }
}

fn date_parse(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (values, formats) = (text(args, 0)?, text(args, 1)?);
    let mut out = TimestampMillisecondBuilder::new();
    for i in 0..values.len() {
        if values.is_null(i) || formats.is_null(i) {
            out.append_null();
            continue;
        }
        let fields = match super::patterns::mysql(formats.value(i)) {
            Ok(fields) => fields,
            Err(message) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {message}"),
        };
        match super::patterns::parse(values.value(i), &fields) {
            Ok((local, _)) => out.append_value(local.and_utc().timestamp_millis()),
            Err(message) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {message}"),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// A constant text's zone (`+01:00` from `+0100`, `with_written_zone`), else UTC: a column keeps
/// one zone, so a column of texts answers their instants in UTC.
fn parse_datetime_type(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b] if is_text(a) && is_text(b) => Ok(zoned("UTC")),
        [a, b, _] if call.name == PARSED_IN_ZONE && is_text(a) && is_text(b) => {
            Ok(zoned(call.text(2).unwrap_or("UTC")))
        }
        _ => call.mismatch("parse_datetime(varchar, varchar)"),
    }
}

/// `parse_datetime(string, pattern)`: a timestamp with a zone, the text's when the text is a
/// constant (`parse_datetime_type`).
fn parse_datetime(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let (values, patterns) = (text(args, 0)?, text(args, 1)?);
    let mut out = TimestampMillisecondBuilder::new();
    for i in 0..values.len() {
        if values.is_null(i) || patterns.is_null(i) {
            out.append_null();
            continue;
        }
        let fields = match super::patterns::joda(patterns.value(i)) {
            Ok(fields) => fields,
            Err(message) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {message}"),
        };
        match super::patterns::parse(values.value(i), &fields) {
            Ok((local, zone)) => {
                let zone = match zone {
                    Some(zone) => zone_of(&zone)?,
                    None => zone_of("UTC")?,
                };
                out.append_value(instant(&local, &zone)?);
            }
            Err(message) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {message}"),
        }
    }
    Ok(Arc::new(out.finish().with_timezone_opt(zone_in(kind))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_in_literals() {
        let (local, zone) = literal_zone("2012-10-31 01:00 UTC").unwrap();
        assert_eq!((local.to_string().as_str(), zone.as_str()), ("2012-10-31 01:00:00", "UTC"));
        assert_eq!(literal_zone("2001-08-22 03:04:05.321 America/Los_Angeles").unwrap().1, "America/Los_Angeles");
        assert_eq!(literal_zone("2020-05-11 11:15:05.055+01:00").unwrap().1, "+01:00");
        assert!(literal_zone("2012-10-31 01:00").is_none());
        assert!(literal_zone("2012-10-31").is_none());
    }

    #[test]
    fn iso8601_as_instants_and_zones() {
        let expected = 1_774_000_800_000; // 2026-03-20T10:00:00Z
        assert_eq!(parse_iso8601("2026-03-20T10:00:00Z").unwrap(), expected);
        assert_eq!(parse_iso8601("2026-03-20T12:00:00+02:00").unwrap(), expected);
        assert_eq!(parse_iso8601("2026-03-20T02:00-08").unwrap(), expected);
        assert_eq!(parse_iso8601("2026-03-20T10:00:00.000").unwrap(), expected);
        assert_eq!(parse_iso8601("2026-03-20").unwrap(), expected - 10 * 3_600_000);
        assert!(parse_iso8601("yesterday").unwrap_err().to_string().contains("Invalid format: \"yesterday\""));
        assert_eq!(iso8601_zone("2026-03-20T12:00:00+02:00").as_deref(), Some("+02:00"));
        assert_eq!(iso8601_zone("2026-03-20T10:00:00Z").as_deref(), Some("UTC"));
        assert_eq!(iso8601_zone("2026-03-20T10:00:00"), None);
    }
}
