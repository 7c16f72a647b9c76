//! The sandbox's Athena: real SQL on the embedded engine (DataFusion) over the real local
//! lake — raw JSON lines, and the curated Parquet the sandbox's Glue job wrote from them.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lakeops::model::{QueryRequest, QueryState, QueryStatus, ResultPage};
use lakeops::platform::Platform;
use lakeops::sandbox::{Fault, ManualClock, Sandbox};

const HOUR: i64 = 3_600_000;

/// 2026-03-20 14:20 UTC: the lake holds the 18th, the 19th and the 20th up to 14:15; the
/// 14:00 ETL run has curated everything before 14:00.
fn start() -> i64 {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 20, 0).unwrap().timestamp_millis()
}

/// A sandbox whose queries run as lakeops runs them: each in a worker process, the lakeops
/// this test was built with (sandbox::engine::worker).
fn sandbox() -> (Sandbox, Arc<ManualClock>) {
    lakeops::sandbox::engine::worker::set_program(env!("CARGO_BIN_EXE_lakeops").into());
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(start()));
    (Sandbox::in_memory(&loaded.settings, clock.clone()), clock)
}

fn request(sql: &str) -> QueryRequest {
    support::sandbox_query(sql)
}

async fn wait(sandbox: &Sandbox, id: &str) -> QueryStatus {
    support::query_done(sandbox, id).await
}

/// Runs `sql` to the end: its status and its first page (on success).
async fn query(sandbox: &Sandbox, sql: &str) -> (QueryStatus, Option<ResultPage>) {
    let id = support::writes::start_query(sandbox, &request(sql)).await.unwrap();
    let status = wait(sandbox, &id).await;
    let page = match status.state {
        QueryState::Succeeded => {
            let mut page = sandbox.query_results(&id, None).await.unwrap();
            lakeops::ops::athena::drop_header(&mut page);
            Some(page)
        }
        _ => None,
    };
    (status, page)
}

/// The rows of a query that must succeed.
async fn rows(sandbox: &Sandbox, sql: &str) -> Vec<Vec<Option<String>>> {
    let (status, page) = query(sandbox, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{sql}: {:?}", status.reason);
    page.unwrap().rows
}

async fn number(sandbox: &Sandbox, sql: &str) -> i64 {
    rows(sandbox, sql).await[0][0].as_deref().unwrap().parse().unwrap()
}

async fn scanned(sandbox: &Sandbox, sql: &str) -> u64 {
    let (status, _) = query(sandbox, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{sql}: {:?}", status.reason);
    status.scanned_bytes.unwrap()
}

/// The reason a query that must fail gives.
async fn failure(sandbox: &Sandbox, sql: &str) -> String {
    let (status, _) = query(sandbox, sql).await;
    assert_eq!(status.state, QueryState::Failed, "{sql}");
    status.reason.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_by_over_the_curated_partitions() {
    let (s, _) = sandbox();
    let by_day = rows(&s, "SELECT year, month, day, count(*) AS n FROM events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").await;
    let days: Vec<_> =
        by_day.iter().map(|r| r[..3].iter().map(|v| v.clone().unwrap()).collect::<Vec<_>>().join("-")).collect();
    assert_eq!(days, ["2026-03-18", "2026-03-19", "2026-03-20"]);
    let per_day: Vec<i64> = by_day.iter().map(|r| r[3].as_deref().unwrap().parse().unwrap()).collect();
    assert!(per_day[2] < per_day[1] / 2 + per_day[1] / 4, "the 20th is curated up to 14:00 only: {per_day:?}");
    assert_eq!(per_day.iter().sum::<i64>(), number(&s, "SELECT count(*) FROM events").await);

    let hours =
        rows(&s, "SELECT hour(event_time) AS h, count(*) FROM events WHERE day = '20' GROUP BY 1 ORDER BY 1").await;
    assert_eq!(hours.len(), 14, "hours 00–13 are curated, 14 is not yet");
    // The daily curve: the afternoon is busier than the night.
    let count = |h: usize| hours[h][1].as_deref().unwrap().parse::<i64>().unwrap();
    assert!(count(13) > count(4) * 2, "{hours:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partition_filters_prune_what_is_read_and_so_the_cost() {
    let (s, _) = sandbox();
    let all = scanned(&s, "SELECT count(*), approx_distinct(user_id) FROM events").await;
    let one_day = scanned(&s, "SELECT count(*), approx_distinct(user_id) FROM events WHERE day = '19'").await;
    let none = scanned(&s, "SELECT count(*) FROM events WHERE year = '1999'").await;
    assert!(one_day > 0 && one_day * 2 < all, "one day {one_day} of {all}");
    assert_eq!(none, 0, "no partition matches: nothing is read");
    // A filter on a cast column still reads Parquet's statistics: no more than on the column.
    let by_cast = scanned(&s, "SELECT count(*) FROM events WHERE CAST(event_time AS date) = DATE '2026-03-19'").await;
    let by_column = scanned(&s, "SELECT count(*) FROM events WHERE event_time < TIMESTAMP '2026-03-19 00:00:00'").await;
    assert!(by_cast <= by_column, "{by_cast} vs {by_column}");
    // A filter through TRY, or a cast, of a partition key prunes too.
    let tried =
        scanned(&s, "SELECT count(*), approx_distinct(user_id) FROM events WHERE TRY(CAST(day AS integer)) = 19").await;
    assert_eq!(tried, one_day);
    // Columnar: one column reads less than every column.
    let narrow = scanned(&s, "SELECT max(device_type) FROM events WHERE day = '19'").await;
    let wide = scanned(&s, "SELECT * FROM events WHERE day = '19'").await;
    assert!(narrow * 3 < wide, "{narrow} vs {wide}");
    // The raw zone is JSON: the same day costs far more to read than the curated Parquet.
    let raw = scanned(&s, "SELECT count(*) FROM raw_events WHERE day = '19'").await;
    assert!(raw > 4 * one_day, "raw {raw} vs curated {one_day}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_join_raw_events_row_for_row() {
    let (s, _) = sandbox();
    let curated = number(&s, "SELECT count(*) FROM events WHERE day = '19'").await;
    let joined = number(
        &s,
        "SELECT count(*) FROM events e JOIN raw_events r
           ON e.user_id = r.user_id AND e.event_time = from_iso8601_timestamp(r.timestamp)
          AND e.session_id = r.data.session_id
         WHERE e.day = '19' AND r.day = '19'",
    )
    .await;
    assert_eq!(joined, curated, "every curated event comes from exactly one raw line");
    let by_country = rows(
        &s,
        "SELECT r.data.location.country, count(*) FROM raw_events r WHERE day = '19' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )
    .await;
    assert_eq!(by_country[0][0].as_deref(), Some("US"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn athena_functions_answer_as_athena_does() {
    let (s, _) = sandbox();
    let fixed = rows(
        &s,
        "SELECT date_diff('hour', TIMESTAMP '2026-03-20 00:00:00', TIMESTAMP '2026-03-21 06:30:00'),
                date_add('month', 1, TIMESTAMP '2026-01-31 00:00:00'),
                date_add('day', -1, from_iso8601_timestamp('2026-03-20T10:00:00Z')),
                date_format(TIMESTAMP '2026-03-20 14:05:09', '%Y/%m/%d %H:%i:%s'),
                date_trunc('hour', TIMESTAMP '2026-03-20 14:05:09'),
                regexp_extract('https://shop.example.com/products/books/prod1', 'products/([a-z]+)/', 1),
                regexp_like('sess9', '^sess[0-9a-f]+$')",
    )
    .await;
    let values: Vec<&str> = fixed[0].iter().map(|v| v.as_deref().unwrap()).collect();
    assert_eq!(
        values,
        [
            "30",
            "2026-02-28 00:00:00.000",
            "2026-03-19 10:00:00.000 UTC",
            "2026/03/20 14:05:09",
            "2026-03-20 14:00:00.000",
            "books",
            "true"
        ]
    );
    let median = rows(&s, "SELECT approx_percentile(length(page_url), 0.5) FROM events WHERE day = '19'").await;
    let median: f64 = median[0][0].as_deref().unwrap().parse().unwrap();
    assert!((30.0..60.0).contains(&median), "{median}");
    let search = number(&s, "SELECT count(*) FROM events WHERE regexp_like(page_url, '/search[?]q=')").await;
    assert_eq!(search, number(&s, "SELECT count(*) FROM events WHERE event_type = 'search'").await);
    let distinct = number(&s, "SELECT count(DISTINCT user_id) FROM events").await as f64;
    let approx = number(&s, "SELECT approx_distinct(user_id) FROM events").await as f64;
    assert!((approx - distinct).abs() / distinct < 0.05, "approx {approx} vs {distinct}");
    // The sandbox's present, not the wall clock's: 2026-03-20 14:20.
    let now = rows(
        &s,
        "SELECT current_date, now(), count(*) FROM events WHERE event_time > current_timestamp - INTERVAL '1' HOUR",
    )
    .await;
    assert_eq!(now[0][0].as_deref(), Some("2026-03-20"));
    assert!(now[0][1].as_deref().unwrap().starts_with("2026-03-20 14:20:00"), "{now:?}");
    assert!(now[0][2].as_deref().unwrap().parse::<i64>().unwrap() > 0, "13:20–14:00 is curated: {now:?}");
    // JSON and URL functions, and to_unixtime as a double.
    let (status, page) = query(
        &s,
        r#"SELECT json_extract_scalar('{"user": {"id": "u1", "tags": ["a", "b"]}}', '$.user.tags[1]'),
                  json_extract('{"user": {"id": "u1"}}', '$.user'),
                  json_extract_scalar('{"user": {"id": "u1"}}', '$.user'),
                  url_extract_host('https://example.com:8080/p?q=x%20y'),
                  url_extract_port('https://example.com:8080/p?q=x%20y'),
                  url_extract_parameter('https://example.com:8080/p?q=x%20y', 'q'),
                  to_unixtime(TIMESTAMP '2026-03-20 10:00:00.250'),
                  CAST(TIMESTAMP '2026-03-20 10:00:00' AS date)"#,
    )
    .await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let page = page.unwrap();
    let values: Vec<Option<&str>> = page.rows[0].iter().map(|v| v.as_deref()).collect();
    assert_eq!(
        values,
        [
            Some("b"),
            Some(r#"{"id":"u1"}"#),
            None,
            Some("example.com"),
            Some("8080"),
            Some("x y"),
            Some("1.77400080025E9"), // a double as Java writes it, as Athena prints it
            Some("2026-03-20")
        ]
    );
    let kinds: Vec<&str> = page.columns.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds[4], "bigint");
    assert_eq!(kinds[6], "double");
    let searches =
        number(&s, "SELECT count(*) FROM events WHERE url_extract_parameter(page_url, 'q') IS NOT NULL").await;
    assert_eq!(searches, number(&s, "SELECT count(*) FROM events WHERE event_type = 'search'").await);
    let paths = rows(&s, "SELECT DISTINCT url_extract_path(page_url) FROM events WHERE event_type = 'search'").await;
    assert_eq!(paths, [[Some("/search".to_string())]]);
    let hours = rows(&s, "SELECT DISTINCT date_format(event_time, '%H') FROM events WHERE day = '20' ORDER BY 1").await;
    assert_eq!(hours.first().unwrap()[0].as_deref(), Some("00"));
    assert_eq!(hours.len(), 14);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_are_typed_named_paged_and_keep_null_apart() {
    let (s, _) = sandbox();
    let (status, page) =
        query(&s, "SELECT count(*), max(timestamp), data.location.country FROM raw_events GROUP BY 3").await;
    assert_eq!(status.state, QueryState::Succeeded);
    let page = page.unwrap();
    let columns: Vec<(&str, &str)> = page.columns.iter().map(|c| (c.name.as_str(), c.kind.as_str())).collect();
    // raw_events.timestamp is the raw text: max() of a varchar.
    assert_eq!(columns, [("_col0", "bigint"), ("_col1", "varchar"), ("country", "varchar")]);
    // A CAST without an alias is named by position, as Athena names it; with one, by the alias.
    let (_, page) =
        query(&s, "SELECT CAST(event_time AS date), CAST(day AS integer) AS d, user_id FROM events LIMIT 1").await;
    let names: Vec<&str> = page.as_ref().unwrap().columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["_col0", "d", "user_id"]);
    // A cast beside what it casts, and casts in a subquery and to nested types: named by place.
    let sql = "SELECT CAST(user_id AS varchar), user_id, t.* FROM (SELECT CAST(1 AS double), TRY_CAST('[1]' AS array(integer)) FROM events LIMIT 1) AS t, (SELECT user_id FROM events LIMIT 1) AS u";
    let (status, page) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let columns: Vec<(&str, &str)> =
        page.as_ref().unwrap().columns.iter().map(|c| (c.name.as_str(), c.kind.as_str())).collect();
    assert_eq!(
        columns,
        [("_col0", "varchar"), ("user_id", "varchar"), ("_col2", "double"), ("_col3", "array(integer)")]
    );

    // A column named twice, an expression written twice and an alias given twice: as many
    // columns, each named as Athena names it (DataFusion alone refuses a repeated name); a
    // quoted alias as written, a dot in it too.
    let sql = r#"SELECT country, country, events.country, upper(city), upper(city), 1 AS n, 2 AS n, 3 AS "a.b", 4 AS "a.b" FROM events LIMIT 1"#;
    let (status, page) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let page = page.unwrap();
    let names: Vec<&str> = page.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["country", "country", "country", "_col3", "_col4", "n", "n", "a.b", "a.b"]);
    let row = &page.rows[0];
    assert!(row[0].is_some() && row[0] == row[1] && row[1] == row[2] && row[3] == row[4], "{row:?}");
    assert_eq!((row[5].as_deref(), row[6].as_deref()), (Some("1"), Some("2")));
    let (status, page) = query(&s, "SELECT 1, 1").await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let names: Vec<&str> = page.as_ref().unwrap().columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["_col0", "_col1"]);
    // Two expressions the engine plans alike are two columns too, each named by its place.
    let (status, page) = query(&s, "SELECT strpos(city, 'a'), position('a' IN city), city FROM events LIMIT 1").await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let page = page.unwrap();
    let names: Vec<&str> = page.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["_col0", "_col1", "city"]);
    assert_eq!(page.rows[0][0], page.rows[0][1]);
    // A quoted alias is the column's name as written, spaces and case kept.
    let (status, page) =
        query(&s, r#"SELECT count(*) AS "Total Events", country AS "Country" FROM events GROUP BY 2"#).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let names: Vec<&str> = page.as_ref().unwrap().columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Total Events", "Country"]);
    // An alias of any characters, parentheses too, and where a `*` brings it from a subquery;
    // an expression a subquery leaves unnamed is still named by its place.
    let sql = r#"SELECT "Avg(N)", * FROM (SELECT 1 AS "Avg(N)", count(*) AS "count(*)", count(*) FROM events)"#;
    let (status, page) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let names: Vec<&str> = page.as_ref().unwrap().columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Avg(N)", "Avg(N)", "count(*)", "_col3"]);
    // So is a name a table's alias gives a column.
    let (status, page) = query(&s, r#"SELECT * FROM (VALUES (1, 2)) t("Rate(1m)", c)"#).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let names: Vec<&str> = page.as_ref().unwrap().columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Rate(1m)", "c"]);
    let (status, page) = query(&s, r#"SELECT * FROM unnest(ARRAY[1, 2]) u("n(1)")"#).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let names: Vec<&str> = page.as_ref().unwrap().columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["n(1)"]);

    // A row value reads as Athena prints one, a missing field inside it as null.
    let nested = rows(&s, "SELECT data.location, data FROM raw_events WHERE event_type = 'search' LIMIT 1").await;
    let (location, data) = (nested[0][0].as_deref().unwrap(), nested[0][1].as_deref().unwrap());
    assert!(location.starts_with("{country=") && location.contains(", city=") && location.ends_with('}'), "{location}");
    assert!(data.starts_with("{page_url=https://") && data.contains(", product_id=null, "), "{data}");
    assert!(data.contains(&format!("location={location}")), "{data}");

    // A search has no product: NULL, not "".
    let products = rows(&s, "SELECT product_id, page_url FROM events WHERE event_type = 'search' LIMIT 3").await;
    assert!(products.iter().all(|r| r[0].is_none() && r[1].is_some()), "{products:?}");

    let total = number(&s, "SELECT count(*) FROM events WHERE day = '19'").await as usize;
    let id = support::writes::start_query(&s, &request("SELECT * FROM events WHERE day = '19'")).await.unwrap();
    assert_eq!(wait(&s, &id).await.state, QueryState::Succeeded);
    let (mut seen, mut token, mut pages) = (0, None, 0);
    loop {
        let page = s.query_results(&id, token.as_deref()).await.unwrap();
        assert!(page.rows.len() <= 1000);
        assert_eq!(page.columns.len(), 13, "ten columns and three partition keys");
        // The first page starts with the header row, as Athena's does, and counts it.
        let names: Vec<_> = page.columns.iter().map(|c| Some(c.name.clone())).collect();
        assert_eq!(page.rows.first() == Some(&names), pages == 0, "the header row heads the first page alone");
        seen += page.rows.len() - usize::from(pages == 0);
        pages += 1;
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, total);
    assert_eq!(pages, (total + 1).div_ceil(1000));
}

/// Athena reads every name without case, quoted or not, and heads a column by its name as the
/// query wrote it ("display the column heading using the casing that you chose in the query").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_read_without_case_and_headed_as_written() {
    let (s, _) = sandbox();
    let names = |page: &Option<ResultPage>| -> Vec<String> {
        page.as_ref().unwrap().columns.iter().map(|c| c.name.clone()).collect()
    };
    let sql = r#"SELECT count(*) AS Total, Country, e."COUNTRY", "E".Country AS "Where" FROM "AwsDataCatalog"."Clickstream"."EVENTS" e GROUP BY 2, 3, 4 ORDER BY Total DESC, 2"#;
    let (status, page) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(names(&page), ["Total", "Country", "COUNTRY", "Where"]);
    let lower = rows(&s, "SELECT count(*), country, country, country FROM events GROUP BY 2 ORDER BY 1 DESC, 2").await;
    assert_eq!(page.unwrap().rows, lower);

    // A `*` over a join whose sides share a name, kept WITH TIES: each side's heading as it is.
    let sql = "SELECT * FROM (VALUES (1, 'a'), (2, 'a'), (3, 'c')) AS l(x, y) JOIN (VALUES (1, 'b'), (2, 'd'), (3, 'e')) AS r(x, z) ON l.x = r.x ORDER BY y FETCH FIRST 1 ROW WITH TIES";
    let (status, page) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(
        (names(&page), page.unwrap().rows.len()),
        (vec!["x".to_string(), "y".into(), "x".into(), "z".into()], 2)
    );

    // Beside a `*`: the column the `*` brings as well, and the heading after it.
    let (status, page) = query(&s, "SELECT *, Country FROM events LIMIT 1").await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let headed = names(&page);
    assert_eq!((headed.len(), headed[8].as_str(), headed[13].as_str()), (14, "country", "Country"));
    let row = &page.unwrap().rows[0];
    assert!(row[8].is_some() && row[8] == row[13], "{row:?}");

    // A column beside a `*` in a query inside keeps its name for the query around it.
    let sql = "WITH per_user AS (SELECT user_id, count(*) AS n FROM events GROUP BY user_id), \
        tagged AS (SELECT e.*, p.n FROM events e JOIN per_user p ON e.user_id = p.user_id) \
        SELECT sum(n) FROM tagged";
    let (status, _) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);

    // A column the `*` brings too, in a query inside and in parentheses.
    assert!(number(&s, "SELECT count(*) FROM (SELECT *, country FROM events) s").await > 0);
    let (status, page) = query(&s, "(SELECT *, country FROM events LIMIT 1)").await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(names(&page).len(), 14);
    // An alias of a name the `*` brings, as written, after the `*`'s columns.
    let (status, page) = query(&s, "SELECT e.*, 1 AS Country FROM events e LIMIT 1").await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let (headings, row) = (names(&page), &page.unwrap().rows[0]);
    assert_eq!((headings[8].as_str(), headings[13].as_str()), ("country", "Country"));
    assert_eq!(row[13].as_deref(), Some("1"));
    assert!(number(&s, "SELECT count(n) FROM (SELECT e.*, 1 AS n FROM events e) s").await > 0);
    // An alias the `*` does not bring keeps its name for ORDER BY.
    let (status, _) = query(&s, "SELECT *, 1 AS n FROM events ORDER BY n LIMIT 1").await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    let (status, _) = query(&s, "SELECT e.*, count(*) OVER () AS n FROM events e ORDER BY n LIMIT 1").await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);

    // A UNION is headed by its first part; a WITH query's name and columns without case too.
    let (_, page) = query(&s, "SELECT City FROM events UNION SELECT 'x' AS Other LIMIT 1").await;
    assert_eq!(names(&page), ["City"]);
    let (status, page) = query(&s, r#"WITH "T" AS (SELECT 1 AS "A") SELECT "a", A, t.A AS "B" FROM t"#).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(names(&page), ["a", "A", "B"]);
    assert_eq!(page.unwrap().rows, [[Some("1".to_string()), Some("1".into()), Some("1".into())]]);

    // A row's fields too, headed by the field as written.
    let sql = r#"SELECT (data).Location.City, data.LOCATION."City", data.location.city FROM raw_events LIMIT 1"#;
    let (status, page) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(names(&page), ["City", "City", "city"]);
    let row = &page.unwrap().rows[0];
    assert!(row[0].is_some() && row[0] == row[1] && row[1] == row[2], "{row:?}");

    // A bare VALUES names its columns by their place.
    let (_, page) = query(&s, "VALUES (1, 'a'), (2, 'b')").await;
    assert_eq!(names(&page), ["_col0", "_col1"]);
    let (_, page) = query(&s, "SELECT * FROM (VALUES (1, 'a'), (2, 'b'))").await;
    assert_eq!(names(&page), ["_col0", "_col1"]);
    let (_, page) = query(&s, "SELECT t.* FROM (VALUES (1, 'a')) AS t").await;
    assert_eq!(names(&page), ["_col0", "_col1"]);

    // A name no column has fails as Athena's does, in lower case.
    assert_eq!(
        failure(&s, r#"SELECT "Countryx" FROM events"#).await,
        "COLUMN_NOT_FOUND: line 1:8: Column 'countryx' cannot be resolved"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_that_begin_with_a_dollar_are_the_querys_own() {
    let (s, _) = sandbox();
    // Each of these names is one the engine's rewrites also use; the query's stays its own.
    let answer = |sql: &'static str| {
        let s = &s;
        async move {
            let (status, page) = query(s, sql).await;
            assert_eq!(status.state, QueryState::Succeeded, "{sql}: {:?}", status.reason);
            let page = page.expect("a page");
            let heads: Vec<String> = page.columns.iter().map(|c| c.name.clone()).collect();
            let rows: Vec<Vec<String>> =
                page.rows.iter().map(|row| row.iter().map(|v| v.clone().unwrap_or_default()).collect()).collect();
            (heads, rows)
        }
    };
    let (heads, rows) = answer(r#"SELECT try("$row" + 1) AS "$col0", "$e" + 1 = ANY (SELECT 6), x AS "$colx.y" FROM (VALUES (5, 0)) AS t("$row", x) CROSS JOIN (VALUES 5) AS u("$e")"#).await;
    assert_eq!(heads, ["$col0", "_col1", "$colx.y"]);
    assert_eq!(rows, [["6", "true", "0"]]);
    let (heads, rows) =
        answer(r#"WITH "$q" AS (SELECT 1 AS "$v") SELECT "$v" FROM "$q" WHERE "$v" IN (SELECT "$v" FROM "$q")"#).await;
    assert_eq!((heads, rows), (vec!["$v".to_string()], vec![vec!["1".to_string()]]));
    let (heads, rows) = answer(r#"SELECT x AS "$rank", transform(ARRAY[x], "$e" -> "$e" + 1) AS "$E" FROM (VALUES 3, 1, 3) AS t(x) ORDER BY x DESC FETCH FIRST 1 ROWS WITH TIES"#).await;
    assert_eq!(heads, ["$rank", "$E"]);
    assert_eq!(rows, [["3", "[4]"], ["3", "[4]"]]);
    let (heads, rows) = answer(r#"SELECT CAST(ROW(1) AS ROW("$x" int))."$x""#).await;
    assert_eq!((heads, rows), (vec!["$x".to_string()], vec![vec!["1".to_string()]]));
    let (heads, _) = answer(r#"SELECT r."$x", r.y FROM (SELECT CAST(ROW(1, 2) AS ROW("$x" int, y int)) AS r)"#).await;
    assert_eq!(heads, ["$x", "y"]);
    // A name no column has, or two have, or that is not grouped, is said as the query wrote it.
    assert_eq!(
        failure(&s, r#"SELECT "$rank" FROM (VALUES 1) AS t(x)"#).await,
        "COLUMN_NOT_FOUND: line 1:8: Column '$rank' cannot be resolved"
    );
    assert_eq!(
        failure(&s, r#"SELECT "$x" FROM (SELECT 1 AS "$x") a, (SELECT 2 AS "$x") b"#).await,
        "AMBIGUOUS_NAME: line 1:8: Column '$x' is ambiguous"
    );
    assert_eq!(
        failure(&s, r#"SELECT "$x", count(*) FROM (SELECT 1 AS "$x", 2 AS y) GROUP BY y"#).await,
        "SYNTAX_ERROR: line 1:8: '$x' must be an aggregate expression or appear in GROUP BY clause"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_star_over_a_join_using_its_keys_lists_them_once_first() {
    let (s, _) = sandbox();
    let l = "(VALUES (1, 'a', 10), (2, 'b', 20)) AS l(k, x, j)";
    let r = "(VALUES (20, 'B', 2), (30, 'C', 3)) AS r(j, y, k)";
    for (join, expected) in [
        ("JOIN", vec![vec!["2", "20", "b", "B"]]),
        ("LEFT JOIN", vec![vec!["1", "10", "a", ""], vec!["2", "20", "b", "B"]]),
        ("RIGHT JOIN", vec![vec!["2", "20", "b", "B"], vec!["3", "30", "", "C"]]),
        ("FULL JOIN", vec![vec!["1", "10", "a", ""], vec!["2", "20", "b", "B"], vec!["3", "30", "", "C"]]),
    ] {
        for sql in [
            format!("SELECT * FROM {l} {join} {r} USING (k, j) ORDER BY 1"),
            format!("SELECT * FROM ({l} {join} {r} USING (k, j)) ORDER BY 1"),
        ] {
            let (status, page) = query(&s, &sql).await;
            assert_eq!(status.state, QueryState::Succeeded, "{sql}: {:?}", status.reason);
            let page = page.unwrap();
            let names: Vec<&str> = page.columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["k", "j", "x", "y"], "{sql}");
            let rows: Vec<Vec<String>> =
                page.rows.iter().map(|row| row.iter().map(|v| v.clone().unwrap_or_default()).collect()).collect();
            assert_eq!(rows, expected, "{sql}");
        }
    }
    // `l.*` is each of its columns, its keys among them.
    let (_, page) = query(&s, &format!("SELECT l.* FROM {l} JOIN {r} USING (k)")).await;
    assert_eq!(page.unwrap().columns.len(), 3);
    // A key written in upper case; tables named by their schema too.
    let (status, page) = query(&s, &format!("SELECT * FROM {l} JOIN {r} USING (K, J)")).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(page.unwrap().columns.len(), 4);
    let sql = "SELECT * FROM clickstream.events JOIN clickstream.raw_events USING (user_id, day) LIMIT 1";
    let (status, page) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(page.unwrap().columns.len(), 2 + 11 + 5);
    // A key in WHERE, of every join.
    for join in ["JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"] {
        let sql = format!("SELECT count(*) FROM {l} {join} {r} USING (k) WHERE k >= 2");
        assert_eq!(number(&s, &sql).await, if join.starts_with("LEFT") || join == "JOIN" { 1 } else { 2 }, "{sql}");
    }
    // A `t.*` named by the end of the table's name, as Trino reads it.
    let (status, page) = query(&s, "SELECT events.* FROM clickstream.events LIMIT 1").await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(page.unwrap().columns.len(), 13);
    // ORDER BY a name the SELECT gives a column is that column, not the key of that name.
    for join in ["JOIN", "RIGHT JOIN"] {
        let sql = format!("SELECT CAST(k AS varchar) || '!' AS k FROM {l} {join} {r} USING (k) ORDER BY k DESC");
        let rows: Vec<Option<String>> = rows(&s, &sql).await.into_iter().map(|row| row[0].clone()).collect();
        let expected = if join == "JOIN" { vec!["2!"] } else { vec!["3!", "2!"] };
        assert_eq!(rows, expected.into_iter().map(|v| Some(v.to_string())).collect::<Vec<_>>(), "{sql}");
    }
    // Subqueries without an alias are relations of their own, whose columns may share names.
    let (a, b) = ("(SELECT 1 AS k, 'a' AS x)", "(SELECT 1 AS k, 'b' AS y)");
    for (sql, names, row) in [
        (format!("SELECT * FROM {a} JOIN {b} USING (k)"), vec!["k", "x", "y"], vec!["1", "a", "b"]),
        (format!("SELECT * FROM {a} JOIN {b} ON true"), vec!["k", "x", "k", "y"], vec!["1", "a", "1", "b"]),
        (format!("SELECT * FROM {a}, {b}"), vec!["k", "x", "k", "y"], vec!["1", "a", "1", "b"]),
        (format!("SELECT y, k FROM {a} LEFT JOIN {b} USING (k)"), vec!["y", "k"], vec!["b", "1"]),
    ] {
        let (status, page) = query(&s, &sql).await;
        assert_eq!(status.state, QueryState::Succeeded, "{sql}: {:?}", status.reason);
        let page = page.unwrap();
        let headings: Vec<&str> = page.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(headings, names, "{sql}");
        let values: Vec<String> = page.rows[0].iter().map(|v| v.clone().unwrap_or_default()).collect();
        assert_eq!(values, row, "{sql}");
    }
    // Over a chain of joins USING a key, the key first, then each relation's other columns.
    let c = "(VALUES (1, 'c', 7)) AS c(k, z, w)";
    let sql = format!("SELECT * FROM {a} JOIN {b} USING (k) FULL JOIN {c} USING (k)");
    let (status, page) = query(&s, &sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{sql}: {:?}", status.reason);
    let page = page.unwrap();
    let headings: Vec<&str> = page.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(headings, ["k", "x", "y", "z", "w"], "{sql}");
    // A name both have is still ambiguous.
    let ambiguous = failure(&s, &format!("SELECT k FROM {a}, {b}")).await;
    assert!(ambiguous.starts_with("AMBIGUOUS_NAME"), "{ambiguous}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_fail_with_athena_messages_and_positions() {
    let (s, _) = sandbox();
    assert_eq!(failure(&s, "SELEC 1").await, "SYNTAX_ERROR: line 1:1: Expected: an SQL statement, found: SELEC");
    let column = failure(&s, "SELECT event_type,\n       nope\nFROM events").await;
    assert_eq!(column, "COLUMN_NOT_FOUND: line 2:8: Column 'nope' cannot be resolved");
    let table = failure(&s, "SELECT * FROM nope").await;
    assert_eq!(table, "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.clickstream.nope' does not exist");
    let function = failure(&s, "SELECT word_stem(page_url) FROM events").await;
    assert!(function.starts_with("FUNCTION_NOT_FOUND: line 1:8: Function 'word_stem' not registered."), "{function}");
    // The engine's own functions, which its rewrites call, are none of Athena's.
    let own = failure(&s, "SELECT 1,\n  \"$try\"(0, \"$row\" -> 1 / 0)").await;
    assert!(own.starts_with("FUNCTION_NOT_FOUND: line 2:3: Function '$try' not registered."), "{own}");
    // A comparison with ANY or ALL of a subquery of another type, in Trino's words.
    let quantified = [
        "SELECT 1 WHERE 1 > ANY (SELECT 'a')",
        "SELECT 1 = ALL (SELECT 'a')",
        // `= ANY` and `<> ALL` in a WHERE clause, which the engine answers as IN and NOT IN.
        "SELECT 1 WHERE 1 = ANY (SELECT 'a')",
        "SELECT 1 WHERE 1 <> ALL (SELECT 'a' AS y)",
        "SELECT 1 = ANY (SELECT 'a')",
        "SELECT 1 = ANY (SELECT 'a' UNION ALL SELECT 'b')",
    ];
    for sql in quantified {
        assert_eq!(
            failure(&s, sql).await,
            "TYPE_MISMATCH: Value expression and result of subquery must be of the same type for quantified comparison: integer vs varchar",
            "{sql}"
        );
    }
    // IN keeps its own words, in a WHERE clause and in a SELECT list.
    for sql in ["SELECT 1 WHERE 1 IN (SELECT 'a')", "SELECT 1 IN (SELECT 'a')", "SELECT 1 NOT IN (SELECT 'a')"] {
        assert_eq!(
            failure(&s, sql).await,
            "TYPE_MISMATCH: value and result of subquery must be of the same type for IN expression: integer vs varchar",
            "{sql}"
        );
    }
    // DataFusion names the expressions (a subquery's engine alias among them); Trino does not.
    assert_eq!(
        failure(&s, "SELECT DISTINCT k FROM (SELECT 1 AS k, 2 AS j) ORDER BY j").await,
        "EXPRESSION_NOT_IN_DISTINCT: For SELECT DISTINCT, ORDER BY expressions must appear in select list"
    );
    // One the list has, named by its place or by an alias, answers.
    for sql in [
        "SELECT DISTINCT upper(country) FROM events ORDER BY upper(country) LIMIT 2",
        "SELECT DISTINCT upper(country) AS u FROM events ORDER BY upper(country) LIMIT 2",
    ] {
        assert_eq!(rows(&s, sql).await.len(), 2, "{sql}");
    }
    // A timestamp literal that is none, its zone unknown among them.
    for text in ["2020-13-01", "xxx", "2020-01-01 00:00 Foo/Bar"] {
        assert_eq!(
            failure(&s, &format!("SELECT TIMESTAMP '{text}'")).await,
            format!("INVALID_LITERAL: '{text}' is not a valid timestamp literal")
        );
    }
    // A form the planner has no plan for is named in words, not printed as the engine's tree.
    assert_eq!(
        failure(&s, "SELECT * FROM TABLE(events)").await,
        "NOT_SUPPORTED: line 1:21: the sandbox engine has no table function here (the sandbox engine runs only reads: SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE and EXPLAIN)"
    );
    // A relation's name of that shape, with its columns' names after it, is a name.
    let named = rows(&s, "WITH \"$w\"(a) AS (SELECT 1) SELECT x + a FROM (VALUES 2) AS \"$t\"(x), \"$w\"").await;
    assert_eq!(named, [[Some("3".to_string())]]);
    let path = failure(&s, "SELECT json_extract_scalar('{}', 'a.b')").await;
    assert!(path.contains("INVALID_FUNCTION_ARGUMENT: Invalid JSON path: 'a.b'"), "{path}");
    assert!(function.contains("docs/sandbox.md"), "{function}");
    let format = failure(&s, "SELECT date_format(event_time, '%D') FROM events LIMIT 1").await;
    assert!(format.contains("INVALID_FUNCTION_ARGUMENT: %D not supported"), "{format}");
    let grouping = failure(&s, "SELECT device_type, count(*) FROM events").await;
    assert_eq!(
        grouping,
        "SYNTAX_ERROR: line 1:8: 'device_type' must be an aggregate expression or appear in GROUP BY clause"
    );
    let ddl = failure(&s, "CREATE TABLE copy AS SELECT * FROM events").await;
    assert!(ddl.starts_with("NOT_SUPPORTED:"), "{ddl}");

    let unknown_db = QueryRequest { database: "nope".into(), ..request("SELECT 1") };
    let id = support::writes::start_query(&s, &unknown_db).await.unwrap();
    let status = wait(&s, &id).await;
    assert!(status.reason.unwrap().starts_with("SCHEMA_NOT_FOUND: Schema 'nope' does not exist"));

    let empty = support::writes::start_query(&s, &request("  ")).await.unwrap_err().to_string();
    assert!(empty.contains("InvalidRequestException"), "{empty}");
    let huge = support::writes::start_query(&s, &request(&format!("SELECT '{}'", "x".repeat(262_144))))
        .await
        .unwrap_err()
        .to_string();
    assert!(huge.contains("262,144") || huge.contains("262144"), "{huge}");
    let other = QueryRequest { workgroup: "primary".into(), ..request("SELECT 1") };
    let refused = support::writes::start_query(&s, &other).await.unwrap_err().to_string();
    assert!(refused.contains("WorkGroup primary is not found"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_statements_answer_in_athena_shape() {
    let (s, _) = sandbox();
    let tables = rows(&s, "SHOW TABLES").await;
    assert_eq!(tables, [[Some("events".to_string())], [Some("raw_events".to_string())]]);
    let described = rows(&s, "DESCRIBE events").await;
    let first = described[0].iter().map(|v| v.clone().unwrap()).collect::<Vec<_>>();
    assert_eq!(first, ["event_time", "timestamp", ""]);
    let last = described.last().unwrap().iter().map(|v| v.clone().unwrap()).collect::<Vec<_>>();
    assert_eq!(last, ["day", "string", "partition key"]);
    let one = rows(&s, "DESCRIBE clickstream.events country").await;
    assert_eq!(one, [[Some("country".to_string()), Some("string".into()), Some(String::new())]]);

    let texts = |rows: Vec<Vec<Option<String>>>| rows.into_iter().map(|r| r[0].clone().unwrap()).collect::<Vec<_>>();
    assert_eq!(texts(rows(&s, "SHOW TABLES 'raw*'").await), ["raw_events"]);
    assert_eq!(texts(rows(&s, "/* which */ SHOW TABLES 'raw* | ev*' -- both").await), ["events", "raw_events"]);
    assert_eq!(texts(rows(&s, "SHOW SCHEMAS LIKE 'click*'").await), ["clickstream"]);
    assert!(rows(&s, "SHOW DATABASES LIKE 'other'").await.is_empty());
    assert_eq!(texts(rows(&s, "SHOW TABLES IN clickstream 'nope|ev*'").await), ["events"]);
    // SHOW COLUMNS lists the names alone, in one column named `field`, partition keys last.
    let (_, page) = query(&s, "SHOW COLUMNS IN `clickstream`.`raw_events`").await;
    let page = page.unwrap();
    assert_eq!(page.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["field"]);
    assert_eq!(texts(page.rows), ["timestamp", "user_id", "event_type", "data", "year", "month", "day"]);
    assert_eq!(texts(rows(&s, "SHOW COLUMNS FROM events FROM clickstream").await).len(), 13);
    // SHOW PARTITIONS lists the day folders the lake holds, which the queries read.
    let (_, page) = query(&s, "SHOW PARTITIONS events").await;
    let page = page.unwrap();
    assert_eq!(page.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["partition"]);
    let days = ["year=2026/month=03/day=18", "year=2026/month=03/day=19", "year=2026/month=03/day=20"];
    assert_eq!(texts(page.rows), days);

    assert_eq!(
        failure(&s, "SHOW PARTITIONS nope").await,
        "TABLE_NOT_FOUND: line 1:17: Table 'awsdatacatalog.clickstream.nope' does not exist"
    );
    assert_eq!(
        failure(&s, "SHOW COLUMNS FROM other.events").await,
        "SCHEMA_NOT_FOUND: line 1:19: Schema 'other' does not exist"
    );
    assert_eq!(
        failure(&s, "DESCRIBE events nope").await,
        "COLUMN_NOT_FOUND: line 1:17: Column 'nope' cannot be resolved"
    );
    // SHOW CREATE TABLE gives the table's Hive DDL a line a row, as Athena does: where its
    // files are and how they are read.
    let (_, page) = query(&s, "SHOW CREATE TABLE clickstream.raw_events").await;
    let page = page.unwrap();
    assert_eq!(page.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["createtab_stmt"]);
    let ddl = texts(page.rows);
    assert_eq!(
        ddl[..3],
        [
            "CREATE EXTERNAL TABLE `raw_events`(",
            "  `timestamp` string COMMENT 'from deserializer', ",
            "  `user_id` string COMMENT 'from deserializer', "
        ]
    );
    let at = |line: &str| ddl.iter().position(|l| l == line).unwrap_or_else(|| panic!("{line} not in {ddl:#?}"));
    assert_eq!(ddl[at("PARTITIONED BY ( ") + 1..][..3], ["  `year` string, ", "  `month` string, ", "  `day` string)"]);
    assert_eq!(ddl[at("ROW FORMAT SERDE ") + 1], "  'org.openx.data.jsonserde.JsonSerDe' ");
    assert_eq!(ddl[at("WITH SERDEPROPERTIES ( ") + 1], "  'paths'='data,event_type,timestamp,user_id') ");
    assert_eq!(ddl[at("STORED AS INPUTFORMAT ") + 1], "  'org.apache.hadoop.mapred.TextInputFormat' ");
    let location = ddl[at("LOCATION") + 1].clone();
    assert!(location.starts_with("  's3://") && location.ends_with("/raw/'"), "{location}");
    assert_eq!(ddl.last().unwrap(), "  'classification'='json')");
    // The same location as the table's files' `"$path"`.
    let path = rows(&s, "SELECT \"$path\" FROM raw_events LIMIT 1").await[0][0].clone().unwrap();
    assert!(path.starts_with(location.trim().trim_matches('\'')), "{path} under {location}");
    let curated = texts(rows(&s, "show create table `events`;").await);
    assert_eq!(curated, texts(rows(&s, "SHOW CREATE TABLE awsdatacatalog.clickstream.events").await));
    assert_eq!(curated[1], "  `event_time` timestamp, ");
    assert!(curated.iter().all(|l| !l.contains("deserializer") && !l.contains("SERDEPROPERTIES")), "{curated:#?}");
    assert!(curated.contains(&"  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' ".to_string()));
    assert_eq!(curated.last().unwrap(), "  'classification'='parquet')");
    assert_eq!(
        failure(&s, "SHOW CREATE TABLE nope").await,
        "TABLE_NOT_FOUND: line 1:19: Table 'awsdatacatalog.clickstream.nope' does not exist"
    );
    // DataFusion's own answers (its function names, Arrow's types, no definition) are not Athena's.
    for sql in [
        "SHOW CREATE VIEW events",
        "-- a comment first\nSHOW FUNCTIONS",
        "/* x */ DESCRIBE FORMATTED events",
        "SHOW COLUMNS FROM events LIKE 'c%'",
        "DESCRIBE INPUT my_statement",
        "desc output my_statement",
        "DESCRIBE VIEW my_view",
    ] {
        let refused = failure(&s, sql).await;
        assert!(refused.starts_with("NOT_SUPPORTED: the sandbox answers SHOW TABLES,"), "{sql}: {refused}");
    }
    // A WITH clause opens a query, not an INSERT: Trino's syntax error, not the engine's wording.
    assert_eq!(
        failure(&s, "WITH x AS (SELECT 1 AS a)\nINSERT INTO events SELECT * FROM x").await,
        "SYNTAX_ERROR: line 2:1: mismatched input 'INSERT'. Expecting: '(', 'SELECT', 'TABLE', 'VALUES'"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tablesample_keeps_about_its_share_of_the_rows() {
    let (s, _) = sandbox();
    let all = number(&s, "SELECT count(*) FROM events").await;
    assert!(all > 10_000, "{all}");
    // Trino's `TABLE t` is the whole table, its hidden columns left out as from `*`.
    assert_eq!(number(&s, "SELECT count(*) FROM (TABLE events)").await, all);
    assert_eq!(rows(&s, "TABLE events LIMIT 1").await[0].len(), 13);
    let tenth = number(&s, "SELECT count(*) FROM events TABLESAMPLE BERNOULLI (10)").await;
    // Each row kept with probability 0.1: far more than 5 standard deviations (about 0.3 % of
    // the table) would be a sample of some other share.
    assert!((all * 7 / 100..=all * 13 / 100).contains(&tenth), "{tenth} of {all}");
    let half = number(&s, "SELECT count(*) FROM clickstream.events e TABLESAMPLE SYSTEM (50) WHERE e.day <> ''").await;
    assert!((all * 45 / 100..=all * 55 / 100).contains(&half), "{half} of {all}");
    // A subquery is sampled too.
    let sub = number(&s, "SELECT count(*) FROM (SELECT * FROM events) t TABLESAMPLE BERNOULLI (10)").await;
    assert!((all * 7 / 100..=all * 13 / 100).contains(&sub), "{sub} of {all}");
    assert_eq!(number(&s, "SELECT count(*) FROM events TABLESAMPLE BERNOULLI (0)").await, 0);
    assert_eq!(number(&s, "SELECT count(*) FROM events TABLESAMPLE BERNOULLI (100)").await, all);
    assert_eq!(
        failure(&s, "SELECT * FROM events TABLESAMPLE BERNOULLI (150)").await,
        "NUMERIC_VALUE_OUT_OF_RANGE: Sample percentage must be less than or equal to 100"
    );
    assert_eq!(
        failure(&s, "SELECT * FROM events TABLESAMPLE SYSTEM (-1)").await,
        "NUMERIC_VALUE_OUT_OF_RANGE: Sample percentage must be greater than or equal to 0"
    );
    assert_eq!(
        failure(&s, "SELECT * FROM events TABLESAMPLE SYSTEM (50 + 60)").await,
        "NUMERIC_VALUE_OUT_OF_RANGE: Sample percentage must be less than or equal to 100"
    );
    assert_eq!(
        failure(&s, "SELECT * FROM events TABLESAMPLE BERNOULLI (NULL)").await,
        "INVALID_ARGUMENTS: Sample percentage cannot be NULL"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_etl_job_leaves_the_curated_zone_behind_the_raw_zone() {
    let (s, clock) = sandbox();
    s.with_model(|m| m.set_fault(Fault::EtlFailure, true)).unwrap();
    let before = number(&s, "SELECT count(*) FROM events").await;
    let raw_before = number(&s, "SELECT count(*) FROM raw_events").await;
    clock.advance(3 * HOUR);
    assert_eq!(number(&s, "SELECT count(*) FROM events").await, before, "no run succeeded: nothing new curated");
    assert!(number(&s, "SELECT count(*) FROM raw_events").await > raw_before);
    s.with_model(|m| m.set_fault(Fault::EtlFailure, false)).unwrap();
    clock.advance(HOUR);
    assert!(number(&s, "SELECT count(*) FROM events").await > before, "the next good run curates the backlog");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_can_be_cancelled_and_the_workgroup_keeps_their_history() {
    let (s, _) = sandbox();
    let id = support::writes::start_query(&s, &request("SELECT count(*) FROM raw_events")).await.unwrap();
    support::writes::stop_query(&s, &id).await.unwrap();
    let status = wait(&s, &id).await;
    assert_eq!(status.state, QueryState::Cancelled);
    assert!(s.query_results(&id, None).await.is_err());
    let ok = support::writes::start_query(&s, &request("SELECT 1")).await.unwrap();
    assert_eq!(wait(&s, &ok).await.state, QueryState::Succeeded);
    let history =
        s.with_model(|m| m.athena.executions.iter().map(|e| (e.id.clone(), e.state)).collect::<Vec<_>>()).unwrap();
    assert_eq!(history, [(id, QueryState::Cancelled), (ok, QueryState::Succeeded)]);
}

/// Athena's hidden columns name the file behind each row: `"$path"` in the table's location as
/// Glue holds it, `"$file_size"` and `"$file_modified_time"` (when the platform wrote it); a `*`
/// leaves them out, and a query that names none reads the tables as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_columns_name_the_file_behind_each_row() {
    let (s, _) = sandbox();
    let overview = s.glue_overview().await.unwrap();
    let location = |table: &str| {
        let tables = &overview.databases[0].tables;
        tables.iter().find(|t| t.name == table).unwrap().location.clone().unwrap()
    };
    let raw = location("raw_events");
    let files = rows(
        &s,
        r#"SELECT "$path", "$file_size", "$file_modified_time", count(*) FROM raw_events
           WHERE day = '20' GROUP BY 1, 2, 3 ORDER BY 1"#,
    )
    .await;
    // Today's quarter hours up to 14:15, one file each.
    assert_eq!(files.len(), 14 * 4 + 1, "{files:?}");
    let first = &files[0];
    assert_eq!(first[0].as_deref().unwrap(), format!("{raw}year=2026/month=03/day=20/clickstream-ingest-0000.json"));
    assert!(first[1].as_deref().unwrap().parse::<i64>().unwrap() > 1_000);
    // Delivered at the end of its quarter hour.
    assert_eq!(first[2].as_deref(), Some("2026-03-20 00:15:00.000 UTC"));
    let counted: i64 = files.iter().map(|f| f[3].as_deref().unwrap().parse::<i64>().unwrap()).sum();
    assert_eq!(counted, number(&s, "SELECT count(*) FROM raw_events WHERE day = '20'").await);

    let curated = rows(
        &s,
        r#"SELECT DISTINCT "$path", "$file_modified_time" FROM events WHERE day = '19' AND hour(event_time) = 9"#,
    )
    .await;
    assert_eq!(
        curated,
        [[
            Some(format!("{}year=2026/month=03/day=19/part-09.parquet", location("events"))),
            Some("2026-03-19 10:00:00.000 UTC".to_string())
        ]]
    );

    // A `*` leaves them out, over one table, over a join and as `t.*`.
    let (_, page) = query(&s, r#"SELECT *, "$path" FROM events LIMIT 1"#).await;
    let names: Vec<String> = page.unwrap().columns.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names.len(), 14, "{names:?}");
    assert_eq!(names[13], "$path");
    let (_, page) = query(
        &s,
        r#"SELECT * FROM events e JOIN raw_events r ON e.user_id = r.user_id WHERE r."$file_size" > 0 LIMIT 1"#,
    )
    .await;
    assert_eq!(page.unwrap().columns.len(), 13 + 7);
    let (_, page) =
        query(&s, r#"SELECT r.*, e."$path" FROM events e JOIN raw_events r ON e.user_id = r.user_id LIMIT 1"#).await;
    assert_eq!(page.unwrap().columns.len(), 7 + 1);
    // So does a `*` over a join USING its keys (the keys once, first), or in parentheses.
    let heads = |page: Option<ResultPage>| page.unwrap().columns.into_iter().map(|c| c.name).collect::<Vec<_>>();
    let (_, page) =
        query(&s, r#"SELECT * FROM events e JOIN raw_events r USING (user_id, day) WHERE r."$file_size" > 0 LIMIT 1"#)
            .await;
    let names = heads(page);
    assert_eq!(names.len(), 2 + 11 + 5, "{names:?}");
    assert_eq!(names[..3], ["user_id", "day", "event_time"], "{names:?}");
    let (_, page) = query(
        &s,
        r#"SELECT * FROM (events e JOIN (raw_events) r ON e.user_id = r.user_id) WHERE r."$file_size" > 0 LIMIT 1"#,
    )
    .await;
    assert_eq!(heads(page).len(), 13 + 7);
    // A filter on one is the engine's, above the scan; on a partition key it still prunes.
    let by_path = r#"SELECT count(*) FROM raw_events WHERE day = '20' AND "$path" LIKE '%ingest-1400.json'"#;
    assert_eq!(number(&s, by_path).await, number(&s, "SELECT count(*) FROM raw_events WHERE day = '20' AND hour(from_iso8601_timestamp(timestamp)) = 14 AND minute(from_iso8601_timestamp(timestamp)) < 15").await);
    assert!(
        scanned(&s, by_path).await
            < scanned(&s, r#"SELECT count(*) FROM raw_events WHERE "$path" LIKE '%ingest-1400.json'"#).await
    );
    // Out of a subquery's `*`, as on Athena.
    let reason = failure(&s, r#"SELECT "$path" FROM (SELECT * FROM raw_events)"#).await;
    assert!(reason.starts_with("COLUMN_NOT_FOUND: line 1:8: Column '$path' cannot be resolved"), "{reason}");

    // Beside an UNNEST, under TABLESAMPLE, a WITH query named like a table, qualified names, a
    // subquery without a name: as on Athena.
    let sql = r#"SELECT count(DISTINCT "$path") FROM raw_events r CROSS JOIN UNNEST(ARRAY[r.data.category]) AS u(c) WHERE day = '20'"#;
    assert_eq!(number(&s, sql).await, 14 * 4 + 1);
    let sql = r#"SELECT count(DISTINCT "$path") FROM raw_events TABLESAMPLE BERNOULLI (100) WHERE day = '20'"#;
    assert_eq!(number(&s, sql).await, 14 * 4 + 1);
    let (_, page) =
        query(&s, r#"WITH events AS (SELECT "$path" AS p FROM raw_events) SELECT * FROM events LIMIT 1"#).await;
    assert_eq!(page.unwrap().columns.len(), 1);
    let sql = r#"SELECT * FROM clickstream.events JOIN clickstream.raw_events ON clickstream.events.user_id = clickstream.raw_events.user_id
        WHERE clickstream.raw_events."$path" LIKE '%0115%' LIMIT 1"#;
    let (status, page) = query(&s, sql).await;
    assert_eq!(status.state, QueryState::Succeeded, "{:?}", status.reason);
    assert_eq!(page.unwrap().columns.len(), 13 + 7);
    let (_, page) =
        query(&s, r#"SELECT * FROM events e CROSS JOIN (SELECT max("$path") p FROM raw_events) LIMIT 1"#).await;
    assert_eq!(page.unwrap().columns.len(), 13 + 1);

    // A filter of `"$path"` alone reads that file only, and bills it so.
    let one = &files[56];
    let path = one[0].as_deref().unwrap();
    let sql = format!(r#"SELECT count(*) FROM raw_events WHERE "$path" = '{path}'"#);
    assert_eq!(rows(&s, &sql).await[0][0], one[3]);
    let size: u64 = one[1].as_deref().unwrap().parse().unwrap();
    assert_eq!(scanned(&s, &sql).await, size);
}

/// A subquery of an aggregate that reads the outer row's columns in any condition (`<`, `<>`, as
/// well as `=`) is answered once per outer row, as Trino answers it: the aggregate of no rows
/// where none matches (`count(*)` 0, `max` NULL), a NULL outer value matching nothing, and every
/// outer row kept, duplicates too. The predicates over such subqueries (EXISTS, IN, ANY, ALL)
/// answer in a SELECT list as in a WHERE clause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn correlated_aggregates_are_answered_per_outer_row() {
    let (s, _) = sandbox();
    let t = "(VALUES 1, 2, 3) t(b)";
    let sql = format!(
        "SELECT a, (SELECT max(b) FROM {t} WHERE b < o.a), (SELECT count(*) FROM {t} WHERE b < o.a), \
         (SELECT sum(b) + o.a FROM {t} WHERE b <= o.a AND b > 1), (SELECT array_agg(b) FROM {t} WHERE b < o.a), \
         (SELECT count(b) FILTER (WHERE b > 1) FROM {t} WHERE b <> o.a) \
         FROM (VALUES 1, 2, 2, 3, NULL) o(a) ORDER BY a"
    );
    let row = |cells: [Option<&str>; 6]| cells.map(|c| c.map(str::to_string)).to_vec();
    assert_eq!(
        rows(&s, &sql).await,
        [
            row([Some("1"), None, Some("0"), None, None, Some("2")]),
            row([Some("2"), Some("1"), Some("1"), Some("4"), Some("[1]"), Some("1")]),
            row([Some("2"), Some("1"), Some("1"), Some("4"), Some("[1]"), Some("1")]),
            row([Some("3"), Some("2"), Some("2"), Some("8"), Some("[1, 2]"), Some("1")]),
            row([None, None, Some("0"), None, None, Some("0")]),
        ]
    );
    // In a WHERE clause, over a subquery of its own in the condition, and in HAVING.
    let sql = format!(
        "SELECT a FROM (VALUES 1, 2, 3) o(a) WHERE a >= (SELECT count(*) FROM {t} WHERE b < o.a) * 2 ORDER BY a"
    );
    assert_eq!(rows(&s, &sql).await, [[Some("1".to_string())], [Some("2".to_string())]]);
    let sql = format!(
        "SELECT a FROM (VALUES 1, 2, 3) o(a) WHERE 1 < (SELECT max(b) FROM {t} WHERE b < o.a AND b IN (SELECT 2))"
    );
    assert_eq!(rows(&s, &sql).await, [[Some("3".to_string())]]);
    // Outer columns read by the aggregate or above it only: each outer row meets every row.
    let sql = format!(
        "SELECT a, (SELECT max(b) + o.a FROM {t}), (SELECT count(*) FILTER (WHERE b > o.a) FROM {t}), \
         (SELECT count(*) + o.a FROM {t} WHERE false) FROM (VALUES 1, 2) o(a) ORDER BY a"
    );
    let numbers = |cells: [&str; 4]| cells.map(|c| Some(c.to_string())).to_vec();
    assert_eq!(rows(&s, &sql).await, [numbers(["1", "4", "2", "1"]), numbers(["2", "5", "1", "2"])]);
    // An equality the engine's own join does not read: of an expression, or of intervals.
    let sql =
        format!("SELECT a FROM (VALUES 1, 2) o(a) WHERE a = (SELECT min(b) FROM {t} WHERE b + 0 = o.a) ORDER BY a");
    assert_eq!(rows(&s, &sql).await, [[Some("1".to_string())], [Some("2".to_string())]]);
    let sql = "SELECT a FROM (VALUES INTERVAL '1' DAY) o(a) WHERE a = (SELECT min(b) FROM (VALUES INTERVAL '24' HOUR) t(b) WHERE b = o.a)";
    assert_eq!(rows(&s, sql).await, [[Some("1 00:00:00.000".to_string())]]);
    let kv = "(VALUES ('a', 1), ('a', 2), ('b', 5))";
    let sql = format!(
        "SELECT k FROM {kv} o(k, v) GROUP BY k HAVING sum(v) > (SELECT sum(w) FROM {kv} i(j, w) WHERE j <> o.k)"
    );
    assert_eq!(rows(&s, &sql).await, [[Some("b".to_string())]]);
    // EXISTS, IN, ANY and ALL of such subqueries in a SELECT list, by `<` and by `=`.
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM {t} WHERE b < o.a), a IN (SELECT b FROM {t} WHERE b = o.a), \
         a > ANY (SELECT b FROM {t} WHERE b <> o.a), a >= ALL (SELECT b FROM {t} WHERE b <> o.a), \
         a <> ALL (SELECT b FROM {t} WHERE b >= o.a) FROM (VALUES 1, 2, 5) o(a) ORDER BY a"
    );
    let answers: Vec<String> = rows(&s, &sql)
        .await
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(answers, ["false true false false false", "true true true false false", "true false true true true"]);
    // EXISTS under a LIMIT and IN a SELECT DISTINCT, which change neither answer.
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM {t} WHERE b < o.a LIMIT 1), a - 1 IN (SELECT DISTINCT b FROM {t} WHERE b < o.a) \
         FROM (VALUES 1, 2) o(a) ORDER BY a"
    );
    let answers: Vec<String> = rows(&s, &sql)
        .await
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(answers, ["false false", "true true"]);
    // The outer rows are read once: each is answered for itself, however it was made (a random
    // value, -0.0 beside 0.0).
    let sql = "SELECT count(*) FROM (SELECT rand() r FROM events LIMIT 500) o \
               WHERE (SELECT count(*) FROM (VALUES 2e0) i(x) WHERE i.x < o.r) = 0";
    assert_eq!(number(&s, sql).await, 500);
    let sql =
        "SELECT (SELECT count(*) FROM (VALUES 1e0) i(y) WHERE i.y > 1e0 / o.x) FROM (VALUES 0e0, -0e0) o(x) ORDER BY 1";
    assert_eq!(rows(&s, sql).await, [[Some("0".to_string())], [Some("1".to_string())]]);
    // Over the lake: each event's count of earlier events in its country is its rank less one.
    let sql = "WITH e AS (SELECT country, event_time FROM events WHERE event_time < (SELECT min(event_time) FROM events) + INTERVAL '30' MINUTE) \
               SELECT count(*), count_if(before <> ranked) FROM (SELECT \
               (SELECT count(*) FROM e i WHERE i.country = o.country AND i.event_time < o.event_time) AS before, \
               rank() OVER (PARTITION BY country ORDER BY event_time) - 1 AS ranked FROM e o)";
    let answer = rows(&s, sql).await;
    assert!(number(&s, &sql.replace("count_if(before <> ranked)", "0")).await > 10, "{answer:?}");
    assert_eq!(answer[0][1].as_deref(), Some("0"));
    // A DISTINCT under a LIMIT stays: it decides which rows the LIMIT keeps.
    let sql = "SELECT 2 IN (SELECT DISTINCT y FROM (VALUES 1, 1, 2, 3) i(y) ORDER BY 1 LIMIT 2)";
    assert_eq!(rows(&s, sql).await, [[Some("true".to_string())]]);
    // A HAVING in the subquery would take out outer rows where it makes the answer NULL: refused,
    // naming the forms the sandbox answers, not answered with rows missing.
    let sql =
        format!("SELECT a, (SELECT count(*) FROM {t} WHERE b < o.a HAVING count(*) > 1) FROM (VALUES 0, 2, 4) o(a)");
    assert!(failure(&s, &sql)
        .await
        .starts_with("NOT_SUPPORTED: the sandbox engine answers a subquery that reads the outer"));
    // A form Trino refuses too (a correlated ORDER BY … LIMIT) says which forms the sandbox answers.
    let sql = format!("SELECT a, (SELECT b FROM {t} WHERE b < o.a ORDER BY b DESC LIMIT 1) FROM (VALUES 1, 2) o(a)");
    assert!(failure(&s, &sql)
        .await
        .starts_with("NOT_SUPPORTED: the sandbox engine answers a subquery that reads the outer"));
}
