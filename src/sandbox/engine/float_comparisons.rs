//! Reals and doubles compared as Trino compares them (`DoubleType`'s and `RealType`'s operators
//! are Java's `==`, `<` and `<=`): NaN is equal to nothing, itself included, and neither less nor
//! greater than any value, so `nan() = nan()`, `nan() > 0` and `1 < nan()` are false and
//! `nan() <> nan()` is true. The engine orders them in one total order, NaN above every number
//! and equal to itself, where each of those answered the other way; `x IN (…)` and BETWEEN, which
//! Trino reads as equalities and two comparisons, and `CASE x WHEN`, `nullif` and the fields of
//! rows with them (`row_comparisons`). -0.0 and 0.0 are equal to both, and IS DISTINCT FROM,
//! GROUP BY, DISTINCT and ORDER BY take NaN for one value in both.
//!
//! A comparison of two columns (or literals, or casts of them) is the engine's with a guard where
//! the two orders differ, written so that an unknown side leaves it unknown (`nan() = NULL` is
//! NULL, not false), so that an equality of two columns is still the key of a join; one with a
//! number written in the query is the engine's own; one of expressions is `"$compared"`, which
//! reads each side once (a guard would write each again, and a comparison nested in a side twice
//! again at each depth). An IN list is `"$in_floats"`, read once per row, where the engine's set
//! of constants kept -0.0 apart from 0.0.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::functions::math::expr_fn::isnan;
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::{
    binary_expr, lit, ColumnarValue, Expr, Operator, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};

use super::udf::{text, Call, Trino};

/// `"$compared"(a, b, op)`: `a op b` of two reals or doubles as Java compares them, each read
/// once: the form of a comparison whose sides are expressions, which the guarded form would
/// write twice (and a comparison nested in its side, twice again).
const COMPARED: &str = "$compared";

static COMPARED_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| {
    Arc::new(Trino::udf(
        COMPARED,
        |call: &Call| match call.types {
            [_, _, _] => Ok(DataType::Boolean),
            _ => call.mismatch("$compared(double, double, varchar)"),
        },
        compared_values,
    ))
});

/// `"$in_floats"(x, a, b, …)`: `x IN (a, b, …)` of reals or doubles as Trino reads it, the
/// equalities of Java (NaN in none, -0.0 in a list of 0.0), unknown where none holds and an item
/// is NULL; `x` read once, and constant items once for all rows.
static IN_FLOATS_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| {
    Arc::new(ScalarUDF::new_from_impl(InFloats { signature: Signature::variadic_any(Volatility::Immutable) }))
});

pub(super) fn functions() -> Vec<ScalarUDF> {
    vec![COMPARED_UDF.as_ref().clone(), IN_FLOATS_UDF.as_ref().clone()]
}

/// Whether `kind` is ordered by this module: a real or a double.
pub(super) fn is_float(kind: &DataType) -> bool {
    matches!(kind, DataType::Float32 | DataType::Float64)
}

/// `left op right` of two values of type `kind`, as Trino compares them: the engine's comparison,
/// and for reals and doubles the guard that makes a NaN on either side compare as Java's does,
/// or `"$compared"` where the guard would write a side that is an expression again.
pub(super) fn compared(left: Expr, op: Operator, right: Expr, kind: &DataType) -> Expr {
    if !is_float(kind) {
        return binary_expr(left, op, right);
    }
    // Where the engine's answer is true and Java's false: of `=`, both NaN; of `>` and `>=`, a NaN
    // on the left; of `<` and `<=`, a NaN on the right. The other side's being NULL keeps the
    // answer NULL.
    let (nan, other) = match op {
        Operator::Eq | Operator::Gt | Operator::GtEq => (&left, &right),
        Operator::Lt | Operator::LtEq => (&right, &left),
        // Trino's `<>` is the negation of its `=`.
        Operator::NotEq => return Expr::Not(Box::new(compared(left, Operator::Eq, right, kind))),
        _ => return binary_expr(left, op, right),
    };
    // A number written in the query is no NaN: the engine's answer is Java's.
    if is_number(nan) || (op == Operator::Eq && is_number(other)) {
        return binary_expr(left, op, right);
    }
    if is_plain(nan) && is_plain(other) {
        let guard = Expr::Not(Box::new(isnan(nan.clone()))).or(other.clone().is_null());
        return binary_expr(left, op, right).and(guard);
    }
    let op = lit(op.to_string());
    Expr::ScalarFunction(ScalarFunction::new_udf(Arc::clone(&COMPARED_UDF), vec![left, right, op]))
}

/// `value IN (list)` of reals or doubles, as Trino reads it (`"$in_floats"`).
pub(super) fn in_list(value: Expr, list: Vec<Expr>) -> Expr {
    let args = std::iter::once(value).chain(list).collect();
    Expr::ScalarFunction(ScalarFunction::new_udf(Arc::clone(&IN_FLOATS_UDF), args))
}

/// A number written in the query, not NaN nor NULL.
fn is_number(expr: &Expr) -> bool {
    match expr {
        Expr::Literal(ScalarValue::Float64(Some(v)), _) => !v.is_nan(),
        Expr::Literal(ScalarValue::Float32(Some(v)), _) => !v.is_nan(),
        Expr::Literal(value, _) => !value.is_null() && value.data_type().is_numeric() && !is_float(&value.data_type()),
        Expr::Cast(cast) => is_number(&cast.expr),
        _ => false,
    }
}

/// A value read as it is, which costs nothing to write twice: a column, a literal, a cast of one.
fn is_plain(expr: &Expr) -> bool {
    match expr {
        Expr::Column(_) | Expr::OuterReferenceColumn(..) | Expr::Literal(..) => true,
        Expr::Cast(cast) => is_plain(&cast.expr),
        Expr::TryCast(cast) => is_plain(&cast.expr),
        Expr::Negative(inner) => is_plain(inner),
        _ => false,
    }
}

/// Each `a op b` of `"$compared"`, NULL where a side is.
fn compared_values(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (a, b) = (cast(&args[0], &DataType::Float64)?, cast(&args[1], &DataType::Float64)?);
    let (a, b, ops) = (a.as_primitive::<Float64Type>(), b.as_primitive::<Float64Type>(), text(args, 2)?);
    let answers = (0..a.len()).map(|row| {
        if a.is_null(row) || b.is_null(row) {
            return Ok(None);
        }
        let (a, b) = (a.value(row), b.value(row));
        Ok(Some(match ops.value(row) {
            "=" => a == b,
            "!=" => a != b,
            "<" => a < b,
            "<=" => a <= b,
            ">" => a > b,
            ">=" => a >= b,
            op => return exec_err!("$compared has no operator {op}"),
        }))
    });
    Ok(Arc::new(answers.collect::<Result<BooleanArray>>()?))
}

/// `"$in_floats"`: reads each argument once, a constant one once for all rows.
#[derive(Debug, PartialEq, Eq, Hash)]
struct InFloats {
    signature: Signature,
}

/// One argument of `"$in_floats"`: a constant, or a value per row.
enum Side {
    Constant(Option<f64>),
    Rows(ArrayRef),
}

impl Side {
    fn of(value: &ColumnarValue) -> Result<Side> {
        Ok(match value {
            ColumnarValue::Scalar(scalar) => match scalar.cast_to(&DataType::Float64)? {
                ScalarValue::Float64(v) => Side::Constant(v),
                _ => Side::Constant(None),
            },
            ColumnarValue::Array(array) => Side::Rows(cast(array, &DataType::Float64)?),
        })
    }

    fn at(&self, row: usize) -> Option<f64> {
        match self {
            Side::Constant(v) => *v,
            Side::Rows(array) => {
                let values = array.as_primitive::<Float64Type>();
                values.is_valid(row).then(|| values.value(row))
            }
        }
    }
}

impl ScalarUDFImpl for InFloats {
    fn name(&self) -> &str {
        "$in_floats"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let sides = args.args.iter().map(Side::of).collect::<Result<Vec<_>>>()?;
        let Some((value, items)) = sides.split_first() else { return exec_err!("$in_floats takes a value") };
        let answers: BooleanArray = (0..args.number_rows)
            .map(|row| {
                let value = value.at(row)?;
                let mut unknown = false;
                for item in items {
                    match item.at(row) {
                        Some(item) if item == value => return Some(true),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(false)
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(answers)))
    }
}
