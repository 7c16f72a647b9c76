//! Entering and always leaving the terminal's raw, alternate-screen mode: on quit, on
//! signals, on errors and on panics.

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The first panic's message, and the way the event loop hears of it.
static PANIC: Mutex<Option<String>> = Mutex::new(None);
static PANICKED: tokio::sync::Notify = tokio::sync::Notify::const_new();

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

/// Waits until any thread panics, and returns the panic's message.
pub async fn panicked() -> TaskPanicked {
    PANICKED.notified().await;
    let message = PANIC.lock().ok().and_then(|m| m.clone()).unwrap_or_else(|| "unknown".into());
    TaskPanicked(message)
}

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped, whatever way the console ends.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

pub fn enter() -> io::Result<(Term, Guard)> {
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
        // A fault in the sandbox's engine fails the query it ran (sandbox::engine::threads);
        // the console goes on, its screen untouched.
        if crate::sandbox::engine::threads::contained(info) {
            return;
        }
        // Restore first so the message prints on a normal screen, then log it, then tell the
        // event loop (a permit is stored if it is not waiting yet).
        restore();
        tracing::error!("panic: {info}");
        if let Ok(mut first) = PANIC.lock() {
            first.get_or_insert_with(|| crate::model::text::sanitize(&info.to_string()));
        }
        PANICKED.notify_one();
        default(info);
    }));
}
