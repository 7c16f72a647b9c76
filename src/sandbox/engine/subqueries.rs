//! A scalar subquery that finds no row is NULL, as in Trino. DataFusion took a scalar
//! subquery's value to be as NULL as its SELECT's, so a subquery of a value that cannot be NULL
//! (a literal, a key column) was never NULL to the planner: `(SELECT 1 FROM t WHERE false) IS
//! NULL` was simplified to false, `coalesce((SELECT 1 WHERE false), 5)` to 1, and a query that
//! printed such a subquery's NULL failed ("declared as non-nullable but contains null values").
//!
//! Each such subquery's value is read through `"$maybe_null"`, which the planner never folds and
//! takes for a value that may be NULL. An aggregate without GROUP BY (`count(*)`) has its one row
//! always, and stays as it is.
//!
//! A scalar subquery that reads the outer query's columns and is no aggregate (`(SELECT name FROM
//! users u WHERE u.id = o.user_id)`) is answered as Trino answers it, while it finds at most one
//! row an outer row: its value, or NULL when it finds none; more than one fails
//! `SUBQUERY_MULTIPLE_ROWS: Scalar sub-query has returned multiple rows`. DataFusion refused it
//! ("Correlated scalar subquery must be aggregated"). Its SELECT becomes the aggregate
//! `"$rows_found"`, a row of the first value and how many rows there were, which the engine (or
//! `correlated`) joins as any aggregate, grouped by the correlated columns; `"$one_row"` then
//! reads the value for each outer row and fails where its group had more than one. (The count is
//! read once joined: a key of two rows that no outer row asks for fails nothing.)
//!
//! `x NOT IN (subquery)` of a correlated subquery in a WHERE clause (`WHERE a NOT IN (SELECT b
//! FROM t WHERE t.h = o.g)`), which the engine failed ("null_aware anti join only supports single
//! column join key"), is `NOT EXISTS (SELECT … WHERE … AND (b = x OR b IS NULL OR x IS NULL))`
//! (`CORRELATED_NOT_IN`): false where a row equals `x`, NULL where a row or `x` is NULL and some
//! row is found, true where none is; a WHERE clause keeps only the true, as Trino's does.
//!
//! And EXISTS of such an aggregate is true, as in Trino, whatever its conditions: `WHERE EXISTS
//! (SELECT count(*) FROM t WHERE t.x = o.a)` keeps every row (DataFusion joined the outer rows
//! with the subquery's rows, which kept only the rows some row matched).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{make_array, new_null_array, Array, ArrayRef, AsArray, StructArray};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Int64Type};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{exec_err, internal_err, plan_err, Column, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::{Exists, InSubquery, ScalarFunction};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::utils::{conjunction, split_conjunction, split_conjunction_owned};
use datafusion::logical_expr::{
    lit, Accumulator, Aggregate, AggregateUDF, AggregateUDFImpl, Expr, FetchType, Filter, GroupingSet, LogicalPlan,
    Projection, ScalarUDF, Signature, SkipType, Subquery, Volatility,
};
use datafusion::optimizer::AnalyzerRule;

use super::rules::ExpressionRule;
use super::udf::{Call, Passing, Trino};
use datafusion::logical_expr::sqlparser::ast as sql;

const MAYBE_NULL: &str = "$maybe_null";
const ROWS_FOUND: &str = "$rows_found";
const ONE_ROW: &str = "$one_row";

static ONE_ROW_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Trino::udf(ONE_ROW, one_row_type, one_row)));

static MAYBE_NULL_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Passing::nullable(MAYBE_NULL)));

pub const CORRELATED_ROWS: ExpressionRule = ExpressionRule { name: "trino_correlated_rows", rewrite: single_row };

/// A correlated scalar subquery whose SELECT is no aggregate: `"$one_row"` of the subquery of
/// `"$rows_found"` of its value.
fn single_row(expr: Expr, _: &DFSchema) -> Result<Transformed<Expr>> {
    let Expr::ScalarSubquery(subquery) = &expr else { return Ok(Transformed::no(expr)) };
    // An ORDER BY without LIMIT orders the one row there may be: nothing.
    let top = match subquery.subquery.as_ref() {
        LogicalPlan::Sort(sort) if sort.fetch.is_none() => sort.input.as_ref(),
        plan => plan,
    };
    let LogicalPlan::Projection(Projection { expr: values, input, .. }) = top else {
        return Ok(Transformed::no(expr));
    };
    let ([value], false) = (values.as_slice(), subquery.outer_ref_columns.is_empty()) else {
        return Ok(Transformed::no(expr));
    };
    if one_row_always(input) || !reads_rows(input) {
        return Ok(Transformed::no(expr));
    }
    // Named apart: the engine's join groups the rows by their correlated columns, which may be
    // the value's own (`SELECT x … WHERE x = o.a`).
    let found = AggregateUDF::new_from_impl(RowsFound::new());
    let found = found.call(vec![value.clone().unalias()]).alias(ROWS_FOUND);
    let aggregate = Aggregate::try_new(input.clone(), vec![], vec![found])?;
    let Expr::ScalarSubquery(subquery) = expr else { return Ok(Transformed::no(expr)) };
    let subquery = Subquery { subquery: Arc::new(LogicalPlan::Aggregate(aggregate)), ..subquery };
    let one = Expr::ScalarFunction(ScalarFunction::new_udf(ONE_ROW_UDF.clone(), vec![Expr::ScalarSubquery(subquery)]));
    Ok(Transformed::yes(one))
}

/// `"$one_row"(found)`: the value of a `"$rows_found"` row of one row; NULL of none (or of no
/// group, a NULL row); more than one refused.
fn one_row(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let [found] = args else { return exec_err!("{ONE_ROW} takes the rows found") };
    let found = found.as_struct();
    let (values, counts) = (found.column(0), found.column(1).as_primitive::<Int64Type>());
    if (0..found.len()).any(|i| found.is_valid(i) && counts.value(i) > 1) {
        return exec_err!("SUBQUERY_MULTIPLE_ROWS: Scalar sub-query has returned multiple rows");
    }
    if values.data_type() == &DataType::Null {
        return Ok(new_null_array(&DataType::Null, found.len()));
    }
    let nulls = NullBuffer::union(found.nulls(), values.nulls());
    Ok(make_array(values.to_data().into_builder().nulls(nulls).build()?))
}

fn one_row_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::Struct(fields)] if fields.len() == 2 => Ok(fields[0].data_type().clone()),
        _ => exec_err!("{ONE_ROW} takes the rows found"),
    }
}

/// Whether `plan` reads rows as a SELECT … FROM … WHERE does: no LIMIT, DISTINCT, window or set
/// operation above its relations (those forms stay the engine's, which refuses them).
fn reads_rows(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Filter(filter) => reads_rows(&filter.input),
        LogicalPlan::SubqueryAlias(_)
        | LogicalPlan::TableScan(_)
        | LogicalPlan::Join(_)
        | LogicalPlan::Values(_)
        | LogicalPlan::EmptyRelation(_) => true,
        LogicalPlan::Projection(projection) => reads_rows(&projection.input),
        LogicalPlan::Sort(sort) if sort.fetch.is_none() => reads_rows(&sort.input),
        _ => false,
    }
}

/// `"$rows_found"(x)`: a group's first value and how many rows it has, as a row.
#[derive(Debug, PartialEq, Eq, Hash)]
struct RowsFound {
    signature: Signature,
}

impl RowsFound {
    fn new() -> RowsFound {
        RowsFound { signature: Signature::any(1, Volatility::Immutable) }
    }
}

/// The row `"$rows_found"` answers for values of `kind`.
fn found_fields(kind: &DataType) -> Fields {
    Fields::from(vec![Field::new("value", kind.clone(), true), Field::new("rows", DataType::Int64, false)])
}

impl AggregateUDFImpl for RowsFound {
    fn name(&self) -> &str {
        ROWS_FOUND
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        match types {
            [kind] => Ok(DataType::Struct(found_fields(kind))),
            _ => plan_err!("{ROWS_FOUND} takes a value"),
        }
    }
    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let kind = args.exprs[0].data_type(args.schema)?;
        Ok(Box::new(Rows { value: ScalarValue::try_from(&kind)?, kind, count: 0 }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let kind = args.input_fields[0].data_type().clone();
        let value = Field::new(format_state_name(args.name, "value"), kind, true);
        let count = Field::new(format_state_name(args.name, "count"), DataType::Int64, false);
        Ok(vec![Arc::new(value), Arc::new(count)])
    }
}

/// A group's rows so far: the first one's value, and how many.
#[derive(Debug)]
struct Rows {
    value: ScalarValue,
    kind: DataType,
    count: i64,
}

impl Accumulator for Rows {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [values] = values else { return internal_err!("{ROWS_FOUND} takes a value") };
        if self.count == 0 && !values.is_empty() {
            self.value = ScalarValue::try_from_array(values, 0)?;
        }
        self.count += values.len() as i64;
        Ok(())
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        let fields = found_fields(&self.kind);
        let columns = vec![self.value.to_array()?, ScalarValue::Int64(Some(self.count)).to_array()?];
        Ok(ScalarValue::Struct(Arc::new(StructArray::try_new(fields, columns, None)?)))
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.value.clone(), ScalarValue::Int64(Some(self.count))])
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let [values, counts] = states else { return internal_err!("{ROWS_FOUND}'s state is a value and a count") };
        let counts = counts.as_primitive::<Int64Type>();
        for i in 0..counts.len() {
            let count = counts.value(i);
            if self.count == 0 && count > 0 {
                self.value = ScalarValue::try_from_array(values, i)?;
            }
            self.count += count;
        }
        Ok(())
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.value.size()
    }
}

#[derive(Debug)]
pub struct CorrelatedNotIn;

pub const CORRELATED_NOT_IN: CorrelatedNotIn = CorrelatedNotIn;

impl AnalyzerRule for CorrelatedNotIn {
    fn name(&self) -> &str {
        "trino_correlated_not_in"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan
            .transform_up_with_subqueries(|plan| {
                let LogicalPlan::Filter(filter) = plan else { return Ok(Transformed::no(plan)) };
                let correlated_not_in = |e: &Expr| matches!(e, Expr::InSubquery(InSubquery { negated: true, subquery, .. }) if of_rows(subquery));
                if !split_conjunction(&filter.predicate).into_iter().any(correlated_not_in) {
                    return Ok(Transformed::no(LogicalPlan::Filter(filter)));
                }
                let outer = filter.input.schema().clone();
                let conditions = split_conjunction_owned(filter.predicate)
                    .into_iter()
                    .map(|condition| match condition {
                        Expr::InSubquery(InSubquery { expr, subquery, negated: true }) if of_rows(&subquery) => {
                            none_equal(*expr, subquery, &outer)
                        }
                        condition => Ok(condition),
                    })
                    .collect::<Result<Vec<_>>>()?;
                let predicate = conjunction(conditions).unwrap_or_else(|| lit(true));
                Ok(Transformed::yes(LogicalPlan::Filter(Filter::try_new(predicate, filter.input)?)))
            })?
            .data)
    }
}

/// Whether `subquery` reads the outer query's columns and is a SELECT … FROM … WHERE of rows (an
/// aggregate's row, or a LIMIT's, stays the engine's: its rows are not the ones a condition on
/// them would find).
fn of_rows(subquery: &Subquery) -> bool {
    !subquery.outer_ref_columns.is_empty() && reads_rows(&subquery.subquery)
}

/// `NOT EXISTS` of the rows of `subquery` equal to `value` or NULL (or of all its rows where
/// `value` is NULL); `value` read from the outer rows (`outer`).
fn none_equal(value: Expr, subquery: Subquery, outer: &DFSchema) -> Result<Expr> {
    let plan = subquery.subquery;
    let row = Expr::Column(Column::from(plan.schema().qualified_field(0)));
    let mut outer_ref_columns = subquery.outer_ref_columns;
    let value = value
        .transform(|e| match e {
            Expr::Column(column) => {
                let field = outer.qualified_field_from_column(&column)?.1.clone();
                let outer_column = Expr::OuterReferenceColumn(field, column);
                outer_ref_columns.push(outer_column.clone());
                Ok(Transformed::yes(outer_column))
            }
            e => Ok(Transformed::no(e)),
        })?
        .data;
    let found = row.clone().eq(value.clone()).or(row.is_null()).or(value.is_null());
    let found = LogicalPlan::Filter(Filter::try_new(found, plan)?);
    let subquery = Subquery { subquery: Arc::new(found), outer_ref_columns, spans: subquery.spans };
    Ok(Expr::Exists(Exists { subquery, negated: true }))
}

pub const EMPTY_SUBQUERIES: ExpressionRule = ExpressionRule { name: "trino_empty_subqueries", rewrite: maybe_null };

fn maybe_null(expr: Expr, _: &DFSchema) -> Result<Transformed<Expr>> {
    if let Expr::Exists(Exists { subquery, negated }) = &expr {
        if one_row_always(&subquery.subquery) {
            return Ok(Transformed::yes(lit(!negated)));
        }
    }
    let Expr::ScalarSubquery(subquery) = &expr else { return Ok(Transformed::no(expr)) };
    let plan = subquery.subquery.as_ref();
    let fields = plan.schema().fields();
    if fields.len() != 1 || fields[0].is_nullable() || one_row_always(plan) {
        return Ok(Transformed::no(expr));
    }
    let (qualifier, field) = plan.schema().qualified_field(0);
    let value = Expr::Column((qualifier, field).into());
    let read = Expr::ScalarFunction(ScalarFunction::new_udf(MAYBE_NULL_UDF.clone(), vec![value]))
        .alias_qualified(qualifier.cloned(), field.name());
    let projected = Projection::try_new(vec![read], subquery.subquery.clone())?;
    let Expr::ScalarSubquery(subquery) = expr else { return Ok(Transformed::no(expr)) };
    let subquery = Subquery { subquery: Arc::new(LogicalPlan::Projection(projected)), ..subquery };
    Ok(Transformed::yes(Expr::ScalarSubquery(subquery)))
}

/// Whether `plan` answers one row whatever it reads: an aggregate without GROUP BY, under the
/// nodes that name or reorder its row.
fn one_row_always(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Projection(Projection { input, .. }) => one_row_always(input),
        LogicalPlan::SubqueryAlias(alias) => one_row_always(&alias.input),
        LogicalPlan::Sort(sort) => one_row_always(&sort.input),
        // A LIMIT of one row or more from the first.
        LogicalPlan::Limit(limit) => {
            let from_first = matches!(limit.get_skip_type(), Ok(SkipType::Literal(0)));
            let some = !matches!(limit.get_fetch_type(), Ok(FetchType::Literal(Some(0))) | Err(_));
            from_first && some && one_row_always(&limit.input)
        }
        // `GROUP BY ()`, one empty grouping set (`grouping`).
        LogicalPlan::Aggregate(aggregate) => match aggregate.group_expr.as_slice() {
            [] => true,
            [Expr::GroupingSet(GroupingSet::GroupingSets(sets))] => matches!(sets.as_slice(), [set] if set.is_empty()),
            _ => false,
        },
        _ => false,
    }
}

/// A subquery in a lambda's body, which Athena refuses where the engine would answer it, at the
/// subquery's place: `transform(a, x -> x + (SELECT 1))`.
pub(super) fn in_a_lambda(statement: &sql::Statement) -> Option<String> {
    use sql::{Expr, Spanned};
    use std::ops::ControlFlow;
    let found = sql::visit_expressions(statement, |expr| {
        let Expr::Lambda(lambda) = expr else { return ControlFlow::Continue(()) };
        let subquery = sql::visit_expressions(&*lambda.body, |expr| match expr {
            Expr::Subquery(query) | Expr::InSubquery { subquery: query, .. } | Expr::Exists { subquery: query, .. } => {
                ControlFlow::Break(query.span().start)
            }
            _ => ControlFlow::Continue(()),
        });
        match subquery.break_value() {
            Some(start) => ControlFlow::Break(start),
            None => ControlFlow::Continue(()),
        }
    });
    found.break_value().map(|start| {
        let at = super::errors::at(start.line, start.column);
        format!("NOT_SUPPORTED: {at}Lambda expression cannot contain subqueries")
    })
}
