//! Subquery predicates in a SELECT list, which DataFusion plans only in a WHERE clause
//! (elsewhere its plan fails with "Physical plan does not support logical expression Exists"):
//! each becomes a scalar subquery, which it plans anywhere, with SQL's answer for NULLs.
//! - `x op ANY (q)` (`SOME`, `x IN (q)`): true when `x op v` holds for some row `v` of `q`, else
//!   NULL when it is unknown for some, else false (and false for no rows);
//! - `x op ALL (q)`: false when it fails for some row, else NULL when it is unknown for some,
//!   else true (and true for no rows);
//! - `EXISTS (q)`: whether `q` has a row.
//!
//! `NOT IN` and `NOT EXISTS` are the negations of these.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, Expr, Ident, Query, SelectItem, SetExpr, TableFactor, UnaryOperator, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::parser::Parser;

use super::dialect::Athena;

/// The subquery predicates of `select`'s list, as scalar subqueries (those of the queries in it
/// are their own lists' or in their WHERE clauses).
pub(super) fn in_select_list(select: &mut ast::Select) {
    for item in select.projection.iter_mut() {
        let (SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. }) = item else { continue };
        let _ = expr.visit(&mut OutsideSubqueries { depth: 0 });
    }
}

/// Rewrites the predicates of an expression that are not inside a query of it.
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
            if let Some(scalar) = scalar_form(expr) {
                *expr = scalar;
            }
        }
        ControlFlow::Continue(())
    }
}

/// `expr` as a scalar subquery, when it is a subquery predicate.
fn scalar_form(expr: &Expr) -> Option<Expr> {
    let (left, op, query, any, negated) = match expr {
        Expr::AnyOp { left, compare_op, right, .. } => match right.as_ref() {
            Expr::Subquery(query) => (Some(left), compare_op.clone(), query, true, false),
            _ => return None,
        },
        Expr::AllOp { left, compare_op, right } => match right.as_ref() {
            Expr::Subquery(query) => (Some(left), compare_op.clone(), query, false, false),
            _ => return None,
        },
        Expr::InSubquery { expr, subquery, negated } => (Some(expr), BinaryOperator::Eq, subquery, true, *negated),
        Expr::Exists { subquery, negated } => (None, BinaryOperator::Eq, subquery, true, *negated),
        _ => return None,
    };
    let answer = match left {
        // `"$x"` stands for the left side, `"$v"` for each row's value.
        Some(_) if any => format!(
            r#"CASE WHEN bool_or("$x" {op} "$v") THEN true WHEN count("$x" {op} "$v") < count(*) THEN NULL ELSE false END"#
        ),
        Some(_) => format!(
            r#"CASE WHEN NOT bool_and("$x" {op} "$v") THEN false WHEN count("$x" {op} "$v") < count(*) THEN NULL ELSE true END"#
        ),
        None => "count(*) > 0".to_string(),
    };
    // The rows' one column named `"$v"` (EXISTS reads any number of columns).
    let columns = if left.is_some() { r#"("$v")"# } else { "" };
    let sql = format!(r#"SELECT {answer} FROM (SELECT 1) AS "$q"{columns}"#);
    let mut form = parse(&sql)?;
    let SetExpr::Select(select) = form.body.as_mut() else { return None };
    let TableFactor::Derived { subquery, .. } = &mut select.from.first_mut()?.relation else { return None };
    *subquery = query.clone();
    if let Some(left) = left {
        let _ = form.visit(&mut Placeholder { name: "$x", value: left.as_ref().clone() });
    }
    let scalar = Expr::Subquery(form);
    Some(if negated { Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(scalar) } } else { scalar })
}

/// `sql`, one query in the sandbox's dialect.
fn parse(sql: &str) -> Option<Box<Query>> {
    Parser::new(&Athena::default()).try_with_sql(sql).ok()?.parse_query().ok()
}

/// Puts `value` where the identifier `name` is (outside the subquery the form reads).
struct Placeholder {
    name: &'static str,
    value: Expr,
}

impl VisitorMut for Placeholder {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if matches!(expr, Expr::Identifier(Ident { value, .. }) if value == self.name) {
            *expr = self.value.clone();
        }
        ControlFlow::Continue(())
    }
}
