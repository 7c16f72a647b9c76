//! A date beside a timestamp (compared with it, `=`, `<`, …, BETWEEN, IN a list, CASE x WHEN;
//! among a CASE's results or COALESCE's, `greatest`'s, `least`'s or `nullif`'s operands), read as
//! Trino reads it: the timestamp at its midnight, in the timestamp's milliseconds. DataFusion's typing makes both nanoseconds, which hold no year
//! before 1677 nor after 2262, so `event_time < DATE '9999-12-31'` failed ("Cannot cast Date32
//! value 2932896 to Timestamp(ns)"). Before the engine types the query, such a date is cast to a
//! zoneless timestamp of milliseconds (`DATES_AS_TIMESTAMPS`); a zone, if the other side has one,
//! is then `zoned_casts`'s to read.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::{InList, ScalarFunction};
use datafusion::logical_expr::{cast, Between, BinaryExpr, Case, Expr, ExprSchemable};

use super::mixed_types::is_comparison;
use super::rules::ExpressionRule;
use super::types::TIMESTAMP;

pub const DATES_AS_TIMESTAMPS: ExpressionRule = ExpressionRule { name: "trino_dates_as_timestamps", rewrite: widen };

fn widen(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let kind = |e: &Expr| e.get_type(schema).ok();
    let is_date = |e: &Expr| matches!(kind(e), Some(DataType::Date32 | DataType::Date64));
    let in_millis = |e: &Expr| matches!(kind(e), Some(DataType::Timestamp(TimeUnit::Millisecond, _)));
    // Values read as one type: each date a timestamp, when one of them is a timestamp of
    // milliseconds; None when there is nothing to do.
    let together = |values: Vec<Expr>| -> Option<Vec<Expr>> {
        (values.iter().any(in_millis) && values.iter().any(is_date))
            .then(|| values.into_iter().map(|v| if is_date(&v) { cast(v, TIMESTAMP) } else { v }).collect())
    };
    let edited = match &expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if is_comparison(op) => {
            together(vec![*left.clone(), *right.clone()]).map(|values| match <[Expr; 2]>::try_from(values) {
                Ok([left, right]) => {
                    Expr::BinaryExpr(BinaryExpr { left: Box::new(left), op: *op, right: Box::new(right) })
                }
                Err(_) => expr.clone(),
            })
        }
        Expr::Between(Between { expr: value, negated, low, high }) => {
            together(vec![*value.clone(), *low.clone(), *high.clone()]).map(|values| {
                match <[Expr; 3]>::try_from(values) {
                    Ok([value, low, high]) => Expr::Between(Between {
                        expr: Box::new(value),
                        negated: *negated,
                        low: Box::new(low),
                        high: Box::new(high),
                    }),
                    Err(_) => expr.clone(),
                }
            })
        }
        Expr::InList(InList { expr: value, list, negated }) => {
            together(std::iter::once(*value.clone()).chain(list.iter().cloned()).collect()).map(|mut values| {
                let value = values.remove(0);
                Expr::InList(InList { expr: Box::new(value), list: values, negated: *negated })
            })
        }
        // CASE x WHEN …: the operand and its WHENs; any CASE: its results.
        Expr::Case(Case { expr: operand, when_then_expr, else_expr }) => {
            let mut case =
                Case { expr: operand.clone(), when_then_expr: when_then_expr.clone(), else_expr: else_expr.clone() };
            let mut changed = false;
            if let Some(operand) = &case.expr {
                let compared =
                    std::iter::once(*operand.clone()).chain(case.when_then_expr.iter().map(|(w, _)| *w.clone()));
                if let Some(mut values) = together(compared.collect()) {
                    case.expr = Some(Box::new(values.remove(0)));
                    case.when_then_expr.iter_mut().zip(values).for_each(|((w, _), v)| **w = v);
                    changed = true;
                }
            }
            let results = case.when_then_expr.iter().map(|(_, t)| *t.clone()).chain(case.else_expr.as_deref().cloned());
            if let Some(values) = together(results.collect()) {
                let mut values = values.into_iter();
                case.when_then_expr.iter_mut().zip(values.by_ref()).for_each(|((_, t), v)| **t = v);
                if case.else_expr.is_some() {
                    case.else_expr = values.next().map(Box::new);
                }
                changed = true;
            }
            changed.then_some(Expr::Case(case))
        }
        Expr::ScalarFunction(ScalarFunction { func, args })
            if matches!(func.name(), "coalesce" | "greatest" | "least" | "nullif") =>
        {
            together(args.clone()).map(|args| Expr::ScalarFunction(ScalarFunction { func: func.clone(), args }))
        }
        _ => None,
    };
    Ok(match edited {
        Some(edited) => Transformed::yes(edited),
        None => Transformed::no(expr),
    })
}
