//! Trino's UNNEST of a table's own arrays, row by row: `FROM t CROSS JOIN UNNEST(t.a, t.b) [WITH
//! ORDINALITY] AS u(x, y[, n])`, also written `FROM t, UNNEST(…) AS u(…)` or `FROM t LEFT JOIN
//! UNNEST(…) AS u(…) ON true`. DataFusion's planner reads an UNNEST in FROM only of constants (of
//! a column its plan fails, "does not support logical expression OuterReferenceColumn"), and
//! answers its own `unnest(a)` in a SELECT list row by row: each UNNEST is rewritten into one,
//! `FROM (SELECT t.*, unnest(t.a) AS x, unnest(t.b) AS y FROM t) AS t`, and each `u.x` of the
//! query reads `t.x`. As in Trino:
//! - the arrays of one UNNEST are read side by side, the shorter ones padded with NULLs (as the
//!   engine's unnests of one SELECT list are);
//! - a row whose arrays are all empty or NULL gives no row under CROSS JOIN, and one of NULLs
//!   under LEFT JOIN;
//! - `WITH ORDINALITY` numbers the elements from 1;
//! - two UNNESTs are each row's every pair (each is its own nesting).
//!
//! One map (`UNNEST(m) AS u(k, v)`) or array of rows (`UNNEST(rs) AS u(a, b)`) into several
//! columns reads each column as its own array (`"$unnest_column"(m, 0)`, the keys), side by side.
//!
//! With no table before it (`FROM UNNEST(m) AS u(k, v)`, or `WITH ORDINALITY`, which the
//! engine's own UNNEST in FROM does not read), the UNNEST is read after a table of one row.
//!
//! An UNNEST of an array of rows whose type the query writes (`UNNEST(CAST(json_parse(j) AS
//! array(row(sku varchar, qty integer))))`), without column names, has a column for each field,
//! named as the field, as in Trino (the engine's gave one column of rows): the names are put in
//! as the UNNEST's own (`AS u(sku, qty)`, under the engine's name `"$unnest"` where it has none).
//!
//! After inner joins (`a JOIN b ON … CROSS JOIN UNNEST(b.x) AS u(y)`), the relation whose
//! columns the UNNEST reads is nested before it is joined. An UNNEST after an outer join, one
//! reading two relations' columns or a column without its relation's name, and one without
//! column names stay as written, for the engine to refuse.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, Expr, Ident, Join, JoinConstraint, JoinOperator, Query, SelectItem, SetExpr, Spanned,
    TableAlias, TableAliasColumnDef, TableFactor, TableWithJoins, Value, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::parser::Parser;

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::ScalarUDF;

use super::dialect::Athena;
use super::nested::{item, map_types};
use super::sql::{call, case_when};
use super::types::trino_type;
use super::udf::{integers, Call, Trino};

/// The engine's name for one column of an UNNEST into several: a map's keys (0) or values (1),
/// or the `i`th field of an array's rows, as an array.
const UNNEST_COLUMN: &str = "$unnest_column";

pub fn functions() -> Vec<ScalarUDF> {
    vec![Trino::udf(UNNEST_COLUMN, unnest_column_type, unnest_column)]
}

fn unnest_column_type(call: &Call) -> Result<DataType> {
    let Some(ScalarValue::Int64(Some(i))) = call.scalars.get(1).copied().flatten() else {
        return plan_err!("{UNNEST_COLUMN} takes a value and a constant column");
    };
    let i = *i as usize;
    let column = match call.types.first() {
        Some(kind @ DataType::Map(_, _)) => map_types(kind).map(|(k, v)| if i == 0 { k } else { v }).filter(|_| i < 2),
        Some(kind) => match item(kind) {
            Some(DataType::Struct(fields)) => fields.get(i).map(|f| f.data_type()),
            _ => {
                let kind = trino_type(kind);
                return plan_err!("NOT_SUPPORTED: an UNNEST of one {kind} into several columns: Trino unnests a map into its keys and values, and an array of rows into their fields");
            }
        },
        None => None,
    };
    match column {
        Some(column) => Ok(DataType::List(Arc::new(Field::new("item", column.clone(), true)))),
        None => plan_err!("NOT_SUPPORTED: the UNNEST names more columns than its value has"),
    }
}

fn unnest_column(args: &[ArrayRef], kind: &DataType) -> Result<ArrayRef> {
    let DataType::List(field) = kind else { return exec_err!("{UNNEST_COLUMN} answers an array") };
    let i = integers(args, 1)?.iter().flatten().next().unwrap_or(0) as usize;
    let value = &args[0];
    let (offsets, entries, nulls) = if let Some(map) = value.as_map_opt() {
        (map.offsets().clone(), map.entries().clone(), map.nulls().cloned())
    } else if let Some(list) = value.as_list_opt::<i32>() {
        (list.offsets().clone(), list.values().as_struct().clone(), list.nulls().cloned())
    } else {
        return exec_err!("{UNNEST_COLUMN} reads a map or an array of rows");
    };
    let Some(column) = entries.columns().get(i) else { return exec_err!("{UNNEST_COLUMN}: no column {i}") };
    Ok(Arc::new(ListArray::try_new(field.clone(), offsets, column.clone(), nulls)?))
}

/// Rewrites the lateral UNNESTs of every query of `statement`.
pub(super) fn rewrite(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut FieldNames);
    let _ = statement.visit(&mut Lateral);
}

/// The engine's name for an UNNEST whose columns the sandbox names and the query did not.
const UNNEST_NAME: &str = "$unnest";

/// Names the columns of an UNNEST of rows whose type is written (the module's note).
struct FieldNames;

impl VisitorMut for FieldNames {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        let TableFactor::UNNEST { alias, array_exprs, with_ordinality: false, .. } = factor else {
            return ControlFlow::Continue(());
        };
        let [array] = array_exprs.as_slice() else { return ControlFlow::Continue(()) };
        if alias.as_ref().is_some_and(|alias| !alias.columns.is_empty()) {
            return ControlFlow::Continue(());
        }
        if let Some(fields) = written_fields(array) {
            let name = Ident::with_quote('"', UNNEST_NAME);
            let alias = alias.get_or_insert(TableAlias { explicit: true, name, columns: Vec::new(), at: None });
            alias.columns = fields.into_iter().map(TableAliasColumnDef::from_name).collect();
        }
        ControlFlow::Continue(())
    }
}

/// The field names of the rows of an array cast to a written type (`"$cast_to"(x,
/// 'array(row(sku varchar, …))')`, `dialect`), when every field has one.
fn written_fields(array: &Expr) -> Option<Vec<String>> {
    let Expr::Function(function) = array else { return None };
    if !super::sql::is_call(function, super::cast::CAST_TO) && !super::sql::is_call(function, super::cast::TRY_CAST_TO)
    {
        return None;
    }
    let args = super::sql::plain_arguments(&function.args)?;
    let Expr::Value(written) = args.get(1)? else { return None };
    let Value::SingleQuotedString(written) = &written.value else { return None };
    let DataType::List(item) = super::types::parse_trino_type(written).ok()? else { return None };
    let DataType::Struct(fields) = item.data_type() else { return None };
    let names: Vec<String> = fields.iter().map(|f| f.name().clone()).collect();
    let anonymous = names.iter().enumerate().any(|(i, name)| *name == super::types::anonymous_field(i));
    (!names.is_empty() && !anonymous).then_some(names)
}

struct Lateral;

impl VisitorMut for Lateral {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        // The first FROM item only: a later one (`FROM t, UNNEST(t.m) AS u(k, v)`) has a table
        // before it.
        if let SetExpr::Select(select) = query.body.as_mut() {
            if let Some(first) = select.from.first_mut() {
                alone(&mut first.relation);
            }
        }
        let mut renamed = Vec::new();
        in_body(&mut query.body, &mut renamed);
        // `u.x` → `t.x`, in this query's own SELECT lists, clauses and ORDER BY: not in the
        // queries inside it, which may name a `u` of their own.
        if !renamed.is_empty() {
            super::sql::own_expressions(query, 1, |expr| rename(expr, &renamed));
        }
        ControlFlow::Continue(())
    }
}

/// An UNNEST first in FROM, with no table before it, that the engine's own UNNEST in FROM
/// does not read (of a map or an array of rows into several columns, or `WITH ORDINALITY`):
/// the same UNNEST after a table of one row, which the rewrite above reads, `FROM UNNEST(m) AS
/// u(k, v)` → `FROM (SELECT k, v FROM (VALUES 1) AS "$one"("$one") CROSS JOIN UNNEST(m) AS
/// u(k, v)) AS u(k, v)`.
fn alone(relation: &mut TableFactor) {
    let TableFactor::UNNEST { alias: Some(alias), array_exprs, with_ordinality, .. } = &*relation else { return };
    let names = alias.columns.len();
    if names == 0 || !(*with_ordinality || names > array_exprs.len()) {
        return;
    }
    let columns: Vec<String> = alias.columns.iter().map(|c| c.name.to_string()).collect();
    let columns = columns.join(", ");
    let template = format!(
        r#"SELECT 1 FROM (SELECT {columns} FROM (VALUES (1)) AS "$one"("$one") CROSS JOIN UNNEST(NULL) AS u(x)) AS u(x)"#
    );
    let Ok(mut outer) = Parser::new(&Athena::default()).try_with_sql(&template).and_then(|mut p| p.parse_query())
    else {
        return;
    };
    let SetExpr::Select(select) = outer.body.as_mut() else { return };
    let Some(from) = select.from.pop() else { return };
    let mut derived = from.relation;
    if let TableFactor::Derived { alias: named, .. } = &mut derived {
        *named = Some(alias.clone());
    }
    // The UNNEST written moves into the subquery, in place of its `UNNEST(NULL)`.
    let unnest = std::mem::replace(relation, derived);
    let TableFactor::Derived { subquery, .. } = relation else { return };
    let SetExpr::Select(inner) = subquery.body.as_mut() else { return };
    if let Some(join) = inner.from.first_mut().and_then(|f| f.joins.first_mut()) {
        join.relation = unnest;
    }
}

/// `u.x` → `t.x` (and `u.x.f` → `t.x.f`) for each `(u, t)` of `renamed`.
fn rename(expr: &mut Expr, renamed: &[(Ident, Ident)]) {
    if let Expr::CompoundIdentifier(parts) = expr {
        if let [table, _, ..] = parts.as_mut_slice() {
            if let Some((_, to)) = renamed.iter().find(|(from, _)| same(from, table)) {
                *table = to.clone();
            }
        }
    }
}

fn in_body(body: &mut SetExpr, renamed: &mut Vec<(Ident, Ident)>) {
    match body {
        SetExpr::Select(select) => {
            // `FROM t, UNNEST(…) AS u(x)` is `FROM t CROSS JOIN UNNEST(…) AS u(x)` (one relation,
            // then UNNESTs only).
            let unnests = |from: &[TableWithJoins]| from.iter().all(|f| f.joins.is_empty() && is_unnest(&f.relation));
            if select.from.len() > 1 && unnests(&select.from[1..]) {
                let rest: Vec<TableWithJoins> = select.from.drain(1..).collect();
                let first = &mut select.from[0];
                first.joins.extend(rest.into_iter().map(|unnest| Join {
                    relation: unnest.relation,
                    global: false,
                    join_operator: JoinOperator::CrossJoin(JoinConstraint::None),
                }));
            }
            for from in select.from.iter_mut() {
                in_from(from, renamed);
            }
        }
        SetExpr::SetOperation { left, right, .. } => {
            in_body(left, renamed);
            in_body(right, renamed);
        }
        _ => {}
    }
}

fn is_unnest(factor: &TableFactor) -> bool {
    matches!(factor, TableFactor::UNNEST { .. })
}

/// `relation [JOIN …] CROSS JOIN UNNEST(…) …` of one FROM item, when its joins are inner joins
/// followed by such UNNESTs only. Each UNNEST nests the relation whose columns it reads (the
/// first, when no join comes before it): under inner joins, unnesting a relation before it is
/// joined gives the rows unnesting after would.
fn in_from(from: &mut TableWithJoins, renamed: &mut Vec<(Ident, Ident)>) {
    let Some(split) = from.joins.iter().position(|join| is_unnest(&join.relation)) else { return };
    let (joins, unnests) = from.joins.split_at(split);
    if is_unnest(&from.relation) || !unnests.iter().all(lateral_join) || !joins.iter().all(inner_join) {
        return;
    }
    let mut relations: Vec<TableFactor> =
        std::iter::once(&from.relation).chain(joins.iter().map(|join| &join.relation)).cloned().collect();
    let Some(relation_names) = relations.iter().map(relation_name).collect::<Option<Vec<Ident>>>() else { return };
    // Each UNNEST nests its relation once more; all of them, or none.
    let mut names = Vec::new();
    for join in unnests {
        let outer = matches!(join.join_operator, JoinOperator::Left(_) | JoinOperator::LeftOuter(_));
        let TableFactor::UNNEST { alias: Some(alias), array_exprs, with_ordinality, .. } = &join.relation else {
            return;
        };
        // An UNNEST of an earlier one's column (`UNNEST(u.x)`) reads it from the relation now.
        let mut arrays = array_exprs.clone();
        for array in arrays.iter_mut() {
            let _ = ast::visit_expressions_mut(array, |expr| {
                rename(expr, &names);
                ControlFlow::<()>::Continue(())
            });
        }
        let target = match relation_names.len() {
            1 => 0,
            _ => match read_relation(&arrays, &relation_names) {
                Some(target) => target,
                None => return,
            },
        };
        let name = &relation_names[target];
        let Some(nested) = unnested(relations[target].clone(), name, &arrays, alias, *with_ordinality, outer) else {
            return;
        };
        relations[target] = nested;
        names.push((alias.name.clone(), name.clone()));
    }
    let mut relations = relations.into_iter();
    from.relation = relations.next().unwrap_or_else(|| from.relation.clone());
    let mut joins: Vec<Join> = joins.to_vec();
    for (join, relation) in joins.iter_mut().zip(relations) {
        join.relation = relation;
    }
    from.joins = joins;
    renamed.extend(names);
}

/// The one relation of `names` whose columns `arrays` read, each named with its relation
/// (`e.page_url`): the first when they read none (`UNNEST(ARRAY[1, 2])`); None for a column
/// without one, or columns of two.
fn read_relation(arrays: &[Expr], names: &[Ident]) -> Option<usize> {
    let mut read = None;
    let mut known = true;
    let mut any = false;
    for array in arrays {
        let _ = ast::visit_expressions(array, |expr| {
            let relation = match expr {
                Expr::CompoundIdentifier(parts) if parts.len() > 1 => names.iter().position(|n| same(n, &parts[0])),
                Expr::Identifier(_) => None,
                _ => return ControlFlow::<()>::Continue(()),
            };
            any = true;
            match (relation, read) {
                (Some(r), None) => read = Some(r),
                (Some(r), Some(before)) if r == before => {}
                _ => known = false,
            }
            ControlFlow::Continue(())
        });
    }
    match any {
        false => Some(0),
        true => read.filter(|_| known),
    }
}

/// Whether `join` is an inner join (`JOIN … ON`, `USING`, `CROSS JOIN`) of a relation; not a
/// NATURAL one, whose keys an UNNEST's new column could join.
fn inner_join(join: &Join) -> bool {
    match &join.join_operator {
        JoinOperator::Join(constraint) | JoinOperator::Inner(constraint) => {
            !matches!(constraint, JoinConstraint::Natural)
        }
        JoinOperator::CrossJoin(_) => true,
        _ => false,
    }
}

/// Whether `join` is one this module rewrites: a CROSS JOIN of an UNNEST with as many column names
/// as it gives columns, or a LEFT JOIN of one `ON true`.
fn lateral_join(join: &Join) -> bool {
    let TableFactor::UNNEST { alias: Some(alias), array_exprs, with_offset: false, with_ordinality, .. } =
        &join.relation
    else {
        return false;
    };
    // As many columns as arrays, or one map or array of rows into several.
    let columns = alias.columns.len() - usize::from(*with_ordinality).min(alias.columns.len());
    if columns != array_exprs.len() && !(array_exprs.len() == 1 && columns > 1) {
        return false;
    }
    match &join.join_operator {
        JoinOperator::CrossJoin(JoinConstraint::None) => true,
        JoinOperator::Left(JoinConstraint::On(on)) | JoinOperator::LeftOuter(JoinConstraint::On(on)) => {
            matches!(on, Expr::Value(v) if v.value == Value::Boolean(true))
        }
        _ => false,
    }
}

/// The name the query reads `relation`'s columns by: its alias, or its table's own name.
pub(super) fn relation_name(relation: &TableFactor) -> Option<Ident> {
    match relation {
        TableFactor::Table { alias: Some(alias), .. } | TableFactor::Derived { alias: Some(alias), .. } => {
            Some(alias.name.clone())
        }
        TableFactor::Table { name, alias: None, .. } => name.0.last()?.as_ident().cloned(),
        _ => None,
    }
}

/// `(SELECT name.*, unnest(a) AS x, … FROM relation AS name) AS name`.
fn unnested(
    mut relation: TableFactor,
    name: &Ident,
    arrays: &[Expr],
    alias: &TableAlias,
    ordinality: bool,
    outer: bool,
) -> Option<TableFactor> {
    match &mut relation {
        TableFactor::Table { alias, .. } | TableFactor::Derived { alias, .. } => {
            let columns = alias.as_ref().map(|a| a.columns.clone()).unwrap_or_default();
            *alias = Some(TableAlias { explicit: true, name: name.clone(), columns, at: None });
        }
        _ => return None,
    }
    // The module's own text, which always parses: the relation is put in place of `"$r"`.
    let mut query = Parser::new(&Athena::default())
        .try_with_sql(&format!("SELECT {name}.* FROM \"$r\""))
        .ok()?
        .parse_query()
        .ok()?;
    let SetExpr::Select(select) = query.body.as_mut() else { return None };
    select.from = vec![TableWithJoins { relation, joins: Vec::new() }];
    // Under LEFT JOIN an empty or NULL array is one NULL, so that its row stays.
    let array = |a: &Expr| if outer { kept(a) } else { a.clone() };
    let names = &alias.columns[..alias.columns.len() - usize::from(ordinality)];
    if let ([value], [_, _, ..]) = (arrays, names) {
        // One map or array of rows into several columns: each column its own array, side by side.
        for (i, column) in names.iter().enumerate() {
            let part = call(UNNEST_COLUMN, vec![value.clone(), number(i as u32)]);
            let expr = call("unnest", vec![array(&part)]);
            select.projection.push(SelectItem::ExprWithAlias { expr, alias: column.name.clone() });
        }
    } else {
        for (a, column) in arrays.iter().zip(names) {
            let expr = call("unnest", vec![array(a)]);
            select.projection.push(SelectItem::ExprWithAlias { expr, alias: column.name.clone() });
        }
    }
    if ordinality {
        // Numbered by the longest array; the row LEFT JOIN keeps for empty ones has no number.
        let lengths: Vec<Expr> = arrays.iter().map(|a| call("cardinality", vec![a.clone()])).collect();
        let longest = if lengths.len() == 1 { lengths[0].clone() } else { call("greatest", lengths) };
        let numbers = array(&call("generate_series", vec![number(1), longest]));
        let column = alias.columns.last()?.name.clone();
        select.projection.push(SelectItem::ExprWithAlias { expr: call("unnest", vec![numbers]), alias: column });
    }
    Some(TableFactor::Derived {
        lateral: false,
        subquery: query,
        alias: Some(TableAlias { explicit: true, name: name.clone(), columns: Vec::new(), at: None }),
        sample: None,
    })
}

/// `CASE WHEN cardinality(a) > 0 THEN a ELSE ARRAY[NULL] END`.
fn kept(array: &Expr) -> Expr {
    let some = Expr::BinaryOp {
        left: Box::new(call("cardinality", vec![array.clone()])),
        op: BinaryOperator::Gt,
        right: Box::new(number(0)),
    };
    case_when(some, array.clone(), Some(call("make_array", vec![Expr::value(Value::Null)])))
}

fn number(n: u32) -> Expr {
    Expr::value(Value::Number(n.to_string(), false))
}

/// Whether two names are one (unquoted names are read without case).
/// Names are read without case, quoted or not (`names::without_case`).
fn same(a: &Ident, b: &Ident) -> bool {
    a.value.to_lowercase() == b.value.to_lowercase()
}

/// Trino's refusal of a join of an UNNEST on a condition other than `ON TRUE`, and of a
/// NATURAL join (its `StatementAnalyzer`), which the engine answered.
pub(super) fn join_refused(statement: &ast::Statement) -> Option<String> {
    struct Outer(Option<String>);
    impl ast::Visitor for Outer {
        type Break = ();
        fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
            self.0 = refused_in(&query.body);
            if self.0.is_some() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    let mut outer = Outer(None);
    let _ = ast::Visit::visit(statement, &mut outer);
    outer.0
}

/// The refusal of the first join of an UNNEST in `body`'s FROM clauses on a condition other
/// than `ON TRUE` (or `ON (TRUE)`), USING among them, joins in parentheses too.
fn refused_in(body: &SetExpr) -> Option<String> {
    match body {
        SetExpr::Select(select) => select.from.iter().find_map(refused_in_from),
        SetExpr::SetOperation { left, right, .. } => refused_in(left).or_else(|| refused_in(right)),
        _ => None,
    }
}

fn refused_in_from(from: &TableWithJoins) -> Option<String> {
    let nested = |factor: &TableFactor| match factor {
        TableFactor::NestedJoin { table_with_joins, .. } => refused_in_from(table_with_joins),
        _ => None,
    };
    nested(&from.relation).or_else(|| {
        from.joins.iter().find_map(|join| {
            let (kind, constraint) = match &join.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) => ("INNER", c),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => ("LEFT", c),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => ("RIGHT", c),
                JoinOperator::FullOuter(c) => ("FULL", c),
                _ => return nested(&join.relation),
            };
            let mut on = match constraint {
                JoinConstraint::On(on) => on,
                // Trino has no NATURAL join at all.
                JoinConstraint::Natural => return Some("NOT_SUPPORTED: Natural join not supported".into()),
                JoinConstraint::Using(_) => &Expr::value(Value::Null),
                JoinConstraint::None => return nested(&join.relation),
            };
            while let Expr::Nested(inner) = on {
                on = inner;
            }
            let on_true = matches!(on, Expr::Value(v) if v.value == Value::Boolean(true));
            if !is_unnest(&join.relation) || on_true {
                return nested(&join.relation);
            }
            // Trino's place is the condition's (a USING's, the join's, which the parser's spans
            // do not give).
            let at = match constraint {
                JoinConstraint::On(on) => super::errors::at(on.span().start.line, on.span().start.column),
                _ => String::new(),
            };
            Some(format!("NOT_SUPPORTED: {at}{kind} JOIN involving UNNEST is only supported with condition ON TRUE"))
        })
    })
}
