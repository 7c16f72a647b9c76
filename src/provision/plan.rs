//! Reading a change set and a stream of stack events: the diff an operator reads before
//! applying, and the progress while it applies. Pure; the views and `lakeops provision` share it.

use crate::model::{is_failure, ChangeAction, Replacement, StackChange, StackEvent, StackPlan};

/// One line of a plan, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `+` add, `~` modify, `-` remove, `!` replace, `=` no change, `⚠` a warning, `·` a note.
    pub mark: char,
    pub text: String,
}

impl DiffLine {
    pub fn replaces(&self) -> bool {
        self.mark == '!'
    }
}

/// The plan as a diff: first what applying it would run into (`⚠`: never cut from a dialog's
/// first lines), then adds, modifies (replacements called out with their cause) and removes;
/// then, for a template over the inline limit, where it was put (`·`).
/// Names, types and values come from AWS: every line is shown without control characters.
pub fn diff_lines(plan: &StackPlan) -> Vec<DiffLine> {
    let mut lines: Vec<DiffLine> = plan.warnings.iter().map(|w| DiffLine { mark: '⚠', text: w.clone() }).collect();
    lines.extend(changed_lines(plan));
    if let Some(staged) = &plan.staged {
        lines.push(DiffLine { mark: '·', text: super::staging::said(staged.bytes, &staged.uri) });
    }
    for line in &mut lines {
        line.text = crate::model::text::sanitize(&line.text);
    }
    lines
}

fn changed_lines(plan: &StackPlan) -> Vec<DiffLine> {
    if !plan.has_changes() {
        return vec![DiffLine { mark: '=', text: no_changes(&plan.stack) }];
    }
    let mut changes: Vec<_> = plan.changes.iter().collect();
    changes.sort_by_key(|c| (order(c.action), c.logical_id.clone()));
    changes
        .into_iter()
        .map(|c| {
            let properties = if c.properties.is_empty() {
                String::new()
            } else {
                let said: Vec<String> = c.properties.iter().map(|p| property_said(c, p)).collect();
                format!(" ({})", said.join(", "))
            };
            match (c.action, c.replacement) {
                (ChangeAction::Add, _) => DiffLine { mark: '+', text: format!("{} {}", c.logical_id, c.resource_type) },
                (ChangeAction::Remove, _) => {
                    DiffLine { mark: '-', text: format!("{} {}", c.logical_id, c.resource_type) }
                }
                (ChangeAction::Modify, Replacement::No) => {
                    DiffLine { mark: '~', text: format!("{} {}{properties}", c.logical_id, c.resource_type) }
                }
                (ChangeAction::Modify, replacement) => {
                    let cause = if c.replacing.is_empty() { &c.properties } else { &c.replacing };
                    let how = if replacement == Replacement::Yes { "REPLACED" } else { "may be REPLACED" };
                    let lost = if holds_data(&c.resource_type) { "; the data in the old one is lost" } else { "" };
                    DiffLine {
                        mark: '!',
                        text: format!(
                            "{} {} {how} (a new physical resource{lost}) because of {}",
                            c.logical_id,
                            c.resource_type,
                            if cause.is_empty() {
                                "a property change".to_string()
                            } else {
                                cause.iter().map(|p| property_said(c, p)).collect::<Vec<_>>().join(", ")
                            }
                        ),
                    }
                }
            }
        })
        .collect()
}

/// The longest value a plan line shows before → after; a longer one (a policy, a definition) is
/// left to its property's name (`plan --json` has it whole).
const SHOWN_VALUE_CHARS: usize = 40;

/// A changed property as a plan line says it: `ShardCount 4 → 8` when both values are known and
/// short (and on one line), its name otherwise.
fn property_said(change: &StackChange, property: &str) -> String {
    let shown = |v: &str| (v.chars().count() <= SHOWN_VALUE_CHARS && !v.contains('\n')).then(|| v.to_string());
    let values = change.values.iter().find(|v| v.property == property);
    match values.and_then(|v| Some((shown(&v.before)?, shown(&v.after)?))) {
        Some((before, after)) => format!("{property} {before} → {after}"),
        None => property.to_string(),
    }
}

/// Whether a resource of `resource_type` holds data its replacement does not carry over (a network,
/// a role or a function holds none; a workgroup's history stays with the workgroup kept).
fn holds_data(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "AWS::Kinesis::Stream"
            | "AWS::S3::Bucket"
            | "AWS::Redshift::Cluster"
            | "AWS::RedshiftServerless::Namespace"
            | "AWS::OpenSearchService::Domain"
            | "AWS::MSK::Cluster"
            | "AWS::SQS::Queue"
            | "AWS::Logs::LogGroup"
            | "AWS::Logs::LogStream"
            | "AWS::KinesisFirehose::DeliveryStream"
            | "AWS::Glue::Database"
            | "AWS::Glue::Table"
            | "AWS::KMS::Key"
    )
}

fn order(action: ChangeAction) -> u8 {
    match action {
        ChangeAction::Add => 0,
        ChangeAction::Modify => 1,
        ChangeAction::Remove => 2,
    }
}

/// A one-line count of a plan: "3 to add, 1 to change (1 replaced), 0 to remove".
/// A plan with no change: the stack's template is the profile's. Its resources may still have been
/// changed outside it (a reshard), which only drift detection sees.
pub fn no_changes(stack: &str) -> String {
    format!("no changes: the stack {stack} already matches the profile; drift finds changes made outside it")
}

pub fn summary(plan: &StackPlan) -> String {
    let count = |a: ChangeAction| plan.changes.iter().filter(|c| c.action == a).count();
    let replaced = plan.changes.iter().filter(|c| c.replacement != Replacement::No).count();
    let replaced = if replaced > 0 { format!(" ({replaced} replaced)") } else { String::new() };
    format!(
        "{} to add, {} to change{replaced}, {} to remove",
        count(ChangeAction::Add),
        count(ChangeAction::Modify),
        count(ChangeAction::Remove)
    )
}

/// How far an operation has come, from its events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Progress {
    /// Resources this operation has finished with.
    pub done: usize,
    /// Resources it will touch (from the plan; grows if CloudFormation touches more).
    pub total: usize,
    /// The stack's own newest status.
    pub stack_status: Option<String>,
    /// The first resource that failed and why.
    pub failure: Option<(String, String)>,
    pub rolling_back: bool,
}

impl Progress {
    /// Reads `events` (newest first, as CloudFormation lists them) from the operation that began
    /// at or after `since_ms`; `expected` is how many resources the plan touches.
    pub fn read(stack: &str, events: &[StackEvent], since_ms: i64, expected: usize) -> Progress {
        let mut progress = Progress { total: expected, ..Progress::default() };
        let mut finished = std::collections::BTreeSet::new();
        let mut touched = std::collections::BTreeSet::new();
        for event in events.iter().rev().filter(|e| e.at_ms >= since_ms) {
            if event.logical_id == stack {
                progress.stack_status = Some(event.status.clone());
                progress.rolling_back |= event.status.contains("ROLLBACK");
                continue;
            }
            touched.insert(event.logical_id.clone());
            if event.status.ends_with("_COMPLETE") || event.status.ends_with("_SKIPPED") {
                finished.insert(event.logical_id.clone());
            }
            if event.status.ends_with("_FAILED") && progress.failure.is_none() {
                let reason = event.reason.clone().unwrap_or_else(|| "no reason given".into());
                progress.failure = Some((event.logical_id.clone(), reason));
            }
        }
        progress.total = progress.total.max(touched.len());
        // A stack that completed finished every resource, reported one by one or not (moto
        // reports only the stack's own events).
        let completed = progress.stack_status.as_deref().is_some_and(|s| s.ends_with("_COMPLETE") && !is_failure(s));
        progress.done = if completed { progress.total } else { finished.len() };
        progress
    }

    /// The operation ended (the stack's status is settled).
    pub fn finished(&self) -> bool {
        self.stack_status.as_deref().is_some_and(|s| !s.ends_with("_IN_PROGRESS"))
    }

    pub fn succeeded(&self) -> bool {
        self.finished() && !self.stack_status.as_deref().is_some_and(is_failure)
    }

    /// A bar of `width` cells: `[#####.....]`.
    pub fn bar(&self, width: usize) -> String {
        let filled = (self.done.min(self.total) * width).checked_div(self.total).unwrap_or(0);
        format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(action: ChangeAction, id: &str, replacement: Replacement, props: &[&str]) -> StackChange {
        StackChange {
            action,
            logical_id: id.into(),
            resource_type: "AWS::Kinesis::Stream".into(),
            replacement,
            properties: props.iter().map(|p| p.to_string()).collect(),
            replacing: if replacement == Replacement::Yes {
                props.iter().map(|p| p.to_string()).collect()
            } else {
                vec![]
            },
            values: vec![],
        }
    }

    #[test]
    fn known_short_values_are_said_before_and_after_and_sanitized() {
        let value = |property: &str, before: &str, after: &str| crate::model::PropertyValues {
            property: property.into(),
            before: before.into(),
            after: after.into(),
        };
        let mut c = change(ChangeAction::Modify, "Stream", Replacement::No, &["ShardCount", "Policy", "Name"]);
        c.values = vec![
            value("ShardCount", "4", "8"),
            value("Policy", "{}", &format!("{{\"Statement\":\"{}\"}}", "x".repeat(40))),
            value("Name", "old\u{1b}[31m", "new"),
        ];
        let plan = StackPlan::new("s", None, false, vec![c]);
        let text = &diff_lines(&plan)[0].text;
        assert_eq!(text, "Stream AWS::Kinesis::Stream (ShardCount 4 → 8, Policy, Name old\u{fffd} → new)");
    }

    #[test]
    fn a_plan_reads_as_a_diff_with_replacements_called_out() {
        let plan = StackPlan::new(
            "clickstream",
            Some("cs".into()),
            false,
            vec![
                change(ChangeAction::Remove, "Old", Replacement::No, &[]),
                change(ChangeAction::Modify, "Stream", Replacement::No, &["ShardCount"]),
                change(ChangeAction::Modify, "Vpc", Replacement::Yes, &["CidrBlock"]),
                change(ChangeAction::Add, "New", Replacement::No, &[]),
            ],
        );
        let lines = diff_lines(&plan);
        let marks: String = lines.iter().map(|l| l.mark).collect();
        assert_eq!(marks, "+~!-");
        assert_eq!(lines[1].text, "Stream AWS::Kinesis::Stream (ShardCount)");
        assert!(
            lines[2].replaces()
                && lines[2].text.contains("REPLACED")
                && lines[2].text.ends_with("because of CidrBlock")
        );
        assert_eq!(summary(&plan), "1 to add, 2 to change (1 replaced), 1 to remove");
    }

    #[test]
    fn a_staged_template_is_said_after_the_diff() {
        let mut plan = StackPlan::new("clickstream", None, false, vec![]);
        plan.staged = Some(crate::model::StagedTemplate { uri: "s3://b/clickstream/k.json".into(), bytes: 51_212 });
        plan.changes.push(change(ChangeAction::Add, "New", Replacement::No, &[]));
        let lines = diff_lines(&plan);
        assert_eq!(lines.iter().map(|l| l.mark).collect::<String>(), "+·");
        assert_eq!(
            lines[1].text,
            "the template (51,212 bytes) is over CloudFormation's inline limit of 51,200: it was put in \
             s3://b/clickstream/k.json for CloudFormation to read"
        );
    }

    #[test]
    fn no_changes_is_said_plainly() {
        let plan = StackPlan::new("clickstream", None, false, vec![]);
        assert_eq!(
            diff_lines(&plan)[0].text,
            "no changes: the stack clickstream already matches the profile; drift finds changes made outside it"
        );
    }

    fn event(at_ms: i64, id: &str, status: &str, reason: Option<&str>) -> StackEvent {
        StackEvent {
            id: format!("{id}-{at_ms}"),
            at_ms,
            logical_id: id.into(),
            resource_type: "T".into(),
            status: status.into(),
            reason: reason.map(String::from),
        }
    }

    #[test]
    fn progress_counts_finished_resources_and_names_the_first_failure() {
        let mut events = vec![
            event(5, "old", "CREATE_COMPLETE", None),
            event(10, "s", "UPDATE_IN_PROGRESS", Some("User Initiated")),
            event(11, "A", "CREATE_IN_PROGRESS", None),
            event(12, "A", "CREATE_COMPLETE", None),
            event(13, "B", "CREATE_IN_PROGRESS", None),
        ];
        events.reverse();
        let p = Progress::read("s", &events, 10, 3);
        assert_eq!((p.done, p.total, p.finished()), (1, 3, false));
        assert_eq!(p.bar(6), "[##....]");
        events.insert(0, event(14, "B", "CREATE_FAILED", Some("Bucket name already exists")));
        events.insert(0, event(15, "s", "UPDATE_ROLLBACK_IN_PROGRESS", None));
        events.insert(0, event(16, "s", "UPDATE_ROLLBACK_COMPLETE", None));
        let p = Progress::read("s", &events, 10, 3);
        assert_eq!(p.failure, Some(("B".into(), "Bucket name already exists".into())));
        assert!(p.rolling_back && p.finished() && !p.succeeded());
    }
}
