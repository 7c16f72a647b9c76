//! Values Trino reads as one type where DataFusion's typing picks another (`WIDENINGS`):
//! - a date beside a timestamp of milliseconds is the timestamp at its midnight. DataFusion
//!   makes both nanoseconds, which hold no year before 1677 nor after 2262, so `event_time <
//!   DATE '9999-12-31'` failed ("Cannot cast Date32 value 2932896 to Timestamp(ns)"); a zone, if
//!   the other side has one, is then `zoned_casts`'s to read;
//! - a decimal beside a double is a double (beside a real, a real): DataFusion makes both a
//!   `decimal(30,15)`, so `1e-20 = 0.0` was true and `0.1e0 + 0.2e0 = 0.3` too, and `CASE … THEN
//!   1.5 ELSE 1e20 END` failed.
//!
//! Before the engine types the query, each value of such a group is cast: compared (`=`, `<`,
//! …, BETWEEN, IN a list, CASE x WHEN), among a CASE's results or COALESCE's, `greatest`'s,
//! `least`'s, `nullif`'s or an ARRAY's items (`VALUES_AS_ONE_TYPE`), and a column of a UNION,
//! INTERSECT, EXCEPT or VALUES (`UNIONS_AS_ONE_TYPE`: its inputs' or rows' values).

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::{InList, ScalarFunction};
use datafusion::logical_expr::{
    cast, Between, BinaryExpr, Case, Expr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, Projection, Union, Values,
};
use datafusion::optimizer::AnalyzerRule;

use super::mixed_types::is_comparison;
use super::rules::ExpressionRule;
use super::types::TIMESTAMP;

/// Which of the values read together are cast (by their type), and to what.
type Reading = (fn(&DataType) -> bool, DataType);

/// The reading of values of these types together; None when none is cast.
type Widening = fn(&[DataType]) -> Option<Reading>;

/// Trino's readings of values of two types as one (the module's note), each in turn.
const WIDENINGS: [Widening; 2] = [dates_as_timestamps, decimals_as_doubles];

fn dates_as_timestamps(types: &[DataType]) -> Option<Reading> {
    let is_date: fn(&DataType) -> bool = |t| matches!(t, DataType::Date32 | DataType::Date64);
    let in_millis = |t: &DataType| matches!(t, DataType::Timestamp(TimeUnit::Millisecond, _));
    (types.iter().any(in_millis) && types.iter().any(is_date)).then_some((is_date, TIMESTAMP))
}

fn decimals_as_doubles(types: &[DataType]) -> Option<Reading> {
    let is_decimal: fn(&DataType) -> bool = |t| matches!(t, DataType::Decimal128(_, _) | DataType::Decimal256(_, _));
    if !types.iter().any(is_decimal) {
        return None;
    }
    [DataType::Float64, DataType::Float32]
        .into_iter()
        .find(|float| types.contains(float))
        .map(|float| (is_decimal, float))
}

pub const VALUES_AS_ONE_TYPE: ExpressionRule = ExpressionRule { name: "trino_values_as_one_type", rewrite: widen };

/// `values` read as one type by each widening that applies; None when none does.
fn together(values: Vec<Expr>, schema: &DFSchema) -> Option<Vec<Expr>> {
    let mut values = values;
    let mut changed = false;
    for widening in WIDENINGS {
        let types: Vec<DataType> = values.iter().filter_map(|v| v.get_type(schema).ok()).collect();
        if let Some((cast_it, to)) = widening(&types) {
            let casts = |v: &Expr| v.get_type(schema).is_ok_and(|t| cast_it(&t));
            values = values.into_iter().map(|v| if casts(&v) { cast(v, to.clone()) } else { v }).collect();
            changed = true;
        }
    }
    changed.then_some(values)
}

fn widen(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let together = |values: Vec<Expr>| together(values, schema);
    let edited = match &expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if is_comparison(op) => {
            together(vec![*left.clone(), *right.clone()]).map(|values| match <[Expr; 2]>::try_from(values) {
                Ok([left, right]) => {
                    Expr::BinaryExpr(BinaryExpr { left: Box::new(left), op: *op, right: Box::new(right) })
                }
                Err(_) => expr.clone(),
            })
        }
        Expr::Between(Between { expr: value, negated, low, high }) => {
            together(vec![*value.clone(), *low.clone(), *high.clone()]).map(|values| {
                match <[Expr; 3]>::try_from(values) {
                    Ok([value, low, high]) => Expr::Between(Between {
                        expr: Box::new(value),
                        negated: *negated,
                        low: Box::new(low),
                        high: Box::new(high),
                    }),
                    Err(_) => expr.clone(),
                }
            })
        }
        Expr::InList(InList { expr: value, list, negated }) => {
            together(std::iter::once(*value.clone()).chain(list.iter().cloned()).collect()).map(|mut values| {
                let value = values.remove(0);
                Expr::InList(InList { expr: Box::new(value), list: values, negated: *negated })
            })
        }
        // CASE x WHEN …: the operand and its WHENs; any CASE: its results.
        Expr::Case(Case { expr: operand, when_then_expr, else_expr }) => {
            let mut case =
                Case { expr: operand.clone(), when_then_expr: when_then_expr.clone(), else_expr: else_expr.clone() };
            let mut changed = false;
            if let Some(operand) = &case.expr {
                let compared =
                    std::iter::once(*operand.clone()).chain(case.when_then_expr.iter().map(|(w, _)| *w.clone()));
                if let Some(mut values) = together(compared.collect()) {
                    case.expr = Some(Box::new(values.remove(0)));
                    case.when_then_expr.iter_mut().zip(values).for_each(|((w, _), v)| **w = v);
                    changed = true;
                }
            }
            let results = case.when_then_expr.iter().map(|(_, t)| *t.clone()).chain(case.else_expr.as_deref().cloned());
            if let Some(values) = together(results.collect()) {
                let mut values = values.into_iter();
                case.when_then_expr.iter_mut().zip(values.by_ref()).for_each(|((_, t), v)| **t = v);
                if case.else_expr.is_some() {
                    case.else_expr = values.next().map(Box::new);
                }
                changed = true;
            }
            changed.then_some(Expr::Case(case))
        }
        Expr::ScalarFunction(ScalarFunction { func, args })
            if matches!(func.name(), "coalesce" | "greatest" | "least" | "nullif" | "make_array") =>
        {
            together(args.clone()).map(|args| Expr::ScalarFunction(ScalarFunction { func: func.clone(), args }))
        }
        _ => None,
    };
    Ok(match edited {
        Some(edited) => Transformed::yes(edited),
        None => Transformed::no(expr),
    })
}

/// The columns of a UNION's (INTERSECT's, EXCEPT's) inputs, and of a VALUES's rows, read as one
/// type, column by column: an input whose column is cast is read through a projection of its
/// columns, that one cast.
#[derive(Debug)]
pub struct UnionsAsOneType;

pub const UNIONS_AS_ONE_TYPE: UnionsAsOneType = UnionsAsOneType;

impl AnalyzerRule for UnionsAsOneType {
    fn name(&self) -> &str {
        "trino_unions_as_one_type"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan
            .transform_up_with_subqueries(|plan| match plan {
                LogicalPlan::Union(union) => widen_union(union),
                LogicalPlan::Values(values) => widen_values(values),
                plan => Ok(Transformed::no(plan)),
            })?
            .data)
    }
}

fn widen_union(union: Union) -> Result<Transformed<LogicalPlan>> {
    let width = union.schema.fields().len();
    if union.inputs.iter().any(|input| input.schema().fields().len() != width) {
        return Ok(Transformed::no(LogicalPlan::Union(union)));
    }
    // Column by column, the type each input's is cast to, if it is.
    let by_column: Vec<Vec<Option<DataType>>> = (0..width)
        .map(|column| {
            let mut types: Vec<DataType> =
                union.inputs.iter().map(|input| input.schema().field(column).data_type().clone()).collect();
            let mut casts = vec![None; types.len()];
            for widening in WIDENINGS {
                if let Some((cast_it, to)) = widening(&types) {
                    for (kind, cast) in types.iter_mut().zip(casts.iter_mut()) {
                        if cast_it(kind) {
                            *cast = Some(to.clone());
                            *kind = to.clone();
                        }
                    }
                }
            }
            casts
        })
        .collect();
    if by_column.iter().flatten().all(Option::is_none) {
        return Ok(Transformed::no(LogicalPlan::Union(union)));
    }
    let inputs = union
        .inputs
        .into_iter()
        .enumerate()
        .map(|(at, input)| {
            let casts: Vec<Option<DataType>> = by_column.iter().map(|column| column[at].clone()).collect();
            if casts.iter().all(Option::is_none) {
                return Ok(input);
            }
            let columns = input.schema().iter().zip(casts).map(|((qualifier, field), to)| {
                let column = Expr::Column((qualifier, field).into());
                match to {
                    Some(to) => cast(column, to).alias_qualified(qualifier.cloned(), field.name()),
                    None => column,
                }
            });
            Ok(Arc::new(LogicalPlan::Projection(Projection::try_new(columns.collect(), input)?)))
        })
        .collect::<Result<Vec<_>>>()?;
    // The union's columns typed again from its inputs, for the engine's typing to read.
    Ok(Transformed::yes(LogicalPlan::Union(Union::try_new_with_loose_types(inputs)?)))
}

fn widen_values(values: Values) -> Result<Transformed<LogicalPlan>> {
    let width = values.schema.fields().len();
    // Each cell as the query wrote it: the engine's planner has cast every cell to the type it
    // gave the column (a cast the query wrote reads `cast::CAST_VALUE`, and stays).
    let written = |cell: &Expr| match cell {
        Expr::Cast(datafusion::logical_expr::Cast { expr, .. }) if !matches!(expr.as_ref(), Expr::ScalarFunction(f) if f.func.name() == super::cast::CAST_VALUE) => {
            expr.as_ref().clone()
        }
        cell => cell.clone(),
    };
    let mut rows: Vec<Vec<Expr>> = values.values.iter().map(|row| row.iter().map(written).collect()).collect();
    let mut changed = false;
    for column in 0..width {
        let cells: Vec<Expr> = rows.iter().filter_map(|row| row.get(column).cloned()).collect();
        if cells.len() != rows.len() {
            continue;
        }
        if let Some(cells) = together(cells, &DFSchema::empty()) {
            rows.iter_mut().zip(cells).for_each(|(row, cell)| row[column] = cell);
            changed = true;
        }
    }
    if !changed {
        return Ok(Transformed::no(LogicalPlan::Values(values)));
    }
    // The rows' columns typed again, for the engine's typing to read.
    Ok(Transformed::yes(LogicalPlanBuilder::values(rows)?.build()?))
}
