//! The date patterns of `date_parse` (MySQL specifiers: `%Y-%m-%d %H:%i:%s`) and of
//! `parse_datetime` (Joda: `yyyy-MM-dd'T'HH:mm:ss.SSSZZ`), read into one list of fields, and
//! text parsed by that list. Fields a pattern leaves out default as Trino's do (1970-01-01
//! 00:00:00). Every failure is a message, never a panic. And `date_format`'s MySQL specifiers
//! written as chrono's (`chrono_format`).

use chrono::{NaiveDate, NaiveDateTime};
use datafusion::common::{exec_err, Result};

#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// Up to four digits; two-digit years (`%y`, `yy`) are 1970–2069.
    Year {
        two_digits: bool,
    },
    Month,
    MonthName {
        short: bool,
    },
    Day,
    DayOfYear,
    Hour24,
    Hour12,
    Minute,
    Second,
    /// A fraction of a second of 1 to `digits` digits.
    Fraction {
        digits: usize,
    },
    AmPm,
    WeekdayName {
        short: bool,
    },
    /// `+01:00`, `+0100` or `Z`.
    Offset,
    /// A zone id (`UTC`, `America/Los_Angeles`).
    ZoneId,
    Literal(char),
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// MySQL's specifiers, as Trino's `date_parse` reads them.
pub fn mysql(format: &str) -> Result<Vec<Field>, String> {
    let mut fields = Vec::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            fields.push(Field::Literal(c));
            continue;
        }
        // A `%` that ends the format adds nothing, as in Trino's `createDateTimeFormatter`.
        let Some(spec) = chars.next() else { break };
        match spec {
            'Y' => fields.push(Field::Year { two_digits: false }),
            'y' => fields.push(Field::Year { two_digits: true }),
            'm' | 'c' => fields.push(Field::Month),
            'M' => fields.push(Field::MonthName { short: false }),
            'b' => fields.push(Field::MonthName { short: true }),
            'd' | 'e' => fields.push(Field::Day),
            'j' => fields.push(Field::DayOfYear),
            'H' | 'k' => fields.push(Field::Hour24),
            'h' | 'I' | 'l' => fields.push(Field::Hour12),
            'i' => fields.push(Field::Minute),
            's' | 'S' => fields.push(Field::Second),
            'f' => fields.push(Field::Fraction { digits: 9 }),
            'p' => fields.push(Field::AmPm),
            'W' => fields.push(Field::WeekdayName { short: false }),
            'a' => fields.push(Field::WeekdayName { short: true }),
            'T' => {
                fields.extend([Field::Hour24, Field::Literal(':'), Field::Minute, Field::Literal(':'), Field::Second])
            }
            'r' => fields.extend([
                Field::Hour12,
                Field::Literal(':'),
                Field::Minute,
                Field::Literal(':'),
                Field::Second,
                Field::Literal(' '),
                Field::AmPm,
            ]),
            'D' | 'U' | 'u' | 'V' | 'v' | 'w' | 'X' | 'x' => {
                return Err(format!("%{spec} not supported in date format string"));
            }
            other => fields.push(Field::Literal(other)),
        }
    }
    if fields.is_empty() {
        return Err("Both printing and parsing not supported".into());
    }
    Ok(fields)
}

/// A piece of a Joda pattern: a letter with how many times it is written (`yyyy`), or text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Joda {
    Letter(char, usize),
    Literal(char),
}

/// A Joda pattern in its pieces: runs of one letter, and literal text (`'T'`, `''` for a quote,
/// and anything that is not a letter).
pub fn joda_pieces(pattern: &str) -> Result<Vec<Joda>, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // 'text' is literal; '' is a quote.
            if chars.get(i + 1) == Some(&'\'') {
                pieces.push(Joda::Literal('\''));
                i += 2;
                continue;
            }
            let Some(end) = chars[i + 1..].iter().position(|&x| x == '\'') else {
                return Err(format!("Unterminated quote in pattern: {pattern}"));
            };
            pieces.extend(chars[i + 1..i + 1 + end].iter().map(|&x| Joda::Literal(x)));
            i += end + 2;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            pieces.push(Joda::Literal(c));
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        pieces.push(Joda::Letter(c, run));
        i += run;
    }
    Ok(pieces)
}

/// Joda's pattern letters, as Trino's `parse_datetime` reads them.
pub fn joda(pattern: &str) -> Result<Vec<Field>, String> {
    let mut fields = Vec::new();
    for piece in joda_pieces(pattern)? {
        let (c, run) = match piece {
            Joda::Literal(c) => {
                fields.push(Field::Literal(c));
                continue;
            }
            Joda::Letter(c, run) => (c, run),
        };
        fields.push(match c {
            'y' | 'Y' | 'x' => Field::Year { two_digits: run == 2 },
            'M' if run >= 4 => Field::MonthName { short: false },
            'M' if run == 3 => Field::MonthName { short: true },
            'M' => Field::Month,
            'd' => Field::Day,
            'D' => Field::DayOfYear,
            'H' | 'k' => Field::Hour24,
            'h' | 'K' => Field::Hour12,
            'm' => Field::Minute,
            's' => Field::Second,
            'S' => Field::Fraction { digits: run },
            'a' => Field::AmPm,
            'E' => Field::WeekdayName { short: run < 4 },
            'Z' if run >= 3 => Field::ZoneId,
            'Z' => Field::Offset,
            'z' => Field::ZoneId,
            other => return Err(format!("Illegal pattern component: {other}")),
        });
    }
    Ok(fields)
}

/// Where a time is: its offset from UTC in seconds, its zone's id and its abbreviation there.
pub struct Zone<'a> {
    pub offset_seconds: i32,
    pub id: &'a str,
    pub abbreviation: &'a str,
}

/// `local` written by a Joda pattern, as Trino's `format_datetime` writes it: a number padded to
/// as many digits as its letter is written (`yy` the last two of the year), a name in full from
/// four letters (`MMMM`, `EEEE`) and short below, `S…` the first digits of the fraction, `Z` the
/// offset (`+0100`), `ZZ` with a colon, `ZZZ` the zone's id, `z` its abbreviation.
pub fn format_joda(local: &NaiveDateTime, zone: &Zone, pieces: &[Joda]) -> Result<String, String> {
    use chrono::{Datelike, Timelike};
    let mut out = String::new();
    let number = |out: &mut String, n: i64, run: usize| out.push_str(&format!("{n:0run$}"));
    let name = |names: &[&str], i: usize, run: usize| {
        let full = names[i];
        let mut text: String = if run >= 4 { full.to_string() } else { full[..3].to_string() };
        text[..1].make_ascii_uppercase();
        text
    };
    for piece in pieces {
        let (c, run) = match *piece {
            Joda::Literal(c) => {
                out.push(c);
                continue;
            }
            Joda::Letter(c, run) => (c, run),
        };
        let hour12 = local.hour() % 12;
        match c {
            'G' => out.push_str(if local.year() > 0 { "AD" } else { "BC" }),
            'C' => number(&mut out, i64::from(local.year() / 100), run),
            'y' | 'Y' if run == 2 => number(&mut out, i64::from(local.year().rem_euclid(100)), 2),
            'y' | 'Y' => number(&mut out, i64::from(local.year()), run),
            'x' if run == 2 => number(&mut out, i64::from(local.iso_week().year().rem_euclid(100)), 2),
            'x' => number(&mut out, i64::from(local.iso_week().year()), run),
            'w' => number(&mut out, i64::from(local.iso_week().week()), run),
            'e' => number(&mut out, i64::from(local.weekday().number_from_monday()), run),
            'E' => out.push_str(&name(&WEEKDAYS, local.weekday().num_days_from_monday() as usize, run)),
            'D' => number(&mut out, i64::from(local.ordinal()), run),
            'M' if run >= 3 => out.push_str(&name(&MONTHS, local.month0() as usize, run)),
            'M' => number(&mut out, i64::from(local.month()), run),
            'd' => number(&mut out, i64::from(local.day()), run),
            'a' => out.push_str(if local.hour() < 12 { "AM" } else { "PM" }),
            'K' => number(&mut out, i64::from(hour12), run),
            'h' => number(&mut out, i64::from(if hour12 == 0 { 12 } else { hour12 }), run),
            'H' => number(&mut out, i64::from(local.hour()), run),
            'k' => number(&mut out, i64::from(if local.hour() == 0 { 24 } else { local.hour() }), run),
            'm' => number(&mut out, i64::from(local.minute()), run),
            's' => number(&mut out, i64::from(local.second()), run),
            'S' => {
                let nanos = format!("{:09}", local.nanosecond().min(999_999_999));
                out.push_str(&nanos[..run.min(9)]);
                out.push_str(&"0".repeat(run.saturating_sub(9)));
            }
            'z' => out.push_str(zone.abbreviation),
            'Z' if run >= 3 => out.push_str(zone.id),
            'Z' => {
                let sign = if zone.offset_seconds < 0 { '-' } else { '+' };
                let minutes = zone.offset_seconds.unsigned_abs() / 60;
                let colon = if run == 2 { ":" } else { "" };
                out.push_str(&format!("{sign}{:02}{colon}{:02}", minutes / 60, minutes % 60));
            }
            other => return Err(format!("Illegal pattern component: {other}")),
        }
    }
    Ok(out)
}

/// `text` read by `fields`: the local time and the zone it named, if any.
pub fn parse(text: &str, fields: &[Field]) -> Result<(NaiveDateTime, Option<String>), String> {
    let malformed = |rest: &str| Err(format!("Invalid format: \"{text}\" is malformed at \"{rest}\""));
    let (mut year, mut month, mut day, mut ordinal) = (1970i32, 1u32, 1u32, None);
    let (mut hour, mut minute, mut second, mut nanos, mut pm, mut twelve) = (0u32, 0u32, 0u32, 0u32, false, false);
    let mut zone = None;
    let mut rest = text;
    for field in fields {
        let before = rest;
        let ok = match field {
            Field::Literal(c) => rest.strip_prefix(*c).map(|r| rest = r).is_some(),
            Field::Year { two_digits } => match digits(&mut rest, if *two_digits { 2 } else { 4 }) {
                Some((n, 2)) if *two_digits => {
                    year = if n < 70 { 2000 + n as i32 } else { 1900 + n as i32 };
                    true
                }
                Some((n, _)) => {
                    year = n as i32;
                    true
                }
                None => false,
            },
            Field::Month => digits(&mut rest, 2).map(|(n, _)| month = n).is_some(),
            Field::Day => digits(&mut rest, 2).map(|(n, _)| day = n).is_some(),
            Field::DayOfYear => digits(&mut rest, 3).map(|(n, _)| ordinal = Some(n)).is_some(),
            Field::Hour24 => digits(&mut rest, 2).map(|(n, _)| hour = n).is_some(),
            Field::Hour12 => digits(&mut rest, 2).map(|(n, _)| (hour, twelve) = (n, true)).is_some(),
            Field::Minute => digits(&mut rest, 2).map(|(n, _)| minute = n).is_some(),
            Field::Second => digits(&mut rest, 2).map(|(n, _)| second = n).is_some(),
            Field::Fraction { digits: most } => match digits(&mut rest, (*most).clamp(1, 9)) {
                Some((n, count)) => {
                    nanos = n.saturating_mul(10u32.pow(9 - count as u32));
                    true
                }
                None => false,
            },
            Field::AmPm => match word(&mut rest, &["am", "pm"]) {
                Some(i) => {
                    pm = i == 1;
                    true
                }
                None => false,
            },
            Field::MonthName { short } => {
                let names: Vec<String> =
                    MONTHS.iter().map(|m| if *short { m[..3].to_string() } else { m.to_string() }).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                word(&mut rest, &names).map(|i| month = i as u32 + 1).is_some()
            }
            Field::WeekdayName { short } => {
                let names: Vec<String> =
                    WEEKDAYS.iter().map(|d| if *short { d[..3].to_string() } else { d.to_string() }).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                word(&mut rest, &names).is_some()
            }
            Field::Offset => offset(&mut rest).map(|z| zone = Some(z)).is_some(),
            Field::ZoneId => {
                let end =
                    rest.find(|c: char| !(c.is_ascii_alphanumeric() || "/_+-:".contains(c))).unwrap_or(rest.len());
                let name = &rest[..end];
                let known = !name.is_empty() && name.parse::<datafusion::arrow::array::timezone::Tz>().is_ok();
                if known {
                    zone = Some(name.to_string());
                    rest = &rest[end..];
                }
                known
            }
        };
        if !ok {
            return malformed(before);
        }
    }
    if !rest.is_empty() {
        return malformed(rest);
    }
    if twelve {
        if !(1..=12).contains(&hour) {
            return Err(format!("Invalid format: \"{text}\": hour {hour} is not 1–12"));
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    } else if pm && hour < 12 {
        hour += 12;
    }
    let date = match ordinal {
        Some(o) => NaiveDate::from_yo_opt(year, o),
        None => NaiveDate::from_ymd_opt(year, month, day),
    };
    let time = date.and_then(|d| d.and_hms_nano_opt(hour, minute, second, nanos));
    match time {
        Some(t) => Ok((t, zone)),
        None => Err(format!("Invalid format: \"{text}\": not a valid date and time")),
    }
}

/// 1 to `most` ASCII digits: their value and how many there were.
fn digits(rest: &mut &str, most: usize) -> Option<(u32, usize)> {
    let count = rest.bytes().take(most).take_while(u8::is_ascii_digit).count();
    if count == 0 {
        return None;
    }
    let value = rest[..count].parse::<u32>().ok()?;
    *rest = &rest[count..];
    Some((value, count))
}

/// One of `names` (any case): its position.
fn word(rest: &mut &str, names: &[&str]) -> Option<usize> {
    // Longest first, so that "June" is not read as "Jun" + "e".
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(names[i].len()));
    for i in order {
        let name = names[i];
        let head: String = rest.chars().take(name.chars().count()).collect();
        if head.eq_ignore_ascii_case(name) {
            *rest = &rest[head.len()..];
            return Some(i);
        }
    }
    None
}

/// `Z`, `+01:00` or `+0100` → a zone Arrow knows (`+00:00`, `+01:00`).
fn offset(rest: &mut &str) -> Option<String> {
    if let Some(after) = rest.strip_prefix('Z') {
        *rest = after;
        return Some("+00:00".into());
    }
    let sign = rest.chars().next().filter(|c| *c == '+' || *c == '-')?;
    let mut after = &rest[1..];
    let (hours, h) = digits(&mut after, 2)?;
    if let Some(a) = after.strip_prefix(':') {
        after = a;
    }
    let (minutes, m) = digits(&mut after, 2)?;
    if h != 2 || m != 2 || hours > 23 || minutes > 59 {
        return None;
    }
    *rest = after;
    Some(format!("{sign}{hours:02}:{minutes:02}"))
}

/// Athena's `date_format` takes MySQL's specifiers; chrono has its own.
pub(super) fn chrono_format(mysql: &str) -> Result<String> {
    let mut out = String::new();
    let mut chars = mysql.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // A `%` that ends the format adds nothing, as in Trino's `createDateTimeFormatter`.
        let Some(spec) = chars.next() else { break };
        out.push_str(match spec {
            'a' => "%a",
            'b' => "%b",
            'c' => "%-m",
            'd' => "%d",
            'e' => "%-d",
            'f' => "%6f",
            'H' => "%H",
            'h' | 'I' => "%I",
            'i' => "%M",
            'j' => "%j",
            'k' => "%-H",
            'l' => "%-I",
            'M' => "%B",
            'm' => "%m",
            'p' => "%p",
            'r' => "%r",
            'S' | 's' => "%S",
            'T' => "%T",
            'v' => "%V",
            'W' => "%A",
            'Y' => "%Y",
            'y' => "%y",
            // The year of the ISO week, as Joda's week-year.
            'x' => "%G",
            '%' => "%%",
            other @ ('D' | 'U' | 'u' | 'V' | 'w' | 'X') => {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: %{other} not supported in date format string")
            }
            // Any other letter stands for itself, as in Trino (`%Q` is `Q`).
            other => {
                out.push(other);
                continue;
            }
        });
    }
    // A format of nothing (`''`, `'%'`) is a formatter that neither prints nor parses to Joda.
    if out.is_empty() {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: Both printing and parsing not supported");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str, fields: Result<Vec<Field>, String>) -> String {
        let (t, zone) = parse(text, &fields.unwrap()).unwrap();
        format!("{t}{}", zone.map(|z| format!(" {z}")).unwrap_or_default())
    }

    #[test]
    fn mysql_and_joda_patterns() {
        assert_eq!(at("2022/10/20/05", mysql("%Y/%m/%d/%H")), "2022-10-20 05:00:00");
        assert_eq!(at("March 5, 2026 02:07:09 PM", mysql("%M %e, %Y %r")), "2026-03-05 14:07:09");
        assert_eq!(at("69", mysql("%y")), "2069-01-01 00:00:00");
        assert_eq!(
            at("2020-05-11T11:15:05.055+01:00", joda("yyyy-MM-dd'T'HH:mm:ss.SSSZZ")),
            "2020-05-11 11:15:05.055 +01:00"
        );
        assert_eq!(at("Tue Jul 04 2006", joda("EEE MMM dd yyyy")), "2006-07-04 00:00:00");
        assert!(mysql("%U").unwrap_err().contains("%U not supported"));
        assert!(joda("yyyy-qq").unwrap_err().contains("Illegal pattern component: q"));
        let bad = parse("2022/1x", &mysql("%Y/%m/%d").unwrap()).unwrap_err();
        assert_eq!(bad, "Invalid format: \"2022/1x\" is malformed at \"x\"");
        assert!(parse("2022-02-30", &mysql("%Y-%m-%d").unwrap()).is_err());
    }

    #[test]
    fn joda_patterns_write_each_letter_as_joda_does() {
        let local = NaiveDate::from_ymd_opt(2006, 7, 4).unwrap().and_hms_milli_opt(0, 5, 9, 42).unwrap();
        let zone = Zone { offset_seconds: -(7 * 3600 + 30 * 60), id: "X/Y", abbreviation: "XYT" };
        let written = |pattern: &str| format_joda(&local, &zone, &joda_pieces(pattern).unwrap());
        assert_eq!(written("yyyy-MM-dd HH:mm:ss.SSS").unwrap(), "2006-07-04 00:05:09.042");
        assert_eq!(written("y/M/d H:m:s S").unwrap(), "2006/7/4 0:5:9 0");
        assert_eq!(written("yy MMM MMMM EEE EEEE D w e").unwrap(), "06 Jul July Tue Tuesday 185 27 2");
        assert_eq!(written("h K k a G").unwrap(), "12 0 24 AM AD");
        assert_eq!(written("Z ZZ ZZZ z").unwrap(), "-0730 -07:30 X/Y XYT");
        assert_eq!(written("'at' HH'h' ''").unwrap(), "at 00h '");
        assert_eq!(written("qq").unwrap_err(), "Illegal pattern component: q");
        assert!(joda_pieces("'open").unwrap_err().contains("Unterminated quote"));
    }

    proptest! {
        #[test]
        fn hostile_patterns_are_written_or_refused_never_a_panic(pattern in "\\PC{0,40}") {
            let local = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap().and_hms_opt(14, 30, 0).unwrap();
            let zone = Zone { offset_seconds: 0, id: "UTC", abbreviation: "UTC" };
            if let Ok(pieces) = joda_pieces(&pattern) {
                let _ = format_joda(&local, &zone, &pieces);
            }
        }

        #[test]
        fn hostile_patterns_and_text_never_panic(pattern in "\\PC{0,24}", text in "\\PC{0,32}") {
            for fields in [mysql(&pattern), joda(&pattern)] {
                if let Ok(fields) = fields {
                    match parse(&text, &fields) {
                        Ok(_) => {}
                        Err(message) => prop_assert!(message.starts_with("Invalid format")),
                    }
                } else if let Err(message) = fields {
                    prop_assert!(!message.is_empty());
                }
            }
        }

        #[test]
        fn digit_heavy_text_never_panics(pattern in "(%[YmdHisfpjMbWa]|[-/: ]){0,10}", text in "[0-9APMapm /:-]{0,30}") {
            if let Ok(fields) = mysql(&pattern) {
                let _ = parse(&text, &fields);
            }
        }
    }

    #[test]
    fn mysql_specifiers_become_chrono_ones_and_the_unsupported_ones_are_refused() {
        assert_eq!(chrono_format("%Y-%m-%d %H:%i:%s").unwrap(), "%Y-%m-%d %H:%M:%S");
        assert_eq!(chrono_format("%M %e, %Y").unwrap(), "%B %-d, %Y");
        assert_eq!(chrono_format("%x-W%v %Q").unwrap(), "%G-W%V Q");
        let refused = chrono_format("%U").unwrap_err().to_string();
        assert!(refused.contains("%U not supported"), "{refused}");
    }
}
