//! Why a platform call failed, typed the same way for every backend: the AWS SDK's errors and
//! the sandbox's answers both carry the service's error code apart from its message, and both
//! are sorted into throttling, denial and failure by the one list below.

/// Error codes that mean "slow down": the caller backs off.
const THROTTLING: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "LimitExceededException",
    "ProvisionedThroughputExceededException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
];
/// Error codes that mean the credentials may not do this.
const DENIED: &[&str] = &[
    "AccessDeniedException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
];

/// Why a platform call failed, in the terms an operator acts on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    #[error("cannot reach {service}: {message}")]
    Unreachable { service: String, message: String },
    #[error("{service} is throttling requests ({}); backing off", said(code, message))]
    Throttled { service: String, code: Option<String>, message: String },
    #[error("{service} refused the request: {} (check the IAM permissions in docs/aws.md)", said(code, message))]
    Denied { service: String, code: Option<String>, message: String },
    #[error("{service}: {}", said(code, message))]
    Failed { service: String, code: Option<String>, message: String },
    /// A change whose answer was lost (a timeout, a dropped connection, a server error): reading
    /// the state back showed it did not happen.
    #[error("{service}: did not land (read back: {seen}); its answer was lost: {lost}")]
    NotLanded { service: String, seen: String, lost: String },
    /// A change whose answer was lost and whose state could not be read back either.
    #[error("{service}: unknown whether it landed: its answer was lost ({lost}) and reading back failed ({reading}); check {check}")]
    Unknown { service: String, lost: String, reading: String, check: String },
}

/// "Code: message", or the message alone.
fn said(code: &Option<String>, message: &str) -> String {
    match code {
        Some(code) => format!("{code}: {message}"),
        None => message.to_string(),
    }
}

/// What a service answered when it refused a call: its error code and message. The sandbox's
/// model answers with these as the services do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ServiceError {
    pub fn new(code: &str, message: impl Into<String>) -> ServiceError {
        ServiceError { code: code.to_string(), message: message.into() }
    }
}

impl PlatformError {
    /// The service answered `code`: throttling, a denial or a failure, as the code says.
    pub fn answered(service: impl Into<String>, answer: ServiceError) -> PlatformError {
        let (service, code, message) = (service.into(), Some(answer.code), answer.message);
        match code.as_deref() {
            Some(c) if THROTTLING.contains(&c) => PlatformError::Throttled { service, code, message },
            Some(c) if DENIED.contains(&c) => PlatformError::Denied { service, code, message },
            _ => PlatformError::Failed { service, code, message },
        }
    }

    /// A failure with no error code from a service (a missing answer, a local problem).
    pub fn failed(service: impl Into<String>, message: impl Into<String>) -> PlatformError {
        PlatformError::Failed { service: service.into(), code: None, message: message.into() }
    }

    /// Backing off without an answer from the service (the client's own pacing).
    pub fn throttled(service: impl Into<String>, message: impl Into<String>) -> PlatformError {
        PlatformError::Throttled { service: service.into(), code: None, message: message.into() }
    }

    pub fn unreachable(service: impl Into<String>, message: impl Into<String>) -> PlatformError {
        PlatformError::Unreachable { service: service.into(), message: message.into() }
    }

    pub fn is_throttling(&self) -> bool {
        matches!(self, PlatformError::Throttled { .. })
    }

    /// The service's error code, when it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            PlatformError::Throttled { code, .. }
            | PlatformError::Denied { code, .. }
            | PlatformError::Failed { code, .. } => code.as_deref(),
            PlatformError::Unreachable { .. } | PlatformError::NotLanded { .. } | PlatformError::Unknown { .. } => None,
        }
    }

    /// How the journal names the outcome of a change that ended in this error.
    pub fn outcome(&self) -> &'static str {
        match self {
            PlatformError::NotLanded { .. } => "did not land",
            PlatformError::Unknown { .. } => "unknown",
            _ => "failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_sort_answers_the_same_way_for_every_backend() {
        let throttled =
            PlatformError::answered("Kinesis (sandbox)", ServiceError::new("LimitExceededException", "slow"));
        assert!(throttled.is_throttling());
        assert_eq!(
            throttled.to_string(),
            "Kinesis (sandbox) is throttling requests (LimitExceededException: slow); backing off"
        );
        let denied = PlatformError::answered("Glue", ServiceError::new("AccessDeniedException", "no"));
        assert!(matches!(denied, PlatformError::Denied { .. }));
        let failed = PlatformError::answered("Glue", ServiceError::new("EntityNotFoundException", "job x not found"));
        assert_eq!(failed.code(), Some("EntityNotFoundException"));
        assert_eq!(failed.to_string(), "Glue: EntityNotFoundException: job x not found");
        assert_eq!(PlatformError::failed("sandbox", "disk full").to_string(), "sandbox: disk full");
    }
}
