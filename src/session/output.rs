//! Results written to a file replace it only when they are whole: they go to a temporary file in
//! the same directory, renamed over the target on success. A query that fails, is cancelled or
//! refused, or a write that breaks, leaves the old file as it was (the temporary one is removed).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// `path` with a leading `~` read as the home folder (an export typed in the console, where no
/// shell reads it first).
pub fn home_expanded(path: &str) -> PathBuf {
    let home = || std::env::var_os("HOME").map(PathBuf::from);
    match path.strip_prefix("~/").or((path == "~").then_some("")) {
        Some(rest) => home().map_or_else(|| PathBuf::from(path), |home| home.join(rest)),
        None => PathBuf::from(path),
    }
}

/// A file being written in place of `path`.
pub struct Replacement {
    file: BufWriter<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Replacement {
    /// Opens the temporary file beside `path`: the directory must exist and be writable and
    /// `path` must not be a directory (checked here, before a query that costs money runs). A
    /// link is followed: the file it names is replaced, the link stays. A device, a pipe or a
    /// socket is refused: renaming a file over one replaced it (`--output /dev/tty` left a
    /// plain file in its place, and a pipe's reader got nothing).
    pub fn create(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let path = &match linked {
            true => std::fs::canonicalize(path)
                .map_err(|e| format!("cannot write {shown}: the link leads nowhere ({e})"))?,
            false => path.to_path_buf(),
        };
        match std::fs::metadata(path) {
            Ok(found) if found.is_dir() => return Err(format!("cannot write {shown}: it is a directory")),
            Ok(found) if !found.is_file() => {
                return Err(format!(
                    "cannot write {shown}: it is not a regular file (a device, a pipe or a socket); write to stdout and redirect it"
                ))
            }
            _ => {}
        }
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !directory.is_dir() {
            return Err(format!("cannot write {shown}: there is no folder {}", directory.display()));
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // The error without the temporary file's name, which means nothing to the reader.
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".part")
            .tempfile_in(&directory)
            .map_err(|e| format!("cannot write {shown}: {}", std::io::Error::from(e.kind())))?;
        Ok(Replacement { file: BufWriter::new(temp), path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write(&mut self, text: &str) -> Result<(), String> {
        self.file.write_all(text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    /// Renames the finished file over the target (a file it replaces keeps its permissions;
    /// a new one is readable by its owner only, as results may hold personal data).
    pub fn commit(self) -> Result<(), String> {
        let shown = self.path.display().to_string();
        let failed = |e: std::io::Error| format!("cannot write {shown}: {e}");
        let temp = self.file.into_inner().map_err(|e| failed(e.into_error()))?;
        temp.as_file().sync_all().map_err(failed)?;
        if let Ok(existing) = std::fs::metadata(&self.path) {
            std::fs::set_permissions(temp.path(), existing.permissions()).map_err(failed)?;
        }
        temp.persist(&self.path).map_err(|e| failed(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Replacement;
    use std::os::unix::fs::FileTypeExt;

    #[test]
    fn the_old_file_stays_until_the_new_one_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        let mut half = Replacement::create(&path).unwrap();
        half.write("new, but not finished").unwrap();
        drop(half);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n", "an abandoned write changes nothing");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "and leaves no temporary file");

        let mut whole = Replacement::create(&path).unwrap();
        whole.write("new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        whole.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        let error = Replacement::create(dir.path()).err().unwrap();
        assert!(error.ends_with("it is a directory"), "{error}");
        // A link's file is replaced, the link kept; a pipe or a device is refused, left as it is.
        let target = dir.path().join("target.csv");
        std::fs::write(&target, "old\n").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut through = Replacement::create(&link).unwrap();
        through.write("new\n").unwrap();
        through.commit().unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        let refused = Replacement::create(std::path::Path::new("/dev/null")).err().unwrap();
        assert!(refused.contains("not a regular file"), "{refused}");
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
        let missing = Replacement::create(&dir.path().join("missing/out.csv")).err().unwrap();
        assert!(missing.ends_with("missing"), "the folder, not a temporary file: {missing}");
        assert!(!missing.contains(".part"), "{missing}");
    }

    #[test]
    fn a_typed_tilde_is_the_home_folder() {
        let home = std::path::PathBuf::from(std::env::var_os("HOME").expect("HOME"));
        assert_eq!(super::home_expanded("~/x.csv"), home.join("x.csv"));
        assert_eq!(super::home_expanded("a/~/x.csv"), std::path::PathBuf::from("a/~/x.csv"));
        assert_eq!(super::home_expanded("~x.csv"), std::path::PathBuf::from("~x.csv"));
    }
}
