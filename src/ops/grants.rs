//! Lake Formation's grants read as answers: who may read a table and which of its columns, what a
//! principal may do, and why a principal can or cannot query a table.

use serde::Serialize;

use crate::model::{Governance, Grant, GrantResource, TableTags};
use crate::platform::PlatformError;
use crate::settings::Settings;

/// Lake Formation is read only when the profile says it governs the catalog.
pub fn require_enabled(settings: &Settings) -> Result<(), PlatformError> {
    if settings.platform.lakeformation.enabled {
        return Ok(());
    }
    Err(PlatformError::failed(
        "Lake Formation",
        "not enabled in this profile: set [platform.lakeformation] enabled = true",
    ))
}

/// Permissions that let a principal read a table's rows.
fn reads(g: &Grant) -> bool {
    g.permissions.iter().any(|p| p == "SELECT" || p == "ALL")
}

/// Whether `principal` (an ARN, or a role or user name) names the grant's principal. A grant to
/// `IAMAllowedPrincipals` applies to everyone IAM lets in.
pub fn names(principal: &str, grantee: &str) -> bool {
    grantee == principal
        || grantee == "IAMAllowedPrincipals"
        || (!principal.contains(':') && grantee.rsplit(['/', ':']).next() == Some(principal))
}

/// Whether an LF-tag expression (`key=v1|v2 AND key2=v3`) matches a table's tags.
pub fn tags_match(expression: &str, tags: Option<&TableTags>) -> bool {
    let Some(tags) = tags else { return false };
    expression.split(" AND ").all(|clause| {
        let Some((key, values)) = clause.trim().split_once('=') else { return false };
        let wanted: Vec<&str> = values.split('|').map(str::trim).collect();
        tags.tags.iter().any(|t| t.key == key.trim() && t.values.iter().any(|v| wanted.contains(&v.as_str())))
    })
}

/// Whether a grant is on `table` of `database`, or on all of its tables, or by its tags.
pub fn covers(g: &Grant, database: &str, table: &str, governance: &Governance) -> bool {
    let tags = governance.table_tags.iter().find(|t| t.table == table);
    match &g.resource {
        GrantResource::AllTables { database: d } => d == database,
        GrantResource::Table { database: d, table: t } | GrantResource::Columns { database: d, table: t, .. } => {
            d == database && t == table
        }
        GrantResource::TagPolicy { expression } => governance.database == database && tags_match(expression, tags),
        GrantResource::Database { .. } | GrantResource::Location { .. } => false,
    }
}

/// Which columns a reading grant lets through, in words.
pub fn column_scope(g: &Grant) -> String {
    match &g.resource {
        GrantResource::Columns { columns, excluded, .. } if excluded.is_empty() => columns.join(", "),
        GrantResource::Columns { excluded, .. } => format!("all columns but {}", excluded.join(", ")),
        _ => "all columns".into(),
    }
}

/// Who may read `table`: each principal with the grant that lets it and the columns it sees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reader {
    pub principal: String,
    pub columns: String,
    /// The grant, in words: `clickstream.events (all columns but user_id)`, `tagged …`.
    pub through: String,
}

pub fn readers(governance: &Governance, table: &str) -> Vec<Reader> {
    let db = &governance.database;
    governance
        .grants
        .iter()
        .filter(|g| reads(g) && covers(g, db, table, governance))
        .map(|g| Reader { principal: g.principal.clone(), columns: column_scope(g), through: route(&g.resource) })
        .collect()
}

/// How a reading grant reaches a table, in words.
fn route(resource: &GrantResource) -> String {
    match resource {
        GrantResource::Columns { .. } => "a column grant".into(),
        GrantResource::Table { .. } => "a table grant".into(),
        GrantResource::AllTables { database } => format!("every table of {database}"),
        GrantResource::TagPolicy { expression } => format!("LF-tags {expression}"),
        other => other.describe(),
    }
}

/// The answer to "why can (not) this principal query this table?".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Access {
    pub principal: String,
    pub database: String,
    pub table: String,
    /// Whether some grant lets the principal SELECT from the table.
    pub can_select: bool,
    /// The grants that apply, with what each allows.
    pub grants: Vec<Grant>,
    /// The answer in words, with what to do when there is no grant.
    pub answer: String,
}

/// The grants that apply to `principal` on `database.table`, and the answer in words.
pub fn explain(governance: &Governance, principal: &str, database: &str, table: &str) -> Access {
    // A role or user name stands for the ARN a grant or the admins know it by.
    let principal = if principal.contains(':') {
        principal.to_string()
    } else {
        let known = governance.grants.iter().map(|g| &g.principal).chain(&governance.admins);
        let arn = known.filter(|p| *p != "IAMAllowedPrincipals").find(|p| names(principal, p));
        arn.cloned().unwrap_or_else(|| principal.to_string())
    };
    let principal = principal.as_str();
    let applying: Vec<Grant> = governance
        .grants
        .iter()
        .filter(|g| names(principal, &g.principal))
        .filter(|g| {
            covers(g, database, table, governance)
                || matches!(&g.resource, GrantResource::Database { database: d } if d == database)
        })
        .cloned()
        .collect();
    let reading: Vec<&Grant> = applying.iter().filter(|g| reads(g) && covers(g, database, table, governance)).collect();
    let can_select = !reading.is_empty();
    let answer = if let Some(g) = reading.first() {
        let iam = if g.principal == "IAMAllowedPrincipals" {
            " to IAMAllowedPrincipals (Lake Formation leaves this table to IAM policies)"
        } else {
            ""
        };
        format!(
            "{principal} may SELECT {} of {database}.{table} through the grant on {}{iam}",
            column_scope(g),
            g.resource.describe()
        )
    } else {
        let admin = governance.admins.iter().any(|a| names(principal, a));
        let mut why = format!("no Lake Formation grant lets {principal} SELECT from {database}.{table}");
        let others: Vec<String> =
            applying.iter().map(|g| format!("{} on {}", g.permissions.join(", "), g.resource.describe())).collect();
        if !others.is_empty() {
            why.push_str(&format!(" (it has {}, not SELECT)", others.join("; ")));
        }
        if admin {
            why.push_str("; it is a data-lake administrator and may grant itself SELECT");
        } else {
            why.push_str(&format!(
                "; a data-lake administrator ({}) can grant it with: aws lakeformation grant-permissions --principal \
                 DataLakePrincipalIdentifier={principal} --permissions SELECT --resource \
                 '{{\"Table\":{{\"DatabaseName\":\"{database}\",\"Name\":\"{table}\"}}}}'",
                if governance.admins.is_empty() { "none is set".into() } else { governance.admins.join(", ") }
            ));
        }
        why
    };
    Access {
        principal: principal.into(),
        database: database.into(),
        table: table.into(),
        can_select,
        grants: applying,
        answer,
    }
}

/// The grants of `principal` (every grant when `None`), on `table` of the database when given.
pub fn filter<'a>(governance: &'a Governance, principal: Option<&str>, table: Option<&str>) -> Vec<&'a Grant> {
    governance
        .grants
        .iter()
        .filter(|g| principal.is_none_or(|p| names(p, &g.principal)))
        .filter(|g| table.is_none_or(|t| covers(g, &governance.database, t, governance)))
        .collect()
}

#[cfg(test)]
#[path = "tests_grants.rs"]
mod tests;
