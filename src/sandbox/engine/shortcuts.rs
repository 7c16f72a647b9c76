//! How the engine evaluates windows, where its own ways answer otherwise than the function, or
//! not at all.
//!
//! **Reverses.** When a query has windows of opposite orders (`array_agg(x) OVER (ORDER BY y)`
//! beside `row_number() OVER (ORDER BY y DESC)`), DataFusion sorts once and computes the other
//! windows backwards with each function's "reverse". Three reverses answer otherwise:
//! `array_agg`'s keeps the frame's values in reversed order (`[30, null, 10]` for
//! `[10, null, 30]`), and `lag`'s and `lead`'s are the other one with the offset turned, whose
//! IGNORE NULLS skips wrongly (`lag(x, 2) IGNORE NULLS` was NULL where the second value before
//! the row is 10). Here they have no reverse, so the engine sorts the rows for their window; and
//! `array_agg` (and `listagg`, which is one) sorts its own rows for its ORDER BY, where the engine
//! took rows sorted the other way for its reverse's and answered them in that order.
//!
//! **Row by row.** `lead(x, n) IGNORE NULLS` computed a row at a time, as the engine streams a
//! window, loses count of the NULLs after the rows it has read, and misses values where `n` is
//! above 1 (NULL where the second non-NULL value after the row is `prod061`). Here it is computed
//! over the whole partition, by the engine's other evaluation, which counts right.
//!
//! **Sliding frames.** Over a frame whose start moves (`ROWS BETWEEN 1 PRECEDING AND CURRENT
//! ROW`), the engine takes each row leaving the frame back out of the aggregate, which some of
//! its aggregates cannot do (`bool_and`, `arbitrary`, `approx_distinct`, `bitwise_and_agg`, …:
//! "retract_batch is not implemented"); Trino answers them. Here such an aggregate keeps the
//! frame's rows and folds them afresh for each row (`Refolded`).

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::{DataType, FieldRef, Schema};
use datafusion::common::{internal_err, Result, ScalarValue};
use datafusion::logical_expr::expr::{AggregateFunction, AggregateFunctionParams, WindowFunctionParams};
use datafusion::logical_expr::function::{
    AccumulatorArgs, AggregateFunctionSimplification, ExpressionArgs, PartitionEvaluatorArgs, StateFieldsArgs,
    WindowFunctionSimplification, WindowUDFFieldArgs,
};
use datafusion::logical_expr::udf_eq::UdfEq;
use datafusion::logical_expr::utils::AggregateOrderSensitivity;
use datafusion::logical_expr::window_state::WindowAggState;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Documentation, Expr, GroupsAccumulator, LimitEffect, Operator,
    PartitionEvaluator, ReversedUDAF, ReversedUDWF, SetMonotonicity, Signature, StatisticsArgs, WindowUDF,
    WindowUDFImpl,
};
use datafusion::physical_expr::{PhysicalExpr, PhysicalSortExpr};
use datafusion::prelude::SessionContext;

/// The aggregates and the window functions whose reverse answers otherwise.
const NO_REVERSE: &[&str] = &["array_agg"];
const WINDOW_FUNCTIONS: &[&str] = &["lag", "lead"];
/// The aggregates that cannot take a row back out (Trino's names for them too, each an alias).
const REFOLDED: &[&str] = &["bool_and", "bool_or", "any_value", "approx_distinct", "bit_and", "bit_or", "bit_xor"];
/// The window function whose row-by-row evaluation under IGNORE NULLS answers otherwise.
const WHOLE_UNDER_IGNORE_NULLS: &str = "lead";

/// Registers each function of the lists above with `ctx` again, without its shortcut.
pub fn register(ctx: &SessionContext) -> Result<()> {
    let state = ctx.state();
    for name in NO_REVERSE.iter().chain(REFOLDED) {
        if let Some(function) = state.aggregate_functions().get(*name) {
            let inner = Arc::clone(function.inner()).into();
            let (reverses, refolds) = (!NO_REVERSE.contains(name), REFOLDED.contains(name));
            ctx.register_udaf(AggregateUDF::new_from_shared_impl(Arc::new(Forward { inner, reverses, refolds })));
        }
    }
    for name in WINDOW_FUNCTIONS {
        if let Some(function) = state.window_functions().get(*name) {
            let inner = Arc::clone(function.inner());
            ctx.register_udwf(WindowUDF::new_from_shared_impl(Arc::new(ForwardWindow { inner: inner.into() })));
        }
    }
    Ok(())
}

/// An aggregate as `inner` answers it, with no reverse unless `reverses`, and folded afresh
/// over a sliding frame where it cannot take rows back out if `refolds`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Forward {
    inner: UdfEq<Arc<dyn AggregateUDFImpl>>,
    reverses: bool,
    refolds: bool,
}

impl AggregateUDFImpl for Forward {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }
    fn signature(&self) -> &Signature {
        self.inner.signature()
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }
    fn return_field(&self, arg_fields: &[FieldRef]) -> Result<FieldRef> {
        self.inner.return_field(arg_fields)
    }
    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        self.inner.accumulator(args)
    }
    fn schema_name(&self, params: &AggregateFunctionParams) -> Result<String> {
        self.inner.schema_name(params)
    }
    fn human_display(&self, params: &AggregateFunctionParams) -> Result<String> {
        self.inner.human_display(params)
    }
    fn window_function_schema_name(&self, params: &WindowFunctionParams) -> Result<String> {
        self.inner.window_function_schema_name(params)
    }
    fn display_name(&self, params: &AggregateFunctionParams) -> Result<String> {
        self.inner.display_name(params)
    }
    fn window_function_display_name(&self, params: &WindowFunctionParams) -> Result<String> {
        self.inner.window_function_display_name(params)
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        self.inner.state_fields(args)
    }
    fn groups_accumulator_supported(&self, args: AccumulatorArgs) -> bool {
        self.inner.groups_accumulator_supported(args)
    }
    fn create_groups_accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn GroupsAccumulator>> {
        self.inner.create_groups_accumulator(args)
    }
    fn create_sliding_accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let sliding = self.inner.create_sliding_accumulator(args.clone())?;
        if !self.refolds || sliding.supports_retract_batch() {
            return Ok(sliding);
        }
        Ok(Box::new(Refolded::new(Arc::clone(&self.inner), &args)))
    }
    fn with_beneficial_ordering(self: Arc<Self>, beneficial: bool) -> Result<Option<Arc<dyn AggregateUDFImpl>>> {
        // Without a reverse, never told its rows come in order: the engine told so an aggregate
        // whose rows came in the reverse order (whose reverse it would have used), and `array_agg(x
        // ORDER BY x)` over rows sorted by x DESC answered them in that order. It sorts them itself.
        let beneficial = beneficial && self.reverses;
        let ordered = Arc::clone(&self.inner).with_beneficial_ordering(beneficial)?;
        let (reverses, refolds) = (self.reverses, self.refolds);
        Ok(ordered
            .map(|inner| Arc::new(Forward { inner: inner.into(), reverses, refolds }) as Arc<dyn AggregateUDFImpl>))
    }
    fn order_sensitivity(&self) -> AggregateOrderSensitivity {
        self.inner.order_sensitivity()
    }
    fn simplify(&self) -> Option<AggregateFunctionSimplification> {
        self.inner.simplify()
    }
    fn simplify_expr_op_literal(
        &self,
        function: &AggregateFunction,
        arg: &Expr,
        op: Operator,
        lit: &Expr,
        arg_is_left: bool,
    ) -> Result<Option<Expr>> {
        self.inner.simplify_expr_op_literal(function, arg, op, lit, arg_is_left)
    }
    fn reverse_expr(&self) -> ReversedUDAF {
        if self.reverses {
            self.inner.reverse_expr()
        } else {
            ReversedUDAF::NotSupported
        }
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }
    fn is_nullable(&self) -> bool {
        self.inner.is_nullable()
    }
    fn is_descending(&self) -> Option<bool> {
        self.inner.is_descending()
    }
    fn value_from_stats(&self, args: &StatisticsArgs) -> Option<ScalarValue> {
        self.inner.value_from_stats(args)
    }
    fn default_value(&self, data_type: &DataType) -> Result<ScalarValue> {
        self.inner.default_value(data_type)
    }
    fn supports_null_handling_clause(&self) -> bool {
        self.inner.supports_null_handling_clause()
    }
    fn supports_within_group_clause(&self) -> bool {
        self.inner.supports_within_group_clause()
    }
    fn set_monotonicity(&self, data_type: &DataType) -> SetMonotonicity {
        self.inner.set_monotonicity(data_type)
    }
    fn documentation(&self) -> Option<&Documentation> {
        self.inner.documentation()
    }
}

/// A window function as `inner` answers it, with no reverse.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ForwardWindow {
    inner: UdfEq<Arc<dyn WindowUDFImpl>>,
}

impl WindowUDFImpl for ForwardWindow {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }
    fn signature(&self) -> &Signature {
        self.inner.signature()
    }
    fn expressions(&self, args: ExpressionArgs) -> Vec<Arc<dyn PhysicalExpr>> {
        self.inner.expressions(args)
    }
    fn partition_evaluator(&self, args: PartitionEvaluatorArgs) -> Result<Box<dyn PartitionEvaluator>> {
        let whole = args.ignore_nulls() && self.inner.name() == WHOLE_UNDER_IGNORE_NULLS;
        let evaluator = self.inner.partition_evaluator(args)?;
        Ok(if whole { Box::new(Whole(evaluator)) } else { evaluator })
    }
    fn simplify(&self) -> Option<WindowFunctionSimplification> {
        self.inner.simplify()
    }
    fn field(&self, args: WindowUDFFieldArgs) -> Result<FieldRef> {
        self.inner.field(args)
    }
    fn sort_options(&self) -> Option<SortOptions> {
        self.inner.sort_options()
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }
    /// The module's point.
    fn reverse_expr(&self) -> ReversedUDWF {
        ReversedUDWF::NotSupported
    }
    fn documentation(&self) -> Option<&Documentation> {
        self.inner.documentation()
    }
    fn limit_effect(&self, args: &[Arc<dyn PhysicalExpr>]) -> LimitEffect {
        self.inner.limit_effect(args)
    }
}

/// A window function's evaluation over the whole partition at once: as its evaluator answers,
/// but never row by row.
#[derive(Debug)]
struct Whole(Box<dyn PartitionEvaluator>);

impl PartitionEvaluator for Whole {
    /// The module's point: the engine then evaluates the partition with `evaluate_all`.
    fn supports_bounded_execution(&self) -> bool {
        false
    }
    fn memoize(&mut self, state: &mut WindowAggState) -> Result<()> {
        self.0.memoize(state)
    }
    fn get_range(&self, idx: usize, n_rows: usize) -> Result<Range<usize>> {
        self.0.get_range(idx, n_rows)
    }
    fn is_causal(&self) -> bool {
        self.0.is_causal()
    }
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        self.0.evaluate_all(values, num_rows)
    }
    fn evaluate(&mut self, values: &[ArrayRef], range: &Range<usize>) -> Result<ScalarValue> {
        self.0.evaluate(values, range)
    }
    fn evaluate_all_with_rank(&self, num_rows: usize, ranks: &[Range<usize>]) -> Result<ArrayRef> {
        self.0.evaluate_all_with_rank(num_rows, ranks)
    }
    fn uses_window_frame(&self) -> bool {
        self.0.uses_window_frame()
    }
    fn include_rank(&self) -> bool {
        self.0.include_rank()
    }
}

/// An aggregate over a sliding frame that keeps the frame's rows, and folds them with a fresh
/// accumulator of the aggregate for each answer: for an aggregate whose own accumulator cannot
/// take rows back out. Each answer costs the frame's length.
#[derive(Debug)]
struct Refolded {
    function: Arc<dyn AggregateUDFImpl>,
    call: Call,
    /// The frame's rows, each its arguments' values, the oldest first.
    rows: VecDeque<Vec<ScalarValue>>,
}

/// What an accumulator of the aggregate is made from (`AccumulatorArgs`, owned).
#[derive(Debug)]
struct Call {
    return_field: FieldRef,
    schema: Schema,
    ignore_nulls: bool,
    order_bys: Vec<PhysicalSortExpr>,
    is_reversed: bool,
    name: String,
    is_distinct: bool,
    exprs: Vec<Arc<dyn PhysicalExpr>>,
    expr_fields: Vec<FieldRef>,
}

impl Refolded {
    fn new(function: Arc<dyn AggregateUDFImpl>, args: &AccumulatorArgs) -> Self {
        let call = Call {
            return_field: Arc::clone(&args.return_field),
            schema: args.schema.clone(),
            ignore_nulls: args.ignore_nulls,
            order_bys: args.order_bys.to_vec(),
            is_reversed: args.is_reversed,
            name: args.name.to_string(),
            is_distinct: args.is_distinct,
            exprs: args.exprs.to_vec(),
            expr_fields: args.expr_fields.to_vec(),
        };
        Refolded { function, call, rows: VecDeque::new() }
    }

    /// A fresh accumulator with the frame's rows in it.
    fn folded(&self) -> Result<Box<dyn Accumulator>> {
        let call = &self.call;
        let args = AccumulatorArgs {
            return_field: Arc::clone(&call.return_field),
            schema: &call.schema,
            ignore_nulls: call.ignore_nulls,
            order_bys: &call.order_bys,
            is_reversed: call.is_reversed,
            name: &call.name,
            is_distinct: call.is_distinct,
            exprs: &call.exprs,
            expr_fields: &call.expr_fields,
        };
        let mut accumulator = self.function.accumulator(args)?;
        if let Some(width) = self.rows.front().map(Vec::len) {
            let columns = (0..width)
                .map(|c| ScalarValue::iter_to_array(self.rows.iter().map(|row| row[c].clone())))
                .collect::<Result<Vec<_>>>()?;
            accumulator.update_batch(&columns)?;
        }
        Ok(accumulator)
    }
}

impl Accumulator for Refolded {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        for i in 0..values.first().map_or(0, |v| v.len()) {
            self.rows.push_back(values.iter().map(|v| ScalarValue::try_from_array(v, i)).collect::<Result<_>>()?);
        }
        Ok(())
    }
    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let leaving = values.first().map_or(0, |v| v.len()).min(self.rows.len());
        self.rows.drain(..leaving);
        Ok(())
    }
    fn supports_retract_batch(&self) -> bool {
        true
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        self.folded()?.evaluate()
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.folded()?.state()
    }
    fn merge_batch(&mut self, _states: &[ArrayRef]) -> Result<()> {
        internal_err!("an aggregate over a sliding frame is not merged")
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.rows.iter().map(|row| row.iter().map(ScalarValue::size).sum::<usize>()).sum::<usize>()
    }
}
