//! Where a SELECT's output names may be read. Trino reads GROUP BY and HAVING over the FROM
//! clause's columns only, and ORDER BY over the output: an alias of the SELECT list in GROUP BY or
//! HAVING is `COLUMN_NOT_FOUND: Column 'hour' cannot be resolved`. DataFusion reads the aliases
//! there too, so `SELECT date_trunc('hour', event_time) AS hour, count(*) FROM events GROUP BY
//! hour` answered on the sandbox and failed on Athena. `refuse_output_names` refuses it where the
//! FROM clause's columns are known: the catalog's tables, `AS t(a, b)` column lists, and WITH
//! queries and subqueries, by the names their SELECT lists give (as Athena names them: an
//! alias, a column's or field's name, `_col0` for the rest; a `*` the columns of its FROM).
//! Where they are not (a `t.*`, an UNNEST or VALUES without a column list), it says nothing.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, Distinct, Expr, GroupByExpr, Ident, JoinConstraint, JoinOperator, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, TableAlias, TableFactor, TableWithJoins, Visit, Visitor,
};

/// Athena's refusal of the first output alias read in a GROUP BY or HAVING of `statement`, of
/// PostgreSQL's `DISTINCT ON`, which Trino has not, and of a SELECT without items (`SELECT FROM
/// t`), which Trino's grammar has not: DataFusion answered both.
pub fn refuse_output_names(statement: &ast::Statement) -> Result<(), String> {
    let mut check = Check { scopes: RefCell::default(), hidden: RefCell::default(), refusal: None };
    let _ = statement.visit(&mut check);
    check.refusal.map_or(Ok(()), Err)
}

/// Why `DISTINCT ON` is refused.
const DISTINCT_ON: &str = "SYNTAX_ERROR: DISTINCT ON is PostgreSQL's, not Trino's: keep one row a key with \
    row_number() OVER (PARTITION BY key ORDER BY …) = 1 in a subquery";

struct Check {
    /// The WITH queries in scope, innermost last: a table of such a name is the WITH query's, not
    /// the catalog's.
    scopes: RefCell<Vec<HashMap<String, Scoped>>>,
    /// The names each WITH query's own body does not see (by where the body is): itself, unless
    /// RECURSIVE, and the WITH queries after it.
    hidden: RefCell<HashMap<*const Query, Vec<String>>>,
    refusal: Option<String>,
}

/// A name in a scope.
#[derive(Clone)]
enum Scoped {
    /// A WITH query, with its columns (None where they are not known).
    With(Option<Vec<String>>),
    /// A WITH query of an outer scope not seen here: the name is the catalog's table.
    Hidden,
}

impl Visitor for Check {
    type Break = ();

    fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
        self.scopes.borrow_mut().pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        self.enter(query);
        let distinct_on = |select: &Select| match select.distinct {
            Some(Distinct::On(_)) => Some(DISTINCT_ON.into()),
            _ if select.projection.is_empty() => {
                let next = if select.from.is_empty() { "<EOF>" } else { "FROM" };
                Some(format!(
                    "SYNTAX_ERROR: mismatched input '{next}'. Expecting: '*', 'ALL', 'DISTINCT', <expression>"
                ))
            }
            _ => None,
        };
        let refusal =
            |select: &Select| distinct_on(select).or_else(|| self.misread(select)).or_else(|| self.ambiguous(select));
        match selects(&query.body).into_iter().find_map(refusal) {
            Some(refusal) => {
                self.refusal = Some(refusal);
                ControlFlow::Break(())
            }
            None => ControlFlow::Continue(()),
        }
    }
}

/// The SELECTs of a query's body, through its set operations (UNION, …) but not into the
/// queries inside it (the visit reaches those itself).
fn selects(body: &SetExpr) -> Vec<&Select> {
    match body {
        SetExpr::Select(select) => vec![select],
        SetExpr::SetOperation { left, right, .. } => [selects(left), selects(right)].concat(),
        _ => Vec::new(),
    }
}

/// The names `select`'s list gives its columns (`… AS name`), lower case.
pub(super) fn output_names(select: &Select) -> HashSet<String> {
    select
        .projection
        .iter()
        .filter_map(|item| match item {
            SelectItem::ExprWithAlias { alias, .. } => Some(alias.value.to_lowercase()),
            _ => None,
        })
        .collect()
}

impl Check {
    /// The refusal of an alias of `select`'s list read in its GROUP BY or HAVING.
    fn misread(&self, select: &Select) -> Option<String> {
        let aliases = output_names(select);
        if aliases.is_empty() {
            return None;
        }
        let columns = self.input_columns(&select.from)?;
        let misread = |ident: &Ident| {
            let name = ident.value.to_lowercase();
            aliases.contains(&name) && !columns.contains(&name)
        };
        let grouped = match &select.group_by {
            GroupByExpr::Expressions(exprs, _) => exprs.iter().filter_map(bare_name).find(|i| misread(i)).cloned(),
            GroupByExpr::All(_) => None,
        };
        let found = grouped.or_else(|| {
            select
                .having
                .as_ref()
                .and_then(|having| own_names(having, &|qualifier, i| qualifier.is_none() && misread(i)))
        })?;
        let at = match found.span.start {
            start if start.line > 0 => super::errors::at(start.line, start.column),
            _ => String::new(),
        };
        Some(format!("COLUMN_NOT_FOUND: {at}Column '{}' cannot be resolved", found.value))
    }

    /// The refusal of a name `select` reads that a relation of its FROM clause has twice (`SELECT
    /// x FROM (SELECT 1 x, 2 x)`, `SELECT t.id FROM (SELECT a.*, b.* FROM a JOIN b …) t`): the
    /// engine read the first column of the name, where Trino refuses the name as ambiguous.
    fn ambiguous(&self, select: &Select) -> Option<String> {
        let relations: Vec<(Option<String>, Vec<String>)> = factors(&select.from)
            .filter_map(|factor| Some((factor_name(factor), self.factor_columns(factor)?)))
            .collect();
        let twice = |columns: &[String], name: &str| columns.iter().filter(|c| *c == name).count() > 1;
        let repeated = |qualifier: Option<&Ident>, ident: &Ident| {
            let name = ident.value.to_lowercase();
            relations.iter().any(|(relation, columns)| {
                let read = qualifier.is_none_or(|q| relation.as_deref() == Some(q.value.to_lowercase().as_str()));
                read && twice(columns, &name)
            })
        };
        if !relations.iter().any(|(_, columns)| columns.iter().any(|c| twice(columns, c))) {
            return None;
        }
        let items = select.projection.iter().filter_map(|item| match item {
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => Some(expr),
            _ => None,
        });
        let keys = match &select.group_by {
            GroupByExpr::Expressions(keys, _) => keys.as_slice(),
            GroupByExpr::All(_) => &[],
        };
        let found = items
            .chain(select.selection.iter())
            .chain(keys)
            .chain(select.having.iter())
            .find_map(|expr| own_names(expr, &repeated))?;
        let at = match found.span.start {
            start if start.line > 0 => super::errors::at(start.line, start.column),
            _ => String::new(),
        };
        Some(format!("AMBIGUOUS_NAME: {at}Column '{}' is ambiguous", found.value))
    }

    /// The columns the FROM clause gives, lower case, a name as often as they give it; None when
    /// one of its parts is not known.
    /// A join USING keys gives each key once (the `*` of `a JOIN b USING (k)` is `k`, then the
    /// rest of each side's columns).
    fn input_columns(&self, from: &[TableWithJoins]) -> Option<Vec<String>> {
        let mut columns = Vec::new();
        for table in from {
            columns.extend(self.factor_columns(&table.relation)?);
            for join in &table.joins {
                let keys = match &join.join_operator {
                    JoinOperator::Join(constraint)
                    | JoinOperator::Inner(constraint)
                    | JoinOperator::Left(constraint)
                    | JoinOperator::LeftOuter(constraint)
                    | JoinOperator::Right(constraint)
                    | JoinOperator::RightOuter(constraint)
                    | JoinOperator::FullOuter(constraint) => match constraint {
                        JoinConstraint::Using(keys) => keys.iter().filter_map(|k| k.0.last()?.as_ident()).collect(),
                        JoinConstraint::Natural => return None,
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                let keys: Vec<String> = keys.iter().map(|k| k.value.to_lowercase()).collect();
                let side = self.factor_columns(&join.relation)?;
                columns.extend(side.into_iter().filter(|c| !keys.contains(c)));
            }
        }
        Some(columns)
    }

    fn factor_columns(&self, factor: &TableFactor) -> Option<Vec<String>> {
        match factor {
            TableFactor::Table { alias, .. }
            | TableFactor::Derived { alias, .. }
            | TableFactor::UNNEST { alias, .. }
                if listed(alias).is_some() =>
            {
                listed(alias)
            }
            TableFactor::Table { name, .. } => {
                let table = name.0.last()?.as_ident()?.value.to_lowercase();
                let scoped = self.scopes.borrow().iter().rev().find_map(|scope| scope.get(&table).cloned());
                if let Some(Scoped::With(columns)) = scoped {
                    return columns;
                }
                let columns = super::catalog::table_columns(&table)?;
                Some(columns.into_iter().map(|column| column.name.to_lowercase()).collect())
            }
            TableFactor::Derived { subquery, .. } => self.query_columns(subquery),
            TableFactor::NestedJoin { table_with_joins, .. } => {
                self.input_columns(std::slice::from_ref(table_with_joins)).map(|c| c.into_iter().collect())
            }
            _ => None,
        }
    }
}

impl Check {
    /// Opens `query`'s scope: its WITH queries, each with its columns, learned in turn (one may
    /// read those before it; one that reads itself, RECURSIVE, is not known).
    fn enter(&self, query: &Query) {
        let hidden = self.hidden.borrow().get(&(query as *const Query)).cloned().unwrap_or_default();
        self.scopes.borrow_mut().push(hidden.into_iter().map(|name| (name, Scoped::Hidden)).collect());
        let Some(with) = &query.with else { return };
        let names: Vec<String> = with.cte_tables.iter().map(|cte| cte.alias.name.value.to_lowercase()).collect();
        for (i, cte) in with.cte_tables.iter().enumerate() {
            let unseen = if with.recursive { &names[i + 1..] } else { &names[i..] };
            self.hidden.borrow_mut().insert(cte.query.as_ref() as *const Query, unseen.to_vec());
            let columns = match cte.alias.columns.is_empty() {
                true => self.query_columns(&cte.query),
                false => Some(cte.alias.columns.iter().map(|c| c.name.value.to_lowercase()).collect()),
            };
            if let Some(scope) = self.scopes.borrow_mut().last_mut() {
                scope.insert(names[i].clone(), Scoped::With(columns));
            }
        }
    }

    /// The names of the columns `query` answers with, lower case, as a query around it reads
    /// them (an expression without a name has none: `_col0` is only how Athena prints it); None
    /// where one is not known.
    fn query_columns(&self, query: &Query) -> Option<Vec<String>> {
        self.enter(query);
        let columns = self.select_columns(query);
        self.scopes.borrow_mut().pop();
        columns
    }

    fn select_columns(&self, query: &Query) -> Option<Vec<String>> {
        let select = match query.body.as_ref() {
            SetExpr::Query(inner) => return self.query_columns(inner),
            body => *selects(body).first()?,
        };
        let mut columns = Vec::new();
        for item in &select.projection {
            match item {
                SelectItem::ExprWithAlias { alias, .. } => columns.push(alias.value.to_lowercase()),
                SelectItem::UnnamedExpr(expr) => {
                    columns.extend(super::names::read_name(expr).map(|name| name.value.to_lowercase()))
                }
                SelectItem::Wildcard(_) => columns.extend(self.input_columns(&select.from)?),
                // `t.*`: the columns of the relation of that name.
                SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _) => {
                    let name = name.0.last()?.as_ident()?.value.to_lowercase();
                    let factor = factors(&select.from).find(|f| factor_name(f).as_deref() == Some(name.as_str()))?;
                    columns.extend(self.factor_columns(factor)?);
                }
                _ => return None,
            }
        }
        Some(columns)
    }
}

/// Each relation of a FROM clause, a join's too.
fn factors(from: &[TableWithJoins]) -> impl Iterator<Item = &TableFactor> {
    from.iter().flat_map(|table| std::iter::once(&table.relation).chain(table.joins.iter().map(|j| &j.relation)))
}

/// The name a relation's columns are read by (`t.x`), lower case: its alias, or a table's name.
fn factor_name(factor: &TableFactor) -> Option<String> {
    match factor {
        TableFactor::Table { alias: Some(alias), .. }
        | TableFactor::Derived { alias: Some(alias), .. }
        | TableFactor::UNNEST { alias: Some(alias), .. } => Some(alias.name.value.to_lowercase()),
        TableFactor::Table { name, .. } => Some(name.0.last()?.as_ident()?.value.to_lowercase()),
        _ => None,
    }
}

/// The columns an alias lists (`AS t(a, b)`), lower case.
fn listed(alias: &Option<TableAlias>) -> Option<Vec<String>> {
    let columns = &alias.as_ref()?.columns;
    (!columns.is_empty()).then(|| columns.iter().map(|c| c.name.value.to_lowercase()).collect())
}

/// `x` or `(x)`: a name alone.
fn bare_name(expr: &Expr) -> Option<&Ident> {
    match expr {
        Expr::Identifier(ident) => Some(ident),
        Expr::Nested(inner) => bare_name(inner),
        _ => None,
    }
}

/// A column's name as a query reads it: alone (`x`) or after its relation's (`t.x`).
type Wanted<'w> = &'w dyn Fn(Option<&Ident>, &Ident) -> bool;

/// The first column name in `expr` (`x`, or `x` of `t.x`) that `wanted` accepts, outside the
/// queries inside it and the lambdas that bind it (`x -> x = 'US'` reads its own `x`).
fn own_names(expr: &Expr, wanted: Wanted) -> Option<Ident> {
    struct Names<'w> {
        depth: usize,
        bound: Vec<String>,
        wanted: Wanted<'w>,
        found: Option<Ident>,
    }
    fn parameters(expr: &Expr) -> Vec<String> {
        match expr {
            Expr::Lambda(lambda) => (&lambda.params).into_iter().map(|p| p.name.value.to_lowercase()).collect(),
            _ => Vec::new(),
        }
    }
    impl Visitor for Names<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            self.bound.extend(parameters(expr));
            let (qualifier, ident) = match expr {
                Expr::Identifier(ident) => (None, ident),
                Expr::CompoundIdentifier(parts) if parts.len() == 2 => (Some(&parts[0]), &parts[1]),
                _ => return ControlFlow::Continue(()),
            };
            let first = qualifier.unwrap_or(ident);
            if self.depth == 0 && !self.bound.contains(&first.value.to_lowercase()) && (self.wanted)(qualifier, ident) {
                self.found = Some(ident.clone());
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        }
        fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            let unbound = parameters(expr).len();
            self.bound.truncate(self.bound.len() - unbound);
            ControlFlow::Continue(())
        }
    }
    let mut names = Names { depth: 0, bound: Vec::new(), wanted, found: None };
    let _ = expr.visit(&mut names);
    names.found
}

#[cfg(test)]
mod tests {
    use super::super::sql::statement;

    fn refusal(sql: &str) -> Option<String> {
        statement(sql).err().map(|e| e.to_string())
    }

    #[test]
    fn an_alias_in_group_by_or_having_is_refused_where_the_columns_are_known() {
        let refused = refusal("SELECT year AS y FROM clickstream.events GROUP BY y").unwrap();
        assert!(refused.contains("COLUMN_NOT_FOUND: line 1:51: Column 'y' cannot be resolved"), "{refused}");
        assert!(refusal("SELECT a AS b FROM (SELECT 1 AS a) s(a) GROUP BY b").is_some());
        assert!(refusal("SELECT DISTINCT ON (user_id) user_id FROM events")
            .unwrap()
            .contains("DISTINCT ON is PostgreSQL's"));
        assert!(refusal("SELECT x AS n FROM (SELECT 1 AS x) s(x) GROUP BY x HAVING (SELECT n FROM u) > 1").is_none());
        // A column of that name is the column's, and ORDER BY reads the output's names.
        assert!(refusal("SELECT upper(country) AS country FROM events GROUP BY country ORDER BY country").is_none());
        // A lambda's parameter is its own.
        assert!(refusal(
            "SELECT user_id AS x FROM events GROUP BY user_id HAVING any_match(array_agg(country), x -> x = 'US')"
        )
        .is_none());
        assert!(refusal(
            "SELECT user_id AS x FROM events GROUP BY user_id HAVING any_match(array_agg(country), y -> x = y)"
        )
        .is_some());
        // A WITH query's columns and a subquery's are their SELECT lists' names.
        let refused = refusal("WITH events AS (SELECT 1 AS x) SELECT x AS y FROM events GROUP BY y").unwrap();
        assert!(refused.contains("Column 'y' cannot be resolved"), "{refused}");
        assert!(refusal("SELECT x AS y FROM (SELECT 1 AS x) s GROUP BY y").is_some());
        assert!(refusal("SELECT x AS y FROM (SELECT 1 AS x, 2 AS y) s GROUP BY y").is_none());
        assert!(refusal("WITH a AS (SELECT country FROM events), b AS (SELECT * FROM a) SELECT upper(country) AS c FROM b GROUP BY c").is_some());
        // An expression without a name has none there (`_col1` is how Athena prints it).
        assert!(refusal("WITH a AS (SELECT e.country, 1 FROM events e) SELECT country AS _col1 FROM a GROUP BY _col1")
            .is_some());
        // A WITH query's body sees the WITH queries before it only: `events` is the catalog's.
        assert!(refusal("WITH a AS (SELECT upper(country) AS country FROM events GROUP BY country), events AS (SELECT 1 x) SELECT count(*) FROM a").is_none());
        assert!(refusal("WITH events(c) AS (SELECT upper(country) AS country FROM events GROUP BY country) SELECT count(*) FROM events").is_none());
        assert!(refusal("WITH e AS (SELECT 1 AS x), f AS (SELECT x AS y FROM e GROUP BY y) SELECT * FROM f").is_some());
        // A WITH query is read in its own scope: the outer `events` is the catalog's.
        assert!(refusal("SELECT upper(country) AS country FROM (WITH events AS (SELECT 1 AS x) SELECT x FROM events) s, events GROUP BY country").is_none());
        assert!(refusal("WITH events AS (SELECT 1 AS x) SELECT x AS country FROM (SELECT country FROM clickstream.events) s GROUP BY country").is_none());
        assert!(refusal("WITH a(c) AS (SELECT country FROM events) SELECT c AS d FROM a GROUP BY d").is_some());
        // Where the FROM clause's columns are not known, nothing is said.
        assert!(refusal("WITH a AS (SELECT u.* FROM UNNEST(ARRAY[1]) u) SELECT x AS y FROM a GROUP BY y").is_none());
        // A `t.*` brings its relation's columns.
        assert!(refusal("WITH a AS (SELECT e.* FROM events e) SELECT country AS y FROM a GROUP BY y").is_some());
        assert!(refusal("WITH a AS (SELECT e.*, 1 AS y FROM events e) SELECT country AS y FROM a GROUP BY y").is_none());
        assert!(refusal("SELECT x AS y FROM (VALUES 1) s GROUP BY y").is_none());
    }

    #[test]
    fn a_name_a_relation_has_twice_is_ambiguous_where_it_is_read() {
        let ambiguous = |sql: &str| refusal(sql).is_some_and(|r| r.contains("AMBIGUOUS_NAME"));
        assert!(ambiguous("SELECT x FROM (SELECT 1 x, 2 x)"));
        assert!(ambiguous("SELECT s.x FROM (SELECT 1 x, 2 x) s"));
        assert!(ambiguous("SELECT 1 FROM (SELECT 1 x, 2 x) s WHERE upper(x) = 'A'"));
        assert!(ambiguous("SELECT country FROM (SELECT e.*, f.* FROM events e, events f) j"));
        // Read by a `*`, or not at all, or as a lambda's own, it is not.
        assert!(refusal("SELECT * FROM (SELECT 1 x, 2 x)").is_none());
        assert!(refusal("SELECT y FROM (SELECT 1 x, 2 x, 3 y)").is_none());
        assert!(refusal("SELECT transform(a, x -> x) FROM (SELECT 1 x, 2 x, ARRAY[1] a)").is_none());
        assert!(refusal("SELECT (SELECT x FROM (VALUES 1) t(x)) FROM (SELECT 1 x, 2 x)").is_none());
        // A join USING its keys gives each key once.
        assert!(refusal("SELECT user_id FROM (SELECT * FROM events e JOIN events f USING (user_id)) j").is_none());
    }
}
