//! Glue Data Quality in the sandbox: the curated table `events` has a ruleset, evaluated at the
//! end of each successful curate run (as a Glue job's EvaluateDataQuality transform does). With
//! the `bad-records` fault a producer sends events without a user id, and the completeness rule
//! fails with Glue's message.

use super::snapshot::time;
use super::state::SimState;
use crate::model::*;

/// The curated table's ruleset, as the sandbox profile's platform has it.
pub const RULESET: &str = "events-quality";
const TABLE: &str = "events";
/// Its rules, in DQDL: the completeness rule first (the one `bad-records` fails).
const RULES: [&str; 4] = [
    "IsComplete \"user_id\"",
    "IsComplete \"event_time\"",
    "ColumnValues \"event_type\" matches \"[a-z_]+\"",
    "RowCount > 1000",
];
/// The share of rows with a user id while `bad-records` is on.
const BAD_COMPLETENESS: f64 = 0.81;

impl SimState {
    /// Notes an evaluation of the ruleset after a curate run succeeded.
    pub(super) fn evaluate_quality(&mut self) {
        self.glue.quality_runs += 1;
        self.glue.quality_evaluated_ms = Some(self.now_ms);
        self.glue.quality_bad = self.has_fault(Fault::BadRecords);
    }

    /// The catalog's rulesets with their newest results, by table.
    pub fn table_quality(&self) -> Vec<(String, TableQuality)> {
        let result = self.glue.quality_evaluated_ms.map(|at| {
            let failed: Vec<RuleOutcome> = if self.glue.quality_bad {
                vec![RuleOutcome {
                    rule: RULES[0].into(),
                    result: "FAIL".into(),
                    message: Some(format!("Value: {BAD_COMPLETENESS} does not meet the constraint requirement!")),
                }]
            } else {
                Vec::new()
            };
            QualityResult {
                id: format!("dqresult-{:016x}", self.glue.quality_runs),
                score: Some(1.0 - failed.len() as f64 / RULES.len() as f64),
                evaluated: Some(time(at)),
                rules: RULES.len() as u32,
                failed,
            }
        });
        vec![(TABLE.to_string(), TableQuality { ruleset: RULESET.into(), result })]
    }
}
