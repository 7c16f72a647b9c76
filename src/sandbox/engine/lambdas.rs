//! Trino's functions of a lambda that DataFusion lacks: `zip_with`, `reduce`, `array_sort` with
//! a comparator (the SQL front hands it over as `"$array_sort_by"`), and on maps `map_filter`,
//! `transform_keys`, `transform_values` and `map_zip_with`, and `regexp_replace` with a lambda
//! (as `"$regexp_replace_with"`, in `replace`). Each gathers the elements its lambda
//! runs on into arrays, runs the lambda once over all of them (`apply`; `reduce` alone goes
//! element by element, its state carried from one to the next) and builds its answer from
//! what the lambda gave.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use datafusion::arrow::array::{new_null_array, Array, ArrayRef, AsArray, UInt32Array};
use datafusion::arrow::compute::{cast, concat, take};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, HigherOrderFunctionArgs, HigherOrderReturnFieldArgs, HigherOrderSignature, HigherOrderUDF,
    HigherOrderUDFImpl, LambdaArgument, LambdaParametersProgress, ValueOrLambda, Volatility,
};

use super::nested::{bounds, fit, item, list, list_values, map, map_type, map_types, pick};
use super::udf::{is_text, type_mismatch};

/// The most elements `array_sort` with a comparator sorts in one array, and the most pairs it
/// compares in one batch of rows: it compares every pair of an array's elements at once.
const MOST_TO_SORT: usize = 2_000;
const MOST_PAIRS: usize = MOST_TO_SORT * MOST_TO_SORT;

pub fn functions() -> Vec<Arc<HigherOrderUDF>> {
    [
        Kind::ZipWith,
        Kind::Reduce,
        Kind::SortBy,
        Kind::MapFilter,
        Kind::TransformKeys,
        Kind::TransformValues,
        Kind::MapZipWith,
        Kind::ReplaceWith,
    ]
    .into_iter()
    .map(|kind| Arc::new(HigherOrderUDF::new_from_impl(Lambda::new(kind))))
    .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// `zip_with(array(T), array(U), (T, U) -> R)`: element-wise, the shorter padded with NULLs.
    ZipWith,
    /// `reduce(array(T), S, (S, T) -> S, S -> R)`.
    Reduce,
    /// `array_sort(array(T), (T, T) -> integer)`.
    SortBy,
    /// `map_filter(map(K, V), (K, V) -> boolean)`.
    MapFilter,
    /// `transform_keys(map(K, V), (K, V) -> K2)`.
    TransformKeys,
    /// `transform_values(map(K, V), (K, V) -> V2)`.
    TransformValues,
    /// `map_zip_with(map(K, V1), map(K, V2), (K, V1, V2) -> R)`: over the union of the keys.
    MapZipWith,
    /// `regexp_replace(varchar, pattern, array(varchar) -> varchar)`: each match by what the
    /// lambda makes of its groups.
    ReplaceWith,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::ZipWith => "zip_with",
            Kind::Reduce => "reduce",
            Kind::SortBy => "$array_sort_by",
            Kind::MapFilter => "map_filter",
            Kind::TransformKeys => "transform_keys",
            Kind::TransformValues => "transform_values",
            Kind::MapZipWith => "map_zip_with",
            Kind::ReplaceWith => "$regexp_replace_with",
        }
    }

    /// The shape of the call: values, then lambdas.
    fn arguments(self) -> (usize, usize) {
        match self {
            Kind::ZipWith | Kind::MapZipWith | Kind::ReplaceWith => (2, 1),
            Kind::Reduce => (2, 2),
            Kind::SortBy | Kind::MapFilter | Kind::TransformKeys | Kind::TransformValues => (1, 1),
        }
    }

    fn usage(self) -> &'static str {
        match self {
            Kind::ZipWith => "zip_with(array(T), array(U), function(T, U, R))",
            Kind::Reduce => "reduce(array(T), S, function(S, T, S), function(S, R))",
            Kind::SortBy => "array_sort(array(T), function(T, T, integer))",
            Kind::MapFilter => "map_filter(map(K, V), function(K, V, boolean))",
            Kind::TransformKeys => "transform_keys(map(K, V), function(K, V, K2))",
            Kind::TransformValues => "transform_values(map(K, V), function(K, V, V2))",
            Kind::MapZipWith => "map_zip_with(map(K, V1), map(K, V2), function(K, V1, V2, R))",
            Kind::ReplaceWith => "regexp_replace(varchar, varchar, function(array(varchar), varchar))",
        }
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Lambda {
    kind: Kind,
    signature: HigherOrderSignature,
}

impl Lambda {
    fn new(kind: Kind) -> Lambda {
        let (values, lambdas) = kind.arguments();
        let shape = std::iter::repeat_n(ValueOrLambda::Value(()), values)
            .chain(std::iter::repeat_n(ValueOrLambda::Lambda(()), lambdas))
            .collect();
        Lambda { kind, signature: HigherOrderSignature::exact(shape, Volatility::Immutable) }
    }

    fn mismatch<T>(&self, got: &[DataType]) -> Result<T> {
        let name = match self.kind {
            Kind::SortBy => "array_sort",
            Kind::ReplaceWith => "regexp_replace",
            _ => self.kind.name(),
        };
        type_mismatch(name, got, self.kind.usage())
    }

    /// The element type of array argument `kind`, or Athena's refusal of the call's `values`.
    fn element(&self, kind: &DataType, values: &[DataType]) -> Result<FieldRef> {
        match item(kind) {
            Some(element) => Ok(Arc::new(Field::new("", element.clone(), true))),
            None => self.mismatch(values),
        }
    }

    /// The key and value types of map argument `kind`, or Athena's refusal of the call's `values`.
    fn entry(&self, kind: &DataType, values: &[DataType]) -> Result<(FieldRef, FieldRef)> {
        match map_types(kind) {
            Some((key, value)) => {
                Ok((Arc::new(Field::new("", key.clone(), true)), Arc::new(Field::new("", value.clone(), true))))
            }
            None => self.mismatch(values),
        }
    }
}

fn value_type(field: &ValueOrLambda<FieldRef, Option<FieldRef>>) -> Option<&FieldRef> {
    match field {
        ValueOrLambda::Value(f) | ValueOrLambda::Lambda(Some(f)) => Some(f),
        ValueOrLambda::Lambda(None) => None,
    }
}

impl HigherOrderUDFImpl for Lambda {
    fn name(&self) -> &str {
        self.kind.name()
    }

    fn signature(&self) -> &HigherOrderSignature {
        &self.signature
    }

    fn coerce_value_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        // Array literals may come as fixed-size lists; every function here reads lists.
        Ok(arg_types
            .iter()
            .map(|kind| match kind {
                DataType::FixedSizeList(element, _) => DataType::List(element.clone()),
                other => other.clone(),
            })
            .collect())
    }

    fn lambda_parameters(
        &self,
        _step: usize,
        fields: &[ValueOrLambda<FieldRef, Option<FieldRef>>],
    ) -> Result<LambdaParametersProgress> {
        let values: Vec<DataType> = fields.iter().filter_map(value_type).map(|f| f.data_type().clone()).collect();
        let first = || fields.first().and_then(value_type).map(|f| f.data_type().clone()).unwrap_or(DataType::Null);
        let second = || fields.get(1).and_then(value_type).map(|f| f.data_type().clone()).unwrap_or(DataType::Null);
        let parameters = match self.kind {
            Kind::ZipWith => vec![vec![self.element(&first(), &values)?, self.element(&second(), &values)?]],
            Kind::SortBy => {
                let element = self.element(&first(), &values)?;
                vec![vec![element.clone(), element]]
            }
            Kind::MapFilter | Kind::TransformKeys | Kind::TransformValues => {
                let (key, value) = self.entry(&first(), &values)?;
                vec![vec![key, value]]
            }
            Kind::ReplaceWith if is_text(&first()) && is_text(&second()) => {
                vec![vec![Arc::new(Field::new("", DataType::new_list(DataType::Utf8, true), true))]]
            }
            Kind::ReplaceWith => return self.mismatch(&values),
            Kind::MapZipWith => {
                let (key, left) = self.entry(&first(), &values)?;
                let (right_key, right) = self.entry(&second(), &values)?;
                // Trino's signature takes one key type for both maps.
                if key.data_type() != right_key.data_type() {
                    return self.mismatch(&values);
                }
                vec![vec![key, left, right]]
            }
            Kind::Reduce => {
                let element = self.element(&first(), &values)?;
                let initial = Arc::new(Field::new("", second(), true));
                // The state's type is what the merge lambda answers; until it is known, the
                // initial value's. It may be NULL whatever the lambda answers: the initial value
                // may be.
                return Ok(match fields.get(2).and_then(value_type) {
                    Some(state) => {
                        let state = Arc::new(state.as_ref().clone().with_nullable(true));
                        LambdaParametersProgress::Complete(vec![vec![state.clone(), element], vec![state]])
                    }
                    None => LambdaParametersProgress::Partial(vec![Some(vec![initial, element]), None]),
                });
            }
        };
        if values.len() < self.kind.arguments().0 {
            return self.mismatch(&values);
        }
        Ok(LambdaParametersProgress::Complete(parameters))
    }

    fn coerce_values_for_lambdas(&self, fields: &[ValueOrLambda<DataType, DataType>]) -> Result<Option<Vec<DataType>>> {
        // reduce's initial value takes the state's type.
        match (self.kind, fields) {
            (Kind::Reduce, [ValueOrLambda::Value(array), ValueOrLambda::Value(_), ValueOrLambda::Lambda(state), _]) => {
                Ok(Some(vec![array.clone(), state.clone()]))
            }
            _ => Ok(None),
        }
    }

    fn return_field_from_args(&self, args: HigherOrderReturnFieldArgs) -> Result<FieldRef> {
        let fields = args.arg_fields;
        let value = |i: usize| match fields.get(i) {
            Some(ValueOrLambda::Value(f)) => Ok(f.data_type().clone()),
            _ => plan_err!("{} expects {} values before its lambdas", self.kind.name(), self.kind.arguments().0),
        };
        let values: Vec<DataType> = fields
            .iter()
            .filter_map(|f| match f {
                ValueOrLambda::Value(f) => Some(f.data_type().clone()),
                ValueOrLambda::Lambda(_) => None,
            })
            .collect();
        let Some(ValueOrLambda::Lambda(answer)) = fields.last() else {
            return plan_err!("{} expects a lambda", self.kind.name());
        };
        let answer = answer.data_type().clone();
        let kind = match self.kind {
            Kind::ZipWith => DataType::List(Arc::new(Field::new_list_field(answer, true))),
            Kind::Reduce => answer,
            // A comparator answers an integer, a filter a boolean (or NULL, of either).
            Kind::SortBy if !(answer.is_integer() || answer == DataType::Null) => return self.mismatch(&values),
            Kind::MapFilter if !matches!(answer, DataType::Boolean | DataType::Null) => return self.mismatch(&values),
            Kind::ReplaceWith if !is_text(&answer) => return self.mismatch(&values),
            Kind::ReplaceWith => DataType::Utf8,
            Kind::SortBy | Kind::MapFilter => value(0)?,
            Kind::TransformValues | Kind::MapZipWith => {
                let (key, _) = self.entry(&value(0)?, &values)?;
                map_type(key.data_type(), &answer)
            }
            Kind::TransformKeys => {
                let (_, old) = self.entry(&value(0)?, &values)?;
                map_type(&answer, old.data_type())
            }
        };
        Ok(Arc::new(Field::new(self.kind.name(), kind, true)))
    }

    fn clear_null_values(&self) -> bool {
        false
    }

    fn invoke_with_args(&self, args: HigherOrderFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let mut values = Vec::new();
        let mut lambdas = Vec::new();
        for arg in &args.args {
            match arg {
                ValueOrLambda::Value(v) => values.push(v.to_array(rows)?),
                ValueOrLambda::Lambda(l) => lambdas.push(l),
            }
        }
        let kind = args.return_type().clone();
        let answer = match (self.kind, values.as_slice(), lambdas.as_slice()) {
            (Kind::ZipWith, [left, right], [f]) => zip_with(left, right, f, &kind)?,
            (Kind::Reduce, [array, initial], [merge, finish]) => {
                let state = match &args.arg_fields[2] {
                    ValueOrLambda::Lambda(field) => field.data_type().clone(),
                    ValueOrLambda::Value(field) => field.data_type().clone(),
                };
                reduce(array, initial, &state, merge, finish, &kind)?
            }
            (Kind::SortBy, [array], [compare]) => sort_by(array, compare)?,
            (Kind::MapFilter, [map], [keep]) => map_filter(map, keep)?,
            (Kind::TransformKeys, [map], [f]) => transform_map(map, f, &kind, Side::Keys)?,
            (Kind::TransformValues, [map], [f]) => transform_map(map, f, &kind, Side::Values)?,
            (Kind::MapZipWith, [left, right], [f]) => map_zip_with(left, right, f, &kind)?,
            (Kind::ReplaceWith, [text, pattern], [f]) => super::replace::replace_with(text, pattern, f)?,
            _ => return exec_err!("{} called with the wrong arguments", self.kind.name()),
        };
        Ok(ColumnarValue::Array(answer))
    }
}

/// Runs `lambda` once over `parameters` (one value per element), element `j` belonging to
/// row `rows[j]` of the call (what the lambda captures from its row is spread to match).
pub(super) fn apply(lambda: &LambdaArgument, parameters: &[ArrayRef], rows: &[u32]) -> Result<ArrayRef> {
    let rows = UInt32Array::from(rows.to_vec());
    let closures: Vec<Box<dyn Fn() -> Result<ArrayRef>>> = parameters
        .iter()
        .map(|p| {
            let p = p.clone();
            Box::new(move || Ok(p.clone())) as Box<dyn Fn() -> Result<ArrayRef>>
        })
        .collect();
    let refs: Vec<&dyn Fn() -> Result<ArrayRef>> = closures.iter().map(|c| c.as_ref()).collect();
    let answer =
        lambda.evaluate(&refs, |captured| captured.iter().map(|c| Ok(take(c.as_ref(), &rows, None)?)).collect())?;
    answer.into_array(rows.len())
}

fn zip_with(left: &ArrayRef, right: &ArrayRef, f: &LambdaArgument, kind: &DataType) -> Result<ArrayRef> {
    let (left_values, right_values) = (list_values(left.as_ref())?, list_values(right.as_ref())?);
    let (mut left_picks, mut right_picks, mut rows, mut lengths, mut valid) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..left.len() {
        let (Some((ls, le)), Some((rs, re))) = (bounds(left.as_ref(), i), bounds(right.as_ref(), i)) else {
            lengths.push(0);
            valid.push(false);
            continue;
        };
        let length = (le - ls).max(re - rs);
        for k in 0..length {
            left_picks.push((ls + k < le).then_some((ls + k) as u32));
            right_picks.push((rs + k < re).then_some((rs + k) as u32));
            rows.push(i as u32);
        }
        lengths.push(length);
        valid.push(true);
    }
    let parameters = [pick(&left_values, left_picks)?, pick(&right_values, right_picks)?];
    let answers = apply(f, &parameters, &rows)?;
    list(kind, lengths, answers, valid)
}

fn reduce(
    array: &ArrayRef,
    initial: &ArrayRef,
    state_kind: &DataType,
    merge: &LambdaArgument,
    finish: &LambdaArgument,
    kind: &DataType,
) -> Result<ArrayRef> {
    let values = list_values(array.as_ref())?;
    let initial = fit(initial.clone(), state_kind)?;
    let mut answers: Vec<ArrayRef> = Vec::with_capacity(array.len());
    for i in 0..array.len() {
        let Some((start, end)) = bounds(array.as_ref(), i) else {
            answers.push(new_null_array(kind, 1));
            continue;
        };
        let row = [i as u32];
        let mut state = initial.slice(i, 1);
        for j in start..end {
            state = fit(apply(merge, &[state, values.slice(j, 1)], &row)?, state_kind)?;
        }
        let answer = apply(finish, &[state], &row)?;
        answers.push(fit(answer, kind)?);
    }
    if answers.is_empty() {
        return Ok(new_null_array(kind, 0));
    }
    let refs: Vec<&dyn Array> = answers.iter().map(|a| a.as_ref()).collect();
    Ok(concat(&refs)?)
}

fn sort_by(array: &ArrayRef, compare: &LambdaArgument) -> Result<ArrayRef> {
    let values = list_values(array.as_ref())?;
    let (mut left, mut right, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    let mut spans = Vec::with_capacity(array.len());
    for i in 0..array.len() {
        let span = bounds(array.as_ref(), i);
        if let Some((start, end)) = span {
            if end - start > MOST_TO_SORT {
                return exec_err!(
                    "NOT_SUPPORTED: array_sort with a comparator sorts at most {MOST_TO_SORT} elements in the sandbox, got {}",
                    end - start
                );
            }
            if rows.len() + (end - start) * (end - start) > MOST_PAIRS {
                return exec_err!(
                    "NOT_SUPPORTED: array_sort with a comparator compares at most {MOST_PAIRS} pairs of elements in one batch of rows in the sandbox"
                );
            }
            for p in start..end {
                for q in start..end {
                    left.push(Some(p as u32));
                    right.push(Some(q as u32));
                    rows.push(i as u32);
                }
            }
        }
        spans.push(span);
    }
    let parameters = [pick(&values, left)?, pick(&values, right)?];
    let order = cast(&apply(compare, &parameters, &rows)?, &DataType::Int64)?;
    let order = order.as_primitive::<datafusion::arrow::datatypes::Int64Type>();
    let (mut picks, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new());
    let mut at = 0;
    for span in spans {
        let Some((start, end)) = span else {
            lengths.push(0);
            valid.push(false);
            continue;
        };
        let n = end - start;
        let sign = |p: usize, q: usize| -> Result<i64> {
            let k = at + p * n + q;
            match (order.is_null(k), order.value(k)) {
                (false, v @ -1..=1) => Ok(v),
                _ => exec_err!("INVALID_FUNCTION_ARGUMENT: Lambda comparator must return either -1, 0, or 1"),
            }
        };
        // Insertion sort, stable, and sound whatever the comparator answers.
        let mut sorted: Vec<usize> = Vec::with_capacity(n);
        for p in 0..n {
            let mut place = sorted.len();
            while place > 0 && sign(sorted[place - 1], p)? > 0 {
                place -= 1;
            }
            sorted.insert(place, p);
        }
        picks.extend(sorted.into_iter().map(|p| Some((start + p) as u32)));
        at += n * n;
        lengths.push(n);
        valid.push(true);
    }
    let kind = DataType::List(Arc::new(Field::new_list_field(values.data_type().clone(), true)));
    let sorted = list(&kind, lengths, pick(&values, picks)?, valid)?;
    fit(sorted, array.data_type())
}

/// A map column's entries, row by row: the positions of each row's entries and its validity.
struct Entries {
    keys: ArrayRef,
    values: ArrayRef,
    /// Per row: its entries' positions in `keys` and `values`, or None when the row is NULL.
    rows: Vec<Option<std::ops::Range<usize>>>,
}

fn entries(array: &ArrayRef) -> Result<Entries> {
    let Some(map) = array.as_map_opt() else { return exec_err!("expected a map, got {}", array.data_type()) };
    let offsets = map.value_offsets();
    let rows = (0..map.len())
        .map(|i| (!map.is_null(i)).then(|| offsets[i].max(0) as usize..offsets[i + 1].max(0) as usize))
        .collect();
    Ok(Entries { keys: map.keys().clone(), values: map.values().clone(), rows })
}

/// Every entry of `entries` once: their positions and the row each belongs to.
fn flatten(entries: &Entries) -> (Vec<Option<u32>>, Vec<u32>) {
    let (mut picks, mut rows) = (Vec::new(), Vec::new());
    for (i, range) in entries.rows.iter().enumerate() {
        for j in range.clone().into_iter().flatten() {
            picks.push(Some(j as u32));
            rows.push(i as u32);
        }
    }
    (picks, rows)
}

fn lengths_and_validity(entries: &Entries) -> (Vec<usize>, Vec<bool>) {
    entries.rows.iter().map(|r| (r.as_ref().map_or(0, |r| r.len()), r.is_some())).unzip()
}

fn map_filter(array: &ArrayRef, keep: &LambdaArgument) -> Result<ArrayRef> {
    let entries = entries(array)?;
    let (picks, rows) = flatten(&entries);
    let (keys, values) = (pick(&entries.keys, picks.clone())?, pick(&entries.values, picks)?);
    let verdicts = cast(&apply(keep, &[keys.clone(), values.clone()], &rows)?, &DataType::Boolean)?;
    let verdicts = verdicts.as_boolean();
    let mut kept = Vec::new();
    let (mut lengths, valid) = lengths_and_validity(&entries);
    for (k, row) in rows.iter().enumerate() {
        if verdicts.is_valid(k) && verdicts.value(k) {
            kept.push(Some(k as u32));
        } else {
            lengths[*row as usize] -= 1;
        }
    }
    map(array.data_type(), lengths, pick(&keys, kept.clone())?, pick(&values, kept)?, valid)
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Keys,
    Values,
}

fn transform_map(array: &ArrayRef, f: &LambdaArgument, kind: &DataType, side: Side) -> Result<ArrayRef> {
    let entries = entries(array)?;
    let (picks, rows) = flatten(&entries);
    let (keys, values) = (pick(&entries.keys, picks.clone())?, pick(&entries.values, picks)?);
    let answers = apply(f, &[keys.clone(), values.clone()], &rows)?;
    let (lengths, valid) = lengths_and_validity(&entries);
    if side == Side::Values {
        return map(kind, lengths, keys, answers, valid);
    }
    // New keys: none NULL, none twice in a map.
    let nulls = answers.logical_nulls();
    let mut at = 0;
    for length in &lengths {
        let mut seen = HashSet::new();
        for k in at..at + length {
            if nulls.as_ref().is_some_and(|n| n.is_null(k)) {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: map key cannot be null");
            }
            let key = ScalarValue::try_from_array(&answers, k)?;
            if !seen.insert(key.clone()) {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: Duplicate keys ({key}) are not allowed");
            }
        }
        at += length;
    }
    map(kind, lengths, answers, values, valid)
}

fn map_zip_with(left: &ArrayRef, right: &ArrayRef, f: &LambdaArgument, kind: &DataType) -> Result<ArrayRef> {
    let (left, right) = (entries(left)?, entries(right)?);
    // One key column for both maps: the right map's keys after the left's.
    let right_keys = fit(right.keys.clone(), left.keys.data_type())?;
    let keys = concat(&[left.keys.as_ref(), right_keys.as_ref()])?;
    let shift = left.keys.len();
    let (mut key_picks, mut left_picks, mut right_picks, mut rows, mut lengths, mut valid) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, (l, r)) in left.rows.iter().zip(&right.rows).enumerate() {
        let (Some(l), Some(r)) = (l, r) else {
            lengths.push(0);
            valid.push(false);
            continue;
        };
        let right_by_key: HashMap<ScalarValue, usize> =
            r.clone().map(|j| Ok((ScalarValue::try_from_array(&keys, shift + j)?, j))).collect::<Result<_>>()?;
        let mut matched = HashSet::new();
        let mut length = 0;
        for j in l.clone() {
            let key = ScalarValue::try_from_array(&keys, j)?;
            let other = right_by_key.get(&key).copied();
            if let Some(at) = other {
                matched.insert(at);
            }
            key_picks.push(Some(j as u32));
            left_picks.push(Some(j as u32));
            right_picks.push(other.map(|at| at as u32));
            rows.push(i as u32);
            length += 1;
        }
        // The right map's other keys, in its order.
        for j in r.clone().filter(|j| !matched.contains(j)) {
            key_picks.push(Some((shift + j) as u32));
            left_picks.push(None);
            right_picks.push(Some(j as u32));
            rows.push(i as u32);
            length += 1;
        }
        lengths.push(length);
        valid.push(true);
    }
    let keys = pick(&keys, key_picks)?;
    let parameters = [keys.clone(), pick(&left.values, left_picks)?, pick(&right.values, right_picks)?];
    let answers = apply(f, &parameters, &rows)?;
    map(kind, lengths, keys, answers, valid)
}
