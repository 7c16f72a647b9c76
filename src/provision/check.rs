//! What CloudFormation would reject, refused before any call with the profile key named.

use crate::settings::{RedshiftMode, Settings};

/// Longest AWS region name today (`ap-southeast-5` and friends), for the default bucket names.
const LONGEST_REGION: usize = 14;
/// `-query-results-` + a 12-digit account + `-` + region: what a default bucket name adds to the stack name.
const DEFAULT_BUCKET_SUFFIX: usize = "-query-results-".len() + 12 + 1 + LONGEST_REGION;

/// The first profile value the template cannot be built from, as (key, what is expected).
pub fn check(s: &Settings) -> Result<(), (&'static str, String)> {
    let p = &s.platform;
    if p.lake.raw_bucket.is_none() || p.lake.curated_bucket.is_none() {
        let stack = &p.stack_name;
        if stack.chars().any(|c| c.is_ascii_uppercase()) || stack.len() + DEFAULT_BUCKET_SUFFIX > 63 {
            return Err((
                "platform.stack_name",
                format!(
                    "bucket names default to <stack_name>-<zone>-<account>-<region>, and S3 needs them lowercase and \
                     at most 63 characters: use a lowercase stack name of at most {} characters, or set \
                     platform.lake.raw_bucket and platform.lake.curated_bucket (found {stack:?})",
                    63 - DEFAULT_BUCKET_SUFFIX
                ),
            ));
        }
    }
    if p.redshift.mode != RedshiftMode::Off && !is_redshift_name(&p.redshift.name) {
        return Err((
            "platform.redshift.name",
            format!(
                "expected a Redshift name of 3 to 63 lowercase letters, digits and hyphens starting with a letter, found {:?}",
                p.redshift.name
            ),
        ));
    }
    if p.redshift.mode == RedshiftMode::Cluster && !p.network.enabled {
        return Err((
            "platform.redshift.mode",
            "a Redshift cluster runs in the platform's private subnets: set platform.network.enabled = true, or use \
             mode = \"serverless\" or \"off\""
                .into(),
        ));
    }
    if !is_glue_name(&p.glue.database) {
        return Err((
            "platform.glue.database",
            format!("expected a Glue database name of lowercase letters, digits and '_', found {:?}", p.glue.database),
        ));
    }
    Ok(())
}

fn is_redshift_name(n: &str) -> bool {
    (3..=63).contains(&n.len())
        && n.starts_with(|c: char| c.is_ascii_lowercase())
        && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_glue_name(n: &str) -> bool {
    !n.is_empty() && n.len() <= 255 && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::settings::{load, Overrides, Paths};

    fn settings(edit: impl FnOnce(&mut Settings)) -> Settings {
        let paths = Paths { config_dir: "/nonexistent/config".into(), state_dir: "/nonexistent/state".into() };
        let mut s = load(&Overrides::default(), &paths, &[]).expect("defaults load").settings;
        edit(&mut s);
        s
    }

    #[test]
    fn the_defaults_pass() {
        assert_eq!(check(&settings(|_| {})), Ok(()));
    }

    #[test]
    fn a_stack_name_that_makes_bad_bucket_names_is_refused_unless_buckets_are_named() {
        let err = check(&settings(|s| s.platform.stack_name = "Clickstream".into())).unwrap_err();
        assert_eq!(err.0, "platform.stack_name");
        assert!(err.1.contains("lowercase"), "{}", err.1);
        assert!(check(&settings(|s| s.platform.stack_name = "a".repeat(30))).is_err());
        let named = settings(|s| {
            s.platform.stack_name = "Clickstream".into();
            s.platform.lake.raw_bucket = Some("my-raw".into());
            s.platform.lake.curated_bucket = Some("my-curated".into());
        });
        assert_eq!(check(&named), Ok(()));
    }

    #[test]
    fn a_cluster_needs_the_network() {
        let err = check(&settings(|s| {
            s.platform.redshift.mode = RedshiftMode::Cluster;
            s.platform.network.enabled = false;
        }))
        .unwrap_err();
        assert_eq!(err.0, "platform.redshift.mode");
    }
}
