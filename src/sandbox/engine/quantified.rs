//! Subquery predicates in a SELECT list, which DataFusion plans only in a WHERE clause
//! (elsewhere its plan fails with "Physical plan does not support logical expression Exists"):
//! the subquery's rows are gathered once, by a scalar subquery, which it plans anywhere, and the
//! left side is compared with them by the functions of a lambda, whose answers for NULLs are
//! SQL's for these predicates:
//! - `x op ANY (q)` (`SOME`, `x IN (q)`) → `any_match(rows, e -> x op e)`: true when it holds for
//!   some row, else NULL when it is unknown for some, else false (false for no rows);
//! - `x op ALL (q)` → `NOT any_match(rows, e -> NOT (x op e))`: false when it fails for some
//!   row, else NULL when it is unknown for some, else true (true for no rows);
//! - `EXISTS (q)` → `(SELECT count(*) > 0 FROM (q))`; true of an aggregate without GROUP BY,
//!   which has its one row always.
//!
//! `NOT IN` and `NOT EXISTS` are the negations of these. A subquery that reads the outer
//! query's columns stays correlated: an aggregate over a derived table, which `correlated` joins.

use std::ops::ControlFlow;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{exec_err, plan_err};

use datafusion::logical_expr::sqlparser::ast::{
    visit_expressions_mut, BinaryOperator, Distinct, Expr, GroupByExpr, Ident, LimitClause, OrderBy, OrderByKind,
    Query, Select, SelectItem, SetExpr, Statement, TableFactor, UnaryOperator, Value, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::parser::Parser;
use datafusion::logical_expr::ScalarUDF;

use super::udf::{Call, Passing, Trino};

use super::dialect::Athena;

/// Rewrites the subquery predicates of a SELECT list's item `expr` that are not inside a query
/// of it (those are their own lists' or in their WHERE clauses).
pub(super) fn in_select_item(expr: &mut Expr) {
    super::sql::own_expressions(expr, 0, |expr| {
        if let Some(form) = gathered_form(expr) {
            *expr = form;
        }
    });
}

/// `x IN (q)` in a WHERE or HAVING clause where its unknown answer counts, with that answer
/// (`marked_form`): DataFusion plans it by a join that marks each row found or not, so that
/// NULL was false there. That is the filter's answer only where NULL and false drop a row
/// alike: a positive IN under AND and OR, and a NOT IN (or `NOT (x IN (q))`) of the filter's
/// top AND, which it plans as a NULL-aware anti join. Elsewhere (`x NOT IN (q) OR x = 5`,
/// `(x IN (q)) IS NULL`, `coalesce(x IN (q), true)`) the mark took a row Trino drops, or
/// dropped one it keeps. And subquery predicates of a GROUP BY or an ORDER BY gathered, as a
/// SELECT list's are.
pub(super) fn in_filters(statement: &mut Statement) {
    let _ = statement.visit(&mut Filters);
}

struct Filters;

impl VisitorMut for Filters {
    type Break = ();

    fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        for select in super::sql::selects(query.body.as_mut()) {
            // A predicate inside an aggregate of a HAVING reads each row, as in a SELECT list:
            // the engine joins no subquery into an aggregate's argument.
            if let Some(having) = &mut select.having {
                let _ = visit_expressions_mut(having, |e| {
                    if aggregate(e) {
                        in_select_item(e);
                    }
                    ControlFlow::<()>::Continue(())
                });
            }
            for filter in [&mut select.selection, &mut select.having].into_iter().flatten() {
                in_filter(filter, true, true);
            }
            // A GROUP BY's keys, as a SELECT list's items (`in_select_item`). A key the list
            // repeats is read by its place there: the engine plans the two subqueries apart, and
            // would not know the item for the key.
            if let GroupByExpr::Expressions(keys, _) = &mut select.group_by {
                for key in keys.iter_mut() {
                    let mut gathered = key.clone();
                    in_select_item(&mut gathered);
                    if gathered == *key {
                        continue;
                    }
                    let place = select.projection.iter().position(|item| {
                        matches!(item, SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } if e == key)
                    });
                    *key = match place {
                        Some(place) => Expr::value(Value::Number((place + 1).to_string(), false)),
                        None => gathered,
                    };
                }
            }
        }
        // An ORDER BY's too: the engine plans IN (subquery) in no sort.
        if let Some(OrderBy { kind: OrderByKind::Expressions(keys), .. }) = &mut query.order_by {
            keys.iter_mut().for_each(|key| in_select_item(&mut key.expr));
        }
        ControlFlow::Continue(())
    }
}

/// `in_filters` of one filter's part: `conjunct` while it is reached through the top AND alone,
/// `positive` while through an even number of NOTs.
fn in_filter(expr: &mut Expr, conjunct: bool, positive: bool) {
    match expr {
        Expr::BinaryOp { left, op: op @ (BinaryOperator::And | BinaryOperator::Or), right } => {
            let conjunct = conjunct && positive && *op == BinaryOperator::And;
            in_filter(left, conjunct, positive);
            in_filter(right, conjunct, positive);
        }
        Expr::Nested(inner) => in_filter(inner, conjunct, positive),
        Expr::UnaryOp { op: UnaryOperator::Not, expr: inner } => {
            let of_in = matches!(unnested(inner), Expr::InSubquery { negated: false, .. });
            in_filter(inner, conjunct && positive && of_in, !positive);
        }
        Expr::InSubquery { negated, .. } if positive != *negated || conjunct => {}
        _ => super::sql::own_expressions(expr, 0, |expr| {
            if let Some(form) = marked_form(expr) {
                *expr = form;
            }
        }),
    }
}

/// `x IN (q)` answered by the engine's mark of a row found, and where none is, by what the
/// subquery's rows say of NULL, read by one summary of them: unknown when one of its values is
/// NULL, or when `x` is and it has rows; else false. Each part is a join the engine hashes, where the gathered form
/// compared every row with every value (26 s for `user_id NOT IN (…) OR …` over the
/// sandbox's events, a debug build; 0.6 s so).
fn marked_form(expr: &Expr) -> Option<Expr> {
    let Expr::InSubquery { expr: left, subquery, negated } = expr else { return None };
    let rows = unchanging_form(subquery, false);
    // A UNION, INTERSECT or EXCEPT read through a SELECT of it: the engine's join of one inside an
    // expression failed ("Projections require unique expression names").
    let rows = match rows.body.as_ref() {
        SetExpr::Select(_) => rows,
        _ => {
            let Expr::Subquery(mut query) = parsed(r#"(SELECT * FROM (SELECT 1) AS "$q")"#)? else { return None };
            let _ = query.visit(&mut Splice::Rows(Some(rows)));
            query
        }
    };
    // The IN once, in a function the planner leaves whole: a CASE of it was written out with the
    // IN twice, and two joins of one subquery failed where it was a UNION or was cast.
    let found = Expr::InSubquery { expr: left.clone(), subquery: rows, negated: false };
    in_answer_form(found, left, subquery, *negated)
}

/// `"$in_answer"(found, x IS NULL, kind)` of `x IN (rows)`, negated if `negated`: `found`
/// whether a row equals `x`, and `kind` what the rows say of NULL, read once: none (0), values
/// alone (1), a NULL among them (2).
pub(super) fn in_answer_form(found: Expr, left: &Expr, rows: &Query, negated: bool) -> Option<Expr> {
    let mut form = parsed(&format!(r#""{IN_ANSWER}"("$found", "$x" IS NULL, "$rows")"#))?;
    let kinds = r#"CASE WHEN count(*) > count("$v") THEN 2 WHEN count(*) > 0 THEN 1 ELSE 0 END"#;
    let kind = Expr::Subquery(summary(&unchanging_form(rows, false), kinds)?);
    let _ = form.visit(&mut Splice::Parts(vec![("$found", found), ("$x", left.clone()), ("$rows", kind)]));
    Some(if negated {
        Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(Expr::Nested(Box::new(form))) }
    } else {
        form
    })
}

/// `"$in_answer"(found, missing, rows)`: true where a row equals the value, else NULL where the
/// rows leave it unknown (`rows` 2: a NULL among them; 1, values alone, and the value `missing`,
/// NULL), else false. A NULL `found` or `rows` (no group of rows) is read as none.
const IN_ANSWER: &str = "$in_answer";

/// `"$gathered"(rows, label)`: a subquery's gathered rows, labelled with its text until the query
/// is planned (`gathered_form`).
const GATHERED: &str = "$gathered";

thread_local! {
    /// How many subqueries the statement being rewritten has gathered so far (`new_statement`).
    static GATHERED_SO_FAR: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Numbers the gathered subqueries of the next statement from 1 (the rewrite of one statement
/// runs on one thread).
pub(super) fn new_statement() {
    GATHERED_SO_FAR.set(0);
}

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Passing::labelled(GATHERED),
        Trino::udf(
            IN_ANSWER,
            |call: &Call| match call.types {
                [_, _, _] => Ok(DataType::Boolean),
                _ => {
                    plan_err!("{IN_ANSWER} takes whether a row was found, whether the value is NULL and the rows' kind")
                }
            },
            in_answer,
        ),
    ]
}

fn in_answer(args: &[ArrayRef], _: &DataType) -> datafusion::common::Result<ArrayRef> {
    let [found, missing, rows] = args else { return exec_err!("{IN_ANSWER} takes three values") };
    let (found, missing) = (cast(found, &DataType::Boolean)?, cast(missing, &DataType::Boolean)?);
    let rows = cast(rows, &DataType::Int64)?;
    let (found, missing, rows) = (found.as_boolean(), missing.as_boolean(), rows.as_primitive::<Int64Type>());
    let holds = |values: &BooleanArray, i: usize| values.is_valid(i) && values.value(i);
    let answers: BooleanArray = (0..found.len())
        .map(|i| {
            let kind = if rows.is_valid(i) { rows.value(i) } else { 0 };
            match (holds(found, i), kind, holds(missing, i)) {
                (true, _, _) => Some(true),
                (false, 2, _) | (false, 1, true) => None,
                _ => Some(false),
            }
        })
        .collect();
    Ok(Arc::new(answers))
}

/// A query answering `aggregate` (of `"$v"`, each row's value) over `rows`. Where `rows` is a
/// plain SELECT … FROM … WHERE of one value, that SELECT with the aggregate in its list: the
/// engine joins it by its correlated columns as equals, where over a derived table each outer
/// row was joined with each row its conditions matched (22 s over the sandbox's events).
fn summary(rows: &Query, aggregate: &str) -> Option<Box<Query>> {
    let mut aggregate = parsed(aggregate)?;
    let plain = rows.with.is_none() && rows.limit_clause.is_none() && rows.fetch.is_none();
    if let (true, SetExpr::Select(select)) = (plain, rows.body.as_ref()) {
        let ungrouped = matches!(&select.group_by, GroupByExpr::Expressions(keys, _) if keys.is_empty());
        let value = match select.projection.as_slice() {
            [SelectItem::UnnamedExpr(value) | SelectItem::ExprWithAlias { expr: value, .. }] => Some(value),
            _ => None,
        };
        let simple = ungrouped && select.having.is_none() && select.distinct.is_none() && select.qualify.is_none();
        if let (true, Some(value)) = (simple && select.named_window.is_empty(), value) {
            if !aggregates(value) {
                let _ = aggregate.visit(&mut Splice::Parts(vec![("$v", value.clone())]));
                let mut query = rows.clone();
                query.order_by = None;
                if let SetExpr::Select(select) = query.body.as_mut() {
                    select.projection = vec![SelectItem::UnnamedExpr(aggregate)];
                }
                return Some(Box::new(query));
            }
        }
    }
    let Expr::Subquery(mut query) = parsed(&format!(r#"(SELECT {aggregate} FROM (SELECT 1) AS "$q" ("$v"))"#))? else {
        return None;
    };
    let _ = query.visit(&mut Splice::Rows(Some(Box::new(rows.clone()))));
    Some(query)
}

fn unnested(expr: &Expr) -> &Expr {
    match expr {
        Expr::Nested(inner) => unnested(inner),
        _ => expr,
    }
}

/// The lambda parameter a comparison with a subquery's rows reads each row's value by
/// (`any_match(rows, "$e" -> x = "$e")`), and the one its summary of them is read by (`"$s" ->
/// … get_field("$s", 'extreme')`): names only the engine gives (`names::without_case`), which
/// `mixed_types` knows such a comparison by.
pub(super) const ROW_VALUE: &str = "$e";
pub(super) const SUMMARY: &str = "$s";
/// The lambda parameter of `x IN (q)` (Trino's message for its types differs from ANY's).
pub(super) const IN_VALUE: &str = "$i";

/// A comparison with `ANY`/`SOME`/`ALL` of a subquery, wherever it stands, in a form the engine
/// plans as Trino reads it: `x = ANY (q)` is `x IN (q)` and `x <> ALL (q)` is `x NOT IN (q)`
/// (the same answers, NULLs included), any other comparison the gathered form. DataFusion's own
/// plan of these resolves the left side inside the subquery: `country = ANY (SELECT country FROM
/// events …)` over `events` compared each row's `country` with itself and kept every row.
pub(super) fn comparison(expr: &Expr) -> Option<Expr> {
    let (left, right, negated) = match expr {
        Expr::AnyOp { left, compare_op: BinaryOperator::Eq, right, .. } => (left, right, false),
        Expr::AllOp { left, compare_op: BinaryOperator::NotEq, right } => (left, right, true),
        Expr::AnyOp { right, .. } | Expr::AllOp { right, .. } => {
            return matches!(right.as_ref(), Expr::Subquery(_)).then(|| gathered_form(expr)).flatten();
        }
        _ => return None,
    };
    let Expr::Subquery(subquery) = right.as_ref() else { return None };
    let mut subquery = subquery.clone();
    named_quantified(&mut subquery);
    Some(Expr::InSubquery { expr: left.clone(), subquery, negated })
}

/// The name a comparison `= ANY` or `<> ALL` gives its subquery's one value, by which
/// `mixed_types` tells it from an IN the query wrote (Trino's messages differ): a SELECT of one
/// value names it so, unless an ORDER BY may read the name it had. Another subquery (`*`, a
/// UNION, VALUES) is left as it is.
pub(super) const QUANTIFIED: &str = "$any";

fn named_quantified_already(query: &Query) -> bool {
    let Some(select) = first_select(&query.body) else { return false };
    matches!(select.projection.as_slice(), [SelectItem::ExprWithAlias { alias, .. }] if alias.value == QUANTIFIED)
}

fn named_quantified(query: &mut Query) {
    // A set operation's names are its first SELECT's, which its ORDER BY may read.
    let set = !matches!(query.body.as_ref(), SetExpr::Select(_));
    let ordered = query.order_by.is_some();
    let Some(select) = first_select_mut(query.body.as_mut()) else { return };
    let named = Ident::with_quote('"', QUANTIFIED);
    match select.projection.as_mut_slice() {
        [SelectItem::UnnamedExpr(value)] if !(set && ordered) => {
            let expr = value.clone();
            select.projection[0] = SelectItem::ExprWithAlias { expr, alias: named };
        }
        [SelectItem::ExprWithAlias { alias, .. }] if !ordered => *alias = named,
        _ => {}
    }
}

/// The SELECT whose names a query's body has: itself, or a set operation's first.
fn first_select(body: &SetExpr) -> Option<&Select> {
    match body {
        SetExpr::Select(select) => Some(select),
        SetExpr::SetOperation { left, .. } => first_select(left),
        _ => None,
    }
}

fn first_select_mut(body: &mut SetExpr) -> Option<&mut Select> {
    match body {
        SetExpr::Select(select) => Some(select),
        SetExpr::SetOperation { left, .. } => first_select_mut(left),
        _ => None,
    }
}

/// `expr` with its subquery gathered once, when it is a subquery predicate.
fn gathered_form(expr: &Expr) -> Option<Expr> {
    // IN's own, or one `comparison` wrote for `= ANY` (its subquery's value named so).
    let value = match expr {
        Expr::InSubquery { subquery, .. } if !named_quantified_already(subquery) => IN_VALUE,
        _ => ROW_VALUE,
    };
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
    // EXISTS of an aggregate without GROUP BY, which has its one row always, is true
    // (`subqueries` answers it so in a WHERE clause).
    if left.is_none() && one_row_always(query) {
        return Some(Expr::Value(Value::Boolean(!negated).into()));
    }
    // `"$x"` stands for the left side and `(SELECT 1) AS "$q"` for the subquery, whose gathered
    // rows are labelled with their number in the statement and its text: two aggregates that
    // differ in their subquery alone, or repeat one (`ORDER BY count_if(x IN (SELECT 1))` of the
    // list's own), are named apart (the engine names each subquery `<subquery>`, and refused such
    // a pair as "duplicate field name").
    let number = GATHERED_SO_FAR.get() + 1;
    GATHERED_SO_FAR.set(number);
    let label = format!("#{number} {query}").replace('\'', "''");
    let labelled = |gathered: &str| format!(r#""{GATHERED}"({gathered}, '{label}')"#);
    let rows = labelled(r#"(SELECT array_agg("$v") FROM (SELECT 1) AS "$q" ("$v"))"#);
    let rows = format!("coalesce({rows}, make_array())");
    let ordering = matches!(op, BinaryOperator::Lt | BinaryOperator::LtEq | BinaryOperator::Gt | BinaryOperator::GtEq);
    let sql = match left {
        Some(_) if ordering => extreme_form(op, any, labelled),
        Some(_) if any => format!(r#"any_match({rows}, "{value}" -> "$x" {op} "{value}")"#),
        Some(_) => format!(r#"NOT any_match({rows}, "{value}" -> NOT ("$x" {op} "{value}"))"#),
        None => labelled(r#"(SELECT count(*) > 0 FROM (SELECT 1) AS "$q")"#),
    };
    let mut form = parsed(&sql)?;
    if let Some(left) = left {
        let _ = form.visit(&mut Splice::Parts(vec![("$x", left.as_ref().clone())]));
    }
    let _ = form.visit(&mut Splice::Rows(Some(unchanging_form(query, left.is_none()))));
    Some(if negated { Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(form) } } else { form })
}

/// An expression of this module's own text, which always parses.
pub(super) fn parsed(sql: &str) -> Option<Expr> {
    Parser::new(&Athena::default()).try_with_sql(sql).ok()?.parse_expr().ok()
}

/// Whether `expr` is a call of an aggregate function (not over a window).
fn aggregate(expr: &Expr) -> bool {
    match expr {
        Expr::Function(f) if f.over.is_none() => f
            .name
            .0
            .last()
            .and_then(|part| part.as_ident())
            .is_some_and(|name| super::athena_functions::AGGREGATES.contains(&name.value.to_lowercase().as_str())),
        _ => false,
    }
}

/// Whether `expr` calls an aggregate or window function anywhere inside it.
pub(super) fn aggregates(expr: &Expr) -> bool {
    let found = datafusion::logical_expr::sqlparser::ast::visit_expressions(expr, |e| match e {
        Expr::Function(f) if f.over.is_some() || aggregate(e) => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    });
    found.is_break()
}

/// Whether `query` answers one row whatever it reads: a SELECT of aggregates alone, without
/// GROUP BY, HAVING, LIMIT or OFFSET.
fn one_row_always(query: &Query) -> bool {
    let SetExpr::Select(select) = query.body.as_ref() else { return false };
    let grouped = !matches!(&select.group_by, GroupByExpr::Expressions(keys, _) if keys.is_empty());
    if grouped || select.having.is_some() || query.limit_clause.is_some() || query.fetch.is_some() {
        return false;
    }
    !select.projection.is_empty()
        && select.projection.iter().all(|item| match item {
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => aggregate(expr),
            _ => false,
        })
}

/// `query` without what cannot change the predicate's answer, so that its rows are a plain
/// SELECT's, which `correlated` joins when they read the outer query's columns: DISTINCT (the
/// same values, fewer times) where there is no LIMIT, and for EXISTS an ORDER BY and a LIMIT of
/// one row or more.
fn unchanging_form(query: &Query, exists: bool) -> Box<Query> {
    let mut query = query.clone();
    let some_rows = match &query.limit_clause {
        Some(LimitClause::LimitOffset { limit: Some(Expr::Value(limit)), offset: None, limit_by }) => {
            limit_by.is_empty() && matches!(&limit.value, Value::Number(n, _) if n.parse::<u64>().is_ok_and(|n| n > 0))
        }
        _ => false,
    };
    if exists && some_rows && query.fetch.is_none() {
        query.limit_clause = None;
        query.order_by = None;
    }
    // Without a LIMIT, which would count the repeated values.
    let limited = query.limit_clause.is_some() || query.fetch.is_some();
    if let SetExpr::Select(select) = query.body.as_mut() {
        if matches!(select.distinct, Some(Distinct::Distinct)) && !limited {
            select.distinct = None;
        }
    }
    Box::new(query)
}

/// `x op ANY (q)` or `x op ALL (q)` for an ordering `op`, by the subquery's least or greatest
/// value (every row compared with every value of the subquery took minutes over the sandbox's
/// events), with SQL's answers for no rows (false for ANY, true for ALL) and for NULLs (unknown
/// when no value decides and one of them, or `x`, is NULL). The subquery's count of rows, of
/// values and the extreme are read once, as one row, by a lambda over an array of that row.
fn extreme_form(op: &BinaryOperator, any: bool, labelled: impl Fn(&str) -> String) -> String {
    let below = matches!(op, BinaryOperator::Lt | BinaryOperator::LtEq);
    // `x < ANY` holds when x is below the greatest; `x < ALL` when it is below the least.
    let extreme = if below == any { "max" } else { "min" };
    let summary = labelled(&format!(
        r#"(SELECT named_struct('n', count(*), 'values', count("$v"), 'extreme', {extreme}("$v")) FROM (SELECT 1) AS "$q" ("$v"))"#
    ));
    let field = |name: &str| format!(r#"get_field("{SUMMARY}", '{name}')"#);
    let (n, values, extreme) = (field("n"), field("values"), field("extreme"));
    let unknown = format!(r#"WHEN {n} > {values} OR "$x" IS NULL THEN NULL"#);
    let decide = if any {
        format!(r#"WHEN {n} = 0 THEN false WHEN "$x" {op} {extreme} THEN true {unknown} ELSE false"#)
    } else {
        format!(r#"WHEN {n} = 0 THEN true WHEN NOT ("$x" {op} {extreme}) THEN false {unknown} ELSE true"#)
    };
    format!(r#"any_match(make_array({summary}), "{SUMMARY}" -> CASE {decide} END)"#)
}

/// Puts the predicate's parts in the form: each part where its name is (the left side where
/// `"$x"` is), the subquery where the form's own `(SELECT 1) AS "$q"` is: the first one met,
/// which comes before the left side in every form, so that a predicate of a subquery inside the
/// left side keeps its own rows (the parts first, so that the user's subquery is not searched).
enum Splice {
    Parts(Vec<(&'static str, Expr)>),
    Rows(Option<Box<Query>>),
}

impl VisitorMut for Splice {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let (Splice::Parts(parts), Expr::Identifier(Ident { value, .. })) = (&*self, &*expr) {
            if let Some((_, part)) = parts.iter().find(|(name, _)| name == value) {
                *expr = part.clone();
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let (Splice::Rows(rows), TableFactor::Derived { subquery, alias: Some(alias), .. }) = (self, factor) {
            if alias.name.value == "$q" {
                if let Some(rows) = rows.take() {
                    *subquery = rows;
                }
            }
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::sql::tests::rewritten;

    #[test]
    fn subquery_predicates_of_a_select_list_gather_their_rows_once_and_a_where_clause_keeps_its_own() {
        // The gathered rows are labelled with the subquery's text.
        let rows = |q: &str, label: &str| {
            format!(
                r#"coalesce("$gathered"((SELECT array_agg("$v") FROM ({q}) AS "$q" ("$v")), '{label}'), make_array())"#
            )
        };
        assert_eq!(
            rewritten("SELECT 'a' = ANY (VALUES 'a', 'b')"),
            format!(
                r#"SELECT any_match({}, "$i" -> 'a' = "$i")"#,
                rows(
                    r#"SELECT * FROM (VALUES ('a'), ('b')) AS "$values3" (_col0)"#,
                    "#1 SELECT * FROM (VALUES (''a''), (''b''))"
                )
            )
        );
        // An ordering comparison reads the subquery's extreme once, wherever it stands.
        let least = r#""$gathered"((SELECT named_struct('n', count(*), 'values', count("$v"), 'extreme', min("$v")) FROM (SELECT x FROM t) AS "$q" ("$v")), '#1 SELECT x FROM t')"#;
        let (n, values, extreme) =
            (r#"get_field("$s", 'n')"#, r#"get_field("$s", 'values')"#, r#"get_field("$s", 'extreme')"#);
        let all_below = format!(
            r#"any_match(make_array({least}), "$s" -> CASE WHEN {n} = 0 THEN true WHEN NOT (a < {extreme}) THEN false WHEN {n} > {values} OR a IS NULL THEN NULL ELSE true END)"#
        );
        assert_eq!(
            rewritten("SELECT a, a < ALL (SELECT x FROM t) AS low FROM u"),
            format!("SELECT a, {all_below} AS low FROM u")
        );
        assert_eq!(
            rewritten("SELECT a FROM u WHERE a < ALL (SELECT x FROM t)"),
            format!("SELECT a FROM u WHERE {all_below}")
        );
        // `= ANY` and `<> ALL` are IN and NOT IN, whose left side DataFusion reads outside.
        assert_eq!(
            rewritten("SELECT a FROM t WHERE a = ANY (SELECT a FROM t) AND a <> ALL (SELECT b AS c FROM u)"),
            r#"SELECT a FROM t WHERE a IN (SELECT a AS "$any" FROM t) AND a NOT IN (SELECT b AS "$any" FROM u)"#
        );
        // A subquery of another shape keeps its names.
        assert_eq!(
            rewritten("SELECT a FROM t WHERE a = ANY (SELECT * FROM u) AND a = ANY (SELECT b AS c FROM u ORDER BY c)"),
            "SELECT a FROM t WHERE a IN (SELECT * FROM u) AND a IN (SELECT b AS c FROM u ORDER BY c)"
        );
        assert_eq!(
            rewritten("SELECT a NOT IN (VALUES 1) FROM u"),
            format!(
                r#"SELECT NOT any_match({}, "$i" -> a = "$i") FROM u"#,
                rows(r#"SELECT * FROM (VALUES (1)) AS "$values3" (_col0)"#, "#1 SELECT * FROM (VALUES (1))")
            )
        );
        assert_eq!(
            rewritten("SELECT NOT EXISTS (SELECT 1), EXISTS (SELECT 2)"),
            r#"SELECT NOT "$gathered"((SELECT count(*) > 0 FROM (SELECT 1) AS "$q"), '#1 SELECT 1'), "$gathered"((SELECT count(*) > 0 FROM (SELECT 2) AS "$q"), '#2 SELECT 2')"#
        );
        // A predicate of a subquery inside the left side keeps its own rows.
        assert_eq!(
            rewritten("SELECT (a IN (SELECT 10)) IN (SELECT true) FROM u"),
            format!(
                r#"SELECT any_match({}, "$i" -> (any_match({}, "$i" -> a = "$i")) = "$i") FROM u"#,
                rows("SELECT true", "#2 SELECT true"),
                rows("SELECT 10", "#1 SELECT 10")
            )
        );
        // In a GROUP BY and an ORDER BY too; a key the SELECT list repeats by its place there.
        assert_eq!(
            rewritten("SELECT a IN (SELECT 1), count(*) FROM u GROUP BY a IN (SELECT 1) ORDER BY a IN (SELECT 2)"),
            format!(
                r#"SELECT any_match({}, "$i" -> a = "$i"), count(*) FROM u GROUP BY 1 ORDER BY any_match({}, "$i" -> a = "$i")"#,
                rows("SELECT 1", "#3 SELECT 1"),
                rows("SELECT 2", "#2 SELECT 2")
            )
        );
        assert_eq!(
            rewritten("SELECT a FROM t WHERE a IN (SELECT b FROM u)"),
            "SELECT a FROM t WHERE a IN (SELECT b FROM u)"
        );
    }
}
