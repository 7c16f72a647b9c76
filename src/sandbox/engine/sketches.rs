//! Trino's approximate aggregates that summarise a group in a bounded sketch, finished here over
//! the group's values as `aggregates` gathers them (in the order they were read):
//! - `numeric_histogram(buckets, value[, weight])`: Trino's `NumericHistogram` (Ben-Haim and
//!   Tom-Tov's streaming histogram): values and weights buffered, and when the buffer holds
//!   `buckets + 100` entries, equal values joined and then the two neighbours whose merge costs
//!   least merged, until `buckets` are left; a map of each bucket's mean to its weight, by value;
//! - `approx_most_frequent(buckets, value, capacity)`: Metwally, Agrawal and El Abbadi's stream
//!   summary, as stream-lib's `StreamSummary` keeps it: at most `capacity` counters, a new value
//!   taking over the counter of the least count (and its count); a map of the `buckets` most
//!   frequent values to their counts, most frequent first, a tie in the order the counts were
//!   reached.
//!
//! Both answer as Trino answers on one node: with as many buckets (or as much capacity) as
//! there are distinct values, exactly.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::hash::Hash;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, Float32Array, Float64Array, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::nested::{bounds, item, list_values, map, map_type};
use super::udf::{is_integer, is_number, is_text, Call, Trino};

pub const NUMERIC_HISTOGRAM: &str = "$numeric_histogram";
pub const APPROX_MOST_FREQUENT: &str = "$approx_most_frequent";

/// How many entries Trino's histogram holds beyond its buckets before it compacts.
const ENTRY_BUFFER: usize = 100;

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf(NUMERIC_HISTOGRAM, numeric_histogram_type, numeric_histogram),
        Trino::udf(APPROX_MOST_FREQUENT, approx_most_frequent_type, approx_most_frequent),
    ]
}

/// The types of the fields of the gathered rows (`struct(buckets, value, …)`).
fn gathered_fields(call: &Call) -> Vec<DataType> {
    match call.types.first().and_then(item) {
        Some(DataType::Struct(fields)) => fields.iter().map(|f| f.data_type().clone()).collect(),
        _ => Vec::new(),
    }
}

fn numeric_histogram_type(call: &Call) -> Result<DataType> {
    let fields = gathered_fields(call);
    match fields.as_slice() {
        [buckets, value, weight] if is_integer(buckets) && is_number(value) && is_number(weight) => {
            let kind = if value == &DataType::Float32 { DataType::Float32 } else { DataType::Float64 };
            Ok(map_type(&kind, &kind))
        }
        _ => super::udf::type_mismatch(
            "numeric_histogram",
            &fields,
            "numeric_histogram(bigint, double), numeric_histogram(bigint, double, double), numeric_histogram(bigint, real)",
        ),
    }
}

fn approx_most_frequent_type(call: &Call) -> Result<DataType> {
    let fields = gathered_fields(call);
    match fields.as_slice() {
        [buckets, value, capacity] if is_integer(buckets) && is_integer(capacity) => match value {
            kind if is_integer(kind) => Ok(map_type(&DataType::Int64, &DataType::Int64)),
            kind if is_text(kind) => Ok(map_type(&DataType::Utf8, &DataType::Int64)),
            _ => mismatch_most_frequent(&fields),
        },
        _ => mismatch_most_frequent(&fields),
    }
}

fn mismatch_most_frequent<T>(fields: &[DataType]) -> Result<T> {
    super::udf::type_mismatch(
        "approx_most_frequent",
        fields,
        "approx_most_frequent(bigint, bigint, bigint), approx_most_frequent(bigint, varchar, bigint)",
    )
}

/// Each group's rows as a span (start, end) of the gathered columns; None for no group.
type Spans = Vec<Option<(usize, usize)>>;

/// Each group's gathered rows as spans of the struct's columns, which come cast to `kinds`.
fn groups(args: &[ArrayRef], kinds: &[&DataType]) -> Result<(Spans, Vec<ArrayRef>)> {
    let list = args[0].as_ref();
    let values = list_values(list)?;
    let Some(rows) = values.as_struct_opt() else { return exec_err!("expected gathered rows") };
    let mut columns = Vec::with_capacity(kinds.len());
    for (column, kind) in rows.columns().iter().zip(kinds) {
        columns.push(cast(column, kind)?);
    }
    Ok(((0..list.len()).map(|row| bounds(list, row)).collect(), columns))
}

/// Trino's check of a bucket count, from the group's first row.
fn bucket_count(name: &str, buckets: i64) -> Result<usize> {
    if buckets < 2 {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: {name} bucket count must be greater than one");
    }
    match usize::try_from(buckets) {
        Ok(n) if buckets <= i64::from(i32::MAX) => Ok(n),
        _ => exec_err!("INVALID_FUNCTION_ARGUMENT: {name} bucket count must be at most {}", i32::MAX),
    }
}

fn numeric_histogram(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let (spans, columns) = groups(args, &[&DataType::Int64, &DataType::Float64, &DataType::Float64])?;
    let buckets = columns[0].as_primitive::<Int64Type>();
    let (values, weights) = (columns[1].as_primitive::<Float64Type>(), columns[2].as_primitive::<Float64Type>());
    let (mut keys, mut counts, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for span in spans {
        let Some((start, end)) = span.filter(|(start, end)| start < end) else {
            lengths.push(0);
            valid.push(false);
            continue;
        };
        let mut histogram = Histogram::new(bucket_count("numeric_histogram", buckets.value(start))?);
        for j in start..end {
            histogram.add(values.value(j), weights.value(j));
        }
        let entries = histogram.buckets();
        lengths.push(entries.len());
        valid.push(true);
        for (value, weight) in entries {
            keys.push(value);
            counts.push(weight);
        }
    }
    let (keys, counts): (ArrayRef, ArrayRef) = match super::nested::map_types(kind) {
        Some((DataType::Float32, _)) => (
            Arc::new(keys.iter().map(|&k| k as f32).collect::<Float32Array>()),
            Arc::new(counts.iter().map(|&c| c as f32).collect::<Float32Array>()),
        ),
        _ => (Arc::new(Float64Array::from(keys)), Arc::new(Float64Array::from(counts))),
    };
    map(kind, lengths, keys, counts, valid)
}

fn approx_most_frequent(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let key_kind = super::nested::map_types(kind).map(|(key, _)| key.clone()).unwrap_or(DataType::Utf8);
    let (spans, columns) = groups(args, &[&DataType::Int64, &key_kind, &DataType::Int64])?;
    let (buckets, capacities) = (columns[0].as_primitive::<Int64Type>(), columns[2].as_primitive::<Int64Type>());
    let (mut lengths, mut valid) = (Vec::new(), Vec::new());
    let mut counts = Vec::new();
    let mut int_keys = Vec::new();
    let mut text_keys: Vec<String> = Vec::new();
    for span in spans {
        let Some((start, end)) = span.filter(|(start, end)| start < end) else {
            lengths.push(0);
            valid.push(false);
            continue;
        };
        let buckets = bucket_count("approx_most_frequent", buckets.value(start))?;
        let capacity = match usize::try_from(capacities.value(start)) {
            Ok(capacity) if capacity > 0 && capacities.value(start) <= i64::from(i32::MAX) => capacity,
            _ => {
                return exec_err!(
                    "INVALID_FUNCTION_ARGUMENT: approx_most_frequent capacity must be from 1 to {}",
                    i32::MAX
                )
            }
        };
        let top = match &key_kind {
            DataType::Int64 => {
                let values = columns[1].as_primitive::<Int64Type>();
                let top = most_frequent((start..end).map(|j| values.value(j)), buckets, capacity);
                int_keys.extend(top.iter().map(|(k, _)| *k));
                top.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
            }
            _ => {
                let values = columns[1].as_string::<i32>();
                let top = most_frequent((start..end).map(|j| values.value(j)), buckets, capacity);
                text_keys.extend(top.iter().map(|(k, _)| k.to_string()));
                top.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
            }
        };
        lengths.push(top.len());
        valid.push(true);
        counts.extend(top);
    }
    let keys: ArrayRef = match key_kind {
        DataType::Int64 => Arc::new(Int64Array::from(int_keys)),
        _ => Arc::new(StringArray::from(text_keys)),
    };
    map(kind, lengths, keys, Arc::new(Int64Array::from(counts)), valid)
}

/// stream-lib's `StreamSummary` of `values` with `capacity` counters: the `buckets` largest
/// counts, largest first, a tie in the order its counts were reached.
fn most_frequent<K: Hash + Eq + Clone>(
    values: impl Iterator<Item = K>,
    buckets: usize,
    capacity: usize,
) -> Vec<(K, i64)> {
    // Each counter's count and the moment it was reached (`tick`), and the same pairs ordered.
    let mut counters: HashMap<K, (i64, u64)> = HashMap::new();
    let mut order: BTreeSet<(i64, u64, usize)> = BTreeSet::new();
    let mut slots: Vec<K> = Vec::new();
    let mut slot_of: HashMap<K, usize> = HashMap::new();
    for (tick, value) in values.enumerate() {
        let tick = tick as u64;
        let (count, slot) = match counters.get(&value) {
            Some(&(count, reached)) => {
                let slot = slot_of[&value];
                order.remove(&(count, reached, slot));
                (count, slot)
            }
            None if slots.len() < capacity => {
                slots.push(value.clone());
                slot_of.insert(value.clone(), slots.len() - 1);
                (0, slots.len() - 1)
            }
            None => {
                // The counter of the least count reached first is taken over, count and all.
                let Some((count, _, slot)) = order.pop_first() else { break };
                let dropped = std::mem::replace(&mut slots[slot], value.clone());
                counters.remove(&dropped);
                slot_of.remove(&dropped);
                slot_of.insert(value.clone(), slot);
                (count, slot)
            }
        };
        counters.insert(value, (count + 1, tick));
        order.insert((count + 1, tick, slot));
    }
    let mut top: Vec<(i64, u64, usize)> = order.into_iter().collect();
    top.sort_by_key(|&(count, reached, _)| (Reverse(count), reached));
    top.into_iter().take(buckets).map(|(count, _, slot)| (slots[slot].clone(), count)).collect()
}

/// Trino's `NumericHistogram` on one node: the entries buffered, compacted when the buffer is
/// full and once more for the answer.
struct Histogram {
    buckets: usize,
    values: Vec<f64>,
    weights: Vec<f64>,
}

impl Histogram {
    fn new(buckets: usize) -> Self {
        Histogram { buckets, values: Vec::new(), weights: Vec::new() }
    }

    fn add(&mut self, value: f64, weight: f64) {
        if self.values.len() == self.buckets.saturating_add(ENTRY_BUFFER) {
            self.compact();
        }
        self.values.push(value);
        self.weights.push(weight);
    }

    /// Each bucket's value and weight, by value. NaNs are never merged, but Trino's answer is a
    /// Java map, where they are one key: the first NaN's place with the last one's weight.
    fn buckets(mut self) -> Vec<(f64, f64)> {
        self.compact();
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(self.values.len());
        let mut nan_at: Option<usize> = None;
        for (value, weight) in self.values.into_iter().zip(self.weights) {
            match nan_at {
                Some(at) if value.is_nan() => out[at].1 = weight,
                _ => {
                    if value.is_nan() {
                        nan_at = Some(out.len());
                    }
                    out.push((value, weight));
                }
            }
        }
        out
    }

    fn compact(&mut self) {
        self.merge_same();
        if self.values.len() > self.buckets {
            let merged = merge_buckets(&self.values, &self.weights, self.buckets);
            (self.values, self.weights) = merged.into_iter().unzip();
        }
    }

    /// The entries sorted by value, equal values (`==`, so -0 and 0 too) joined with their
    /// weights summed.
    fn merge_same(&mut self) {
        let mut entries: Vec<(f64, f64)> = self.values.iter().copied().zip(self.weights.iter().copied()).collect();
        entries.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut joined: Vec<(f64, f64)> = Vec::with_capacity(entries.len());
        for (value, weight) in entries {
            match joined.last_mut() {
                Some(last) if last.0 == value => last.1 += weight,
                _ => joined.push((value, weight)),
            }
        }
        (self.values, self.weights) = joined.into_iter().unzip();
    }
}

/// One entry of the merge: a bucket and its neighbours (its cost of merging with the one on its
/// right is in its place in the queue).
struct Entry {
    id: usize,
    value: f64,
    weight: f64,
    left: Option<usize>,
    right: Option<usize>,
    valid: bool,
}

/// A place in the merge's queue: least penalty first, then least id, as Trino's `compareTo`.
#[derive(PartialEq)]
struct Queued {
    penalty: f64,
    id: usize,
    entry: usize,
}

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed, for a max-heap to give the least first.
        other.penalty.total_cmp(&self.penalty).then(other.id.cmp(&self.id))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Sorted, distinct `values` merged down to `target` buckets, by value.
fn merge_buckets(values: &[f64], weights: &[f64], target: usize) -> Vec<(f64, f64)> {
    let mut entries: Vec<Entry> = Vec::with_capacity(values.len() * 2);
    let mut queue = BinaryHeap::with_capacity(values.len() * 2);
    // Built right to left, as Trino builds it, each entry linked to the one on its right.
    let mut right = None;
    for i in (0..values.len()).rev() {
        let at = push(&mut entries, &mut queue, i, values[i], weights[i], None, right);
        right = Some(at);
    }
    let mut count = values.len();
    while count > target {
        let Some(Queued { entry: current, .. }) = queue.pop() else { break };
        if !entries[current].valid {
            continue;
        }
        // A penalty of NaN orders after the last entry's infinite one: nothing left to merge.
        let Some(right) = entries[current].right else { break };
        // Out of the queue, it lives on only in what it merges into.
        entries[current].valid = false;
        count -= 1;
        let (c, r) = (&entries[current], &entries[right]);
        let weight = c.weight + r.weight;
        let value = (c.value * c.weight + r.value * r.weight) / weight;
        let (id, beyond, left) = (c.id, r.right, c.left);
        entries[right].valid = false;
        let merged = push(&mut entries, &mut queue, id, value, weight, None, beyond);
        if let Some(left) = left {
            entries[left].valid = false;
            let (id, value, weight, further) =
                (entries[left].id, entries[left].value, entries[left].weight, entries[left].left);
            push(&mut entries, &mut queue, id, value, weight, further, Some(merged));
        }
    }
    let mut kept: Vec<(f64, f64)> = entries.iter().filter(|e| e.valid).map(|e| (e.value, e.weight)).collect();
    kept.sort_by(|a, b| a.0.total_cmp(&b.0));
    kept
}

/// A new entry, linked to its neighbours as Trino's `Entry` constructor links it, and queued.
fn push(
    entries: &mut Vec<Entry>,
    queue: &mut BinaryHeap<Queued>,
    id: usize,
    value: f64,
    weight: f64,
    left: Option<usize>,
    right: Option<usize>,
) -> usize {
    let at = entries.len();
    let penalty = match right {
        Some(r) => {
            entries[r].left = Some(at);
            penalty(value, weight, entries[r].value, entries[r].weight)
        }
        None => f64::INFINITY,
    };
    if let Some(l) = left {
        entries[l].right = Some(at);
    }
    entries.push(Entry { id, value, weight, left, right, valid: true });
    queue.push(Queued { penalty, id, entry: at });
    at
}

/// Trino's `computePenalty(value1, value2, weight1, weight2)`, called with the left entry's
/// value and weight and then the right one's: the cost of merging two neighbours.
fn penalty(value1: f64, value2: f64, weight1: f64, weight2: f64) -> f64 {
    let weight = value2 + weight2;
    let squared_difference = (value1 - weight1) * (value1 - weight1);
    let proportions_product = (value2 * weight2) / ((value2 + weight2) * (value2 + weight2));
    weight * squared_difference * proportions_product
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_frequent_come_first_and_a_tie_in_the_order_its_count_was_reached() {
        let values = ["A", "B", "A", "C", "A", "B", "C", "D", "E"];
        assert_eq!(most_frequent(values.into_iter(), 2, 15), vec![("A", 3), ("B", 2)]);
        assert_eq!(most_frequent(values.into_iter(), 10, 15), vec![("A", 3), ("B", 2), ("C", 2), ("D", 1), ("E", 1)]);
        // Trino's own test: 1, 1, 2, 3, 4 with three buckets.
        assert_eq!(most_frequent([1, 1, 2, 3, 4].into_iter(), 3, 15), vec![(1, 2), (2, 1), (3, 1)]);
    }

    #[test]
    fn a_full_summary_gives_the_least_counter_to_the_new_value_count_and_all() {
        // Capacity 2: C takes over B's counter (count 1, reached before A's second), so counts 2.
        let values = ["A", "B", "A", "C"];
        assert_eq!(most_frequent(values.into_iter(), 5, 2), vec![("A", 2), ("C", 2)]);
    }

    #[test]
    fn a_histogram_with_enough_buckets_is_exact_and_merges_neighbours_when_not() {
        let mut exact = Histogram::new(10);
        for v in [3.0, 1.0, 2.0, 1.0, -0.0, 0.0] {
            exact.add(v, 1.0);
        }
        assert_eq!(exact.buckets(), vec![(-0.0, 2.0), (1.0, 2.0), (2.0, 1.0), (3.0, 1.0)]);
        // 1, 2 and 10 in two buckets: 1 and 2 are the cheapest to merge.
        let mut merged = Histogram::new(2);
        for v in [10.0, 1.0, 2.0] {
            merged.add(v, 1.0);
        }
        assert_eq!(merged.buckets(), vec![(1.5, 2.0), (10.0, 1.0)]);
    }

    #[test]
    fn a_histogram_keeps_its_total_weight_through_many_compactions() {
        let mut histogram = Histogram::new(5);
        for i in 0..10_000 {
            histogram.add(f64::from(i % 977), 0.5);
        }
        let buckets = histogram.buckets();
        assert_eq!(buckets.len(), 5);
        assert!((buckets.iter().map(|b| b.1).sum::<f64>() - 5_000.0).abs() < 1e-6);
        assert!(buckets.windows(2).all(|w| w[0].0 < w[1].0), "{buckets:?}");
    }
}
