//! A `t.*` read as Trino reads it: its name is any end of the table's name as the FROM clause
//! writes it (`events.*` of `FROM clickstream.events`: Trino matches the qualifier against the
//! end of the table's whole name). DataFusion takes only the name as written in FROM ("Invalid
//! qualifier events"), so `qualify` writes each such `t.*` with that name. (A `*` named longer
//! than the FROM clause names its table, `clickstream.events.*` of `FROM events`, is left to
//! DataFusion, which refuses it: whether its schema is the session's is not known here.)

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, Ident, ObjectName, Query, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, TableFactor, TableWithJoins,
    VisitMut, VisitorMut,
};

/// Writes each `t.*` of `statement` with the name its FROM clause gives the relation.
pub(super) fn qualify(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut Stars);
}

struct Stars;

impl VisitorMut for Stars {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        in_body(&mut query.body);
        ControlFlow::Continue(())
    }
}

fn in_body(body: &mut SetExpr) {
    match body {
        SetExpr::Select(select) => {
            let mut tables = Vec::new();
            select.from.iter().for_each(|from| unaliased_tables(from, &mut tables));
            for item in select.projection.iter_mut() {
                let SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _) = item else {
                    continue;
                };
                let Some(written) = parts(name) else { continue };
                let matching: Vec<&Vec<Ident>> = tables.iter().filter(|table| ends_alike(table, &written)).collect();
                // One relation only, whose name the `*`'s ends.
                if let [table] = matching.as_slice() {
                    if table.len() > written.len() {
                        *name = ObjectName::from((*table).clone());
                    }
                }
            }
        }
        SetExpr::SetOperation { left, right, .. } => {
            in_body(left);
            in_body(right);
        }
        _ => {}
    }
}

/// The names of the tables of `from` that have no alias, those of a join in parentheses too.
fn unaliased_tables(from: &TableWithJoins, tables: &mut Vec<Vec<Ident>>) {
    for factor in std::iter::once(&from.relation).chain(from.joins.iter().map(|join| &join.relation)) {
        match factor {
            TableFactor::Table { name, alias: None, args: None, .. } => tables.extend(parts(name)),
            TableFactor::NestedJoin { table_with_joins, alias: None } => unaliased_tables(table_with_joins, tables),
            _ => {}
        }
    }
}

/// The parts of a name (`clickstream.events`), each a plain name.
pub(super) fn parts(name: &ObjectName) -> Option<Vec<Ident>> {
    name.0.iter().map(|part| part.as_ident().cloned()).collect()
}

/// Whether the shorter of two names is the end of the other, without case.
fn ends_alike(a: &[Ident], b: &[Ident]) -> bool {
    a.iter().rev().zip(b.iter().rev()).all(|(a, b)| a.value.eq_ignore_ascii_case(&b.value))
}
