//! Reading records off a stream, as the KCL does: which shards a peek reads (closed parents
//! still in retention too, before their children), how often, and how a round's limit is shared.

use crate::model::{PeekCursor, PeekFrom, ShardInfo};

/// Each shard is read at most this often (GetRecords allows 5 calls a second per shard, shared
/// with every other reader of the stream).
pub const READ_EVERY_MS: i64 = 1_000;

/// One shard to read, with its parents among the shards read (a child waits for them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardToRead {
    pub id: String,
    pub parents: Vec<String>,
    pub open: bool,
}

/// The shards a peek from `from` reads. From the latest record only the open shards have
/// anything new. From the trim horizon or a time, closed shards still in retention hold the
/// older records: they are read too, parents before children, so records come in the order
/// they were written for each key. `only` reads one shard.
pub fn shards_to_read(shards: &[ShardInfo], only: Option<&str>, from: PeekFrom) -> Vec<ShardToRead> {
    let chosen: Vec<&ShardInfo> = match only {
        Some(id) => shards.iter().filter(|s| s.id == id).collect(),
        None if from == PeekFrom::Latest => shards.iter().filter(|s| s.open).collect(),
        None => shards.iter().collect(),
    };
    let has = |id: &Option<String>| id.as_ref().filter(|p| chosen.iter().any(|s| &s.id == *p)).cloned();
    let mut out: Vec<ShardToRead> = chosen
        .iter()
        .map(|s| ShardToRead {
            id: s.id.clone(),
            parents: [has(&s.parent), has(&s.adjacent_parent)].into_iter().flatten().collect(),
            open: s.open,
        })
        .collect();
    // Parents first: repeatedly take the shards whose parents are already taken (a cycle in
    // hostile lineage data ends the ordering; what is left keeps its order).
    let mut ordered: Vec<ShardToRead> = Vec::with_capacity(out.len());
    while !out.is_empty() {
        let before = out.len();
        let (ready, waiting): (Vec<_>, Vec<_>) =
            out.into_iter().partition(|s| s.parents.iter().all(|p| ordered.iter().any(|o| &o.id == p)));
        ordered.extend(ready);
        out = waiting;
        if out.len() == before {
            ordered.append(&mut out);
        }
    }
    ordered
}

/// This round's reads: `(index into cursor.shards, records it may return)`. A shard is due
/// when it is not read to its end, its parents in this peek are, and it was not read within
/// [`READ_EVERY_MS`]. The limit is split evenly among the due shards and never exceeded; when
/// it is smaller than their number, the cursor's turn decides who reads, so none starves. The
/// caller keeps every record a read returns: nothing read is dropped.
pub fn plan_round(cursor: &mut PeekCursor, limit: usize, now_ms: i64) -> Vec<(usize, usize)> {
    let finished = |id: &str| cursor.shards.iter().any(|p| p.shard == id && p.finished);
    let due: Vec<usize> = cursor
        .shards
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.finished && now_ms - p.last_read_ms >= READ_EVERY_MS)
        .filter(|(_, p)| p.parents.iter().all(|parent| finished(parent)))
        .map(|(i, _)| i)
        .collect();
    if due.is_empty() || limit == 0 {
        return Vec::new();
    }
    let (each, extra) = (limit / due.len(), limit % due.len());
    let turn = cursor.turn % due.len();
    let mut plan = Vec::new();
    for k in 0..due.len() {
        // Starting at this round's turn, the first `extra` shards take one record more.
        let i = due[(turn + k) % due.len()];
        let want = each + usize::from(k < extra);
        if want > 0 {
            plan.push((i, want));
        }
    }
    cursor.turn = cursor.turn.wrapping_add(extra.max(1));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ShardPosition;
    use proptest::prelude::*;

    fn info(id: &str, parent: Option<&str>, adjacent: Option<&str>, open: bool) -> ShardInfo {
        ShardInfo {
            id: id.into(),
            start: 0,
            end: u128::MAX,
            parent: parent.map(str::to_string),
            adjacent_parent: adjacent.map(str::to_string),
            open,
            incoming_per_second: None,
        }
    }

    fn cursor(shards: &[ShardToRead]) -> PeekCursor {
        PeekCursor {
            stream: "s".into(),
            from: PeekFrom::TrimHorizon,
            shards: shards.iter().map(|s| ShardPosition::new(&s.id, s.parents.clone(), s.open, None, 0)).collect(),
            turn: 0,
        }
    }

    #[test]
    fn parents_are_read_before_their_children() {
        // Children listed first, as a hostile or unsorted listing may have them.
        let shards = [
            info("c3", Some("c1"), Some("c2"), true),
            info("c1", Some("p"), None, false),
            info("c2", Some("p"), None, false),
            info("p", None, None, false),
        ];
        let order: Vec<String> =
            shards_to_read(&shards, None, PeekFrom::TrimHorizon).into_iter().map(|s| s.id).collect();
        assert_eq!(order, ["p", "c1", "c2", "c3"]);
        let latest = shards_to_read(&shards, None, PeekFrom::Latest);
        assert_eq!(latest.len(), 1, "from latest only open shards have records to come");
        assert!(latest[0].parents.is_empty(), "a parent not read is not waited for");
        let one = shards_to_read(&shards, Some("c1"), PeekFrom::TrimHorizon);
        assert_eq!((one.len(), one[0].parents.len()), (1, 0));
        // A cycle in the lineage does not hang or lose shards.
        let cycle = [info("a", Some("b"), None, true), info("b", Some("a"), None, true)];
        assert_eq!(shards_to_read(&cycle, None, PeekFrom::TrimHorizon).len(), 2);
    }

    #[test]
    fn a_child_waits_until_its_parents_are_read_to_their_end() {
        let shards = [info("p", None, None, false), info("c", Some("p"), None, true)];
        let mut c = cursor(&shards_to_read(&shards, None, PeekFrom::TrimHorizon));
        assert_eq!(plan_round(&mut c, 10, 5_000), [(0, 10)]);
        c.shards[0].last_read_ms = 5_000;
        assert_eq!(plan_round(&mut c, 10, 5_500), [], "read at most once a second");
        c.shards[0].finished = true;
        assert_eq!(plan_round(&mut c, 10, 6_000), [(1, 10)]);
    }

    proptest! {
        #[test]
        fn a_round_never_exceeds_its_limit_and_every_shard_gets_its_turn(n in 1usize..12, limit in 1usize..40) {
            let shards: Vec<ShardToRead> =
                (0..n).map(|i| ShardToRead { id: format!("s{i}"), parents: vec![], open: true }).collect();
            let mut c = cursor(&shards);
            let mut read = vec![0usize; n];
            for round in 0..n {
                let plan = plan_round(&mut c, limit, 10_000 * (round as i64 + 1));
                prop_assert_eq!(plan.iter().map(|(_, w)| w).sum::<usize>(), limit, "the whole limit is offered");
                for (i, w) in plan {
                    read[i] += w;
                }
            }
            prop_assert!(read.iter().all(|&r| r > 0), "each shard read within {} rounds: {:?}", n, read);
        }
    }
}
