//! Trino's refusal to mix text with a number, a date, a time or a boolean where it needs one
//! type (`MIXED_TYPES`, before the engine types the query). DataFusion casts one side to the
//! other's type, so `WHERE year = 2026` over a text partition answered, where Athena fails it;
//! a rehearsal on the sandbox then fails as the query would on AWS, with Trino's message:
//! - a comparison: `Cannot apply operator: varchar = integer`, naming the operator Trino
//!   resolves it to; arithmetic: `Cannot apply operator: varchar + integer`; BETWEEN: `Cannot
//!   check if varchar is BETWEEN integer and integer`; `||`, which is Trino's `concat`: its
//!   refusal of `(varchar, integer)`;
//! - an IN list: `IN value and list items must be the same type: varchar` (the common type of
//!   the values before the first that does not fit them, as Trino's message names it), and IN a
//!   subquery: `value and result of subquery must be of the same type for IN expression: varchar
//!   vs bigint`; a comparison with ANY or ALL of a subquery: `Value expression and result of
//!   subquery must be of the same type for quantified comparison: integer vs varchar`;
//! - `CASE x WHEN`: `CASE operand type does not match WHEN clause operand type: varchar vs integer`;
//! - a CASE's results (an IF's too: the SQL front writes it as a CASE): `All CASE results must
//!   be the same type: varchar(1)`; COALESCE's operands: `All COALESCE operands must be the same
//!   type: varchar`.
//!
//! - a UNION of text with another kind of value in one column (`UNION_TYPES`): `column 1 in
//!   UNION query has incompatible types: integer, varchar(1)`; the engine cast the number to
//!   text.
//!
//! A text literal is a `varchar(n)` of its length, as in Trino; a column of text a `varchar`.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNodeRecursion};
use datafusion::common::{plan_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::{InList, InSubquery, ScalarFunction};
use datafusion::logical_expr::{Between, BinaryExpr, Case, Expr, ExprSchemable, LogicalPlan, Operator};
use datafusion::optimizer::AnalyzerRule;

use super::arrays::CONCAT_USAGE;
use super::quantified::{IN_VALUE, QUANTIFIED, ROW_VALUE, SUMMARY};
use super::rules::ExpressionRule;
use super::types::trino_type;
use super::udf::{is_text, type_mismatch, unexpected_parameters};

/// Trino's refusal of IN a subquery of another type.
const IN_APART: &str = "value and result of subquery must be of the same type for IN expression";

/// Trino's refusal of a comparison with ANY or ALL of a subquery of another type.
const QUANTIFIED_APART: &str =
    "Value expression and result of subquery must be of the same type for quantified comparison";

/// Trino's date and time functions, the places of their arguments that are a date, a time or a
/// timestamp (never text), and their forms, as their refusal lists them.
const ON_TIMES: &[(&str, &[usize], &str)] = &[
    (
        "date_diff",
        &[1, 2],
        "date_diff(varchar(x), date, date), date_diff(varchar(x), time(p), time(p)), date_diff(varchar(x), time(p) with time zone, time(p) with time zone), date_diff(varchar(x), timestamp(p), timestamp(p)), date_diff(varchar(x), timestamp(p) with time zone, timestamp(p) with time zone)",
    ),
    (
        "date_add",
        &[2],
        "date_add(varchar(x), bigint, date), date_add(varchar(x), bigint, time(p)), date_add(varchar(x), bigint, time(p) with time zone), date_add(varchar(x), bigint, timestamp(p)), date_add(varchar(x), bigint, timestamp(p) with time zone)",
    ),
    (
        "date_trunc",
        &[1],
        "date_trunc(varchar(x), date), date_trunc(varchar(x), time(p)), date_trunc(varchar(x), time(p) with time zone), date_trunc(varchar(x), timestamp(p)), date_trunc(varchar(x), timestamp(p) with time zone)",
    ),
    ("date_format", &[0], "date_format(timestamp(p), varchar(x)), date_format(timestamp(p) with time zone, varchar(x))"),
    (
        "format_datetime",
        &[0],
        "format_datetime(timestamp(p), varchar(x)), format_datetime(timestamp(p) with time zone, varchar(x))",
    ),
    ("to_unixtime", &[0], "to_unixtime(timestamp(p)), to_unixtime(timestamp(p) with time zone)"),
];

pub const MIXED_TYPES: ExpressionRule = ExpressionRule { name: "trino_mixed_types", rewrite: refuse_mixed };

/// Trino's refusal of a UNION whose inputs give one column text and another kind of value.
#[derive(Debug)]
pub struct UnionTypes;

pub const UNION_TYPES: UnionTypes = UnionTypes;

impl AnalyzerRule for UnionTypes {
    fn name(&self) -> &str {
        "trino_union_types"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        let mut refusal = None;
        plan.apply_with_subqueries(|node| {
            if let LogicalPlan::Union(union) = node {
                refusal = union_apart(&union.inputs);
            }
            Ok(if refusal.is_some() { TreeNodeRecursion::Stop } else { TreeNodeRecursion::Continue })
        })?;
        match refusal {
            Some(refusal) => plan_err!("{refusal}"),
            None => Ok(plan),
        }
    }
}

/// Trino's refusal of the first column of `inputs` in which one is text and another a kind of
/// value apart, named by the types the query wrote (the engine casts them to one type later).
fn union_apart(inputs: &[std::sync::Arc<LogicalPlan>]) -> Option<String> {
    let written = |input: &LogicalPlan, i: usize| -> Option<(DataType, String)> {
        let LogicalPlan::Projection(projection) = input else {
            let kind = input.schema().field(i).data_type().clone();
            return Some((kind.clone(), trino_type(&kind)));
        };
        let schema = projection.input.schema();
        let value = projection.expr.get(i)?.clone().unalias();
        Some((value.get_type(schema).ok()?, type_name(&value, schema)?))
    };
    let first = inputs.first()?;
    for i in 0..first.schema().fields().len() {
        let Some((kind, name)) = written(first, i) else { continue };
        for other in &inputs[1..] {
            if let Some((other_kind, other_name)) = written(other, i) {
                if kinds_apart(&kind, &other_kind) {
                    return Some(format!(
                        "TYPE_MISMATCH: column {} in UNION query has incompatible types: {name}, {other_name}",
                        i + 1
                    ));
                }
            }
        }
    }
    None
}

/// An expression that mixes text with another kind of value is refused; every other is left.
fn refuse_mixed(expr: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let name = |e: &Expr| type_name(e, schema).unwrap_or_default();
    match &expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if is_comparison(op) && apart(left, right, schema) => {
            // A comparison with ANY or ALL of a subquery, which `quantified` writes so.
            if let Some((value, rows)) =
                if of_subquery(right) { Some((left, right)) } else { of_subquery(left).then_some((right, left)) }
            {
                let in_list = matches!(rows.as_ref(), Expr::LambdaVariable(v) if v.name == IN_VALUE);
                let (value, rows) = (name(value), name(rows));
                if in_list {
                    return plan_err!("TYPE_MISMATCH: {IN_APART}: {value} vs {rows}");
                }
                return plan_err!("TYPE_MISMATCH: {QUANTIFIED_APART}: {value} vs {rows}");
            }
            let op = trino_operator(op);
            return plan_err!("TYPE_MISMATCH: Cannot apply operator: {} {op} {}", name(left), name(right));
        }
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if is_arithmetic(op) && apart(left, right, schema) => {
            return plan_err!("TYPE_MISMATCH: Cannot apply operator: {} {op} {}", name(left), name(right));
        }
        // `||` is Trino's concat, which takes texts or arrays.
        Expr::BinaryExpr(BinaryExpr { left, op: Operator::StringConcat, right }) if apart(left, right, schema) => {
            let types = [left, right].map(|e| e.get_type(schema).unwrap_or(DataType::Null));
            return type_mismatch("concat", &types, CONCAT_USAGE);
        }
        Expr::Between(Between { expr: value, low, high, .. })
            if apart(value, low, schema) || apart(value, high, schema) =>
        {
            let [v, l, h] = [value, low, high].map(|e| name(e));
            return plan_err!("TYPE_MISMATCH: Cannot check if {v} is BETWEEN {l} and {h}");
        }
        Expr::InList(InList { expr: value, list, .. }) => {
            if let Some(common) = first_apart(std::iter::once(value.as_ref()).chain(list), schema) {
                return plan_err!("TYPE_MISMATCH: IN value and list items must be the same type: {common}");
            }
        }
        Expr::InSubquery(InSubquery { expr: value, subquery, .. }) => {
            let answer = subquery.subquery.schema().fields().first().map(|f| f.data_type().clone());
            if let (Ok(v), Some(s)) = (value.get_type(schema), answer) {
                if kinds_apart(&v, &s) {
                    let (v, s) = (name(value), trino_type(&s));
                    // `x = ANY (q)` or `x <> ALL (q)`, which `quantified` writes as IN.
                    if subquery.subquery.schema().fields().iter().map(|f| f.name()).eq([QUANTIFIED]) {
                        return plan_err!("TYPE_MISMATCH: {QUANTIFIED_APART}: {v} vs {s}");
                    }
                    return plan_err!("TYPE_MISMATCH: {IN_APART}: {v} vs {s}");
                }
            }
        }
        Expr::Case(Case { expr: Some(operand), when_then_expr, .. }) => {
            // Trino names the operand's type and the first WHEN's that cannot join it.
            let odd = when_then_expr.iter().map(|(when, _)| when.as_ref()).find(|when| apart(operand, when, schema));
            if let Some(odd) = odd {
                return plan_err!(
                    "TYPE_MISMATCH: CASE operand type does not match WHEN clause operand type: {} vs {}",
                    name(operand),
                    name(odd)
                );
            }
        }
        // A field of text (`year('2020-01-01')`, `EXTRACT(YEAR FROM dt)` of a text partition), or
        // a time of day's field of a date (`hour(DATE '2020-01-01')`): Trino has no such
        // function, where the engine read the text as a timestamp and the date as its midnight.
        Expr::ScalarFunction(ScalarFunction { func, args }) if super::functions::is_part(func.name()) => {
            let (usage, reads_dates) = super::functions::part_forms(func.name());
            let refused = |t: &DataType| {
                (is_text(t) && !t.is_null()) || (!reads_dates && matches!(t, DataType::Date32 | DataType::Date64))
            };
            if let [arg] = args.as_slice() {
                if arg.get_type(schema).is_ok_and(|t| refused(&t)) {
                    return unexpected_parameters(func.name(), &[name(arg)], &usage);
                }
            }
        }
        // A date function of text (`date_diff('day', '2026-01-01', '2026-01-05')`) or `date_add`
        // by a fraction: Trino casts neither, where the engine read the text as a timestamp and
        // cut the fraction.
        Expr::ScalarFunction(ScalarFunction { func, args }) if ON_TIMES.iter().any(|(f, ..)| *f == func.name()) => {
            let Some((f, times, usage)) = ON_TIMES.iter().find(|(f, ..)| *f == func.name()) else {
                return Ok(Transformed::no(expr));
            };
            let types: Vec<DataType> = args.iter().map(|a| a.get_type(schema).unwrap_or(DataType::Null)).collect();
            let text = times.iter().any(|&i| types.get(i).is_some_and(|t| is_text(t) && !t.is_null()));
            let fraction = *f == "date_add" && types.get(1).is_some_and(|t| !t.is_integer() && !t.is_null());
            if text || fraction {
                let given: Vec<String> = args.iter().map(name).collect();
                return unexpected_parameters(f, &given, usage);
            }
        }
        Expr::ScalarFunction(ScalarFunction { func, args }) if func.name() == "coalesce" => {
            if let Some(common) = first_apart(args, schema) {
                return plan_err!("TYPE_MISMATCH: All COALESCE operands must be the same type: {common}");
            }
        }
        // lag's and lead's default is of the window's column's type (`lag(T, bigint, T)`).
        Expr::WindowFunction(window)
            if matches!(window.fun.name(), "lag" | "lead")
                && window.params.args.len() == 3
                && !one_type_with(&window.params.args[0], &window.params.args[2], schema) =>
        {
            let f = window.fun.name();
            let types: Vec<String> = window.params.args.iter().map(name).collect();
            return unexpected_parameters(f, &types, &format!("{f}(T) T, {f}(T, bigint) T, {f}(T, bigint, T) T"));
        }
        _ => {}
    }
    if let Expr::Case(Case { when_then_expr, else_expr, .. }) = &expr {
        let results = when_then_expr.iter().map(|(_, then)| then.as_ref()).chain(else_expr.as_deref());
        if let Some(common) = first_apart(results, schema) {
            return plan_err!("TYPE_MISMATCH: All CASE results must be the same type: {common}");
        }
    }
    Ok(Transformed::no(expr))
}

/// A subquery's row, or its extreme, as `quantified` reads it in a comparison with ANY or ALL,
/// or IN.
fn of_subquery(side: &Expr) -> bool {
    match side {
        Expr::LambdaVariable(variable) => variable.name == ROW_VALUE || variable.name == IN_VALUE,
        Expr::ScalarFunction(ScalarFunction { func, args }) if func.name() == "get_field" => {
            matches!(args.first(), Some(Expr::LambdaVariable(variable)) if variable.name == SUMMARY)
        }
        _ => false,
    }
}

/// The operator Trino resolves a comparison to, which its message names: `<>` is `=` negated,
/// `>` is `<` and `>=` is `<=` (the operands kept in their order).
pub(super) fn trino_operator(op: &Operator) -> &'static str {
    match op {
        Operator::Lt | Operator::Gt => "<",
        Operator::LtEq | Operator::GtEq => "<=",
        Operator::IsDistinctFrom | Operator::IsNotDistinctFrom => "IS DISTINCT FROM",
        _ => "=",
    }
}

fn is_arithmetic(op: &Operator) -> bool {
    use Operator::*;
    matches!(op, Plus | Minus | Multiply | Divide | Modulo)
}

/// `=`, `<>`, `<`, `<=`, `>`, `>=` and IS [NOT] DISTINCT FROM.
pub(super) fn is_comparison(op: &Operator) -> bool {
    use Operator::*;
    matches!(op, Eq | NotEq | Lt | LtEq | Gt | GtEq | IsDistinctFrom | IsNotDistinctFrom)
}

/// Text, or a value text is never compared with: the two kinds Trino keeps apart.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Other,
}

/// The kind of a value of `t`; None for a NULL (it goes with anything) and the types this rule
/// leaves to the engine.
fn kind(t: &DataType) -> Option<Kind> {
    if *t == DataType::Null {
        None
    } else if is_text(t) {
        Some(Kind::Text)
    } else if t.is_numeric()
        || t.is_temporal()
        || matches!(t, DataType::Boolean | DataType::Date32 | DataType::Date64 | DataType::Interval(_))
    {
        Some(Kind::Other)
    } else {
        None
    }
}

/// Whether Trino reads `a` and `b` as one type: of one type, numbers, texts, a date and a
/// timestamp, or a NULL beside anything.
fn one_type_with(a: &Expr, b: &Expr, schema: &DFSchema) -> bool {
    let (Ok(a), Ok(b)) = (a.get_type(schema), b.get_type(schema)) else { return true };
    let temporal = |t: &DataType| matches!(t, DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _));
    a.equals_datatype(&b)
        || a.is_null()
        || b.is_null()
        || (a.is_numeric() && b.is_numeric())
        || (is_text(&a) && is_text(&b))
        || (temporal(&a) && temporal(&b))
}

fn kinds_apart(a: &DataType, b: &DataType) -> bool {
    matches!((kind(a), kind(b)), (Some(a), Some(b)) if a != b)
}

/// Whether one of `a` and `b` is text and the other a value text is never compared with.
fn apart(a: &Expr, b: &Expr, schema: &DFSchema) -> bool {
    matches!((a.get_type(schema), b.get_type(schema)), (Ok(a), Ok(b)) if kinds_apart(&a, &b))
}

/// The type Trino gives `values` when one of them is of a kind apart from those before it: the
/// common type of those before (what its message names). None when they share a kind.
fn first_apart<'a>(values: impl IntoIterator<Item = &'a Expr>, schema: &DFSchema) -> Option<String> {
    let mut common: Option<(Kind, String)> = None;
    for value in values {
        let Some(found) = value.get_type(schema).ok().as_ref().and_then(kind) else { continue };
        let name = type_name(value, schema).unwrap_or_default();
        common = match common {
            None => Some((found, name)),
            Some((before, so_far)) if before != found => return Some(so_far),
            Some((before, so_far)) => Some((before, wider(so_far, name))),
        };
    }
    None
}

/// The common type of two of one kind, as Trino names it: the longer `varchar(n)`, an unbounded
/// `varchar` over any, the wider whole number, a `double` over any number; else the first.
fn wider(a: String, b: String) -> String {
    let length = |t: &str| t.strip_prefix("varchar(").and_then(|n| n.trim_end_matches(')').parse::<u64>().ok());
    let whole = |t: &str| ["tinyint", "smallint", "integer", "bigint"].iter().position(|w| *w == t);
    match (length(&a), length(&b), whole(&a), whole(&b)) {
        (Some(x), Some(y), _, _) => format!("varchar({})", x.max(y)),
        (Some(_), None, _, _) if b == "varchar" => b,
        (_, _, Some(x), Some(y)) if y > x => b,
        _ if b == "double" && a != "double" => b,
        _ => a,
    }
}

/// A value's type as Trino names it: a whole-number literal that fits is an `integer`, a text
/// literal a `varchar(n)` of its length, as in Trino.
pub(super) fn type_name(value: &Expr, schema: &DFSchema) -> Option<String> {
    match value {
        Expr::Literal(ScalarValue::Int64(Some(n)), _) if i32::try_from(*n).is_ok() => Some("integer".into()),
        Expr::Literal(
            ScalarValue::Utf8(Some(s)) | ScalarValue::Utf8View(Some(s)) | ScalarValue::LargeUtf8(Some(s)),
            _,
        ) => Some(format!("varchar({})", s.chars().count())),
        _ => value.get_type(schema).ok().map(|t| trino_type(&t)),
    }
}
