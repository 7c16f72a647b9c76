//! Trino's hashes of bytes: the digests analysts key and pseudonymise data with (`md5`, `sha1`,
//! `sha256`, `sha512`), the fast ones (`xxhash64`, `murmur3`, `spooky_hash_v2_32|64`, `crc32`)
//! and the keyed ones (`hmac_md5`, `hmac_sha1`, `hmac_sha256`, `hmac_sha512`).
//! `to_hex(sha256(to_utf8(email)))` reads as it does on Athena. The aggregate `checksum(x)` finishes here (`"$checksum"`) over
//! the values `aggregates` gathers.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryArray, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type, Int64Type, TimeUnit};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use twox_hash::XxHash64;

use super::bytes::{bytes, bytes_to_bytes, is_bytes};
use super::nested::{bounds, item, list_values};
use super::spooky;
use super::udf::{is_text, Call, Trino};

/// The function that finishes `checksum(x)` over the group's values, NULLs among them.
pub const CHECKSUM: &str = "$checksum";

/// The multiplier of each value's hash in Trino's checksum (xxHash's 64-bit prime 1).
const CHECKSUM_PRIME: u64 = 0x9E37_79B1_85EB_CA87;

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("md5", bytes_to_bytes, |args, _| hashed(args, |b| Md5::digest(b).to_vec())),
        Trino::udf("sha1", bytes_to_bytes, |args, _| hashed(args, |b| Sha1::digest(b).to_vec())),
        Trino::udf("sha256", bytes_to_bytes, |args, _| hashed(args, |b| Sha256::digest(b).to_vec())),
        Trino::udf("sha512", bytes_to_bytes, |args, _| hashed(args, |b| Sha512::digest(b).to_vec())),
        Trino::udf("xxhash64", bytes_to_bytes, |args, _| {
            hashed(args, |b| XxHash64::oneshot(0, b).to_be_bytes().to_vec())
        }),
        Trino::udf("murmur3", bytes_to_bytes, |args, _| hashed(args, |b| murmur3_x64_128(b).to_vec())),
        Trino::udf("spooky_hash_v2_32", bytes_to_bytes, |args, _| {
            hashed(args, |b| (spooky::hash128(b, 0, 0).0 as u32).to_be_bytes().to_vec())
        }),
        Trino::udf("spooky_hash_v2_64", bytes_to_bytes, |args, _| {
            hashed(args, |b| spooky::hash128(b, 0, 0).0.to_be_bytes().to_vec())
        }),
        Trino::udf("crc32", bytes_to_bigint, |args, _| {
            let sums: Int64Array = bytes(args)?.iter().map(|b| b.map(|b| crc32fast::hash(b) as i64)).collect();
            Ok(Arc::new(sums))
        }),
        Trino::udf("hmac_md5", keyed, |args, _| keyed_hashed(args, hmac::<Md5, 64>)),
        Trino::udf("hmac_sha1", keyed, |args, _| keyed_hashed(args, hmac::<Sha1, 64>)),
        Trino::udf("hmac_sha256", keyed, |args, _| keyed_hashed(args, hmac::<Sha256, 64>)),
        Trino::udf("hmac_sha512", keyed, |args, _| keyed_hashed(args, hmac::<Sha512, 128>)),
        Trino::udf(CHECKSUM, checksum_type, checksum),
    ]
}

/// The types whose hashes Trino's checksum is known to take: integers, dates and timestamps as
/// a long, floating-point numbers by their bits, text and bytes by their bytes.
fn checksum_type(call: &Call) -> Result<DataType> {
    let kind = call.types.first().and_then(item).cloned().unwrap_or(DataType::Null);
    let known = kind.is_integer()
        || is_text(&kind)
        || is_bytes(&kind)
        || matches!(kind, DataType::Float32 | DataType::Float64 | DataType::Date32 | DataType::Timestamp(_, None));
    if known {
        return Ok(DataType::Binary);
    }
    let name = super::types::trino_type(&kind);
    datafusion::common::plan_err!("NOT_SUPPORTED: checksum of a {name} is not in the sandbox engine; Athena answers it")
}

/// Trino's checksum of each group: the sum, wrapping, of each value's xxHash64 times the prime
/// (the prime itself for a NULL), as its 8 little-endian bytes; NULL for a group of no rows.
fn checksum(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    let list = args[0].as_ref();
    let values = list_values(list)?;
    let hashes = value_hashes(&values)?;
    let mut out = Vec::with_capacity(list.len());
    for row in 0..list.len() {
        out.push(bounds(list, row).filter(|(start, end)| start < end).map(|(start, end)| {
            let sum = (start..end).fold(0u64, |sum, j| match hashes[j] {
                Some(hash) => sum.wrapping_add(hash.wrapping_mul(CHECKSUM_PRIME)),
                None => sum.wrapping_add(CHECKSUM_PRIME),
            });
            sum.to_le_bytes()
        }));
    }
    Ok(Arc::new(out.iter().map(|b| b.as_ref().map(|b| b.as_slice())).collect::<BinaryArray>()))
}

/// Each value's xxHash64 as Trino's types hash themselves; None for a NULL.
fn value_hashes(values: &ArrayRef) -> Result<Vec<Option<u64>>> {
    let of_long = |v: i64| XxHash64::oneshot(0, &v.to_le_bytes());
    let longs = |values: &ArrayRef| -> Result<Vec<Option<u64>>> {
        let values = cast(values, &DataType::Int64)?;
        Ok(values.as_primitive::<Int64Type>().iter().map(|v| v.map(of_long)).collect())
    };
    Ok(match values.data_type() {
        kind if kind.is_integer() || kind == &DataType::Date32 => longs(values)?,
        // Trino's timestamp(3) is a count of microseconds.
        DataType::Timestamp(_, None) => {
            let micros = cast(values, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
            longs(&cast(&micros, &DataType::Int64)?)?
        }
        // -0 hashes as 0, and every NaN as Java's one NaN.
        DataType::Float64 => values
            .as_primitive::<Float64Type>()
            .iter()
            .map(|v| v.map(|v| of_long(if v.is_nan() { 0x7ff8_0000_0000_0000 } else { (v + 0.0).to_bits() as i64 })))
            .collect(),
        DataType::Float32 => values
            .as_primitive::<Float32Type>()
            .iter()
            .map(|v| v.map(|v| of_long(i64::from(if v.is_nan() { 0x7fc0_0000 } else { (v + 0.0).to_bits() as i32 }))))
            .collect(),
        kind if is_bytes(kind) => {
            bytes(std::slice::from_ref(values))?.iter().map(|b| b.map(|b| XxHash64::oneshot(0, b))).collect()
        }
        kind if is_text(kind) => {
            let texts = cast(values, &DataType::Utf8)?;
            texts.as_string::<i32>().iter().map(|t| t.map(|t| XxHash64::oneshot(0, t.as_bytes()))).collect()
        }
        kind => return exec_err!("checksum of {kind}"),
    })
}

fn bytes_to_bigint(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_bytes(kind) => Ok(DataType::Int64),
        _ => call.mismatch(&format!("{}(varbinary)", call.name)),
    }
}

fn keyed(call: &Call) -> Result<DataType> {
    match call.types {
        [data, key] if is_bytes(data) && is_bytes(key) => Ok(DataType::Binary),
        _ => call.mismatch(&format!("{}(varbinary, varbinary)", call.name)),
    }
}

fn hashed(args: &[ArrayRef], hash: fn(&[u8]) -> Vec<u8>) -> Result<ArrayRef> {
    Ok(Arc::new(bytes(args)?.iter().map(|b| b.map(hash)).collect::<BinaryArray>()))
}

fn keyed_hashed(args: &[ArrayRef], hash: fn(&[u8], &[u8]) -> Vec<u8>) -> Result<ArrayRef> {
    let data = bytes(args)?;
    let keys = bytes(&args[1..])?;
    let out: BinaryArray = data.iter().zip(keys.iter()).map(|(d, k)| Some(hash(d?, k?))).collect();
    Ok(Arc::new(out))
}

/// HMAC (RFC 2104) over the digest `D` of block size `BLOCK` bytes.
fn hmac<D: Digest, const BLOCK: usize>(data: &[u8], key: &[u8]) -> Vec<u8> {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        let short = D::digest(key);
        block[..short.len()].copy_from_slice(&short);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_pad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = D::new().chain_update(&inner_pad).chain_update(data).finalize();
    D::new().chain_update(&outer_pad).chain_update(inner).finalize().to_vec()
}

/// MurmurHash3's x64 128-bit form with seed 0, as Trino's `murmur3` (airlift's `Murmur3Hash128`)
/// answers it: its two halves, each little-endian.
pub fn murmur3_x64_128(data: &[u8]) -> [u8; 16] {
    const C1: u64 = 0x87c3_7b91_1142_53d5;
    const C2: u64 = 0x4cf5_ad43_2745_937f;
    let mix1 = |k: u64| k.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2);
    let mix2 = |k: u64| k.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1);
    let (mut h1, mut h2) = (0u64, 0u64);
    let mut blocks = data.chunks_exact(16);
    for block in &mut blocks {
        h1 ^= mix1(little_endian(&block[..8]));
        h1 = h1.rotate_left(27).wrapping_add(h2).wrapping_mul(5).wrapping_add(0x52dc_e729);
        h2 ^= mix2(little_endian(&block[8..]));
        h2 = h2.rotate_left(31).wrapping_add(h1).wrapping_mul(5).wrapping_add(0x3849_5ab5);
    }
    let tail = blocks.remainder();
    if tail.len() > 8 {
        h2 ^= mix2(little_endian(&tail[8..]));
    }
    if !tail.is_empty() {
        h1 ^= mix1(little_endian(&tail[..tail.len().min(8)]));
    }
    let length = data.len() as u64;
    h1 ^= length;
    h2 ^= length;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&h1.to_le_bytes());
    out[8..].copy_from_slice(&h2.to_le_bytes());
    out
}

/// Up to eight bytes as a little-endian word (a block's part, or what is left at the end), for
/// murmur3 and SpookyHash alike.
pub(super) fn little_endian(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0, |word, &b| (word << 8) | u64::from(b))
}

fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// RFC 2202's and RFC 4231's test cases: a short key, and a key longer than the block,
    /// which is hashed first.
    #[test]
    fn hmac_gives_the_rfcs_answers() {
        let (data, key) = (b"what do ya want for nothing?".as_slice(), b"Jefe".as_slice());
        assert_eq!(hex(&hmac::<Md5, 64>(data, key)), "750c783e6ab0b503eaa86e310a5db738");
        assert_eq!(hex(&hmac::<Sha1, 64>(data, key)), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        assert_eq!(
            hex(&hmac::<Sha256, 64>(data, key)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac::<Sha512, 128>(data, key)),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
        let long_key = [0xaau8; 131];
        assert_eq!(
            hex(&hmac::<Sha256, 64>(b"Test Using Larger Than Block-Size Key - Hash Key First", &long_key)),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        assert_eq!(
            hex(&hmac::<Sha512, 128>(b"Test Using Larger Than Block-Size Key - Hash Key First", &long_key)),
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"
        );
    }

    /// The reference implementation's answers (SMHasher's MurmurHash3_x64_128, seed 0, as the
    /// `mmh3` package gives them) for the empty input and for tails of every kind around a block.
    #[test]
    fn murmur3_gives_the_reference_answers() {
        let counting = |n: u8| (0..n).collect::<Vec<u8>>();
        let cases: [(Vec<u8>, &str); 7] = [
            (vec![], "00000000000000000000000000000000"),
            (b"hello".to_vec(), "029bbd41b3a7d8cb191dae486a901e5b"),
            (b"The quick brown fox jumps over the lazy dog".to_vec(), "6c1b07bc7bbc4be347939ac4a93c437a"),
            (counting(9), "322d816e0fcbb4fbb9ff00021d75de78"),
            (counting(16), "303f9091b524494445e82f76566490ab"),
            (counting(17), "0ec2e79f0ff4765c24a8da9e6b025fc1"),
            (counting(31), "94d02ca3e1d33d05905400b4ef9ae59e"),
        ];
        for (data, expected) in cases {
            assert_eq!(hex(&murmur3_x64_128(&data)), expected, "{data:?}");
        }
    }
}
