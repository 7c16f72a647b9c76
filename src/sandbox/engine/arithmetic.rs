//! Trino's whole-number arithmetic: a sum, difference or product that does not fit its type
//! fails the query (`NUMERIC_VALUE_OUT_OF_RANGE: bigint addition overflow: 9223372036854775807 +
//! 1`), where the engine's wrapped around to a wrong answer (-9223372036854775808).
//! `EXACT_ARITHMETIC`, once the engine has typed the query, writes each `+`, `-` and `*` of two
//! whole numbers of one type as `"$exact"(a, b, '+')` (`EXACT`), which answers as the engine's
//! operator does until a row overflows. Inside `TRY` that row is NULL.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::compute::kernels::numeric::{add, mul, sub};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{exec_err, DFSchema, DataFusionError, Result};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::{lit, BinaryExpr, Expr, ExprSchemable, Operator, ScalarUDF};

use super::rules::ExpressionRule;
use super::udf::{Call, Trino};

pub const EXACT_ARITHMETIC: ExpressionRule = ExpressionRule { name: "trino_exact_arithmetic", rewrite: exact };

/// The engine's name for a sum, difference or product that fails when it does not fit.
const EXACT: &str = "$exact";

/// `$exact`, made once for every operator the rule rewrites.
static EXACT_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Trino::udf(EXACT, exact_type, exact_answers)));

pub fn functions() -> Vec<ScalarUDF> {
    vec![EXACT_UDF.as_ref().clone()]
}

/// `a + b`, `a - b`, `a * b` of two whole numbers of one type → `"$exact"(a, b, 'op')`.
fn exact(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let Expr::BinaryExpr(BinaryExpr { left, op, right }) = &expr else { return Ok(Transformed::no(expr)) };
    let Some(sign) = sign(op) else { return Ok(Transformed::no(expr)) };
    // A value whose type cannot be found here (a scan's own filters) is left as it is.
    match (value_type(left, schema), value_type(right, schema)) {
        (Ok(a), Ok(b)) if a == b && range(&a).is_some() => {
            let args = vec![left.as_ref().clone(), right.as_ref().clone(), lit(sign)];
            Ok(Transformed::yes(Expr::ScalarFunction(ScalarFunction::new_udf(Arc::clone(&EXACT_UDF), args))))
        }
        _ => Ok(Transformed::no(expr)),
    }
}

/// `value`'s type. That of `"$exact"(a, b, op)` is `a`'s: read so, down a chain of them, rather
/// than by the engine, which names each call whole on the way (a long chain took seconds).
fn value_type(value: &Expr, schema: &DFSchema) -> Result<DataType> {
    match value {
        Expr::ScalarFunction(ScalarFunction { func, args }) if func.name() == EXACT && !args.is_empty() => {
            value_type(&args[0], schema)
        }
        _ => value.get_type(schema),
    }
}

fn sign(op: &Operator) -> Option<&'static str> {
    match op {
        Operator::Plus => Some("+"),
        Operator::Minus => Some("-"),
        Operator::Multiply => Some("*"),
        _ => None,
    }
}

/// The values a whole-number type holds, and its name in Trino.
fn range(kind: &DataType) -> Option<(i128, i128, &'static str)> {
    Some(match kind {
        DataType::Int8 => (i8::MIN.into(), i8::MAX.into(), "tinyint"),
        DataType::Int16 => (i16::MIN.into(), i16::MAX.into(), "smallint"),
        DataType::Int32 => (i32::MIN.into(), i32::MAX.into(), "integer"),
        DataType::Int64 => (i64::MIN.into(), i64::MAX.into(), "bigint"),
        _ => return None,
    })
}

fn exact_type(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b, _] if a == b && range(a).is_some() => Ok(a.clone()),
        _ => call.mismatch("$exact(T, T, varchar), T a whole number"),
    }
}

/// The engine's checked operator; where it fails, Trino's message for the first row that
/// overflows.
fn exact_answers(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let [a, b, sign] = args else { return exec_err!("$exact takes two numbers and an operator") };
    if a.is_empty() {
        return Ok(a.clone());
    }
    let sign = sign.as_string_opt::<i32>().filter(|s| !s.is_empty() && s.is_valid(0)).map(|s| s.value(0));
    let answer = match sign {
        Some("+") => add(a, b),
        Some("-") => sub(a, b),
        Some("*") => mul(a, b),
        _ => return exec_err!("$exact takes +, - or *"),
    };
    answer.or_else(|error| match first_overflow(a, b, sign.unwrap_or_default(), kind)? {
        Some(message) => exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: {message}"),
        None => Err(DataFusionError::ArrowError(Box::new(error), None)),
    })
}

/// "bigint addition overflow: 9223372036854775807 + 1" for the first row of `a sign b` that
/// does not fit `kind`.
fn first_overflow(a: &ArrayRef, b: &ArrayRef, sign: &str, kind: &DataType) -> Result<Option<String>> {
    let Some((least, most, name)) = range(kind) else { return Ok(None) };
    let (a, b) = (cast(a, &DataType::Int64)?, cast(b, &DataType::Int64)?);
    let (a, b) = (a.as_primitive::<Int64Type>(), b.as_primitive::<Int64Type>());
    let word = match sign {
        "+" => "addition",
        "-" => "subtraction",
        _ => "multiplication",
    };
    for i in (0..a.len()).filter(|&i| a.is_valid(i) && b.is_valid(i)) {
        let (x, y) = (i128::from(a.value(i)), i128::from(b.value(i)));
        let exact = match sign {
            "+" => x + y,
            "-" => x - y,
            _ => x * y,
        };
        if exact < least || exact > most {
            return Ok(Some(format!("{name} {word} overflow: {x} {sign} {y}")));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Int32Array, Int64Array, StringArray};
    use proptest::prelude::*;

    use super::*;

    fn answer(a: ArrayRef, b: ArrayRef, sign: &str) -> Result<ArrayRef> {
        let kind = a.data_type().clone();
        let signs: ArrayRef = Arc::new(StringArray::from(vec![sign; a.len()]));
        exact_answers(&[a, b, signs], &kind)
    }

    #[test]
    fn the_first_row_that_overflows_is_named_in_trinos_words() {
        let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(i32::MAX), Some(i32::MIN)]));
        let b: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), Some(5), Some(1), Some(1)]));
        let error = answer(a.clone(), b.clone(), "+").unwrap_err().to_string();
        assert!(error.contains("NUMERIC_VALUE_OUT_OF_RANGE: integer addition overflow: 2147483647 + 1"), "{error}");
        let error = answer(b, a, "-").unwrap_err().to_string();
        assert!(error.contains("integer subtraction overflow: 1 - -2147483648"), "{error}");
        let empty: ArrayRef = Arc::new(Int64Array::from(Vec::<i64>::new()));
        assert_eq!(answer(empty.clone(), empty, "*").unwrap().len(), 0);
    }

    proptest! {
        #[test]
        fn a_sum_difference_or_product_is_exact_or_refused(x in any::<i64>(), y in any::<i64>(), sign in 0usize..3) {
            let sign = ["+", "-", "*"][sign];
            let exact = match sign {
                "+" => x.checked_add(y),
                "-" => x.checked_sub(y),
                _ => x.checked_mul(y),
            };
            let got = answer(Arc::new(Int64Array::from(vec![x])), Arc::new(Int64Array::from(vec![y])), sign);
            match exact {
                Some(value) => prop_assert_eq!(got.unwrap().as_primitive::<Int64Type>().value(0), value),
                None => {
                    let error = got.unwrap_err().to_string();
                    prop_assert!(error.contains(&format!("bigint {} overflow: {x} {sign} {y}", match sign {
                        "+" => "addition",
                        "-" => "subtraction",
                        _ => "multiplication",
                    })), "{}", error);
                }
            }
        }
    }
}
