//! Trino's cosine functions of two vectors: `cosine_similarity(x, y)` and `cosine_distance(x, y)`
//! (1 − the similarity), of dense vectors (arrays of numbers) and of sparse ones (maps from
//! `varchar` to numbers, a missing key counting as 0).
//!
//! Both are the dot product over the product of the norms, in Trino's order of sums, with no
//! special case for a zero vector (0 / 0 is NaN, as there). A NULL element makes the answer NULL;
//! arrays of different lengths are refused.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::nested::{bounds, item, list_values, map_types};
use super::udf::{is_number, is_text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("cosine_similarity", vectors_type, |args, _| answered(args, |s| s)),
        Trino::udf("cosine_distance", vectors_type, |args, _| answered(args, |s| 1.0 - s)),
    ]
}

/// Whether `kind` is a dense vector (`Some(false)`), a sparse one (`Some(true)`) or neither.
fn shape(kind: &DataType) -> Option<bool> {
    if let Some(element) = item(kind) {
        return is_number(element).then_some(false);
    }
    let (key, value) = map_types(kind)?;
    (is_text(key) && is_number(value)).then_some(true)
}

/// Two vectors of one shape; a NULL beside either shape.
fn vectors_type(call: &Call) -> Result<DataType> {
    let fits = match call.types {
        [x, y] if x.is_null() => shape(y).is_some(),
        [x, y] if y.is_null() => shape(x).is_some(),
        [x, y] => matches!((shape(x), shape(y)), (Some(a), Some(b)) if a == b),
        _ => false,
    };
    if !fits {
        return call.mismatch(&usage(call.name));
    }
    Ok(DataType::Float64)
}

fn usage(name: &str) -> String {
    format!("{name}(array(double), array(double)), {name}(map(varchar,double), map(varchar,double))")
}

/// `finish` of each row's similarity; NULL where a vector is NULL or holds a NULL.
fn answered(args: &[ArrayRef], finish: fn(f64) -> f64) -> Result<ArrayRef> {
    let (x, y) = (&args[0], &args[1]);
    let sparse = matches!(x.data_type(), DataType::Map(..)) || matches!(y.data_type(), DataType::Map(..));
    let mut out = Vec::with_capacity(x.len());
    if sparse {
        let (x, y) = (Sparse::of(x)?, Sparse::of(y)?);
        for i in 0..args[0].len() {
            out.push(sparse_similarity(&x, &y, i).map(finish));
        }
    } else {
        let (x, y) = (Dense::of(x)?, Dense::of(y)?);
        for i in 0..args[0].len() {
            out.push(dense_similarity(&x, &y, i)?.map(finish));
        }
    }
    Ok(Arc::new(Float64Array::from(out)))
}

/// An array column: each row's span of items, the items as doubles.
struct Dense<'a> {
    rows: &'a dyn Array,
    items: Float64Array,
}

impl<'a> Dense<'a> {
    fn of(rows: &'a ArrayRef) -> Result<Self> {
        let items = if rows.data_type().is_null() {
            Float64Array::from(Vec::<f64>::new())
        } else {
            cast(&list_values(rows.as_ref())?, &DataType::Float64)?.as_primitive().clone()
        };
        Ok(Dense { rows: rows.as_ref(), items })
    }

    /// Row `i`'s items, None when the array or an item is NULL.
    fn row(&self, i: usize) -> Option<&[f64]> {
        if self.rows.data_type().is_null() {
            return None;
        }
        let (start, end) = bounds(self.rows, i)?;
        let items = self.items.slice(start, end - start);
        (items.null_count() == 0).then(|| &self.items.values()[start..end])
    }
}

fn dense_similarity(x: &Dense, y: &Dense, i: usize) -> Result<Option<f64>> {
    let (Some(x), Some(y)) = (x.row(i), y.row(i)) else { return Ok(None) };
    if x.len() != y.len() {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: the arrays have different lengths ({} and {})", x.len(), y.len());
    }
    let (mut dot, mut x_squares, mut y_squares) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        dot += a * b;
        x_squares += a * a;
        y_squares += b * b;
    }
    Ok(Some(dot / (f64::sqrt(x_squares) * f64::sqrt(y_squares))))
}

/// A map column: each row's span of entries, the keys and the values as doubles.
struct Sparse<'a> {
    rows: &'a dyn Array,
    keys: Option<ArrayRef>,
    values: Float64Array,
}

impl<'a> Sparse<'a> {
    fn of(rows: &'a ArrayRef) -> Result<Self> {
        let Some(map) = rows.as_map_opt() else {
            return Ok(Sparse { rows: rows.as_ref(), keys: None, values: Float64Array::from(Vec::<f64>::new()) });
        };
        let keys = cast(map.keys(), &DataType::Utf8)?;
        let values = cast(map.values(), &DataType::Float64)?.as_primitive().clone();
        Ok(Sparse { rows: rows.as_ref(), keys: Some(keys), values })
    }

    /// Row `i`'s entries as (key, value), None when the map or a value is NULL.
    fn row(&self, i: usize) -> Option<Vec<(&str, f64)>> {
        let keys = self.keys.as_ref()?.as_string::<i32>();
        if self.rows.is_null(i) {
            return None;
        }
        let map = self.rows.as_map();
        let offsets = map.value_offsets();
        let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
        (start..end).map(|j| (!self.values.is_null(j)).then(|| (keys.value(j), self.values.value(j)))).collect()
    }
}

/// Trino's order: each norm over its map's entries, then the dot product over x's keys that y has.
fn sparse_similarity(x: &Sparse, y: &Sparse, i: usize) -> Option<f64> {
    let (x, y) = (x.row(i)?, y.row(i)?);
    let norm = |entries: &[(&str, f64)]| entries.iter().fold(0.0, |sum, (_, v)| sum + v * v).sqrt();
    let (x_norm, y_norm) = (norm(&x), norm(&y));
    let y_values: HashMap<&str, f64> = y.iter().copied().collect();
    let dot = x.iter().filter_map(|(key, a)| y_values.get(key).map(|b| a * b)).fold(0.0, |sum, p| sum + p);
    Some(dot / (x_norm * y_norm))
}
