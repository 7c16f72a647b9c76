//! How model time runs when several lakeops share one sandbox: the clock saved with the state,
//! held at a lakeops's `--speed` while it runs, followed by those without a speed of their own,
//! handed back to the wall clock's pace at exit; and where a fresh model starts.

use super::state::{ModelClock, SimState};
use super::{store, Inner};
use crate::settings::Settings;

/// How long past its last save a lakeops at its own `--speed` holds the shared clock at that
/// speed. It saves at least every 30 s while it runs and ends the hold at exit, so a lakeops that
/// was killed leaves the model at the wall clock's pace a minute later.
const SPEED_HELD_MS: i64 = 2 * store::SAVE_EVERY_MS;
/// How much simulated history a fresh sandbox starts with, so the first screen has charts.
const FRESH_HISTORY_MS: i64 = 3 * 3_600_000;

/// The model time `state` stands for at `wall_ms`: as the clock saved with it runs (another
/// lakeops at its `--speed`), else the wall clock; never before the state's own time.
pub(super) fn present(state: &SimState, wall_ms: i64) -> i64 {
    match state.clock {
        Some(clock) => clock.at(wall_ms, state.now_ms),
        None => state.now_ms.max(wall_ms),
    }
}

/// How model time runs in this process from `wall_ms`, the model then at `model_ms`: at the
/// process's own speed; or, when it has none of its own (speed 1), as the clock another lakeops
/// holds at its speed (`saved`), so a plain command or console beside a fast console reads and
/// saves the time the fast one runs.
pub(super) fn pace(own_speed: f64, saved: Option<ModelClock>, wall_ms: i64, model_ms: i64) -> ModelClock {
    match saved {
        Some(held)
            if own_speed == 1.0
                && held.speed > own_speed
                && held.held_at(wall_ms)
                && held.at(wall_ms, 0) >= model_ms =>
        {
            held
        }
        _ => ModelClock { speed: own_speed, ..ModelClock::at_wall_pace(wall_ms, model_ms) },
    }
}

impl Inner {
    /// `state` as this process runs it from `wall_ms`: caught up on the time no lakeops ran it
    /// (bounded inside advance_to), its clock at this process's speed.
    pub(super) fn running(settings: &Settings, mut state: SimState, wall_ms: i64) -> Inner {
        let model_ms = present(&state, wall_ms);
        state.advance_to(model_ms, settings);
        let clock = pace(settings.sandbox.speed, state.clock, wall_ms, model_ms);
        Inner { seen: state.clock, state, clock }
    }

    /// The clock saved with the state at `wall_ms`: this process's; held at its speed for a while
    /// when it runs at a speed of its own.
    pub(super) fn shared_clock(&self, wall_ms: i64) -> ModelClock {
        let own = match self.clock {
            clock if clock.speed == 1.0 || clock.held_until_ms.is_some() => clock,
            clock => ModelClock { held_until_ms: Some(wall_ms.saturating_add(SPEED_HELD_MS)), ..clock },
        };
        // Another lakeops holds a faster clock: it stays the shared one.
        match self.seen.filter(|other| other.held_at(wall_ms) && other.speed > own.speed) {
            Some(faster) => faster,
            None => own,
        }
    }

    /// Whether this process runs the model at a speed of its own (and so holds the shared clock).
    pub(super) fn holds_the_clock(&self) -> bool {
        self.clock.speed != 1.0 && self.clock.held_until_ms.is_none()
    }
}

/// A new model, its history simulated up to `now_ms` without chance troubles: a fresh sandbox
/// opens healthy whatever the hour, and its background troubles (a failed ETL run, a failed crawl,
/// another user's failed query) begin once it runs. Faults the operator turns on are not chance.
pub(super) fn fresh(settings: &Settings, now_ms: i64) -> SimState {
    let mut state = SimState::new(settings, now_ms - FRESH_HISTORY_MS);
    state.calm_until_ms = now_ms;
    state
}
