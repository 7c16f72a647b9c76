//! SQS: the dead-letter queue's depth, read live (CloudWatch's copy is minutes behind).

use aws_sdk_sqs::types::QueueAttributeName;
use aws_sdk_sqs::Client;

use super::errors::{code, platform_error};
use crate::model::DlqStatus;
use crate::platform::PlatformError;

/// Messages waiting and being handled; `None` when the queue does not exist.
pub async fn depth(client: &Client, queue: &str) -> Result<Option<DlqStatus>, PlatformError> {
    let url = match client.get_queue_url().queue_name(queue).send().await {
        Ok(out) => out.queue_url().unwrap_or_default().to_string(),
        Err(e) if matches!(code(&e), Some("AWS.SimpleQueueService.NonExistentQueue" | "QueueDoesNotExist")) => {
            return Ok(None)
        }
        Err(e) => return Err(platform_error("SQS GetQueueUrl", e)),
    };
    let out = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .map_err(|e| platform_error("SQS GetQueueAttributes", e))?;
    let attribute = |name: QueueAttributeName| out.attributes().and_then(|a| a.get(&name)).and_then(|v| v.parse().ok());
    Ok(Some(DlqStatus {
        queue: queue.to_string(),
        visible: attribute(QueueAttributeName::ApproximateNumberOfMessages),
        in_flight: attribute(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        oldest_age_seconds: None,
    }))
}
