//! Rows compared as Trino compares them (`RowType`'s `=`): field by field, false when a pair of
//! fields differs, else NULL when a pair is unknown (a NULL field), else true; `<>` the negation,
//! and `IN` a list of rows each `=`. DataFusion compares rows as wholes, a NULL field equal to a
//! NULL field, so `(1, NULL) = (1, NULL)` was true and `WHERE (a, b) = (a, b)` kept the rows
//! whose `b` is NULL. A row's fields are compared by place, rows in rows too. (A row made anew
//! each time it is read, of `random`, is still compared whole.) Arrays, alone or a row's fields,
//! and maps are compared by `array_comparisons`' rules, `<` and the others too. `CASE x WHEN`
//! and `nullif` compare rows, arrays and maps so (a WHEN that is unknown is not taken), and
//! BETWEEN orders arrays so. Reals and doubles are compared so too, as `float_comparisons`
//! compares them (NaN equal to nothing and in no order).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result, ScalarValue};
use datafusion::functions::core::expr_fn::get_field;
use datafusion::logical_expr::expr::{InList, ScalarFunction};
use datafusion::logical_expr::utils::{conjunction, disjunction};
use datafusion::logical_expr::{when, Between, BinaryExpr, Case, Expr, ExprSchemable, Operator};

use super::array_comparisons;
use super::float_comparisons::{between, compared, equality_key, in_list, is_float, nullif};
use super::rules::ExpressionRule;

pub const ROW_COMPARISONS: ExpressionRule = ExpressionRule { name: "trino_row_comparisons", rewrite: by_fields };

fn by_fields(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    match &expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if nested(left, right, schema).is_some() => {
            let kind = nested(left, right, schema).unwrap_or(DataType::Null);
            match array_comparisons::comparison(*left.clone(), *op, *right.clone(), &kind)? {
                Some(compared) => Ok(Transformed::yes(compared)),
                None => Ok(Transformed::no(expr)),
            }
        }
        Expr::BinaryExpr(BinaryExpr { left, op: op @ (Operator::Eq | Operator::NotEq), right }) => {
            match equal(left, right, schema) {
                Some(equal) if *op == Operator::Eq => Ok(Transformed::yes(equal)),
                Some(equal) => Ok(Transformed::yes(Expr::Not(Box::new(equal)))),
                None => Ok(Transformed::no(expr)),
            }
        }
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: op @ (Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq),
            right,
        }) if floats(left, right, schema).is_some() => {
            let kind = floats(left, right, schema).unwrap_or(DataType::Float64);
            Ok(Transformed::yes(compared(*left.clone(), *op, *right.clone(), &kind)))
        }
        // `x IN (…)` of reals or doubles: one call, `x` read once (`float_comparisons::in_list`).
        Expr::InList(InList { expr: value, list, negated })
            if value.get_type(schema).is_ok_and(|kind| is_float(&kind)) =>
        {
            let within = in_list(*value.clone(), list.clone());
            Ok(Transformed::yes(if *negated { Expr::Not(Box::new(within)) } else { within }))
        }
        Expr::InList(InList { expr: value, list, negated }) => {
            let Some(each) = list.iter().map(|item| equal(value, item, schema)).collect::<Option<Vec<_>>>() else {
                return Ok(Transformed::no(expr));
            };
            let Some(any) = disjunction(each) else { return Ok(Transformed::no(expr)) };
            Ok(Transformed::yes(if *negated { Expr::Not(Box::new(any)) } else { any }))
        }
        // `CASE x WHEN a …` of reals or doubles: `x` read once, a NaN equal to no WHEN, -0.0 to 0.0.
        Expr::Case(Case { expr: Some(operand), when_then_expr, else_expr })
            if operand.get_type(schema).is_ok_and(|kind| is_float(&kind)) =>
        {
            let operand = Some(Box::new(equality_key(*operand.clone())));
            let when_then_expr = when_then_expr
                .iter()
                .map(|(when, then)| (Box::new(equality_key(*when.clone())), then.clone()))
                .collect();
            Ok(Transformed::yes(Expr::Case(Case { expr: operand, when_then_expr, else_expr: else_expr.clone() })))
        }
        // `CASE x WHEN a …`: each WHEN a comparison of its own, an unknown one not taken.
        Expr::Case(Case { expr: Some(operand), when_then_expr, else_expr }) if !operand.is_volatile() => {
            let whens = when_then_expr
                .iter()
                .map(|(when, then)| equal(operand, when, schema).map(|equal| (Box::new(equal), then.clone())))
                .collect::<Option<Vec<_>>>();
            match whens {
                Some(when_then_expr) => {
                    Ok(Transformed::yes(Expr::Case(Case { expr: None, when_then_expr, else_expr: else_expr.clone() })))
                }
                None => Ok(Transformed::no(expr)),
            }
        }
        // `nullif(a, b)` of reals or doubles: `a` read once, compared as Java compares it.
        Expr::ScalarFunction(ScalarFunction { func, args })
            if func.name() == "nullif" && args.len() == 2 && floats(&args[0], &args[1], schema).is_some() =>
        {
            Ok(Transformed::yes(nullif(args[0].clone(), args[1].clone())))
        }
        // `nullif(a, b)`: NULL where they are equal, `a` where not or unknown.
        Expr::ScalarFunction(ScalarFunction { func, args })
            if func.name() == "nullif" && args.len() == 2 && !args[0].is_volatile() =>
        {
            let Some(equal) = equal(&args[0], &args[1], schema) else { return Ok(Transformed::no(expr)) };
            let null = Expr::Literal(ScalarValue::try_from(args[0].get_type(schema)?)?, None);
            Ok(Transformed::yes(when(equal, null).otherwise(args[0].clone())?))
        }
        // `x BETWEEN a AND b` of arrays: `x >= a AND x <= b`, each as Trino orders arrays.
        Expr::Between(Between { expr: value, negated, low, high }) if nested(value, low, schema).is_some() => {
            let kind = nested(value, low, schema).unwrap_or(DataType::Null);
            let compare = |op, bound: &Expr| array_comparisons::comparison(*value.clone(), op, bound.clone(), &kind);
            match (compare(Operator::GtEq, low)?, compare(Operator::LtEq, high)?) {
                (Some(above), Some(below)) => {
                    let within = above.and(below);
                    Ok(Transformed::yes(if *negated { Expr::Not(Box::new(within)) } else { within }))
                }
                _ => Ok(Transformed::no(expr)),
            }
        }
        // `x BETWEEN a AND b` of reals or doubles: `x >= a AND x <= b`, false of a NaN.
        Expr::Between(Between { expr: value, negated, low, high }) if floats(value, low, schema).is_some() => {
            let kind = floats(value, low, schema).unwrap_or(DataType::Float64);
            let within = between(*value.clone(), *low.clone(), *high.clone(), &kind);
            Ok(Transformed::yes(if *negated { Expr::Not(Box::new(within)) } else { within }))
        }
        _ => Ok(Transformed::no(expr)),
    }
}

/// The type of `left` and `right` when both are reals or both doubles.
fn floats(left: &Expr, right: &Expr, schema: &DFSchema) -> Option<DataType> {
    match (left.get_type(schema), right.get_type(schema)) {
        (Ok(l), Ok(r)) if l == r && is_float(&l) => Some(l),
        _ => None,
    }
}

/// The type of `left` and `right` when they are arrays or maps of one type that
/// `array_comparisons` compares.
fn nested(left: &Expr, right: &Expr, schema: &DFSchema) -> Option<DataType> {
    match (left.get_type(schema), right.get_type(schema)) {
        (Ok(l), Ok(r)) if l.equals_datatype(&r) && array_comparisons::compared_here(&l) => Some(l),
        _ => None,
    }
}

/// `left = right` field by field, when both are rows of as many fields; as Trino compares
/// arrays, when both are arrays, and reals and doubles.
fn equal(left: &Expr, right: &Expr, schema: &DFSchema) -> Option<Expr> {
    if let Some(kind) = nested(left, right, schema) {
        return array_comparisons::comparison(left.clone(), Operator::Eq, right.clone(), &kind).ok().flatten();
    }
    if let Some(kind) = floats(left, right, schema) {
        return Some(compared(left.clone(), Operator::Eq, right.clone(), &kind));
    }
    // Each field is read from the row apart: a row made anew each time it is read (of `random`)
    // is compared whole, as the engine compares it.
    if left.is_volatile() || right.is_volatile() {
        return None;
    }
    let (DataType::Struct(l), DataType::Struct(r)) = (left.get_type(schema).ok()?, right.get_type(schema).ok()?) else {
        return None;
    };
    if l.len() != r.len() {
        return None;
    }
    let pairs = l.iter().zip(r.iter()).map(|(lf, rf)| {
        let (a, b) = (get_field(left.clone(), lf.name().as_str()), get_field(right.clone(), rf.name().as_str()));
        match (lf.data_type(), rf.data_type()) {
            (DataType::Struct(_), DataType::Struct(_))
            | (DataType::List(_), DataType::List(_))
            | (DataType::Map(_, _), DataType::Map(_, _)) => equal(&a, &b, schema).unwrap_or_else(|| a.eq(b)),
            (l, r) if l == r => compared(a, Operator::Eq, b, l),
            _ => a.eq(b),
        }
    });
    conjunction(pairs)
}
