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
            let code = e.code().unwrap_or("Unknown");
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
            PlatformError::Unreachable { service, message: sanitize(&DisplayErrorContext(&err).to_string()) }
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
