//! Glue Data Quality on the AWS path, on `aws-smithy-mocks` (moto serves none of it): the
//! catalog's table carries its ruleset's newest result — score and the failed rule with Glue's
//! message, escapes made safe — in `:glue`'s data.

mod support;

use aws_sdk_glue::operation::get_crawler::GetCrawlerOutput;
use aws_sdk_glue::operation::get_data_quality_result::GetDataQualityResultOutput;
use aws_sdk_glue::operation::get_job::GetJobOutput;
use aws_sdk_glue::operation::get_tables::GetTablesOutput;
use aws_sdk_glue::operation::list_data_quality_results::ListDataQualityResultsOutput;
use aws_sdk_glue::operation::list_data_quality_rulesets::ListDataQualityRulesetsOutput;
use aws_sdk_glue::primitives::DateTime;
use aws_sdk_glue::types::{
    DataQualityResultDescription, DataQualityRuleResult, DataQualityRuleResultStatus, DataQualityRulesetListDetails,
    DataQualityTargetTable, Table,
};
use aws_sdk_glue::Client;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::platform::Platform;

#[tokio::test]
async fn a_table_failing_its_ruleset_carries_the_failed_rule_and_its_score() {
    let job = mock!(Client::get_job).then_output(|| GetJobOutput::builder().build());
    let crawler = mock!(Client::get_crawler).then_output(|| GetCrawlerOutput::builder().build());
    let tables = mock!(Client::get_tables).then_output(|| {
        GetTablesOutput::builder().table_list(Table::builder().name("events").build().unwrap()).build()
    });
    let rulesets = mock!(Client::list_data_quality_rulesets).then_output(|| {
        let target =
            DataQualityTargetTable::builder().database_name("clickstream").table_name("events").build().unwrap();
        let other = DataQualityTargetTable::builder().database_name("other").table_name("events").build().unwrap();
        ListDataQualityRulesetsOutput::builder()
            .rulesets(DataQualityRulesetListDetails::builder().name("events-quality").target_table(target).build())
            .rulesets(DataQualityRulesetListDetails::builder().name("elsewhere").target_table(other).build())
            .build()
    });
    let results = mock!(Client::list_data_quality_results).then_output(|| {
        ListDataQualityResultsOutput::builder()
            .results(
                DataQualityResultDescription::builder()
                    .result_id("dqresult-1")
                    .started_on(DateTime::from_secs(1_764_000_000))
                    .build(),
            )
            .build()
            .unwrap()
    });
    let result = mock!(Client::get_data_quality_result).then_output(|| {
        let rule = |rule: &str, status, message: Option<&str>| {
            DataQualityRuleResult::builder()
                .name(rule)
                .evaluated_rule(rule)
                .result(status)
                .set_evaluation_message(message.map(String::from))
                .build()
        };
        GetDataQualityResultOutput::builder()
            .result_id("dqresult-1")
            .ruleset_name("events-quality")
            .score(0.75)
            .completed_on(DateTime::from_secs(1_764_000_300))
            .rule_results(rule("RowCount > 1000", DataQualityRuleResultStatus::Pass, None))
            .rule_results(rule(
                "IsComplete \"user_id\"",
                DataQualityRuleResultStatus::Fail,
                Some("Value: 0.81 \u{1b}[31mdoes not meet the constraint requirement!"),
            ))
            .build()
    });
    let client =
        mock_client!(aws_sdk_glue, RuleMode::MatchAny, [&job, &crawler, &tables, &rulesets, &results, &result]);
    let (dir, paths) = support::temp_paths();
    let profile = "name = \"mocked-quality\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:9\"\n\
                   [platform.glue]\ndatabase = \"clickstream\"\n";
    let loaded = support::load_profile(dir.path(), &paths, profile);
    let credentials = Some(support::moto::credentials());
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials }).await.with_glue(client);

    let overview = platform.glue_overview().await.expect("glue");
    let table = &overview.databases[0].tables[0];
    assert_eq!(table.quality.len(), 1, "the other database's ruleset is not this table's: {:?}", table.quality);
    let quality = &table.quality[0];
    assert_eq!(quality.ruleset, "events-quality");
    let newest = quality.result.as_ref().expect("its newest result");
    assert_eq!((newest.score, newest.rules), (Some(0.75), 2));
    assert_eq!(newest.failed.len(), 1);
    assert_eq!(newest.failed[0].rule, "IsComplete \"user_id\"");
    let message = newest.failed[0].message.as_deref().unwrap();
    assert!(message.contains("does not meet") && !message.contains('\u{1b}'), "{message:?}");
    let failures = overview.databases[0].quality_failures();
    assert_eq!((failures[0].table.as_str(), failures[0].rule.result.as_str()), ("events", "FAIL"));
    // Read with the catalog: a second look within its five minutes asks Glue nothing again.
    platform.glue_overview().await.expect("glue");
    assert_eq!(rulesets.num_calls(), 1);
    assert_eq!(result.num_calls(), 1);
}
