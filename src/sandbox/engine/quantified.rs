//! Subquery predicates in a SELECT list, which DataFusion plans only in a WHERE clause
//! (elsewhere its plan fails with "Physical plan does not support logical expression Exists"):
//! the subquery's rows are gathered once, by a scalar subquery, which it plans anywhere, and the
//! left side is compared with them by the functions of a lambda, whose answers for NULLs are
//! SQL's for these predicates:
//! - `x op ANY (q)` (`SOME`, `x IN (q)`) → `any_match(rows, e -> x op e)`: true when it holds for
//!   some row, else NULL when it is unknown for some, else false (false for no rows);
//! - `x op ALL (q)` → `NOT any_match(rows, e -> NOT (x op e))`: false when it fails for some
//!   row, else NULL when it is unknown for some, else true (true for no rows);
//! - `EXISTS (q)` → `(SELECT count(*) > 0 FROM (q))`.
//!
//! `NOT IN` and `NOT EXISTS` are the negations of these. A subquery that reads the outer
//! query's columns stays correlated, and the engine refuses it in a SELECT list.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    BinaryOperator, Expr, Ident, Query, TableFactor, UnaryOperator, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::parser::Parser;

use super::dialect::Athena;

/// Rewrites the subquery predicates of a SELECT list's item `expr` that are not inside a query
/// of it (those are their own lists' or in their WHERE clauses).
pub(super) fn in_select_item(expr: &mut Expr) {
    let _ = expr.visit(&mut OutsideSubqueries { depth: 0 });
}

struct OutsideSubqueries {
    depth: usize,
}

impl VisitorMut for OutsideSubqueries {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if self.depth == 0 {
            if let Some(form) = gathered_form(expr) {
                *expr = form;
            }
        }
        ControlFlow::Continue(())
    }
}

/// `expr` with its subquery gathered once, when it is a subquery predicate.
fn gathered_form(expr: &Expr) -> Option<Expr> {
    let (left, op, query, any, negated) = match expr {
        Expr::AnyOp { left, compare_op, right, .. } => match right.as_ref() {
            Expr::Subquery(query) => (Some(left), compare_op, query, true, false),
            _ => return None,
        },
        Expr::AllOp { left, compare_op, right } => match right.as_ref() {
            Expr::Subquery(query) => (Some(left), compare_op, query, false, false),
            _ => return None,
        },
        Expr::InSubquery { expr, subquery, negated } => (Some(expr), &BinaryOperator::Eq, subquery, true, *negated),
        Expr::Exists { subquery, negated } => (None, &BinaryOperator::Eq, subquery, true, *negated),
        _ => return None,
    };
    // `"$x"` stands for the left side and `(SELECT 1) AS "$q"` for the subquery.
    let rows = r#"coalesce((SELECT array_agg("$v") FROM (SELECT 1) AS "$q" ("$v")), make_array())"#;
    let sql = match left {
        Some(_) if any => format!(r#"any_match({rows}, "$e" -> "$x" {op} "$e")"#),
        Some(_) => format!(r#"NOT any_match({rows}, "$e" -> NOT ("$x" {op} "$e"))"#),
        None => r#"(SELECT count(*) > 0 FROM (SELECT 1) AS "$q")"#.to_string(),
    };
    // The text is this module's own: it always parses.
    let mut form = Parser::new(&Athena::default()).try_with_sql(&sql).ok()?.parse_expr().ok()?;
    if let Some(left) = left {
        let _ = form.visit(&mut Splice::Left(left.clone()));
    }
    let _ = form.visit(&mut Splice::Rows(query.clone()));
    Some(if negated { Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(form) } } else { form })
}

/// Puts the predicate's parts in the form: the left side where `"$x"` is, the subquery where
/// `(SELECT 1) AS "$q"` is (the left side first, so that the user's subquery is not searched).
enum Splice {
    Left(Box<Expr>),
    Rows(Box<Query>),
}

impl VisitorMut for Splice {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let (Splice::Left(left), Expr::Identifier(Ident { value, .. })) = (&*self, &*expr) {
            if value == "$x" {
                *expr = left.as_ref().clone();
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let (Splice::Rows(rows), TableFactor::Derived { subquery, alias: Some(alias), .. }) = (&*self, factor) {
            if alias.name.value == "$q" {
                *subquery = rows.clone();
            }
        }
        ControlFlow::Continue(())
    }
}
