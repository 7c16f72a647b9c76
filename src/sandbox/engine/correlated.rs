//! A scalar subquery of an aggregate without GROUP BY that reads the outer query's columns in a
//! condition other than a column's equality (`(SELECT max(i.event_time) FROM events i WHERE
//! i.event_time < o.event_time)`, the value as of each row), in its aggregates or its SELECT list,
//! or in a derived table (as `quantified`'s forms of EXISTS and IN in a SELECT list do), which
//! Trino answers and DataFusion cannot turn into a join (its physical plan then fails: "does not
//! support logical expression ScalarSubquery", or its rule fails to find a column).
//!
//! Rewritten as Trino decorrelates a global aggregation (`TransformCorrelatedGlobalAggregation`):
//! each outer row is numbered (`"$id"`, its `AssignUniqueId`) and LEFT JOINed with the subquery's
//! rows on its correlated conditions; the subquery's aggregates are computed per outer row over
//! the rows that matched (`FILTER (WHERE "$matched" IS NOT NULL)`, so a row no row matches has
//! the aggregate of no rows: `count(*)` 0, `max` NULL), beside the outer row's own columns. The
//! outer rows are read once and stay as they were, one answer each.
//!
//! Subqueries whose correlated conditions are all a column equal to an outer column, outside a
//! derived table, stay the engine's, which joins them on those columns as equals.

use std::collections::BTreeSet;
use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, DFSchema, Result};
use datafusion::functions_aggregate::expr_fn::first_value;
use datafusion::logical_expr::expr::{Exists, InSubquery};
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::{conjunction, split_conjunction};
use datafusion::logical_expr::{
    lit, Aggregate, BinaryExpr, Expr, JoinType, LogicalPlan, LogicalPlanBuilder, Operator, Projection, Subquery,
    SubqueryAlias,
};
use datafusion::optimizer::AnalyzerRule;

/// The number of an outer row, the column that marks a row of the subquery's own in the join
/// with the outer rows, and the name a subquery's answer is read by (`"$correlated0"`).
const ID: &str = "$id";
const MATCHED: &str = "$matched";
const ANSWER: &str = "$correlated";

#[derive(Debug)]
pub struct CorrelatedAggregates;

pub const CORRELATED_AGGREGATES: CorrelatedAggregates = CorrelatedAggregates;

impl AnalyzerRule for CorrelatedAggregates {
    fn name(&self) -> &str {
        "trino_correlated_aggregates"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        let mut answers = 0;
        Ok(plan.transform_up_with_subqueries(|plan| Ok(decorrelated(plan, &mut answers)))?.data)
    }
}

/// A WHERE (or HAVING) clause or a SELECT list with such subqueries read from their answers,
/// computed beside its input's rows; the node's columns stay as they were. A node whose plan
/// cannot be made stays as it was, for the engine to say why.
fn decorrelated(plan: LogicalPlan, answers: &mut usize) -> Transformed<LogicalPlan> {
    let mut input = match &plan {
        LogicalPlan::Filter(filter) => filter.input.as_ref().clone(),
        LogicalPlan::Projection(projection) => projection.input.as_ref().clone(),
        _ => return Transformed::no(plan),
    };
    let mut read = 0;
    let rewritten = plan.clone().map_expressions(|expr| {
        let names = NamePreserver::new(&plan);
        let saved = names.save(&expr);
        let expr = read_answers(expr, &mut input, *answers + read, &mut read);
        Ok(expr.update_data(|e| saved.restore(e)))
    });
    let Ok(Transformed { data: rewritten, transformed: true, .. }) = rewritten else { return Transformed::no(plan) };
    let over_answers = match rewritten {
        LogicalPlan::Filter(filter) => {
            // The WHERE clause over the answers, then the input's columns alone.
            let columns = filter.input.schema().columns().into_iter().map(Expr::Column);
            LogicalPlanBuilder::from(input)
                .filter(filter.predicate)
                .and_then(|b| b.project(columns))
                .and_then(|b| b.build())
        }
        LogicalPlan::Projection(projection) => {
            Projection::try_new(projection.expr, Arc::new(input)).map(LogicalPlan::Projection)
        }
        _ => return Transformed::no(plan),
    };
    match over_answers {
        Ok(over_answers) => {
            *answers += read;
            Transformed::yes(over_answers)
        }
        Err(_) => Transformed::no(plan),
    }
}

/// `expr` with each subquery of the kind this module answers read from its answer, computed
/// beside `input`'s rows (the `n`th of the query's answers, `read` counting them).
fn read_answers(expr: Expr, input: &mut LogicalPlan, n: usize, read: &mut usize) -> Transformed<Expr> {
    let rewritten = expr.clone().transform_up(|expr| {
        let Expr::ScalarSubquery(subquery) = &expr else { return Ok(Transformed::no(expr)) };
        let name = format!("{ANSWER}{}", n + *read);
        match answered(subquery, input, &name) {
            Ok(Some(answered)) => {
                *input = answered;
                *read += 1;
                Ok(Transformed::yes(Expr::Column(Column::from_name(name))))
            }
            Ok(None) | Err(_) => Ok(Transformed::no(expr)),
        }
    });
    rewritten.unwrap_or_else(|_| Transformed::no(expr))
}

/// The outer rows, as their columns were, with `subquery`'s answer for each as a column `name`;
/// None when the subquery is not one this module answers.
fn answered(subquery: &Subquery, input: &LogicalPlan, name: &str) -> Result<Option<LogicalPlan>> {
    if !reads_where_the_engine_cannot(subquery, input.schema()) {
        return Ok(None);
    }
    let outer = Outer::of(input)?;
    let Some(per_row) = above_aggregate(&subquery.subquery, &outer)? else { return Ok(None) };
    // The outer columns under their own names again, and the subquery's value (named as it was:
    // each rewritten expression keeps its name).
    let columns = input.schema().iter().enumerate().map(|(i, (qualifier, field))| {
        Expr::Column(Column::from_name(Outer::name(i))).alias_qualified(qualifier.cloned(), field.name())
    });
    let value = Expr::Column(Column::from(subquery.subquery.schema().qualified_field(0))).alias(name);
    Ok(Some(LogicalPlanBuilder::from(per_row).project(columns.chain([value]))?.build()?))
}

/// Whether `subquery` reads outer columns of `outer` (each of them) where the engine cannot:
/// anywhere but a WHERE clause's column `=` an outer column, or in a derived table. A subquery in
/// it that reads them too is left to the engine.
fn reads_where_the_engine_cannot(subquery: &Subquery, outer: &DFSchema) -> bool {
    let mut read = BTreeSet::new();
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
                        read.insert(column.clone());
                    }
                    Expr::ScalarSubquery(q)
                    | Expr::Exists(Exists { subquery: q, .. })
                    | Expr::InSubquery(InSubquery { subquery: q, .. }) => nested |= reads_from(q, outer),
                    _ => {}
                }
                Ok(TreeNodeRecursion::Continue)
            });
        }
        Ok(TreeNodeRecursion::Continue)
    });
    !read.is_empty() && !nested && !engine_answers && read.iter().all(|c| outer.has_column(c))
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

/// Whether a subquery in the subquery reads columns of the `outer` query (one that reads the
/// subquery's own is the engine's to join).
fn reads_from(nested: &Subquery, outer: &DFSchema) -> bool {
    nested.outer_ref_columns.iter().any(|e| matches!(e, Expr::OuterReferenceColumn(_, c) if outer.has_column(c)))
}

/// Whether any expression of `plan` or under it reads an outer query's column.
fn reads_outer(plan: &LogicalPlan) -> bool {
    plan.exists(|p| Ok(p.expressions().iter().any(Expr::contains_outer))).unwrap_or(true)
}

/// The outer rows, numbered, each column under a name of the engine's own (`"$o0"`, …): a name
/// no column of the subquery has, whatever the tables' names.
struct Outer {
    numbered: LogicalPlan,
    schema: Arc<DFSchema>,
}

impl Outer {
    fn of(input: &LogicalPlan) -> Result<Self> {
        let width = input.schema().fields().len();
        let (numbered, number) = super::rules::numbered(input, vec![])?;
        let columns: Vec<Expr> = (0..width)
            .map(|i| Expr::Column(Column::from(numbered.schema().qualified_field(i))).alias(Outer::name(i)))
            .chain([number.alias(ID)])
            .collect();
        let numbered = LogicalPlanBuilder::from(numbered).project(columns)?.build()?;
        Ok(Outer { numbered, schema: Arc::clone(input.schema()) })
    }

    fn name(i: usize) -> String {
        format!("$o{i}")
    }

    /// The outer columns, by their names of the engine's own.
    fn columns(&self) -> impl Iterator<Item = Expr> {
        (0..self.schema.fields().len()).map(|i| Expr::Column(Column::from_name(Outer::name(i))))
    }

    /// `expr` reading the outer columns by their names of the engine's own.
    fn read_by(&self, expr: Expr) -> Result<Expr> {
        Ok(expr
            .transform_up(|e| match &e {
                Expr::OuterReferenceColumn(_, column) => match self.schema.index_of_column(column) {
                    Ok(i) => Ok(Transformed::yes(Expr::Column(Column::from_name(Outer::name(i))))),
                    Err(_) => Ok(Transformed::no(e)),
                },
                _ => Ok(Transformed::no(e)),
            })?
            .data)
    }

    /// `projection` over `input`, reading the outer columns, passing them (and `also`) on.
    fn project(&self, projection: &Projection, input: LogicalPlan, also: &[&str]) -> Result<LogicalPlan> {
        let names = NamePreserver::new_for_projection();
        let mut exprs = projection
            .expr
            .iter()
            .map(|e| Ok(names.save(e).restore(self.read_by(e.clone())?)))
            .collect::<Result<Vec<_>>>()?;
        exprs.extend(self.columns());
        exprs.extend(also.iter().map(|name| Expr::Column(Column::from_name(*name))));
        Ok(LogicalPlan::Projection(Projection::try_new(exprs, Arc::new(input))?))
    }
}

/// The subquery's plan `plan` answered once per outer row, beside the outer columns, when it is
/// one this module answers: an aggregate without GROUP BY or HAVING (under projections) over
/// the one WHERE clause that reads the outer columns, nothing under that reading them.
fn above_aggregate(plan: &LogicalPlan, outer: &Outer) -> Result<Option<LogicalPlan>> {
    match plan {
        LogicalPlan::Projection(projection) => {
            let Some(input) = above_aggregate(&projection.input, outer)? else { return Ok(None) };
            outer.project(projection, input, &[]).map(Some)
        }
        // A HAVING (a Filter here) would take out the outer row where it makes the answer NULL:
        // left to the engine.
        LogicalPlan::Aggregate(aggregate) if aggregate.group_expr.is_empty() => {
            let Some(input) = below_aggregate(&aggregate.input, outer)? else { return Ok(None) };
            let names = NamePreserver::new(plan);
            let aggregates = aggregate
                .aggr_expr
                .iter()
                .map(|e| Ok(names.save(e).restore(of_matched_rows(outer.read_by(e.clone())?)?)))
                .collect::<Result<Vec<_>>>()?;
            // Each outer row's columns, the same in each of its joined rows.
            let columns = outer.columns().enumerate().map(|(i, c)| first_value(c, vec![]).alias(Outer::name(i)));
            let group = vec![Expr::Column(Column::from_name(ID))];
            let aggregates = columns.chain(aggregates).collect();
            Ok(Some(LogicalPlan::Aggregate(Aggregate::try_new(Arc::new(input), group, aggregates)?)))
        }
        _ => Ok(None),
    }
}

/// Each aggregate of `expr` over the rows of the subquery's own only (not the NULLs an outer row
/// no row matched is joined with).
fn of_matched_rows(expr: Expr) -> Result<Expr> {
    let matched = Expr::Column(Column::from_name(MATCHED)).is_not_null();
    Ok(expr
        .transform_up(|e| match e {
            Expr::AggregateFunction(mut function) => {
                let filter = function.params.filter.take().map(|f| *f);
                function.params.filter = conjunction(filter.into_iter().chain([matched.clone()])).map(Box::new);
                Ok(Transformed::yes(Expr::AggregateFunction(function)))
            }
            e => Ok(Transformed::no(e)),
        })?
        .data)
}

/// Under the aggregate: projections, and the rows the outer rows are joined with, on the one
/// WHERE clause's conditions that read outer columns (none when only the aggregate's arguments
/// or what is above read them: each outer row is then joined with every row).
fn below_aggregate(plan: &LogicalPlan, outer: &Outer) -> Result<Option<LogicalPlan>> {
    if !reads_outer(plan) {
        return joined(plan, None, vec![], outer).map(Some);
    }
    match plan {
        LogicalPlan::Projection(projection) => {
            let Some(input) = below_aggregate(&projection.input, outer)? else { return Ok(None) };
            outer.project(projection, input, &[ID, MATCHED]).map(Some)
        }
        LogicalPlan::SubqueryAlias(alias) => {
            let Some(input) = below_aggregate(&alias.input, outer)? else { return Ok(None) };
            Ok(Some(LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(Arc::new(input), alias.alias.clone())?)))
        }
        LogicalPlan::Filter(filter) if !reads_outer(&filter.input) => {
            let (correlated, own): (Vec<Expr>, Vec<Expr>) =
                split_conjunction(&filter.predicate).into_iter().cloned().partition(Expr::contains_outer);
            let on = correlated.into_iter().map(|c| outer.read_by(c)).collect::<Result<Vec<_>>>()?;
            joined(&filter.input, conjunction(own), on, outer).map(Some)
        }
        _ => Ok(None),
    }
}

/// The numbered outer rows LEFT JOINed `on` with the subquery's `rows` (those of them that hold
/// `own`), each marked by a column `"$matched"`.
fn joined(rows: &LogicalPlan, own: Option<Expr>, on: Vec<Expr>, outer: &Outer) -> Result<LogicalPlan> {
    let mut marked = LogicalPlanBuilder::from(rows.clone());
    if let Some(own) = own {
        marked = marked.filter(own)?;
    }
    let columns = rows.schema().columns().into_iter().map(Expr::Column);
    let marked = marked.project(columns.chain([lit(true).alias(MATCHED)]))?.build()?;
    LogicalPlanBuilder::from(outer.numbered.clone())
        // With no condition, each outer row is joined with every row (the engine wants one).
        .join_on(marked, JoinType::Left, if on.is_empty() { vec![lit(true)] } else { on })?
        .build()
}
