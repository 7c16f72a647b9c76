//! Trino's `format(format, args…)`: Java's `Formatter` syntax,
//! `%[index$][flags][width][.precision]conversion`, for the conversions analysts use:
//! `s S d x X o f e E b c % n` and the date/time ones `t`/`T` + `A a B b h d e m Y y j H k I
//! l M S L p F T R D`.

use std::sync::Arc;

use chrono::{Datelike, NaiveDateTime, Timelike};
use datafusion::arrow::array::{Array, ArrayRef, StringBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::ScalarUDF;

use super::udf::{is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![Trino::udf("format", format_type, format)]
}

fn format_type(call: &Call) -> Result<DataType> {
    match call.types.first() {
        Some(first) if is_text(first) => Ok(DataType::Utf8),
        _ => call.mismatch("format(varchar, T...)"),
    }
}

/// Where a specifier takes its argument from.
#[derive(Debug, Clone, PartialEq)]
enum Index {
    Next,
    At(usize),
    Previous,
}

#[derive(Debug, Clone, PartialEq)]
struct Spec {
    index: Index,
    flags: String,
    width: Option<usize>,
    precision: Option<usize>,
    conversion: char,
    /// The date/time field after `t` or `T`.
    time: Option<char>,
    upper: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Spec(Spec),
}

const MAX_WIDTH: usize = 10_000;

fn pieces(format: &str) -> std::result::Result<Vec<Piece>, String> {
    let chars: Vec<char> = format.chars().collect();
    let mut out = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            literal.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let number = |i: &mut usize| {
            let from = *i;
            while *i < chars.len() && chars[*i].is_ascii_digit() {
                *i += 1;
            }
            (from < *i).then(|| chars[from..*i].iter().collect::<String>().parse::<usize>().unwrap_or(usize::MAX))
        };
        let mut index = Index::Next;
        if chars.get(i) == Some(&'<') {
            index = Index::Previous;
            i += 1;
        } else {
            let save = i;
            match (number(&mut i), chars.get(i)) {
                (Some(n), Some('$')) if n > 0 => {
                    index = Index::At(n - 1);
                    i += 1;
                }
                _ => i = save,
            }
        }
        let mut flags = String::new();
        while let Some(&c) = chars.get(i).filter(|c| "-#+ 0,(".contains(**c)) {
            flags.push(c);
            i += 1;
        }
        let width = number(&mut i);
        let precision = if chars.get(i) == Some(&'.') {
            i += 1;
            match number(&mut i) {
                Some(p) => Some(p),
                None => {
                    return Err(format!("Illegal format precision in '{}'", chars[start..i].iter().collect::<String>()))
                }
            }
        } else {
            None
        };
        let Some(&conversion) = chars.get(i) else {
            return Err(format!("Format specifier '{}' is incomplete", chars[start..].iter().collect::<String>()));
        };
        i += 1;
        if width.is_some_and(|w| w > MAX_WIDTH) || precision.is_some_and(|p| p > MAX_WIDTH) {
            return Err(format!("Format width or precision above {MAX_WIDTH}"));
        }
        let mut time = None;
        match conversion {
            '%' | 'n' => {
                literal.push(if conversion == '%' { '%' } else { '\n' });
                continue;
            }
            't' | 'T' => match chars.get(i) {
                Some(&field) if "AaBbhdemYyjHkIlMSLpFTRD".contains(field) => {
                    time = Some(field);
                    i += 1;
                }
                Some(&field) => return Err(format!("Unknown format conversion: 't{field}'")),
                None => return Err("Format specifier '%t' is incomplete".into()),
            },
            's' | 'S' | 'd' | 'x' | 'X' | 'o' | 'f' | 'e' | 'E' | 'b' | 'B' | 'c' | 'C' => {}
            other => return Err(format!("Unknown format conversion: '{other}'")),
        }
        if !literal.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut literal)));
        }
        let upper = conversion.is_ascii_uppercase();
        out.push(Piece::Spec(Spec {
            index,
            flags,
            width,
            precision,
            conversion: conversion.to_ascii_lowercase(),
            time,
            upper,
        }));
    }
    if !literal.is_empty() {
        out.push(Piece::Text(literal));
    }
    Ok(out)
}

fn format(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let formats = text(args, 0)?;
    let mut out = StringBuilder::new();
    for row in 0..formats.len() {
        if formats.is_null(row) {
            out.append_null();
            continue;
        }
        let values =
            args[1..].iter().map(|a| ScalarValue::try_from_array(a, row)).collect::<Result<Vec<ScalarValue>>>()?;
        match pieces(formats.value(row)).and_then(|p| render(&p, &values)) {
            Ok(text) => out.append_value(text),
            Err(message) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {message}"),
        }
    }
    Ok(Arc::new(out.finish()))
}

fn render(pieces: &[Piece], values: &[ScalarValue]) -> std::result::Result<String, String> {
    let mut out = String::new();
    let (mut next, mut last) = (0usize, None::<usize>);
    for piece in pieces {
        let spec = match piece {
            Piece::Text(t) => {
                out.push_str(t);
                continue;
            }
            Piece::Spec(spec) => spec,
        };
        let at = match spec.index {
            Index::Next => {
                next += 1;
                next - 1
            }
            Index::At(n) => n,
            Index::Previous => last.ok_or("Missing format argument for '%<'")?,
        };
        last = Some(at);
        let Some(value) = values.get(at) else {
            return Err(format!("Missing format argument for specifier %{}", spec.conversion));
        };
        let body = convert(spec, value)?;
        let body = if spec.upper { body.to_uppercase() } else { body };
        out.push_str(&pad(spec, body));
    }
    Ok(out)
}

fn pad(spec: &Spec, body: String) -> String {
    let Some(width) = spec.width else { return body };
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if spec.flags.contains('-') {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.flags.contains('0') && matches!(spec.conversion, 'd' | 'f' | 'e' | 'x' | 'o') {
        match body.strip_prefix(['-', '+']) {
            Some(digits) => format!("{}{}{digits}", &body[..1], "0".repeat(fill)),
            None => format!("{}{body}", "0".repeat(fill)),
        }
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn convert(spec: &Spec, value: &ScalarValue) -> std::result::Result<String, String> {
    if value.is_null() {
        return Ok(if spec.conversion == 'b' { "false".into() } else { "null".into() });
    }
    let kind = super::types::trino_type(&value.data_type());
    let mismatch = || Err(format!("%{} does not fit a {kind} argument", spec.conversion));
    match spec.conversion {
        's' => {
            let text = plain(value);
            Ok(match spec.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            })
        }
        'b' => Ok(match value {
            ScalarValue::Boolean(Some(b)) => b.to_string(),
            _ => "true".into(),
        }),
        'c' => match value {
            ScalarValue::Utf8(Some(s)) if s.chars().count() == 1 => Ok(s.clone()),
            v if v.data_type().is_integer() => {
                let code = integer(v).and_then(|n| u32::try_from(n).ok()).and_then(char::from_u32);
                code.map(String::from).ok_or_else(|| "Illegal code point for %c".to_string())
            }
            _ => mismatch(),
        },
        'd' => match integer(value) {
            Some(n) => Ok(signed(spec, n < 0, group(spec, &n.unsigned_abs().to_string()))),
            None => mismatch(),
        },
        'x' | 'o' => match integer(value) {
            Some(n) if spec.conversion == 'x' => Ok(format!("{:x}", n as i64)),
            Some(n) => Ok(format!("{:o}", n as i64)),
            None => mismatch(),
        },
        'f' | 'e' => {
            let Some(f) = float(value) else { return mismatch() };
            if !f.is_finite() {
                return Ok(if f.is_nan() {
                    "NaN".into()
                } else if f > 0.0 {
                    "Infinity".into()
                } else {
                    "-Infinity".into()
                });
            }
            let precision = spec.precision.unwrap_or(6);
            let body = if spec.conversion == 'f' {
                let text = half_up(&exact_text(value, f), precision);
                let (whole, fraction) = text.split_once('.').map(|(w, f)| (w, Some(f))).unwrap_or((&text, None));
                let whole = group(spec, whole);
                match fraction {
                    Some(fraction) => format!("{whole}.{fraction}"),
                    None => whole,
                }
            } else {
                let text = format!("{:.*e}", precision, f.abs());
                match text.split_once('e') {
                    Some((mantissa, exponent)) => {
                        let e: i32 = exponent.parse().unwrap_or(0);
                        format!("{mantissa}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
                    }
                    None => text,
                }
            };
            // Java writes the sign of -0.0 too (`%.1f` of -0.0 is `-0.0`).
            Ok(signed(spec, f.is_sign_negative(), body))
        }
        't' => match time(value) {
            Some(t) => Ok(time_field(spec.time.unwrap_or('F'), &t)),
            None => mismatch(),
        },
        _ => mismatch(),
    }
}

/// The sign as the flags ask: `-`, `+`, a space, or parentheses.
fn signed(spec: &Spec, negative: bool, body: String) -> String {
    match (negative, spec.flags.contains('('), spec.flags.contains('+'), spec.flags.contains(' ')) {
        (true, true, _, _) => format!("({body})"),
        (true, false, _, _) => format!("-{body}"),
        (false, _, true, _) => format!("+{body}"),
        (false, _, false, true) => format!(" {body}"),
        _ => body,
    }
}

/// Digits grouped by thousands when the `,` flag asks.
fn group(spec: &Spec, digits: &str) -> String {
    if !spec.flags.contains(',') {
        return digits.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn integer(value: &ScalarValue) -> Option<i128> {
    if !value.data_type().is_integer() {
        return None;
    }
    match value.cast_to(&DataType::Int64).ok()? {
        ScalarValue::Int64(Some(n)) => Some(n as i128),
        _ => None,
    }
}

/// The digits of `value` (of `f`, its double) without a sign: a decimal's own, a double's
/// shortest (`1.005`, where the double is a little below), which Java's `Formatter` rounds.
fn exact_text(value: &ScalarValue, f: f64) -> String {
    match value {
        ScalarValue::Decimal128(Some(_), _, _) => value.to_string().trim_start_matches('-').to_string(),
        _ => format!("{}", f.abs()),
    }
}

/// `digits` (a number written without exponent or sign) to `precision` places after the point,
/// half up, as Java's `Formatter` rounds: `%.1f` of 0.25 is 0.3 and `%.2f` of 1.005 is 1.01
/// (Rust's rounds the double's binary value, half to even: 0.2 and 1.00).
fn half_up(digits: &str, precision: usize) -> String {
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let kept = fraction.bytes().chain(std::iter::repeat(b'0')).take(precision);
    let mut out: Vec<u8> = whole.bytes().chain(kept).collect();
    if fraction.as_bytes().get(precision).is_some_and(|&next| next >= b'5') {
        super::decimals::one_more(&mut out);
    }
    let point = out.len() - precision;
    let (whole, fraction) = out.split_at(point);
    let (whole, fraction) = (String::from_utf8_lossy(whole), String::from_utf8_lossy(fraction));
    if precision == 0 {
        whole.into_owned()
    } else {
        format!("{whole}.{fraction}")
    }
}

fn float(value: &ScalarValue) -> Option<f64> {
    if !value.data_type().is_numeric() {
        return None;
    }
    match value.cast_to(&DataType::Float64).ok()? {
        ScalarValue::Float64(Some(f)) => Some(f),
        _ => None,
    }
}

fn time(value: &ScalarValue) -> Option<NaiveDateTime> {
    let ms = match value {
        ScalarValue::Date32(Some(days)) => *days as i64 * super::datetime::MS_PER_DAY,
        v if matches!(v.data_type(), DataType::Timestamp(_, _)) => {
            match v.cast_to(&DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Millisecond, None)).ok()? {
                ScalarValue::TimestampMillisecond(Some(ms), _) => ms,
                _ => return None,
            }
        }
        _ => return None,
    };
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc())
}

fn time_field(field: char, t: &NaiveDateTime) -> String {
    let pattern = match field {
        'A' => "%A",
        'a' => "%a",
        'B' => "%B",
        'b' | 'h' => "%b",
        'd' => "%d",
        'e' => return t.day().to_string(),
        'm' => "%m",
        'Y' => "%Y",
        'y' => "%y",
        'j' => "%j",
        'H' => "%H",
        'k' => return t.hour().to_string(),
        'I' => "%I",
        'l' => return (if t.hour().is_multiple_of(12) { 12 } else { t.hour() % 12 }).to_string(),
        'M' => "%M",
        'S' => "%S",
        'L' => return format!("{:03}", t.nanosecond() / 1_000_000),
        'p' => return if t.hour() < 12 { "am".into() } else { "pm".into() },
        'T' => "%H:%M:%S",
        'R' => "%H:%M",
        'D' => "%m/%d/%y",
        _ => "%Y-%m-%d",
    };
    t.format(pattern).to_string()
}

/// A value as `%s` writes it (Java's `toString`): doubles as Java writes them.
fn plain(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => s.clone(),
        ScalarValue::Float64(Some(f)) => java_double(*f),
        ScalarValue::Float32(Some(f)) => java_float(*f),
        ScalarValue::Date32(_) => time(value).map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        ScalarValue::TimestampSecond(..)
        | ScalarValue::TimestampMillisecond(..)
        | ScalarValue::TimestampMicrosecond(..)
        | ScalarValue::TimestampNanosecond(..) => {
            time(value).map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()).unwrap_or_default()
        }
        other => other.to_string(),
    }
}

/// A real as Java's `Float.toString` writes it: its own shortest digits, not its double's.
pub(super) fn java_float(f: f32) -> String {
    java_double(super::to_text::float_digits(f))
}

/// A double as Java's `Double.toString` writes it.
pub(super) fn java_double(f: f64) -> String {
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let magnitude = f.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let text = f.to_string();
        if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        }
    } else {
        let text = super::to_text::shortest(f);
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
        format!("{mantissa}E{exponent}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fmt(format: &str, values: &[ScalarValue]) -> String {
        render(&pieces(format).unwrap(), values).unwrap()
    }

    #[test]
    fn java_conversions() {
        let int = |n| ScalarValue::Int64(Some(n));
        assert_eq!(fmt("%s%%", &[int(123)]), "123%");
        assert_eq!(fmt("%03d|%-5d|%5d|%+d|%(d", &[int(8), int(1), int(2), int(3), int(-4)]), "008|1    |    2|+3|(4)");
        assert_eq!(fmt("%,.2f", &[ScalarValue::Float64(Some(1234567.89))]), "1,234,567.89");
        assert_eq!(fmt("%.3e", &[ScalarValue::Float64(Some(12345.678))]), "1.235e+04");
        assert_eq!(fmt("%x %X %o", &[int(255), int(255), int(8)]), "ff FF 10");
        assert_eq!(java_double(1e10), "1.0E10");
        assert_eq!(java_double(f64::from_bits(1)), "4.9E-324");
        assert_eq!(java_float(f32::from_bits(1)), "1.4E-45");
        // Java rounds the shortest digits half up, where Rust rounds the binary value half to even.
        let double = |f: f64| ScalarValue::Float64(Some(f));
        assert_eq!(
            fmt("%.1f %.2f %.0f %.2f %.1f", &[double(0.25), double(1.005), double(2.5), double(9.995), double(0.35)]),
            "0.3 1.01 3 10.00 0.4"
        );
        assert_eq!(fmt("%.1f", &[ScalarValue::Decimal128(Some(-1225), 4, 2)]), "-12.3");
        assert!(pieces("%q").unwrap_err().contains("Unknown format conversion: 'q'"));
        assert!(render(&pieces("%s %s").unwrap(), &[int(1)]).unwrap_err().contains("Missing format argument"));
        assert!(render(&pieces("%d").unwrap(), &[ScalarValue::Utf8(Some("x".into()))])
            .unwrap_err()
            .contains("%d does not fit a varchar"));
    }

    proptest! {
        #[test]
        fn hostile_format_strings_never_panic(format in "\\PC{0,40}", n in any::<i64>(), f in any::<f64>(), s in "\\PC{0,8}") {
            let values = [ScalarValue::Int64(Some(n)), ScalarValue::Float64(Some(f)), ScalarValue::Utf8(Some(s)), ScalarValue::Date32(Some(13_000))];
            match pieces(&format) {
                Ok(p) => { let _ = render(&p, &values); }
                Err(message) => prop_assert!(!message.is_empty()),
            }
        }

        #[test]
        fn specifier_heavy_strings_never_panic(format in "(%[0-9$<,(+ #-]{0,4}[.0-9]{0,3}[sSdxXofeEbcnt%AaBY]|x){0,8}") {
            let values = [ScalarValue::Int64(Some(-7)), ScalarValue::Float64(Some(-0.5)), ScalarValue::Null];
            if let Ok(p) = pieces(&format) {
                let _ = render(&p, &values);
            }
        }
    }
}
