//! The read-only allow-list, statement by statement, and its properties.

use proptest::prelude::*;

use super::athena_readonly::refusal;

/// Reads Athena runs read-only: the sandbox's and the docs' examples among them.
const READS: &[&str] = &[
    "SELECT 1",
    "select * from events where day = '19'",
    "SELECT 1;",
    "WITH t AS (SELECT 1 AS n) SELECT n FROM t",
    "VALUES (1, 'a'), (2, 'b')",
    // Trino's rows without parentheses, as the sandbox runs them.
    "VALUES 1, 2, 3",
    "VALUES 1 + 2, (3)",
    "SELECT * FROM (VALUES 1, 2) AS t(x)",
    "SELECT 1 UNION ALL VALUES 2",
    "EXPLAIN VALUES 1, 2",
    "TABLE events",
    "TABLE clickstream.events; -- all of it",
    "SHOW TABLES",
    "SHOW TABLES IN clickstream",
    "SHOW DATABASES",
    "SHOW SCHEMAS",
    "SHOW COLUMNS FROM events",
    "SHOW CREATE TABLE events",
    "SHOW VIEWS",
    "SHOW PARTITIONS events",
    "DESCRIBE events",
    "DESC clickstream.events",
    "EXPLAIN SELECT * FROM events",
    "EXPLAIN WITH t AS (SELECT 1) SELECT * FROM t",
    "\u{feff}SELECT 1",
    "\u{200b}\u{200d} SELECT 1",
    "-- top events\n/* note */ (SELECT 1)",
    "SELECT device_type, count(*) AS events FROM events WHERE day = '19' GROUP BY 1 ORDER BY 2 DESC",
    "SELECT event_type, count(*) AS events\nFROM events\nWHERE year = date_format(current_date, '%Y') AND month = date_format(current_date, '%m')\n  AND day = date_format(current_date, '%d')\nGROUP BY event_type\nORDER BY events DESC",
    "SELECT page_url, count(*) AS views\nFROM events\nWHERE event_time > current_timestamp - INTERVAL '1' HOUR\nGROUP BY page_url\nORDER BY views DESC\nLIMIT 20",
    "SELECT r.data.location.country, count(*) FROM raw_events r WHERE day = '19' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    "SELECT CAST(event_time AS date), CAST(day AS integer) AS d, user_id FROM events LIMIT 1",
    "SELECT count(*) FROM events WHERE regexp_like(page_url, '/search[?]q=')",
    "SELECT approx_percentile(length(page_url), 0.5) FROM events WHERE day = '19'",
    "SELECT json_extract_scalar('{}', 'a.b')",
    "SELECT a FROM t UNION ALL SELECT b FROM u",
    "SELECT * FROM (SELECT 1 AS x) s WHERE x IN (SELECT 1)",
    "SELECT date '2026-03-20', \"user_id\" FROM events",
    "SELECT x FROM events CROSS JOIN UNNEST(ARRAY[1, 2]) AS u(x)",
    "SELECT 'INSERT INTO t SELECT 1; DROP TABLE events' AS text",
];

/// Statements read-only mode refuses, with a word of the reason it gives.
const REFUSED: &[(&str, &str)] = &[
    ("INSERT INTO t SELECT 1", "INSERT is not a query"),
    ("insert into t values (1)", "INSERT is not a query"),
    ("CREATE TABLE x AS SELECT 1", "CREATE is not a query"),
    ("CREATE VIEW v AS SELECT 1", "CREATE is not a query"),
    ("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/t/'", "CREATE is not a query"),
    ("DROP TABLE events", "DROP is not a query"),
    ("ALTER TABLE events ADD PARTITION (day = '1')", "ALTER is not a query"),
    ("DELETE FROM t WHERE a = 1", "DELETE is not a query"),
    ("UPDATE t SET a = 1", "UPDATE is not a query"),
    ("MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE", "MERGE is not a query"),
    ("MSCK REPAIR TABLE events", "MSCK is not a query"),
    ("VACUUM events", "VACUUM is not a query"),
    ("OPTIMIZE events REWRITE DATA USING BIN_PACK", "OPTIMIZE is not a query"),
    ("UNLOAD (SELECT 1) TO 's3://bucket/out/' WITH (format = 'PARQUET')", "UNLOAD is not a query"),
    ("PREPARE p FROM INSERT INTO t SELECT 1", "PREPARE is not a query"),
    ("PREPARE p FROM SELECT 1", "PREPARE is not a query"),
    ("EXECUTE p", "EXECUTE is not a query"),
    ("DEALLOCATE PREPARE p", "DEALLOCATE is not a query"),
    ("/* why */ msck repair table events", "MSCK is not a query"),
    ("-- a note\ndrop table events", "DROP is not a query"),
    ("EXPLAIN ANALYZE SELECT 1", "EXPLAIN ANALYZE runs"),
    ("EXPLAIN ANALYZE INSERT INTO t SELECT 1", "EXPLAIN ANALYZE runs"),
    ("EXPLAIN (ANALYZE) SELECT 1", "EXPLAIN (ANALYZE) runs"),
    ("EXPLAIN INSERT INTO t SELECT 1", "INSERT is not a query"),
    ("SELECT 1; DROP TABLE events", "2 statements"),
    ("SELECT 1; SELECT 2", "2 statements"),
    ("VALUES 1, 2; DROP TABLE events", "2 statements"),
    ("\u{feff}DROP TABLE events", "DROP is not a query"),
    ("\u{200b}INSERT INTO t VALUES (1)", "INSERT is not a query"),
    ("\u{202e} DELETE FROM t", "DELETE is not a query"),
    ("/* /* */ INSERT INTO t SELECT 1 --*/ SELECT 1", "block comment holds"),
    ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "changes data"),
    ("SELECT * INTO copy FROM events", "SELECT … INTO"),
    ("SELECT * FROM TABLE(system.query(query => 'DELETE FROM x'))", "table function"),
    ("SELEC 1", "SELEC is not a query"),
    ("", "no statement"),
    ("-- only a comment", "no statement"),
    ("GRANT SELECT ON t TO u", "GRANT is not a query"),
    ("CALL system.sync_partition_metadata('s', 't', 'ADD')", "CALL is not a query"),
    ("SET SESSION x = 1", "SET is not a query"),
    ("USE clickstream", "USE is not a query"),
    ("START TRANSACTION", "START is not a query"),
    ("SEL\u{200b}ECT 1", "SEL is not a query"),
    ("SELECT 1 FROM", "does not parse"),
    ("TABLE events; DROP TABLE events", "does not parse"),
    ("TABLE events UNION SELECT 1", "does not parse"),
    ("(INSERT INTO t SELECT 1)", "changes data"),
];

#[test]
fn reads_pass_read_only() {
    for sql in READS {
        assert_eq!(refusal(sql), None, "{sql:?}");
    }
}

#[test]
fn everything_else_is_refused_with_the_reason() {
    assert!(READS.len() + REFUSED.len() >= 40);
    for (sql, reason) in REFUSED {
        let refused = refusal(sql).unwrap_or_else(|| panic!("{sql:?} passed read-only"));
        assert!(refused.contains(reason), "{sql:?}: {refused}");
    }
}

#[test]
fn a_very_deep_statement_is_decided_without_overflowing() {
    let sql = format!("SELECT {}", vec!["1"; 60_000].join(" + "));
    assert!(sql.len() < crate::ops::athena::MAX_SQL_BYTES);
    assert_eq!(refusal(&sql), None);
    let nested = format!("SELECT {}1{}", "(".repeat(5_000), ")".repeat(5_000));
    assert!(refusal(&nested).unwrap().contains("does not parse"));
}

/// Reads that end where their text ends (no trailing comment to swallow what follows).
const SIMPLE_READS: &[&str] = &[
    "SELECT 1",
    "WITH t AS (SELECT 1 AS n) SELECT n FROM t",
    "VALUES (1)",
    "TABLE events",
    "SHOW TABLES",
    "DESCRIBE events",
];

const CHANGES: &[&str] = &[
    "INSERT INTO t SELECT 1",
    "DELETE FROM t",
    "UPDATE t SET a = 1",
    "DROP TABLE t",
    "CREATE TABLE t AS SELECT 1",
    "MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE",
];

fn invisible() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec!['\u{feff}', '\u{200b}', '\u{200e}', '\u{2066}', ' ', '\n', '\t']),
        0..4,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #[test]
    fn the_classifier_never_panics(sql in ".{0,200}") {
        let _ = refusal(&sql);
    }

    #[test]
    fn a_changing_statement_anywhere_is_refused(
        change in prop::sample::select(CHANGES),
        read in prop::sample::select(SIMPLE_READS),
        lead in invisible(),
        shape in 0..7usize,
    ) {
        let sql = match shape {
            0 => format!("{lead}{change}"),
            1 => format!("{read}; {change}"),
            2 => format!("{change}; {read}"),
            3 => format!("EXPLAIN {change}"),
            4 => format!("PREPARE p FROM {change}"),
            5 => format!("WITH x AS (SELECT 1) {change}"),
            _ => format!("/* {read} */ {lead}{change} -- {read}"),
        };
        prop_assert!(refusal(&sql).is_some(), "{:?} passed read-only", sql);
    }
}
