//! `lakeops runbook NAME [--json]`: the runbook of an alarm, a sandbox fault or a layer, by the
//! rule the console uses (`ops::runbook`), read from the profile's `[runbooks]` without the
//! platform, so it answers when the platform is what is down. An alarm covered only by its
//! layer's runbook is found by the layer's id: the console knows an alarm's layer from the metric
//! it watches; this command reads no alarm.

use serde::Serialize;

use super::{json, Failure};
use crate::ops::runbook::{Content, Runbooks};
use crate::settings::Loaded;

/// What `--json` prints.
#[derive(Serialize)]
struct Shown<'a> {
    /// The name asked for.
    name: &'a str,
    /// The `[runbooks]` key that answered, and how: `name` or `without-stack`.
    key: &'a str,
    matched: &'static str,
    /// A file's path, the URL or `builtin:NAME`.
    location: &'a str,
    /// The Markdown, sanitized (null for a URL).
    text: Option<&'a str>,
    url: Option<&'a str>,
    /// The `lakeops …` lines of its fenced code blocks.
    commands: &'a [String],
}

pub fn run(loaded: &Loaded, name: &str, as_json: bool) -> Result<String, Failure> {
    let runbooks = crate::session::runbook::load(loaded);
    show(&runbooks, name, &loaded.profile_origin, as_json)
}

/// The runbook of `name` as text or JSON; none, or one that cannot be read, is exit 2.
pub fn show(runbooks: &Runbooks, name: &str, profile: &str, as_json: bool) -> Result<String, Failure> {
    let Some(found) = runbooks.for_name(name) else { return Err(Failure::Invalid(none(runbooks, name, profile))) };
    let runbook = found.runbook;
    let (text, url) = match &runbook.content {
        Content::Text(text) => (Some(text.as_str()), None),
        Content::Url(url) => (None, Some(url.as_str())),
        Content::Unreadable(problem) => {
            return Err(Failure::Invalid(format!("the runbook for {name} cannot be read: {problem}")))
        }
    };
    if as_json {
        return json(&Shown {
            name,
            key: &runbook.key,
            matched: found.by.id(),
            location: &runbook.location,
            text,
            url,
            commands: &runbook.commands,
        });
    }
    let configured = if runbook.key == name { String::new() } else { format!(" (configured as {})", runbook.key) };
    let mut out = format!("Runbook for {name}{configured} — {}\n\n", runbook.location);
    match (text, url) {
        (Some(text), _) => out.push_str(text.trim_end()),
        (_, Some(url)) => out.push_str(&format!("The runbook is a web page: open {url}")),
        _ => {}
    }
    out.push('\n');
    if !runbook.commands.is_empty() {
        out.push_str("\nSuggested commands:\n");
        for command in &runbook.commands {
            out.push_str(&format!("  {command}\n"));
        }
    }
    Ok(out)
}

/// Why nothing answered, and what has a runbook.
fn none(runbooks: &Runbooks, name: &str, profile: &str) -> String {
    let name = crate::model::text::sanitize(name);
    if runbooks.is_empty() {
        return format!(
            "no runbook for {name}: {profile} has no [runbooks]; add one (an alarm's name, a fault's name or a \
             layer's id = a Markdown file, an https:// URL or builtin:NAME), as docs/runbooks.md shows"
        );
    }
    let candidates = runbooks.candidates(&name, None);
    let tried: Vec<String> = candidates.iter().map(|(k, _)| format!("{k:?}")).collect();
    let keys: Vec<&str> = runbooks.all().iter().map(|r| r.key.as_str()).collect();
    // A typo of the whole name, or of the name without the stack's (keys are often written so).
    let short = candidates.last().map(|(k, _)| k.as_str()).unwrap_or(&name);
    let hint = crate::settings::nearest(&name, keys.iter().copied())
        .or_else(|| crate::settings::nearest(short, keys.iter().copied()))
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    format!(
        "no runbook for {name} under [runbooks] in {profile} (looked for {}){hint}; an alarm covered by its layer's \
         runbook is found by the layer's id (kinesis, lambda, glue, …). Runbooks are configured for: {}",
        tried.join(", "),
        keys.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::runbook::Runbook;

    fn runbooks() -> Runbooks {
        Runbooks::new(
            "clickstream",
            vec![
                Runbook::markdown("iterator-age", "builtin:iterator-age", "# Age\n\n```\n$ lakeops status\n```\n"),
                Runbook::url("kinesis", "https://wiki.example.com/k"),
                Runbook::unreadable("glue", "/gone.md", "p.toml: key `runbooks.glue`: /gone.md: no such file"),
            ],
        )
    }

    #[test]
    fn text_then_the_suggested_commands() {
        let out = show(&runbooks(), "clickstream-iterator-age", "p.toml", false).unwrap();
        assert_eq!(
            out,
            "Runbook for clickstream-iterator-age (configured as iterator-age) — builtin:iterator-age\n\n# Age\n\n```\n$ lakeops status\n```\n\nSuggested commands:\n  lakeops status\n"
        );
        let out = show(&runbooks(), "kinesis", "p.toml", false).unwrap();
        assert!(out.contains("The runbook is a web page: open https://wiki.example.com/k"), "{out}");
        let doc: serde_json::Value =
            serde_json::from_str(&show(&runbooks(), "iterator-age", "p.toml", true).unwrap()).unwrap();
        assert_eq!(doc["matched"], "name");
        assert_eq!(doc["commands"], serde_json::json!(["lakeops status"]));
        assert!(doc["url"].is_null());
    }

    #[test]
    fn none_and_unreadable_are_exit_2_saying_why() {
        let err = show(&runbooks(), "clickstream-iterator-ag", "p.toml", false).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("(did you mean `iterator-age`?)"), "{}", err.message());
        assert!(
            err.message().ends_with("Runbooks are configured for: iterator-age, kinesis, glue"),
            "{}",
            err.message()
        );
        let err = show(&runbooks(), "glue", "p.toml", false).unwrap_err();
        assert_eq!(
            err.message(),
            "the runbook for glue cannot be read: p.toml: key `runbooks.glue`: /gone.md: no such file"
        );
        let err = show(&Runbooks::default(), "x", "p.toml", false).unwrap_err();
        assert!(err.message().starts_with("no runbook for x: p.toml has no [runbooks]"), "{}", err.message());
    }
}
