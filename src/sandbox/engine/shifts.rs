//! `lag` and `lead` whose default is read from the row (`lead(x, 1, x)`), which Trino answers
//! and DataFusion refuses ("There is only support Literal types for field at idx: 2"). On the
//! syntax tree, `lead(x, n, d) OVER w` is
//! `CASE WHEN lead(0, n) OVER w IS NULL THEN d ELSE lead(x, n) OVER w END`: the marker `0` is
//! NULL only where the row `n` away is past the window's rows, where Trino's answer is the
//! default. Under IGNORE NULLS the marker counts only the rows whose `x` is not NULL, as `x`
//! does. A constant default stays the engine's (`one_type` reads it as one type with `x`).

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, helpers::attached_token::AttachedToken, CaseWhen, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    NullTreatment, Value,
};

use super::sql::{is_call, plain_arguments};

/// `function`, a `lag` or `lead` over a window with a default read from the row, as the CASE
/// above; None for any other call.
pub(super) fn rewrite(function: &ast::Function) -> Option<Expr> {
    if function.over.is_none() || !(is_call(function, "lag") || is_call(function, "lead")) {
        return None;
    }
    let [value, offset, default] = <[Expr; 3]>::try_from(plain_arguments(&function.args)?).ok()?;
    if !reads_a_column(&default) {
        return None;
    }
    let with_args = |args: Vec<Expr>| {
        let mut call = function.clone();
        if let FunctionArguments::List(list) = &mut call.args {
            list.args = args.into_iter().map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e))).collect();
        }
        Expr::Function(call)
    };
    let zero = Expr::value(Value::Number("0".into(), false));
    let marker = match function.null_treatment {
        // `CASE WHEN x IS NOT NULL THEN 0 END`: NULL where `x` is, so skipped as `x` is.
        Some(NullTreatment::IgnoreNulls) => Expr::Case {
            case_token: AttachedToken::empty(),
            end_token: AttachedToken::empty(),
            operand: None,
            conditions: vec![CaseWhen { condition: Expr::IsNotNull(Box::new(value.clone())), result: zero }],
            else_result: None,
        },
        Some(NullTreatment::RespectNulls) | None => zero,
    };
    let past_the_rows = Expr::IsNull(Box::new(with_args(vec![marker, offset.clone()])));
    Some(Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: vec![CaseWhen { condition: past_the_rows, result: default }],
        else_result: Some(Box::new(with_args(vec![value, offset]))),
    })
}

/// Whether `expr` reads a column (or a lambda's parameter): anything the engine cannot fold to
/// one value before it runs the window.
fn reads_a_column(expr: &Expr) -> bool {
    ast::visit_expressions(expr, |e| match e {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}
