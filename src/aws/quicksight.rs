//! Amazon QuickSight: a SPICE dataset's newest refreshes (ListIngestions).

use aws_sdk_quicksight::Client;

use super::errors::{code, platform_error};
use super::utc;
use crate::model::{Ingestion, SpiceDataset};
use crate::platform::PlatformError;

/// Refreshes read per dataset: an hourly dataset's last ten hours.
const INGESTIONS_READ: i32 = 10;

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
            }
        })
        .collect();
    ingestions.sort_by_key(|i| std::cmp::Reverse(i.created));
    ingestions.truncate(INGESTIONS_READ as usize);
    Ok(SpiceDataset { id: id.to_string(), exists: true, ingestions })
}
