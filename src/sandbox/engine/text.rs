//! Athena's JSON and URL functions, row by row: `json_extract_scalar`, `json_extract`,
//! `url_extract_host`, `url_extract_path`, `url_extract_query`, `url_extract_parameter`, …
//! Their rules are Trino's: a JSON text that does not parse, a path that leads nowhere or a
//! URL that does not parse gives NULL; a JSON path that is not a path is an error.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, Int64Builder, StringBuilder};
use datafusion::common::cast::as_string_array;
use datafusion::common::{exec_err, Result};
use serde_json::Value;

use super::uri::Uri;

/// One step of a JSON path: `.name`, `["name"]` or `[3]`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// Trino's JSON path subset: `$`, then `.key`, `["key"]` or `[n]` steps.
pub(super) fn json_path(path: &str) -> Result<Vec<Step>> {
    let invalid = || exec_err!("INVALID_FUNCTION_ARGUMENT: Invalid JSON path: '{path}'");
    let Some(mut rest) = path.trim().strip_prefix('$') else { return invalid() };
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = &after[..end];
            if key.is_empty() || key.chars().any(char::is_whitespace) {
                return invalid();
            }
            steps.push(Step::Key(key.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let Some(end) = after.find(']') else { return invalid() };
            let inside = after[..end].trim();
            let quoted = inside
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| inside.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')));
            match (quoted, inside.parse::<usize>()) {
                (Some(key), _) => steps.push(Step::Key(key.to_string())),
                (None, Ok(index)) => steps.push(Step::Index(index)),
                (None, Err(_)) => return invalid(),
            }
            rest = &after[end + 1..];
        } else {
            return invalid();
        }
    }
    Ok(steps)
}

pub(super) fn follow<'a>(mut value: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    for step in steps {
        value = match step {
            Step::Key(key) => value.as_object()?.get(key)?,
            Step::Index(index) => value.as_array()?.get(*index)?,
        };
    }
    Some(value)
}

/// What `json_extract_scalar` answers for the value found: text for a string, number or
/// boolean; NULL for a JSON null, an object or an array.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// `json_extract_scalar(json, path)` (`scalar` true) or `json_extract(json, path)`, whose
/// answer is the JSON text of what the path finds.
pub fn json_extract(args: &[ArrayRef], scalar_only: bool) -> Result<ArrayRef> {
    let texts = as_string_array(&args[0])?;
    let paths = as_string_array(&args[1])?;
    let mut parsed: Option<(String, Vec<Step>)> = None;
    let mut out = StringBuilder::new();
    for i in 0..texts.len() {
        if texts.is_null(i) || paths.is_null(i) {
            out.append_null();
            continue;
        }
        let path = paths.value(i);
        if parsed.as_ref().is_none_or(|(p, _)| p != path) {
            parsed = Some((path.to_string(), json_path(path)?));
        }
        let Some((_, steps)) = &parsed else { continue };
        let found = serde_json::from_str::<Value>(texts.value(i)).ok().and_then(|json| {
            let value = follow(&json, steps)?;
            if let (true, Value::Number(number)) = (scalar_only, value) {
                // A number as written, as Trino answers it (`19.90`, where serde_json writes 19.9).
                let written = raw_number(texts.value(i), steps).filter(|raw| raw.parse().ok() == number.as_f64());
                Some(written.map_or_else(|| number.to_string(), str::to_string))
            } else if scalar_only {
                scalar(value)
            } else {
                Some(value.to_string())
            }
        });
        out.append_option(found);
    }
    Ok(Arc::new(out.finish()))
}

/// The number `steps` lead to in the JSON `text`, as written there; None where they lead to no
/// number (or through text that is not JSON).
fn raw_number<'a>(text: &'a str, steps: &[Step]) -> Option<&'a str> {
    let bytes = text.as_bytes();
    let mut at = blank_end(bytes, 0);
    for step in steps {
        at = match (step, bytes.get(at)?) {
            (Step::Key(key), b'{') => member(text, at + 1, key)?,
            (Step::Index(index), b'[') => {
                let mut at = blank_end(bytes, at + 1);
                for _ in 0..*index {
                    at = blank_end(bytes, value_end(bytes, at)?);
                    at = blank_end(bytes, at + usize::from(bytes.get(at) == Some(&b',')));
                }
                (bytes.get(at)? != &b']').then_some(at)?
            }
            _ => return None,
        };
    }
    let raw = &text[at..value_end(bytes, at)?];
    raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()).then_some(raw)
}

/// Where the value of member `key` of the object whose members start at `at` begins.
fn member(text: &str, mut at: usize, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        at = blank_end(bytes, at);
        let name_end = value_end(bytes, at).filter(|_| bytes.get(at) == Some(&b'"'))?;
        let name: String = serde_json::from_str(&text[at..name_end]).ok()?;
        at = blank_end(bytes, name_end);
        at = blank_end(bytes, at + usize::from(bytes.get(at) == Some(&b':')));
        if name == key {
            return Some(at);
        }
        at = blank_end(bytes, value_end(bytes, at)?);
        if bytes.get(at)? != &b',' {
            return None;
        }
        at += 1;
    }
}

fn blank_end(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Where the JSON value that starts at `at` ends.
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => {
            let mut i = at + 1;
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
        }
        b'{' | b'[' => {
            let (mut depth, mut i) = (0usize, at);
            loop {
                match bytes.get(i)? {
                    b'"' => i = value_end(bytes, i)? - 1,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => Some(at + bytes[at..].iter().position(|b| b",}] \t\r\n".contains(b)).unwrap_or(bytes.len() - at)),
    }
}

/// Which part of a URL a `url_extract_*` function answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlPart {
    Protocol,
    Host,
    Port,
    Path,
    Query,
    Fragment,
    Parameter,
}

impl UrlPart {
    pub const ALL: [UrlPart; 7] = [
        UrlPart::Protocol,
        UrlPart::Host,
        UrlPart::Port,
        UrlPart::Path,
        UrlPart::Query,
        UrlPart::Fragment,
        UrlPart::Parameter,
    ];

    pub fn function(self) -> &'static str {
        match self {
            UrlPart::Protocol => "url_extract_protocol",
            UrlPart::Host => "url_extract_host",
            UrlPart::Port => "url_extract_port",
            UrlPart::Path => "url_extract_path",
            UrlPart::Query => "url_extract_query",
            UrlPart::Fragment => "url_extract_fragment",
            UrlPart::Parameter => "url_extract_parameter",
        }
    }
}

/// `url_extract_port(url)`: a bigint, NULL when the URL names no port or does not parse.
pub fn url_extract_port(args: &[ArrayRef]) -> Result<ArrayRef> {
    let urls = as_string_array(&args[0])?;
    let mut out = Int64Builder::new();
    for url in urls.iter() {
        out.append_option(url.and_then(Uri::parse).and_then(|u| u.port));
    }
    Ok(Arc::new(out.finish()))
}

/// `url_extract_host(url)` and its siblings, as Trino answers them (`uri`): NULL for a URL that
/// does not parse, `''` for a part it lacks; `url_extract_parameter(url, name)` takes the first
/// value of the parameter so named in the query as written, decoded (`''` when it has none).
pub fn url_extract(part: UrlPart, args: &[ArrayRef]) -> Result<ArrayRef> {
    if part == UrlPart::Port {
        return url_extract_port(args);
    }
    let urls = as_string_array(&args[0])?;
    let names = match args.get(1) {
        Some(names) => Some(as_string_array(names)?),
        None => None,
    };
    let mut out = StringBuilder::new();
    for i in 0..urls.len() {
        if urls.is_null(i) || names.is_some_and(|n| n.is_null(i)) {
            out.append_null();
            continue;
        }
        let Some(url) = Uri::parse(urls.value(i)) else {
            out.append_null();
            continue;
        };
        let found = match part {
            UrlPart::Protocol => Some(url.scheme.unwrap_or_default()),
            UrlPart::Host => Some(url.host.unwrap_or_default()),
            UrlPart::Port => None,
            UrlPart::Path => Some(url.path().unwrap_or_default()),
            UrlPart::Query => Some(url.query().unwrap_or_default()),
            UrlPart::Fragment => Some(url.fragment().unwrap_or_default()),
            UrlPart::Parameter => {
                let name = names.map(|n| n.value(i)).unwrap_or_default();
                // No query, no parameter (not even one named '').
                let pairs = url
                    .raw_query()
                    .into_iter()
                    .flat_map(|query| query.split('&'))
                    .map(|pair| pair.split_once('=').unwrap_or((pair, "")));
                match pairs.into_iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => Some(super::strings::url_decode(value)?),
                    None => None,
                }
            }
        };
        out.append_option(found);
    }
    Ok(Arc::new(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::StringArray;
    use datafusion::common::cast::as_int64_array;

    fn texts(values: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(values.to_vec()))
    }

    fn answers(array: ArrayRef) -> Vec<Option<String>> {
        as_string_array(&array).unwrap().iter().map(|v| v.map(str::to_string)).collect()
    }

    #[test]
    fn json_paths_in_trinos_spellings() {
        assert_eq!(json_path("$").unwrap(), []);
        assert_eq!(
            json_path("$.data.tags[1]").unwrap(),
            [Step::Key("data".into()), Step::Key("tags".into()), Step::Index(1)]
        );
        assert_eq!(json_path("$[\"page url\"]").unwrap(), [Step::Key("page url".into())]);
        for bad in ["data.x", "$.", "$[x]", "$[1", "$..a", "$ .a"] {
            let message = json_path(bad).unwrap_err().to_string();
            assert!(message.contains("Invalid JSON path"), "{bad}: {message}");
        }
    }

    #[test]
    fn scalars_come_out_as_text_and_everything_else_as_null() {
        let json = r#"{"a": {"b": [10, "x", true, null, {"c": 1.5}]}, "s": "two words"}"#;
        let paths = ["$.s", "$.a.b[0]", "$.a.b[1]", "$.a.b[2]", "$.a.b[3]", "$.a.b[4]", "$.a.b[4].c", "$.nope", "$.a"];
        let json_column = texts(&vec![Some(json); paths.len()]);
        let path_column = texts(&paths.iter().map(|p| Some(*p)).collect::<Vec<_>>());
        let got = answers(json_extract(&[json_column.clone(), path_column.clone()], true).unwrap());
        let want = [Some("two words"), Some("10"), Some("x"), Some("true"), None, None, Some("1.5"), None, None];
        assert_eq!(got, want.map(|v| v.map(str::to_string)));
        let whole = answers(json_extract(&[json_column, path_column], false).unwrap());
        assert_eq!(whole[0].as_deref(), Some("\"two words\""));
        assert_eq!(whole[5].as_deref(), Some(r#"{"c":1.5}"#));
        assert_eq!(whole[7], None);
    }

    #[test]
    fn a_number_is_answered_as_written() {
        let json = r#"{"p": 19.90, "s": "a,}]\"", "q": [1e2, {"x": [0, 2E+3]}], "p2": -0.50}"#;
        let paths = ["$.p", "$.q[0]", "$.q[1].x[1]", "$.p2", "$.s"];
        let json_column = texts(&vec![Some(json); paths.len()]);
        let path_column = texts(&paths.iter().map(|p| Some(*p)).collect::<Vec<_>>());
        let got = answers(json_extract(&[json_column, path_column], true).unwrap());
        let want = ["19.90", "1e2", "2E+3", "-0.50", "a,}]\""];
        assert_eq!(got, want.map(|v| Some(v.to_string())));
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_scanned_without_a_fault(text in ".{0,40}", digits in "-?[0-9]{1,6}(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,2})?") {
            let _ = raw_number(&text, &[Step::Key("a".into()), Step::Index(1)]);
            let json = format!(r#"{{"b": "{{", "a": [true, {digits}]}}"#);
            proptest::prop_assert_eq!(raw_number(&json, &[Step::Key("a".into()), Step::Index(1)]), Some(digits.as_str()));
        }
    }

    #[test]
    fn text_that_is_not_json_is_null_and_a_bad_path_is_an_error() {
        let got = json_extract(&[texts(&[Some("{not json"), None]), texts(&[Some("$.a"), Some("$.a")])], true);
        assert_eq!(answers(got.unwrap()), [None, None]);
        let bad = json_extract(&[texts(&[Some("{}")]), texts(&[Some("a")])], true).unwrap_err().to_string();
        assert!(bad.contains("INVALID_FUNCTION_ARGUMENT: Invalid JSON path: 'a'"), "{bad}");
    }

    #[test]
    fn url_parts_as_trino_answers_them() {
        let url =
            texts(&[Some("https://shop.example.com:8443/products/books?q=rust%20tui&page=2#top"), Some("not a url")]);
        let part = |p| answers(url_extract(p, std::slice::from_ref(&url)).unwrap())[0].clone();
        assert_eq!(part(UrlPart::Protocol).as_deref(), Some("https"));
        assert_eq!(part(UrlPart::Host).as_deref(), Some("shop.example.com"));
        let ports = url_extract(UrlPart::Port, std::slice::from_ref(&url)).unwrap();
        assert_eq!(as_int64_array(&ports).unwrap().iter().collect::<Vec<_>>(), [Some(8443), None]);
        assert_eq!(part(UrlPart::Path).as_deref(), Some("/products/books"));
        // The query decoded, as Java's `URI.getQuery` gives it.
        assert_eq!(part(UrlPart::Query).as_deref(), Some("q=rust tui&page=2"));
        assert_eq!(part(UrlPart::Fragment).as_deref(), Some("top"));
        let names = texts(&[Some("q"), Some("q")]);
        assert_eq!(
            answers(url_extract(UrlPart::Parameter, &[url.clone(), names]).unwrap()),
            [Some("rust tui".into()), None]
        );
        assert_eq!(answers(url_extract(UrlPart::Host, &[url]).unwrap())[1], None);
        // A part the URL lacks is empty, as in Trino; a parameter without a value too.
        let bare = texts(&[Some("http://example.com/p.php?flag&k=v+w%21")]);
        assert_eq!(
            answers(url_extract(UrlPart::Fragment, std::slice::from_ref(&bare)).unwrap()),
            [Some(String::new())]
        );
        let flag = answers(url_extract(UrlPart::Parameter, &[bare.clone(), texts(&[Some("flag")])]).unwrap());
        assert_eq!(flag, [Some(String::new())]);
        let k = answers(url_extract(UrlPart::Parameter, &[bare, texts(&[Some("k")])]).unwrap());
        assert_eq!(k, [Some("v w!".to_string())]);
    }
}
