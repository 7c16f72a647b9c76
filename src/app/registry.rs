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
            Lambda lambda,
            Glue glue,
            Redshift redshift,
            Alarms alarms,
            Audit audit,
            Athena athena,
            Stack stack,
            Pipeline pipeline,
            Errors errors,
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
    pub fn title(self) -> &'static str {
        self.view().title()
    }

    /// The `:name` that opens it (the module's name for a view the command line does not open).
    pub fn command(self) -> &'static str {
        self.view().names().first().copied().unwrap_or(self.module())
    }

    /// The view the command line opens by `name`.
    pub fn parse(name: &str) -> Option<ViewId> {
        ViewId::ALL.iter().copied().find(|v| v.view().names().contains(&name))
    }

    /// The view `lakeops keys --view` and `[keys.<view>]` mean by `name`.
    pub fn named(name: &str) -> Option<ViewId> {
        ViewId::parse(name).or_else(|| ViewId::ALL.iter().copied().find(|v| v.module() == name))
    }

    /// The view that details a layer of the overview.
    pub fn for_layer(layer: Layer) -> ViewId {
        ViewId::ALL.iter().copied().find(|v| v.view().details().contains(&layer)).unwrap_or(ViewId::Overview)
    }
}

/// Which part of a view has the keys, for bindings that belong to one part only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pane {
    /// `:athena`'s SQL editor, which takes every key it can type.
    Editor,
    /// `:athena`'s results.
    Results,
}

impl Pane {
    pub fn label(self) -> &'static str {
        match self {
            Pane::Editor => "editor",
            Pane::Results => "results",
        }
    }
}

/// A view: its names, its keys and what they do, its list, when it wants waking.
pub trait View: Sync {
    /// The names `:` opens it by; none for a view opened from another (a stream's detail).
    fn names(&self) -> &'static [&'static str] {
        &[]
    }

    fn title(&self) -> &'static str;

    /// Where a view the command line does not open is opened from, for the docs: "from :streams".
    fn opened_from(&self) -> &'static str {
        ""
    }

    /// The overview's layers this view details: `enter` on one opens it.
    fn details(&self) -> &'static [Layer] {
        &[]
    }

    /// Its own keys. The handler ([`View::command`]), the help, the status bar and `lakeops keys`
    /// all read them.
    fn bindings(&self) -> &'static [Binding] {
        &[]
    }

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

    /// The view's list of rows, when it has one.
    fn list(&self) -> Option<&'static dyn ListView> {
        None
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
}

/// A view's list: its rows, its cursor and where it is drawn, for moving, filtering and the mouse.
pub trait ListView: Sync {
    fn cursor<'a>(&self, app: &'a App) -> &'a ListCursor;

    fn cursor_mut<'a>(&self, app: &'a mut App) -> &'a mut ListCursor;

    /// Rows that pass the filter.
    fn rows(&self, app: &App) -> usize;

    /// Where the list is drawn within the body (border and column header included).
    fn area(&self, body: Rect) -> Rect {
        body
    }

    /// Screen lines one row takes.
    fn lines_per_row(&self) -> usize {
        1
    }

    /// What the filter matches, for the help.
    fn filter_help(&self) -> &'static str {
        "filter the rows"
    }
}
