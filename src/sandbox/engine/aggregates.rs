//! Trino's aggregates that are a form of DataFusion's, rewritten on the syntax tree. Most gather
//! the group's values with DataFusion's `array_agg` and make Trino's answer of them with a
//! function over the array:
//! - `count_if(c)`: a count of the rows where `c` holds;
//! - `max_by(x, y)`, `min_by(x, y)`: the first `x` ordered by `y`; with a count, `max_by(x, y,
//!   n)`, the first `n`, and `max(x, n)`, `min(x, n)` the `n` largest (smallest) values;
//! - `reduce_agg(x, s, f, g)`: the values folded by `f` from `s` (`reduce`);
//! - `histogram(x)`: `array_histogram` of the values; `map_agg(k, v)`, `multimap_agg(k, v)` and
//!   `map_union(m)`: a map of the entries or maps gathered (`maps`);
//! - `listagg(x, sep) WITHIN GROUP (ORDER BY …)`: the values joined in that order, with Trino's
//!   bound on the answer's length and its `ON OVERFLOW` choices (`"$listagg"`);
//! - `geometric_mean(x)`: `exp(avg(ln(x)))`; `skewness(x)` and `kurtosis(x)`: Trino's formulas
//!   over the central moments of the values (`"$skewness"`, `"$kurtosis"`);
//! - `approx_percentile(x[, w], p)`: DataFusion's `approx_percentile_cont` (its `_with_weight`
//!   with a weight), one for each of an array of percentiles, answered in `x`'s type as Trino
//!   answers it: an integer's percentile rounded half up to a bigint (`"$percentile_like"`, told
//!   the type by `min(x)`);
//! - `avg(x)` in `x`'s type where Trino's is (`"$mean_like"`, told the type by `min(x)` and
//!   `max(x)`): of decimals, not DataFusion's four more digits (`avg(CASE WHEN c THEN 1.0 ELSE 0.0
//!   END)` has one digit after the point); of reals, a real; of intervals, which the engine's
//!   `avg` does not take, the mean of their milliseconds or months (`"$averaged"`) rounded to one;
//! - `numeric_histogram(b, x[, w])` and `approx_most_frequent(b, x, c)`: Trino's sketches of
//!   the rows gathered (`sketches`); `checksum(x)`: Trino's order-insensitive sum of the values'
//!   hashes, NULLs counted (`hashes`).
//!
//! Rows whose value is NULL (a key's, for the maps; `y`'s, for `max_by`) are left out, as
//! Trino leaves them out; a group with none left answers NULL. A FILTER or DISTINCT written on
//! the aggregate stays with the form. A window stays only on `count_if` and `geometric_mean`,
//! whose forms are one aggregate of the rows: the others would gather a window's rows for each
//! row, and are left as written, for the engine to refuse, as is IGNORE NULLS, and WITHIN GROUP
//! on any but `listagg`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, plan_err, Result};
use datafusion::logical_expr::sqlparser::ast::{
    self, Expr, FunctionArg, FunctionArgExpr, FunctionArgumentClause, FunctionArguments, Ident, ListAggOnOverflow,
    OrderByExpr, OrderByOptions, Value,
};
use datafusion::logical_expr::ScalarUDF;

use super::forms::{binary, number, present};
use super::hashes::CHECKSUM;
use super::maps::{MAP_AGG, MAP_UNION};
use super::nested::{bounds, item, list_values};
use super::sketches::{APPROX_MOST_FREQUENT, NUMERIC_HISTOGRAM};
use super::sql::{call, case_when, is_call, lambda, plain_arguments, text_literal};
use super::sums::{AVERAGED, MEAN_LIKE, SUMMED, SUM_LIKE};
use super::udf::{is_integer, is_text, Call, Trino};

const LISTAGG: &str = "$listagg";
const PERCENTILE_LIKE: &str = "$percentile_like";
const TOP_COUNT: &str = "$top_count";
const OVER_WINDOW: &str = "$over_window";

/// Trino's bound on the `n` of `max(x, n)` and `max_by(x, y, n)`.
const MOST_TOP_COUNT: i64 = 10_000;
const SKEWNESS: &str = "$skewness";
const KURTOSIS: &str = "$kurtosis";

/// Trino's bound on the length of `listagg`'s answer, in bytes.
const LISTAGG_MOST_BYTES: usize = 1_048_576;

/// The functions that finish the forms of these aggregates.
pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf(LISTAGG, listagg_type, listagg),
        Trino::udf(SKEWNESS, moments_type, |args, _| moments(args, skewness)),
        Trino::udf(KURTOSIS, moments_type, |args, _| moments(args, kurtosis)),
        Trino::udf(TOP_COUNT, top_count_type, top_count),
        Trino::udf(OVER_WINDOW, over_window, |_, _| exec_err!("not over a window")),
        Trino::udf(PERCENTILE_LIKE, percentile_like_type, percentile_like),
    ]
}

/// A gathering aggregate written over a window, refused when the query is planned.
fn over_window(call: &Call) -> Result<DataType> {
    let name = call.text(0).unwrap_or("this aggregate");
    plan_err!("NOT_SUPPORTED: {name} over a window (OVER (…)) is not in the sandbox engine; Athena answers it")
}

/// Trino's words for the count of `max(x, n)` (`of` is "max") or `max_by(x, y, n)` ("max_by").
fn top_count_words(of: &str) -> (&'static str, &'static str) {
    if of == "max_by" {
        ("third", "max_by/min_by")
    } else {
        ("second", "max_n/min_n")
    }
}

fn top_count_type(call: &Call) -> Result<DataType> {
    match call.types {
        [n, _] if is_integer(n) => Ok(DataType::Int64),
        _ => {
            let (place, names) = top_count_words(call.text(1).unwrap_or_default());
            plan_err!("TYPE_MISMATCH: the {place} argument of {names} must be an integer")
        }
    }
}

/// `n` itself, when Trino takes it: from 1 to `MOST_TOP_COUNT`.
fn top_count(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (counts, of) = (super::udf::integers(args, 0)?, super::udf::text(args, 1)?);
    for row in 0..counts.len() {
        let (place, names) = top_count_words(if of.is_null(row) { "" } else { of.value(row) });
        if counts.is_null(row) || counts.value(row) <= 0 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: {place} argument of {names} must be a positive integer");
        }
        if counts.value(row) > MOST_TOP_COUNT {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: {place} argument of {names} must be less than or equal to {MOST_TOP_COUNT}"
            );
        }
    }
    Ok(Arc::new(counts))
}

/// The form DataFusion answers the aggregate `function` in, when it is one of these.
pub(super) fn rewrite(function: &ast::Function) -> Option<Expr> {
    const NAMES: &[&str] = &[
        "count_if",
        "max_by",
        "min_by",
        "max",
        "min",
        "reduce_agg",
        "histogram",
        "map_agg",
        "multimap_agg",
        "map_union",
        "listagg",
        "geometric_mean",
        "skewness",
        "kurtosis",
        "numeric_histogram",
        "approx_most_frequent",
        "checksum",
        "approx_percentile",
        "avg",
        "sum",
        "approx_distinct",
    ];
    let name = *NAMES.iter().find(|name| is_call(function, name))?;
    // Over a window, Trino's sum of bigints wraps too (`LongSumWindowAccumulator`).
    if name == "sum" && function.over.is_some() {
        return None;
    }
    if function.null_treatment.is_some() || (name != "listagg" && !function.within_group.is_empty()) {
        return None;
    }
    let form = if name == "listagg" { listagg_form(function) } else { gathering_form(function, name) }?;
    // Over a window, a form that gathers would gather the window's rows again for each row.
    if function.over.is_some() && !matches!(name, "count_if" | "geometric_mean" | "approx_percentile" | "avg") {
        return Some(call(OVER_WINDOW, vec![text_literal(name)]));
    }
    Some(form)
}

/// The form of the aggregate `name` (not `listagg`) as written in `function`.
fn gathering_form(function: &ast::Function, name: &str) -> Option<Expr> {
    let args = plain_arguments(&function.args)?;
    let gather = |value: &Expr, only: &Expr, order: Vec<OrderByExpr>| {
        aggregate(function, "array_agg", vec![value.clone()], Some(present(only)), order)
    };
    // The first `n` gathered (Trino's bounds on `n` checked by `"$top_count"`).
    let first = |values: Expr, n: &Expr, of: &str| {
        call("array_slice", vec![values, number("1"), call(TOP_COUNT, vec![n.clone(), text_literal(of)])])
    };
    // `finish` of the group's rows of `parts` where none is NULL, gathered as structs.
    let rows = |finish: &str, parts: &[&Expr]| {
        let only = parts.iter().map(|part| present(part)).reduce(|a, b| binary(&a, ast::BinaryOperator::And, &b));
        let parts = parts.iter().map(|part| (*part).clone()).collect();
        call(finish, vec![aggregate(function, "array_agg", vec![call("struct", parts)], only, Vec::new())])
    };
    Some(match (name, args.as_slice()) {
        // `count_if(c)`: the rows where `c` is true (0 when there are none, as count).
        ("count_if", [condition]) => {
            let counted = case_when(condition.clone(), number("1"), None);
            aggregate(function, "count", vec![counted], None, Vec::new())
        }
        // `max_by(x, y)`: the `x` of the row of the largest `y`; rows without a `y` are not
        // compared, as Trino. With `n`, the `x`s of the `n` largest, largest first.
        ("max_by" | "min_by", [x, y]) => {
            aggregate(function, "first_value", vec![x.clone()], Some(present(y)), ordered(y, name == "min_by"))
        }
        ("max_by" | "min_by", [x, y, n]) => first(gather(x, y, ordered(y, name == "min_by")), n, "max_by"),
        ("max" | "min", [x, n]) => first(gather(x, x, ordered(x, name == "min")), n, "max"),
        ("reduce_agg", [value, initial, input @ Expr::Lambda(_), Expr::Lambda(_)]) => {
            // The group's values that are not NULL folded by `input` from `initial`, NULL when
            // there are none, as Trino. Trino's combining lambda merges the folds of parts of a
            // group; folded as one sequence, there are none to merge.
            let state = lambda("$state", Expr::Identifier(Ident::with_quote('"', "$state")));
            call("reduce", vec![gather(value, value, Vec::new()), initial.clone(), input.clone(), state])
        }
        ("histogram", [x]) => call("array_histogram", vec![gather(x, x, Vec::new())]),
        ("map_agg" | "multimap_agg", [key, value]) => {
            let entries = gather(&call("struct", vec![key.clone(), value.clone()]), key, Vec::new());
            call(if name == "map_agg" { MAP_AGG } else { "multimap_from_entries" }, vec![entries])
        }
        ("map_union", [map]) => call(MAP_UNION, vec![gather(map, map, Vec::new())]),
        ("geometric_mean", [x]) => {
            call("exp", vec![aggregate(function, "avg", vec![call("ln", vec![x.clone()])], None, Vec::new())])
        }
        // The sketches (`sketches`): rows with a NULL in any argument are left out, as Trino
        // leaves them out.
        ("numeric_histogram", [buckets, value]) => rows(NUMERIC_HISTOGRAM, &[buckets, value, &number("1")]),
        ("numeric_histogram", [buckets, value, weight]) => rows(NUMERIC_HISTOGRAM, &[buckets, value, weight]),
        ("approx_most_frequent", [buckets, value, capacity]) => rows(APPROX_MOST_FREQUENT, &[buckets, value, capacity]),
        ("avg", [x]) => {
            let [least, most] = ["min", "max"].map(|name| aggregate(function, name, vec![x.clone()], None, Vec::new()));
            let mean = aggregate(function, "avg", vec![call(AVERAGED, vec![x.clone()])], None, Vec::new());
            call(MEAN_LIKE, vec![mean, least, most])
        }
        ("sum", [x]) => {
            let like = aggregate(function, "min", vec![x.clone()], None, Vec::new());
            let sum = aggregate(function, "sum", vec![call(SUMMED, vec![x.clone()])], None, Vec::new());
            call(SUM_LIKE, vec![sum, like])
        }
        ("approx_percentile", [x, p]) => percentile(function, x, None, p),
        // `approx_distinct(x, e)`: the engine's estimate, within its own error, for a standard
        // error `e` Trino takes (another is left to the engine to refuse).
        ("approx_distinct", [x, e]) if standard_error_fits(e) => {
            aggregate(function, "approx_distinct", vec![x.clone()], None, Vec::new())
        }
        ("approx_percentile", [x, w, p]) => percentile(function, x, Some(w), p),
        // NULLs too: each adds to Trino's checksum.
        ("checksum", [x]) => call(CHECKSUM, vec![aggregate(function, "array_agg", vec![x.clone()], None, Vec::new())]),
        ("skewness" | "kurtosis", [x]) => {
            call(if name == "skewness" { SKEWNESS } else { KURTOSIS }, vec![gather(x, x, Vec::new())])
        }
        _ => return None,
    })
}

/// Whether `e` is a constant standard error within Trino's bounds, [0.0040625, 0.26].
fn standard_error_fits(e: &Expr) -> bool {
    matches!(e, Expr::Value(v) if matches!(&v.value, ast::Value::Number(n, _) if n.parse::<f64>().is_ok_and(|n| (0.0040625..=0.26).contains(&n))))
}

/// `approx_percentile(x[, w], p)`, `p` a percentile or an array of them, in `x`'s type.
fn percentile(function: &ast::Function, x: &Expr, weight: Option<&Expr>, p: &Expr) -> Expr {
    let one = |p: &Expr| match weight {
        Some(w) => aggregate(
            function,
            "approx_percentile_cont_with_weight",
            vec![x.clone(), w.clone(), p.clone()],
            None,
            Vec::new(),
        ),
        None => aggregate(function, "approx_percentile_cont", vec![x.clone(), p.clone()], None, Vec::new()),
    };
    let value = match p {
        Expr::Array(array) => call("make_array", array.elem.iter().map(one).collect()),
        p => one(p),
    };
    call(PERCENTILE_LIKE, vec![value, aggregate(function, "min", vec![x.clone()], None, Vec::new())])
}

/// `"$percentile_like"(percentiles, like)`: the percentiles (a double, or an array of them) in
/// the type of `like`: a bigint for an integer, else as they are.
fn percentile_like_type(call: &Call) -> Result<DataType> {
    match call.types {
        [DataType::List(_), like] if like.is_integer() => {
            Ok(DataType::List(Arc::new(datafusion::arrow::datatypes::Field::new("item", DataType::Int64, true))))
        }
        [_, like] if like.is_integer() => Ok(DataType::Int64),
        [value, _] => Ok(value.clone()),
        _ => plan_err!("approx_percentile takes a value, an optional weight and a percentile"),
    }
}

/// Trino's bigint percentile: `Math.round` of the estimate (half up).
fn percentile_like(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let round = |values: &ArrayRef| -> Result<ArrayRef> {
        let values = cast(values, &DataType::Float64)?;
        let rounded: datafusion::arrow::array::Int64Array = values
            .as_primitive::<datafusion::arrow::datatypes::Float64Type>()
            .iter()
            .map(|v| v.map(|v| (v + 0.5).floor() as i64))
            .collect();
        Ok(Arc::new(rounded))
    };
    match kind {
        DataType::Int64 => round(&args[0]),
        DataType::List(field) if field.data_type() == &DataType::Int64 => {
            let list = args[0].as_list::<i32>();
            let values = round(list.values())?;
            Ok(Arc::new(datafusion::arrow::array::ListArray::try_new(
                field.clone(),
                list.offsets().clone(),
                values,
                list.nulls().cloned(),
            )?))
        }
        _ => Ok(args[0].clone()),
    }
}

/// `listagg(x[, separator] [ON OVERFLOW …]) WITHIN GROUP (ORDER BY …)` → `"$listagg"` of the
/// values gathered in that order, the separator ('' when none), and what to do past the bound.
fn listagg_form(function: &ast::Function) -> Option<Expr> {
    let FunctionArguments::List(list) = &function.args else { return None };
    let mut args = Vec::new();
    for arg in &list.args {
        let FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) = arg else { return None };
        args.push(expr.clone());
    }
    let mut overflow = &ListAggOnOverflow::Error;
    for clause in &list.clauses {
        let FunctionArgumentClause::OnOverflow(written) = clause else { return None };
        overflow = written;
    }
    let (value, separator) = match args.as_slice() {
        [value] => (value, text_literal("")),
        [value, separator] => (value, separator.clone()),
        _ => return None,
    };
    let (fails, filler, count) = match overflow {
        ListAggOnOverflow::Error => (true, text_literal("..."), false),
        ListAggOnOverflow::Truncate { filler, with_count } => {
            (false, filler.as_deref().cloned().unwrap_or_else(|| text_literal("...")), *with_count)
        }
    };
    let gathered =
        aggregate(function, "array_agg", vec![value.clone()], Some(present(value)), function.within_group.clone());
    Some(call(LISTAGG, vec![gathered, separator, boolean(fails), filler, boolean(count)]))
}

/// `name(args)` as an aggregate that keeps the FILTER (joined to `only`), OVER and DISTINCT
/// written on `written`, ordered by `order`.
fn aggregate(
    written: &ast::Function,
    name: &str,
    args: Vec<Expr>,
    only: Option<Expr>,
    order: Vec<OrderByExpr>,
) -> Expr {
    let mut form = call(name, args);
    if let Expr::Function(f) = &mut form {
        f.filter = match (written.filter.clone(), only) {
            (Some(filter), Some(only)) => {
                Some(Box::new(binary(&Expr::Nested(filter), ast::BinaryOperator::And, &only)))
            }
            (Some(filter), None) => Some(filter),
            (None, only) => only.map(Box::new),
        };
        f.over = written.over.clone();
        if let (FunctionArguments::List(from), FunctionArguments::List(to)) = (&written.args, &mut f.args) {
            to.duplicate_treatment = from.duplicate_treatment;
            if !order.is_empty() {
                to.clauses.push(FunctionArgumentClause::OrderBy(order));
            }
        }
    }
    form
}

/// `by` ascending or descending (NULLs, which the forms leave out, wherever).
/// The order of `by`, least first (`ascending`) or greatest first. NaN is the greatest for the
/// least first, as Trino's `min_by` and `min(x, n)` take it, and the least for the greatest first,
/// as its `max_by` and `max(x, n)` take it (`COMPARISON_UNORDERED_FIRST`), where the engine
/// takes NaN for the greatest both ways.
fn ordered(by: &Expr, ascending: bool) -> Vec<OrderByExpr> {
    let key = |expr: Expr, asc: bool| OrderByExpr {
        expr,
        options: OrderByOptions { asc: Some(asc), nulls_first: None },
        with_fill: None,
    };
    if ascending {
        return vec![key(by.clone(), true)];
    }
    vec![key(call(super::extremes::IS_NAN, vec![by.clone()]), true), key(by.clone(), false)]
}

fn boolean(value: bool) -> Expr {
    Expr::value(Value::Boolean(value))
}

fn listagg_type(call: &Call) -> Result<DataType> {
    let usage = "listagg(varchar(x), varchar(y), boolean, varchar(z), boolean)";
    match call.types {
        [values, separator, _, filler, _]
            if item(values).is_some_and(is_text) && is_text(separator) && is_text(filler) =>
        {
            Ok(DataType::Utf8)
        }
        _ => call.gathered_mismatch("listagg", usage),
    }
}

/// Each row's values joined by its separator, as Trino's `listagg` writes them: past
/// `LISTAGG_MOST_BYTES` it fails, or (`ON OVERFLOW TRUNCATE`) stops at the last value that fits
/// and writes the separator, the filler, and (`WITH COUNT`) how many values it left out.
fn listagg(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (array, values) = (&args[0], cast(&list_values(args[0].as_ref())?, &DataType::Utf8)?);
    let values = values.as_string::<i32>();
    let text = |i: usize| super::udf::text(args, i);
    let (separators, fails, fillers, counts) =
        (text(1)?, args[2].as_boolean().clone(), text(3)?, args[4].as_boolean().clone());
    let mut out = Vec::with_capacity(array.len());
    for row in 0..array.len() {
        let Some((start, end)) = bounds(array.as_ref(), row) else {
            out.push(None);
            continue;
        };
        let separator = if separators.is_null(row) { "" } else { separators.value(row) };
        let present: Vec<&str> = (start..end).filter(|&j| values.is_valid(j)).map(|j| values.value(j)).collect();
        let mut joined = String::new();
        let mut written = 0;
        for value in &present {
            let needed = value.len() + if written > 0 { separator.len() } else { 0 };
            if joined.len() + needed > LISTAGG_MOST_BYTES {
                break;
            }
            if written > 0 {
                joined.push_str(separator);
            }
            joined.push_str(value);
            written += 1;
        }
        if written < present.len() {
            if fails.value(row) {
                return exec_err!(
                    "EXCEEDED_FUNCTION_MEMORY_LIMIT: Concatenated string has the length in bytes larger than the maximum output length {LISTAGG_MOST_BYTES}"
                );
            }
            if written > 0 {
                joined.push_str(separator);
            }
            joined.push_str(if fillers.is_null(row) { "" } else { fillers.value(row) });
            if counts.value(row) {
                joined.push_str(&format!("({})", present.len() - written));
            }
        }
        out.push(Some(joined));
    }
    Ok(Arc::new(StringArray::from(out)))
}

fn moments_type(call: &Call) -> Result<DataType> {
    let name = if call.name == SKEWNESS { "skewness" } else { "kurtosis" };
    match call.types {
        [values] if item(values).is_some_and(|t| t.is_numeric() || t.is_null()) => Ok(DataType::Float64),
        _ => call.gathered_mismatch(name, &format!("{name}(double), {name}(bigint)")),
    }
}

/// The count of the values and the sums of the second, third and fourth powers of their
/// distances from their mean.
struct Moments {
    n: f64,
    m2: f64,
    m3: f64,
    m4: f64,
}

/// Trino's skewness: NULL for fewer than 3 values.
fn skewness(m: &Moments) -> Option<f64> {
    (m.n >= 3.0).then(|| m.n.sqrt() * m.m3 / m.m2.powf(1.5))
}

/// Trino's excess kurtosis (its formula, in its order): NULL for fewer than 4 values.
fn kurtosis(m: &Moments) -> Option<f64> {
    let n = m.n;
    (n >= 4.0).then(|| {
        ((n - 1.0) * n * (n + 1.0)) / ((n - 2.0) * (n - 3.0)) * m.m4 / (m.m2 * m.m2)
            - 3.0 * ((n - 1.0) * (n - 1.0)) / ((n - 2.0) * (n - 3.0))
    })
}

/// `answer` of each row's values' moments (NULL for a NULL row).
fn moments(args: &[ArrayRef], answer: fn(&Moments) -> Option<f64>) -> Result<ArrayRef> {
    let array = &args[0];
    let values = cast(&list_values(array.as_ref())?, &DataType::Float64)?;
    let values = values.as_primitive::<datafusion::arrow::datatypes::Float64Type>();
    let mut out = Vec::with_capacity(array.len());
    for row in 0..array.len() {
        let Some((start, end)) = bounds(array.as_ref(), row) else {
            out.push(None);
            continue;
        };
        let xs: Vec<f64> = (start..end).filter(|&j| values.is_valid(j)).map(|j| values.value(j)).collect();
        if xs.is_empty() {
            out.push(None);
            continue;
        }
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let mut m = Moments { n, m2: 0.0, m3: 0.0, m4: 0.0 };
        for x in &xs {
            let d = x - mean;
            m.m2 += d * d;
            m.m3 += d * d * d;
            m.m4 += d * d * d * d;
        }
        out.push(answer(&m));
    }
    Ok(Arc::new(Float64Array::from(out)))
}
