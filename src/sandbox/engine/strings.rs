//! Trino's string functions DataFusion lacks: `url_encode` and `url_decode` (Java's
//! `URLEncoder`/`URLDecoder`: a space is `+`, other bytes outside `A-Za-z0-9.-*_` are `%XX`
//! of their UTF-8), `hamming_distance` and `levenshtein_distance` (as Trino's, refused when the
//! table it fills would pass a million cells: its time is the product of the lengths), and
//! `soundex` (Apache Commons Codec's American Soundex, which Trino calls), and `normalize(s[,
//! form])` (Unicode's NFC by default, or NFD, NFKC, NFKD; the form a word, as Trino writes it,
//! which `forms` turns into text). And two DataFusion has with other rules: `substr(s, start[,
//! length])` (also `substring`, and `SUBSTRING(s FROM start FOR length)`) counts a negative start
//! from the end and answers '' for a start of 0, and `split_part(s, delimiter, index)` answers
//! NULL past the last part and refuses an index below 1 (DataFusion counts those from the end),
//! and `reverse`, of text, bytes or an array (DataFusion's reverses text only), and `trim`,
//! `ltrim` and `rtrim`, which take out Java's whitespace (DataFusion's, spaces), and `upper` and
//! `lower`, which map one character at a time, as Java's `Character` does.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, Int64Array, ListArray, StringArray, UInt32Array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::{cast, take};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::bytes::is_bytes;
use super::udf::{integers, is_integer, is_text, text, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("url_encode", text_to_text, |args, _| {
            let texts = text(args, 0)?;
            let encoded: StringArray = texts
                .iter()
                .map(|t| t.map(|t| url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()))
                .collect();
            Ok(Arc::new(encoded))
        }),
        Trino::udf("url_decode", text_to_text, |args, _| {
            let texts = text(args, 0)?;
            let decoded = texts.iter().map(|t| t.map(url_decode).transpose()).collect::<Result<StringArray>>()?;
            Ok(Arc::new(decoded))
        }),
        Trino::udf("hamming_distance", two_texts, |args, _| distances(args, hamming_distance)),
        Trino::udf("levenshtein_distance", two_texts, |args, _| distances(args, levenshtein_distance)),
        Trino::udf("normalize", normalize_type, normalize),
        Trino::udf("reverse", reverse_type, reverse),
        Trino::udf("upper", text_to_text, |args, _| Ok(Arc::new(each_char(args, simple_upper)?))),
        Trino::udf("lower", text_to_text, |args, _| Ok(Arc::new(each_char(args, simple_lower)?))),
        // `TRIM(s)` is the engine's `trim`, `TRIM(BOTH …)` its `btrim`, `TRIM(LEADING …)` its `ltrim`.
        Trino::udf("trim", trim_type, |args, _| trimmed(args, true, true)),
        Trino::udf("btrim", trim_type, |args, _| trimmed(args, true, true)),
        Trino::udf("ltrim", trim_type, |args, _| trimmed(args, true, false)),
        Trino::udf("rtrim", trim_type, |args, _| trimmed(args, false, true)),
        Trino::udf("substr", substr_type, substr),
        Trino::udf("substring", substr_type, substr),
        Trino::udf("split_part", split_part_type, split_part),
        Trino::udf("strpos", strpos_type, strpos),
        Trino::udf("replace", replace_type, replace),
        Trino::udf("length", length_type, length),
        Trino::udf("soundex", text_to_text, |args, _| {
            let texts = text(args, 0)?;
            let codes = texts.iter().map(|t| t.map(soundex).transpose()).collect::<Result<StringArray>>()?;
            Ok(Arc::new(codes))
        }),
    ]
}

/// American Soundex as Commons Codec writes it: the first letter, then the codes of the
/// letters after it (a code repeated without a vowel between is written once; H and W are
/// passed over), four characters padded with `0`. What is not a letter is left out, and text
/// without any letter is empty (`SoundexUtils.clean`); a letter outside A–Z is refused, as
/// Trino refuses it.
fn soundex(text: &str) -> Result<String> {
    const CODES: &[u8; 26] = b"01230120022455012623010202";
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_uppercase).collect();
    let Some(&first) = letters.first() else { return Ok(String::new()) };
    let code = |letter: char| match letter {
        'A'..='Z' => Ok(CODES[letter as usize - 'A' as usize]),
        other => exec_err!("INVALID_FUNCTION_ARGUMENT: The character is not mapped: {other}"),
    };
    let mut out = vec![first as u8];
    let mut last = code(first)?;
    for &letter in &letters[1..] {
        if out.len() == 4 {
            break;
        }
        if letter == 'H' || letter == 'W' {
            continue;
        }
        let digit = code(letter)?;
        if digit != b'0' && digit != last {
            out.push(digit);
        }
        last = digit;
    }
    out.resize(4, b'0');
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn substr_type(call: &Call) -> Result<DataType> {
    let numbers = (2..=3).contains(&call.types.len()) && call.types[1..].iter().all(is_integer);
    match call.types.first() {
        Some(kind) if numbers && is_text(kind) => Ok(DataType::Utf8),
        Some(DataType::Binary | DataType::LargeBinary | DataType::BinaryView) if numbers => Ok(DataType::Binary),
        _ => call.mismatch(&format!(
            "{0}(varchar(x), bigint), {0}(varchar(x), bigint, bigint), {0}(varbinary, bigint), {0}(varbinary, bigint, bigint)",
            call.name
        )),
    }
}

/// Trino's substr of text (by characters) or bytes.
fn substr(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let starts = integers(args, 1)?;
    let lengths = if args.len() > 2 { Some(integers(args, 2)?) } else { None };
    // Row i's start and length (none: to the end); None when either is NULL.
    let bounds = |i: usize| -> Option<(i64, Option<i64>)> {
        let length = match &lengths {
            Some(lengths) if lengths.is_null(i) => return None,
            Some(lengths) => Some(lengths.value(i)),
            None => None,
        };
        (!starts.is_null(i)).then(|| (starts.value(i), length))
    };
    if kind == &DataType::Binary {
        let bytes = cast(&args[0], &DataType::Binary)?;
        let bytes = bytes.as_binary::<i32>();
        let out: BinaryArray = (0..bytes.len())
            .map(|i| {
                let (start, length) = bounds(i)?;
                let value = (!bytes.is_null(i)).then(|| bytes.value(i))?;
                Some(span(value.len(), start, length).map_or(&[][..], |r| &value[r]))
            })
            .collect();
        return Ok(Arc::new(out));
    }
    let texts = text(args, 0)?;
    let out: StringArray = (0..texts.len())
        .map(|i| {
            let (start, length) = bounds(i)?;
            let chars: Vec<char> = (!texts.is_null(i)).then(|| texts.value(i).chars().collect())?;
            Some(span(chars.len(), start, length).map_or_else(String::new, |r| chars[r].iter().collect()))
        })
        .collect();
    Ok(Arc::new(out))
}

/// The part of `count` items that Trino's substr takes from 1-based `start` (negative: from the
/// end), `length` long or to the end; none for a start of 0, before the first item or past the
/// last, or a length below 1.
fn span(count: usize, start: i64, length: Option<i64>) -> Option<std::ops::Range<usize>> {
    let count = count as i64;
    let first = match start {
        0 => return None,
        s if s > 0 => s - 1,
        s => count + s,
    };
    if first < 0 || first >= count || length.is_some_and(|n| n < 1) {
        return None;
    }
    let end = length.map_or(count, |n| first.saturating_add(n).min(count));
    Some(first as usize..end as usize)
}

fn strpos_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, sub] if is_text(s) && is_text(sub) => Ok(DataType::Int64),
        [s, sub, n] if is_text(s) && is_text(sub) && is_integer(n) => Ok(DataType::Int64),
        _ => call.mismatch("strpos(varchar(x), varchar(y)), strpos(varchar(x), varchar(y), bigint)"),
    }
}

/// Trino's strpos: where (from 1, in characters) the `instance`th match of `sub` starts, counted
/// from the end for a negative `instance`, matches overlapping; 0 for none, 1 for an empty `sub`.
fn strpos(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let (texts, subs) = (text(args, 0)?, text(args, 1)?);
    let instances = if args.len() > 2 { Some(integers(args, 2)?) } else { None };
    let mut out = Vec::with_capacity(texts.len());
    for i in 0..texts.len() {
        let instance = match &instances {
            Some(n) if n.is_null(i) => None,
            Some(n) => Some(n.value(i)),
            None => Some(1),
        };
        let (Some(instance), false, false) = (instance, texts.is_null(i), subs.is_null(i)) else {
            out.push(None);
            continue;
        };
        if instance == 0 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: 'instance' must be a positive or negative number.");
        }
        out.push(Some(position(texts.value(i), subs.value(i), instance)));
    }
    Ok(Arc::new(Int64Array::from(out)))
}

fn position(text: &str, sub: &str, instance: i64) -> i64 {
    if sub.is_empty() {
        return 1;
    }
    // Every start of a match, overlapping ones too.
    let starts = text.char_indices().map(|(at, _)| at).filter(|at| text[*at..].starts_with(sub));
    let found = match usize::try_from(instance.unsigned_abs() - 1) {
        Ok(n) if instance > 0 => starts.clone().nth(n),
        Ok(n) => starts.collect::<Vec<_>>().into_iter().rev().nth(n),
        Err(_) => None,
    };
    found.map_or(0, |at| text[..at].chars().count() as i64 + 1)
}

fn replace_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, search, with] if is_text(s) && is_text(search) && is_text(with) => Ok(DataType::Utf8),
        _ => call.mismatch("replace(varchar(x), varchar(y)), replace(varchar(x), varchar(y), varchar(z))"),
    }
}

/// Trino's replace: each `search` replaced by `with`, or, for an empty `search`, `with` put
/// before each character and at the end (`replace('ab', '', '-')` is `-a-b-`).
fn replace(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let (texts, searches, withs) = (text(args, 0)?, text(args, 1)?, text(args, 2)?);
    let replaced: StringArray = (0..texts.len())
        .map(|i| {
            if texts.is_null(i) || searches.is_null(i) || withs.is_null(i) {
                return None;
            }
            let (text, search, with) = (texts.value(i), searches.value(i), withs.value(i));
            Some(if search.is_empty() {
                let mut out = String::from(with);
                for c in text.chars() {
                    out.push(c);
                    out.push_str(with);
                }
                out
            } else {
                text.replace(search, with)
            })
        })
        .collect();
    Ok(Arc::new(replaced))
}

fn length_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s] if is_text(s) || is_bytes(s) => Ok(DataType::Int64),
        _ => call.mismatch("length(varchar(x)), length(char(x)), length(varbinary)"),
    }
}

/// Trino's length: of text its characters, of bytes (`varbinary`) their number.
fn length(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    if !is_text(args[0].data_type()) {
        let bytes = cast(&args[0], &DataType::Binary)?;
        let bytes = bytes.as_binary::<i32>();
        return Ok(Arc::new(bytes.iter().map(|b| b.map(|b| b.len() as i64)).collect::<Int64Array>()));
    }
    let texts = text(args, 0)?;
    Ok(Arc::new(texts.iter().map(|t| t.map(|t| t.chars().count() as i64)).collect::<Int64Array>()))
}

fn split_part_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, d, i] if is_text(s) && is_text(d) && is_integer(i) => Ok(DataType::Utf8),
        _ => call.mismatch("split_part(varchar(x), varchar(y), bigint)"),
    }
}

/// Trino's split_part: the `index`th part (from 1) of the text cut at each `delimiter` (each
/// character, for an empty one); NULL past the last part.
fn split_part(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let (texts, delimiters, indexes) = (text(args, 0)?, text(args, 1)?, integers(args, 2)?);
    let mut out = Vec::with_capacity(texts.len());
    for i in 0..texts.len() {
        if texts.is_null(i) || delimiters.is_null(i) || indexes.is_null(i) {
            out.push(None);
            continue;
        }
        let index = indexes.value(i);
        if index < 1 {
            return exec_err!("INVALID_FUNCTION_ARGUMENT: Index must be greater than zero");
        }
        let (text, delimiter) = (texts.value(i), delimiters.value(i));
        let part = usize::try_from(index - 1).ok().and_then(|n| {
            if delimiter.is_empty() {
                text.chars().nth(n).map(String::from)
            } else {
                text.split(delimiter).nth(n).map(str::to_string)
            }
        });
        out.push(part);
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// `reverse` of text (its code points), of bytes, or of an array (its elements), each its own
/// kind (DataFusion's reverses text only, and read an array as its text: `]3 ,2 ,1[`).
fn reverse_type(call: &Call) -> Result<DataType> {
    match call.types {
        [kind @ DataType::List(_)] => Ok(kind.clone()),
        [kind] if is_text(kind) => Ok(DataType::Utf8),
        [kind] if is_bytes(kind) => Ok(DataType::Binary),
        _ => call.mismatch("reverse(varchar), reverse(varbinary), reverse(array(E))"),
    }
}

fn reverse(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    match kind {
        DataType::List(field) => {
            let list = args[0].as_list::<i32>();
            let offsets = list.value_offsets();
            let mut indices = Vec::with_capacity(list.values().len());
            for row in offsets.windows(2) {
                indices.extend((row[0]..row[1]).rev().map(|i| i as u32));
            }
            let values = take(list.values(), &UInt32Array::from(indices), None)?;
            let lengths = offsets.windows(2).map(|row| (row[1] - row[0]) as usize);
            let reversed =
                ListArray::try_new(field.clone(), OffsetBuffer::from_lengths(lengths), values, list.nulls().cloned())?;
            Ok(Arc::new(reversed))
        }
        DataType::Binary => {
            let bytes = cast(&args[0], &DataType::Binary)?;
            let reversed: BinaryArray = bytes
                .as_binary::<i32>()
                .iter()
                .map(|b| b.map(|b| b.iter().rev().copied().collect::<Vec<u8>>()))
                .collect();
            Ok(Arc::new(reversed))
        }
        _ => {
            let reversed: StringArray =
                text(args, 0)?.iter().map(|t| t.map(|t| t.chars().rev().collect::<String>())).collect();
            Ok(Arc::new(reversed))
        }
    }
}

/// Each text with each character mapped by `map`.
fn each_char(args: &[ArrayRef], map: fn(char) -> char) -> Result<StringArray> {
    Ok(text(args, 0)?.iter().map(|t| t.map(|t| t.chars().map(map).collect::<String>())).collect())
}

/// Java's `Character.toUpperCase` of one code point, as Trino's `upper` maps each (airlift's
/// `SliceUtf8.toUpperCase`): a character whose capital is two keeps itself (`ß`; DataFusion's
/// `upper('straße')` was `STRASSE`).
fn simple_upper(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next(), u32::from(c)) {
        (Some(u), None, _) => u,
        // Greek with a ypogegrammeni, whose capital is two characters and whose one-character
        // mapping, Java's, is the letter with a prosgegrammeni (`ᾀ` is `ᾈ`).
        (_, _, n @ (0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7)) => char::from_u32(n + 8).unwrap_or(c),
        (_, _, n @ (0x1FB3 | 0x1FC3 | 0x1FF3)) => char::from_u32(n + 9).unwrap_or(c),
        _ => c,
    }
}

/// Java's `Character.toLowerCase` of one code point: `Σ` is `σ` wherever it stands (DataFusion's
/// wrote a final `ς`), and `İ` is `i`.
fn simple_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn trim_type(call: &Call) -> Result<DataType> {
    match call.types {
        [text] | [text, _] if call.types.iter().all(is_text) => {
            let _ = text;
            Ok(DataType::Utf8)
        }
        _ => call.mismatch(&format!("{}(varchar), {0}(varchar, varchar)", call.name)),
    }
}

/// Java's `Character.isWhitespace`, which Trino's trims take out (airlift's `SliceUtf8.trim`):
/// the Unicode spaces but the ones that do not break, line and paragraph separators, and the
/// controls from tab to carriage return and the four separators (DataFusion's take out spaces).
fn is_java_whitespace(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..='\u{1f}' | ' ' | '\u{1680}' | '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200a}')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{205f}' | '\u{3000}')
}

/// The texts without whitespace (or else any of the second argument's characters) at their
/// start, their end, or both.
fn trimmed(args: &[ArrayRef], start: bool, end: bool) -> Result<ArrayRef> {
    let texts = text(args, 0)?;
    let sets = if args.len() > 1 { Some(text(args, 1)?) } else { None };
    let trimmed: StringArray = (0..texts.len())
        .map(|row| {
            let text = texts.is_valid(row).then(|| texts.value(row))?;
            let set = match &sets {
                Some(sets) => Some(sets.is_valid(row).then(|| sets.value(row))?),
                None => None,
            };
            let strip = |c: char| set.map_or_else(|| is_java_whitespace(c), |set| set.contains(c));
            let text = if start { text.trim_start_matches(strip) } else { text };
            Some(if end { text.trim_end_matches(strip) } else { text })
        })
        .collect();
    Ok(Arc::new(trimmed))
}

fn text_to_text(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if is_text(kind) => Ok(DataType::Utf8),
        _ => call.mismatch(&format!("{}(varchar)", call.name)),
    }
}

fn two_texts(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b] if is_text(a) && is_text(b) => Ok(DataType::Int64),
        _ => call.mismatch(&format!("{}(varchar, varchar)", call.name)),
    }
}

/// `+` is a space and `%XX` a byte; the bytes are read as UTF-8 (what is not becomes `�`).
pub(super) fn url_decode(text: &str) -> Result<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        rest = after;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let escaped = rest.get(..2).and_then(|hex| std::str::from_utf8(hex).ok());
                let Some(value) = escaped.and_then(|hex| u8::from_str_radix(hex, 16).ok()) else {
                    return exec_err!("INVALID_FUNCTION_ARGUMENT: Illegal hex characters in escape (%) pattern");
                };
                bytes.push(value);
                rest = &rest[2..];
            }
            other => bytes.push(other),
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A distance between two strings, row by row; NULL where either is NULL.
fn distances(args: &[ArrayRef], distance: fn(&str, &str) -> Result<i64>) -> Result<ArrayRef> {
    let (left, right) = (text(args, 0)?, text(args, 1)?);
    let mut out = Vec::with_capacity(left.len());
    for row in 0..left.len() {
        let both = !(left.is_null(row) || right.is_null(row));
        out.push(if both { Some(distance(left.value(row), right.value(row))?) } else { None });
    }
    Ok(Arc::new(Int64Array::from(out)))
}

/// The number of places (characters) where two strings of one length differ.
fn hamming_distance(a: &str, b: &str) -> Result<i64> {
    if a.chars().count() != b.chars().count() {
        return exec_err!(
            "INVALID_FUNCTION_ARGUMENT: The input strings to hamming_distance function must have the same length"
        );
    }
    Ok(a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() as i64)
}

/// Trino's bound on `levenshtein_distance`: the cells of the table it fills.
const MOST_LEVENSHTEIN_CELLS: usize = 1_000_000;

/// The fewest one-character insertions, deletions and substitutions from one string to the other.
fn levenshtein_distance(a: &str, b: &str) -> Result<i64> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() {
        return Ok(a.len().max(b.len()) as i64);
    }
    // Trino's check, in its order.
    if a.len().saturating_mul(b.len() - 1) > MOST_LEVENSHTEIN_CELLS {
        return exec_err!("INVALID_FUNCTION_ARGUMENT: The combined inputs for Levenshtein distance are too large");
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // One row of the table at a time, as long as the shorter string.
    let mut previous: Vec<usize> = (0..=short.len()).collect();
    for (i, &c) in long.iter().enumerate() {
        let mut current = vec![i + 1; short.len() + 1];
        for (j, &d) in short.iter().enumerate() {
            let substitution = previous[j] + usize::from(c != d);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    Ok(previous[short.len()] as i64)
}

fn normalize_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s] | [s, _] if is_text(s) && call.types.iter().all(is_text) => Ok(DataType::Utf8),
        _ => call.mismatch("normalize(varchar), normalize(varchar, NFD | NFC | NFKD | NFKC)"),
    }
}

fn normalize(args: &[ArrayRef], _kind: &DataType) -> Result<ArrayRef> {
    use icu_normalizer::{ComposingNormalizerBorrowed as Composing, DecomposingNormalizerBorrowed as Decomposing};
    let texts = text(args, 0)?;
    let forms = if args.len() > 1 { Some(text(args, 1)?) } else { None };
    let mut out = Vec::with_capacity(texts.len());
    for row in 0..texts.len() {
        let form = match &forms {
            Some(forms) if forms.is_null(row) => None,
            Some(forms) => Some(forms.value(row)),
            None => Some("NFC"),
        };
        let (Some(form), false) = (form, texts.is_null(row)) else {
            out.push(None);
            continue;
        };
        let value = texts.value(row);
        out.push(Some(match form.to_ascii_uppercase().as_str() {
            "NFC" => Composing::new_nfc().normalize(value).into_owned(),
            "NFKC" => Composing::new_nfkc().normalize(value).into_owned(),
            "NFD" => Decomposing::new_nfd().normalize(value).into_owned(),
            "NFKD" => Decomposing::new_nfkd().normalize(value).into_owned(),
            other => {
                return exec_err!(
                    "INVALID_FUNCTION_ARGUMENT: Normalization form must be NFD, NFC, NFKD or NFKC: {other}"
                )
            }
        }));
    }
    Ok(Arc::new(StringArray::from(out)))
}
