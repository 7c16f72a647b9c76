//! Changes whose answer was lost. Every change lakeops makes except StartQueryExecution (which
//! the SDK makes idempotent with its client request token) is sent once, without the SDK's
//! automatic retries: a retry after a lost answer repeats a change that happened (a second Glue
//! run, a second saved query) or fails on it (UpdateShardCount on a stream now UPDATING,
//! ExecuteChangeSet on a change set already executed) and would be reported as a failure. When the answer is lost (a timeout, a dropped connection, a server error), the caller
//! reads the state back and says what really happened: landed, did not land, or unknown.

use std::future::Future;

use aws_config::retry::RetryConfig;
use aws_sdk_kinesis::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use super::errors::platform_error;
use crate::model::Applied;
use crate::platform::PlatformError;

/// The retries of a change that is not idempotent: none (one attempt).
pub fn once() -> RetryConfig {
    RetryConfig::disabled()
}

/// How a change's call failed.
#[derive(Debug)]
pub enum Failed {
    /// The service answered with an error (a 4xx and its code), or the request was never built:
    /// nothing changed.
    Refused(PlatformError),
    /// No answer came (a timeout, a dropped connection), or a server error: it may have landed.
    AnswerLost(PlatformError),
}

/// Sorts a change's SDK error into a refusal or a lost answer.
pub fn failed<E>(service: &str, err: SdkError<E, HttpResponse>) -> Failed
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let lost = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(context) => context.raw().status().is_server_error(),
        _ => false,
    };
    let error = platform_error(service, err);
    if lost {
        Failed::AnswerLost(error)
    } else {
        Failed::Refused(error)
    }
}

/// What reading the state back after a lost answer showed.
#[derive(Debug)]
pub enum ReadBack<T> {
    /// The change happened: what it made (a run id, a change set) and what was read, in words.
    Landed(T, String),
    /// It did not happen: what was read, in words.
    NotLanded(String),
}

/// A change whose answer was lost, once its state has been read back: what it made and the
/// `Applied` wrapper saying so, or an error saying it did not land or that nobody knows.
#[derive(Debug)]
pub struct Settled<T> {
    pub made: T,
    seen: String,
    lost: String,
}

impl<T> Settled<T> {
    /// `applied` (what the change's answer would have said), marked as confirmed by reading back.
    pub fn applied(&self, applied: Applied) -> Applied {
        Applied::Landed { applied: Box::new(applied), seen: self.seen.clone(), lost: self.lost.clone() }
    }
}

/// Reads back the state of a change whose answer was lost (`lost`); `check` says what an
/// operator should look at when the read fails too.
pub async fn settle<T>(
    service: &str,
    lost: PlatformError,
    read_back: impl Future<Output = Result<ReadBack<T>, PlatformError>>,
    check: &str,
) -> Result<Settled<T>, PlatformError> {
    match read_back.await {
        Ok(ReadBack::Landed(made, seen)) => Ok(Settled { made, seen, lost: lost.to_string() }),
        Ok(ReadBack::NotLanded(seen)) => {
            Err(PlatformError::NotLanded { service: service.to_string(), seen, lost: lost.to_string() })
        }
        Err(reading) => Err(PlatformError::Unknown {
            service: service.to_string(),
            lost: lost.to_string(),
            reading: reading.to_string(),
            check: check.to_string(),
        }),
    }
}

/// A change sent once: what its answer says (`applied` of what it made), or, when the answer was
/// lost, the state read back (`read_back`, run only then) and what it showed.
pub async fn answered<T>(
    service: &str,
    sent: Result<T, Failed>,
    read_back: impl Future<Output = Result<ReadBack<T>, PlatformError>>,
    check: &str,
    applied: impl FnOnce(&T) -> Applied,
) -> Result<Applied, PlatformError> {
    match sent {
        Ok(made) => Ok(applied(&made)),
        Err(Failed::Refused(e)) => Err(e),
        Err(Failed::AnswerLost(lost)) => {
            let settled = settle(service, lost, read_back, check).await?;
            Ok(settled.applied(applied(&settled.made)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost() -> PlatformError {
        PlatformError::unreachable("Kinesis UpdateShardCount", "timeout")
    }

    #[tokio::test]
    async fn a_lost_answer_is_settled_by_what_was_read_back() {
        let landed =
            settle("Kinesis UpdateShardCount", lost(), async { Ok(ReadBack::Landed((), "s is UPDATING".into())) }, "s")
                .await
                .expect("landed");
        assert_eq!(
            landed.applied(Applied::Done).confirmation().as_deref(),
            Some("landed (confirmed by reading back: s is UPDATING); its answer was lost: cannot reach Kinesis UpdateShardCount: timeout")
        );
        let not = settle::<()>(
            "Kinesis UpdateShardCount",
            lost(),
            async { Ok(ReadBack::NotLanded("s is ACTIVE with 2 open shards".into())) },
            "s",
        )
        .await
        .unwrap_err();
        assert_eq!(not.outcome(), "did not land");
        assert!(not.to_string().contains("did not land (read back: s is ACTIVE with 2 open shards)"), "{not}");
        let unknown = settle::<()>(
            "Kinesis UpdateShardCount",
            lost(),
            async { Err(PlatformError::unreachable("Kinesis DescribeStreamSummary", "refused")) },
            "the stream's status",
        )
        .await
        .unwrap_err();
        assert_eq!(unknown.outcome(), "unknown");
        assert!(unknown.to_string().ends_with("check the stream's status"), "{unknown}");
    }
}
