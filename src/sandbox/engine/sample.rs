//! Trino's `TABLESAMPLE BERNOULLI (p)` and `TABLESAMPLE SYSTEM (p)`, of a table or a subquery:
//! each row kept with probability p / 100. DataFusion's parser reads the clause and its planner
//! leaves it out (every row was answered); `rewrite` turns each sampled relation into
//! `(SELECT * FROM t WHERE random() < "$sample_share"(p)) AS t`, where `$sample_share` is
//! p / 100 or Trino's refusal of a NULL or a percentage outside 0 to 100. Athena's SYSTEM keeps
//! or drops whole splits (and so reads less); the sandbox keeps rows for both, and reads the
//! whole relation.

use std::ops::ControlFlow;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::sqlparser::ast::{
    self, BinaryOperator, Expr, LimitClause, SetExpr, TableAlias, TableFactor, TableSampleKind, TableSampleMethod,
    TableSampleUnit, TableWithJoins, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::parser::Parser;
use datafusion::logical_expr::ScalarUDF;

use super::dialect::Athena;
use super::sql::call;
use super::udf::{Call, Trino};

/// The engine's name for a sample's share of rows, checked as Trino checks it.
const SAMPLE_SHARE: &str = "$sample_share";

pub fn functions() -> Vec<ScalarUDF> {
    vec![Trino::udf(SAMPLE_SHARE, share_type, share)]
}

/// Each sampled table or subquery of `statement` as a query keeping its rows at random.
pub fn rewrite(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut Samples);
}

struct Samples;

impl VisitorMut for Samples {
    type Break = ();

    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        let (alias, sample) = match factor {
            TableFactor::Table { alias, sample, .. } | TableFactor::Derived { alias, sample, .. } => (alias, sample),
            _ => return ControlFlow::Continue(()),
        };
        let Some(TableSampleKind::BeforeTableAlias(kind) | TableSampleKind::AfterTableAlias(kind)) = sample.as_ref()
        else {
            return ControlFlow::Continue(());
        };
        let trino = matches!(kind.name, Some(TableSampleMethod::Bernoulli | TableSampleMethod::System));
        let Some(percentage) = kind.quantity.as_ref().filter(|q| trino && q.unit != Some(TableSampleUnit::Rows)) else {
            return ControlFlow::Continue(());
        };
        let percentage = percentage.value.clone();
        // The module's own text, which always parses: the relation goes in place of `"$t"`.
        let parsed =
            Parser::new(&Athena::default()).try_with_sql("SELECT * FROM \"$t\"").and_then(|mut p| p.parse_query());
        let Ok(mut query) = parsed else { return ControlFlow::Continue(()) };
        // The sampled relation keeps its name outside: its alias, or a table's own name.
        let name = match (alias.take(), &*factor) {
            (Some(alias), _) => Some(alias),
            (None, TableFactor::Table { name, .. }) => name
                .0
                .last()
                .and_then(|part| part.as_ident())
                .map(|last| TableAlias { explicit: true, name: last.clone(), columns: Vec::new(), at: None }),
            (None, _) => None,
        };
        // A subquery's rows are sampled above a LIMIT of every row, which the engine pushes no
        // filter below: it moved the sample's inside the subquery, below its GROUP BY, DISTINCT or
        // UNNEST, and sampled the rows they read, not the rows they answer.
        if let TableFactor::Derived { subquery, .. } = factor {
            if subquery.limit_clause.is_none() && subquery.fetch.is_none() {
                subquery.limit_clause = Some(LimitClause::LimitOffset {
                    limit: Some(super::fetch::every_row()),
                    offset: None,
                    limit_by: Vec::new(),
                });
            }
        }
        if let TableFactor::Table { sample, alias, .. } | TableFactor::Derived { sample, alias, .. } = factor {
            *sample = None;
            // Inside, under the name the query reads it by, without the columns it renames.
            *alias = name.as_ref().map(|a| TableAlias { columns: Vec::new(), ..a.clone() });
        }
        if let SetExpr::Select(select) = query.body.as_mut() {
            select.from = vec![TableWithJoins { relation: factor.clone(), joins: Vec::new() }];
            let kept = Expr::BinaryOp {
                left: Box::new(call("random", Vec::new())),
                op: BinaryOperator::Lt,
                right: Box::new(call(SAMPLE_SHARE, vec![percentage])),
            };
            select.selection = Some(kept);
        }
        *factor = TableFactor::Derived { lateral: false, subquery: query, alias: name, sample: None };
        ControlFlow::Continue(())
    }
}

fn share_type(call: &Call) -> Result<DataType> {
    match call.types {
        [kind] if kind.is_numeric() || kind == &DataType::Null => Ok(DataType::Float64),
        _ => call.mismatch("TABLESAMPLE (a number from 0 to 100)"),
    }
}

/// `p / 100`, or Trino's refusal of `p`.
fn share(args: &[ArrayRef], _: &DataType) -> Result<ArrayRef> {
    let percentages = cast(&args[0], &DataType::Float64)?;
    let percentages = percentages.as_primitive::<Float64Type>();
    if percentages.null_count() > 0 {
        return exec_err!("INVALID_ARGUMENTS: Sample percentage cannot be NULL");
    }
    if percentages.values().iter().any(|p| *p < 0.0) {
        return exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: Sample percentage must be greater than or equal to 0");
    }
    if percentages.values().iter().any(|p| *p > 100.0) {
        return exec_err!("NUMERIC_VALUE_OUT_OF_RANGE: Sample percentage must be less than or equal to 100");
    }
    Ok(Arc::new(percentages.values().iter().map(|p| p / 100.0).collect::<Float64Array>()))
}
