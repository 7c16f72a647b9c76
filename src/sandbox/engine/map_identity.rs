//! A map is one value whatever the order of its entries, as in Trino, whose maps hash and compare
//! as sets of entries (`MapType`'s `=`, `IS DISTINCT FROM` and hash). The engine's maps are
//! lists of entries, hashed and compared in their order, so `MAP(ARRAY[1, 2], ARRAY[3, 4])` and
//! `MAP(ARRAY[2, 1], ARRAY[4, 3])` were two groups of a GROUP BY, two rows of a DISTINCT or a
//! UNION, no match of a join or an IN (subquery), and distinct to IS DISTINCT FROM.
//!
//! Wherever the engine hashes or compares values whole, a value that holds a map (a map, or an
//! array or row with one inside) is read with each map's entries sorted by key (`"$sorted_map"`,
//! at any depth): the keys of a GROUP BY (of grouping sets too), every column of a SELECT
//! DISTINCT or a UNION, INTERSECT or EXCEPT, the keys of a join (its `=` too,
//! `array_comparisons`), an IN (subquery), a PARTITION BY, the values of an aggregate's DISTINCT
//! (over a window too)
//! and both sides of IS [NOT] DISTINCT FROM. A group's map is answered as one of its rows wrote
//! it (the first the engine reads), as in Trino, not sorted.
//!
//! And a map has no order, as in Trino: ORDER BY a value that holds one, in a query or a window
//! (`windows`) or an aggregate (`array_agg(x ORDER BY m)`, and `max_by(x, m)`, which is one),
//! and `min` or `max` of one, are refused in Trino's words (the engine sorted maps by their
//! entries in order, and failed `min` and `max` with an internal error). `<` and the other
//! comparisons of maps are refused by `array_comparisons`.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{
    make_comparator, Array, ArrayRef, AsArray, GenericListArray, MapArray, OffsetSizeTrait, StructArray, UInt32Array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::{take, SortOptions};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{exec_err, plan_err, Column, DFSchema, Result, ScalarValue};
use datafusion::functions_aggregate::first_last::first_value;
use datafusion::logical_expr::expr::{AggregateFunction, InSubquery, ScalarFunction, WindowFunction};
use datafusion::logical_expr::utils::{grouping_set_to_exprlist, merge_schema};
use datafusion::logical_expr::{
    when, Aggregate, BinaryExpr, Distinct, Expr, ExprSchemable, GroupingSet, Join, JoinConstraint, LogicalPlan,
    Operator, Projection, ScalarUDF, Subquery,
};
use datafusion::optimizer::AnalyzerRule;

use super::rules::each_expression;
use super::types::trino_type;
use super::udf::{type_mismatch, Trino};

const SORTED: &str = "$sorted_map";

static SORTED_UDF: LazyLock<Arc<ScalarUDF>> =
    LazyLock::new(|| Arc::new(Trino::udf(SORTED, |call| Ok(call.types[0].clone()), sorted_answers)));

/// Whether values of `kind` hold a map: a map, or an array or row with one inside.
pub(super) fn holds_map(kind: &DataType) -> bool {
    match kind {
        DataType::Map(_, _) => true,
        DataType::List(item) | DataType::LargeList(item) | DataType::FixedSizeList(item, _) => {
            holds_map(item.data_type())
        }
        DataType::Struct(fields) => fields.iter().any(|f| holds_map(f.data_type())),
        _ => false,
    }
}

/// `expr` with each map's entries sorted by key: one value for maps Trino holds equal.
pub(super) fn sorted(expr: Expr) -> Expr {
    Expr::ScalarFunction(ScalarFunction::new_udf(SORTED_UDF.clone(), vec![expr]))
}

/// `expr` sorted when its type, in `schema`, holds a map.
fn sorted_if_map(expr: Expr, schema: &DFSchema) -> Expr {
    match expr.get_type(schema) {
        Ok(kind) if holds_map(&kind) => sorted(expr),
        _ => expr,
    }
}

fn sorted_answers(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let [values] = args else { return exec_err!("{SORTED} takes one value") };
    sorted_array(values)
}

/// `array` with the entries of each map in it, at any depth, sorted by key.
fn sorted_array(array: &ArrayRef) -> Result<ArrayRef> {
    if !holds_map(array.data_type()) {
        return Ok(array.clone());
    }
    Ok(match array.data_type() {
        DataType::Map(field, ordered) => {
            let maps = array.as_map();
            let (keys, values) = (sorted_array(maps.keys())?, sorted_array(maps.values())?);
            let compare = make_comparator(keys.as_ref(), keys.as_ref(), SortOptions::default())?;
            let offsets = maps.value_offsets();
            let mut order = Vec::with_capacity(keys.len());
            let mut lengths = Vec::with_capacity(maps.len());
            for i in 0..maps.len() {
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                let first = order.len();
                order.extend(start as u32..end as u32);
                order[first..].sort_by(|&a, &b| compare(a as usize, b as usize));
                lengths.push(end - start);
            }
            let order = UInt32Array::from(order);
            let DataType::Struct(entry_fields) = field.data_type() else {
                return exec_err!("{SORTED}: a map's entries are rows");
            };
            let entries = StructArray::try_new(
                entry_fields.clone(),
                vec![take(&keys, &order, None)?, take(&values, &order, None)?],
                None,
            )?;
            let sorted = MapArray::try_new(
                field.clone(),
                OffsetBuffer::from_lengths(lengths),
                entries,
                maps.nulls().cloned(),
                *ordered,
            )?;
            Arc::new(sorted)
        }
        DataType::List(_) => list(array.as_list::<i32>())?,
        DataType::LargeList(_) => list(array.as_list::<i64>())?,
        DataType::Struct(_) => {
            let rows = array.as_struct();
            let columns = rows.columns().iter().map(sorted_array).collect::<Result<Vec<_>>>()?;
            Arc::new(StructArray::try_new(rows.fields().clone(), columns, rows.nulls().cloned())?)
        }
        kind => return exec_err!("{SORTED}: the maps inside a {kind} cannot be sorted"),
    })
}

fn list<O: OffsetSizeTrait>(lists: &GenericListArray<O>) -> Result<ArrayRef> {
    let (DataType::List(field) | DataType::LargeList(field)) = lists.data_type() else {
        return exec_err!("{SORTED}: not a list");
    };
    let values = sorted_array(lists.values())?;
    Ok(Arc::new(GenericListArray::<O>::try_new(
        field.clone(),
        lists.offsets().clone(),
        values,
        lists.nulls().cloned(),
    )?))
}

#[derive(Debug)]
pub struct MapIdentity;

pub const MAP_IDENTITY: MapIdentity = MapIdentity;

impl AnalyzerRule for MapIdentity {
    fn name(&self) -> &str {
        "trino_map_identity"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        plan.apply_with_subqueries(|plan| refuse_orders(plan).map(|_| TreeNodeRecursion::Continue))?;
        let plan = each_expression(plan, read_as_sets)?;
        Ok(plan
            .transform_up_with_subqueries(|plan| match plan {
                LogicalPlan::Distinct(Distinct::All(input)) if any_map(input.schema().fields().iter()) => {
                    let columns = input.schema().columns().into_iter().map(Expr::Column).collect();
                    let distinct = Aggregate::try_new(input, columns, vec![])?;
                    grouped(distinct).map(Transformed::yes)
                }
                LogicalPlan::Aggregate(aggregate) => match groups_of_maps(&aggregate)? {
                    true => grouped(aggregate).map(Transformed::yes),
                    false => Ok(Transformed::no(LogicalPlan::Aggregate(aggregate))),
                },
                LogicalPlan::Join(join) => keyed(join),
                plan => Ok(Transformed::no(plan)),
            })?
            .data)
    }
}

fn any_map<'a>(mut fields: impl Iterator<Item = &'a Arc<datafusion::arrow::datatypes::Field>>) -> bool {
    fields.any(|field| holds_map(field.data_type()))
}

/// Trino's refusal of an order of maps in `plan`'s node: its ORDER BY, an aggregate's ORDER BY,
/// and the values `min` and `max` compare (a window's ORDER BY is refused before the engine
/// types it, `windows::RANGE_FRAMES`).
fn refuse_orders(plan: &LogicalPlan) -> Result<()> {
    let schema = merge_schema(&plan.inputs());
    let kind = |e: &Expr| e.get_type(&schema).ok().filter(holds_map);
    if let LogicalPlan::Sort(sort) = plan {
        for key in &sort.expr {
            if let Some(kind) = kind(&key.expr) {
                let written = match &key.expr {
                    Expr::Column(column) => column.name.clone(),
                    expr => expr.schema_name().to_string(),
                };
                let kind = trino_type(&kind);
                return plan_err!(
                    "TYPE_MISMATCH: Type {kind} is not orderable, and therefore cannot be used in ORDER BY: {written}"
                );
            }
        }
    }
    plan.apply_expressions(|expr| {
        expr.apply(|e| {
            if let Expr::AggregateFunction(AggregateFunction { func, params }) = e {
                let name = func.name();
                if matches!(name, "min" | "max") && params.args.first().and_then(kind).is_some() {
                    let types: Vec<DataType> =
                        params.args.iter().map(|a| a.get_type(&schema).unwrap_or(DataType::Null)).collect();
                    return type_mismatch(
                        name,
                        &types,
                        &format!("{name}(t) T:orderable, {name}(e, bigint) E:orderable"),
                    );
                }
                // (`max_by(x, m)` and `min_by`, which `aggregates` writes as an order of the
                // values, are refused so too.)
                if let Some(kind) = params.order_by.iter().find_map(|key| kind(&key.expr)) {
                    let kind = trino_type(&kind);
                    return plan_err!(
                        "TYPE_MISMATCH: ORDER BY can only be applied to orderable types (actual: {kind})"
                    );
                }
            }
            Ok(TreeNodeRecursion::Continue)
        })
    })?;
    Ok(())
}

/// The expressions that compare values whole, read with their maps sorted: a PARTITION BY, an
/// aggregate's DISTINCT values, IS [NOT] DISTINCT FROM, and IN (subquery).
fn read_as_sets(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let of_map = |e: &Expr| e.get_type(schema).is_ok_and(|kind| holds_map(&kind));
    Ok(match expr {
        Expr::WindowFunction(window)
            if window.params.partition_by.iter().any(of_map)
                || (window.params.distinct && window.params.args.iter().any(of_map)) =>
        {
            let WindowFunction { fun, mut params } = *window;
            params.partition_by = params.partition_by.into_iter().map(|e| sorted_if_map(e, schema)).collect();
            if params.distinct {
                params.args = params.args.into_iter().map(|e| sorted_if_map(e, schema)).collect();
            }
            Transformed::yes(Expr::WindowFunction(Box::new(WindowFunction { fun, params })))
        }
        Expr::AggregateFunction(AggregateFunction { func, mut params })
            if params.distinct && params.args.iter().any(of_map) =>
        {
            params.args = params.args.into_iter().map(|e| sorted_if_map(e, schema)).collect();
            Transformed::yes(Expr::AggregateFunction(AggregateFunction { func, params }))
        }
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: op @ (Operator::IsDistinctFrom | Operator::IsNotDistinctFrom),
            right,
        }) if of_map(&left) && of_map(&right) => {
            Transformed::yes(Expr::BinaryExpr(BinaryExpr::new(Box::new(sorted(*left)), op, Box::new(sorted(*right)))))
        }
        Expr::InSubquery(InSubquery { expr, subquery, negated }) if of_map(&expr) => {
            let plan = subquery.subquery.as_ref();
            let columns = plan.schema().columns().into_iter().map(|c| sorted(Expr::Column(c)));
            let projected = Projection::try_new(columns.collect(), subquery.subquery.clone())?;
            let subquery = Subquery { subquery: Arc::new(LogicalPlan::Projection(projected)), ..subquery };
            Transformed::yes(Expr::InSubquery(InSubquery::new(Box::new(sorted(*expr)), subquery, negated)))
        }
        expr => Transformed::no(expr),
    })
}

/// Whether a key of `aggregate`'s groups holds a map.
fn groups_of_maps(aggregate: &Aggregate) -> Result<bool> {
    let schema = aggregate.input.schema();
    Ok(grouping_set_to_exprlist(&aggregate.group_expr)?
        .into_iter()
        .any(|key| key.get_type(schema).is_ok_and(|kind| holds_map(&kind))))
}

/// `aggregate` grouped by its keys with their maps sorted, each key that holds a map answered as
/// the first of its group's values (NULL where its sorted value is: a NULL, or a grouping set
/// without it).
fn grouped(aggregate: Aggregate) -> Result<LogicalPlan> {
    let Aggregate { input, group_expr, aggr_expr, schema, .. } = aggregate;
    let keys: Vec<Expr> = grouping_set_to_exprlist(&group_expr)?.into_iter().cloned().collect();
    let of_maps: Vec<bool> =
        keys.iter().map(|key| key.get_type(input.schema()).is_ok_and(|kind| holds_map(&kind))).collect();
    let sort = |key: &Expr| match keys.iter().position(|k| k == key) {
        Some(i) if of_maps[i] => sorted(key.clone()),
        _ => key.clone(),
    };
    let sort_all = |keys: &[Expr]| keys.iter().map(sort).collect::<Vec<_>>();
    let group_expr = group_expr
        .iter()
        .map(|expr| match expr {
            Expr::GroupingSet(GroupingSet::Rollup(keys)) => Expr::GroupingSet(GroupingSet::Rollup(sort_all(keys))),
            Expr::GroupingSet(GroupingSet::Cube(keys)) => Expr::GroupingSet(GroupingSet::Cube(sort_all(keys))),
            Expr::GroupingSet(GroupingSet::GroupingSets(sets)) => {
                Expr::GroupingSet(GroupingSet::GroupingSets(sets.iter().map(|set| sort_all(set)).collect()))
            }
            key => sort(key),
        })
        .collect();
    // The first value of each key of maps, after the aggregates.
    let firsts = keys.iter().zip(&of_maps).filter(|(_, of_map)| **of_map).enumerate();
    let firsts: Vec<Expr> =
        firsts.map(|(i, (key, _))| first_value(key.clone(), vec![]).alias(format!("$first_map{i}"))).collect();
    let width = schema.fields().len();
    let mut aggregates = aggr_expr;
    aggregates.extend(firsts);
    let regrouped = Aggregate::try_new(input, group_expr, aggregates)?;
    let new = regrouped.schema.clone();
    let column = |i: usize| Expr::Column(Column::from(new.qualified_field(i)));
    let mut first = width;
    let answers = (0..width).map(|i| {
        let (qualifier, field) = schema.qualified_field(i);
        if i < keys.len() && of_maps[i] {
            let key = column(i);
            let null = Expr::Literal(ScalarValue::try_from(field.data_type())?, None);
            let answer = when(key.is_null(), null).otherwise(column(first))?;
            first += 1;
            Ok(answer.alias_qualified(qualifier.cloned(), field.name()))
        } else {
            Ok(column(i).alias_qualified(qualifier.cloned(), field.name()))
        }
    });
    let answers = answers.collect::<Result<Vec<_>>>()?;
    Ok(LogicalPlan::Projection(Projection::try_new(answers, Arc::new(LogicalPlan::Aggregate(regrouped)))?))
}

/// `join` on its keys with their maps sorted.
fn keyed(join: Join) -> Result<Transformed<LogicalPlan>> {
    let (left, right) = (join.left.schema(), join.right.schema());
    let of_map = |(l, _): &(Expr, Expr)| l.get_type(left).is_ok_and(|kind| holds_map(&kind));
    if !join.on.iter().any(of_map) {
        return Ok(Transformed::no(LogicalPlan::Join(join)));
    }
    let on = join.on.iter().map(|(l, r)| (sorted_if_map(l.clone(), left), sorted_if_map(r.clone(), right))).collect();
    let joined = Join::try_new(
        join.left,
        join.right,
        on,
        join.filter,
        join.join_type,
        JoinConstraint::On,
        join.null_equality,
        join.null_aware,
    )?;
    Ok(Transformed::yes(LogicalPlan::Join(joined)))
}
