//! Mutations need a yes: `--yes`, or an answer on a terminal. A non-terminal is refused.

use std::io::{BufRead, IsTerminal, Write};

use super::Failure;
use crate::model::Change;
use crate::session::Session;

/// Asks `question` unless `yes`; refuses when nobody can answer.
pub fn confirm(question: &str, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    let answer = read_answer(question, &format!("{question} [y/N] "))?;
    match answer.to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(Failure::Refused("not confirmed; nothing was changed".into())),
    }
}

/// A destructive change (`what`) needs `yes`, or `name` typed on a terminal after `prompt`;
/// anything else is refused, saying `unchanged` ("nothing was deleted").
pub fn confirm_by_name(what: &str, name: &str, prompt: &str, unchanged: &str, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    let answer = read_answer(what, prompt)?;
    if answer != name {
        return Err(Failure::Refused(format!("{answer:?} is not {name:?}; {unchanged}")));
    }
    Ok(())
}

/// One line typed on the terminal after `prompt`, trimmed; `what` names the change refused when
/// stdin is not a terminal.
pub fn read_answer(what: &str, prompt: &str) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::Refused(format!(
            "{what} — not confirmed: stdin is not a terminal; pass --yes to proceed"
        )));
    }
    crate::note_inline!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).map_err(|e| Failure::Refused(format!("not confirmed: {e}")))?;
    Ok(answer.trim().to_string())
}

/// How a change is confirmed on a terminal: a yes to a question, or (destructive) a name typed.
#[derive(Debug, Clone, Copy)]
pub enum Confirmation<'a> {
    Question(&'a str),
    TypedName(&'a str),
}

/// Read-only refuses `change` before anything is read or asked, unless `args` asks for a dry run:
/// that changes nothing, so read-only mode shows its plan (as `reshard` and `glue` do).
pub fn refuse_early(session: &Session, change: &Change, args: crate::cli::ChangeArgs) -> Result<(), Failure> {
    if args.dry_run {
        return Ok(());
    }
    session.gate.check(change, "")?;
    Ok(())
}

/// The gate's read-only check of `change`, then `plan` shown and the confirmation asked unless
/// `yes`; either refusal is journaled with `detail`.
pub fn ask(
    session: &Session,
    change: &Change,
    detail: &str,
    plan: &str,
    confirmation: Confirmation<'_>,
    yes: bool,
) -> Result<(), Failure> {
    session.gate.check(change, detail)?;
    if !yes {
        crate::note_inline!("{plan}");
    }
    let answered = match confirmation {
        Confirmation::Question(question) => confirm(question, yes),
        Confirmation::TypedName(name) => {
            confirm_by_name(&change.what(), name, &format!("Type {name} to confirm: "), "nothing was changed", yes)
        }
    };
    answered.inspect_err(|refused| {
        session.gate.record(change.action(), change.target(), detail, &format!("refused: {}", refused.message()))
    })
}

/// A checked change made headless: the plan (`lines`) printed, `--dry-run` honoured, asked
/// unless `--yes`, made through the write gate. Returns what to print, and what the platform
/// answered (`None` for a dry run).
pub async fn make_planned(
    session: &Session,
    platform: &dyn crate::platform::Platform,
    change: &Change,
    lines: &[String],
    args: crate::cli::ChangeArgs,
    typed_name: Option<&str>,
) -> Result<(String, Option<crate::model::Applied>), Failure> {
    let mut out = String::from("plan:\n");
    for line in lines {
        out.push_str(&format!("  {}\n", crate::model::text::sanitize(line)));
    }
    if args.dry_run {
        out.push_str("dry run: nothing was changed\n");
        return Ok((out, None));
    }
    let detail = lines.join("; ");
    let question = format!("{}?", change.what());
    let confirmation = match typed_name {
        Some(name) => Confirmation::TypedName(name),
        None => Confirmation::Question(&question),
    };
    ask(session, change, &detail, &out, confirmation, args.yes)?;
    let applied = crate::session::change::apply(session, platform, change, &detail).await?;
    out.push_str(&crate::model::text::sanitize(&applied.answer()));
    out.push('\n');
    if let Some(confirmation) = applied.confirmation() {
        out.push_str(&format!("{confirmation}\n"));
    }
    Ok((out, Some(applied)))
}
