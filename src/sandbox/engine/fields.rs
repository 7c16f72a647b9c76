//! A row's fields read without case, as Trino reads them: `r.Up`, `r."UP"` and `r.up` all read a
//! field `Up` (its analyzer compares a field's name ignoring case). DataFusion's planner looks a
//! field up by its exact name, and every name a query writes reaches it in lower case
//! (`names::without_case`), so `FieldsWithoutCase` plans `a.b.c` with each field's own name.

use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{Column, Result, TableReference};
use datafusion::functions::core::expr_fn::get_field;
use datafusion::logical_expr::planner::{ExprPlanner, PlannerResult};
use datafusion::logical_expr::Expr;

use super::names;

/// Plans a column's fields (`data.location.city`, a lambda's `r.x`) by their names without case;
/// put before DataFusion's own planner of them, which it otherwise is.
#[derive(Debug)]
pub(super) struct FieldsWithoutCase;

impl ExprPlanner for FieldsWithoutCase {
    fn plan_compound_identifier(
        &self,
        field: &Field,
        qualifier: Option<&TableReference>,
        nested_names: &[String],
    ) -> Result<PlannerResult<Vec<Expr>>> {
        let mut expr = Expr::Column(Column::from((qualifier, field)));
        let mut kind = Some(field.data_type());
        for name in nested_names {
            let found = match kind {
                Some(DataType::Struct(fields)) => field_index(fields, name).map(|i| fields[i].as_ref()),
                _ => None,
            };
            kind = found.map(|f| f.data_type());
            // A field the row lacks is left to `get_field`, which says so.
            expr = get_field(expr, found.map_or(name.as_str(), |f| f.name().as_str()));
        }
        Ok(PlannerResult::Planned(expr))
    }
}

/// The place of the field of `fields` named `name`: the one of that name, or else the first
/// whose name is `name` without case.
pub(super) fn field_index(fields: &Fields, name: &str) -> Option<usize> {
    fields
        .iter()
        .position(|f| f.name() == name)
        .or_else(|| {
            let name = name.to_lowercase();
            fields.iter().position(|f| f.name().to_lowercase() == name)
        })
        // A field named `$x` in a cast's type, read as `r."$x"` (`names::without_case`).
        .or_else(|| {
            Some(names::as_written(name))
                .filter(|written| *written != name)
                .and_then(|written| field_index(fields, written))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_its_name_then_its_name_without_case() {
        let fields: Fields =
            ["Up", "up", "Low"].into_iter().map(|name| Field::new(name, DataType::Int64, true)).collect();
        assert_eq!(field_index(&fields, "up"), Some(1));
        assert_eq!(field_index(&fields, "Up"), Some(0));
        assert_eq!(field_index(&fields, "LOW"), Some(2));
        assert_eq!(field_index(&fields, "low"), Some(2));
        assert_eq!(field_index(&fields, "high"), None);
    }
}
