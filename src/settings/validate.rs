//! Values that parse but cannot be right: each rule names its key and what is expected.

use super::model::Settings;
use super::naming::first_bad;
use crate::model::text::shows_as_written;
use crate::model::SourceKind;

/// The first impossible value, as (key, what is expected). `derived` are the name keys the
/// profile left to the stack name (checked before provisioning, not here).
pub fn validate(s: &Settings, derived: &[&str]) -> Result<(), (&'static str, String)> {
    check("name", !s.name.trim().is_empty(), || "expected a non-empty profile name".into())?;
    check("name", shows_as_written(&s.name), || {
        format!("expected a name with no control, bidi or invisible characters, found {:?}", s.name)
    })?;
    check("aws.region", is_region(&s.aws.region), || {
        format!("expected an AWS region such as eu-west-1, found {:?}", s.aws.region)
    })?;
    if let Some(url) = &s.aws.endpoint_url {
        check("aws.endpoint_url", is_http_url(url), || {
            format!("expected an http:// or https:// URL such as http://127.0.0.1:4566, found {url:?}")
        })?;
    }
    if let Some(bucket) = &s.aws.template_bucket {
        check("aws.template_bucket", is_bucket_name(bucket), || bucket_expected(bucket))?;
    }
    if let Some(profile) = &s.aws.profile {
        check("aws.profile", !profile.trim().is_empty(), || {
            "expected a named AWS profile, found an empty string".into()
        })?;
    }
    range("aws.max_attempts", s.aws.max_attempts as f64, 1.0, 10.0, "attempts")?;
    range("aws.initial_backoff_ms", s.aws.initial_backoff_ms as f64, 1.0, 60_000.0, "milliseconds")?;
    range("aws.connect_timeout_ms", s.aws.connect_timeout_ms as f64, 100.0, 60_000.0, "milliseconds")?;
    check("platform.stack_name", is_stack_name(&s.platform.stack_name), || {
        format!(
            "expected a CloudFormation stack name (a letter, then letters, digits and hyphens, at most 128), found {:?}",
            s.platform.stack_name
        )
    })?;
    // Names the profile sets; those derived from the stack name are checked before provisioning.
    if let Some(problem) = first_bad(s, |key| !derived.contains(&key), |_| false) {
        return Err(problem);
    }
    let stream = &s.platform.stream;
    range("platform.stream.shards", stream.shards as f64, 1.0, 10_000.0, "shards (the per-stream maximum is 10,000)")?;
    range(
        "platform.stream.retention_hours",
        stream.retention_hours as f64,
        24.0,
        8_760.0,
        "hours (Kinesis keeps 24 h to 365 days)",
    )?;
    range("platform.lambda.batch_size", s.platform.lambda.batch_size as f64, 1.0, 10_000.0, "records")?;
    range("platform.lake.glacier_after_days", s.platform.lake.glacier_after_days as f64, 1.0, 36_500.0, "days")?;
    for (key, bucket) in [
        ("platform.lake.raw_bucket", &s.platform.lake.raw_bucket),
        ("platform.lake.curated_bucket", &s.platform.lake.curated_bucket),
    ] {
        if let Some(bucket) = bucket {
            check(key, is_bucket_name(bucket), || bucket_expected(bucket))?;
        }
    }
    if let Some(location) = &s.platform.glue.script_location {
        check(
            "platform.glue.script_location",
            location
                .strip_prefix("s3://")
                .and_then(|r| r.split_once('/'))
                .is_some_and(|(b, k)| is_bucket_name(b) && !k.is_empty()),
            || format!("expected an S3 URI such as s3://my-bucket/scripts/curate.py, found {location:?}"),
        )?;
    }
    check("platform.glue.schedule", is_schedule(&s.platform.glue.schedule), || {
        format!("expected cron(...) or rate(...), found {:?}", s.platform.glue.schedule)
    })?;
    check("platform.athena.bytes_scanned_cutoff", s.platform.athena.bytes_scanned_cutoff >= 10_000_000, || {
        format!(
            "expected at least 10000000 bytes (the Athena minimum), found {}",
            s.platform.athena.bytes_scanned_cutoff
        )
    })?;
    range("platform.athena.price_per_tb_usd", s.platform.athena.price_per_tb_usd, 0.0, 1_000.0, "US dollars per TB")?;
    range("platform.athena.minimum_billed_mb", s.platform.athena.minimum_billed_mb as f64, 0.0, 1_000_000.0, "MB")?;
    range(
        "platform.alarms.iterator_age_seconds",
        s.platform.alarms.iterator_age_seconds as f64,
        1.0,
        604_800.0,
        "seconds",
    )?;
    range(
        "platform.alarms.lambda_error_rate",
        s.platform.alarms.lambda_error_rate,
        0.0,
        1.0,
        "a fraction (0.01 is 1 %)",
    )?;
    range("platform.alarms.redshift_cpu_percent", s.platform.alarms.redshift_cpu_percent, 1.0, 100.0, "percent")?;
    let orchestration = &s.platform.orchestration;
    check("platform.orchestration.schedule", is_schedule(&orchestration.schedule), || {
        format!("expected cron(...) or rate(...), found {:?}", orchestration.schedule)
    })?;
    if let Some(bad) = orchestration.state_machines.iter().find(|n| !super::naming::is_state_machine_name(n)) {
        return Err((
            "platform.orchestration.state_machines",
            format!("expected state machine names (1 to 80 letters, digits, '-' or '_'), found {bad:?}"),
        ));
    }
    list(
        "platform.orchestration.glue_workflows",
        &orchestration.glue_workflows,
        |n| (1..=255).contains(&n.len()) && shows_as_written(n),
        "Glue workflow names (1 to 255 characters, no control, bidi or invisible characters)",
    )?;
    list(
        "platform.alarms.names",
        &s.platform.alarms.names,
        |n| (1..=255).contains(&n.len()) && shows_as_written(n),
        "CloudWatch alarm names (1 to 255 characters, no control, bidi or invisible characters)",
    )?;
    let emr = &s.platform.emr;
    range("platform.emr.cost_per_hour", emr.cost_per_hour, 0.0, 100_000.0, "USD an hour")?;
    range("platform.emr.idle_warn_minutes", emr.idle_warn_minutes as f64, 1.0, 10_080.0, "minutes")?;
    check(
        "platform.emr.name",
        emr.mode != crate::model::EmrMode::Serverless || super::naming::is_serverless_application_name(&emr.name),
        || {
            format!(
                "expected an EMR Serverless application name: 1 to 64 letters, digits, '.', '_', '-', '/' or '#', found {:?}",
                emr.name
            )
        },
    )?;
    for (template, step) in &emr.steps {
        if let Some(problem) = crate::ops::emr::step_problem(step) {
            return Err(("platform.emr.steps", format!("template {template:?}: {problem}")));
        }
    }
    listed_once(&s.platform)?;
    services(&s.platform)?;
    check("platform.network.cidr", is_cidr(&s.platform.network.cidr), || {
        format!(
            "expected an IPv4 CIDR block from /16 to /28 written as its network address, such as 10.20.0.0/16, found {:?}",
            s.platform.network.cidr
        )
    })?;
    range("console.refresh_seconds", s.console.refresh_seconds as f64, 1.0, 3_600.0, "seconds")?;
    range("console.peek_memory_mib", s.console.peek_memory_mib as f64, 1.0, 16_384.0, "MiB")?;
    if let Some(color) = &s.console.color {
        super::theme::parse_color(color).map_err(|message| ("console.color", message))?;
    }
    range("sandbox.speed", s.sandbox.speed, 0.01, 3_600.0, "times the wall clock")?;
    range(
        "sandbox.peak_records_per_second",
        s.sandbox.peak_records_per_second,
        1.0,
        1_000_000.0,
        "records per second",
    )?;
    range(
        "sandbox.record_bytes",
        s.sandbox.record_bytes as f64,
        1.0,
        1_048_576.0,
        "bytes (a Kinesis record is at most 1 MiB)",
    )?;
    range("sandbox.lambda_error_rate", s.sandbox.lambda_error_rate, 0.0, 1.0, "a fraction")?;
    range("sandbox.glue_failure_rate", s.sandbox.glue_failure_rate, 0.0, 1.0, "a fraction")?;
    range("sandbox.engine_memory_mib", s.sandbox.engine_memory_mib as f64, 256.0, 1_048_576.0, "MiB")?;
    Ok(())
}

/// The layers a profile adds: each name as its service allows it, each expectation possible.
fn services(p: &super::model::PlatformSettings) -> Result<(), (&'static str, String)> {
    use super::naming::{is_delivery_stream_name, is_domain_name, is_kafka_cluster_name};
    list(
        "platform.firehose.delivery_streams",
        &p.firehose.delivery_streams,
        is_delivery_stream_name,
        "delivery stream names (1 to 64 letters, digits, '_', '-' or '.')",
    )?;
    let os = &p.opensearch;
    check("platform.opensearch.domain", os.domain.is_empty() || is_domain_name(&os.domain), || {
        format!(
            "expected an OpenSearch domain name: 3 to 28 lowercase letters, digits and hyphens, starting with a letter, found {:?}",
            os.domain
        )
    })?;
    check("platform.opensearch.create", !os.create || !os.domain.is_empty(), || {
        "expected a domain to create: set platform.opensearch.domain".into()
    })?;
    let msk = &p.msk;
    check("platform.msk.cluster", msk.cluster.is_empty() || is_kafka_cluster_name(&msk.cluster), || {
        format!(
            "expected an MSK cluster name: 1 to 64 letters, digits and hyphens, starting with a letter, found {:?}",
            msk.cluster
        )
    })?;
    check("platform.msk.consumer_groups", msk.consumer_groups.is_empty() || !msk.cluster.is_empty(), || {
        "expected platform.msk.cluster to be set: consumer groups are watched on a cluster".into()
    })?;
    list(
        "platform.msk.consumer_groups",
        &msk.consumer_groups,
        |g| (1..=255).contains(&g.len()) && shows_as_written(g),
        "consumer group names (1 to 255 characters, no control, bidi or invisible characters)",
    )?;
    let src = &p.sources;
    for (kind, names) in src.named() {
        let (ok, rule): (fn(&str) -> bool, &str) = match kind {
            SourceKind::Dms => (
                |n| (1..=255).contains(&n.len()) && n.starts_with(|c: char| c.is_ascii_alphabetic()) && !n.ends_with('-') && !n.contains("--") && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "DMS replication task identifiers (1 to 255 letters, digits and hyphens, starting with a letter, no two hyphens in a row)",
            ),
            SourceKind::DataSync => (
                |n| (1..=256).contains(&n.len()) && shows_as_written(n),
                "DataSync task names or ARNs (1 to 256 characters, no control, bidi or invisible characters)",
            ),
            SourceKind::AppFlow => (
                |n| (1..=256).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
                "AppFlow flow names (1 to 256 letters, digits, '-', '_' or '.')",
            ),
        };
        list(kind.key(), names, ok, rule)?;
    }
    // `lakeops sources start NAME` names one source: a name is one kind's.
    let mut named: Vec<(&str, &str)> = Vec::new();
    for (kind, names) in src.named() {
        let kind = kind.with_article();
        for name in names.iter() {
            if let Some((other, _)) = named.iter().find(|(_, n)| *n == name.as_str()) {
                return Err((
                    "platform.sources",
                    format!("{name:?} is named as {other} and as {kind}: each source needs a name of its own"),
                ));
            }
            named.push((kind, name));
        }
    }
    range(
        "platform.sources.expect_within_minutes",
        src.expect_within_minutes as f64,
        1.0,
        44_640.0,
        "minutes (at most 31 days)",
    )?;
    list(
        "platform.quicksight.datasets",
        &p.quicksight.datasets,
        |n| (1..=2048).contains(&n.len()) && !n.contains(char::is_whitespace) && shows_as_written(n),
        "QuickSight dataset ids (no spaces, control, bidi or invisible characters)",
    )?;
    range(
        "platform.quicksight.refresh_within_hours",
        p.quicksight.refresh_within_hours as f64,
        1.0,
        744.0,
        "hours (at most 31 days)",
    )?;
    Ok(())
}

/// A name listed twice in one list is a slip (a copy meant to be edited, most often): it would show
/// twice, and the change meant may be missing. Each list of names the profile keeps, once.
fn listed_once(p: &super::model::PlatformSettings) -> Result<(), (&'static str, String)> {
    let lists: [(&'static str, &[String]); 6] = [
        ("platform.alarms.names", &p.alarms.names),
        ("platform.orchestration.state_machines", &p.orchestration.state_machines),
        ("platform.orchestration.glue_workflows", &p.orchestration.glue_workflows),
        ("platform.firehose.delivery_streams", &p.firehose.delivery_streams),
        ("platform.msk.consumer_groups", &p.msk.consumer_groups),
        ("platform.quicksight.datasets", &p.quicksight.datasets),
    ];
    let sources = p.sources.named().map(|(kind, names)| (kind.key(), names));
    for (key, names) in lists.into_iter().chain(sources) {
        if let Some((_, twice)) = names.iter().enumerate().find(|(i, n)| names[..*i].contains(n)) {
            return Err((key, format!("{twice:?} is listed twice: list each name once")));
        }
    }
    Ok(())
}

/// The first of `names` its service would not take, as `expected {rule}, found …`.
fn list(key: &'static str, names: &[String], ok: fn(&str) -> bool, rule: &str) -> Result<(), (&'static str, String)> {
    match names.iter().find(|n| !ok(n)) {
        Some(bad) => Err((key, format!("expected {rule}, found {bad:?}"))),
        None => Ok(()),
    }
}

fn check(key: &'static str, ok: bool, message: impl FnOnce() -> String) -> Result<(), (&'static str, String)> {
    if ok {
        Ok(())
    } else {
        Err((key, message()))
    }
}

fn range(key: &'static str, value: f64, min: f64, max: f64, unit: &str) -> Result<(), (&'static str, String)> {
    check(key, value.is_finite() && value >= min && value <= max, || {
        format!("expected {} to {} {unit}, found {}", fmt_num(min), fmt_num(max), fmt_num(value))
    })
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn is_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

fn is_http_url(u: &str) -> bool {
    let rest = u.strip_prefix("http://").or_else(|| u.strip_prefix("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace))
}

fn is_stack_name(n: &str) -> bool {
    n.len() <= 128
        && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// S3's rule for a bucket name (the virtual-host-safe subset: no dots).
fn bucket_expected(bucket: &str) -> String {
    format!(
        "expected an S3 bucket name: 3 to 63 lowercase letters, digits and hyphens, starting and ending with a \
         letter or digit, not beginning with xn-- or sthree- nor ending in -s3alias, found {bucket:?}"
    )
}

/// S3's reserved beginnings and endings of a bucket name (access points, Object Lambda,
/// directory buckets, Multi-Region Access Points).
const RESERVED_BUCKET_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_BUCKET_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", "--x-s3", ".mrap"];

pub fn is_bucket_name(n: &str) -> bool {
    (3..=63).contains(&n.len())
        && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && n.starts_with(|c: char| c.is_ascii_alphanumeric())
        && n.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !RESERVED_BUCKET_PREFIXES.iter().any(|p| n.starts_with(p))
        && !RESERVED_BUCKET_SUFFIXES.iter().any(|s| n.ends_with(s))
}

fn is_schedule(s: &str) -> bool {
    (s.starts_with("cron(") || s.starts_with("rate(")) && s.ends_with(')')
}

/// An IPv4 network from /16 to /28, written as its network address (EC2 refuses `10.0.0.1/16`).
fn is_cidr(c: &str) -> bool {
    let Some((ip, bits)) = c.split_once('/') else { return false };
    let (Ok(ip), Ok(bits)) = (ip.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>()) else { return false };
    (16..=28).contains(&bits) && u32::from(ip) & (u32::MAX >> bits) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(is_region("eu-west-1") && is_region("us-gov-west-1") && !is_region("europe"));
        assert!(is_cidr("10.20.0.0/16") && !is_cidr("10.20.0.0/8") && !is_cidr("10.300.0.0/16"));
        assert!(is_cidr("10.20.16.0/20") && !is_cidr("10.0.0.1/16") && !is_cidr("10.20.16.0/16"), "no host bits");
        assert!(is_http_url("http://127.0.0.1:4566") && !is_http_url("localhost:4566"));
        assert!(is_schedule("rate(1 hour)") && !is_schedule("hourly"));
        assert!(is_bucket_name("clickstream-raw-123456789012-eu-west-1"));
        assert!(!is_bucket_name("Clickstream-Raw") && !is_bucket_name("ab") && !is_bucket_name("-raw"));
        assert!(!is_bucket_name(&"a".repeat(64)));
    }
}
