//! `[OFFSET n ROWS] FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY`, the SQL standard's LIMIT, which
//! Trino reads and DataFusion does not: written as `LIMIT n [OFFSET n]` (`FETCH FIRST ROW ONLY`
//! is one row). `WITH TIES` is refused, with the way to keep ties.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{self, Expr, LimitClause, Value, VisitMut, VisitorMut};

/// Writes each `FETCH … ONLY` of `statement` as a LIMIT; refuses `WITH TIES`.
pub(super) fn rewrite(statement: &mut ast::Statement) -> Result<(), String> {
    match statement.visit(&mut FetchAsLimit) {
        ControlFlow::Break(()) => Err("NOT_SUPPORTED: FETCH FIRST … WITH TIES is not in the sandbox engine; keep the \
            ties with rank() OVER (ORDER BY …) <= n in a subquery"
            .into()),
        ControlFlow::Continue(()) => Ok(()),
    }
}

struct FetchAsLimit;

impl VisitorMut for FetchAsLimit {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        if query.fetch.as_ref().is_some_and(|fetch| fetch.with_ties) {
            return ControlFlow::Break(());
        }
        let Some(fetch) = query.fetch.take_if(|fetch| !fetch.percent) else {
            return ControlFlow::Continue(());
        };
        let limit = Some(fetch.quantity.clone().unwrap_or_else(|| Expr::value(Value::Number("1".into(), false))));
        query.limit_clause = match query.limit_clause.take() {
            None => Some(LimitClause::LimitOffset { limit, offset: None, limit_by: Vec::new() }),
            Some(LimitClause::LimitOffset { limit: None, offset, limit_by }) => {
                Some(LimitClause::LimitOffset { limit, offset, limit_by })
            }
            // A LIMIT and a FETCH both: left to the engine's refusal.
            other => {
                query.fetch = Some(fetch);
                other
            }
        };
        ControlFlow::Continue(())
    }
}
