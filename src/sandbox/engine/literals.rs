//! Trino's types of literals, read from the statement before it is planned. Planning folds
//! constants, after which `CAST(1 AS BIGINT)` and `1` are the same constant: `typeof` of a
//! literal is answered here, from what was written (`123` an `integer`, `'cat'` a
//! `varchar(3)`, `ARRAY['a']` an `array(varchar(1))`, `CAST(x AS varchar(3))` a `varchar(3)`),
//! and of anything else from the plan.

use std::fmt;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, UnaryOperator,
};
use datafusion::logical_expr::sqlparser::ast::{FunctionArguments, Value};
use datafusion::logical_expr::{
    ColumnarValue, Expr as Planned, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// `typeof(literal)` as the SQL front writes it: `"$literal_type"(literal, 'integer')`. The
/// literal stays in the call so that two of them in one SELECT are two columns.
pub const LITERAL_TYPE: &str = "$literal_type";

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct LiteralType {
    signature: Signature,
}

impl LiteralType {
    pub fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(LiteralType { signature: Signature::any(2, Volatility::Immutable) })
    }
}

impl ScalarUDFImpl for LiteralType {
    fn name(&self) -> &str {
        LITERAL_TYPE
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn simplify(&self, args: Vec<Planned>, _info: &SimplifyContext) -> Result<ExprSimplifyResult> {
        match args.as_slice() {
            [_, name @ Planned::Literal(ScalarValue::Utf8(Some(_)), _)] => {
                Ok(ExprSimplifyResult::Simplified(name.clone()))
            }
            _ => plan_err!("{LITERAL_TYPE} takes a literal and its type's name"),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        // Planning answers it (simplify); this is only reached if simplification was skipped.
        match args.args.get(1) {
            Some(name @ ColumnarValue::Scalar(ScalarValue::Utf8(Some(_)))) => Ok(name.clone()),
            _ => plan_err!("{LITERAL_TYPE} takes a literal and its type's name"),
        }
    }
}

/// The type Trino gives a literal written as `expr`; `None` when `expr` is not one (or is one
/// whose type the plan says as Trino does: booleans, decimals, doubles, NULL).
pub fn literal_type(expr: &Expr) -> Option<String> {
    Literal::of(expr).map(|literal| literal.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Literal {
    Integer,
    Bigint,
    Varchar(usize),
    Array(Box<Literal>),
    Map(Box<Literal>, Box<Literal>),
    /// The elements of `ARRAY[]`.
    Unknown,
}

impl Literal {
    fn of(expr: &Expr) -> Option<Literal> {
        match expr {
            Expr::Nested(inner) => Literal::of(inner),
            Expr::Value(value) => match &value.value {
                Value::Number(digits, _) => integer(digits),
                Value::SingleQuotedString(text) => Some(Literal::Varchar(text.chars().count())),
                _ => None,
            },
            Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match expr.as_ref() {
                Expr::Value(value) => match &value.value {
                    Value::Number(digits, _) => integer(&format!("-{digits}")),
                    _ => None,
                },
                _ => None,
            },
            Expr::UnaryOp { op: UnaryOperator::Plus, expr } => Literal::of(expr).filter(Literal::is_integral),
            // A cast to `varchar(n)`, of anything: the length written (the engine's text has none).
            Expr::Cast {
                data_type: ast::DataType::Varchar(Some(ast::CharacterLength::IntegerLength { length, .. })),
                ..
            } => Some(Literal::Varchar(usize::try_from(*length).ok()?)),
            // Trino's arithmetic on integers keeps the wider, and `||` adds the lengths.
            Expr::BinaryOp { left, op, right } => {
                let (left, right) = (Literal::of(left)?, Literal::of(right)?);
                match op {
                    BinaryOperator::Plus
                    | BinaryOperator::Minus
                    | BinaryOperator::Multiply
                    | BinaryOperator::Divide
                    | BinaryOperator::Modulo
                        if left.is_integral() && right.is_integral() =>
                    {
                        left.common(right)
                    }
                    BinaryOperator::StringConcat => match (left, right) {
                        (Literal::Varchar(a), Literal::Varchar(b)) => Some(Literal::Varchar(a + b)),
                        _ => None,
                    },
                    _ => None,
                }
            }
            Expr::Array(array) => {
                let mut elements = array.elem.iter().map(Literal::of);
                let Some(first) = elements.next() else { return Some(Literal::Array(Box::new(Literal::Unknown))) };
                let element = elements.try_fold(first?, |common, next| common.common(next?))?;
                Some(Literal::Array(Box::new(element)))
            }
            // `MAP(ARRAY[keys], ARRAY[values])`.
            Expr::Function(function) if function.name.to_string().eq_ignore_ascii_case("map") => {
                let FunctionArguments::List(list) = &function.args else { return None };
                let [FunctionArg::Unnamed(FunctionArgExpr::Expr(keys)), FunctionArg::Unnamed(FunctionArgExpr::Expr(values))] =
                    list.args.as_slice()
                else {
                    return None;
                };
                match (Literal::of(keys)?, Literal::of(values)?) {
                    (Literal::Array(key), Literal::Array(value)) => Some(Literal::Map(key, value)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn is_integral(&self) -> bool {
        matches!(self, Literal::Integer | Literal::Bigint)
    }

    /// The type both fit in, as Trino coerces the elements of an array.
    fn common(self, other: Literal) -> Option<Literal> {
        Some(match (self, other) {
            (a, b) if a == b => a,
            (Literal::Unknown, b) => b,
            (a, Literal::Unknown) => a,
            (a, b) if a.is_integral() && b.is_integral() => Literal::Bigint,
            (Literal::Varchar(a), Literal::Varchar(b)) => Literal::Varchar(a.max(b)),
            (Literal::Array(a), Literal::Array(b)) => Literal::Array(Box::new(a.common(*b)?)),
            (Literal::Map(ka, va), Literal::Map(kb, vb)) => {
                Literal::Map(Box::new(ka.common(*kb)?), Box::new(va.common(*vb)?))
            }
            _ => return None,
        })
    }
}

/// An integer literal: `integer` when it fits in 32 bits, `bigint` in 64; a larger one is a
/// decimal, whose type the plan says.
fn integer(digits: &str) -> Option<Literal> {
    let n: i64 = digits.parse().ok()?;
    Some(if i32::try_from(n).is_ok() { Literal::Integer } else { Literal::Bigint })
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Integer => f.write_str("integer"),
            Literal::Bigint => f.write_str("bigint"),
            Literal::Varchar(n) => write!(f, "varchar({n})"),
            Literal::Array(element) => write!(f, "array({element})"),
            Literal::Map(key, value) => write!(f, "map({key}, {value})"),
            Literal::Unknown => f.write_str("unknown"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::sqlparser::dialect::GenericDialect;
    use datafusion::logical_expr::sqlparser::parser::Parser;

    fn typed(sql: &str) -> Option<String> {
        let expr = Parser::new(&GenericDialect {}).try_with_sql(sql).unwrap().parse_expr().unwrap();
        literal_type(&expr)
    }

    #[test]
    fn literals_have_trinos_types_and_the_rest_is_left_to_the_plan() {
        assert_eq!(typed("123").as_deref(), Some("integer"));
        assert_eq!(typed("-2147483648").as_deref(), Some("integer"));
        assert_eq!(typed("2147483648").as_deref(), Some("bigint"));
        assert_eq!(typed("'cat'").as_deref(), Some("varchar(3)"));
        assert_eq!(typed("'Palhoça'").as_deref(), Some("varchar(7)"));
        assert_eq!(typed("''").as_deref(), Some("varchar(0)"));
        assert_eq!(typed("CAST(country AS varchar(3))").as_deref(), Some("varchar(3)"));
        assert_eq!(typed("TRY_CAST(1 AS varchar(2)) || 'ab'").as_deref(), Some("varchar(4)"));
        assert_eq!(typed("CAST(country AS varchar)"), None);
        assert_eq!(typed("(1 + 2) * 3").as_deref(), Some("integer"));
        assert_eq!(typed("1 + 3000000000").as_deref(), Some("bigint"));
        assert_eq!(typed("'ab' || 'c'").as_deref(), Some("varchar(3)"));
        assert_eq!(typed("ARRAY['a']").as_deref(), Some("array(varchar(1))"));
        assert_eq!(typed("ARRAY[1, 3000000000]").as_deref(), Some("array(bigint)"));
        assert_eq!(typed("ARRAY[ARRAY['a'], ARRAY['bc'], ARRAY[]]").as_deref(), Some("array(array(varchar(2)))"));
        assert_eq!(typed("ARRAY[]").as_deref(), Some("array(unknown)"));
        assert_eq!(typed("MAP(ARRAY['a'], ARRAY[1])").as_deref(), Some("map(varchar(1), integer)"));
        // The plan knows these: casts, columns, decimals, doubles, mixed arrays, functions.
        for sql in
            ["CAST(1 AS BIGINT)", "x", "1.5", "1e3", "ARRAY[1, 'a']", "ARRAY[1, x]", "upper('a')", "1 = 1", "NULL"]
        {
            assert_eq!(typed(sql), None, "{sql}");
        }
    }
}
