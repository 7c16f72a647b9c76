//! The files lakeops keeps on this machine (the journal, the query history, the log, the
//! sandbox's state): readable by their owner only (0600 in a 0700 folder, as the history holds
//! whole SQL and the journal Glue arguments), appended one whole line at a time under an advisory
//! lock (two lakeops at once never interleave), capped in size with one older generation kept
//! (`<name>.1`), and read from the newest line back only as far as a reader needs.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// How much is read at a time when reading a file from its end.
const CHUNK: u64 = 64 * 1024;

/// Creates `dir` (and its parents) and makes it private to its owner.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Options that create a file readable and writable by its owner only.
pub fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Makes an existing file private (files written before lakeops kept them so).
fn make_private(file: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// The lock beside a file, held while it is appended to, rotated or replaced. The lock is
/// advisory: every lakeops takes it; nothing else writes these files.
pub struct FileLock(File);

impl FileLock {
    fn open(path: &Path) -> std::io::Result<File> {
        if let Some(dir) = path.parent() {
            private_dir(dir)?;
        }
        private_options().create(true).truncate(false).write(true).open(lock_path(path))
    }

    /// Waits (at most [`LOCK_WAIT`]) for the exclusive lock of `path`.
    pub fn exclusive(path: &Path) -> std::io::Result<FileLock> {
        FileLock::wait_for(path, File::try_lock, LOCK_WAIT)
    }

    /// Waits at most `wait` for the exclusive lock of `path`: for a holder that may keep it for
    /// longer than one line or one save (the sandbox's lake, written at a query's first read).
    pub fn exclusive_within(path: &Path, wait: std::time::Duration) -> std::io::Result<FileLock> {
        FileLock::wait_for(path, File::try_lock, wait)
    }

    /// Waits (at most [`LOCK_WAIT`]) for a shared lock of `path` (readers, while no one writes).
    pub fn shared(path: &Path) -> std::io::Result<FileLock> {
        FileLock::wait_for(path, File::try_lock_shared, LOCK_WAIT)
    }

    /// Every holder keeps a lock for one line or one save, so a lock held longer than
    /// [`LOCK_WAIT`] belongs to a stuck process: the caller gets an error naming the lock file
    /// rather than a console that hangs.
    fn wait_for(
        path: &Path,
        try_lock: fn(&File) -> Result<(), std::fs::TryLockError>,
        wait: std::time::Duration,
    ) -> std::io::Result<FileLock> {
        let file = FileLock::open(path)?;
        let started = std::time::Instant::now();
        loop {
            match try_lock(&file) {
                Ok(()) => return Ok(FileLock(file)),
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() >= wait => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "another process has held {} for over {} s; if no lakeops is running, it is stuck: stop it",
                            lock_path(path).display(),
                            wait.as_secs()
                        ),
                    ));
                }
                Err(std::fs::TryLockError::WouldBlock) => std::thread::sleep(LOCK_RETRY),
            }
        }
    }
}

/// How long a lakeops waits for another to let go of a local file.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
const LOCK_RETRY: std::time::Duration = std::time::Duration::from_millis(5);

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn lock_path(path: &Path) -> PathBuf {
    suffixed(path, ".lock")
}

/// `path` with `suffix` appended to its file name.
pub fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The older generation a capped file rotates to.
pub fn older(path: &Path) -> PathBuf {
    suffixed(path, ".1")
}

/// A file of lines, appended to by any number of lakeops at once.
#[derive(Debug, Clone)]
pub struct LineFile {
    path: PathBuf,
    /// Past this size the file becomes `<name>.1` (replacing the one before) and starts afresh.
    cap_bytes: u64,
    /// What the file is, for errors ("the journal").
    what: &'static str,
}

/// Whether a reader going back through a file wants older lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Go {
    On,
    Stop,
}

impl LineFile {
    pub fn new(path: PathBuf, cap_bytes: u64, what: &'static str) -> LineFile {
        LineFile { path, cap_bytes, what }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `line` (a newline is added; one inside is refused) in one write, under the lock,
    /// rotating the file first when the line would take it past its cap.
    pub fn append(&self, line: &str) -> Result<(), String> {
        if line.contains('\n') {
            return Err(format!("cannot write {}: a line may not contain a line break", self.what));
        }
        let fail =
            |doing: &str, e: std::io::Error| format!("cannot {doing} {} {}: {e}", self.what, self.path.display());
        let _lock = FileLock::exclusive(&self.path).map_err(|e| fail("lock", e))?;
        let size = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        if size > 0 && size + line.len() as u64 + 1 > self.cap_bytes {
            std::fs::rename(&self.path, older(&self.path)).map_err(|e| fail("rotate", e))?;
        }
        let mut file =
            private_options().create(true).append(true).read(true).open(&self.path).map_err(|e| fail("open", e))?;
        make_private(&file).map_err(|e| fail("protect", e))?;
        let mut bytes = Vec::with_capacity(line.len() + 2);
        // A line cut short by a crash is ended first, so it does not swallow this one.
        if ends_unfinished(&mut file).map_err(|e| fail("read", e))? {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        file.write_all(&bytes).map_err(|e| fail("write", e))
    }

    /// Visits the lines newest first, through the older generation too, until `visit` says
    /// stop. Reads only as far back as that. A missing file has no lines.
    pub fn newest_first(&self, mut visit: impl FnMut(&str) -> Go) -> Result<(), String> {
        let _lock = FileLock::shared(&self.path)
            .map_err(|e| format!("cannot lock {} {}: {e}", self.what, self.path.display()))?;
        for path in [self.path.clone(), older(&self.path)] {
            match lines_from_the_end(&path, &mut visit) {
                Ok(Go::Stop) => return Ok(()),
                Ok(Go::On) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot read {} {}: {e}", self.what, path.display())),
            }
        }
        Ok(())
    }
}

/// Whether the file's last byte is not a line break (a line cut short).
fn ends_unfinished(file: &mut File) -> std::io::Result<bool> {
    let size = file.metadata()?.len();
    if size == 0 {
        return Ok(false);
    }
    let mut last = [0u8; 1];
    file.seek(SeekFrom::Start(size - 1))?;
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// Reads `path` backwards a chunk at a time, handing `visit` each whole line, newest first.
fn lines_from_the_end(path: &Path, visit: &mut impl FnMut(&str) -> Go) -> std::io::Result<Go> {
    let mut file = File::open(path)?;
    let mut end = file.metadata()?.len();
    // The start of a line whose end was in the chunk read before.
    let mut carry: Vec<u8> = Vec::new();
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        let mut chunk = vec![0; (end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&carry);
        let mut pieces: Vec<&[u8]> = chunk.split(|b| *b == b'\n').collect();
        // The first piece may be the end of a line that starts in an earlier chunk.
        let first = if start > 0 { pieces.remove(0).to_vec() } else { Vec::new() };
        for piece in pieces.into_iter().rev().filter(|p| !p.is_empty()) {
            if visit(&String::from_utf8_lossy(piece)) == Go::Stop {
                return Ok(Go::Stop);
            }
        }
        carry = first;
        end = start;
    }
    Ok(Go::On)
}

/// Replaces `path` with `bytes` atomically: a temporary file of a name no other writer uses,
/// written, flushed to disk and renamed over it; the folder is synced so the rename lasts.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = suffixed(path, &format!(".tmp-{}-{n}", std::process::id()));
    let written = (|| {
        let mut file = private_options().create_new(true).write(true).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(file: &LineFile) -> Vec<String> {
        let mut out = Vec::new();
        file.newest_first(|l| {
            out.push(l.to_string());
            Go::On
        })
        .unwrap();
        out
    }

    #[test]
    fn lines_come_back_newest_first_across_chunks_and_the_older_generation() {
        let dir = tempfile::tempdir().unwrap();
        let file = LineFile::new(dir.path().join("state/log.jsonl"), 300_000, "the test log");
        assert!(lines(&file).is_empty());
        // Long lines cross the 64 KiB chunks; the cap rotates once.
        let written: Vec<String> = (0..40).map(|i| format!("{i:03}{}", "x".repeat(10_000))).collect();
        for l in &written {
            file.append(l).unwrap();
        }
        assert!(older(file.path()).exists(), "rotated past the cap");
        let back = lines(&file);
        let expected: Vec<String> = written.iter().rev().cloned().collect();
        assert_eq!(back, expected);
        // A reader stops as soon as it has what it needs.
        let mut seen = 0;
        file.newest_first(|_| {
            seen += 1;
            if seen == 3 {
                Go::Stop
            } else {
                Go::On
            }
        })
        .unwrap();
        assert_eq!(seen, 3);
        assert!(file.append("two\nlines").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn files_and_their_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("lakeops");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = folder.join("journal.jsonl");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        LineFile::new(path.clone(), 1 << 20, "the journal").append("new").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode(&folder), mode(&path)), (0o700, 0o600));
        replace(&folder.join("state.json"), b"{}").unwrap();
        assert_eq!(mode(&folder.join("state.json")), 0o600);
        let left: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(!left.iter().any(|n| n.to_string_lossy().contains(".tmp")), "{left:?}");
    }
}
