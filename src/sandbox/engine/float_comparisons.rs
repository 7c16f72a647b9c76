//! Reals and doubles compared as Trino compares them (`DoubleType`'s and `RealType`'s operators
//! are Java's `==`, `<` and `<=`): NaN is equal to nothing, itself included, and neither less nor
//! greater than any value, so `nan() = nan()`, `nan() > 0` and `1 < nan()` are false and
//! `nan() <> nan()` is true. The engine orders them in one total order, NaN above every number
//! and equal to itself, where each of those answered the other way; `x IN (…)` and BETWEEN, which
//! Trino reads as equalities and two comparisons, and `CASE x WHEN`, `nullif` and the fields of
//! rows with them (`row_comparisons`). -0.0 and 0.0 are equal to both, and IS DISTINCT FROM,
//! GROUP BY, DISTINCT and ORDER BY take NaN for one value in both.
//!
//! Each comparison is the engine's with a guard where the two orders differ, written so that an
//! unknown side leaves it unknown (`nan() = NULL` is NULL, not false); a comparison with a number
//! written in the query is the engine's own once its guard is folded away, and an equality of two
//! columns is still the key of a join.

use datafusion::arrow::datatypes::DataType;
use datafusion::functions::math::expr_fn::isnan;
use datafusion::logical_expr::{binary_expr, Expr, Operator};

/// Whether `kind` is ordered by this module: a real or a double.
pub(super) fn is_float(kind: &DataType) -> bool {
    matches!(kind, DataType::Float32 | DataType::Float64)
}

/// `left op right` of two values of type `kind`, as Trino compares them: the engine's comparison,
/// and for reals and doubles the guard that makes a NaN on either side compare as Java's does.
pub(super) fn compared(left: Expr, op: Operator, right: Expr, kind: &DataType) -> Expr {
    let plain = binary_expr(left.clone(), op, right.clone());
    if !is_float(kind) || left.is_volatile() || right.is_volatile() {
        return plain;
    }
    // Where the engine's answer is true and Java's false: of `=`, both NaN; of `>` and `>=`, a NaN
    // on the left; of `<` and `<=`, a NaN on the right. The other side's being NULL keeps the
    // answer NULL.
    let unless_nan = |nan: Expr, other: Expr| Expr::Not(Box::new(isnan(nan))).or(other.is_null());
    match op {
        Operator::Eq | Operator::Gt | Operator::GtEq => plain.and(unless_nan(left, right)),
        Operator::Lt | Operator::LtEq => plain.and(unless_nan(right, left)),
        // Trino's `<>` is the negation of its `=`.
        Operator::NotEq => Expr::Not(Box::new(compared(left, Operator::Eq, right, kind))),
        _ => plain,
    }
}
