//! Read-only mode in the console: every key the key table marks as a change, in every view that
//! has one, is refused before anything is asked for. No change reaches the write gate, and the
//! operator is told why. A view that gains a changing key fails here until it is prepared below.

use chrono::Utc;
use crossterm::event::KeyCode;

use super::chord::Chord;
use super::keymap::Context;
use super::stack::{Found, StackTarget, Template};
use super::tests::{app, awaited, changes, key, type_text};
use super::*;

/// Every changing key: the view, the command and its keys (as built in).
fn changing_keys() -> Vec<(ViewId, Command, Chord)> {
    let keys = Keymap::builtin();
    let mut out = Vec::new();
    for view in ViewId::ALL {
        for binding in view.spec().keys.iter().filter(|b| b.changes) {
            let commands = std::iter::once(binding.command).chain(binding.and.map(|(c, _)| c));
            for command in commands {
                for chord in keys.chords(Context::View(*view), command) {
                    out.push((*view, command, chord));
                }
            }
        }
    }
    out
}

/// `view` on screen with what its changing keys act on, in read-only mode.
fn prepared(view: ViewId, command: Command) -> App {
    let mut app = app();
    app.readonly = true;
    match view {
        ViewId::StreamDetail => {
            let mut effects = Vec::new();
            super::stream_detail::open(&mut app, "orders", &mut effects);
            let facts = super::tests_streams::streams::facts(1_500.0);
            let series = crate::model::StreamSeries { period_seconds: 60, points: vec![] };
            let id = awaited(&app.detail.as_ref().unwrap().request);
            let result = Ok(Box::new((facts, series)));
            update(&mut app, Action::StreamDetailLoaded { stream: "orders".into(), id, result, at: Utc::now() }, 10);
        }
        ViewId::Glue => {
            type_text(&mut app, ":glue");
            key(&mut app, KeyCode::Enter);
            // An idle job to start, and one whose live run can be stopped.
            let mut data = super::tests_glue::overview(vec![]);
            let mut busy = data.jobs[0].clone();
            busy.name = "busy".into();
            busy.runs = vec![super::tests_glue::run("jr_1", "RUNNING")];
            data.jobs.push(busy);
            let id = awaited(&app.glue.request);
            update(&mut app, Action::GlueLoaded { id, result: Ok(Box::new(data)), at: Utc::now() }, 10);
            if command == Command::StopRun {
                key(&mut app, KeyCode::Char('j'));
            }
        }
        ViewId::Athena => {
            app.athena_target = Some(("ops".into(), "clickstream".into()));
            type_text(&mut app, ":athena");
            key(&mut app, KeyCode::Enter);
            type_text(&mut app, "SELECT 1");
        }
        ViewId::Stack => {
            app.stack.target = Some(StackTarget {
                name: "clickstream".into(),
                template: Template::ready(Ok(("{\"Resources\":{}}".into(), vec![]))),
            });
            type_text(&mut app, ":stack");
            key(&mut app, KeyCode::Enter);
            let id = awaited(&app.stack.request);
            let result = Ok((Some(super::tests_stack::summary("UPDATE_COMPLETE")), vec![]));
            update(&mut app, Action::StackLoaded { id, result, at: Utc::now() }, 10);
            assert!(matches!(app.stack.found, Found::Stack(_)));
            // A plan on screen (as another session could have left one): apply and discard act on it.
            app.stack.plan = Some(super::tests_stack::plan(Some("cs-1")));
        }
        ViewId::Workflows => {
            type_text(&mut app, ":workflows");
            key(&mut app, KeyCode::Enter);
            let id = awaited(&app.workflows.request);
            let data = super::tests_workflows::overview(&["FAILED", "RUNNING"]);
            update(&mut app, Action::WorkflowsLoaded { id, result: Ok(Box::new(data)), at: Utc::now() }, 10);
            if command == Command::StopRun {
                key(&mut app, KeyCode::Char('j'));
            }
        }
        ViewId::Emr => {
            app.emr.templates = super::tests_emr::templates(1);
            type_text(&mut app, ":emr");
            key(&mut app, KeyCode::Enter);
            let id = awaited(&app.emr.request);
            let data = super::tests_emr::overview();
            update(&mut app, Action::EmrLoaded { id, result: Ok(Box::new(data)), at: Utc::now() }, 10);
            if command == Command::StopRun {
                key(&mut app, KeyCode::Char('j'));
            }
        }
        ViewId::Sources | ViewId::Quicksight => {
            super::tests::snapshot_loaded(&mut app, super::tests_resources::with_reruns(), 0);
            type_text(&mut app, if view == ViewId::Sources { ":sources" } else { ":quicksight" });
            key(&mut app, KeyCode::Enter);
        }
        other => panic!("{other:?} has a changing key: prepare it here so its refusal is tested"),
    }
    assert_eq!(app.view(), view);
    app
}

/// What the console says of read-only mode, wherever it says it.
fn said(app: &App) -> Option<String> {
    let refusal = match &app.mode {
        Mode::Confirm(dialog) => dialog.refusal.clone(),
        Mode::Reshard(dialog) => dialog.outcome.clone().err(),
        Mode::SaveQuery { error, .. } | Mode::DeleteStack { error, .. } | Mode::Arguments { error, .. } => {
            error.clone()
        }
        _ => None,
    };
    refusal.or_else(|| app.athena.error.clone()).filter(|r| r.starts_with("read-only mode"))
}

#[test]
fn every_changing_key_is_refused_read_only_and_says_so() {
    let keys = changing_keys();
    let views: std::collections::BTreeSet<ViewId> = keys.iter().map(|(v, _, _)| *v).collect();
    assert!(views.len() >= 4, "stream detail, glue, athena and stack have changing keys: {views:?}");
    let confirm = Keymap::builtin().chords(Context::Dialog, Command::Confirm)[0];
    for (view, command, chord) in keys {
        let mut app = prepared(view, command);
        let mut effects = update(&mut app, Action::Key(chord.event()), 100);
        // A typed line (arguments, a name) is filled in and taken; then the dialog confirmed.
        if matches!(app.mode, Mode::Arguments { .. } | Mode::SaveQuery { .. } | Mode::DeleteStack { .. }) {
            let text = if matches!(app.mode, Mode::DeleteStack { .. }) { "clickstream" } else { "day=1" };
            type_text(&mut app, text);
            effects.extend(update(&mut app, Action::Key(confirm.event()), 110));
        }
        let refusal = said(&app);
        effects.extend(update(&mut app, Action::Key(confirm.event()), 120));
        assert_eq!(
            changes(&effects),
            Vec::<&crate::model::Change>::new(),
            "{view:?} {command:?} ({chord}) changed something"
        );
        let refusal = refusal
            .unwrap_or_else(|| panic!("{view:?} {command:?} ({chord}): read-only mode was not said: {:?}", app.mode));
        assert!(refusal.contains("drop --readonly"), "{refusal}");
        // Journaled once, as the headless commands journal it.
        let journaled: Vec<&String> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Record { outcome, .. } if outcome.starts_with("refused: read-only mode") => Some(outcome),
                _ => None,
            })
            .collect();
        assert_eq!(journaled.len(), 1, "{view:?} {command:?} ({chord}): the refusal journaled once: {effects:?}");
    }
}
