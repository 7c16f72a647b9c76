//! The console's event loop: terminal events, timers and platform results become actions;
//! the reducer's effects run here; the screen is redrawn only when something changed,
//! at most `FRAME` apart.

pub mod effects;
mod events;
pub mod fleet;
pub mod terminal;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use crate::app::{update, Action, App};
use crate::platform::Platform;
use crate::session::{Connecting, Session};
use crate::settings::{Loaded, Paths, Theme};
use effects::Executor;

/// The shortest time between two frames (a cap of about 30 frames a second).
const FRAME: Duration = Duration::from_millis(33);

/// Runs the console until it quits: `app` on `platform`, as the session `loaded` describes.
/// A platform still connecting is waited for after the first frame: effects the reducer asks
/// for before it is there run, in order, once it is.
pub async fn run(
    mut app: App,
    theme: Theme,
    platform: Connecting,
    loaded: &Loaded,
    paths: &Paths,
) -> anyhow::Result<()> {
    let mut term_signal = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let (mut terminal, _guard) = terminal::enter("the console")?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    events::spawn(tx.clone());
    let open = |platform: Arc<dyn Platform>| {
        terminal::save_on_crash(&platform);
        let (journal_problems, clock) = (tx.clone(), platform.clone());
        let session = Session::open(
            loaded,
            paths,
            platform.as_ref(),
            Box::new(move |message| {
                let source = crate::app::ErrorSource::Journal;
                let _ = journal_problems.send(Action::Failed { source, message, at: clock.now() });
            }),
        );
        Executor { platform, session: Arc::new(session), tx: tx.clone(), live_tail: None }
    };
    let (mut executor, mut connecting) = match platform {
        Connecting::Ready(platform) => (Some(open(platform)), None),
        Connecting::Pending { connect, .. } => (None, Some(tokio::spawn(connect))),
    };
    let mut held = Vec::new();

    let start = Instant::now();
    let now_ms = |start: Instant| start.elapsed().as_millis() as u64;
    let size = terminal.size()?;
    let mut pending = vec![Action::Resize { width: size.width, height: size.height }];
    let mut last_draw: Option<Instant> = None;
    // A test hook: the pty tests check that a panic — in the event loop, or with `task` in a
    // background task once a key is pressed — restores the terminal, is logged, saves the sandbox
    // and ends the console (`engine` is the sandbox engine's, which fails its query instead:
    // sandbox::engine::run).
    let debug_panic = std::env::var("LAKEOPS_DEBUG_PANIC").ok();
    let mut pressed = false;
    let mut crashed = None;

    loop {
        for action in pending.drain(..) {
            for effect in update(&mut app, action, now_ms(start)) {
                match executor.as_mut() {
                    Some(executor) => executor.execute(effect),
                    None => held.push(effect),
                }
            }
        }
        if app.quitting {
            break;
        }
        let frame_due = last_draw.map(|t| t + FRAME).unwrap_or(start);
        // Nothing is drawn once a panic has given the terminal back (runtime::terminal).
        if app.dirty && Instant::now() >= frame_due && terminal::active() {
            terminal.draw(|frame| crate::ui::draw(&app, &theme, frame))?;
            app.dirty = false;
            last_draw = Some(Instant::now());
            match debug_panic.as_deref() {
                Some("task") if pressed => {
                    tokio::spawn(async { panic!("LAKEOPS_DEBUG_PANIC=task: a background task panics on purpose") });
                }
                Some("task" | crate::sandbox::engine::threads::DEBUG_PANIC) => {}
                Some(_) if app.snapshot.is_some() => {
                    panic!("LAKEOPS_DEBUG_PANIC is set: panicking on purpose to show the terminal is restored");
                }
                _ => {}
            }
        }

        // Sleep until the next thing is due: a frame held back by the cap, a refresh, a toast.
        let mut wake = app.next_wake_ms().map(|ms| start + Duration::from_millis(ms));
        if app.dirty {
            wake = Some(wake.map_or(frame_due, |w| w.min(frame_due)));
        }
        let sleep = async {
            match wake {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let action = tokio::select! {
            Some(action) = rx.recv() => action,
            _ = term_signal.recv() => Action::Quit,
            _ = hangup.recv() => Action::Quit,
            _ = interrupt.recv() => Action::Quit,
            _ = sleep => Action::Tick,
            connected = async {
                match connecting.as_mut() {
                    Some(task) => task.await,
                    None => std::future::pending().await,
                }
            }, if connecting.is_some() => {
                connecting = None;
                match connected {
                    Ok(platform) => {
                        let ready = executor.insert(open(platform));
                        held.drain(..).for_each(|effect| ready.execute(effect));
                        continue;
                    }
                    Err(e) => {
                        crashed = Some(terminal::TaskPanicked(format!("connecting to the platform: {e}")));
                        break;
                    }
                }
            }
        };
        pressed |= matches!(action, Action::Key(_));
        pending.push(action);
        // Take everything already queued before drawing again.
        while let Ok(more) = rx.try_recv() {
            pending.push(more);
        }
    }
    drop(terminal);
    terminal::restore();
    if let Some(Err(e)) = executor.as_ref().map(|executor| executor.platform.flush()) {
        crate::note!("lakeops: {e}");
    }
    match crashed {
        Some(panic) => Err(panic.into()),
        None => Ok(()),
    }
}
