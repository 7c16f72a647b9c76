//! Lake Formation on AWS, for `:glue` and `lakeops grants`: the platform's database read at once
//! (and reused for a minute) — its administrators, every grant on the database, its tables
//! (from the catalog), their columns, the lake's S3 locations and LF-tag policies, the LF-tags
//! and each table's tags.

use std::time::Instant;

use super::lakeformation as lf;
use super::layers::fresh;
use super::workflows::LATEST_TTL;
use super::AwsPlatform;
use crate::model::*;
use crate::platform::PlatformError;

impl AwsPlatform {
    pub(super) async fn read_governance(&self) -> Result<Governance, PlatformError> {
        crate::ops::grants::require_enabled(&self.settings)?;
        if let Some(governance) = fresh(&self.state().layers.governance, LATEST_TTL) {
            return Ok(governance);
        }
        let client = &self.layers.lakeformation;
        let database = self.settings.platform.glue.database.clone();
        let tables: Vec<String> = match self.catalog().await? {
            Some(db) => db.tables.into_iter().map(|t| t.name).collect(),
            None => Vec::new(),
        };
        let admins = self.call("GetDataLakeSettings", lf::admins(client)).await?;
        let mut resources = vec![lf::database(&database)?];
        for table in &tables {
            // The table's grants come with those on its columns (TableWithColumns).
            resources.push(lf::table(&database, Some(table))?);
        }
        for arn in self.lake_locations().await? {
            resources.push(lf::location(&arn)?);
        }
        let mut grants = Vec::new();
        for resource in resources {
            grants.extend(self.call("ListPermissions", lf::grants_on(client, resource)).await?);
        }
        // Two listings moto fails without an AWS error: there, what they would list is not shown.
        let every_table = self.call("ListPermissions", lf::grants_on_all_tables(client, &database)).await?;
        let tagged = self.call("ListPermissions", lf::tag_policy_grants(client)).await?;
        for (what, found) in [("every table", every_table), ("LF-tag policies", tagged)] {
            match found {
                Some(found) => grants.extend(found),
                None => tracing::warn!("Lake Formation: grants on {what} not listed: the endpoint does not serve it"),
            }
        }
        grants.sort();
        grants.dedup();
        let tags = self.call("ListLFTags", lf::lf_tags(client)).await?;
        let mut table_tags = Vec::new();
        for table in &tables {
            let found = self.call("GetResourceLFTags", lf::table_tags(client, &database, table)).await?;
            if !found.tags.is_empty() {
                table_tags.push(found);
            }
        }
        let governance = Governance { database, admins, grants, tags, table_tags, tables };
        self.state().layers.governance = Some((Instant::now(), governance.clone()));
        Ok(governance)
    }

    /// The lake's raw and curated buckets as S3 ARNs: the profile's names, else the stack's
    /// (`<stack>-<zone>-<account>-<region>`, as the template names them).
    async fn lake_locations(&self) -> Result<Vec<String>, PlatformError> {
        let lake = &self.settings.platform.lake;
        let mut arns = Vec::new();
        for (named, zone) in [(&lake.raw_bucket, "raw"), (&lake.curated_bucket, "curated")] {
            let bucket = match named {
                Some(name) => name.clone(),
                None => {
                    let account = self.account().await?;
                    format!("{}-{zone}-{account}-{}", self.settings.platform.stack_name, self.settings.aws.region)
                }
            };
            arns.push(format!("arn:aws:s3:::{bucket}"));
        }
        Ok(arns)
    }
}
