//! The threads the sandbox's queries run on: a runtime of their own, made by the first query (an
//! idle console has none). A fault in the engine — a panic inside DataFusion or Arrow on some
//! input nobody foresaw, on this query's task or on one the engine spawned for it — is then
//! known by the thread it happens on: it fails its query, and the console goes on
//! (`crate::runtime::terminal`'s panic hook asks `on_engine_thread`).

use std::sync::OnceLock;

/// The name of every thread of the engine's runtime, its blocking pool's included.
const THREAD_NAME: &str = "lakeops-engine";

/// The stack of each engine thread: reading and planning a statement walks its expressions
/// depth first, so a long `a = 1 OR a = 2 OR …` needs a deep stack (a build from source, its
/// engine unoptimised, about 25 KiB a level). Only what a query uses is ever resident.
pub const STACK_BYTES: usize = 256 << 20;

/// How many partitions a query is split into, and so how many threads run it.
pub const PARTITIONS: usize = 2;

/// `LAKEOPS_DEBUG_PANIC=engine`, a test hook: the engine panics on purpose in each query
/// (tests/pty.rs, tests/headless.rs).
pub const DEBUG_PANIC: &str = "engine";

/// The runtime queries run on, made the first time it is asked for.
pub fn runtime() -> Result<&'static tokio::runtime::Runtime, String> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    let made = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(PARTITIONS)
            .thread_name(THREAD_NAME)
            .thread_stack_size(STACK_BYTES)
            .enable_all()
            .build()
            .map_err(|e| format!("the sandbox engine could not start its threads: {e}"))
    });
    made.as_ref().map_err(Clone::clone)
}

/// True on a thread of the engine's runtime.
pub fn on_engine_thread() -> bool {
    std::thread::current().name() == Some(THREAD_NAME)
}

/// Whether a panic is the engine's, which fails its query (saying why) and goes no further: it is
/// logged here, and every panic hook of lakeops answers it with nothing more.
pub fn contained(info: &std::panic::PanicHookInfo) -> bool {
    if !on_engine_thread() {
        return false;
    }
    tracing::error!("the sandbox engine panicked, failing its query: {info}");
    true
}

/// For the headless commands: the engine's panics are logged, not printed over their output
/// (the query's FAILED line says what happened); any other panic is printed as Rust does. In a
/// build that aborts on panic (the published binary) the program then ends with exit 101, as a
/// panic of the main thread ends a build that unwinds, not with SIGABRT.
pub fn install_panic_filter() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if cfg!(panic = "unwind") && contained(info) {
            return;
        }
        default(info);
        if cfg!(panic = "abort") {
            std::process::exit(101);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_names_its_threads_and_no_other_thread_is_the_engine() {
        assert!(!on_engine_thread());
        let runtime = runtime().unwrap();
        assert!(runtime.block_on(async { tokio::spawn(async { on_engine_thread() }).await.unwrap() }));
        let blocking = runtime.block_on(async { tokio::task::spawn_blocking(on_engine_thread).await.unwrap() });
        assert!(blocking, "the blocking pool's threads are the engine's too");
        assert!(std::ptr::eq(runtime, super::runtime().unwrap()), "one runtime, made once");
    }
}
