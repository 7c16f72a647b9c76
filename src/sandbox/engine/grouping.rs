//! Trino's grouping elements that the engine's planner does not read, written as the grouping
//! sets they are:
//! - the empty grouping set, `GROUP BY ()` (one group of every row, as an aggregate without
//!   GROUP BY, but one row even where no aggregate is asked for) and `GROUP BY a, ()` (which is
//!   `GROUP BY a`): `GROUPING SETS (())`. The engine refused "Empty tuple not supported yet".
//! - `ROLLUP` and `CUBE` of column lists, `ROLLUP((a, b), c)`: the sets they stand for,
//!   `GROUPING SETS ((a, b, c), (a, b), ())`. The engine refused "Tuple expressions are not
//!   supported".
//! - HAVING without GROUP BY, which groups by `()` in Trino: `SELECT 1 FROM t HAVING true` is
//!   one row. The engine refused a HAVING without an aggregate.
//! - `GROUP BY (a, b)`: the grouping set of `a` and `b` (the engine read a row of them).
//! - `GROUP BY ALL elements` (the grouping sets as they are) and `GROUP BY DISTINCT elements`
//!   (each set once, whatever the order of its columns), read from the query's words
//!   (`quantifiers`): the engine's parser read `GROUP BY ALL` as its own "group by every column
//!   selected", so `GROUP BY ALL GROUPING SETS ((x), ())` lost its sets, and refused DISTINCT.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{self, Expr, GroupByExpr, Ident, Query, VisitMut, VisitorMut};
use datafusion::logical_expr::sqlparser::keywords::Keyword;
use datafusion::logical_expr::sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};

use super::sql::selects;

/// The most grouping sets a CUBE is written out to (Trino's default bound, `max-grouping-sets`).
const MOST_SETS: usize = 2048;

/// The mark `GROUP BY DISTINCT` leaves before its elements (`quantifiers`): a name no query can
/// write (`names::without_case`).
const DISTINCT_SETS: &str = "$distinct_sets";

/// The query's tokens with each `GROUP BY ALL` and `GROUP BY DISTINCT` before grouping elements
/// read as Trino's grammar reads them (`setQuantifier? groupingElement …`): ALL left out, DISTINCT
/// as the mark `DISTINCT_SETS` before the elements. Either without elements after it (`GROUP BY
/// ALL` alone, the engine's own form) is refused, as Trino's parser refuses it.
pub(super) fn quantifiers(mut tokens: Vec<TokenWithSpan>) -> Result<Vec<TokenWithSpan>, String> {
    let solid: Vec<usize> = (0..tokens.len()).filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_))).collect();
    let keyword = |i: Option<&usize>, k: Keyword| {
        i.is_some_and(|&i| matches!(&tokens[i].token, Token::Word(w) if w.keyword == k && w.quote_style.is_none()))
    };
    let mut edits = Vec::new();
    for at in 0..solid.len() {
        if !(keyword(solid.get(at), Keyword::GROUP) && keyword(solid.get(at + 1), Keyword::BY)) {
            continue;
        }
        let quantifier = solid.get(at + 2);
        let distinct = keyword(quantifier, Keyword::DISTINCT);
        if !(distinct || keyword(quantifier, Keyword::ALL)) {
            continue;
        }
        let after = solid.get(at + 3);
        let ends = after.is_none_or(|&i| match &tokens[i].token {
            Token::RParen | Token::SemiColon | Token::EOF => true,
            Token::Word(w) => w.quote_style.is_none() && ENDS.contains(&w.keyword),
            _ => false,
        });
        let quantifier = solid[at + 2];
        if ends {
            let place = tokens[quantifier].span.start;
            let word = if distinct { "DISTINCT" } else { "ALL" };
            return Err(format!(
                "SYNTAX_ERROR: {}mismatched input '{word}'. GROUP BY {word} is followed by grouping elements in Athena's SQL",
                super::errors::at(place.line, place.column)
            ));
        }
        edits.push((quantifier, distinct));
    }
    for (at, distinct) in edits.into_iter().rev() {
        if distinct {
            let mark = Word { value: DISTINCT_SETS.into(), quote_style: Some('"'), keyword: Keyword::NoKeyword };
            tokens[at].token = Token::Word(mark);
            tokens.insert(at + 1, TokenWithSpan { token: Token::Comma, span: tokens[at].span });
        } else {
            tokens[at].token = Token::Whitespace(Whitespace::Space);
        }
    }
    Ok(tokens)
}

/// The words that end a GROUP BY clause.
const ENDS: &[Keyword] = &[
    Keyword::HAVING,
    Keyword::ORDER,
    Keyword::LIMIT,
    Keyword::OFFSET,
    Keyword::FETCH,
    Keyword::UNION,
    Keyword::INTERSECT,
    Keyword::EXCEPT,
    Keyword::WINDOW,
];

pub(super) fn rewrite(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut Groupings);
}

struct Groupings;

impl VisitorMut for Groupings {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        for select in selects(query.body.as_mut()) {
            if let GroupByExpr::Expressions(keys, _) = &mut select.group_by {
                let distinct =
                    matches!(keys.first(), Some(Expr::Identifier(Ident { value, .. })) if value == DISTINCT_SETS);
                if distinct {
                    keys.remove(0);
                }
                if keys.is_empty() && select.having.is_some() {
                    keys.push(Expr::Tuple(Vec::new()));
                }
                keys.iter_mut().for_each(as_sets);
                if distinct {
                    each_set_once(keys);
                }
            }
        }
        ControlFlow::Continue(())
    }
}

/// A grouping element the engine does not read, as the grouping sets it stands for.
fn as_sets(key: &mut Expr) {
    let unread = match key {
        Expr::Tuple(_) => true,
        Expr::Rollup(lists) | Expr::Cube(lists) => lists.iter().any(|list| list.len() != 1),
        _ => false,
    };
    if let (true, Some(sets)) = (unread, sets_of(key)) {
        *key = Expr::GroupingSets(sets);
    }
}

/// The grouping sets a grouping element stands for; None for one expression, and for a CUBE of
/// more than `MOST_SETS`.
fn sets_of(key: &Expr) -> Option<Vec<Vec<Expr>>> {
    Some(match key {
        Expr::Tuple(parts) => vec![parts.clone()],
        // Each leading part of the lists, the longest first.
        Expr::Rollup(lists) => (0..=lists.len()).rev().map(|n| lists[..n].concat()).collect(),
        Expr::Cube(lists) if lists.len() < usize::BITS as usize && 1usize << lists.len() <= MOST_SETS => {
            let count = 1usize << lists.len();
            // Every choice of the lists, all of them first.
            (0..count)
                .rev()
                .map(|chosen| {
                    lists
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| chosen & (1 << (lists.len() - 1 - i)) != 0)
                        .flat_map(|(_, l)| l.clone())
                        .collect()
                })
                .collect()
        }
        Expr::GroupingSets(sets) => sets.clone(),
        _ => return None,
    })
}

/// `GROUP BY DISTINCT`'s elements as the grouping sets they make together, each set once (two
/// of the same columns in any order are one), as Trino's analyzer keeps them. Past `MOST_SETS`,
/// the elements are left as they are.
fn each_set_once(keys: &mut Vec<Expr>) {
    let mut sets: Vec<Vec<Expr>> = vec![Vec::new()];
    for key in keys.iter() {
        let choices = sets_of(key).unwrap_or_else(|| vec![vec![key.clone()]]);
        if sets.len().saturating_mul(choices.len()) > MOST_SETS {
            return;
        }
        sets = sets
            .iter()
            .flat_map(|set| choices.iter().map(move |choice| [set.clone(), choice.clone()].concat()))
            .collect();
    }
    let mut seen = std::collections::HashSet::new();
    sets.retain(|set| {
        let mut columns: Vec<String> = set.iter().map(ToString::to_string).collect();
        columns.sort();
        columns.dedup();
        seen.insert(columns)
    });
    *keys = match sets.as_slice() {
        [one] if !one.is_empty() => one.clone(),
        _ => vec![Expr::GroupingSets(sets)],
    };
}
