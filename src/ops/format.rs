//! Numbers as people read them on an operations screen.

use std::fmt;
use std::io::Write as _;

use chrono::{DateTime, Utc};

/// `value` with `decimals` places, exactly as `format!("{value:.decimals$}")` writes it: the
/// value's exact binary expansion rounded half to even. Computed in integers: the standard
/// library falls back to arbitrary-precision arithmetic (Dragon4) for most durations and rates
/// an operations screen shows, which was a fifth of the console's refresh (docs/performance.md).
/// A property test holds it to `format!` for every finite f64.
pub fn fixed(value: f64, decimals: u8) -> Fixed {
    Fixed { value, decimals }
}

/// See [`fixed`].
#[derive(Debug, Clone, Copy)]
pub struct Fixed {
    value: f64,
    decimals: u8,
}

/// The most places [`fixed`] computes itself; more go to the standard library.
const FIXED_MAX_DECIMALS: u8 = 9;

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let places = usize::from(self.decimals);
        let Some(scaled) = scaled(self.value, self.decimals) else {
            return fmt::Display::fmt(&format!("{:.places$}", self.value), f);
        };
        // At most a sign, 39 digits, a point and 9 places: written on the stack, then padded as
        // the caller's width and alignment ask.
        let mut buffer = [0u8; 64];
        let mut out = &mut buffer[..];
        let unit = 10u128.pow(u32::from(self.decimals));
        let sign = if self.value.is_sign_negative() { "-" } else { "" };
        let written = if places > 0 {
            write!(out, "{sign}{}.{:0places$}", scaled / unit, scaled % unit)
        } else {
            write!(out, "{sign}{scaled}")
        };
        written.map_err(|_| fmt::Error)?;
        let length = 64 - out.len();
        f.pad(std::str::from_utf8(&buffer[..length]).map_err(|_| fmt::Error)?)
    }
}

/// |value| × 10^decimals rounded half to even, exactly; `None` where that is not small enough
/// for a u128 (or the value is not finite).
fn scaled(value: f64, decimals: u8) -> Option<u128> {
    if !value.is_finite() || decimals > FIXED_MAX_DECIMALS {
        return None;
    }
    // |value| = mantissa × 2^exponent, exactly.
    let bits = value.abs().to_bits();
    let biased = (bits >> 52) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 { (fraction, -1074) } else { (fraction | (1 << 52), biased - 1075) };
    // Below 2^53 × 10^9 < 2^83.
    let digits = u128::from(mantissa) * 10u128.pow(u32::from(decimals));
    if exponent >= 0 {
        return (exponent <= 40).then(|| digits << exponent);
    }
    let shift = exponent.unsigned_abs();
    if shift >= 100 {
        // digits < 2^83 < half of 2^shift: it rounds to zero.
        return Some(0);
    }
    let whole = digits >> shift;
    let rest = digits & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let up = rest > half || (rest == half && whole & 1 == 1);
    Some(whole + u128::from(up))
}

/// 2412.4 → "2,412".
pub fn thousands(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A count and its noun: "1 row", "2,412 rows".
pub fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{} {noun}s", thousands(n as f64)),
    }
}

/// A per-second rate: "2,412/s", "0.4/s".
pub fn rate(v: f64) -> String {
    if v != 0.0 && v.abs() < 10.0 {
        format!("{}/s", fixed(v, 1))
    } else {
        format!("{}/s", thousands(v))
    }
}

/// Bytes in binary units: "512 B", "1.4 MiB", "12.0 GiB".
pub fn bytes(v: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = v.max(0.0);
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} B", fixed(value, 0))
    } else {
        format!("{} {}", fixed(value, 1), UNITS[unit])
    }
}

/// A duration given in milliseconds: "850 ms", "12 s", "14 min", "2.5 h", "3.0 d".
pub fn millis(ms: f64) -> String {
    let ms = ms.max(0.0);
    if ms < 1_000.0 {
        format!("{} ms", fixed(ms, 0))
    } else if ms < 60_000.0 {
        format!("{} s", fixed(ms / 1_000.0, 0))
    } else if ms < 3_600_000.0 {
        format!("{} min", fixed(ms / 60_000.0, 0))
    } else if ms < 86_400_000.0 {
        format!("{} h", fixed(ms / 3_600_000.0, 1))
    } else {
        format!("{} d", fixed(ms / 86_400_000.0, 1))
    }
}

/// A fraction as a percentage: 0.623 → "62 %", 0.0042 → "0.4 %".
pub fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    if p != 0.0 && p.abs() < 10.0 {
        format!("{} %", fixed(p, 1))
    } else {
        format!("{} %", fixed(p, 0))
    }
}

/// "3 min ago", "just now".
pub fn ago(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let ms = (now - then).num_milliseconds();
    if ms < 5_000 {
        "just now".into()
    } else {
        format!("{} ago", millis(ms as f64))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn fixed_rounds_the_exact_value_half_to_even() {
        let cases: [(f64, u8, &str); 12] = [
            (0.5, 0, "0"),
            (1.5, 0, "2"),
            (2.5, 0, "2"),
            (0.25, 1, "0.2"),
            (0.35, 1, "0.3"), // 0.34999999999999997779…
            (2.675, 2, "2.67"),
            (14.0, 0, "14"),
            (-0.04, 1, "-0.0"),
            (-0.0, 0, "-0"),
            (1e300, 1, &format!("{:.1}", 1e300)),
            (f64::NAN, 1, "NaN"),
            (f64::MIN_POSITIVE, 3, "0.000"),
        ];
        for (value, places, want) in cases {
            assert_eq!(fixed(value, places).to_string(), want, "{value:e} to {places} places");
        }
        // Width and alignment as for any Display.
        assert_eq!(format!("[{:>6}]", fixed(2.25, 1)), "[   2.2]");
        assert_eq!(format!("[{:<6}]", fixed(-1.0, 0)), "[-1    ]");
        assert_eq!(format!("[{:>6}]", fixed(f64::INFINITY, 1)), "[   inf]");
    }

    proptest! {
        #[test]
        fn fixed_writes_what_format_writes(bits in any::<u64>(), places in 0u8..=10) {
            let value = f64::from_bits(bits);
            let p = usize::from(places);
            prop_assert_eq!(fixed(value, places).to_string(), format!("{value:.p$}"));
        }

        #[test]
        fn fixed_writes_what_format_writes_for_screen_numbers(
            digits in -1.0f64..1.0,
            magnitude in -6i32..14,
            places in 0u8..=3,
        ) {
            let value = digits * 10f64.powi(magnitude);
            let p = usize::from(places);
            prop_assert_eq!(fixed(value, places).to_string(), format!("{value:.p$}"));
            let hours = value / 3_600_000.0;
            prop_assert_eq!(fixed(hours, places).to_string(), format!("{hours:.p$}"));
        }

        #[test]
        fn fixed_breaks_exact_ties_as_format_does(n in 0u64..10_000_000, halvings in 1i32..12, places in 0u8..=3) {
            let value = n as f64 / 2f64.powi(halvings);
            let p = usize::from(places);
            prop_assert_eq!(fixed(value, places).to_string(), format!("{value:.p$}"));
        }
    }

    #[test]
    fn formats() {
        assert_eq!(thousands(2412.4), "2,412");
        assert_eq!(thousands(-1234567.0), "-1,234,567");
        assert_eq!(rate(0.42), "0.4/s");
        assert_eq!(rate(3400.0), "3,400/s");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1_468_006.0), "1.4 MiB");
        assert_eq!(millis(850.0), "850 ms");
        assert_eq!(millis(840_000.0), "14 min");
        assert_eq!(millis(9_000_000.0), "2.5 h");
        assert_eq!(percent(0.623), "62 %");
        assert_eq!(percent(0.0042), "0.4 %");
    }
}
