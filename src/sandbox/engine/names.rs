//! The names a statement's tables and columns are read and printed by, as Athena's: table names
//! without case (`TableNames`), and each column a query leaves unnamed named by its place
//! (`PlaceNames`), which `column_name` prints as `_col0`.

use std::collections::HashSet;
use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, Expr, Ident, ObjectName, SelectItem, SetExpr, VisitMut, VisitorMut,
};

use super::quantified;

/// Names `statement`'s unnamed columns by their place and writes its table names in lower case.
pub(super) fn name_columns_and_tables(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut PlaceNames::default());
    let _ = statement.visit(&mut TableNames);
}

/// Tables and WITH queries are named without case on Athena, quoted or not (Glue keeps its names
/// in lower case): `"AwsDataCatalog"."clickstream"."events"` is `awsdatacatalog.clickstream.events`.
/// DataFusion reads a quoted name as written, so each is written in lower case here.
struct TableNames;

impl VisitorMut for TableNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        for cte in query.with.iter_mut().flat_map(|with| with.cte_tables.iter_mut()) {
            lower_case(&mut cte.alias.name);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &mut ObjectName) -> ControlFlow<()> {
        for part in relation.0.iter_mut() {
            if let ast::ObjectNamePart::Identifier(ident) = part {
                lower_case(ident);
            }
        }
        ControlFlow::Continue(())
    }
}

fn lower_case(ident: &mut Ident) {
    if ident.quote_style.is_some() && !ident.value.starts_with('$') {
        ident.value = ident.value.to_lowercase();
    }
}

/// The names given to the columns a query leaves unnamed. Athena names an expression by its
/// place, `_col0` (`column_name` does, for a name that is not a word), unless it reads a column
/// or a field (`named_by_what_it_reads`); DataFusion names it after its plan, so two expressions
/// that plan alike (`CAST(a AS varchar)` and `a`; `strpos(s, 'b')` and `position('b' IN s)`;
/// every subquery predicate, `x IN (q)`, `x = ANY (q)`, `EXISTS (q)`, which `quantified`
/// rewrites here) would share a name, which it refuses. Each name is new in the statement, so
/// that a subquery's does not meet its outer query's.
///
/// A SELECT list may also name a column twice (`SELECT country, country`, `SELECT 1, 1`,
/// `SELECT a AS x, b AS x`), which Athena answers with two columns and DataFusion refuses: each
/// repeat gets a name of its own, `$colN.country` for one Athena names `country` (as
/// `column_name` reads it), `$colN` for one it names by its place.
#[derive(Default)]
struct PlaceNames {
    named: usize,
}

impl VisitorMut for PlaceNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        self.name_columns(&mut query.body);
        ControlFlow::Continue(())
    }
}

impl PlaceNames {
    fn name_columns(&mut self, body: &mut SetExpr) {
        match body {
            SetExpr::Select(select) => {
                let mut names = HashSet::new();
                for item in select.projection.iter_mut() {
                    let (SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. }) = item else {
                        continue;
                    };
                    quantified::in_select_item(expr);
                    match item {
                        SelectItem::ExprWithAlias { alias, .. } if !names.insert(alias.value.clone()) => {
                            *alias = self.repeat(Some(&alias.value.clone()));
                        }
                        SelectItem::UnnamedExpr(expr) if !named_by_what_it_reads(expr) => {
                            let alias = self.repeat(None);
                            *item = SelectItem::ExprWithAlias { expr: expr.clone(), alias };
                        }
                        SelectItem::UnnamedExpr(expr) => {
                            let column = match expr {
                                Expr::Identifier(name) => Some(name.value.clone()),
                                Expr::CompoundIdentifier(parts) => parts.last().map(|name| name.value.clone()),
                                _ => None,
                            };
                            let name = column.clone().unwrap_or_else(|| expr.to_string());
                            if !names.insert(name) {
                                let alias = self.repeat(column.as_deref());
                                *item = SelectItem::ExprWithAlias { expr: expr.clone(), alias };
                            }
                        }
                        _ => {}
                    }
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.name_columns(left);
                self.name_columns(right);
            }
            _ => {}
        }
    }
}

/// Whether Athena names the column of `expr` after what it reads: a column (`country`,
/// `e.country`) or a row's field (`r.x`), in parentheses or not. Every other expression it names
/// by its place (`_col0`), which the engine is told here: DataFusion names an expression after
/// its plan, so two that plan alike (`strpos(s, 'b')` and `position('b' IN s)`, `CAST(a AS
/// varchar)` and `a`) would share one name, which it refuses.
fn named_by_what_it_reads(expr: &Expr) -> bool {
    match expr {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::CompoundFieldAccess { .. } => true,
        Expr::Nested(inner) => named_by_what_it_reads(inner),
        _ => false,
    }
}

/// How the names `PlaceNames` gives begin, which `column_name` reads.
const PLACE: &str = "$col";

impl PlaceNames {
    /// A new name, which Athena prints as `name`, or as `_colN` without one.
    fn repeat(&mut self, name: Option<&str>) -> Ident {
        let unique = format!("{PLACE}{}", self.named);
        self.named += 1;
        match name {
            Some(name) => Ident::with_quote('"', format!("{unique}.{name}")),
            None => Ident::with_quote('"', unique),
        }
    }
}

/// Athena names a column by its alias or column name, a nested field by the field's name,
/// and any other expression `_col0`, `_col1`, … by its position (`PlaceNames` gives those
/// their names, which say so).
pub fn column_name(position: usize, name: &str) -> String {
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain(name) {
        return name.to_string();
    }
    if let Some(inner) = name.strip_suffix(']') {
        if !name.contains('(') {
            let field = inner.rsplit('[').next().unwrap_or(inner);
            if plain(field) {
                return field.to_string();
            }
        }
    }
    // `PlaceNames::repeat`'s names: `$colN` for an expression a query leaves unnamed, and
    // `$colN.name` for a repeat of a name.
    match name.strip_prefix(PLACE).map(|rest| rest.split_once('.')) {
        Some(Some((_, repeated))) => repeated.to_string(),
        Some(None) => format!("_col{position}"),
        None if name.contains('(') => format!("_col{position}"),
        // A quoted alias (`AS "Total Events"`, `AS "a.b"`).
        None => name.to_string(),
    }
}
