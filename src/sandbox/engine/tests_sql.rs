//! The rewrites of `sql`, statement by statement.

use super::super::dialect::MOST_OPERATORS;
use super::*;

/// The statement as rewritten, without the names given to unnamed columns (`named` has
/// those).
pub(in super::super) fn rewritten(sql: &str) -> String {
    let named = named(sql);
    let mut plain = String::new();
    let mut rest = named.as_str();
    while let Some(at) = rest.find(r#" AS "$col"#) {
        let digits = rest[at + 9..].chars().take_while(char::is_ascii_digit).count();
        let end = at + 9 + digits;
        if digits > 0 && rest[end..].starts_with('"') {
            plain.push_str(&rest[..at]);
            rest = &rest[end + 1..];
        } else {
            plain.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    plain + rest
}

fn named(sql: &str) -> String {
    statement(sql).unwrap().to_string()
}

#[test]
fn every_expression_a_query_leaves_unnamed_is_named_by_its_place() {
    // Athena names a column it reads, or a row's field, after it; anything else by its place.
    assert_eq!(
        named("SELECT a, t.b, (c), r.x, strpos(s, 'b'), position('b' IN s), CAST(a AS INT), a = ANY (VALUES 1) FROM t"),
        r#"SELECT a, t.b, (c), r.x, strpos(s, 'b') AS "$col0", POSITION('b' IN s) AS "$col1", CAST("$cast_value"(a, 'integer') AS INT) AS "$col2", any_match(coalesce("$gathered"((SELECT array_agg("$v") AS "$col4" FROM (SELECT * FROM (VALUES (1)) AS "$values6" (_col0)) AS "$q" ("$v")), '#1 SELECT * FROM (VALUES (1))'), make_array()), "$i" -> a = "$i") AS "$col3" FROM t"#
    );
    // A name repeated keeps what Athena prints (`a`, `x`) in a name of its own.
    assert_eq!(
        named("SELECT a, a, 1 AS x, 2 AS x, 3 FROM t"),
        r#"SELECT a, a AS "$col0.a", 1 AS x, 2 AS "$col1.x", 3 AS "$col2" FROM t"#
    );
    // Each name is new in the statement: a subquery's does not meet its outer query's.
    assert_eq!(
        named("SELECT 1 UNION ALL SELECT upper(x) FROM (SELECT lower(y) AS x FROM t)"),
        r#"SELECT 1 AS "$col0" UNION ALL SELECT upper(x) AS "$col1" FROM (SELECT lower(y) AS x FROM t) AS "$subquery1""#
    );
}

#[test]
fn athena_forms_become_calls_and_literals_stay_literals() {
    // A timestamp keeps milliseconds, as Trino's `timestamp(3)` (the engine's own is nanoseconds).
    assert_eq!(rewritten("SELECT TIMESTAMP '2012-08-08 01:00'"), "SELECT TIMESTAMP(3) '2012-08-08 01:00:00'");
    assert_eq!(rewritten("SELECT TRY_CAST('1' AS timestamp)"), "SELECT TRY_CAST('1' AS TIMESTAMP(3))");
    assert_eq!(rewritten("SELECT array_sort(a)"), "SELECT array_sort(a, 'ASC', 'NULLS LAST')");
    assert_eq!(rewritten("SELECT TRY(1 / x) FROM t"), r#"SELECT "$try"(0, "$row" -> 1 / x) FROM t"#);
    assert_eq!(
        rewritten("SELECT TRY(CAST('x' AS INT) + TRY_CAST(y AS INT) + CAST(z AS INT)), CAST('1' AS INT)"),
        r#"SELECT "$try"(0, "$row" -> CAST("$held"('x') AS INT) + TRY_CAST("$cast_value"(y, 'integer') AS INT) + CAST("$cast_value"(z, 'integer') AS INT)), CAST('1' AS INT)"#
    );
    assert_eq!(rewritten("SELECT CAST(a AS JSON)"), r#"SELECT "$cast_json"(a)"#);
    assert_eq!(rewritten("SELECT JSON '[1]'"), "SELECT json_parse('[1]')");
    assert_eq!(
        rewritten("SELECT TIMESTAMP '2012-10-31 01:00 UTC' AT TIME ZONE 'America/Los_Angeles'"),
        r#"SELECT "$at_timezone"("$timestamp_tz"('2012-10-31 01:00 UTC'), 'America/Los_Angeles')"#
    );
    assert_eq!(rewritten("SELECT 'CAST(a AS JSON)', 'TRY(1)'"), "SELECT 'CAST(a AS JSON)', 'TRY(1)'");
    assert_eq!(rewritten("SELECT transform(a, x -> x + 1)"), "SELECT transform(a, x -> x + 1)");
    assert_eq!(
        rewritten("SELECT array_sort(a, (x, y) -> IF(x < y, 1, -1))"),
        r#"SELECT "$array_sort_by"(a, (x, y) -> CASE WHEN x < y THEN 1 ELSE -1 END)"#
    );
    assert_eq!(rewritten("SELECT IF(a > 1, 'big')"), "SELECT CASE WHEN a > 1 THEN 'big' END");
    assert_eq!(
        rewritten("SELECT reduce_agg(v, 0, (s, x) -> s + x, (a, b) -> a + b) FILTER (WHERE k = 1) FROM t"),
        r#"SELECT reduce(array_agg(v) FILTER (WHERE (k = 1) AND v IS NOT NULL), 0, (s, x) -> s + x, "$state" -> "$state") FROM t"#
    );
    assert_eq!(
        rewritten("SELECT m[k], m['k'], a[1][2], s.f[1]"),
        "SELECT \"$subscript\"(m, k), \"$subscript\"(m, 'k'), \"$subscript\"(\"$subscript\"(a, 1), 2), s.f[1]"
    );
    assert!(statement("SELECT 1; SELECT 2").is_err());
}

#[test]
fn rows_of_values_without_parentheses_get_them_and_other_values_words_do_not() {
    assert_eq!(rewritten("SELECT * FROM (VALUES 'a', 'b') t(x)"), "SELECT * FROM (VALUES ('a'), ('b')) t (x)");
    assert_eq!(rewritten("VALUES 1 + 2, (3), ARRAY[4, 5]"), "VALUES (1 + 2), (3), (ARRAY[4, 5])");
    assert_eq!(rewritten("VALUES (1, 'a'), (2, 'b')"), "VALUES (1, 'a'), (2, 'b')");
    assert_eq!(rewritten("SELECT 1 UNION ALL VALUES 2, 3"), "SELECT 1 UNION ALL VALUES (2), (3)");
    // A column named `values` of a table, and `VALUES` that is not a list, stay as written.
    assert_eq!(rewritten("SELECT t.values FROM t"), "SELECT t.values FROM t");
    assert_eq!(rewritten("SELECT values FROM t"), "SELECT values FROM t");
    assert_eq!(rewritten("SELECT 10_000"), "SELECT 10_000");
}

#[test]
fn table_t_where_a_query_starts_is_select_star_and_other_tables_stay() {
    assert_eq!(rewritten("TABLE events"), "SELECT * FROM events");
    assert_eq!(rewritten("table clickstream.events ORDER BY 1"), "SELECT * FROM clickstream.events ORDER BY 1");
    assert_eq!(
        rewritten("WITH a AS (TABLE t) (TABLE a) UNION ALL TABLE t"),
        "WITH a AS (SELECT * FROM t) (SELECT * FROM a) UNION ALL SELECT * FROM t"
    );
    assert_eq!(rewritten("WITH a AS (SELECT 1) TABLE a"), "WITH a AS (SELECT 1) SELECT * FROM a");
    assert_eq!(named("EXPLAIN TABLE t"), "EXPLAIN SELECT * FROM t");
    // A column named `table`, and `TABLE` before a parenthesis or after another word, stay;
    // so does `TABLE t` followed by what no query of that form has, for the parser to refuse.
    assert_eq!(rewritten("SELECT \"table\" FROM t"), "SELECT \"table\" FROM t");
    assert!(super::statement("SHOW CREATE TABLE t").is_ok());
    for refused in ["TABLE a, b", "TABLE a WHERE x = 1", "TABLE a b", "TABLE", "TABLE a."] {
        assert!(super::statement(refused).is_err(), "{refused}");
    }
}

#[test]
fn trino_aggregates_gather_what_trino_counts() {
    assert_eq!(
        rewritten("SELECT histogram(k) FROM t"),
        "SELECT array_histogram(array_agg(k) FILTER (WHERE k IS NOT NULL)) FROM t"
    );
    assert_eq!(
        rewritten("SELECT map_agg(k, v) FILTER (WHERE v > 1) FROM t"),
        r#"SELECT "$map_agg"(array_agg(struct(k, v)) FILTER (WHERE (v > 1) AND k IS NOT NULL)) FROM t"#
    );
    assert_eq!(
        rewritten("SELECT max_by(x, y, 2) FROM t"),
        r#"SELECT array_slice(array_agg(x ORDER BY "$is_nan"(y) ASC, y DESC) FILTER (WHERE y IS NOT NULL), 1, "$top_count"(2, 'max_by')) FROM t"#
    );
    assert_eq!(
        rewritten("SELECT listagg(x, ',' ON OVERFLOW TRUNCATE '~' WITH COUNT) WITHIN GROUP (ORDER BY y) FROM t"),
        r#"SELECT "$listagg"(array_agg(x ORDER BY y) FILTER (WHERE x IS NOT NULL), ',', false, '~', true) FROM t"#
    );
    // A window on a gathering form is refused by `$over_window`; count_if keeps its own.
    assert_eq!(rewritten("SELECT histogram(k) OVER () FROM t"), r#"SELECT "$over_window"('histogram') FROM t"#);
    assert_eq!(rewritten("SELECT max(x) FROM t"), "SELECT max(x) FROM t");
    assert_eq!(
        rewritten("SELECT count_if(x > 1) OVER () FROM t"),
        "SELECT count(CASE WHEN x > 1 THEN 1 END) OVER () FROM t"
    );
}

#[test]
fn trino_forms_datafusion_cannot_parse_are_read_by_the_dialect() {
    assert_eq!(
        rewritten("SELECT CAST(json_extract(p, '$.a') AS ARRAY(VARCHAR)) FROM t"),
        r#"SELECT "$cast_to"(json_extract(p, '$.a'), 'array(varchar)') FROM t"#
    );
    assert_eq!(
        rewritten("SELECT CAST((a + 1) * 2 AS MAP(VARCHAR, ROW(X INT, y ARRAY(DOUBLE)))) + 1"),
        r#"SELECT "$cast_to"((a + 1) * 2, 'map(varchar, row(x integer, y array(double)))') + 1"#
    );
    assert_eq!(
        rewritten("SELECT TRY_CAST(a AS ROW(BIGINT, VARCHAR))"),
        r#"SELECT "$try_cast_to"(a, 'row(bigint, varchar)')"#
    );
    // A cast to a type DataFusion reads is left to it, whatever is inside.
    assert_eq!(
        rewritten("SELECT CAST(pow(a, b) AS INTEGER) x"),
        "SELECT CAST(\"$cast_value\"(pow(a, b), 'integer') AS INTEGER) AS x"
    );
    assert_eq!(
        rewritten("SELECT CAST(CAST(a AS ARRAY(INT)) AS VARCHAR) x"),
        r#"SELECT CAST("$cast_value"("$cast_to"(a, 'array(integer)'), 'varchar') AS VARCHAR) AS x"#
    );
    assert_eq!(rewritten("SELECT 'CAST(a AS ARRAY(INT))'"), "SELECT 'CAST(a AS ARRAY(INT))'");
    assert_eq!(
        rewritten("SELECT trim(LEADING FROM s), trim(BOTH 'x' FROM s)"),
        "SELECT TRIM(LEADING s), TRIM(BOTH 'x' FROM s)"
    );
    assert_eq!(rewritten("SELECT U&'\\+01F600'"), "SELECT '\u{1F600}'");
    assert_eq!(
        rewritten("SELECT zip(a, b), map_entries(m)"),
        r#"SELECT "$anonymous_rows"(arrays_zip(a, b)), "$anonymous_rows"(map_entries(m))"#
    );
    assert_eq!(
        rewritten("SELECT transform(a, r -> r.x + s.y + r.b.c)"),
        r#"SELECT transform(a, r -> "$subscript"(r, 'x') + s.y + "$subscript"("$subscript"(r, 'b'), 'c'))"#
    );
    assert_eq!(
        rewritten("SELECT CAST(a AS INT), a, CAST(b AS ARRAY(INT)), CAST(c AS INT) AS c FROM (SELECT CAST(d AS INT) FROM t UNION SELECT TRY_CAST(e AS ROW(INT)))"),
        r#"SELECT CAST("$cast_value"(a, 'integer') AS INT), a, "$cast_to"(b, 'array(integer)'), CAST("$cast_value"(c, 'integer') AS INT) AS c FROM (SELECT CAST("$cast_value"(d, 'integer') AS INT) FROM t UNION SELECT "$try_cast_to"(e, 'row(integer)')) AS "$subquery1""#
    );
    assert_eq!(
        rewritten(
            "SELECT regexp_replace(a, 'x') r, regexp_replace(a, 'x', 'y') s, regexp_replace(a, 'x', g -> g[1]) t"
        ),
        r#"SELECT regexp_replace(a, 'x') AS r, regexp_replace(a, 'x', 'y') AS s, "$regexp_replace_with"(a, 'x', g -> "$subscript"(g, 1)) AS t"#
    );
    let refused = |sql: &str| statement(sql).unwrap_err().to_string();
    assert!(
        refused("SELECT CAST(a AS ARRAY(nope))").contains("Unknown type: nope"),
        "{}",
        refused("SELECT CAST(a AS ARRAY(nope))")
    );
    assert!(statement("SELECT CAST(a AS ARRAY(INT)").is_err());
    // Hostile text: a type nested past the reader's depth is refused, not a stack overflow;
    // a long cast is looked at once per CAST.
    let deep = format!("SELECT CAST(a AS {}INT{})", "ARRAY(".repeat(5_000), ")".repeat(5_000));
    assert!(refused(&deep).contains("A type nests at most 32 deep"), "{}", refused(&deep));
    // As long a chain as the engine takes, on a stack as deep as its threads'.
    let long = std::thread::Builder::new()
        .stack_size(super::super::threads::STACK_BYTES)
        .spawn(|| {
            let long = format!("SELECT CAST({}1 AS ARRAY(INT)), CAST(b AS INT) x", "abs(1) || ".repeat(MOST_OPERATORS));
            rewritten(&long)
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(
        long.ends_with(r#"abs(1) || 1, 'array(integer)'), CAST("$cast_value"(b, 'integer') AS INT) AS x"#),
        "{}",
        &long[long.len() - 80..]
    );
    // A longer one is refused before it is parsed.
    let chain = format!("SELECT 1{}", " OR a = 1".repeat(MOST_OPERATORS / 2 + 1));
    assert!(refused(&chain)
        .contains("NOT_SUPPORTED: the sandbox engine reads at most 1000 operators in a statement; this one has 1002"));
    assert!(statement("SELECT CAST(a AS ARRAY(INT) x)").is_err());
}
