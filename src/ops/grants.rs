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
        || (!principal.contains(':')
            && (grantee.rsplit(['/', ':']).next() == Some(principal)
                || grantee.strip_suffix(principal).is_some_and(|arn| arn.ends_with(':'))))
}

/// The ARN a principal's name (`analysts`, `role/analysts`) stands for among those the grants
/// and the administrators know; an ARN as it is; `None` for a name none of them has.
pub fn resolve(governance: &Governance, principal: &str) -> Option<String> {
    if principal.contains(':') {
        return Some(principal.to_string());
    }
    let known = governance.grants.iter().map(|g| &g.principal).chain(&governance.admins);
    known.filter(|p| *p != "IAMAllowedPrincipals").find(|p| names(principal, p)).cloned()
}

/// The table of the catalog `table` names: Glue keeps names in lower case, and Athena folds
/// what it is given (`EVENTS` is `events`); `None` when the database has no such table.
pub fn catalog_table<'a>(governance: &'a Governance, table: &str) -> Option<&'a str> {
    let folded = table.to_lowercase();
    governance.tables.iter().find(|t| **t == folded).map(String::as_str)
}

/// The columns a principal's reading grants let through together: Lake Formation adds them up
/// (a table grant beside a column grant shows every column).
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    All,
    Only(Vec<String>),
    AllBut(Vec<String>),
}

impl Scope {
    fn of(g: &Grant) -> Scope {
        match &g.resource {
            GrantResource::Columns { columns, excluded, .. } if excluded.is_empty() => Scope::Only(columns.clone()),
            GrantResource::Columns { excluded, .. } => Scope::AllBut(excluded.clone()),
            _ => Scope::All,
        }
    }

    fn and(self, other: Scope) -> Scope {
        let all_but = |hidden: Vec<String>| if hidden.is_empty() { Scope::All } else { Scope::AllBut(hidden) };
        match (self, other) {
            (Scope::All, _) | (_, Scope::All) => Scope::All,
            (Scope::Only(mut a), Scope::Only(b)) => {
                a.extend(b.into_iter().filter(|c| !a.contains(c)).collect::<Vec<_>>());
                Scope::Only(a)
            }
            (Scope::AllBut(x), Scope::AllBut(y)) => all_but(x.into_iter().filter(|c| y.contains(c)).collect()),
            (Scope::AllBut(x), Scope::Only(a)) | (Scope::Only(a), Scope::AllBut(x)) => {
                all_but(x.into_iter().filter(|c| !a.contains(c)).collect())
            }
        }
    }

    fn words(&self) -> String {
        match self {
            Scope::All => "all columns".into(),
            Scope::Only(columns) => columns.join(", "),
            Scope::AllBut(hidden) => format!("all columns but {}", hidden.join(", ")),
        }
    }
}

/// The columns `grants` (each reading the table) let through together, in words.
fn columns_of(grants: &[&Grant]) -> String {
    grants.iter().map(|g| Scope::of(g)).reduce(Scope::and).map(|s| s.words()).unwrap_or_default()
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

/// Who may read `table`: each principal with the grant that lets it and the columns it sees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reader {
    pub principal: String,
    pub columns: String,
    /// The grant, in words: `clickstream.events (all columns but user_id)`, `tagged …`.
    pub through: String,
}

/// Who may read `table`, one line a principal: the columns its grants let through together.
pub fn readers(governance: &Governance, table: &str) -> Vec<Reader> {
    let db = &governance.database;
    let reading: Vec<&Grant> =
        governance.grants.iter().filter(|g| reads(g) && covers(g, db, table, governance)).collect();
    let mut principals: Vec<&str> = Vec::new();
    for g in &reading {
        if !principals.contains(&g.principal.as_str()) {
            principals.push(&g.principal);
        }
    }
    principals
        .into_iter()
        .map(|principal| {
            let own: Vec<&Grant> = reading.iter().copied().filter(|g| g.principal == principal).collect();
            let mut through: Vec<String> = Vec::new();
            for route in own.iter().map(|g| route(&g.resource)) {
                if !through.contains(&route) {
                    through.push(route);
                }
            }
            Reader { principal: principal.to_string(), columns: columns_of(&own), through: through.join(" and ") }
        })
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
    let resolved = resolve(governance, principal);
    let principal = resolved.as_deref().unwrap_or(principal);
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
    let answer = if !reading.is_empty() {
        let iam = if reading.iter().any(|g| g.principal == "IAMAllowedPrincipals") {
            " to IAMAllowedPrincipals (Lake Formation leaves this table to IAM policies)"
        } else {
            ""
        };
        let on: Vec<String> = reading.iter().map(|g| g.resource.describe()).collect();
        let grant = if on.len() == 1 { "the grant" } else { "the grants" };
        format!(
            "{principal} may SELECT {} of {database}.{table} through {grant} on {}{iam}",
            columns_of(&reading),
            on.join(" and ")
        )
    } else if resolved.is_none() {
        let name = principal.strip_prefix("role/").or_else(|| principal.strip_prefix("user/")).unwrap_or(principal);
        format!(
            "no grant or data-lake administrator names a principal called {principal}, so no Lake Formation grant lets \
             it SELECT from {database}.{table}; ask again with its ARN (arn:aws:iam::ACCOUNT:role/{name} or \
             …:user/{name}): grants name principals by ARN"
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
