//! A date compared with a timestamp (`=`, `<`, …, BETWEEN, IN a list), read as Trino reads it: the timestamp at its midnight, in
//! the timestamp's milliseconds. DataFusion's typing makes both nanoseconds, which hold no year
//! before 1677 nor after 2262, so `event_time < DATE '9999-12-31'` failed ("Cannot cast Date32
//! value 2932896 to Timestamp(ns)"). Before the engine types the query, such a date is cast to a
//! zoneless timestamp of milliseconds (`DATES_AS_TIMESTAMPS`); a zone, if the other side has one,
//! is then `zoned_casts`'s to read.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::ScalarValue;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::InList;
use datafusion::logical_expr::{cast, Between, BinaryExpr, Expr, ExprSchemable};

use super::mixed_types::is_comparison;
use super::rules::ExpressionRule;
use super::types::TIMESTAMP;

pub const DATES_AS_TIMESTAMPS: ExpressionRule = ExpressionRule { name: "trino_dates_as_timestamps", rewrite: widen };

/// A timestamp of milliseconds, which a date beside it is read as.
fn lit_millis() -> Expr {
    Expr::Literal(ScalarValue::TimestampMillisecond(None, None), None)
}

fn widen(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let kind = |e: &Expr| e.get_type(schema).ok();
    let is_date = |e: &Expr| matches!(kind(e), Some(DataType::Date32 | DataType::Date64));
    let in_millis = |e: &Expr| matches!(kind(e), Some(DataType::Timestamp(TimeUnit::Millisecond, _)));
    // The date side as a timestamp, when the other is one of milliseconds.
    let widened = |date: Box<Expr>, other: &Expr| -> (Box<Expr>, bool) {
        if is_date(&date) && in_millis(other) {
            (Box::new(cast(*date, TIMESTAMP)), true)
        } else {
            (date, false)
        }
    };
    match expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if is_comparison(&op) => {
            let (left, a) = widened(left, &right);
            let (right, b) = widened(right, &left);
            let expr = Expr::BinaryExpr(BinaryExpr { left, op, right });
            Ok(if a || b { Transformed::yes(expr) } else { Transformed::no(expr) })
        }
        Expr::Between(Between { expr: value, negated, low, high }) => {
            let (value, a) = widened(value, &low);
            let (low, b) = widened(low, &value);
            let (high, c) = widened(high, &value);
            let expr = Expr::Between(Between { expr: value, negated, low, high });
            Ok(if a || b || c { Transformed::yes(expr) } else { Transformed::no(expr) })
        }
        Expr::InList(InList { expr: value, list, negated }) => {
            let some_in_millis = list.iter().any(in_millis);
            let (value, a) = if some_in_millis { widened(value, &lit_millis()) } else { (value, false) };
            let mut b = false;
            let list = list
                .into_iter()
                .map(|item| {
                    let (item, c) = widened(Box::new(item), &value);
                    b |= c;
                    *item
                })
                .collect();
            let expr = Expr::InList(InList { expr: value, list, negated });
            Ok(if a || b { Transformed::yes(expr) } else { Transformed::no(expr) })
        }
        expr => Ok(Transformed::no(expr)),
    }
}
