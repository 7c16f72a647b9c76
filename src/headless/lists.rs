//! `lakeops profiles`, `lakeops themes`, `lakeops completions SHELL`.

use clap::CommandFactory;

use crate::settings::{profile, theme, Paths};

pub fn profiles(paths: &Paths) -> String {
    table("PROFILE", profile::list(paths).into_iter().map(|e| (e.name, e.location)))
}

pub fn themes(paths: &Paths) -> String {
    let rows = theme::list(paths).into_iter().map(|e| {
        let description = if e.location == "built-in" {
            theme::Theme::builtin(&e.name).map(|t| format!("built-in: {}", t.description)).unwrap_or(e.location)
        } else {
            e.location
        };
        (e.name, description)
    });
    table("THEME", rows)
}

fn table(first: &str, rows: impl Iterator<Item = (String, String)>) -> String {
    let rows: Vec<(String, String)> = rows.collect();
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0).max(first.len()) + 2;
    let mut out = format!("{first:<width$}WHERE\n");
    for (name, location) in rows {
        out.push_str(&format!("{name:<width$}{location}\n"));
    }
    out
}

pub fn completions(shell: clap_complete::Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::Cli::command(), "lakeops", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}
