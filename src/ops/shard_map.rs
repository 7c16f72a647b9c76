//! The shard map: each shard's hash-key range as a share of the keyspace, with lineage.

use crate::model::{ShardInfo, StreamFacts};

/// One row of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardRow {
    pub id: String,
    /// Where the range starts and ends, as fractions of the keyspace.
    pub from: f64,
    pub to: f64,
    pub open: bool,
    pub lineage: String,
}

fn fraction(key: u128) -> f64 {
    key as f64 / u128::MAX as f64
}

pub fn rows(facts: &StreamFacts) -> Vec<ShardRow> {
    facts
        .shards
        .iter()
        .map(|s: &ShardInfo| ShardRow {
            id: s.id.clone(),
            from: fraction(s.start),
            to: fraction(s.end),
            open: s.open,
            lineage: match (&s.parent, &s.adjacent_parent) {
                (Some(p), Some(a)) => format!("from {p} + {a}"),
                (Some(p), None) => format!("from {p}"),
                _ => String::new(),
            },
        })
        .collect()
}

/// The cells of a bar `width` cells wide that a range `from..to` (fractions of the keyspace)
/// covers: at least one cell, never past the bar, whatever the fractions (a shard ending at the
/// top key rounds to 1.0; one-key shards have `from == to`; a hostile layout may be inverted).
pub fn cells(from: f64, to: f64, width: usize) -> std::ops::Range<usize> {
    if width == 0 {
        return 0..0;
    }
    let at = |share: f64, round: fn(f64) -> f64| {
        let cell = round(share.clamp(0.0, 1.0) * width as f64);
        // NaN clamps to NaN and casts to 0; the clamp above keeps the rest inside 0..=width.
        (cell as usize).min(width)
    };
    let start = at(from, f64::floor).min(width - 1);
    let end = at(to, f64::ceil).clamp(start + 1, width);
    start..end
}

/// A share of the keyspace, to a tenth of a percent wherever it is shown: `12.5 %` (an eighth
/// is not 12 % in one place and 12.5 % in another).
pub fn share(fraction: f64) -> String {
    format!("{} %", tenths(fraction))
}

/// A fraction of the keyspace in percent, to a tenth: `12.5`.
fn tenths(fraction: f64) -> crate::ops::format::Fixed {
    crate::ops::format::fixed(fraction * 100.0, 1)
}

/// The map as text for headless output.
pub fn render_text(facts: &StreamFacts) -> String {
    let mut out = format!("{:<22}{:<8}{:<17}{:<8}{}\n", "SHARD", "STATE", "HASH KEYS", "SHARE", "LINEAGE");
    for r in rows(facts) {
        out.push_str(&format!(
            "{:<22}{:<8}{:<17}{:<8}{}\n",
            r.id,
            if r.open { "open" } else { "closed" },
            format!("{}–{}", tenths(r.from), share(r.to)),
            share(r.to - r.from),
            r.lineage
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ShardInfo;
    use proptest::prelude::*;

    fn shard(start: u128, end: u128) -> ShardInfo {
        ShardInfo {
            id: "shardId-000000000000".into(),
            start,
            end,
            parent: None,
            adjacent_parent: None,
            open: true,
            incoming_per_second: None,
        }
    }

    fn facts(shards: Vec<ShardInfo>) -> StreamFacts {
        StreamFacts::example("s", shards)
    }

    #[test]
    fn a_share_reads_the_same_everywhere() {
        assert_eq!(share(0.125), "12.5 %");
        assert_eq!(share(1.0), "100.0 %");
        assert_eq!(share(0.0), "0.0 %");
    }

    #[test]
    fn a_shard_ending_at_the_top_key_fills_the_last_cell() {
        // The layout that crashed the stream detail: a split at the top key.
        let top = u128::MAX;
        let r = rows(&facts(vec![shard(top, top)]));
        assert_eq!(cells(r[0].from, r[0].to, 24), 23..24);
        assert_eq!(cells(0.0, 1.0, 24), 0..24);
        assert_eq!(cells(1.0, 1.0, 24), 23..24);
        assert_eq!(cells(0.0, 0.0, 24), 0..1);
        assert_eq!(cells(0.5, 0.25, 24), 12..13, "an inverted range still shows one cell");
        assert_eq!(cells(f64::NAN, f64::NAN, 24), 0..1);
        assert_eq!(cells(0.3, 0.6, 0), 0..0);
    }

    proptest! {
        #[test]
        fn every_range_maps_inside_the_bar(a in any::<u128>(), b in any::<u128>(), width in 0usize..300) {
            let (start, end) = (a.min(b), a.max(b));
            let facts = facts(vec![shard(start, end), shard(end, start)]);
            for row in rows(&facts) {
                let c = cells(row.from, row.to, width);
                prop_assert!(c.end <= width);
                if width > 0 {
                    prop_assert!(c.start < c.end, "at least one cell: {:?}", c);
                }
            }
            prop_assert!(render_text(&facts).lines().count() == 3);
        }

        #[test]
        fn any_fractions_map_inside_the_bar(from in any::<f64>(), to in any::<f64>(), width in 1usize..300) {
            let c = cells(from, to, width);
            prop_assert!(c.start < c.end && c.end <= width);
        }
    }
}
