//! Themes: named colours for every role the console draws.

use ratatui::style::Color;
use serde::Deserialize;

use super::error::{did_you_mean, SettingsError};
use super::paths::Paths;
use super::profile::{io_reason, with_builtins, ProfileEntry};

pub const BUILTIN_THEMES: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
];

/// Colours by role.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub description: String,
    pub background: Color,
    pub text: Color,
    pub dim: Color,
    pub border: Color,
    pub title: Color,
    pub highlight_bg: Color,
    pub highlight_fg: Color,
    pub accent: Color,
    pub ok: Color,
    pub warn: Color,
    pub critical: Color,
    pub unknown: Color,
    pub badge_fg: Color,
    pub badge_bg: Color,
    pub chart: Vec<Color>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    description: String,
    colors: ColorsFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColorsFile {
    background: String,
    text: String,
    dim: String,
    border: String,
    title: String,
    highlight_bg: String,
    highlight_fg: String,
    accent: String,
    ok: String,
    warn: String,
    critical: String,
    unknown: String,
    badge_fg: String,
    badge_bg: String,
    chart: Vec<String>,
}

impl Theme {
    /// The built-in dark theme.
    pub fn default_theme() -> Theme {
        // Built-in themes are covered by a unit test.
        parse("default", "built-in theme default", BUILTIN_THEMES[0].1).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn builtin(name: &str) -> Option<Theme> {
        BUILTIN_THEMES
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(n, text)| parse(n, &format!("built-in theme {n}"), text).ok())
    }
}

/// Finds a theme by name (the user's themes first) or path, and parses it.
pub fn resolve(name_or_path: &str, paths: &Paths, origin_of_name: &str) -> Result<Theme, SettingsError> {
    if name_or_path.contains('/') || name_or_path.ends_with(".toml") {
        let text = std::fs::read_to_string(name_or_path)
            .map_err(|e| SettingsError::new(name_or_path, None, format!("cannot read the theme: {}", io_reason(&e))))?;
        let name = std::path::Path::new(name_or_path).file_stem().map(|s| s.to_string_lossy().into_owned());
        return parse(name.as_deref().unwrap_or(name_or_path), name_or_path, &text);
    }
    let user = paths.themes_dir().join(format!("{name_or_path}.toml"));
    if user.is_file() {
        let origin = user.display().to_string();
        let text = std::fs::read_to_string(&user).map_err(|e| {
            SettingsError::new(origin.clone(), None, format!("cannot read the theme: {}", io_reason(&e)))
        })?;
        return parse(name_or_path, &origin, &text);
    }
    if let Some((name, text)) = BUILTIN_THEMES.iter().find(|(n, _)| *n == name_or_path) {
        return parse(name, &format!("built-in theme {name}"), text);
    }
    let names: Vec<String> = list(paths).into_iter().map(|e| e.name).collect();
    let hint = did_you_mean(name_or_path, names.iter().map(String::as_str));
    Err(SettingsError::new(
        origin_of_name,
        Some("console.theme"),
        format!("no theme named {name_or_path:?}{hint}; known themes: {}", names.join(", ")),
    ))
}

/// Every theme lakeops can find.
pub fn list(paths: &Paths) -> Vec<ProfileEntry> {
    with_builtins(&paths.themes_dir(), BUILTIN_THEMES)
}

pub fn parse(name: &str, origin: &str, text: &str) -> Result<Theme, SettingsError> {
    let file: ThemeFile = toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
    let c = &file.colors;
    let color =
        |key: &str, v: &str| parse_color(v).map_err(|m| SettingsError::new(origin, Some(&format!("colors.{key}")), m));
    let chart = c.chart.iter().map(|v| color("chart", v)).collect::<Result<Vec<_>, _>>()?;
    if chart.is_empty() {
        return Err(SettingsError::new(origin, Some("colors.chart"), "expected at least one chart colour"));
    }
    Ok(Theme {
        name: name.to_string(),
        description: file.description,
        background: color("background", &c.background)?,
        text: color("text", &c.text)?,
        dim: color("dim", &c.dim)?,
        border: color("border", &c.border)?,
        title: color("title", &c.title)?,
        highlight_bg: color("highlight_bg", &c.highlight_bg)?,
        highlight_fg: color("highlight_fg", &c.highlight_fg)?,
        accent: color("accent", &c.accent)?,
        ok: color("ok", &c.ok)?,
        warn: color("warn", &c.warn)?,
        critical: color("critical", &c.critical)?,
        unknown: color("unknown", &c.unknown)?,
        badge_fg: color("badge_fg", &c.badge_fg)?,
        badge_bg: color("badge_bg", &c.badge_bg)?,
        chart,
    })
}

/// A TOML parse error as one line: the key path when toml knows it, else line and column.
pub fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> SettingsError {
    let message = e.message().trim().replace('\n', " ");
    let location = e.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
        format!(" (line {line}, column {column})")
    });
    SettingsError::new(origin, None, format!("{message}{}", location.unwrap_or_default()))
}

const NAMED: &[(&str, Color)] = &[
    ("reset", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
];

/// A colour as themes and `console.color` write it: a name (`red`, `darkgray`) or `#rrggbb`.
pub fn parse_color(v: &str) -> Result<Color, String> {
    if let Some(hex) = v.strip_prefix('#') {
        if hex.len() == 6 {
            if let Ok(n) = u32::from_str_radix(hex, 16) {
                return Ok(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
            }
        }
        return Err(format!("expected a colour as #rrggbb with six hex digits, found {v:?}"));
    }
    let lower = v.to_ascii_lowercase();
    NAMED.iter().find(|(n, _)| *n == lower).map(|(_, c)| *c).ok_or_else(|| {
        let hint = did_you_mean(&lower, NAMED.iter().map(|(n, _)| *n));
        format!("expected #rrggbb or a colour name such as darkgray{hint}, found {v:?}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_parse() {
        for (name, text) in BUILTIN_THEMES {
            parse(name, name, text).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn colours() {
        assert_eq!(parse_color("#ff0000"), Ok(Color::Rgb(255, 0, 0)));
        assert_eq!(parse_color("DarkGray"), Ok(Color::DarkGray));
        assert!(parse_color("#ff00").unwrap_err().contains("six hex digits"));
        assert!(parse_color("gren").unwrap_err().contains("did you mean `green`"));
    }
}
