//! Trino's array and map functions whose meaning differs from DataFusion's functions of the
//! same (or no) name (`element_at` is in `subscript`): `split`, `contains`, `array_join`,
//! `array_position` (0 when absent), `slice` and `trim_array`; `concat` (of arrays as well as strings, NULL when any argument is);
//! `concat_ws` (of one array of texts as well as of texts, NULLs left out); and those it lacks:
//! `ngrams`, `combinations` and `array_histogram` (`repeat` and `sequence` are in `series`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanBuilder, Int64Array, Int64Builder, ListBuilder, StringBuilder, UInt64Array,
};
use datafusion::arrow::compute::{cast, take};
use datafusion::arrow::datatypes::{DataType, Field, Float32Type, Float64Type};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::common::{exec_err, DFSchema, Result, ScalarValue};
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::planner::{ExprPlanner, PlannerResult, RawBinaryExpr};
use datafusion::logical_expr::sqlparser::ast::BinaryOperator;
use datafusion::logical_expr::type_coercion::binary::type_union_resolution;
use datafusion::logical_expr::{lit, when, BinaryExpr, Expr, ExprSchemable, Operator, ScalarUDF};

use super::nested::{bounds, item, list, list_values, map, map_type, pick};
use super::to_text::{double_text, real_text};
use super::udf::{integers, is_integer, is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("split", split_type, split),
        Trino::udf("contains", contains_type, contains),
        Trino::udf("array_join", array_join_type, array_join),
        Trino::udf("concat_ws", concat_ws_type, concat_ws),
        Trino::udf("array_position", array_position_type, array_position),
        Trino::udf("slice", slice_type, slice),
        Trino::udf("trim_array", trim_array_type, trim_array),
        Trino::udf("ngrams", subarrays_type, ngrams),
        Trino::udf("combinations", subarrays_type, combinations),
        Trino::udf("array_histogram", array_histogram_type, array_histogram),
        CONCAT_UDF.as_ref().clone(),
    ]
}

fn split_type(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b] if is_text(a) && is_text(b) => {}
        [a, b, c] if is_text(a) && is_text(b) && is_integer(c) => {}
        _ => return call.mismatch("split(varchar, varchar), split(varchar, varchar, bigint)"),
    }
    Ok(DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))))
}

/// `split(string, delimiter[, limit])`: at most `limit` parts, the last one keeping the rest.
fn split(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (strings, delimiters) = (text(args, 0)?, text(args, 1)?);
    let limits = if args.len() > 2 { Some(integers(args, 2)?) } else { None };
    let mut out = ListBuilder::new(StringBuilder::new());
    for i in 0..strings.len() {
        if strings.is_null(i) || delimiters.is_null(i) || limits.as_ref().is_some_and(|l| l.is_null(i)) {
            out.append_null();
            continue;
        }
        let (string, delimiter) = (strings.value(i), delimiters.value(i));
        let limit = match limits.as_ref().map(|l| l.value(i)) {
            Some(limit) if limit <= 0 => return exec_err!("INVALID_FUNCTION_ARGUMENT: Limit must be positive"),
            Some(limit) => usize::try_from(limit).unwrap_or(usize::MAX),
            None => usize::MAX,
        };
        if delimiter.is_empty() {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: The delimiter may not be the empty string");
        }
        for part in string.splitn(limit, delimiter) {
            out.values().append_value(part);
        }
        out.append(true);
    }
    Ok(Arc::new(out.finish()))
}

fn contains_type(call: &Call) -> Result<DataType> {
    match call.types {
        [list, _] if item(list).is_some() => Ok(DataType::Boolean),
        _ => call.mismatch("contains(array(T), T)"),
    }
}

/// Where `needle` is in row `i` of `list`: `Ok(Some(position))` (0-based), `Ok(None)` when
/// absent, and whether a NULL item was passed on the way.
fn find(list: &dyn Array, values: &ArrayRef, needle: &ArrayRef, i: usize) -> Result<(Option<usize>, bool)> {
    let Some((start, end)) = bounds(list, i) else { return Ok((None, false)) };
    let wanted = ScalarValue::try_from_array(needle, i)?;
    let mut saw_null = false;
    for j in start..end {
        if values.is_null(j) {
            saw_null = true;
        } else if super::float_comparisons::equal_values(&ScalarValue::try_from_array(values, j)?, &wanted) {
            return Ok((Some(j - start), saw_null));
        }
    }
    Ok((None, saw_null))
}

/// TRUE when found; NULL when absent but the array holds a NULL; else FALSE.
fn contains(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (list, values) = (&args[0], list_values(args[0].as_ref())?);
    let needle = cast(&args[1], values.data_type())?;
    let mut out = BooleanBuilder::new();
    for i in 0..list.len() {
        if list.is_null(i) || needle.is_null(i) {
            out.append_null();
            continue;
        }
        match find(list.as_ref(), &values, &needle, i)? {
            (Some(_), _) => out.append_value(true),
            (None, true) => out.append_null(),
            (None, false) => out.append_value(false),
        }
    }
    Ok(Arc::new(out.finish()))
}

fn array_position_type(call: &Call) -> Result<DataType> {
    match call.types {
        [list, _] if item(list).is_some() => Ok(DataType::Int64),
        _ => call.mismatch("array_position(array(T), T)"),
    }
}

/// The 1-based position of the first `element`, 0 when it is not there.
fn array_position(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (list, values) = (&args[0], list_values(args[0].as_ref())?);
    let needle = cast(&args[1], values.data_type())?;
    let mut out = Int64Builder::new();
    for i in 0..list.len() {
        if list.is_null(i) || needle.is_null(i) {
            out.append_null();
            continue;
        }
        let (found, _) = find(list.as_ref(), &values, &needle, i)?;
        out.append_value(found.map(|p| p as i64 + 1).unwrap_or(0));
    }
    Ok(Arc::new(out.finish()))
}

fn array_join_type(call: &Call) -> Result<DataType> {
    match call.types {
        [list, d] if item(list).is_some() && is_text(d) => Ok(DataType::Utf8),
        [list, d, r] if item(list).is_some() && is_text(d) && is_text(r) => Ok(DataType::Utf8),
        _ => call.mismatch("array_join(array(T), varchar), array_join(array(T), varchar, varchar)"),
    }
}

/// The items as text joined by `delimiter`; NULL items are left out, or written as
/// `null_replacement` when there is one.
fn array_join(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (list, values) = (&args[0], list_values(args[0].as_ref())?);
    let delimiters = text(args, 1)?;
    let replacements = if args.len() > 2 { Some(text(args, 2)?) } else { None };
    let options = FormatOptions::default()
        .with_timestamp_format(Some("%Y-%m-%d %H:%M:%S%.3f"))
        .with_datetime_format(Some("%Y-%m-%d %H:%M:%S%.3f"));
    let format = ArrayFormatter::try_new(values.as_ref(), &options)?;
    let mut out = StringBuilder::new();
    for i in 0..list.len() {
        let Some((start, end)) = bounds(list.as_ref(), i) else {
            out.append_null();
            continue;
        };
        if delimiters.is_null(i) || replacements.as_ref().is_some_and(|r| r.is_null(i)) {
            out.append_null();
            continue;
        }
        let mut parts = Vec::with_capacity(end - start);
        for j in start..end {
            if !values.is_null(j) {
                // Each item as its cast to varchar writes it: a double as `1.5E0`.
                parts.push(match values.data_type() {
                    DataType::Float64 => double_text(values.as_primitive::<Float64Type>().value(j)),
                    DataType::Float32 => real_text(values.as_primitive::<Float32Type>().value(j)),
                    _ => format.value(j).to_string(),
                });
            } else if let Some(r) = &replacements {
                parts.push(r.value(i).to_string());
            }
        }
        out.append_value(parts.join(delimiters.value(i)));
    }
    Ok(Arc::new(out.finish()))
}

fn concat_ws_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, list] if is_text(s) && item(list).is_some_and(is_text) => Ok(DataType::Utf8),
        [s, texts @ ..] if is_text(s) && !texts.is_empty() && texts.iter().all(is_text) => Ok(DataType::Utf8),
        _ => call.mismatch("concat_ws(varchar, array(varchar)), concat_ws(varchar, varchar, …)"),
    }
}

/// `concat_ws(separator, …)`: the texts after the separator, or the items of one array of texts,
/// joined by it with NULLs left out; NULL when the separator is.
fn concat_ws(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    if let [separators, list] = args {
        if item(list.data_type()).is_some() {
            return array_join(&[list.clone(), separators.clone()], kind);
        }
    }
    let separators = text(args, 0)?;
    let texts = (1..args.len()).map(|i| text(args, i)).collect::<Result<Vec<_>>>()?;
    let mut out = StringBuilder::new();
    for row in 0..separators.len() {
        if separators.is_null(row) {
            out.append_null();
            continue;
        }
        let parts: Vec<&str> = texts.iter().filter(|t| !t.is_null(row)).map(|t| t.value(row)).collect();
        out.append_value(parts.join(separators.value(row)));
    }
    Ok(Arc::new(out.finish()))
}

fn slice_type(call: &Call) -> Result<DataType> {
    match call.types {
        [list, s, l] if item(list).is_some() && is_integer(s) && is_integer(l) => Ok(list.clone()),
        _ => call.mismatch("slice(array(T), bigint, bigint)"),
    }
}

/// `slice(x, start, length)`: from `start` (1-based, negative from the end), `length` items.
fn slice(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let (list, values) = (&args[0], list_values(args[0].as_ref())?);
    let (starts, lengths) = (integers(args, 1)?, integers(args, 2)?);
    let mut picks: Vec<u64> = Vec::new();
    let mut offsets: Vec<i32> = vec![0];
    let mut valid = Vec::with_capacity(list.len());
    for i in 0..list.len() {
        let row = bounds(list.as_ref(), i).filter(|_| !starts.is_null(i) && !lengths.is_null(i));
        if let Some((begin, end)) = row {
            let (start, length, size) = (starts.value(i), lengths.value(i), (end - begin) as i64);
            if start == 0 {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1");
            }
            if length < 0 {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: length must be greater than or equal to 0");
            }
            let from = if start > 0 { start - 1 } else { size + start };
            if from >= 0 && from < size {
                let to = from.saturating_add(length).min(size);
                picks.extend((from..to).map(|k| (begin as i64 + k) as u64));
            }
        }
        valid.push(row.is_some());
        let Ok(offset) = i32::try_from(picks.len()) else { return exec_err!("slice: the answer is too large") };
        offsets.push(offset);
    }
    let items = take(values.as_ref(), &UInt64Array::from(picks), None)?;
    let DataType::List(field) = kind else { return exec_err!("slice answers an array, not {kind}") };
    let list = datafusion::arrow::array::ListArray::try_new(
        field.clone(),
        datafusion::arrow::buffer::OffsetBuffer::new(offsets.into()),
        items,
        Some(valid.into()),
    )?;
    Ok(Arc::new(list))
}

fn trim_array_type(call: &Call) -> Result<DataType> {
    match call.types {
        [list, n] if item(list).is_some() && is_integer(n) => Ok(list.clone()),
        _ => call.mismatch("trim_array(array(T), bigint)"),
    }
}

/// `trim_array(x, n)`: `x` without its last `n` items.
fn trim_array(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let (list, counts) = (&args[0], integers(args, 1)?);
    let mut starts = Vec::with_capacity(list.len());
    let mut lengths = Vec::with_capacity(list.len());
    for i in 0..list.len() {
        let size = bounds(list.as_ref(), i).map(|(s, e)| (e - s) as i64).unwrap_or(0);
        let n = if counts.is_null(i) { None } else { Some(counts.value(i)) };
        match n {
            Some(n) if n < 0 || n > size => {
                return exec_err!(
                    "INVALID_FUNCTION_ARGUMENT: size must not be negative or above the array's ({size}): {n}"
                )
            }
            _ => {}
        }
        starts.push(n.map(|_| 1i64));
        lengths.push(n.map(|n| size - n));
    }
    let starts: ArrayRef = Arc::new(datafusion::arrow::array::Int64Array::from(starts));
    let lengths: ArrayRef = Arc::new(datafusion::arrow::array::Int64Array::from(lengths));
    slice(&[list.clone(), starts, lengths], kind)
}

/// The most items `combinations` answers for one array (Trino's limit: arrays × their size).
const MOST_COMBINATION_ITEMS: u64 = 100_000;
/// The most items `ngrams` and `combinations` answer in one batch of rows.
const MOST_ITEMS: u64 = 10_000_000;

fn subarrays_type(call: &Call) -> Result<DataType> {
    match call.types {
        [list, n] if is_integer(n) => match item(list) {
            Some(element) => {
                let inner = DataType::List(Arc::new(Field::new_list_field(element.clone(), true)));
                Ok(DataType::List(Arc::new(Field::new_list_field(inner, true))))
            }
            None => call.mismatch(&format!("{}(array(T), integer)", call.name)),
        },
        _ => call.mismatch(&format!("{}(array(T), integer)", call.name)),
    }
}

/// `ngrams(x, n)`: every run of `n` adjacent items, or `x` whole when it has `n` or fewer.
fn ngrams(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    subarrays(args, kind, |start, end, n| {
        if n <= 0 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: N must be positive");
        }
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if end - start <= n {
            return Ok(vec![(start..end).collect()]);
        }
        let items = ((end - start - n + 1) as u64).saturating_mul(n as u64);
        if items > MOST_ITEMS {
            return exec_err!(
                "EXCEEDED_LOCAL_MEMORY_LIMIT: ngrams of {n} from {} items would be {items} items; the sandbox answers at most {MOST_ITEMS}",
                end - start
            );
        }
        Ok((start..=end - n).map(|from| (from..from + n).collect()).collect())
    })
}

/// `combinations(x, n)`: every choice of `n` items in their order in `x` (duplicates kept).
fn combinations(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    subarrays(args, kind, |start, end, n| {
        if n < 0 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: combination size must not be negative: {n}");
        }
        if n > 5 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: combination size must not exceed 5: {n}");
        }
        let (size, n) = (end - start, n as usize);
        if n > size {
            return Ok(Vec::new());
        }
        let count = (0..n as u64).fold(1u64, |c, k| c.saturating_mul(size as u64 - k) / (k + 1));
        if count.saturating_mul(n as u64) > MOST_COMBINATION_ITEMS {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: combinations exceed max size");
        }
        // Trino's order: by the last item chosen, then the one before it, … ([1, 2], [1, 3],
        // [2, 3], [1, 4], …).
        let mut all = Vec::new();
        let mut choice: Vec<usize> = (0..n).collect();
        loop {
            all.push(choice.iter().map(|c| start + c).collect());
            // The first position that can move up without meeting the next one moves up; those
            // before it go back to the start.
            let limit = |k: usize| if k + 1 < n { choice[k + 1] } else { size };
            let Some(k) = (0..n).find(|&k| choice[k] + 1 < limit(k)) else { break };
            choice[k] += 1;
            for (j, c) in choice.iter_mut().enumerate().take(k) {
                *c = j;
            }
        }
        Ok(all)
    })
}

/// Arrays of some items of each row's array: `groups(start, end, n)` answers the positions
/// (in the items of all rows) that make each array.
fn subarrays(
    args: &[ArrayRef],
    kind: &DataType,
    groups: impl Fn(usize, usize, i64) -> Result<Vec<Vec<usize>>>,
) -> Result<ArrayRef> {
    let (array, values, sizes) = (&args[0], list_values(args[0].as_ref())?, integers(args, 1)?);
    let DataType::List(inner) = kind else { return exec_err!("expected an array of arrays, got {kind}") };
    let (mut picks, mut inner_lengths, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..array.len() {
        match bounds(array.as_ref(), i) {
            Some((start, end)) if sizes.is_valid(i) => {
                let made = groups(start, end, sizes.value(i))?;
                let items = picks.len() + made.iter().map(Vec::len).sum::<usize>();
                if items as u64 > MOST_ITEMS {
                    return exec_err!(
                        "EXCEEDED_LOCAL_MEMORY_LIMIT: the answer would be over {MOST_ITEMS} items in one batch"
                    );
                }
                lengths.push(made.len());
                for group in made {
                    inner_lengths.push(group.len());
                    picks.extend(group.into_iter().map(|p| Some(p as u32)));
                }
                valid.push(true);
            }
            _ => {
                lengths.push(0);
                valid.push(false);
            }
        }
    }
    let all_valid = vec![true; inner_lengths.len()];
    let arrays = list(inner.data_type(), inner_lengths, pick(&values, picks)?, all_valid)?;
    list(kind, lengths, arrays, valid)
}

fn array_histogram_type(call: &Call) -> Result<DataType> {
    match call.types {
        [list] => match item(list) {
            Some(element) => Ok(map_type(element, &DataType::Int64)),
            None => call.mismatch("array_histogram(array(T))"),
        },
        _ => call.mismatch("array_histogram(array(T))"),
    }
}

/// `array_histogram(x)`: how many times each item is in `x`, NULLs left out, in the order the
/// items first appear.
fn array_histogram(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let (array, values) = (&args[0], list_values(args[0].as_ref())?);
    // Logical: an array of the NULL type has no validity buffer, yet every item is NULL.
    let nulls = values.logical_nulls();
    let (mut keys, mut counts, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..array.len() {
        let Some((start, end)) = bounds(array.as_ref(), i) else {
            lengths.push(0);
            valid.push(false);
            continue;
        };
        // Each item's place in `counts`.
        let mut seen: HashMap<ScalarValue, usize> = HashMap::new();
        for j in (start..end).filter(|&j| nulls.as_ref().is_none_or(|n| n.is_valid(j))) {
            let value = ScalarValue::try_from_array(&values, j)?;
            match seen.get(&value) {
                Some(&at) => counts[at] += 1,
                None => {
                    seen.insert(value, counts.len());
                    keys.push(Some(j as u32));
                    counts.push(1i64);
                }
            }
        }
        lengths.push(seen.len());
        valid.push(true);
    }
    map(kind, lengths, pick(&values, keys)?, Arc::new(Int64Array::from(counts)), valid)
}

static CONCAT_UDF: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| Arc::new(Trino::udf("concat", concat_type, concat)));

/// `||` with an array on either side, planned as the SQL is read as Trino's `concat` (`ARRAY[1]
/// || 2` is `concat(ARRAY[1], ARRAY[2])`): NULL when an array is NULL, which the engine's
/// `array_concat` passed over.
#[derive(Debug)]
pub struct ArrayConcat;

impl ExprPlanner for ArrayConcat {
    fn plan_binary_op(&self, expr: RawBinaryExpr, schema: &DFSchema) -> Result<PlannerResult<RawBinaryExpr>> {
        if expr.op != BinaryOperator::StringConcat {
            return Ok(PlannerResult::Original(expr));
        }
        // A `||` of texts is left as it is, so a chain of them is not typed again at each step.
        let depth = |e: &Expr| match e {
            Expr::BinaryExpr(BinaryExpr { op: Operator::StringConcat, .. }) => 0,
            e => e.get_type(schema).map_or(0, |t| depth(&t)),
        };
        let (left, right) = (depth(&expr.left), depth(&expr.right));
        if left == 0 && right == 0 {
            return Ok(PlannerResult::Original(expr));
        }
        // An array and an element one level less deep (`ARRAY[ARRAY[1]] || ARRAY[2]` too): the
        // element as an array of one, and NULL when the element is (Trino's `concat(array(E), E)`).
        let as_array = |e: Expr| {
            let missing = e.clone().is_null();
            when(missing, lit(ScalarValue::Null)).otherwise(make_array(vec![e]))
        };
        let args = match left.cmp(&right) {
            std::cmp::Ordering::Greater if left == right + 1 => vec![expr.left, as_array(expr.right)?],
            std::cmp::Ordering::Less if right == left + 1 => vec![as_array(expr.left)?, expr.right],
            _ => vec![expr.left, expr.right],
        };
        Ok(PlannerResult::Planned(Expr::ScalarFunction(ScalarFunction::new_udf(CONCAT_UDF.clone(), args))))
    }
}

/// Whether items of types `a` and `b` have a common type: one type, numbers, or arrays of such.
fn one_kind(a: &DataType, b: &DataType) -> bool {
    match (a, b) {
        (DataType::List(a), DataType::List(b)) => one_kind(a.data_type(), b.data_type()),
        (a, b) => a == b || (a.is_numeric() && b.is_numeric()) || a.is_null() || b.is_null(),
    }
}

/// How many arrays deep a value of `kind` is: 0 for a value that is no array.
fn depth(kind: &DataType) -> usize {
    match kind {
        DataType::List(item) => 1 + depth(item.data_type()),
        _ => 0,
    }
}

/// The forms of Trino's `concat` (and `||`), as its refusal lists them.
pub const CONCAT_USAGE: &str = "concat(varchar, varchar...), concat(array(E), array(E)...)";

fn concat_type(call: &Call) -> Result<DataType> {
    let usage = CONCAT_USAGE;
    if call.types.len() < 2 {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: There must be two or more arguments to concat");
    }
    if call.types.iter().all(is_text) {
        return Ok(DataType::Utf8);
    }
    // Arrays: their items take one type all can be cast to (`ARRAY[1]` and `ARRAY[1.5]`: double).
    let mut items = Vec::new();
    for kind in call.types {
        match item(kind) {
            Some(element) => items.push(element.clone()),
            None if matches!(kind, DataType::Null) => {}
            None => return call.mismatch(usage),
        }
    }
    let known: Vec<DataType> = items.into_iter().filter(|t| !matches!(t, DataType::Null)).collect();
    // Items of one type, or numbers (Trino's common type of `ARRAY[1]` and `ARRAY[1.5]`): an
    // array of texts and one of numbers have none, where the engine cast the texts to NULLs.
    let same = known.windows(2).all(|pair| one_kind(&pair[0], &pair[1]));
    if !same {
        return call.mismatch(usage);
    }
    let common = if known.is_empty() { Some(DataType::Null) } else { type_union_resolution(&known) };
    match common {
        Some(element) => Ok(DataType::List(Arc::new(Field::new_list_field(element, true)))),
        None => call.mismatch(usage),
    }
}

/// Trino's `concat`: the strings or the arrays one after the other; NULL when any is NULL.
fn concat(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let rows = args.first().map_or(0, |a| a.len());
    if kind == &DataType::Utf8 {
        let texts = (0..args.len()).map(|i| text(args, i)).collect::<Result<Vec<_>>>()?;
        // A string column's offsets are 32 bits: refuse an answer past them rather than fail midway.
        let bytes = texts
            .iter()
            .map(|t| {
                let offsets = t.value_offsets();
                (offsets[offsets.len() - 1] - offsets[0]).max(0) as u64
            })
            .sum::<u64>();
        if bytes > i32::MAX as u64 {
            return exec_err!("EXCEEDED_LOCAL_MEMORY_LIMIT: concat would answer {bytes} bytes in one batch");
        }
        let joined: datafusion::arrow::array::StringArray = (0..rows)
            .map(|row| {
                texts
                    .iter()
                    .map(|t| t.is_valid(row).then(|| t.value(row)))
                    .collect::<Option<Vec<&str>>>()
                    .map(|parts| parts.concat())
            })
            .collect();
        return Ok(Arc::new(joined));
    }
    let arrays = args.iter().map(|a| Ok(cast(a, kind)?)).collect::<Result<Vec<ArrayRef>>>()?;
    let values = arrays.iter().map(|a| list_values(a.as_ref())).collect::<Result<Vec<_>>>()?;
    let refs: Vec<&dyn Array> = values.iter().map(|v| v.as_ref()).collect();
    let all_values = datafusion::arrow::compute::concat(&refs)?;
    let shifts: Vec<usize> = values
        .iter()
        .scan(0, |at, v| {
            let shift = *at;
            *at += v.len();
            Some(shift)
        })
        .collect();
    let (mut picks, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new());
    for row in 0..rows {
        let spans: Option<Vec<(usize, usize)>> = arrays.iter().map(|a| bounds(a.as_ref(), row)).collect();
        let Some(spans) = spans else {
            lengths.push(0);
            valid.push(false);
            continue;
        };
        let before = picks.len();
        for ((start, end), shift) in spans.into_iter().zip(&shifts) {
            picks.extend((start..end).map(|p| Some((p + shift) as u32)));
        }
        lengths.push(picks.len() - before);
        valid.push(true);
    }
    list(kind, lengths, pick(&all_values, picks)?, valid)
}
