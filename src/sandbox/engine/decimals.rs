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

/// Why text is no `decimal(p, s)` (`scaled`).
#[derive(Debug, PartialEq)]
pub enum Unfit {
    /// Not a number as Java's `BigDecimal` reads one.
    NotANumber,
    /// More digits than the precision, once rounded to the scale.
    TooLarge,
}

/// `text` as a `decimal(precision, scale)` in the form the engine reads exactly (`-12.30`), as
/// Trino reads it (`new BigDecimal(text).setScale(scale, HALF_UP)`): an optional sign, digits
/// with at most one point, an optional exponent (`1e2`, `.5`, `5.` are numbers), no spaces,
/// rounded half away from zero to the scale, and refused with more digits than the precision.
pub fn scaled(text: &str, precision: u8, scale: i8) -> std::result::Result<String, Unfit> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Unfit::NotANumber);
            }
            // Java's exponent is an int.
            e.parse::<i32>().map_err(|_| Unfit::NotANumber)?.into()
        }
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) || whole.len() + fraction.len() == 0 {
        return Err(Unfit::NotANumber);
    }
    let digits: String = [whole, fraction].concat();
    let digits = digits.trim_start_matches('0');
    // The unscaled value is `digits` times ten to `shift`.
    let shift = exponent - fraction.len() as i64 + i64::from(scale);
    let unscaled = if digits.is_empty() {
        String::from("0")
    } else if shift >= 0 {
        if digits.len() as i64 + shift > i64::from(precision) {
            return Err(Unfit::TooLarge);
        }
        format!("{digits}{}", "0".repeat(shift as usize))
    } else {
        let cut = shift.unsigned_abs();
        let kept_length = (digits.len() as u64).saturating_sub(cut) as usize;
        let first_cut = match (digits.len() as u64).checked_sub(cut) {
            Some(at) => digits.as_bytes()[at as usize],
            None => b'0',
        };
        let mut kept: Vec<u8> = digits.as_bytes()[..kept_length].to_vec();
        if first_cut >= b'5' {
            one_more(&mut kept);
        }
        let kept = String::from_utf8(kept).unwrap_or_default();
        match kept.trim_start_matches('0') {
            "" => String::from("0"),
            kept => kept.to_string(),
        }
    };
    if unscaled.len() > usize::from(precision) {
        return Err(Unfit::TooLarge);
    }
    let sign = if negative && unscaled != "0" { "-" } else { "" };
    if scale <= 0 {
        return Ok(format!("{sign}{unscaled}"));
    }
    let padded = format!("{unscaled:0>width$}", width = scale as usize + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale as usize);
    Ok(format!("{sign}{whole}.{fraction}"))
}

/// The decimal digits `digits` (ASCII) one more in their last place, carried (`99` is `100`): a
/// rounding half up.
pub fn one_more(digits: &mut Vec<u8>) {
    let mut at = digits.len();
    loop {
        if at == 0 {
            digits.insert(0, b'1');
            return;
        }
        at -= 1;
        if digits[at] == b'9' {
            digits[at] = b'0';
        } else {
            digits[at] += 1;
            return;
        }
    }
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

    #[test]
    fn text_is_a_decimal_as_javas_big_decimal_reads_it() {
        let cases = [
            ("1.255", 10, 2, Ok("1.26")),
            ("-1.005", 10, 2, Ok("-1.01")),
            ("1e2", 10, 2, Ok("100.00")),
            ("1.5E-1", 10, 1, Ok("0.2")),
            ("+5", 3, 1, Ok("5.0")),
            (".5", 3, 1, Ok("0.5")),
            ("5.", 3, 1, Ok("5.0")),
            ("-0.004", 3, 2, Ok("0.00")),
            ("0.0095", 4, 3, Ok("0.010")),
            ("99.95", 3, 1, Err(Unfit::TooLarge)),
            ("99.95", 4, 1, Ok("100.0")),
            ("123456", 4, 0, Err(Unfit::TooLarge)),
            ("1e999999999", 38, 0, Err(Unfit::TooLarge)),
            ("1e-999999999", 38, 2, Ok("0.00")),
            ("12345678901234567890123456789012345678", 38, 0, Ok("12345678901234567890123456789012345678")),
            ("000123", 3, 0, Ok("123")),
        ];
        for (text, precision, scale, expected) in cases {
            assert_eq!(scaled(text, precision, scale).as_deref(), expected.as_deref(), "{text}");
        }
        for bad in [" 12", "12 ", "", "-", ".", "1e", "1e+", "1.2.3", "1,5", "abc", "0x10", "1e99999999999", "--1"] {
            assert_eq!(scaled(bad, 38, 0), Err(Unfit::NotANumber), "{bad:?}");
        }
    }
}
