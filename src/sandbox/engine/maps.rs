//! Trino's `MAP(keys, values)`: NULL when either array is, refusing arrays of two lengths, a
//! NULL key, a key that is indeterminate (holds a NULL) and a key twice, as Trino's does (the
//! engine's `map` read `MAP(ARRAY[1], NULL)` as a map of one key, `[1]`, and `MAP(1, 2)` as one
//! entry).
//!
//! Trino's maps made from arrays of `(key, value)` rows: `map_from_entries` (each key once) and
//! `multimap_from_entries` (each key with the array of its values). Both refuse what Athena
//! refuses: a NULL entry, a NULL key, and for the first a key twice.
//!
//! And the answers of the aggregates of maps (`aggregates`), from the entries or maps a group
//! gathered: `"$map_agg"` (each key with its first value, as Trino's `map_agg`) and
//! `"$map_union"` (the union of an array of maps, a key's value from the first map that has it).
//! And `map_concat(m1, m2, …)`: every key of the maps, with its value in the last map that has
//! it (NULL when any map is NULL).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{new_null_array, Array, ArrayRef, AsArray};
use datafusion::arrow::compute::concat;
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::planner::{ExprPlanner, PlannerResult};
use datafusion::logical_expr::{Expr, ScalarUDF};

use super::nested::{bounds, fit, item, list, list_values, map, map_type, map_types, pick};
use super::print;
use super::udf::{Call, Trino};

/// `map_agg(k, v)`'s answer from the group's `(k, v)` rows.
pub const MAP_AGG: &str = "$map_agg";
/// `map_union(m)`'s answer from the group's maps.
pub const MAP_UNION: &str = "$map_union";

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        MAP_UDF.as_ref().clone(),
        Trino::udf("map_from_entries", map_from_entries_type, map_from_entries),
        Trino::udf("multimap_from_entries", map_from_entries_type, multimap_from_entries),
        Trino::udf(MAP_AGG, map_from_entries_type, |args, kind| from_entries(args, kind, Again::Skip)),
        Trino::udf(MAP_UNION, map_union_type, map_union),
        Trino::udf("map_concat", map_concat_type, map_concat),
    ]
}

static MAP_UDF: LazyLock<Arc<ScalarUDF>> =
    LazyLock::new(|| Arc::new(Trino::udf("map", map_of_arrays_type, map_of_arrays)));

/// `MAP(a, b)` of anything but two arrays, which the engine's planner reads as its own map of
/// one entry (`MAP(1, 2)` was `{1=2}`, `MAP(ARRAY[1], NULL)` `{[1]=null}`): Trino's `map`,
/// which refuses what are not arrays and is NULL of a NULL. (`MAP()` is `MAP(ARRAY[], ARRAY[])`,
/// `sql`.)
#[derive(Debug)]
pub struct MapOfArrays;

impl ExprPlanner for MapOfArrays {
    fn plan_make_map(&self, args: Vec<Expr>) -> Result<PlannerResult<Vec<Expr>>> {
        Ok(PlannerResult::Planned(Expr::ScalarFunction(ScalarFunction::new_udf(MAP_UDF.clone(), args))))
    }
}

fn map_of_arrays_type(call: &Call) -> Result<DataType> {
    // An array's item type; NULL (of no type) is an array of unknown.
    let part = |kind: &DataType| match kind {
        DataType::Null => Some(DataType::Null),
        kind => item(kind).cloned(),
    };
    if let [keys, values] = call.types {
        if let (Some(key), Some(value)) = (part(keys), part(values)) {
            return Ok(map_type(&key, &value));
        }
    }
    call.mismatch("map(array(K), array(V)) K:comparable, V, map()")
}

/// `MAP(keys, values)`, row by row.
fn map_of_arrays(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let [keys, values] = args else { return exec_err!("map takes two arrays") };
    let rows = keys.len();
    if keys.data_type().is_null() || values.data_type().is_null() {
        return Ok(new_null_array(kind, rows));
    }
    let (key_items, value_items) = (list_values(keys.as_ref())?, list_values(values.as_ref())?);
    let indeterminate = holds_null(&key_items)?;
    let (mut key_picks, mut value_picks, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..rows {
        let (Some((k, k_end)), Some((v, v_end))) = (bounds(keys.as_ref(), i), bounds(values.as_ref(), i)) else {
            lengths.push(0);
            valid.push(false);
            continue;
        };
        if k_end - k != v_end - v {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Key and value arrays must be the same length");
        }
        // The first key that is NULL or holds one.
        if let Some(j) = (k..k_end).find(|&j| indeterminate[j]) {
            return match print::value(key_items.as_ref(), j)? {
                None => exec_err!("INVALID_FUNCTION_ARGUMENT: map key cannot be null"),
                Some(key) => exec_err!("INVALID_FUNCTION_ARGUMENT: map key cannot be indeterminate: {key}"),
            };
        }
        group_by_key(&key_items, k..k_end, Again::Refuse)?;
        lengths.push(k_end - k);
        valid.push(true);
        key_picks.extend((k..k_end).map(|j| Some(j as u32)));
        value_picks.extend((v..v_end).map(|j| Some(j as u32)));
    }
    map(kind, lengths, pick(&key_items, key_picks)?, pick(&value_items, value_picks)?, valid)
}

/// For each value of `array`, whether it is NULL or holds one (an array's element, a row's
/// field, at any depth): Trino's indeterminate values.
fn holds_null(array: &ArrayRef) -> Result<Vec<bool>> {
    let own = |i: usize| array.data_type().is_null() || array.is_null(i);
    Ok(match array.data_type() {
        DataType::List(_) | DataType::LargeList(_) => {
            let inner = holds_null(&list_values(array.as_ref())?)?;
            (0..array.len())
                .map(|i| {
                    own(i) || bounds(array.as_ref(), i).is_some_and(|(start, end)| inner[start..end].contains(&true))
                })
                .collect()
        }
        DataType::Struct(_) => {
            let fields = array.as_struct().columns().iter().map(holds_null).collect::<Result<Vec<_>>>()?;
            (0..array.len()).map(|i| own(i) || fields.iter().any(|field| field[i])).collect()
        }
        _ => (0..array.len()).map(own).collect(),
    })
}

/// The key and value types of an array of rows `(key, value)`.
fn entry_types(kind: &DataType) -> Option<(&DataType, &DataType)> {
    match item(kind)? {
        DataType::Struct(fields) if fields.len() == 2 => Some((fields[0].data_type(), fields[1].data_type())),
        _ => None,
    }
}

fn map_from_entries_type(call: &Call) -> Result<DataType> {
    // `ARRAY[]` (of unknown) is of entries of unknown to unknown.
    let entries = match call.types {
        [entries] if item(entries) == Some(&DataType::Null) => Some((&DataType::Null, &DataType::Null)),
        [entries] => entry_types(entries),
        _ => None,
    };
    match entries {
        Some((key, value)) if call.name == "multimap_from_entries" => {
            Ok(map_type(key, &DataType::List(Arc::new(Field::new_list_field(value.clone(), true)))))
        }
        Some((key, value)) => Ok(map_type(key, value)),
        None => call.mismatch(&format!("{}(array(row(K, V)))", call.name)),
    }
}

/// An array of `(key, value)` rows, each row's entries grouped by key.
struct Grouped {
    keys: ArrayRef,
    values: ArrayRef,
    /// Per row (None when NULL): the positions of each key's entries, the keys in the order
    /// they first appear.
    rows: Vec<Option<Vec<Vec<usize>>>>,
}

/// What a map made of entries does with a key it has had already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Again {
    /// Refuses it (`map_from_entries`).
    Refuse,
    /// Adds its value to the key's (`multimap_from_entries`).
    Group,
    /// Keeps the first value (`map_agg`, `map_union`).
    Skip,
}

/// The positions of `keys` grouped by key, the keys in the order they first appear.
fn group_by_key(keys: &ArrayRef, positions: impl Iterator<Item = usize>, again: Again) -> Result<Vec<Vec<usize>>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut place: HashMap<ScalarValue, usize> = HashMap::new();
    for j in positions {
        let key = ScalarValue::try_from_array(keys, j)?;
        match (place.get(&key), again) {
            (Some(_), Again::Refuse) => {
                let key = print::value(keys.as_ref(), j)?.unwrap_or_default();
                return exec_err!("INVALID_FUNCTION_ARGUMENT: Duplicate map keys ({key}) are not allowed");
            }
            (Some(&at), Again::Group) => groups[at].push(j),
            (Some(_), Again::Skip) => {}
            (None, _) => {
                place.insert(key, groups.len());
                groups.push(vec![j]);
            }
        }
    }
    Ok(groups)
}

/// The entries of argument 0 grouped by key, refusing NULL entries and keys.
fn entries_by_key(args: &[ArrayRef], again: Again) -> Result<Grouped> {
    let array = &args[0];
    let rows = list_values(array.as_ref())?;
    if rows.data_type().is_null() {
        // An array of unknown: empty, or of NULL entries.
        if !rows.is_empty() {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: map entry cannot be null");
        }
        let none = new_null_array(&DataType::Null, 0);
        let rows = (0..array.len()).map(|i| bounds(array.as_ref(), i).map(|_| Vec::new())).collect();
        return Ok(Grouped { keys: none.clone(), values: none, rows });
    }
    let Some(rows) = rows.as_struct_opt() else { return exec_err!("expected an array of rows") };
    let (keys, values) = (rows.column(0).clone(), rows.column(1).clone());
    let key_nulls = keys.logical_nulls();
    let mut answer = Vec::with_capacity(array.len());
    for i in 0..array.len() {
        let Some((start, end)) = bounds(array.as_ref(), i) else {
            answer.push(None);
            continue;
        };
        for j in start..end {
            if rows.is_null(j) {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: map entry cannot be null");
            }
            if key_nulls.as_ref().is_some_and(|n| n.is_null(j)) {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: map key cannot be null");
            }
        }
        answer.push(Some(group_by_key(&keys, start..end, again)?));
    }
    Ok(Grouped { keys, values, rows: answer })
}

/// `map_from_entries(ARRAY[(k, v), …])`.
fn map_from_entries(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    from_entries(args, kind, Again::Refuse)
}

/// A map of each row's entries, each key once.
fn from_entries(args: &[ArrayRef], kind: &DataType, again: Again) -> Result<ArrayRef> {
    let Grouped { keys, values, rows } = entries_by_key(args, again)?;
    first_of_each(kind, &keys, &values, rows)
}

/// A map of each row's groups of entries, each key with its group's first value.
fn first_of_each(
    kind: &DataType,
    keys: &ArrayRef,
    values: &ArrayRef,
    rows: Vec<Option<Vec<Vec<usize>>>>,
) -> Result<ArrayRef> {
    let (mut picks, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        lengths.push(row.as_ref().map_or(0, |groups| groups.len()));
        valid.push(row.is_some());
        picks.extend(row.into_iter().flatten().map(|group| Some(group[0] as u32)));
    }
    map(kind, lengths, pick(keys, picks.clone())?, pick(values, picks)?, valid)
}

/// `multimap_from_entries(ARRAY[(k, v), …])`: each key once, with the array of its values.
fn multimap_from_entries(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let Grouped { keys, values, rows } = entries_by_key(args, Again::Group)?;
    let Some((_, group_kind @ DataType::List(_))) = map_types(kind) else {
        return exec_err!("expected a map of arrays");
    };
    let (mut key_picks, mut value_picks, mut group_lengths, mut lengths, mut valid) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        lengths.push(row.as_ref().map_or(0, |groups| groups.len()));
        valid.push(row.is_some());
        for group in row.into_iter().flatten() {
            key_picks.push(Some(group[0] as u32));
            group_lengths.push(group.len());
            value_picks.extend(group.into_iter().map(|j| Some(j as u32)));
        }
    }
    let all_valid = vec![true; group_lengths.len()];
    let groups = list(group_kind, group_lengths, pick(&values, value_picks)?, all_valid)?;
    map(kind, lengths, pick(&keys, key_picks)?, groups, valid)
}

fn map_union_type(call: &Call) -> Result<DataType> {
    match call.types {
        [maps] => match item(maps) {
            Some(kind @ DataType::Map(_, _)) => Ok(kind.clone()),
            _ => call.gathered_mismatch("map_union", "map_union(map(K, V))"),
        },
        _ => call.gathered_mismatch("map_union", "map_union(map(K, V))"),
    }
}

/// The union of each row's array of maps: every key of them, with its value in the first map
/// that has it (NULL maps left out).
fn map_union(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let array = &args[0];
    let maps = list_values(array.as_ref())?;
    let Some(maps) = maps.as_map_opt() else { return exec_err!("expected an array of maps") };
    let (keys, values, offsets) = (maps.keys().clone(), maps.values().clone(), maps.value_offsets());
    let mut rows = Vec::with_capacity(array.len());
    for i in 0..array.len() {
        let Some((start, end)) = bounds(array.as_ref(), i) else {
            rows.push(None);
            continue;
        };
        let entries = (start..end)
            .filter(|&m| maps.is_valid(m))
            .flat_map(|m| offsets[m].max(0) as usize..offsets[m + 1].max(0) as usize);
        rows.push(Some(group_by_key(&keys, entries, Again::Skip)?));
    }
    first_of_each(kind, &keys, &values, rows)
}

fn map_concat_type(call: &Call) -> Result<DataType> {
    // NULL (of no type) is a map of any type, and so is `MAP()`, of unknown to unknown.
    let unknown = map_type(&DataType::Null, &DataType::Null);
    let any = |kind: &DataType| kind.is_null() || *kind == unknown;
    let map_kind = call.types.iter().find(|kind| matches!(kind, DataType::Map(_, _)) && !any(kind));
    let map_kind = map_kind.or_else(|| call.types.iter().find(|kind| matches!(kind, DataType::Map(_, _))));
    match map_kind {
        Some(map_kind) if call.types.iter().all(|kind| kind == map_kind || any(kind)) => Ok(map_kind.clone()),
        _ => call.mismatch("map_concat(map(K, V), map(K, V)...)"),
    }
}

fn map_concat(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let rows = args.first().map_or(0, |a| a.len());
    if args.iter().any(|arg| arg.data_type().is_null()) {
        return Ok(datafusion::arrow::array::new_null_array(kind, rows));
    }
    // `MAP()` as a map of the others' type.
    let args = args.iter().map(|arg| fit(arg.clone(), kind)).collect::<Result<Vec<_>>>()?;
    let mut maps = Vec::with_capacity(args.len());
    for arg in &args {
        let Some(one) = arg.as_map_opt() else { return exec_err!("expected maps") };
        maps.push(one);
    }
    // Every map's entries in one array: map `i`'s entry `j` is at `bases[i] + j`.
    let keys: Vec<&dyn Array> = maps.iter().map(|m| m.keys().as_ref()).collect();
    let values: Vec<&dyn Array> = maps.iter().map(|m| m.values().as_ref()).collect();
    let (keys, values) = (concat(&keys)?, concat(&values)?);
    let bases: Vec<usize> = maps.iter().scan(0, |at, m| Some(std::mem::replace(at, *at + m.keys().len()))).collect();
    let (mut picks, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new());
    for row in 0..rows {
        if maps.iter().any(|m| m.is_null(row)) {
            lengths.push(0);
            valid.push(false);
            continue;
        }
        let entries = maps.iter().zip(&bases).flat_map(|(m, base)| {
            let offsets = m.value_offsets();
            (offsets[row].max(0) as usize..offsets[row + 1].max(0) as usize).map(move |j| base + j)
        });
        let groups = group_by_key(&keys, entries, Again::Group)?;
        lengths.push(groups.len());
        valid.push(true);
        picks.extend(groups.iter().filter_map(|group| group.last()).map(|&j| Some(j as u32)));
    }
    // The keys in the order they first appear, each with the last value given it.
    map(kind, lengths, pick(&keys, picks.clone())?, pick(&values, picks)?, valid)
}
