//! `max` and `min` as Trino orders their values, where the engine orders them otherwise:
//! - NaN is the least value to Trino's `max` family (`MaxAggregationFunction`,
//!   `MaxByAggregationFunction` and `max(x, n)` compare with `COMPARISON_UNORDERED_FIRST`), where
//!   the engine takes it for the greatest. `max` of 1, 2 and NaN is 2 (the engine answered NaN),
//!   and NaN only where every value is NaN; `max_by` and `max(x, n)` order NaN last
//!   (`aggregates`, by `"$is_nan"`). NaN is the greatest to the `min` family
//!   (`COMPARISON_UNORDERED_LAST`), which the engine's `min` of a GROUP BY broke by the rows'
//!   order. Both read doubles in Java's order (`Double.compare`: -0.0 before 0.0, where the
//!   engine's `max` kept the first of them). `max` and `min` of reals and doubles are `"$max"`
//!   and `"$min"`, aggregates of the greatest (least) value that is not NaN and whether one was.
//! - Arrays and rows are ordered element by element, as `array_comparisons` orders them: a NULL
//!   element (a row's NULL field) reached before the order is known fails as Trino fails
//!   (`ARRAY comparison not supported for arrays with null elements`), where the engine took
//!   NULL for the least element. `max` and `min` of them are `"$max_ordered"` and
//!   `"$min_ordered"`.
//!
//! Over a window whose frame only grows (a running `max`, a partition's) they are the same; over
//! a frame that slides the engine's stay.
//!
//! `greatest` and `array_max` are of the `max` family too (`COMPARISON_UNORDERED_FIRST`):
//! `greatest(1, nan())` and `array_max(ARRAY[1, nan()])` are 1, where the engine answered NaN
//! (`nan_least`). `least` and `array_min` take NaN for the greatest value, as the engine does.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::Float64Array;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{internal_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::WindowFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Expr, ExprSchemable, ScalarUDF, Signature, Volatility,
    WindowFunctionDefinition,
};

use std::cmp::Ordering;

use super::array_comparisons::ordering;
use super::float_comparisons::is_float;
use super::rules::ExpressionRule;
use super::udf::{Call, Trino};

/// `"$is_nan"(x)`: whether a real or double is NaN; false for any other value.
pub(super) const IS_NAN: &str = "$is_nan";

pub const EXTREMES: ExpressionRule = ExpressionRule { name: "trino_extremes", rewrite: extremes };

/// The engine's aggregates of this module: `"$max"`, `"$min"` (of reals and doubles),
/// `"$max_ordered"` and `"$min_ordered"` (of arrays and rows), in that order.
static EXTREME_UDAFS: LazyLock<[Arc<AggregateUDF>; 4]> = LazyLock::new(|| {
    [(true, true), (true, false), (false, true), (false, false)].map(|(floats, greatest)| {
        let signature = Signature::any(1, Volatility::Immutable);
        Arc::new(AggregateUDF::new_from_impl(Extremes { floats, greatest, signature }))
    })
});

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

fn is_nan(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let values = &args[0];
    if !is_float(values.data_type()) {
        return Ok(Arc::new(BooleanArray::from(vec![false; values.len()])));
    }
    let values = cast(values, &DataType::Float64)?;
    let nan: BooleanArray =
        values.as_primitive::<Float64Type>().iter().map(|v| Some(v.is_some_and(f64::is_nan))).collect();
    Ok(Arc::new(nan))
}

/// `max(x)` and `min(x)` of reals or doubles as `"$max"(x)` and `"$min"(x)`, of arrays and rows as
/// `"$max_ordered"(x)` and `"$min_ordered"(x)`, each with its FILTER, DISTINCT and name kept.
fn extremes(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    if let Expr::WindowFunction(window) = &expr {
        return over_a_window(expr.clone(), window, schema);
    }
    let Expr::AggregateFunction(function) = &expr else { return Ok(Transformed::no(expr)) };
    let [value] = function.params.args.as_slice() else { return Ok(Transformed::no(expr)) };
    let name = function.func.name();
    if name != "max" && name != "min" {
        return Ok(Transformed::no(expr));
    }
    let kind = value.get_type(schema)?;
    let replacement = match &kind {
        DataType::Float32 | DataType::Float64 => EXTREME_UDAFS[usize::from(name == "min")].clone(),
        DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) => {
            EXTREME_UDAFS[2 + usize::from(name == "min")].clone()
        }
        _ => return Ok(Transformed::no(expr)),
    };
    let Expr::AggregateFunction(mut function) = expr else { return Ok(Transformed::no(expr)) };
    function.func = replacement;
    Ok(Transformed::yes(Expr::AggregateFunction(function)))
}

/// `max(x) OVER (…)` and `min(x) OVER (…)` of reals or doubles as `"$max"` and `"$min"` over a frame
/// that only grows (from the partition's start: a running or a whole partition's `max`, where the
/// engine took NaN for the greatest); a frame that slides keeps the engine's, which needs an
/// aggregate it can take rows out of.
fn over_a_window(expr: Expr, window: &WindowFunction, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let WindowFunctionDefinition::AggregateUDF(function) = &window.fun else { return Ok(Transformed::no(expr)) };
    let [value] = window.params.args.as_slice() else { return Ok(Transformed::no(expr)) };
    let greatest = match function.name() {
        "max" => true,
        "min" => false,
        _ => return Ok(Transformed::no(expr)),
    };
    if !window.params.window_frame.is_ever_expanding() || !is_float(&value.get_type(schema)?) {
        return Ok(Transformed::no(expr));
    }
    let mut window = window.clone();
    window.fun = WindowFunctionDefinition::AggregateUDF(EXTREME_UDAFS[usize::from(!greatest)].clone());
    Ok(Transformed::yes(Expr::WindowFunction(Box::new(window))))
}

/// `"$max"` (`greatest`) or `"$min"` of reals or doubles (`floats`): the greatest (least) value
/// that is not NaN, in Java's order of doubles (`Double.compare`: -0.0 before 0.0), NaN only where
/// every value is NaN. `"$max_ordered"` or `"$min_ordered"`: of arrays or rows, in Trino's order.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Extremes {
    floats: bool,
    greatest: bool,
    signature: Signature,
}

impl AggregateUDFImpl for Extremes {
    fn name(&self) -> &str {
        match (self.floats, self.greatest) {
            (true, true) => "$max",
            (true, false) => "$min",
            (false, true) => "$max_ordered",
            (false, false) => "$min_ordered",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        match types {
            [kind] => Ok(kind.clone()),
            _ => internal_err!("{} takes a value", self.name()),
        }
    }
    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let (greatest, kind) = (self.greatest, args.exprs[0].data_type(args.schema)?);
        Ok(match self.floats {
            true => Box::new(Float { greatest, kind, best: None, nan: false }),
            false => Box::new(Extreme { greatest, kind, best: None }),
        })
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let kind = args.input_fields[0].data_type().clone();
        let mut fields = vec![Arc::new(Field::new(format_state_name(args.name, "extreme"), kind, true))];
        if self.floats {
            fields.push(Arc::new(Field::new(format_state_name(args.name, "nan"), DataType::Boolean, false)));
        }
        Ok(fields)
    }
}

/// A group's greatest (least) value so far, as an array of it alone.
#[derive(Debug)]
struct Extreme {
    greatest: bool,
    kind: DataType,
    best: Option<ArrayRef>,
}

impl Extreme {
    fn add(&mut self, values: &ArrayRef) -> Result<()> {
        for i in 0..values.len() {
            if values.is_null(i) {
                continue;
            }
            let better = match &self.best {
                None => true,
                Some(best) => {
                    let order = ordering(values, best)?(i, 0)?;
                    order == if self.greatest { Ordering::Greater } else { Ordering::Less }
                }
            };
            if better {
                self.best = Some(values.slice(i, 1));
            }
        }
        Ok(())
    }

    fn answer(&self) -> Result<ScalarValue> {
        match &self.best {
            Some(best) => ScalarValue::try_from_array(best, 0),
            None => ScalarValue::try_from(&self.kind),
        }
    }
}

impl Accumulator for Extreme {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [values] = values else { return internal_err!("an extreme takes a value") };
        self.add(values)
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        self.answer()
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.answer()?])
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let [values] = states else { return internal_err!("an extreme's state is a value") };
        self.add(values)
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.best.as_ref().map_or(0, |best| best.get_array_memory_size())
    }
}

/// A group's greatest (least) value that is not NaN so far, and whether a NaN was seen.
#[derive(Debug)]
struct Float {
    greatest: bool,
    kind: DataType,
    best: Option<f64>,
    nan: bool,
}

impl Float {
    fn add(&mut self, value: f64) {
        if value.is_nan() {
            self.nan = true;
            return;
        }
        let wanted = if self.greatest { Ordering::Greater } else { Ordering::Less };
        if self.best.is_none_or(|best| value.total_cmp(&best) == wanted) {
            self.best = Some(value);
        }
    }

    fn answer(&self) -> Result<ScalarValue> {
        let value = self.best.or(self.nan.then_some(f64::NAN));
        ScalarValue::Float64(value).cast_to(&self.kind)
    }
}

impl Accumulator for Float {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [values] = values else { return internal_err!("an extreme takes a value") };
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
        let [best, nan] = states else { return internal_err!("an extreme's state is a value and a mark") };
        let best = cast(best, &DataType::Float64)?;
        best.as_primitive::<Float64Type>().iter().flatten().for_each(|v| self.add(v));
        self.nan |= nan.as_boolean().iter().any(|seen| seen == Some(true));
        Ok(())
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// The answer of the engine's `greatest` or `array_max` as Trino's (`udf::Amended`) where it
/// answered NaN: the greatest of the values (the array's elements) that are not NaN, NaN only
/// where all of them are.
pub(super) fn nan_least(values: &[ArrayRef], answer: ArrayRef) -> Result<ArrayRef> {
    let kind = answer.data_type().clone();
    if !is_float(&kind) {
        return Ok(answer);
    }
    let found = cast(&answer, &DataType::Float64)?;
    let found = found.as_primitive::<Float64Type>();
    if !found.iter().any(|v| v.is_some_and(f64::is_nan)) {
        return Ok(answer);
    }
    // The values of each row: the array's elements of `array_max`, the arguments of `greatest`.
    let arrays = match values {
        [array] => array.as_list_opt::<i32>().cloned(),
        _ => None,
    };
    let columns = match arrays {
        Some(_) => Vec::new(),
        None => values.iter().map(|v| cast(v, &DataType::Float64)).collect::<Result<Vec<_>, _>>()?,
    };
    let mut fixed = Vec::with_capacity(found.len());
    for (row, value) in found.iter().enumerate() {
        let Some(nan) = value.filter(|v| v.is_nan()) else {
            fixed.push(value);
            continue;
        };
        let mut greatest = Float { greatest: true, kind: DataType::Float64, best: None, nan: false };
        match &arrays {
            Some(arrays) => {
                let elements = cast(&arrays.value(row), &DataType::Float64)?;
                elements.as_primitive::<Float64Type>().iter().flatten().for_each(|v| greatest.add(v));
            }
            None => {
                for column in &columns {
                    let column = column.as_primitive::<Float64Type>();
                    if column.is_valid(row) {
                        greatest.add(column.value(row));
                    }
                }
            }
        }
        fixed.push(greatest.best.or(Some(nan)));
    }
    Ok(cast(&(Arc::new(Float64Array::from(fixed)) as ArrayRef), &kind)?)
}
