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
//! `"$single_row"` of its value, which the engine (or `correlated`) then joins as any aggregate.
//!
//! And EXISTS of such an aggregate is true, as in Trino, whatever its conditions: `WHERE EXISTS
//! (SELECT count(*) FROM t WHERE t.x = o.a)` keeps every row (DataFusion joined the outer rows
//! with the subquery's rows, which kept only the rows some row matched).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{exec_err, internal_err, plan_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::{Exists, ScalarFunction};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    lit, Accumulator, Aggregate, AggregateUDF, AggregateUDFImpl, Expr, LogicalPlan, Projection, ScalarUDF, Signature,
    Subquery, Volatility,
};

use super::rules::ExpressionRule;
use super::udf::Passing;

const MAYBE_NULL: &str = "$maybe_null";
const SINGLE_ROW: &str = "$single_row";

static MAYBE_NULL_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Passing::nullable(MAYBE_NULL)));

pub const CORRELATED_ROWS: ExpressionRule = ExpressionRule { name: "trino_correlated_rows", rewrite: single_row };

/// A correlated scalar subquery whose SELECT is no aggregate, its value made `"$single_row"`'s.
fn single_row(expr: Expr, _: &DFSchema) -> Result<Transformed<Expr>> {
    let Expr::ScalarSubquery(subquery) = &expr else { return Ok(Transformed::no(expr)) };
    let LogicalPlan::Projection(Projection { expr: values, input, .. }) = subquery.subquery.as_ref() else {
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
    let single = AggregateUDF::new_from_impl(SingleRow::new());
    let value = single.call(vec![value.clone().unalias()]).alias(SINGLE_ROW);
    let aggregate = Aggregate::try_new(input.clone(), vec![], vec![value])?;
    let Expr::ScalarSubquery(subquery) = expr else { return Ok(Transformed::no(expr)) };
    let subquery = Subquery { subquery: Arc::new(LogicalPlan::Aggregate(aggregate)), ..subquery };
    Ok(Transformed::yes(Expr::ScalarSubquery(subquery)))
}

/// Whether `plan` reads rows as a SELECT … FROM … WHERE does: no LIMIT, DISTINCT, window or set
/// operation above its relations (those forms stay the engine's, which refuses them).
fn reads_rows(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Filter(filter) => reads_rows(&filter.input),
        LogicalPlan::SubqueryAlias(_) | LogicalPlan::TableScan(_) | LogicalPlan::Join(_) | LogicalPlan::Values(_) => {
            true
        }
        LogicalPlan::Projection(projection) => reads_rows(&projection.input),
        _ => false,
    }
}

/// `"$single_row"(x)`: the value of a group's one row; NULL of none; more than one refused.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SingleRow {
    signature: Signature,
}

impl SingleRow {
    fn new() -> SingleRow {
        SingleRow { signature: Signature::any(1, Volatility::Immutable) }
    }
}

impl AggregateUDFImpl for SingleRow {
    fn name(&self) -> &str {
        SINGLE_ROW
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        match types {
            [kind] => Ok(kind.clone()),
            _ => plan_err!("{SINGLE_ROW} takes a value"),
        }
    }
    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Rows { value: ScalarValue::try_from(args.return_field.data_type())?, count: 0 }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let value = Field::new(format_state_name(args.name, "value"), args.return_field.data_type().clone(), true);
        let count = Field::new(format_state_name(args.name, "count"), DataType::Int64, false);
        Ok(vec![Arc::new(value), Arc::new(count)])
    }
}

/// A group's rows so far: the first one's value, and how many.
#[derive(Debug)]
struct Rows {
    value: ScalarValue,
    count: i64,
}

impl Accumulator for Rows {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [values] = values else { return internal_err!("{SINGLE_ROW} takes a value") };
        if self.count == 0 && !values.is_empty() {
            self.value = ScalarValue::try_from_array(values, 0)?;
        }
        self.count += values.len() as i64;
        Ok(())
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        match self.count {
            0 | 1 => Ok(self.value.clone()),
            _ => exec_err!("SUBQUERY_MULTIPLE_ROWS: Scalar sub-query has returned multiple rows"),
        }
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.value.clone(), ScalarValue::Int64(Some(self.count))])
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let [values, counts] = states else { return internal_err!("{SINGLE_ROW}'s state is a value and a count") };
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
        LogicalPlan::Aggregate(aggregate) => aggregate.group_expr.is_empty(),
        _ => false,
    }
}
