//! Trino's `bigint` answers of the functions DataFusion answers as a 32-bit integer: the length
//! of a text or of bytes (`length`), the place of one text in another (`strpos`, `position(… IN
//! …)`) and a field of a date or time (`extract`). Athena's `typeof(length(s))` says `bigint`,
//! and so does the sandbox's for every other count a function answers; `BigintCounts` casts each
//! such call to a 64-bit integer, keeping its name.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::Cast;
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan};
use datafusion::optimizer::AnalyzerRule;

/// DataFusion's functions (by their own names, which their aliases plan to) whose answer Trino
/// types as a `bigint`.
const BIGINT_IN_TRINO: &[&str] = &["character_length", "octet_length", "strpos", "date_part"];

#[derive(Debug)]
pub struct BigintCounts;

impl AnalyzerRule for BigintCounts {
    fn name(&self) -> &str {
        "trino_bigint_counts"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        super::rules::each_expression(plan, widened)
    }
}

/// One of those calls answering an `integer` → the same call cast to a `bigint`.
fn widened(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let Expr::ScalarFunction(call) = &expr else { return Ok(Transformed::no(expr)) };
    if !BIGINT_IN_TRINO.contains(&call.name()) || !matches!(expr.get_type(schema), Ok(DataType::Int32)) {
        return Ok(Transformed::no(expr));
    }
    Ok(Transformed::yes(Expr::Cast(Cast::new(Box::new(expr), DataType::Int64))))
}
