//! Athena's SQL read into DataFusion's: the statement is parsed with lambdas allowed
//! (`x -> x + 1`), then the few forms DataFusion spells otherwise are rewritten on the syntax
//! tree, never on the text (a string literal stays what it is):
//! - `TRY(e)` → `"$try"(0, "$row" -> e)`: the expression as a lambda, so that `$try` can run it
//!   again row by row and answer NULL where it fails (a cast in it of `"$held"(v)`, `try_`);
//! - `CAST(x AS JSON)` → `"$cast_json"(x)` and `JSON '…'` → `json_parse('…')`;
//! - `CAST(x AS T)` → `CAST("$cast_value"(x, 'T') AS T)`: the engine names a cast as its value,
//!   so two casts of one value, or a value beside its cast, had one name (`cast::CAST_VALUE`);
//! - `TIMESTAMP '2012-10-31 01:00 UTC'` (a zone in the literal) → `"$timestamp_tz"('…')`, and
//!   so `CAST('… +01:00' AS timestamp with time zone)` of a text (one without a zone in UTC);
//! - `x LIKE p [ESCAPE e]` → `x LIKE "$like_pattern"(p[, e])` (`like`: a backslash is no escape);
//! - `x AT TIME ZONE 'zone'` → `at_timezone(x, 'zone')`, `EXTRACT(DOW FROM x)` →
//!   `day_of_week(x)` (Trino's fields, each its function's; `datetime::extract_function`);
//! - `array_sort(x)` → `array_sort(x, 'ASC', 'NULLS LAST')` (Trino puts NULLs last), and with a
//!   comparator, `array_sort(x, (a, b) -> …)` → `"$array_sort_by"(x, (a, b) -> …)`;
//! - `regexp_replace(s, p, x -> …)` → `"$regexp_replace_with"(s, p, x -> …)` (`replace`);
//! - `typeof(literal)` → `"$literal_type"(literal, 'integer')`: its type as written (`literals`);
//! - Trino's functions that are a form of DataFusion's (`forms`): `mod(a, b)` → `a % b`,
//!   `date(x)`, …, and its aggregates (`aggregates`): `count_if(c)`, `max_by(x, y)`,
//!   `histogram(x)`, `listagg(…) WITHIN GROUP (…)`, …;
//! - `IF(c, a[, b])` → `CASE WHEN c THEN a [ELSE b] END`;
//! - `x[i]` → `"$subscript"(x, i)`: Trino's `[]`, which refuses an index past the end and a key
//!   the map lacks (DataFusion answers NULL, and reads only constant keys);
//! - `U&'…'` (its escapes read by the parser) → `'…'`;
//! - `substr(s, i[, n])` and `SUBSTRING(s FROM i [FOR n])` → a call of Trino's `substr`, which
//!   DataFusion's planner would answer with its own;
//! - an expression the query leaves unnamed → `… AS "$col0"` (`names::PlaceNames`): Athena names it by
//!   its place, where DataFusion names it after its plan and refuses two columns of one name;
//! - `zip(…)` and `map_entries(m)` → `"$anonymous_rows"(…)` around DataFusion's own, whose rows'
//!   fields have names where Trino's have none;
//! - `x = ANY (q)` → `x IN (q)`, `x <> ALL (q)` → `x NOT IN (q)`, and any other comparison with
//!   `ANY`/`ALL` of a subquery → a scalar subquery gathering its rows (`quantified`): DataFusion's
//!   own plan of those reads the left side inside the subquery when its table has a column of
//!   that name;
//! - `x IN (q)`, `EXISTS (q)`, … in a SELECT list → a scalar subquery (`quantified`): DataFusion
//!   plans those predicates only in a WHERE clause.
//!
//! - `FROM t TABLESAMPLE BERNOULLI (p)` → `FROM (SELECT * FROM t WHERE random() <
//!   "$sample_share"(p)) AS t` (`sample`): DataFusion's planner leaves the clause out;
//! - a key of a RIGHT or FULL join `USING (k)`, unqualified → the right side's `r.k`, or
//!   `coalesce(l.k, r.k)`, and a `*` over a join USING its keys → `k, l.* EXCLUDE (k), r.*
//!   EXCLUDE (k)` (`using`): DataFusion reads a key as the left side's, and lists it in place;
//! - `FROM t CROSS JOIN UNNEST(t.a) AS u(x)` → `FROM (SELECT t.*, unnest(t.a) AS x FROM t) AS t`
//!   (`lateral`): DataFusion reads an UNNEST in FROM only of constants.
//!
//! Two forms DataFusion's parser has no words for are read by the dialect itself (`dialect`):
//! casts to nested types and `trim(LEADING FROM s)`.

use std::ops::ControlFlow;

use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::sqlparser::ast::{
    self, helpers::attached_token::AttachedToken, CaseWhen, CastKind, DataType, ExactNumberInfo, Expr, FunctionArg,
    FunctionArgExpr, FunctionArgumentList, FunctionArguments, Ident, LambdaFunction, LambdaFunctionParameter,
    LambdaSyntax, ObjectName, OneOrManyWithParens, TimezoneInfo, Value, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::tokenizer::Span;
use datafusion::sql::parser::{DFParserBuilder, Statement};

use super::cast::ANONYMOUS_ROWS;
use super::dialect::{tokens, Athena};
use super::{
    aggregates, aliases, athena_functions, datetime, decimals, fetch, file_columns, forms, grouping, interval_literals,
    lateral, like, literals, names, quantified, sample, shifts, stars, subscript, using, windows,
};

/// The one statement in `sql`, parsed and rewritten for DataFusion.
pub fn statement(sql: &str) -> Result<Statement> {
    statement_and_headings(sql).map(|(statement, _)| statement)
}

/// The one statement in `sql`, parsed and rewritten for DataFusion, and the names its columns
/// are printed by (`names::Headings`).
pub fn statement_and_headings(sql: &str) -> Result<(Statement, names::Headings)> {
    let dialect = Athena::default();
    quantified::new_statement();
    let (tokens, written) = names::without_case(tokens(sql)?);
    let tokens = grouping::quantifiers(tokens).map_err(DataFusionError::Plan)?;
    if let Some(refusal) = fetch::offset_after_limit(&tokens) {
        return Err(DataFusionError::Plan(refusal));
    }
    let mut statements = DFParserBuilder::new(tokens).with_dialect(&dialect).build()?.parse_statements()?;
    if statements.len() > 1 {
        return Err(DataFusionError::Plan(
            "Only one SQL statement is allowed (the sandbox runs one statement a query)".into(),
        ));
    }
    let Some(mut statement) = statements.pop_front() else {
        return Err(DataFusionError::Plan("No SQL statement was found".into()));
    };
    let mut headings = names::Headings::default();
    // An EXPLAIN's statement is rewritten as the statement alone is, so that the plan explained
    // is the plan run; the explanation's own columns keep their names.
    let mut target = &mut statement;
    let explained = matches!(target, Statement::Explain(_));
    while let Statement::Explain(explain) = target {
        target = explain.statement.as_mut();
    }
    if let Statement::Statement(inner) = target {
        if !explained {
            headings = names::Headings::of(inner, &written);
        }
        if let Some(error) = function_refused(inner) {
            return Err(error);
        }
        if let Some(word) = syntax_refused(inner) {
            let at = match word {
                "::" => double_colon_position(sql),
                word => super::errors::position(sql, word),
            };
            return Err(DataFusionError::Plan(format!(
                "SYNTAX_ERROR: {at}mismatched input '{word}'. Athena's SQL has no {word}"
            )));
        }
        if let Some(refusal) = super::subqueries::in_a_lambda(inner) {
            return Err(DataFusionError::Plan(refusal));
        }
        aliases::refuse_output_names(inner).map_err(DataFusionError::Plan)?;
        if let Some(refusal) = lateral::join_refused(inner) {
            return Err(DataFusionError::Plan(refusal));
        }
        // Named windows put in place, and the window functions Trino refuses refused.
        windows::resolve(inner, sql).map_err(DataFusionError::Plan)?;
        interval_literals::rewrite(inner, sql).map_err(DataFusionError::Plan)?;
        if let Some(field) = datetime::invalid_extract(inner) {
            return Err(DataFusionError::Plan(format!("SYNTAX_ERROR: Invalid EXTRACT field: {field}")));
        }
        // A `t.*` by any end of the table's name; a `*` over a join USING its keys as Trino's:
        // the keys, then each side's columns.
        stars::qualify(inner.as_mut());
        names::name_subqueries(inner.as_mut());
        using::rewrite(inner.as_mut());
        grouping::rewrite(inner.as_mut());
        // The query's own `*`s, before the rewrites below add `*`s of the engine's own.
        if file_columns::named_in(sql) {
            file_columns::leave_out_of_stars(inner.as_mut());
        }
        names::name_fields(inner.as_mut());
        sample::rewrite(inner.as_mut());
        fetch::rewrite(inner.as_mut()).map_err(DataFusionError::Plan)?;
        lateral::rewrite(inner.as_mut());
        let _ = ast::visit_expressions_mut(inner.as_mut(), |expr| {
            rewrite(expr);
            ControlFlow::<()>::Continue(())
        });
        quantified::in_filters(inner.as_mut());
        names::name_columns(inner.as_mut());
    }
    Ok((statement, headings))
}

/// A function called by name in the statement as written that the sandbox refuses: one of the
/// engine's own (`"$try"(…)`, which the rewrites call) or the sandbox's lacking (said as the engine
/// says a function it lacks, which `errors` gives Athena's words), or one of DataFusion's that
/// Athena does not have (`athena_functions`). A name the query wrote has a place in the text,
/// where the calls the dialect itself writes (`"$cast_to"`) have none.
fn function_refused(statement: &ast::Statement) -> Option<DataFusionError> {
    let found = ast::visit_expressions(statement, |expr| {
        let Expr::Function(function) = expr else { return ControlFlow::Continue(()) };
        let Some(name) = function.name.0.last().and_then(|part| part.as_ident()) else {
            return ControlFlow::Continue(());
        };
        if name.span == Span::empty() {
            return ControlFlow::Continue(());
        }
        let written = names::as_written(&name.value).to_string();
        match athena_functions::refused(&name.value) {
            _ if name.value.starts_with('$') => ControlFlow::Break(format!("Invalid function '{written}'")),
            Some(true) => ControlFlow::Break(format!("Invalid function '{written}'")),
            Some(false) => ControlFlow::Break(format!("{NOT_ATHENAS}'{written}'")),
            None => ControlFlow::Continue(()),
        }
    });
    found.break_value().map(DataFusionError::Plan)
}

/// The first form of the engine's SQL in `statement` that Athena's grammar does not have, as
/// written: `ILIKE`, `SIMILAR TO`, `x::type`, `QUALIFY`. The engine would answer it, so a query
/// rehearsed on the sandbox would then fail on Athena.
fn syntax_refused(statement: &ast::Statement) -> Option<&'static str> {
    let found = ast::visit_expressions(statement, |expr| match expr {
        Expr::ILike { .. } => ControlFlow::Break("ILIKE"),
        Expr::SimilarTo { .. } => ControlFlow::Break("SIMILAR"),
        Expr::Cast { kind: CastKind::DoubleColon, .. } => ControlFlow::Break("::"),
        Expr::Subquery(query) | Expr::InSubquery { subquery: query, .. } | Expr::Exists { subquery: query, .. }
            if qualifies(&query.body) =>
        {
            ControlFlow::Break("QUALIFY")
        }
        _ => ControlFlow::Continue(()),
    });
    found.break_value().or_else(|| {
        let ast::Statement::Query(query) = statement else { return None };
        qualifies(&query.body).then_some("QUALIFY")
    })
}

/// `condition AND more` (the condition in parentheses), or `more` where there is no condition:
/// a WHERE or a QUALIFY that a rewrite adds to.
pub(super) fn and_also(condition: &mut Option<Expr>, more: Expr) {
    *condition = Some(match condition.take() {
        Some(before) => Expr::BinaryOp {
            left: Box::new(Expr::Nested(Box::new(before))),
            op: ast::BinaryOperator::And,
            right: Box::new(more),
        },
        None => more,
    });
}

/// Whether a query's body filters with QUALIFY (a UNION's parts too).
fn qualifies(body: &ast::SetExpr) -> bool {
    match body {
        ast::SetExpr::Select(select) => select.qualify.is_some(),
        ast::SetExpr::SetOperation { left, right, .. } => qualifies(left) || qualifies(right),
        ast::SetExpr::Query(query) => qualifies(&query.body),
        _ => false,
    }
}

/// "line L:C: " of the first `::` in `sql` outside a quoted text, or nothing.
fn double_colon_position(sql: &str) -> String {
    let mut quoted = false;
    let mut previous = ' ';
    for (line, text) in sql.lines().enumerate() {
        for (column, c) in text.chars().enumerate() {
            if c == '\'' {
                quoted = !quoted;
            } else if !quoted && c == ':' && previous == ':' {
                return super::errors::at(line + 1, column);
            }
            previous = c;
        }
    }
    String::new()
}

/// How `function_refused` says a function Athena does not have (`errors` reads it).
pub(super) const NOT_ATHENAS: &str = "Athena has no function ";

/// A text literal a cast reads as a timestamp with a zone (`datetime::zoned_or_utc`).
fn zoned_text(expr: &Expr) -> Option<&str> {
    let Expr::Value(v) = expr else { return None };
    let Value::SingleQuotedString(text) = &v.value else { return None };
    datetime::zoned_or_utc(text).map(|_| text.as_str())
}

/// Applies `edit` to each expression of `node` (from the leaves up) that belongs to it and not to
/// a query inside it: `own` is how many queries deep `node`'s own expressions are (0 for an
/// expression, 1 for a query).
pub(super) fn own_expressions<N: VisitMut>(node: &mut N, own: usize, mut edit: impl FnMut(&mut Expr)) {
    own_expressions_in_scope(node, own, |expr, _| edit(expr));
}

/// The same, `edit` told the names the lambdas around each expression bind, lower case
/// (`k` inside `k -> k + 1`).
pub(super) fn own_expressions_in_scope<N: VisitMut>(node: &mut N, own: usize, edit: impl FnMut(&mut Expr, &[String])) {
    let _ = node.visit(&mut OwnExpressions { depth: 0, own, bound: Vec::new(), scopes: Vec::new(), edit });
}

struct OwnExpressions<F> {
    depth: usize,
    own: usize,
    /// The names the lambdas the walk is in bind, and how many there were before each.
    bound: Vec<String>,
    scopes: Vec<usize>,
    edit: F,
}

impl<F: FnMut(&mut Expr, &[String])> VisitorMut for OwnExpressions<F> {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &mut ast::Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut ast::Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Lambda(lambda) = expr {
            self.scopes.push(self.bound.len());
            self.bound.extend((&lambda.params).into_iter().map(|p| p.name.value.to_lowercase()));
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let (Expr::Lambda(_), Some(before)) = (&*expr, self.scopes.last().copied()) {
            self.scopes.pop();
            self.bound.truncate(before);
        }
        if self.depth == self.own {
            (self.edit)(expr, &self.bound);
        }
        ControlFlow::Continue(())
    }
}

/// The parts of a type Trino supplies where a query leaves them out. A `timestamp` is Trino's
/// `timestamp(3)`: DataFusion's SQL front makes one written without a precision nanoseconds,
/// which hold no year before 1677 nor after 2262 (`TIMESTAMP '9999-12-31 00:00:00'`,
/// `CAST('0001-01-01' AS timestamp)`); with it, milliseconds. A `decimal` is Trino's
/// `decimal(38,0)`, where DataFusion's is `decimal(38,10)` (`CAST(2.5 AS decimal)` is 3).
fn trinos_defaults(data_type: &mut DataType) {
    match data_type {
        DataType::Timestamp(precision @ None, _) => *precision = Some(3),
        DataType::Decimal(info @ ast::ExactNumberInfo::None) => {
            *info = ast::ExactNumberInfo::PrecisionAndScale(u64::from(super::decimals::MOST_DIGITS), 0);
        }
        _ => {}
    }
}

/// `"param" -> body`.
pub(super) fn lambda(param: &str, body: Expr) -> Expr {
    Expr::Lambda(LambdaFunction {
        params: OneOrManyWithParens::One(LambdaFunctionParameter {
            name: Ident::with_quote('"', param),
            data_type: None,
        }),
        body: Box::new(body),
        syntax: LambdaSyntax::Arrow,
    })
}

/// One expression in Athena's spelling → DataFusion's (its parts are rewritten already).
fn rewrite(expr: &mut Expr) {
    match expr {
        // `DECIMAL '0.67'` is typed by its digits below (`decimals::literal`).
        Expr::TypedString(ast::TypedString { data_type: DataType::Decimal(_), .. }) => {}
        Expr::Cast { data_type, .. } | Expr::TypedString(ast::TypedString { data_type, .. }) => {
            trinos_defaults(data_type)
        }
        _ => {}
    }
    let replacement = match expr {
        Expr::Function(function) if is_call(function, "try") => match single_argument(&function.args) {
            Some(body) => super::try_::try_call(body.clone()),
            None => return,
        },
        Expr::Cast { kind: CastKind::Cast | CastKind::DoubleColon, expr: inner, data_type: DataType::JSON, .. } => {
            call("$cast_json", vec![inner.as_ref().clone()])
        }
        // `CAST('2020-01-01 00:00 +01:00' AS timestamp with time zone)`: the zone the text
        // names, as the literal `TIMESTAMP '…'` keeps it (a text without one is read in UTC).
        Expr::Cast {
            kind: CastKind::Cast | CastKind::DoubleColon | CastKind::TryCast | CastKind::SafeCast,
            expr: inner,
            data_type: DataType::Timestamp(_, TimezoneInfo::WithTimeZone),
            ..
        } if zoned_text(inner).is_some() => {
            call("$timestamp_tz", vec![text_literal(zoned_text(inner).unwrap_or_default())])
        }
        // The value of a cast named for its type (`cast::CAST_VALUE`).
        Expr::Cast { expr: inner, data_type, .. } => {
            let value = std::mem::replace(inner.as_mut(), Expr::value(Value::Null));
            **inner = super::cast::named_for(value, data_type);
            return;
        }
        Expr::TypedString(typed) => match (&typed.data_type, typed.value.value.clone().into_string()) {
            (DataType::JSON, Some(text)) => call("json_parse", vec![text_literal(&text)]),
            // A zone, or no timestamp at all (`'2020-13-01'`, an unknown zone), which `$timestamp_tz`
            // refuses as Trino does (INVALID_LITERAL).
            (DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithTimeZone), Some(text))
                if datetime::literal_zone(&text).is_some() || datetime::zoned_or_utc(&text).is_none() =>
            {
                call("$timestamp_tz", vec![text_literal(&datetime::to_the_millisecond(&text))])
            }
            // `TIMESTAMP '2012-08-08 01:00'`: Trino's seconds are optional, DataFusion's are not.
            // `DECIMAL '0.67'`: a decimal(2,2), as `0.67` is (DataFusion's is a decimal(38,10)).
            (DataType::Decimal(ExactNumberInfo::None), Some(text)) => match decimals::literal(&text) {
                Some(number) => number,
                None => return,
            },
            (DataType::Timestamp(_, TimezoneInfo::None), Some(text)) => {
                // A literal's finer fraction is cut, not rounded as a cast rounds it: Trino keeps it
                // (a `timestamp(4)`), and the millisecond below it orders it as Trino does.
                let text = datetime::to_the_millisecond(&text).into_owned();
                typed.value.value = Value::SingleQuotedString(datetime::full_timestamp(&text).unwrap_or(text));
                return;
            }
            _ => return,
        },
        // `array_sort(x, (a, b) -> …)`: the engine's own sort by a comparator.
        Expr::Function(function) if is_call(function, "array_sort") => {
            match plain_arguments(&function.args).as_deref() {
                Some([array, comparator @ Expr::Lambda(_)]) => {
                    call("$array_sort_by", vec![array.clone(), comparator.clone()])
                }
                Some([array]) => {
                    call("array_sort", vec![array.clone(), text_literal("ASC"), text_literal("NULLS LAST")])
                }
                _ => return,
            }
        }
        // `regexp_replace(s, p, x -> …)`: the engine's own, a lambda in place of the replacement.
        Expr::Function(function) if is_call(function, "regexp_replace") => {
            match plain_arguments(&function.args).as_deref() {
                Some([text, pattern, replace @ Expr::Lambda(_)]) => {
                    call("$regexp_replace_with", vec![text.clone(), pattern.clone(), replace.clone()])
                }
                _ => return,
            }
        }
        Expr::Value(value) => match &value.value {
            // A number with an exponent is a double in Trino (`1e3`); the session reads the others
            // with a point as decimals (`decimals`).
            Value::Number(digits, _) if digits.contains(['e', 'E']) => forms::double(digits),
            // `U&'\+01F600'`, read already: a string like any other.
            Value::UnicodeStringLiteral(text) => text_literal(text),
            _ => return,
        },
        // `typeof` of a literal: its type as written, before planning folds it with casts.
        Expr::Function(function) if is_call(function, "typeof") => {
            let Some(literal) = single_argument(&function.args) else { return };
            match literals::literal_type(literal) {
                Some(name) => call(literals::LITERAL_TYPE, vec![literal.clone(), text_literal(&name)]),
                None => return,
            }
        }
        // `IF(c, a[, b])` → `CASE WHEN c THEN a [ELSE b] END`.
        Expr::Function(function) if is_call(function, "if") => match plain_arguments(&function.args).as_deref() {
            Some([c, a]) => case_when(c.clone(), a.clone(), None),
            Some([c, a, b]) => case_when(c.clone(), a.clone(), Some(b.clone())),
            _ => return,
        },
        // `x[i][j]…` and `(e).field` (`subscript::chain`).
        Expr::CompoundFieldAccess { root, access_chain } => match subscript::chain(root, access_chain) {
            Some(replacement) => replacement,
            None => return,
        },
        // `localtimestamp` and `localtime`: the present on the session's wall clock (UTC).
        Expr::Function(function)
            if is_call(function, "localtimestamp") && matches!(function.args, FunctionArguments::None) =>
        {
            forms::cast(&call("now", Vec::new()), DataType::Timestamp(Some(3), TimezoneInfo::None))
        }
        Expr::Function(function)
            if is_call(function, "localtime") && matches!(function.args, FunctionArguments::None) =>
        {
            forms::cast(&call("now", Vec::new()), DataType::Time(None, TimezoneInfo::None))
        }
        // Trino's empty `map()`.
        Expr::Function(function)
            if is_call(function, "map")
                && matches!(&function.args, FunctionArguments::List(list) if list.args.is_empty()) =>
        {
            call("map", vec![call("make_array", vec![]), call("make_array", vec![])])
        }
        // Trino's rows of `zip` and `map_entries` have no field names.
        Expr::Function(function) if is_call(function, "zip") || is_call(function, "map_entries") => {
            let Some(args) = plain_arguments(&function.args) else { return };
            let own = if is_call(function, "zip") { "arrays_zip" } else { "map_entries" };
            call(ANONYMOUS_ROWS, vec![call(own, args)])
        }
        // `s.sum` in a lambda whose parameter is `s`: the field of the row `s`.
        Expr::Lambda(lambda) => return subscript::lambda_fields(lambda),
        // Trino's functions that are a form of DataFusion's (`forms`).
        Expr::Function(function) => match forms::rewrite(function)
            .or_else(|| aggregates::rewrite(function))
            .or_else(|| shifts::rewrite(function))
            .or_else(|| datetime::with_written_zone(function))
        {
            Some(replacement) => replacement,
            None => return,
        },
        // `EXTRACT(field FROM x)`: Trino's function of that field (DataFusion's `DOW` counts Sunday 0).
        Expr::Extract { field, expr: inner, .. } => match datetime::extract_function(field) {
            Some(name) => call(name, vec![inner.as_ref().clone()]),
            None => return,
        },
        Expr::Like { .. } => return like::rewrite(expr),
        Expr::AtTimeZone { timestamp, time_zone } => {
            call(datetime::AT_TIME_ZONE, vec![timestamp.as_ref().clone(), time_zone.as_ref().clone()])
        }
        // `substr(s, i[, n])` and `SUBSTRING(s FROM i [FOR n])`, which DataFusion's parser reads
        // as one form and plans with its own substr: Trino's (`strings`).
        Expr::Substring { expr: text, substring_from: Some(from), substring_for, .. } => {
            let mut args = vec![text.as_ref().clone(), from.as_ref().clone()];
            args.extend(substring_for.as_deref().cloned());
            call("substr", args)
        }
        // `(x + 1, 'a')`: the row it is. DataFusion's planner took a tuple for one only where its
        // first value was a name or a literal ("Only identifiers and literals are supported in
        // tuples"); a GROUP BY's tuples are grouping sets by now (`grouping`).
        Expr::Tuple(values)
            if !matches!(
                values.first(),
                None | Some(Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Value(_))
            ) =>
        {
            call("row", values.clone())
        }
        Expr::AnyOp { .. } | Expr::AllOp { .. } => match quantified::comparison(expr) {
            Some(replacement) => replacement,
            None => return,
        },
        _ => return,
    };
    *expr = replacement;
}

/// The SELECTs of a query's body, through its set operations.
pub(super) fn selects(body: &mut ast::SetExpr) -> Vec<&mut ast::Select> {
    match body {
        ast::SetExpr::Select(select) => vec![select.as_mut()],
        ast::SetExpr::SetOperation { left, right, .. } => {
            let mut all = selects(left.as_mut());
            all.extend(selects(right.as_mut()));
            all
        }
        _ => Vec::new(),
    }
}

/// Whether `function` calls `name` (quoted or not).
pub(super) fn is_call(function: &ast::Function, name: &str) -> bool {
    match function.name.0.as_slice() {
        [part] => part.as_ident().is_some_and(|ident| ident.value.eq_ignore_ascii_case(name)),
        _ => false,
    }
}

/// The arguments of a call, when all are plain expressions.
pub(super) fn plain_arguments(args: &FunctionArguments) -> Option<Vec<Expr>> {
    match args {
        FunctionArguments::List(list) if list.clauses.is_empty() => list
            .args
            .iter()
            .map(|arg| match arg {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn single_argument(args: &FunctionArguments) -> Option<&Expr> {
    match args {
        FunctionArguments::List(list) if list.args.len() == 1 && list.clauses.is_empty() => match &list.args[0] {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(expr)) => Some(expr),
            _ => None,
        },
        _ => None,
    }
}

/// `CASE WHEN condition THEN result [ELSE otherwise] END`.
pub(super) fn case_when(condition: Expr, result: Expr, otherwise: Option<Expr>) -> Expr {
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: vec![CaseWhen { condition, result }],
        else_result: otherwise.map(Box::new),
    }
}

/// `'text'`.
pub(super) fn text_literal(text: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(text.into()))
}

/// A call of `name`: a name starting with `$` is the engine's own, quoted so that it is
/// found as written.
pub(super) fn call(name: &str, args: Vec<Expr>) -> Expr {
    let ident = if name.starts_with('$') { Ident::with_quote('"', name) } else { Ident::new(name) };
    Expr::Function(ast::Function {
        name: ObjectName::from(vec![ident]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args.into_iter().map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e))).collect(),
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

#[cfg(test)]
#[path = "tests_sql.rs"]
pub(super) mod tests;
