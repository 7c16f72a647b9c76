//! Numbers as people read them on an operations screen.

use chrono::{DateTime, Utc};

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

/// A per-second rate: "2,412/s", "0.4/s".
pub fn rate(v: f64) -> String {
    if v != 0.0 && v.abs() < 10.0 {
        format!("{v:.1}/s")
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
        format!("{value:.0} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A duration given in milliseconds: "850 ms", "12 s", "14 min", "2.5 h", "3.0 d".
pub fn millis(ms: f64) -> String {
    let ms = ms.max(0.0);
    if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.0} s", ms / 1_000.0)
    } else if ms < 3_600_000.0 {
        format!("{:.0} min", ms / 60_000.0)
    } else if ms < 86_400_000.0 {
        format!("{:.1} h", ms / 3_600_000.0)
    } else {
        format!("{:.1} d", ms / 86_400_000.0)
    }
}

/// A fraction as a percentage: 0.623 → "62 %", 0.0042 → "0.4 %".
pub fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    if p != 0.0 && p.abs() < 10.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
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
    use super::*;

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
