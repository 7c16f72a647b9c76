//! Trino's functions that are another form of DataFusion's, rewritten on the syntax tree into
//! that form: `mod(a, b)` is `a % b`, `count_if(c)` a count of the rows where `c` holds,
//! `max_by(x, y)` the first `x` ordered by `y`, `date(x)` a cast, `e()` is `exp(1.0)`, …
//! A FILTER, OVER or DISTINCT written on an aggregate stays with the form it becomes; what a
//! form cannot keep leaves the call as written, for the engine to refuse.

use datafusion::logical_expr::sqlparser::ast::helpers::attached_token::AttachedToken;
use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, CaseWhen, CastKind, DataType, Expr, FunctionArgumentClause, FunctionArguments, Ident,
    OrderByExpr, OrderByOptions, UnaryOperator, Value,
};

use super::sql::{call, is_call, lambda, plain_arguments, text_literal};

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
        "count_if",
        "max_by",
        "min_by",
        "reduce_agg",
        "all_match",
        "none_match",
        "cosine_similarity",
    ];
    let name = NAMES.iter().find(|name| is_call(function, name))?;
    let args = plain_arguments(&function.args)?;
    // What a form could not keep is left for the engine to refuse, never dropped: a window,
    // FILTER or DISTINCT on a function that is not an aggregate, IGNORE NULLS and WITHIN GROUP
    // on any, and a window on reduce_agg (its form would gather a window's rows for each row).
    let gathers = matches!(*name, "count_if" | "max_by" | "min_by" | "reduce_agg");
    let distinct = matches!(&function.args, FunctionArguments::List(list) if list.duplicate_treatment.is_some());
    let windowed = function.over.is_some();
    if function.null_treatment.is_some()
        || !function.within_group.is_empty()
        || (!gathers && (windowed || function.filter.is_some() || distinct))
        || (*name == "reduce_agg" && windowed)
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
        // `count_if(c)`: the rows where `c` is true (0 when there are none, as count).
        ("count_if", [condition]) => {
            let counted = Expr::Case {
                case_token: AttachedToken::empty(),
                end_token: AttachedToken::empty(),
                operand: None,
                conditions: vec![CaseWhen { condition: condition.clone(), result: number("1") }],
                else_result: None,
            };
            aggregate(function, "count", vec![counted], None, None)
        }
        // `max_by(x, y)`: the `x` of the row of the largest `y`; rows without a `y` are not
        // compared, as Trino.
        ("max_by" | "min_by", [x, y]) if function.over.is_none() => {
            let order = OrderByExpr {
                expr: y.clone(),
                options: OrderByOptions { asc: Some(*name == "min_by"), nulls_first: None },
                with_fill: None,
            };
            aggregate(function, "first_value", vec![x.clone()], Some(present(y)), Some(order))
        }
        ("reduce_agg", [value, initial, input @ Expr::Lambda(_), Expr::Lambda(_)]) => {
            // The group's values that are not NULL folded by `input` from `initial`, NULL when
            // there are none, as Trino. Trino's combining lambda merges the folds of parts of a
            // group; folded as one sequence, there are none to merge.
            let gathered = aggregate(function, "array_agg", vec![value.clone()], Some(present(value)), None);
            let state = lambda("$state", Expr::Identifier(Ident::with_quote('"', "$state")));
            call("reduce", vec![gathered, initial.clone(), input.clone(), state])
        }
        // `all_match(a, x -> p)`: no element for which `p` is false; `none_match`: none for
        // which it is true. NULL when that is unknown (some `p` NULL), true for an empty array.
        ("all_match", [array, Expr::Lambda(test)]) => {
            let mut fails = test.clone();
            fails.body =
                Box::new(Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(Expr::Nested(test.body.clone())) });
            not(call("any_match", vec![array.clone(), Expr::Lambda(fails)]))
        }
        ("none_match", [array, test @ Expr::Lambda(_)]) => not(call("any_match", vec![array.clone(), test.clone()])),
        // Trino's formula, in its order: the dot product over the product of the norms.
        ("cosine_similarity", [a, b]) => {
            let norm = |v: &Expr| call("sqrt", vec![call("dot_product", vec![v.clone(), v.clone()])]);
            binary(
                &call("dot_product", vec![a.clone(), b.clone()]),
                BinaryOperator::Divide,
                &Expr::Nested(Box::new(binary(&norm(a), BinaryOperator::Multiply, &norm(b)))),
            )
        }
        _ => return None,
    })
}

/// `name(args)` as an aggregate that keeps the FILTER (joined to `only`), OVER and DISTINCT
/// written on `written`, ordered by `order`.
fn aggregate(
    written: &ast::Function,
    name: &str,
    args: Vec<Expr>,
    only: Option<Expr>,
    order: Option<OrderByExpr>,
) -> Expr {
    let mut form = call(name, args);
    if let Expr::Function(f) = &mut form {
        f.filter = match (written.filter.clone(), only) {
            (Some(filter), Some(only)) => Some(Box::new(binary(&Expr::Nested(filter), BinaryOperator::And, &only))),
            (Some(filter), None) => Some(filter),
            (None, only) => only.map(Box::new),
        };
        f.over = written.over.clone();
        if let (FunctionArguments::List(from), FunctionArguments::List(to)) = (&written.args, &mut f.args) {
            to.duplicate_treatment = from.duplicate_treatment;
            to.clauses.extend(order.map(|order| FunctionArgumentClause::OrderBy(vec![order])));
        }
    }
    form
}

fn not(value: Expr) -> Expr {
    Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(value) }
}

fn binary(left: &Expr, op: BinaryOperator, right: &Expr) -> Expr {
    Expr::BinaryOp { left: Box::new(left.clone()), op, right: Box::new(right.clone()) }
}

fn present(value: &Expr) -> Expr {
    Expr::IsNotNull(Box::new(value.clone()))
}

fn number(digits: &str) -> Expr {
    Expr::value(Value::Number(digits.into(), false))
}

fn negative_one() -> Expr {
    Expr::UnaryOp { op: UnaryOperator::Minus, expr: Box::new(number("1")) }
}

fn cast(value: &Expr, data_type: DataType) -> Expr {
    Expr::Cast { kind: CastKind::Cast, expr: Box::new(value.clone()), data_type, array: false, format: None }
}

/// `CAST('Infinity' AS DOUBLE)`.
fn double(text: &str) -> Expr {
    cast(&text_literal(text), DataType::Double(ast::ExactNumberInfo::None))
}
