//! S3 for a template over CloudFormation's inline limit (`provision::staging`): PutObject into
//! the profile's `aws.template_bucket`, or into lakeops' own bucket of the account and Region,
//! made the first time it is needed (CreateBucket). Both calls are safe to repeat (the key is the
//! template's content; a bucket already ours is no error), so they keep the SDK's retries.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use aws_sdk_s3::Client;

use super::errors::{code, platform_error};
use crate::model::StagedTemplate;
use crate::platform::PlatformError;
use crate::provision::staging::{self, Bucket};

/// Puts `template` in `bucket` for stack `stack`: what the plan says of it, and the URL
/// CloudFormation reads it from.
pub async fn put(
    client: &Client,
    bucket: &Bucket,
    region: &str,
    stack: &str,
    template: &str,
) -> Result<(StagedTemplate, String), PlatformError> {
    let (key, staged) = bucket.object(stack, template);
    match put_object(client, &bucket.name, &key, template).await {
        Err(e) if e.code() == Some("NoSuchBucket") && bucket.ours => {
            create_bucket(client, &bucket.name, region).await?;
            put_object(client, &bucket.name, &key, template).await?;
        }
        Err(e) if e.code() == Some("NoSuchBucket") => {
            return Err(PlatformError::failed(
                "S3 PutObject",
                format!(
                    "the bucket {} (aws.template_bucket) does not exist: make it, or unset aws.template_bucket \
                     for lakeops to use its own",
                    bucket.name
                ),
            ))
        }
        other => other?,
    }
    Ok((staged, staging::url(&bucket.name, region, &key)))
}

async fn put_object(client: &Client, bucket: &str, key: &str, body: &str) -> Result<(), PlatformError> {
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type("application/json")
        .body(ByteStream::from(body.as_bytes().to_vec()))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| platform_error("S3 PutObject", e))
}

/// Makes lakeops' bucket (private, as S3 makes every new bucket). Outside us-east-1 S3 wants the
/// Region named; a bucket already ours (a second lakeops made it first) is no error.
async fn create_bucket(client: &Client, bucket: &str, region: &str) -> Result<(), PlatformError> {
    let mut request = client.create_bucket().bucket(bucket);
    if region != "us-east-1" {
        let location = BucketLocationConstraint::from(region);
        request = request
            .create_bucket_configuration(CreateBucketConfiguration::builder().location_constraint(location).build());
    }
    match request.send().await {
        Ok(_) => Ok(()),
        Err(e) if code(&e) == Some("BucketAlreadyOwnedByYou") => Ok(()),
        Err(e) if code(&e) == Some("BucketAlreadyExists") => Err(PlatformError::failed(
            "S3 CreateBucket",
            format!(
                "the bucket name {bucket} is another account's: set aws.template_bucket to a bucket of yours for \
                 templates over CloudFormation's inline limit"
            ),
        )),
        Err(e) => Err(platform_error("S3 CreateBucket", e)),
    }
}
