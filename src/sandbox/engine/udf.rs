//! One shape for the Trino functions the engine adds row by row: a name, the check of its
//! argument types (which also gives the answer's type) and how it answers a batch.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use super::types::{json_field, trino_type};

/// The answer's type from the arguments' types and, for the constant ones, their values (a
/// zone name decides the type of `at_timezone`'s answer); an error when Athena would refuse them.
pub type Returns = fn(&Call) -> Result<DataType>;
/// The answers for a batch: the arguments as arrays of one length, and the answer's type.
pub type Run = fn(&[ArrayRef], &DataType) -> Result<ArrayRef>;

/// What `Returns` is told about a call.
pub struct Call<'a> {
    pub name: &'static str,
    pub types: &'a [DataType],
    pub scalars: &'a [Option<&'a ScalarValue>],
}

impl Call<'_> {
    /// Athena's message when the arguments do not fit: `usage` lists the accepted forms.
    pub fn mismatch<T>(&self, usage: &str) -> Result<T> {
        type_mismatch(self.name, self.types, usage)
    }

    /// Athena's message for an aggregate of Trino's whose values reach `self` gathered in an
    /// array (`aggregates`): its own name, and the type of the values, not of their array.
    pub fn gathered_mismatch<T>(&self, name: &str, usage: &str) -> Result<T> {
        let mut types = self.types.to_vec();
        if let Some(first) = types.first_mut() {
            *first = super::nested::item(first).cloned().unwrap_or(DataType::Null);
        }
        type_mismatch(name, &types, usage)
    }

    /// The constant whole-number argument `i`, if it is one.
    pub fn integer(&self, i: usize) -> Option<i64> {
        match self.scalars.get(i).copied().flatten()? {
            ScalarValue::Int8(Some(n)) => Some(i64::from(*n)),
            ScalarValue::Int16(Some(n)) => Some(i64::from(*n)),
            ScalarValue::Int32(Some(n)) => Some(i64::from(*n)),
            ScalarValue::Int64(Some(n)) => Some(*n),
            _ => None,
        }
    }

    /// The constant text argument `i`, if it is one.
    pub fn text(&self, i: usize) -> Option<&str> {
        match self.scalars.get(i).copied().flatten()? {
            ScalarValue::Utf8(s) | ScalarValue::LargeUtf8(s) | ScalarValue::Utf8View(s) => s.as_deref(),
            _ => None,
        }
    }
}

/// Athena's refusal of a call of `name` with arguments of `types`; `usage` lists the accepted forms.
pub fn type_mismatch<T>(name: &str, types: &[DataType], usage: &str) -> Result<T> {
    let got: Vec<String> = types.iter().map(trino_type).collect();
    unexpected_parameters(name, &got, usage)
}

/// The same, the arguments' types named already (a literal's `varchar(3)`, `mixed_types`).
pub fn unexpected_parameters<T>(name: &str, given: &[String], usage: &str) -> Result<T> {
    plan_err!("TYPE_MISMATCH: Unexpected parameters ({}) for function {name}. Expected: {usage}", given.join(", "))
}

/// A Trino function answered row by row.
#[derive(Debug)]
pub struct Trino {
    name: &'static str,
    signature: Signature,
    returns: Returns,
    run: Run,
    /// Whether the answer is JSON (text to the engine, `json` to Trino).
    json: bool,
    /// Whether a JSON argument is the answer as it is (`CAST(json AS JSON)`).
    keeps_json: bool,
}

impl PartialEq for Trino {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Trino {}

impl Hash for Trino {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl Trino {
    pub fn udf(name: &'static str, returns: Returns, run: Run) -> ScalarUDF {
        Trino::made(name, returns, run, false, false)
    }

    /// A function whose answer is JSON (its text; `returns` says `varchar`).
    pub fn json(name: &'static str, returns: Returns, run: Run) -> ScalarUDF {
        Trino::made(name, returns, run, true, false)
    }

    /// A function whose answer is JSON, and whose JSON argument is its answer as it is.
    pub fn json_keeping(name: &'static str, returns: Returns, run: Run) -> ScalarUDF {
        Trino::made(name, returns, run, true, true)
    }

    fn made(name: &'static str, returns: Returns, run: Run, json: bool, keeps_json: bool) -> ScalarUDF {
        let signature = Signature::variadic_any(Volatility::Immutable);
        ScalarUDF::new_from_impl(Trino { name, signature, returns, run, json, keeps_json })
    }
}

impl ScalarUDFImpl for Trino {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        (self.returns)(&Call { name: self.name, types, scalars: &vec![None; types.len()] })
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let types: Vec<DataType> = args.arg_fields.iter().map(|f| f.data_type().clone()).collect();
        let kind = (self.returns)(&Call { name: self.name, types: &types, scalars: args.scalar_arguments })?;
        if self.json && is_text(&kind) {
            return Ok(Arc::new(json_field(self.name)));
        }
        Ok(Arc::new(Field::new(self.name, kind, true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        if self.keeps_json && args.arg_fields.first().is_some_and(|field| super::types::is_json(field)) {
            if let Some(json) = args.args.into_iter().next() {
                return Ok(json);
            }
            return exec_err!("{} takes a value", self.name);
        }
        let all_scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let out = (self.run)(&arrays, args.return_field.data_type())?;
        if all_scalar && out.len() == 1 {
            return Ok(ColumnarValue::Scalar(single(&out)?));
        }
        Ok(ColumnarValue::Array(out))
    }
}

/// A function that answers its first argument as it is, field and all (JSON stays JSON), for
/// what the planner is to see otherwise than the value: `try_::HELD` (volatile: never folded),
/// `cast::CAST_VALUE` (a cast's value named for its type while the query is planned, then
/// taken off by the optimizer, so that a filter on the cast still reads Parquet's statistics)
/// and `subqueries::MAYBE_NULL` (volatile, and its value possibly NULL whatever its argument's).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Passing {
    name: &'static str,
    signature: Signature,
    /// Whether the optimizer takes the call off, leaving the value.
    planned_away: bool,
    /// Whether the answer may be NULL where the argument may not.
    nullable: bool,
}

impl Passing {
    /// `name(value)`, volatile: the planner never folds it.
    pub fn held(name: &'static str) -> ScalarUDF {
        let signature = Signature::any(1, Volatility::Volatile);
        ScalarUDF::new_from_impl(Passing { name, signature, planned_away: false, nullable: false })
    }

    /// `name(value, label)`: the value under a name of its own until the query is planned.
    pub fn labelled(name: &'static str) -> ScalarUDF {
        let signature = Signature::any(2, Volatility::Immutable);
        ScalarUDF::new_from_impl(Passing { name, signature, planned_away: true, nullable: false })
    }

    /// `name(value)`, volatile, and read by the planner as possibly NULL.
    pub fn nullable(name: &'static str) -> ScalarUDF {
        let signature = Signature::any(1, Volatility::Volatile);
        ScalarUDF::new_from_impl(Passing { name, signature, planned_away: false, nullable: true })
    }
}

impl ScalarUDFImpl for Passing {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        match types.first() {
            Some(kind) => Ok(kind.clone()),
            None => plan_err!("{} takes a value", self.name),
        }
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        match args.arg_fields.first() {
            Some(field) if self.nullable => Ok(Arc::new(field.as_ref().clone().with_nullable(true))),
            Some(field) => Ok(field.clone()),
            None => plan_err!("{} takes a value", self.name),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        match args.args.into_iter().next() {
            Some(value) => Ok(value),
            None => plan_err!("{} takes a value", self.name),
        }
    }

    fn simplify(&self, args: Vec<Expr>, _: &SimplifyContext) -> Result<ExprSimplifyResult> {
        match args.into_iter().next() {
            Some(value) if self.planned_away => Ok(ExprSimplifyResult::Simplified(value)),
            Some(value) => Ok(ExprSimplifyResult::Original(vec![value])),
            None => plan_err!("{} takes a value", self.name),
        }
    }
}

/// How `Amended` makes Trino's answer from a DataFusion function's: of the arguments (each an
/// array) and the function's answer.
pub type Amend = fn(&[ArrayRef], ArrayRef) -> Result<ArrayRef>;

/// One of DataFusion's functions whose answer is amended to Trino's (`then`): NULL where an
/// argument is NULL (`strict`), where an element of its array is (`strict_elements`), NaN the
/// least value (`extremes::nan_least`).
#[derive(Debug)]
pub struct Amended {
    inner: ScalarUDF,
    then: Amend,
}

// Two are one where they amend one function alike (the same `then`, as its address says).
impl PartialEq for Amended {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner && std::ptr::fn_addr_eq(self.then, other.then)
    }
}

impl Eq for Amended {}

impl Hash for Amended {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.hash(state);
        (self.then as usize).hash(state);
    }
}

impl Amended {
    pub fn udf(inner: ScalarUDF, then: Amend) -> ScalarUDF {
        ScalarUDF::new_from_impl(Amended { inner, then })
    }
}

impl ScalarUDFImpl for Amended {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(types)
    }

    fn coerce_types(&self, types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(types)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let values = ColumnarValue::values_to_arrays(&args.args)?;
        let answer = self.inner.invoke_with_args(args)?.into_array(rows)?;
        Ok(ColumnarValue::Array((self.then)(&values, answer)?))
    }
}

/// NULL in each row where an argument is NULL, as Trino's `greatest` and `least` answer
/// (DataFusion's leave NULLs out).
pub fn strict(values: &[ArrayRef], answer: ArrayRef) -> Result<ArrayRef> {
    masked(values, answer, false)
}

/// NULL in each row where an element of the array is NULL too, as Trino's `array_max` and
/// `array_min` answer.
pub fn strict_elements(values: &[ArrayRef], answer: ArrayRef) -> Result<ArrayRef> {
    masked(values, answer, true)
}

fn masked(values: &[ArrayRef], answer: ArrayRef, of_elements: bool) -> Result<ArrayRef> {
    if *answer.data_type() == DataType::Null {
        // All NULL already (`array_max(ARRAY[])`), and with no place for a mask.
        return Ok(answer);
    }
    let mut nulls = answer.logical_nulls();
    for value in values {
        nulls = NullBuffer::union(nulls.as_ref(), value.logical_nulls().as_ref());
    }
    if let Some(arrays) = values.first().filter(|_| of_elements).and_then(|v| v.as_list_opt::<i32>()) {
        let whole: NullBuffer =
            (0..arrays.len()).map(|row| arrays.is_null(row) || arrays.value(row).logical_null_count() == 0).collect();
        nulls = NullBuffer::union(nulls.as_ref(), Some(&whole));
    }
    let answer = answer.into_data().into_builder().nulls(nulls).build()?;
    Ok(datafusion::arrow::array::make_array(answer))
}

/// The one value of `array`, of exactly its type (`try_from_array` builds a nested value's
/// fields anew, without their marks: `types::json_field`).
fn single(array: &ArrayRef) -> Result<ScalarValue> {
    Ok(match array.data_type() {
        DataType::List(_) => ScalarValue::List(Arc::new(array.as_list::<i32>().clone())),
        DataType::Map(_, _) => ScalarValue::Map(Arc::new(array.as_map().clone())),
        DataType::Struct(_) => ScalarValue::Struct(Arc::new(array.as_struct().clone())),
        _ => ScalarValue::try_from_array(array, 0)?,
    })
}

/// Argument `i` as text (any string type, or NULLs).
pub fn text(args: &[ArrayRef], i: usize) -> Result<StringArray> {
    let Some(array) = args.get(i) else { return exec_err!("missing argument {}", i + 1) };
    let array = cast(array, &DataType::Utf8)?;
    match array.as_any().downcast_ref::<StringArray>() {
        Some(strings) => Ok(strings.clone()),
        None => exec_err!("argument {} is not text", i + 1),
    }
}

/// Argument `i` as 64-bit integers.
pub fn integers(args: &[ArrayRef], i: usize) -> Result<datafusion::arrow::array::Int64Array> {
    let Some(array) = args.get(i) else { return exec_err!("missing argument {}", i + 1) };
    let array = cast(array, &DataType::Int64)?;
    match array.as_any().downcast_ref::<datafusion::arrow::array::Int64Array>() {
        Some(numbers) => Ok(numbers.clone()),
        None => exec_err!("argument {} is not an integer", i + 1),
    }
}

pub fn is_text(kind: &DataType) -> bool {
    matches!(kind, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null)
}

/// A number of any type, or NULL (which fits any argument).
pub fn is_number(kind: &DataType) -> bool {
    kind.is_numeric() || kind.is_null()
}

pub fn is_integer(kind: &DataType) -> bool {
    kind.is_integer() || matches!(kind, DataType::Null)
}

pub fn is_timestamp(kind: &DataType) -> bool {
    matches!(kind, DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 | DataType::Null)
}
