//! The sandbox engine's worker is held to a memory limit (`[sandbox] engine_memory_mib`), so that
//! a query whose answer would not fit fails alone, as Athena fails it, with
//! EXCEEDED_LOCAL_MEMORY_LIMIT: a CROSS JOIN of the events with themselves grew a worker past
//! 20 GB until the kernel killed it, and could have taken other programs with it. lakeops reads
//! the worker's resident memory ten times a second while it runs (Linux: `/proc/PID/status`)
//! and ends it past the limit. A limit the process set on itself (RLIMIT_DATA or RLIMIT_AS)
//! would count the engine threads' reserved stacks, 256 MiB each and three GB in all, though
//! they hold little; what the worker holds is what the system runs out of.

use std::time::Duration;

/// How often lakeops reads a running worker's memory.
const WATCH_EVERY: Duration = Duration::from_millis(100);

/// Bytes in a MiB.
const MIB: u64 = 1024 * 1024;

/// What Rust writes on standard error when an allocation fails, before it aborts (the system
/// refused memory: a limit set by whoever started lakeops).
const ALLOCATION_FAILED: &str = "memory allocation of";

/// What to do about a query too large for the sandbox.
const ADVICE: &str = "aggregate, filter or add a LIMIT, or raise [sandbox] engine_memory_mib";

/// Ends when the process `pid` holds more than `mib` MiB; never where its memory cannot be read
/// (another system than Linux, or a process that has ended).
pub async fn exceeded(pid: Option<u32>, mib: u64) {
    let Some(pid) = pid else { return std::future::pending().await };
    let limit = mib.saturating_mul(MIB);
    let mut every = tokio::time::interval(WATCH_EVERY);
    loop {
        every.tick().await;
        match resident_bytes(pid) {
            Some(bytes) if bytes > limit => return,
            Some(_) => {}
            None => return std::future::pending().await,
        }
    }
}

/// The memory a process holds (its resident set, `VmRSS`), bytes.
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    resident_in(&status)
}

fn resident_in(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

/// The reason of a query whose worker went past the limit of `mib` MiB.
pub fn over_limit(mib: u64) -> String {
    format!(
        "EXCEEDED_LOCAL_MEMORY_LIMIT: Query exceeded per-node memory limit of {} (the sandbox engine's, [sandbox] engine_memory_mib); {ADVICE}",
        size(mib)
    )
}

/// The reason a worker that ended without an answer gives its query, when what it said (its
/// standard error) or how it ended says the system ran out of memory first.
pub fn ran_out(said: &str, killed: bool) -> Option<String> {
    if said.contains(ALLOCATION_FAILED) {
        return Some(format!(
            "EXCEEDED_LOCAL_MEMORY_LIMIT: the system refused the sandbox engine memory ({said}); {ADVICE}"
        ));
    }
    killed.then(|| {
        format!(
            "EXCEEDED_LOCAL_MEMORY_LIMIT: the sandbox engine was killed (signal 9), most likely by the system running out of memory; {ADVICE}"
        )
    })
}

/// `mib` as Trino writes a memory limit (`4GB`, `512MB`).
fn size(mib: u64) -> String {
    if mib >= 1024 && mib.is_multiple_of(1024) {
        format!("{}GB", mib / 1024)
    } else {
        format!("{mib}MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resident_memory_is_read_from_the_process_status() {
        let status = "Name:\tlakeops\nVmPeak:\t 3154720 kB\nVmRSS:\t  115444 kB\nThreads:\t11\n";
        assert_eq!(resident_in(status), Some(115_444 * 1024));
        assert_eq!(resident_in("Name:\tkthreadd\n"), None, "a kernel thread has no VmRSS");
        assert!(resident_bytes(std::process::id()).is_some_and(|b| b > MIB), "this test's own process");
    }

    #[test]
    fn running_out_of_memory_is_told_from_other_faults() {
        assert!(
            over_limit(4096).starts_with("EXCEEDED_LOCAL_MEMORY_LIMIT: Query exceeded per-node memory limit of 4GB")
        );
        assert!(over_limit(300).contains("limit of 300MB"));
        let refused = ran_out("memory allocation of 2147483648 bytes failed", false).unwrap();
        assert!(refused.contains("refused the sandbox engine memory"), "{refused}");
        assert!(ran_out("", true).unwrap().contains("signal 9"));
        assert_eq!(ran_out("index out of bounds (at src/x.rs:1:1)", false), None);
    }

    /// The watch ends once a process holds more than its limit, and never for one within it.
    #[tokio::test]
    async fn the_watch_ends_past_the_limit() {
        let me = Some(std::process::id());
        tokio::time::timeout(Duration::from_secs(5), exceeded(me, 1)).await.expect("a test holds more than 1 MiB");
        let within = tokio::time::timeout(Duration::from_millis(300), exceeded(me, 1 << 30)).await;
        assert!(within.is_err(), "nothing holds a PiB");
        let unread = tokio::time::timeout(Duration::from_millis(300), exceeded(Some(u32::MAX), 1)).await;
        assert!(unread.is_err(), "a process that is not there is never over");
    }
}
