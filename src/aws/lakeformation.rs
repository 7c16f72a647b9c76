//! AWS Lake Formation, read only: the data-lake administrators (GetDataLakeSettings), the grants
//! on a resource (ListPermissions), LF-tag policy grants, the LF-tags (ListLFTags) and a table's
//! tags (GetResourceLFTags), read into the model's grants.

use aws_sdk_lakeformation::types::{
    DataLakeResourceType, DataLocationResource, DatabaseResource, LfTagPair, PrincipalResourcePermissions, Resource,
    TableResource, TableWildcard,
};
use aws_sdk_lakeformation::Client;

use super::errors::{code, not_served, platform_error};
use crate::model::{Grant, GrantResource, LfTag, TableTags};
use crate::platform::PlatformError;

/// Pages read per listing (ListPermissions answers up to 1,000 a page).
const PAGES: usize = 10;

fn built<T>(what: &str, result: Result<T, aws_smithy_types::error::operation::BuildError>) -> Result<T, PlatformError> {
    result.map_err(|e| PlatformError::failed("Lake Formation", format!("{what}: {e}")))
}

/// A database, as ListPermissions and GetResourceLFTags take it.
pub fn database(name: &str) -> Result<Resource, PlatformError> {
    let db = built("database", DatabaseResource::builder().name(name).build())?;
    Ok(Resource::builder().database(db).build())
}

/// A table (its column grants come with it), or every table of the database with `None`.
pub fn table(database: &str, name: Option<&str>) -> Result<Resource, PlatformError> {
    let mut t = TableResource::builder().database_name(database);
    t = match name {
        Some(name) => t.name(name),
        None => t.table_wildcard(TableWildcard::builder().build()),
    };
    Ok(Resource::builder().table(built("table", t.build())?).build())
}

/// A registered S3 location (`arn:aws:s3:::bucket`).
pub fn location(arn: &str) -> Result<Resource, PlatformError> {
    let l = built("location", DataLocationResource::builder().resource_arn(arn).build())?;
    Ok(Resource::builder().data_location(l).build())
}

/// The data-lake administrators' ARNs.
pub async fn admins(client: &Client) -> Result<Vec<String>, PlatformError> {
    let out = client
        .get_data_lake_settings()
        .send()
        .await
        .map_err(|e| platform_error("Lake Formation GetDataLakeSettings", e))?;
    let settings = out.data_lake_settings();
    Ok(settings
        .map(|s| s.data_lake_admins())
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.data_lake_principal_identifier())
        .map(str::to_string)
        .collect())
}

/// The grants on `resource` (ListPermissions, paged).
pub async fn grants_on(client: &Client, resource: Resource) -> Result<Vec<Grant>, PlatformError> {
    list(client, Some(resource), None, false).await.map(Option::unwrap_or_default)
}

/// The grants on every table of `database` (a table wildcard); `None` where the endpoint fails
/// the listing without an AWS error (moto, when the database also has grants on named tables).
pub async fn grants_on_all_tables(client: &Client, database: &str) -> Result<Option<Vec<Grant>>, PlatformError> {
    list(client, Some(table(database, None)?), None, true).await
}

/// The grants through LF-tag policies on tables; `None` where the endpoint does not serve the
/// listing by resource type (moto).
pub async fn tag_policy_grants(client: &Client) -> Result<Option<Vec<Grant>>, PlatformError> {
    list(client, None, Some(DataLakeResourceType::LfTagPolicyTable), true).await
}

async fn list(
    client: &Client,
    resource: Option<Resource>,
    kind: Option<DataLakeResourceType>,
    lenient: bool,
) -> Result<Option<Vec<Grant>>, PlatformError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..PAGES {
        let out = match client
            .list_permissions()
            .set_resource(resource.clone())
            .set_resource_type(kind.clone())
            .set_next_token(token.clone())
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if lenient && not_served(&e) => return Ok(None),
            // A database or table Lake Formation does not know has no grants.
            Err(e) if code(&e) == Some("EntityNotFoundException") => break,
            Err(e) => return Err(platform_error("Lake Formation ListPermissions", e)),
        };
        found.extend(out.principal_resource_permissions().iter().filter_map(grant));
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(Some(found))
}

/// One permission as a grant; `None` for what the model does not show (catalog, data-cell
/// filters, LF-tag keys) or a permission without principal or resource.
fn grant(p: &PrincipalResourcePermissions) -> Option<Grant> {
    let principal = p.principal()?.data_lake_principal_identifier()?.to_string();
    let resource = resource(p.resource()?)?;
    let names = |list: &[aws_sdk_lakeformation::types::Permission]| {
        list.iter().map(|x| x.as_str().to_string()).collect::<Vec<_>>()
    };
    Some(Grant {
        principal,
        resource,
        permissions: names(p.permissions()),
        grantable: names(p.permissions_with_grant_option()),
    })
}

fn resource(r: &Resource) -> Option<GrantResource> {
    if let Some(c) = r.table_with_columns() {
        let (database, table) = (c.database_name().to_string(), c.name().to_string());
        let excluded = c.column_wildcard().map(|w| w.excluded_column_names().to_vec());
        return Some(match excluded {
            // Every column: the same as the table.
            Some(excluded) if excluded.is_empty() => GrantResource::Table { database, table },
            Some(excluded) => GrantResource::Columns { database, table, columns: Vec::new(), excluded },
            None => {
                GrantResource::Columns { database, table, columns: c.column_names().to_vec(), excluded: Vec::new() }
            }
        });
    }
    if let Some(t) = r.table() {
        let database = t.database_name().to_string();
        return Some(match (t.name(), t.table_wildcard()) {
            (Some(name), None) => GrantResource::Table { database, table: name.to_string() },
            _ => GrantResource::AllTables { database },
        });
    }
    if let Some(d) = r.database() {
        return Some(GrantResource::Database { database: d.name().to_string() });
    }
    if let Some(l) = r.data_location() {
        return Some(GrantResource::Location { arn: l.resource_arn().to_string() });
    }
    if let Some(policy) = r.lf_tag_policy() {
        let clauses: Vec<String> =
            policy.expression().iter().map(|t| format!("{}={}", t.tag_key(), t.tag_values().join("|"))).collect();
        let expression = match (clauses.is_empty(), policy.expression_name()) {
            (true, Some(name)) => name.to_string(),
            _ => clauses.join(" AND "),
        };
        return Some(GrantResource::TagPolicy { expression });
    }
    None
}

fn tag(pair: &LfTagPair) -> LfTag {
    LfTag { key: pair.tag_key().to_string(), values: pair.tag_values().to_vec() }
}

/// The account's LF-tags with their allowed values.
pub async fn lf_tags(client: &Client) -> Result<Vec<LfTag>, PlatformError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..PAGES {
        let out = client
            .list_lf_tags()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("Lake Formation ListLFTags", e))?;
        found.extend(out.lf_tags().iter().map(tag));
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(found)
}

/// A table's LF-tags: its own, else those it inherits from its database.
pub async fn table_tags(client: &Client, database: &str, name: &str) -> Result<TableTags, PlatformError> {
    let out = match client.get_resource_lf_tags().resource(table(database, Some(name))?).send().await {
        Ok(out) => out,
        // moto fails a table that was never tagged with a bare HTTP 500: it has none.
        Err(e) if code(&e) == Some("EntityNotFoundException") || not_served(&e) => {
            return Ok(TableTags { table: name.to_string(), tags: Vec::new() })
        }
        Err(e) => return Err(platform_error("Lake Formation GetResourceLFTags", e)),
    };
    let own = out.lf_tags_on_table();
    let pairs = if own.is_empty() { out.lf_tag_on_database() } else { own };
    Ok(TableTags { table: name.to_string(), tags: pairs.iter().map(tag).collect() })
}
