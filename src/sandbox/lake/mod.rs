//! The sandbox's lake on the local disk: the raw zone as JSON lines written every quarter
//! hour by the ingest function, the curated zone as Parquet written by the Glue job, both
//! partitioned `year=/month=/day=` as on S3. Files are written when a query needs them
//! (the console never pays for them otherwise) and only for the last days.

pub mod curate;
pub mod events;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Datelike, Timelike, Utc};

/// Raw objects cover this much time each.
pub const WINDOW_MS: i64 = 15 * 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// Days of data kept on disk: today and the two before (a lifecycle rule on both zones).
pub const DAYS_KEPT: i64 = 3;
/// How long a query waits for another one writing the lake: a fresh lake takes a few seconds
/// (docs/performance.md); a build from source's unoptimised one, longer.
const SYNC_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// What the lake holds at one moment of simulated time.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LakeView {
    pub seed: u64,
    pub now_ms: i64,
    pub peak_per_second: f64,
    /// Raw data from before this moment has been curated (by the last successful ETL run).
    pub curated_until_ms: i64,
}

impl LakeView {
    /// The first moment the lake still holds.
    pub fn oldest_ms(&self) -> i64 {
        self.now_ms.div_euclid(DAY_MS) * DAY_MS - (DAYS_KEPT - 1) * DAY_MS
    }
}

pub struct Lake {
    root: PathBuf,
    /// A lake of an in-memory sandbox lives in a temporary folder, removed with it.
    temporary: bool,
    /// The last (raw window, curated hour) written: the same again needs no look at the disk.
    synced: Mutex<Option<(i64, i64)>>,
}

impl Lake {
    pub fn at(root: PathBuf) -> Lake {
        Lake { root, temporary: false, synced: Mutex::new(None) }
    }

    /// A lake in a fresh temporary folder, deleted when the lake is dropped.
    pub fn temporary() -> Lake {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("lakeops-lake-{}-{n}", std::process::id()));
        Lake { root, temporary: true, synced: Mutex::new(None) }
    }

    /// Another lakeops reset the sandbox and deleted the lake: the next sync writes it again.
    pub fn forget_synced(&self) {
        if let Ok(mut synced) = self.synced.lock() {
            *synced = None;
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `clickstream.raw_events` lives.
    pub fn raw_dir(&self) -> PathBuf {
        self.root.join("raw")
    }

    /// Where `clickstream.events` lives.
    pub fn curated_dir(&self) -> PathBuf {
        self.root.join("curated").join("events")
    }

    /// Writes what the lake should hold and is missing, and drops what is past the days kept.
    pub fn sync(&self, view: &LakeView) -> Result<(), String> {
        let last_window = view.now_ms.div_euclid(WINDOW_MS) * WINDOW_MS;
        let last_hour = view.curated_until_ms.min(view.now_ms).div_euclid(HOUR_MS) * HOUR_MS;
        let key = (last_window, last_hour);
        // One sync at a time in this process (a cancelled query's may still be running).
        let mut synced = self.synced.lock().map_err(|_| "the sandbox lake is unusable after a crash".to_string())?;
        if *synced == Some(key) {
            return Ok(());
        }
        // And one at a time across processes: each query's worker brings the lake up to date
        // (engine::worker), and two lakeops may share a saved sandbox's lake.
        let _writing = crate::local_files::FileLock::exclusive_within(&self.root.join("writing"), SYNC_WAIT)
            .map_err(|e| format!("the sandbox lake is being written by another query: {e}"))?;
        let oldest = view.oldest_ms();
        let mut start = oldest;
        while start < last_window {
            let path = self.raw_path(start);
            if !path.exists() {
                // Delivered at the end of its window.
                write_atomically(
                    &path,
                    events::raw_lines(view.seed, start, WINDOW_MS, view.peak_per_second).as_bytes(),
                    start + WINDOW_MS,
                )?;
            }
            start += WINDOW_MS;
        }
        let mut hour = oldest;
        while hour < last_hour {
            let path = self.curated_path(hour);
            if !path.exists() {
                let mut raw = String::new();
                for quarter in 0..HOUR_MS / WINDOW_MS {
                    let source = self.raw_path(hour + quarter * WINDOW_MS);
                    raw.push_str(&std::fs::read_to_string(&source).map_err(|e| io_error("read", &source, &e))?);
                }
                let (bytes, _) = curate::to_parquet(&raw)?;
                // Curated once its hour is over.
                write_atomically(&path, &bytes, hour + HOUR_MS)?;
            }
            hour += HOUR_MS;
        }
        self.expire(oldest)?;
        *synced = Some(key);
        Ok(())
    }

    fn raw_path(&self, start_ms: i64) -> PathBuf {
        let t = time(start_ms);
        self.raw_dir().join(partition(start_ms)).join(format!(
            "clickstream-ingest-{:02}{:02}.json",
            t.hour(),
            t.minute()
        ))
    }

    fn curated_path(&self, hour_ms: i64) -> PathBuf {
        self.curated_dir().join(partition(hour_ms)).join(format!("part-{:02}.parquet", time(hour_ms).hour()))
    }

    /// Removes day partitions older than `oldest_ms` from both zones.
    fn expire(&self, oldest_ms: i64) -> Result<(), String> {
        let keep_from = partition(oldest_ms);
        for zone in [self.raw_dir(), self.curated_dir()] {
            for day in day_partitions(&zone).into_iter().filter(|day| *day < keep_from) {
                let day = zone.join(day);
                std::fs::remove_dir_all(&day).map_err(|e| io_error("remove", &day, &e))?;
            }
        }
        Ok(())
    }
}

impl Drop for Lake {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// `year=2026/month=11/day=22`, as Hive-style partitions are named on S3.
fn partition(ms: i64) -> PathBuf {
    let t = time(ms);
    PathBuf::from(format!("year={}", t.year()))
        .join(format!("month={:02}", t.month()))
        .join(format!("day={:02}", t.day()))
}

/// The day partitions of a zone, oldest first, each as its folder in the zone
/// (`year=2026/month=11/day=22`).
pub fn day_partitions(zone: &Path) -> Vec<PathBuf> {
    let days = read_dirs(zone).into_iter().flat_map(|year| read_dirs(&year)).flat_map(|month| read_dirs(&month));
    days.filter_map(|day| day.strip_prefix(zone).ok().map(Path::to_path_buf)).collect()
}

fn read_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs
}

/// Another lakeops may write the same file at the same time: each writes its own temporary
/// file and renames it into place (`local_files::replace`), and both write the same bytes. The
/// file's modification time is when the platform wrote it (`written_ms`, the sandbox's time),
/// which a query reads as `"$file_modified_time"`.
fn write_atomically(path: &Path, bytes: &[u8], written_ms: i64) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::local_files::private_dir(dir).map_err(|e| io_error("create", dir, &e))?;
    crate::local_files::replace(path, bytes).map_err(|e| io_error("write", path, &e))?;
    let written = std::time::UNIX_EPOCH + std::time::Duration::from_millis(written_ms.max(0) as u64);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(written))
        .map_err(|e| io_error("date", path, &e))
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> String {
    format!("the sandbox lake could not {what} {}: {e}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_complete_windows_of_the_days_kept_and_curates_what_the_job_covered() {
        let lake = Lake::temporary();
        let now = 10 * DAY_MS + 14 * HOUR_MS + 20 * 60_000;
        let view = LakeView { seed: 1, now_ms: now, peak_per_second: 2600.0, curated_until_ms: now - 2 * HOUR_MS };
        lake.sync(&view).unwrap();
        let raw_today = lake.raw_dir().join("year=1970/month=01/day=11");
        assert_eq!(
            std::fs::read_dir(&raw_today).unwrap().count(),
            14 * 4 + 1,
            "the quarters up to 14:00–14:15 are complete"
        );
        let curated_today = lake.curated_dir().join("year=1970/month=01/day=11");
        assert_eq!(std::fs::read_dir(&curated_today).unwrap().count(), 12, "hours 00–11 are curated");
        assert!(lake.raw_dir().join("year=1970/month=01/day=09").exists());
        // A day later the oldest day is gone from both zones.
        let later = LakeView { now_ms: now + DAY_MS, curated_until_ms: now + DAY_MS, ..view };
        lake.sync(&later).unwrap();
        assert!(!lake.raw_dir().join("year=1970/month=01/day=09").exists());
        assert!(!lake.curated_dir().join("year=1970/month=01/day=09").exists());
        let root = lake.root().to_path_buf();
        drop(lake);
        assert!(!root.exists());
    }
}
