//! Trino's `TABLESAMPLE BERNOULLI (p)` and `TABLESAMPLE SYSTEM (p)`: each row of the table kept
//! with probability p / 100. DataFusion's parser reads the clause and its planner leaves it out
//! (every row was answered); `rewrite` turns each sampled table into
//! `(SELECT * FROM t WHERE random() < (p) / 1e2) AS t`. Athena's SYSTEM keeps or drops whole
//! splits (and so reads less); the sandbox keeps rows for both, and reads the whole table.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, Expr, SetExpr, TableAlias, TableFactor, TableSample, TableSampleKind, TableSampleMethod,
    TableSampleUnit, TableWithJoins, UnaryOperator, Value, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::parser::Parser;

use super::dialect::Athena;
use super::sql::call;

/// Each sampled table of `statement` as a query keeping its rows at random; Trino's refusal of
/// a percentage outside 0 to 100.
pub fn rewrite(statement: &mut ast::Statement) -> Result<(), String> {
    let mut samples = Samples(None);
    let _ = statement.visit(&mut samples);
    samples.0.map_or(Ok(()), Err)
}

struct Samples(Option<String>);

impl VisitorMut for Samples {
    type Break = ();

    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        let TableFactor::Table { name, alias, sample, .. } = factor else { return ControlFlow::Continue(()) };
        let Some(TableSampleKind::BeforeTableAlias(kind) | TableSampleKind::AfterTableAlias(kind)) = sample.as_ref()
        else {
            return ControlFlow::Continue(());
        };
        let share = match share(kind) {
            Ok(Some(share)) => share,
            Ok(None) => return ControlFlow::Continue(()),
            Err(refusal) => {
                self.0 = Some(refusal);
                return ControlFlow::Break(());
            }
        };
        let Some(last) = name.0.last().and_then(|part| part.as_ident()).cloned() else {
            return ControlFlow::Continue(());
        };
        // The module's own text, which always parses: the table goes in place of `"$t"`.
        let parsed =
            Parser::new(&Athena::default()).try_with_sql("SELECT * FROM \"$t\"").and_then(|mut p| p.parse_query());
        let Ok(mut query) = parsed else { return ControlFlow::Continue(()) };
        let alias = alias.take().unwrap_or(TableAlias { explicit: true, name: last, columns: Vec::new(), at: None });
        *sample = None;
        if let SetExpr::Select(select) = query.body.as_mut() {
            select.from = vec![TableWithJoins { relation: factor.clone(), joins: Vec::new() }];
            let hundredth = Expr::BinaryOp {
                left: Box::new(Expr::Nested(Box::new(share))),
                op: BinaryOperator::Divide,
                right: Box::new(Expr::value(Value::Number("1e2".into(), false))),
            };
            let kept = Expr::BinaryOp {
                left: Box::new(call("random", Vec::new())),
                op: BinaryOperator::Lt,
                right: Box::new(hundredth),
            };
            select.selection = Some(kept);
        }
        *factor = TableFactor::Derived { lateral: false, subquery: query, alias: Some(alias), sample: None };
        ControlFlow::Continue(())
    }
}

/// The percentage of rows `sample` keeps; None for a sampling Trino does not have (left to the
/// engine); Trino's refusal of a constant percentage outside 0 to 100.
fn share(sample: &TableSample) -> Result<Option<Expr>, String> {
    let method = matches!(sample.name, Some(TableSampleMethod::Bernoulli | TableSampleMethod::System));
    let Some(quantity) = sample.quantity.as_ref().filter(|q| method && q.unit != Some(TableSampleUnit::Rows)) else {
        return Ok(None);
    };
    match constant(&quantity.value) {
        Some(p) if p < 0.0 => {
            Err("NUMERIC_VALUE_OUT_OF_RANGE: Sample percentage must be greater than or equal to 0".into())
        }
        Some(p) if p > 100.0 => {
            Err("NUMERIC_VALUE_OUT_OF_RANGE: Sample percentage must be less than or equal to 100".into())
        }
        _ => Ok(Some(quantity.value.clone())),
    }
}

/// A number written as such, or negated.
fn constant(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::Number(number, _) => number.parse().ok(),
            _ => None,
        },
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => constant(expr).map(|p| -p),
        Expr::Nested(inner) => constant(inner),
        _ => None,
    }
}
