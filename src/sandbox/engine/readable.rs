//! Trino's functions between numbers and the way people write them: `format_number` (123456 →
//! `123K`), `parse_data_size` (`2.3MB` → 2411724), `parse_duration` (`3.81 d` → an interval),
//! `human_readable_seconds` (96 → `1 minute, 36 seconds`), and `luhn_check` (is this string of
//! digits a valid card or account number).
//! Each follows Trino's implementation: its rounding, its units and its refusals.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Decimal128Array, Float64Array, IntervalMonthDayNanoArray, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, IntervalMonthDayNano, IntervalUnit};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::datetime::{day_time, MS_PER_DAY};
use super::udf::{is_number, is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("format_number", number_to_text, format_number),
        Trino::udf("parse_data_size", parse_data_size_type, parse_data_size),
        Trino::udf("parse_duration", parse_duration_type, parse_duration),
        Trino::udf("human_readable_seconds", number_to_text, human_readable_seconds),
        Trino::udf("luhn_check", luhn_check_type, luhn_check),
    ]
}

/// Trino's `decimal(38,0)`, what `parse_data_size` answers.
const BYTES: DataType = DataType::Decimal128(38, 0);

fn number_to_text(call: &Call) -> Result<DataType> {
    match call.types {
        [n] if is_number(n) => Ok(DataType::Utf8),
        _ => call.mismatch(&format!("{}(double), {}(bigint)", call.name, call.name)),
    }
}

fn doubles(args: &[ArrayRef]) -> Result<Float64Array> {
    let numbers = cast(&args[0], &DataType::Float64)?;
    match numbers.as_any().downcast_ref::<Float64Array>() {
        Some(numbers) => Ok(numbers.clone()),
        None => exec_err!("expected a number"),
    }
}

/// `format_number(n)`: three significant digits and a unit (K, M, B, T, Q) for large numbers.
fn format_number(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let texts: StringArray = doubles(args)?.iter().map(|n| n.map(number)).collect();
    Ok(Arc::new(texts))
}

fn number(n: f64) -> String {
    // Trino takes a double as a bigint first (Java's cast: NaN is 0, and out of range the
    // nearest bigint, as Rust's `as`).
    let mut value = (n as i64) as f64;
    let mut unit = "";
    for next in ["K", "M", "B", "T", "Q"] {
        if value.abs() >= 1000.0 {
            value /= 1000.0;
            unit = next;
        }
    }
    let decimals = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{}{unit}", half_up(value, decimals))
}

/// `value` with at most `decimals` decimals, halves rounded away from zero, no trailing zeros
/// (Java's `DecimalFormat("#.##")` with `HALF_UP`).
fn half_up(value: f64, decimals: i32) -> String {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    let text = format!("{rounded:.*}", decimals as usize);
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

fn parse_data_size_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s] if is_text(s) => Ok(BYTES),
        _ => call.mismatch("parse_data_size(varchar(x))"),
    }
}

/// `parse_data_size('2.3MB')`: bytes, the units powers of 1024 (`B`, `kB`, `MB` … `YB`), the
/// fraction of a byte cut off.
fn parse_data_size(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let sizes: Decimal128Array = text(args, 0)?.iter().map(|s| s.map(bytes).transpose()).collect::<Result<_>>()?;
    Ok(Arc::new(sizes.with_data_type(BYTES)))
}

fn bytes(size: &str) -> Result<i128> {
    let invalid = || exec_err!("INVALID_FUNCTION_ARGUMENT: Invalid data size: '{size}'");
    let number_end = size.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(size.len());
    let (number, unit) = size.split_at(number_end);
    let power = match unit {
        "B" => 0,
        "kB" => 10,
        "MB" => 20,
        "GB" => 30,
        "TB" => 40,
        "PB" => 50,
        "EB" => 60,
        "ZB" => 70,
        "YB" => 80,
        _ => return invalid(),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return invalid();
    }
    let out_of_range = || exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: Value out of range: '{size}'");
    // (whole and fraction as one integer) × 2^power ÷ 10^(fraction's digits), cut toward zero.
    let Ok(digits) = format!("{whole}{fraction}").parse::<i128>() else { return out_of_range() };
    let Some(scaled) = digits.checked_mul(1i128 << power) else { return out_of_range() };
    let Some(divisor) = 10i128.checked_pow(fraction.len() as u32) else { return out_of_range() };
    let bytes = scaled / divisor;
    if bytes >= 10i128.pow(38) {
        return out_of_range();
    }
    Ok(bytes)
}

fn parse_duration_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s] if is_text(s) => Ok(DataType::Interval(IntervalUnit::MonthDayNano)),
        _ => call.mismatch("parse_duration(varchar(x))"),
    }
}

/// `parse_duration('3.81 d')`: an interval day to second, to the nearest millisecond; the units
/// `ns`, `us`, `ms`, `s`, `m`, `h` and `d`.
fn parse_duration(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let durations: IntervalMonthDayNanoArray =
        text(args, 0)?.iter().map(|s| s.map(millis).transpose()).collect::<Result<_>>()?;
    Ok(Arc::new(durations))
}

/// A duration as the engine holds an interval day to second (`datetime::day_time`).
fn millis(duration: &str) -> Result<IntervalMonthDayNano> {
    let invalid = || exec_err!("INVALID_FUNCTION_ARGUMENT: duration is not a valid data duration string: {duration}");
    let trimmed = duration.trim();
    let number_end = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(number_end);
    let per_unit = match unit.trim_start() {
        "ns" => 1e-6,
        "us" => 1e-3,
        "ms" => 1.0,
        "s" => 1e3,
        "m" => 6e4,
        "h" => 3.6e6,
        "d" => MS_PER_DAY as f64,
        _ => return invalid(),
    };
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') || number.matches('.').count() > 1 {
        return invalid();
    }
    let Ok(value) = number.parse::<f64>() else { return invalid() };
    let total = (value * per_unit + 0.5).floor();
    let interval = (total.is_finite() && total <= (i32::MAX as f64) * MS_PER_DAY as f64)
        .then(|| day_time(i128::from(total as i64) * 1_000_000))
        .flatten();
    match interval {
        Some(interval) => Ok(interval),
        None => exec_err!("INVALID_FUNCTION_ARGUMENT: duration is out of range: {duration}"),
    }
}

/// `human_readable_seconds(s)`: weeks, days, hours, minutes and seconds, the ones that are not
/// zero, of `s` rounded to a whole second (its sign left out).
fn human_readable_seconds(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let texts: StringArray = doubles(args)?.iter().map(|s| s.map(duration).transpose()).collect::<Result<_>>()?;
    Ok(Arc::new(texts))
}

fn duration(value: f64) -> Result<String> {
    if !value.is_finite() {
        let shown = if value.is_nan() {
            "NaN"
        } else if value > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        return exec_err!("INVALID_FUNCTION_ARGUMENT: Invalid argument found: {shown}");
    }
    // Java's Math.round: at most the largest bigint.
    let mut seconds = (value.abs().round() as i64) as u64;
    let mut parts = Vec::new();
    for (unit, length) in [("week", 604_800), ("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)] {
        let count = seconds / length;
        seconds %= length;
        if count > 0 {
            parts.push(format!("{count} {unit}{}", if count == 1 { "" } else { "s" }));
        }
    }
    if parts.is_empty() {
        parts.push("0 seconds".into());
    }
    Ok(parts.join(", "))
}

fn luhn_check_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s] if is_text(s) => Ok(DataType::Boolean),
        _ => call.mismatch("luhn_check(varchar)"),
    }
}

/// `luhn_check(digits)`: whether the last digit checks the others (the Luhn algorithm); an
/// empty string is not valid, a character other than a digit is refused.
fn luhn_check(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let checks: BooleanArray = text(args, 0)?.iter().map(|s| s.map(luhn).transpose()).collect::<Result<_>>()?;
    Ok(Arc::new(checks))
}

fn luhn(digits: &str) -> Result<bool> {
    let mut sum = 0u64;
    for (k, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Input contains non-digit character");
        }
        let mut n = u64::from(c - b'0');
        if k % 2 == 1 {
            n *= 2;
        }
        sum += if n > 9 { n - 9 } else { n };
    }
    Ok(!digits.is_empty() && sum.is_multiple_of(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_sizes_are_bytes_cut_toward_zero() {
        assert_eq!(bytes("1B").unwrap(), 1);
        assert_eq!(bytes("1kB").unwrap(), 1024);
        assert_eq!(bytes("2.3MB").unwrap(), 2_411_724);
        assert_eq!(bytes(".5kB").unwrap(), 512);
        assert_eq!(bytes("1YB").unwrap(), 1i128 << 80);
        for bad in ["", "MB", "1", "1 MB", "1mb", "1.2.3MB", "-1B", "."] {
            let message = bytes(bad).unwrap_err().to_string();
            assert!(message.contains(&format!("Invalid data size: '{bad}'")), "{bad}: {message}");
        }
        assert!(bytes("99999999999999999999999999999999999999999YB").unwrap_err().to_string().contains("out of range"));
    }

    #[test]
    fn durations_are_whole_milliseconds() {
        let ms = |ms: i64| IntervalMonthDayNano::new(0, 0, ms * 1_000_000);
        assert_eq!(millis("42.8ms").unwrap(), ms(43));
        assert_eq!(millis("3.81 d").unwrap(), ms(3 * MS_PER_DAY + 19 * 3_600_000 + 26 * 60_000 + 24_000));
        assert_eq!(millis(" 5m ").unwrap(), ms(300_000));
        assert_eq!(millis("1499us").unwrap(), ms(1));
        for bad in ["", "5", "m", "5 min", "-5m", "1.2.3s", ".5s", "5.s"] {
            let message = millis(bad).unwrap_err().to_string();
            assert!(message.contains("not a valid data duration string"), "{bad}: {message}");
        }
        assert!(millis("99999999999999d").unwrap_err().to_string().contains("out of range"));
    }

    #[test]
    fn numbers_past_a_bigint_stop_where_trinos_do() {
        assert_eq!(number(f64::NAN), "0");
        assert_eq!(number(1e30), "9223Q");
        // Trino picks the decimals by the signed value: a negative one keeps two.
        assert_eq!(number(-123456.0), "-123.46K");
        assert_eq!(duration(1e30).unwrap(), duration(i64::MAX as f64).unwrap());
        assert!(duration(f64::INFINITY).unwrap_err().to_string().contains("Invalid argument found: Infinity"));
    }

    #[test]
    fn numbers_round_half_up_without_trailing_zeros() {
        assert_eq!(half_up(123.456, 0), "123");
        assert_eq!(half_up(1.0, 2), "1");
        assert_eq!(half_up(1.255, 1), "1.3");
        assert_eq!(half_up(-2.5, 0), "-3");
        assert_eq!(half_up(-0.001, 2), "0");
    }
}
