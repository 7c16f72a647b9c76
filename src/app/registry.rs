//! The console's views, registered once. Each view is a module of the same name in `app/` (its
//! state, its keys and what they do: a [`View`]) and in `ui/` (its drawing); the line for it in
//! [`for_each_view!`] is all that joins them. Help, the status bar, the command line, mouse
//! handling and waking read the [`View`]; nothing else lists views.

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::action::Effect;
use super::command::Command;
use super::keymap::Binding;
use super::list::ListCursor;
use super::state::App;
use crate::model::Layer;

/// Every view, in the order the command line and the help list them: its id, and the module
/// (in `app/` and in `ui/`) that makes it. Adding a view is one line here.
macro_rules! for_each_view {
    ($then:ident) => {
        $then! {
            Overview overview,
            Streams streams,
            StreamDetail stream_detail,
            Peek peek,
            Msk msk,
            Sources sources,
            Firehose firehose,
            Lambda lambda,
            Glue glue,
            Workflows workflows,
            Emr emr,
            Redshift redshift,
            Opensearch opensearch,
            Quicksight quicksight,
            Alarms alarms,
            Audit audit,
            Athena athena,
            Stack stack,
            Pipeline pipeline,
            Slo slo,
            Errors errors,
            About about,
        }
    };
}
pub(crate) use for_each_view;

macro_rules! define_views {
    ($($id:ident $module:ident,)*) => {
        /// A view of the console.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ViewId {
            $($id,)*
        }

        impl ViewId {
            pub const ALL: &'static [ViewId] = &[$(ViewId::$id,)*];

            /// What the view is and does.
            pub fn view(self) -> &'static dyn View {
                match self {
                    $(ViewId::$id => super::$module::VIEW,)*
                }
            }

            /// The module the view lives in, in `app/` and `ui/`, as `lakeops keys --view` takes it.
            pub fn module(self) -> &'static str {
                match self {
                    $(ViewId::$id => stringify!($module),)*
                }
            }
        }
    };
}
for_each_view!(define_views);

impl ViewId {
    pub fn spec(self) -> &'static ViewSpec {
        self.view().spec()
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// Its list of rows, when it has one.
    pub fn list(self) -> Option<&'static ListSpec> {
        self.spec().list.as_ref()
    }

    /// The `:name` that opens it (the module's name for a view the command line does not open).
    pub fn command(self) -> &'static str {
        self.spec().names.first().copied().unwrap_or(self.module())
    }

    /// The view the command line opens by `name`.
    pub fn parse(name: &str) -> Option<ViewId> {
        ViewId::ALL.iter().copied().find(|v| v.spec().names.contains(&name))
    }

    /// The view `lakeops keys --view` and `[keys.<view>]` mean by `name`.
    pub fn named(name: &str) -> Option<ViewId> {
        ViewId::parse(name).or_else(|| ViewId::ALL.iter().copied().find(|v| v.module() == name))
    }

    /// The view that details a layer of the overview.
    pub fn for_layer(layer: Layer) -> ViewId {
        ViewId::ALL.iter().copied().find(|v| v.spec().details.contains(&layer)).unwrap_or(ViewId::Overview)
    }
}

/// Which part of a view has the keys, for bindings that belong to one part only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pane {
    /// `:athena`'s SQL editor, which takes every key it can type.
    Editor,
    /// `:athena`'s results.
    Results,
    /// `:alarms`' runbook, open over the list.
    Runbook,
    /// `:errors`' error read whole, open over the list.
    Error,
}

impl Pane {
    pub fn label(self) -> &'static str {
        match self {
            Pane::Editor => "editor",
            Pane::Results => "results",
            Pane::Runbook => "runbook open",
            Pane::Error => "error open",
        }
    }
}

/// What a view is, declared once: the command line, the help, the status bar, `lakeops keys`, the
/// overview's `open` and the mouse all read it.
pub struct ViewSpec {
    /// The names `:` opens it by; none for a view opened from another (a stream's detail).
    pub names: &'static [&'static str],
    pub title: &'static str,
    /// Where a view the command line does not open is opened from, for the docs: "a row of :streams".
    pub opened_from: &'static str,
    /// The overview's layers this view details: `open` on one opens it.
    pub details: &'static [Layer],
    /// Its own keys. The handler ([`View::command`]), the help, the status bar and `lakeops keys`
    /// all read them.
    pub keys: &'static [Binding],
    /// Its list of rows, when it has one.
    pub list: Option<ListSpec>,
    /// It draws charts over time: the changes are marked on them, and the keys of
    /// [`Context::Charts`](super::keymap::Context::Charts) step through them.
    pub charts: bool,
}

impl ViewSpec {
    /// A view with nothing declared: specs start from it.
    pub const NONE: ViewSpec =
        ViewSpec { names: &[], title: "", opened_from: "", details: &[], keys: &[], list: None, charts: false };
}

/// A view's list: its rows, its cursor and where it is drawn, for moving, filtering and the mouse.
pub struct ListSpec {
    pub cursor: fn(&App) -> &ListCursor,
    pub cursor_mut: fn(&mut App) -> &mut ListCursor,
    /// Rows that pass the filter.
    pub rows: fn(&App) -> usize,
    /// Where the list is drawn within the body (border and column header included).
    pub area: fn(&App, Rect) -> Rect,
    /// Screen lines one row takes (the overview's layers take two when they all fit so).
    pub lines_per_row: fn(&App) -> usize,
    /// What the filter matches, for the help.
    pub filter_help: &'static str,
}

impl ListSpec {
    /// A list drawn over the whole body, a line a row, filtered by its rows' text.
    pub const fn new(
        cursor: fn(&App) -> &ListCursor,
        cursor_mut: fn(&mut App) -> &mut ListCursor,
        rows: fn(&App) -> usize,
    ) -> ListSpec {
        ListSpec { cursor, cursor_mut, rows, area: whole, lines_per_row: one, filter_help: "filter the rows" }
    }
}

fn whole(_: &App, body: Rect) -> Rect {
    body
}

fn one(_: &App) -> usize {
    1
}

/// A view: what it is ([`ViewSpec`]), and what it does with its keys and its time.
pub trait View: Sync {
    fn spec(&self) -> &'static ViewSpec;

    /// The part of the view that has the keys now.
    fn pane(&self, _app: &App) -> Option<Pane> {
        None
    }

    /// Whether keys that type text go to the view as text now (an editor), before the keys every
    /// view shares.
    fn takes_text(&self, _app: &App) -> bool {
        false
    }

    /// Carries out `command`; false when it means nothing here (then the list's and the
    /// console's own meaning apply).
    fn command(&self, _app: &mut App, _command: Command, _effects: &mut Vec<Effect>) -> bool {
        false
    }

    /// A key no binding took, as text (an editor's character, arrows and Enter).
    fn text(&self, _app: &mut App, _key: KeyEvent, _effects: &mut Vec<Effect>) -> bool {
        false
    }

    /// When the view needs waking next, if it waits for a time (a poll, a tail).
    fn next_wake_ms(&self, _app: &App) -> Option<u64> {
        None
    }

    /// After every action: what the view starts now (its first read when it is on screen, a poll
    /// that is due, stopping what it no longer needs).
    fn housekeeping(&self, _app: &mut App, _effects: &mut Vec<Effect>) {}

    /// A fresh snapshot arrived while the view is on screen: it reads what it shows again.
    fn refreshed(&self, _app: &mut App, _effects: &mut Vec<Effect>) {}

    /// The view came back on screen (opened again, or gone back to): what it read before is as
    /// old as its last answer, which it reads again when older than a refresh.
    fn shown_again(&self, _app: &mut App, _effects: &mut Vec<Effect>) {}
}
