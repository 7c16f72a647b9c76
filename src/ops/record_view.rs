//! A record's data as lines to show: JSON pretty-printed with each token's kind (for
//! colour), otherwise UTF-8 text (lossy) and a hex dump. Every piece is sanitized.

use serde_json::Value;

use crate::model::text::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Key,
    Text,
    Number,
    Literal,
    Punct,
    Plain,
    Offset,
    Hex,
}

pub type ViewLine = Vec<(Kind, String)>;

/// What the data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Json,
    Text,
    Binary,
}

pub fn shape(data: &[u8]) -> Shape {
    if serde_json::from_slice::<Value>(data).is_ok() {
        Shape::Json
    } else if std::str::from_utf8(data)
        .is_ok_and(|t| t.chars().all(|c| !c.is_control() || c == '\n' || c == '\t' || c == '\r'))
    {
        Shape::Text
    } else {
        Shape::Binary
    }
}

/// The lines for a record's data.
pub fn lines(data: &[u8]) -> Vec<ViewLine> {
    match shape(data) {
        Shape::Json => {
            let value: Value = serde_json::from_slice(data).unwrap_or(Value::Null);
            let mut out = Vec::new();
            json_lines(&value, 0, None, true, &mut out);
            out
        }
        Shape::Text => String::from_utf8_lossy(data).lines().map(|l| vec![(Kind::Plain, sanitize(l))]).collect(),
        Shape::Binary => {
            let mut out = vec![vec![(Kind::Plain, format!("{} bytes, not UTF-8 text:", data.len()))]];
            out.extend(hex_dump(data));
            out
        }
    }
}

/// One line's text without kinds.
pub fn plain(line: &ViewLine) -> String {
    line.iter().map(|(_, t)| t.as_str()).collect()
}

/// A short single-line preview for lists.
pub fn preview(data: &[u8], width: usize) -> String {
    // Only the start is read: a line shows `width` characters of a record of any size (a
    // character is at most 4 bytes, and an escape sequence sanitized away is not shown).
    let head = &data[..data.len().min(width.saturating_mul(8).max(64))];
    let text = if looks_binary(head) {
        format!(
            "({} bytes binary) {}",
            data.len(),
            data.iter().take(16).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
        )
    } else {
        sanitize(&String::from_utf8_lossy(head))
    };
    text.chars().take(width).collect()
}

/// Data whose start is not text, as [`shape`] decides for the whole: invalid UTF-8 (other than
/// a character cut at the end of the start read) or control characters other than whitespace.
fn looks_binary(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
        Err(_) => return true,
    };
    valid.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
}

/// 16 bytes a line: offset, hex, printable ASCII.
pub fn hex_dump(data: &[u8]) -> Vec<ViewLine> {
    data.chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let ascii: String =
                chunk.iter().map(|b| if b.is_ascii_graphic() || *b == b' ' { *b as char } else { '.' }).collect();
            vec![
                (Kind::Offset, format!("{:08x}  ", i * 16)),
                (Kind::Hex, format!("{:<48}", hex.join(" "))),
                (Kind::Plain, format!(" {ascii}")),
            ]
        })
        .collect()
}

fn json_lines(value: &Value, indent: usize, key: Option<&str>, last: bool, out: &mut Vec<ViewLine>) {
    let pad = "  ".repeat(indent);
    let mut line: ViewLine = vec![(Kind::Plain, pad.clone())];
    if let Some(k) = key {
        line.push((Kind::Key, format!("\"{}\"", sanitize(k))));
        line.push((Kind::Punct, ": ".into()));
    }
    let comma = if last { "" } else { "," };
    match value {
        Value::Object(map) if !map.is_empty() => {
            line.push((Kind::Punct, "{".into()));
            out.push(line);
            let n = map.len();
            for (i, (k, v)) in map.iter().enumerate() {
                json_lines(v, indent + 1, Some(k), i + 1 == n, out);
            }
            out.push(vec![(Kind::Plain, pad), (Kind::Punct, format!("}}{comma}"))]);
        }
        Value::Array(items) if !items.is_empty() => {
            line.push((Kind::Punct, "[".into()));
            out.push(line);
            let n = items.len();
            for (i, v) in items.iter().enumerate() {
                json_lines(v, indent + 1, None, i + 1 == n, out);
            }
            out.push(vec![(Kind::Plain, pad), (Kind::Punct, format!("]{comma}"))]);
        }
        scalar => {
            let (kind, text) = match scalar {
                Value::String(s) => (Kind::Text, format!("\"{}\"", sanitize(s))),
                Value::Number(n) => (Kind::Number, n.to_string()),
                Value::Bool(b) => (Kind::Literal, b.to_string()),
                Value::Null => (Kind::Literal, "null".into()),
                Value::Object(_) => (Kind::Punct, "{}".into()),
                Value::Array(_) => (Kind::Punct, "[]".into()),
            };
            line.push((kind, text));
            if !last {
                line.push((Kind::Punct, ",".into()));
            }
            out.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pretty_printed_with_kinds() {
        let lines = lines(br#"{"user_id":"u1","n":3,"ok":true,"data":{"city":"SF"}}"#);
        let text: Vec<String> = lines.iter().map(plain).collect();
        assert_eq!(
            text,
            vec![
                "{",
                "  \"user_id\": \"u1\",",
                "  \"n\": 3,",
                "  \"ok\": true,",
                "  \"data\": {",
                "    \"city\": \"SF\"",
                "  }",
                "}"
            ]
        );
        assert!(lines[1].iter().any(|(k, t)| *k == Kind::Key && t == "\"user_id\""));
        assert!(lines[2].iter().any(|(k, _)| *k == Kind::Number));
    }

    #[test]
    fn binary_gets_a_hex_dump_and_text_stays_text() {
        let data = [0u8, 1, 2, 0xff, b'A', b'B'];
        assert_eq!(shape(&data), Shape::Binary);
        let text: Vec<String> = lines(&data).iter().map(plain).collect();
        assert_eq!(text[0], "6 bytes, not UTF-8 text:");
        assert!(text[1].starts_with("00000000  00 01 02 ff 41 42"));
        assert!(text[1].ends_with(" ....AB"));
        assert_eq!(shape(b"plain words"), Shape::Text);
    }

    #[test]
    fn escape_sequences_in_records_never_pass() {
        let data = br#"{"page_url":"https://x/\u001b]0;owned\u0007"}"#;
        let text: String = lines(data).iter().map(plain).collect();
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
        let raw = b"evil \x1b[2J text";
        assert!(!preview(raw, 80).contains('\u{1b}'));
        let all: String = lines(raw).iter().map(plain).collect();
        assert!(!all.contains('\u{1b}'));
    }
}
