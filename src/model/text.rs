//! Text that came from outside (AWS, the sandbox's users, log lines) is sanitized before
//! it can reach the terminal: control characters and escape sequences are replaced, so a
//! resource name cannot move the cursor, change colours or set the window title.

/// Replaces escape sequences and control characters with `�` (tabs and line breaks with a
/// space), so the text is safe to draw.
///
/// ```
/// use lakeops::model::text::sanitize;
/// // A stream name that tries to set the terminal's title and clear the screen.
/// assert_eq!(sanitize("events\u{1b}]0;owned\u{7}\u{1b}[2J"), "events\u{fffd}\u{fffd}");
/// ```
pub fn sanitize(input: &str) -> String {
    if !input.chars().any(char::is_control) {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                out.push('\u{fffd}');
                skip_escape(&mut chars);
            }
            '\u{9b}' => {
                out.push('\u{fffd}');
                skip_csi(&mut chars);
            }
            '\t' => out.push(' '),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \).
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn plain_text_passes() {
        assert_eq!(sanitize("clickstream-events ✓"), "clickstream-events ✓");
    }

    #[test]
    fn escape_sequences_never_pass() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m"), "a\u{fffd}red\u{fffd}");
        assert_eq!(sanitize("t\u{1b}]0;pwned\u{7}x"), "t\u{fffd}x");
        assert_eq!(sanitize("t\u{1b}]52;c;ZXZpbA==\u{1b}\\x"), "t\u{fffd}x");
        assert_eq!(sanitize("bell\u{7}cr\rnl\n"), "bell\u{fffd}cr nl ");
        assert_eq!(sanitize("\u{9b}2Jx"), "\u{fffd}x");
        assert!(!sanitize("\u{1b}P1$r\u{1b}\\ok").contains('\u{1b}'));
    }
}
