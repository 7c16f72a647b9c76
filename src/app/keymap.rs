//! Keys to commands, per mode and view; the help overlay is generated from the same table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::view::ViewId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    OpenCommandLine,
    OpenFilter,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Refresh,
    ClearErrors,
}

/// One line of the help overlay.
pub struct Binding {
    pub keys: &'static str,
    pub command: Command,
    pub does: &'static str,
}

const COMMON: &[Binding] = &[
    Binding { keys: "?", command: Command::Help, does: "show or hide this help" },
    Binding { keys: ":", command: Command::OpenCommandLine, does: "command line to open a view; tab completes" },
    Binding { keys: "r", command: Command::Refresh, does: "refresh now" },
    Binding { keys: "esc", command: Command::Back, does: "close, clear the filter, or go back" },
    Binding { keys: "q  ctrl-c", command: Command::Quit, does: "quit" },
];

const LIST: &[Binding] = &[
    Binding { keys: "j ↓  k ↑", command: Command::Down, does: "move down / up" },
    Binding { keys: "pgdn  pgup", command: Command::PageDown, does: "move a page" },
    Binding { keys: "home g  end G", command: Command::Top, does: "first / last row" },
    Binding { keys: "/", command: Command::OpenFilter, does: "filter the rows" },
    Binding { keys: "mouse", command: Command::Down, does: "wheel scrolls, click selects" },
];

const OVERVIEW: &[Binding] =
    &[Binding { keys: "enter", command: Command::Open, does: "open the selected layer's view" }];
const ERRORS: &[Binding] = &[Binding { keys: "x", command: Command::ClearErrors, does: "clear the error history" }];
const STREAMS: &[Binding] = &[
    Binding { keys: "enter", command: Command::Open, does: "the stream in detail: charts, shard map, resharding" },
    Binding { keys: "s  S", command: Command::Open, does: "sort by the next column / reverse the order" },
];
const DETAIL: &[Binding] = &[
    Binding { keys: "w", command: Command::Open, does: "chart window: 15 m, 1 h, 3 h, 24 h" },
    Binding { keys: "j ↓  k ↑", command: Command::Down, does: "select a shard in the shard map" },
    Binding { keys: "u", command: Command::Open, does: "scale uniformly (UpdateShardCount)" },
    Binding { keys: "x", command: Command::Open, does: "split the selected shard at its midpoint" },
    Binding { keys: "m", command: Command::Open, does: "merge the selected shard with its neighbour" },
    Binding { keys: "M", command: Command::Open, does: "switch capacity mode (on-demand ↔ provisioned)" },
    Binding { keys: "p  P", command: Command::Open, does: "peek at records: all shards / the selected shard" },
    Binding { keys: "e", command: Command::Open, does: "enhanced (shard-level) monitoring on/off — AWS bills it" },
];
const AUDIT: &[Binding] = &[
    Binding { keys: "w", command: Command::Open, does: "writes only / every event" },
    Binding { keys: "t", command: Command::Open, does: "time window: 1 h, 6 h, 24 h, 7 d" },
    Binding { keys: "/", command: Command::OpenFilter, does: "filter by user, source, event or resource" },
];
const PEEK: &[Binding] = &[
    Binding { keys: "j ↓  k ↑", command: Command::Down, does: "select a record" },
    Binding { keys: "f", command: Command::Open, does: "follow new records on or off" },
    Binding { keys: "t", command: Command::Open, does: "start from latest / trim-horizon" },
];

const LAMBDA: &[Binding] = &[
    Binding { keys: "w", command: Command::Open, does: "chart window: 15 m, 1 h, 3 h" },
    Binding { keys: "e", command: Command::Open, does: "log: errors and timeouts only / every line" },
    Binding { keys: "f", command: Command::Open, does: "follow the log live (polls every 2 s)" },
    Binding { keys: "j ↓  k ↑  G", command: Command::Down, does: "select a log event (G: the newest)" },
];
const ALARMS: &[Binding] =
    &[Binding { keys: "/", command: Command::OpenFilter, does: "filter by name, state, reason or metric" }];
const ATHENA: &[Binding] = &[
    Binding { keys: "F5  ctrl-enter", command: Command::Open, does: "run the SQL in the editor" },
    Binding { keys: "ctrl-c  x", command: Command::Open, does: "cancel the running query (StopQueryExecution)" },
    Binding { keys: "tab  esc", command: Command::Open, does: "editor ↔ results (the editor takes every key)" },
    Binding {
        keys: "tab  ctrl-space",
        command: Command::Open,
        does: "(editor, after a word) complete a database, table, column or keyword",
    },
    Binding { keys: "ctrl-z  ctrl-y", command: Command::Open, does: "(editor) undo / redo" },
    Binding {
        keys: "ctrl-b",
        command: Command::Open,
        does: "catalog: databases → tables → columns; enter inserts the name",
    },
    Binding { keys: "ctrl-r", command: Command::Open, does: "history: the workgroup's queries and the local ones" },
    Binding {
        keys: "ctrl-d  ctrl-w",
        command: Command::Open,
        does: "choose the database / the workgroup queries run in",
    },
    Binding { keys: "c  C", command: Command::Open, does: "(results) copy the cell / the row as CSV (OSC 52)" },
    Binding { keys: "j k  h l", command: Command::Down, does: "scroll the results by row / by column" },
    Binding { keys: "enter", command: Command::Open, does: "(results) the first row shown, whole, long cells wrapped" },
    Binding { keys: "e", command: Command::Open, does: "export every row to a .csv or .json file" },
    Binding { keys: "ctrl-o  o", command: Command::Open, does: "the workgroup's saved queries, into the editor" },
    Binding { keys: "ctrl-s", command: Command::Open, does: "save the editor's SQL as a named query" },
    Binding { keys: "↑ ↓", command: Command::Up, does: "(editor, top / bottom line) recall older / newer queries" },
];
const STACK: &[Binding] = &[
    Binding { keys: "p", command: Command::Open, does: "plan: a change set from the profile, shown as a diff" },
    Binding { keys: "a", command: Command::Open, does: "apply the plan, after a yes (plans first if needed)" },
    Binding { keys: "x", command: Command::Open, does: "discard the plan shown (its change set is deleted)" },
    Binding { keys: "d", command: Command::Open, does: "detect drift: resources changed outside the stack" },
    Binding { keys: "D", command: Command::Open, does: "delete the stack (type its name to confirm)" },
    Binding { keys: "j ↓  k ↑", command: Command::Down, does: "scroll the events" },
];
const GLUE: &[Binding] = &[
    Binding {
        keys: "tab  shift-tab",
        command: Command::Open,
        does: "next / previous pane: jobs, runs, crawlers, catalog",
    },
    Binding { keys: "j ↓  k ↑", command: Command::Down, does: "select in the focused pane" },
    Binding { keys: "s", command: Command::Open, does: "start a run of the selected job" },
    Binding { keys: "a", command: Command::Open, does: "start a run with arguments (KEY=VALUE …)" },
    Binding { keys: "x", command: Command::Open, does: "stop the selected run (jobs pane: the live run)" },
    Binding { keys: "c", command: Command::Open, does: "start the selected crawler" },
];

/// Every binding of a view, view-specific first, for the help overlay.
pub fn bindings(view: ViewId) -> Vec<&'static Binding> {
    let specific: &[Binding] = match view {
        ViewId::Overview => OVERVIEW,
        ViewId::Errors => ERRORS,
        ViewId::Streams => STREAMS,
        ViewId::StreamDetail => DETAIL,
        ViewId::Peek => PEEK,
        ViewId::Audit => AUDIT,
        ViewId::Glue => GLUE,
        ViewId::Stack => STACK,
        ViewId::Athena => ATHENA,
        ViewId::Alarms => ALARMS,
        ViewId::Lambda => LAMBDA,
        _ => &[],
    };
    let list: &[Binding] = if has_list(view) { LIST } else { &[] };
    specific.iter().chain(list).chain(COMMON).collect()
}

pub fn has_list(view: ViewId) -> bool {
    matches!(view, ViewId::Overview | ViewId::Errors | ViewId::Streams | ViewId::Audit | ViewId::Alarms)
}

/// The command a key means in normal mode on `view`.
pub fn command(view: ViewId, key: KeyEvent) -> Option<Command> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Command::Quit),
            KeyCode::Char('d') => Some(Command::PageDown),
            KeyCode::Char('u') => Some(Command::PageUp),
            _ => None,
        };
    }
    let list = has_list(view);
    let cmd = match key.code {
        KeyCode::Char('q') => Command::Quit,
        KeyCode::Char('?') => Command::Help,
        KeyCode::Char(':') => Command::OpenCommandLine,
        KeyCode::Char('r') => Command::Refresh,
        KeyCode::Esc => Command::Back,
        KeyCode::Char('/') if list => Command::OpenFilter,
        KeyCode::Char('j') | KeyCode::Down if list => Command::Down,
        KeyCode::Char('k') | KeyCode::Up if list => Command::Up,
        KeyCode::PageDown if list => Command::PageDown,
        KeyCode::PageUp if list => Command::PageUp,
        KeyCode::Home | KeyCode::Char('g') if list => Command::Top,
        KeyCode::End | KeyCode::Char('G') if list => Command::Bottom,
        KeyCode::Enter if view == ViewId::Overview => Command::Open,
        KeyCode::Char('x') if view == ViewId::Errors => Command::ClearErrors,
        _ => return None,
    };
    Some(cmd)
}
