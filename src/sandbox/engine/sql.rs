//! Athena's SQL read into DataFusion's: the statement is parsed with lambdas allowed
//! (`x -> x + 1`), then the few forms DataFusion spells otherwise are rewritten on the syntax
//! tree, never on the text (a string literal stays what it is):
//! - `TRY(e)` → `"$try"(0, "$row" -> e)`: the expression as a lambda, so that `$try` can run it
//!   again row by row and answer NULL where it fails;
//! - `CAST(x AS JSON)` → `"$cast_json"(x)` and `JSON '…'` → `json_parse('…')`;
//! - `TIMESTAMP '2012-10-31 01:00 UTC'` (a zone in the literal) → `"$timestamp_tz"('…')`;
//! - `x AT TIME ZONE 'zone'` → `at_timezone(x, 'zone')`;
//! - `array_sort(x)` → `array_sort(x, 'ASC', 'NULLS LAST')` (Trino puts NULLs last), and with a
//!   comparator, `array_sort(x, (a, b) -> …)` → `"$array_sort_by"(x, (a, b) -> …)`;
//! - `regexp_replace(s, p, x -> …)` → `"$regexp_replace_with"(s, p, x -> …)`, and
//!   `regexp_replace(s, p[, r])` → `regexp_replace(s, p, r, 'g')`: every match, as Trino;
//! - `IF(c, a[, b])` → `CASE WHEN c THEN a [ELSE b] END`;
//! - `x[i]` → `"$subscript"(x, i)`: Trino's `[]`, which refuses an index past the end and a key
//!   the map lacks (DataFusion answers NULL, and reads only constant keys);
//! - `U&'…'` (its escapes read by the parser) → `'…'`;
//! - a cast the query leaves unnamed → `… AS "$cast0"` (`UnnamedCasts`): Athena names it by its
//!   place, where DataFusion names it after what it casts and refuses two columns of one name;
//! - `zip(…)` and `map_entries(m)` → `"$anonymous_rows"(…)` around DataFusion's own, whose rows'
//!   fields have names where Trino's have none.
//!
//! Two forms are read by the dialect itself, since DataFusion's parser has no words for them:
//! `CAST(x AS array(T) | map(K, V) | row(…))` → `"$cast_to"(x, 'array(t)')` (`TRY_CAST` →
//! `"$try_cast_to"`),
//! the type in Trino's words (`cast`), and `trim(LEADING FROM s)` (spaces; `BOTH`, `TRAILING`).

use std::ops::ControlFlow;

use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::sqlparser::ast::{
    self, helpers::attached_token::AttachedToken, AccessExpr, CaseWhen, CastKind, DataType, Expr, FunctionArg,
    FunctionArgExpr, FunctionArgumentList, FunctionArguments, Ident, LambdaFunction, LambdaFunctionParameter,
    LambdaSyntax, ObjectName, OneOrManyWithParens, SelectItem, SetExpr, Subscript, TimezoneInfo, TrimWhereField, Value,
    VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::dialect::{Dialect, GenericDialect};
use datafusion::logical_expr::sqlparser::keywords::Keyword;
use datafusion::logical_expr::sqlparser::parser::{Parser, ParserError};
use datafusion::logical_expr::sqlparser::tokenizer::{Token, Tokenizer};
use datafusion::sql::parser::{DFParserBuilder, Statement};

use super::cast::{ANONYMOUS_ROWS, CAST_TO, TRY_CAST_TO};
use super::{datetime, types};

/// DataFusion's generic dialect, with Trino's lambdas.
#[derive(Debug, Default)]
struct Athena(GenericDialect);

macro_rules! same_as_generic {
    ($($name:ident)*) => {
        $(fn $name(&self) -> bool { self.0.$name() })*
    };
}

impl Dialect for Athena {
    /// Behave as the generic dialect wherever the parser asks which dialect it reads.
    fn dialect(&self) -> std::any::TypeId {
        std::any::TypeId::of::<GenericDialect>()
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        self.0.is_delimited_identifier_start(ch)
    }

    fn is_identifier_start(&self, ch: char) -> bool {
        self.0.is_identifier_start(ch)
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        self.0.is_identifier_part(ch)
    }

    fn supports_lambda_functions(&self) -> bool {
        true
    }

    /// Trino's forms DataFusion's parser lacks: `CAST(x AS array(T))` (`map(K, V)`, `row(…)`)
    /// and `trim(LEADING FROM s)`.
    fn parse_prefix(&self, parser: &mut Parser) -> Option<Result<Expr, ParserError>> {
        let Token::Word(word) = parser.peek_token().token else { return None };
        match word.keyword {
            Keyword::CAST | Keyword::TRY_CAST if casts_to_nested(parser) => {
                let kind = if word.keyword == Keyword::CAST { CastKind::Cast } else { CastKind::TryCast };
                Some(nested_cast(parser, kind))
            }
            Keyword::TRIM if trims_spaces(parser) => Some(trim_spaces(parser)),
            _ => None,
        }
    }

    same_as_generic!(
        supports_unicode_string_literal supports_partition_by_after_order_by supports_array_join_syntax
        supports_group_by_expr supports_group_by_with_modifier supports_left_associative_joins_without_parens
        supports_connect_by supports_match_recognize supports_pipe_operator supports_start_transaction_modifier
        supports_window_function_null_treatment_arg supports_dictionary_syntax
        supports_window_clause_named_window_reference supports_parenthesized_set_variables
        supports_select_wildcard_except support_map_literal_syntax allow_extract_custom allow_extract_single_quotes
        supports_extract_comma_syntax supports_create_view_comment_syntax supports_parens_around_table_factor
        supports_values_as_table_factor supports_create_index_with_clause supports_explain_with_utility_options
        supports_limit_comma supports_update_order_by supports_from_first_select supports_projection_trailing_commas
        supports_asc_desc_in_column_definition supports_try_convert supports_bitwise_shift_operators
        supports_comment_on supports_load_extension supports_named_fn_args_with_assignment_operator
        supports_struct_literal supports_empty_projections supports_nested_comments supports_multiline_comment_hints
        supports_user_host_grantee supports_string_escape_constant supports_array_typedef_with_brackets
        supports_match_against supports_set_names supports_comma_separated_set_assignments
        supports_filter_during_aggregation supports_select_wildcard_exclude supports_data_type_signed_suffix
        supports_interval_options supports_quote_delimited_string supports_select_wildcard_replace
        supports_select_wildcard_ilike supports_select_wildcard_rename supports_optimize_table supports_install
        supports_detach supports_prewhere supports_with_fill supports_limit_by supports_interpolate supports_settings
        supports_select_format supports_comment_optimizer_hint supports_constraint_keyword_without_name
        supports_key_column_option supports_comma_separated_trim supports_cte_without_as
        supports_select_item_multi_column_alias supports_xml_expressions
    );
}

/// The most operators (`+`, `=`, `AND`, `||`, `UNION`, …) a statement may hold. A chain of them
/// (`a = 1 OR a = 2 OR …`) is read, planned and optimised depth first, in time that grows
/// faster than its length: a thousand answer in under two seconds on a build from source.
pub const MOST_OPERATORS: usize = 1_000;

/// Whether the engine can read `sql` at all: at most `MOST_OPERATORS` operators (asked before
/// anything walks its syntax tree, which a longer chain would run out of stack).
pub fn within_reach(sql: &str) -> Result<()> {
    let operators = Tokenizer::new(&Athena::default(), sql)
        .tokenize()
        .map_err(|e| DataFusionError::SQL(Box::new(ParserError::TokenizerError(e.to_string())), None))?
        .iter()
        .filter(|token| is_operator(token))
        .count();
    if operators > MOST_OPERATORS {
        return Err(DataFusionError::Plan(format!(
            "NOT_SUPPORTED: the sandbox engine reads at most {MOST_OPERATORS} operators in a statement; this one has {operators}"
        )));
    }
    Ok(())
}

/// The one statement in `sql`, parsed and rewritten for DataFusion.
pub fn statement(sql: &str) -> Result<Statement> {
    within_reach(sql)?;
    let dialect = Athena::default();
    let mut statements = DFParserBuilder::new(sql).with_dialect(&dialect).build()?.parse_statements()?;
    if statements.len() > 1 {
        return Err(DataFusionError::Plan(
            "Only one SQL statement is allowed (the sandbox runs one statement a query)".into(),
        ));
    }
    let Some(mut statement) = statements.pop_front() else {
        return Err(DataFusionError::Plan("No SQL statement was found".into()));
    };
    if let Statement::Statement(inner) = &mut statement {
        let _ = ast::visit_expressions_mut(inner.as_mut(), |expr| {
            rewrite(expr);
            ControlFlow::<()>::Continue(())
        });
        let _ = inner.visit(&mut UnnamedCasts::default());
    }
    Ok(statement)
}

/// The name given to a cast a query leaves unnamed: DataFusion would name it after what it
/// casts (`CAST(a AS varchar), a` then has two columns `a`, which it refuses); Athena names it
/// by its place, `_col0`, as any expression (`column_name` does, for a name that is not a word).
/// Each name is new in the statement, so that a subquery's does not meet its outer query's.
#[derive(Default)]
struct UnnamedCasts {
    named: usize,
}

impl VisitorMut for UnnamedCasts {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        self.name_casts(&mut query.body);
        ControlFlow::Continue(())
    }
}

impl UnnamedCasts {
    fn name_casts(&mut self, body: &mut SetExpr) {
        match body {
            SetExpr::Select(select) => {
                for item in select.projection.iter_mut() {
                    let SelectItem::UnnamedExpr(expr) = item else { continue };
                    let cast = match expr {
                        Expr::Cast { .. } => true,
                        Expr::Function(f) => [CAST_TO, TRY_CAST_TO, "$cast_json"].iter().any(|name| is_call(f, name)),
                        _ => false,
                    };
                    if cast {
                        let alias = Ident::with_quote('"', format!("$cast{}", self.named));
                        self.named += 1;
                        *item = SelectItem::ExprWithAlias { expr: expr.clone(), alias };
                    }
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.name_casts(left);
                self.name_casts(right);
            }
            _ => {}
        }
    }
}

/// The tokens ahead, read one by one and given back when done (each step is one token: a
/// look ahead costs what it reads, where `peek_nth_token(n)` walks all `n` again).
struct Ahead<'p, 'a> {
    parser: &'p mut Parser<'a>,
    read: usize,
}

impl Ahead<'_, '_> {
    fn next(&mut self) -> Token {
        self.read += 1;
        self.parser.next_token().token
    }
}

impl Drop for Ahead<'_, '_> {
    fn drop(&mut self) {
        for _ in 0..self.read {
            self.parser.prev_token();
        }
    }
}

/// A token that joins two expressions (or two queries) into one a level deeper.
fn is_operator(token: &Token) -> bool {
    match token {
        Token::Word(w) => {
            matches!(w.keyword, Keyword::AND | Keyword::OR | Keyword::UNION | Keyword::INTERSECT | Keyword::EXCEPT)
        }
        _ => matches!(
            token,
            Token::Plus
                | Token::Minus
                | Token::Mul
                | Token::Div
                | Token::Mod
                | Token::StringConcat
                | Token::Eq
                | Token::DoubleEq
                | Token::Neq
                | Token::Lt
                | Token::Gt
                | Token::LtEq
                | Token::GtEq
                | Token::Spaceship
                | Token::Ampersand
                | Token::Pipe
                | Token::Caret
                | Token::ShiftLeft
                | Token::ShiftRight
        ),
    }
}

/// Whether the `CAST(` ahead names a nested type after its `AS` (looked at, not read).
fn casts_to_nested(parser: &mut Parser) -> bool {
    let mut ahead = Ahead { parser, read: 0 };
    ahead.next();
    if ahead.next() != Token::LParen {
        return false;
    }
    let mut depth = 0usize;
    loop {
        match ahead.next() {
            Token::LParen => depth += 1,
            Token::RParen if depth == 0 => return false,
            Token::RParen => depth -= 1,
            Token::EOF => return false,
            Token::Word(w) if depth == 0 && w.keyword == Keyword::AS => {
                let nested = matches!(ahead.next(), Token::Word(t) if matches!(t.keyword, Keyword::ARRAY | Keyword::MAP | Keyword::ROW));
                return nested && ahead.next() == Token::LParen;
            }
            _ => {}
        }
    }
}

/// `CAST(x AS type)` → `"$cast_to"(x, 'type')`; `TRY_CAST` → `"$try_cast_to"`, NULL where it fails.
fn nested_cast(parser: &mut Parser, kind: CastKind) -> Result<Expr, ParserError> {
    parser.next_token();
    parser.expect_token(&Token::LParen)?;
    let value = parser.parse_expr()?;
    parser.expect_keyword_is(Keyword::AS)?;
    let to = types::read_type(parser)?;
    parser.expect_token(&Token::RParen)?;
    let name = if kind == CastKind::TryCast { TRY_CAST_TO } else { CAST_TO };
    Ok(call(name, vec![value, Expr::value(Value::SingleQuotedString(types::trino_type(&to)))]))
}

/// Whether the `trim(` ahead is `trim(LEADING FROM s)` (or `BOTH`, `TRAILING`): spaces.
fn trims_spaces(parser: &mut Parser) -> bool {
    let mut ahead = Ahead { parser, read: 0 };
    ahead.next();
    let open = ahead.next() == Token::LParen;
    let side = matches!(ahead.next(), Token::Word(w) if matches!(w.keyword, Keyword::BOTH | Keyword::LEADING | Keyword::TRAILING));
    open && side && matches!(ahead.next(), Token::Word(w) if w.keyword == Keyword::FROM)
}

fn trim_spaces(parser: &mut Parser) -> Result<Expr, ParserError> {
    parser.next_token();
    parser.expect_token(&Token::LParen)?;
    let side = match parser.next_token().token {
        Token::Word(w) if w.keyword == Keyword::LEADING => TrimWhereField::Leading,
        Token::Word(w) if w.keyword == Keyword::TRAILING => TrimWhereField::Trailing,
        _ => TrimWhereField::Both,
    };
    parser.expect_keyword_is(Keyword::FROM)?;
    let value = parser.parse_expr()?;
    parser.expect_token(&Token::RParen)?;
    Ok(Expr::Trim { expr: Box::new(value), trim_where: Some(side), trim_what: None, trim_characters: None })
}

/// `TRY(body)` as the engine runs it: `"$try"(0, "$row" -> body)`.
fn try_call(body: Expr) -> Expr {
    let lambda = Expr::Lambda(LambdaFunction {
        params: OneOrManyWithParens::One(LambdaFunctionParameter {
            name: Ident::with_quote('"', "$row"),
            data_type: None,
        }),
        body: Box::new(body),
        syntax: LambdaSyntax::Arrow,
    });
    call("$try", vec![Expr::value(Value::Number("0".into(), false)), lambda])
}

/// One expression in Athena's spelling → DataFusion's (its parts are rewritten already).
fn rewrite(expr: &mut Expr) {
    let replacement = match expr {
        Expr::Function(function) if function.name.to_string().eq_ignore_ascii_case("try") => {
            match single_argument(&function.args) {
                Some(body) => try_call(body.clone()),
                None => return,
            }
        }
        Expr::Cast { kind: CastKind::Cast | CastKind::DoubleColon, expr: inner, data_type: DataType::JSON, .. } => {
            call("$cast_json", vec![inner.as_ref().clone()])
        }
        Expr::TypedString(typed) => match (&typed.data_type, typed.value.value.clone().into_string()) {
            (DataType::JSON, Some(text)) => call("json_parse", vec![Expr::value(Value::SingleQuotedString(text))]),
            (DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithTimeZone), Some(text))
                if datetime::literal_zone(&text).is_some() =>
            {
                call("$timestamp_tz", vec![Expr::value(Value::SingleQuotedString(text))])
            }
            // `TIMESTAMP '2012-08-08 01:00'`: Trino's seconds are optional, DataFusion's are not.
            (DataType::Timestamp(_, TimezoneInfo::None), Some(text)) => match datetime::full_timestamp(&text) {
                Some(full) => {
                    typed.value.value = Value::SingleQuotedString(full);
                    return;
                }
                None => return,
            },
            _ => return,
        },
        // `array_sort(x, (a, b) -> …)`: the engine's own sort by a comparator.
        Expr::Function(function) if function.name.to_string().eq_ignore_ascii_case("array_sort") => {
            match plain_arguments(&function.args).as_deref() {
                Some([array, comparator @ Expr::Lambda(_)]) => {
                    call("$array_sort_by", vec![array.clone(), comparator.clone()])
                }
                Some([array]) => call(
                    "array_sort",
                    vec![
                        array.clone(),
                        Expr::value(Value::SingleQuotedString("ASC".into())),
                        Expr::value(Value::SingleQuotedString("NULLS LAST".into())),
                    ],
                ),
                _ => return,
            }
        }
        // `regexp_replace(s, p, x -> …)`: the engine's own, a lambda in place of the replacement.
        Expr::Function(function) if is_call(function, "regexp_replace") => {
            match plain_arguments(&function.args).as_deref() {
                Some([text, pattern, replace @ Expr::Lambda(_)]) => {
                    call("$regexp_replace_with", vec![text.clone(), pattern.clone(), replace.clone()])
                }
                // Trino replaces every match (DataFusion the first, without its `g` flag), and
                // takes out what matches when no replacement is given.
                Some([text, pattern]) => {
                    call("regexp_replace", vec![text.clone(), pattern.clone(), text_literal(""), text_literal("g")])
                }
                Some([text, pattern, replacement]) => {
                    call("regexp_replace", vec![text.clone(), pattern.clone(), replacement.clone(), text_literal("g")])
                }
                _ => return,
            }
        }
        // `IF(c, a[, b])` → `CASE WHEN c THEN a [ELSE b] END`.
        Expr::Function(function) if function.name.to_string().eq_ignore_ascii_case("if") => {
            let (condition, result, otherwise) = match plain_arguments(&function.args).as_deref() {
                Some([c, a]) => (c.clone(), a.clone(), None),
                Some([c, a, b]) => (c.clone(), a.clone(), Some(Box::new(b.clone()))),
                _ => return,
            };
            Expr::Case {
                case_token: AttachedToken::empty(),
                end_token: AttachedToken::empty(),
                operand: None,
                conditions: vec![CaseWhen { condition, result }],
                else_result: otherwise,
            }
        }
        // `x[i][j]…`, each `[]` Trino's (a chain with a `.field` or a slice in it stays as it is).
        Expr::CompoundFieldAccess { root, access_chain } => {
            let mut replacement = root.as_ref().clone();
            for access in access_chain {
                let AccessExpr::Subscript(Subscript::Index { index }) = access else { return };
                replacement = call(super::subscript::SUBSCRIPT, vec![replacement, index.clone()]);
            }
            replacement
        }
        // Trino's empty `map()`.
        Expr::Function(function)
            if function.name.to_string().eq_ignore_ascii_case("map")
                && matches!(&function.args, FunctionArguments::List(list) if list.args.is_empty()) =>
        {
            call("map", vec![call("make_array", vec![]), call("make_array", vec![])])
        }
        // Trino's rows of `zip` and `map_entries` have no field names.
        Expr::Function(function) if is_call(function, "zip") || is_call(function, "map_entries") => {
            let Some(args) = plain_arguments(&function.args) else { return };
            let own = if is_call(function, "zip") { "arrays_zip" } else { "map_entries" };
            call(ANONYMOUS_ROWS, vec![call(own, args)])
        }
        // `s.sum` in a lambda whose parameter is `s`: the field of the row `s` (DataFusion would
        // look for a table `s`).
        Expr::Lambda(lambda) => {
            let params: Vec<String> = match &lambda.params {
                OneOrManyWithParens::One(p) => vec![p.name.value.clone()],
                OneOrManyWithParens::Many(ps) => ps.iter().map(|p| p.name.value.clone()).collect(),
            };
            let _ = ast::visit_expressions_mut(lambda.body.as_mut(), |expr| {
                if let Expr::CompoundIdentifier(parts) = expr {
                    if let [row, fields @ ..] = parts.as_slice() {
                        if !fields.is_empty() && params.iter().any(|p| p.eq_ignore_ascii_case(&row.value)) {
                            *expr = fields.iter().fold(Expr::Identifier(row.clone()), |value, field| {
                                let name = Expr::value(Value::SingleQuotedString(types::field_name_of(field)));
                                call("get_field", vec![value, name])
                            });
                        }
                    }
                }
                ControlFlow::<()>::Continue(())
            });
            return;
        }
        // `U&'\+01F600'`, read already: a string like any other.
        Expr::Value(value) => match &value.value {
            Value::UnicodeStringLiteral(text) => Expr::value(Value::SingleQuotedString(text.clone())),
            _ => return,
        },
        Expr::AtTimeZone { timestamp, time_zone } => {
            call("at_timezone", vec![timestamp.as_ref().clone(), time_zone.as_ref().clone()])
        }
        _ => return,
    };
    *expr = replacement;
}

/// Whether `function` calls `name` (quoted or not).
fn is_call(function: &ast::Function, name: &str) -> bool {
    match function.name.0.as_slice() {
        [part] => part.as_ident().is_some_and(|ident| ident.value.eq_ignore_ascii_case(name)),
        _ => false,
    }
}

/// The arguments of a call, when all are plain expressions.
fn plain_arguments(args: &FunctionArguments) -> Option<Vec<Expr>> {
    match args {
        FunctionArguments::List(list) if list.clauses.is_empty() => list
            .args
            .iter()
            .map(|arg| match arg {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn single_argument(args: &FunctionArguments) -> Option<&Expr> {
    match args {
        FunctionArguments::List(list) if list.args.len() == 1 && list.clauses.is_empty() => match &list.args[0] {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr),
            _ => None,
        },
        _ => None,
    }
}

fn text_literal(text: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(text.into()))
}

/// A call of `name`: a name starting with `$` is the engine's own, quoted so that it is
/// found as written.
fn call(name: &str, args: Vec<Expr>) -> Expr {
    let ident = if name.starts_with('$') { Ident::with_quote('"', name) } else { Ident::new(name) };
    Expr::Function(ast::Function {
        name: ObjectName::from(vec![ident]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args.into_iter().map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e))).collect(),
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(sql: &str) -> String {
        statement(sql).unwrap().to_string()
    }

    #[test]
    fn athena_forms_become_calls_and_literals_stay_literals() {
        assert_eq!(rewritten("SELECT TIMESTAMP '2012-08-08 01:00'"), "SELECT TIMESTAMP '2012-08-08 01:00:00'");
        assert_eq!(rewritten("SELECT array_sort(a)"), "SELECT array_sort(a, 'ASC', 'NULLS LAST')");
        assert_eq!(rewritten("SELECT TRY(1 / x) FROM t"), r#"SELECT "$try"(0, "$row" -> 1 / x) FROM t"#);
        assert_eq!(rewritten("SELECT CAST(a AS JSON)"), r#"SELECT "$cast_json"(a) AS "$cast0""#);
        assert_eq!(rewritten("SELECT JSON '[1]'"), "SELECT json_parse('[1]')");
        assert_eq!(
            rewritten("SELECT TIMESTAMP '2012-10-31 01:00 UTC' AT TIME ZONE 'America/Los_Angeles'"),
            r#"SELECT at_timezone("$timestamp_tz"('2012-10-31 01:00 UTC'), 'America/Los_Angeles')"#
        );
        assert_eq!(rewritten("SELECT 'CAST(a AS JSON)', 'TRY(1)'"), "SELECT 'CAST(a AS JSON)', 'TRY(1)'");
        assert_eq!(rewritten("SELECT transform(a, x -> x + 1)"), "SELECT transform(a, x -> x + 1)");
        assert_eq!(
            rewritten("SELECT array_sort(a, (x, y) -> IF(x < y, 1, -1))"),
            r#"SELECT "$array_sort_by"(a, (x, y) -> CASE WHEN x < y THEN 1 ELSE -1 END)"#
        );
        assert_eq!(rewritten("SELECT IF(a > 1, 'big')"), "SELECT CASE WHEN a > 1 THEN 'big' END");
        assert_eq!(
            rewritten("SELECT m[k], m['k'], a[1][2], s.f[1]"),
            "SELECT \"$subscript\"(m, k), \"$subscript\"(m, 'k'), \"$subscript\"(\"$subscript\"(a, 1), 2), s.f[1]"
        );
        assert!(statement("SELECT 1; SELECT 2").is_err());
    }

    #[test]
    fn trino_forms_datafusion_cannot_parse_are_read_by_the_dialect() {
        assert_eq!(
            rewritten("SELECT CAST(json_extract(p, '$.a') AS ARRAY(VARCHAR)) FROM t"),
            r#"SELECT "$cast_to"(json_extract(p, '$.a'), 'array(varchar)') AS "$cast0" FROM t"#
        );
        assert_eq!(
            rewritten("SELECT CAST((a + 1) * 2 AS MAP(VARCHAR, ROW(X INT, y ARRAY(DOUBLE)))) + 1"),
            r#"SELECT "$cast_to"((a + 1) * 2, 'map(varchar, row(x integer, y array(double)))') + 1"#
        );
        assert_eq!(
            rewritten("SELECT TRY_CAST(a AS ROW(BIGINT, VARCHAR))"),
            r#"SELECT "$try_cast_to"(a, 'row(bigint, varchar)') AS "$cast0""#
        );
        // A cast to a type DataFusion reads is left to it, whatever is inside.
        assert_eq!(rewritten("SELECT CAST(f(a, b) AS INTEGER) x"), "SELECT CAST(f(a, b) AS INTEGER) AS x");
        assert_eq!(
            rewritten("SELECT CAST(CAST(a AS ARRAY(INT)) AS VARCHAR) x"),
            r#"SELECT CAST("$cast_to"(a, 'array(integer)') AS VARCHAR) AS x"#
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
            "SELECT transform(a, r -> get_field(r, 'x') + s.y + get_field(get_field(r, 'b'), 'c'))"
        );
        assert_eq!(
            rewritten("SELECT CAST(a AS INT), a, CAST(b AS ARRAY(INT)), CAST(c AS INT) AS c FROM (SELECT CAST(d AS INT) FROM t UNION SELECT TRY_CAST(e AS ROW(INT)))"),
            r#"SELECT CAST(a AS INT) AS "$cast0", a, "$cast_to"(b, 'array(integer)') AS "$cast1", CAST(c AS INT) AS c FROM (SELECT CAST(d AS INT) AS "$cast2" FROM t UNION SELECT "$try_cast_to"(e, 'row(integer)') AS "$cast3")"#
        );
        assert_eq!(
            rewritten(
                "SELECT regexp_replace(a, 'x') r, regexp_replace(a, 'x', 'y') s, regexp_replace(a, 'x', g -> g[1]) t"
            ),
            r#"SELECT regexp_replace(a, 'x', '', 'g') AS r, regexp_replace(a, 'x', 'y', 'g') AS s, "$regexp_replace_with"(a, 'x', g -> "$subscript"(g, 1)) AS t"#
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
                let long =
                    format!("SELECT CAST({}1 AS ARRAY(INT)), CAST(b AS INT) x", "f(1) || ".repeat(MOST_OPERATORS));
                rewritten(&long)
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(
            long.ends_with(r#"f(1) || 1, 'array(integer)') AS "$cast0", CAST(b AS INT) AS x"#),
            "{}",
            &long[long.len() - 80..]
        );
        // A longer one is refused before it is parsed.
        let chain = format!("SELECT 1{}", " OR a = 1".repeat(MOST_OPERATORS / 2 + 1));
        assert!(refused(&chain).contains(
            "NOT_SUPPORTED: the sandbox engine reads at most 1000 operators in a statement; this one has 1002"
        ));
        assert!(statement("SELECT CAST(a AS ARRAY(INT) x)").is_err());
    }
}
