//! Trino's casts to `varchar` where the engine writes otherwise (`cast::TRINO_CASTS` puts
//! `$varchar` before the cast):
//! - a double or a real is written in Trino's scientific notation (its `DecimalFormat`s
//!   `0.0###################E0` and `0.0#####E0`): `CAST(1.5e0 AS varchar)` is `1.5E0`,
//!   `CAST(100e0 AS varchar)` `1.0E2`, zero `0E0` (`double_text`, `real_text`);
//! - a cast to `varchar(n)` cuts text to `n` characters (`CAST('abcdef' AS varchar(3))` is
//!   `abc`), and refuses a number or a date whose text is longer (`Value 12345 cannot be
//!   represented as varchar(3)`; NULL under TRY_CAST).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{new_null_array, Array, ArrayRef, AsArray, StringArray, StringBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type, Int64Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::udf::{is_text, text, Call, Trino};

/// `$varchar(x, n, 'refuse' | 'null')`: `x` as Trino's cast to `varchar(n)` writes it (`n`
/// NULL for `varchar` without a length).
pub const VARCHAR: &str = "$varchar";

static VARCHAR_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Trino::udf(VARCHAR, varchar_type, varchar)));

pub fn function() -> Arc<ScalarUDF> {
    Arc::clone(&VARCHAR_UDF)
}

/// Whether a cast of a value of `from` to `varchar(length)` is written otherwise by Trino than by
/// the engine.
pub fn differs(from: &DataType, length: Option<i64>) -> bool {
    let checked = is_text(from)
        || from.is_integer()
        || matches!(from, DataType::Decimal128(..) | DataType::Date32 | DataType::Boolean);
    from.is_floating() || super::types::is_interval(from) || (length.is_some() && checked)
}

/// The length of a `varchar(n)` as Trino names the type (`varchar(3)`); None for any other.
pub fn varchar_length(trino_type: &str) -> Option<i64> {
    trino_type.strip_prefix("varchar(")?.strip_suffix(')')?.trim().parse().ok()
}

/// `values` as Trino's cast to `varchar` writes them, each part of a nested value's too (`cast`):
/// a double or a real in its notation, an interval as Trino writes it, a timestamp as Athena
/// does (`2026-03-20 14:15:00.000`, its zone after it); None when the engine's own cast writes
/// them as Trino does.
pub fn written(values: &ArrayRef) -> Result<Option<ArrayRef>> {
    let n = values.len();
    match values.data_type() {
        DataType::Timestamp(_, _) => Ok(Some(Arc::new(super::print::timestamps_as_text(values.as_ref())?))),
        kind if differs(kind, None) => {
            let (lengths, fits) = (new_null_array(&DataType::Int64, n), Arc::new(StringArray::from(vec!["refuse"; n])));
            varchar(&[values.clone(), lengths, fits], &DataType::Utf8).map(Some)
        }
        _ => Ok(None),
    }
}

fn varchar_type(call: &Call) -> Result<DataType> {
    match call.types {
        [_, length, fit] if matches!(length, DataType::Int64 | DataType::Null) && is_text(fit) => Ok(DataType::Utf8),
        _ => call.mismatch("$varchar(T, bigint, varchar)"),
    }
}

fn varchar(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let values = &args[0];
    let lengths = cast(&args[1], &DataType::Int64)?;
    let (lengths, fits) = (lengths.as_primitive::<Int64Type>(), text(args, 2)?);
    let written: Box<dyn Fn(usize) -> String> = match values.data_type() {
        DataType::Float64 => {
            let values = values.as_primitive::<Float64Type>().clone();
            Box::new(move |i| double_text(values.value(i)))
        }
        DataType::Float32 => {
            let values = values.as_primitive::<Float32Type>().clone();
            Box::new(move |i| real_text(values.value(i)))
        }
        // An interval as Trino writes it (`1 12:00:00.000`, `1-2`), not the engine's `36 hours`.
        DataType::Interval(_) | DataType::Duration(_) => {
            let values = values.clone();
            Box::new(move |i| super::print::interval(values.as_ref(), i).unwrap_or_default())
        }
        _ => {
            let values = text(&[cast(values, &DataType::Utf8)?], 0)?;
            Box::new(move |i| values.value(i).to_string())
        }
    };
    let cuts = is_text(values.data_type());
    let mut out = StringBuilder::new();
    for row in 0..values.len() {
        if values.is_null(row) {
            out.append_null();
            continue;
        }
        let text = written(row);
        let length = lengths.is_valid(row).then(|| lengths.value(row)).and_then(|n| usize::try_from(n).ok());
        match length {
            Some(n) if text.chars().count() > n && cuts => {
                out.append_value(text.chars().take(n).collect::<String>());
            }
            Some(n) if text.chars().count() > n => {
                if fits.value(row) == "null" {
                    out.append_null();
                    continue;
                }
                let value = match values.data_type() {
                    DataType::Float64 => {
                        format!(
                            "{} ({text})",
                            super::format::java_double(values.as_primitive::<Float64Type>().value(row))
                        )
                    }
                    DataType::Float32 => {
                        let value = values.as_primitive::<Float32Type>().value(row);
                        format!("{} ({text})", super::format::java_float(value))
                    }
                    _ => text,
                };
                return exec_err!("INVALID_CAST_ARGUMENT: Value {value} cannot be represented as varchar({n})");
            }
            _ => out.append_value(text),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// A double as Trino's cast to varchar writes it: `DecimalFormat("0.0###################E0")`,
/// its digits the shortest that read back as the double.
pub fn double_text(value: f64) -> String {
    match special(value, value == 0.0, value.is_sign_negative()) {
        Some(text) => text,
        None => scientific(value, &shortest(value), 20),
    }
}

/// A real as Trino's cast to varchar writes it: its shortest digits, as Java's `Float.toString`,
/// then `DecimalFormat("0.0#####E0")`, at most six digits after the point, a half to even.
pub fn real_text(value: f32) -> String {
    match special(value as f64, value == 0.0, value.is_sign_negative()) {
        Some(text) => text,
        None => scientific(float_digits(value), &shortest(value), 6),
    }
}

/// A real as the double of its own shortest digits, Java's `Double.parseDouble(Float.toString(f))`:
/// `1.1f` is `1.1`, not the `1.100000023841858` it widens to.
pub fn float_digits(value: f32) -> f64 {
    match value.is_finite() {
        true => shortest(value).parse().unwrap_or(value as f64),
        false => value as f64,
    }
}

/// A double's or a real's shortest digits in Rust's scientific form (`-1.25e-7`), chosen as Java
/// chooses them: where the shortest are one digit, the closest to the value of those of one or two
/// digits that read back as it. Only the smallest subnormals differ: `Double.MIN_VALUE` is
/// `4.9E-324` (`5e-324` reads back as it too), twice it `9.9E-324`, `Float.MIN_VALUE` `1.4E-45`.
pub fn shortest<F: std::fmt::LowerExp + std::str::FromStr + PartialEq>(value: F) -> String {
    let shortest = format!("{value:e}");
    match shortest.contains('.') {
        true => shortest,
        false => Some(format!("{value:.1e}")).filter(|two| two.parse().ok() == Some(value)).unwrap_or(shortest),
    }
}

fn special(value: f64, zero: bool, negative: bool) -> Option<String> {
    Some(match () {
        _ if value.is_nan() => "NaN".into(),
        _ if zero && negative => "-0E0".into(),
        _ if zero => "0E0".into(),
        _ if value.is_infinite() && negative => "-Infinity".into(),
        _ if value.is_infinite() => "Infinity".into(),
        _ => return None,
    })
}

/// `value` in `DecimalFormat`'s `0.0#…E0` with at most `most` digits after the point: its
/// shortest digits (`shortest`, Rust's `-1.25e-7`) where they fit, or else its exact value rounded
/// a half to even, as Java rounds it (by the binary value, not the shortest digits: a real's
/// `3.4028235E38` is `3.402823E38`).
fn scientific(value: f64, shortest: &str, most: usize) -> String {
    let (sign, mut digits, mut exponent) = parts(shortest);
    if digits.len() > most + 1 {
        (_, digits, exponent) = parts(&format!("{value:.800e}"));
        let (kept, dropped) = digits.split_at(most + 1);
        let tie = dropped[0] == 5 && dropped[1..].iter().all(|d| *d == 0);
        let up = dropped[0] > 5 || (dropped[0] == 5 && !tie) || (tie && kept[most] % 2 == 1);
        digits.truncate(most + 1);
        if up {
            let carried = digits.iter().rposition(|d| *d < 9);
            match carried {
                Some(i) => {
                    digits[i] += 1;
                    digits[i + 1..].fill(0);
                }
                None => {
                    digits.fill(0);
                    digits[0] = 1;
                    exponent += 1;
                }
            }
        }
    }
    while digits.len() > 2 && digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.len() < 2 {
        digits.push(0);
    }
    let fraction: String = digits[1..].iter().map(|d| char::from(b'0' + d)).collect();
    format!("{sign}{}.{fraction}E{exponent}", digits[0])
}

/// The sign, digits and exponent of Rust's scientific form of a number (`-1.25e-7`).
fn parts(scientific: &str) -> (&'static str, Vec<u8>, i32) {
    let (sign, rest) = match scientific.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", scientific),
    };
    let (mantissa, exponent) = rest.split_once('e').unwrap_or((rest, "0"));
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).map(|d| d - b'0').collect();
    (sign, digits, exponent.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn doubles_and_reals_are_written_as_trino_writes_them() {
        let doubles = [
            (1.5, "1.5E0"),
            (100.0, "1.0E2"),
            (0.1, "1.0E-1"),
            (1e10, "1.0E10"),
            (-1.25e-7, "-1.25E-7"),
            (123456.789, "1.23456789E5"),
            (0.0, "0E0"),
            (-0.0, "-0E0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (f64::MAX, "1.7976931348623157E308"),
            // Java's pick where the shortest digits are one: of one or two, the closest.
            (f64::from_bits(1), "4.9E-324"),
            (f64::from_bits(2), "9.9E-324"),
            (f64::from_bits(3), "1.5E-323"),
            (1e-320, "1.0E-320"),
        ];
        for (value, text) in doubles {
            assert_eq!(double_text(value), text, "{value}");
        }
        // Reals: their shortest digits, then at most six after the point, a half to even.
        let reals = [
            (1.1f32, "1.1E0"),
            (f32::MAX, "3.402823E38"),
            (12345675f32, "1.234568E7"),
            (12345665f32, "1.234566E7"),
            (1.2345678f32, "1.234568E0"),
            (0.0f32, "0E0"),
            (f32::from_bits(1), "1.4E-45"),
        ];
        for (value, text) in reals {
            assert_eq!(real_text(value), text, "{value}");
        }
        // Rounding up carries into the exponent.
        assert_eq!(scientific(9.99999951, "9.99999951e0", 6), "1.0E1");
        assert_eq!(varchar_length("varchar(3)"), Some(3));
        assert_eq!(varchar_length("varchar"), None);
    }

    proptest! {
        /// The text reads back as the double it writes.
        #[test]
        fn a_double_reads_back(value in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL) {
            let text = double_text(value);
            prop_assert_eq!(text.parse::<f64>().unwrap(), value, "{}", text);
            let (mantissa, _) = text.split_once('E').unwrap();
            prop_assert!(mantissa.trim_start_matches('-').as_bytes()[1] == b'.', "{}", text);
        }
    }
}
