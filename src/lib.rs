//! lakeops: a terminal operations console for streaming data-lake platforms on AWS.
//!
//! Layers, inward first: `model` ← `platform` ← (`aws`, `sandbox`); `ops` and `app` know
//! nothing of AWS; `ui` reads `app` state and the theme; `runtime` owns the terminal and
//! runs effects; `headless` holds the subcommands.

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
