//! Trino's `date_diff(unit, t1, t2)`: whole units from one moment to another, months and years
//! counted as Joda's calendar counts them (the last day of a month reaches a later day of
//! another), days and longer on the first timestamp's wall clock when it has a zone.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, ArrayRef, Int64Builder};
use datafusion::common::cast::{as_string_array, as_timestamp_millisecond_array};
use datafusion::common::Result;
use std::sync::Arc;

use super::functions::{time, unit, Unit};

/// `date_diff(unit, t1, t2)`: whole units from `t1` to `t2`; days and longer on the wall clock of
/// `zone`, the first timestamp's, if it has one (a day across a change of clocks is one day),
/// hours and shorter as durations.
pub(super) fn date_diff(args: &[ArrayRef], zone: Option<Tz>) -> Result<ArrayRef> {
    let units = as_string_array(&args[0])?;
    let from = as_timestamp_millisecond_array(&args[1])?;
    let to = as_timestamp_millisecond_array(&args[2])?;
    let mut out = Int64Builder::new();
    for i in 0..from.len() {
        if units.is_null(i) || from.is_null(i) || to.is_null(i) {
            out.append_null();
            continue;
        }
        let (a, b) = (time(from.value(i))?, time(to.value(i))?);
        let unit = unit(units.value(i))?;
        let (a, b) = match (&zone, &unit) {
            (Some(tz), Unit::Months(_)) => (a.with_timezone(tz).naive_local(), b.with_timezone(tz).naive_local()),
            (Some(tz), Unit::Fixed(ms)) if *ms >= super::datetime::MS_PER_DAY => {
                (a.with_timezone(tz).naive_local(), b.with_timezone(tz).naive_local())
            }
            _ => (a.naive_utc(), b.naive_utc()),
        };
        out.append_value(match unit {
            Unit::Fixed(ms) => (b - a).num_milliseconds() / ms,
            Unit::Months(12) => years_between(a, b),
            Unit::Months(m) => months_between(a, b) / m as i64,
        });
    }
    Ok(Arc::new(out.finish()))
}

/// Whole months from `a` to `b` as Joda counts them (Trino's `date_diff`): those between their
/// years and months, one fewer when `b`'s day and time of day come before `a`'s; on the last day
/// of `b`'s month, a later day of `a` counts as that day (January 31 to February 29 is a month).
fn months_between(a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    if b < a {
        return -months_between(b, a);
    }
    let months = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month());
    let last_day = b
        .date()
        .with_day(1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt());
    let a_day = if last_day == Some(b.date()) { a.day().min(b.day()) } else { a.day() };
    months - i64::from((b.day(), b.time()) < (a_day, a.time()))
}

/// Whole years from `a` to `b` as Joda counts them: those between their years, one fewer when
/// `b`'s moment of its year comes before `a`'s, February 29 of a leap year against a year
/// without one read as the day before March 1 (February 29, 2024 to February 28, 2025 is a year).
fn years_between(a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    if b < a {
        return -years_between(b, a);
    }
    let leap = |year: i32| NaiveDate::from_ymd_opt(year, 2, 29).is_some();
    let into_year =
        |t: NaiveDateTime| -> TimeDelta { t - NaiveDateTime::from(t.date().with_ordinal(1).unwrap_or(t.date())) };
    let (mut a_rest, mut b_rest) = (into_year(a), into_year(b));
    let february_29 = TimeDelta::days(31 + 28);
    if a_rest >= february_29 {
        if leap(a.year()) {
            if !leap(b.year()) {
                a_rest -= TimeDelta::days(1);
            }
        } else if b_rest >= february_29 && leap(b.year()) {
            b_rest -= TimeDelta::days(1);
        }
    }
    i64::from(b.year()) - i64::from(a.year()) - i64::from(b_rest < a_rest)
}
