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

/// The map as text for headless output.
pub fn render_text(facts: &StreamFacts) -> String {
    let mut out = format!("{:<22}{:<8}{:<17}{:<8}{}\n", "SHARD", "STATE", "HASH KEYS", "SHARE", "LINEAGE");
    for r in rows(facts) {
        out.push_str(&format!(
            "{:<22}{:<8}{:<17}{:<8}{}\n",
            r.id,
            if r.open { "open" } else { "closed" },
            format!("{:.1}–{:.1} %", r.from * 100.0, r.to * 100.0),
            format!("{:.1} %", (r.to - r.from) * 100.0),
            r.lineage
        ));
    }
    out
}
