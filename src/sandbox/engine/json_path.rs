//! Trino's JSON path of `json_extract`, `json_extract_scalar` and `json_size`, as its
//! `JsonPathTokenizer` reads it: steps that `json_stream::Reader::find` follows.

use datafusion::common::{exec_err, Result};

/// A path's steps, as Trino's `JsonPathTokenizer` reads them: `$`, then `.name` (letters,
/// digits, `_` and `:`), `[name]` (letters, digits and `_`) or `["name"]` (with `\"` and `\\`).
pub(super) fn path(path: &str) -> Result<Vec<String>> {
    let invalid = || exec_err!("INVALID_FUNCTION_ARGUMENT: Invalid JSON path: '{path}'");
    let Some(rest) = path.strip_prefix('$') else { return invalid() };
    let mut chars = rest.chars().peekable();
    let mut steps = Vec::new();
    let plain = |c: char| c == '_' || c.is_alphanumeric();
    while let Some(c) = chars.next() {
        let mut step = String::new();
        match c {
            '.' => {
                while let Some(c) = chars.next_if(|c| *c == ':' || plain(*c)) {
                    step.push(c);
                }
                if step.is_empty() {
                    return invalid();
                }
            }
            '[' if chars.next_if_eq(&'"').is_some() => {
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => step.push(c),
                            _ => return invalid(),
                        },
                        Some(c) => step.push(c),
                        None => return invalid(),
                    }
                }
                if chars.next() != Some(']') {
                    return invalid();
                }
            }
            '[' => {
                while let Some(c) = chars.next_if(|c| plain(*c)) {
                    step.push(c);
                }
                if step.is_empty() || chars.next() != Some(']') {
                    return invalid();
                }
            }
            _ => return invalid(),
        }
        steps.push(step);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_trinos_tokenizer_reads_them() {
        assert_eq!(path("$").unwrap(), Vec::<String>::new());
        assert_eq!(path("$.data.tags[1]").unwrap(), ["data", "tags", "1"]);
        assert_eq!(path("$[\"page url\"]").unwrap(), ["page url"]);
        assert_eq!(path("$[fuu][30day]").unwrap(), ["fuu", "30day"]);
        assert_eq!(path(r#"$["a\"b\\c"]"#).unwrap(), [r#"a"b\c"#]);
        assert_eq!(path("$.a:b").unwrap(), ["a:b"]);
        for bad in ["data.x", "$.", "$[1", "$..a", "$ .a", " $.a", "$.a-b", "$['a']", r#"$["a\x"]"#, "$[]", ""] {
            let message = path(bad).unwrap_err().to_string();
            assert!(message.contains("Invalid JSON path"), "{bad}: {message}");
        }
    }
}
