//! What CloudFormation would reject, refused before any call with the profile key named.

use super::template::CURATED_PREFIX;
use crate::settings::{RedshiftMode, Settings};

/// Longest AWS region name today (`ap-southeast-5` and friends), for the default bucket names.
const LONGEST_REGION: usize = 14;
/// `-query-results-` + a 12-digit account + `-` + region: what a default bucket name adds to the stack name.
const DEFAULT_BUCKET_SUFFIX: usize = "-query-results-".len() + 12 + 1 + LONGEST_REGION;

/// The first profile value the template cannot be built from, as (key, what is expected).
pub fn check(s: &Settings) -> Result<(), (&'static str, String)> {
    let p = &s.platform;
    // The query-results and trail buckets are always named <stack_name>-<zone>-<account>-<region>
    // (raw and curated too, unless the profile names them).
    let stack = &p.stack_name;
    if stack.chars().any(|c| c.is_ascii_uppercase()) || stack.len() + DEFAULT_BUCKET_SUFFIX > 63 {
        return Err((
            "platform.stack_name",
            format!(
                "the query-results and trail buckets are named <stack_name>-<zone>-<account>-<region>, and S3 needs \
                 bucket names lowercase and at most 63 characters: use a lowercase stack name of at most {} \
                 characters (found {stack:?})",
                63 - DEFAULT_BUCKET_SUFFIX
            ),
        ));
    }
    if let Some(problem) = crate::settings::provisioning_name_problem(s) {
        return Err(problem);
    }
    if p.redshift.mode == RedshiftMode::Cluster && !p.network.enabled {
        return Err((
            "platform.redshift.mode",
            "a Redshift cluster runs in the platform's private subnets: set platform.network.enabled = true, or use \
             mode = \"serverless\" or \"off\""
                .into(),
        ));
    }
    if p.opensearch.create && !p.network.enabled {
        return Err((
            "platform.opensearch.create",
            format!(
                "the OpenSearch domain {:?} runs in the platform's private subnets: set platform.network.enabled = true, \
                 or platform.opensearch.create = false to watch a domain the stack does not make",
                p.opensearch.domain
            ),
        ));
    }
    if let Some(location) = &p.glue.script_location {
        if let Some(writer) = writable_script(s, location) {
            return Err((
                "platform.glue.script_location",
                format!(
                    "{location} is a place {writer} writes to, so the script could be rewritten by what the platform \
                     runs: put it in another bucket, or in the curated bucket outside {CURATED_PREFIX}"
                ),
            ));
        }
    }
    Ok(())
}

/// Who may write the ETL script at `location` (an `s3://` URI): the ingest Lambda writes the raw
/// bucket, the Glue job the curated zone's prefix. Default bucket names are matched by their pattern.
fn writable_script(s: &Settings, location: &str) -> Option<&'static str> {
    let (bucket, key) = location.strip_prefix("s3://")?.split_once('/')?;
    let p = &s.platform;
    let is = |named: &Option<String>, zone: &str| match named {
        Some(name) => bucket == name,
        None => {
            bucket.starts_with(&format!("{}-{zone}-", p.stack_name)) && bucket.ends_with(&format!("-{}", s.aws.region))
        }
    };
    if is(&p.lake.raw_bucket, "raw") {
        Some("the ingest Lambda")
    } else if is(&p.lake.curated_bucket, "curated") && key.starts_with(CURATED_PREFIX) {
        Some("the Glue job")
    } else {
        None
    }
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
    fn a_stack_name_that_makes_bad_bucket_names_is_refused_even_when_the_zones_are_named() {
        let err = check(&settings(|s| s.platform.stack_name = "Clickstream".into())).unwrap_err();
        assert_eq!(err.0, "platform.stack_name");
        assert!(err.1.contains("lowercase"), "{}", err.1);
        assert!(check(&settings(|s| s.platform.stack_name = "a".repeat(30))).is_err());
        // The query-results and trail buckets still take the stack's name.
        let named = settings(|s| {
            s.platform.stack_name = "Clickstream".into();
            s.platform.lake.raw_bucket = Some("my-raw".into());
            s.platform.lake.curated_bucket = Some("my-curated".into());
        });
        assert_eq!(check(&named).map_err(|e| e.0), Err("platform.stack_name"));
    }

    #[test]
    fn the_etl_script_must_not_be_where_the_platform_writes() {
        let at = |location: &str| {
            check(&settings(|s| s.platform.glue.script_location = Some(location.into()))).map_err(|e| e.0)
        };
        assert_eq!(
            at("s3://clickstream-curated-123456789012-us-east-1/events/curate.py"),
            Err("platform.glue.script_location")
        );
        assert_eq!(at("s3://clickstream-raw-123456789012-us-east-1/curate.py"), Err("platform.glue.script_location"));
        assert_eq!(at("s3://clickstream-curated-123456789012-us-east-1/scripts/curate.py"), Ok(()));
        assert_eq!(at("s3://acme-code/curate.py"), Ok(()));
    }

    #[test]
    fn an_opensearch_domain_needs_the_network() {
        let search = |network: bool| {
            check(&settings(|s| {
                s.platform.opensearch.domain = "clickstream-logs".into();
                s.platform.opensearch.create = true;
                s.platform.network.enabled = network;
            }))
        };
        let (key, message) = search(false).unwrap_err();
        assert_eq!(key, "platform.opensearch.create");
        assert!(
            message.contains("\"clickstream-logs\"") && message.contains("platform.network.enabled = true"),
            "{message}"
        );
        assert_eq!(search(true), Ok(()));
        // Watched, not created: no network needed.
        assert_eq!(
            check(&settings(|s| {
                s.platform.opensearch.domain = "clickstream-logs".into();
                s.platform.opensearch.create = false;
                s.platform.network.enabled = false;
            })),
            Ok(())
        );
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
