//! A query's results as text, written a page at a time: a table fitted to a width, RFC 4180 CSV,
//! or JSON. Text from the data is made safe unless asked for raw: escape sequences and control
//! characters never reach a terminal, and a CSV cell a spreadsheet would run as a formula is
//! neutralised (OWASP's rule: a leading `= + - @` gets a `'` and the cell is quoted).

use crate::model::text::{fit, sanitize, sanitize_keeping_lines, width};
use crate::model::ResultColumn;

pub type Row = Vec<Option<String>>;

/// How cells are written: made safe for a terminal and a spreadsheet, or the bytes as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    Safe,
    Raw,
}

/// Rows a table holds to fit its columns before it writes with the widths it found.
pub const TABLE_HELD_ROWS: usize = 10_000;
/// Bytes of cell text a table holds to fit its columns (whichever of the two comes first).
pub const TABLE_HELD_BYTES: usize = 16 << 20;
/// The narrowest a table shrinks a column to.
const MIN_COLUMN: usize = 4;

/// The characters a spreadsheet reads as the start of a formula (OWASP's list: a tab too; a
/// carriage return is made a space before).
const FORMULA_START: [char; 5] = ['=', '+', '-', '@', '\t'];

/// One CSV field. NULL is an empty field and an empty string `""`, so the two stay apart.
fn csv_field(value: Option<&str>, numeric: bool, cells: Cells) -> String {
    let Some(value) = value else { return String::new() };
    if value.is_empty() {
        return "\"\"".into();
    }
    let (text, neutralised) = match cells {
        Cells::Raw => (value.to_string(), false),
        Cells::Safe => {
            let text = sanitize_keeping_lines(value);
            // A number Athena typed as one is data, not a formula: -5 stays -5.
            let number = numeric && text.parse::<f64>().is_ok();
            if !number && text.starts_with(FORMULA_START) {
                (format!("'{text}"), true)
            } else {
                (text, false)
            }
        }
    };
    if neutralised || text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The CSV header line (CRLF-ended, as every record).
pub fn csv_header(columns: &[ResultColumn], cells: Cells) -> String {
    let mut out = columns.iter().map(|c| csv_field(Some(&c.name), false, cells)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// CSV records for `rows`.
pub fn csv_rows(columns: &[ResultColumn], rows: &[Row], cells: Cells) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, v)| csv_field(v.as_deref(), columns.get(i).is_some_and(|c| c.is_numeric()), cells))
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// RFC 4180: CRLF line ends; fields with commas, quotes or line breaks quoted, quotes doubled.
pub fn csv(columns: &[ResultColumn], rows: &[Row], cells: Cells) -> String {
    csv_header(columns, cells) + &csv_rows(columns, rows, cells)
}

/// A cell as JSON text: a number as the results wrote it, where JSON's grammar reads it so (a
/// `decimal(38,9)` keeps every digit and `1.10` its zero, where a double kept 17 digits and no
/// zero), a boolean as one, NULL as `null`, the rest a string.
fn json_value(c: &ResultColumn, v: &Option<String>) -> String {
    let Some(text) = v else { return "null".into() };
    // A number past a double's range (`1e400`) is text: JSON readers refuse it.
    let number = is_json_number(text) && text.parse::<f64>().is_ok_and(f64::is_finite);
    let typed = (c.is_numeric() && number) || (c.is_boolean() && (text == "true" || text == "false"));
    if typed {
        return text.clone();
    }
    json_string(text)
}

/// `text` as a JSON string, safe for a terminal: JSON escapes the C0 controls (ESC among them),
/// and this the C1 controls and DEL too (`\u009b` is CSI, a terminal's escape in one character),
/// which JSON lets go as they are. A reader reads the same text back.
fn json_string(text: &str) -> String {
    let quoted = serde_json::Value::from(text).to_string();
    if !quoted.contains(|c: char| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return quoted;
    }
    quoted
        .chars()
        .map(|c| match c {
            '\u{7f}'..='\u{9f}' => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// Whether `text` is a number as JSON writes one: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    fn digits(s: &str) -> (&str, &str) {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s.split_at(end)
    }
    let rest = text.strip_prefix('-').unwrap_or(text);
    let (whole, rest) = digits(rest);
    if whole.is_empty() || (whole.len() > 1 && whole.starts_with('0')) {
        return false;
    }
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => match digits(fraction) {
            ("", _) => return false,
            (_, rest) => rest,
        },
        None => rest,
    };
    let rest = match rest.strip_prefix(['e', 'E']) {
        Some(exponent) => match digits(exponent.strip_prefix(['+', '-']).unwrap_or(exponent)) {
            ("", _) => return false,
            (_, rest) => rest,
        },
        None => rest,
    };
    rest.is_empty()
}

/// A JSON array of objects keyed by column name, written an element at a time; numbers and
/// booleans typed as the metadata says. JSON escapes every control character itself.
#[derive(Debug, Default)]
pub struct JsonArray {
    written: usize,
}

impl JsonArray {
    /// The elements for `rows`, each after the separator it needs.
    pub fn rows(&mut self, columns: &[ResultColumn], rows: &[Row]) -> String {
        let mut out = String::new();
        for row in rows {
            // Each column once, in order, a name the query repeats too (`SELECT 1 AS a, 2 AS a`,
            // which an object of unique keys cut to its last).
            let members: Vec<String> = columns
                .iter()
                .zip(row)
                .map(|(c, v)| format!("{}: {}", json_string(&c.name), json_value(c, v)))
                .collect();
            out.push_str(if self.written == 0 { "[\n  " } else { ",\n  " });
            match members.is_empty() {
                true => out.push_str("{}"),
                false => out.push_str(&format!("{{\n    {}\n  }}", members.join(",\n    "))),
            }
            self.written += 1;
        }
        out
    }

    /// What closes the array.
    pub fn finish(&self) -> &'static str {
        if self.written == 0 {
            "[]"
        } else {
            "\n]"
        }
    }
}

/// The whole array at once.
pub fn json(columns: &[ResultColumn], rows: &[Row]) -> String {
    let mut array = JsonArray::default();
    array.rows(columns, rows) + array.finish()
}

/// Column widths fitted to a line: each column as wide as its content, the widest capped first.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub widths: Vec<usize>,
    /// How many caps were tried (the search is logarithmic in the widest column).
    pub probes: usize,
}

/// Fits `natural` widths (two spaces between columns) into `width`, or into four characters a
/// column when that is wider: the largest cap on every column that fits, found by binary search,
/// and what is left over given a character more, first columns first.
pub fn fit_widths(natural: &[usize], width: usize) -> Fitted {
    let gaps = 2 * natural.len().saturating_sub(1);
    let room = width.max(natural.len() * MIN_COLUMN).saturating_sub(gaps);
    let used = |cap: usize| natural.iter().map(|w| (*w).min(cap)).sum::<usize>();
    let widest = natural.iter().copied().max().unwrap_or(0);
    let mut probes = 1;
    if used(widest) <= room {
        return Fitted { widths: natural.to_vec(), probes };
    }
    // The largest cap in [MIN_COLUMN, widest) whose capped widths fit.
    let (mut low, mut high) = (MIN_COLUMN, widest);
    while low + 1 < high {
        let cap = low + (high - low) / 2;
        probes += 1;
        if used(cap) <= room {
            low = cap;
        } else {
            high = cap;
        }
    }
    let cap = low;
    let mut spare = room.saturating_sub(used(cap));
    let widths = natural
        .iter()
        .map(|w| {
            if *w > cap && spare > 0 {
                spare -= 1;
                cap + 1
            } else {
                (*w).min(cap)
            }
        })
        .collect();
    Fitted { widths, probes }
}

/// A text table written a page at a time. It holds rows until it has seen enough to fit the
/// widths (all of them, or [`TABLE_HELD_ROWS`] rows or [`TABLE_HELD_BYTES`] of text), then
/// writes what it held and every later row with the widths it found.
pub struct TableWriter {
    columns: Vec<ResultColumn>,
    width: usize,
    cells: Cells,
    held: Vec<Vec<Option<String>>>,
    held_bytes: usize,
    widths: Option<Vec<usize>>,
    /// Rows came after the widths were fixed.
    rows_after_fit: bool,
}

impl TableWriter {
    pub fn new(columns: &[ResultColumn], width: usize, cells: Cells) -> Self {
        TableWriter {
            columns: columns.to_vec(),
            width,
            cells,
            held: Vec::new(),
            held_bytes: 0,
            widths: None,
            rows_after_fit: false,
        }
    }

    /// Whether rows came after the widths were fixed (their cells may be cut).
    pub fn fitted_early(&self) -> bool {
        self.rows_after_fit
    }

    fn text(&self, value: &str) -> String {
        match self.cells {
            Cells::Safe => sanitize(value),
            Cells::Raw => value.to_string(),
        }
    }

    /// Takes rows; returns the lines ready to write (none while it is still fitting).
    pub fn rows(&mut self, rows: &[Row]) -> String {
        if let Some(widths) = &self.widths {
            self.rows_after_fit |= !rows.is_empty();
            return self.lines(widths, rows);
        }
        for row in rows {
            let row: Vec<Option<String>> = row.iter().map(|v| v.as_deref().map(|v| self.text(v))).collect();
            self.held_bytes += row.iter().flatten().map(String::len).sum::<usize>();
            self.held.push(row);
        }
        if self.held.len() >= TABLE_HELD_ROWS || self.held_bytes >= TABLE_HELD_BYTES {
            return self.flush();
        }
        String::new()
    }

    /// Whatever is still held, with the header when nothing was written yet.
    pub fn finish(&mut self) -> String {
        if self.widths.is_some() {
            String::new()
        } else {
            self.flush()
        }
    }

    fn flush(&mut self) -> String {
        let mut natural: Vec<usize> = self.columns.iter().map(|c| width(&self.text(&c.name))).collect();
        for row in &self.held {
            for (w, v) in natural.iter_mut().zip(row) {
                *w = (*w).max(v.as_deref().map_or(4, width));
            }
        }
        // Numbers keep their width (a number cut short reads as another); text columns share
        // the rest.
        let numeric: Vec<bool> = self.columns.iter().map(ResultColumn::is_numeric).collect();
        let kept: usize = natural.iter().zip(&numeric).filter(|(_, n)| **n).map(|(w, _)| w + 2).sum();
        let texts: Vec<usize> = natural.iter().zip(&numeric).filter(|(_, n)| !**n).map(|(w, _)| *w).collect();
        let mut fitted = fit_widths(&texts, self.width.saturating_sub(kept)).widths.into_iter();
        let widths: Vec<usize> =
            natural.iter().zip(&numeric).map(|(w, n)| if *n { *w } else { fitted.next().unwrap_or(*w) }).collect();
        let names: Vec<String> = self.columns.iter().map(|c| self.text(&c.name)).collect();
        let mut out =
            line(self.columns.iter().zip(&widths).zip(names).map(|((c, w), name)| fit(&name, *w, c.is_numeric())));
        out.push_str(&line(widths.iter().map(|w| "─".repeat(*w))));
        let held = std::mem::take(&mut self.held);
        self.held_bytes = 0;
        out.push_str(&self.fitted_lines(&widths, &held));
        self.widths = Some(widths);
        out
    }

    fn lines(&self, widths: &[usize], rows: &[Row]) -> String {
        let rows: Vec<Row> =
            rows.iter().map(|row| row.iter().map(|v| v.as_deref().map(|v| self.text(v))).collect()).collect();
        self.fitted_lines(widths, &rows)
    }

    /// Rows already made safe (or raw), cut to `widths`.
    fn fitted_lines(&self, widths: &[usize], rows: &[Row]) -> String {
        let mut out = String::new();
        for row in rows {
            out.push_str(&line(self.columns.iter().zip(widths).zip(row).map(|((c, w), v)| match v.as_deref() {
                // A number wider than its column (a later page's) is written whole.
                Some(v) if c.is_numeric() && width(v) > *w => v.to_string(),
                v => fit(v.unwrap_or("NULL"), *w, c.is_numeric()),
            })));
        }
        out
    }
}

fn line(cells: impl Iterator<Item = String>) -> String {
    cells.collect::<Vec<_>>().join("  ").trim_end().to_string() + "\n"
}

/// A whole table at once: each column as wide as its content, the widest shrunk first when the
/// table does not fit `width`; numbers right-aligned; NULL written `NULL`.
pub fn table(columns: &[ResultColumn], rows: &[Row], width: usize, cells: Cells) -> String {
    let mut writer = TableWriter::new(columns, width, cells);
    writer.rows(rows) + &writer.finish()
}
