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

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{exec_err, DFSchema, Result, ScalarValue};
use datafusion::functions::math::expr_fn::isnan;
use datafusion::logical_expr::expr::{BinaryExpr, ScalarFunction};
use datafusion::logical_expr::{
    binary_expr, lit, ColumnarValue, Expr, ExprSchemable, Operator, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature, Volatility,
};

use super::rules::ExpressionRule;
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

/// `"$equality_key"(x)`: a real or double as Java's `==` finds it equal: NULL where it is NaN
/// (equal to nothing), 0.0 where it is -0.0; the operand and the WHENs of `CASE x WHEN`, which
/// the engine's CASE then matches as Trino's, with `x` read once.
static EQUALITY_KEY_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| {
    Arc::new(Trino::udf(
        "$equality_key",
        |call: &Call| match call.types {
            [kind] => Ok(kind.clone()),
            _ => call.mismatch("$equality_key(double)"),
        },
        |args: &[ArrayRef], kind: &DataType| {
            let values = cast(&args[0], &DataType::Float64)?;
            let keys = values.as_primitive::<Float64Type>().iter().map(|v| v.filter(|v| !v.is_nan()).map(|v| v + 0.0));
            Ok(cast(&(Arc::new(keys.collect::<Float64Array>()) as ArrayRef), kind)?)
        },
    ))
});

/// `"$nullif"(a, b)`: `nullif(a, b)` of reals or doubles: NULL where `a == b` as Java has it, else
/// `a` as it is (-0.0 stays), `a` read once.
static NULLIF_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| {
    Arc::new(Trino::udf(
        "$nullif",
        |call: &Call| match call.types {
            [kind, _] => Ok(kind.clone()),
            _ => call.mismatch("$nullif(double, double)"),
        },
        |args: &[ArrayRef], kind: &DataType| {
            let (a, b) = (cast(&args[0], &DataType::Float64)?, cast(&args[1], &DataType::Float64)?);
            let (a, b) = (a.as_primitive::<Float64Type>(), b.as_primitive::<Float64Type>());
            let kept = (0..a.len()).map(|row| {
                let value = a.is_valid(row).then(|| a.value(row))?;
                (b.is_null(row) || b.value(row) != value).then_some(value)
            });
            Ok(cast(&(Arc::new(kept.collect::<Float64Array>()) as ArrayRef), kind)?)
        },
    ))
});

/// `"$between"(x, low, high)`: `x BETWEEN low AND high` of reals or doubles as Java compares them
/// (`low <= x AND x <= high`, unknown where a side is NULL and the other not false), `x` read once.
static BETWEEN_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| {
    Arc::new(Trino::udf(
        "$between",
        |call: &Call| match call.types {
            [_, _, _] => Ok(DataType::Boolean),
            _ => call.mismatch("$between(double, double, double)"),
        },
        between_values,
    ))
});

pub(super) fn functions() -> Vec<ScalarUDF> {
    [&COMPARED_UDF, &IN_FLOATS_UDF, &ONE_NAN_UDF, &EQUALITY_KEY_UDF, &NULLIF_UDF, &BETWEEN_UDF]
        .map(|udf| udf.as_ref().clone())
        .into()
}

/// `x` as Java's `==` finds it equal (`"$equality_key"`).
pub(super) fn equality_key(x: Expr) -> Expr {
    Expr::ScalarFunction(ScalarFunction::new_udf(Arc::clone(&EQUALITY_KEY_UDF), vec![x]))
}

/// `nullif(a, b)` of reals or doubles (`"$nullif"`).
pub(super) fn nullif(a: Expr, b: Expr) -> Expr {
    Expr::ScalarFunction(ScalarFunction::new_udf(Arc::clone(&NULLIF_UDF), vec![a, b]))
}

/// `value BETWEEN low AND high` of reals or doubles of type `kind`, as Trino reads it: two
/// comparisons where `value` is plain, else `"$between"`, which reads it once.
pub(super) fn between(value: Expr, low: Expr, high: Expr, kind: &DataType) -> Expr {
    if is_plain(&value) {
        return compared(value.clone(), Operator::GtEq, low, kind).and(compared(value, Operator::LtEq, high, kind));
    }
    Expr::ScalarFunction(ScalarFunction::new_udf(Arc::clone(&BETWEEN_UDF), vec![value, low, high]))
}

fn between_values(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let [x, low, high] = [0, 1, 2].map(|i| cast(&args[i], &DataType::Float64));
    let (x, low, high) = (x?, low?, high?);
    let (x, low, high) =
        (x.as_primitive::<Float64Type>(), low.as_primitive::<Float64Type>(), high.as_primitive::<Float64Type>());
    let at = |values: &Float64Array, row: usize| values.is_valid(row).then(|| values.value(row));
    let answers: BooleanArray = (0..x.len())
        .map(|row| {
            let value = at(x, row);
            let above = value.zip(at(low, row)).map(|(v, l)| l <= v);
            let below = value.zip(at(high, row)).map(|(v, h)| v <= h);
            match (above, below) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }
        })
        .collect();
    Ok(Arc::new(answers))
}

/// Every NaN one value, as Java's `doubleToLongBits` makes it for Trino's hashes, orders and
/// IS DISTINCT FROM: the NaN an arithmetic or a function makes (`0e0 / 0e0`, `sqrt(-1)`, `-nan()`)
/// has its sign bit set on this machine, which the engine's order put below every number and its
/// groups, DISTINCT and joins kept apart from `nan()`'s. Each such value of a real or a double is
/// `"$one_nan"(x)`, its NaN made `nan()`'s (-0.0 stays).
pub const ONE_NAN: ExpressionRule = ExpressionRule { name: "trino_one_nan", rewrite: one_nan };

const ONE_NAN_NAME: &str = "$one_nan";

static ONE_NAN_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| {
    Arc::new(Trino::udf(
        ONE_NAN_NAME,
        |call: &Call| match call.types {
            [kind] => Ok(kind.clone()),
            _ => call.mismatch("$one_nan(double)"),
        },
        one_nan_values,
    ))
});

/// The functions that make a NaN of numbers (`sqrt(-1)`, `cos(infinity())`); the others pass one
/// on as they were given it.
const NAN_MAKERS: &[&str] =
    &["sqrt", "ln", "log", "log2", "log10", "power", "pow", "acos", "asin", "cos", "sin", "tan", "from_ieee754_64"];

fn one_nan(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    // Read from the parts, each rewritten already, not from the whole (whose type the engine
    // reads from all its parts again: a chain of a thousand `+` read so took minutes to plan).
    let made = match &expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if op.is_numerical_operators() => {
            float_valued(left, schema) || float_valued(right, schema)
        }
        Expr::Negative(inner) => float_valued(inner, schema),
        Expr::ScalarFunction(function) => NAN_MAKERS.contains(&function.func.name()),
        _ => false,
    };
    if !made || !expr.get_type(schema).is_ok_and(|kind| is_float(&kind)) {
        return Ok(Transformed::no(expr));
    }
    Ok(Transformed::yes(Expr::ScalarFunction(ScalarFunction::new_udf(Arc::clone(&ONE_NAN_UDF), vec![expr]))))
}

/// Whether a part already rewritten by `one_nan` is a real or a double: an arithmetic of them is
/// `"$one_nan"` by now, so one that is not has none.
fn float_valued(part: &Expr, schema: &DFSchema) -> bool {
    match part {
        Expr::ScalarFunction(function) if function.func.name() == ONE_NAN_NAME => true,
        Expr::BinaryExpr(BinaryExpr { op, .. }) if op.is_numerical_operators() => false,
        Expr::Negative(_) => false,
        Expr::Cast(cast) => is_float(cast.field.data_type()),
        part => part.get_type(schema).is_ok_and(|kind| is_float(&kind)),
    }
}

fn one_nan_values(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    Ok(match kind {
        DataType::Float32 => {
            let values = args[0].as_primitive::<Float32Type>();
            Arc::new(values.unary::<_, Float32Type>(|v| if v.is_nan() { f32::NAN } else { v }))
        }
        _ => {
            let values = cast(&args[0], &DataType::Float64)?;
            let values = values.as_primitive::<Float64Type>();
            Arc::new(values.unary::<_, Float64Type>(|v| if v.is_nan() { f64::NAN } else { v }))
        }
    })
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

/// Whether two values are equal as Trino's `=` has them (its `EQUAL` operator, which `contains`
/// and `array_position` find an element by): reals and doubles as Java's `==` (NaN equal to
/// nothing, -0.0 to 0.0), the rest as they are.
pub(super) fn equal_values(a: &ScalarValue, b: &ScalarValue) -> bool {
    match (a, b) {
        (ScalarValue::Float64(Some(a)), ScalarValue::Float64(Some(b))) => a == b,
        (ScalarValue::Float32(Some(a)), ScalarValue::Float32(Some(b))) => a == b,
        _ => a == b,
    }
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
