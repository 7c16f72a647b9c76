//! The names a statement's tables and columns are read and printed by, as Athena's: every name
//! read without case, quoted or not (`without_case`), a column printed by its name as the query
//! wrote it (`Headings`), and each column a query leaves unnamed named by its place
//! (`PlaceNames`), which `column_name` prints as `_col0`.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{self, Expr, Ident, SelectItem, SetExpr, VisitMut, VisitorMut};
use datafusion::logical_expr::sqlparser::keywords::Keyword;
use datafusion::logical_expr::sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use super::file_columns::HIDDEN;
use super::quantified;

/// Names `statement`'s unnamed columns by their place.
pub(super) fn name_columns(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut PlaceNames::default());
}

/// Names each subquery of a FROM clause that has no alias (`FROM (SELECT 1 AS k) JOIN (SELECT 1
/// AS k) USING (k)`), as Trino reads it: a relation of its own, whose columns may share names
/// with another's. DataFusion leaves such a subquery's columns unqualified, so two of them with
/// one name failed ("Schema contains duplicate unqualified field name k"). Each gets a name of
/// the engine's, `"$subqueryN"`, which no query can write (`without_case`), before the `*`s and
/// USING keys are read.
pub(super) fn name_subqueries(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut SubqueryNames::default());
}

#[derive(Default)]
struct SubqueryNames {
    named: usize,
}

impl VisitorMut for SubqueryNames {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &mut ast::TableFactor) -> ControlFlow<()> {
        // `(VALUES …)` is named with its columns (`PlaceNames`).
        if let ast::TableFactor::Derived { alias: alias @ None, subquery, .. } = factor {
            if matches!(subquery.body.as_ref(), SetExpr::Values(_)) {
                return ControlFlow::Continue(());
            }
            self.named += 1;
            let name = Ident::with_quote('"', format!("$subquery{}", self.named));
            *alias = Some(ast::TableAlias { explicit: true, name, columns: Vec::new(), at: None });
        }
        ControlFlow::Continue(())
    }
}

/// Names each field of a value a SELECT list reads (`(data).location.city`) by the field, as
/// Athena does, before the SQL front writes it as a call, which the engine would name after
/// its plan: `… AS "$colf0.city"`, printed `city` (`column_name`).
pub(super) fn name_fields(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut FieldNames::default());
}

#[derive(Default)]
struct FieldNames {
    named: usize,
}

impl VisitorMut for FieldNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        self.name_fields(&mut query.body);
        ControlFlow::Continue(())
    }
}

impl FieldNames {
    fn name_fields(&mut self, body: &mut SetExpr) {
        match body {
            SetExpr::Select(select) => {
                for item in select.projection.iter_mut() {
                    let SelectItem::UnnamedExpr(expr @ Expr::CompoundFieldAccess { .. }) = item else { continue };
                    let Some(field) = read_name(expr) else { continue };
                    let alias = Ident::with_quote('"', format!("{PLACE}f{}.{}", self.named, field.value));
                    self.named += 1;
                    *item = SelectItem::ExprWithAlias { expr: expr.clone(), alias };
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.name_fields(left);
                self.name_fields(right);
            }
            _ => {}
        }
    }
}

/// Athena reads every name without case, quoted or not: `"Country"` and `e."COUNTRY"` are the
/// column `country`, `"AwsDataCatalog"."clickstream"."Events"` the table `events` (Trino's
/// `QualifiedName` lower-cases each part; Glue keeps its names in lower case). DataFusion
/// lower-cases a name only when it is not quoted, so each quoted one is written in lower case
/// here, before the statement is parsed; what it said is kept, by where it stands, for the
/// headings (`Written`). A row's field named in a cast's type keeps its case, as in Trino
/// (`CAST(r AS ROW(x int, "Y" varchar))` has a field `Y`): it names no column.
///
/// A name the query gives that begins with `$` (`AS "$row"`) is read with one more `$` (`$$row`):
/// every name the engine gives its own forms (`"$row" -> …`, `"$q"`, `"$col0"`) begins with one
/// `$` and then a letter, so none is ever taken for one of the query's, and none of the query's
/// for one of the engine's. Athena's hidden columns (`"$path"`) keep their names. `as_written`
/// reads a name back.
pub(super) fn without_case(mut tokens: Vec<TokenWithSpan>) -> (Vec<TokenWithSpan>, Written) {
    let mut written = HashMap::new();
    let mut types = CastTypes::default();
    for token in tokens.iter_mut() {
        types.read(&token.token);
        if let Token::Word(word) = &mut token.token {
            if !types.in_type() {
                let mut read = if word.quote_style.is_some() { word.value.to_lowercase() } else { word.value.clone() };
                if read.starts_with('$') && !HIDDEN.contains(&read.as_str()) {
                    read.insert(0, '$');
                }
                if read != word.value {
                    written.insert(token.span.start, std::mem::replace(&mut word.value, read));
                }
            }
        }
    }
    (tokens, Written(written))
}

/// Where the tokens read so far stand among `CAST(x AS type)`s (and `TRY_CAST`s): the depth of
/// each cast's parenthesis, and whether its type has begun.
#[derive(Default)]
struct CastTypes {
    depth: usize,
    casts: Vec<(usize, bool)>,
    cast_ahead: bool,
}

impl CastTypes {
    fn read(&mut self, token: &Token) {
        let cast_ahead = std::mem::take(&mut self.cast_ahead);
        match token {
            Token::Whitespace(_) => self.cast_ahead = cast_ahead,
            Token::LParen => {
                self.depth += 1;
                if cast_ahead {
                    self.casts.push((self.depth, false));
                }
            }
            Token::RParen => {
                if self.casts.last().is_some_and(|(depth, _)| *depth == self.depth) {
                    self.casts.pop();
                }
                self.depth = self.depth.saturating_sub(1);
            }
            Token::Word(word) if word.quote_style.is_none() => match word.keyword {
                Keyword::CAST | Keyword::TRY_CAST => self.cast_ahead = true,
                Keyword::AS => {
                    if let Some((depth, in_type)) = self.casts.last_mut() {
                        *in_type |= *depth == self.depth;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn in_type(&self) -> bool {
        self.casts.iter().any(|(_, in_type)| *in_type)
    }
}

/// The quoted names `without_case` wrote in lower case, as the query wrote them, by where each
/// starts.
#[derive(Default)]
pub(super) struct Written(HashMap<Location, String>);

impl Written {
    fn name(&self, ident: &Ident) -> String {
        self.0.get(&ident.span.start).cloned().unwrap_or_else(|| ident.value.clone())
    }
}

/// The names Athena prints a query's columns by, as the query wrote them: `SELECT Country` is
/// headed `Country`, `count(*) AS "Total Events"` `Total Events` (Athena's guide: it "displays the
/// column heading using the casing that you chose in the query"), where the engine, which reads
/// them in lower case, names them `country` and `total events`. Read from the first SELECT of
/// the query (a UNION's columns are named by its first part), the items before its first `*` by
/// their place and those after its last `*` by their place from the end.
#[derive(Default, Debug, PartialEq)]
pub struct Headings {
    first: Vec<Option<String>>,
    last: Vec<Option<String>>,
    /// Whether `first` is every column (the SELECT has no `*`).
    every: bool,
    /// Whether every column is named by its place (`VALUES (1, 'a')` has `_col0` and `_col1`,
    /// where the engine names them `column1` and `column2`).
    by_place: bool,
    /// Every alias the statement writes, as written, by its name in lower case: a column a `*`
    /// brings from a subquery is headed by its alias too (`AS "count(x)"`, which `column_name`
    /// alone takes for an expression's name).
    aliases: HashMap<String, String>,
}

impl Headings {
    /// The headings of `statement`'s columns, when it is a query.
    pub(super) fn of(statement: &ast::Statement, written: &Written) -> Headings {
        let ast::Statement::Query(query) = statement else {
            return Headings::default();
        };
        let mut aliases = Aliases { written, found: HashMap::new() };
        let _ = ast::Visit::visit(statement, &mut aliases);
        let aliases = aliases.found;
        let mut body = query.body.as_ref();
        let select = loop {
            match body {
                SetExpr::Select(select) => break select,
                SetExpr::SetOperation { left, .. } => body = left,
                SetExpr::Query(query) => body = &query.body,
                SetExpr::Values(_) => return Headings { by_place: true, aliases, ..Headings::default() },
                _ => return Headings::default(),
            }
        };
        let heading = |item: &SelectItem| match item {
            SelectItem::ExprWithAlias { alias, .. } => Some(written.name(alias)),
            SelectItem::UnnamedExpr(expr) => read_name(expr).map(|ident| written.name(ident)),
            _ => None,
        };
        let items = &select.projection;
        match (items.iter().position(is_star), items.iter().rposition(is_star)) {
            (Some(first), Some(last)) => Headings {
                first: items[..first].iter().map(heading).collect(),
                last: items[last + 1..].iter().map(heading).collect(),
                every: false,
                by_place: false,
                aliases,
            },
            _ => {
                let first = items.iter().map(heading).collect();
                Headings { first, last: Vec::new(), every: true, by_place: false, aliases }
            }
        }
    }

    /// The heading of the column at `position` of `count`, which the engine names `engine`: the
    /// name as the query wrote it, where it is that name (an alias of any characters,
    /// `AS "count(x)"` too), else Athena's name of it (`column_name`).
    pub fn name(&self, position: usize, count: usize, engine: &str) -> String {
        let name = column_name(position, engine);
        if self.by_place {
            return format!("_col{position}");
        }
        let heading = if position < self.first.len() {
            self.first[position].as_ref()
        } else if self.every {
            None
        } else {
            let from_end = count - position;
            self.last.len().checked_sub(from_end).and_then(|i| self.last[i].as_ref())
        };
        match heading {
            Some(heading) if [&name, engine].iter().any(|n| heading.to_lowercase() == n.to_lowercase()) => {
                heading.clone()
            }
            _ if name.starts_with("_col") => self.aliases.get(&engine.to_lowercase()).cloned().unwrap_or(name),
            _ => name,
        }
    }
}

/// The aliases of every SELECT of a statement, as `Headings::aliases` holds them.
struct Aliases<'a> {
    written: &'a Written,
    found: HashMap<String, String>,
}

impl ast::Visitor for Aliases<'_> {
    type Break = ();

    /// The names a table's alias gives its columns (`t("a(b)", c)`, `WITH w("a(b)") AS …`).
    fn pre_visit_table_factor(&mut self, factor: &ast::TableFactor) -> ControlFlow<()> {
        let alias = match factor {
            ast::TableFactor::Derived { alias: Some(alias), .. }
            | ast::TableFactor::Table { alias: Some(alias), .. }
            | ast::TableFactor::UNNEST { alias: Some(alias), .. } => alias,
            _ => return ControlFlow::Continue(()),
        };
        for column in &alias.columns {
            self.found.insert(column.name.value.to_lowercase(), self.written.name(&column.name));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &ast::Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for table in &with.cte_tables {
                for column in &table.alias.columns {
                    self.found.insert(column.name.value.to_lowercase(), self.written.name(&column.name));
                }
            }
        }
        self.select_aliases(query);
        ControlFlow::Continue(())
    }
}

impl Aliases<'_> {
    fn select_aliases(&mut self, query: &ast::Query) {
        let mut bodies = vec![query.body.as_ref()];
        while let Some(body) = bodies.pop() {
            match body {
                SetExpr::Select(select) => {
                    for item in &select.projection {
                        if let SelectItem::ExprWithAlias { alias, .. } = item {
                            self.found.insert(alias.value.to_lowercase(), self.written.name(alias));
                        }
                    }
                }
                SetExpr::SetOperation { left, right, .. } => bodies.extend([left.as_ref(), right.as_ref()]),
                _ => {}
            }
        }
    }
}

/// The name of the column or field `expr` reads (`Country`, `e.Country`, `(Country)`,
/// `(data).location.City`).
pub(super) fn read_name(expr: &Expr) -> Option<&Ident> {
    match expr {
        Expr::Identifier(name) => Some(name),
        Expr::CompoundIdentifier(parts) => parts.last(),
        Expr::Nested(inner) => read_name(inner),
        Expr::CompoundFieldAccess { access_chain, .. } => match access_chain.last() {
            Some(ast::AccessExpr::Dot(Expr::Identifier(field))) => Some(field),
            _ => None,
        },
        _ => None,
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
/// `column_name` reads it), `$colN` for one it names by its place. So does a column beside a `*`
/// (`SELECT *, country`) that the `*` may bring too: any, in the statement's own SELECT; in a
/// query inside it, whose columns the query around it reads by name, only one the `*` is known
/// to bring (a catalog table's), so that `SELECT e.*, p.n` keeps `n` for the query around it.
#[derive(Default)]
struct PlaceNames {
    named: usize,
    depth: usize,
}

impl VisitorMut for PlaceNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        self.depth += 1;
        let outermost = self.depth == 1;
        self.name_columns(&mut query.body, outermost);
        order_by_names(query);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &mut ast::Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    /// `(VALUES (1, 'a'))` without column names has Athena's, `_col0` and `_col1` (the engine's
    /// are `column1` and `column2`).
    fn pre_visit_table_factor(&mut self, factor: &mut ast::TableFactor) -> ControlFlow<()> {
        let ast::TableFactor::Derived { subquery, alias, .. } = factor else { return ControlFlow::Continue(()) };
        let SetExpr::Values(values) = subquery.body.as_ref() else { return ControlFlow::Continue(()) };
        if alias.as_ref().is_some_and(|alias| !alias.columns.is_empty()) {
            return ControlFlow::Continue(());
        }
        let width = values.rows.first().map_or(0, |row| row.content.len());
        let columns = (0..width).map(|i| ast::TableAliasColumnDef::from_name(format!("_col{i}"))).collect();
        let name = alias.as_ref().map(|alias| alias.name.clone()).unwrap_or_else(|| {
            self.named += 1;
            Ident::with_quote('"', format!("$values{}", self.named))
        });
        *alias = Some(ast::TableAlias { explicit: true, name, columns, at: None });
        ControlFlow::Continue(())
    }
}

/// Each ORDER BY expression of a SELECT DISTINCT that its list names (`SELECT DISTINCT
/// upper(c) … ORDER BY upper(c)`, now `upper(c) AS "$col0"`) read by that name: DataFusion does
/// not find the expression under its name, and refused the query, which Trino answers.
fn order_by_names(query: &mut ast::Query) {
    let (SetExpr::Select(select), Some(ast::OrderBy { kind: ast::OrderByKind::Expressions(order), .. })) =
        (query.body.as_ref(), query.order_by.as_mut())
    else {
        return;
    };
    if select.distinct.is_none() {
        return;
    }
    for item in order.iter_mut() {
        let named = select.projection.iter().find_map(|p| match p {
            SelectItem::ExprWithAlias { expr, alias } if *expr == item.expr => Some(alias.clone()),
            _ => None,
        });
        if let Some(alias) = named {
            item.expr = Expr::Identifier(alias);
        }
    }
}

impl PlaceNames {
    fn name_columns(&mut self, body: &mut SetExpr, outermost: bool) {
        match body {
            SetExpr::Select(select) => {
                // Names are compared without case, as the engine reads them. Beside a `*`, a
                // column may be one the `*` brings as well.
                let mut names = HashSet::new();
                let starred = star_columns(select);
                let outer = super::correlated_in::outer_name(&select.from);
                let brought = |name: &str| match &starred {
                    Starred::None => false,
                    Starred::Known(columns) => outermost || columns.contains(name),
                    Starred::Unknown => outermost,
                };
                for item in select.projection.iter_mut() {
                    let (SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. }) = item else {
                        continue;
                    };
                    super::correlated_in::rewrite(expr, outer.as_ref());
                    quantified::in_select_item(expr);
                    match item {
                        // `SELECT *, 1 AS country`: an alias of a name the `*` is known to bring
                        // is a repeat too. Only then: an ORDER BY reads an alias by its name.
                        SelectItem::ExprWithAlias { alias, .. } => {
                            let name = alias.value.to_lowercase();
                            let known = matches!(&starred, Starred::Known(columns) if columns.contains(&name));
                            if !names.insert(name) || known {
                                *alias = self.repeat(Some(&alias.value.clone()));
                            }
                        }
                        SelectItem::UnnamedExpr(expr) if !named_by_what_it_reads(expr) => {
                            let alias = self.repeat(None);
                            *item = SelectItem::ExprWithAlias { expr: expr.clone(), alias };
                        }
                        SelectItem::UnnamedExpr(expr) => {
                            let column = read_name(expr).map(|name| name.value.clone());
                            let name = column.clone().unwrap_or_else(|| expr.to_string()).to_lowercase();
                            if !names.insert(name.clone()) || brought(&name) {
                                let alias = self.repeat(column.as_deref());
                                *item = SelectItem::ExprWithAlias { expr: expr.clone(), alias };
                            }
                        }
                        _ => {}
                    }
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.name_columns(left, outermost);
                self.name_columns(right, outermost);
            }
            // `(SELECT *, country FROM events)`: still the statement's own SELECT.
            SetExpr::Query(query) if outermost => self.name_columns(&mut query.body, true),
            _ => {}
        }
    }
}

/// Whether a SELECT list's item is a `*` or a `t.*`.
fn is_star(item: &SelectItem) -> bool {
    matches!(item, SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..))
}

/// The columns a SELECT's `*`s bring, lower case.
enum Starred {
    None,
    Known(HashSet<String>),
    Unknown,
}

/// What `select`'s `*`s bring: known when each is over catalog tables (`*`, `e.*`), less what
/// each leaves out (`e.* EXCLUDE (k)`, as `using` writes the `*` of a join USING `k`).
fn star_columns(select: &ast::Select) -> Starred {
    let mut columns = HashSet::new();
    let mut starred = false;
    for item in &select.projection {
        let (qualifier, options) = match item {
            SelectItem::Wildcard(options) => (None, options),
            SelectItem::QualifiedWildcard(kind, options) => match kind {
                ast::SelectItemQualifiedWildcardKind::ObjectName(name) => {
                    (name.0.last().and_then(|part| part.as_ident()).map(|i| i.value.to_lowercase()), options)
                }
                _ => return Starred::Unknown,
            },
            _ => continue,
        };
        starred = true;
        let excluded: Vec<String> = match &options.opt_exclude {
            Some(ast::ExcludeSelectItem::Single(name)) => vec![name],
            Some(ast::ExcludeSelectItem::Multiple(names)) => names.iter().collect(),
            None => Vec::new(),
        }
        .into_iter()
        .filter_map(|name| name.0.last().and_then(|part| part.as_ident()).map(|i| i.value.to_lowercase()))
        .collect();
        for from in &select.from {
            for factor in std::iter::once(&from.relation).chain(from.joins.iter().map(|join| &join.relation)) {
                let ast::TableFactor::Table { name, alias, .. } = factor else { return Starred::Unknown };
                let table = name.0.last().and_then(|part| part.as_ident()).map(|ident| ident.value.to_lowercase());
                let called = alias.as_ref().map(|a| a.name.value.to_lowercase()).or(table.clone());
                if qualifier.is_some() && qualifier != called {
                    continue;
                }
                match table.and_then(|table| super::catalog::table_columns(&table)) {
                    Some(known) => columns.extend(
                        known.into_iter().map(|column| column.name.to_lowercase()).filter(|c| !excluded.contains(c)),
                    ),
                    None => return Starred::Unknown,
                }
            }
        }
    }
    if starred {
        Starred::Known(columns)
    } else {
        Starred::None
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

/// A name as the query wrote it: `$row` for the `$$row` a query's `"$row"` is read as
/// (`without_case`).
pub fn as_written(name: &str) -> &str {
    name.strip_prefix('$').filter(|rest| rest.starts_with('$')).unwrap_or(name)
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
            // A field named `$x` in a cast's type is read as `r."$x"` (`without_case`).
            if plain(field) || plain(as_written(field).trim_start_matches('$')) {
                return as_written(field).to_string();
            }
        }
    }
    if as_written(name) != name {
        return as_written(name).to_string();
    }
    // `PlaceNames::repeat`'s names: `$colN` for an expression a query leaves unnamed, and
    // `$colN.name` for a repeat of a name.
    match name.strip_prefix(PLACE).map(|rest| rest.split_once('.')) {
        Some(Some((_, repeated))) => as_written(repeated).to_string(),
        Some(None) => format!("_col{position}"),
        None if name.contains('(') => format!("_col{position}"),
        // A quoted alias (`AS "Total Events"`, `AS "a.b"`).
        None => name.to_string(),
    }
}
