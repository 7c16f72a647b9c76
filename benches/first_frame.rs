//! Time from launch to the first frame of the console, on the sandbox and on AWS: the real
//! binary in a pseudo-terminal, timed until the header is on screen. The AWS profile's endpoint
//! is a closed port on 127.0.0.1 (nothing else is ever reached): the first frame must not wait
//! for credentials or the network, so what the endpoint does cannot change it.

use std::io::Read;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};

fn launch_until_first_frame(state: &std::path::Path, profile: &str) -> Duration {
    let pair = native_pty_system().openpty(PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lakeops"));
    cmd.env("XDG_CONFIG_HOME", state.join("config"));
    cmd.env("XDG_STATE_HOME", state.join("state"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("LAKEOPS_PROFILE", profile);
    // Credentials from the environment, and no instance metadata service (169.254.169.254).
    cmd.env("AWS_ACCESS_KEY_ID", "bench");
    cmd.env("AWS_SECRET_ACCESS_KEY", "bench");
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    cmd.env("AWS_CONFIG_FILE", state.join("no-aws-config"));
    cmd.env("AWS_SHARED_CREDENTIALS_FILE", state.join("no-aws-credentials"));
    let started = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let needle = format!("profile {profile}");
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let elapsed = loop {
        let n = reader.read(&mut buf).unwrap();
        seen.extend_from_slice(&buf[..n]);
        // The header's "profile NAME" is in the first frame.
        if seen.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            break started.elapsed();
        }
    };
    let mut writer = pair.master.take_writer().unwrap();
    writer.write_all(b"q").unwrap();
    let _ = child.wait();
    elapsed
}

use std::io::Write;

/// An AWS profile whose every call goes to a closed port on this machine.
const AWS_PROFILE: &str = r#"name = "aws"
backend = "aws"

[aws]
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:9"
max_attempts = 1

[platform]
stack_name = "clickstream"
"#;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("config/lakeops/profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(profiles.join("aws.toml"), AWS_PROFILE).unwrap();
    // The first launch creates the sandbox's state; the measured ones load it, as a user's do.
    launch_until_first_frame(dir.path(), "sandbox");
    let mut group = c.benchmark_group("startup");
    group.sample_size(20).measurement_time(Duration::from_secs(20));
    for profile in ["sandbox", "aws"] {
        group.bench_function(format!("launch to first frame ({profile})"), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| launch_until_first_frame(dir.path(), profile)).sum())
        });
    }
    group.finish();
}

criterion_group!(startup, bench);
criterion_main!(startup);
