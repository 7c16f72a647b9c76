//! The clickstream events the sandbox's producers sent, as the ingest function wrote them to
//! the raw zone: JSON lines in the platform's event schema (DESIGN.md, "The sandbox
//! platform"). Each window's events follow from the seed and the window alone, so any file
//! can be written again, identically, by any lakeops.

use serde_json::json;

use crate::sandbox::rng::Rng;
use crate::sandbox::sim::{daily_curve, BURST_EVERY_S, BURST_FACTOR, BURST_SECONDS};

/// One event in this many that crossed the stream is kept in the local lake (it holds days
/// of data in megabytes, not the gigabytes a real day of 2,600 records/s would be).
pub const SAMPLE: f64 = 10_000.0;

const EVENT_TYPES: &[(&str, f64)] =
    &[("page_view", 0.55), ("click", 0.2), ("search", 0.1), ("add_to_cart", 0.09), ("purchase", 0.06)];
const CATEGORIES: &[&str] = &["electronics", "books", "clothing", "home", "sports", "toys", "beauty", "grocery"];
const DEVICES: &[(&str, f64)] = &[("mobile", 0.58), ("desktop", 0.34), ("tablet", 0.08)];
const PLACES: &[(&str, &str)] = &[
    ("US", "San Francisco"),
    ("US", "New York"),
    ("US", "Chicago"),
    ("US", "Austin"),
    ("GB", "London"),
    ("DE", "Berlin"),
    ("FR", "Paris"),
    ("JP", "Tokyo"),
    ("IN", "Bengaluru"),
    ("BR", "São Paulo"),
    ("CA", "Toronto"),
    ("AU", "Sydney"),
];
const SEARCHES: &[&str] = &["headphones", "running shoes", "coffee", "lego", "desk lamp", "novel", "yoga mat"];
const USERS: f64 = 5_000.0;

/// How many events of the window `[start_ms, start_ms + length_ms)` the lake keeps: what the
/// producers sent in it (their daily curve, and their bursts, drawn as the simulation draws
/// them: `sim::BURST_EVERY_S`), one in `SAMPLE` of them, with a sample's own spread (about the
/// square root of its mean). So no two days of the lake hold the same counts, as no two days of
/// a stream's metrics do; the draws follow from the seed and the window alone.
pub fn events_in(seed: u64, start_ms: i64, length_ms: i64, peak_per_second: f64) -> usize {
    let middle = start_ms + length_ms / 2;
    let mut rng = Rng::new(seed ^ (start_ms as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995);
    let seconds = length_ms as f64 / 1000.0;
    let mean = peak_per_second * daily_curve(middle) * seconds * burst_factor(&mut rng, seconds) / SAMPLE;
    // A normal draw (Box and Muller's) for the sample's spread.
    let normal = (-2.0 * (1.0 - rng.unit()).ln()).sqrt() * (std::f64::consts::TAU * rng.unit()).cos();
    (mean + mean.sqrt() * normal).round().max(0.0) as usize
}

/// The producers' mean rate over `seconds` against their rate without bursts: each burst that
/// begins in the window adds its share of the window times what it adds to the rate.
fn burst_factor(rng: &mut Rng, seconds: f64) -> f64 {
    let mut factor = 1.0;
    let mut at = 0.0;
    loop {
        // The wait for the next burst: exponential, one in `BURST_EVERY_S` seconds.
        at += -BURST_EVERY_S * (1.0 - rng.unit()).ln();
        if at >= seconds {
            return factor;
        }
        let length = rng.range(BURST_SECONDS.0, BURST_SECONDS.1).min(seconds - at);
        factor += length / seconds * (rng.range(BURST_FACTOR.0, BURST_FACTOR.1) - 1.0);
        at += length;
    }
}

/// The window's events as JSON lines, in time order.
pub fn raw_lines(seed: u64, start_ms: i64, length_ms: i64, peak_per_second: f64) -> String {
    let count = events_in(seed, start_ms, length_ms, peak_per_second);
    let mut rng = Rng::new(seed ^ (start_ms as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let mut offsets: Vec<i64> = (0..count).map(|_| (rng.unit() * length_ms as f64) as i64).collect();
    offsets.sort_unstable();
    let mut out = String::with_capacity(count * 360);
    for offset in offsets {
        let line = event(&mut rng, start_ms + offset);
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn weighted<'a>(rng: &mut Rng, items: &'a [(&'a str, f64)]) -> &'a str {
    let mut u = rng.unit();
    for (item, weight) in items {
        if u < *weight {
            return item;
        }
        u -= weight;
    }
    items[items.len() - 1].0
}

fn event(rng: &mut Rng, at_ms: i64) -> serde_json::Value {
    // A few users are far busier than the rest, as on a real site.
    let user = 1 + (USERS * rng.unit().powi(3)) as u64;
    let hour = at_ms.div_euclid(3_600_000) as u64;
    let event_type = weighted(rng, EVENT_TYPES);
    let category = *rng.pick(CATEGORIES);
    let product = format!("prod{:03}", rng.next_u64() % 600);
    let (country, city) = *rng.pick(PLACES);
    let device = weighted(rng, DEVICES);
    let (page_url, product_id) = match event_type {
        "search" => {
            let term = rng.pick(SEARCHES).replace(' ', "+");
            (format!("https://shop.example.com/search?q={term}"), None)
        }
        "purchase" => ("https://shop.example.com/checkout/confirm".to_string(), Some(product)),
        "add_to_cart" => ("https://shop.example.com/cart".to_string(), Some(product)),
        _ => (format!("https://shop.example.com/products/{category}/{product}"), Some(product)),
    };
    let timestamp = chrono::DateTime::from_timestamp_millis(at_ms).unwrap_or_default();
    json!({
        "timestamp": timestamp.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "user_id": format!("user{user}"),
        "event_type": event_type,
        "data": {
            "page_url": page_url,
            "product_id": product_id,
            "category": category,
            "session_id": format!("sess{:x}", (user * 7_919 + hour / 2) % 0xfffff),
            "device_type": device,
            "location": {"country": country, "city": city}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_the_same_every_time_and_follows_the_daily_curve() {
        let night = 3 * 3_600_000;
        let afternoon = 16 * 3_600_000;
        let a = raw_lines(7, afternoon, 900_000, 2600.0);
        assert_eq!(a, raw_lines(7, afternoon, 900_000, 2600.0));
        assert_ne!(a, raw_lines(8, afternoon, 900_000, 2600.0));
        let lines = a.lines().count();
        assert_eq!(lines, events_in(7, afternoon, 900_000, 2600.0));
        assert!(lines > 2 * events_in(7, night, 900_000, 2600.0), "{lines}");
        let first: serde_json::Value = serde_json::from_str(a.lines().next().unwrap()).unwrap();
        assert!(first["timestamp"].as_str().unwrap().starts_with("1970-01-01T16:"));
        assert!(first["data"]["location"]["country"].is_string());
    }

    #[test]
    fn days_differ_around_the_daily_curve() {
        const DAY: i64 = 24 * 3_600_000;
        let afternoon = 16 * 3_600_000;
        let expected = 2600.0 * daily_curve(afternoon + 450_000) * 900.0 / SAMPLE;
        let days: Vec<usize> = (0..60).map(|d| events_in(7, d * DAY + afternoon, 900_000, 2600.0)).collect();
        let distinct: std::collections::HashSet<_> = days.iter().collect();
        assert!(distinct.len() > 20, "{days:?}");
        // Around the curve, a little above it for the bursts: within a few percent over 60 days.
        let mean = days.iter().sum::<usize>() as f64 / days.len() as f64;
        assert!(mean > expected && mean < expected * 1.1, "{mean} against {expected}");
        assert!(days.iter().all(|n| (*n as f64) > expected * 0.7 && (*n as f64) < expected * 1.6), "{days:?}");
    }
}
