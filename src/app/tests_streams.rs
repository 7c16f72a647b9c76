//! Streams, a stream's detail and its reshard dialog, peeking at records, and a confirmation.

use crossterm::event::KeyCode;

use super::tests::{answered, app, awaited, changes, key, snapshot, snapshot_loaded, type_text};
use super::*;
use crate::model::*;
use crate::platform::PlatformError;

pub(super) mod streams {
    use super::*;
    use crate::app::stream_detail::{ChartWindow, DialogKind};
    use crate::app::streams::StreamSort;
    use crate::model::{ShardInfo, StreamFacts, StreamSeries};

    fn with_streams() -> App {
        let mut app = app();
        let mut snap = snapshot();
        if let Reading::Ready { data } = &mut snap.streams {
            let mut busy = data[0].clone();
            busy.name = "orders".into();
            busy.incoming_records_per_second = Some(3_900.0);
            data.push(busy);
        }
        snapshot_loaded(&mut app, snap, 100);
        app
    }

    pub(in crate::app) fn facts(readonly_peak: f64) -> StreamFacts {
        let half = u128::MAX / 2;
        let shard = |id: &str, start, end| ShardInfo {
            id: id.into(),
            start,
            end,
            parent: None,
            adjacent_parent: None,
            open: true,
            incoming_per_second: Some(500.0),
        };
        StreamFacts {
            name: "orders".into(),
            status: "ACTIVE".into(),
            mode: CapacityMode::Provisioned,
            shards: vec![shard("shardId-000000000000", 0, half), shard("shardId-000000000001", half + 1, u128::MAX)],
            scalings_last_day: Default::default(),
            mode_switches_last_day: Default::default(),
            account_shard_limit: Some(500),
            account_open_shards: Some(2),
            peak_records_per_second: Some(readonly_peak),
            peak_demand_per_second: Some(readonly_peak),
            most_throttled_per_second: None,
            enhanced_monitoring: false,
            encryption: None,
            consumers: vec![],
            warnings: vec![],
        }
    }

    fn open_orders(app: &mut App) -> Vec<Effect> {
        key(app, KeyCode::Char(':'));
        type_text(app, "streams");
        key(app, KeyCode::Enter);
        assert_eq!(app.view(), ViewId::Streams);
        // Sorted by name: clickstream-events, orders.
        key(app, KeyCode::Down);
        key(app, KeyCode::Enter)
    }

    fn loaded_detail(app: &mut App) {
        loaded_facts(app, facts(3_400.0));
    }

    fn loaded_facts(app: &mut App, facts: StreamFacts) {
        let result = Ok(Box::new((facts, StreamSeries { period_seconds: 60, points: vec![] })));
        let id = awaited(&app.detail.as_ref().unwrap().request);
        let at = snapshot().taken_at;
        update(app, Action::StreamDetailLoaded { stream: "orders".into(), id, result, at }, 200);
    }

    #[test]
    fn the_list_sorts_and_enter_opens_the_detail() {
        let mut app = with_streams();
        let effects = open_orders(&mut app);
        assert_eq!(app.view(), ViewId::StreamDetail);
        assert!(matches!(&effects[..], [Effect::FetchStreamDetail { stream, minutes: 60, .. }] if stream == "orders"));
        key(&mut app, KeyCode::Esc);
        for _ in 0..4 {
            key(&mut app, KeyCode::Char('s'));
        }
        assert_eq!(app.streams.sort, StreamSort::Records);
        let names: Vec<&str> = crate::app::streams::visible(&app).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["orders", "clickstream-events"], "busiest first");
        key(&mut app, KeyCode::Char('S'));
        let names: Vec<&str> = crate::app::streams::visible(&app).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["clickstream-events", "orders"]);
    }

    #[test]
    fn the_window_cycles_and_refetches() {
        let mut app = with_streams();
        open_orders(&mut app);
        loaded_detail(&mut app);
        let effects = key(&mut app, KeyCode::Char('w'));
        assert_eq!(app.detail.as_ref().unwrap().window, ChartWindow::H3);
        assert!(matches!(&effects[..], [Effect::FetchStreamDetail { stream, minutes: 180, .. }] if stream == "orders"));
    }

    /// While writes were throttled the dialog never offers fewer shards, whatever the written peak
    /// (capped by the shards there are) suggests: enter out of habit must not shrink the stream.
    #[test]
    fn the_scale_dialog_offers_no_scale_down_while_writes_were_throttled() {
        let mut app = with_streams();
        open_orders(&mut app);
        // 2 shards that wrote at most 700/s: sized on that, 1 shard would do.
        let quiet =
            StreamFacts { peak_records_per_second: Some(700.0), peak_demand_per_second: Some(700.0), ..facts(0.0) };
        loaded_facts(&mut app, quiet.clone());
        key(&mut app, KeyCode::Char('u'));
        let Mode::Reshard(dialog) = &app.mode else { panic!("dialog expected") };
        assert_eq!(dialog.input, "1", "a stream with room to spare may shrink");
        key(&mut app, KeyCode::Esc);
        // Writes throttled (here at the peak): not fewer.
        // (4 open shards: sized on its peak demand it would still shrink to 2.)
        let quarter = u128::MAX / 4;
        let shards = (0..4u128)
            .map(|i| ShardInfo {
                id: format!("shardId-{i:012}"),
                start: i * quarter,
                end: if i == 3 { u128::MAX } else { (i + 1) * quarter - 1 },
                ..quiet.shards[0].clone()
            })
            .collect();
        let throttled = StreamFacts { peak_demand_per_second: Some(760.0), shards, ..quiet };
        app.detail.as_mut().unwrap().facts = Some(throttled);
        key(&mut app, KeyCode::Char('u'));
        let Mode::Reshard(dialog) = &app.mode else { panic!("dialog expected") };
        assert_eq!(dialog.input, "5", "one more than the 4 open");
        assert_eq!(
            dialog.suggestion.as_deref(),
            Some("peak demand 760 records/s (700 written, 60 throttled) needs 2 shards at 70 % headroom")
        );
    }

    #[test]
    fn the_scale_dialog_suggests_plans_and_confirms() {
        let mut app = with_streams();
        open_orders(&mut app);
        loaded_detail(&mut app);
        key(&mut app, KeyCode::Char('u'));
        let Mode::Reshard(dialog) = &app.mode else { panic!("dialog expected") };
        assert_eq!(dialog.kind, DialogKind::Scale);
        // Peak 3,400/s at 70 % headroom needs 5 shards, but from 2 the most is 4: refused.
        assert_eq!(dialog.input, "5");
        assert!(dialog.outcome.as_ref().unwrap_err().contains("target between half and double"));
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Char('4'));
        let Mode::Reshard(dialog) = &app.mode else { panic!() };
        let plan = dialog.outcome.as_ref().unwrap();
        assert_eq!((plan.open_before, plan.open_after), (2, 4));
        let effects = key(&mut app, KeyCode::Enter);
        let [Effect::Reshard(confirmed)] = &effects[..] else { panic!("the plan's call: {effects:?}") };
        assert_eq!(confirmed.call, crate::model::ReshardCall::UpdateShardCount { target: 4 });
        assert_eq!((confirmed.stream.as_str(), confirmed.open_before), ("orders", 2), "what the dialog showed");
        assert_eq!(app.mode, Mode::Normal);
    }

    /// A dialog open while the stream is read again shows the plan made on the new facts; when
    /// another operator changed its open shards meanwhile, it closes, saying so.
    #[test]
    fn a_reshard_dialog_whose_stream_changed_meanwhile_closes() {
        let mut app = with_streams();
        open_orders(&mut app);
        loaded_detail(&mut app);
        key(&mut app, KeyCode::Char('u'));
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Char('4'));
        let read_again = |app: &mut App, facts: StreamFacts| {
            let id = app.detail.as_mut().unwrap().request.start(app.now_ms).expect("a read");
            let result = Ok(Box::new((facts, StreamSeries { period_seconds: 60, points: vec![] })));
            let at = snapshot().taken_at;
            update(app, Action::StreamDetailLoaded { stream: "orders".into(), id, result, at }, 300)
        };
        // The same shards, the stream now UPDATING: the dialog stays, its plan refused.
        let mut updating = facts(3_400.0);
        updating.status = "UPDATING".into();
        read_again(&mut app, updating);
        let Mode::Reshard(dialog) = &app.mode else { panic!("the dialog stays") };
        assert!(dialog.outcome.as_ref().unwrap_err().contains("UPDATING"), "{:?}", dialog.outcome);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('u'));
        let mut three = facts(3_400.0);
        three.shards.push(ShardInfo { id: "shardId-000000000002".into(), ..three.shards[1].clone() });
        read_again(&mut app, three);
        assert_eq!(app.mode, Mode::Normal, "the plan 2 → … no longer holds");
        let toast = app.toasts.back().map(|t| t.message.clone()).unwrap_or_default();
        assert!(toast.contains("orders changed while the reshard dialog was open: 3 open shards now"), "{toast}");
    }

    /// Enter on a plan a rule refuses changes nothing and journals the refusal once, with what
    /// was asked, as `lakeops reshard` journals it.
    #[test]
    fn a_plan_a_rule_refuses_is_journaled_once_with_what_was_asked() {
        let mut app = with_streams();
        open_orders(&mut app);
        loaded_detail(&mut app);
        key(&mut app, KeyCode::Char('u'));
        let Mode::Reshard(dialog) = &app.mode else { panic!("dialog expected") };
        assert!(dialog.outcome.as_ref().unwrap_err().contains("target between half and double"));
        let effects = key(&mut app, KeyCode::Enter);
        assert!(
            matches!(effects.as_slice(), [Effect::Record { action: "reshard.update-shard-count", target, detail, outcome }]
                if target == "orders" && detail == "to 5 shards"
                    && outcome.starts_with("refused: the rule \"target between half and double\": from 2 open shards")),
            "no change, the refusal journaled: {effects:?}"
        );
        assert_eq!(key(&mut app, KeyCode::Enter), vec![], "journaled once a dialog");
        assert!(matches!(app.mode, Mode::Reshard(_)), "the dialog stays, to type another target");
    }

    #[test]
    fn a_refused_plan_cannot_be_confirmed_and_read_only_refuses_all() {
        let mut app = with_streams();
        app.readonly = true;
        open_orders(&mut app);
        loaded_detail(&mut app);
        key(&mut app, KeyCode::Char('x'));
        let Mode::Reshard(dialog) = &app.mode else { panic!() };
        assert!(dialog.outcome.as_ref().unwrap_err().starts_with("read-only mode"));
        let effects = key(&mut app, KeyCode::Enter);
        assert!(
            matches!(effects.as_slice(), [Effect::Record { action: "reshard.split-shard", outcome, .. }] if outcome.starts_with("refused: read-only mode")),
            "no change, the refusal journaled: {effects:?}"
        );
        assert_eq!(key(&mut app, KeyCode::Enter), vec![], "journaled once a dialog");
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.mode, Mode::Normal);
    }

    #[test]
    fn merge_picks_the_neighbour_and_done_refreshes() {
        let mut app = with_streams();
        open_orders(&mut app);
        loaded_detail(&mut app);
        key(&mut app, KeyCode::Char('m'));
        let Mode::Reshard(dialog) = &app.mode else { panic!() };
        assert_eq!(
            dialog.request,
            Some(crate::ops::reshard::ReshardRequest::MergeShards {
                shard: "shardId-000000000000".into(),
                adjacent: "shardId-000000000001".into()
            })
        );
        key(&mut app, KeyCode::Enter);
        let call = crate::model::ReshardCall::MergeShards { shard: "a".into(), adjacent: "b".into() };
        let effects =
            update(&mut app, answered(Change::Reshard { stream: "orders".into(), call }, Ok(Applied::Done)), 300);
        assert!(matches!(&effects[..], [Effect::FetchStreamDetail { stream, minutes: 60, .. }] if stream == "orders"));
        assert!(app.toasts.back().unwrap().message.contains("MergeShards accepted"));
    }
}

mod peek {
    use super::*;
    use crate::model::{PeekCursor, PeekFrom, PeekRecord};

    fn cursor() -> PeekCursor {
        PeekCursor { stream: "orders".into(), from: PeekFrom::Latest, shards: vec![], turn: 0 }
    }

    fn request(app: &App) -> super::super::request::RequestId {
        awaited(&app.peek.as_ref().unwrap().request)
    }

    fn opened(app: &mut App, now: u64) -> Vec<Effect> {
        let id = request(app);
        update(app, Action::PeekOpened { id, result: Ok(cursor()), at: snapshot().taken_at }, now)
    }

    fn read(app: &mut App, result: Result<Vec<PeekRecord>, PlatformError>, now: u64) -> Vec<Effect> {
        let id = request(app);
        update(app, Action::PeekRead { id, cursor: cursor(), result, at: snapshot().taken_at }, now)
    }

    fn record(n: u32) -> PeekRecord {
        PeekRecord {
            arrival: snapshot().taken_at,
            shard: "shardId-000000000000".into(),
            partition_key: format!("user{n}"),
            sequence: format!("{n:08}"),
            data: br#"{"n":1}"#.to_vec(),
        }
    }

    #[test]
    fn open_read_follow_and_restart() {
        let mut app = app();
        let mut effects = Vec::new();
        crate::app::peek::open(&mut app, "orders", None, &mut effects);
        assert_eq!(app.view(), ViewId::Peek);
        assert!(
            matches!(&effects[..], [Effect::OpenPeek { stream, shard: None, from: PeekFrom::Latest, .. }] if stream == "orders")
        );
        // Opened: a read is due at once.
        let effects = opened(&mut app, 1_000);
        assert!(matches!(&effects[..], [Effect::ReadPeek { limit: 500, .. }]));
        assert_eq!(update(&mut app, Action::Tick, 1_100), vec![], "one read in flight at a time");
        let result = Ok(vec![record(1), record(2)]);
        read(&mut app, result, 1_200);
        let view = app.peek.as_ref().unwrap();
        assert_eq!(view.records.len(), 2);
        assert_eq!(view.list.selected, 1, "following stays on the newest record");
        // Following: the next read is due a second later, not before.
        assert_eq!(app.next_wake_ms(), Some(2_200).min(app.next_wake_ms()));
        assert_eq!(update(&mut app, Action::Tick, 2_100), vec![]);
        assert!(matches!(&update(&mut app, Action::Tick, 2_200)[..], [Effect::ReadPeek { .. }]));
        read(&mut app, Ok(vec![]), 2_300);
        // Paused: no more reads.
        key(&mut app, KeyCode::Char('f'));
        assert!(!app.peek.as_ref().unwrap().follow);
        assert_eq!(update(&mut app, Action::Tick, 9_000), vec![]);
        // From trim-horizon: the records clear and the shards are opened again.
        let effects = key(&mut app, KeyCode::Char('t'));
        assert!(matches!(&effects[..], [Effect::OpenPeek { shard: None, from: PeekFrom::TrimHorizon, .. }]));
        assert!(app.peek.as_ref().unwrap().records.is_empty());
    }

    #[test]
    fn a_failed_read_reaches_the_screen_and_keeps_the_cursor() {
        let mut app = app();
        let mut effects = Vec::new();
        crate::app::peek::open(&mut app, "orders", None, &mut effects);
        opened(&mut app, 1_000);
        let error = PlatformError::throttled("Kinesis GetRecords", "slow down");
        read(&mut app, Err(error), 1_100);
        assert!(app.errors.back().unwrap().message.contains("Kinesis GetRecords is throttling"));
        assert!(app.peek.as_ref().unwrap().cursor.is_some());
    }

    #[test]
    fn only_the_newest_records_are_kept() {
        let mut app = app();
        let mut effects = Vec::new();
        crate::app::peek::open(&mut app, "orders", None, &mut effects);
        opened(&mut app, 1_000);
        let many: Vec<PeekRecord> = (0..1_500).map(record).collect();
        read(&mut app, Ok(many), 1_100);
        let view = app.peek.as_ref().unwrap();
        assert_eq!(view.records.len(), crate::app::peek::RECORDS_KEPT);
        assert_eq!(view.records.front().unwrap().record.partition_key, "user500");
    }

    #[test]
    fn large_records_are_kept_within_the_byte_budget_and_read_once() {
        let mut app = app();
        app.peek_budget_bytes = crate::app::peek::budget_bytes(8);
        let mut effects = Vec::new();
        crate::app::peek::open(&mut app, "orders", None, &mut effects);
        opened(&mut app, 1_000);
        // 1 MiB records: 1,000 of them would be 1 GiB.
        let big = |n: u32| PeekRecord {
            data: format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(1 << 20)).into_bytes(),
            ..record(n)
        };
        read(&mut app, Ok((0..20).map(big).collect()), 1_100);
        let view = app.peek.as_ref().unwrap();
        assert!(view.bytes <= view.budget_bytes, "{} bytes kept", view.bytes);
        assert!((5..=8).contains(&view.records.len()), "{} records kept", view.records.len());
        assert_eq!(view.records.back().unwrap().record.partition_key, "user19", "the newest are kept");
        let row = view.selected().unwrap();
        assert!(row.preview.chars().count() <= 400, "the list keeps only the start of each record");
        let detail = view.detail.as_ref().unwrap();
        assert_eq!(detail.of.1, row.record.sequence, "the selected record's lines are made when it is selected");
        // Moving the selection makes the lines of the record selected.
        key(&mut app, KeyCode::Char('k'));
        let view = app.peek.as_ref().unwrap();
        assert_eq!(view.detail.as_ref().unwrap().of.1, view.selected().unwrap().record.sequence);
    }
}

mod confirm {
    use super::*;

    #[test]
    fn enhanced_monitoring_asks_first_and_read_only_refuses() {
        for readonly in [false, true] {
            let mut app = app();
            app.readonly = readonly;
            let mut effects = Vec::new();
            crate::app::stream_detail::open(&mut app, "orders", &mut effects);
            let facts = crate::model::StreamFacts::example("orders", vec![]);
            let series = crate::model::StreamSeries { period_seconds: 60, points: vec![] };
            let id = awaited(&app.detail.as_ref().unwrap().request);
            let result = Ok(Box::new((facts, series)));
            update(
                &mut app,
                Action::StreamDetailLoaded { stream: "orders".into(), id, result, at: snapshot().taken_at },
                10,
            );
            key(&mut app, KeyCode::Char('e'));
            let Mode::Confirm(dialog) = &app.mode else { panic!("a confirmation") };
            assert!(dialog.lines.iter().any(|l| l.contains("cost:")));
            let effects = key(&mut app, KeyCode::Enter);
            if readonly {
                assert_eq!(effects, vec![]);
                assert!(
                    matches!(&app.mode, Mode::Confirm(d) if d.refusal.as_deref().unwrap().starts_with("read-only mode"))
                );
            } else {
                assert_eq!(changes(&effects), vec![&Change::EnhancedMonitoring { stream: "orders".into(), on: true }]);
                assert_eq!(app.mode, Mode::Normal);
            }
        }
    }
}
