//! Athena: start a query, follow it, read its results a page at a time, cancel it.

use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_athena::types::{QueryExecution, QueryExecutionContext};
use aws_sdk_athena::Client;
use chrono::DateTime;

use super::errors::{not_served, platform_error};
use super::landed::{self, ReadBack};
use crate::model::text::sanitize;
use crate::model::{
    Applied, ErrorCategory, PastQuery, QueryRequest, QueryState, QueryStatus, ResultColumn, ResultPage,
};
use crate::platform::PlatformError;

/// GetQueryResults returns at most 1,000 rows a page.
const PAGE_ROWS: i32 = 1_000;

/// Starts a query. Unlike lakeops' other changes it keeps the SDK's retries: the SDK sets its
/// ClientRequestToken once a call and sends it again on each retry, so Athena starts it once.
pub async fn start(client: &Client, request: &QueryRequest) -> Result<String, PlatformError> {
    let out = client
        .start_query_execution()
        .query_string(&request.sql)
        .work_group(&request.workgroup)
        .query_execution_context(QueryExecutionContext::builder().database(&request.database).build())
        .send()
        .await
        .map_err(|e| platform_error("Athena StartQueryExecution", e))?;
    out.query_execution_id()
        .map(str::to_string)
        .ok_or_else(|| PlatformError::failed("Athena StartQueryExecution", "no query execution id in the answer"))
}

pub async fn status(client: &Client, id: &str) -> Result<QueryStatus, PlatformError> {
    Ok(execution(client, id).await?.status)
}

/// BatchGetQueryExecution reads at most 50 queries a call.
const BATCH: usize = 50;
/// Queries read one GetQueryExecution at a time where the endpoint has no batch call.
const ONE_BY_ONE: usize = 20;

/// Whether the endpoint lacks BatchGetQueryExecution (moto does): found out by the first
/// call, which answers without an error code, and remembered.
#[derive(Debug, Default)]
pub struct Batching {
    unsupported: AtomicBool,
}

/// The queries `ids`: one BatchGetQueryExecution call per 50, or, where the endpoint has no
/// such call, one GetQueryExecution for each of the first 20.
pub async fn executions(
    client: &Client,
    ids: &[String],
    batching: &Batching,
) -> Result<Vec<QueryExecution>, PlatformError> {
    if !batching.unsupported.load(Ordering::Relaxed) {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            match client.batch_get_query_execution().set_query_execution_ids(Some(chunk.to_vec())).send().await {
                Ok(out) => found.extend(out.query_executions().iter().cloned()),
                Err(e) if not_served(&e) => {
                    batching.unsupported.store(true, Ordering::Relaxed);
                    break;
                }
                Err(e) => return Err(platform_error("Athena BatchGetQueryExecution", e)),
            }
        }
        if !batching.unsupported.load(Ordering::Relaxed) {
            return Ok(found);
        }
    }
    let mut found = Vec::new();
    for id in ids.iter().take(ONE_BY_ONE) {
        found.extend(get_execution(client, id).await?);
    }
    Ok(found)
}

/// The workgroup's recent queries, newest first: ListQueryExecutions lists the 50 newest
/// ids, read in one batch.
pub async fn history(client: &Client, workgroup: &str, batching: &Batching) -> Result<Vec<PastQuery>, PlatformError> {
    let listed = client
        .list_query_executions()
        .work_group(workgroup)
        .max_results(BATCH as i32)
        .send()
        .await
        .map_err(|e| platform_error("Athena ListQueryExecutions", e))?;
    let mut past: Vec<PastQuery> =
        executions(client, listed.query_execution_ids(), batching).await?.iter().map(past_query).collect();
    past.sort_by_key(|p| std::cmp::Reverse(p.status.submitted));
    Ok(past)
}

/// The workgroups of the account (ListWorkGroups), by name.
pub async fn workgroups(client: &Client) -> Result<Vec<String>, PlatformError> {
    let out = client
        .list_work_groups()
        .max_results(50)
        .send()
        .await
        .map_err(|e| platform_error("Athena ListWorkGroups", e))?;
    let mut names: Vec<String> = out.work_groups().iter().filter_map(|w| w.name()).map(sanitize).collect();
    names.sort();
    Ok(names)
}

async fn get_execution(client: &Client, id: &str) -> Result<Option<QueryExecution>, PlatformError> {
    let out = client
        .get_query_execution()
        .query_execution_id(id)
        .send()
        .await
        .map_err(|e| platform_error("Athena GetQueryExecution", e))?;
    Ok(out.query_execution)
}

async fn execution(client: &Client, id: &str) -> Result<PastQuery, PlatformError> {
    let execution = get_execution(client, id).await?.unwrap_or_else(|| QueryExecution::builder().build());
    let mut past = past_query(&execution);
    past.status.id = id.to_string();
    Ok(past)
}

fn past_query(execution: &QueryExecution) -> PastQuery {
    let id = execution.query_execution_id().unwrap_or_default();
    let execution = Some(execution);
    let status = execution.and_then(|e| e.status());
    let statistics = execution.and_then(|e| e.statistics());
    let sql = execution.and_then(|e| e.query()).unwrap_or_default().to_string();
    let database = execution.and_then(|e| e.query_execution_context()).and_then(|c| c.database()).map(sanitize);
    let status = QueryStatus {
        id: id.to_string(),
        state: QueryState::parse(status.and_then(|s| s.state()).map(|s| s.as_str()).unwrap_or("FAILED")),
        reason: status.and_then(|s| s.state_change_reason()).map(sanitize),
        scanned_bytes: statistics.and_then(|s| s.data_scanned_in_bytes()).map(|b| b.max(0) as u64),
        engine_ms: statistics.and_then(|s| s.engine_execution_time_in_millis()).map(|m| m.max(0) as u64),
        submitted: super::utc(status.and_then(|s| s.submission_date_time())),
        statement_type: execution.and_then(|e| e.statement_type()).map(|t| t.as_str().to_string()),
        error_category: status
            .and_then(|s| s.athena_error())
            .and_then(|e| e.error_category())
            .and_then(ErrorCategory::from_code),
    };
    PastQuery { status, sql, database }
}

/// One page of results; the header row of a SELECT's first page is left for the caller
/// (`ops::athena::drop_header`), which knows the columns.
pub async fn results(client: &Client, id: &str, token: Option<&str>) -> Result<ResultPage, PlatformError> {
    let out = client
        .get_query_results()
        .query_execution_id(id)
        .max_results(PAGE_ROWS)
        .set_next_token(token.map(str::to_string))
        .send()
        .await
        .map_err(|e| platform_error("Athena GetQueryResults", e))?;
    let set = out.result_set();
    let columns = set
        .and_then(|s| s.result_set_metadata())
        .map(|m| {
            m.column_info()
                .iter()
                .map(|c| ResultColumn { name: c.name().to_string(), kind: c.r#type().to_ascii_lowercase() })
                .collect()
        })
        .unwrap_or_default();
    let rows = set
        .map(|s| {
            s.rows().iter().map(|r| r.data().iter().map(|d| d.var_char_value().map(str::to_string)).collect()).collect()
        })
        .unwrap_or_default();
    Ok(ResultPage { columns, rows, next_token: out.next_token().filter(|t| !t.is_empty()).map(str::to_string) })
}

/// Cancels a query, sent once (see `landed`): when the answer is lost, GetQueryExecution says
/// whether it is CANCELLED.
pub async fn stop(client: &Client, id: &str) -> Result<Applied, PlatformError> {
    let api = "Athena StopQueryExecution";
    let sent = client
        .stop_query_execution()
        .query_execution_id(id)
        .customize()
        .config_override(aws_sdk_athena::Config::builder().retry_config(landed::once()))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| landed::failed(api, e));
    let check =
        format!("query {id} (:athena's history, or `aws athena get-query-execution --query-execution-id {id}`)");
    landed::answered(api, sent, cancelled(client, id), &check, |_| Applied::Done).await
}

/// Whether query `id` is CANCELLED.
async fn cancelled(client: &Client, id: &str) -> Result<ReadBack<()>, PlatformError> {
    let state = get_execution(client, id).await?.and_then(|e| e.status()?.state().cloned());
    let state = state.map(|s| sanitize(s.as_str())).unwrap_or_else(|| "unknown".into());
    let now = format!("query {id} is {state}");
    Ok(if state == "CANCELLED" { ReadBack::Landed((), now) } else { ReadBack::NotLanded(now) })
}

/// The workgroup's recent queries: running or queued, failed in the last hour, and the bytes
/// scanned today (UTC) by the 50 newest (one ListQueryExecutions page, one
/// BatchGetQueryExecution call).
pub async fn workgroup_status(
    client: &Client,
    workgroup: &str,
    now: DateTime<chrono::Utc>,
    batching: &Batching,
) -> Result<crate::model::AthenaStatus, PlatformError> {
    let listed = client
        .list_query_executions()
        .work_group(workgroup)
        .max_results(BATCH as i32)
        .send()
        .await
        .map_err(|e| platform_error("Athena ListQueryExecutions", e))?;
    let ids = listed.query_execution_ids().to_vec();
    let mut status = crate::model::AthenaStatus {
        workgroup: workgroup.to_string(),
        running: 0,
        failed_last_hour: 0,
        scanned_bytes_today: 0,
    };
    if ids.is_empty() {
        return Ok(status);
    }
    let found = executions(client, &ids, batching).await?;
    let time = |t: Option<&aws_smithy_types::DateTime>| t.and_then(|t| DateTime::from_timestamp(t.secs(), 0));
    let today = now.date_naive();
    for q in &found {
        let s = q.status();
        let state = QueryState::parse(s.and_then(|s| s.state()).map(|s| s.as_str()).unwrap_or("FAILED"));
        let submitted = time(s.and_then(|s| s.submission_date_time()));
        let completed = time(s.and_then(|s| s.completion_date_time()));
        match state {
            QueryState::Queued | QueryState::Running => status.running += 1,
            QueryState::Failed if completed.is_some_and(|c| now - c < chrono::Duration::hours(1)) => {
                status.failed_last_hour += 1
            }
            _ => {}
        }
        if submitted.is_some_and(|t| t.date_naive() == today) {
            let scanned = q.statistics().and_then(|s| s.data_scanned_in_bytes()).unwrap_or(0);
            status.scanned_bytes_today += scanned.max(0) as u64;
        }
    }
    Ok(status)
}

/// Saved queries read per refresh of the list: one ListNamedQueries page.
const SAVED_LISTED: i32 = 50;

/// The workgroup's saved queries, by name.
pub async fn saved_queries(client: &Client, workgroup: &str) -> Result<Vec<crate::model::SavedQuery>, PlatformError> {
    let listed = client
        .list_named_queries()
        .work_group(workgroup)
        .max_results(SAVED_LISTED)
        .send()
        .await
        .map_err(|e| platform_error("Athena ListNamedQueries", e))?;
    let mut saved = Vec::new();
    // GetNamedQuery one by one: endpoints without BatchGetNamedQuery (moto) answer it too.
    for id in listed.named_query_ids() {
        let out = named_query(client, id).await?;
        if let Some(q) = out.named_query() {
            saved.push(crate::model::SavedQuery {
                id: id.clone(),
                name: sanitize(q.name()),
                description: q.description().map(sanitize),
                database: q.database().to_string(),
                workgroup: q.work_group().unwrap_or(workgroup).to_string(),
                sql: q.query_string().to_string(),
            });
        }
    }
    saved.sort_by_key(|q| q.name.to_lowercase());
    Ok(saved)
}

/// Saves a query, sent once (see `landed`): when the answer is lost, the workgroup's saved queries
/// say whether one with the same name and SQL is there; its id is the answer.
pub async fn save_query(client: &Client, query: &crate::model::SavedQuery) -> Result<Applied, PlatformError> {
    let api = "Athena CreateNamedQuery";
    let sent = client
        .create_named_query()
        .name(&query.name)
        .set_description(query.description.clone())
        .database(&query.database)
        .work_group(&query.workgroup)
        .query_string(&query.sql)
        .customize()
        .config_override(aws_sdk_athena::Config::builder().retry_config(landed::once()))
        .send()
        .await
        .map(|out| out.named_query_id().unwrap_or_default().to_string())
        .map_err(|e| landed::failed(api, e));
    let check = format!("the saved queries of workgroup {} (:athena's saved queries)", query.workgroup);
    landed::answered(api, sent, saved_as(client, query), &check, |id| Applied::Answer(id.clone())).await
}

/// Pages of saved queries read back after a lost CreateNamedQuery answer (50 a page).
const SAVED_PAGES: usize = 20;

/// The id of a saved query of `query`'s workgroup with its name and SQL (ListNamedQueries, paged;
/// GetNamedQuery one by one, as `saved_queries` does).
async fn saved_as(client: &Client, query: &crate::model::SavedQuery) -> Result<ReadBack<String>, PlatformError> {
    let mut token: Option<String> = None;
    for _ in 0..SAVED_PAGES {
        let listed = client
            .list_named_queries()
            .work_group(&query.workgroup)
            .max_results(SAVED_LISTED)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("Athena ListNamedQueries", e))?;
        for id in listed.named_query_ids() {
            let out = named_query(client, id).await?;
            if out.named_query().is_some_and(|q| q.name() == query.name && q.query_string() == query.sql) {
                return Ok(ReadBack::Landed(id.clone(), format!("saved query {} is {id}", sanitize(&query.name))));
            }
        }
        token = listed.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            let seen =
                format!("workgroup {} has no saved query {} with that SQL", query.workgroup, sanitize(&query.name));
            return Ok(ReadBack::NotLanded(seen));
        }
    }
    Err(PlatformError::failed(
        "Athena ListNamedQueries",
        format!("more than {} saved queries: not all were read", SAVED_PAGES * SAVED_LISTED as usize),
    ))
}

/// One saved query by id (GetNamedQuery: endpoints without BatchGetNamedQuery, such as moto,
/// answer it too).
async fn named_query(
    client: &Client,
    id: &str,
) -> Result<aws_sdk_athena::operation::get_named_query::GetNamedQueryOutput, PlatformError> {
    client.get_named_query().named_query_id(id).send().await.map_err(|e| platform_error("Athena GetNamedQuery", e))
}
