//! The fleet overview (`lakeops --profile prod,staging`, `--all`): a row per profile with its
//! backend and where it points, its overall health, its worst layer and why, when its data was
//! read, read-only, and its colour. Each profile is read at its own refresh interval, at most one
//! read in flight each; enter opens the profile's own console. State and reducer only, no I/O:
//! `runtime::fleet` runs the effects and `ui::fleet` draws.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::style::Color;

use super::chord::Chord;
use super::command::Command;
use super::keymap::{bind, Binding, Context, HelpRow, Hint, Keymap};
use super::request::{Request, RequestId};
use crate::model::{Health, LayerHealth, PlatformSnapshot};
use crate::ops::health::{assess, overall, Thresholds};
use crate::platform::PlatformError;

/// The fleet's own keys; its rows move with the lists' keys and `r`, `?`, `q` are the ones everywhere.
pub const KEYS: &[Binding] =
    &[bind(Command::Open, &["enter"], "open the profile's own console (quit it to come back to the fleet)")
        .hint("open")];

/// The shared keys the fleet gives their usual meaning; the others (`:`, `/`) work in a profile's console.
const SHARED: &[Command] = &[
    Command::Down,
    Command::Up,
    Command::PageDown,
    Command::PageUp,
    Command::Top,
    Command::Bottom,
    Command::Refresh,
    Command::Help,
    Command::Back,
    Command::Quit,
    Command::Interrupt,
];

/// One profile of the fleet, as its row shows it.
#[derive(Debug, Clone)]
pub struct FleetRow {
    pub profile: String,
    /// `aws` or `sandbox`; empty when the profile could not be loaded.
    pub backend: String,
    /// Where it points: the region (and endpoint), or the sandbox's seed, as its platform says.
    pub location: String,
    pub color: Option<Color>,
    pub readonly: bool,
    /// The profile's alarm thresholds its layers are judged by; or why its settings could not be
    /// loaded, and then the row is neither read nor opened.
    pub settings: Result<Thresholds, String>,
    pub refresh_interval_ms: u64,
    pub request: Request,
    /// Monotonic milliseconds at which the next read is due.
    pub due_at_ms: u64,
    /// Failed reads in a row, for backing off.
    pub failures: u32,
    pub layers: Vec<LayerHealth>,
    /// When the data shown was taken (the platform's time).
    pub last_success: Option<DateTime<Utc>>,
    /// The last read's error, while reads fail.
    pub error: Option<String>,
}

impl FleetRow {
    /// A profile that loaded: read first thing, then every `refresh_interval_ms`.
    pub fn new(profile: &str, backend: &str, location: &str, thresholds: Thresholds, refresh_interval_ms: u64) -> Self {
        FleetRow {
            profile: profile.into(),
            backend: backend.into(),
            location: location.into(),
            color: None,
            readonly: false,
            settings: Ok(thresholds),
            refresh_interval_ms,
            request: Request::default(),
            due_at_ms: 0,
            failures: 0,
            layers: Vec::new(),
            last_success: None,
            error: None,
        }
    }

    /// A profile whose settings could not be loaded, with why.
    pub fn unloadable(profile: &str, error: &str) -> Self {
        FleetRow {
            profile: profile.into(),
            backend: String::new(),
            location: String::new(),
            color: None,
            readonly: false,
            settings: Err(error.into()),
            refresh_interval_ms: 0,
            request: Request::default(),
            due_at_ms: 0,
            failures: 0,
            layers: Vec::new(),
            last_success: None,
            error: None,
        }
    }

    /// Why the profile could not be loaded, if it could not.
    pub fn unloadable_because(&self) -> Option<&str> {
        self.settings.as_ref().err().map(String::as_str)
    }

    /// The worst health of its layers; unknown until read, or when it cannot be.
    pub fn health(&self) -> Health {
        if self.layers.is_empty() {
            Health::Unknown
        } else {
            overall(&self.layers)
        }
    }

    /// The first layer, in pipeline order, of the worst health, when that is worse than ok.
    pub fn worst(&self) -> Option<&LayerHealth> {
        let health = self.health();
        (health > Health::Ok).then(|| self.layers.iter().find(|l| l.health == health)).flatten()
    }

    /// The data shown is older than it should be: the last reads failed.
    pub fn is_stale(&self) -> bool {
        self.failures > 0
    }
}

/// The fleet overview's state. Only [`update`] changes it; drawing only reads it.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub rows: Vec<FleetRow>,
    pub selected: usize,
    /// The first row on screen.
    pub offset: usize,
    pub keys: Keymap,
    pub help: bool,
    /// What the last key could not do, or how an opened console ended.
    pub notice: Option<String>,
    /// The row whose console is open (the fleet waits, reading nothing, until it ends).
    pub open: Option<usize>,
    pub width: u16,
    pub height: u16,
    /// Monotonic milliseconds of the latest action.
    pub now_ms: u64,
    /// Something on screen changed since the last draw.
    pub dirty: bool,
    pub quitting: bool,
}

/// What a read of one profile answers: its snapshot and where its platform points.
#[derive(Debug, Clone)]
pub struct Reading {
    pub snapshot: PlatformSnapshot,
    pub location: String,
}

#[derive(Debug)]
pub enum FleetAction {
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passed: whatever is due starts.
    Tick,
    /// A read of row `row` answered.
    Read {
        row: usize,
        id: RequestId,
        result: Result<Box<Reading>, PlatformError>,
    },
    /// The console opened on row `row` ended; the error says how, when it ended badly.
    Returned {
        row: usize,
        result: Result<(), String>,
    },
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetEffect {
    /// Read row `row`'s platform.
    Read {
        row: usize,
        id: RequestId,
    },
    /// Open row `row`'s own console, and wait for it.
    Open {
        row: usize,
    },
    Quit,
}

impl Fleet {
    pub fn new(rows: Vec<FleetRow>, keys: Keymap) -> Fleet {
        Fleet {
            rows,
            selected: 0,
            offset: 0,
            keys,
            help: false,
            notice: None,
            open: None,
            width: 80,
            height: 24,
            now_ms: 0,
            dirty: true,
            quitting: false,
        }
    }

    /// When the runtime must wake the reducer next if nothing else happens: the next read due.
    pub fn next_wake_ms(&self) -> Option<u64> {
        if self.quitting || self.open.is_some() {
            return None;
        }
        self.rows.iter().filter(|r| r.settings.is_ok() && !r.request.is_loading()).map(|r| r.due_at_ms).min()
    }

    /// The worst health across the fleet's rows.
    pub fn health(&self) -> Health {
        self.rows.iter().map(FleetRow::health).max().unwrap_or(Health::Unknown)
    }

    /// The command `key` means in the fleet: its own keys, then the lists', then those everywhere.
    fn command(&self, key: &KeyEvent) -> Option<Command> {
        let chord = Chord::of(key)?;
        [Context::Fleet, Context::List, Context::Global].into_iter().find_map(|c| self.keys.command(c, None, chord))
    }

    /// The status bar's keys: the fleet's own, then those everywhere that it takes.
    pub fn hints(&self) -> Vec<Hint> {
        let shared = self.keys.hints(Context::Global, None).into_iter().filter(|h| SHARED.contains(&h.command));
        let shared = shared.filter(|h| h.command != Command::Back || self.help || self.notice.is_some());
        self.keys.hints(Context::Fleet, None).into_iter().chain(shared).collect()
    }

    /// The help: the fleet's keys, then the lists' and those everywhere that it takes.
    pub fn help_rows(&self) -> Vec<HelpRow> {
        let taken = |context: Context| {
            self.keys
                .rows(context)
                .into_iter()
                .zip(context.defaults())
                .filter(|(_, b)| SHARED.contains(&b.command))
                .map(|(mut row, b)| {
                    // What the fleet does with them, which is less than a console does.
                    match b.command {
                        Command::Back => row.does = "close the help or the notice".into(),
                        Command::Interrupt => row.does = "quit".into(),
                        _ => {}
                    }
                    row
                })
                .collect::<Vec<_>>()
        };
        let mut rows = self.keys.rows(Context::Fleet);
        rows.extend(taken(Context::List));
        rows.extend(taken(Context::Global));
        rows
    }

    /// Rows that fit in the body: two lines each, inside the border and below the column header.
    pub fn page(&self) -> usize {
        let body = super::layout::areas(ratatui::layout::Rect::new(0, 0, self.width, self.height)).body;
        (super::layout::list_rows(body).height as usize / 2).max(1)
    }
}

/// The fleet's reducer: `action` at monotonic `now_ms`, and what the runtime must do next.
pub fn update(fleet: &mut Fleet, action: FleetAction, now_ms: u64) -> Vec<FleetEffect> {
    fleet.now_ms = now_ms;
    let mut effects = Vec::new();
    match action {
        FleetAction::Key(key) => on_key(fleet, &key, &mut effects),
        FleetAction::Resize { width, height } => {
            fleet.width = width;
            fleet.height = height;
            move_by(fleet, 0);
            fleet.dirty = true;
        }
        FleetAction::Tick => {}
        FleetAction::Read { row, id, result } => read(fleet, row, id, result),
        FleetAction::Returned { row, result } => {
            fleet.open = None;
            fleet.notice = result.err();
            // What was done in there shows at once, not a refresh later.
            if let Some(r) = fleet.rows.get_mut(row) {
                r.due_at_ms = now_ms;
            }
            fleet.dirty = true;
        }
        FleetAction::Quit => quit(fleet, &mut effects),
    }
    if fleet.open.is_none() && !fleet.quitting {
        for (i, row) in fleet.rows.iter_mut().enumerate() {
            if row.settings.is_ok() && now_ms >= row.due_at_ms {
                if let Some(id) = row.request.start(now_ms) {
                    effects.push(FleetEffect::Read { row: i, id });
                }
            }
        }
    }
    effects
}

fn on_key(fleet: &mut Fleet, key: &KeyEvent, effects: &mut Vec<FleetEffect>) {
    let Some(command) = fleet.command(key) else {
        // Any key closes the help, one bound to nothing too (it said so and stayed open).
        if fleet.help {
            (fleet.help, fleet.dirty) = (false, true);
        }
        return;
    };
    fleet.dirty = true;
    // The "too small" screen takes no key but quit, as the console's (`app::input`).
    if super::layout::too_small(fleet.width, fleet.height) && !matches!(command, Command::Quit | Command::Interrupt) {
        return;
    }
    if fleet.help && !matches!(command, Command::Quit | Command::Interrupt) {
        // Any key closes the help, as in the console.
        fleet.help = false;
        return;
    }
    match command {
        Command::Open => open(fleet, effects),
        Command::Down => move_by(fleet, 1),
        Command::Up => move_by(fleet, -1),
        Command::PageDown | Command::PageUp => {
            let page = fleet.page() as isize;
            move_by(fleet, if command == Command::PageDown { page } else { -page });
        }
        Command::Top => move_by(fleet, isize::MIN / 2),
        Command::Bottom => move_by(fleet, isize::MAX / 2),
        Command::Refresh => {
            for row in fleet.rows.iter_mut().filter(|r| !r.request.is_loading()) {
                row.due_at_ms = fleet.now_ms;
            }
        }
        Command::Help => fleet.help = true,
        Command::Back => fleet.notice = None,
        Command::Quit | Command::Interrupt => quit(fleet, effects),
        other => {
            let key = Chord::of(key).map(|c| c.to_string()).unwrap_or_default();
            let open = fleet.keys.chords(Context::Fleet, Command::Open).first().map(Chord::to_string);
            fleet.notice = Some(format!(
                "{key} ({}) works in a profile's console: open one with {}",
                other.name(),
                open.unwrap_or_default()
            ));
        }
    }
}

fn open(fleet: &mut Fleet, effects: &mut Vec<FleetEffect>) {
    let Some(row) = fleet.rows.get(fleet.selected) else { return };
    match row.unloadable_because() {
        Some(error) => fleet.notice = Some(format!("{} cannot be opened: {error}", row.profile)),
        None => {
            fleet.notice = None;
            fleet.open = Some(fleet.selected);
            effects.push(FleetEffect::Open { row: fleet.selected });
        }
    }
}

fn move_by(fleet: &mut Fleet, delta: isize) {
    let last = fleet.rows.len().saturating_sub(1) as isize;
    fleet.selected = (fleet.selected as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
    let page = fleet.page();
    if fleet.selected < fleet.offset {
        fleet.offset = fleet.selected;
    } else if fleet.selected >= fleet.offset + page {
        fleet.offset = fleet.selected + 1 - page;
    }
}

/// A read answered: the row is judged again, or keeps its data (stale) and backs off as the
/// console's refresh does.
fn read(fleet: &mut Fleet, row: usize, id: RequestId, result: Result<Box<Reading>, PlatformError>) {
    let now_ms = fleet.now_ms;
    let Some(r) = fleet.rows.get_mut(row) else { return };
    let Ok(&thresholds) = r.settings.as_ref() else { return };
    if !r.request.accept(id, now_ms, &result) {
        return;
    }
    match result {
        Ok(reading) => {
            r.layers = assess(&reading.snapshot, thresholds);
            r.location = reading.location;
            r.last_success = Some(reading.snapshot.taken_at);
            r.failures = 0;
            r.error = None;
            r.due_at_ms = now_ms + r.refresh_interval_ms;
        }
        Err(error) => {
            r.failures += 1;
            r.due_at_ms = now_ms + super::update::backoff_ms(r.refresh_interval_ms, r.failures, &error);
            r.error = Some(error.to_string());
        }
    }
    fleet.dirty = true;
}

fn quit(fleet: &mut Fleet, effects: &mut Vec<FleetEffect>) {
    if !fleet.quitting {
        fleet.quitting = true;
        effects.push(FleetEffect::Quit);
    }
}

#[cfg(test)]
#[path = "tests_fleet.rs"]
mod tests;
