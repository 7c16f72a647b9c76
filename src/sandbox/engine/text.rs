//! Athena's JSON and URL functions, row by row: `json_extract_scalar`, `json_extract`,
//! `url_extract_host`, `url_extract_path`, `url_extract_query`, `url_extract_parameter`, …
//! Their rules are Trino's: a JSON text that does not parse, a path that leads nowhere or a
//! URL that does not parse gives NULL; a JSON path that is not a path is an error.

use std::sync::Arc;

use super::json_path;
use super::json_stream::Reader;
use super::uri::Uri;
use datafusion::arrow::array::{Array, ArrayRef, Int64Builder, StringBuilder};
use datafusion::common::cast::as_string_array;
use datafusion::common::Result;

/// `json_extract_scalar(json, path)` (`scalar` true) or `json_extract(json, path)`, whose
/// answer is the JSON text of what the path finds, read as Trino reads it (`json_stream`).
pub fn json_extract(args: &[ArrayRef], scalar_only: bool) -> Result<ArrayRef> {
    let texts = as_string_array(&args[0])?;
    let paths = as_string_array(&args[1])?;
    let mut parsed: Option<(String, Vec<String>)> = None;
    let mut out = StringBuilder::new();
    for i in 0..texts.len() {
        if texts.is_null(i) || paths.is_null(i) {
            out.append_null();
            continue;
        }
        let path = paths.value(i);
        if parsed.as_ref().is_none_or(|(p, _)| p != path) {
            parsed = Some((path.to_string(), json_path::path(path)?));
        }
        let Some((_, steps)) = &parsed else { continue };
        let mut reader = Reader::new(texts.value(i));
        let found = match reader.find(steps) {
            Ok(Some(token)) if scalar_only => token.scalar_text(),
            Ok(Some(token)) => {
                let mut json = String::new();
                reader.copy(token, &mut json).ok().map(|()| json)
            }
            Ok(None) | Err(_) => None,
        };
        out.append_option(found);
    }
    Ok(Arc::new(out.finish()))
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
