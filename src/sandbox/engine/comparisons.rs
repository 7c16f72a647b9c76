//! Trino's refusal to compare text with a number, a date, a time or a boolean (`COMPARISONS`,
//! before the engine types the query): DataFusion casts one side to the other's type, so
//! `WHERE year = 2026` over a text partition answered, where Athena fails it with
//! `TYPE_MISMATCH: Cannot apply operator: varchar = integer`. A rehearsal on the sandbox then
//! fails as the query would on AWS.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{plan_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::{Between, BinaryExpr, Expr, ExprSchemable, Operator};

use super::rules::ExpressionRule;
use super::types::trino_type;
use super::udf::is_text;

pub const COMPARISONS: ExpressionRule = ExpressionRule { name: "trino_comparisons", rewrite: refuse_mixed };

/// A comparison of text with another kind of value is refused; every other expression is left.
fn refuse_mixed(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    match &expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if is_comparison(op) => {
            if let Some((a, b)) = mixed(left, right, schema) {
                let op = trino_operator(op);
                return plan_err!("TYPE_MISMATCH: Cannot apply operator: {a} {op} {b}");
            }
        }
        Expr::Between(Between { expr: value, low, high, .. })
            if mixed(value, low, schema).or_else(|| mixed(value, high, schema)).is_some() =>
        {
            let [v, l, h] = [value, low, high].map(|e| type_name(e, schema).unwrap_or_default());
            return plan_err!("TYPE_MISMATCH: Cannot check if {v} is BETWEEN {l} and {h}");
        }
        _ => {}
    }
    Ok(Transformed::no(expr))
}

/// The operator Trino resolves a comparison to, which its message names: `<>` is `=` negated,
/// `>` is `<` and `>=` is `<=` (the operands kept in their order).
fn trino_operator(op: &Operator) -> &'static str {
    match op {
        Operator::Lt | Operator::Gt => "<",
        Operator::LtEq | Operator::GtEq => "<=",
        Operator::IsDistinctFrom | Operator::IsNotDistinctFrom => "IS DISTINCT FROM",
        _ => "=",
    }
}

fn is_comparison(op: &Operator) -> bool {
    use Operator::*;
    matches!(op, Eq | NotEq | Lt | LtEq | Gt | GtEq | IsDistinctFrom | IsNotDistinctFrom)
}

/// The Trino types of `a` and `b` when one is text and the other a value text is never compared
/// with; None otherwise (a NULL, or a type this rule does not know, is left to the engine).
fn mixed(a: &Expr, b: &Expr, schema: &DFSchema) -> Option<(String, String)> {
    let (Ok(ta), Ok(tb)) = (a.get_type(schema), b.get_type(schema)) else { return None };
    // A NULL is compared with anything.
    let text = |t: &DataType| is_text(t) && *t != DataType::Null;
    let other = |t: &DataType| {
        t.is_numeric()
            || t.is_temporal()
            || matches!(t, DataType::Boolean | DataType::Date32 | DataType::Date64 | DataType::Interval(_))
    };
    if (text(&ta) && other(&tb)) || (other(&ta) && text(&tb)) {
        return Some((type_name(a, schema)?, type_name(b, schema)?));
    }
    None
}

/// A value's type as Trino names it: a whole-number literal that fits is an `integer`, as in Trino.
fn type_name(value: &Expr, schema: &DFSchema) -> Option<String> {
    if let Expr::Literal(ScalarValue::Int64(Some(n)), _) = value {
        if i32::try_from(*n).is_ok() {
            return Some("integer".into());
        }
    }
    value.get_type(schema).ok().map(|t| trino_type(&t))
}
