//! A scalar subquery of an aggregate without GROUP BY that reads the outer query's columns in a
//! condition other than a column's equality (`(SELECT max(i.event_time) FROM events i WHERE
//! i.event_time < o.event_time)`, the value as of each row), in its aggregates or its SELECT list,
//! or in a derived table (as `quantified`'s forms of EXISTS and IN in a SELECT list do), which
//! Trino answers and DataFusion cannot turn into a join (its physical plan then fails: "does not
//! support logical expression ScalarSubquery", or its rule fails to find a column).
//!
//! Rewritten as Trino decorrelates a global aggregation (`TransformCorrelatedGlobalAggregation`):
//! the distinct values of the outer columns the subquery reads (its keys) are LEFT JOINed with the
//! subquery's rows on its correlated conditions; its aggregates are computed per key over the rows
//! that matched (`FILTER (WHERE "$matched" IS NOT NULL)`, so a key no row matches has the aggregate of
//! no rows: `count(*)` 0, `max` NULL); and that is joined back to the outer rows on the keys, a
//! NULL key matching a NULL key. The outer rows stay as they were, one answer each.
//!
//! Subqueries whose correlated conditions are all a column equal to an outer column, outside a
//! derived table, stay the engine's, which answers them reading the outer rows once.

use std::collections::BTreeSet;
use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, NullEquality, Result};
use datafusion::logical_expr::expr::{Exists, InSubquery};
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::{conjunction, split_conjunction};
use datafusion::logical_expr::{
    lit, Aggregate, BinaryExpr, Expr, Filter, JoinType, LogicalPlan, LogicalPlanBuilder, Operator, Projection,
    Subquery, SubqueryAlias,
};
use datafusion::optimizer::AnalyzerRule;

/// The relation of a subquery's keys (`"$keys"."$outer0"`), and the column that marks a row of
/// the subquery's own in the join with them.
const KEYS: &str = "$keys";
const ROW: &str = "$matched";
/// The relation of a subquery's answers per key (`"$correlated0"."$value"`).
const ANSWERS: &str = "$correlated";
const VALUE: &str = "$value";

#[derive(Debug)]
pub struct CorrelatedAggregates;

pub const CORRELATED_AGGREGATES: CorrelatedAggregates = CorrelatedAggregates;

impl AnalyzerRule for CorrelatedAggregates {
    fn name(&self) -> &str {
        "trino_correlated_aggregates"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        let mut answers = 0;
        Ok(plan.transform_up_with_subqueries(|plan| decorrelated(plan, &mut answers))?.data)
    }
}

/// A WHERE (or HAVING) clause or a SELECT list with such subqueries read from their answers,
/// joined to its input; the node's columns stay as they were.
fn decorrelated(plan: LogicalPlan, answers: &mut usize) -> Result<Transformed<LogicalPlan>> {
    match plan {
        LogicalPlan::Filter(filter) => {
            let mut input = Arc::unwrap_or_clone(filter.input.clone());
            let predicate = read_answers(filter.predicate.clone(), &mut input, answers)?;
            if !predicate.transformed {
                return Ok(Transformed::no(LogicalPlan::Filter(filter)));
            }
            let columns = filter.input.schema().columns().into_iter().map(Expr::Column);
            let plan = LogicalPlanBuilder::from(input).filter(predicate.data)?.project(columns)?.build()?;
            Ok(Transformed::yes(plan))
        }
        LogicalPlan::Projection(projection) => {
            let mut input = Arc::unwrap_or_clone(projection.input.clone());
            let names = NamePreserver::new_for_projection();
            let mut changed = false;
            let mut exprs = Vec::with_capacity(projection.expr.len());
            for expr in &projection.expr {
                let saved = names.save(expr);
                let rewritten = read_answers(expr.clone(), &mut input, answers)?;
                changed |= rewritten.transformed;
                exprs.push(saved.restore(rewritten.data));
            }
            if !changed {
                return Ok(Transformed::no(LogicalPlan::Projection(projection)));
            }
            Ok(Transformed::yes(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(input))?)))
        }
        plan => Ok(Transformed::no(plan)),
    }
}

/// `expr` with each subquery of the kind this module answers read from its answers, which are
/// joined to `input`. One whose join cannot be planned stays as it was, for the engine to say why.
fn read_answers(expr: Expr, input: &mut LogicalPlan, answers: &mut usize) -> Result<Transformed<Expr>> {
    expr.transform_up(|expr| {
        let Expr::ScalarSubquery(subquery) = &expr else { return Ok(Transformed::no(expr)) };
        let relation = format!("{ANSWERS}{answers}");
        match joined(subquery, input, &relation) {
            Ok(Some(joined)) => {
                *input = joined;
                *answers += 1;
                Ok(Transformed::yes(Expr::Column(Column::new(Some(relation.as_str()), VALUE))))
            }
            Ok(None) | Err(_) => Ok(Transformed::no(expr)),
        }
    })
}

/// `input` LEFT JOINed on the keys with `subquery`'s answer per key, named `relation`.
fn joined(subquery: &Subquery, input: &LogicalPlan, relation: &str) -> Result<Option<LogicalPlan>> {
    let Some(keys) = keys(subquery, input) else { return Ok(None) };
    let Some(per_key) = per_key(&subquery.subquery, &keys, input)? else { return Ok(None) };
    // The subquery's value, named as it was (each rewritten expression keeps its name).
    let value = Expr::Column(Column::from(subquery.subquery.schema().qualified_field(0))).alias(VALUE);
    let columns = keys.iter().map(|(_, name)| key_column(name)).chain([value]);
    let per_key = LogicalPlanBuilder::from(per_key).project(columns)?.alias(relation)?.build()?;
    let outer: Vec<Column> = keys.iter().map(|(column, _)| column.clone()).collect();
    let inner: Vec<Column> = keys.iter().map(|(_, name)| Column::new(Some(relation), name)).collect();
    let joined = LogicalPlanBuilder::from(input.clone())
        .join_detailed(per_key, JoinType::Left, (outer, inner), None, NullEquality::NullEqualsNull)?
        .build()?;
    Ok(Some(joined))
}

/// The outer columns `subquery` reads, each with the name its key is given, when it reads them
/// where the engine cannot (anywhere but a WHERE clause's column `=` an outer column, or in a
/// derived table) and all are `input`'s. (Over such equalities the engine's own join reads the
/// outer rows once, this module's twice.)
fn keys(subquery: &Subquery, input: &LogicalPlan) -> Option<Vec<(Column, String)>> {
    let mut outer = BTreeSet::new();
    let mut nested = false;
    let mut engine_answers = true;
    let _ = subquery.subquery.apply(|plan| {
        match plan {
            LogicalPlan::Filter(filter) => {
                engine_answers &= split_conjunction(&filter.predicate)
                    .into_iter()
                    .all(|c| !c.contains_outer() || is_column_equality(c))
            }
            // DataFusion's join fails over a derived table that reads them ("$q", `quantified`).
            LogicalPlan::SubqueryAlias(alias) => engine_answers &= !reads_outer(&alias.input),
            // It joins only on a WHERE clause's conditions (`SELECT max(b) + o.a` it cannot).
            plan => engine_answers &= !plan.expressions().iter().any(Expr::contains_outer),
        }
        for expr in plan.expressions() {
            let _ = expr.apply(|e| {
                match e {
                    Expr::OuterReferenceColumn(_, column) => {
                        outer.insert(column.clone());
                    }
                    Expr::ScalarSubquery(q)
                    | Expr::Exists(Exists { subquery: q, .. })
                    | Expr::InSubquery(InSubquery { subquery: q, .. }) => nested |= reads_from(q, input),
                    _ => {}
                }
                Ok(TreeNodeRecursion::Continue)
            });
        }
        Ok(TreeNodeRecursion::Continue)
    });
    let schema = input.schema();
    if outer.is_empty() || nested || engine_answers || !outer.iter().all(|c| schema.has_column(c)) {
        return None;
    }
    Some(outer.into_iter().enumerate().map(|(i, column)| (column, format!("$outer{i}"))).collect())
}

/// Whether `condition` is a column of the subquery's equal to one of the outer query's, the one
/// correlation the engine's own join reads (`lower(i.k) = o.k` it cannot).
fn is_column_equality(condition: &Expr) -> bool {
    let Expr::BinaryExpr(BinaryExpr { left, op: Operator::Eq, right }) = condition else { return false };
    matches!(
        (left.as_ref(), right.as_ref()),
        (Expr::Column(_), Expr::OuterReferenceColumn(..)) | (Expr::OuterReferenceColumn(..), Expr::Column(_))
    )
}

/// Whether a subquery in the subquery reads columns of the outer query's `input` (one that reads
/// the subquery's own is the engine's to join).
fn reads_from(nested: &Subquery, input: &LogicalPlan) -> bool {
    nested
        .outer_ref_columns
        .iter()
        .any(|e| matches!(e, Expr::OuterReferenceColumn(_, c) if input.schema().has_column(c)))
}

/// A key read by its name alone: a derived table in the subquery (`(SELECT … WHERE …) AS "$q"`)
/// gives it that table's name.
fn key_column(name: &str) -> Expr {
    Expr::Column(Column::from_name(name))
}

/// `expr` reading each key where it read the outer column.
fn with_keys(expr: Expr, keys: &[(Column, String)]) -> Result<Expr> {
    Ok(expr
        .transform_up(|e| match &e {
            Expr::OuterReferenceColumn(_, column) => {
                let name = keys.iter().find(|(c, _)| c == column).map(|(_, name)| name.as_str());
                Ok(name.map_or(Transformed::no(e.clone()), |name| Transformed::yes(key_column(name))))
            }
            _ => Ok(Transformed::no(e)),
        })?
        .data)
}

/// The subquery's plan `plan` answered once per key, with the keys among its columns, when it is
/// one this module answers: an aggregate without GROUP BY (under projections and HAVING) over the
/// one WHERE clause that reads the outer columns, nothing under that reading them.
fn per_key(plan: &LogicalPlan, keys: &[(Column, String)], outer: &LogicalPlan) -> Result<Option<LogicalPlan>> {
    above_aggregate(plan, keys, outer)
}

fn above_aggregate(plan: &LogicalPlan, keys: &[(Column, String)], outer: &LogicalPlan) -> Result<Option<LogicalPlan>> {
    match plan {
        LogicalPlan::Projection(projection) => {
            let Some(input) = above_aggregate(&projection.input, keys, outer)? else { return Ok(None) };
            let names = NamePreserver::new_for_projection();
            let mut exprs = projection
                .expr
                .iter()
                .map(|e| Ok(names.save(e).restore(with_keys(e.clone(), keys)?)))
                .collect::<Result<Vec<_>>>()?;
            exprs.extend(keys.iter().map(|(_, name)| key_column(name)));
            Ok(Some(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(input))?)))
        }
        LogicalPlan::Filter(filter) => {
            let Some(input) = above_aggregate(&filter.input, keys, outer)? else { return Ok(None) };
            let predicate = with_keys(filter.predicate.clone(), keys)?;
            Ok(Some(LogicalPlan::Filter(Filter::try_new(predicate, Arc::new(input))?)))
        }
        LogicalPlan::Aggregate(aggregate) if aggregate.group_expr.is_empty() => {
            let Some(input) = below_aggregate(&aggregate.input, keys, outer)? else { return Ok(None) };
            let names = NamePreserver::new(plan);
            let counted = aggregate
                .aggr_expr
                .iter()
                .map(|e| Ok(names.save(e).restore(of_matched_rows(with_keys(e.clone(), keys)?)?)))
                .collect::<Result<Vec<_>>>()?;
            let group = keys.iter().map(|(_, name)| key_column(name)).collect();
            Ok(Some(LogicalPlan::Aggregate(Aggregate::try_new(Arc::new(input), group, counted)?)))
        }
        _ => Ok(None),
    }
}

/// Each aggregate of `expr` over the rows of the subquery's own only (not the NULLs a key no row
/// matched is joined with).
fn of_matched_rows(expr: Expr) -> Result<Expr> {
    let matched = Expr::Column(Column::from_name(ROW)).is_not_null();
    Ok(expr
        .transform_up(|e| match e {
            Expr::AggregateFunction(mut function) => {
                let filter = function.params.filter.take().map(|f| *f);
                let filter = conjunction(filter.into_iter().chain([matched.clone()]));
                function.params.filter = filter.map(Box::new);
                Ok(Transformed::yes(Expr::AggregateFunction(function)))
            }
            e => Ok(Transformed::no(e)),
        })?
        .data)
}

/// Under the aggregate: projections, and the rows the keys are joined with, on the one WHERE
/// clause's conditions that read outer columns (none when only the aggregate's arguments or
/// what is above read them: each key is then joined with every row).
fn below_aggregate(plan: &LogicalPlan, keys: &[(Column, String)], outer: &LogicalPlan) -> Result<Option<LogicalPlan>> {
    if !reads_outer(plan) {
        return with_keys_joined(plan, None, vec![], keys, outer).map(Some);
    }
    match plan {
        LogicalPlan::Projection(projection) => {
            let Some(input) = below_aggregate(&projection.input, keys, outer)? else { return Ok(None) };
            let names = NamePreserver::new_for_projection();
            let mut exprs = projection
                .expr
                .iter()
                .map(|e| Ok(names.save(e).restore(with_keys(e.clone(), keys)?)))
                .collect::<Result<Vec<_>>>()?;
            exprs.extend(keys.iter().map(|(_, name)| key_column(name)));
            exprs.push(Expr::Column(Column::from_name(ROW)));
            Ok(Some(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(input))?)))
        }
        LogicalPlan::SubqueryAlias(alias) => {
            let Some(input) = below_aggregate(&alias.input, keys, outer)? else { return Ok(None) };
            Ok(Some(LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(Arc::new(input), alias.alias.clone())?)))
        }
        LogicalPlan::Filter(filter) if !reads_outer(&filter.input) => {
            let (correlated, own): (Vec<Expr>, Vec<Expr>) =
                split_conjunction(&filter.predicate).into_iter().cloned().partition(Expr::contains_outer);
            let on = correlated.into_iter().map(|c| with_keys(c, keys)).collect::<Result<Vec<_>>>()?;
            with_keys_joined(&filter.input, conjunction(own), on, keys, outer).map(Some)
        }
        _ => Ok(None),
    }
}

/// The distinct keys of the `outer` rows, LEFT JOINed `on` with the subquery's `rows` (those of
/// them that hold `own`), each marked by a column `"$matched"`.
fn with_keys_joined(
    rows: &LogicalPlan,
    own: Option<Expr>,
    on: Vec<Expr>,
    keys: &[(Column, String)],
    outer: &LogicalPlan,
) -> Result<LogicalPlan> {
    let mut marked = LogicalPlanBuilder::from(rows.clone());
    if let Some(own) = own {
        marked = marked.filter(own)?;
    }
    let columns = rows.schema().columns().into_iter().map(Expr::Column);
    let marked = marked.project(columns.chain([lit(true).alias(ROW)]))?.build()?;
    let key_values = keys.iter().map(|(column, name)| Expr::Column(column.clone()).alias(name.as_str()));
    LogicalPlanBuilder::from(outer.clone())
        .project(key_values)?
        .distinct()?
        .alias(KEYS)?
        // With no condition, each key is joined with every row (the engine wants one).
        .join_on(marked, JoinType::Left, if on.is_empty() { vec![lit(true)] } else { on })?
        .build()
}

/// Whether any expression of `plan` or under it reads an outer query's column.
fn reads_outer(plan: &LogicalPlan) -> bool {
    plan.exists(|p| Ok(p.expressions().iter().any(Expr::contains_outer))).unwrap_or(true)
}
