//! `[OFFSET n ROWS] FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY`, the SQL standard's LIMIT, which
//! Trino reads and DataFusion does not: written as `LIMIT n [OFFSET n]` (`FETCH FIRST ROW ONLY`
//! is one row). `FETCH FIRST n ROWS WITH TIES` keeps the rows that tie with the last one kept,
//! as a rank over the ORDER BY keys:
//!
//! `SELECT a, b FROM t ORDER BY b DESC FETCH FIRST 2 ROWS WITH TIES` →
//! `SELECT a, b FROM t QUALIFY rank() OVER (ORDER BY b DESC) <= 2 ORDER BY b DESC`
//!
//! (an ORDER BY name of an output column, or its place, read as that column's expression).
//!
//! An OFFSET without a LIMIT inside the statement (a subquery's, a WITH query's) is given a LIMIT
//! of more rows than any table holds: the engine's physical plan moved an outer ORDER BY below a
//! bare OFFSET, which then skipped the outer order's first rows, not the subquery's (`SELECT * FROM
//! (SELECT x FROM t ORDER BY x DESC OFFSET 1) ORDER BY x` dropped the least, not the greatest).

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, Expr, LimitClause, OrderByExpr, OrderByKind, Query, SelectItem, SetExpr, Value, VisitMut,
    VisitorMut, WindowType,
};
use datafusion::logical_expr::sqlparser::keywords::Keyword;
use datafusion::logical_expr::sqlparser::parser::Parser;
use datafusion::logical_expr::sqlparser::tokenizer::{Token, TokenWithSpan};

use super::dialect::Athena;

/// Writes each `FETCH … ONLY` of `statement` as a LIMIT, and each `FETCH … WITH TIES` as a rank.
pub(super) fn rewrite(statement: &mut ast::Statement) -> Result<(), String> {
    match statement.visit(&mut FetchAsLimit { root: true }) {
        ControlFlow::Break(why) => Err(why),
        ControlFlow::Continue(()) => Ok(()),
    }
}

/// `root`: whether the next query met is the statement's own (the first the visit meets).
struct FetchAsLimit {
    root: bool,
}

/// The LIMIT given an OFFSET inside the statement (and a sampled subquery, `sample`): 2^48 rows,
/// far past any table's, and far from overflowing when the engine adds the offset to it.
pub(super) fn every_row() -> Expr {
    Expr::value(Value::Number("281474976710656".into(), false))
}

impl VisitorMut for FetchAsLimit {
    type Break = String;

    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<String> {
        let inner = !std::mem::replace(&mut self.root, false);
        if let Some(LimitClause::LimitOffset { limit: limit @ None, offset: Some(_), .. }) = &mut query.limit_clause {
            if inner && query.fetch.is_none() {
                *limit = Some(every_row());
            }
        }
        if query.fetch.as_ref().is_some_and(|fetch| fetch.with_ties) {
            return match with_ties(query) {
                Ok(()) => ControlFlow::Continue(()),
                Err(why) => ControlFlow::Break(why),
            };
        }
        let Some(fetch) = query.fetch.take_if(|fetch| !fetch.percent) else {
            return ControlFlow::Continue(());
        };
        let limit = Some(fetch.quantity.clone().unwrap_or_else(one));
        query.limit_clause = match query.limit_clause.take() {
            None => Some(LimitClause::LimitOffset { limit, offset: None, limit_by: Vec::new() }),
            Some(LimitClause::LimitOffset { limit: None, offset, limit_by }) => {
                Some(LimitClause::LimitOffset { limit, offset, limit_by })
            }
            // A LIMIT and a FETCH both: left to the engine's refusal.
            other => {
                query.fetch = Some(fetch);
                other
            }
        };
        ControlFlow::Continue(())
    }
}

fn one() -> Expr {
    Expr::value(Value::Number("1".into(), false))
}

/// What the engine cannot rank: say so, and how to keep the ties by hand.
fn not_supported(what: &str) -> String {
    format!(
        "NOT_SUPPORTED: FETCH FIRST … WITH TIES {what} is not in the sandbox engine; keep the ties with \
         rank() OVER (ORDER BY …) <= n in a subquery"
    )
}

/// `query`'s `FETCH FIRST n ROWS WITH TIES` as the rows whose rank over its ORDER BY is at most n.
fn with_ties(query: &mut Query) -> Result<(), String> {
    let Some(order_by) = query.order_by.as_ref() else {
        return Err("MISSING_ORDER_BY: FETCH FIRST WITH TIES clause requires ORDER BY".into());
    };
    let fetch = query.fetch.as_ref().map(|fetch| (fetch.percent, fetch.quantity.clone()));
    let Some((false, quantity)) = fetch else { return Err(not_supported("of a percentage")) };
    if query.limit_clause.is_some() {
        return Err(not_supported("after an OFFSET"));
    }
    let OrderByKind::Expressions(keys) = &order_by.kind else { return Err(not_supported("with ORDER BY ALL")) };
    let SetExpr::Select(select) = query.body.as_mut() else {
        return Err(not_supported("of a UNION, INTERSECT, EXCEPT or VALUES"));
    };
    // A rank beside DISTINCT would count the rows it removes.
    if select.distinct.is_some() {
        return Err(not_supported("of a SELECT DISTINCT"));
    }
    let mut ranked = Vec::with_capacity(keys.len());
    for key in keys {
        let expr = output_expression(&key.expr, &select.projection)?;
        if is_windowed(&expr) {
            return Err(not_supported("ordered by a window function"));
        }
        ranked.push(OrderByExpr { expr, options: key.options, with_fill: None });
    }
    let mut rank = parsed_expression("rank() OVER ()")?;
    if let Expr::Function(function) = &mut rank {
        if let Some(WindowType::WindowSpec(spec)) = &mut function.over {
            spec.order_by = ranked;
        }
    }
    let kept = Expr::BinaryOp {
        left: Box::new(rank),
        op: BinaryOperator::LtEq,
        right: Box::new(quantity.unwrap_or_else(one)),
    };
    super::sql::and_also(&mut select.qualify, kept);
    query.fetch = None;
    Ok(())
}

/// Whether `expr` calls a window function (`… OVER (…)`), which a window cannot order by.
fn is_windowed(expr: &Expr) -> bool {
    let found = ast::visit_expressions(expr, |e| match e {
        Expr::Function(function) if function.over.is_some() => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    });
    found.is_break()
}

/// An ORDER BY key as the SELECT list has it: a place (`2`) or the name of an output column
/// (`n` of `count(*) AS n`, also inside an expression: `-n`) is that column's expression, for a
/// window cannot read either.
fn output_expression(key: &Expr, projection: &[SelectItem]) -> Result<Expr, String> {
    let of = |item: &SelectItem| match item {
        SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => Ok(expr.clone()),
        _ => Err(not_supported("ordered by the place of a *")),
    };
    let is_star = |item: &SelectItem| matches!(item, SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..));
    match key {
        Expr::Value(value) => match &value.value {
            Value::Number(place, _) => match place.parse::<usize>().ok().filter(|p| *p >= 1) {
                // A `*` at or before the place: which column it is depends on the tables.
                Some(p) if projection.iter().take(p).any(is_star) => Err(not_supported("ordered by the place of a *")),
                Some(p) if p <= projection.len() => of(&projection[p - 1]),
                _ => Err(format!("INVALID_COLUMN_REFERENCE: ORDER BY position {place} is not in select list")),
            },
            _ => Ok(key.clone()),
        },
        Expr::Identifier(name) => {
            let named = projection.iter().find(|item| {
                matches!(item, SelectItem::ExprWithAlias { alias, .. } if alias.value.eq_ignore_ascii_case(&name.value))
            });
            named.map(of).unwrap_or_else(|| Ok(key.clone()))
        }
        _ => {
            let mut key = key.clone();
            let _ = ast::visit_expressions_mut(&mut key, |e| {
                if let Expr::Identifier(name) = e {
                    let aliased = projection.iter().find_map(|item| match item {
                        SelectItem::ExprWithAlias { expr, alias } if alias.value.eq_ignore_ascii_case(&name.value) => {
                            Some(expr.clone())
                        }
                        _ => None,
                    });
                    if let Some(aliased) = aliased {
                        *e = Expr::Nested(Box::new(aliased));
                    }
                }
                ControlFlow::<()>::Continue(())
            });
            Ok(key)
        }
    }
}

fn parsed_expression(sql: &str) -> Result<Expr, String> {
    Parser::new(&Athena::default())
        .try_with_sql(sql)
        .and_then(|mut parser| parser.parse_expr())
        .map_err(|e| e.to_string())
}

/// Trino's refusal of an OFFSET written after a LIMIT of the same query (`LIMIT 10 OFFSET 20`,
/// PostgreSQL's order), which DataFusion read; Trino's grammar takes `OFFSET n LIMIT m` only.
/// The words are Trino's non-reserved ones, so a clause is known by what follows it: LIMIT a
/// count or ALL, OFFSET a count (`SELECT limit, offset FROM t` names two columns).
pub(super) fn offset_after_limit(tokens: &[TokenWithSpan]) -> Option<String> {
    let tokens: Vec<&TokenWithSpan> = tokens.iter().filter(|t| !matches!(t.token, Token::Whitespace(_))).collect();
    let count = |at: usize| matches!(tokens.get(at).map(|t| &t.token), Some(Token::Number(..) | Token::Placeholder(_)));
    let all = |at: usize| matches!(tokens.get(at).map(|t| &t.token), Some(Token::Word(w)) if w.keyword == Keyword::ALL);
    // For each depth of parentheses, whether a LIMIT was read at it.
    let mut limited = vec![false];
    for (at, token) in tokens.iter().enumerate() {
        match &token.token {
            Token::LParen => limited.push(false),
            Token::RParen if limited.len() > 1 => {
                limited.pop();
            }
            Token::Word(word) if word.keyword == Keyword::LIMIT && (count(at + 1) || all(at + 1)) => {
                if let Some(last) = limited.last_mut() {
                    *last = true;
                }
            }
            Token::Word(word) if word.keyword == Keyword::OFFSET && count(at + 1) && limited.last() == Some(&true) => {
                let at = super::errors::at(token.span.start.line, token.span.start.column);
                return Some(format!(
                    "SYNTAX_ERROR: {at}mismatched input 'OFFSET'. Athena's SQL writes OFFSET before LIMIT (OFFSET n LIMIT m)"
                ));
            }
            _ => {}
        }
    }
    None
}
