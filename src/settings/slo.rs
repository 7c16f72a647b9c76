//! `[slo]`: the freshness objectives of the platform's datasets and the error budget's window.
//! Each file's table is taken out before the layers merge (as `[runbooks]` is), so that a mistake
//! names the file it is in; the last file with an `[slo]` sets all of it. Without `[slo]` in any
//! file there are no objectives (`lakeops slo` says how to add them).
//!
//! ```toml
//! [slo]
//! window_hours = 24          # the error budget's window
//! target = 0.99              # the share of the window each objective must be met
//! [slo.objectives]
//! raw = "10m"                # the raw zone's newest object at most 10 minutes old
//! curated = "90m"            # the curated events at most 90 minutes behind
//! spice = "26h"              # each SPICE dataset refreshed within 26 hours
//! [slo.spice]
//! clickstream-funnel = "3h"  # one dataset's own objective
//! ```

use super::error::{did_you_mean, SettingsError};
use super::keys::article;

/// The window when `[slo]` does not set one, and the target.
pub const DEFAULT_WINDOW_HOURS: i64 = 24;
pub const DEFAULT_TARGET: f64 = 0.99;
/// The longest window: CloudWatch and the services' run histories keep no more than this in
/// reach of one read.
pub const MAX_WINDOW_HOURS: i64 = 90 * 24;

const TOP_KEYS: [&str; 4] = ["window_hours", "target", "objectives", "spice"];
const OBJECTIVE_KEYS: [&str; 3] = ["raw", "curated", "spice"];

/// The profile's objectives, parsed once; durations in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    pub window_seconds: i64,
    /// The share of the window each objective must be met, strictly between 0 and 1.
    pub target: f64,
    /// The raw zone's newest object at most this old.
    pub raw: Option<i64>,
    /// The curated events at most this far behind.
    pub curated: Option<i64>,
    /// Each SPICE dataset refreshed within this, unless `spice_datasets` names it.
    pub spice: Option<i64>,
    /// `[slo.spice]`: a dataset's own objective, by its id.
    pub spice_datasets: Vec<(String, i64)>,
    /// The file that set it.
    pub origin: String,
}

impl Slo {
    /// The objective of SPICE dataset `id`: its own, else every dataset's.
    pub fn spice_objective(&self, id: &str) -> Option<i64> {
        self.spice_datasets.iter().find(|(d, _)| d == id).map(|(_, s)| *s).or(self.spice)
    }

    /// A `[slo.spice]` key that names no dataset of `datasets` (`platform.quicksight.datasets`),
    /// as the error that says so.
    pub fn check_datasets(&self, datasets: &[String]) -> Result<(), SettingsError> {
        for (id, _) in &self.spice_datasets {
            if !datasets.contains(id) {
                let hint = did_you_mean(id, datasets.iter().map(String::as_str));
                let known = if datasets.is_empty() { "none".to_string() } else { datasets.join(", ") };
                return Err(SettingsError::new(
                    &self.origin,
                    Some(&format!("slo.spice.{id}")),
                    format!(
                        "no SPICE dataset named {id:?} in platform.quicksight.datasets{hint}; the profile's \
                         datasets: {known}"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Takes `[slo]` out of a file's table and parses it; `None` when the file has none.
pub fn take(table: &mut toml::Table, origin: &str) -> Result<Option<Slo>, SettingsError> {
    let Some(value) = table.remove("slo") else { return Ok(None) };
    let refuse = |key: &str, message: String| SettingsError::new(origin, Some(key), message);
    let toml::Value::Table(slo) = value else {
        return Err(refuse("slo", format!("expected a table ([slo]), found {}", article(value.type_str()))));
    };
    for key in slo.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            let hint = did_you_mean(key, TOP_KEYS);
            return Err(refuse(
                &format!("slo.{key}"),
                format!("unknown key{hint}; [slo] takes {}", TOP_KEYS.join(", ")),
            ));
        }
    }
    let window_hours = match slo.get("window_hours") {
        None => DEFAULT_WINDOW_HOURS,
        Some(toml::Value::Integer(h)) if (1..=MAX_WINDOW_HOURS).contains(h) => *h,
        Some(other) => {
            return Err(refuse(
                "slo.window_hours",
                format!("expected a whole number of hours from 1 to {MAX_WINDOW_HOURS}, found {}", shown(other)),
            ))
        }
    };
    let target = match slo.get("target") {
        None => DEFAULT_TARGET,
        Some(toml::Value::Float(t)) if *t > 0.0 && *t < 1.0 => *t,
        Some(other) => {
            return Err(refuse(
                "slo.target",
                format!(
                    "expected the share of the window each objective must be met, above 0 and below 1 (0.99: \
                     met 99 % of the time; 1 would leave no error budget), found {}",
                    shown(other)
                ),
            ))
        }
    };
    let mut parsed = Slo {
        window_seconds: window_hours * 3600,
        target,
        raw: None,
        curated: None,
        spice: None,
        spice_datasets: Vec::new(),
        origin: origin.to_string(),
    };
    if let Some(value) = slo.get("objectives") {
        let toml::Value::Table(objectives) = value else {
            return Err(refuse(
                "slo.objectives",
                format!("expected a table ([slo.objectives]), found {}", article(value.type_str())),
            ));
        };
        for (key, value) in objectives {
            let setting = format!("slo.objectives.{key}");
            let seconds = match key.as_str() {
                "raw" | "curated" | "spice" => duration(value).map_err(|m| refuse(&setting, m))?,
                _ => {
                    let hint = did_you_mean(key, OBJECTIVE_KEYS);
                    return Err(refuse(
                        &setting,
                        format!(
                            "unknown dataset{hint}; [slo.objectives] takes {} (one SPICE dataset's own goes in \
                             [slo.spice])",
                            OBJECTIVE_KEYS.join(", ")
                        ),
                    ));
                }
            };
            match key.as_str() {
                "raw" => parsed.raw = Some(seconds),
                "curated" => parsed.curated = Some(seconds),
                _ => parsed.spice = Some(seconds),
            }
        }
    }
    if let Some(value) = slo.get("spice") {
        let toml::Value::Table(datasets) = value else {
            return Err(refuse(
                "slo.spice",
                format!(
                    "expected a table of SPICE dataset ids and durations ([slo.spice]), found {} (every dataset's \
                     objective is slo.objectives.spice)",
                    article(value.type_str())
                ),
            ));
        };
        for (id, value) in datasets {
            let seconds = duration(value).map_err(|m| refuse(&format!("slo.spice.{id}"), m))?;
            parsed.spice_datasets.push((id.clone(), seconds));
        }
    }
    Ok(Some(parsed))
}

fn shown(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("{s:?}"),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        other => article(other.type_str()),
    }
}

/// The longest objective a profile may set, in days.
const MOST_DURATION_DAYS: i64 = 366;

fn duration_expected() -> String {
    format!(
        "expected a duration such as \"10m\", \"90m\", \"26h\" or \"1h30m\" (s, m, h, d; more than zero, at most \
         {MOST_DURATION_DAYS}d)"
    )
}

/// `"90m"`, `"26h"`, `"1h30m"`, `"45s"`, `"2d"` in seconds.
fn duration(value: &toml::Value) -> Result<i64, String> {
    let toml::Value::String(text) = value else {
        return Err(format!("{}, found {}", duration_expected(), shown(value)));
    };
    parse_duration(text).ok_or_else(|| format!("{}, found {text:?}", duration_expected()))
}

/// A duration as profiles write it, in seconds: number–unit pairs, at most [`MOST_DURATION_DAYS`].
pub fn parse_duration(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut pairs = 0;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        let n: i64 = number.parse().ok()?;
        number.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
        pairs += 1;
    }
    (number.is_empty() && pairs > 0 && total > 0 && total <= MOST_DURATION_DAYS * 86_400).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Option<Slo>, SettingsError> {
        let mut table: toml::Table = text.parse().unwrap();
        take(&mut table, "p.toml")
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Some(600));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("26h"), Some(93_600));
        assert_eq!(parse_duration("2d"), Some(172_800));
        for bad in ["", "90", "m", "90 minutes", "-5m", "0m", "1.5h", "400d"] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_whole_slo_table_is_read_with_defaults_for_what_it_leaves_out() {
        let slo = parsed("[slo.objectives]\ncurated = \"90m\"\n[slo.spice]\nfunnel = \"3h\"\n").unwrap().unwrap();
        assert_eq!((slo.window_seconds, slo.target), (24 * 3600, 0.99));
        assert_eq!((slo.raw, slo.curated, slo.spice), (None, Some(5400), None));
        assert_eq!(slo.spice_objective("funnel"), Some(10_800));
        assert_eq!(slo.spice_objective("other"), None);
        assert_eq!(parsed("name = \"x\"\n").unwrap(), None);
    }

    #[test]
    fn mistakes_name_the_file_the_key_and_what_is_expected() {
        let message = |text: &str| parsed(text).unwrap_err().to_string();
        assert!(message("[slo]\nwindow_hour = 24\n")
            .contains("p.toml: key `slo.window_hour`: unknown key (did you mean `window_hours`?)"));
        assert!(message("[slo.objectives]\ncurated = \"90 minutes\"\n")
            .contains("key `slo.objectives.curated`: expected a duration such as \"10m\""));
        assert!(message("[slo.objectives]\ncurated = 90\n").contains("found 90"));
        assert!(message("[slo.objectives]\ncurate = \"90m\"\n").contains("(did you mean `curated`?)"));
        assert!(message("[slo]\ntarget = 1.0\n").contains("key `slo.target`: expected the share"));
        assert!(message("[slo]\nwindow_hours = 0\n").contains("key `slo.window_hours`"));
        assert!(message("slo = 3\n").contains("expected a table ([slo])"));
    }

    #[test]
    fn a_dataset_objective_names_a_dataset_of_the_profile() {
        let slo = parsed("[slo.spice]\nclickstream-funel = \"3h\"\n").unwrap().unwrap();
        let error = slo.check_datasets(&["clickstream-funnel".into()]).unwrap_err().to_string();
        assert!(error.contains("slo.spice.clickstream-funel"), "{error}");
        assert!(error.contains("did you mean `clickstream-funnel`"), "{error}");
    }
}
