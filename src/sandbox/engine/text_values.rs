//! Text cast to a date, a timestamp, a boolean, a whole number or a decimal, read as Trino reads
//! it where its reading and the engine's differ (`cast::TRINO_CASTS` puts `$text_value` before the cast).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::decimals::{self, Unfit};
use super::udf::{is_text, text, Call, Trino};

/// `$text_value`, made once.
static TEXT_VALUE_UDF: LazyLock<Arc<ScalarUDF>> =
    LazyLock::new(|| Arc::new(Trino::udf(TEXT_VALUE, text_value_type, text_value)));

pub fn function() -> Arc<ScalarUDF> {
    Arc::clone(&TEXT_VALUE_UDF)
}

/// `$text_value(x, kind, 'refuse' | 'null')`: text `x` as Trino reads a value of `kind`
/// (`text_kind`), in the form the engine reads, where Trino's reading and the engine's differ:
/// a date (`2026-03-20`) or a timestamp (`2026-03-20[ 14:15[:00[.123]]][ zone]`), the spaces
/// around it trimmed, where ISO 8601's `2026-03-20T14:15:00Z` (which the engine reads) is refused;
/// a boolean only as `true`, `false`, `t`, `f`, `1` or `0` (the engine's took `yes`); a whole
/// number without spaces around it (Java's `parseLong`; the engine's trimmed them); a decimal as
/// Java's `BigDecimal` reads it (`decimals::scaled`: `1e2` too, spaces not, rounded half up to the
/// scale, where the engine refused an exponent and took spaces). Refused as Trino refuses it, or
/// NULL under TRY_CAST.
pub const TEXT_VALUE: &str = "$text_value";

/// The name `$text_value` knows a type of text is cast to by.
pub fn text_kind(to: &DataType) -> Option<String> {
    if let DataType::Decimal128(precision, scale) = to {
        return Some(format!("DECIMAL({precision}, {scale})"));
    }
    Some(
        match to {
            DataType::Date32 => "date",
            DataType::Timestamp(_, None) => "timestamp",
            DataType::Boolean => "BOOLEAN",
            DataType::Int8 => "TINYINT",
            DataType::Int16 => "SMALLINT",
            DataType::Int32 => "INT",
            DataType::Int64 => "BIGINT",
            _ => return None,
        }
        .to_string(),
    )
}

fn text_value_type(call: &Call) -> Result<DataType> {
    match call.types {
        [text, _, _] if is_text(text) => Ok(DataType::Utf8),
        _ => call.mismatch("$text_value(varchar, varchar, varchar)"),
    }
}

fn text_value(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let (values, kinds, fits) = (text(args, 0)?, text(args, 1)?, text(args, 2)?);
    let mut out = Vec::with_capacity(values.len());
    for row in 0..values.len() {
        if values.is_null(row) {
            out.push(None);
            continue;
        }
        let (value, kind) = (values.value(row), kinds.value(row));
        if let Some((precision, scale)) = decimal_kind(kind) {
            match (decimals::scaled(value, precision, scale), fits.value(row)) {
                (Ok(read), _) => out.push(Some(read)),
                (Err(_), "null") => out.push(None),
                (Err(unfit), _) => {
                    let why = match unfit {
                        Unfit::NotANumber => "Value is not a number",
                        Unfit::TooLarge => "Value too large",
                    };
                    return exec_err!("INVALID_CAST_ARGUMENT: Cannot cast VARCHAR '{value}' to {kind}. {why}.");
                }
            }
            continue;
        }
        let read = match kind {
            "date" | "timestamp" => trino_datetime(value, kind == "date"),
            "BOOLEAN" => match value.to_ascii_lowercase().as_str() {
                "true" | "t" | "1" => Some("true".into()),
                "false" | "f" | "0" => Some("false".into()),
                _ => None,
            },
            _ => (value.trim() == value).then(|| value.to_string()),
        };
        match read {
            Some(read) => out.push(Some(read)),
            None if fits.value(row) == "null" => out.push(None),
            None if kind == "date" || kind == "timestamp" => {
                return exec_err!("INVALID_CAST_ARGUMENT: Value cannot be cast to {kind}: {value}")
            }
            None => return exec_err!("INVALID_CAST_ARGUMENT: Cannot cast '{value}' to {kind}"),
        }
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// The precision and scale of a `DECIMAL(p, s)` that `text_kind` names.
fn decimal_kind(kind: &str) -> Option<(u8, i8)> {
    let (precision, scale) = kind.strip_prefix("DECIMAL(")?.strip_suffix(')')?.split_once(", ")?;
    Some((precision.parse().ok()?, scale.parse().ok()?))
}

/// `value` as the engine reads it (trimmed, each field of two digits) when it has the shape of a
/// Trino date (`[-+]yyyy-m-d`), or, for a timestamp, of a date alone or followed by a space,
/// a time (`h:m[:s[.f]]`) and the rest (a zone); None otherwise.
fn trino_datetime(value: &str, date_only: bool) -> Option<String> {
    let trimmed = value.trim();
    let sign = if trimmed.starts_with(['-', '+']) { &trimmed[..1] } else { "" };
    let (year, rest) = trimmed[sign.len()..].split_once('-')?;
    let (month, rest) = rest.split_once('-')?;
    let (day, after) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()));
    digits(year, 4, 9)?;
    digits(month, 1, 2)?;
    digits(day, 1, 2)?;
    let date = format!("{sign}{year}-{month:0>2}-{day:0>2}");
    if after.is_empty() {
        return Some(date);
    }
    let after = after.strip_prefix(' ').filter(|_| !date_only)?;
    let (time, zone) =
        after.split_at(after.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).unwrap_or(after.len()));
    // A zone is Trino's to check and to leave out: a timestamp keeps its wall clock.
    let zone = zone.trim();
    if !zone.is_empty() && !is_zone(zone) {
        return None;
    }
    if time.is_empty() {
        return Some(date);
    }
    let (clock, fraction) = time.split_once('.').map_or((time, None), |(c, f)| (c, Some(f)));
    let fields: Vec<&str> = clock.split(':').collect();
    let (hour, minute, second) = match fields.as_slice() {
        [h, m] => (*h, *m, None),
        [h, m, s] => (*h, *m, Some(*s)),
        _ => return None,
    };
    digits(hour, 1, 2)?;
    digits(minute, 1, 2)?;
    let second = match (second, fraction) {
        (Some(s), Some(f)) if digits(s, 1, 2).is_some() && digits(f, 1, 12).is_some() => {
            let written = format!("{date} {hour:0>2}:{minute:0>2}:{s:0>2}.{f}");
            // A `timestamp(3)`: finer fractions rounded half up to the millisecond, as Trino's
            // cast rounds them (`.9995` is the next second).
            return Some(if f.len() > 3 { to_millisecond(&written).unwrap_or(written) } else { written });
        }
        (Some(s), None) if digits(s, 1, 2).is_some() => format!("{s:0>2}"),
        (None, None) => "00".into(),
        _ => return None,
    };
    Some(format!("{date} {hour:0>2}:{minute:0>2}:{second}"))
}

/// `text` (`2026-12-03 04:05:06.123456`) rounded half up to the millisecond.
fn to_millisecond(text: &str) -> Option<String> {
    let format = "%Y-%m-%d %H:%M:%S%.f";
    let t = chrono::NaiveDateTime::parse_from_str(text, format).ok()?;
    Some(super::datetime::to_millisecond(t).format("%Y-%m-%d %H:%M:%S%.3f").to_string())
}

/// A zone as Java's `ZoneId.of`, then Trino's `TimeZoneKey`, read one: `Z`, `UTC`, an offset
/// (`+05:30`), one named after UTC (`UTC+05:30`) or a region's name (`zones::zone_named`).
fn is_zone(zone: &str) -> bool {
    zone == "Z" || super::zones::zone_named(zone).is_some()
}

/// Some when `text` is `least` to `most` digits.
fn digits(text: &str, least: usize, most: usize) -> Option<()> {
    ((least..=most).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_a_date_or_a_timestamp_in_trinos_shapes_only() {
        assert_eq!(trino_datetime(" 2026-1-5 ", true).as_deref(), Some("2026-01-05"));
        assert_eq!(trino_datetime("2026-12-03 4:05", false).as_deref(), Some("2026-12-03 04:05:00"));
        // A zone is checked and left out: the wall clock is kept, as Trino keeps it.
        let zoned = trino_datetime("2026-12-03 04:05:06.789 America/New_York", false);
        assert_eq!(zoned.as_deref(), Some("2026-12-03 04:05:06.789"));
        assert_eq!(trino_datetime("2026-12-03 04:05+05:30", false).as_deref(), Some("2026-12-03 04:05:00"));
        assert_eq!(trino_datetime("2026-12-03 UTC", false).as_deref(), Some("2026-12-03"));
        // Finer than a millisecond: rounded half up, across a second, a day and a year too.
        assert_eq!(trino_datetime("2026-12-03 4:05:06.1234", false).as_deref(), Some("2026-12-03 04:05:06.123"));
        assert_eq!(trino_datetime("2026-12-03 4:05:06.1235", false).as_deref(), Some("2026-12-03 04:05:06.124"));
        assert_eq!(trino_datetime("2026-12-31 23:59:59.9995", false).as_deref(), Some("2027-01-01 00:00:00.000"));
        assert_eq!(trino_datetime("2026-12-03 4:05:06.12", false).as_deref(), Some("2026-12-03 04:05:06.12"));
        assert_eq!(trino_datetime("2026-12-03 04:05 Mars/Base", false), None);
        for bad in ["2026-12-03T00:00:01Z", "26-1-1", "2026-12-03 1:2:3:4", "2026-123-1", "x"] {
            assert_eq!(trino_datetime(bad, false), None, "{bad}");
        }
        assert_eq!(trino_datetime("2026-12-03 00:00", true), None);
    }
}
