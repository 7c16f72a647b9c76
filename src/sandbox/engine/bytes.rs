//! Trino's functions of bytes (`varbinary`) and their encodings: text to and from its UTF-8
//! bytes; hex, Base64 and Base32 both ways; integers as big-endian bytes and floating-point
//! numbers as IEEE 754 bytes, both ways. `from_utf8(from_base64(data))` reads a Kinesis record's
//! data as its API carries it, as on Athena. Athena prints bytes as hex pairs, `61 62` (`print`);
//! the hashes of bytes are in `hashes`.
use std::sync::Arc;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD, URL_SAFE};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use datafusion::arrow::array::{Array, ArrayRef, BinaryArray, PrimitiveArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{ArrowPrimitiveType, DataType, Float32Type, Float64Type, Int32Type, Int64Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::math::doubles;
use super::udf::{integers, is_integer, is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("to_utf8", text_to_bytes, |args, _| {
            let texts = text(args, 0)?;
            Ok(Arc::new(texts.iter().map(|t| t.map(str::as_bytes)).collect::<BinaryArray>()))
        }),
        Trino::udf("from_utf8", from_utf8_type, from_utf8),
        Trino::udf("to_hex", bytes_to_text, |args, _| encoded(args, |b| hex::encode_upper(b))),
        Trino::udf("from_hex", text_to_bytes, |args, _| {
            decoded(args, |t| hex::decode(t).map_err(|_| invalid("hex", t)))
        }),
        Trino::udf("to_base64", bytes_to_text, |args, _| encoded(args, |b| STANDARD.encode(b))),
        Trino::udf("from_base64", text_to_bytes, |args, _| {
            decoded(args, |t| lenient(&alphabet::STANDARD).decode(t).map_err(|_| invalid("Base64", t)))
        }),
        Trino::udf("to_base64url", bytes_to_text, |args, _| encoded(args, |b| URL_SAFE.encode(b))),
        Trino::udf("from_base64url", text_to_bytes, |args, _| {
            decoded(args, |t| lenient(&alphabet::URL_SAFE).decode(t).map_err(|_| invalid("Base64", t)))
        }),
        Trino::udf("to_base32", bytes_to_text, |args, _| encoded(args, base32)),
        Trino::udf("from_base32", text_to_bytes, |args, _| decoded(args, from_base32)),
        Trino::udf(
            "to_big_endian_32",
            |call| number_to_bytes(call, "integer"),
            |args, _| {
                let values = integers(args, 0)?;
                let mut out = Vec::with_capacity(values.len());
                for value in values.iter() {
                    out.push(value.map(|v| i32::try_from(v).map(i32::to_be_bytes)).transpose().or_else(|_| {
                        exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: Out of range for integer: {}", value.unwrap_or_default())
                    })?);
                }
                Ok(Arc::new(out.iter().map(|b| b.as_ref().map(|b| b.as_slice())).collect::<BinaryArray>()))
            },
        ),
        Trino::udf(
            "to_big_endian_64",
            |call| number_to_bytes(call, "bigint"),
            |args, _| Ok(Arc::new(integers(args, 0)?.iter().map(|v| v.map(i64::to_be_bytes)).collect::<BinaryArray>())),
        ),
        Trino::udf(
            "to_ieee754_32",
            |call| number_to_bytes(call, "real"),
            |args, _| {
                let values = doubles(&args[0])?;
                Ok(Arc::new(values.iter().map(|v| v.map(|v| (v as f32).to_be_bytes())).collect::<BinaryArray>()))
            },
        ),
        Trino::udf(
            "to_ieee754_64",
            |call| number_to_bytes(call, "double"),
            |args, _| Ok(Arc::new(doubles(&args[0])?.iter().map(|v| v.map(f64::to_be_bytes)).collect::<BinaryArray>())),
        ),
        Trino::udf(
            "from_big_endian_32",
            |call| bytes_to_number(call, DataType::Int32),
            |args, _| fixed::<Int32Type, _>(args, i32::from_be_bytes, false),
        ),
        Trino::udf(
            "from_big_endian_64",
            |call| bytes_to_number(call, DataType::Int64),
            |args, _| fixed::<Int64Type, _>(args, i64::from_be_bytes, false),
        ),
        Trino::udf(
            "from_ieee754_32",
            |call| bytes_to_number(call, DataType::Float32),
            |args, _| fixed::<Float32Type, _>(args, f32::from_be_bytes, true),
        ),
        Trino::udf(
            "from_ieee754_64",
            |call| bytes_to_number(call, DataType::Float64),
            |args, _| fixed::<Float64Type, _>(args, f64::from_be_bytes, true),
        ),
    ]
}

/// `to_big_endian_32(integer)`, …: the number a function encodes; `kind` is Trino's type of it.
/// The engine's integer literals are bigints, so `to_big_endian_32` takes any integer and refuses
/// one out of the range of an `integer` as Trino's cast does.
fn number_to_bytes(call: &Call, kind: &str) -> Result<DataType> {
    let fits = match call.types {
        [number] if kind == "integer" || kind == "bigint" => is_integer(number),
        [number] => number.is_numeric() || number == &DataType::Null,
        _ => false,
    };
    if fits {
        return Ok(DataType::Binary);
    }
    call.mismatch(&format!("{}({kind})", call.name))
}

fn bytes_to_number(call: &Call, kind: DataType) -> Result<DataType> {
    match call.types {
        [bytes] if is_bytes(bytes) => Ok(kind),
        _ => call.mismatch(&format!("{}(varbinary)", call.name)),
    }
}

/// Each value's bytes read as a number of exactly `N` bytes, a `floating` point one or an
/// integer; a value of another length is Trino's error, in its words for each.
fn fixed<T: ArrowPrimitiveType, const N: usize>(
    args: &[ArrayRef],
    read: fn([u8; N]) -> T::Native,
    floating: bool,
) -> Result<ArrayRef> {
    let values = bytes(args)?;
    let mut out = Vec::with_capacity(values.len());
    for value in values.iter() {
        out.push(match value {
            None => None,
            Some(value) => match <[u8; N]>::try_from(value) {
                Ok(word) => Some(read(word)),
                Err(_) if floating => {
                    return exec_err!(
                        "INVALID_FUNCTION_ARGUMENT: Input floating-point value must be exactly {N} bytes long"
                    )
                }
                Err(_) => {
                    return exec_err!(
                        "INVALID_FUNCTION_ARGUMENT: expected {N}-byte input, but got instead: {}",
                        value.len()
                    )
                }
            },
        });
    }
    Ok(Arc::new(out.into_iter().collect::<PrimitiveArray<T>>()))
}

/// RFC 4648's Base32, with its padding, as Guava's `BaseEncoding.base32()` (Trino's) writes it.
fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for group in bytes.chunks(5) {
        let mut word = [0u8; 5];
        word[..group.len()].copy_from_slice(group);
        let bits = word.iter().fold(0u64, |bits, &b| (bits << 8) | u64::from(b));
        let digits = (group.len() * 8).div_ceil(5);
        for i in 0..8 {
            out.push(match i < digits {
                true => BASE32[((bits >> (35 - 5 * i)) & 31) as usize] as char,
                false => '=',
            });
        }
    }
    out
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 read as Guava reads it (Trino's `from_base32`), refused in its words: upper case
/// only, the padding optional, a length no encoding gives refused.
fn from_base32(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.trim_end_matches('=');
    // Eight digits make five bytes; a last group of 1, 3 or 6 digits is no whole byte's end.
    if matches!(digits.len() % 8, 1 | 3 | 6) {
        return Err(format!("Invalid input length {}", digits.chars().count()));
    }
    let value = |digit: char| match BASE32.iter().position(|&d| char::from(d) == digit) {
        Some(value) => Ok(value as u64),
        None if digit <= ' ' || digit as u32 >= 0x7f => Err(format!("Unrecognized character: 0x{:x}", digit as u32)),
        None => Err(format!("Unrecognized character: {digit}")),
    };
    let digits: Vec<char> = digits.chars().collect();
    let mut out = Vec::with_capacity(digits.len() * 5 / 8);
    for group in digits.chunks(8) {
        let mut bits = 0u64;
        for &digit in group {
            bits = (bits << 5) | value(digit)?;
        }
        let bytes = group.len() * 5 / 8;
        bits <<= 5 * (8 - group.len());
        out.extend_from_slice(&bits.to_be_bytes()[3..3 + bytes]);
    }
    Ok(out)
}

/// Java's decoders, which Trino's are: the padding may be there or not (a JWT's parts have
/// none), and stray bits at the end are ignored.
fn lenient(alphabet: &alphabet::Alphabet) -> GeneralPurpose {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    GeneralPurpose::new(alphabet, config)
}

pub(super) fn is_bytes(kind: &DataType) -> bool {
    matches!(kind, DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::Null)
}

fn text_to_bytes(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_text(kind) => Ok(DataType::Binary),
        // Trino's from_hex and from_base64 take bytes as well as text.
        [kind] if is_bytes(kind) && call.name != "to_utf8" => Ok(DataType::Binary),
        _ => call.mismatch(&format!("{}(varchar)", call.name)),
    }
}

fn from_utf8_type(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_bytes(kind) => Ok(DataType::Utf8),
        [kind, with] if is_bytes(kind) && (is_text(with) || is_integer(with)) => Ok(DataType::Utf8),
        _ => call.mismatch("from_utf8(varbinary), from_utf8(varbinary, varchar(x)), from_utf8(varbinary, bigint)"),
    }
}

/// `from_utf8(bytes[, replacement])`: each run of bytes that is not UTF-8 replaced by U+FFFD, or
/// by the replacement (a character or none, given as text or as a code point), as Trino's.
fn from_utf8(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let all = bytes(args)?;
    let replacements: Vec<Option<String>> = match args.get(1) {
        None => vec![Some('\u{FFFD}'.to_string()); all.len()],
        Some(with) if is_text(with.data_type()) => {
            let texts = text(args, 1)?;
            let mut replacements = Vec::with_capacity(texts.len());
            for (row, t) in texts.iter().enumerate() {
                // Trino calls no function of a NULL: its replacement is not read.
                match t.filter(|_| all.is_valid(row)) {
                    Some(t) if t.chars().count() > 1 => {
                        return exec_err!(
                            "INVALID_FUNCTION_ARGUMENT: Replacement character string must empty or a single character"
                        )
                    }
                    t => replacements.push(t.map(str::to_string)),
                }
            }
            replacements
        }
        Some(_) => {
            let points = integers(args, 1)?;
            let mut replacements = Vec::with_capacity(points.len());
            for (row, p) in points.iter().enumerate() {
                match p.filter(|_| all.is_valid(row)).map(|p| u32::try_from(p).ok().and_then(char::from_u32)) {
                    Some(None) => return exec_err!("INVALID_FUNCTION_ARGUMENT: Invalid replacement character"),
                    p => replacements.push(p.flatten().map(String::from)),
                }
            }
            replacements
        }
    };
    let texts: StringArray = all
        .iter()
        .zip(replacements)
        .map(|(b, with)| {
            let b = b?;
            Some(fixed_utf8(b, &with?))
        })
        .collect();
    Ok(Arc::new(texts))
}

/// `bytes` as text, each invalid sequence replaced by `with`, a sequence as airlift's
/// `SliceUtf8.fixInvalidUtf8` reads one: as many bytes as its first says, up to the first that
/// does not continue it (`C0 80`, an overlong `NUL`, is one sequence; Rust's decoder counts two).
fn fixed_utf8(bytes: &[u8], with: &str) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match code_point_at(&bytes[at..]) {
            Ok((c, length)) => {
                out.push(c);
                at += length;
            }
            Err(length) => {
                out.push_str(with);
                at += length;
            }
        }
    }
    out
}

/// The character the bytes start with and its length, or the length of the invalid sequence
/// they start with (airlift's `tryGetCodePointAt`).
fn code_point_at(bytes: &[u8]) -> std::result::Result<(char, usize), usize> {
    let first = bytes[0];
    let length = match first {
        0x00..=0x7F => return Ok((char::from(first), 1)),
        0x80..=0xBF | 0xFE..=0xFF => return Err(1),
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        0xF8..=0xFB => 5,
        _ => 6,
    };
    let mut code = u32::from(first) & (0x7F >> length);
    for k in 1..length {
        match bytes.get(k) {
            Some(&b) if b & 0xC0 == 0x80 => code = (code << 6) | u32::from(b & 0x3F),
            _ => return Err(k),
        }
    }
    let least = [0, 0, 0x80, 0x800, 0x1_0000][length.min(4)];
    match char::from_u32(code) {
        Some(c) if length <= 4 && code >= least => Ok((c, length)),
        _ => Err(length),
    }
}

fn bytes_to_text(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_bytes(kind) => Ok(DataType::Utf8),
        _ => call.mismatch(&format!("{}(varbinary)", call.name)),
    }
}

pub(super) fn bytes_to_bytes(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_bytes(kind) => Ok(DataType::Binary),
        _ => call.mismatch(&format!("{}(varbinary)", call.name)),
    }
}

pub(super) fn bytes(args: &[ArrayRef]) -> Result<BinaryArray> {
    let values = cast(&args[0], &DataType::Binary)?;
    match values.as_any().downcast_ref::<BinaryArray>() {
        Some(values) => Ok(values.clone()),
        None => exec_err!("expected varbinary"),
    }
}

fn encoded(args: &[ArrayRef], encode: fn(&[u8]) -> String) -> Result<ArrayRef> {
    Ok(Arc::new(bytes(args)?.iter().map(|b| b.map(encode)).collect::<StringArray>()))
}

/// Text (or its bytes) decoded; a value that does not decode is Athena's error, in the words
/// `decode` gives.
fn decoded(args: &[ArrayRef], decode: fn(&str) -> Result<Vec<u8>, String>) -> Result<ArrayRef> {
    let texts = match args[0].data_type() {
        kind if is_bytes(kind) && kind != &DataType::Null => {
            bytes(args)?.iter().map(|b| b.map(|b| String::from_utf8_lossy(b).into_owned())).collect()
        }
        _ => text(args, 0)?,
    };
    let mut out = Vec::with_capacity(texts.len());
    for value in texts.iter() {
        match value {
            None => out.push(None),
            Some(value) => match decode(value) {
                Ok(decoded) => out.push(Some(decoded)),
                Err(message) => return exec_err!("INVALID_FUNCTION_ARGUMENT: {message}"),
            },
        }
    }
    Ok(Arc::new(out.iter().map(|b| b.as_deref()).collect::<BinaryArray>()))
}

/// The message for `value`, which is not valid `encoding`.
fn invalid(encoding: &str, value: &str) -> String {
    format!("invalid {encoding} string: '{}'", short(value))
}

/// The start of a long value, for a message.
fn short(value: &str) -> String {
    match value.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_string(),
    }
}
