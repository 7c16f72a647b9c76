//! `lakeops grants [DATABASE.TABLE] [--principal ARN] [--json]`: Lake Formation's grants on the
//! profile's database — all of them, a table's, a principal's — and, given both a table and a
//! principal, the answer to "why can (not) it query that table?".

use serde::Serialize;

use super::{json, Failure};
use crate::model::text::sanitize;
use crate::model::{Governance, Grant};
use crate::ops::grants::{catalog_table, explain, filter, readers, Reader};
use crate::platform::Platform;
use crate::settings::Loaded;

#[derive(Serialize)]
struct Listing<'a> {
    database: &'a str,
    table: Option<&'a str>,
    principal: Option<&'a str>,
    admins: &'a [String],
    grants: Vec<&'a Grant>,
    /// Who may read the table, when one is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    readers: Option<Vec<Reader>>,
}

pub async fn run(
    loaded: &Loaded,
    platform: &dyn Platform,
    table: Option<&str>,
    principal: Option<&str>,
    as_json: bool,
) -> Result<String, Failure> {
    crate::ops::grants::require_enabled(&loaded.settings).map_err(|e| Failure::Invalid(e.to_string()))?;
    let database = &loaded.settings.platform.glue.database;
    if principal.is_some_and(|p| p.trim().is_empty()) {
        return Err(Failure::Invalid("--principal is empty: give a role or user name, or its ARN".into()));
    }
    let table = match table.map(|t| t.split_once('.').unwrap_or((database, t))) {
        // Glue keeps names in lower case and Athena folds what it is given.
        Some((db, _)) if !db.eq_ignore_ascii_case(database) => {
            return Err(Failure::Invalid(format!(
                "lakeops reads the grants of the profile's database {database}, not {}",
                sanitize(db)
            )))
        }
        Some((_, "")) => return Err(Failure::Invalid("expected DATABASE.TABLE or TABLE, found an empty table".into())),
        Some((_, t)) => Some(t),
        None => None,
    };
    let governance = platform.governance().await?;
    let table = match table {
        Some(t) => Some(catalog_table(&governance, t).ok_or_else(|| {
            let known = if governance.tables.is_empty() { "none".to_string() } else { governance.tables.join(", ") };
            Failure::Invalid(format!(
                "no table {} in {database} (its tables in the Glue Data Catalog: {known})",
                sanitize(t)
            ))
        })?),
        None => None,
    };
    if let (Some(table), Some(principal)) = (table, principal) {
        let access = explain(&governance, principal, database, table);
        return if as_json {
            json(&access)
        } else {
            Ok(format!("{}\n{}", sanitize(&access.answer), grants_text(&access.grants.iter().collect::<Vec<_>>())))
        };
    }
    let listing = Listing {
        database,
        table,
        principal,
        admins: &governance.admins,
        grants: filter(&governance, principal, table),
        readers: table.map(|t| readers(&governance, t)),
    };
    if as_json {
        return json(&listing);
    }
    Ok(text(&governance, &listing))
}

fn grants_text(grants: &[&Grant]) -> String {
    let mut out = String::new();
    for g in grants {
        let grantable =
            if g.grantable.is_empty() { String::new() } else { format!(" (grantable: {})", g.grantable.join(", ")) };
        out.push_str(&format!(
            "  {}  {}  {}{grantable}\n",
            sanitize(&g.principal),
            sanitize(&g.permissions.join(",")),
            sanitize(&g.resource.describe())
        ));
    }
    out
}

fn text(governance: &Governance, listing: &Listing) -> String {
    let mut out = format!("Lake Formation — database {}\n", sanitize(listing.database));
    let admins = if listing.admins.is_empty() {
        "none".to_string()
    } else {
        listing.admins.iter().map(|a| sanitize(a)).collect::<Vec<_>>().join(", ")
    };
    out.push_str(&format!("data-lake administrators: {admins}\n"));
    if let Some(readers) = &listing.readers {
        out.push_str(&format!("who may read {}:\n", sanitize(listing.table.unwrap_or_default())));
        if readers.is_empty() {
            out.push_str("  nobody: no grant gives SELECT on it\n");
        }
        for r in readers {
            out.push_str(&format!(
                "  {}  {} (through {})\n",
                sanitize(&r.principal),
                sanitize(&r.columns),
                sanitize(&r.through)
            ));
        }
        let tags = governance.table_tags.iter().find(|t| Some(t.table.as_str()) == listing.table);
        if let Some(tags) = tags {
            let text: Vec<String> = tags.tags.iter().map(|t| format!("{}={}", t.key, t.values.join("|"))).collect();
            out.push_str(&format!("LF-tags: {}\n", sanitize(&text.join(", "))));
        }
    }
    out.push_str(&format!("grants ({}):\n", listing.grants.len()));
    out.push_str(&grants_text(&listing.grants));
    out
}
