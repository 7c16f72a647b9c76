//! Trino's USING columns. A join USING its keys has one column a key: the left side's in an inner
//! or LEFT join, the right side's in a RIGHT join, and whichever side has the row in a FULL one
//! (`coalesce(l.k, r.k)`). DataFusion reads an unqualified `k` as the left side's, so the rows
//! only the right side has lost their key (`d4 FULL JOIN d5 USING (country)` printed an empty
//! country beside d5's counts), and its `*` lists each side's columns in place, the left's keys
//! among them. `rewrite` writes each unqualified `k` of a SELECT over one such join (its list,
//! WHERE, GROUP BY, HAVING and ORDER BY) as the column Trino reads, and its `*` as Trino's: the
//! keys first, then each side's other columns (`k, l.* EXCLUDE (k), r.* EXCLUDE (k)`), in
//! parentheses too. A join of more than two relations is left as DataFusion reads it.

use std::collections::HashSet;
use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, ExcludeSelectItem, Expr, Ident, JoinConstraint, JoinOperator, ObjectName, OrderBy, OrderByKind, Query,
    Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, TableFactor, TableWithJoins, VisitMut, VisitorMut,
    WildcardAdditionalOptions,
};

use super::aliases::output_names;
use super::sql::{call, own_expressions, selects};
use super::stars::parts;

/// Each SELECT of `statement` over a join USING its keys, its keys read as Trino's.
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
            // A name of an output column is that column (`… AS k ORDER BY k`).
            let edit = |e: &mut Expr| match e {
                Expr::Identifier(name) if column.outputs.contains(&name.value.to_lowercase()) => {}
                _ => column.edit(e),
            };
            order.iter_mut().for_each(|o| own_expressions(&mut o.expr, 0, edit));
        }
        ControlFlow::Continue(())
    }
}

/// Which side's column a key of a join USING it is.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    /// An inner or LEFT join's: the left side's.
    Left,
    /// A RIGHT join's.
    Right,
    /// A FULL join's: whichever side has the row.
    Full,
}

/// How a SELECT over a join USING its keys reads them.
struct Keys {
    keys: Vec<String>,
    /// Each side's name, as a column of it is qualified (`a`, `clickstream.events`).
    left: Vec<Ident>,
    right: Vec<Ident>,
    side: Side,
    /// The names the SELECT gives its columns, lower case.
    outputs: HashSet<String>,
}

impl Keys {
    fn is_key(&self, ident: &Ident) -> bool {
        self.keys.contains(&ident.value.to_lowercase())
    }

    fn column(&self, key: &Ident) -> Expr {
        let of = |side: &[Ident]| Expr::CompoundIdentifier(side.iter().chain([key]).cloned().collect());
        match self.side {
            Side::Left => of(&self.left),
            Side::Right => of(&self.right),
            Side::Full => call("coalesce", vec![of(&self.left), of(&self.right)]),
        }
    }

    /// Trino's `*`: each key, then each side's other columns.
    fn star(&self, keys: &[Ident], options: &WildcardAdditionalOptions) -> Vec<SelectItem> {
        let named = keys.iter().map(|key| SelectItem::ExprWithAlias { expr: self.column(key), alias: key.clone() });
        let others = [&self.left, &self.right].map(|side| {
            let mut options = options.clone();
            // EXCLUDE reads a name as written: an unquoted one in the lower case it stands for.
            let excluded =
                |key: &Ident| Ident { value: key.value.to_lowercase(), quote_style: key.quote_style, span: key.span };
            let keys = keys.iter().map(|key| ObjectName::from(vec![excluded(key)])).collect();
            options.opt_exclude = Some(ExcludeSelectItem::Multiple(keys));
            SelectItem::QualifiedWildcard(
                SelectItemQualifiedWildcardKind::ObjectName(ObjectName::from(side.clone())),
                options,
            )
        });
        named.chain(others).collect()
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
    let mut from: &TableWithJoins = from;
    // A join in parentheses is the join.
    while let (TableFactor::NestedJoin { table_with_joins, alias: None }, []) = (&from.relation, from.joins.as_slice())
    {
        from = table_with_joins;
    }
    let [join] = from.joins.as_slice() else { return None };
    let (side, keys) = match &join.join_operator {
        JoinOperator::Join(JoinConstraint::Using(keys))
        | JoinOperator::Inner(JoinConstraint::Using(keys))
        | JoinOperator::Left(JoinConstraint::Using(keys))
        | JoinOperator::LeftOuter(JoinConstraint::Using(keys)) => (Side::Left, keys),
        JoinOperator::FullOuter(JoinConstraint::Using(keys)) => (Side::Full, keys),
        JoinOperator::Right(JoinConstraint::Using(keys)) | JoinOperator::RightOuter(JoinConstraint::Using(keys)) => {
            (Side::Right, keys)
        }
        _ => return None,
    };
    let (left, right) = (qualifier(&from.relation)?, qualifier(&join.relation)?);
    let all: Vec<Ident> = keys.iter().filter_map(|key| key.0.last()?.as_ident().cloned()).collect();
    let mut keys: Vec<String> = all.iter().map(|key| key.value.to_lowercase()).collect();
    // A lambda's parameter of a key's name is the lambda's: that key is left as it is.
    let bound = lambda_parameters(select);
    keys.retain(|key| !bound.contains(key));
    let mut column = Keys { keys, left, right, side, outputs: HashSet::new() };
    let plain = |options: &WildcardAdditionalOptions| {
        options.opt_ilike.is_none()
            && options.opt_exclude.is_none()
            && options.opt_except.is_none()
            && options.opt_replace.is_none()
            && options.opt_rename.is_none()
    };
    select.projection = std::mem::take(&mut select.projection)
        .into_iter()
        .flat_map(|item| match item {
            SelectItem::Wildcard(options) if plain(&options) => column.star(&all, &options),
            other => vec![other],
        })
        .collect();
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
    column.outputs = output_names(select);
    Some(column)
}

/// The name a column of `relation` is qualified with: its alias, or the table's whole name.
fn qualifier(relation: &TableFactor) -> Option<Vec<Ident>> {
    match relation {
        TableFactor::Table { alias: Some(alias), .. } | TableFactor::Derived { alias: Some(alias), .. } => {
            Some(vec![alias.name.clone()])
        }
        TableFactor::Table { name, alias: None, .. } => parts(name),
        _ => None,
    }
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
