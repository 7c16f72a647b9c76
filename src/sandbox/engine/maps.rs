//! Trino's maps made from arrays of `(key, value)` rows: `map_from_entries` (each key once) and
//! `multimap_from_entries` (each key with the array of its values). Both refuse what Athena
//! refuses: a NULL entry, a NULL key, and for the first a key twice.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::ScalarUDF;

use super::nested::{bounds, item, list, list_values, map, map_type, map_types, pick};
use super::udf::{Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("map_from_entries", map_from_entries_type, map_from_entries),
        Trino::udf("multimap_from_entries", map_from_entries_type, multimap_from_entries),
    ]
}

/// The key and value types of an array of rows `(key, value)`.
fn entry_types(kind: &DataType) -> Option<(&DataType, &DataType)> {
    match item(kind)? {
        DataType::Struct(fields) if fields.len() == 2 => Some((fields[0].data_type(), fields[1].data_type())),
        _ => None,
    }
}

fn map_from_entries_type(call: &Call) -> Result<DataType> {
    match call.types {
        [entries] => match entry_types(entries) {
            Some((key, value)) if call.name == "multimap_from_entries" => {
                Ok(map_type(key, &DataType::List(Arc::new(Field::new_list_field(value.clone(), true)))))
            }
            Some((key, value)) => Ok(map_type(key, value)),
            None => call.mismatch(&format!("{}(array(row(K, V)))", call.name)),
        },
        _ => call.mismatch(&format!("{}(array(row(K, V)))", call.name)),
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

/// The entries of argument 0 grouped by key, refusing NULL entries and keys, and repeated keys
/// unless `all`.
fn entries_by_key(args: &[ArrayRef], all: bool) -> Result<Grouped> {
    let array = &args[0];
    let rows = list_values(array.as_ref())?;
    let Some(rows) = rows.as_struct_opt() else { return exec_err!("expected an array of rows") };
    let (keys, values) = (rows.column(0).clone(), rows.column(1).clone());
    let key_nulls = keys.logical_nulls();
    let mut answer = Vec::with_capacity(array.len());
    for i in 0..array.len() {
        let Some((start, end)) = bounds(array.as_ref(), i) else {
            answer.push(None);
            continue;
        };
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut place: HashMap<ScalarValue, usize> = HashMap::new();
        for j in start..end {
            if rows.is_null(j) {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: map entry cannot be null");
            }
            if key_nulls.as_ref().is_some_and(|n| n.is_null(j)) {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: map key cannot be null");
            }
            let key = ScalarValue::try_from_array(&keys, j)?;
            match place.get(&key) {
                Some(_) if !all => {
                    return exec_err!("INVALID_FUNCTION_ARGUMENT: Duplicate map keys ({key}) are not allowed")
                }
                Some(&at) => groups[at].push(j),
                None => {
                    place.insert(key, groups.len());
                    groups.push(vec![j]);
                }
            }
        }
        answer.push(Some(groups));
    }
    Ok(Grouped { keys, values, rows: answer })
}

/// `map_from_entries(ARRAY[(k, v), …])`.
fn map_from_entries(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let Grouped { keys, values, rows } = entries_by_key(args, false)?;
    let (mut picks, mut lengths, mut valid) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        lengths.push(row.as_ref().map_or(0, |groups| groups.len()));
        valid.push(row.is_some());
        picks.extend(row.into_iter().flatten().flatten().map(|j| Some(j as u32)));
    }
    map(kind, lengths, pick(&keys, picks.clone())?, pick(&values, picks)?, valid)
}

/// `multimap_from_entries(ARRAY[(k, v), …])`: each key once, with the array of its values.
fn multimap_from_entries(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let Grouped { keys, values, rows } = entries_by_key(args, true)?;
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
