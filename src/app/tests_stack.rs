//! The `:stack` view's reducer: reading, planning, applying with progress, deleting by name,
//! read-only refusals, and polling only while the stack changes.

use crossterm::event::KeyCode;

use super::stack::{StackTarget, Template};
use super::tests::{answered, app, awaited, changes, key, type_text};
use super::*;
use crate::model::*;
use crate::platform::PlatformError;

fn fetches_stack(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::FetchStack { name, .. } if name == "clickstream"))
}

fn stack_app() -> App {
    let mut app = app();
    app.stack.target = Some(StackTarget {
        name: "clickstream".into(),
        template: Template::ready(Ok(("{\"Resources\":{}}".into(), vec![]))),
    });
    type_text(&mut app, ":stack");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(fetches_stack(&effects), "{effects:?}");
    app
}

#[test]
fn the_template_is_rendered_when_a_plan_needs_it_not_at_launch() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let rendered = Arc::new(AtomicBool::new(false));
    let flag = rendered.clone();
    let mut app = app();
    app.stack.target = Some(StackTarget {
        name: "clickstream".into(),
        template: Template::later(move || {
            flag.store(true, Ordering::SeqCst);
            Ok(("{\"Resources\":{}}".into(), vec![]))
        }),
    });
    type_text(&mut app, ":stack");
    key(&mut app, KeyCode::Enter);
    loaded(&mut app, Some("CREATE_COMPLETE"), vec![], 100);
    update(&mut app, Action::Tick, 200);
    let copy = app.stack.target.clone();
    assert_eq!(copy, app.stack.target);
    assert!(!rendered.load(Ordering::SeqCst), "opening :stack, reading it or comparing rendered the template");
    let effects = key(&mut app, KeyCode::Char('p'));
    assert!(rendered.load(Ordering::SeqCst));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Change { change: Change::PlanStack { template, .. }, .. } if template == "{\"Resources\":{}}")),
        "{effects:?}"
    );
}

pub(super) fn summary(status: &str) -> StackSummary {
    StackSummary { name: "clickstream".into(), status: status.into(), reason: None, outputs: vec![] }
}

fn event(at_ms: i64, id: &str, status: &str) -> StackEvent {
    StackEvent {
        id: format!("{id}-{at_ms}"),
        at_ms,
        logical_id: id.into(),
        resource_type: "T".into(),
        status: status.into(),
        reason: None,
    }
}

fn loaded(app: &mut App, status: Option<&str>, mut events: Vec<StackEvent>, now: u64) -> Vec<Effect> {
    events.reverse();
    let result = Ok((status.map(summary), events));
    let id = awaited(&app.stack.request);
    update(app, Action::StackLoaded { id, result, at: chrono::Utc::now() }, now)
}

/// The gate's answer to a plan: the change set, or why not.
fn planned(result: Result<StackPlan, PlatformError>) -> Action {
    let change = Change::PlanStack { stack: "clickstream".into(), template: "{}".into(), parameters: vec![] };
    answered(change, result.map(|p| Applied::Plan(Box::new(p))))
}

pub(super) fn plan(change_set: Option<&str>) -> StackPlan {
    StackPlan::new(
        "clickstream",
        change_set.map(String::from),
        false,
        change_set
            .map(|_| StackChange {
                action: ChangeAction::Modify,
                logical_id: "Stream".into(),
                resource_type: "AWS::Kinesis::Stream".into(),
                replacement: Replacement::No,
                properties: vec!["ShardCount".into()],
                replacing: vec![],
                values: vec![],
            })
            .into_iter()
            .collect(),
    )
}

#[test]
fn a_applies_after_planning_and_the_operation_is_followed_until_it_ends() {
    let mut app = stack_app();
    loaded(&mut app, Some("CREATE_COMPLETE"), vec![event(0, "clickstream", "CREATE_COMPLETE")], 100);
    assert_eq!(app.next_wake_ms().filter(|ms| *ms < 5_000), None, "a settled stack is not polled");
    let effects = key(&mut app, KeyCode::Char('a'));
    assert!(
        matches!(changes(&effects)[..], [Change::PlanStack { stack, .. }] if stack == "clickstream"),
        "{effects:?}"
    );
    update(&mut app, planned(Ok(plan(Some("cs-1")))), 200);
    let Mode::Confirm(dialog) = &app.mode else { panic!("a plan with changes asks: {:?}", app.mode) };
    assert!(dialog.lines.iter().any(|l| l == "~ Stream AWS::Kinesis::Stream (ShardCount)"), "{:?}", dialog.lines);
    let effects = key(&mut app, KeyCode::Enter);
    let [apply @ Change::ApplyPlan { change_set, .. }] = changes(&effects)[..] else { panic!("{effects:?}") };
    assert_eq!(change_set, "cs-1");
    let started =
        Action::Changed { change: apply.clone(), started_ms: 1_000, result: Ok(Applied::Done), at: chrono::Utc::now() };
    let effects = update(&mut app, started, 300);
    assert!(fetches_stack(&effects));
    assert!(app.stack.plan.is_none(), "the applied plan is gone");
    loaded(
        &mut app,
        Some("UPDATE_IN_PROGRESS"),
        vec![event(1_000, "clickstream", "UPDATE_IN_PROGRESS"), event(1_500, "Stream", "UPDATE_IN_PROGRESS")],
        400,
    );
    assert_eq!(app.next_wake_ms(), Some(3_300), "polled every 3 s while it changes");
    assert!(update(&mut app, Action::Tick, 1_000).iter().all(|e| !matches!(e, Effect::FetchStack { .. })));
    let effects = update(&mut app, Action::Tick, 3_300);
    assert!(fetches_stack(&effects), "{effects:?}");
    let effects = loaded(
        &mut app,
        Some("UPDATE_COMPLETE"),
        vec![
            event(1_000, "clickstream", "UPDATE_IN_PROGRESS"),
            event(1_500, "Stream", "UPDATE_IN_PROGRESS"),
            event(9_000, "Stream", "UPDATE_COMPLETE"),
            event(9_500, "clickstream", "UPDATE_COMPLETE"),
        ],
        3_400,
    );
    assert!(app.toasts.iter().any(|t| t.message == "apply finished: clickstream UPDATE_COMPLETE"));
    let records: Vec<_> = effects.iter().filter(|e| matches!(e, Effect::Record { .. })).collect();
    assert!(
        matches!(records[..], [Effect::Record { action: "stack.apply", target, detail, outcome }]
            if target == "clickstream" && detail == "0 to add, 1 to change, 0 to remove"
                && outcome == "clickstream ended UPDATE_COMPLETE (1 of 1 resources)"),
        "how it ended is journaled once, as `lakeops provision apply` journals it: {records:?}"
    );
    assert_eq!(app.refresh.due_at_ms, 3_400, "the overview reads what the stack made at once");
    assert!(!app.stack.busy());
}

#[test]
fn no_changes_asks_nothing_and_x_discards_a_plan() {
    let mut app = stack_app();
    key(&mut app, KeyCode::Char('a'));
    update(&mut app, planned(Ok(plan(None))), 200);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.toasts.iter().any(|t| t.message.starts_with("no changes")));
    key(&mut app, KeyCode::Char('p'));
    update(&mut app, planned(Ok(plan(Some("cs-2")))), 300);
    assert_eq!(app.mode, Mode::Normal, "p only plans");
    let effects = key(&mut app, KeyCode::Char('x'));
    assert_eq!(
        changes(&effects),
        vec![&Change::DiscardPlan { stack: "clickstream".into(), change_set: "cs-2".into() }]
    );
    let failed = Err(PlatformError::failed("CloudFormation", "ValidationError"));
    key(&mut app, KeyCode::Char('p'));
    update(&mut app, planned(failed), 400);
    assert!(!app.stack.planning.is_loading() && app.errors.back().is_some_and(|e| e.source == ErrorSource::Plan));
}

#[test]
fn the_delete_prompt_names_what_the_template_keeps() {
    let mut app = stack_app();
    app.header.backend = "aws".into();
    let template = r#"{"Resources":{"RawBucket":{"Type":"AWS::S3::Bucket","DeletionPolicy":"Retain"},"Stream":{"Type":"AWS::Kinesis::Stream"}}}"#;
    app.stack.target =
        Some(StackTarget { name: "clickstream".into(), template: Template::ready(Ok((template.into(), vec![]))) });
    loaded(&mut app, Some("CREATE_COMPLETE"), vec![], 100);
    key(&mut app, KeyCode::Char('D'));
    assert!(
        matches!(&app.mode, Mode::DeleteStack { kept, .. } if kept == "kept: RawBucket (S3 bucket)"),
        "{:?}",
        app.mode
    );
}

#[test]
fn delete_needs_the_exact_name_and_ends_when_the_stack_is_gone() {
    let mut app = stack_app();
    app.header.backend = "aws".into();
    loaded(&mut app, Some("CREATE_COMPLETE"), vec![], 100);
    key(&mut app, KeyCode::Char('D'));
    type_text(&mut app, "clickstrea");
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "a wrong name deletes nothing");
    assert!(matches!(&app.mode, Mode::DeleteStack { error: Some(_), .. }));
    type_text(&mut app, "m");
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(changes(&effects), vec![&Change::DeleteStack { stack: "clickstream".into() }]);
    update(&mut app, answered(Change::DeleteStack { stack: "clickstream".into() }, Ok(Applied::Done)), 200);
    let effects = loaded(&mut app, None, vec![], 300);
    assert!(app.toasts.iter().any(|t| t.message == "delete finished: clickstream is gone"));
    assert!(
        matches!(effects.as_slice(), [Effect::Record { action: "stack.delete", detail, outcome, .. }]
            if detail == "CREATE_COMPLETE" && outcome == "clickstream ended DELETE_COMPLETE"),
        "{effects:?}"
    );
    assert!(!app.stack.busy(), "nothing left to poll");
    assert_eq!(app.stack.found, super::stack::Found::Missing);
}

#[test]
fn the_sandbox_refuses_delete_before_asking_for_the_name() {
    let mut app = stack_app();
    assert_eq!(app.header.backend, "sandbox");
    loaded(&mut app, Some("CREATE_COMPLETE"), vec![], 100);
    let effects = key(&mut app, KeyCode::Char('D'));
    assert!(
        matches!(effects.as_slice(), [Effect::Record { action: "stack.delete", outcome, .. }] if outcome.starts_with("refused: the sandbox platform cannot be deleted")),
        "only the refusal, journaled: {effects:?}"
    );
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert_eq!(
        dialog.refusal.as_deref(),
        Some("the sandbox platform cannot be deleted (clickstream is what the sandbox runs); `lakeops sandbox reset` starts it afresh")
    );
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "enter does nothing");
}

#[test]
fn read_only_refuses_plan_apply_and_delete_with_no_effect() {
    let mut app = stack_app();
    app.readonly = true;
    loaded(&mut app, Some("CREATE_COMPLETE"), vec![], 100);
    for (k, journaled) in [('p', "stack.plan"), ('a', "stack.apply"), ('D', "stack.delete")] {
        app.mode = Mode::Normal;
        let effects = key(&mut app, KeyCode::Char(k));
        assert!(
            matches!(effects.as_slice(), [Effect::Record { outcome, action, .. }] if outcome.starts_with("refused: read-only mode:") && *action == journaled),
            "{k}: only the refusal, journaled as {journaled}: {effects:?}"
        );
        let Mode::Confirm(dialog) = &app.mode else { panic!("{k}: {:?}", app.mode) };
        assert!(dialog.refusal.as_deref().is_some_and(|r| r.starts_with("read-only mode:")), "{k}: {dialog:?}");
        assert!(key(&mut app, KeyCode::Enter).is_empty());
    }
    // Drift only reads: allowed.
    app.mode = Mode::Normal;
    let effects = key(&mut app, KeyCode::Char('d'));
    assert!(matches!(&effects[..], [Effect::DetectDrift { name, .. }] if name == "clickstream"));
}

#[test]
fn a_profile_the_template_cannot_be_built_from_is_explained() {
    let mut app = stack_app();
    app.stack.target = Some(StackTarget {
        name: "clickstream".into(),
        template: Template::ready(Err("profile.toml: key `platform.stack_name`: bucket names default to …".into())),
    });
    assert!(key(&mut app, KeyCode::Char('p')).is_empty());
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert!(dialog.refusal.as_deref().is_some_and(|r| r.contains("platform.stack_name")));
}
