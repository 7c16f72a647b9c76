//! Lake Formation in the sandbox: the grants a governed clickstream lake has. Analysts read the
//! curated events without the user id, the curate job and crawler write, QuickSight reads
//! events, data science reads what is tagged public or internal.

use super::state::SimState;
use crate::model::*;
use crate::settings::Settings;

use super::stack::SANDBOX_ACCOUNT as ACCOUNT;

impl SimState {
    pub fn governance(&self, settings: &Settings) -> Governance {
        let database = settings.platform.glue.database.clone();
        let stack = &settings.platform.stack_name;
        let role = |name: &str| format!("arn:aws:iam::{ACCOUNT}:role/{name}");
        let grant = |principal: String, resource: GrantResource, permissions: &[&str]| Grant {
            principal,
            resource,
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            grantable: Vec::new(),
        };
        let db = || database.clone();
        let table = |t: &str| GrantResource::Table { database: db(), table: t.into() };
        let grants = vec![
            grant(role(&format!("{stack}-analysts")), GrantResource::Database { database: db() }, &["DESCRIBE"]),
            grant(
                role(&format!("{stack}-analysts")),
                GrantResource::Columns {
                    database: db(),
                    table: "events".into(),
                    columns: Vec::new(),
                    excluded: vec!["user_id".into()],
                },
                &["SELECT"],
            ),
            grant(role(&format!("{stack}-curate-job")), GrantResource::AllTables { database: db() }, &["ALL"]),
            grant(
                role(&format!("{stack}-curate-job")),
                GrantResource::Location { arn: format!("arn:aws:s3:::{}", self.lake.curated_bucket) },
                &["DATA_LOCATION_ACCESS"],
            ),
            grant(
                role(&format!("{stack}-crawler")),
                GrantResource::Database { database: db() },
                &["CREATE_TABLE", "ALTER", "DESCRIBE"],
            ),
            grant(role(&format!("{stack}-crawler")), table("raw_events"), &["ALL"]),
            grant(role("aws-quicksight-service-role-v0"), table("events"), &["SELECT", "DESCRIBE"]),
            grant(
                role("data-science"),
                GrantResource::TagPolicy { expression: "classification=public|internal".into() },
                &["SELECT", "DESCRIBE"],
            ),
        ];
        let tag = |key: &str, values: &[&str]| LfTag {
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        Governance {
            database,
            admins: vec![role(&format!("{stack}-data-admin"))],
            tables: super::engine::LakeTable::ALL.map(|t| t.name().to_string()).to_vec(),
            grants,
            tags: vec![tag("classification", &["public", "internal", "pii"]), tag("domain", &["clickstream"])],
            table_tags: vec![
                TableTags {
                    table: "events".into(),
                    tags: vec![tag("classification", &["internal"]), tag("domain", &["clickstream"])],
                },
                TableTags {
                    table: "raw_events".into(),
                    tags: vec![tag("classification", &["pii"]), tag("domain", &["clickstream"])],
                },
            ],
        }
    }
}
