//! Trino's grouping elements that the engine's planner does not read, written as the grouping
//! sets they are:
//! - the empty grouping set, `GROUP BY ()` (one group of every row, as an aggregate without
//!   GROUP BY, but one row even where no aggregate is asked for) and `GROUP BY a, ()` (which is
//!   `GROUP BY a`): `GROUPING SETS (())`. The engine refused "Empty tuple not supported yet".
//! - `ROLLUP` and `CUBE` of column lists, `ROLLUP((a, b), c)`: the sets they stand for,
//!   `GROUPING SETS ((a, b, c), (a, b), ())`. The engine refused "Tuple expressions are not
//!   supported".
//! - HAVING without GROUP BY, which groups by `()` in Trino: `SELECT 1 FROM t HAVING true` is
//!   one row. The engine refused a HAVING without an aggregate.

use std::ops::ControlFlow;

use datafusion::logical_expr::sqlparser::ast::{self, Expr, GroupByExpr, Query, VisitMut, VisitorMut};

use super::sql::selects;

/// The most grouping sets a CUBE is written out to (Trino's default bound, `max-grouping-sets`).
const MOST_SETS: usize = 2048;

pub(super) fn rewrite(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut Groupings);
}

struct Groupings;

impl VisitorMut for Groupings {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        for select in selects(query.body.as_mut()) {
            if let GroupByExpr::Expressions(keys, _) = &mut select.group_by {
                if keys.is_empty() && select.having.is_some() {
                    keys.push(Expr::Tuple(Vec::new()));
                }
                keys.iter_mut().for_each(as_sets);
            }
        }
        ControlFlow::Continue(())
    }
}

/// A grouping element the engine does not read, as the grouping sets it stands for.
fn as_sets(key: &mut Expr) {
    let sets = match key {
        Expr::Tuple(parts) if parts.is_empty() => vec![Vec::new()],
        Expr::Rollup(lists) if lists.iter().any(|list| list.len() != 1) => {
            // Each leading part of the lists, the longest first.
            (0..=lists.len()).rev().map(|n| lists[..n].concat()).collect()
        }
        Expr::Cube(lists) if lists.iter().any(|list| list.len() != 1) && lists.len() < usize::BITS as usize => {
            let count = 1usize << lists.len();
            if count > MOST_SETS {
                return;
            }
            // Every choice of the lists, all of them first.
            (0..count)
                .rev()
                .map(|chosen| {
                    lists
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| chosen & (1 << (lists.len() - 1 - i)) != 0)
                        .flat_map(|(_, l)| l.clone())
                        .collect()
                })
                .collect()
        }
        _ => return,
    };
    *key = Expr::GroupingSets(sets);
}
