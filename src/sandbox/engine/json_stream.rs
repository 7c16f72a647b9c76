//! JSON read as a stream of tokens, as Trino's JSON functions read it (Jackson's parser), and
//! written as Jackson writes it.
//! - A path (`json_path`, Trino's `JsonPathTokenizer`) is followed token by token (`Reader::find`):
//!   a step names an object's member or, where it is a number, an array's element alike
//!   (`$.1`, `$["1"]` and `$[1]` are one step); an object's first member of the name is the
//!   one found; nothing after what is found is read, so text past it need not be JSON
//!   (`{"a":1} trailing`, `{"a":1, bad`), where text before it that is not JSON finds nothing.
//! - A value is written compactly (`Reader::copy`, `Json::write`): an integer's digits as
//!   written, of any length (`-0` is `0`), any other number as Java writes a double (`1.0E-10`,
//!   `1.23456789E7`), a string with JSON's escapes.
//! - `parsed` reads a whole text as `json_parse` does: one value, whitespace after it alone, an
//!   object's members by name (the last of a name kept), written in the order of their names.

use std::collections::BTreeMap;

/// One token of JSON text. A number is its text.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token<'a> {
    StartObject,
    EndObject,
    StartArray,
    EndArray,
    Name(String),
    Text(String),
    Number(&'a str),
    True,
    False,
    Null,
}

impl Token<'_> {
    fn starts(&self) -> bool {
        matches!(self, Token::StartObject | Token::StartArray)
    }

    /// The text Trino's `json_extract_scalar` answers for a scalar (a number as written, a
    /// string's own text); None for a null, an object or an array.
    pub(super) fn scalar_text(&self) -> Option<String> {
        match self {
            Token::Text(text) => Some(text.clone()),
            Token::Number(number) => Some(number.to_string()),
            Token::True => Some("true".into()),
            Token::False => Some("false".into()),
            _ => None,
        }
    }
}

/// The most containers open at once, Jackson's bound (`StreamReadConstraints`): past it the
/// text is refused, where reading it whole took more stack than a thread has.
const MOST_DEPTH: usize = 1000;

/// Text that is not JSON where the reader read it.
#[derive(Debug)]
pub(super) struct NotJson;

type Read<T> = std::result::Result<T, NotJson>;

/// A reader of JSON text, token by token.
pub(super) struct Reader<'a> {
    text: &'a str,
    at: usize,
    /// The containers open around the reader (true for an object), each with whether its next
    /// item is its first.
    open: Vec<(bool, bool)>,
    /// Whether a member's name was read, and its value comes next.
    named: bool,
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Reader { text, at: 0, open: Vec::new(), named: false }
    }

    fn blank(&mut self) {
        let rest = &self.text.as_bytes()[self.at..];
        self.at += rest.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).count();
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The next token; None at the end of the text outside any container.
    pub(super) fn next(&mut self) -> Read<Option<Token<'a>>> {
        self.blank();
        let Some(c) = self.peek() else {
            return if self.open.is_empty() && !self.named { Ok(None) } else { Err(NotJson) };
        };
        if self.named {
            self.named = false;
            return self.value().map(Some);
        }
        let Some(&(object, first)) = self.open.last() else {
            return self.value().map(Some);
        };
        let end = if object { b'}' } else { b']' };
        if c == end {
            self.at += 1;
            self.close();
            return Ok(Some(if object { Token::EndObject } else { Token::EndArray }));
        }
        if !first {
            if c != b',' {
                return Err(NotJson);
            }
            self.at += 1;
            self.blank();
        }
        if let Some(top) = self.open.last_mut() {
            top.1 = false;
        }
        if !object {
            return self.value().map(Some);
        }
        if self.peek() != Some(b'"') {
            return Err(NotJson);
        }
        let name = self.string()?;
        self.blank();
        if self.peek() != Some(b':') {
            return Err(NotJson);
        }
        self.at += 1;
        self.named = true;
        Ok(Some(Token::Name(name)))
    }

    fn close(&mut self) {
        self.open.pop();
    }

    fn value(&mut self) -> Read<Token<'a>> {
        let rest = &self.text[self.at..];
        let literal = |word: &str| {
            rest.strip_prefix(word)
                .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
        };
        match self.peek().ok_or(NotJson)? {
            b'{' | b'[' => {
                if self.open.len() >= MOST_DEPTH {
                    return Err(NotJson);
                }
                let object = self.peek() == Some(b'{');
                self.at += 1;
                self.open.push((object, true));
                Ok(if object { Token::StartObject } else { Token::StartArray })
            }
            b'"' => self.string().map(Token::Text),
            b't' if literal("true") => {
                self.at += 4;
                Ok(Token::True)
            }
            b'f' if literal("false") => {
                self.at += 5;
                Ok(Token::False)
            }
            b'n' if literal("null") => {
                self.at += 4;
                Ok(Token::Null)
            }
            b'-' | b'0'..=b'9' => {
                let length = number_length(rest.as_bytes()).ok_or(NotJson)?;
                self.at += length;
                Ok(Token::Number(&rest[..length]))
            }
            _ => Err(NotJson),
        }
    }

    /// The string that starts at the reader, its escapes read.
    fn string(&mut self) -> Read<String> {
        let bytes = self.text.as_bytes();
        let mut out = String::new();
        let mut at = self.at + 1;
        loop {
            let run =
                bytes[at.min(bytes.len())..].iter().take_while(|b| !matches!(b, b'"' | b'\\') && **b >= 0x20).count();
            out.push_str(&self.text[at..at + run]);
            at += run;
            match bytes.get(at) {
                Some(b'"') => break,
                Some(b'\\') => {
                    let (c, length) = escape(&bytes[at + 1..]).ok_or(NotJson)?;
                    out.push(c);
                    at += 1 + length;
                }
                // A control character unescaped, or the text's end.
                _ => return Err(NotJson),
            }
        }
        self.at = at + 1;
        Ok(out)
    }

    /// Reads past the container `token` starts, when it starts one.
    pub(super) fn skip(&mut self, token: &Token) -> Read<()> {
        if !token.starts() {
            return Ok(());
        }
        let depth = self.open.len() - 1;
        while self.open.len() > depth {
            self.next()?.ok_or(NotJson)?;
        }
        Ok(())
    }

    /// The value `steps` lead to from the reader's first token; None where they lead nowhere.
    pub(super) fn find(&mut self, steps: &[String]) -> Read<Option<Token<'a>>> {
        let Some(mut token) = self.next()? else { return Ok(None) };
        for step in steps {
            token = match token {
                Token::StartObject => loop {
                    match self.next()?.ok_or(NotJson)? {
                        Token::Name(name) if name == *step => break self.next()?.ok_or(NotJson)?,
                        Token::Name(_) => {
                            let value = self.next()?.ok_or(NotJson)?;
                            self.skip(&value)?;
                        }
                        _ => return Ok(None),
                    }
                },
                Token::StartArray => {
                    // Java's `Integer.parseInt`; a step that is no index finds no element.
                    let index = step.parse::<i32>().ok().and_then(|i| usize::try_from(i).ok());
                    let mut at = 0;
                    loop {
                        let item = self.next()?.ok_or(NotJson)?;
                        if item == Token::EndArray {
                            return Ok(None);
                        }
                        if Some(at) == index {
                            break item;
                        }
                        at += 1;
                        self.skip(&item)?;
                    }
                }
                _ => return Err(NotJson),
            };
        }
        Ok(Some(token))
    }

    /// The value `token` starts, written compactly onto `out`, as Jackson copies it.
    pub(super) fn copy(&mut self, token: Token, out: &mut String) -> Read<()> {
        match token {
            Token::StartObject | Token::StartArray => {
                let object = token == Token::StartObject;
                out.push(if object { '{' } else { '[' });
                let mut first = true;
                loop {
                    let item = self.next()?.ok_or(NotJson)?;
                    if matches!(item, Token::EndObject | Token::EndArray) {
                        break;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    if let Token::Name(name) = item {
                        write_text(&name, out);
                        out.push(':');
                        let value = self.next()?.ok_or(NotJson)?;
                        self.copy(value, out)?;
                    } else {
                        self.copy(item, out)?;
                    }
                }
                out.push(if object { '}' } else { ']' });
            }
            Token::Number(number) => write_number(number, out),
            Token::Text(text) => write_text(&text, out),
            Token::True => out.push_str("true"),
            Token::False => out.push_str("false"),
            Token::Null => out.push_str("null"),
            Token::Name(_) | Token::EndObject | Token::EndArray => return Err(NotJson),
        }
        Ok(())
    }

    /// The value `token` starts, whole.
    pub(super) fn tree(&mut self, token: Token) -> Read<Json> {
        Ok(match token {
            Token::StartObject => {
                let mut members = BTreeMap::new();
                loop {
                    match self.next()?.ok_or(NotJson)? {
                        Token::Name(name) => {
                            let value = self.next()?.ok_or(NotJson)?;
                            members.insert(name, self.tree(value)?);
                        }
                        _ => break Json::Object(members),
                    }
                }
            }
            Token::StartArray => {
                let mut items = Vec::new();
                loop {
                    match self.next()?.ok_or(NotJson)? {
                        Token::EndArray => break Json::Array(items),
                        item => items.push(self.tree(item)?),
                    }
                }
            }
            Token::Number(number) => {
                let mut text = String::new();
                write_number(number, &mut text);
                Json::Number(text)
            }
            Token::Text(text) => Json::Text(text),
            Token::True => Json::Bool(true),
            Token::False => Json::Bool(false),
            Token::Null => Json::Null,
            Token::Name(_) | Token::EndObject | Token::EndArray => return Err(NotJson),
        })
    }
}

/// A JSON value whole, an object's members in the order of their names; a number is its text as
/// written (`write_number`).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Json {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    pub(super) fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(number) => out.push_str(number),
            Json::Text(text) => write_text(text, out),
            Json::Array(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                // In Java's order of strings, by UTF-16 units.
                let mut members: Vec<_> = members.iter().collect();
                members.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
                for (n, (name, value)) in members.into_iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    write_text(name, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// The one value `text` holds, as `json_parse` reads it; None where it holds none, or more.
pub(super) fn parsed(text: &str) -> Option<Json> {
    let mut reader = Reader::new(text);
    let first = reader.next().ok()??;
    let json = reader.tree(first).ok()?;
    matches!(reader.next(), Ok(None)).then_some(json)
}

/// `text` as a JSON string, with the escapes Jackson writes (`\"`, `\\`, `\n`, `\u001F`).
pub(super) fn write_text(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A number as Jackson writes the number it read: an integer's digits as they are (`-0` is
/// `0`), any other as Java writes a double.
fn write_number(number: &str, out: &mut String) {
    if number.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        let value: f64 = number.parse().unwrap_or(f64::NAN);
        let text = super::format::java_double(value);
        if value.is_finite() {
            out.push_str(&text);
        } else {
            write_text(&text, out);
        }
    } else if number == "-0" {
        out.push('0');
    } else {
        out.push_str(number);
    }
}

/// The length of the JSON number at the start of `bytes`: `-`, an integer part without leading
/// zeros, an optional fraction and exponent; None where none starts there.
fn number_length(bytes: &[u8]) -> Option<usize> {
    let digits = |from: usize| bytes[from.min(bytes.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    let whole = digits(at);
    if whole == 0 || (whole > 1 && bytes[at] == b'0') {
        return None;
    }
    at += whole;
    if bytes.get(at) == Some(&b'.') {
        let fraction = digits(at + 1);
        if fraction == 0 {
            return None;
        }
        at += 1 + fraction;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        at += usize::from(matches!(bytes.get(at), Some(b'+' | b'-')));
        let exponent = digits(at);
        if exponent == 0 {
            return None;
        }
        at += exponent;
    }
    Some(at)
}

/// The character an escape stands for (`bytes` after its backslash) and the bytes it takes.
fn escape(bytes: &[u8]) -> Option<(char, usize)> {
    let hex = |from: usize| -> Option<u32> {
        let digits = std::str::from_utf8(bytes.get(from..from + 4)?).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    Some(match bytes.first()? {
        b'"' => ('"', 1),
        b'\\' => ('\\', 1),
        b'/' => ('/', 1),
        b'b' => ('\u{8}', 1),
        b'f' => ('\u{c}', 1),
        b'n' => ('\n', 1),
        b'r' => ('\r', 1),
        b't' => ('\t', 1),
        b'u' => {
            let unit = hex(1)?;
            if (0xD800..0xDC00).contains(&unit) && bytes.get(5..7) == Some(b"\\u".as_slice()) {
                if let Some(low @ 0xDC00..=0xDFFF) = hex(7) {
                    let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?;
                    return Some((c, 11));
                }
            }
            // A surrogate alone, which Java's strings hold and Rust's do not.
            (char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER), 5)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str, path_text: &str) -> Option<String> {
        let steps = super::super::json_path::path(path_text).unwrap();
        let mut reader = Reader::new(text);
        let token = reader.find(&steps).ok()??;
        let mut out = String::new();
        reader.copy(token, &mut out).ok()?;
        Some(out)
    }

    #[test]
    fn a_path_finds_the_first_member_and_reads_no_further() {
        assert_eq!(extract(r#"{"a":1,"a":2}"#, "$.a").as_deref(), Some("1"));
        assert_eq!(extract(r#"{"a":1} trailing"#, "$.a").as_deref(), Some("1"));
        assert_eq!(extract(r#"{"a":1, bad"#, "$.a").as_deref(), Some("1"));
        assert_eq!(extract(r#"{"b": bad, "a":1}"#, "$.a"), None);
        assert_eq!(extract("[0, 1, 2]", "$.1").as_deref(), Some("1"));
        assert_eq!(extract(r#"{"0":0,"1":1}"#, "$[1]").as_deref(), Some("1"));
        assert_eq!(extract(r#"{"a":[10,20]}"#, "$.a.1").as_deref(), Some("20"));
        assert_eq!(extract("[0, 1]", "$.x"), None);
        assert_eq!(extract("[0, 1]", "$[2]"), None);
        assert_eq!(extract("5", "$.a"), None);
        assert_eq!(extract("", "$"), None);
        assert_eq!(extract(r#"{"a":1,"a":2}"#, "$").as_deref(), Some(r#"{"a":1,"a":2}"#));
    }

    #[test]
    fn values_are_written_as_jackson_writes_them() {
        let cases = [
            ("[100000000000000000000000]", "[100000000000000000000000]"),
            ("-0", "0"),
            ("1e21", "1.0E21"),
            ("12345678.9", "1.23456789E7"),
            ("[1e-10, 0.0001, 19.90]", "[1.0E-10,1.0E-4,19.9]"),
            (r#" { "a" : [ true , null , "x\ty\u00e9\ud83d\ude00" ] } "#, r#"{"a":[true,null,"x\tyé😀"]}"#),
        ];
        for (text, written) in cases {
            assert_eq!(extract(text, "$").as_deref(), Some(written), "{text}");
        }
    }

    #[test]
    fn strings_and_names_are_written_as_jackson_writes_them() {
        assert_eq!(extract("\"a\\u001fb\\/\"", "$").as_deref(), Some("\"a\\u001Fb/\""));
        let written = parsed(r#"{"\uff01":1,"\ud83d\ude00":2,"a":3}"#).map(|json| {
            let mut out = String::new();
            json.write(&mut out);
            out
        });
        assert_eq!(written.as_deref(), Some("{\"a\":3,\"😀\":2,\"！\":1}"));
    }

    #[test]
    fn containers_past_jacksons_depth_are_refused_not_a_fault() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parsed(&deep(1000)).is_some());
        assert_eq!(parsed(&deep(1001)), None);
        assert_eq!(parsed(&deep(200_000)), None);
        assert_eq!(extract(&deep(2_000_000), "$"), None);
    }

    #[test]
    fn text_that_is_not_json_is_refused_where_it_is_read() {
        for bad in [
            "[1,]",
            "{,}",
            r#"{"a":1,}"#,
            "[01]",
            "[1.]",
            "[.5]",
            "[+1]",
            "[truex]",
            "[\"a\u{1}\"]",
            "{\"a\" 1}",
            "[1 2]",
            "[nan]",
        ] {
            let mut reader = Reader::new(bad);
            let first = reader.next().unwrap().unwrap();
            assert!(reader.tree(first).is_err(), "{bad}");
        }
        assert_eq!(parsed("[1] 2"), None);
        assert_eq!(
            parsed("{\"b\":1,\"a\":2,\"b\":3}").map(|j| {
                let mut out = String::new();
                j.write(&mut out);
                out
            }),
            Some(r#"{"a":2,"b":3}"#.to_string())
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_a_fault(text in ".{0,60}", steps in proptest::collection::vec("[a-z0-9]{1,3}", 0..4)) {
            let mut reader = Reader::new(&text);
            if let Ok(Some(token)) = reader.find(&steps) {
                let _ = reader.copy(token, &mut String::new());
            }
            let _ = parsed(&text);
        }

        #[test]
        fn what_serde_reads_is_read_alike(value in proptest::arbitrary::any::<i32>(), word in "[a-z \\\\\"]{0,8}") {
            let text = format!(r#"{{"n": {value}, "w": {}, "x": [1, {{"y": null}}]}}"#, serde_json::Value::String(word.clone()));
            proptest::prop_assert_eq!(extract(&text, "$.n"), Some(value.to_string()));
            proptest::prop_assert_eq!(extract(&text, "$.w"), Some(serde_json::Value::String(word).to_string()));
            proptest::prop_assert_eq!(extract(&text, "$.x[1]"), Some(r#"{"y":null}"#.to_string()));
        }
    }
}
