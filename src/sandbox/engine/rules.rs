//! The walk the engine's rules over a planned query share (`cast::TrinoCasts`, `answer_types::AnswerTypes`,
//! `decimals::DecimalQuotients`): every expression of every node, subqueries too, rewritten
//! from the leaves up with the types of the node's inputs known, each keeping its name, and each
//! node's schema read again, so that a node above sees a rewritten value's new type.

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{Expr, LogicalPlan};

/// `plan` with `rewrite` applied to each of its expressions' parts.
pub fn each_expression(
    plan: LogicalPlan,
    rewrite: fn(Expr, &DFSchema) -> Result<Transformed<Expr>>,
) -> Result<LogicalPlan> {
    let plan = plan.transform_up_with_subqueries(|plan| {
        let schema = merge_schema(&plan.inputs());
        let names = NamePreserver::new(&plan);
        let plan = plan.map_expressions(|expr| {
            let saved = names.save(&expr);
            Ok(expr.transform_up(|e| rewrite(e, &schema))?.update_data(|e| saved.restore(e)))
        })?;
        plan.map_data(|plan| plan.recompute_schema())
    })?;
    Ok(plan.data)
}
