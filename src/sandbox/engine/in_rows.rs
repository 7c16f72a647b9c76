//! `x IN (subquery)`, `x = ANY (subquery)` and their negations outside a WHERE clause, answered
//! by a set of the subquery's values, as Trino's semi join answers them.
//!
//! `quantified` writes such a predicate in a SELECT list as `any_match(rows, "$i" -> x = "$i")`
//! over the subquery's gathered rows, which the engine plans anywhere, but which compared every
//! outer row with every value: `count_if(user_id IN (SELECT user_id FROM events WHERE country =
//! 'FR')) FROM events` took 19 s in a debug build. Once the engine has typed it, a comparison of
//! values a set can hold (numbers, text, dates, times, timestamps, booleans, bytes) is
//! `"$in_rows"(x, rows)`: the subquery's values put in a set once for the query (for each outer
//! row, where the subquery is correlated: each has rows of its own), each `x` looked up in it.
//!
//! Its answers are the semi join's: true where a value equals `x`; else NULL where `x` is NULL
//! and there are rows, or a value is NULL; else false (false for no rows). Reals and doubles are
//! found as in Trino's set (its `IS DISTINCT FROM` and hash): NaN finds NaN and -0.0 finds 0.0,
//! as `x IN (subquery)` already did in a WHERE clause, where `nan() = nan()` alone is false.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type};
use datafusion::arrow::row::{RowConverter, SortField};
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{exec_err, plan_err, DFSchema, DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::expr::{HigherOrderFunction, Lambda, ScalarFunction};
use datafusion::logical_expr::{
    BinaryExpr, Cast, ColumnarValue, Expr, ExprSchemable, Operator, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature, Volatility,
};

use super::quantified::{IN_VALUE, ROW_VALUE};
use super::rules::ExpressionRule;
use super::udf::is_text;

const IN_ROWS: &str = "$in_rows";

/// `any_match(coalesce(rows, make_array()), v -> x = v)`, as `quantified` writes IN and `= ANY`
/// of a subquery, as `"$in_rows"(x, rows)` where a set can hold the values.
pub const IN_ROWS_SET: ExpressionRule = ExpressionRule { name: "trino_in_rows", rewrite: in_rows };

fn in_rows(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    match set_form(&expr, schema) {
        Some(form) => Ok(Transformed::yes(form)),
        None => Ok(Transformed::no(expr)),
    }
}

fn set_form(expr: &Expr, schema: &DFSchema) -> Option<Expr> {
    let Expr::HigherOrderFunction(HigherOrderFunction { func, args }) = expr else { return None };
    let [rows, Expr::Lambda(Lambda { params, body })] = args.as_slice() else { return None };
    // The engine's own names, never a query's: a query's `any_match` keeps Trino's `=`.
    let [param] = params.as_slice() else { return None };
    if func.name() != "array_any_match" || (param != IN_VALUE && param != ROW_VALUE) {
        return None;
    }
    let Expr::BinaryExpr(BinaryExpr { left, op: Operator::Eq, right }) = body.as_ref() else { return None };
    let (value, element) = if reads(left, param) { (right, left) } else { (left, right) };
    if reads(value, param) {
        return None;
    }
    let rows = gathered(rows)?;
    let DataType::List(field) = rows.get_type(schema).ok()? else { return None };
    let kind = value.get_type(schema).ok()?;
    let as_found = match element.as_ref() {
        Expr::LambdaVariable(v) if v.name == *param => field.data_type() == &kind,
        Expr::Cast(Cast { expr, field: to }) => {
            matches!(expr.as_ref(), Expr::LambdaVariable(v) if v.name == *param)
                && to.data_type() == &kind
                && plainly_cast(field.data_type(), &kind)
        }
        _ => false,
    };
    // A function of its own for each predicate, which keeps its set while its query runs.
    let in_rows = Arc::new(ScalarUDF::new_from_impl(InRows::default()));
    (as_found && held(&kind))
        .then(|| Expr::ScalarFunction(ScalarFunction::new_udf(in_rows, vec![value.as_ref().clone(), rows])))
}

/// Whether `expr` reads the lambda's parameter `name`.
fn reads(expr: &Expr, name: &str) -> bool {
    expr.exists(|e| Ok(matches!(e, Expr::LambdaVariable(v) if v.name == name))).unwrap_or(true)
}

/// The rows of `coalesce(rows, make_array())` (no rows at all are none, which `"$in_rows"`
/// reads as NULL): the subquery stays one value a batch, where the coalesce made a copy of its
/// rows for each row.
fn gathered(rows: &Expr) -> Option<Expr> {
    let Expr::ScalarFunction(ScalarFunction { func, args }) = rows else { return None };
    let [rows, empty] = args.as_slice() else { return None };
    // The empty array, cast to the rows' type.
    let empty = match empty {
        Expr::Cast(Cast { expr, .. }) => expr.as_ref(),
        empty => empty,
    };
    let empty = matches!(empty, Expr::ScalarFunction(f) if f.func.name() == "make_array" && f.args.is_empty());
    (func.name() == "coalesce" && empty).then(|| rows.clone())
}

/// The types a set holds as they are: none of a value's parts compares otherwise than its bytes
/// (an interval, a row, an array or a map does).
fn held(kind: &DataType) -> bool {
    use DataType::*;
    match kind {
        Interval(_) | Float16 => false,
        Boolean | Utf8 | LargeUtf8 | Utf8View | Binary | LargeBinary | BinaryView | FixedSizeBinary(_) => true,
        _ => kind.is_primitive(),
    }
}

/// A cast the engine leaves to Arrow's (the rules rewrite those of zones and text): a number to
/// a number, text to text, a date to a timestamp without a zone.
fn plainly_cast(from: &DataType, to: &DataType) -> bool {
    (from.is_numeric() && to.is_numeric())
        || (is_text(from) && is_text(to))
        || (matches!(from, DataType::Date32) && matches!(to, DataType::Timestamp(_, None)))
}

/// `"$in_rows"(x, rows)`, with the set of the last rows it was given: the rows of an uncorrelated
/// subquery are one value, handed to each batch of the outer rows alike, so that its set is
/// built once (a set of 313,000 values took 19 s when built for each of 49 batches).
#[derive(Debug)]
struct InRows {
    signature: Signature,
    last: Mutex<Option<(ScalarValue, Arc<Found>)>>,
}

impl Default for InRows {
    fn default() -> Self {
        InRows { signature: Signature::any(2, Volatility::Immutable), last: Mutex::new(None) }
    }
}

impl PartialEq for InRows {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for InRows {}

impl std::hash::Hash for InRows {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        IN_ROWS.hash(state);
    }
}

impl InRows {
    /// The set of `rows`, built once for the same rows.
    fn found(&self, rows: &ScalarValue, kind: &DataType) -> Result<Arc<Found>> {
        let mut last = self.last.lock().map_err(|_| DataFusionError::Execution(format!("{IN_ROWS} is unusable")))?;
        if let Some((seen, found)) = last.as_ref() {
            let same = match (seen, rows) {
                (ScalarValue::List(a), ScalarValue::List(b)) => Arc::ptr_eq(a, b) || a == b,
                _ => seen == rows,
            };
            if same {
                return Ok(Arc::clone(found));
            }
        }
        let values = rows.to_array_of_size(1)?;
        let found = Arc::new(Found::of(list_at(&values, 0)?, kind)?);
        *last = Some((rows.clone(), Arc::clone(&found)));
        Ok(found)
    }
}

impl ScalarUDFImpl for InRows {
    fn name(&self) -> &str {
        IN_ROWS
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [value, rows] = args.args.as_slice() else { return exec_err!("{IN_ROWS} takes a value and rows") };
        let values = value.to_array(args.number_rows)?;
        let kind = values.data_type().clone();
        let answers: BooleanArray = match rows {
            // Uncorrelated: one set for the whole batch.
            ColumnarValue::Scalar(rows) => self.found(rows, &kind)?.answers(&values)?,
            // Correlated: each row's own.
            ColumnarValue::Array(rows) => {
                let mut answers = Vec::with_capacity(values.len());
                for i in 0..values.len() {
                    let found = Found::of(list_at(rows, i)?, &kind)?;
                    answers.push(found.answers(&values.slice(i, 1))?.iter().next().flatten());
                }
                BooleanArray::from(answers)
            }
        };
        Ok(ColumnarValue::Array(Arc::new(answers)))
    }
}

/// The values of row `i` of a list; none where the list is NULL (no rows).
fn list_at(rows: &ArrayRef, i: usize) -> Result<Option<ArrayRef>> {
    let Some(list) = rows.as_list_opt::<i32>() else { return plan_err!("{IN_ROWS} takes a list of rows") };
    Ok(list.is_valid(i).then(|| list.value(i)))
}

/// The subquery's values as a set of their row encodings, and whether one was NULL.
#[derive(Debug)]
struct Found {
    converter: RowConverter,
    keys: HashSet<Box<[u8]>>,
    rows: usize,
    null_among: bool,
}

impl Found {
    fn of(values: Option<ArrayRef>, kind: &DataType) -> Result<Found> {
        let converter = RowConverter::new(vec![SortField::new(kind.clone())])?;
        let Some(values) = values else {
            return Ok(Found { converter, keys: HashSet::new(), rows: 0, null_among: false });
        };
        let values = one_nan(cast(&values, kind)?);
        let encoded = converter.convert_columns(&[Arc::clone(&values)])?;
        let keys = (0..values.len()).filter(|&i| values.is_valid(i)).map(|i| encoded.row(i).as_ref().into()).collect();
        Ok(Found { converter, keys, rows: values.len(), null_among: values.null_count() > 0 })
    }

    /// `x IN (rows)` of each value.
    fn answers(&self, values: &ArrayRef) -> Result<BooleanArray> {
        let values = one_nan(Arc::clone(values));
        let encoded = self.converter.convert_columns(&[Arc::clone(&values)])?;
        Ok((0..values.len())
            .map(|i| match (self.rows, values.is_valid(i)) {
                (0, _) => Some(false),
                (_, false) => None,
                _ if self.keys.contains(encoded.row(i).as_ref()) => Some(true),
                _ if self.null_among => None,
                _ => Some(false),
            })
            .collect())
    }
}

/// Reals and doubles as Trino's set holds them: every NaN one value, -0.0 as 0.0.
fn one_nan(values: ArrayRef) -> ArrayRef {
    match values.data_type() {
        DataType::Float32 => Arc::new(values.as_primitive::<Float32Type>().unary::<_, Float32Type>(|v| {
            if v.is_nan() {
                f32::NAN
            } else {
                v + 0.0
            }
        })),
        DataType::Float64 => Arc::new(values.as_primitive::<Float64Type>().unary::<_, Float64Type>(|v| {
            if v.is_nan() {
                f64::NAN
            } else {
                v + 0.0
            }
        })),
        _ => values,
    }
}
