//! Trino's USING columns. A join USING its keys has one column a key: the left side's in an inner
//! or LEFT join, the right side's in a RIGHT join, and whichever side has the row in a FULL one
//! (`coalesce(l.k, r.k)`). DataFusion reads an unqualified `k` as the left side's, so the rows
//! only the right side has lost their key (`d4 FULL JOIN d5 USING (country)` printed an empty
//! country beside d5's counts), and its `*` lists each side's columns in place, the left's keys
//! among them. `rewrite` writes each unqualified `k` of a SELECT over one such join (its list,
//! WHERE, GROUP BY, HAVING and ORDER BY) as the column Trino reads, and its `*` as Trino's: the
//! keys first, then each side's other columns (`k, l.* EXCLUDE (k), r.* EXCLUDE (k)`), in
//! parentheses too.
//!
//! Over a chain of joins (`a FULL JOIN b USING (x) FULL JOIN c USING (x)`), each USING after the
//! first joins on the key as Trino has it so far (`coalesce(a.x, b.x) = c.x`), where DataFusion
//! joined on the first relation's column, so a row only `b` had matched nothing in `c`; an ON
//! of a later join reads the key so too, and `*` lists it once, then each relation's other
//! columns; a join in parentheses on the left (`(a FULL JOIN b USING (x)) FULL JOIN c USING (x)`)
//! is the same chain; an UNNEST named by its alias is one of its relations. A later USING of a
//! key no earlier USING had, a join in parentheses on the right, and a FROM of more than one
//! item (whose other items may have columns of a key's name) are left as DataFusion reads them.

use std::collections::HashSet;
use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, ExcludeSelectItem, Expr, Ident, JoinConstraint, JoinOperator, ObjectName, OrderBy, OrderByKind, Query,
    Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, TableFactor, TableWithJoins, VisitMut, VisitorMut,
    WildcardAdditionalOptions,
};

use super::aliases::output_names;
use super::sql::{call, own_expressions_in_scope, selects};
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
            order.iter_mut().for_each(|o| read_keys(&mut o.expr, &column.columns, &column.outputs));
        }
        ControlFlow::Continue(())
    }
}

/// How a SELECT over joins USING their keys reads them.
struct Keys {
    /// Each key, lower case, and the column Trino reads for it.
    columns: Vec<(String, Expr)>,
    /// Trino's `*`, in order.
    star: Vec<Starred>,
    /// The names the SELECT gives its columns, lower case.
    outputs: HashSet<String>,
}

/// A key of joins USING it, as its USING writes it, and the column Trino reads for it.
type Merged = (Ident, Expr);

/// A part of Trino's `*` over joins USING their keys.
enum Starred {
    /// A key, as written in its USING.
    Key(Ident),
    /// A relation's columns but its keys: its name, and the keys.
    Relation(Vec<Ident>, Vec<Ident>),
}

impl Keys {
    fn is_key(&self, ident: &Ident) -> bool {
        self.lookup(ident).is_some()
    }

    fn lookup(&self, key: &Ident) -> Option<&Expr> {
        let key = key.value.to_lowercase();
        self.columns.iter().find(|(k, _)| *k == key).map(|(_, column)| column)
    }

    fn column(&self, key: &Ident) -> Expr {
        self.lookup(key).cloned().unwrap_or_else(|| Expr::Identifier(key.clone()))
    }

    /// Trino's `*`: each key, then each relation's other columns.
    fn star(&self, options: &WildcardAdditionalOptions) -> Vec<SelectItem> {
        let item = |part: &Starred| match part {
            Starred::Key(key) => SelectItem::ExprWithAlias { expr: self.column(key), alias: key.clone() },
            Starred::Relation(relation, keys) => {
                let mut options = options.clone();
                // EXCLUDE reads a name as written: an unquoted one in the lower case it stands for.
                let excluded = |key: &Ident| Ident {
                    value: key.value.to_lowercase(),
                    quote_style: key.quote_style,
                    span: key.span,
                };
                let keys: Vec<ObjectName> = keys.iter().map(|key| ObjectName::from(vec![excluded(key)])).collect();
                options.opt_exclude = (!keys.is_empty()).then_some(ExcludeSelectItem::Multiple(keys));
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(ObjectName::from(relation.clone())),
                    options,
                )
            }
        };
        self.star.iter().map(item).collect()
    }

    /// `expr` with each key it names read as Trino reads it.
    fn edit(&self, expr: &mut Expr) {
        read_keys(expr, &self.columns, &HashSet::new());
    }
}

/// The keys of `from`'s joins, read as Trino reads them, and Trino's `*` over them; None when it
/// joins nothing USING its keys, or in a way this does not follow (a relation without a name, a
/// later USING of a key no earlier USING had, which DataFusion is left to read). A USING after
/// the first joins on the keys as Trino has them so far (`coalesce(a.k, b.k)` after a FULL
/// join): it becomes that ON condition, where DataFusion joined on the left side's first column.
fn joined_keys(from: &mut TableWithJoins) -> Option<(Vec<Merged>, Vec<Starred>)> {
    let mut keys: Vec<Merged> = Vec::new();
    let mut star = vec![Starred::Relation(qualifier(&from.relation)?, Vec::new())];
    let mut used = false;
    let mut ons = Vec::new();
    for i in 0..from.joins.len() {
        // A later join's ON reads the keys as they are so far.
        if let JoinOperator::Join(JoinConstraint::On(on))
        | JoinOperator::Inner(JoinConstraint::On(on))
        | JoinOperator::Left(JoinConstraint::On(on))
        | JoinOperator::LeftOuter(JoinConstraint::On(on))
        | JoinOperator::Right(JoinConstraint::On(on))
        | JoinOperator::RightOuter(JoinConstraint::On(on))
        | JoinOperator::FullOuter(JoinConstraint::On(on)) = &mut from.joins[i].join_operator
        {
            let so_far: Vec<(String, Expr)> =
                keys.iter().map(|(key, column)| (key.value.to_lowercase(), column.clone())).collect();
            read_keys(on, &so_far, &HashSet::new());
        }
        let join = &from.joins[i];
        let right = qualifier(&join.relation)?;
        let (side, using) = match &join.join_operator {
            JoinOperator::Join(JoinConstraint::Using(using))
            | JoinOperator::Inner(JoinConstraint::Using(using))
            | JoinOperator::Left(JoinConstraint::Using(using))
            | JoinOperator::LeftOuter(JoinConstraint::Using(using)) => (Side::Left, using),
            JoinOperator::FullOuter(JoinConstraint::Using(using)) => (Side::Full, using),
            JoinOperator::Right(JoinConstraint::Using(using))
            | JoinOperator::RightOuter(JoinConstraint::Using(using)) => (Side::Right, using),
            _ => {
                star.push(Starred::Relation(right, Vec::new()));
                continue;
            }
        };
        let using: Vec<Ident> = using.iter().filter_map(|key| key.0.last()?.as_ident().cloned()).collect();
        let mut conditions = Vec::new();
        for key in &using {
            let of_right = Expr::CompoundIdentifier(right.iter().chain([key]).cloned().collect());
            let found = keys.iter().position(|(k, _)| k.value.eq_ignore_ascii_case(&key.value));
            let left = match (i, found) {
                (_, Some(at)) => keys.remove(at).1,
                (0, None) => {
                    Expr::CompoundIdentifier(qualifier(&from.relation)?.into_iter().chain([key.clone()]).collect())
                }
                // A key of the left relations that no USING has merged: DataFusion's reading.
                _ => return None,
            };
            if i > 0 {
                conditions.push(Expr::BinaryOp {
                    left: Box::new(left.clone()),
                    op: ast::BinaryOperator::Eq,
                    right: Box::new(of_right.clone()),
                });
            }
            keys.push((key.clone(), side.merge(left, of_right)));
        }
        // This join's keys first, then the left side's other columns, then the right side's.
        star.retain(
            |part| !matches!(part, Starred::Key(k) if using.iter().any(|key| key.value.eq_ignore_ascii_case(&k.value))),
        );
        for part in star.iter_mut() {
            if let Starred::Relation(_, excluded) = part {
                if i == 0 {
                    excluded.extend(using.iter().cloned());
                }
            }
        }
        star.splice(0..0, using.iter().cloned().map(Starred::Key));
        star.push(Starred::Relation(right, using.clone()));
        used = true;
        if i > 0 {
            ons.push((i, conditions));
        }
    }
    if !used {
        return None;
    }
    for (i, conditions) in ons {
        let on = conditions.into_iter().reduce(|a, b| Expr::BinaryOp {
            left: Box::new(a),
            op: ast::BinaryOperator::And,
            right: Box::new(b),
        })?;
        let join = &mut from.joins[i];
        join.join_operator = match &join.join_operator {
            JoinOperator::FullOuter(_) => JoinOperator::FullOuter(JoinConstraint::On(on)),
            JoinOperator::Right(_) | JoinOperator::RightOuter(_) => JoinOperator::RightOuter(JoinConstraint::On(on)),
            JoinOperator::Left(_) | JoinOperator::LeftOuter(_) => JoinOperator::LeftOuter(JoinConstraint::On(on)),
            _ => JoinOperator::Inner(JoinConstraint::On(on)),
        };
    }
    Some((keys, star))
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

impl Side {
    fn merge(self, left: Expr, right: Expr) -> Expr {
        match self {
            Side::Left => left,
            Side::Right => right,
            Side::Full => call("coalesce", vec![left, right]),
        }
    }
}

/// `select`'s keys read as Trino reads them; how it reads them, when it is over such joins.
fn keys_as_trino_reads_them(select: &mut Select) -> Option<Keys> {
    let [from] = select.from.as_mut_slice() else { return None };
    // A join in parentheses on the left is the same chain of joins without them.
    let mut chain = from.clone();
    while let TableFactor::NestedJoin { table_with_joins, alias: None } = &chain.relation {
        let inner = table_with_joins.as_ref().clone();
        chain.joins = inner.joins.into_iter().chain(std::mem::take(&mut chain.joins)).collect();
        chain.relation = inner.relation;
    }
    let (keys, star) = joined_keys(&mut chain)?;
    *from = chain;
    let columns = keys.into_iter().map(|(key, column)| (key.value.to_lowercase(), column)).collect();
    let mut column = Keys { columns, star, outputs: HashSet::new() };
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
            SelectItem::Wildcard(options) if plain(&options) => column.star(&options),
            other => vec![other],
        })
        .collect();
    for item in select.projection.iter_mut() {
        match item {
            // A key alone keeps its name.
            SelectItem::UnnamedExpr(Expr::Identifier(key)) if column.is_key(key) => {
                *item = SelectItem::ExprWithAlias { expr: column.column(key), alias: key.clone() };
            }
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => column.edit(expr),
            _ => {}
        }
    }
    if let Some(selection) = select.selection.as_mut() {
        column.edit(selection);
    }
    if let ast::GroupByExpr::Expressions(exprs, _) = &mut select.group_by {
        exprs.iter_mut().for_each(|expr| column.edit(expr));
    }
    if let Some(having) = select.having.as_mut() {
        column.edit(having);
    }
    column.outputs = output_names(select);
    Some(column)
}

/// The name a column of `relation` is qualified with: its alias, or the table's whole name.
fn qualifier(relation: &TableFactor) -> Option<Vec<Ident>> {
    match relation {
        TableFactor::Table { alias: Some(alias), .. }
        | TableFactor::Derived { alias: Some(alias), .. }
        | TableFactor::UNNEST { alias: Some(alias), .. } => Some(vec![alias.name.clone()]),
        TableFactor::Table { name, alias: None, .. } => parts(name),
        _ => None,
    }
}

/// `node`'s own expressions (not a subquery's) with each key of `keys` they name read as its
/// column; but a name of `outputs` (an ORDER BY's output column), and inside a lambda a name
/// of its parameters (`transform(a, k -> k + 1)`: the lambda's `k`), which are left as written.
fn read_keys<N: VisitMut>(node: &mut N, keys: &[(String, Expr)], outputs: &HashSet<String>) {
    own_expressions_in_scope(node, 0, |expr, bound| {
        let Expr::Identifier(name) = expr else { return };
        let name = name.value.to_lowercase();
        if bound.contains(&name) || outputs.contains(&name) {
            return;
        }
        if let Some((_, column)) = keys.iter().find(|(k, _)| *k == name) {
            *expr = column.clone();
        }
    });
}
