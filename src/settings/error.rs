use std::fmt;

/// A settings problem, written for the person who has to fix it: where it is (file,
/// environment variable or flag), which key, and what is expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// The file path, `environment` or `command line`.
    pub origin: String,
    /// The dotted key, when the problem is about one.
    pub key: Option<String>,
    pub message: String,
}

impl SettingsError {
    pub fn new(origin: impl Into<String>, key: Option<&str>, message: impl Into<String>) -> Self {
        SettingsError { origin: origin.into(), key: key.map(str::to_string), message: message.into() }
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(key) => write!(f, "{}: key `{}`: {}", self.origin, key, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for SettingsError {}

/// The candidate closest to `name` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// " (did you mean `x`?)" or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(name, candidates).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(cur).min(row[j]) };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_and_ignores_strangers() {
        let names = ["sandbox", "production", "localstack", "moto"];
        assert_eq!(nearest("sandbx", names), Some("sandbox"));
        assert_eq!(nearest("prodution", names), Some("production"));
        assert_eq!(nearest("kubernetes", names), None);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
