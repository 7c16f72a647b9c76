//! Amazon QuickSight: a SPICE dataset's newest refreshes (ListIngestions), and refreshing one now
//! (CreateIngestion).

use aws_sdk_quicksight::types::IngestionType;
use aws_sdk_quicksight::Client;

use super::errors::{code, platform_error};
use super::landed::{self, Failed, ReadBack};
use super::utc;
use crate::model::text::sanitize;
use crate::model::{Applied, Ingestion, SpiceDataset};
use crate::platform::PlatformError;

/// Refreshes read per dataset, ListIngestions' largest page: more than a day of an hourly
/// dataset's, so that the refreshes asked for in the last 24 hours are all counted against
/// QuickSight's 32 a day (`ops::rerun`; ten, as read before, could never reach 32).
const INGESTIONS_READ: i32 = 100;

/// The dataset `id` with its newest refreshes, newest first; `exists` false when QuickSight does
/// not know it.
pub async fn dataset(client: &Client, account: &str, id: &str) -> Result<SpiceDataset, PlatformError> {
    let out = match client
        .list_ingestions()
        .aws_account_id(account)
        .data_set_id(id)
        .max_results(INGESTIONS_READ)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) if code(&e) == Some("ResourceNotFoundException") => {
            return Ok(SpiceDataset { id: id.to_string(), exists: false, ingestions: Vec::new() })
        }
        Err(e) => return Err(platform_error("QuickSight ListIngestions", e)),
    };
    let mut ingestions: Vec<Ingestion> = out
        .ingestions()
        .iter()
        .map(|i| {
            let error = i.error_info();
            let rows = i.row_info();
            Ingestion {
                id: i
                    .ingestion_id()
                    .map(str::to_string)
                    .unwrap_or_else(|| i.arn().rsplit('/').next().unwrap_or_default().to_string()),
                status: i.ingestion_status().as_str().to_string(),
                created: utc(Some(i.created_time())),
                seconds: i.ingestion_time_in_seconds(),
                rows_ingested: rows.and_then(|r| r.rows_ingested()),
                rows_dropped: rows.and_then(|r| r.rows_dropped()),
                error_type: error.and_then(|e| e.r#type()).map(|t| t.as_str().to_string()),
                error_message: error.and_then(|e| e.message()).map(str::to_string),
                manual: i.request_source() == Some(&aws_sdk_quicksight::types::IngestionRequestSource::Manual),
            }
        })
        .collect();
    ingestions.sort_by_key(|i| std::cmp::Reverse(i.created));
    ingestions.truncate(INGESTIONS_READ as usize);
    Ok(SpiceDataset { id: id.to_string(), exists: true, ingestions })
}

// CreateIngestion is sent once (see `landed`): when its answer is lost, DescribeIngestion of the
// id lakeops chose says whether the refresh exists.

fn once() -> aws_sdk_quicksight::config::Builder {
    aws_sdk_quicksight::Config::builder().retry_config(landed::once())
}

/// The id lakeops gives a refresh it starts at `now_ms`: QuickSight wants `[a-zA-Z0-9-_]{1,128}`.
pub fn ingestion_id(now_ms: i64) -> String {
    format!("lakeops-{now_ms}")
}

/// CreateIngestion's refusals in an operator's terms. QuickSight answers LimitExceededException
/// when a refresh of the dataset is running already or the refreshes allowed a day are used up:
/// no throttling to back off from, but a refusal to read.
fn refused(failed: Failed) -> Failed {
    match failed {
        Failed::Refused(PlatformError::Throttled { service, code: Some(code), message })
            if code == "LimitExceededException" =>
        {
            let message = format!(
                "{message} (a refresh of the dataset may be running already, or its refreshes for the day \
                 used up: see its refreshes with lakeops show quicksight)"
            );
            Failed::Refused(PlatformError::Failed { service, code: Some(code), message })
        }
        other => other,
    }
}

/// CreateIngestion of the dataset `dataset` (a full refresh) with the id `id` (see
/// [`ingestion_id`]); answers "refresh <id> started".
pub async fn refresh(client: &Client, account: &str, dataset: &str, id: &str) -> Result<Applied, PlatformError> {
    let api = "QuickSight CreateIngestion";
    let sent = client
        .create_ingestion()
        .aws_account_id(account)
        .data_set_id(dataset)
        .ingestion_id(id)
        .ingestion_type(IngestionType::FullRefresh)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|_| ())
        .map_err(|e| refused(landed::failed(api, e)));
    let read_back = async {
        // DescribeIngestion of the same id: the refresh exists if the call landed.
        let out = match client
            .describe_ingestion()
            .aws_account_id(account)
            .data_set_id(dataset)
            .ingestion_id(id)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if code(&e) == Some("ResourceNotFoundException") => {
                return Ok(ReadBack::NotLanded(format!("dataset {dataset} has no refresh {id}")))
            }
            Err(e) => return Err(platform_error("QuickSight DescribeIngestion", e)),
        };
        let status = out
            .ingestion()
            .map(|i| sanitize(i.ingestion_status().as_str()))
            .unwrap_or_else(|| "known to QuickSight".into());
        Ok(ReadBack::Landed((), format!("refresh {id} of {dataset} is {status}")))
    };
    let check = format!("the refreshes of {dataset} (lakeops show quicksight)");
    landed::answered(api, sent, read_back, &check, |_| Applied::Answer(format!("refresh {id} started"))).await
}
