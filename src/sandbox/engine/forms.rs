//! Trino's scalar functions that are another form of DataFusion's, rewritten on the syntax tree
//! into that form: `mod(a, b)` is `a % b`, `date(x)` a cast, `e()` is `exp(1.0)`, … (the
//! aggregates are in `aggregates`). A window, FILTER or DISTINCT written on one leaves the call as
//! written, for the engine to refuse.

use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, CastKind, DataType, Expr, FunctionArguments, UnaryOperator, Value,
};

use super::math::RANDOM_SPAN;
use super::sql::{call, is_call, plain_arguments, text_literal};

/// The form DataFusion answers `function` in, when it is one of these.
pub(super) fn rewrite(function: &ast::Function) -> Option<Expr> {
    const NAMES: &[&str] = &[
        "mod",
        "bitwise_and",
        "bitwise_or",
        "bitwise_xor",
        "bitwise_not",
        "e",
        "infinity",
        "nan",
        "date",
        "all_match",
        "none_match",
        "current_timezone",
        "normalize",
        "replace",
        "truncate",
        "random",
        "rand",
    ];
    let name = NAMES.iter().find(|name| is_call(function, name))?;
    let args = plain_arguments(&function.args)?;
    let distinct = matches!(&function.args, FunctionArguments::List(list) if list.duplicate_treatment.is_some());
    if function.over.is_some()
        || function.filter.is_some()
        || distinct
        || function.null_treatment.is_some()
        || !function.within_group.is_empty()
    {
        return None;
    }
    Some(match (*name, args.as_slice()) {
        ("mod", [a, b]) => binary(a, BinaryOperator::Modulo, b),
        ("bitwise_and", [a, b]) => binary(a, BinaryOperator::BitwiseAnd, b),
        ("bitwise_or", [a, b]) => binary(a, BinaryOperator::BitwiseOr, b),
        ("bitwise_xor", [a, b]) => binary(a, BinaryOperator::BitwiseXor, b),
        // Every bit flipped: `x XOR -1`.
        ("bitwise_not", [a]) => binary(a, BinaryOperator::BitwiseXor, &negative_one()),
        ("e", []) => call("exp", vec![Expr::value(Value::Number("1.0".into(), false))]),
        ("infinity", []) => double("Infinity"),
        ("nan", []) => double("NaN"),
        ("date", [x]) => cast(x, DataType::Date),
        // `normalize(s, NFD)`: the form is a word in Trino's syntax, text to the function.
        ("normalize", [text, Expr::Identifier(form)]) if form.quote_style.is_none() => {
            call("normalize", vec![text.clone(), text_literal(&form.value.to_ascii_uppercase())])
        }
        // `replace(s, search)` takes each `search` out.
        ("replace", [text, search]) => call("replace", vec![text.clone(), search.clone(), text_literal("")]),
        // `truncate(x, n)`: `x` cut to `n` digits after the point.
        ("truncate", [x, n]) => call("trunc", vec![x.clone(), n.clone()]),
        // `random(n)`: a whole number from 0 to n - 1; `random(m, n)` from m to n - 1. The span
        // is checked as Trino checks it (`math::RANDOM_SPAN`).
        ("random" | "rand", [n]) => random_below(call(RANDOM_SPAN, vec![n.clone()])),
        ("random" | "rand", [m, n]) => {
            binary(m, BinaryOperator::Plus, &random_below(call(RANDOM_SPAN, vec![m.clone(), n.clone()])))
        }
        // The session's zone, which is UTC on Athena and here.
        ("current_timezone", []) => text_literal("UTC"),
        // `all_match(a, x -> p)`: no element for which `p` is false; `none_match`: none for
        // which it is true. NULL when that is unknown (some `p` NULL), true for an empty array.
        ("all_match", [array, Expr::Lambda(test)]) => {
            let mut fails = test.clone();
            fails.body =
                Box::new(Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(Expr::Nested(test.body.clone())) });
            not(call("any_match", vec![array.clone(), Expr::Lambda(fails)]))
        }
        ("none_match", [array, test @ Expr::Lambda(_)]) => not(call("any_match", vec![array.clone(), test.clone()])),
        _ => return None,
    })
}

fn not(value: Expr) -> Expr {
    Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(value) }
}

pub(super) fn binary(left: &Expr, op: BinaryOperator, right: &Expr) -> Expr {
    Expr::BinaryOp { left: Box::new(left.clone()), op, right: Box::new(right.clone()) }
}

pub(super) fn present(value: &Expr) -> Expr {
    Expr::IsNotNull(Box::new(value.clone()))
}

pub(super) fn number(digits: &str) -> Expr {
    Expr::value(Value::Number(digits.into(), false))
}

fn negative_one() -> Expr {
    Expr::UnaryOp { op: UnaryOperator::Minus, expr: Box::new(number("1")) }
}

pub(super) fn cast(value: &Expr, data_type: DataType) -> Expr {
    let value = Box::new(super::cast::named_for(value.clone(), &data_type));
    Expr::Cast { kind: CastKind::Cast, expr: value, data_type, array: false, format: None }
}

/// `CAST('Infinity' AS DOUBLE)`.
pub(super) fn double(text: &str) -> Expr {
    cast(&text_literal(text), DataType::Double(ast::ExactNumberInfo::None))
}

/// A whole number from 0 to `span` - 1, at random.
fn random_below(span: Expr) -> Expr {
    let drawn = binary(&call("random", Vec::new()), BinaryOperator::Multiply, &span);
    cast(&call("floor", vec![drawn]), DataType::BigInt(None))
}
