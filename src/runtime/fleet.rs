//! The fleet console's event loop (`lakeops --profile a,b`, `--all`): each profile read in its own
//! task when its row says it is due, the screen redrawn only when something changed, and enter
//! opening the profile's own console — this binary run again with `--profile NAME` in the same
//! terminal, waited for, then the fleet drawn again. Each console so opened is exactly the
//! one-profile console, with its own read-only mode, journal and keys (docs/fleet.md).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};
use ratatui::backend::Backend as _;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::sync::OnceCell;

use super::terminal;
use crate::app::fleet::{update, Fleet, FleetAction, FleetEffect, FleetRow, Reading};
use crate::ops::health::Thresholds;
use crate::platform::{Platform, PlatformError};
use crate::session::fleet::Member;
use crate::settings::{Backend, Paths, Theme};

/// The shortest time between two frames, as in the console.
const FRAME: Duration = Duration::from_millis(33);

/// How a profile's own console is started: this binary, and the command line's flags to pass on.
pub struct Opener {
    pub program: PathBuf,
    pub flags: Vec<String>,
}

/// The fleet's rows, one per member, in the list's order.
pub fn rows(members: &[Member]) -> Vec<FleetRow> {
    members
        .iter()
        .map(|m| match &m.loaded {
            Ok(loaded) => {
                let s = &loaded.settings;
                let thresholds = Thresholds::from_alarms(&s.platform.alarms);
                // Until its platform says where it points: the region, for AWS.
                let location = if s.backend == Backend::Aws { s.aws.region.as_str() } else { "" };
                let mut row = FleetRow::new(
                    &loaded.profile,
                    s.backend.as_str(),
                    location,
                    thresholds,
                    s.console.refresh_seconds * 1000,
                );
                row.color = s.console.profile_color();
                row.readonly = s.console.readonly;
                row
            }
            Err(error) => FleetRow::unloadable(m.name(), error),
        })
        .collect()
}

/// Runs the fleet console until it quits.
pub async fn run(
    mut fleet: Fleet,
    members: Vec<Member>,
    theme: Theme,
    paths: &Paths,
    opener: Opener,
) -> anyhow::Result<()> {
    let mut signals = Signals::new()?;
    let mut screen = Some(terminal::enter("the fleet")?);
    let (tx, mut rx) = mpsc::unbounded_channel::<FleetAction>();
    let (input_tx, mut input_rx) = mpsc::unbounded_channel::<FleetAction>();
    let go_ahead = spawn_input(input_tx);
    // One connection per profile, made at its first read; made again after its console ran.
    let mut platforms: Vec<Arc<OnceCell<Arc<dyn Platform>>>> =
        members.iter().map(|_| Arc::new(OnceCell::new())).collect();

    let start = Instant::now();
    let now_ms = || start.elapsed().as_millis() as u64;
    let size = crossterm::terminal::size()?;
    // Each action, and whether it came from the terminal (whose reader then waits to go ahead).
    let mut pending: VecDeque<(FleetAction, bool)> =
        VecDeque::from([(FleetAction::Resize { width: size.0, height: size.1 }, false)]);
    let mut last_draw: Option<Instant> = None;

    loop {
        while let Some((action, from_terminal)) = pending.pop_front() {
            for effect in update(&mut fleet, action, now_ms()) {
                match effect {
                    FleetEffect::Read { row, id } => {
                        let (cell, member, paths, tx) =
                            (platforms[row].clone(), members[row].clone(), paths.clone(), tx.clone());
                        tokio::spawn(async move {
                            let result = read(&cell, &member, &paths).await;
                            let _ = tx.send(FleetAction::Read { row, id, result });
                        });
                    }
                    FleetEffect::Open { row } => {
                        // Leave the screen to the profile's console (the guard restores the terminal).
                        drop(screen.take());
                        let result = open_console(&opener, &members[row], &mut signals).await;
                        screen = Some(terminal::enter("the fleet")?);
                        // A blank screen under a fresh terminal's blank buffer: the next frame draws it
                        // all. (Not `Terminal::clear`, which asks the terminal where its cursor is.)
                        if let Some((terminal, _)) = screen.as_mut() {
                            terminal.backend_mut().clear_region(ratatui::backend::ClearType::All)?;
                        }
                        // Its console may have changed the platform (a sandbox's saved state): read it afresh.
                        platforms[row] = Arc::new(OnceCell::new());
                        let (width, height) = crossterm::terminal::size()?;
                        pending.push_back((FleetAction::Returned { row, result }, false));
                        pending.push_back((FleetAction::Resize { width, height }, false));
                        if signals.quit_after {
                            pending.push_back((FleetAction::Quit, false));
                        }
                    }
                    FleetEffect::Quit => {}
                }
            }
            if from_terminal {
                let _ = go_ahead.send(());
            }
        }
        if fleet.quitting {
            break;
        }
        let frame_due = last_draw.map(|t| t + FRAME).unwrap_or(start);
        if fleet.dirty && Instant::now() >= frame_due && terminal::active() {
            if let Some((terminal, _)) = screen.as_mut() {
                terminal.draw(|frame| crate::ui::fleet::draw(&fleet, &theme, frame))?;
            }
            fleet.dirty = false;
            last_draw = Some(Instant::now());
        }

        // Sleep until the next read is due, or a frame held back by the cap.
        let mut wake = fleet.next_wake_ms().map(|ms| start + Duration::from_millis(ms));
        if fleet.dirty {
            wake = Some(wake.map_or(frame_due, |w| w.min(frame_due)));
        }
        let sleep = async {
            match wake {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let next = tokio::select! {
            Some(action) = input_rx.recv() => (action, true),
            Some(action) = rx.recv() => (action, false),
            _ = signals.term.recv() => (FleetAction::Quit, false),
            _ = signals.hangup.recv() => (FleetAction::Quit, false),
            _ = signals.interrupt.recv() => (FleetAction::Quit, false),
            _ = sleep => (FleetAction::Tick, false),
        };
        pending.push_back(next);
        while let Ok(more) = rx.try_recv() {
            pending.push_back((more, false));
        }
    }
    drop(screen);
    terminal::restore();
    for platform in platforms.iter().filter_map(|p| p.get()) {
        if let Err(e) = platform.flush() {
            crate::note!("lakeops: {e}");
        }
    }
    Ok(())
}

/// One read of a profile: connected the first time, then its snapshot and where it points.
async fn read(
    cell: &OnceCell<Arc<dyn Platform>>,
    member: &Member,
    paths: &Paths,
) -> Result<Box<Reading>, PlatformError> {
    let failed =
        |message: String| PlatformError::Failed { service: format!("profile {}", member.name()), code: None, message };
    let loaded = member.loaded.as_ref().map_err(|e| failed(e.clone()))?;
    let platform = cell
        .get_or_try_init(|| async {
            let platform = crate::session::connect(loaded, paths).await?;
            terminal::save_on_crash(&platform);
            Ok::<_, crate::session::Failure>(platform)
        })
        .await
        .map_err(|f| failed(f.message().to_string()))?;
    let snapshot = platform.snapshot().await?;
    Ok(Box::new(Reading { snapshot, location: platform.info().location }))
}

/// Runs `member`'s own console in this terminal (left for it) and waits for it to end; the error
/// says how it ended when it did not end well.
async fn open_console(opener: &Opener, member: &Member, signals: &mut Signals) -> Result<(), String> {
    let mut command = std::process::Command::new(&opener.program);
    command
        .arg("--profile")
        .arg(&member.given)
        .args(&opener.flags)
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        // What it says when it fails is shown in the fleet, which takes the screen back at once.
        .stderr(Stdio::piped());
    tracing::info!(profile = %member.name(), "opening the profile's console from the fleet");
    let mut running = tokio::task::spawn_blocking(move || command.output());
    let output = loop {
        tokio::select! {
            output = &mut running => break output,
            // Ctrl-C and the like are the console's in front; the fleet quits after it when asked to.
            _ = signals.interrupt.recv() => {}
            _ = signals.term.recv() => signals.quit_after = true,
            _ = signals.hangup.recv() => signals.quit_after = true,
        }
    };
    let name = member.name();
    match output {
        Ok(Ok(output)) if output.status.success() => Ok(()),
        Ok(Ok(output)) => {
            let said = String::from_utf8_lossy(&output.stderr);
            let last = said.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            let last = last.strip_prefix("lakeops: ").unwrap_or(last);
            let status = output.status.code().map_or_else(|| "a signal".to_string(), |c| format!("exit {c}"));
            Err(if last.is_empty() {
                format!("the console of {name} ended with {status}")
            } else {
                format!("the console of {name} ended with {status}: {last}")
            })
        }
        Ok(Err(e)) => Err(format!("cannot start the console of {name}: {e}")),
        Err(e) => Err(format!("the console of {name} was lost: {e}")),
    }
}

struct Signals {
    term: Signal,
    hangup: Signal,
    interrupt: Signal,
    /// A signal to end came while a profile's console ran: the fleet ends after it.
    quit_after: bool,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
            quit_after: false,
        })
    }
}

/// Terminal input on its own thread, one event at a time: after each it waits for the go-ahead,
/// so that while a profile's console runs in front, none of its keys is read here.
fn spawn_input(tx: UnboundedSender<FleetAction>) -> std::sync::mpsc::Sender<()> {
    let (go_ahead, wait) = std::sync::mpsc::channel::<()>();
    let started = std::thread::Builder::new().name("fleet-input".into()).spawn(move || loop {
        let action = match event::read() {
            Ok(Event::Key(key)) => FleetAction::Key(key),
            Ok(Event::Resize(width, height)) => FleetAction::Resize { width, height },
            Ok(_) => continue,
            Err(e) => {
                tracing::error!("terminal input failed: {e}");
                let _ = tx.send(FleetAction::Quit);
                return;
            }
        };
        if tx.send(action).is_err() || wait.recv().is_err() {
            return;
        }
    });
    if let Err(e) = started {
        tracing::error!("cannot start the input thread: {e}");
    }
    go_ahead
}
