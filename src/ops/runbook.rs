//! Runbooks: which one an alarm, a sandbox fault or a layer has (one rule, for the console and
//! `lakeops runbook`), and the commands it suggests.
//!
//! The rule for an alarm: a runbook under its exact name, else under its name without
//! `<stack_name>-`, else under the id of the layer it belongs to (from the metric it watches). A
//! fault's or a layer's runbook is the one under its name.
//!
//! Suggested commands are the lines of the Markdown's fenced code blocks that start with
//! `lakeops ` (a `$ ` prompt before them is dropped). The text is an operator's file and may carry
//! escape sequences: it is sanitized once, here, before anything shows it or reads commands out.

use serde::Serialize;

use crate::model::text::{sanitize, sanitize_keeping_lines};
use crate::model::Layer;

/// A suggested command longer than this is not offered: nobody reads it before running it.
pub const MAX_COMMAND_CHARS: usize = 300;
/// At most this many commands are suggested from one runbook.
pub const MAX_COMMANDS: usize = 20;

/// A runbook as lakeops shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Runbook {
    /// The `[runbooks]` key it is configured under.
    pub key: String,
    /// Where it is: a file's path, an `https://` URL or `builtin:NAME`.
    pub location: String,
    pub content: Content,
    /// The `lakeops …` lines of its fenced code blocks, in order, each once.
    pub commands: Vec<String>,
}

/// What a runbook holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Content {
    /// Markdown, sanitized: no escape sequence and no control character but the line feed.
    Text(String),
    /// An `https://` page, to open in a browser.
    Url(String),
    /// The file could not be read (moved, not UTF-8, too large): why, naming the setting.
    Unreadable(String),
}

impl Runbook {
    /// A runbook from its Markdown, sanitized, with its suggested commands.
    pub fn markdown(key: &str, location: &str, markdown: &str) -> Runbook {
        let text = clean(markdown);
        let commands = suggested_commands(&text);
        Runbook { key: sanitize(key), location: sanitize(location), content: Content::Text(text), commands }
    }

    /// A runbook that is a web page.
    pub fn url(key: &str, url: &str) -> Runbook {
        Runbook {
            key: sanitize(key),
            location: sanitize(url),
            content: Content::Url(sanitize(url)),
            commands: Vec::new(),
        }
    }

    /// A runbook whose file could not be read, with the reason.
    pub fn unreadable(key: &str, location: &str, problem: &str) -> Runbook {
        Runbook {
            key: sanitize(key),
            location: sanitize(location),
            content: Content::Unreadable(sanitize(problem)),
            commands: Vec::new(),
        }
    }

    /// Its text when it has one.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Content::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// How a runbook was found for what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Under the name asked for.
    Name,
    /// Under the alarm's name without `<stack_name>-`.
    WithoutStack,
    /// Under the id of the alarm's layer.
    Layer(Layer),
}

impl Match {
    /// As `lakeops runbook --json` names it.
    pub fn id(self) -> &'static str {
        match self {
            Match::Name => "name",
            Match::WithoutStack => "without-stack",
            Match::Layer(_) => "layer",
        }
    }
}

/// A runbook found, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    pub runbook: &'a Runbook,
    pub by: Match,
}

/// The profile's runbooks, by the name each is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Runbooks {
    /// The stack's name: an alarm named `<stack>-…` finds a runbook configured without it.
    stack: String,
    runbooks: Vec<Runbook>,
}

impl Runbooks {
    pub fn new(stack: &str, runbooks: Vec<Runbook>) -> Runbooks {
        Runbooks { stack: stack.to_string(), runbooks }
    }

    pub fn is_empty(&self) -> bool {
        self.runbooks.is_empty()
    }

    /// Every runbook, by name.
    pub fn all(&self) -> &[Runbook] {
        &self.runbooks
    }

    fn get(&self, key: &str) -> Option<&Runbook> {
        self.runbooks.iter().find(|r| r.key == key)
    }

    /// The names a runbook for the alarm `name` (of `layer`, when known) is looked up under, in
    /// order: its name, its name without `<stack>-`, its layer's id.
    pub fn candidates(&self, name: &str, layer: Option<Layer>) -> Vec<(String, Match)> {
        let mut keys = vec![(name.to_string(), Match::Name)];
        let short = name.strip_prefix(self.stack.as_str()).and_then(|r| r.strip_prefix('-'));
        if let Some(short) = short.filter(|s| !s.is_empty() && !self.stack.is_empty()) {
            keys.push((short.to_string(), Match::WithoutStack));
        }
        if let Some(layer) = layer {
            keys.push((layer.id().to_string(), Match::Layer(layer)));
        }
        keys
    }

    /// The runbook of an alarm: under its name, else its name without `<stack>-`, else its layer's.
    pub fn for_alarm(&self, name: &str, layer: Option<Layer>) -> Option<Found<'_>> {
        self.candidates(name, layer)
            .into_iter()
            .find_map(|(key, by)| self.get(&key).map(|runbook| Found { runbook, by }))
    }

    /// The runbook of a sandbox fault (`consumer-errors`), by its name.
    pub fn for_fault(&self, fault: &str) -> Option<Found<'_>> {
        self.get(fault).map(|runbook| Found { runbook, by: Match::Name })
    }

    /// The runbook of a layer, by its id (`kinesis`).
    pub fn for_layer(&self, layer: Layer) -> Option<Found<'_>> {
        self.get(layer.id()).map(|runbook| Found { runbook, by: Match::Name })
    }

    /// What `lakeops runbook NAME` finds without reading the platform: the runbook under NAME (an
    /// alarm, a fault or a layer), else under NAME without `<stack>-`.
    pub fn for_name(&self, name: &str) -> Option<Found<'_>> {
        self.for_alarm(name, None).or_else(|| {
            // A layer as the overview and `status` name it (`emr`: the processing layer).
            let layer = Layer::ALL.into_iter().find(|l| l.title().eq_ignore_ascii_case(name))?;
            self.for_layer(layer)
        })
    }
}

/// The layer an alarm belongs to, from the metric it watches ("AWS/Kinesis GetRecords…", as
/// [`crate::model::Alarm::metric`] gives it).
pub fn layer_of_metric(metric: &str) -> Option<Layer> {
    let namespace = metric.split_whitespace().next()?;
    Some(match namespace {
        "AWS/Kinesis" => Layer::Kinesis,
        "AWS/Kafka" => Layer::Msk,
        "AWS/DMS" | "AWS/DataSync" | "AWS/AppFlow" => Layer::Sources,
        "AWS/Firehose" => Layer::Firehose,
        // The dead-letter queue is the consumer's.
        "AWS/Lambda" | "AWS/SQS" => Layer::Lambda,
        "AWS/S3" => Layer::Lake,
        "Glue" | "AWS/Glue" => Layer::Glue,
        "AWS/States" => Layer::Orchestration,
        "AWS/ElasticMapReduce" | "AWS/EMRServerless" => Layer::Processing,
        "AWS/Athena" => Layer::Athena,
        "AWS/ES" | "AWS/OpenSearchService" => Layer::Opensearch,
        "AWS/QuickSight" => Layer::Quicksight,
        n if n.starts_with("AWS/Redshift") => Layer::Redshift,
        _ => return None,
    })
}

/// An operator's Markdown made safe to draw: CRLF line ends as LF, tabs as four spaces, then no
/// escape sequence, control character or bidi control (each replaced or removed).
pub fn clean(markdown: &str) -> String {
    let text = markdown.replace("\r\n", "\n").replace('\t', "    ");
    sanitize_keeping_lines(&text)
}

/// The `lakeops …` lines of `text`'s fenced code blocks (``` or ~~~), the `$ ` prompt dropped: at
/// most [`MAX_COMMANDS`], each once, none longer than [`MAX_COMMAND_CHARS`] and none that held a
/// control character (sanitizing leaves `�` where one was: such a line is not one to run).
pub fn suggested_commands(text: &str) -> Vec<String> {
    let mut commands: Vec<String> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let opens = |c: char| indent <= 3 && trimmed.chars().take_while(|x| *x == c).count() >= 3;
        match fence {
            None => {
                for c in ['`', '~'] {
                    if opens(c) {
                        fence = Some((c, trimmed.chars().take_while(|x| *x == c).count()));
                    }
                }
            }
            Some((c, len)) => {
                let run = trimmed.chars().take_while(|x| *x == c).count();
                if indent <= 3 && run >= len && trimmed[run * c.len_utf8()..].trim().is_empty() {
                    fence = None;
                    continue;
                }
                let command = trimmed.strip_prefix('$').map(str::trim_start).unwrap_or(trimmed).trim_end();
                let usable = command.starts_with("lakeops ")
                    && command.chars().count() <= MAX_COMMAND_CHARS
                    && !command.contains('\u{fffd}');
                if usable && !commands.iter().any(|c| c == command) && commands.len() < MAX_COMMANDS {
                    commands.push(command.to_string());
                }
            }
        }
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const AGE: &str = "# Iterator age\n\nThe consumer falls behind.\n\n```sh\n$ lakeops reshard clickstream-events --to 8\nlakeops logs --errors\n# a comment\naws kinesis describe-stream\n```\n\nThen `lakeops status` (inline: not suggested).\n\n~~~\n  $   lakeops workflows --failed\n~~~\n";

    fn runbooks() -> Runbooks {
        Runbooks::new(
            "clickstream",
            vec![
                Runbook::markdown("clickstream-iterator-age", "age.md", AGE),
                Runbook::markdown("lambda-errors", "errors.md", "# Errors\n"),
                Runbook::url("kinesis", "https://wiki.example.com/kinesis"),
                Runbook::markdown("consumer-errors", "builtin:lambda-errors", "# Errors\n"),
                Runbook::unreadable(
                    "glue",
                    "/gone/glue.md",
                    "p.toml: key `runbooks.glue`: /gone/glue.md: no such file",
                ),
            ],
        )
    }

    #[test]
    fn an_alarm_finds_its_name_then_its_short_name_then_its_layer() {
        let books = runbooks();
        let found = books.for_alarm("clickstream-iterator-age", Some(Layer::Kinesis)).unwrap();
        assert_eq!((found.runbook.key.as_str(), found.by), ("clickstream-iterator-age", Match::Name));
        let found = books.for_alarm("clickstream-lambda-errors", Some(Layer::Lambda)).unwrap();
        assert_eq!((found.runbook.key.as_str(), found.by), ("lambda-errors", Match::WithoutStack));
        let found = books.for_alarm("clickstream-write-throttling", Some(Layer::Kinesis)).unwrap();
        assert_eq!((found.runbook.key.as_str(), found.by), ("kinesis", Match::Layer(Layer::Kinesis)));
        assert_eq!(found.runbook.content, Content::Url("https://wiki.example.com/kinesis".into()));
        assert!(books.for_alarm("clickstream-write-throttling", None).is_none(), "no layer known, no layer's runbook");
        assert!(books.for_alarm("clickstream-redshift-cpu", Some(Layer::Redshift)).is_none());
        // Another stack's alarm does not take this stack's short names.
        assert!(books.for_alarm("orders-lambda-errors", None).is_none());
        assert!(books.for_alarm("clickstream-", None).is_none());
        let found = books.for_alarm("clickstream-etl-failed", Some(Layer::Glue)).unwrap();
        assert!(matches!(&found.runbook.content, Content::Unreadable(p) if p.contains("no such file")));
    }

    #[test]
    fn faults_layers_and_names() {
        let books = runbooks();
        assert_eq!(books.for_fault("consumer-errors").unwrap().runbook.location, "builtin:lambda-errors");
        assert!(books.for_fault("hot-key").is_none());
        assert_eq!(books.for_layer(Layer::Kinesis).unwrap().runbook.key, "kinesis");
        assert_eq!(books.for_name("kinesis").unwrap().by, Match::Name);
        assert_eq!(books.for_name("clickstream-lambda-errors").unwrap().by, Match::WithoutStack);
        assert!(books.for_name("nothing").is_none());
        let mut all = runbooks().all().to_vec();
        all.push(Runbook::url("processing", "https://wiki.example.com/emr"));
        let with_emr = Runbooks::new("clickstream", all);
        assert_eq!(with_emr.for_name("EMR").map(|f| f.runbook.key.as_str()), Some("processing"), "the overview's name");
        let keys: Vec<String> = books
            .candidates("clickstream-write-throttling", Some(Layer::Kinesis))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["clickstream-write-throttling", "write-throttling", "kinesis"]);
        assert_eq!(books.candidates("other-x", None).len(), 1);
    }

    #[test]
    fn commands_come_from_fenced_blocks_only() {
        assert_eq!(
            suggested_commands(AGE),
            ["lakeops reshard clickstream-events --to 8", "lakeops logs --errors", "lakeops workflows --failed"]
        );
        // An unclosed fence runs to the end; a longer closing fence closes; four spaces do not open.
        let text = "    ```\n    lakeops a\n````\nlakeops b\n``````\nlakeops c\n```\nlakeops d\nlakeops d\n";
        assert_eq!(suggested_commands(text), ["lakeops b", "lakeops d"]);
        assert!(suggested_commands("lakeops status\n").is_empty(), "outside a block: prose");
        assert!(suggested_commands("```\nlakeopsx\nlakeops\n```\n").is_empty());
    }

    #[test]
    fn hostile_runbooks_are_made_safe() {
        let evil = "# T\u{1b}]0;owned\u{7}itle\r\n\u{1b}[2J\tindented\n```\n$ lakeops status\u{1b}[8m --json\nlakeops \u{9b}31m status\nlakeops audit\n```\n";
        let book = Runbook::markdown("k\u{1b}[1m", "p\u{7}.md", evil);
        let text = book.text().unwrap();
        assert!(!text.contains(['\u{1b}', '\u{7}', '\r', '\t', '\u{9b}']), "{text:?}");
        assert!(text.starts_with("# T\u{fffd}itle\n\u{fffd}    indented\n"), "{text:?}");
        assert_eq!(book.commands, ["lakeops audit"], "a line that held an escape is not suggested");
        assert_eq!((book.key.as_str(), book.location.as_str()), ("k\u{fffd}", "p\u{fffd}.md"));
        let problem = Runbook::unreadable("k", "x", "cannot read \u{1b}[2J");
        assert_eq!(problem.content, Content::Unreadable("cannot read \u{fffd}".into()));
    }

    #[test]
    fn long_lines_and_many_commands_are_bounded() {
        let long = format!("```\nlakeops {}\nlakeops ok\n```\n", "x".repeat(100_000));
        assert_eq!(suggested_commands(&long), ["lakeops ok"]);
        let many: String = (0..500).map(|i| format!("lakeops status --n {i}\n")).collect();
        assert_eq!(suggested_commands(&format!("```\n{many}```\n")).len(), MAX_COMMANDS);
        let book = Runbook::markdown("k", "l", &"é".repeat(200_000));
        assert_eq!(book.text().unwrap().chars().count(), 200_000, "a long line is kept whole, to be wrapped");
    }

    #[test]
    fn metrics_name_their_layer() {
        assert_eq!(layer_of_metric("AWS/Kinesis GetRecords.IteratorAgeMilliseconds"), Some(Layer::Kinesis));
        assert_eq!(layer_of_metric("AWS/SQS ApproximateNumberOfMessagesVisible"), Some(Layer::Lambda));
        assert_eq!(layer_of_metric("Glue glue.driver.aggregate.numFailedTasks"), Some(Layer::Glue));
        assert_eq!(layer_of_metric("AWS/Redshift-Serverless ComputeCapacity"), Some(Layer::Redshift));
        assert_eq!(layer_of_metric("AWS/States ExecutionsFailed"), Some(Layer::Orchestration));
        assert_eq!(layer_of_metric("Custom/Thing X"), None);
        assert_eq!(layer_of_metric(""), None);
    }

    /// Any text, weighted towards what a terminal obeys.
    fn hostile() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '\u{1b}', '\u{9b}', '\u{7}', '\u{0}', '\u{8}', '\u{7f}', '\u{85}', '\u{9d}', '\n', '\r', '\t', '[', ']',
            '`', '~', '$', '\u{202e}', 'l', ' ',
        ]);
        let piece = prop_oneof![
            special.prop_map(String::from),
            any::<char>().prop_map(String::from),
            Just("```\n".to_string()),
            Just("lakeops ".to_string()),
            Just("\u{1b}]52;c;ZXZpbA==\u{7}".to_string()),
        ];
        proptest::collection::vec(piece, 0..96).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn sanitized_runbooks_hold_no_control_character_but_the_line_feed(markdown in hostile()) {
            let book = Runbook::markdown("k", "l", &markdown);
            let text = book.text().unwrap_or_default();
            let bad = |c: char| (c.is_control() && c != '\n') || crate::model::text::is_bidi_control(c);
            prop_assert!(!text.chars().any(bad), "{:?} -> {:?}", markdown, text);
            for command in &book.commands {
                prop_assert!(!command.chars().any(|c| c.is_control()), "{:?}", command);
                prop_assert!(command.starts_with("lakeops ") && command.chars().count() <= MAX_COMMAND_CHARS);
            }
        }
    }
}
