//! Time from launch to the first frame of the console on the sandbox: the real binary in a
//! pseudo-terminal, timed until the header is on screen.

use std::io::Read;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};

fn launch_until_first_frame(state: &std::path::Path) -> Duration {
    let pair = native_pty_system().openpty(PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lakeops"));
    cmd.env("XDG_CONFIG_HOME", state.join("config"));
    cmd.env("XDG_STATE_HOME", state.join("state"));
    cmd.env("TERM", "xterm-256color");
    let started = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let elapsed = loop {
        let n = reader.read(&mut buf).unwrap();
        seen.extend_from_slice(&buf[..n]);
        // The header's "profile sandbox" is in the first frame.
        if seen.windows(15).any(|w| w == b"profile sandbox") {
            break started.elapsed();
        }
    };
    let mut writer = pair.master.take_writer().unwrap();
    writer.write_all(b"q").unwrap();
    let _ = child.wait();
    elapsed
}

use std::io::Write;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    // The first launch creates the sandbox's state; the measured ones load it, as a user's do.
    launch_until_first_frame(dir.path());
    let mut group = c.benchmark_group("startup");
    group.sample_size(20).measurement_time(Duration::from_secs(20));
    group.bench_function("launch to first frame (sandbox)", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| launch_until_first_frame(dir.path())).sum())
    });
    group.finish();
}

criterion_group!(startup, bench);
criterion_main!(startup);
