//! `lag` and `lead` whose default is read from the row (`lead(x, 1, x)`), which Trino answers
//! and DataFusion refuses ("There is only support Literal types for field at idx: 2"). On the
//! syntax tree, `lead(x, n, d) OVER w` is
//! `CASE WHEN lead(0, n) OVER w IS NULL THEN d ELSE lead(x, n) OVER w END`: the marker `0` is
//! NULL only where the row `n` away is past the window's rows, where Trino's answer is the
//! default. Under IGNORE NULLS the marker counts only the rows whose `x` is not NULL, as `x`
//! does. A constant default stays the engine's (`one_type` reads it as one type with `x`), so
//! does one of constants alone (`-1`, `CAST('a' AS varchar)`).

use std::ops::ControlFlow;

use datafusion::common::{exec_err, plan_err};
use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, NullTreatment, UnaryOperator, Value,
};
use datafusion::logical_expr::ScalarUDF;

use super::sql::{call, case_when, is_call, plain_arguments};
use super::udf::Trino;

/// `function`, a `lag` or `lead` over a window, as the engine answers it as Trino does; None
/// for any other call, or one the engine answers so as written.
pub(super) fn rewrite(function: &ast::Function) -> Option<Expr> {
    if function.over.is_none() || !(is_call(function, "lag") || is_call(function, "lead")) {
        return None;
    }
    if let Some(answer) = by_offset(function) {
        return Some(answer);
    }
    with_default(function)
}

/// The engine's name for Trino's refusal of a negative offset, and the refusal.
const NEGATIVE_OFFSET: &str = "$negative_offset";
const OFFSET_REFUSED: &str = "INVALID_FUNCTION_ARGUMENT: Offset must be at least 0";

pub fn functions() -> Vec<ScalarUDF> {
    vec![Trino::udf(NEGATIVE_OFFSET, |_| plan_err!("{OFFSET_REFUSED}"), |_, _| exec_err!("{OFFSET_REFUSED}"))]
}

/// What Trino answers by a constant offset alone, where the engine answers otherwise: NULL
/// for a NULL offset (the engine read it as 0), and its refusal of a negative one (the engine
/// read `lag(x, -1)` as `lead(x, 1)`).
fn by_offset(function: &ast::Function) -> Option<Expr> {
    let args = plain_arguments(&function.args)?;
    let (value, mut offset) = (args.first()?, args.get(1)?);
    // `(-1)`, and a NULL cast to a number.
    loop {
        match offset {
            Expr::Nested(inner) => offset = inner,
            Expr::Cast { expr: inner, .. } if matches!(inner.as_ref(), Expr::Value(v) if v.value == Value::Null) => {
                offset = inner
            }
            _ => break,
        }
    }
    match offset {
        Expr::Value(v) if v.value == Value::Null => {
            Some(case_when(Expr::value(Value::Boolean(false)), value.clone(), None))
        }
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match expr.as_ref() {
            Expr::Value(v) if matches!(&v.value, Value::Number(n, _) if n.parse::<f64>().is_ok_and(|n| n != 0.0)) => {
                Some(call(NEGATIVE_OFFSET, vec![offset.clone()]))
            }
            _ => None,
        },
        _ => None,
    }
}

/// `function`, a `lag` or `lead` with a default that may vary, as the CASE of the module's note.
fn with_default(function: &ast::Function) -> Option<Expr> {
    let [value, offset, default] = <[Expr; 3]>::try_from(plain_arguments(&function.args)?).ok()?;
    if !may_vary(&default) {
        return None;
    }
    let with_args = |args: Vec<Expr>| {
        let mut call = function.clone();
        if let FunctionArguments::List(list) = &mut call.args {
            list.args = args.into_iter().map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e))).collect();
        }
        Expr::Function(call)
    };
    let zero = || Expr::value(Value::Number("0".into(), false));
    let skips_nulls = function.null_treatment == Some(NullTreatment::IgnoreNulls);
    // Skipping NULLs, `CASE WHEN x IS NOT NULL THEN 0 END`: NULL where `x` is, so skipped as `x` is.
    let marker = if skips_nulls { case_when(Expr::IsNotNull(Box::new(value.clone())), zero(), None) } else { zero() };
    let mut past_the_rows = Expr::IsNull(Box::new(with_args(vec![marker, offset.clone()])));
    // Skipping NULLs, an offset of 0 is the row itself, whatever its value (Trino's LagFunction).
    if skips_nulls {
        let moves =
            Expr::BinaryOp { left: Box::new(offset.clone()), op: BinaryOperator::NotEq, right: Box::new(zero()) };
        past_the_rows =
            Expr::BinaryOp { left: Box::new(moves), op: BinaryOperator::And, right: Box::new(past_the_rows) };
    }
    Some(case_when(past_the_rows, default, Some(with_args(vec![value, offset]))))
}

/// Whether `expr` may be other than a constant the engine folds before it runs the window: it
/// reads a column, calls a function (an aggregate, `count(*)`, among them) or a subquery.
/// (The CASE answers a constant alike, at the cost of a second window.)
fn may_vary(expr: &Expr) -> bool {
    ast::visit_expressions(expr, |e| match e {
        Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::Function(_)
        | Expr::Subquery(_)
        | Expr::Exists { .. }
        | Expr::InSubquery { .. } => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}
