//! What a stack's deletion leaves behind, read from the template's deletion policies, so every
//! prompt and report names the same things the template keeps.

use serde_json::Value;

/// The resources `body` keeps when its stack is deleted, in words (template order).
pub fn kept_on_delete(body: &Value) -> Vec<String> {
    let Some(resources) = body["Resources"].as_object() else { return Vec::new() };
    resources
        .iter()
        .filter_map(|(id, resource)| {
            let what = what(resource["Type"].as_str().unwrap_or_default());
            match resource["DeletionPolicy"].as_str() {
                Some("Retain") => Some(format!("{id} ({what})")),
                Some("Snapshot") => Some(format!("a final snapshot of {id} ({what})")),
                _ => None,
            }
        })
        .collect()
}

/// One line for a prompt: `kept: …` or that nothing is.
pub fn kept_text(body: &Value) -> String {
    let kept = kept_on_delete(body);
    if kept.is_empty() {
        "nothing is kept".into()
    } else {
        format!("kept: {}", kept.join(", "))
    }
}

fn what(resource_type: &str) -> &str {
    match resource_type {
        "AWS::S3::Bucket" => "S3 bucket",
        "AWS::KMS::Key" => "KMS key",
        "AWS::Athena::WorkGroup" => "Athena workgroup, with its saved queries",
        "AWS::RedshiftServerless::Namespace" => "Redshift Serverless namespace, with its data",
        "AWS::Redshift::Cluster" => "Redshift cluster",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{load, Overrides, Paths, RedshiftMode};

    fn body(mode: RedshiftMode) -> Value {
        let paths = Paths { config_dir: "/nonexistent/config".into(), state_dir: "/nonexistent/state".into() };
        let mut s = load(&Overrides::default(), &paths, &[]).expect("defaults load").settings;
        s.platform.redshift.mode = mode;
        crate::provision::render(&s).body
    }

    #[test]
    fn the_prompt_names_everything_the_template_keeps() {
        let kept = kept_on_delete(&body(RedshiftMode::Serverless));
        assert_eq!(
            kept,
            [
                "DataKey (KMS key)",
                "RawBucket (S3 bucket)",
                "CuratedBucket (S3 bucket)",
                "QueryResultsBucket (S3 bucket)",
                "TrailBucket (S3 bucket)",
                "AthenaWorkgroup (Athena workgroup, with its saved queries)",
                "WarehouseNamespace (Redshift Serverless namespace, with its data)",
            ]
        );
        let cluster = kept_on_delete(&body(RedshiftMode::Cluster));
        assert!(
            cluster.contains(&"a final snapshot of WarehouseCluster (Redshift cluster)".to_string()),
            "{cluster:?}"
        );
    }
}
