//! Trino's `TRY(e)`: `e`, or NULL in the rows where evaluating it fails (a division by zero,
//! a cast that does not fit, a bad function argument). The SQL front (`sql`) hands it over as
//! `"$try"(0, "$row" -> e)`, so that `e` arrives unevaluated and can be run again row by row.
//!
//! The engine folds a cast of a constant while it plans, and fails the query there when the
//! value does not fit: `TRY(CAST('x' AS integer))` failed where Trino answers NULL. The SQL front
//! hands each cast in `e` its value as `"$held"(v)` (`HELD`), which the planner must not fold, so
//! that the cast waits for `$try`.

use std::ops::ControlFlow;
use std::sync::Arc;

use datafusion::arrow::array::{new_null_array, Array, ArrayRef};
use datafusion::arrow::compute::{cast, concat};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{plan_err, Result};

use super::sql::{call, lambda};
use datafusion::logical_expr::sqlparser::ast::{self, CastKind, Expr, Value};
use datafusion::logical_expr::{
    ColumnarValue, HigherOrderFunctionArgs, HigherOrderReturnFieldArgs, HigherOrderSignature, HigherOrderUDF,
    HigherOrderUDFImpl, LambdaParametersProgress, ValueOrLambda, Volatility,
};

/// The engine's name for a value the planner must not fold (`udf::Passing`, volatile).
pub const HELD: &str = "$held";

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Try {
    signature: HigherOrderSignature,
}

impl Try {
    pub fn function() -> Arc<HigherOrderUDF> {
        Arc::new(HigherOrderUDF::new_from_impl(Try { signature: HigherOrderSignature::any(2, Volatility::Immutable) }))
    }
}

impl HigherOrderUDFImpl for Try {
    fn name(&self) -> &str {
        "$try"
    }

    fn signature(&self) -> &HigherOrderSignature {
        &self.signature
    }

    fn coerce_value_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(arg_types.to_vec())
    }

    fn lambda_parameters(
        &self,
        _step: usize,
        fields: &[ValueOrLambda<FieldRef, Option<FieldRef>>],
    ) -> Result<LambdaParametersProgress> {
        match fields {
            [ValueOrLambda::Value(row), ValueOrLambda::Lambda(_)] => {
                Ok(LambdaParametersProgress::Complete(vec![vec![row.clone()]]))
            }
            _ => plan_err!("TRY takes one expression"),
        }
    }

    fn return_field_from_args(&self, args: HigherOrderReturnFieldArgs) -> Result<FieldRef> {
        match args.arg_fields {
            [_, ValueOrLambda::Lambda(body)] => Ok(Arc::new(Field::new("try", body.data_type().clone(), true))),
            _ => plan_err!("TRY takes one expression"),
        }
    }

    fn clear_null_values(&self) -> bool {
        false
    }

    fn invoke_with_args(&self, args: HigherOrderFunctionArgs) -> Result<ColumnarValue> {
        let [ValueOrLambda::Value(rows), ValueOrLambda::Lambda(body)] = args.args.as_slice() else {
            return plan_err!("TRY takes one expression");
        };
        let rows = rows.to_array(args.number_rows)?;
        let whole = body.evaluate(&[&|| Ok(rows.clone())], |captured| Ok(captured.to_vec()));
        if let Ok(answer) = whole {
            return Ok(answer);
        }
        // Some row failed: answer each row alone, NULL where it fails.
        let kind = args.return_type().clone();
        let mut parts: Vec<ArrayRef> = Vec::with_capacity(rows.len());
        for i in 0..rows.len() {
            let row = rows.slice(i, 1);
            let answer = body
                .evaluate(&[&|| Ok(row.clone())], |captured| Ok(captured.iter().map(|c| c.slice(i, 1)).collect()))
                .and_then(|value| value.into_array(1));
            let part = match answer {
                Ok(part) if part.data_type() == &kind => part,
                Ok(part) => cast(&part, &kind)?,
                Err(_) => new_null_array(&kind, 1),
            };
            parts.push(part);
        }
        let refs: Vec<&dyn Array> = parts.iter().map(|p| p.as_ref()).collect();
        if refs.is_empty() {
            return Ok(ColumnarValue::Array(new_null_array(&kind, 0)));
        }
        Ok(ColumnarValue::Array(concat(&refs)?))
    }
}

/// `TRY(body)` as the engine runs it: `"$try"(0, "$row" -> body)`, each cast in `body` of a
/// constant held from the planner (`try_::HELD`), so that one that does not fit answers NULL
/// rather than failing the plan (a cast of a column is left as it is: the planner does not fold
/// it, and a filter on it still prunes partitions).
pub(super) fn try_call(mut body: Expr) -> Expr {
    let _ = ast::visit_expressions_mut(&mut body, |e| {
        match e {
            Expr::Cast { kind: CastKind::Cast | CastKind::DoubleColon, expr, .. } if !names_any(expr) => {
                let value = std::mem::replace(expr.as_mut(), Expr::value(Value::Null));
                **expr = call(HELD, vec![value]);
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    call("$try", vec![Expr::value(Value::Number("0".into(), false)), lambda("$row", body)])
}

/// Whether `expr` names anything (a column, a lambda's parameter): then it is no constant.
fn names_any(expr: &Expr) -> bool {
    ast::visit_expressions(expr, |e| match e {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}
