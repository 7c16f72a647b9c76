//! SDK errors in the terms an operator acts on.

use aws_sdk_kinesis::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::model::text::sanitize;
use crate::platform::PlatformError;

const THROTTLING: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "LimitExceededException",
    "ProvisionedThroughputExceededException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
];
const DENIED: &[&str] = &[
    "AccessDeniedException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
];

pub fn platform_error<E, R>(service: &str, err: SdkError<E, R>) -> PlatformError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let service = service.to_string();
    match &err {
        SdkError::ServiceError(context) => {
            let e = context.err();
            let Some(code) = e.code() else {
                let status = format!("{:?}", context.raw());
                let status = status.split("StatusCode(").nth(1).and_then(|s| s.split(')').next()).unwrap_or("?");
                return PlatformError::Failed {
                    service,
                    message: format!("HTTP {status} without an error code (is this API served at this endpoint?)"),
                };
            };
            let message = sanitize(&format!("{code}: {}", e.message().unwrap_or("no message")));
            if THROTTLING.contains(&code) {
                PlatformError::Throttled { service, message }
            } else if DENIED.contains(&code) {
                PlatformError::Denied { service, message }
            } else {
                PlatformError::Failed { service, message }
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            let full = DisplayErrorContext(&err).to_string();
            if full.contains("loading credentials")
                || full.contains("no credentials found")
                || full.contains("no providers in chain")
            {
                return PlatformError::Failed {
                    service,
                    message: "no AWS credentials found: set AWS_PROFILE or aws.profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
                };
            }
            // The first part says what failed; the debug dump after it is for the log.
            tracing::warn!("{service}: {full}");
            let short = full.split(" (").next().unwrap_or(&full);
            PlatformError::Unreachable { service, message: sanitize(short) }
        }
        _ => PlatformError::Failed { service, message: sanitize(&DisplayErrorContext(&err).to_string()) },
    }
}

/// The service's error code, when the service answered.
pub fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(context) => context.err().code(),
        _ => None,
    }
}
