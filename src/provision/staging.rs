//! Where a template over CloudFormation's inline limit is put for CloudFormation to read: an S3
//! object (AWS-FACTS.md: inline ≤ 51,200 bytes, from S3 ≤ 1 MB). Both backends read this: the
//! bucket, the key and the URL are declared here once.

use sha2::{Digest, Sha256};

/// CloudFormation's limit for a template passed inline (AWS-FACTS.md).
pub const INLINE_TEMPLATE_LIMIT: usize = 51_200;

/// CloudFormation's limit for a template read from S3 (AWS-FACTS.md: 1 MB).
pub const STAGED_TEMPLATE_LIMIT: usize = 1_048_576;

/// Whether a template of `bytes` goes to CloudFormation through S3 rather than inline.
pub fn staged(bytes: usize) -> bool {
    bytes > INLINE_TEMPLATE_LIMIT
}

/// The bucket a template is put in, and whether lakeops may make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub name: String,
    /// lakeops' own bucket (no `aws.template_bucket`): made when missing.
    pub ours: bool,
}

impl Bucket {
    /// The profile's `aws.template_bucket`, if it names one (never made by lakeops).
    pub fn of_profile(named: &Option<String>) -> Option<Bucket> {
        named.as_ref().map(|name| Bucket { name: name.clone(), ours: false })
    }

    /// The bucket lakeops stages templates in when the profile names none: one a Region and
    /// account, as CloudFormation's console keeps its own `cf-templates-…` bucket.
    pub fn lakeops(account: &str, region: &str) -> Bucket {
        Bucket { name: format!("lakeops-templates-{account}-{region}"), ours: true }
    }

    /// The object `template` of `stack` is put in here, and what a plan says of it.
    pub fn object(&self, stack: &str, template: &str) -> (String, crate::model::StagedTemplate) {
        let key = key(stack, template);
        let staged = crate::model::StagedTemplate { uri: format!("s3://{}/{key}", self.name), bytes: template.len() };
        (key, staged)
    }
}

/// The object a template is put in: under its stack, named by its content, so that planning the
/// same template again (or from a second machine) puts the same object.
pub fn key(stack: &str, template: &str) -> String {
    let digest = Sha256::digest(template.as_bytes());
    format!("{stack}/{}.json", &hex::encode(digest)[..16])
}

/// The HTTPS URL CloudFormation reads the object from (TemplateURL). Virtual-hosted, but in the
/// path for a bucket name with a dot, which would not match S3's certificate as a host name.
pub fn url(bucket: &str, region: &str, key: &str) -> String {
    let domain = if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
    if bucket.contains('.') {
        format!("https://s3.{region}.{domain}/{bucket}/{key}")
    } else {
        format!("https://{bucket}.s3.{region}.{domain}/{key}")
    }
}

/// What a plan says of a staged template.
pub fn said(bytes: usize, uri: &str) -> String {
    format!(
        "the template ({} bytes) is over CloudFormation's inline limit of {}: it was put in {uri} for \
         CloudFormation to read",
        crate::ops::format::thousands(bytes as f64),
        crate::ops::format::thousands(INLINE_TEMPLATE_LIMIT as f64)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_template_over_the_inline_limit_is_staged() {
        assert!(!staged(INLINE_TEMPLATE_LIMIT));
        assert!(staged(INLINE_TEMPLATE_LIMIT + 1));
    }

    #[test]
    fn the_key_is_the_stack_and_the_content() {
        let a = key("clickstream", "{\"Resources\":{}}");
        assert_eq!(a, key("clickstream", "{\"Resources\":{}}"));
        assert_ne!(a, key("clickstream", "{\"Resources\":{\"A\":{}}}"));
        assert!(a.starts_with("clickstream/") && a.ends_with(".json") && a.len() == "clickstream/".len() + 21, "{a}");
    }

    #[test]
    fn the_url_is_virtual_hosted_but_for_a_dotted_bucket_or_china() {
        assert_eq!(url("b", "eu-west-1", "s/k.json"), "https://b.s3.eu-west-1.amazonaws.com/s/k.json");
        assert_eq!(url("a.b", "eu-west-1", "k"), "https://s3.eu-west-1.amazonaws.com/a.b/k");
        assert_eq!(url("b", "cn-north-1", "k"), "https://b.s3.cn-north-1.amazonaws.com.cn/k");
        assert_eq!(Bucket::lakeops("123456789012", "us-east-1").name, "lakeops-templates-123456789012-us-east-1");
    }
}
