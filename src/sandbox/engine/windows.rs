//! Trino's rules for windows, read on the syntax tree before the engine plans the query.
//!
//! **Named windows.** `WINDOW w AS (…)` is resolved here as Trino resolves it, and each
//! reference replaced by its window: `OVER w` is `w`; `OVER (w ORDER BY x ROWS …)` and a
//! definition `w2 AS (w1 ORDER BY x)` take `w`'s PARTITION BY, their own ORDER BY or else `w`'s,
//! and their own frame. What Trino refuses is refused with its message: an unknown name (a
//! window of another query, or defined later), a PARTITION BY beside the name, a second ORDER
//! BY, a named window with a frame referenced in parentheses, a name defined twice. The engine
//! kept the definition of a bare `OVER w` only, and read `OVER (w …)` as if `w` were not
//! there: a window over all the rows.
//!
//! **Window functions.** What Trino's analyzer refuses, the engine answered: a window function
//! without OVER (`first_value(x)` as an aggregate), FILTER over a window, `lag` and `lead`
//! without ORDER BY or with a frame, IGNORE NULLS on a function that is not one of the five that
//! take it, a scalar function with OVER (`abs(x) OVER ()`; Athena's functions of each kind are
//! listed in `athena_functions`), an offset of `nth_value` below 1 (the engine counted
//! `nth_value(x, -1)` from the frame's end), frames of a shape Trino refuses, and a window
//! function in WHERE, GROUP BY or HAVING.
//!
//! **RANGE frames with an offset** (`RANGE BETWEEN 1 PRECEDING AND CURRENT ROW`), once the query
//! is planned and typed (`RANGE_FRAMES`): Trino's takes one sort item, of a number, a date or
//! time, or an interval, and an offset of a type that item moves by (a number for a number, an
//! interval for a date), never negative. The engine ran one over text, and moved a date by a
//! whole number; and it refused a fraction over whole numbers (`ORDER BY x RANGE 0.5
//! PRECEDING`), which Trino answers. And a sort item that holds a map, which has no order
//! (`map_identity`), is refused in Trino's words; the engine failed typing its frame.

use std::ops::ControlFlow;

use datafusion::arrow::datatypes::{DataType, IntervalUnit};
use datafusion::common::tree_node::Transformed;
use datafusion::common::{internal_err, plan_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::sqlparser::ast::{
    self, Expr, Ident, NamedWindowDefinition, NamedWindowExpr, SetExpr, Spanned, VisitMut, VisitorMut, WindowSpec,
    WindowType,
};
use datafusion::logical_expr::{Expr as Planned, ExprSchemable, WindowFrameBound, WindowFrameUnits};

use super::athena_functions;
use super::errors::{at, position_before};
use super::map_identity;
use super::rules::ExpressionRule;
use super::sql::{own_expressions, selects};
use super::types::{is_interval, trino_type};

/// The window functions that take IGNORE NULLS and RESPECT NULLS.
const VALUE_FUNCTIONS: &[&str] = &["first_value", "last_value", "nth_value", "lag", "lead"];
/// The calls Trino's grammar reads as forms of their own, which take no window.
const FORMS: &[&str] = &["coalesce", "format", "if", "nullif", "try"];

/// Resolves every named window of `statement` (each query's own), and checks each call against
/// Trino's rules of windows: the first refusal, in Trino's words.
pub(super) fn resolve(statement: &mut ast::Statement, sql: &str) -> Result<(), String> {
    let mut resolver = Resolver { sql, refusal: None };
    let _ = statement.visit(&mut resolver);
    resolver.refusal.map_or(Ok(()), Err)
}

/// "line L:C: " of a call: where its name starts.
fn place(function: &ast::Function) -> String {
    let start = function.name.span().start;
    at(start.line, start.column)
}

/// A call's name as it is compared: its one part, unquoted, in lower case.
fn name_of_call(function: &ast::Function) -> Option<String> {
    match function.name.0.as_slice() {
        [part] => part.as_ident().map(|ident| ident.value.to_lowercase()),
        _ => None,
    }
}

/// Trino's refusal of `expr` if it is a call Trino refuses for its window or lack of one;
/// `query` is where the SELECT the call belongs to starts.
fn refused(expr: &Expr, query: &str) -> Option<String> {
    let Expr::Function(function) = expr else { return None };
    let name = name_of_call(function)?;
    let Some(WindowType::WindowSpec(window)) = &function.over else {
        if function.over.is_none() && athena_functions::WINDOW_FUNCTIONS.contains(&name.as_str()) {
            return Some(format!("MISSING_OVER: {}Window function {name} requires an OVER clause", place(function)));
        }
        return None;
    };
    if FORMS.contains(&name.as_str()) {
        return Some(format!("SYNTAX_ERROR: {}OVER clause not valid for '{name}' function", place(function)));
    }
    // A function the sandbox does not know is left for the engine to say so.
    let window_kind = athena_functions::AGGREGATES.contains(&name.as_str())
        || athena_functions::WINDOW_FUNCTIONS.contains(&name.as_str());
    if athena_functions::is_athena_function(&name) && !window_kind {
        return Some(format!("FUNCTION_NOT_WINDOW: {query}Not a window function: {name}"));
    }
    if function.filter.is_some() {
        return Some(format!("NOT_SUPPORTED: {query}FILTER is not yet supported for window functions"));
    }
    if name == "lag" || name == "lead" {
        if window.order_by.is_empty() {
            return Some(format!("MISSING_ORDER_BY: {name} function requires an ORDER BY window clause"));
        }
        if window.window_frame.is_some() {
            return Some(format!("INVALID_WINDOW_FRAME: Cannot specify window frame for {name} function"));
        }
    }
    let null_treatment = function.null_treatment.is_some()
        || matches!(&function.args, ast::FunctionArguments::List(list)
            if list.clauses.iter().any(|c| matches!(c, ast::FunctionArgumentClause::IgnoreOrRespectNulls(_))));
    if null_treatment && !VALUE_FUNCTIONS.contains(&name.as_str()) {
        return Some(format!(
            "NULL_TREATMENT_NOT_ALLOWED: {}Cannot specify null treatment clause for {name} function",
            place(function)
        ));
    }
    if let Some(frame) = &window.window_frame {
        if let Some(refusal) = frame_refused(frame, window.order_by.len()) {
            return Some(refusal);
        }
    }
    if name == "nth_value" && ast_offset(function).is_some_and(|n| n < 1) {
        return Some("INVALID_FUNCTION_ARGUMENT: Offset must be at least 1".to_string());
    }
    None
}

/// Trino's refusal of a frame's shape (`ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW`), of a RANGE
/// or GROUPS frame with an offset but no ORDER BY to measure it by (or, for RANGE, more than one
/// sort item), or of a RANGE offset written negative. (The types of a RANGE frame's sort item
/// and offsets are checked once the query is typed, `RANGE_FRAMES`.)
fn frame_refused(frame: &ast::WindowFrame, sort_items: usize) -> Option<String> {
    use ast::WindowFrameBound::{CurrentRow, Following, Preceding};
    let end = frame.end_bound.as_ref().unwrap_or(&CurrentRow);
    let shape = match (&frame.start_bound, end) {
        (Following(None), _) => Some("Window frame start cannot be UNBOUNDED FOLLOWING"),
        (_, Preceding(None)) => Some("Window frame end cannot be UNBOUNDED PRECEDING"),
        (CurrentRow, Preceding(_)) => Some("Window frame starting from CURRENT ROW cannot end with PRECEDING"),
        (Following(_), Preceding(_)) => Some("Window frame starting from FOLLOWING cannot end with PRECEDING"),
        (Following(_), CurrentRow) => Some("Window frame starting from FOLLOWING cannot end with CURRENT ROW"),
        _ => None,
    };
    if let Some(shape) = shape {
        return Some(format!("INVALID_WINDOW_FRAME: {shape}"));
    }
    let offsets: Vec<&Expr> = [&frame.start_bound, end]
        .into_iter()
        .filter_map(|bound| match bound {
            Preceding(Some(offset)) | Following(Some(offset)) => Some(offset.as_ref()),
            _ => None,
        })
        .collect();
    if offsets.is_empty() || frame.units == ast::WindowFrameUnits::Rows {
        return None;
    }
    let units = if frame.units == ast::WindowFrameUnits::Groups { "GROUPS" } else { "RANGE" };
    if sort_items == 0 {
        return Some(format!(
            "MISSING_ORDER_BY: Window frame of type {units} PRECEDING or FOLLOWING requires ORDER BY"
        ));
    }
    if units == "RANGE" && sort_items > 1 {
        return Some(format!(
            "INVALID_ORDER_BY: Window frame of type RANGE PRECEDING or FOLLOWING requires single sort item in ORDER BY (actual: {sort_items})"
        ));
    }
    // A RANGE offset written below zero (the engine refused it in words of its own).
    let negative = |offset: &Expr| matches!(offset, Expr::UnaryOp { op: ast::UnaryOperator::Minus, .. });
    if units == "RANGE" && offsets.into_iter().any(negative) {
        return Some("INVALID_WINDOW_FRAME: Window frame offset value must not be negative or null".into());
    }
    None
}

/// The second argument of a call, if it is a whole number written as one (`2`, `-1`, `(0)`).
fn ast_offset(function: &ast::Function) -> Option<i64> {
    let args = super::sql::plain_arguments(&function.args)?;
    let mut offset = args.get(1)?;
    let mut sign = 1;
    loop {
        match offset {
            Expr::Nested(inner) => offset = inner,
            Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => {
                sign = -sign;
                offset = expr;
            }
            Expr::Value(v) => match &v.value {
                ast::Value::Number(n, _) => return n.parse::<i64>().ok().map(|n| sign * n),
                _ => return None,
            },
            _ => return None,
        }
    }
}

/// Trino's rules of a window's sort items and of a RANGE frame with an offset (the module's
/// note), before the engine types the query.
pub const RANGE_FRAMES: ExpressionRule = ExpressionRule { name: "trino_range_frames", rewrite: range_frame };

fn range_frame(expr: Planned, schema: &DFSchema) -> Result<Transformed<Planned>> {
    let Planned::WindowFunction(window) = &expr else { return Ok(Transformed::no(expr)) };
    let params = &window.params;
    // A map has no order (`map_identity`), which the engine finds out only as it types the frame.
    for sort in &params.order_by {
        let kind = sort.expr.get_type(schema)?;
        if map_identity::holds_map(&kind) {
            let kind = trino_type(&kind);
            return plan_err!(
                "TYPE_MISMATCH: {kind} is not orderable, and therefore cannot be used in window function ORDER BY"
            );
        }
    }
    let frame = &params.window_frame;
    let offsets: Vec<&ScalarValue> = [&frame.start_bound, &frame.end_bound]
        .into_iter()
        .filter_map(|bound| match bound {
            WindowFrameBound::Preceding(v) | WindowFrameBound::Following(v) if !v.is_null() => Some(v),
            _ => None,
        })
        .collect();
    if frame.units != WindowFrameUnits::Range || offsets.is_empty() {
        return Ok(Transformed::no(expr));
    }
    // One sort item (`frame_refused` refused the rest).
    let Some(sort) = params.order_by.first() else { return Ok(Transformed::no(expr)) };
    let key = sort.expr.get_type(schema)?;
    let temporal = matches!(
        key,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) | DataType::Time32(_) | DataType::Time64(_)
    );
    if !(key.is_numeric() || temporal || is_interval(&key)) {
        return plan_err!(
            "TYPE_MISMATCH: Window frame of type RANGE PRECEDING or FOLLOWING requires that sort item type be numeric, datetime or interval (actual: {})",
            trino_type(&key)
        );
    }
    let mut fractional = false;
    for offset in offsets {
        // Before the engine types the frame, an offset is its text: a number's (`1.5`), or an
        // interval's (`2 DAY`).
        let (kind, negative) = match offset {
            ScalarValue::Utf8(Some(text)) => match text.trim().parse::<f64>() {
                Ok(n) if text.trim().parse::<i32>().is_ok() => (DataType::Int32, n < 0.0),
                Ok(n) => (DataType::Float64, n < 0.0),
                Err(_) => (DataType::Interval(IntervalUnit::MonthDayNano), text.trim_start().starts_with('-')),
            },
            value => (value.data_type(), false),
        };
        // A date or time moves by an interval, a number by a number.
        let fits = if temporal { is_interval(&kind) } else { kind.is_numeric() == key.is_numeric() };
        if !fits {
            let written = if kind == DataType::Int32 { "integer".to_string() } else { trino_type(&kind) };
            return plan_err!(
                "TYPE_MISMATCH: Window frame RANGE value type ({written}) not compatible with sort item type ({})",
                trino_type(&key)
            );
        }
        if negative {
            return plan_err!("INVALID_WINDOW_FRAME: Window frame offset value must not be negative or null");
        }
        fractional |= kind == DataType::Float64;
    }
    // A fraction of a whole-number sort item (`ORDER BY x RANGE 0.5 PRECEDING`), which the
    // engine would cut to the item's type and refuse: the item is read as a double, in the same
    // order.
    if key.is_integer() && fractional {
        let Planned::WindowFunction(mut window) = expr else { return internal_err!("expected a window") };
        let sort = &mut window.params.order_by[0];
        sort.expr = sort.expr.clone().cast_to(&DataType::Float64, schema)?;
        return Ok(Transformed::yes(Planned::WindowFunction(window)));
    }
    Ok(Transformed::no(expr))
}

/// Resolves the named windows of each query, the innermost first.
struct Resolver<'a> {
    sql: &'a str,
    refusal: Option<String>,
}

impl VisitorMut for Resolver<'_> {
    type Break = ();

    fn post_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        match resolve_query(query, self.sql) {
            Ok(()) => ControlFlow::Continue(()),
            Err(refusal) => {
                self.refusal = Some(refusal);
                ControlFlow::Break(())
            }
        }
    }
}

/// A query's windows, each by its name as Trino reads it.
type Windows = Vec<(String, WindowSpec)>;

/// The windows each SELECT of `query` defines (taken out of it), put in place of each reference
/// to them in its own expressions, and in the query's ORDER BY (its queries' were resolved
/// before it).
fn resolve_query(query: &mut ast::Query, sql: &str) -> Result<(), String> {
    match query.body.as_mut() {
        SetExpr::Select(select) => {
            let (windows, place) = resolve_select(select, sql)?;
            match &mut query.order_by {
                Some(order_by) => resolve_in(order_by, &windows, sql, &place),
                None => Ok(()),
            }
        }
        body => selects(body).into_iter().try_for_each(|select| resolve_select(select, sql).map(|_| ())),
    }
}

/// The windows `select` defines, put in place of each reference to them in its own
/// expressions, its calls and clauses checked: the windows, and where the SELECT starts (for
/// its query's ORDER BY).
fn resolve_select(select: &mut ast::Select, sql: &str) -> Result<(Windows, String), String> {
    let windows = defined(select, sql)?;
    let place = select_place(select);
    resolve_in(select, &windows, sql, &place)?;
    clauses_refused(select)?;
    Ok((windows, place))
}

/// "line L:C: " of a SELECT: where Trino places its refusals of the SELECT's window functions.
fn select_place(select: &ast::Select) -> String {
    let start = select.select_token.0.span.start;
    at(start.line, start.column)
}

/// Trino's refusal of a window function in a SELECT's WHERE, GROUP BY or HAVING (the engine
/// took one in WHERE for a subquery it cannot answer).
fn clauses_refused(select: &mut ast::Select) -> Result<(), String> {
    let clause = |name: &str, call: String| {
        format!("EXPRESSION_NOT_SCALAR: {name} clause cannot contain aggregations, window functions or grouping operations: [{call}]")
    };
    if let Some((call, _)) = select.selection.as_mut().and_then(first_window) {
        return Err(clause("WHERE", call));
    }
    if let ast::GroupByExpr::Expressions(keys, _) = &mut select.group_by {
        if let Some((call, _)) = keys.iter_mut().find_map(first_window) {
            return Err(clause("GROUP BY", call));
        }
    }
    if let Some((_, place)) = select.having.as_mut().and_then(first_window) {
        return Err(format!(
            "NESTED_WINDOW: {place}HAVING clause cannot contain window functions or row pattern measures"
        ));
    }
    Ok(())
}

/// The first call over a window among `expr`'s own parts (not its queries'): as written, and
/// where it stands.
fn first_window(expr: &mut Expr) -> Option<(String, String)> {
    let mut found = None;
    own_expressions(expr, 0, |part| {
        if let Expr::Function(function) = part {
            if function.over.is_some() && found.is_none() {
                found = Some((function.to_string(), place(function)));
            }
        }
    });
    found
}

/// The windows `select` defines, each resolved with those before it, taken out of it.
fn defined(select: &mut ast::Select, sql: &str) -> Result<Windows, String> {
    let mut windows: Windows = Vec::new();
    for NamedWindowDefinition(name, definition) in std::mem::take(&mut select.named_window) {
        let key = name_of(&name);
        if windows.iter().any(|(defined, _)| *defined == key) {
            let start = name.span.start;
            return Err(format!(
                "DUPLICATE_WINDOW_NAME: {}WINDOW name '{}' specified more than once",
                at(start.line, start.column),
                name.value
            ));
        }
        let window = match definition {
            NamedWindowExpr::NamedWindow(other) => referenced(&other, &windows)?.clone(),
            NamedWindowExpr::WindowSpec(spec) => merged(spec, &windows, sql)?,
        };
        windows.push((key, window));
    }
    Ok(windows)
}

/// Each window of a call among `node`'s own expressions (not its queries') with the windows it
/// names put in, and each call checked (`refused`); `query` is where its SELECT starts.
fn resolve_in<N: VisitMut>(node: &mut N, windows: &Windows, sql: &str, query: &str) -> Result<(), String> {
    let mut refusal = None;
    own_expressions(node, 0, |expr| {
        if refusal.is_some() {
            return;
        }
        if let Expr::Function(function) = expr {
            let resolved = match function.over.take() {
                Some(WindowType::NamedWindow(name)) => Some(referenced(&name, windows).cloned()),
                Some(WindowType::WindowSpec(spec)) => Some(merged(spec, windows, sql)),
                None => None,
            };
            match resolved {
                Some(Ok(window)) => function.over = Some(WindowType::WindowSpec(window)),
                Some(Err(e)) => {
                    refusal = Some(e);
                    return;
                }
                None => {}
            }
        }
        refusal = refused(expr, query);
    });
    refusal.map_or(Ok(()), Err)
}

/// A window's name as it is compared: without case, as every name the sandbox reads (`names`;
/// Trino's own analyzer tells `w` from `"w"`).
fn name_of(name: &Ident) -> String {
    name.value.to_lowercase()
}

/// The window `name` refers to, among those defined before it.
fn referenced<'w>(name: &Ident, windows: &'w Windows) -> Result<&'w WindowSpec, String> {
    let key = name_of(name);
    match windows.iter().find(|(defined, _)| *defined == key) {
        Some((_, window)) => Ok(window),
        None => {
            let start = name.span.start;
            Err(format!(
                "INVALID_WINDOW_REFERENCE: {}Cannot resolve WINDOW name {}",
                at(start.line, start.column),
                name.value
            ))
        }
    }
}

/// `spec` with the window it names (if it names one) as Trino merges them.
fn merged(mut spec: WindowSpec, windows: &Windows, sql: &str) -> Result<WindowSpec, String> {
    let Some(name) = spec.window_name.take() else { return Ok(spec) };
    let base = referenced(&name, windows)?;
    if let Some(first) = spec.partition_by.first() {
        let start = first.span().start;
        return Err(format!(
            "INVALID_PARTITION_BY: {}WINDOW specification with named WINDOW reference cannot specify PARTITION BY",
            at(start.line, start.column)
        ));
    }
    if let (Some(first), false) = (spec.order_by.first(), base.order_by.is_empty()) {
        let start = first.expr.span().start;
        return Err(format!(
            "INVALID_ORDER_BY: {}Cannot specify ORDER BY if referenced named WINDOW specifies ORDER BY",
            position_before(sql, start.line, start.column, "ORDER")
        ));
    }
    if base.window_frame.is_some() {
        let start = name.span.start;
        return Err(format!(
            "INVALID_WINDOW_REFERENCE: {}Cannot reference named WINDOW containing frame specification",
            at(start.line, start.column)
        ));
    }
    let order_by = if spec.order_by.is_empty() { base.order_by.clone() } else { spec.order_by };
    Ok(WindowSpec {
        window_name: None,
        partition_by: base.partition_by.clone(),
        order_by,
        window_frame: spec.window_frame,
    })
}
