//! Lake Formation: who may read which tables and columns of the catalog, the data-lake
//! administrators, and the LF-tags. Read-only: lakeops explains grants, it does not make them.

use serde::Serialize;

/// What a grant is on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GrantResource {
    /// The database itself (DESCRIBE, CREATE_TABLE, …).
    Database {
        database: String,
    },
    /// Every table of the database (a table wildcard).
    AllTables {
        database: String,
    },
    Table {
        database: String,
        table: String,
    },
    /// Some columns of a table: those listed, or all but `excluded`.
    Columns {
        database: String,
        table: String,
        columns: Vec<String>,
        excluded: Vec<String>,
    },
    /// A registered S3 location (DATA_LOCATION_ACCESS).
    Location {
        arn: String,
    },
    /// Resources carrying LF-tags matching an expression (`key=value1|value2`, …).
    TagPolicy {
        expression: String,
    },
}

impl GrantResource {
    /// The database it belongs to, if any.
    pub fn database(&self) -> Option<&str> {
        match self {
            GrantResource::Database { database }
            | GrantResource::AllTables { database }
            | GrantResource::Table { database, .. }
            | GrantResource::Columns { database, .. } => Some(database),
            _ => None,
        }
    }

    /// In words: `clickstream.events (user_id, url)`, `clickstream.*`.
    pub fn describe(&self) -> String {
        match self {
            GrantResource::Database { database } => format!("database {database}"),
            GrantResource::AllTables { database } => format!("{database}.* (every table)"),
            GrantResource::Table { database, table } => format!("{database}.{table}"),
            GrantResource::Columns { database, table, columns, excluded } if excluded.is_empty() => {
                format!("{database}.{table} ({})", columns.join(", "))
            }
            GrantResource::Columns { database, table, excluded, .. } => {
                format!("{database}.{table} (all columns but {})", excluded.join(", "))
            }
            GrantResource::Location { arn } => format!("location {arn}"),
            GrantResource::TagPolicy { expression } => format!("tagged {expression}"),
        }
    }
}

/// One Lake Formation permission grant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Grant {
    /// The principal's ARN, or `IAMAllowedPrincipals` (access left to IAM).
    pub principal: String,
    pub resource: GrantResource,
    /// SELECT, DESCRIBE, ALL, ALTER, …
    pub permissions: Vec<String>,
    /// Those the principal may grant on.
    pub grantable: Vec<String>,
}

/// An LF-tag: its key and allowed values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LfTag {
    pub key: String,
    pub values: Vec<String>,
}

/// A table's LF-tags (its own or inherited from the database).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableTags {
    pub table: String,
    pub tags: Vec<LfTag>,
}

/// Lake Formation for the platform's database, read at once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Governance {
    pub database: String,
    /// The data-lake administrators (GetDataLakeSettings).
    pub admins: Vec<String>,
    /// Every grant on the database, its tables and columns.
    pub grants: Vec<Grant>,
    /// The account's LF-tags.
    pub tags: Vec<LfTag>,
    /// Each table's LF-tags.
    pub table_tags: Vec<TableTags>,
    /// The database's tables in the Glue Data Catalog (names as Glue keeps them: lower case).
    #[serde(default)]
    pub tables: Vec<String>,
}
