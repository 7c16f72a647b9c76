//! STS: the account id (GetCallerIdentity), which OpenSearch's metrics, QuickSight's APIs and the
//! lake's default bucket names need.

use super::errors::platform_error;
use crate::platform::PlatformError;

pub async fn account_id(client: &aws_sdk_sts::Client) -> Result<String, PlatformError> {
    let out = client.get_caller_identity().send().await.map_err(|e| platform_error("STS GetCallerIdentity", e))?;
    out.account()
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .ok_or_else(|| PlatformError::failed("STS GetCallerIdentity", "the answer names no account"))
}
