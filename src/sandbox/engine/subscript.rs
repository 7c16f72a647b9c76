//! One item out of an array, a map or a row, as Trino reads it: `element_at` answers NULL for an
//! index past the end or a key not there (negative indexes count from the end); the `[]` operator
//! (`$subscript`, which the SQL front makes of every `x[i]`) refuses both, as Athena does. A row's
//! `[]` takes a field's name (DataFusion's `row['name']`) or Trino's 1-based position.

use std::ops::ControlFlow;

use datafusion::arrow::array::{make_array, new_null_array, Array, ArrayRef, AsArray, UInt64Array};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::compute::{cast, take};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::sqlparser::ast::{
    visit_expressions_mut, AccessExpr, Expr, Ident, LambdaFunction, OneOrManyWithParens, Subscript,
};
use datafusion::logical_expr::ScalarUDF;

use super::nested::{bounds, item, list_values, map_types};
use super::sql::{call, text_literal};
use super::udf::{integers, is_integer, Call, Trino};

/// The name the SQL front gives the `[]` operator.
pub const SUBSCRIPT: &str = "$subscript";

pub fn functions() -> Vec<ScalarUDF> {
    vec![Trino::udf("element_at", element_at_type, element_at), Trino::udf(SUBSCRIPT, subscript_type, subscript)]
}

fn element_at_type(call: &Call) -> Result<DataType> {
    item_type(call).unwrap_or_else(|| call.mismatch("element_at(array(E), bigint), element_at(map(K, V), K)"))
}

fn subscript_type(call: &Call) -> Result<DataType> {
    if let Some(kind) = item_type(call) {
        return kind;
    }
    if let ([DataType::Struct(fields), _], Some(field)) = (call.types, call.scalars.get(1).copied().flatten()) {
        return match row_field(fields, field) {
            Some(i) => Ok(fields[i].data_type().clone()),
            None => exec_err!("INVALID_FUNCTION_ARGUMENT: the row has no field {field}"),
        };
    }
    call.mismatch("[] of array(E) and bigint, map(K, V) and K, or row and a constant field")
}

/// The item type of an array read by an integer, or a map's value type.
fn item_type(call: &Call) -> Option<Result<DataType>> {
    match call.types {
        [container, index] => match (item(container), map_types(container)) {
            (Some(kind), _) if is_integer(index) => Some(Ok(kind.clone())),
            (_, Some((_, value))) => Some(Ok(value.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// A row's field named (case aside) or numbered from 1 by a constant.
fn row_field(fields: &datafusion::arrow::datatypes::Fields, field: &ScalarValue) -> Option<usize> {
    match field {
        ScalarValue::Utf8(Some(name)) | ScalarValue::LargeUtf8(Some(name)) | ScalarValue::Utf8View(Some(name)) => {
            super::fields::field_index(fields, name)
        }
        _ => match field.cast_to(&DataType::Int64).ok()? {
            ScalarValue::Int64(Some(n)) if n >= 1 => usize::try_from(n - 1).ok().filter(|i| *i < fields.len()),
            _ => None,
        },
    }
}

fn element_at(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    pick(args, kind, Missing::Null)
}

fn subscript(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    if let Some(row) = args[0].as_struct_opt() {
        let DataType::Struct(fields) = row.data_type() else { return exec_err!("a row without fields") };
        let field = (0..args[1].len()).find(|i| args[1].is_valid(*i)).map(|i| ScalarValue::try_from_array(&args[1], i));
        let Some(i) = field.transpose()?.and_then(|field| row_field(fields, &field)) else {
            return Ok(new_null_array(kind, row.len()));
        };
        // A NULL row's fields are NULL, whatever its child column holds there.
        let column = row.column(i).to_data();
        let nulls = NullBuffer::union(row.nulls(), column.nulls());
        return Ok(make_array(column.into_builder().nulls(nulls).build()?));
    }
    pick(args, kind, Missing::Refused)
}

/// What reading past an array's end, or a key a map lacks, answers.
#[derive(Clone, Copy, PartialEq)]
enum Missing {
    Null,
    Refused,
}

fn pick(args: &[ArrayRef], kind: &DataType, missing: Missing) -> Result<ArrayRef> {
    let (container, key) = (&args[0], &args[1]);
    if let Some(map) = container.as_map_opt() {
        let keys = map.keys();
        // A map of unknown keys (`MAP()`) has none: no key of any type is in it.
        let key = if keys.data_type().is_null() {
            new_null_array(&DataType::Null, key.len())
        } else {
            cast(key, keys.data_type())?
        };
        if keys.data_type().is_null() && missing == Missing::Refused {
            if let Some(i) = (0..map.len()).find(|&i| map.is_valid(i) && args[1].is_valid(i)) {
                let wanted = ScalarValue::try_from_array(&args[1], i)?;
                return exec_err!("INVALID_FUNCTION_ARGUMENT: Key not present in map: {wanted}");
            }
        }
        let offsets = map.value_offsets();
        let mut picks = Vec::with_capacity(map.len());
        for i in 0..map.len() {
            if map.is_null(i) || key.is_null(i) {
                picks.push(None);
                continue;
            }
            let wanted = ScalarValue::try_from_array(&key, i)?;
            let (start, end) = (offsets[i].max(0) as usize, offsets[i + 1].max(0) as usize);
            let mut found = None;
            for j in start..end {
                if ScalarValue::try_from_array(keys, j)? == wanted {
                    found = Some(j as u64);
                    break;
                }
            }
            if found.is_none() && missing == Missing::Refused {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: Key not present in map: {wanted}");
            }
            picks.push(found);
        }
        if map.values().is_empty() {
            return Ok(new_null_array(kind, map.len()));
        }
        return Ok(take(map.values().as_ref(), &UInt64Array::from(picks), None)?);
    }
    let indexes = integers(args, 1)?;
    let values = list_values(container.as_ref())?;
    let mut picks = Vec::with_capacity(container.len());
    for i in 0..container.len() {
        let (Some((start, end)), false) = (bounds(container.as_ref(), i), indexes.is_null(i)) else {
            picks.push(None);
            continue;
        };
        let (index, length) = (indexes.value(i), (end - start) as i64);
        if index == 0 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1");
        }
        if missing == Missing::Refused {
            if index < 0 {
                return exec_err!("INVALID_FUNCTION_ARGUMENT: Array subscript is negative: {index}");
            }
            if index > length {
                return exec_err!(
                    "INVALID_FUNCTION_ARGUMENT: Array subscript must be less than or equal to array length: {index} > {length}"
                );
            }
        }
        let at = if index > 0 { index - 1 } else { length + index };
        picks.push((0..length).contains(&at).then(|| (start as i64 + at) as u64));
    }
    if values.is_empty() {
        return Ok(new_null_array(kind, container.len()));
    }
    Ok(take(values.as_ref(), &UInt64Array::from(picks), None)?)
}
/// `row.field` of a value the SQL front has (`(e).field`, a lambda's `r.x`): Trino's `[]` of the
/// field's name, which reads it without case, as Trino reads a field (`fields`).
pub(super) fn row_field_of(row: Expr, field: &Ident) -> Expr {
    call(SUBSCRIPT, vec![row, text_literal(&super::types::field_name_of(field))])
}

/// `s.sum` in a lambda whose parameter is `s`: the field of the row `s` (DataFusion would look
/// for a table `s`).
pub(super) fn lambda_fields(lambda: &mut LambdaFunction) {
    let params: Vec<String> = match &lambda.params {
        OneOrManyWithParens::One(p) => vec![p.name.value.clone()],
        OneOrManyWithParens::Many(ps) => ps.iter().map(|p| p.name.value.clone()).collect(),
    };
    let _ = visit_expressions_mut(lambda.body.as_mut(), |expr| {
        if let Expr::CompoundIdentifier(parts) = expr {
            if let [row, fields @ ..] = parts.as_slice() {
                if !fields.is_empty() && params.iter().any(|p| p.eq_ignore_ascii_case(&row.value)) {
                    *expr = fields.iter().fold(Expr::Identifier(row.clone()), row_field_of);
                }
            }
        }
        ControlFlow::<()>::Continue(())
    });
}

/// `x[i][j]…`, each `[]` Trino's (`$subscript`), and `(e).field`, a row's field of any value
/// but a name, as the SQL front writes them; None for a chain left as written (`t.c[1]` may read
/// a table's column; a slice).
pub(super) fn chain(root: &Expr, access_chain: &[AccessExpr]) -> Option<Expr> {
    let named = matches!(root, Expr::Identifier(_) | Expr::CompoundIdentifier(_));
    if named && access_chain.iter().any(|access| matches!(access, AccessExpr::Dot(_))) {
        return None;
    }
    let mut replacement = root.clone();
    for access in access_chain {
        replacement = match access {
            AccessExpr::Subscript(Subscript::Index { index }) => call(SUBSCRIPT, vec![replacement, index.clone()]),
            AccessExpr::Dot(Expr::Identifier(field)) => row_field_of(replacement, field),
            _ => return None,
        };
    }
    Some(replacement)
}
