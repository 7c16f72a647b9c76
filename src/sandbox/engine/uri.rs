//! A URL read as Trino's `url_extract_*` functions read it: by Java's `java.net.URI`, which
//! refuses a URL with a character URIs do not allow (a space, `^`, `{`, a bad `%` escape), and
//! answers each part as written there (an absent part is `''` in Trino), the path, query and
//! fragment with their `%XX` escapes decoded, and a port only where one is written
//! (`https://a.com:443/` has 443).

/// The parts of a URL that parses.
#[derive(Debug, Default, PartialEq)]
pub struct Uri {
    pub scheme: Option<String>,
    pub host: Option<String>,
    pub port: Option<i64>,
    /// As written (`getRawPath`); `path()` decodes it.
    raw_path: Option<String>,
    raw_query: Option<String>,
    raw_fragment: Option<String>,
}

impl Uri {
    /// `text` read as `new URI(text)` reads it; None where Java refuses it.
    pub fn parse(text: &str) -> Option<Uri> {
        if !text.chars().all(allowed) || !escapes_are_whole(text) || text.matches('#').count() > 1 {
            return None;
        }
        let (rest, raw_fragment) = match text.split_once('#') {
            Some((rest, fragment)) => (rest, Some(fragment.to_string())),
            None => (text, None),
        };
        // A `:` before any `/`, `?` or `#` ends a scheme, which must be one.
        let colon = rest.find(':').filter(|at| !rest[..*at].contains(['/', '?']));
        let (scheme, rest) = match colon {
            Some(at) if is_scheme(&rest[..at]) => (Some(rest[..at].to_string()), &rest[at + 1..]),
            Some(_) => return None,
            None => (None, rest),
        };
        // `mailto:a@b.c`: an opaque URI, a scheme and no path, host or query.
        if scheme.is_some() && !rest.starts_with('/') {
            if rest.is_empty() {
                return None;
            }
            return Some(Uri { scheme, raw_fragment, ..Uri::default() });
        }
        let (rest, raw_query) = match rest.split_once('?') {
            Some((rest, query)) => (rest, Some(query.to_string())),
            None => (rest, None),
        };
        let (authority, path) = match rest.strip_prefix("//") {
            Some(after) => after.find('/').map_or((Some(after), ""), |at| (Some(&after[..at]), &after[at..])),
            None => (None, rest),
        };
        // Brackets belong to an IPv6 host only.
        if path.contains(['[', ']']) || raw_query.as_deref().is_some_and(|q| q.contains(['[', ']'])) {
            return None;
        }
        let server = authority.map(server);
        // A bracket of an IPv6 host that does not close is refused, not read as a name.
        if authority.is_some_and(|a| a.contains(['[', ']'])) && server.as_ref().is_some_and(Option::is_none) {
            return None;
        }
        let (host, port) = server.flatten().unwrap_or((None, None));
        Some(Uri { scheme, host, port, raw_path: Some(path.to_string()), raw_query, raw_fragment })
    }

    pub fn path(&self) -> Option<String> {
        self.raw_path.as_deref().map(decode)
    }

    pub fn query(&self) -> Option<String> {
        self.raw_query.as_deref().map(decode)
    }

    pub fn raw_query(&self) -> Option<&str> {
        self.raw_query.as_deref()
    }

    pub fn fragment(&self) -> Option<String> {
        self.raw_fragment.as_deref().map(decode)
    }
}

/// The characters a URI may hold: RFC 2396's, and any other non-ASCII one (Java's "other").
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "-_.!~*'();/?:@&=+$,[]#%".contains(c)
        || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
}

/// Whether each `%` starts two hex digits.
fn escapes_are_whole(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(at, _)| bytes.get(at + 1..at + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)))
}

fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// The host and port of a server's authority (`user@host:port`, `[::1]:8080`); None for an
/// authority Java reads as a registry's name instead (a host with `_` or a letter outside ASCII,
/// a port that is not a number): it has no host and no port.
fn server(authority: &str) -> Option<(Option<String>, Option<i64>)> {
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, after)| after);
    let (host, port) = match hostport.rfind(':') {
        Some(at) if !hostport[at..].contains(']') => (&hostport[..at], &hostport[at + 1..]),
        _ => (hostport, ""),
    };
    let port = match port {
        "" => None,
        digits if digits.bytes().all(|b| b.is_ascii_digit()) => Some(digits.parse::<i32>().ok()?.into()),
        _ => return None,
    };
    let ipv6 = host.starts_with('[')
        && host.ends_with(']')
        && host[1..host.len() - 1].chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
    let name = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !(ipv6 || name || host.is_empty()) {
        return None;
    }
    Some(((!host.is_empty()).then(|| host.to_string()), port))
}

/// `%XX` escapes as the bytes they stand for, read as UTF-8 (`+` stays a `+`).
fn decode(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        match (byte, after.get(..2).and_then(|hex| std::str::from_utf8(hex).ok())) {
            (b'%', Some(hex)) if u8::from_str_radix(hex, 16).is_ok() => {
                bytes.push(u8::from_str_radix(hex, 16).unwrap_or_default());
                rest = &after[2..];
            }
            _ => {
                bytes.push(byte);
                rest = after;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> Option<[String; 5]> {
        let uri = Uri::parse(url)?;
        let text = |s: Option<String>| s.unwrap_or_default();
        let port = uri.port.map(|p| p.to_string()).unwrap_or_default();
        Some([text(uri.scheme.clone()), text(uri.host.clone()), port, text(uri.path()), text(uri.query())])
    }

    #[test]
    fn urls_are_read_as_java_reads_them() {
        let cases = [
            (
                "http://example.com/path1/p.php?k1=v1&k2=v2#Ref1",
                ["http", "example.com", "", "/path1/p.php", "k1=v1&k2=v2"],
            ),
            ("https://a.com:443/a%20b?x=b%20c", ["https", "a.com", "443", "/a b", "x=b c"]),
            ("foo", ["", "", "", "foo", ""]),
            ("mailto:test@example.com", ["mailto", "", "", "", ""]),
            ("https://username@example.com", ["https", "example.com", "", "", ""]),
            ("http://[::1]:8080/x", ["http", "[::1]", "8080", "/x", ""]),
        ];
        for (url, want) in cases {
            assert_eq!(parts(url), Some(want.map(String::from)), "{url}");
        }
        for bad in [
            "http://example.com/^",
            "http://a b.com/",
            "http://a.com/%zz",
            "http:",
            "http://a.com/#a#b",
            ":foo",
            "1http://x",
            "http://a.com/[x]",
            "http://[::1/",
        ] {
            assert_eq!(parts(bad), None, "{bad}");
        }
        // An authority that is no server's (a port that is no number, a `_` in the host) has no
        // host and no port, as Java reads it.
        for registry in ["http://a.com:x/", "http://my_host.com/", "http://a.com:-1/", "http://a.com:99999999999/"] {
            let [scheme, host, port, path, _] = parts(registry).unwrap_or_default();
            assert_eq!(
                [scheme.as_str(), host.as_str(), port.as_str(), path.as_str()],
                ["http", "", "", "/"],
                "{registry}"
            );
        }
        assert_eq!(Uri::parse("http://a.com/#top%21").and_then(|u| u.fragment()).as_deref(), Some("top!"));
    }
}
