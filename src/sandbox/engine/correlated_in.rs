//! `x IN (q)` (`= ANY`, and their negations) in a SELECT list where `q` is a plain SELECT … FROM
//! … WHERE of one value that reads the outer query's columns: `user_id IN (SELECT user_id FROM
//! events i WHERE i.country = o.country)`. `quantified` gathers a subquery's values once, in a
//! set; a correlated one was gathered again for each outer row, each an array of its matching
//! rows, which took minutes over the sandbox's events. Here it is asked as two questions the engine
//! answers by joins it hashes, with `quantified`'s `$in_answer`:
//!
//! `"$in_answer"((SELECT count(*) > 0 FROM … WHERE (cond) AND value = x), x IS NULL,
//! (SELECT <the rows' kind> FROM … WHERE cond))`
//!
//! whether a row equals `x`, and what the rows say of NULL (none, values alone, a NULL among them).
//!
//! `x` is put inside the subquery, so it must read the outer query and not the subquery: each of
//! its names qualified by a relation the subquery does not have, or, bare, read as the outer
//! query's one relation. Otherwise, and for every other shape, `quantified`'s form stays.

use std::collections::HashSet;
use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    visit_expressions, visit_relations, BinaryOperator, Expr, GroupByExpr, Ident, Query, SelectItem, SetExpr,
    TableFactor, TableWithJoins, Visit, Visitor,
};

use super::quantified::{aggregates as is_aggregating, in_answer_form};

/// The name the outer query's one relation is read by (`FROM events o` → `o`, `FROM events` →
/// `events`), lower case; `None` for a join, several relations or none.
pub(super) fn outer_name(from: &[TableWithJoins]) -> Option<Ident> {
    let [TableWithJoins { relation, joins }] = from else { return None };
    if !joins.is_empty() {
        return None;
    }
    match relation {
        TableFactor::Table { alias: Some(alias), .. } | TableFactor::Derived { alias: Some(alias), .. } => {
            Some(alias.name.clone())
        }
        TableFactor::Table { name, .. } => name.0.last()?.as_ident().cloned(),
        _ => None,
    }
}

/// Rewrites each correlated IN of `expr` (not inside a query of it) that has the shape above.
pub(super) fn rewrite(expr: &mut Expr, outer: Option<&Ident>) {
    super::sql::own_expressions(expr, 0, |expr| {
        if let Expr::InSubquery { expr: left, subquery, negated } = expr {
            if let Some(form) = joined_form(left, subquery, *negated, outer) {
                *expr = form;
            }
        }
    });
}

fn joined_form(left: &Expr, query: &Query, negated: bool, outer: Option<&Ident>) -> Option<Expr> {
    let SetExpr::Select(select) = query.body.as_ref() else { return None };
    let plain = query.with.is_none() && query.limit_clause.is_none() && query.fetch.is_none();
    let ungrouped = matches!(&select.group_by, GroupByExpr::Expressions(keys, _) if keys.is_empty());
    let simple = ungrouped && select.having.is_none() && select.qualify.is_none() && select.named_window.is_empty();
    let [SelectItem::UnnamedExpr(value) | SelectItem::ExprWithAlias { expr: value, .. }] = select.projection.as_slice()
    else {
        return None;
    };
    if !(plain && simple) || is_aggregating(value) || is_aggregating(left) || holds_query(left) {
        return None;
    }
    let inner = relation_names(query);
    if !reads_outside(query, &inner) {
        return None;
    }
    let left = outer_reading(left, &inner, outer)?;
    // Whether a row equals `x`: its conditions and the equality, one join on both.
    let mut found = query.clone();
    found.order_by = None;
    let SetExpr::Select(found_select) = found.body.as_mut() else { return None };
    found_select.distinct = None;
    let count = super::quantified::parsed("count(*) > 0")?;
    found_select.projection = vec![SelectItem::UnnamedExpr(count)];
    let equal = Expr::BinaryOp {
        left: Box::new(Expr::Nested(Box::new(value.clone()))),
        op: BinaryOperator::Eq,
        right: Box::new(Expr::Nested(Box::new(left.clone()))),
    };
    super::sql::and_also(&mut found_select.selection, equal);
    in_answer_form(Expr::Subquery(Box::new(found)), &left, query, negated)
}

/// Whether `expr` holds a query.
fn holds_query(expr: &Expr) -> bool {
    visit_expressions(expr, |e| match e {
        Expr::Subquery(_) | Expr::InSubquery { .. } | Expr::Exists { .. } => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}

/// Every name a relation is read by anywhere in `query` (its aliases, its tables' names, its WITH
/// queries'), lower case.
fn relation_names(query: &Query) -> HashSet<String> {
    struct Names(HashSet<String>);
    impl Visitor for Names {
        type Break = ();
        fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
            let alias = match factor {
                TableFactor::Table { alias, .. }
                | TableFactor::Derived { alias, .. }
                | TableFactor::UNNEST { alias, .. }
                | TableFactor::NestedJoin { alias, .. } => alias.as_ref(),
                _ => None,
            };
            self.0.extend(alias.map(|a| a.name.value.to_lowercase()));
            ControlFlow::Continue(())
        }
        fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
            if let Some(with) = &query.with {
                self.0.extend(with.cte_tables.iter().map(|cte| cte.alias.name.value.to_lowercase()));
            }
            ControlFlow::Continue(())
        }
    }
    let mut names = Names(HashSet::new());
    let _ = query.visit(&mut names);
    let _ = visit_relations(query, |name| {
        names.0.extend(name.0.last().and_then(|part| part.as_ident()).map(|i| i.value.to_lowercase()));
        ControlFlow::<()>::Continue(())
    });
    names.0
}

/// Whether `query` reads a column by a relation's name it does not have (`o.country`).
fn reads_outside(query: &Query, inner: &HashSet<String>) -> bool {
    visit_expressions(query, |e| match e {
        Expr::CompoundIdentifier(parts) if parts.len() >= 2 && !inner.contains(&parts[0].value.to_lowercase()) => {
            ControlFlow::Break(())
        }
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}

/// `left` as the subquery would read it as the outer query's: each bare name qualified by the
/// outer relation's; `None` when a name could be read as the subquery's.
fn outer_reading(left: &Expr, inner: &HashSet<String>, outer: Option<&Ident>) -> Option<Expr> {
    let outer = outer.filter(|o| !inner.contains(&o.value.to_lowercase()));
    let mut read = left.clone();
    let mut fits = true;
    super::sql::own_expressions_in_scope(&mut read, 0, |expr, bound| match expr {
        Expr::Identifier(name) if !bound.contains(&name.value.to_lowercase()) => match outer {
            Some(outer) => *expr = Expr::CompoundIdentifier(vec![outer.clone(), name.clone()]),
            None => fits = false,
        },
        Expr::CompoundIdentifier(parts) if inner.contains(&parts[0].value.to_lowercase()) => fits = false,
        _ => {}
    });
    fits.then_some(read)
}
