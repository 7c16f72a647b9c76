use super::*;
use crate::model::ShardInfo;

fn shards(n: u32) -> Vec<ShardInfo> {
    let width = u128::MAX / n as u128;
    (0..n)
        .map(|i| ShardInfo {
            id: format!("shardId-{i:012}"),
            start: i as u128 * width,
            end: if i == n - 1 { u128::MAX } else { (i as u128 + 1) * width - 1 },
            parent: None,
            adjacent_parent: None,
            open: true,
            incoming_per_second: None,
        })
        .collect()
}

fn facts(n: u32) -> StreamFacts {
    StreamFacts {
        name: "events".into(),
        status: "ACTIVE".into(),
        mode: CapacityMode::Provisioned,
        shards: shards(n),
        scalings_last_day: Default::default(),
        mode_switches_last_day: Default::default(),
        account_shard_limit: Some(200),
        account_open_shards: Some(10),
        peak_records_per_second: Some(3_400.0),
        peak_demand_per_second: Some(3_400.0),
        most_throttled_per_second: None,
        enhanced_monitoring: false,
        encryption: None,
        consumers: vec![],
        warnings: vec![],
    }
}

/// 2026-03-20 14:30 UTC.
const NOW: i64 = 1_774_017_000;

fn rule(r: Result<ReshardPlan, Refusal>) -> (&'static str, bool) {
    match r.unwrap_err() {
        Refusal::Invalid { rule, .. } => (rule, false),
        Refusal::Safety { rule, .. } => (rule, true),
    }
}

#[test]
fn suggestion_plans_for_headroom() {
    assert_eq!(suggested_shards(3_400.0), 5);
    assert_eq!(suggestion(&facts(4)).unwrap(), "peak 3,400 records/s needs 5 shards at 70 % headroom");
    // At capacity, the written peak is capped by the shards: what was throttled counts too.
    let capped =
        StreamFacts { peak_records_per_second: Some(4_000.0), peak_demand_per_second: Some(4_450.0), ..facts(4) };
    assert_eq!(
        suggestion(&capped).unwrap(),
        "peak demand 4,450 records/s (4,000 written, 450 throttled) needs 7 shards at 70 % headroom"
    );
    assert_eq!(suggested(&capped), Some(7));
    assert_eq!(peak_demand(&[240_000.0, 239_000.0], &[0.0, 27_000.0]), Some(4_433.333333333333));
    assert_eq!(suggested_shards(0.0), 1);
}

#[test]
fn uniform_scaling_within_half_and_double() {
    let p = plan(&facts(4), &ReshardRequest::ScaleTo(5)).unwrap();
    assert_eq!((p.open_before, p.open_after), (4, 5));
    assert_eq!(p.peak_load_per_shard_after, Some(680.0));
    assert_eq!(p.shard_hours_per_day, (96, 120));
    assert!(
        p.describe()
            .iter()
            .any(|l| l
                == "at the peak demand each shard takes 680 records/s (68 % of its 1,000/s) if the keys are spread")
    );
    assert!(plan(&facts(4), &ReshardRequest::ScaleTo(2)).is_ok());
    assert!(plan(&facts(4), &ReshardRequest::ScaleTo(8)).is_ok());
    assert_eq!(rule(plan(&facts(4), &ReshardRequest::ScaleTo(9))), ("target between half and double", false));
    assert_eq!(rule(plan(&facts(4), &ReshardRequest::ScaleTo(1))), ("target between half and double", false));
    assert_eq!(rule(plan(&facts(4), &ReshardRequest::ScaleTo(0))), ("target between half and double", false));
    // Half of 3 rounds up to 2.
    assert!(plan(&facts(3), &ReshardRequest::ScaleTo(2)).is_ok());
    assert_eq!(rule(plan(&facts(3), &ReshardRequest::ScaleTo(1))).0, "target between half and double");
}

#[test]
fn safety_rules_are_safety_refusals() {
    let mut f = facts(4);
    f.scalings_last_day = LastDay::new(NOW, (0..10).map(|i| NOW - 80_000 + i * 600));
    assert_eq!(rule(plan(&f, &ReshardRequest::ScaleTo(5))), ("10 scalings per rolling 24 h", true));
    let mut f = facts(4);
    f.status = "UPDATING".into();
    assert_eq!(rule(plan(&f, &ReshardRequest::ScaleTo(5))), ("stream ACTIVE", true));
    let mut f = facts(4);
    f.account_open_shards = Some(198);
    assert_eq!(rule(plan(&f, &ReshardRequest::ScaleTo(8))), ("account shard quota", true));
    let mut f = facts(4);
    f.mode_switches_last_day = LastDay::new(NOW, [NOW - 3_600, NOW - 60]);
    assert_eq!(rule(plan(&f, &ReshardRequest::SwitchMode(CapacityMode::OnDemand))), ("2 mode switches per 24 h", true));
}

/// A refusal by a daily limit says when the next change is allowed: when enough of the oldest
/// calls turn a day old to leave the count under the limit.
#[test]
fn a_daily_limit_says_when_the_next_change_is_allowed() {
    let mut f = facts(4);
    // Eleven scalings (CloudTrail saw one more than the limit): the second oldest, 22 hours ago,
    // must leave the window too.
    f.scalings_last_day = LastDay::new(NOW, (0..11).map(|i| NOW - 82_800 + i * 3_600));
    let text = plan(&f, &ReshardRequest::ScaleTo(5)).unwrap_err().text();
    assert!(
        text.contains(
            "events was scaled 11 times in the last 24 hours; AWS allows 10: the next scaling is allowed at \
             2026-03-20 16:30:00 UTC (in 2.0 h), when the oldest of them is a day old"
        ),
        "{text}"
    );
    // Nine, one older than a day: allowed.
    f.scalings_last_day = LastDay::new(NOW, (0..10).map(|i| NOW - 88_000 + i * 3_600));
    assert_eq!(f.scalings_last_day.count(), 9);
    assert!(plan(&f, &ReshardRequest::ScaleTo(5)).is_ok());
    f.mode_switches_last_day = LastDay::new(NOW, [NOW - 86_000, NOW - 60]);
    let text = plan(&f, &ReshardRequest::SwitchMode(CapacityMode::OnDemand)).unwrap_err().text();
    assert!(text.contains("AWS allows 2: the next switch is allowed at 2026-03-20 14:36:40 UTC (in 7 min)"), "{text}");
}

#[test]
fn on_demand_streams_are_not_scaled_by_hand() {
    let mut f = facts(4);
    f.mode = CapacityMode::OnDemand;
    assert_eq!(rule(plan(&f, &ReshardRequest::ScaleTo(5))), ("provisioned mode only", false));
    let p = plan(&f, &ReshardRequest::SwitchMode(CapacityMode::Provisioned)).unwrap();
    assert_eq!(p.shard_hours_per_day, (0, 96));
    let lines = p.describe();
    assert_eq!(lines[0], format!("UpdateStreamMode to provisioned on {}", f.name));
    assert!(
        lines.contains(&"cost: on-demand, billed per stream-hour and per GB → 96 shard-hours a day".to_string()),
        "{lines:?}"
    );
}

/// A plan names what its call acts on, and an on-demand stream is never said to cost nothing.
#[test]
fn plans_name_their_shards_and_mode() {
    let mut f = facts(320);
    (f.account_shard_limit, f.account_open_shards) = (Some(10_000), Some(320));
    let to = plan(&f, &ReshardRequest::SwitchMode(CapacityMode::OnDemand)).unwrap().describe();
    assert_eq!(to[0], format!("UpdateStreamMode to on-demand on {}", f.name));
    assert!(
        to.contains(
            &"cost: 7,680 shard-hours a day → on-demand, billed per stream-hour and per GB written and read"
                .to_string()
        ),
        "{to:?}"
    );
    let scale = plan(&f, &ReshardRequest::ScaleTo(400)).unwrap().describe();
    assert!(scale.contains(&"cost: 7,680 → 9,600 shard-hours a day".to_string()), "{scale:?}");
    let (a, b) = (f.shards[0].id.clone(), f.shards[1].id.clone());
    let merge = plan(&f, &ReshardRequest::MergeShards { shard: a.clone(), adjacent: b.clone() }).unwrap().describe();
    assert_eq!(merge[0], format!("MergeShards of {a} and {b} on {}", f.name));
    let split = plan(&f, &ReshardRequest::Split { shard: a.clone(), at: None }).unwrap().describe();
    assert_eq!(split[0], format!("SplitShard of {a} on {}", f.name));
}

/// With shard-level metrics, a split says what its shard takes and a merge what the merged one
/// will: an average over every shard hides a hot one.
#[test]
fn a_split_or_a_merge_says_the_load_of_its_shards() {
    let mut f = facts(4);
    for (shard, load) in f.shards.iter_mut().zip([1_210.0, 300.0, 420.0, 700.0]) {
        shard.incoming_per_second = Some(load);
    }
    let id = |i: usize| f.shards[i].id.clone();
    let split = plan(&f, &ReshardRequest::Split { shard: id(0), at: None }).unwrap().describe();
    assert!(
        split.iter().any(|l| l.starts_with(&format!("{} takes 1,210 records/s now: each child about 605", id(0)))),
        "{split:?}"
    );
    let merge = plan(&f, &ReshardRequest::MergeShards { shard: id(2), adjacent: id(3) }).unwrap().describe();
    assert!(
        merge.contains(
            &"the merged shard takes 1,120 records/s (112 % of its 1,000/s): writes over that are throttled"
                .to_string()
        ),
        "{merge:?}"
    );
    assert!(split
        .iter()
        .any(|l| l.ends_with("one hot partition key stays whole on one child (a key gets at most 1,000/s)")));
    let cold = plan(&f, &ReshardRequest::Split { shard: id(1), at: None }).unwrap().describe();
    assert!(!cold.iter().any(|l| l.contains("hot partition key")), "a cold shard has no hot key to warn of: {cold:?}");
    // Without shard-level metrics a split or a merge says it does not know, not the stream's
    // average (which hides the hot shard a split is for).
    let quiet = plan(&facts(4), &ReshardRequest::Split { shard: id(0), at: None }).unwrap().describe();
    assert!(!quiet.iter().any(|l| l.contains("each shard takes")), "no average: {quiet:?}");
    assert!(
        quiet.contains(&format!(
            "what {} takes is not known: shard-level metrics are off (the stream view's `e` turns them on)",
            id(0)
        )),
        "{quiet:?}"
    );
}

/// At capacity: a scale-down says the writes were throttled; a switch back to provisioned names
/// the shard over a shard's capacity.
#[test]
fn a_plan_warns_of_throttling_to_come() {
    let mut f =
        StreamFacts { peak_records_per_second: Some(4_000.0), peak_demand_per_second: Some(4_450.0), ..facts(4) };
    let down = plan(&f, &ReshardRequest::ScaleTo(3)).unwrap().describe();
    assert!(
        down.contains(
            &"⚠ writes were throttled in the last 3 h (up to 450 records/s): fewer shards throttle more".to_string()
        ),
        "{down:?}"
    );
    let up = plan(&f, &ReshardRequest::ScaleTo(7)).unwrap().describe();
    assert!(!up.iter().any(|l| l.starts_with('⚠')), "{up:?}");
    // A hot shard throttled in a quieter minute than the peak: still no scale-down unwarned.
    let hot = StreamFacts { most_throttled_per_second: Some(11.0), ..facts(10) };
    let down = plan(&hot, &ReshardRequest::ScaleTo(8)).unwrap().describe();
    assert!(
        down.iter().any(|l| l.starts_with("⚠ writes were throttled in the last 3 h (up to 11 records/s)")),
        "{down:?}"
    );
    f.mode = CapacityMode::OnDemand;
    f.shards[2].incoming_per_second = Some(1_074.0);
    let back = plan(&f, &ReshardRequest::SwitchMode(CapacityMode::Provisioned)).unwrap().describe();
    assert!(
        back.contains(&format!(
            "⚠ {} takes 1,074 records/s now, over a shard's 1,000/s: it throttles once provisioned",
            f.shards[2].id
        )),
        "{back:?}"
    );
}

#[test]
fn split_at_the_midpoint_or_a_key_strictly_inside() {
    let f = facts(2);
    let p = plan(&f, &ReshardRequest::Split { shard: "shardId-000000000000".into(), at: None }).unwrap();
    let s = &f.shards[0];
    assert_eq!(p.split_key, Some(s.start + (s.end - s.start) / 2 + 1));
    assert_eq!(p.open_after, 3);
    let outside = ReshardRequest::Split { shard: "shardId-000000000000".into(), at: Some(s.end + 1) };
    assert_eq!(rule(plan(&f, &outside)), ("split key strictly inside the range", false));
    let at_start = ReshardRequest::Split { shard: "shardId-000000000000".into(), at: Some(s.start) };
    assert_eq!(rule(plan(&f, &at_start)), ("split key strictly inside the range", false));
    let unknown = ReshardRequest::Split { shard: "shardId-000000000009".into(), at: None };
    let text = plan(&f, &unknown).unwrap_err().text();
    assert!(text.contains("open shards: shardId-000000000000, shardId-000000000001"), "{text}");
}

#[test]
fn merge_only_adjacent_open_shards() {
    let f = facts(3);
    let ok =
        ReshardRequest::MergeShards { shard: "shardId-000000000001".into(), adjacent: "shardId-000000000000".into() };
    assert_eq!(plan(&f, &ok).unwrap().open_after, 2);
    let far =
        ReshardRequest::MergeShards { shard: "shardId-000000000000".into(), adjacent: "shardId-000000000002".into() };
    assert_eq!(rule(plan(&f, &far)), ("adjacent open shards", false));
    let mut closed = facts(3);
    closed.shards[1].open = false;
    let with_closed =
        ReshardRequest::MergeShards { shard: "shardId-000000000000".into(), adjacent: "shardId-000000000001".into() };
    assert_eq!(rule(plan(&closed, &with_closed)), ("open shard", false));
}
