//! Trino's USING column of a RIGHT or FULL join: one column, the right side's value in a RIGHT
//! join and whichever side has the row in a FULL one (`coalesce(l.k, r.k)`). DataFusion reads an
//! unqualified `k` as the left side's, so the rows only the right side has lost their key
//! (`d4 FULL JOIN d5 USING (country)` printed an empty country beside d5's counts). `rewrite`
//! writes each unqualified `k` of a SELECT over one such join (its list, WHERE, GROUP BY and
//! HAVING) as the column Trino reads; a `SELECT *` there still gives the left side's.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, Expr, Ident, JoinConstraint, JoinOperator, Query, Select, SelectItem, SetExpr, TableFactor, VisitMut,
    VisitorMut,
};

use super::sql::{call, own_expressions};

/// Each SELECT of `statement` over a RIGHT or FULL join USING its keys, its keys read as Trino's.
pub fn rewrite(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut Joins);
}

struct Joins;

impl VisitorMut for Joins {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        for select in selects(query.body.as_mut()) {
            keys_as_trino_reads_them(select);
        }
        ControlFlow::Continue(())
    }
}

/// The SELECTs of a query's body, through its set operations.
fn selects(body: &mut SetExpr) -> Vec<&mut Select> {
    match body {
        SetExpr::Select(select) => vec![select.as_mut()],
        SetExpr::SetOperation { left, right, .. } => {
            let mut all = selects(left.as_mut());
            all.extend(selects(right.as_mut()));
            all
        }
        _ => Vec::new(),
    }
}

fn keys_as_trino_reads_them(select: &mut Select) {
    let [from] = select.from.as_slice() else { return };
    let [join] = from.joins.as_slice() else { return };
    let (full, keys) = match &join.join_operator {
        JoinOperator::FullOuter(JoinConstraint::Using(keys)) => (true, keys),
        JoinOperator::Right(JoinConstraint::Using(keys)) | JoinOperator::RightOuter(JoinConstraint::Using(keys)) => {
            (false, keys)
        }
        _ => return,
    };
    let (Some(left), Some(right)) = (name(&from.relation), name(&join.relation)) else { return };
    let keys: Vec<String> =
        keys.iter().filter_map(|key| key.0.last()?.as_ident()).map(|key| key.value.to_lowercase()).collect();
    let is_key = |ident: &Ident| keys.contains(&ident.value.to_lowercase());
    let column = |key: &Ident| {
        let of = |side: &Ident| Expr::CompoundIdentifier(vec![side.clone(), key.clone()]);
        if full {
            call("coalesce", vec![of(&left), of(&right)])
        } else {
            of(&right)
        }
    };
    let edit = |expr: &mut Expr| {
        if let Expr::Identifier(key) = expr {
            if is_key(key) {
                *expr = column(key);
            }
        }
    };
    for item in select.projection.iter_mut() {
        match item {
            // A key alone keeps its name.
            SelectItem::UnnamedExpr(Expr::Identifier(key)) if is_key(key) => {
                *item = SelectItem::ExprWithAlias { expr: column(key), alias: key.clone() };
            }
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => own_expressions(expr, 0, edit),
            _ => {}
        }
    }
    if let Some(selection) = select.selection.as_mut() {
        own_expressions(selection, 0, edit);
    }
    if let ast::GroupByExpr::Expressions(exprs, _) = &mut select.group_by {
        exprs.iter_mut().for_each(|expr| own_expressions(expr, 0, edit));
    }
    if let Some(having) = select.having.as_mut() {
        own_expressions(having, 0, edit);
    }
}

/// The name a relation of FROM is read by: its alias, or a table's own name.
fn name(relation: &TableFactor) -> Option<Ident> {
    match relation {
        TableFactor::Table { alias: Some(alias), .. } | TableFactor::Derived { alias: Some(alias), .. } => {
            Some(alias.name.clone())
        }
        TableFactor::Table { name, alias: None, .. } => name.0.last()?.as_ident().cloned(),
        _ => None,
    }
}
