//! Athena rules: what a query may be, what it costs, where a syntax error points (its results
//! as text are in `results`, which SQL only reads in `athena_readonly`).

use crate::model::ResultPage;

/// Athena's limit on query text.
pub const MAX_SQL_BYTES: usize = 262_144;
const MIB: f64 = 1_048_576.0;
const TIB: f64 = 1_099_511_627_776.0;

/// Statements Athena does not bill.
const DDL: [&str; 7] = ["CREATE", "DROP", "ALTER", "MSCK", "SHOW", "DESCRIBE", "DESC"];

/// Prices from the profile's `[platform.athena]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub price_per_tb_usd: f64,
    pub minimum_billed_mb: u64,
}

/// Athena's hidden columns of a table's files (`"$path"`, the object's URI, …), read only when
/// named and left out of a `*`, in the order a table has them after its own: offered by
/// completion, and the sandbox's engine has them.
pub const HIDDEN_COLUMNS: [&str; 3] = ["$path", "$file_size", "$file_modified_time"];

/// SQL keywords: highlighted in the editor, offered by completion.
pub const KEYWORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP",
    "BY",
    "ORDER",
    "LIMIT",
    "AND",
    "OR",
    "NOT",
    "AS",
    "JOIN",
    "LEFT",
    "RIGHT",
    "INNER",
    "OUTER",
    "ON",
    "WITH",
    "HAVING",
    "DISTINCT",
    "COUNT",
    "SUM",
    "AVG",
    "MIN",
    "MAX",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "IN",
    "IS",
    "NULL",
    "LIKE",
    "BETWEEN",
    "UNION",
    "ALL",
    "DESC",
    "ASC",
    "CREATE",
    "DROP",
    "TABLE",
    "INSERT",
    "INTO",
    "VALUES",
    "SHOW",
    "DESCRIBE",
    "CAST",
    "OVER",
    "PARTITION",
];

/// Refuses SQL Athena would refuse before it costs anything.
pub fn check_sql(sql: &str) -> Result<(), String> {
    // Comments alone are no SQL either (they were asked for as a change, then failed).
    if past_comments(sql, false).trim_matches(|c: char| c.is_whitespace() || c == ';').is_empty() {
        return Err("there is no SQL to run".into());
    }
    if sql.len() > MAX_SQL_BYTES {
        return Err(format!("the query is {} bytes; Athena takes at most {MAX_SQL_BYTES}", sql.len()));
    }
    Ok(())
}

/// What lakeops checks before it asks anything of a statement it is to run (the console's F5,
/// `lakeops query`): Athena's own checks ([`check_sql`]), and a first word no statement opens
/// with, a typo (`SELEC 1`): bad input, not a statement that may change the data and asks for a
/// yes.
pub fn check_statement(sql: &str) -> Result<(), String> {
    check_sql(sql)?;
    let word = first_keyword(sql);
    let known =
        super::athena_readonly::READING_WORDS.iter().chain(super::athena_readonly::NOT_READS).chain(OTHER_STATEMENTS);
    if known.clone().any(|k| *k == word) {
        return Ok(());
    }
    // The word as typed (`selec`, `é`): past comments and parentheses, up to a space or a symbol.
    let typed: String = past_comments(sql, true).chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if typed.is_empty() {
        return Ok(()); // a symbol first (`;`, a quote): Athena's to answer
    }
    let hint = crate::settings::did_you_mean(&word, known.copied());
    Err(format!("{typed} is not a statement Athena runs{hint}"))
}

/// The statements Athena (Trino) opens with that neither only read nor are refused by their word
/// in read-only mode (`athena_readonly`): known words, so a typo is told from them.
const OTHER_STATEMENTS: &[&str] = &[
    "USE", "SET", "RESET", "CALL", "GRANT", "REVOKE", "COMMENT", "REFRESH", "ANALYZE", "START", "COMMIT", "ROLLBACK",
    "TRUNCATE", "DENY",
];

/// The statement's first keyword, upper-cased, past comments and parentheses (as written, or as
/// the journal keeps it, `one_line`).
pub fn first_keyword(sql: &str) -> String {
    let rest = past_comments(sql, true);
    rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').next().unwrap_or("").to_ascii_uppercase()
}

/// The first keyword of the statement `sql` runs: past an `EXPLAIN [ANALYZE] [VERBOSE]
/// [(options)]`, the statement explained (which EXPLAIN ANALYZE runs, and the engine plans).
pub fn statement_keyword(sql: &str) -> String {
    let mut rest = past_comments(sql, true);
    if !first_keyword(rest).eq_ignore_ascii_case("EXPLAIN") {
        return first_keyword(rest);
    }
    rest = &rest["EXPLAIN".len()..];
    loop {
        rest = past_comments(rest, false);
        let word = first_keyword(rest);
        if word == "ANALYZE" || word == "VERBOSE" {
            rest = &rest[word.len()..];
        } else if let Some(options) = rest.strip_prefix('(') {
            rest = options.split_once(')').map_or("", |(_, after)| after);
        } else {
            return word;
        }
    }
}

/// `sql` past the comments (and with `parentheses`, the opening parentheses) it starts with.
fn past_comments(sql: &str, parentheses: bool) -> &str {
    let mut rest = super::athena_readonly::strip_invisible(sql);
    loop {
        if let Some(line) = rest.strip_prefix("--") {
            let next = [line.find('\n').map(|at| at + 1), line.find(LINE_BREAK).map(|at| at + LINE_BREAK.len())];
            rest = next.into_iter().flatten().min().map_or("", |at| &line[at..]).trim_start();
        } else if let Some(block) = rest.strip_prefix("/*") {
            rest = block.split_once("*/").map(|(_, r)| r).unwrap_or("").trim_start();
        } else if let Some(inner) = rest.strip_prefix('(').filter(|_| parentheses) {
            rest = inner.trim_start();
        } else {
            return rest;
        }
    }
}

/// Whether running `sql` may change the catalog or the data, so that it is shown and asked for
/// first (`athena_readonly::may_change`).
pub fn changes_something(sql: &str) -> bool {
    super::athena_readonly::may_change(sql)
}

/// What is said before a statement that may change the catalog or the data runs (the console's
/// dialog, `lakeops query`'s question): its first keyword, why (where the keyword alone does not
/// say it: `WITH … DELETE`, several statements), and that Athena runs it as written.
pub fn change_warning(sql: &str) -> String {
    let keyword = first_keyword(sql);
    let reason = super::athena_readonly::refusal(sql).unwrap_or_default();
    let why = reason.split("; read-only mode").next().unwrap_or_default();
    let why = match why.is_empty() || why == format!("{keyword} is not a query") {
        true => String::new(),
        false => format!(" ({why})"),
    };
    format!("{keyword}: this statement may change the catalog or the data{why}; Athena runs it as written")
}

pub fn is_ddl(sql: &str) -> bool {
    DDL.contains(&first_keyword(sql).as_str())
}

/// What Athena charges for `scanned` bytes: rounded up to the MB, the minimum per query, DDL free.
pub fn cost_usd(scanned: u64, ddl: bool, rates: Rates) -> f64 {
    if ddl {
        return 0.0;
    }
    let billed_mb = ((scanned as f64) / MIB).ceil().max(rates.minimum_billed_mb as f64);
    billed_mb * MIB / TIB * rates.price_per_tb_usd
}

/// Whether the workgroup's bytes-scanned cutoff stopped the query (Athena cancels it there).
pub fn hit_cutoff(reason: &str) -> bool {
    reason.contains("Bytes scanned limit")
}

/// Whether Athena bills the query: not when it failed, unless the workgroup's cutoff
/// cancelled it (a cancelled query is billed for what it scanned).
pub fn is_billed(status: &crate::model::QueryStatus) -> bool {
    status.state != crate::model::QueryState::Failed || status.reason.as_deref().is_some_and(hit_cutoff)
}

/// What a finished (or running) query costs: a failed query is not charged, DDL is free, a
/// cancelled one (by hand or by the cutoff) is charged for what it scanned.
pub fn query_cost(status: &crate::model::QueryStatus, sql: &str, rates: Rates) -> f64 {
    if !is_billed(status) {
        return 0.0;
    }
    let ddl = status.statement_type.as_deref() == Some("DDL") || is_ddl(sql);
    cost_usd(status.scanned_bytes.unwrap_or(0), ddl, rates)
}

/// The OSC 52 sequence that puts `text` on the terminal's clipboard (base64: nothing in
/// the text reaches the terminal as a control character), the text sanitized first, keeping its
/// lines and tabs: a cell copied from a query's results and pasted in a shell could otherwise end
/// the shell's bracketed paste (`ESC [201~`) and run the lines after it.
pub fn osc52(text: &str) -> String {
    let text = crate::model::text::sanitize_keeping_lines(text);
    format!("\x1b]52;c;{}\x07", aws_smithy_types::base64::encode(text))
}

/// A finished query in a line, as `lakeops query` says it and the journal ends it:
/// `SUCCEEDED in 1.2 s · scanned 40.0 MiB · cost $0.00020`.
pub fn summary(status: &crate::model::QueryStatus, sql: &str, rates: Rates) -> String {
    // What was scanned is not known of a query ended before it said (a sandbox query cancelled
    // mid-run): neither it nor its cost is said to be nothing. A query not billed costs nothing.
    let known = status.scanned_bytes.is_some() || !is_billed(status);
    format!(
        "{} in {} · scanned {} · cost {}",
        status.state.name(),
        status.engine_ms.map(|ms| crate::ops::format::millis(ms as f64)).unwrap_or_else(|| "—".into()),
        status.scanned_bytes.map(|b| crate::ops::format::bytes(b as f64)).unwrap_or_else(|| "—".into()),
        if known { dollars(query_cost(status, sql, rates)) } else { "—".into() }
    )
}

/// The journal's outcome of a finished query: `done: <summary>`, or its state and `reason`.
pub fn outcome(status: &crate::model::QueryStatus, summary: &str, reason: &str) -> String {
    match status.state {
        crate::model::QueryState::Succeeded => format!("done: {summary}"),
        state => format!("{}: {reason}", state.name()),
    }
}

/// The file an export writes when no path is typed: `~/athena-<the query id's first part>.csv`,
/// in the home folder, so that it is found, and a name of the query's own, so that another
/// export does not replace it.
pub fn default_export(id: &str) -> String {
    // The id's first and last parts: random on Athena, the seed and a count on the sandbox.
    let part = |p: Option<&str>| {
        p.unwrap_or_default().chars().filter(char::is_ascii_alphanumeric).take(12).collect::<String>()
    };
    let (first, last) = (part(id.split('-').next()), part(id.rsplit('-').next()));
    let name = if first == last { first } else { format!("{first}-{last}") };
    format!("~/athena-{}.csv", if name.is_empty() { "results".into() } else { name })
}

/// "$0.0049": enough digits to tell small queries apart.
pub fn dollars(usd: f64) -> String {
    if usd == 0.0 {
        "$0".into()
    } else if usd < 0.01 {
        format!("${usd:.5}")
    } else {
        format!("${usd:.2}")
    }
}

/// Where Athena's message puts a syntax error: "line 3:14: …" gives (3, 14), both from 1.
pub fn error_position(reason: &str) -> Option<(usize, usize)> {
    let at = reason.find("line ")?;
    let rest = &reason[at + 5..];
    let (line, rest) = rest.split_once(':')?;
    let column: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// Takes the header row Athena puts first in a SELECT's first page off `page`.
pub fn drop_header(page: &mut ResultPage) {
    let header = page.rows.first().is_some_and(|row| {
        row.len() == page.columns.len() && row.iter().zip(&page.columns).all(|(v, c)| v.as_deref() == Some(&c.name))
    });
    if header {
        page.rows.remove(0);
    }
}

/// The first pause between polls of a running query (GetQueryExecution).
pub const FIRST_POLL_AFTER_MS: u64 = 25;
/// The pause polls back off to: one a second while a long query runs.
pub const STEADY_POLL_EVERY_MS: u64 = 1_000;

/// The pause after poll number `polls` (counted from 1) of a running query, in milliseconds: 25 ms
/// after the first, doubling to one a second. A short query, as most an operator types, is
/// answered as soon as it ends instead of on the next whole second; a long one costs one call a
/// second as it always did: the first second costs six calls, never more. The console and
/// `lakeops query` both wait by it.
pub fn poll_delay_ms(polls: u32) -> u64 {
    let doublings = polls.saturating_sub(1).min(16);
    FIRST_POLL_AFTER_MS.saturating_mul(1 << doublings).min(STEADY_POLL_EVERY_MS)
}

/// How the journal writes a query's line break (`one_line`).
const LINE_BREAK: &str = " ⏎ ";

/// A query as the journal keeps it: whitespace folded, at most 200 characters, `…` where it is
/// cut (a line comment folded into the line would hide the rest: it ends at its line break,
/// written ` ⏎ `).
pub fn one_line(sql: &str) -> String {
    let lines: Vec<String> = sql.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let folded = lines.iter().filter(|l| !l.is_empty()).cloned().collect::<Vec<_>>().join(LINE_BREAK);
    match folded.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &folded[..at]),
        None => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResultColumn;

    fn columns() -> Vec<ResultColumn> {
        vec![
            ResultColumn { name: "event_type".into(), kind: "varchar".into() },
            ResultColumn { name: "events".into(), kind: "bigint".into() },
        ]
    }

    #[test]
    fn polls_start_quick_and_back_off_to_one_a_second() {
        let pauses: Vec<u64> = (1..=8).map(poll_delay_ms).collect();
        assert_eq!(pauses, [25, 50, 100, 200, 400, 800, 1000, 1000]);
        assert_eq!(poll_delay_ms(0), 25);
        assert_eq!(poll_delay_ms(u32::MAX), 1000);
        // The first second of a running query costs six polls, the first at once.
        let mut elapsed = 0;
        let mut polls = 1;
        while elapsed + poll_delay_ms(polls) <= 1000 {
            elapsed += poll_delay_ms(polls);
            polls += 1;
        }
        assert_eq!(polls, 6, "polls within the first second");
    }

    #[test]
    fn sql_is_checked_and_classified() {
        assert_eq!(check_sql("  \n"), Err("there is no SQL to run".into()));
        assert_eq!(check_sql("-- only a comment\n/* and */ ;"), Err("there is no SQL to run".into()));
        assert!(check_sql("-- a comment\nSELECT 1").is_ok());
        // A typo in the first word is bad input, not a statement that may change the data; Athena
        // itself answers it with a SYNTAX_ERROR (the sandbox too).
        assert!(check_sql("SELEC 1").is_ok());
        assert_eq!(
            check_statement("SELEC 1"),
            Err("SELEC is not a statement Athena runs (did you mean `SELECT`?)".into())
        );
        assert_eq!(check_statement("frobnicate"), Err("frobnicate is not a statement Athena runs".into()));
        assert_eq!(
            check_statement("selec 1"),
            Err("selec is not a statement Athena runs (did you mean `SELECT`?)".into())
        );
        assert_eq!(check_statement("é 1"), Err("é is not a statement Athena runs".into()));
        assert_eq!(check_statement(" "), Err("there is no SQL to run".into()));
        for ok in
            ["(select 1)", "with a as (select 1) select * from a", "DROP TABLE t", "msck repair table t", "show tables"]
        {
            assert!(check_statement(ok).is_ok(), "{ok}");
        }
        assert!(check_sql(&"x".repeat(MAX_SQL_BYTES + 1)).unwrap_err().contains("at most 262144"));
        assert_eq!(first_keyword("-- top events\n/* note */ (SELECT 1)"), "SELECT");
        for (sql, word) in [
            ("EXPLAIN ANALYZE VERBOSE INSERT INTO t SELECT 1", "INSERT"),
            ("/* x */ explain (type distributed, format text) create table t as select 1", "CREATE"),
            ("explain -- why\n analyze msck repair table t", "MSCK"),
            ("EXPLAIN SELECT 1", "SELECT"),
            ("EXPLAIN (SELECT 1)", ""),
            ("ALTER TABLE t ADD COLUMNS (x string)", "ALTER"),
        ] {
            assert_eq!(statement_keyword(sql), word, "{sql}");
        }
        assert!(changes_something("drop table clickstream.events"));
        assert!(!changes_something("WITH t AS (SELECT 1) SELECT * FROM t"));
        // A read the parser here cannot read is not asked for; a statement that may run one is.
        assert!(!changes_something("SELECT * FROM (VALUES 1, 2) t(x)"));
        assert!(changes_something("EXPLAIN ANALYZE INSERT INTO t VALUES 1, 2"));
        assert!(changes_something("INSERT INTO t VALUES 1, 2") && changes_something("MSCK REPAIR TABLE t"));
        assert!(is_ddl("SHOW TABLES") && is_ddl("desc events") && !is_ddl("select 1"));
    }

    #[test]
    fn the_journal_keeps_a_query_on_one_line_with_its_breaks_and_its_cut_said() {
        let sql = "-- why\nSELECT  a,\n\n   b FROM t";
        assert_eq!(one_line(sql), "-- why ⏎ SELECT a, ⏎ b FROM t");
        assert_eq!(first_keyword(&one_line(sql)), "SELECT");
        let long = one_line(&format!("SELECT '{}'", "é".repeat(300)));
        assert_eq!(long.chars().count(), 201);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn syntax_errors_are_located() {
        let reason = "SYNTAX_ERROR: line 2:14: Column 'evnt_type' cannot be resolved";
        assert_eq!(error_position(reason), Some((2, 14)));
        assert_eq!(error_position("line 1:8: mismatched input 'FORM'"), Some((1, 8)));
        assert_eq!(error_position("Access denied"), None);
        assert_eq!(error_position("pipeline 3"), None);
    }

    #[test]
    fn cost_rounds_up_to_the_mb_with_the_minimum_and_ddl_is_free() {
        let rates = Rates { price_per_tb_usd: 5.0, minimum_billed_mb: 10 };
        let ten_mb = 10.0 * MIB / TIB * 5.0;
        assert_eq!(cost_usd(0, false, rates), ten_mb);
        assert_eq!(cost_usd(1, false, rates), ten_mb);
        assert_eq!(cost_usd(TIB as u64, false, rates), 5.0);
        assert_eq!(cost_usd(11 * 1_048_576 + 1, false, rates), 12.0 * MIB / TIB * 5.0);
        assert_eq!(cost_usd(TIB as u64, true, rates), 0.0);
        let mut status = crate::model::QueryStatus {
            id: "q".into(),
            state: crate::model::QueryState::Failed,
            reason: None,
            scanned_bytes: Some(TIB as u64),
            engine_ms: None,
            submitted: None,
            statement_type: Some("DML".into()),
            error_category: None,
        };
        assert_eq!(query_cost(&status, "SELECT 1", rates), 0.0, "failed queries are not charged");
        status.reason = Some("Bytes scanned limit was exceeded".into());
        assert_eq!(query_cost(&status, "SELECT 1", rates), 5.0, "unless the cutoff cancelled them");
        status.state = crate::model::QueryState::Cancelled;
        assert_eq!(query_cost(&status, "SELECT 1", rates), 5.0, "cancelled ones are, for what they scanned");
        status.scanned_bytes = None;
        let said = summary(&status, "SELECT 1", rates);
        assert!(said.ends_with("scanned — · cost —"), "what a cancelled query scanned is not known, not 0 B: {said}");
        status.state = crate::model::QueryState::Failed;
        status.reason = None;
        assert!(summary(&status, "SELECT 1", rates).ends_with("scanned — · cost $0"), "a failure is not billed");
        assert_eq!(dollars(5.0), "$5.00");
        assert_eq!(dollars(ten_mb), "$0.00005");
    }

    #[test]
    fn the_header_row_is_dropped_once() {
        let mut page = ResultPage {
            columns: columns(),
            rows: vec![vec![Some("event_type".into()), Some("events".into())], vec![Some("a".into()), None]],
            next_token: None,
        };
        drop_header(&mut page);
        drop_header(&mut page);
        assert_eq!(page.rows.len(), 1);
    }
}
