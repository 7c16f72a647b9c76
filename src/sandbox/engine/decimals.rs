//! Trino's decimals. A number written with a point (`2.5`, `0.1`) is a decimal, as in Trino (the
//! session reads it so: `sql_parser.parse_float_as_decimal`), so `0.1 + 0.2` is `0.3` and
//! `1.10 * 3` is `3.30`; one with an exponent (`1e3`) is a double (`sql`'s rewrite). DataFusion
//! types a decimal's sum, difference, product and remainder as Trino does, but not its quotient:
//! it keeps four more digits, where Trino keeps the larger of the two scales, rounding half away
//! from zero (`1.0 / 3` is `0.3`, `count(*) * 1.0 / n` has one digit after the point); nor
//! `round(x, n)`'s, which keeps `x`'s scale in Trino (`round(2.345, 2)` is `2.350`).
//! `DECIMAL_QUOTIENTS` casts each quotient of two decimals, and each such rounding, to Trino's type.

use super::rules::ExpressionRule;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::expr::{BinaryExpr, Cast};
use datafusion::logical_expr::sqlparser::ast;
use datafusion::logical_expr::{Expr, ExprSchemable, Operator};

/// The most digits of a decimal, in Trino as in Arrow's 128-bit decimals: what `DECIMAL` alone
/// means, the bound on a written precision (`types`), and on every answer's (`math`, here).
pub const MOST_DIGITS: u8 = 38;

/// `DECIMAL '0.67'` as Trino types it: as many digits as written (leading zeros aside) and
/// as many after the point, a `decimal(2,2)`; `CAST('0.67' AS DECIMAL(2,2))`. None for text
/// that is not a number, left to the engine's refusal.
pub fn literal(text: &str) -> Option<ast::Expr> {
    let number = text.trim();
    let unsigned = number.strip_prefix(['+', '-']).unwrap_or(number);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || whole.len() + fraction.len() == 0 {
        return None;
    }
    let scale = fraction.len() as u64;
    let precision = (whole.trim_start_matches('0').len() as u64 + scale).max(1);
    if precision > u64::from(MOST_DIGITS) {
        return None;
    }
    Some(ast::Expr::Cast {
        kind: ast::CastKind::Cast,
        expr: Box::new(super::sql::text_literal(number)),
        data_type: ast::DataType::Decimal(ast::ExactNumberInfo::PrecisionAndScale(precision, scale as i64)),
        array: false,
        format: None,
    })
}

pub const DECIMAL_QUOTIENTS: ExpressionRule =
    ExpressionRule { name: "trino_decimal_quotients", rewrite: trino_decimal };

/// `a / b` of two decimals, or `round(x, n)` of a decimal → the same cast to Trino's type of it.
fn trino_decimal(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    if let Expr::ScalarFunction(call) = &expr {
        let kind = match call.args.as_slice() {
            [x, _] if call.name() == "round" => x.get_type(schema).ok(),
            _ => None,
        };
        return match kind {
            // Trino's round(decimal(p, s), n) is a decimal(p + 1, s). DataFusion's says so too
            // while `n` is not yet a constant, and once it is, `n` digits: the cast is written
            // whatever the type says now.
            Some(DataType::Decimal128(p, s)) if s >= 0 => {
                let kind = DataType::Decimal128((p + 1).min(MOST_DIGITS), s);
                Ok(Transformed::yes(Expr::Cast(Cast::new(Box::new(expr), kind))))
            }
            _ => Ok(Transformed::no(expr)),
        };
    }
    let Expr::BinaryExpr(BinaryExpr { left, op: Operator::Divide, right }) = &expr else {
        return Ok(Transformed::no(expr));
    };
    // A value whose type cannot be found here (a scan's own filters) is left as it is.
    let (Ok(DataType::Decimal128(p1, s1)), Ok(DataType::Decimal128(p2, s2))) =
        (left.get_type(schema), right.get_type(schema))
    else {
        return Ok(Transformed::no(expr));
    };
    let Some(kind) = trino_quotient(p1, s1, p2, s2) else { return Ok(Transformed::no(expr)) };
    Ok(Transformed::yes(expr.cast_to(&kind, schema)?))
}

/// Trino's type of a quotient of decimal(p1, s1) by decimal(p2, s2): the larger scale, and
/// `p1 + s2 + max(s2 - s1, 0)` digits (at most 38). None for a negative scale, which Trino has not.
fn trino_quotient(p1: u8, s1: i8, _p2: u8, s2: i8) -> Option<DataType> {
    let (s1, s2) = (u8::try_from(s1).ok()?, u8::try_from(s2).ok()?);
    let scale = s1.max(s2);
    let precision = (p1 + s2 + s2.saturating_sub(s1)).min(MOST_DIGITS);
    Some(DataType::Decimal128(precision, scale as i8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quotient_keeps_the_larger_scale_as_trino_types_it() {
        // 10.0 / 4: decimal(3,1) by an integer's decimal(10,0).
        assert_eq!(trino_quotient(3, 1, 10, 0), Some(DataType::Decimal128(3, 1)));
        // 1 / 3.0.
        assert_eq!(trino_quotient(10, 0, 2, 1), Some(DataType::Decimal128(12, 1)));
        assert_eq!(trino_quotient(38, 10, 38, 20), Some(DataType::Decimal128(38, 20)));
        assert_eq!(trino_quotient(3, -2, 3, 0), None);
    }
}
