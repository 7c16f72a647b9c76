//! Trino's USING column of a RIGHT or FULL join: one column, the right side's value in a RIGHT
//! join and whichever side has the row in a FULL one (`coalesce(l.k, r.k)`). DataFusion reads an
//! unqualified `k` as the left side's, so the rows only the right side has lost their key
//! (`d4 FULL JOIN d5 USING (country)` printed an empty country beside d5's counts). `rewrite`
//! writes each unqualified `k` of a SELECT over one such join (its list, WHERE, GROUP BY, HAVING
//! and ORDER BY) as the column Trino reads; a `SELECT *` there, and a join in parentheses, still
//! give the left side's.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, Expr, Ident, JoinConstraint, JoinOperator, OrderBy, OrderByKind, Query, Select, SelectItem, SetExpr,
    VisitMut, VisitorMut,
};

use super::lateral::relation_name;
use super::sql::{call, own_expressions};

/// Each SELECT of `statement` over a RIGHT or FULL join USING its keys, its keys read as Trino's.
pub fn rewrite(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut Joins);
}

struct Joins;

impl VisitorMut for Joins {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        let alone = matches!(query.body.as_ref(), SetExpr::Select(_));
        let read: Vec<Keys> = selects(query.body.as_mut()).into_iter().filter_map(keys_as_trino_reads_them).collect();
        // ORDER BY of a query of one SELECT reads its keys alike.
        if let (true, [column], Some(OrderBy { kind: OrderByKind::Expressions(order), .. })) =
            (alone, read.as_slice(), &mut query.order_by)
        {
            order.iter_mut().for_each(|o| own_expressions(&mut o.expr, 0, |e| column.edit(e)));
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

/// How a SELECT over a RIGHT or FULL join USING its keys reads them: `full` or the right side's.
struct Keys {
    keys: Vec<String>,
    left: Ident,
    right: Ident,
    full: bool,
}

impl Keys {
    fn is_key(&self, ident: &Ident) -> bool {
        self.keys.contains(&ident.value.to_lowercase())
    }

    fn column(&self, key: &Ident) -> Expr {
        let of = |side: &Ident| Expr::CompoundIdentifier(vec![side.clone(), key.clone()]);
        if self.full {
            call("coalesce", vec![of(&self.left), of(&self.right)])
        } else {
            of(&self.right)
        }
    }

    fn edit(&self, expr: &mut Expr) {
        if let Expr::Identifier(key) = expr {
            if self.is_key(key) {
                *expr = self.column(key);
            }
        }
    }
}

/// `select`'s keys read as Trino reads them; how it reads them, when it is over such a join.
fn keys_as_trino_reads_them(select: &mut Select) -> Option<Keys> {
    let [from] = select.from.as_slice() else { return None };
    let [join] = from.joins.as_slice() else { return None };
    let (full, keys) = match &join.join_operator {
        JoinOperator::FullOuter(JoinConstraint::Using(keys)) => (true, keys),
        JoinOperator::Right(JoinConstraint::Using(keys)) | JoinOperator::RightOuter(JoinConstraint::Using(keys)) => {
            (false, keys)
        }
        _ => return None,
    };
    let (left, right) = (relation_name(&from.relation)?, relation_name(&join.relation)?);
    let mut keys: Vec<String> =
        keys.iter().filter_map(|key| key.0.last()?.as_ident()).map(|key| key.value.to_lowercase()).collect();
    // A lambda's parameter of a key's name is the lambda's: that key is left as it is.
    let bound = lambda_parameters(select);
    keys.retain(|key| !bound.contains(key));
    let column = Keys { keys, left, right, full };
    for item in select.projection.iter_mut() {
        match item {
            // A key alone keeps its name.
            SelectItem::UnnamedExpr(Expr::Identifier(key)) if column.is_key(key) => {
                *item = SelectItem::ExprWithAlias { expr: column.column(key), alias: key.clone() };
            }
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => {
                own_expressions(expr, 0, |e| column.edit(e))
            }
            _ => {}
        }
    }
    if let Some(selection) = select.selection.as_mut() {
        own_expressions(selection, 0, |e| column.edit(e));
    }
    if let ast::GroupByExpr::Expressions(exprs, _) = &mut select.group_by {
        exprs.iter_mut().for_each(|expr| own_expressions(expr, 0, |e| column.edit(e)));
    }
    if let Some(having) = select.having.as_mut() {
        own_expressions(having, 0, |e| column.edit(e));
    }
    Some(column)
}

/// The names the lambdas of `select` bind, lower case.
fn lambda_parameters(select: &Select) -> Vec<String> {
    let mut names = Vec::new();
    let _ = ast::visit_expressions(select, |expr| {
        if let Expr::Lambda(lambda) = expr {
            names.extend((&lambda.params).into_iter().map(|p| p.name.value.to_lowercase()));
        }
        ControlFlow::<()>::Continue(())
    });
    names
}
