//! A timestamp without a zone, or a date, taken as one with a zone (compared with one, in one IN
//! list, CASE, COALESCE or UNION with one, subtracted from one): Trino reads it as the instant it
//! names in the session's zone, UTC on Athena and here. DataFusion's cast reads it on the other
//! zone's wall clock instead, so `TIMESTAMP '2020-01-01 00:00:00' > TIMESTAMP '2020-01-01
//! 00:30:00 +01:00'` was false where Athena says true. Once the engine has typed the query, each
//! such cast is made through UTC (`ZONED_CASTS`): the value becomes UTC's, then the instant moves
//! to the other zone unchanged.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::{Cast, Expr, ExprSchemable, TryCast};

use super::print::is_utc;
use super::rules::ExpressionRule;

pub const ZONED_CASTS: ExpressionRule = ExpressionRule { name: "trino_zoned_casts", rewrite: through_utc };

/// The UTC type a zoneless timestamp or a date of `kind` is read as, when a cast to `target`
/// would read it on another zone's wall clock.
fn utc_first(kind: &DataType, target: &DataType) -> Option<DataType> {
    let DataType::Timestamp(_, Some(zone)) = target else { return None };
    if is_utc(zone) {
        return None;
    }
    match kind {
        DataType::Timestamp(unit, None) => Some(DataType::Timestamp(*unit, Some(Arc::from("UTC")))),
        DataType::Date32 | DataType::Date64 => Some(DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from("UTC")))),
        _ => None,
    }
}

fn through_utc(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let kind = |e: &Expr| e.get_type(schema).ok();
    let utc = |value: &Expr, target: &DataType| kind(value).and_then(|k| utc_first(&k, target));
    match expr {
        Expr::Cast(Cast { expr: value, field }) => match utc(&value, field.data_type()) {
            Some(utc) => {
                let value = Box::new(Expr::Cast(Cast::new(value, utc)));
                Ok(Transformed::yes(Expr::Cast(Cast::new_from_field(value, field))))
            }
            None => Ok(Transformed::no(Expr::Cast(Cast::new_from_field(value, field)))),
        },
        Expr::TryCast(TryCast { expr: value, field }) => match utc(&value, field.data_type()) {
            Some(utc) => {
                let value = Box::new(Expr::Cast(Cast::new(value, utc)));
                Ok(Transformed::yes(Expr::TryCast(TryCast::new_from_field(value, field))))
            }
            None => Ok(Transformed::no(Expr::TryCast(TryCast::new_from_field(value, field)))),
        },
        other => Ok(Transformed::no(other)),
    }
}
