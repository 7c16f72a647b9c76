//! Which Athena SQL only reads, decided by an allow-list on the parsed statement: a query
//! (SELECT, WITH … SELECT, VALUES, TABLE), SHOW, DESCRIBE, and EXPLAIN without ANALYZE of one of
//! those. Everything else — PREPARE, EXECUTE, DEALLOCATE, a statement not on the list, text that
//! does not parse, several statements — is refused in read-only mode with the reason.
//!
//! Athena reads DML as Trino and DDL as Hive. The parser is sqlparser's generic dialect (the one
//! the sandbox's engine answers with), read with Trino's lexing where the two differ in a way
//! that could hide a statement: block comments do not nest in Trino, so SQL with a `/*` inside a
//! block comment is refused rather than read two ways.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{Query, SetExpr, Statement, TableFactor, Visit, Visitor};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

use super::athena_values::rows_in_parentheses;

/// What read-only mode runs, said with every refusal.
pub const READS: &str =
    "read-only mode runs only SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE and EXPLAIN without ANALYZE";

/// The parser's stack on the classifying thread: a 256 KiB statement can nest (a chain of
/// `a + b + …`) tens of thousands deep, and reading, walking and dropping the tree recurse.
const STACK_BYTES: usize = 512 << 20;

/// Characters a reader does not see that can open SQL (a byte-order mark, zero-width spaces and
/// joiners, direction marks): taken off the start before the statement is read.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{feff}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{00ad}' | '\u{061c}')
        || matches!(c, '\u{180e}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `sql` without the invisible characters that open it.
pub fn strip_invisible(sql: &str) -> &str {
    sql.trim_start_matches(is_invisible)
}

/// The words Athena's statements that are not reads open with: Hive DDL (`ALTER TABLE … ADD
/// COLUMNS`, `CREATE EXTERNAL TABLE`, `MSCK REPAIR TABLE`), DML, Iceberg's maintenance,
/// `UNLOAD` and prepared statements. The sandbox's engine refuses them by their word.
pub const NOT_READS: &[&str] = &[
    "ALTER",
    "CREATE",
    "DROP",
    "MSCK",
    "INSERT",
    "DELETE",
    "UPDATE",
    "MERGE",
    "OPTIMIZE",
    "VACUUM",
    "UNLOAD",
    "PREPARE",
    "EXECUTE",
    "DEALLOCATE",
];

/// The words a statement that only reads opens with; one that opens with another is refused by
/// its word.
pub const READING_WORDS: &[&str] = &["SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "TABLE"];

/// Whether `sql`, already run, opened as a statement that only reads (EXPLAIN aside, which may
/// ANALYZE): a label, for the journal's queries among the changes on the charts, read without
/// parsing the statement on every refresh. Never a permission: what read-only mode runs is
/// `refusal`'s to say.
pub fn opens_as_a_read(sql: &str) -> bool {
    let word = super::athena::first_keyword(sql);
    word != "EXPLAIN" && READING_WORDS.contains(&word.as_str())
}

/// Why read-only mode refuses to run `sql`, or `None` when it only reads.
pub fn refusal(sql: &str) -> Option<String> {
    let sql = strip_invisible(sql).to_string();
    // The tree of a long statement is deep: read it on a thread with room for it.
    let reading =
        std::thread::Builder::new().name("sql-readonly".into()).stack_size(STACK_BYTES).spawn(move || classify(&sql));
    match reading.map(|thread| thread.join()) {
        Ok(Ok(verdict)) => verdict,
        Ok(Err(_)) => Some("the statement could not be read to tell whether it only reads".into()),
        Err(e) => Some(format!("the statement could not be read to tell whether it only reads ({e})")),
    }
}

fn classify(sql: &str) -> Option<String> {
    let dialect = GenericDialect {};
    // Trino's `VALUES 1, 2` read as the sandbox's engine reads it: `VALUES (1), (2)`.
    let tokens = match Tokenizer::new(&dialect, sql).tokenize_with_location() {
        Ok(tokens) => rows_in_parentheses(tokens),
        Err(e) => return Some(unreadable(&e.to_string())),
    };
    let tokens: Vec<Token> = tokens.into_iter().map(|t| t.token).collect();
    if tokens.iter().any(nested_comment) {
        return Some(
            "a block comment holds `/*`: Athena ends a comment at the first `*/` and could read another statement than the one shown".into(),
        );
    }
    // A statement that opens with anything but a reading word is refused by that word, before
    // the parser (which knows no Athena-only statements such as `PREPARE … FROM`) is asked.
    let opening = tokens.iter().find(|t| !matches!(t, Token::Whitespace(_)));
    let tokens = match opening {
        None => return Some(format!("there is no statement to run; {READS}")),
        Some(Token::LParen) => tokens,
        Some(Token::Word(word)) => match word.value.to_ascii_uppercase().as_str() {
            // `TABLE t`, Trino's `SELECT * FROM t`, is read here: the parser takes it only
            // inside a query.
            "TABLE" => return table_refusal(&tokens),
            word if READING_WORDS.contains(&word) => tokens,
            _ => return Some(format!("{} is not a query; {READS}", keyword(sql))),
        },
        Some(_) => return Some(format!("this statement is not a query; {READS}")),
    };
    let statements = match Parser::new(&dialect).with_tokens(tokens).parse_statements() {
        Ok(statements) => statements,
        Err(e) => return Some(unreadable(&e.to_string())),
    };
    match statements.as_slice() {
        [] => Some(format!("there is no statement to run; {READS}")),
        [statement] => statement_refusal(statement, sql),
        several => Some(format!("{} statements: Athena runs one statement at a time", several.len())),
    }
}

/// `TABLE name`, `TABLE schema.name` or `TABLE catalog.schema.name`, and nothing after but `;`.
fn table_refusal(tokens: &[Token]) -> Option<String> {
    let mut words = tokens.iter().filter(|t| !matches!(t, Token::Whitespace(_))).skip(1).peekable();
    let mut parts = 0;
    loop {
        match words.next() {
            Some(Token::Word(_)) => parts += 1,
            _ => return Some(unreadable("TABLE takes a table name")),
        }
        if words.peek() == Some(&&Token::Period) && parts < 3 {
            words.next();
            continue;
        }
        break;
    }
    match words.next() {
        None => None,
        Some(Token::SemiColon) if words.next().is_none() => None,
        Some(_) => Some(unreadable("TABLE takes a table name and nothing after it")),
    }
}

/// How a refusal of a statement the parser here cannot read begins.
const UNREADABLE: &str = "the statement does not parse here";

fn unreadable(error: &str) -> String {
    let error = error.strip_prefix("sql parser error: ").unwrap_or(error);
    format!("{UNREADABLE} ({error}), so read-only mode cannot tell that it only reads")
}

/// Whether `sql` may change the catalog or the data, for asking before it runs: what read-only
/// mode refuses, but for a statement that opens as a read whose text the parser here cannot
/// read (Trino's `VALUES 1, 2`, `FETCH … WITH TIES`): Athena answers it as a query or refuses it,
/// and asking before every such query would teach the operator to say yes unread. `EXPLAIN`,
/// which may `ANALYZE` (run) a statement, is asked for.
pub fn may_change(sql: &str) -> bool {
    match refusal(sql) {
        None => false,
        Some(reason) => !(reason.starts_with(UNREADABLE) && opens_as_a_read(sql)),
    }
}

fn nested_comment(token: &Token) -> bool {
    matches!(token, Token::Whitespace(Whitespace::MultiLineComment(text)) if text.contains("/*"))
}

fn statement_refusal(statement: &Statement, sql: &str) -> Option<String> {
    match statement {
        Statement::Query(query) => query_refusal(query),
        Statement::ExplainTable { .. } => None,
        Statement::Explain { analyze: true, .. } => Some("EXPLAIN ANALYZE runs the statement it explains".into()),
        Statement::Explain { options: Some(options), .. }
            if options.iter().any(|o| o.name.value.eq_ignore_ascii_case("analyze")) =>
        {
            Some("EXPLAIN (ANALYZE) runs the statement it explains".into())
        }
        Statement::Explain { statement, .. } => statement_refusal(statement, &statement.to_string()),
        Statement::ShowFunctions { .. }
        | Statement::ShowVariable { .. }
        | Statement::ShowVariables { .. }
        | Statement::ShowCreate { .. }
        | Statement::ShowColumns { .. }
        | Statement::ShowCatalogs { .. }
        | Statement::ShowDatabases { .. }
        | Statement::ShowSchemas { .. }
        | Statement::ShowObjects(_)
        | Statement::ShowTables { .. }
        | Statement::ShowViews { .. } => None,
        _ => Some(format!("{} is not a query; {READS}", keyword(sql))),
    }
}

/// The statement's opening word (`PREPARE`, `INSERT`), past the comments that open it.
fn keyword(sql: &str) -> String {
    let word = super::athena::first_keyword(sql);
    if word.starts_with(|c: char| c.is_ascii_alphabetic()) {
        word.chars().take(20).collect()
    } else {
        "this statement".into()
    }
}

/// A query reads unless something inside it writes: a data-changing statement in a WITH or a
/// subquery, `SELECT … INTO`, or a table function (Athena's query passthrough hands its text to a
/// connector, which may change what it points at).
fn query_refusal(query: &Query) -> Option<String> {
    let mut finder = Writes(None);
    let _ = query.visit(&mut finder);
    finder.0
}

struct Writes(Option<String>);

impl Visitor for Writes {
    type Break = ();

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        if !matches!(statement, Statement::Query(_)) {
            self.0 = Some(format!("the query holds a {} statement, which changes data", statement_kind(statement)));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(kind) = writing_set_expr(&query.body) {
            self.0 = Some(format!("the query holds {kind}, which changes data"));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        let function = match factor {
            TableFactor::TableFunction { .. } | TableFactor::Function { .. } => true,
            TableFactor::Table { args, .. } => args.is_some(),
            _ => false,
        };
        if function {
            self.0 = Some("the query reads from a table function, which can pass SQL to a connector".into());
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

/// `SELECT … INTO t` and statements in a query's body (a union's arms included), by name.
fn writing_set_expr(body: &SetExpr) -> Option<&'static str> {
    let mut pending = vec![body];
    while let Some(set) = pending.pop() {
        match set {
            SetExpr::Select(select) if select.into.is_some() => return Some("SELECT … INTO"),
            SetExpr::Insert(_) => return Some("an INSERT"),
            SetExpr::Update(_) => return Some("an UPDATE"),
            SetExpr::Delete(_) => return Some("a DELETE"),
            SetExpr::Merge(_) => return Some("a MERGE"),
            SetExpr::SetOperation { left, right, .. } => pending.extend([left.as_ref(), right.as_ref()]),
            _ => {}
        }
    }
    None
}

fn statement_kind(statement: &Statement) -> String {
    let text = statement.to_string();
    keyword(&text)
}
