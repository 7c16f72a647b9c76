//! `lakeops profiles`, `lakeops themes`, `lakeops completions SHELL`, `lakeops manpage`.

use clap::CommandFactory;
use clap_mangen::roff::{italic, roman, Roff};

use crate::session::Failure;
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
    use crate::model::text::{shown_name, width};
    // A name that would not read as written (a file named `prod` and a zero-width space) is quoted
    // with its characters escaped, as loading it says it: it cannot pass for another.
    let rows: Vec<(String, String)> = rows.map(|(n, l)| (shown_name(&n), shown_name(&l))).collect();
    let width = rows.iter().map(|(n, _)| width(n)).max().unwrap_or(0).max(first.len()) + 2;
    let mut out = format!("{first:<width$}WHERE\n");
    for (name, location) in rows {
        out.push_str(&format!("{}{location}\n", crate::model::text::padded(&name, width)));
    }
    out
}

pub fn completions(shell: clap_complete::Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::Cli::command(), "lakeops", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

/// The manual page, roff for man(1), from the same clap definition as `--help` and the completions:
/// the global options, then every command (and every command of a command) with its synopsis,
/// description and options, on one page (`man lakeops`).
pub fn manpage() -> Result<String, Failure> {
    let mut root = crate::cli::Cli::command().disable_help_subcommand(true);
    root.build();
    let man = clap_mangen::Man::new(root.clone());
    let mut body = Vec::new();
    let rendered = (|| {
        man.render_title(&mut body)?;
        man.render_name_section(&mut body)?;
        man.render_synopsis_section(&mut body)?;
        man.render_description_section(&mut body)?;
        man.render_options_section(&mut body)?;
        let mut intro = Roff::new();
        intro.control("SH", ["COMMANDS"]);
        intro.text([roman("The options above apply to every command.")]);
        intro.to_writer(&mut body)?;
        for command in visible_subcommands(&root) {
            command_section(command, &mut body)?;
        }
        man.render_version_section(&mut body)
    })();
    rendered.map_err(|e| Failure::Platform(format!("cannot write the manual page: {e}")))?;
    let body = String::from_utf8(body).map_err(|e| Failure::Platform(format!("the manual page is not UTF-8: {e}")))?;
    // Each piece rendered above begins with roff's definition of an apostrophe: once is enough, after
    // the title, which man wants first.
    let preamble = Roff::new().render();
    let body = body.replace(&preamble, "");
    let (title, rest) = body.split_once('\n').unwrap_or((&body, ""));
    Ok(format!("{title}\n{preamble}{rest}"))
}

fn visible_subcommands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command.get_subcommands().filter(|c| !c.is_hide_set())
}

/// One command as a subsection named by its full invocation (`lakeops glue run`), then the commands
/// under it. clap_mangen renders a command as a page of its own: its sections are kept, each
/// heading (`.SH`) turned into a paragraph of the subsection.
fn command_section(command: &clap::Command, page: &mut Vec<u8>) -> std::io::Result<()> {
    // The global options and -h are on every command: said once, in OPTIONS.
    let own =
        command
            .clone()
            .mut_args(|arg| if arg.is_global_set() || arg.get_id() == "help" { arg.hide(true) } else { arg });
    let man = clap_mangen::Man::new(own.clone());
    let mut heading = Roff::new();
    heading.control("SS", [command.get_bin_name().unwrap_or_else(|| command.get_name())]);
    heading.to_writer(page)?;
    let mut sections = Vec::new();
    man.render_synopsis_section(&mut sections)?;
    man.render_description_section(&mut sections)?;
    if own.get_arguments().any(|arg| !arg.is_hide_set()) {
        man.render_options_section(&mut sections)?;
    }
    for line in String::from_utf8_lossy(&sections).lines() {
        match line.strip_prefix(".SH ") {
            Some("SYNOPSIS") => {}
            Some(title) => {
                let mut label = Roff::new();
                label.control("PP", []);
                if title != "DESCRIPTION" {
                    label.text([italic(format!("{}:", title.trim_matches('"').to_lowercase()))]);
                    label.control("br", []);
                }
                label.to_writer(page)?;
            }
            None => {
                page.extend_from_slice(line.as_bytes());
                page.push(b'\n');
            }
        }
    }
    for sub in visible_subcommands(command) {
        command_section(sub, page)?;
    }
    Ok(())
}
