//! Trino's functions of bytes (`varbinary`): text to and from its UTF-8 bytes, hex and Base64
//! both ways, and the hashes analysts key and pseudonymise data with (`md5`, `sha1`, `sha256`,
//! `sha512`, `xxhash64`, `crc32`). `to_hex(sha256(to_utf8(email)))` reads as it does on
//! Athena, and so does `from_utf8(from_base64(data))`, a Kinesis record's data as its API
//! carries it. Athena prints bytes as hex pairs, `61 62` (`print`).

use std::sync::Arc;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD, URL_SAFE};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use datafusion::arrow::array::{Array, ArrayRef, BinaryArray, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use twox_hash::XxHash64;

use super::udf::{is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("to_utf8", text_to_bytes, |args, _| {
            let texts = text(args, 0)?;
            Ok(Arc::new(texts.iter().map(|t| t.map(str::as_bytes)).collect::<BinaryArray>()))
        }),
        Trino::udf("from_utf8", bytes_to_text, |args, _| {
            // Bytes that are not UTF-8 become U+FFFD, as Trino's replacement character.
            let texts: StringArray = bytes(args)?.iter().map(|b| b.map(String::from_utf8_lossy)).collect();
            Ok(Arc::new(texts))
        }),
        Trino::udf("to_hex", bytes_to_text, |args, _| encoded(args, |b| hex::encode_upper(b))),
        Trino::udf("from_hex", text_to_bytes, |args, _| decoded(args, |t| hex::decode(t).ok(), "invalid hex string")),
        Trino::udf("to_base64", bytes_to_text, |args, _| encoded(args, |b| STANDARD.encode(b))),
        Trino::udf("from_base64", text_to_bytes, |args, _| {
            decoded(args, |t| lenient(&alphabet::STANDARD).decode(t).ok(), "invalid Base64 string")
        }),
        Trino::udf("to_base64url", bytes_to_text, |args, _| encoded(args, |b| URL_SAFE.encode(b))),
        Trino::udf("from_base64url", text_to_bytes, |args, _| {
            decoded(args, |t| lenient(&alphabet::URL_SAFE).decode(t).ok(), "invalid Base64 string")
        }),
        Trino::udf("md5", bytes_to_bytes, |args, _| hashed(args, |b| Md5::digest(b).to_vec())),
        Trino::udf("sha1", bytes_to_bytes, |args, _| hashed(args, |b| Sha1::digest(b).to_vec())),
        Trino::udf("sha256", bytes_to_bytes, |args, _| hashed(args, |b| Sha256::digest(b).to_vec())),
        Trino::udf("sha512", bytes_to_bytes, |args, _| hashed(args, |b| Sha512::digest(b).to_vec())),
        Trino::udf("xxhash64", bytes_to_bytes, |args, _| {
            hashed(args, |b| XxHash64::oneshot(0, b).to_be_bytes().to_vec())
        }),
        Trino::udf("crc32", bytes_to_bigint, |args, _| {
            let sums: Int64Array = bytes(args)?.iter().map(|b| b.map(|b| crc32fast::hash(b) as i64)).collect();
            Ok(Arc::new(sums))
        }),
    ]
}

/// Java's decoders, which Trino's are: the padding may be there or not (a JWT's parts have
/// none), and stray bits at the end are ignored.
fn lenient(alphabet: &alphabet::Alphabet) -> GeneralPurpose {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    GeneralPurpose::new(alphabet, config)
}

fn is_bytes(kind: &DataType) -> bool {
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

fn bytes_to_text(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_bytes(kind) => Ok(DataType::Utf8),
        _ => call.mismatch(&format!("{}(varbinary)", call.name)),
    }
}

fn bytes_to_bytes(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_bytes(kind) => Ok(DataType::Binary),
        _ => call.mismatch(&format!("{}(varbinary)", call.name)),
    }
}

fn bytes_to_bigint(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_bytes(kind) => Ok(DataType::Int64),
        _ => call.mismatch(&format!("{}(varbinary)", call.name)),
    }
}

fn bytes(args: &[ArrayRef]) -> Result<BinaryArray> {
    let values = cast(&args[0], &DataType::Binary)?;
    match values.as_any().downcast_ref::<BinaryArray>() {
        Some(values) => Ok(values.clone()),
        None => exec_err!("expected varbinary"),
    }
}

fn encoded(args: &[ArrayRef], encode: fn(&[u8]) -> String) -> Result<ArrayRef> {
    Ok(Arc::new(bytes(args)?.iter().map(|b| b.map(encode)).collect::<StringArray>()))
}

fn hashed(args: &[ArrayRef], hash: fn(&[u8]) -> Vec<u8>) -> Result<ArrayRef> {
    Ok(Arc::new(bytes(args)?.iter().map(|b| b.map(hash)).collect::<BinaryArray>()))
}

/// Text (or its bytes) decoded; a value that does not decode is Athena's error, naming it.
fn decoded(args: &[ArrayRef], decode: fn(&str) -> Option<Vec<u8>>, what: &str) -> Result<ArrayRef> {
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
                Some(decoded) => out.push(Some(decoded)),
                None => return exec_err!("INVALID_FUNCTION_ARGUMENT: {what}: '{}'", short(value)),
            },
        }
    }
    Ok(Arc::new(out.iter().map(|b| b.as_deref()).collect::<BinaryArray>()))
}

/// The start of a long value, for a message.
fn short(value: &str) -> String {
    match value.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_string(),
    }
}
