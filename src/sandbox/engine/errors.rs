//! DataFusion's errors said the way Athena says them: an error name, the line and column
//! where Athena would point (so the editor marks it), and the message.

use datafusion::error::DataFusionError;

use super::names;
use crate::model::ErrorCategory;

/// What the engine says of a subquery that reads the outer query's columns in a form neither it
/// nor `correlated` answers (`quantified` turns the predicates into aggregates).
const CORRELATED_SUBQUERY: &str = "NOT_SUPPORTED: the sandbox engine answers a subquery that reads the outer query's columns in a SELECT list, WHERE or HAVING when it is an aggregate without GROUP BY or HAVING ((SELECT max(x) FROM t WHERE t.y < o.y)), a SELECT … FROM … WHERE of one row an outer row ((SELECT name FROM t WHERE t.id = o.id)), or EXISTS, IN, ANY, SOME or ALL of a SELECT … FROM … WHERE (no GROUP BY or UNION); Athena answers some other forms too";

/// What the engine says of an UNNEST that reads a table's columns in a form it does not answer
/// (`lateral`).
const LATERAL_UNNEST: &str = "NOT_SUPPORTED: the sandbox engine answers an UNNEST of a table's columns right after that table or inner joins (FROM t [JOIN …] CROSS JOIN UNNEST(t.a, …) [WITH ORDINALITY] AS u(x, …), or LEFT JOIN … ON true), of arrays, naming each column; Athena answers the other forms too";

/// A query that reads the outer query's columns where the engine cannot: an UNNEST, or else a
/// subquery.
fn correlated(sql: &str) -> String {
    let unnest = sql.to_ascii_uppercase().contains("UNNEST");
    if unnest { LATERAL_UNNEST } else { CORRELATED_SUBQUERY }.to_string()
}

/// Whose fault a failed sandbox query is, by the error name its reason starts with, as Trino's
/// error types sort them: the engine's own failure (GENERIC_INTERNAL_ERROR, a lake file it could
/// not open) and running out of room (EXCEEDED_…, Trino's INSUFFICIENT_RESOURCES) are the
/// system's; what only the sandbox engine lacks (a NOT_SUPPORTED or FUNCTION_NOT_FOUND that names
/// the sandbox: an Athena function it has not) is
/// another's; every other name is the query's.
pub fn category(reason: &str) -> ErrorCategory {
    let name = reason.split(':').next().unwrap_or_default();
    if name == "GENERIC_INTERNAL_ERROR" || name.starts_with("HIVE_") || name.starts_with("EXCEEDED_") {
        ErrorCategory::System
    } else if matches!(name, "NOT_SUPPORTED" | "FUNCTION_NOT_FOUND") && reason.to_ascii_lowercase().contains("sandbox")
    {
        ErrorCategory::Other
    } else {
        ErrorCategory::User
    }
}

/// The message a user sees for a failed sandbox query.
pub fn athena_message(error: &DataFusionError, sql: &str) -> String {
    // DataFusion's join of a correlated subquery, failing to find a column it made itself.
    if error.to_string().contains("Optimizer rule 'scalar_subquery_to_join' failed") {
        return correlated(sql);
    }
    let root = error.find_root();
    let text = root.to_string();
    let text = strip_prefixes(&text);
    if let DataFusionError::SQL(parser, _) = root {
        let message = parser.to_string();
        let message = message.strip_prefix("sql parser error: ").unwrap_or(&message);
        let (message, at) = split_position(message);
        // The parser gives no place for the end of the statement: it is just after its last word
        // (it was line 1:1, where the editor then put the cursor).
        let end = || {
            let text = sql.trim_end();
            let line = text.split('\n').count();
            (line, text.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1)
        };
        let (line, column) = at.unwrap_or_else(|| if message.ends_with("found: EOF") { end() } else { (1, 1) });
        let code = if message.starts_with("Unknown type") { "TYPE_NOT_FOUND" } else { "SYNTAX_ERROR" };
        return format!("{code}: {}{}", self::at(line, column), message.trim());
    }
    // `WITH … INSERT`, `WITH … DELETE`: a WITH clause opens a query, as Trino's grammar reads it.
    if let Some(statement) = text.strip_prefix("Query ").filter(|t| t.ends_with(" not implemented yet")) {
        let word = statement.split_whitespace().next().unwrap_or_default();
        return format!(
            "SYNTAX_ERROR: {}mismatched input '{word}'. Expecting: '(', 'SELECT', 'TABLE', 'VALUES'",
            position(sql, word)
        );
    }
    if let Some(name) = quoted_after(text, &format!("{}'", super::sql::NOT_ATHENAS)) {
        let name = names::as_written(&name);
        return format!("FUNCTION_NOT_FOUND: {}Function '{name}' not registered", position(sql, name));
    }
    if let Some(name) = quoted_after(text, "Invalid function '") {
        let name = names::as_written(&name);
        // The engine's suggestion, when it is a function of Athena's the sandbox answers (not one
        // it refuses, nor one of its own `$` names).
        let hint = text
            .split_once("Did you mean")
            .filter(|(_, rest)| {
                quoted_after(rest, "'").is_some_and(|suggested| {
                    !suggested.starts_with('$') && super::athena_functions::refused(&suggested).is_none()
                })
            })
            .map(|(_, rest)| format!(" Did you mean{}", rest.trim_end()))
            .unwrap_or_default();
        return format!(
            "FUNCTION_NOT_FOUND: {}Function '{name}' not registered.{hint} The sandbox engine (DataFusion) has no such function; docs/sandbox.md lists the Athena functions it knows",
            position(sql, name)
        );
    }
    if let Some(name) = quoted_after(text, "table '") {
        if text.contains("not found") {
            let short = name.rsplit('.').next().unwrap_or(&name).to_string();
            return format!("TABLE_NOT_FOUND: {}Table '{name}' does not exist", position(sql, &short));
        }
    }
    if let Some(rest) = text.strip_prefix("No field named ") {
        let name = rest.split(['.', ' ']).find(|s| !s.is_empty()).unwrap_or(rest).trim_matches('"').to_string();
        let name = name.rsplit('.').next().unwrap_or(&name).to_string();
        // A name the query wrote with a `$` (`names::without_case`).
        if names::as_written(&name) != name {
            let name = names::as_written(&name);
            return format!(
                "COLUMN_NOT_FOUND: {}Column '{name}' cannot be resolved",
                position(sql, &format!("\"{name}\""))
            );
        }
        // Athena's hidden columns, read where no table has them (a `*` leaves them out).
        if super::file_columns::HIDDEN.contains(&name.to_ascii_lowercase().as_str()) {
            return format!(
                "COLUMN_NOT_FOUND: {}Column '{name}' cannot be resolved",
                position(sql, &format!("\"{name}\""))
            );
        }
        // A name of the engine's own forms (`"$q"`): a correlated subquery in a SELECT list.
        if name.starts_with('$') {
            return correlated(sql);
        }
        return format!("COLUMN_NOT_FOUND: {}Column '{name}' cannot be resolved", position(sql, &name));
    }
    if text.contains("must be in GROUP BY or an aggregate function") {
        let column = quoted_after(&text.replace('"', "'"), "column '").unwrap_or_default();
        let column = names::as_written(column.rsplit('.').next().unwrap_or(&column)).to_string();
        return format!(
            "SYNTAX_ERROR: {}'{column}' must be an aggregate expression or appear in GROUP BY clause",
            position(sql, &column)
        );
    }
    // The Athena functions' own errors already carry Athena's name (and may say "not supported").
    if let Some(rest) = text.find("TYPE_MISMATCH: ").map(|at| &text[at + "TYPE_MISMATCH: ".len()..]) {
        let name = match rest.split_once("for function ") {
            Some((_, function)) => function.split(['.', ' ']).next().unwrap_or_default(),
            None if rest.starts_with("Cannot cast") => "cast",
            None => "",
        };
        return format!("TYPE_MISMATCH: {}{rest}", position(sql, name));
    }
    let codes = [
        "COLUMN_NOT_FOUND",
        "AMBIGUOUS_NAME",
        "SYNTAX_ERROR",
        "INVALID_ARGUMENTS",
        "INVALID_FUNCTION_ARGUMENT",
        "INVALID_CAST_ARGUMENT",
        "TYPE_NOT_FOUND",
        "FUNCTION_NOT_FOUND",
        "INVALID_LITERAL",
        "NOT_SUPPORTED",
        "NUMERIC_VALUE_OUT_OF_RANGE",
        "EXCEEDED_LOCAL_MEMORY_LIMIT",
        "EXCEEDED_FUNCTION_MEMORY_LIMIT",
        "GENERIC_USER_ERROR",
        "MISSING_ORDER_BY",
        "INVALID_COLUMN_REFERENCE",
        // Trino's refusals of windows (`windows`).
        "INVALID_PARTITION_BY",
        "INVALID_ORDER_BY",
        "INVALID_WINDOW_REFERENCE",
        "DUPLICATE_WINDOW_NAME",
        "MISSING_OVER",
        "FUNCTION_NOT_WINDOW",
        "INVALID_WINDOW_FRAME",
        "NULL_TREATMENT_NOT_ALLOWED",
        "EXPRESSION_NOT_SCALAR",
        "NESTED_WINDOW",
        // A scalar subquery of more than one row (`subqueries`).
        "SUBQUERY_MULTIPLE_ROWS",
    ];
    // `date_trunc` of a unit Trino has not, in its words (`DateTimeFunctions.getTimestampField`,
    // `TimeField`); of a date, `answer_types` refuses it first, as Trino's `getDateField` does.
    if let Some(unit) = quoted_after(text, "Unsupported date_trunc granularity: '") {
        return format!("INVALID_FUNCTION_ARGUMENT: '{unit}' is not a valid Timestamp field");
    }
    if let Some(unit) = quoted_after(text, "date_trunc does not support '") {
        return format!("INVALID_FUNCTION_ARGUMENT: '{unit}' is not a valid TIME field");
    }
    if text.contains("Scalar subquery returned more than one row") {
        return "SUBQUERY_MULTIPLE_ROWS: Scalar sub-query has returned multiple rows".into();
    }
    if let Some(at) = codes.iter().filter_map(|m| text.find(m)).min() {
        return text[at..].to_string();
    }
    // DataFusion's own functions refusing their arguments' types.
    let refused = quoted_after(text, "Failed to coerce arguments to satisfy a call to '")
        .or_else(|| quoted_after(text, "No function matches the given name and argument types '"))
        .map(|call| call.split('(').next().unwrap_or_default().to_string());
    if let Some(name) = refused {
        let at = position(sql, &name);
        // An aggregate's refusal lists each signature it tried; Trino's names the types given.
        if let Some(given) = given_types(text) {
            return format!("TYPE_MISMATCH: {at}Unexpected parameters ({given}) for function {name}");
        }
        let detail = text.lines().next().unwrap_or(text).trim();
        return format!("TYPE_MISMATCH: {at}Unexpected parameters for function {name}: {detail}");
    }
    // DataFusion names the expressions, in its own spelling (a subquery's engine alias among
    // them); Trino does not.
    if text.contains("For SELECT DISTINCT, ORDER BY expressions") {
        return "EXPRESSION_NOT_IN_DISTINCT: For SELECT DISTINCT, ORDER BY expressions must appear in select list"
            .into();
    }
    if text.starts_with("Percentile value must be between 0.0 and 1.0") {
        return "INVALID_FUNCTION_ARGUMENT: Percentile must be between 0 and 1".to_string();
    }
    // Integers and decimals divided by zero (a double's quotient is an infinity or NaN).
    if text.starts_with("Divide by zero") {
        return "DIVISION_BY_ZERO: Division by zero".to_string();
    }
    // A correlated subquery neither DataFusion nor `correlated` turns into a join (NOT IN of an
    // aggregate's row, or inside an OR).
    if text.contains("Physical plan does not support logical expression") || text.contains("null_aware anti join") {
        return correlated(sql);
    }
    // Text that is not a value of the type it is cast to, in Trino's words.
    if let Some(rest) = text.strip_prefix("Cast error: Cannot cast string '") {
        if let Some((value, kind)) = rest.rsplit_once("' to value of ") {
            let kind = kind.trim_end_matches(" type");
            return match kind {
                "Int8" | "Int16" | "Int32" | "Int64" | "Float32" | "Float64" | "Boolean" => {
                    let trino = match kind {
                        "Int8" => "TINYINT",
                        "Int16" => "SMALLINT",
                        "Int32" => "INT",
                        "Int64" => "BIGINT",
                        "Float32" => "REAL",
                        "Float64" => "DOUBLE",
                        _ => "BOOLEAN",
                    };
                    format!("INVALID_CAST_ARGUMENT: Cannot cast '{value}' to {trino}")
                }
                "Date32" => format!("INVALID_CAST_ARGUMENT: Value cannot be cast to date: {value}"),
                time if time.starts_with("Time") && !time.starts_with("Timestamp") => {
                    format!("INVALID_CAST_ARGUMENT: Value cannot be cast to time: {value}")
                }
                timestamp if timestamp.starts_with("Timestamp") => {
                    format!("INVALID_CAST_ARGUMENT: Value cannot be cast to timestamp: {value}")
                }
                _ => format!("INVALID_CAST_ARGUMENT: Cannot cast '{value}' to {kind}"),
            };
        }
    }
    // Arithmetic of text (a partition key) with a number, refused while the query is planned.
    if let Some(rest) = text.strip_prefix("Cannot coerce arithmetic expression ") {
        let expression = rest.trim_end_matches(" to valid types");
        let split = ["+", "-", "*", "/", "%"]
            .into_iter()
            .find_map(|op| expression.split_once(&format!(" {op} ")).map(|(left, right)| (left, op, right)));
        if let Some((left, op, right)) = split {
            let [left, right] = [left, right].map(arrow_type_in_trino_words);
            return format!("TYPE_MISMATCH: Cannot apply operator: {left} {op} {right}");
        }
    }
    // A comparison of values of two kinds the engine has no common type of.
    if let Some(rest) = text.strip_prefix("Cannot infer common argument type for comparison operation ") {
        let split = ["<=", ">=", "<>", "!=", "=", "<", ">"]
            .into_iter()
            .find_map(|op| rest.split_once(&format!(" {op} ")).map(|(left, right)| (left, op, right)));
        if let Some((left, op, right)) = split {
            let [left, right] = [left, right].map(|side| arrow_type_in_trino_words(side.trim()));
            let op = if op == "!=" { "<>" } else { op };
            return format!("TYPE_MISMATCH: Cannot apply operator: {left} {op} {right}");
        }
    }
    // Text the engine could not read as a timestamp (a zone it does not know).
    if let Some(value) = quoted_after(text, "Error parsing timestamp from '") {
        return format!("INVALID_CAST_ARGUMENT: Value cannot be cast to timestamp: {value}");
    }
    // A number too large for the whole-number type it is cast to.
    if let Some((value, kind)) =
        text.strip_prefix("Cast error: Can't cast value ").and_then(|rest| rest.rsplit_once(" to type "))
    {
        let whole = [("Int8", "tinyint"), ("Int16", "smallint"), ("Int32", "integer"), ("Int64", "bigint")];
        if let Some((_, trino)) = whole.iter().find(|(arrow, _)| *arrow == kind.trim()) {
            return format!("INVALID_CAST_ARGUMENT: Out of range for {trino}: {value}");
        }
    }
    if let Some(name) = text.strip_prefix("Ambiguous reference to unqualified field ") {
        let name = names::as_written(name.trim().trim_matches('"'));
        return format!("AMBIGUOUS_NAME: {}Column '{name}' is ambiguous", position(sql, name));
    }
    if let Some(rest) = text.strip_prefix("Order by column out of bounds, specified: ") {
        let place = rest.split(',').next().unwrap_or(rest).trim();
        return format!("INVALID_COLUMN_REFERENCE: ORDER BY position {place} is not in select list");
    }
    if text.contains("unnest() can only be applied to") {
        return "NOT_SUPPORTED: the sandbox engine unnests a map into its keys and values, or rows into their fields, only naming each column (FROM UNNEST(m) AS u(k, v), FROM t CROSS JOIN UNNEST(t.m) AS u(k, v))".into();
    }
    // The parser read a form the planner has no plan for (`FROM TABLE(f(…))`, a table
    // function): its node is the planner's debug print, no message for a user.
    if let Some(rest) = text.strip_prefix("Unsupported ast node ") {
        let node = rest.split(|c: char| !c.is_alphanumeric()).next().unwrap_or_default();
        // `TableFunction` → `table function`.
        let node = node.chars().enumerate().fold(String::new(), |mut words, (i, c)| {
            if c.is_uppercase() && i > 0 {
                words.push(' ');
            }
            words.extend(c.to_lowercase());
            words
        });
        let position = rest.find("Location(").map(|at| &rest[at + "Location(".len()..]);
        let at = position
            .and_then(|p| p.split_once(')'))
            .and_then(|(p, _)| p.split_once(','))
            .map(|(line, col)| at(line, col))
            .unwrap_or_default();
        return format!("NOT_SUPPORTED: {at}the sandbox engine has no {node} here ({})", super::RUNS);
    }
    if text.contains("not supported") || text.contains("Unsupported") {
        return format!("NOT_SUPPORTED: {text} ({})", super::RUNS);
    }
    format!("GENERIC_USER_ERROR: {text}")
}

/// The type of the value a function refused, in Trino's words, from DataFusion's list of the
/// signatures it tried (`… requires Int64, but received String (DataType: Utf8).`).
fn given_types(text: &str) -> Option<String> {
    let received = text.split("but received ").nth(1)?;
    let kind = received.split_once("(DataType: ")?.1.split_once(").")?.0;
    Some(arrow_type_in_trino_words(kind))
}

/// An Arrow type's name as a DataFusion message writes it (`Utf8`, `Int64`), in Trino's words.
fn arrow_type_in_trino_words(name: &str) -> String {
    // Arrow reads its own names back (`Decimal128(2, 1)`, `Timestamp(ms)`); `types` names them.
    match name.parse::<datafusion::arrow::datatypes::DataType>() {
        Ok(kind) => super::types::trino_type(&kind),
        Err(_) => name.to_lowercase(),
    }
}

/// DataFusion's own layers ("Error during planning: ", "Execution error: ", …) mean nothing to an Athena user.
fn strip_prefixes(text: &str) -> &str {
    let mut text = text.trim();
    for prefix in [
        "Error during planning: ",
        "Execution error: ",
        "Schema error: ",
        "This feature is not implemented: ",
        "Arrow error: ",
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest.trim();
        }
    }
    text
}

/// "Expected: …, found: x at Line: 1, Column: 8" → the message and (1, 8).
fn split_position(message: &str) -> (&str, Option<(usize, usize)>) {
    let Some(at) = message.rfind(" at Line: ") else { return (message, None) };
    let place = &message[at + " at Line: ".len()..];
    let mut numbers = place.split(", Column: ").map(|n| n.trim().parse::<usize>().ok());
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(line), Some(column)) => (&message[..at], Some((line, column))),
        _ => (message, None),
    }
}

fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let end = text[start..].find('\'')?;
    Some(text[start..start + end].to_string())
}

/// "line L:C: " where `name` first appears as a word in the SQL, or nothing.
pub(super) fn position(sql: &str, name: &str) -> String {
    place(sql, name, 0).map(|(_, line, column)| at(line, column)).unwrap_or_default()
}

/// "line L:C: " of the first `name` at or after the place the parser gave (line and column from
/// 1), or nothing.
pub(super) fn position_after(sql: &str, line: u64, column: u64, name: &str) -> String {
    place(sql, name, byte_at(sql, line, column)).map(|(_, line, column)| at(line, column)).unwrap_or_default()
}

/// "line L:C: " of the last `name` before the place the parser gave (line and column from 1),
/// or nothing.
pub(super) fn position_before(sql: &str, line: u64, column: u64, name: &str) -> String {
    let text = &sql[..byte_at(sql, line, column)];
    let (mut last, mut from) = (None, 0);
    while let Some(found) = place(text, name, from) {
        // (Text that is not ASCII is searched from its start each time.)
        if last.is_some_and(|(before, _, _)| found.0 <= before) {
            break;
        }
        // Past the word's first letter, and the quote before it.
        from = found.0 + 2;
        last = Some(found);
    }
    last.map(|(_, line, column)| at(line, column)).unwrap_or_default()
}

/// The byte of `sql` at a line and column (from 1), or its end.
fn byte_at(sql: &str, line: u64, column: u64) -> usize {
    let line_start: usize = sql.split_inclusive('\n').take(line.saturating_sub(1) as usize).map(str::len).sum();
    sql[line_start..].char_indices().nth(column.saturating_sub(1) as usize).map_or(sql.len(), |(at, _)| line_start + at)
}

/// A place in the SQL as Athena's messages write it: "line L:C: " (line and column from 1).
pub(super) fn at(line: impl std::fmt::Display, column: impl std::fmt::Display) -> String {
    format!("line {line}:{column}: ")
}

/// The byte, line and column (from 1) of the first `name` in `sql` from byte `from` on, as a word.
fn place(sql: &str, name: &str, from: usize) -> Option<(usize, usize, usize)> {
    let lower = sql.to_lowercase();
    let wanted = name.to_lowercase();
    // Lower case is as long as the text only where the text is ASCII; elsewhere from the start.
    let mut from = if lower.len() == sql.len() { from } else { 0 };
    if wanted.is_empty() {
        return None;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    while let Some(found) = lower.get(from..).and_then(|rest| rest.find(&wanted)) {
        let at = from + found;
        let before = lower[..at].chars().next_back();
        let after = lower[at + wanted.len()..].chars().next();
        if !word(before) && !word(after) {
            // A quoted name stands where its quote does.
            let at = if matches!(before, Some('"' | '`')) { at - 1 } else { at };
            let line = lower[..at].matches('\n').count() + 1;
            let column = lower[..at].rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
            return Some((at, line, column));
        }
        from = at + wanted.len().max(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_found_as_words() {
        assert_eq!(position("SELECT x\nFROM events_2, events", "events"), "line 2:16: ");
        assert_eq!(position("select nope", "missing"), "");
        assert_eq!(position("SELECT \"Nope\" FROM t", "nope"), "line 1:8: ");
        assert_eq!(position("select nope", ""), "");
        assert_eq!(
            split_position("Expected: x, found: y at Line: 3, Column: 14"),
            ("Expected: x, found: y", Some((3, 14)))
        );
    }

    #[test]
    fn a_failure_is_the_query_s_the_system_s_or_the_sandbox_s() {
        let user = [
            "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
            "SYNTAX_ERROR: x",
            "DIVISION_BY_ZERO: / by zero",
        ];
        for reason in user {
            assert_eq!(category(reason), ErrorCategory::User, "{reason}");
        }
        let system = [
            "GENERIC_INTERNAL_ERROR: the sandbox engine failed: it was ended by signal 9",
            "HIVE_CANNOT_OPEN_SPLIT: a file of the lake",
            "EXCEEDED_LOCAL_MEMORY_LIMIT: Query exceeded per-node memory limit",
        ];
        for reason in system {
            assert_eq!(category(reason), ErrorCategory::System, "{reason}");
        }
        assert_eq!(
            category("NOT_SUPPORTED: line 1:1: Lambda expression cannot contain subqueries"),
            ErrorCategory::User
        );
        assert_eq!(category(&super::super::not_run_here("DROP TABLE events").unwrap()), ErrorCategory::Other);
        // An Athena function the sandbox lacks is the sandbox's gap; a name nobody has is the query's.
        let lacking = "FUNCTION_NOT_FOUND: line 1:8: Function 'st_point' not registered. The sandbox engine (DataFusion) has no such function";
        assert_eq!(category(lacking), ErrorCategory::Other);
        assert_eq!(category("FUNCTION_NOT_FOUND: line 1:8: Function 'nope' not registered"), ErrorCategory::User);
    }
}
