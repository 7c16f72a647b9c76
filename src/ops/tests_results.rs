//! Results as text: CSV quoting and formula neutralising, JSON typing, the table and its fitter.

use proptest::prelude::*;

use super::results::*;
use crate::model::ResultColumn;

fn columns() -> Vec<ResultColumn> {
    vec![
        ResultColumn { name: "event_type".into(), kind: "varchar".into() },
        ResultColumn { name: "events".into(), kind: "bigint".into() },
    ]
}

#[test]
fn csv_quotes_what_it_must_and_keeps_null_apart_from_empty() {
    let rows = vec![
        vec![Some("page_view".into()), Some("12".into())],
        vec![Some("say \"hi\", then\nleave".into()), None],
        vec![Some(String::new()), Some("0".into())],
    ];
    let expected = "event_type,events\r\npage_view,12\r\n\"say \"\"hi\"\", then\nleave\",\r\n\"\",0\r\n";
    assert_eq!(csv(&columns(), &rows, Cells::Safe), expected);
    assert_eq!(csv(&columns(), &rows, Cells::Raw), expected);
}

#[test]
fn csv_neutralises_formulas_and_escapes_unless_raw() {
    let rows = vec![
        vec![Some("=HYPERLINK(\"http://x\")".into()), Some("-5".into())],
        vec![Some("+1".into()), Some("@SUM(A1)".into())],
        vec![Some("-2+3+cmd|' /C calc'!A0".into()), Some("=1".into())],
        vec![Some("https://example.com/\u{1b}]52;c;ZXZpbA==\u{7}x".into()), Some("7".into())],
    ];
    let safe = csv(&columns(), &rows, Cells::Safe);
    assert_eq!(
        safe,
        "event_type,events\r\n\"'=HYPERLINK(\"\"http://x\"\")\",-5\r\n\"'+1\",\"'@SUM(A1)\"\r\n\"'-2+3+cmd|' /C calc'!A0\",\"'=1\"\r\nhttps://example.com/\u{fffd}x,7\r\n"
    );
    let raw = csv(&columns(), &rows, Cells::Raw);
    assert!(raw.contains("\r\n\"=HYPERLINK(") && raw.contains("\r\n+1,@SUM(A1)\r\n"), "{raw}");
    assert!(raw.contains("\u{1b}]52;"), "{raw}");
}

#[test]
fn json_is_typed_by_the_metadata_and_streams_as_one_array() {
    let rows = vec![vec![Some("click".into()), Some("7".into())], vec![None, Some("x".into())]];
    let value: serde_json::Value = serde_json::from_str(&json(&columns(), &rows)).unwrap();
    assert_eq!(value, serde_json::json!([{"event_type": "click", "events": 7}, {"event_type": null, "events": "x"}]));
    let mut array = JsonArray::default();
    let text = array.rows(&columns(), &rows[..1]) + &array.rows(&columns(), &rows[1..]) + array.finish();
    assert_eq!(text, serde_json::to_string_pretty(&value).unwrap(), "page by page reads as the whole");
    assert_eq!(json(&columns(), &[]), "[]");
    // A number keeps every digit it was written with; a name repeated keeps both columns.
    let decimal = |name: &str| ResultColumn { name: name.into(), kind: "decimal".into() };
    let digits = vec![vec![Some("12345678901234567890.123456789".into()), Some("1.10".into())]];
    let text = json(&[decimal("d"), decimal("d")], &digits);
    assert_eq!(text, "[\n  {\n    \"d\": 12345678901234567890.123456789,\n    \"d\": 1.10\n  }\n]");
    let odd = ["1.0E20", "-0.5", "0", "NaN", "Infinity", "1.", "01", ".5", "1e", "--1", "1e+5x", "1e400"];
    let written: Vec<String> = odd.iter().map(|n| json(&[decimal("n")], &[vec![Some(n.to_string())]])).collect();
    let numbers: Vec<bool> = written.iter().map(|t| !t.contains("\"n\": \"")).collect();
    assert_eq!(
        numbers,
        [true, true, true, false, false, false, false, false, false, false, false, false],
        "{written:?}"
    );
    // No control character a terminal acts on is written as it is, in a name or a value: C0 by
    // JSON's own escapes, C1 (CSI, OSC) and DEL by `\u` escapes; the text reads back the same.
    let text_column = [ResultColumn { name: "\u{9b}2J".into(), kind: "varchar".into() }];
    let hostile = "\u{1b}]0;t\u{7}\u{7f}\u{80}\u{9b}[2J\u{9d}é";
    let written = json(&text_column, &[vec![Some(hostile.into())]]);
    assert!(!written.contains(|c: char| c.is_control() && c != '\n'), "{written:?}");
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(value[0]["\u{9b}2J"], hostile);
}

#[test]
fn tables_fit_the_width_and_are_sanitized_unless_raw() {
    let text = table(&columns(), &[vec![Some("x".repeat(80)), Some("12345".into())]], 40, Cells::Safe);
    assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
    assert!(text.lines().nth(2).unwrap().ends_with("12345"), "numbers align right: {text}");
    assert!(table(&columns(), &[vec![None, None]], 80, Cells::Safe).contains("NULL"));
    let evil = vec![vec![Some("a\u{1b}]52;c;ZXZpbA==\u{7}b\u{202e}c".into()), Some("1".into())]];
    let safe = table(&columns(), &evil, 80, Cells::Safe);
    assert!(safe.contains("a\u{fffd}bc") && !safe.contains('\u{1b}'), "{safe}");
    assert!(table(&columns(), &evil, 80, Cells::Raw).contains('\u{1b}'));
}

#[test]
fn numbers_are_never_cut_short_and_text_takes_the_rest() {
    // Ten cells wide: the number keeps its digits, the text shrinks to what is left.
    let narrow = table(&columns(), &[vec![Some("page_view".into()), Some("1234567".into())]], 10, Cells::Safe);
    assert!(narrow.lines().nth(2).unwrap().ends_with("1234567"), "{narrow}");
    assert!(narrow.contains('…'), "the text is cut instead: {narrow}");
    // A later page's number wider than its column is written whole.
    let mut writer = TableWriter::new(&columns(), 80, Cells::Safe);
    let page: Vec<Row> = (0..TABLE_HELD_ROWS).map(|_| vec![Some("a".into()), Some("1".into())]).collect();
    let _ = writer.rows(&page);
    let later = writer.rows(&[vec![Some("b".into()), Some("123456789".into())]]);
    assert!(later.contains("123456789") && !later.contains('…'), "{later}");
}

#[test]
fn a_table_holds_only_what_fits_its_widths() {
    let mut writer = TableWriter::new(&columns(), 80, Cells::Safe);
    let page: Vec<Row> = (0..1_000).map(|i| vec![Some(format!("e{i}")), Some(i.to_string())]).collect();
    let mut text = String::new();
    for _ in 0..TABLE_HELD_ROWS / 1_000 - 1 {
        text.push_str(&writer.rows(&page));
    }
    assert!(text.is_empty() && !writer.fitted_early(), "still fitting");
    text.push_str(&writer.rows(&page));
    assert!(!writer.fitted_early(), "the widths are fixed, but no row came after");
    assert_eq!(text.lines().count(), 2 + TABLE_HELD_ROWS, "header, rule and every held row");
    let wide = vec![vec![Some("x".repeat(50)), Some("1".into())]];
    let later = writer.rows(&wide) + &writer.finish();
    assert!(writer.fitted_early(), "a row came after the widths were fixed");
    assert_eq!(later.lines().count(), 1);
    assert!(later.contains('…'), "a later, wider cell is cut to the widths found: {later}");
}

#[test]
fn the_fitter_caps_the_widest_columns_first() {
    assert_eq!(fit_widths(&[10, 20], 80).widths, [10, 20], "what fits is left alone");
    // 30 characters for two columns and a gap of 2: 28 to share, 10 stays, 18 for the other.
    assert_eq!(fit_widths(&[10, 40], 30).widths, [10, 18]);
    assert_eq!(fit_widths(&[40, 40], 31).widths, [15, 14], "the spare character goes to the first");
    assert_eq!(fit_widths(&[40, 40, 3], 6).widths, [4, 4, 3], "never under four characters");
}

#[test]
fn a_ten_megabyte_cell_in_ten_thousand_columns_is_fitted_in_logarithmic_work() {
    let mut natural = vec![6; 10_000];
    natural[1_234] = 10 << 20;
    let fitted = fit_widths(&natural, 200);
    assert!(fitted.probes <= 2 + usize::BITS as usize, "{} probes", fitted.probes);
    assert_eq!(fitted.widths.iter().sum::<usize>() + 2 * 9_999, 10_000 * 4 + 2 * 9_999, "four characters a column");
    assert!(fitted.widths.iter().all(|w| *w == 4));

    let columns: Vec<ResultColumn> =
        (0..10_000).map(|i| ResultColumn { name: format!("c{i}"), kind: "varchar".into() }).collect();
    let mut row: Row = vec![Some("v".into()); 10_000];
    row[1_234] = Some("y".repeat(10 << 20));
    let text = table(&columns, &[row], 200, Cells::Safe);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[2].chars().count() <= 10_000 * 4 + 2 * 9_999);
    assert!(lines[2].contains("yyy…"), "the big cell is cut");
}

fn cell() -> impl Strategy<Value = Option<String>> {
    let chars = prop::sample::select(vec!['=', '+', '-', '@', ',', '"', '\n', '\r', '\u{1b}', ' ', 'a', '1', '\'']);
    prop::option::of(proptest::collection::vec(chars, 0..8).prop_map(|c| c.into_iter().collect::<String>()))
}

/// A cell of text with the controls a terminal acts on: C0, C1 (CSI, OSC) and DEL.
fn control_cell() -> impl Strategy<Value = Option<String>> {
    let chars =
        prop::sample::select(vec!['\u{1b}', '\u{7}', '\u{7f}', '\u{80}', '\u{9b}', '\u{9d}', '[', 'a', '"', '\\', 'é']);
    prop::option::of(proptest::collection::vec(chars, 0..8).prop_map(|c| c.into_iter().collect::<String>()))
}

/// A cell of a number column as a result might hold it: digits, signs, points, exponents, or
/// anything else.
fn number_cell() -> impl Strategy<Value = Option<String>> {
    let chars = prop::sample::select(vec!['0', '1', '9', '-', '+', '.', 'e', 'E', 'N', 'a', ' ', '"', '\\']);
    prop::option::of(proptest::collection::vec(chars, 0..10).prop_map(|c| c.into_iter().collect::<String>()))
}

fn read_back(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.expect("CSV a reader reads").iter().map(str::to_string).collect()).collect()
}

proptest! {
    #[test]
    fn json_is_json_keeps_each_number_and_text_as_written_and_no_control_raw(rows in proptest::collection::vec((number_cell(), control_cell()), 1..6)) {
        let columns = [
            ResultColumn { name: "n".into(), kind: "decimal(38,9)".into() },
            ResultColumn { name: "t".into(), kind: "varchar".into() },
        ];
        let rows: Vec<Row> = rows.into_iter().map(|(n, t)| vec![n, t]).collect();
        let value: serde_json::Value = serde_json::from_str(&json(&columns, &rows)).expect("JSON a reader reads");
        for (object, row) in value.as_array().expect("an array").iter().zip(&rows) {
            match (&object["n"], &row[0]) {
                (serde_json::Value::Null, None) => {}
                // A number is written with its own digits; text that is none stays text.
                (serde_json::Value::Number(_), Some(n)) => {
                    let written = format!("\"n\": {},", n);
                    prop_assert!(json(&columns, std::slice::from_ref(row)).contains(&written));
                }
                (serde_json::Value::String(s), Some(n)) => prop_assert_eq!(s, n),
                (other, n) => prop_assert!(false, "{:?} for {:?}", other, n),
            }
            prop_assert_eq!(object["t"].as_str(), row[1].as_deref());
            prop_assert!(!json(&columns, std::slice::from_ref(row)).contains(|c: char| c.is_control() && c != '\n'));
        }
    }

    #[test]
    fn csv_round_trips_and_no_safe_cell_starts_a_formula(rows in proptest::collection::vec(proptest::collection::vec(cell(), 2), 1..6)) {
        let text_column = vec![
            ResultColumn { name: "a".into(), kind: "varchar".into() },
            ResultColumn { name: "b".into(), kind: "varchar".into() },
        ];
        let raw = read_back(&csv(&text_column, &rows, Cells::Raw));
        let expected: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|v| v.clone().unwrap_or_default()).collect()).collect();
        prop_assert_eq!(&raw[1..], &expected[..], "raw is the data, byte for byte");
        let safe = read_back(&csv(&text_column, &rows, Cells::Safe));
        prop_assert_eq!(safe.len(), rows.len() + 1);
        for (record, row) in safe[1..].iter().zip(&rows) {
            for (field, value) in record.iter().zip(row) {
                prop_assert!(!field.starts_with(['=', '+', '-', '@']), "{:?}", field);
                prop_assert!(!field.contains('\u{1b}'), "{:?}", field);
                let value = value.clone().unwrap_or_default();
                if !value.starts_with(['=', '+', '-', '@']) && !value.contains(['\u{1b}', '\r']) {
                    prop_assert_eq!(field, &value, "a harmless cell is unchanged");
                }
            }
        }
    }
}
