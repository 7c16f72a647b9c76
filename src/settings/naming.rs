//! The names a profile gives the platform's resources: each service's naming rule, and the
//! names derived from the stack name when the profile does not set them. Every rule is checked
//! when settings load, so a name CloudFormation or IAM would reject never reaches a template.

use super::model::{EmrMode, PlatformSettings, RedshiftMode, Settings};

/// A name-bearing setting: its key, how it is derived from the stack name, its rule in words and
/// the rule itself.
pub(super) struct NameRule {
    pub key: &'static str,
    field: fn(&mut PlatformSettings) -> &mut String,
    read: fn(&PlatformSettings) -> &String,
    derive: fn(&str) -> String,
    pub rule: &'static str,
    pub valid: fn(&str) -> bool,
}

/// Every resource name a profile may set; unset, each is derived from `platform.stack_name`.
pub(super) const NAMES: &[NameRule] = &[
    NameRule {
        key: "platform.stream.name",
        field: |p| &mut p.stream.name,
        read: |p| &p.stream.name,
        derive: |stack| format!("{stack}-events"),
        rule: "a Kinesis stream name: 1 to 128 letters, digits, '_', '-' or '.'",
        valid: is_stream_name,
    },
    NameRule {
        key: "platform.lambda.function",
        field: |p| &mut p.lambda.function,
        read: |p| &p.lambda.function,
        derive: |stack| format!("{stack}-ingest"),
        rule: "a Lambda function name: 1 to 64 letters, digits, '-' or '_'",
        valid: is_function_name,
    },
    NameRule {
        key: "platform.dlq.queue",
        field: |p| &mut p.dlq.queue,
        read: |p| &p.dlq.queue,
        derive: |stack| format!("{stack}-ingest-dlq"),
        rule: "an SQS queue name: 1 to 80 letters, digits, '-' or '_'",
        valid: is_queue_name,
    },
    NameRule {
        key: "platform.glue.database",
        field: |p| &mut p.glue.database,
        read: |p| &p.glue.database,
        derive: |stack| stack.to_ascii_lowercase().replace('-', "_"),
        rule: "a Glue database name Athena can query: 1 to 255 lowercase letters, digits and '_'",
        valid: is_database_name,
    },
    NameRule {
        key: "platform.glue.crawler",
        field: |p| &mut p.glue.crawler,
        read: |p| &p.glue.crawler,
        derive: |stack| format!("{stack}-raw"),
        rule: "a Glue crawler name: 1 to 255 letters, digits, '-', '_' or '.'",
        valid: |n| is_glue_name(n, 255),
    },
    NameRule {
        key: "platform.glue.job",
        field: |p| &mut p.glue.job,
        read: |p| &p.glue.job,
        derive: |stack| format!("{stack}-curate"),
        rule: "a Glue job name: 1 to 246 letters, digits, '-', '_' or '.' (its trigger is <job>-schedule, at most 255)",
        valid: |n| is_glue_name(n, 255 - "-schedule".len()),
    },
    NameRule {
        key: "platform.redshift.name",
        field: |p| &mut p.redshift.name,
        read: |p| &p.redshift.name,
        derive: |stack| stack.to_ascii_lowercase(),
        rule:
            "a Redshift name: 3 to 63 lowercase letters, digits and hyphens, starting with a letter, not ending with \
               a hyphen, no two hyphens in a row",
        valid: is_redshift_name,
    },
    NameRule {
        key: "platform.athena.workgroup",
        field: |p| &mut p.athena.workgroup,
        read: |p| &p.athena.workgroup,
        derive: |stack| format!("{stack}-ops"),
        rule: "an Athena workgroup name: 1 to 128 letters, digits, '.', '_' or '-'",
        valid: is_workgroup_name,
    },
    NameRule {
        key: "platform.orchestration.state_machine",
        field: |p| &mut p.orchestration.state_machine,
        read: |p| &p.orchestration.state_machine,
        derive: |stack| format!("{stack}-nightly"),
        rule: "a Step Functions state machine name: 1 to 80 letters, digits, '-' or '_'",
        valid: is_state_machine_name,
    },
    NameRule {
        key: "platform.emr.name",
        field: |p| &mut p.emr.name,
        read: |p| &p.emr.name,
        derive: |stack| format!("{stack}-spark"),
        rule: "an EMR cluster name: 1 to 256 printable characters",
        valid: is_emr_name,
    },
    NameRule {
        key: "platform.firehose.delivery_stream",
        field: |p| &mut p.firehose.delivery_stream,
        read: |p| &p.firehose.delivery_stream,
        derive: |stack| format!("{stack}-delivery"),
        rule: "a Firehose delivery stream name: 1 to 64 letters, digits, '_', '-' or '.'",
        valid: is_delivery_stream_name,
    },
];

/// Gives every name the profile does not set (`is_set` says which it does) its derived value;
/// returns the keys derived.
pub(super) fn derive(s: &mut Settings, is_set: impl Fn(&str) -> bool) -> Vec<&'static str> {
    let stack = s.platform.stack_name.clone();
    let mut derived = Vec::new();
    for name in NAMES.iter().filter(|n| !is_set(n.key)) {
        *(name.field)(&mut s.platform) = (name.derive)(&stack);
        derived.push(name.key);
    }
    derived
}

/// The first name its service would reject among those `checked` selects, as (key, message);
/// a name the profile left to the stack name says so (`derived`).
pub(super) fn first_bad(
    s: &Settings,
    checked: impl Fn(&str) -> bool,
    derived: impl Fn(&str) -> bool,
) -> Option<(&'static str, String)> {
    let name = NAMES.iter().filter(|n| checked(n.key)).find(|n| {
        let unused = (n.key == "platform.redshift.name" && s.platform.redshift.mode == RedshiftMode::Off)
            || (n.key == "platform.orchestration.state_machine" && !s.platform.orchestration.nightly)
            || (n.key == "platform.emr.name" && s.platform.emr.mode == EmrMode::Off)
            || (n.key == "platform.firehose.delivery_stream" && !s.platform.firehose.create);
        !unused && !(n.valid)(n.value(s))
    })?;
    let from = if derived(name.key) {
        format!(
            " (derived from platform.stack_name {:?}: set {} or choose another stack name)",
            s.platform.stack_name, name.key
        )
    } else {
        String::new()
    };
    Some((name.key, format!("expected {}, found {:?}{from}", name.rule, name.value(s))))
}

/// Before provisioning: the first name derived from the stack name (or set, though those were
/// checked when the profile loaded) that its service would reject. The console does not need
/// them valid, so a short stack name such as `x` loads; it cannot be provisioned as it is.
pub fn provisioning_name_problem(s: &Settings) -> Option<(&'static str, String)> {
    first_bad(s, |_| true, |_| true)
}

impl NameRule {
    /// The setting's value in `s`.
    pub fn value<'a>(&self, s: &'a Settings) -> &'a str {
        (self.read)(&s.platform)
    }
}

fn all(n: &str, allowed: impl Fn(char) -> bool) -> bool {
    n.chars().all(allowed)
}

pub fn is_state_machine_name(n: &str) -> bool {
    (1..=80).contains(&n.len()) && all(n, |c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn is_emr_name(n: &str) -> bool {
    (1..=256).contains(&n.chars().count()) && all(n, |c| !c.is_control())
}

/// EMR Serverless names its applications more narrowly than EMR its clusters.
pub fn is_serverless_application_name(n: &str) -> bool {
    (1..=64).contains(&n.len()) && all(n, |c| c.is_ascii_alphanumeric() || "._-/#".contains(c))
}

pub fn is_delivery_stream_name(n: &str) -> bool {
    (1..=64).contains(&n.len()) && all(n, |c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// OpenSearch domain names: 3 to 28 lowercase letters, digits and hyphens, starting with a letter.
pub fn is_domain_name(n: &str) -> bool {
    (3..=28).contains(&n.len())
        && n.starts_with(|c: char| c.is_ascii_lowercase())
        && all(n, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// MSK cluster names: 1 to 64 letters, digits and hyphens, starting with a letter.
pub fn is_kafka_cluster_name(n: &str) -> bool {
    (1..=64).contains(&n.len())
        && n.starts_with(|c: char| c.is_ascii_alphabetic())
        && all(n, |c| c.is_ascii_alphanumeric() || c == '-')
}

fn is_stream_name(n: &str) -> bool {
    (1..=128).contains(&n.len()) && all(n, |c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

fn is_function_name(n: &str) -> bool {
    (1..=64).contains(&n.len()) && all(n, |c| c.is_ascii_alphanumeric() || "-_".contains(c))
}

fn is_queue_name(n: &str) -> bool {
    (1..=80).contains(&n.len()) && all(n, |c| c.is_ascii_alphanumeric() || "-_".contains(c))
}

fn is_database_name(n: &str) -> bool {
    (1..=255).contains(&n.len()) && all(n, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Glue takes any single-line text; the names also go into ARNs, S3 keys and `Fn::Sub`, so only
/// the characters that are safe in all of them are accepted.
fn is_glue_name(n: &str, max: usize) -> bool {
    (1..=max).contains(&n.len()) && all(n, |c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn is_redshift_name(n: &str) -> bool {
    (3..=63).contains(&n.len())
        && n.starts_with(|c: char| c.is_ascii_lowercase())
        && !n.ends_with('-')
        && !n.contains("--")
        && all(n, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_workgroup_name(n: &str) -> bool {
    (1..=128).contains(&n.len()) && all(n, |c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_of_stack_clickstream_are_the_names_lakeops_always_used() {
        let expected = [
            "clickstream-events",
            "clickstream-ingest",
            "clickstream-ingest-dlq",
            "clickstream",
            "clickstream-raw",
            "clickstream-curate",
            "clickstream",
            "clickstream-ops",
        ];
        for (name, expected) in NAMES.iter().zip(expected) {
            assert_eq!((name.derive)("clickstream"), expected, "{}", name.key);
            assert!((name.valid)(expected), "{}", name.key);
        }
    }

    #[test]
    fn rules() {
        assert!(is_function_name(&"f".repeat(64)) && !is_function_name(&"f".repeat(65)));
        assert!(!is_function_name("my function") && !is_function_name("arn:aws:lambda"));
        assert!(is_queue_name("dlq_1") && !is_queue_name("dlq.fifo") && !is_queue_name(""));
        assert!(!is_redshift_name("ab") && !is_redshift_name("wh-") && !is_redshift_name("a--b"));
        assert!(!is_redshift_name("1wh") && is_redshift_name("warehouse-v2"));
        assert!(is_workgroup_name("primary.ops_1") && !is_workgroup_name("ops/*"));
        assert!(!is_glue_name("job${AWS::Region}", 255) && !is_glue_name("a\nb", 255));
        assert!(!is_database_name("Clickstream") && is_database_name("click_stream"));
    }
}
