//! Entering and always leaving the terminal's raw, alternate-screen mode: on quit, on
//! signals, on errors and on panics.

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use crate::platform::Platform;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// What the screen in use is called when a panic ends it ("the console", "the fleet").
static SCREEN: Mutex<&str> = Mutex::new("the console");

/// The platforms whose state must outlive a panic (the sandbox's, [`Platform::flush`]),
/// registered as they connect; one no longer in use is gone from here as well.
static SAVED_ON_CRASH: Mutex<Vec<Weak<dyn Platform>>> = Mutex::new(Vec::new());

/// Held by the panic hook while it ends the program: a second panic meanwhile waits for it.
static ENDING: Mutex<()> = Mutex::new(());

/// A task of the console panicked: the console ends (terminal restored, message, log, exit 101)
/// rather than go on half alive with a request that never completes.
#[derive(Debug)]
pub struct TaskPanicked(pub String);

impl std::fmt::Display for TaskPanicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a background task panicked ({}); the log has the details", self.0)
    }
}

impl std::error::Error for TaskPanicked {}

/// Registers a platform whose state the panic hook saves before the program ends.
pub fn save_on_crash(platform: &Arc<dyn Platform>) {
    if let Ok(mut platforms) = SAVED_ON_CRASH.lock() {
        platforms.retain(|p| p.strong_count() > 0);
        platforms.push(Arc::downgrade(platform));
    }
}

/// Whether the console's screen is the terminal's: nothing is drawn once a panic has restored it.
pub fn active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped, whatever way the console ends.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Takes the terminal for `screen` ("the console", "the fleet": what a panic's message says stopped).
pub fn enter(screen: &'static str) -> io::Result<(Term, Guard)> {
    if let Ok(mut named) = SCREEN.lock() {
        *named = screen;
    }
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = Guard;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, Hide)?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((terminal, guard))
}

/// Leaves raw mode and the alternate screen; safe to call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
    }
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A fault in the sandbox's engine run on this process's threads (where no worker
        // program is named) fails the query it ran, when a panic unwinds; the console goes on,
        // its screen untouched.
        if cfg!(panic = "unwind") && crate::sandbox::engine::threads::contained(info) {
            return;
        }
        // One panic ends the program; another one meanwhile waits here until it has.
        let _ending = ENDING.lock();
        // Restore first so the message prints on a normal screen, log it, save what must
        // outlive the program, say how it ended and end it: the same in a build that unwinds and
        // in one that aborts on panic (the published binary, Cargo.toml), where nothing after
        // this hook runs.
        restore();
        tracing::error!("panic: {info}");
        let platforms = SAVED_ON_CRASH.try_lock().map(|p| p.iter().filter_map(Weak::upgrade).collect::<Vec<_>>());
        for platform in platforms.unwrap_or_default() {
            if let Err(e) = platform.flush() {
                crate::note!("lakeops: {e}");
            }
        }
        default(info);
        let screen = SCREEN.try_lock().map(|s| *s).unwrap_or("the console");
        let message = crate::model::text::sanitize(&crate::sandbox::engine::worker::panic_text(info.payload()));
        match std::thread::current().name() {
            Some("main") => crate::note!("lakeops: {screen} stopped: it panicked ({message}); the log has the details"),
            _ => crate::note!("lakeops: {screen} stopped: {}", TaskPanicked(message)),
        }
        // The cursor, again: a frame drawn as the hook began may have hidden it.
        let _ = execute!(io::stdout(), Show);
        std::process::exit(101);
    }));
}
