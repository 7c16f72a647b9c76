//! The engine's rules over a planned query (`cast::TRINO_CASTS`, `answer_types::ANSWER_TYPES`,
//! `decimals::DECIMAL_QUOTIENTS`), each one rewrite of an expression, and the walk they share:
//! every expression of every node, subqueries too, rewritten from the leaves up with the types of
//! the node's inputs known, each keeping its name, and each node's schema read again, so that a
//! node above sees a rewritten value's new type (a cast of JSON is JSON no more, say). And the
//! numbering of a plan's rows the rules over whole plans share (`correlated`, `intersect_all`).

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{Column, DFSchema, Result};
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{Expr, ExprFunctionExt, LogicalPlan, LogicalPlanBuilder};
use datafusion::optimizer::AnalyzerRule;

/// One rewrite of an expression, given the schema of its node's inputs.
pub type Rewrite = fn(Expr, &DFSchema) -> Result<Transformed<Expr>>;

/// A rule of the engine's: `rewrite` applied to every expression of a planned query.
#[derive(Debug)]
pub struct ExpressionRule {
    pub name: &'static str,
    pub rewrite: Rewrite,
}

impl AnalyzerRule for ExpressionRule {
    fn name(&self) -> &str {
        self.name
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        each_expression(plan, self.rewrite)
    }
}

/// `plan` with `rewrite` applied to each of its expressions' parts.
pub(super) fn each_expression(plan: LogicalPlan, rewrite: Rewrite) -> Result<LogicalPlan> {
    let plan = plan.transform_up_with_subqueries(|plan| {
        let schema = merge_schema(&plan.inputs());
        let names = NamePreserver::new(&plan);
        let plan = plan.map_expressions(|expr| {
            // A ROLLUP, CUBE or GROUPING SETS is left as written: the names of the values inside
            // it, which the nodes above read, cannot be kept through a rewrite.
            if matches!(expr, Expr::GroupingSet(_)) {
                return Ok(Transformed::no(expr));
            }
            let saved = names.save(&expr);
            Ok(expr.transform_up(|e| rewrite(e, &schema))?.update_data(|e| saved.restore(e)))
        })?;
        plan.map_data(|plan| plan.recompute_schema())
    })?;
    Ok(plan.data)
}

/// `plan`'s rows, each numbered among the rows with its values of `partition_by` (among all rows
/// when there are none): the plan with the number, and the number, read as a column.
pub(super) fn numbered(plan: &LogicalPlan, partition_by: Vec<Expr>) -> Result<(LogicalPlan, Expr)> {
    let width = plan.schema().fields().len();
    let number = row_number().partition_by(partition_by).build()?;
    let numbered = LogicalPlanBuilder::from(plan.clone()).window([number])?.build()?;
    let number = Expr::Column(Column::from(numbered.schema().qualified_field(width)));
    Ok((numbered, number))
}
