//! Time zones as Trino names them: a function's zone as its `TimeZoneKey` reads one, and an
//! offset written whole.

use std::str::FromStr;

use datafusion::arrow::array::timezone::Tz;

/// A zone a function names (`AT TIME ZONE`, `with_timezone`, `from_unixtime`) as Trino's
/// `TimeZoneKey` reads it, written as Trino shows it: a zone's name as it is (with case), UTC by
/// any of its names (`GMT`, `Etc/UTC`, `Zulu`, `GMT+0`, …), an offset whole (`+05` and `+0530`
/// are `+05:00` and `+05:30`), and the offsets named after UTC or GMT (`UTC+05:30`, `GMT-7`;
/// `Etc/GMT+5` is `-05:00`, its sign turned, as in the tz database). None for no zone; `EST`,
/// `MST` and `HST`, which Java's zones lack, are none.
pub(super) fn zone_named(name: &str) -> Option<String> {
    const UTC: [&str; 31] = [
        "GMT",
        "GMT0",
        "GMT+0",
        "GMT-0",
        "Etc/GMT",
        "Etc/GMT0",
        "Etc/GMT+0",
        "Etc/GMT-0",
        "UT",
        "UT+0",
        "UT-0",
        "Etc/UT",
        "Etc/UT+0",
        "Etc/UT-0",
        "UTC",
        "UTC+0",
        "UTC-0",
        "Etc/UTC",
        "Etc/UTC+0",
        "Etc/UTC-0",
        "+0000",
        "+00:00",
        "-0000",
        "-00:00",
        "Z",
        "Zulu",
        "UCT",
        "Greenwich",
        "Universal",
        "Etc/Universal",
        "Etc/UCT",
    ];
    const OFFSET_PREFIXES: [&str; 6] = ["Etc/GMT", "Etc/UTC", "Etc/UT", "GMT", "UTC", "UT"];
    if UTC.contains(&name) {
        return Some("UTC".to_string());
    }
    if matches!(name, "EST" | "MST" | "HST") {
        return None;
    }
    if let Some(prefix) = OFFSET_PREFIXES.iter().find(|prefix| name.starts_with(**prefix)) {
        let offset = &name[prefix.len()..];
        let sign = match offset.chars().next() {
            Some('+') => 1,
            Some('-') => -1,
            _ => return Tz::from_str(name).is_ok().then(|| name.to_string()),
        };
        let (hours, minutes) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
        let all_digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(hours) || !all_digits(minutes) {
            return None;
        }
        let (hours, minutes) = (hours.parse::<i32>().ok()?, minutes.parse::<i32>().ok()?);
        let sign = if *prefix == "Etc/GMT" { -sign } else { sign };
        return match (hours, minutes) {
            (0, 0) => Some("UTC".to_string()),
            (0..=14, 0..=59) => Some(format!("{}{hours:02}:{minutes:02}", if sign > 0 { '+' } else { '-' })),
            _ => None,
        };
    }
    let whole = offset_written_whole(name);
    Tz::from_str(&whole).is_ok().then_some(whole)
}

/// An offset as Trino shows it, hours and minutes apart (`+0530` and `+05` are `+05:30` and
/// `+05:00`); a zone's name as it is.
pub(super) fn offset_written_whole(zone: &str) -> String {
    let digits = zone.get(1..).unwrap_or_default();
    let signed = zone.starts_with(['+', '-']) && digits.bytes().all(|b| b.is_ascii_digit());
    match (signed, digits.len()) {
        (true, 1) => format!("{}0{digits}:00", &zone[..1]),
        (true, 2) => format!("{zone}:00"),
        (true, 4) => format!("{}:{}", &zone[..3], &zone[3..]),
        _ => zone.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_functions_zone_is_named_as_trinos_time_zone_key_names_it() {
        let named = |name| zone_named(name);
        for utc in ["UTC", "GMT", "Zulu", "Etc/UCT", "GMT+0", "UTC-00:00", "+00:00"] {
            assert_eq!(named(utc).as_deref(), Some("UTC"), "{utc}");
        }
        assert_eq!(named("America/New_York").as_deref(), Some("America/New_York"));
        assert_eq!(named("Etc/GMT+5").as_deref(), Some("-05:00"));
        assert_eq!(named("GMT-7").as_deref(), Some("-07:00"));
        assert_eq!(named("UTC+05:30").as_deref(), Some("+05:30"));
        assert_eq!(named("+5").as_deref(), Some("+05:00"));
        assert_eq!(named("-0530").as_deref(), Some("-05:30"));
        for none in ["EST", "america/new_york", "GMT+15", "UTC+5:60", "GMT7", "Mars/Base"] {
            assert_eq!(named(none), None, "{none}");
        }
    }
}
