//! The dialect the sandbox reads Athena's SQL in: DataFusion's generic one, with Trino's lambdas
//! (`x -> x + 1`) and two forms DataFusion's parser has no words for, read here as the parser
//! meets them:
//! - `CAST(x AS array(T) | map(K, V) | row(…))` → `"$cast_to"(x, 'array(t)')`, the type in
//!   Trino's words (`cast`; `TRY_CAST` → `"$try_cast_to"`);
//! - `trim(LEADING FROM s)` (spaces; `BOTH`, `TRAILING`).
//!
//! And what it reads at all (`tokens`): a statement's operators are counted before anything
//! walks its tree, and the rows of `VALUES 1, 2` (Trino's; DataFusion's parser wants `VALUES
//! (1), (2)`) are put in parentheses (`ops::athena_values`, as read-only mode reads them).

use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::sqlparser::ast::{CastKind, Expr, TrimWhereField};
use datafusion::logical_expr::sqlparser::dialect::{Dialect, GenericDialect};
use datafusion::logical_expr::sqlparser::keywords::Keyword;
use datafusion::logical_expr::sqlparser::parser::{Parser, ParserError};
use datafusion::logical_expr::sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Whitespace};

use super::cast::{CAST_TO, TRY_CAST_TO};
use super::sql::{call, text_literal};
use super::types;
use crate::ops::athena_values::{rows_in_parentheses, EXPLAINED, LIST_AFTER};

/// DataFusion's generic dialect, with Trino's lambdas.
#[derive(Debug, Default)]
pub struct Athena(GenericDialect);

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

    /// `10_000_000`, as Trino writes numbers.
    fn supports_numeric_literal_underscores(&self) -> bool {
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

/// The tokens of `sql` as the parser is to read them, once the engine can read it at all (at
/// most `MOST_OPERATORS` operators, counted before anything walks its syntax tree, which a
/// longer chain would run out of stack), with each row of a `VALUES` that Trino lets go without
/// parentheses (`VALUES 'a', 'b'`) put in them.
pub fn tokens(sql: &str) -> Result<Vec<TokenWithSpan>> {
    let tokens = Tokenizer::new(&Athena::default(), sql)
        .tokenize_with_location()
        .map_err(|e| DataFusionError::SQL(Box::new(ParserError::TokenizerError(e.to_string())), None))?;
    let operators = tokens.iter().filter(|token| is_operator(&token.token)).count();
    if operators > MOST_OPERATORS {
        return Err(DataFusionError::Plan(format!(
            "NOT_SUPPORTED: the sandbox engine reads at most {MOST_OPERATORS} operators in a statement; this one has {operators}"
        )));
    }
    if let Some(refusal) = not_trinos(&tokens) {
        return Err(DataFusionError::Plan(refusal));
    }
    Ok(angle_types(tables_as_selects(rows_in_parentheses(tokens))))
}

/// Tokens Trino's grammar refuses that the parser here reads: a backquoted identifier (MySQL's,
/// Hive's), `==`, and a comma before FROM (`SELECT a, FROM t`).
fn not_trinos(tokens: &[TokenWithSpan]) -> Option<String> {
    let mut words = tokens.iter().filter(|t| !matches!(t.token, Token::Whitespace(_))).peekable();
    while let Some(token) = words.next() {
        let at = super::errors::at(token.span.start.line, token.span.start.column);
        match &token.token {
            Token::Word(word) if word.quote_style == Some('`') => {
                return Some(format!(
                    "SYNTAX_ERROR: {at}backquoted identifiers are not supported; use double quotes to quote identifiers"
                ));
            }
            Token::DoubleEq => return Some(format!("SYNTAX_ERROR: {at}mismatched input '=='")),
            Token::Comma => {
                if let Some(next) = words.peek().filter(
                    |t| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::FROM && w.quote_style.is_none()),
                ) {
                    let at = super::errors::at(next.span.start.line, next.span.start.column);
                    return Some(format!("SYNTAX_ERROR: {at}mismatched input 'FROM'"));
                }
            }
            _ => {}
        }
    }
    None
}

/// `ARRAY<T>` and `MAP<K, V>` after a cast's `AS` (and inside them) → `ARRAY(T)` and
/// `MAP(K, V)`: Trino's grammar reads the older form of these types too, which the parser does
/// not. The `>>` that closes two of them (`array<array<bigint>>`) closes both.
fn angle_types(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    // How many angle brackets are open, and the last significant token read.
    let (mut open, mut previous) = (0usize, Keyword::NoKeyword);
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        let next = tokens[i + 1..].iter().position(|t| !matches!(t.token, Token::Whitespace(_))).map(|n| i + 1 + n);
        let nested = matches!(&token.token, Token::Word(w) if matches!(w.keyword, Keyword::ARRAY | Keyword::MAP));
        let opens =
            nested && (previous == Keyword::AS || open > 0) && next.is_some_and(|n| tokens[n].token == Token::Lt);
        let as_token = |t: Token| TokenWithSpan { token: t, span: token.span };
        match &token.token {
            _ if opens => {
                let n = next.unwrap_or(i);
                out.extend(tokens[i..n].iter().cloned());
                out.push(TokenWithSpan { token: Token::LParen, span: tokens[n].span });
                open += 1;
                previous = Keyword::NoKeyword;
                i = n + 1;
                continue;
            }
            Token::Gt if open > 0 => {
                out.push(as_token(Token::RParen));
                open -= 1;
            }
            Token::ShiftRight if open > 1 => {
                out.extend([as_token(Token::RParen), as_token(Token::RParen)]);
                open -= 2;
            }
            _ => out.push(token.clone()),
        }
        if !matches!(token.token, Token::Whitespace(_)) {
            previous = match &token.token {
                Token::Word(w) => w.keyword,
                _ => Keyword::NoKeyword,
            };
        }
        i += 1;
    }
    out
}

/// `TABLE t` → `SELECT * FROM t`, where a query starts (first, after a parenthesis, a WITH
/// list, `EXPLAIN` or a part of a UNION) and the name ends the query or its part (what
/// follows is `)`, the end, UNION, INTERSECT, EXCEPT, ORDER BY, LIMIT, OFFSET or FETCH): Trino's
/// short form, which the parser reads nowhere. `TABLE(…)`, `TABLE` after any other word (`SHOW
/// CREATE TABLE t`) and `TABLE t` followed by anything else (`TABLE a, b`, which Trino refuses)
/// stay as written, for the parser to refuse.
fn tables_as_selects(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let significant: Vec<usize> =
        (0..tokens.len()).filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF)).collect();
    let mut rewritten: Vec<usize> = Vec::new();
    for (n, &i) in significant.iter().enumerate() {
        if !matches!(&tokens[i].token, Token::Word(w) if w.keyword == Keyword::TABLE) {
            continue;
        }
        let starts_query = match n.checked_sub(1).map(|p| &tokens[significant[p]].token) {
            None | Some(Token::LParen | Token::RParen) => true,
            Some(Token::Word(w)) => LIST_AFTER.contains(&w.keyword) || EXPLAINED.contains(&w.keyword),
            Some(_) => false,
        };
        // The name: words joined by dots.
        let mut after = n + 1;
        while matches!(significant.get(after).map(|&j| &tokens[j].token), Some(Token::Word(_))) {
            after += 1;
            if !matches!(significant.get(after).map(|&j| &tokens[j].token), Some(Token::Period)) {
                break;
            }
            after += 1;
        }
        let named = after > n + 1 && !matches!(tokens[significant[after - 1]].token, Token::Period);
        let ends_query = match significant.get(after).map(|&j| &tokens[j].token) {
            None | Some(Token::RParen | Token::SemiColon) => true,
            Some(Token::Word(w)) => ENDS_TABLE_QUERY.contains(&w.keyword),
            Some(_) => false,
        };
        if starts_query && named && ends_query {
            rewritten.push(i);
        }
    }
    if rewritten.is_empty() {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len() + 4 * rewritten.len());
    for (i, token) in tokens.into_iter().enumerate() {
        if rewritten.contains(&i) {
            let space = Token::Whitespace(Whitespace::Space);
            let select = [Token::make_keyword("SELECT"), space.clone(), Token::Mul, space, Token::make_keyword("FROM")];
            out.extend(select.map(|t| TokenWithSpan::new(t, token.span)));
        } else {
            out.push(token);
        }
    }
    out
}

/// The words that may follow the name of `TABLE t` (`tables_as_selects`).
const ENDS_TABLE_QUERY: &[Keyword] = &[
    Keyword::UNION,
    Keyword::INTERSECT,
    Keyword::EXCEPT,
    Keyword::ORDER,
    Keyword::LIMIT,
    Keyword::OFFSET,
    Keyword::FETCH,
];

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
    Ok(call(name, vec![value, text_literal(&types::trino_type(&to))]))
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
