//! lakeops: a terminal operations console for streaming data-lake platforms on AWS.
//!
//! Layers, inward first: `model` ← `platform` ← (`aws`, `sandbox`); `ops` and `app` know
//! nothing of AWS; `ui` reads `app` state and the theme; `runtime` owns the terminal and
//! runs effects; `headless` holds the subcommands.
//!
//! Nothing writes to stderr with `eprintln!`, which panics when stderr is closed (`lakeops query
//! … 2>&1 | head` ended with exit 101, its query left running): `note!` writes, and a line it
//! cannot write is lost (clippy's `print_stderr` keeps it so).

#![warn(clippy::print_stderr)]

/// `eprintln!` that never panics: a line stderr cannot take is dropped.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that never panics (a question before its answer, a plan): written and flushed, or
/// dropped.
#[macro_export]
macro_rules! note_inline {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stderr = std::io::stderr();
        let _ = write!(stderr, $($arg)*).and_then(|_| stderr.flush());
    }};
}

pub mod app;
pub mod aws;
pub mod cli;
pub mod headless;
pub mod history;
pub mod journal;
pub mod local_files;
pub mod logging;
pub mod model;
pub mod ops;
pub mod platform;
pub mod provision;
pub mod runtime;
pub mod sandbox;
pub mod session;
pub mod settings;
pub mod ui;
