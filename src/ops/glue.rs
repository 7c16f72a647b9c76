//! Glue rules: a job run, a stop or a crawl is checked against what Glue reported before any
//! call, and the plan says in words what will happen.

use super::refusal::Refusal;
use crate::model::{GlueChange, GlueCrawler, GlueJob};

/// Arguments Glue reserves for itself: a run given one of them fails or misbehaves.
const RESERVED_ARGUMENTS: [&str; 4] = ["--conf", "--debug", "--mode", "--JOB_NAME"];

/// Reads `KEY=VALUE` (the key with or without its leading `--`) as a job argument.
pub fn parse_argument(text: &str) -> Result<(String, String), Refusal> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(Refusal::invalid(
            "job arguments",
            format!("{text:?} is not KEY=VALUE (e.g. --arg day=2026-11-21)"),
        ));
    };
    let bare = key.trim().trim_start_matches('-');
    if bare.is_empty() || bare.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Refusal::invalid("job arguments", format!("{key:?} is not an argument name")));
    }
    let key = format!("--{bare}");
    if RESERVED_ARGUMENTS.contains(&key.as_str()) {
        return Err(Refusal::invalid(
            "job arguments",
            format!("{key} is reserved by Glue and cannot be set on a run ({})", RESERVED_ARGUMENTS.join(", ")),
        ));
    }
    Ok((key, value.to_string()))
}

/// A run's arguments, each `KEY=VALUE` (see [`parse_argument`]): a key given twice is refused,
/// since Glue takes one value an argument (the AWS call keeps one of them).
pub fn parse_arguments<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<Vec<(String, String)>, Refusal> {
    let mut parsed: Vec<(String, String)> = Vec::new();
    for text in texts {
        let (key, value) = parse_argument(text)?;
        if let Some((_, first)) = parsed.iter().find(|(k, _)| *k == key) {
            return Err(Refusal::invalid(
                "job arguments",
                format!("{key} is given twice ({first:?} and {value:?}): a run takes one value an argument"),
            ));
        }
        parsed.push((key, value));
    }
    Ok(parsed)
}

/// Checks `change` against the job or crawler Glue reported (`None`: it does not exist) and
/// returns the plan in words.
pub fn plan(change: &GlueChange, job: Option<&GlueJob>, crawler: Option<&GlueCrawler>) -> Result<Vec<String>, Refusal> {
    match change {
        GlueChange::StartJobRun { job: name, arguments } => {
            let job = job.ok_or_else(|| unknown("job", name))?;
            let active: Vec<&str> = job.active_runs().map(|r| r.id.as_str()).collect();
            if active.len() as u32 >= job.max_concurrent_runs.max(1) {
                return Err(Refusal::safety(
                    "max concurrent runs",
                    format!(
                        "{name} already has {} of its {} allowed concurrent run(s) going ({}); wait for it, or stop it first",
                        active.len(),
                        job.max_concurrent_runs.max(1),
                        active.join(", ")
                    ),
                ));
            }
            let mut lines = vec![format!("StartJobRun on {name}")];
            if let Some(capacity) = &job.capacity {
                lines.push(format!("capacity: {capacity} (billed per DPU-second)"));
            }
            if arguments.is_empty() {
                lines.push("arguments: the job's defaults".into());
            }
            for (key, value) in arguments {
                lines.push(format!("argument {key} = {value}"));
            }
            Ok(lines)
        }
        GlueChange::StopJobRun { job: name, run_id } => {
            let job = job.ok_or_else(|| unknown("job", name))?;
            let Some(run) = job.runs.iter().find(|r| &r.id == run_id) else {
                return Err(Refusal::invalid(
                    "a live run",
                    format!(
                        "{name} has no run {run_id} among its {} newest runs; only a STARTING, RUNNING or WAITING run can be stopped",
                        job.runs.len()
                    ),
                ));
            };
            match run.state.as_str() {
                "STARTING" | "RUNNING" | "WAITING" => {}
                "STOPPING" => return Err(Refusal::invalid("a live run", format!("{run_id} is already STOPPING"))),
                state => {
                    return Err(Refusal::invalid("a live run", format!("{run_id} already ended: it is {state}")));
                }
            }
            Ok(vec![
                format!("BatchStopJobRun on {name}, run {run_id}"),
                format!("the run is {}; it goes STOPPING, then STOPPED, and its output is partial", run.state),
            ])
        }
        GlueChange::StartCrawler { crawler: name } => {
            let crawler = crawler.ok_or_else(|| unknown("crawler", name))?;
            if crawler.state != "READY" {
                return Err(Refusal::safety(
                    "one crawl at a time",
                    format!("{name} is {}: Glue refuses a second start until it is READY", crawler.state),
                ));
            }
            let target = crawler.database.as_deref().map(|d| format!(" into the database {d}")).unwrap_or_default();
            Ok(vec![
                format!("StartCrawler on {name}{target}"),
                "it adds partitions and tables it finds, and updates changed schemas".into(),
            ])
        }
    }
}

fn unknown(what: &str, name: &str) -> Refusal {
    Refusal::invalid("an existing resource", format!("there is no Glue {what} named {name:?}"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::GlueRunDetail;

    fn run(id: &str, state: &str) -> GlueRunDetail {
        GlueRunDetail {
            id: id.into(),
            state: state.into(),
            started: chrono::Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap(),
            ended: None,
            duration_seconds: None,
            capacity_dpu: Some(10.0),
            dpu_seconds: None,
            error: None,
            arguments: vec![],
        }
    }

    fn job(max: u32, runs: Vec<GlueRunDetail>) -> GlueJob {
        GlueJob { name: "curate".into(), max_concurrent_runs: max, capacity: None, schedule: None, runs }
    }

    fn start() -> GlueChange {
        GlueChange::StartJobRun { job: "curate".into(), arguments: vec![] }
    }

    #[test]
    fn arguments_get_their_dashes_and_reserved_ones_are_refused() {
        assert_eq!(parse_argument("day=2026-11-21").unwrap(), ("--day".into(), "2026-11-21".into()));
        assert_eq!(parse_argument("--day=a=b").unwrap(), ("--day".into(), "a=b".into()));
        assert!(parse_argument("day").unwrap_err().text().contains("is not KEY=VALUE"));
        assert!(parse_argument("--=x").unwrap_err().text().contains("not an argument name"));
        assert!(parse_argument("JOB_NAME=x").unwrap_err().text().contains("reserved by Glue"));
        let twice = parse_arguments(["day=1", "--day=2"]).unwrap_err().text();
        assert!(twice.contains("--day is given twice (\"1\" and \"2\")"), "{twice}");
        assert_eq!(parse_arguments(["day=1", "hour=2"]).unwrap().len(), 2);
    }

    #[test]
    fn a_run_is_refused_when_the_job_is_at_its_max_concurrent_runs() {
        let busy = job(1, vec![run("jr_1", "RUNNING")]);
        let refusal = plan(&start(), Some(&busy), None).unwrap_err();
        assert!(matches!(refusal, Refusal::Safety { rule: "max concurrent runs", .. }), "{refusal:?}");
        assert!(refusal.text().contains("1 of its 1 allowed"), "{}", refusal.text());
        let roomy = job(2, vec![run("jr_1", "RUNNING"), run("jr_0", "FAILED")]);
        assert!(plan(&start(), Some(&roomy), None).is_ok());
    }

    #[test]
    fn unknown_jobs_and_crawlers_are_bad_input() {
        let refusal = plan(&start(), None, None).unwrap_err();
        assert!(matches!(refusal, Refusal::Invalid { .. }));
        assert!(refusal.text().contains("no Glue job named \"curate\""));
        let crawl = GlueChange::StartCrawler { crawler: "raw".into() };
        assert!(plan(&crawl, None, None).unwrap_err().text().contains("no Glue crawler named \"raw\""));
    }

    #[test]
    fn only_live_runs_can_be_stopped() {
        let j = job(1, vec![run("jr_2", "RUNNING"), run("jr_1", "SUCCEEDED")]);
        let stop = |id: &str| GlueChange::StopJobRun { job: "curate".into(), run_id: id.into() };
        assert!(plan(&stop("jr_2"), Some(&j), None).is_ok());
        assert!(plan(&stop("jr_1"), Some(&j), None).unwrap_err().text().contains("already ended: it is SUCCEEDED"));
        assert!(plan(&stop("jr_9"), Some(&j), None).unwrap_err().text().contains("has no run jr_9"));
    }
}
