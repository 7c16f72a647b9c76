//! `INTERSECT ALL` and `EXCEPT ALL` as Trino answers them: a row the left side has m times and the
//! right side n times is kept min(m, n) times by INTERSECT ALL and max(m - n, 0) times by EXCEPT
//! ALL. DataFusion plans them as a semi or anti join of the left rows with the right ones, which
//! keeps every copy of a row the right side has (m) or none (0).
//!
//! Each copy of a row on each side is numbered (`row_number() OVER (PARTITION BY` every column`)`)
//! and the sides are joined on the rows and their numbers: the k-th copy on the left meets a k-th
//! on the right when the right has k copies or more. (The forms without ALL read the left side
//! DISTINCT, which this leaves to the engine: each row is there once.)

use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{Column, NullEquality, Result};
use datafusion::logical_expr::{Expr, Join, JoinConstraint, JoinType, LogicalPlan, LogicalPlanBuilder, Projection};
use datafusion::optimizer::AnalyzerRule;

/// The number of a copy of a row, on the left and on the right.
const LEFT_COPY: &str = "$copy";
const RIGHT_COPY: &str = "$copy_of_right";

#[derive(Debug)]
pub struct IntersectAll;

pub const INTERSECT_ALL: IntersectAll = IntersectAll;

impl AnalyzerRule for IntersectAll {
    fn name(&self) -> &str {
        "trino_intersect_all"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan
            .transform_up_with_subqueries(|plan| match plan {
                LogicalPlan::Join(join) if is_all(&join) => {
                    // A side that cannot be numbered (a map's rows cannot be partitioned) stays the engine's.
                    match counted(&join) {
                        Ok(counted) => Ok(Transformed::yes(counted)),
                        Err(_) => Ok(Transformed::no(LogicalPlan::Join(join))),
                    }
                }
                plan => Ok(Transformed::no(plan)),
            })?
            .data)
    }
}

/// Whether `join` is DataFusion's plan of an INTERSECT ALL or EXCEPT ALL: a semi or anti join
/// (which only these are before the optimizer turns IN and EXISTS into joins) on every column, a
/// NULL equal to a NULL, of a left side not made DISTINCT.
fn is_all(join: &Join) -> bool {
    let width = join.left.schema().fields().len();
    matches!(join.join_type, JoinType::LeftSemi | JoinType::LeftAnti)
        && join.null_equality == NullEquality::NullEqualsNull
        && join.filter.is_none()
        && join.on.len() == width
        && join.right.schema().fields().len() == width
        && !matches!(join.left.as_ref(), LogicalPlan::Distinct(_))
}

/// `join` on the rows and the number of each copy of them.
fn counted(join: &Join) -> Result<LogicalPlan> {
    let left = numbered(&join.left, LEFT_COPY)?;
    let right = numbered(&join.right, RIGHT_COPY)?;
    let mut on = join.on.clone();
    on.push((Expr::Column(Column::from_name(LEFT_COPY)), Expr::Column(Column::from_name(RIGHT_COPY))));
    // Equal keys, a NULL equal to a NULL, as the engine's plan had them.
    let joined = Join::try_new(
        Arc::new(left),
        Arc::new(right),
        on,
        None,
        join.join_type,
        JoinConstraint::On,
        NullEquality::NullEqualsNull,
        false,
    )?;
    let columns = join.left.schema().columns().into_iter().map(Expr::Column).collect();
    Ok(LogicalPlan::Projection(Projection::try_new(columns, Arc::new(LogicalPlan::Join(joined)))?))
}

/// `side`'s rows, each with the number of its copy among the rows equal to it, as `copy`.
fn numbered(side: &LogicalPlan, copy: &str) -> Result<LogicalPlan> {
    let columns: Vec<Expr> = side.schema().columns().into_iter().map(Expr::Column).collect();
    let (window, number) = super::rules::numbered(side, columns.clone())?;
    LogicalPlanBuilder::from(window).project(columns.into_iter().chain([number.alias(copy)]))?.build()
}
