//! Glue Data Quality on AWS: the rulesets of the profile's database's tables and each one's
//! newest result (score, the rules that failed with Glue's message). Read with the catalog, at
//! most every `CATALOG_TTL`, for `:glue`'s catalog and the overview's Glue row.

use std::time::Instant;

use aws_sdk_glue::types::{DataQualityResultFilterCriteria, DataQualityRuleResultStatus, DataSource, GlueTable};
use aws_sdk_glue::Client;

use super::errors::platform_error;
use super::overview::CATALOG_TTL;
use super::{landed, utc, AwsPlatform};
use crate::model::text::sanitize;
use crate::model::*;
use crate::platform::PlatformError;

/// Results looked through per table for each ruleset's newest (ListDataQualityResults answers
/// newest first; a table with several rulesets has their runs interleaved).
const RESULTS_READ: i32 = 5;

/// Each table's rulesets with their newest results, by table name.
pub(super) type Quality = Vec<(String, TableQuality)>;

/// The rulesets whose target is a table of `database` (ListDataQualityRulesets, paged), as
/// (table, ruleset).
async fn rulesets(client: &Client, database: &str) -> Result<Vec<(String, String)>, PlatformError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_data_quality_rulesets()
            .set_next_token(token.clone())
            .customize()
            .config_override(aws_sdk_glue::Config::builder().retry_config(landed::once()))
            .send()
            .await
            .map_err(|e| platform_error("Glue ListDataQualityRulesets", e))?;
        for r in out.rulesets() {
            let (Some(name), Some(target)) = (r.name(), r.target_table()) else { continue };
            if target.database_name() == database {
                found.push((sanitize(target.table_name()), sanitize(name)));
            }
        }
        token = out.next_token().filter(|t| !t.is_empty()).map(String::from);
        if token.is_none() {
            return Ok(found);
        }
    }
}

/// The ids of `table`'s newest results (at most [`RESULTS_READ`]), newest first.
async fn results(client: &Client, database: &str, table: &str) -> Result<Vec<String>, PlatformError> {
    let source = GlueTable::builder().database_name(database).table_name(table).build();
    let source = source.map_err(|e| PlatformError::failed("Glue ListDataQualityResults", e.to_string()))?;
    let filter =
        DataQualityResultFilterCriteria::builder().data_source(DataSource::builder().glue_table(source).build());
    let listed = client
        .list_data_quality_results()
        .filter(filter.build())
        .max_results(RESULTS_READ)
        .send()
        .await
        .map_err(|e| platform_error("Glue ListDataQualityResults", e))?;
    let mut newest_first: Vec<_> =
        listed.results().iter().filter_map(|r| Some((r.result_id()?, r.started_on()))).collect();
    newest_first.sort_by_key(|(_, started)| std::cmp::Reverse(started.map(|t| t.secs())));
    Ok(newest_first.into_iter().map(|(id, _)| id.to_string()).collect())
}

/// One result: the ruleset it evaluated, and its score and the rules that did not pass.
async fn result(client: &Client, id: &str) -> Result<(String, QualityResult), PlatformError> {
    let out = client
        .get_data_quality_result()
        .result_id(id)
        .send()
        .await
        .map_err(|e| platform_error("Glue GetDataQualityResult", e))?;
    let failed = out
        .rule_results()
        .iter()
        .filter(|r| matches!(r.result(), Some(DataQualityRuleResultStatus::Fail | DataQualityRuleResultStatus::Error)))
        .map(|r| RuleOutcome {
            rule: sanitize(r.evaluated_rule().or(r.name()).unwrap_or("a rule")),
            result: sanitize(r.result().map(|s| s.as_str()).unwrap_or_default()),
            message: r.evaluation_message().map(sanitize),
        })
        .collect();
    let result = QualityResult {
        id: sanitize(id),
        score: out.score(),
        evaluated: utc(out.completed_on().or(out.started_on())),
        rules: out.rule_results().len() as u32,
        failed,
    };
    Ok((out.ruleset_name().map(sanitize).unwrap_or_default(), result))
}

impl AwsPlatform {
    /// The database's tables' rulesets with their newest results, read at most every
    /// `CATALOG_TTL` (a ruleset runs with the ETL, hourly at most).
    pub(super) async fn data_quality(&self) -> Result<Quality, PlatformError> {
        if let Some((_, quality)) = self.state().quality.clone().filter(|(at, _)| at.elapsed() < CATALOG_TTL) {
            return quality.map_err(|e| PlatformError::failed("Glue Data Quality", e));
        }
        let quality = self.read_data_quality().await;
        let cached = quality.clone().map_err(|e| e.to_string());
        self.state().quality = Some((Instant::now(), cached));
        quality
    }

    async fn read_data_quality(&self) -> Result<Quality, PlatformError> {
        let database = &self.settings.platform.glue.database;
        let found = self.call("ListDataQualityRulesets", rulesets(&self.glue, database)).await?;
        let mut tables: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        tables.sort_unstable();
        tables.dedup();
        let mut quality = Vec::new();
        for table in tables {
            let mut newest: Vec<TableQuality> = found
                .iter()
                .filter(|(t, _)| t == table)
                .map(|(_, ruleset)| TableQuality { ruleset: ruleset.clone(), result: None })
                .collect();
            // Newest first, until each ruleset of the table has its newest result.
            for id in self.call("ListDataQualityResults", results(&self.glue, database, table)).await? {
                if newest.iter().all(|q| q.result.is_some()) {
                    break;
                }
                let (ruleset, found) = self.call("GetDataQualityResult", result(&self.glue, &id)).await?;
                if let Some(slot) = newest.iter_mut().find(|q| q.ruleset == ruleset && q.result.is_none()) {
                    slot.result = Some(found);
                }
            }
            quality.extend(newest.into_iter().map(|q| (table.to_string(), q)));
        }
        Ok(quality)
    }
}

/// Puts each table's rulesets on it.
pub(super) fn attach(database: &mut CatalogDatabase, quality: &Quality) {
    for table in &mut database.tables {
        table.quality = quality.iter().filter(|(t, _)| *t == table.name).map(|(_, q)| q.clone()).collect();
    }
}
