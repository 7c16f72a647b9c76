//! SDK errors in the terms an operator acts on.

use aws_sdk_kinesis::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::model::text::sanitize;
use crate::platform::{PlatformError, ServiceError};

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
                if status.starts_with('2') {
                    // A success whose body the SDK could not read (an endpoint that answers unlike AWS).
                    let why = sanitize(&DisplayErrorContext(e).to_string());
                    return PlatformError::failed(
                        service,
                        format!("HTTP {status}, but the answer could not be read: {why}"),
                    );
                }
                return PlatformError::failed(
                    service,
                    format!("HTTP {status} without an error code (is this API served at this endpoint?)"),
                );
            };
            PlatformError::answered(
                service,
                ServiceError::new(&sanitize(code), sanitize(e.message().unwrap_or("no message"))),
            )
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            let full = DisplayErrorContext(&err).to_string();
            if full.contains("loading credentials")
                || full.contains("no credentials found")
                || full.contains("no providers in chain")
            {
                return PlatformError::failed(
                    service,
                    "no AWS credentials found: set AWS_PROFILE or aws.profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                );
            }
            // The chain says what failed, to its cause (`tcp connect error: Connection refused`); the
            // debug dump after it is for the log.
            tracing::warn!("{service}: {full}");
            PlatformError::unreachable(service, sanitize(&unreachable_cause(&full)))
        }
        _ => PlatformError::failed(service, sanitize(&DisplayErrorContext(&err).to_string())),
    }
}

/// A dispatch or timeout failure's chain of causes in words, without the SDK's debug dump or the OS
/// error number: `dispatch failure: io error: client error (Connect): tcp connect error: Connection
/// refused`.
fn unreachable_cause(full: &str) -> String {
    let dump = [" (DispatchFailure(", " (TimeoutError("].iter().filter_map(|d| full.find(d)).min();
    let said = &full[..dump.unwrap_or(full.len())];
    let said = said.rfind(" (os error").map_or(said, |at| &said[..at]);
    said.trim_end().to_string()
}

/// The service's error code, when the service answered.
pub fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(context) => context.err().code(),
        _ => None,
    }
}

/// An answer that is no AWS error at all (a web server's error page, an error without a
/// code): the endpoint does not serve the call (moto lacks some).
pub fn not_served<E: ProvideErrorMetadata>(err: &SdkError<E, aws_smithy_runtime_api::http::Response>) -> bool {
    match err {
        SdkError::ServiceError(e) => e.err().code().is_none(),
        SdkError::ResponseError(e) => !e.raw().status().is_success(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    /// What a refused connection says: its cause, not only "client error".
    #[test]
    fn an_unreachable_endpoint_says_why() {
        let full = "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111) (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Io } }))";
        assert_eq!(
            super::unreachable_cause(full),
            "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused"
        );
        assert_eq!(super::unreachable_cause("timeout (TimeoutError(x))"), "timeout");
        assert_eq!(super::unreachable_cause("no dump at all"), "no dump at all");
    }
}
