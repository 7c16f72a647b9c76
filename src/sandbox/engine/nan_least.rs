//! NaN as Trino's `max` family takes it: the least value (`MaxAggregationFunction`,
//! `MaxByAggregationFunction` and `max(x, n)` compare with `COMPARISON_UNORDERED_FIRST`), where
//! the engine takes it for the greatest. `max` of 1, 2 and NaN is 2 (the engine answered NaN), and
//! NaN only where every value is NaN; `max_by` and `max(x, n)` order NaN last (`aggregates`,
//! by `"$is_nan"`). `min` already agrees: Trino's takes NaN for the greatest there.
//!
//! `max` of reals and doubles in a GROUP BY (or of all rows) is `"$max"`, an aggregate of the
//! greatest value that is not NaN and whether one was. Over a window the engine's `max` stays.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{internal_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Expr, ExprSchemable, ScalarUDF, Signature, Volatility,
};

use super::rules::ExpressionRule;
use super::udf::{Call, Trino};

/// `"$is_nan"(x)`: whether a real or double is NaN; false for any other value.
pub(super) const IS_NAN: &str = "$is_nan";

const MAX: &str = "$max";

static MAX_UDAF: LazyLock<Arc<AggregateUDF>> = LazyLock::new(|| {
    Arc::new(AggregateUDF::new_from_impl(NanLeastMax { signature: Signature::any(1, Volatility::Immutable) }))
});

pub const NAN_LEAST: ExpressionRule = ExpressionRule { name: "trino_nan_least", rewrite: nan_least };

pub fn functions() -> Vec<ScalarUDF> {
    vec![Trino::udf(
        IS_NAN,
        |call: &Call| match call.types {
            [_] => Ok(DataType::Boolean),
            _ => call.mismatch("is_nan(double)"),
        },
        is_nan,
    )]
}

fn is_floating(kind: &DataType) -> bool {
    matches!(kind, DataType::Float32 | DataType::Float64)
}

fn is_nan(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let values = &args[0];
    if !is_floating(values.data_type()) {
        return Ok(Arc::new(BooleanArray::from(vec![false; values.len()])));
    }
    let values = cast(values, &DataType::Float64)?;
    let nan: BooleanArray =
        values.as_primitive::<Float64Type>().iter().map(|v| Some(v.is_some_and(f64::is_nan))).collect();
    Ok(Arc::new(nan))
}

/// `max(x)` of reals or doubles as `"$max"(x)`, its FILTER, DISTINCT and name kept.
fn nan_least(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let Expr::AggregateFunction(function) = &expr else { return Ok(Transformed::no(expr)) };
    let [value] = function.params.args.as_slice() else { return Ok(Transformed::no(expr)) };
    if function.func.name() != "max" || !is_floating(&value.get_type(schema)?) {
        return Ok(Transformed::no(expr));
    }
    let Expr::AggregateFunction(mut function) = expr else { return Ok(Transformed::no(expr)) };
    function.func = MAX_UDAF.clone();
    Ok(Transformed::yes(Expr::AggregateFunction(function)))
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct NanLeastMax {
    signature: Signature,
}

impl AggregateUDFImpl for NanLeastMax {
    fn name(&self) -> &str {
        MAX
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        match types {
            [kind] => Ok(kind.clone()),
            _ => internal_err!("{MAX} takes a value"),
        }
    }
    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let kind = args.exprs[0].data_type(args.schema)?;
        Ok(Box::new(Greatest { kind, greatest: None, nan: false }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let kind = args.input_fields[0].data_type().clone();
        let greatest = Field::new(format_state_name(args.name, "greatest"), kind, true);
        let nan = Field::new(format_state_name(args.name, "nan"), DataType::Boolean, false);
        Ok(vec![Arc::new(greatest), Arc::new(nan)])
    }
}

/// A group's greatest value that is not NaN so far, and whether a NaN was seen.
#[derive(Debug)]
struct Greatest {
    kind: DataType,
    greatest: Option<f64>,
    nan: bool,
}

impl Greatest {
    fn add(&mut self, value: f64) {
        if value.is_nan() {
            self.nan = true;
        } else {
            self.greatest = Some(self.greatest.map_or(value, |greatest| greatest.max(value)));
        }
    }

    fn answer(&self) -> Result<ScalarValue> {
        let value = self.greatest.or(self.nan.then_some(f64::NAN));
        ScalarValue::Float64(value).cast_to(&self.kind)
    }
}

impl Accumulator for Greatest {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [values] = values else { return internal_err!("{MAX} takes a value") };
        let values = cast(values, &DataType::Float64)?;
        values.as_primitive::<Float64Type>().iter().flatten().for_each(|v| self.add(v));
        Ok(())
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        self.answer()
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.answer()?, ScalarValue::Boolean(Some(self.nan))])
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let [greatest, nan] = states else { return internal_err!("{MAX}'s state is a value and a mark") };
        let greatest = cast(greatest, &DataType::Float64)?;
        greatest.as_primitive::<Float64Type>().iter().flatten().for_each(|v| self.add(v));
        self.nan |= nan.as_boolean().iter().any(|seen| seen == Some(true));
        Ok(())
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}
