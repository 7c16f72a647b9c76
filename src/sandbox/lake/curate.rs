//! The sandbox's Glue job, for real: raw JSON lines in, the flattened `clickstream.events`
//! rows out, as Parquet.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringBuilder, TimestampMillisecondBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;

/// The flattened columns, in the catalog's order (the partition columns come from the path).
const TEXT_COLUMNS: &[&str] =
    &["user_id", "event_type", "page_url", "product_id", "category", "session_id", "device_type", "country", "city"];

/// `clickstream.events` without its partition columns.
pub fn events_schema() -> SchemaRef {
    let mut fields = vec![Field::new("event_time", DataType::Timestamp(TimeUnit::Millisecond, None), true)];
    fields.extend(TEXT_COLUMNS.iter().map(|name| Field::new(*name, DataType::Utf8, true)));
    Arc::new(Schema::new(fields))
}

/// `clickstream.raw_events` as the crawler found it: the event schema, nested.
pub fn raw_events_schema() -> SchemaRef {
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    let location = DataType::Struct(vec![text("country"), text("city")].into());
    let data = DataType::Struct(
        vec![
            text("page_url"),
            text("product_id"),
            text("category"),
            text("session_id"),
            text("device_type"),
            Field::new("location", location, true),
        ]
        .into(),
    );
    Arc::new(Schema::new(vec![text("timestamp"), text("user_id"), text("event_type"), Field::new("data", data, true)]))
}

/// What one run of the job made of its input.
#[derive(Debug, Default, PartialEq)]
pub struct Curated {
    pub rows: usize,
    /// Lines that were not events (bad JSON, no parsable timestamp): left out, as a Glue job
    /// with a bad-records path would.
    pub rejected: usize,
}

/// Flattens raw JSON lines into one Parquet file's bytes.
pub fn to_parquet(raw: &str) -> Result<(Vec<u8>, Curated), String> {
    let mut time = TimestampMillisecondBuilder::new();
    let mut text: Vec<StringBuilder> = TEXT_COLUMNS.iter().map(|_| StringBuilder::new()).collect();
    let mut outcome = Curated::default();
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(event) = serde_json::from_str::<serde_json::Value>(line) else {
            outcome.rejected += 1;
            continue;
        };
        let at = event["timestamp"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        let Some(at) = at else {
            outcome.rejected += 1;
            continue;
        };
        time.append_value(at.timestamp_millis());
        let data = &event["data"];
        let values = [
            &event["user_id"],
            &event["event_type"],
            &data["page_url"],
            &data["product_id"],
            &data["category"],
            &data["session_id"],
            &data["device_type"],
            &data["location"]["country"],
            &data["location"]["city"],
        ];
        for (builder, value) in text.iter_mut().zip(values) {
            builder.append_option(value.as_str());
        }
        outcome.rows += 1;
    }
    let mut columns: Vec<ArrayRef> = vec![Arc::new(time.finish())];
    columns.extend(text.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef));
    let batch = RecordBatch::try_new(events_schema(), columns).map_err(|e| e.to_string())?;
    let properties = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(properties)).map_err(|e| e.to_string())?;
    writer.write(&batch).map_err(|e| e.to_string())?;
    writer.close().map_err(|e| e.to_string())?;
    Ok((bytes, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_left_out_and_counted() {
        let raw = concat!(
            r#"{"timestamp":"2026-03-20T10:00:00Z","user_id":"user123","event_type":"page_view","data":{"page_url":"https://example.com/products","product_id":"prod456","category":"electronics","session_id":"sess789","device_type":"mobile","location":{"country":"US","city":"San Francisco"}}}"#,
            "\nnot json\n",
            r#"{"timestamp":"yesterday","user_id":"u"}"#,
            "\n",
            r#"{"timestamp":"2026-03-20T10:00:01Z","user_id":"user9","event_type":"search","data":{"product_id":null}}"#,
        );
        let (bytes, outcome) = to_parquet(raw).unwrap();
        assert_eq!(outcome, Curated { rows: 2, rejected: 2 });
        assert_eq!(&bytes[..4], b"PAR1");
    }
}
