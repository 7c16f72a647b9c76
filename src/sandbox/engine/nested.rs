//! Arrays and maps as Arrow holds them, for the functions that read and answer them (`arrays`,
//! `maps`, `lambdas`): each row's span of items, the item and entry types, and the builders of
//! list and map answers from picked items.

use std::sync::Arc;

use datafusion::arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, ListArray, MapArray, StructArray, UInt32Array,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::{cast, take};
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{exec_err, Result};

/// The element type of an array type, or a map's key and value types.
pub(super) fn item(kind: &DataType) -> Option<&DataType> {
    match kind {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => Some(f.data_type()),
        _ => None,
    }
}

pub(super) fn map_types(kind: &DataType) -> Option<(&DataType, &DataType)> {
    match kind {
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(fields) if fields.len() == 2 => Some((fields[0].data_type(), fields[1].data_type())),
            _ => None,
        },
        _ => None,
    }
}

/// Row `i` of a list column as (start, end) in its values, or None when NULL.
pub(super) fn bounds(list: &dyn Array, i: usize) -> Option<(usize, usize)> {
    if list.is_null(i) {
        return None;
    }
    if let Some(l) = list.as_list_opt::<i32>() {
        let o = l.value_offsets();
        return Some((o[i].max(0) as usize, o[i + 1].max(0) as usize));
    }
    if let Some(l) = list.as_list_opt::<i64>() {
        let o = l.value_offsets();
        return Some((o[i].max(0) as usize, o[i + 1].max(0) as usize));
    }
    None
}

pub(super) fn list_values(list: &dyn Array) -> Result<ArrayRef> {
    if let Some(l) = list.as_list_opt::<i32>() {
        return Ok(l.values().clone());
    }
    if let Some(l) = list.as_list_opt::<i64>() {
        return Ok(l.values().clone());
    }
    exec_err!("expected an array, got {}", list.data_type())
}

/// A map type of Trino's shape: `key` (never NULL) to `value`.
pub(super) fn map_type(key: &DataType, value: &DataType) -> DataType {
    map_of(Field::new("key", key.clone(), false), Field::new("value", value.clone(), true))
}

/// A map type of these two fields (the key's never NULL).
pub(super) fn map_of(key: Field, value: Field) -> DataType {
    let entries = Fields::from(vec![key.with_nullable(false), value]);
    DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false)
}

/// The values at `picks` (NULL where a pick is None).
pub(super) fn pick(values: &ArrayRef, picks: Vec<Option<u32>>) -> Result<ArrayRef> {
    if values.is_empty() {
        return Ok(new_null_array(values.data_type(), picks.len()));
    }
    Ok(take(values.as_ref(), &UInt32Array::from(picks), None)?)
}

/// `array` as `kind`: itself when it is already, else cast.
pub(super) fn fit(array: ArrayRef, kind: &DataType) -> Result<ArrayRef> {
    if array.data_type() == kind {
        Ok(array)
    } else {
        Ok(cast(&array, kind)?)
    }
}

/// A list column of `kind` (a List type) from its rows' lengths, values and validity.
pub(super) fn list(kind: &DataType, lengths: Vec<usize>, values: ArrayRef, valid: Vec<bool>) -> Result<ArrayRef> {
    let DataType::List(field) = kind else { return exec_err!("expected a list type, got {kind}") };
    let values = fit(values, field.data_type())?;
    Ok(Arc::new(ListArray::try_new(
        field.clone(),
        OffsetBuffer::from_lengths(lengths),
        values,
        Some(NullBuffer::from(valid)),
    )?))
}

/// A map column of `kind` (a Map type) from its rows' lengths, keys, values and validity.
pub(super) fn map(
    kind: &DataType,
    lengths: Vec<usize>,
    keys: ArrayRef,
    values: ArrayRef,
    valid: Vec<bool>,
) -> Result<ArrayRef> {
    let DataType::Map(entries, sorted) = kind else { return exec_err!("expected a map type, got {kind}") };
    let DataType::Struct(fields) = entries.data_type() else { return exec_err!("a map's entries are a struct") };
    let columns = vec![fit(keys, fields[0].data_type())?, fit(values, fields[1].data_type())?];
    let entries_array = StructArray::try_new(fields.clone(), columns, None)?;
    Ok(Arc::new(MapArray::try_new(
        entries.clone(),
        OffsetBuffer::from_lengths(lengths),
        entries_array,
        Some(NullBuffer::from(valid)),
        *sorted,
    )?))
}
