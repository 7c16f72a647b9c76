//! Trino's `split_to_map(s, entry_delimiter, key_value_delimiter)` (each key once, refused when
//! repeated) and `split_to_multimap` (each key with the array of its values): text such as
//! `a=1,b=2` read into a map of text. Each entry must hold the key-value delimiter exactly once;
//! an empty entry at the end (`a=1,`) is allowed, as Trino allows it.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringArray};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::nested::{list, map, map_type, map_types};
use super::udf::{is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("split_to_map", split_type, |args, kind| split(args, kind, false)),
        Trino::udf("split_to_multimap", split_type, |args, kind| split(args, kind, true)),
    ]
}

fn split_type(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b, c] if is_text(a) && is_text(b) && is_text(c) => Ok(if call.name == "split_to_multimap" {
            map_type(&DataType::Utf8, &DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))))
        } else {
            map_type(&DataType::Utf8, &DataType::Utf8)
        }),
        _ => call.mismatch(&format!("{}(varchar, varchar, varchar)", call.name)),
    }
}

/// One row's entries: its keys in the order they first appear, each with its values.
fn entries<'a>(text: &'a str, entry: &str, key_value: &str, many: bool) -> Result<Vec<(&'a str, Vec<&'a str>)>> {
    if entry.is_empty() {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: entryDelimiter is empty");
    }
    if key_value.is_empty() {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: keyValueDelimiter is empty");
    }
    if entry == key_value {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: entryDelimiter and keyValueDelimiter must not be the same");
    }
    let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut place: HashMap<&str, usize> = HashMap::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (pair, after) = rest.split_once(entry).unwrap_or((rest, ""));
        let mut halves = pair.split(key_value);
        let (Some(key), Some(value), None) = (halves.next(), halves.next(), halves.next()) else {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: Key-value delimiter must appear exactly once in each entry. Bad input: '{pair}'"
            );
        };
        match place.get(key) {
            Some(_) if !many => return exec_err!("INVALID_FUNCTION_ARGUMENT: Duplicate keys ({key}) are not allowed"),
            Some(&at) => out[at].1.push(value),
            None => {
                place.insert(key, out.len());
                out.push((key, vec![value]));
            }
        }
        rest = after;
    }
    Ok(out)
}

fn split(args: &[ArrayRef], kind: &DataType, many: bool) -> Result<ArrayRef> {
    let (texts, entry, key_value) = (text(args, 0)?, text(args, 1)?, text(args, 2)?);
    let (mut keys, mut values, mut counts, mut lengths, mut valid) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in 0..texts.len() {
        if texts.is_null(row) || entry.is_null(row) || key_value.is_null(row) {
            lengths.push(0);
            valid.push(false);
            continue;
        }
        let row_entries = entries(texts.value(row), entry.value(row), key_value.value(row), many)?;
        lengths.push(row_entries.len());
        valid.push(true);
        for (key, row_values) in row_entries {
            keys.push(key.to_string());
            counts.push(row_values.len());
            values.extend(row_values.into_iter().map(str::to_string));
        }
    }
    let keys: ArrayRef = Arc::new(StringArray::from(keys));
    let values: ArrayRef = Arc::new(StringArray::from(values));
    let values = match (many, map_types(kind)) {
        (true, Some((_, group_kind))) => list(group_kind, counts.clone(), values, vec![true; counts.len()])?,
        _ => values,
    };
    map(kind, lengths, keys, values, valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_as_trino_reads_them() {
        let read = |text, many| entries(text, ",", "=", many).map_err(|e| e.to_string());
        assert_eq!(read("a=1,b=2,", false).unwrap(), vec![("a", vec!["1"]), ("b", vec!["2"])]);
        assert_eq!(read("a=1,a=2", true).unwrap(), vec![("a", vec!["1", "2"])]);
        assert_eq!(read("", false).unwrap(), vec![]);
        assert!(read("a=1,a=2", false).unwrap_err().contains("Duplicate keys (a) are not allowed"));
        assert!(read("a=1=2", false).unwrap_err().contains("Bad input: 'a=1=2'"));
        assert!(read("a", false).unwrap_err().contains("Bad input: 'a'"));
        assert!(entries("a", "", "=", false).is_err());
        assert!(entries("a", "=", "=", false).is_err());
    }
}
