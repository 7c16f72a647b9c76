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
//! …, BETWEEN, IN a list or a subquery, CASE x WHEN), among a CASE's results or COALESCE's,
//! `greatest`'s, `least`'s, `nullif`'s or an ARRAY's items (`VALUES_AS_ONE_TYPE`), a column of a
//! UNION or VALUES, and a join's keys, INTERSECT's and EXCEPT's among them
//! (`COLUMNS_AS_ONE_TYPE`).

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::{InList, InSubquery, ScalarFunction};
use datafusion::logical_expr::type_coercion::binary::type_union_resolution;
use datafusion::logical_expr::{
    cast, Between, BinaryExpr, Case, Expr, ExprSchemable, Join, LogicalPlan, LogicalPlanBuilder, Projection, Subquery,
    Union, Values,
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

/// For values of `types` read together, the type each is cast to, if it is, by each widening
/// in turn.
fn casts(types: &[DataType]) -> Vec<Option<DataType>> {
    let mut types = types.to_vec();
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
}

/// `value`, cast to `to` if there is one.
fn cast_to(value: Expr, to: Option<DataType>) -> Expr {
    match to {
        Some(to) => cast(value, to),
        None => value,
    }
}

/// `values` read as one type; None when none is cast. (A value whose type cannot be found here
/// counts as a NULL.)
fn together(values: Vec<Expr>, schema: &DFSchema) -> Option<Vec<Expr>> {
    let types: Vec<DataType> = values.iter().map(|v| v.get_type(schema).unwrap_or(DataType::Null)).collect();
    let casts = casts(&types);
    casts.iter().any(Option::is_some).then(|| values.into_iter().zip(casts).map(|(v, to)| cast_to(v, to)).collect())
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
        // A value IN a subquery: the value, or the subquery's column.
        Expr::InSubquery(InSubquery { expr: value, subquery, negated }) => {
            let column = subquery.subquery.schema().fields().first().map(|f| f.data_type().clone());
            let types = [value.get_type(schema).unwrap_or(DataType::Null), column.unwrap_or(DataType::Null)];
            match <[Option<DataType>; 2]>::try_from(casts(&types)) {
                Ok([None, None]) | Err(_) => None,
                Ok([to_value, to_column]) => {
                    let rows = Arc::unwrap_or_clone(subquery.subquery.clone());
                    let subquery =
                        Subquery { subquery: Arc::new(cast_columns(rows, &[to_column])?), ..subquery.clone() };
                    let value = Box::new(cast_to(*value.clone(), to_value));
                    Some(Expr::InSubquery(InSubquery { expr: value, subquery, negated: *negated }))
                }
            }
        }
        Expr::ScalarFunction(ScalarFunction { func, args })
            if matches!(func.name(), "coalesce" | "greatest" | "least" | "nullif" | "make_array") =>
        {
            together(args.clone()).map(|args| Expr::ScalarFunction(ScalarFunction { func: func.clone(), args }))
        }
        // lag's and lead's default: a value of the window's column, read as one type with it
        // (Trino's `lag(T, bigint, T)`); the engine cast the default to the column's type, so
        // `lead(x, 1, 9.9)` over whole numbers gave 9.
        Expr::WindowFunction(window)
            if matches!(window.fun.name(), "lag" | "lead") && window.params.args.len() == 3 =>
        {
            let args = &window.params.args;
            // Trino's readings first (a decimal beside a double is a double), then the engine's.
            let mut types = [&args[0], &args[2]].map(|v| v.get_type(schema).unwrap_or(DataType::Null));
            let widened = casts(&types);
            for (kind, to) in types.iter_mut().zip(widened) {
                *kind = to.unwrap_or(kind.clone());
            }
            match type_union_resolution(&types) {
                Some(common) if [&args[0], &args[2]].iter().any(|v| v.get_type(schema).is_ok_and(|t| t != common)) => {
                    let mut window = window.clone();
                    for at in [0, 2] {
                        let arg = window.params.args[at].clone();
                        window.params.args[at] = cast(arg, common.clone());
                    }
                    Some(Expr::WindowFunction(window))
                }
                _ => None,
            }
        }
        _ => None,
    };
    Ok(match edited {
        Some(edited) => Transformed::yes(edited),
        None => Transformed::no(expr),
    })
}

/// The columns of a UNION's inputs and of a VALUES's rows read as one type, column by column (an
/// input whose column is cast is read through a projection of its columns, that one cast), and a
/// join's keys pair by pair.
#[derive(Debug)]
pub struct ColumnsAsOneType;

pub const COLUMNS_AS_ONE_TYPE: ColumnsAsOneType = ColumnsAsOneType;

impl AnalyzerRule for ColumnsAsOneType {
    fn name(&self) -> &str {
        "trino_columns_as_one_type"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan
            .transform_up_with_subqueries(|plan| match plan {
                LogicalPlan::Union(union) => widen_union(union),
                LogicalPlan::Values(values) => widen_values(values),
                LogicalPlan::Join(join) => widen_join(join),
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
    // Column by column, the type each input's is cast to, if it is: read from the types of all
    // the values it gathers (a union in it gathers its own inputs', and types its column as its
    // first's), an input cast where one of its values is.
    let by_column: Vec<Vec<Option<DataType>>> = (0..width)
        .map(|column| {
            let gathered: Vec<Vec<DataType>> = union.inputs.iter().map(|input| gathered_types(input, column)).collect();
            let mut casts = casts(&gathered.concat()).into_iter();
            gathered
                .iter()
                .map(|types| casts.by_ref().take(types.len()).collect::<Vec<_>>().into_iter().flatten().next())
                .collect()
        })
        .collect();
    let cast_any = by_column.iter().flatten().any(Option::is_some);
    let inputs = union
        .inputs
        .iter()
        .cloned()
        .enumerate()
        .map(|(at, input)| {
            let casts: Vec<Option<DataType>> = by_column.iter().map(|column| column[at].clone()).collect();
            if casts.iter().all(Option::is_none) {
                return Ok(input);
            }
            Ok(Arc::new(cast_columns(Arc::unwrap_or_clone(input), &casts)?))
        })
        .collect::<Result<Vec<_>>>()?;
    // The union's columns typed again from its inputs, for the engine's typing to read (an input
    // that is itself a union read so may have changed too).
    let typed = Union::try_new_with_loose_types(inputs)?;
    if !cast_any && typed.schema == union.schema {
        return Ok(Transformed::no(LogicalPlan::Union(union)));
    }
    Ok(Transformed::yes(LogicalPlan::Union(typed)))
}

fn widen_values(values: Values) -> Result<Transformed<LogicalPlan>> {
    // The engine's planner has cast each cell to the type it gave the column; a column is read
    // from its cells before that cast, and only a column a reading casts is written again (a
    // cast the query wrote to the column's own type reads `cast::CAST_VALUE` but of a constant,
    // whose value such a cast keeps).
    let schema = DFSchema::empty();
    let before_cast = |cell: &Expr, column: &DataType| match cell {
        Expr::Cast(datafusion::logical_expr::Cast { expr, field })
            if field.data_type() == column
                && !matches!(expr.as_ref(), Expr::ScalarFunction(f) if f.func.name() == super::cast::CAST_VALUE) =>
        {
            expr.as_ref().clone()
        }
        cell => cell.clone(),
    };
    let mut rows = values.values.clone();
    let mut changed = false;
    for (column, field) in values.schema.fields().iter().enumerate() {
        let cells: Vec<Expr> =
            rows.iter().filter_map(|row| row.get(column).map(|cell| before_cast(cell, field.data_type()))).collect();
        if cells.len() != rows.len() {
            continue;
        }
        if let Some(cells) = together(cells, &schema) {
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

/// `input` with its columns cast, each to its type in `casts` if it has one (a column past them
/// as it is), under their own names.
fn cast_columns(input: LogicalPlan, casts: &[Option<DataType>]) -> Result<LogicalPlan> {
    let columns = input.schema().iter().enumerate().map(|(at, (qualifier, field))| {
        let column = Expr::Column((qualifier, field).into());
        match casts.get(at).cloned().flatten() {
            Some(to) => cast(column, to).alias_qualified(qualifier.cloned(), field.name()),
            None => column,
        }
    });
    Ok(LogicalPlan::Projection(Projection::try_new(columns.collect(), Arc::new(input))?))
}

/// A join's keys read as one type, pair by pair (JOIN … USING, NATURAL JOIN, `ON a = b`, and the
/// joins INTERSECT and EXCEPT are planned as).
fn widen_join(join: Join) -> Result<Transformed<LogicalPlan>> {
    let (left, right) = (join.left.schema().clone(), join.right.schema().clone());
    let mut changed = false;
    let on = join
        .on
        .iter()
        .map(|(l, r)| {
            let types = [l.get_type(&left).unwrap_or(DataType::Null), r.get_type(&right).unwrap_or(DataType::Null)];
            match <[Option<DataType>; 2]>::try_from(casts(&types)) {
                Ok([None, None]) | Err(_) => (l.clone(), r.clone()),
                Ok([to_left, to_right]) => {
                    changed = true;
                    (cast_to(l.clone(), to_left), cast_to(r.clone(), to_right))
                }
            }
        })
        .collect();
    if !changed {
        return Ok(Transformed::no(LogicalPlan::Join(join)));
    }
    Ok(Transformed::yes(LogicalPlan::Join(Join { on, ..join })))
}

/// The types of the values a plan's `column` gathers: a union's inputs', all the way down.
fn gathered_types(plan: &LogicalPlan, column: usize) -> Vec<DataType> {
    match plan {
        LogicalPlan::Union(union) => union.inputs.iter().flat_map(|input| gathered_types(input, column)).collect(),
        plan => plan.schema().fields().get(column).map(|f| f.data_type().clone()).into_iter().collect(),
    }
}
