//! Arrays and maps compared as Trino compares them (`ArrayType`'s and `MapType`'s operators),
//! where the engine compares them as wholes, a NULL element equal to a NULL element and the
//! smallest of values, and a map's entries in their order:
//! - `=` (`"$array_equal"(a, b)`): false when the lengths differ or a pair of elements differs,
//!   else NULL when a pair is unknown (a NULL element, or elements that are themselves unknown),
//!   else true. `ARRAY[1, NULL] = ARRAY[1, NULL]` is NULL, `ARRAY[1, NULL] = ARRAY[2, NULL]`
//!   false. Elements that are rows or arrays are compared by the same rules, a double's NaN
//!   equal to nothing and -0.0 to 0.0. Two maps are equal when each key of one is a key of the
//!   other, whatever their order, with an equal value (a NULL value unknown);
//! - `<`, `<=`, `>`, `>=` (`"$array_order"(a, b)`, then compared with 0): element by element up
//!   to the shorter's length, then by length; a NULL element reached before the answer is known
//!   fails as Trino fails (`ARRAY comparison not supported for arrays with null elements`; a
//!   row element's NULL field, `ROW comparison …`); doubles in Java's order (-0.0 before 0.0,
//!   NaN last). A map has no order: comparing one so is refused, as Trino refuses it.
//!
//! `row_comparisons` writes the comparisons so, once the engine has typed both sides as one.

use std::cmp::Ordering;
use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{
    make_comparator, Array, ArrayRef, AsArray, BooleanArray, GenericListArray, Int8Array, OffsetSizeTrait,
};
use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type};
use datafusion::common::{exec_err, plan_err, Result};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::{lit, BinaryExpr, Expr, Operator, ScalarUDF};

use super::map_identity;
use super::mixed_types::trino_operator;
use super::types::trino_type;
use super::udf::{Call, Trino};

const EQUAL: &str = "$array_equal";
const ORDER: &str = "$array_order";

/// Trino's messages when a NULL element, or a row's NULL field, decides an order.
const NULL_ELEMENT: &str = "NOT_SUPPORTED: ARRAY comparison not supported for arrays with null elements";
const NULL_FIELD: &str = "NOT_SUPPORTED: ROW comparison not supported for fields with null elements";

static EQUAL_UDF: LazyLock<Arc<ScalarUDF>> =
    LazyLock::new(|| Arc::new(Trino::udf(EQUAL, |call| answer_type(call, DataType::Boolean), equal_answers)));
static ORDER_UDF: LazyLock<Arc<ScalarUDF>> =
    LazyLock::new(|| Arc::new(Trino::udf(ORDER, |call| answer_type(call, DataType::Int8), order_answers)));

pub fn functions() -> Vec<ScalarUDF> {
    vec![EQUAL_UDF.as_ref().clone(), ORDER_UDF.as_ref().clone()]
}

/// Whether values of `kind` are compared here: arrays and maps whose elements (down through
/// arrays, maps and rows) the rules above know.
pub(super) fn compared_here(kind: &DataType) -> bool {
    matches!(kind, DataType::List(_) | DataType::LargeList(_) | DataType::Map(_, _)) && comparable(kind)
}

fn comparable(kind: &DataType) -> bool {
    match kind {
        DataType::List(item) | DataType::LargeList(item) | DataType::Map(item, _) => comparable(item.data_type()),
        DataType::Struct(fields) => fields.iter().all(|f| comparable(f.data_type())),
        DataType::Union(_, _) | DataType::Dictionary(_, _) | DataType::RunEndEncoded(_, _) => false,
        _ => true,
    }
}

/// `left op right` of two values of `kind` (`compared_here`), as Trino compares them; None for
/// another operator; Trino's refusal of an order of maps. An `=` of two relations' values (a
/// join's keys) keeps the engine's `=` beside Trino's, for the engine to join by it (hashed):
/// false where Trino's is NULL, which a join's condition and a filter read alike.
pub(super) fn comparison(left: Expr, op: Operator, right: Expr, kind: &DataType) -> Result<Option<Expr>> {
    let joins = reads_apart(&left, &right);
    // The engine hashes a map's entries in their order: joined by them sorted (`map_identity`).
    let hashed = |side: &Expr| match map_identity::holds_map(kind) {
        true => map_identity::sorted(side.clone()),
        false => side.clone(),
    };
    let engines = Expr::BinaryExpr(BinaryExpr::new(Box::new(hashed(&left)), Operator::Eq, Box::new(hashed(&right))));
    let call = |udf: &Arc<ScalarUDF>| Expr::ScalarFunction(ScalarFunction::new_udf(udf.clone(), vec![left, right]));
    Ok(match op {
        Operator::Eq if joins => Some(engines.and(call(&EQUAL_UDF))),
        Operator::Eq => Some(call(&EQUAL_UDF)),
        Operator::NotEq => Some(Expr::Not(Box::new(call(&EQUAL_UDF)))),
        Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq if map_identity::holds_map(kind) => {
            let (kind, op) = (trino_type(kind), trino_operator(&op));
            return plan_err!("TYPE_MISMATCH: Cannot apply operator: {kind} {op} {kind}");
        }
        Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq => {
            Some(Expr::BinaryExpr(BinaryExpr::new(Box::new(call(&ORDER_UDF)), op, Box::new(lit(0i8)))))
        }
        _ => None,
    })
}

/// Whether `left` and `right` each read columns, of different relations.
fn reads_apart(left: &Expr, right: &Expr) -> bool {
    let (l, r) = (left.column_refs(), right.column_refs());
    !l.is_empty() && !r.is_empty() && l.iter().all(|a| r.iter().all(|b| a.relation != b.relation))
}

fn answer_type(call: &Call, answer: DataType) -> Result<DataType> {
    match call.types {
        [a, b] if a.equals_datatype(b) && compared_here(a) => Ok(answer),
        _ => exec_err!("{} compares two arrays or maps of one type", call.name),
    }
}

fn equal_answers(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let [a, b] = args else { return exec_err!("{EQUAL} takes two arrays") };
    let equal = equality(a, b)?;
    Ok(Arc::new((0..a.len()).map(|i| equal(i, i)).collect::<BooleanArray>()))
}

fn order_answers(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let [a, b] = args else { return exec_err!("{ORDER} takes two arrays") };
    let order = ordering(a, b)?;
    let answers = (0..a.len())
        .map(|i| match a.is_null(i) || b.is_null(i) {
            true => Ok(None),
            false => order(i, i).map(|o| Some(o as i8)),
        })
        .collect::<Result<Int8Array>>()?;
    Ok(Arc::new(answers))
}

/// Trino's `=` of the value at `i` of one array and at `j` of another: None when unknown.
type Equality = Box<dyn Fn(usize, usize) -> Option<bool> + Send + Sync>;

/// Trino's order of the value at `i` of one array and at `j` of another, neither NULL.
pub(super) type Order = Box<dyn Fn(usize, usize) -> Result<Ordering> + Send + Sync>;

/// Pairs of places, each pair compared: false once one is, else None once one is unknown.
fn all_equal(pairs: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for pair in pairs {
        match pair {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    (!unknown).then_some(true)
}

fn equality(a: &ArrayRef, b: &ArrayRef) -> Result<Equality> {
    let values = values_equality(a, b)?;
    let (a, b) = (a.clone(), b.clone());
    Ok(Box::new(move |i, j| if null_at(&a, i) || null_at(&b, j) { None } else { values(i, j) }))
}

/// Whether the value at `i` is NULL (every value of an array of NULLs is).
fn null_at(array: &ArrayRef, i: usize) -> bool {
    array.data_type() == &DataType::Null || array.is_null(i)
}

/// The equality of two values neither of which is NULL.
fn values_equality(a: &ArrayRef, b: &ArrayRef) -> Result<Equality> {
    Ok(match (a.data_type(), b.data_type()) {
        (DataType::List(_), DataType::List(_)) => {
            lists_equality(a.as_list::<i32>().clone(), b.as_list::<i32>().clone())?
        }
        (DataType::LargeList(_), DataType::LargeList(_)) => {
            lists_equality(a.as_list::<i64>().clone(), b.as_list::<i64>().clone())?
        }
        (DataType::Struct(_), DataType::Struct(_)) => {
            let (x, y) = (a.as_struct(), b.as_struct());
            let fields =
                x.columns().iter().zip(y.columns()).map(|(x, y)| equality(x, y)).collect::<Result<Vec<_>>>()?;
            Box::new(move |i, j| all_equal(fields.iter().map(|field| field(i, j))))
        }
        (DataType::Map(_, _), DataType::Map(_, _)) => {
            let (x, y) = (a.as_map().clone(), b.as_map().clone());
            let (keys, values) = (equality(x.keys(), y.keys())?, equality(x.values(), y.values())?);
            Box::new(move |i, j| {
                let (xs, ys) = (span(x.value_offsets(), i), span(y.value_offsets(), j));
                if xs.len() != ys.len() {
                    return Some(false);
                }
                // Each key of one map, found among the other's (a key is never NULL), and its value.
                all_equal(xs.map(|k| match ys.clone().find(|&m| keys(k, m) == Some(true)) {
                    Some(m) => values(k, m),
                    None => Some(false),
                }))
            })
        }
        (DataType::Float64, DataType::Float64) => {
            let (x, y) = (a.as_primitive::<Float64Type>().clone(), b.as_primitive::<Float64Type>().clone());
            Box::new(move |i, j| Some(x.value(i) == y.value(j)))
        }
        (DataType::Float32, DataType::Float32) => {
            let (x, y) = (a.as_primitive::<Float32Type>().clone(), b.as_primitive::<Float32Type>().clone());
            Box::new(move |i, j| Some(x.value(i) == y.value(j)))
        }
        _ => {
            let compare = make_comparator(a.as_ref(), b.as_ref(), SortOptions::default())?;
            Box::new(move |i, j| Some(compare(i, j).is_eq()))
        }
    })
}

fn lists_equality<O: OffsetSizeTrait>(a: GenericListArray<O>, b: GenericListArray<O>) -> Result<Equality> {
    let elements = equality(a.values(), b.values())?;
    Ok(Box::new(move |i, j| {
        let (x, y) = (span(a.value_offsets(), i), span(b.value_offsets(), j));
        if x.len() != y.len() {
            return Some(false);
        }
        all_equal(x.zip(y).map(|(x, y)| elements(x, y)))
    }))
}

/// The places of the elements of list `i`.
fn span<O: OffsetSizeTrait>(offsets: &[O], i: usize) -> std::ops::Range<usize> {
    offsets[i].as_usize()..offsets[i + 1].as_usize()
}

/// The order of two values neither of which is NULL; elements that are fail (`NULL_ELEMENT`).
pub(super) fn ordering(a: &ArrayRef, b: &ArrayRef) -> Result<Order> {
    Ok(match (a.data_type(), b.data_type()) {
        (DataType::List(_), DataType::List(_)) => {
            lists_ordering(a.as_list::<i32>().clone(), b.as_list::<i32>().clone())?
        }
        (DataType::LargeList(_), DataType::LargeList(_)) => {
            lists_ordering(a.as_list::<i64>().clone(), b.as_list::<i64>().clone())?
        }
        (DataType::Struct(_), DataType::Struct(_)) => {
            let (x, y) = (a.as_struct(), b.as_struct());
            let columns: Vec<(ArrayRef, ArrayRef)> =
                x.columns().iter().cloned().zip(y.columns().iter().cloned()).collect();
            let fields = columns.iter().map(|(x, y)| ordering(x, y)).collect::<Result<Vec<_>>>()?;
            Box::new(move |i, j| {
                for ((x, y), field) in columns.iter().zip(&fields) {
                    if null_at(x, i) || null_at(y, j) {
                        return exec_err!("{NULL_FIELD}");
                    }
                    match field(i, j)? {
                        Ordering::Equal => {}
                        decided => return Ok(decided),
                    }
                }
                Ok(Ordering::Equal)
            })
        }
        (DataType::Float64, DataType::Float64) => {
            let (x, y) = (a.as_primitive::<Float64Type>().clone(), b.as_primitive::<Float64Type>().clone());
            Box::new(move |i, j| Ok(doubles(x.value(i), y.value(j))))
        }
        (DataType::Float32, DataType::Float32) => {
            let (x, y) = (a.as_primitive::<Float32Type>().clone(), b.as_primitive::<Float32Type>().clone());
            Box::new(move |i, j| Ok(doubles(f64::from(x.value(i)), f64::from(y.value(j)))))
        }
        _ => {
            let compare = make_comparator(a.as_ref(), b.as_ref(), SortOptions::default())?;
            Box::new(move |i, j| Ok(compare(i, j)))
        }
    })
}

fn lists_ordering<O: OffsetSizeTrait>(a: GenericListArray<O>, b: GenericListArray<O>) -> Result<Order> {
    let elements = ordering(a.values(), b.values())?;
    let (values_a, values_b) = (a.values().clone(), b.values().clone());
    Ok(Box::new(move |i, j| {
        let (x, y) = (span(a.value_offsets(), i), span(b.value_offsets(), j));
        let lengths = x.len().cmp(&y.len());
        for (x, y) in x.zip(y) {
            if null_at(&values_a, x) || null_at(&values_b, y) {
                return exec_err!("{NULL_ELEMENT}");
            }
            match elements(x, y)? {
                Ordering::Equal => {}
                decided => return Ok(decided),
            }
        }
        Ok(lengths)
    }))
}

/// Two doubles in Trino's order of array elements, Java's `Double.compare`: -0.0 before 0.0,
/// NaN after every number.
fn doubles(x: f64, y: f64) -> Ordering {
    match (x.is_nan(), y.is_nan()) {
        (false, false) => x.total_cmp(&y),
        (x, y) => x.cmp(&y),
    }
}
