//! `:athena`'s lists and names: saved queries, the workgroup's history, workgroups,
//! databases, the catalog browser, and completion from the catalog.

use super::action::Effect;
use super::editor::Completion;
use super::picker::{Choice, Picker, Purpose};
use super::state::{App, Mode};
use crate::model::PastQuery;

/// Why `:athena` asked for the Glue catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogUse {
    Browse,
    PickDatabase,
    Complete,
}

/// Whether a list may open over the pane now (it is still the pane in front, with no dialog).
fn may_open_list(app: &App) -> bool {
    app.view() == super::registry::ViewId::Athena && app.mode == Mode::Normal
}

fn open_list(app: &mut App, picker: Picker) {
    app.mode = Mode::Pick(Box::new(picker));
}

/// The saved queries arrived: the picker opens over the pane (if the pane is still open).
pub fn saved_loaded(app: &mut App, list: Vec<crate::model::SavedQuery>) {
    if !may_open_list(app) {
        return;
    }
    if list.is_empty() {
        let save = app.key(super::command::Command::SaveQuery);
        app.athena.error = Some(format!("no saved queries in this workgroup yet: {save} saves the editor's SQL"));
        return;
    }
    let choices =
        list.iter().map(|q| Choice::query(q.name.clone(), q.description.clone().unwrap_or_default(), &q.sql)).collect();
    open_list(app, Picker::new(format!("saved queries — {}", list.len()), Purpose::ReplaceSql, choices));
}

/// The workgroup's history arrived: listed newest first, then what only the local history
/// file remembers.
pub fn workgroup_history_loaded(app: &mut App, past: Vec<PastQuery>) {
    if !may_open_list(app) {
        return;
    }
    let now = chrono::DateTime::from_timestamp_millis(app.now_ms as i64).unwrap_or_default();
    let mut choices: Vec<Choice> = past
        .iter()
        .map(|p| {
            let when = p.status.submitted.map(|t| crate::ops::format::ago(now, t)).unwrap_or_default();
            let scanned = p.status.scanned_bytes.map(|b| format!(" · {}", crate::ops::format::bytes(b as f64)));
            let detail = format!("{} · {when}{}", p.status.state.name(), scanned.unwrap_or_default());
            Choice::query(one_line(&p.sql), detail, &p.sql)
        })
        .collect();
    for sql in app.athena.history.iter().rev() {
        if !past.iter().any(|p| p.sql.trim() == sql.trim()) && !choices.iter().any(|c| c.value.trim() == sql.trim()) {
            choices.push(Choice::query(one_line(sql), "local history", sql));
        }
    }
    if choices.is_empty() {
        app.athena.hint = Some("no queries in this workgroup's history yet".into());
        return;
    }
    let title = format!("history — {} in the workgroup, {} in all", past.len(), choices.len());
    open_list(app, Picker::new(title, Purpose::ReplaceSql, choices));
}

/// The first line of a query, whitespace folded, for a list.
fn one_line(sql: &str) -> String {
    let folded = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() > 70 {
        format!("{}…", folded.chars().take(69).collect::<String>())
    } else {
        folded
    }
}

pub fn workgroups_loaded(app: &mut App, names: Vec<String>) {
    if !may_open_list(app) {
        return;
    }
    let current = app.athena_target.as_ref().map(|t| t.0.clone()).unwrap_or_default();
    let choices = names
        .into_iter()
        .map(|n| {
            let detail = if n == current { "current" } else { "" };
            Choice::new(n.clone(), detail, n)
        })
        .collect();
    open_list(app, Picker::new("workgroups", Purpose::Workgroup, choices));
}

/// Uses the catalog now when `:glue`'s read of it is here, or asks for it.
pub(super) fn want_catalog(app: &mut App, purpose: CatalogUse, effects: &mut Vec<Effect>) {
    if app.glue.data.is_some() {
        use_catalog(app, purpose);
        return;
    }
    app.athena.catalog_wanted = Some(purpose);
    app.athena.hint = Some("reading the Glue catalog…".into());
    super::glue::fetch(app, effects);
}

/// The catalog arrived: do what it was asked for.
pub fn catalog_loaded(app: &mut App) {
    if let Some(purpose) = app.athena.catalog_wanted.take() {
        app.athena.hint = None;
        if may_open_list(app) {
            use_catalog(app, purpose);
        }
    }
}

fn use_catalog(app: &mut App, purpose: CatalogUse) {
    let Some(data) = &app.glue.data else { return };
    let current = app.athena_target.as_ref().map(|t| t.1.clone()).unwrap_or_default();
    match purpose {
        CatalogUse::Complete => {
            // The Tab that asked for the catalog completes now that it is here.
            complete(app, &mut Vec::new());
        }
        CatalogUse::PickDatabase => {
            let choices = data
                .databases
                .iter()
                .map(|d| {
                    let detail =
                        format!("{} tables{}", d.tables.len(), if d.name == current { " · current" } else { "" });
                    Choice::new(d.name.clone(), detail, d.name.clone())
                })
                .collect();
            open_list(app, Picker::new("databases", Purpose::Database, choices));
        }
        CatalogUse::Browse => {
            let mut choices = Vec::new();
            for d in &data.databases {
                choices.push(Choice::new(
                    d.name.clone(),
                    format!("database · {} tables", d.tables.len()),
                    d.name.clone(),
                ));
                for t in &d.tables {
                    let mut detail = t.format.clone().unwrap_or_else(|| "table".into());
                    if !t.partition_keys.is_empty() {
                        detail.push_str(&format!(" · partitioned by {}", t.partition_keys.join(", ")));
                    }
                    let name = if d.name == current { t.name.clone() } else { format!("{}.{}", d.name, t.name) };
                    choices.push(Choice::new(t.name.clone(), detail, name).at_depth(1));
                    for c in &t.columns {
                        let detail =
                            if c.partition_key { format!("{} · partition key", c.kind) } else { c.kind.clone() };
                        choices.push(Choice::new(c.name.clone(), detail, c.name.clone()).at_depth(2));
                    }
                }
            }
            if choices.is_empty() {
                app.athena.hint = Some("the Glue catalog has no databases".into());
                return;
            }
            open_list(app, Picker::new("catalog — databases → tables → columns", Purpose::InsertName, choices));
        }
    }
}

/// Completes the name before the cursor from the catalog (read first if need be); false
/// when nothing starts with it.
pub(super) fn complete(app: &mut App, effects: &mut Vec<Effect>) -> bool {
    let Some(data) = &app.glue.data else {
        want_catalog(app, CatalogUse::Complete, effects);
        return true;
    };
    let mut names: Vec<String> = Vec::new();
    for d in &data.databases {
        names.push(d.name.clone());
        for t in &d.tables {
            names.push(t.name.clone());
            names.extend(t.columns.iter().map(|c| c.name.clone()));
        }
    }
    if data.databases.iter().any(|d| !d.tables.is_empty()) {
        names.extend(crate::ops::athena::HIDDEN_COLUMNS.iter().map(|h| format!("\"{h}\"")));
    }
    names.extend(crate::ops::athena::KEYWORDS.iter().map(|k| k.to_string()));
    match app.athena.editor.complete(&names) {
        Completion::Nothing => {
            app.athena.hint = Some("no database, table, column or keyword starts so".into());
            return false;
        }
        Completion::Completed => app.athena.hint = None,
        Completion::Choices(choices) => app.athena.hint = Some(format!("tab: {}", choices.join("  "))),
    }
    true
}
