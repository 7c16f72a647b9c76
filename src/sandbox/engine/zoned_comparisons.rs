//! A timestamp without a zone, or a date, compared with a timestamp with one: Trino reads the
//! first as the instant it names in the session's zone, UTC on Athena and here. DataFusion reads
//! it on the other side's wall clock instead, so `TIMESTAMP '2020-01-01 00:00:00' >
//! TIMESTAMP '2020-01-01 00:30:00 +01:00'` was false where Athena says true. The side without a
//! zone is cast to UTC before the engine types the comparison (`ZONED_COMPARISONS`).

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::{Between, BinaryExpr, Cast, Expr, ExprSchemable};

use super::mixed_types::is_comparison;
use super::rules::ExpressionRule;

pub const ZONED_COMPARISONS: ExpressionRule = ExpressionRule { name: "trino_zoned_comparisons", rewrite: in_utc };

/// The UTC timestamp type a value of `kind` is read as beside one with a zone, when it has none.
fn utc_kind(kind: &DataType) -> Option<DataType> {
    match kind {
        DataType::Timestamp(unit, None) => Some(DataType::Timestamp(*unit, Some(Arc::from("UTC")))),
        DataType::Date32 | DataType::Date64 => Some(DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from("UTC")))),
        _ => None,
    }
}

fn is_zoned(kind: &DataType) -> bool {
    matches!(kind, DataType::Timestamp(_, Some(_)))
}

/// `value` as UTC when it has no zone and `beside` has one.
fn read_in_utc(value: Box<Expr>, beside: &[&Expr], schema: &DFSchema) -> (Box<Expr>, bool) {
    let kind = |e: &Expr| e.get_type(schema).ok();
    let zoned_beside = beside.iter().any(|e| kind(e).is_some_and(|k| is_zoned(&k)));
    match kind(&value).as_ref().and_then(utc_kind) {
        Some(utc) if zoned_beside => (Box::new(Expr::Cast(Cast::new(value, utc))), true),
        _ => (value, false),
    }
}

fn in_utc(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    match expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if is_comparison(&op) => {
            let (left, cast_left) = read_in_utc(left, &[&right], schema);
            let (right, cast_right) = read_in_utc(right, &[&left], schema);
            let expr = Expr::BinaryExpr(BinaryExpr { left, op, right });
            Ok(if cast_left || cast_right { Transformed::yes(expr) } else { Transformed::no(expr) })
        }
        Expr::Between(Between { expr, negated, low, high }) => {
            let (value, cast_value) = read_in_utc(expr, &[&low, &high], schema);
            let (low, cast_low) = read_in_utc(low, &[&value], schema);
            let (high, cast_high) = read_in_utc(high, &[&value], schema);
            let expr = Expr::Between(Between { expr: value, negated, low, high });
            Ok(if cast_value || cast_low || cast_high { Transformed::yes(expr) } else { Transformed::no(expr) })
        }
        other => Ok(Transformed::no(other)),
    }
}
