//! The curated freshness objective on the AWS path against moto: the curate job's successful runs
//! read by the snapshot (GetJobRuns) are the curated zone's updates, and `ops::slo` judges them.

mod support;

use aws_sdk_glue::types::JobCommand;
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::ops::slo::{assess, State};
use lakeops::platform::Platform;
use support::moto::{credentials, moto, sdk_config, unique};

#[tokio::test]
async fn the_curate_jobs_successful_runs_are_the_curated_zones_updates() {
    let client = aws_sdk_glue::Client::new(&sdk_config().await);
    let job = unique("slo-curate");
    client
        .create_job()
        .name(&job)
        .role("arn:aws:iam::123456789012:role/glue")
        .command(JobCommand::builder().name("glueetl").script_location("s3://scripts/curate.py").build())
        .send()
        .await
        .expect("CreateJob");
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-slo\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\nmax_attempts = 2\n\
         [platform]\nstack_name = \"{}\"\n[platform.glue]\njob = \"{job}\"\n\
         [slo]\nwindow_hours = 24\ntarget = 0.99\n[slo.objectives]\ncurated = \"90m\"\n",
        moto().endpoint,
        unique("slo")
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    let slo = loaded.slo.clone().expect("[slo] read");

    // No run yet: nothing to judge the curated zone by.
    let snapshot = platform.snapshot().await.expect("snapshot");
    let glue = snapshot.glue.ready().expect("glue read");
    assert!(glue.curated_writes.updates.is_empty());
    assert_eq!(glue.curated_writes.complete_since, None);
    let curated = assess(&slo, &snapshot, &loaded.settings.platform.glue.database).remove(0);
    assert_eq!((curated.state, curated.reason.as_str()), (State::Unknown, "no update of it has been read"));

    // Two runs, which moto finishes at once: each an update, ended after it started.
    let mut ids = Vec::new();
    for _ in 0..2 {
        ids.push(client.start_job_run().job_name(&job).send().await.expect("StartJobRun").job_run_id.unwrap());
    }
    let runs = client.get_job_runs().job_name(&job).send().await.expect("GetJobRuns").job_runs().to_vec();
    let succeeded = runs.iter().filter(|r| r.job_run_state().map(|s| s.as_str()) == Some("SUCCEEDED")).count();
    let snapshot = platform.snapshot().await.expect("snapshot");
    let writes = &snapshot.glue.ready().expect("glue read").curated_writes;
    assert_eq!(writes.updates.len(), succeeded, "{runs:?}");
    assert!(succeeded >= 1, "moto finished no run: {runs:?}");
    let oldest_start = runs.iter().filter_map(|r| r.started_on()).map(|t| t.secs()).min().unwrap();
    assert_eq!(writes.complete_since.map(|t| t.timestamp()), Some(oldest_start));
    for update in &writes.updates {
        assert!(update.holds_until <= update.at, "{update:?}");
    }
    // Just run: met, 0 behind at most a few seconds; the day before the first run not known.
    let curated = assess(&slo, &snapshot, &loaded.settings.platform.glue.database).remove(0);
    assert_eq!(curated.state, State::Met, "{}", curated.reason);
    assert!(curated.lag.unwrap().at_most_seconds.unwrap() < 120);
    let budget = curated.budget.unwrap();
    assert_eq!(budget.remaining, None, "the history starts with the first run: the window is not covered");
    assert_eq!(budget.broken_seconds, 0);
}
