//! Trino's bitwise functions DataFusion lacks: `bit_count(x, bits)` and the shifts, which keep
//! their value's type and width (a `tinyint` shifts within 8 bits): `bitwise_left_shift`,
//! `bitwise_right_shift` (logical: zeros come in) and `bitwise_right_shift_arithmetic` (the
//! sign comes in). A shift by the width or more is 0 (-1 for a negative value shifted
//! arithmetically), as Trino's. `bitwise_and`, `or`, `xor` and `not` are DataFusion's
//! operators (`forms`). And numbers in other bases: `to_base(x, radix)` and `from_base(s, radix)`
//! (radix 2 to 36, digits `0-9a-z`, a `-` for a negative number).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::udf::{integers, is_integer, is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("bit_count", |call| two_integers(call, Some(DataType::Int64)), bit_count),
        Trino::udf("bitwise_left_shift", |call| two_integers(call, None), |a, k| shifted(a, k, Shift::Left)),
        Trino::udf("bitwise_right_shift", |call| two_integers(call, None), |a, k| shifted(a, k, Shift::Right)),
        Trino::udf(
            "bitwise_right_shift_arithmetic",
            |call| two_integers(call, None),
            |a, k| shifted(a, k, Shift::Arithmetic),
        ),
        Trino::udf("to_base", to_base_type, to_base),
        Trino::udf("from_base", from_base_type, from_base),
    ]
}

fn to_base_type(call: &Call) -> Result<DataType> {
    match call.types {
        [x, radix] if is_integer(x) && is_integer(radix) => Ok(DataType::Utf8),
        _ => call.mismatch("to_base(bigint, bigint)"),
    }
}

fn from_base_type(call: &Call) -> Result<DataType> {
    match call.types {
        [text, radix] if is_text(text) && is_integer(radix) => Ok(DataType::Int64),
        _ => call.mismatch("from_base(varchar, bigint)"),
    }
}

/// Trino's bounds on a radix.
fn radix(value: i64) -> Result<u32> {
    match u32::try_from(value) {
        Ok(radix @ 2..=36) => Ok(radix),
        _ => exec_err!("INVALID_FUNCTION_ARGUMENT: Radix must be between 2 and 36"),
    }
}

fn to_base(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (values, radixes) = (integers(args, 0)?, integers(args, 1)?);
    let mut out = Vec::with_capacity(values.len());
    for row in 0..values.len() {
        if values.is_null(row) || radixes.is_null(row) {
            out.push(None);
            continue;
        }
        let (value, radix) = (values.value(row), radix(radixes.value(row))?);
        let mut magnitude = value.unsigned_abs();
        let mut digits = Vec::new();
        loop {
            digits.push(char::from_digit((magnitude % u64::from(radix)) as u32, radix).unwrap_or('?'));
            magnitude /= u64::from(radix);
            if magnitude == 0 {
                break;
            }
        }
        if value < 0 {
            digits.push('-');
        }
        out.push(Some(digits.into_iter().rev().collect::<String>()));
    }
    Ok(Arc::new(StringArray::from(out)))
}

fn from_base(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (texts, radixes) = (text(args, 0)?, integers(args, 1)?);
    let mut out = Vec::with_capacity(texts.len());
    for row in 0..texts.len() {
        if texts.is_null(row) || radixes.is_null(row) {
            out.push(None);
            continue;
        }
        let (digits, radix) = (texts.value(row), radix(radixes.value(row))?);
        match i64::from_str_radix(digits, radix) {
            Ok(value) => out.push(Some(value)),
            Err(_) => return exec_err!("INVALID_FUNCTION_ARGUMENT: Not a valid base-{radix} number: {digits}"),
        }
    }
    Ok(Arc::new(Int64Array::from(out)))
}

/// Two integers in; `answer`, or the first one's type, out.
fn two_integers(call: &Call, answer: Option<DataType>) -> Result<DataType> {
    match call.types {
        [value, by] if is_integer(value) && is_integer(by) => Ok(answer.unwrap_or(match value {
            DataType::Null => DataType::Int64,
            kind => kind.clone(),
        })),
        _ => call.mismatch(&format!("{}(bigint, bigint)", call.name)),
    }
}

/// The width of an integer type, in bits.
fn width(kind: &DataType) -> u32 {
    match kind {
        DataType::Int8 | DataType::UInt8 => 8,
        DataType::Int16 | DataType::UInt16 => 16,
        DataType::Int32 | DataType::UInt32 => 32,
        _ => 64,
    }
}

/// `value` as a `bits`-bit two's complement integer: the low bits, sign-extended.
fn wrap(value: i64, bits: u32) -> i64 {
    if bits >= 64 {
        return value;
    }
    let unused = 64 - bits;
    (value << unused) >> unused
}

#[derive(Clone, Copy)]
enum Shift {
    Left,
    Right,
    Arithmetic,
}

fn shifted(args: &[ArrayRef], kind: &DataType, shift: Shift) -> Result<ArrayRef> {
    let (values, by) = (integers(args, 0)?, integers(args, 1)?);
    let bits = width(kind);
    let out: Int64Array = (0..values.len())
        .map(|row| {
            if values.is_null(row) || by.is_null(row) {
                return None;
            }
            let (value, by) = (values.value(row), by.value(row));
            // Java shifts by the low bits of a negative count; Trino's check is `>= width` only.
            let mask = if bits == 64 { 63 } else { 31 };
            let beyond = by >= bits as i64;
            let by = (by & mask) as u32;
            Some(match shift {
                Shift::Left if beyond => 0,
                Shift::Left => wrap(value.wrapping_shl(by), bits),
                Shift::Right if beyond => 0,
                // The value's own bits only, zeros shifted in from the top.
                Shift::Right => {
                    let unsigned = if bits == 64 { value as u64 } else { (value as u64) & ((1u64 << bits) - 1) };
                    wrap(unsigned.checked_shr(by).unwrap_or(0) as i64, bits)
                }
                Shift::Arithmetic if beyond => {
                    if value < 0 {
                        -1
                    } else {
                        0
                    }
                }
                Shift::Arithmetic => value >> by.min(63),
            })
        })
        .collect();
    Ok(cast(&(Arc::new(out) as ArrayRef), kind)?)
}

/// The bits set in `x` taken as a `bits`-bit two's complement integer (2 to 64 bits).
fn bit_count(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let (values, widths) = (integers(args, 0)?, integers(args, 1)?);
    let mut out = Vec::with_capacity(values.len());
    for row in 0..values.len() {
        if values.is_null(row) || widths.is_null(row) {
            out.push(None);
            continue;
        }
        let (value, bits) = (values.value(row), widths.value(row));
        if !(2..=64).contains(&bits) {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: Bits specified in bit_count must be between 2 and 64, got {bits}"
            );
        }
        let bits = bits as u32;
        if wrap(value, bits) != value {
            return exec_err!(
                "INVALID_FUNCTION_ARGUMENT: Number must be representable with the bits specified. {value} cannot be represented with {bits} bits"
            );
        }
        let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
        out.push(Some(((value as u64) & mask).count_ones() as i64));
    }
    Ok(Arc::new(Int64Array::from(out)))
}
