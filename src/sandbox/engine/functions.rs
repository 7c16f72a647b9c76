//! Athena (Trino) functions the embedded engine does not have under Athena's name or with
//! Athena's meaning, all registered from here. DataFusion already answers `date_trunc`,
//! `approx_distinct`, `from_unixtime`, `split_part`, `strpos`, `lower`, … as
//! Athena does; `TRINO_NAMES` gives Trino's name to the DataFusion functions that only differ by
//! it. The JSON path and URL functions are in `text`, the other JSON ones in `json`, arrays and
//! maps in `arrays` and `maps`, the functions of a lambda in `lambdas`, dates in `datetime`,
//! `format` in `format`, numbers as people write them (`format_number`, `parse_data_size`, …) in
//! `readable`, `typeof` in `types`, `TRY` in `try_`; rounding in `math`, bytes and their encodings in
//! `bytes`, hashes in `hashes`, regular expressions in `regexps` (their patterns read in `joni`), URL encoding and
//! `hamming_distance` in `strings`, `split_to_map` in `splits`, `bit_count` and the shifts in `bits`, `last_day_of_month` and `to_iso8601` in `calendar`; the
//! functions that are a form of DataFusion's are rewritten in `forms` (`mod`, `date`, …) and
//! `aggregates` (`count_if`, `max_by`, `histogram`, `listagg`, …).

use std::sync::Arc;

use chrono::offset::LocalResult;
use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDateTime, Offset, TimeDelta, TimeZone, Timelike, Utc};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{
    Array, ArrayRef, Float64Builder, Int64Builder, StringBuilder, TimestampMillisecondBuilder,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, FieldRef, TimeUnit};
use datafusion::common::cast::{as_int64_array, as_string_array, as_timestamp_millisecond_array};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::execution::FunctionRegistry;
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

use super::text::{self, UrlPart};
use super::types::TIMESTAMP;

/// Trino's name → the DataFusion function that answers as Trino's does.
const TRINO_NAMES: &[(&str, &str)] = &[
    ("arrays_overlap", "array_has_any"),
    // DataFusion's array_remove takes out the first match only; Trino's takes out all.
    ("array_remove", "array_remove_all"),
    ("transform", "array_transform"),
    ("filter", "array_filter"),
    ("any_match", "array_any_match"),
    ("is_nan", "isnan"),
    // Aggregates.
    ("arbitrary", "any_value"),
    ("variance", "var_samp"),
    ("every", "bool_and"),
    ("bitwise_and_agg", "bit_and"),
    ("bitwise_or_agg", "bit_or"),
];

/// Registers every Athena function with `ctx`; `now_ms` is the sandbox's present.
pub fn register(ctx: &SessionContext, now_ms: i64) -> Result<()> {
    for function in athena_functions(now_ms) {
        ctx.register_udf(function);
    }
    let state = ctx.state();
    for (trino, datafusion) in TRINO_NAMES {
        if let Some(function) = state.higher_order_functions().get(*datafusion) {
            ctx.register_higher_order_function(Arc::new(function.as_ref().clone().with_aliases([*trino])));
        } else if let Some(function) = state.aggregate_functions().get(*datafusion) {
            ctx.register_udaf(function.as_ref().clone().with_aliases([*trino]));
        } else {
            let function = ctx.udf(datafusion)?;
            ctx.register_udf(function.as_ref().clone().with_aliases([*trino]));
        }
    }
    ctx.register_higher_order_function(super::try_::Try::function());
    // Trino's greatest and least are NULL where an argument is, array_max and array_min where an
    // element is; greatest and array_max take NaN for the least value (`extremes`).
    for strict in ["greatest", "least", "array_max", "array_min"] {
        let mut function = ctx.udf(strict)?.as_ref().clone();
        if matches!(strict, "greatest" | "array_max") {
            function = super::udf::Amended::udf(function, super::extremes::nan_least);
        }
        let nulls = if strict.starts_with("array") { super::udf::strict_elements } else { super::udf::strict };
        ctx.register_udf(super::udf::Amended::udf(function, nulls));
    }
    ctx.register_udf(super::udf::Passing::held(super::try_::HELD));
    ctx.register_udf(super::udf::Passing::labelled(super::cast::CAST_VALUE));
    for function in super::lambdas::functions() {
        ctx.register_higher_order_function(function);
    }
    Ok(())
}

/// Every scalar function this engine adds, for registering with a session; `now_ms` is the
/// sandbox's present (it runs ahead of the wall clock with `--speed`, or from
/// `LAKEOPS_SANDBOX_START`), answered by `now()`, `current_timestamp` and `current_date`.
pub fn athena_functions(now_ms: i64) -> Vec<ScalarUDF> {
    let parts = PARTS.iter().map(|(name, _)| Kind::Part(name));
    let urls = UrlPart::ALL.into_iter().map(Kind::Url);
    let own = [
        Kind::ToUnixtime,
        Kind::JsonExtractScalar,
        Kind::JsonExtract,
        Kind::DateFormat,
        Kind::DateAdd,
        Kind::DateDiff,
        Kind::RegexpExtract,
        Kind::Now(now_ms),
        Kind::CurrentDate(now_ms),
    ]
    .into_iter()
    .chain(parts)
    .chain(urls)
    .map(|kind| ScalarUDF::new_from_impl(Athena::new(kind)));
    own.chain(super::arrays::functions())
        .chain(super::subscript::functions())
        .chain(super::maps::functions())
        .chain(super::json::functions())
        .chain(super::cast::functions())
        .chain(super::datetime::functions())
        .chain(super::format::functions())
        .chain(super::readable::functions())
        .chain(super::math::functions())
        .chain(super::arithmetic::functions())
        .chain(super::array_comparisons::functions())
        .chain(super::shifts::functions())
        .chain(super::sample::functions())
        .chain(super::distributions::functions())
        .chain(super::vectors::functions())
        .chain(super::bytes::functions())
        .chain(super::hashes::functions())
        .chain(super::regexps::functions())
        .chain(super::strings::functions())
        .chain(super::series::functions())
        .chain(super::lateral::functions())
        .chain(super::intervals::functions())
        .chain(super::interval_arithmetic::functions())
        .chain(super::like::functions())
        .chain(super::splits::functions())
        .chain(super::calendar::functions())
        .chain(super::bits::functions())
        .chain(super::aggregates::functions())
        .chain(super::sums::functions())
        .chain(super::code_points::functions())
        .chain(super::extremes::functions())
        .chain(super::float_comparisons::functions())
        .chain(super::quantified::functions())
        .chain(super::sketches::functions())
        .chain([super::types::TypeOf::udf(), super::literals::LiteralType::udf()])
        .collect()
}

/// Whether `name` is a function of one field of a timestamp (`PARTS`).
pub(super) fn is_part(name: &str) -> bool {
    PARTS.iter().any(|(part, _)| *part == name)
}

/// Trino's forms of the field function `name`, as its refusal lists them, and whether it reads
/// a date (the fields of a time of day do not).
pub(super) fn part_forms(name: &str) -> (String, bool) {
    let clock = matches!(name, "hour" | "minute" | "second" | "millisecond");
    let mut forms = match clock {
        true => vec![format!("{name}(time(p))"), format!("{name}(time(p) with time zone)")],
        false => vec![format!("{name}(date)")],
    };
    forms.extend([format!("{name}(timestamp(p))"), format!("{name}(timestamp(p) with time zone)")]);
    match name {
        "year" | "month" => forms.push(format!("{name}(interval year to month)")),
        "day" | "day_of_month" | "hour" | "minute" | "second" | "millisecond" => {
            forms.push(format!("{name}(interval day to second)"))
        }
        _ => {}
    }
    (forms.join(", "), !clock)
}

/// `hour(ts)`, `day_of_week(ts)`, …: one field of a timestamp, as a bigint.
type Field = fn(&DateTime<Utc>) -> i64;

const PARTS: &[(&str, Field)] = &[
    ("year", |t| t.year() as i64),
    ("quarter", |t| (t.month0() / 3 + 1) as i64),
    ("month", |t| t.month() as i64),
    ("week", |t| t.iso_week().week() as i64),
    ("week_of_year", |t| t.iso_week().week() as i64),
    ("year_of_week", |t| t.iso_week().year() as i64),
    ("yow", |t| t.iso_week().year() as i64),
    ("day", |t| t.day() as i64),
    ("day_of_month", |t| t.day() as i64),
    ("day_of_week", |t| t.weekday().number_from_monday() as i64),
    ("dow", |t| t.weekday().number_from_monday() as i64),
    ("day_of_year", |t| t.ordinal() as i64),
    ("doy", |t| t.ordinal() as i64),
    ("hour", |t| t.hour() as i64),
    ("minute", |t| t.minute() as i64),
    ("second", |t| t.second() as i64),
    ("millisecond", |t| (t.nanosecond() / 1_000_000) as i64),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    ToUnixtime,
    JsonExtractScalar,
    JsonExtract,
    Url(UrlPart),
    DateFormat,
    DateAdd,
    DateDiff,
    RegexpExtract,
    Part(&'static str),
    Now(i64),
    CurrentDate(i64),
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Athena {
    kind: Kind,
    signature: Signature,
    aliases: Vec<String>,
}

impl Athena {
    fn new(kind: Kind) -> Athena {
        let signature = match kind {
            Kind::Now(_) | Kind::CurrentDate(_) => Signature::nullary(Volatility::Stable),
            _ => Signature::user_defined(Volatility::Immutable),
        };
        let aliases = match kind {
            Kind::Now(_) => vec!["current_timestamp".to_string()],
            Kind::CurrentDate(_) => vec!["today".to_string()],
            _ => Vec::new(),
        };
        Athena { kind, signature, aliases }
    }

    /// The argument types Athena takes (what DataFusion casts the arguments to), and how the
    /// call is written, for the message when the count is wrong.
    fn parameters(&self, count: usize) -> Result<Vec<DataType>> {
        let (types, usage): (Vec<DataType>, &str) = match self.kind {
            Kind::ToUnixtime => (vec![TIMESTAMP], "to_unixtime(timestamp)"),
            Kind::JsonExtractScalar => (vec![DataType::Utf8, DataType::Utf8], "json_extract_scalar(json, json_path)"),
            Kind::JsonExtract => (vec![DataType::Utf8, DataType::Utf8], "json_extract(json, json_path)"),
            Kind::Url(UrlPart::Parameter) => (vec![DataType::Utf8, DataType::Utf8], "url_extract_parameter(url, name)"),
            Kind::Url(part) => (vec![DataType::Utf8], part.function()),
            Kind::DateFormat => (vec![TIMESTAMP, DataType::Utf8], "date_format(timestamp, format)"),
            Kind::DateAdd => (vec![DataType::Utf8, DataType::Int64, TIMESTAMP], "date_add(unit, value, timestamp)"),
            Kind::DateDiff => (vec![DataType::Utf8, TIMESTAMP, TIMESTAMP], "date_diff(unit, timestamp1, timestamp2)"),
            Kind::RegexpExtract if count == 3 => {
                (vec![DataType::Utf8, DataType::Utf8, DataType::Int64], "regexp_extract(string, pattern, group)")
            }
            Kind::RegexpExtract => (vec![DataType::Utf8, DataType::Utf8], "regexp_extract(string, pattern[, group])"),
            Kind::Part(name) => (vec![TIMESTAMP], name),
            Kind::Now(_) => (vec![], "now()"),
            Kind::CurrentDate(_) => (vec![], "current_date"),
        };
        if types.len() != count {
            return plan_err!("FUNCTION_NOT_FOUND: {} takes {} arguments: {usage}", self.name(), types.len());
        }
        Ok(types)
    }
}

impl ScalarUDFImpl for Athena {
    fn name(&self) -> &str {
        match self.kind {
            Kind::ToUnixtime => "to_unixtime",
            Kind::JsonExtractScalar => "json_extract_scalar",
            Kind::JsonExtract => "json_extract",
            Kind::Url(part) => part.function(),
            Kind::DateFormat => "date_format",
            Kind::DateAdd => "date_add",
            Kind::DateDiff => "date_diff",
            Kind::RegexpExtract => "regexp_extract",
            Kind::Part(name) => name,
            Kind::Now(_) => "now",
            Kind::CurrentDate(_) => "current_date",
        }
    }

    fn aliases(&self) -> &[String] {
        &self.aliases
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let mut types = self.parameters(arg_types.len())?;
        // A field of a time of day or an interval is read from it as it is (`clock_or_interval_part`).
        if let (Kind::Part(_), [given]) = (&self.kind, arg_types) {
            if is_clock_or_interval(given) {
                return Ok(vec![given.clone()]);
            }
        }
        // A field of a timestamp with a zone, or its text, is read on the wall there, and
        // `date_add` moves it there: the zone stays for `invoke_with_args`.
        if matches!(self.kind, Kind::Part(_) | Kind::DateFormat | Kind::DateAdd | Kind::DateDiff) {
            for (kind, given) in types.iter_mut().zip(arg_types) {
                match (&*kind, given) {
                    (&TIMESTAMP, DataType::Timestamp(_, Some(zone))) => {
                        *kind = DataType::Timestamp(TimeUnit::Millisecond, Some(zone.clone()));
                    }
                    // A time of day, which `answer_types` reads on 1970-01-01 before the call runs.
                    (&TIMESTAMP, DataType::Time32(_) | DataType::Time64(_))
                        if matches!(self.kind, Kind::DateAdd | Kind::DateDiff) =>
                    {
                        *kind = given.clone();
                    }
                    _ => {}
                }
            }
        }
        Ok(types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(match self.kind {
            Kind::DateAdd => TIMESTAMP,
            Kind::ToUnixtime => DataType::Float64,
            Kind::DateFormat | Kind::RegexpExtract | Kind::JsonExtractScalar | Kind::JsonExtract => DataType::Utf8,
            Kind::Url(UrlPart::Port) => DataType::Int64,
            Kind::Url(_) => DataType::Utf8,
            Kind::DateDiff | Kind::Part(_) => DataType::Int64,
            Kind::Now(_) => DataType::Timestamp(TimeUnit::Millisecond, Some("+00:00".into())),
            Kind::CurrentDate(_) => DataType::Date32,
        })
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        if matches!(self.kind, Kind::JsonExtract) {
            return Ok(Arc::new(super::types::json_field(self.name())));
        }
        let types: Vec<DataType> = args.arg_fields.iter().map(|f| f.data_type().clone()).collect();
        let kind = match (&self.kind, types.get(2)) {
            // A timestamp with a zone moved is one in that zone, as in Trino.
            (Kind::DateAdd, Some(zoned @ DataType::Timestamp(_, Some(_)))) => zoned.clone(),
            _ => self.return_type(&types)?,
        };
        Ok(Arc::new(datafusion::arrow::datatypes::Field::new(self.name(), kind, true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        match self.kind {
            // A `timestamp(3) with time zone`, as Trino's (and in the engine's milliseconds, which
            // compare with any year a query's timestamps hold).
            Kind::Now(ms) => {
                return Ok(ColumnarValue::Scalar(ScalarValue::TimestampMillisecond(Some(ms), Some("+00:00".into()))));
            }
            Kind::CurrentDate(ms) => {
                let days = ms.div_euclid(super::datetime::MS_PER_DAY) as i32;
                return Ok(ColumnarValue::Scalar(ScalarValue::Date32(Some(days))));
            }
            _ => {}
        }
        if let (Kind::Part(name), [value]) = (self.kind, args.args.as_slice()) {
            if is_clock_or_interval(&value.data_type()) {
                return Ok(ColumnarValue::Array(super::calendar::clock_or_interval_part(
                    name,
                    &value.to_array(args.number_rows)?,
                )?));
            }
        }
        let all_scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let types = self.parameters(args.args.len())?;
        let zone = match args.return_field.data_type() {
            DataType::Timestamp(_, Some(zone)) => Some(zone.clone()),
            _ => None,
        };
        // A field of a timestamp with a zone, or its text, is read on the wall there, as Trino's.
        let local = matches!(self.kind, Kind::Part(_) | Kind::DateFormat);
        let arrays = ColumnarValue::values_to_arrays(&args.args)?
            .iter()
            .zip(&types)
            .map(|(array, kind)| {
                let array = if local { super::calendar::wall_clock(array)? } else { array.clone() };
                Ok(cast(&array, kind)?)
            })
            .collect::<Result<Vec<ArrayRef>>>()?;
        let out = match self.kind {
            Kind::ToUnixtime => to_unixtime(&arrays)?,
            Kind::JsonExtractScalar => text::json_extract(&arrays, true)?,
            Kind::JsonExtract => text::json_extract(&arrays, false)?,
            Kind::Url(part) => text::url_extract(part, &arrays)?,
            Kind::DateFormat => date_format(&arrays)?,
            Kind::DateAdd => date_add(&arrays, zone)?,
            // Counted on the first timestamp's wall clock, as Trino counts (its zone's calendar).
            Kind::DateDiff => {
                let zone = match args.arg_fields.get(1).map(|f| f.data_type()) {
                    Some(DataType::Timestamp(_, Some(zone))) => Some(zone.parse::<Tz>()?),
                    _ => None,
                };
                super::date_diff::date_diff(&arrays, zone)?
            }
            Kind::RegexpExtract => regexp_extract(&arrays)?,
            Kind::Part(name) => part(name, &arrays)?,
            Kind::Now(_) | Kind::CurrentDate(_) => return exec_err!("{} takes no arguments", self.name()),
        };
        if all_scalar {
            return Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?));
        }
        Ok(ColumnarValue::Array(out))
    }
}

/// Seconds since 1970 as a double, with the milliseconds as its fraction (Athena's type).
fn to_unixtime(args: &[ArrayRef]) -> Result<ArrayRef> {
    let times = as_timestamp_millisecond_array(&args[0])?;
    let mut out = Float64Builder::new();
    for value in times.iter() {
        out.append_option(value.map(|ms| ms as f64 / 1_000.0));
    }
    Ok(Arc::new(out.finish()))
}

fn date_format(args: &[ArrayRef]) -> Result<ArrayRef> {
    let times = as_timestamp_millisecond_array(&args[0])?;
    let formats = as_string_array(&args[1])?;
    let mut out = StringBuilder::new();
    for i in 0..times.len() {
        if times.is_null(i) || formats.is_null(i) {
            out.append_null();
            continue;
        }
        let pattern = super::patterns::chrono_format(formats.value(i))?;
        out.append_value(time(times.value(i))?.format(&pattern).to_string());
    }
    Ok(Arc::new(out.finish()))
}

pub(super) fn time(ms: i64) -> Result<DateTime<Utc>> {
    match DateTime::from_timestamp_millis(ms) {
        Some(t) => Ok(t),
        None => exec_err!("INVALID_FUNCTION_ARGUMENT: timestamp out of range: {ms}"),
    }
}

fn part(name: &str, args: &[ArrayRef]) -> Result<ArrayRef> {
    let Some((_, field)) = PARTS.iter().find(|(n, _)| *n == name) else {
        return exec_err!("FUNCTION_NOT_FOUND: {name}");
    };
    let times = as_timestamp_millisecond_array(&args[0])?;
    let mut out = Int64Builder::new();
    for value in times.iter() {
        match value {
            None => out.append_null(),
            Some(ms) => out.append_value(field(&time(ms)?)),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// A time of day or an interval: what `calendar::clock_or_interval_part` reads a field of.
fn is_clock_or_interval(kind: &DataType) -> bool {
    matches!(kind, DataType::Time32(_) | DataType::Time64(_)) || super::types::is_interval(kind)
}

/// `date_add(unit, n, t)`. A timestamp with a zone (`zone`) moves as Trino's does: by hours and
/// shorter units as a duration, by days and longer ones on the wall clock there (a day across a
/// change of clocks keeps its time of day).
fn date_add(args: &[ArrayRef], zone: Option<Arc<str>>) -> Result<ArrayRef> {
    let units = as_string_array(&args[0])?;
    let values = as_int64_array(&args[1])?;
    let times = as_timestamp_millisecond_array(&args[2])?;
    let tz = match &zone {
        Some(zone) => Some(zone.parse::<Tz>()?),
        None => None,
    };
    let mut out = TimestampMillisecondBuilder::new();
    for i in 0..times.len() {
        if units.is_null(i) || values.is_null(i) || times.is_null(i) {
            out.append_null();
            continue;
        }
        let (t, n) = (time(times.value(i))?, values.value(i));
        let unit = unit(units.value(i))?;
        let on_the_wall =
            matches!(unit, Unit::Months(_)) || matches!(unit, Unit::Fixed(ms) if ms >= super::datetime::MS_PER_DAY);
        let moved = match &tz {
            Some(tz) if on_the_wall => {
                let there = t.with_timezone(tz);
                let offset = there.offset().fix();
                moved(there.naive_local(), n, unit).and_then(|local| on_wall(tz, local, offset))
            }
            _ => moved(t.naive_utc(), n, unit).map(|utc| utc.and_utc().timestamp_millis()),
        };
        match moved {
            Some(moved) => out.append_value(moved),
            None => return exec_err!("INVALID_FUNCTION_ARGUMENT: date_add overflows the timestamp range"),
        }
    }
    Ok(Arc::new(out.finish().with_timezone_opt(zone)))
}

/// `t` moved by `n` of `unit`, None past the calendar's range.
fn moved(t: NaiveDateTime, n: i64, unit: Unit) -> Option<NaiveDateTime> {
    match unit {
        Unit::Fixed(ms) => n.checked_mul(ms).and_then(|d| t.checked_add_signed(TimeDelta::milliseconds(d))),
        Unit::Months(m) => {
            let months = Months::new((n.unsigned_abs() as u32).saturating_mul(m));
            if n >= 0 {
                t.checked_add_months(months)
            } else {
                t.checked_sub_months(months)
            }
        }
    }
}

/// The instant a wall-clock time names in `tz`, as Joda's zoned calendar moves a time there:
/// of two (clocks turned back), the one at the offset it moved from (`kept`), else the earlier;
/// for a time the clocks skip, the time an hour on (the offset before the change).
pub(super) fn on_wall(tz: &Tz, local: NaiveDateTime, kept: FixedOffset) -> Option<i64> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.timestamp_millis()),
        LocalResult::Ambiguous(earlier, later) => {
            let t = if later.offset().fix() == kept { later } else { earlier };
            Some(t.timestamp_millis())
        }
        LocalResult::None => {
            let before = tz.offset_from_utc_datetime(&(local - TimeDelta::days(1)));
            Some((local - TimeDelta::seconds(i64::from(before.fix().local_minus_utc()))).and_utc().timestamp_millis())
        }
    }
}

pub(super) enum Unit {
    Fixed(i64),
    Months(u32),
}

/// Whether `name` is a unit of a date (`day` and longer: Trino's `getDateField`), not one of a
/// time of day nor none at all.
pub(super) fn is_date_unit(name: &str) -> bool {
    match unit(name) {
        Ok(Unit::Fixed(ms)) => ms >= super::datetime::MS_PER_DAY,
        Ok(Unit::Months(_)) => true,
        Err(_) => false,
    }
}

pub(super) fn unit(name: &str) -> Result<Unit> {
    Ok(match name.trim().to_ascii_lowercase().as_str() {
        "millisecond" => Unit::Fixed(1),
        "second" => Unit::Fixed(1_000),
        "minute" => Unit::Fixed(60_000),
        "hour" => Unit::Fixed(3_600_000),
        "day" => Unit::Fixed(super::datetime::MS_PER_DAY),
        "week" => Unit::Fixed(7 * super::datetime::MS_PER_DAY),
        "month" => Unit::Months(1),
        "quarter" => Unit::Months(3),
        "year" => Unit::Months(12),
        other => return exec_err!("INVALID_FUNCTION_ARGUMENT: '{other}' is not a valid Timestamp field"),
    })
}

fn regexp_extract(args: &[ArrayRef]) -> Result<ArrayRef> {
    let text = as_string_array(&args[0])?;
    let patterns = as_string_array(&args[1])?;
    let groups = match args.get(2) {
        Some(groups) => Some(as_int64_array(groups)?),
        None => None,
    };
    let mut compiled: Option<(String, super::joni::Pattern)> = None;
    let mut out = StringBuilder::new();
    for i in 0..text.len() {
        if text.is_null(i) || patterns.is_null(i) || groups.is_some_and(|g| g.is_null(i)) {
            out.append_null();
            continue;
        }
        let pattern = patterns.value(i);
        if compiled.as_ref().is_none_or(|(p, _)| p != pattern) {
            compiled = Some((pattern.to_string(), super::joni::regex(pattern)?));
        }
        let Some((_, re)) = &compiled else { continue };
        let group = groups.map(|g| g.value(i)).unwrap_or(0);
        if group < 0 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Group cannot be negative");
        }
        if group as usize >= re.captures_len() {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: Pattern has {} groups. Cannot access group {group}",
                re.captures_len() - 1
            );
        }
        let found = super::joni::matched(re.over(text.value(i)).captures(text.value(i)))?
            .and_then(|c| c.get(group as usize))
            .map(|m| m.as_str());
        out.append_option(found);
    }
    Ok(Arc::new(out.finish()))
}
