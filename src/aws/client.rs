//! Building the SDK configuration once from the profile: region, named AWS profile,
//! endpoint URL, standard retries with explicit attempts and backoff, timeouts, lakeops' app
//! name in the user agent; and the clients.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, Region, SdkConfig};
use aws_sdk_kinesis::config::Credentials;

use super::limits::RetriesCounted;
use crate::ops::audit::APP_NAME;
use crate::settings::AwsSettings;

/// Options tests need; production leaves them empty and uses the standard credential chain.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Fixed credentials instead of the credential chain (tests against moto).
    pub credentials: Option<Credentials>,
}

pub async fn sdk_config(aws: &AwsSettings, options: &ClientOptions) -> SdkConfig {
    let retry = RetryConfig::standard()
        .with_max_attempts(aws.max_attempts)
        .with_initial_backoff(Duration::from_millis(aws.initial_backoff_ms));
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_millis(aws.connect_timeout_ms))
        .operation_attempt_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(60))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(aws.region.clone()))
        .retry_config(retry)
        .timeout_config(timeouts);
    // Every call's user agent ends in `app/lakeops`, which CloudTrail records: `:audit` knows
    // the changes made through lakeops by anyone on the team, not only this machine's journal.
    // It takes the place of `AWS_SDK_UA_APP_ID` / `sdk_ua_app_id`.
    if let Some(name) = app_name() {
        loader = loader.app_name(name);
    }
    if let Some(profile) = &aws.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &aws.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(credentials) = &options.credentials {
        loader = loader.credentials_provider(credentials.clone());
    }
    loader.load().await
}

/// What the header says of an AWS profile: its region, and the endpoint when it is not AWS's.
pub fn backend_info(aws: &AwsSettings) -> crate::platform::BackendInfo {
    let location = match &aws.endpoint_url {
        Some(url) => format!("{} via {}", aws.region, url),
        None => aws.region.clone(),
    };
    crate::platform::BackendInfo { backend: "aws", location }
}

/// lakeops' app name as the SDK takes it (a test proves `APP_NAME` is one).
fn app_name() -> Option<AppName> {
    AppName::new(APP_NAME).ok()
}

/// The client of the SDK crate `$sdk` from the SDK configuration `$config`, carrying `$retries`
/// (`limits::RetriesCounted`): the platform's limiter counts the retries it makes.
macro_rules! counted {
    ($sdk:ident, $config:expr, $retries:expr) => {
        $sdk::Client::from_conf($sdk::config::Builder::from($config).interceptor($retries.clone()).build())
    };
}
pub(crate) use counted;

/// The clients of the governance, serving and ingestion layers (Lake Formation, Firehose,
/// OpenSearch, MSK, DMS, DataSync, AppFlow, QuickSight), STS for the account id and S3 for a
/// template over CloudFormation's inline limit.
pub struct LayerClients {
    pub lakeformation: aws_sdk_lakeformation::Client,
    pub firehose: aws_sdk_firehose::Client,
    pub opensearch: aws_sdk_opensearch::Client,
    pub kafka: aws_sdk_kafka::Client,
    pub dms: aws_sdk_databasemigration::Client,
    pub datasync: aws_sdk_datasync::Client,
    pub appflow: aws_sdk_appflow::Client,
    pub quicksight: aws_sdk_quicksight::Client,
    pub sts: aws_sdk_sts::Client,
    pub s3: aws_sdk_s3::Client,
}

impl LayerClients {
    pub fn new(config: &SdkConfig, retries: &RetriesCounted) -> LayerClients {
        LayerClients {
            lakeformation: counted!(aws_sdk_lakeformation, config, retries),
            firehose: counted!(aws_sdk_firehose, config, retries),
            opensearch: counted!(aws_sdk_opensearch, config, retries),
            kafka: counted!(aws_sdk_kafka, config, retries),
            dms: counted!(aws_sdk_databasemigration, config, retries),
            datasync: counted!(aws_sdk_datasync, config, retries),
            appflow: counted!(aws_sdk_appflow, config, retries),
            quicksight: counted!(aws_sdk_quicksight, config, retries),
            sts: counted!(aws_sdk_sts, config, retries),
            s3: s3_client(config, retries),
        }
    }
}

/// The S3 client. With an endpoint override (LocalStack, moto) the bucket goes in the path:
/// `bucket.127.0.0.1` would not resolve.
fn s3_client(config: &SdkConfig, retries: &RetriesCounted) -> aws_sdk_s3::Client {
    let builder = aws_sdk_s3::config::Builder::from(config).interceptor(retries.clone());
    aws_sdk_s3::Client::from_conf(builder.force_path_style(config.endpoint_url().is_some()).build())
}

/// The CloudWatch Logs client. With an endpoint override (LocalStack, moto), StartLiveTail's
/// "stream-" host prefix would turn `127.0.0.1` into a host that does not resolve: the prefix
/// is dropped there, and kept for AWS itself.
pub fn logs_client(config: &aws_config::SdkConfig, retries: &RetriesCounted) -> aws_sdk_cloudwatchlogs::Client {
    let mut builder = aws_sdk_cloudwatchlogs::config::Builder::from(config).interceptor(retries.clone());
    if config.endpoint_url().is_some() {
        builder = builder.interceptor(NoHostPrefix);
    }
    aws_sdk_cloudwatchlogs::Client::from_conf(builder.build())
}

#[derive(Debug)]
struct NoHostPrefix;

impl aws_sdk_cloudwatchlogs::config::Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &aws_sdk_cloudwatchlogs::config::RuntimeComponents,
        cfg: &mut aws_sdk_cloudwatchlogs::config::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        cfg.interceptor_state().unset::<aws_smithy_runtime_api::client::endpoint::EndpointPrefix>();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_client_carries_lakeops_app_name() {
        assert_eq!(app_name().map(|n| n.to_string()).as_deref(), Some(APP_NAME));
        let aws = AwsSettings {
            region: "eu-west-1".into(),
            profile: None,
            endpoint_url: Some("http://127.0.0.1:9".into()),
            template_bucket: None,
            max_attempts: 1,
            initial_backoff_ms: 10,
            connect_timeout_ms: 100,
        };
        let options = ClientOptions { credentials: Some(Credentials::new("k", "s", None, None, "test")) };
        let config = sdk_config(&aws, &options).await;
        assert_eq!(config.app_name().map(|n| n.as_ref()), Some("lakeops"));
    }
}
