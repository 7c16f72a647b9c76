//! ISO 8601 text read as Trino reads it for `from_iso8601_timestamp` and `from_iso8601_date`:
//! Joda's `ISODateTimeFormat.dateTimeParser()` and `dateElementParser()`, whose grammar is
//!
//! ```text
//! datetime          = time | date-opt-time
//! time              = 'T' time-element [offset]
//! date-opt-time     = date-element ['T' [time-element] [offset]]
//! date-element      = std-date-element | ord-date-element | week-date-element
//! std-date-element  = yyyy ['-' MM ['-' dd]]
//! ord-date-element  = yyyy ['-' DDD]
//! week-date-element = xxxx '-W' ww ['-' e]
//! time-element      = HH [minute-element] | [fraction]
//! minute-element    = ':' mm [second-element] | [fraction]
//! second-element    = ':' ss [fraction]
//! fraction          = ('.' | ',') digit+
//! offset            = 'Z' | (('+' | '-') HH [':' mm [':' ss [('.' | ',') SSS]]])
//! ```
//!
//! Each number is one digit up to its field's width (`2020-5-1T1:2:3Z`; a year up to nine, with
//! a sign), of the date elements the one that reads the most text is taken (the first where two
//! read as much: `2020-05` is May, `2020-123` the 123rd day), a fraction belongs to the last
//! field before it (`T10.5` is 10:30), a missing date is 1970-01-01, and the whole text is read
//! (spaces around it are not ISO 8601). A fraction of a second finer than a millisecond is cut, as Joda keeps
//! milliseconds.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Weekday};

/// A timestamp as the text writes it: its wall clock, and its offset from UTC where it has one.
#[derive(Debug, PartialEq)]
pub(super) struct Written {
    pub local: NaiveDateTime,
    pub offset: Option<Offset>,
}

/// An offset as written: `Z`, or seconds east of UTC.
#[derive(Debug, PartialEq, Clone, Copy)]
pub(super) enum Offset {
    Z,
    East(i32),
}

impl Offset {
    pub(super) fn seconds(self) -> i32 {
        match self {
            Offset::Z => 0,
            Offset::East(seconds) => seconds,
        }
    }

    /// The zone Trino names the offset by: `UTC` for `Z`, else `+05:30`.
    pub(super) fn zone(self) -> String {
        match self {
            Offset::Z => "UTC".into(),
            Offset::East(seconds) => {
                let sign = if seconds < 0 { '-' } else { '+' };
                let minutes = seconds.unsigned_abs() / 60;
                format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
            }
        }
    }
}

/// `text` as `from_iso8601_timestamp` reads it; None where Trino fails `Invalid format`.
pub(super) fn timestamp(text: &str) -> Option<Written> {
    let mut at = Cursor { text: text.as_bytes(), at: 0 };
    // `time`: a `T` and a time, which it must have; `date-opt-time`: a date, and after a `T` maybe.
    let time_alone = matches!(at.peek(), Some(b'T' | b't'));
    let date = if time_alone { NaiveDate::from_ymd_opt(1970, 1, 1)? } else { date_element(&mut at)? };
    let mut time = NaiveTime::MIN;
    let mut offset = None;
    if at.eat_letter(b'T') {
        if time_alone || at.peek().is_some_and(|b| b.is_ascii_digit()) {
            time = time_element(&mut at)?;
        }
        if at.peek().is_some() {
            offset = Some(offset_element(&mut at)?);
        }
    }
    at.done()?;
    Some(Written { local: date.and_time(time), offset })
}

/// `text` as `from_iso8601_date` reads it (a date element alone); None where Trino fails.
pub(super) fn date(text: &str) -> Option<NaiveDate> {
    let mut at = Cursor { text: text.as_bytes(), at: 0 };
    let date = date_element(&mut at)?;
    at.done()?;
    Some(date)
}

/// The place reached in the text.
#[derive(Clone, Copy)]
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    /// A letter of the grammar (`T`, `W`, `Z`), which Joda reads in either case.
    fn eat_letter(&mut self, letter: u8) -> bool {
        self.eat(letter) || self.eat(letter.to_ascii_lowercase())
    }

    /// One digit up to `most`, as a number and how many digits it had.
    fn number(&mut self, most: usize) -> Option<(u32, usize)> {
        let digits = self.text[self.at..].iter().take(most).take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let text = std::str::from_utf8(&self.text[self.at..self.at + digits]).ok()?;
        self.at += digits;
        Some((text.parse().ok()?, digits))
    }

    /// A year: a sign, then one to nine digits.
    fn year(&mut self) -> Option<i32> {
        let negative = self.eat(b'-');
        if !negative {
            self.eat(b'+');
        }
        let (year, _) = self.number(9)?;
        let year = i32::try_from(year).ok()?;
        Some(if negative { -year } else { year })
    }

    /// `('.' | ',') digit+`: the fraction's digits and their count, nine at most (Joda's
    /// `appendFraction…(1, 9)` reads no more, and the text then goes on unread).
    fn fraction(&mut self) -> Option<(u64, u32)> {
        if !(self.eat(b'.') || self.eat(b',')) {
            return None;
        }
        let digits = self.text[self.at..].iter().take(9).take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let kept = &self.text[self.at..self.at + digits];
        self.at += digits;
        Some((std::str::from_utf8(kept).ok()?.parse().ok()?, digits as u32))
    }

    fn done(&self) -> Option<()> {
        (self.at == self.text.len()).then_some(())
    }
}

/// The date element that reads the most text; the first of them where two read as much.
fn date_element(at: &mut Cursor) -> Option<NaiveDate> {
    let starts = *at;
    let mut best: Option<(Cursor, Option<NaiveDate>)> = None;
    for element in [standard_date, ordinal_date, week_date] {
        let mut tried = starts;
        let Some(date) = element(&mut tried) else { continue };
        if best.as_ref().is_none_or(|(reached, _)| tried.at > reached.at) {
            best = Some((tried, date));
        }
    }
    let (reached, date) = best?;
    *at = reached;
    date
}

/// `yyyy ['-' MM ['-' dd]]`: Some of the date once read, which is None when no such day is.
fn standard_date(at: &mut Cursor) -> Option<Option<NaiveDate>> {
    let year = at.year()?;
    let (mut month, mut day) = (1, 1);
    let mut after = *at;
    if after.eat(b'-') {
        if let Some((m, _)) = after.number(2) {
            month = m;
            *at = after;
            if after.eat(b'-') {
                if let Some((d, _)) = after.number(2) {
                    day = d;
                    *at = after;
                }
            }
        }
    }
    Some(NaiveDate::from_ymd_opt(year, month, day))
}

/// `yyyy '-' DDD`.
fn ordinal_date(at: &mut Cursor) -> Option<Option<NaiveDate>> {
    let year = at.year()?;
    if !at.eat(b'-') {
        return None;
    }
    let (day, _) = at.number(3)?;
    Some(NaiveDate::from_yo_opt(year, day))
}

/// `xxxx '-W' ww ['-' e]`.
fn week_date(at: &mut Cursor) -> Option<Option<NaiveDate>> {
    let year = at.year()?;
    if !(at.eat(b'-') && at.eat_letter(b'W')) {
        return None;
    }
    let (week, _) = at.number(2)?;
    let mut day = 1;
    let mut after = *at;
    if after.eat(b'-') {
        if let Some((d, _)) = after.number(1) {
            day = d;
            *at = after;
        }
    }
    let weekday = (1..=7).contains(&day).then(|| Weekday::try_from(day as u8 - 1).ok()).flatten();
    Some(weekday.and_then(|weekday| NaiveDate::from_isoywd_opt(year, week, weekday)))
}

/// `HH [':' mm [':' ss [fraction]] | fraction] | fraction]`, a fraction of its last field.
fn time_element(at: &mut Cursor) -> Option<NaiveTime> {
    const NANOS: [u64; 3] = [3_600_000_000_000, 60_000_000_000, 1_000_000_000];
    let mut fields = vec![at.number(2)?.0];
    while fields.len() < 3 {
        let mut after = *at;
        if !after.eat(b':') {
            break;
        }
        let Some((value, _)) = after.number(2) else { break };
        fields.push(value);
        *at = after;
    }
    let mut after = *at;
    let fraction = after.fraction();
    if fraction.is_some() {
        *at = after;
    }
    let (hour, minute, second) = (fields[0], fields.get(1).copied().unwrap_or(0), fields.get(2).copied().unwrap_or(0));
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut nanos = u64::from(hour) * NANOS[0] + u64::from(minute) * NANOS[1] + u64::from(second) * NANOS[2];
    if let Some((digits, count)) = fraction {
        let of = u128::from(NANOS[fields.len() - 1]);
        nanos += (u128::from(digits) * of / 10u128.pow(count)) as u64;
    }
    // Joda keeps milliseconds.
    let millis = nanos / 1_000_000;
    NaiveTime::from_num_seconds_from_midnight_opt((millis / 1000) as u32, (millis % 1000) as u32 * 1_000_000)
}

/// `'Z' | ('+' | '-') HH [[':'] mm]`: an offset of seconds too Joda reads, but Trino's zones
/// have none (`TimeZoneKey` refuses `+05:30:15`), so it is no timestamp here either.
fn offset_element(at: &mut Cursor) -> Option<Offset> {
    if at.eat_letter(b'Z') {
        return Some(Offset::Z);
    }
    let sign = if at.eat(b'+') {
        1
    } else if at.eat(b'-') {
        -1
    } else {
        return None;
    };
    let two = |at: &mut Cursor| at.number(2).filter(|(_, digits)| *digits == 2).map(|(v, _)| v);
    let hours = two(at)?;
    let mut seconds = hours * 3600;
    let mut after = *at;
    after.eat(b':');
    if let Some(minutes) = two(&mut after) {
        seconds += minutes * 60;
        *at = after;
    }
    if hours > 23 {
        return None;
    }
    Some(Offset::East(sign * seconds as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(text: &str) -> Option<String> {
        timestamp(text).map(|w| format!("{} {:?}", w.local.format("%Y-%m-%d %H:%M:%S%.3f"), w.offset))
    }

    #[test]
    fn timestamps_in_every_shape_of_jodas_grammar() {
        let cases = [
            ("2020-05-11T11:15:05.055Z", "2020-05-11 11:15:05.055 Some(Z)"),
            ("2020-05-11T11:15Z", "2020-05-11 11:15:00.000 Some(Z)"),
            ("2020-05-11T11Z", "2020-05-11 11:00:00.000 Some(Z)"),
            ("2020-05", "2020-05-01 00:00:00.000 None"),
            ("2020", "2020-01-01 00:00:00.000 None"),
            ("2020-05-11T11:15:05-08", "2020-05-11 11:15:05.000 Some(East(-28800))"),
            ("2020-05-11T11:15:05+0530", "2020-05-11 11:15:05.000 Some(East(19800))"),
            ("2020-W10-1T10:00", "2020-03-02 10:00:00.000 None"),
            ("2020-123T10:00", "2020-05-02 10:00:00.000 None"),
            ("T11:15:05", "1970-01-01 11:15:05.000 None"),
            ("2020-05-11T11:15:05,5Z", "2020-05-11 11:15:05.500 Some(Z)"),
            ("2020-5-1T1:2:3Z", "2020-05-01 01:02:03.000 Some(Z)"),
            ("2020-05-11T10.5", "2020-05-11 10:30:00.000 None"),
            ("2020-05-11T10:00:00.123456789", "2020-05-11 10:00:00.123 None"),
            ("2020-05-11T", "2020-05-11 00:00:00.000 None"),
            ("2020-05-11t10:00z", "2020-05-11 10:00:00.000 Some(Z)"),
            ("2020-w10-1", "2020-03-02 00:00:00.000 None"),
            ("2020-05-11T10:00:00.123456789Z", "2020-05-11 10:00:00.123 Some(Z)"),
        ];
        for (text, expected) in cases {
            assert_eq!(local(text).as_deref(), Some(expected), "{text}");
        }
        for bad in [
            "T",
            "TZ",
            "T+05:00",
            "2020-05-11T10:00:00.1234567891Z",
            "2020-05-11T10:00+05:30:15",
            "",
            "yesterday",
            "2020-05-11 11:15",
            " 2020-05-11",
            "2020-05-11T25:00",
            "2020-13-01",
            "2020-02-30",
            "2020-05-11T11:15:05+5",
            "2020-05-11Z",
            "2020-W10-9",
        ] {
            assert_eq!(local(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_and_zones() {
        assert_eq!(date("2020-5-1"), NaiveDate::from_ymd_opt(2020, 5, 1));
        assert_eq!(date("2020-W10"), NaiveDate::from_ymd_opt(2020, 3, 2));
        assert_eq!(date("2020-123"), NaiveDate::from_ymd_opt(2020, 5, 2));
        assert_eq!(date("2020-05-11T10:00"), None);
        assert_eq!(Offset::East(-28_800).zone(), "-08:00");
        assert_eq!(Offset::East(19_800).zone(), "+05:30");
        assert_eq!(Offset::Z.zone(), "UTC");
    }
}
