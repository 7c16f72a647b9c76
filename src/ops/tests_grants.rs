use super::*;
use crate::model::LfTag;

fn grant(principal: &str, resource: GrantResource, permissions: &[&str]) -> Grant {
    Grant {
        principal: principal.into(),
        resource,
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
        grantable: Vec::new(),
    }
}

const ANALYSTS: &str = "arn:aws:iam::123456789012:role/analysts";

fn governance() -> Governance {
    let tags = |table: &str, value: &str| TableTags {
        table: table.into(),
        tags: vec![LfTag { key: "classification".into(), values: vec![value.into()] }],
    };
    Governance {
        database: "lake".into(),
        admins: vec!["arn:aws:iam::123456789012:role/admin".into()],
        grants: vec![
            grant(ANALYSTS, GrantResource::Database { database: "lake".into() }, &["DESCRIBE"]),
            grant(
                ANALYSTS,
                GrantResource::Columns {
                    database: "lake".into(),
                    table: "events".into(),
                    columns: vec![],
                    excluded: vec!["user_id".into()],
                },
                &["SELECT"],
            ),
            grant(
                "arn:aws:iam::123456789012:role/science",
                GrantResource::TagPolicy { expression: "classification=public|internal".into() },
                &["SELECT"],
            ),
            grant("arn:aws:iam::123456789012:role/etl", GrantResource::AllTables { database: "lake".into() }, &["ALL"]),
        ],
        tags: vec![],
        table_tags: vec![tags("events", "internal"), tags("raw_events", "pii")],
        tables: vec!["events".into(), "raw_events".into()],
    }
}

#[test]
fn a_column_grant_answers_with_the_columns_it_lets_through() {
    let access = explain(&governance(), ANALYSTS, "lake", "events");
    assert!(access.can_select);
    assert_eq!(
        access.answer,
        "arn:aws:iam::123456789012:role/analysts may SELECT all columns but user_id of lake.events through the grant on lake.events (all columns but user_id)"
    );
    assert_eq!(access.grants.len(), 2, "the database's DESCRIBE and the column grant");
}

#[test]
fn no_grant_says_so_and_how_an_administrator_grants_it() {
    let access = explain(&governance(), "analysts", "lake", "raw_events");
    assert!(!access.can_select);
    assert_eq!(access.principal, ANALYSTS, "the name stands for the ARN the grants know");
    assert!(access.answer.starts_with("no Lake Formation grant lets arn:aws:iam::123456789012:role/analysts SELECT from lake.raw_events (it has DESCRIBE on database lake, not SELECT); a data-lake administrator (arn:aws:iam::123456789012:role/admin) can grant it with: aws lakeformation grant-permissions --principal DataLakePrincipalIdentifier=arn:aws:iam::123456789012:role/analysts"), "{}", access.answer);
}

#[test]
fn tag_policies_apply_to_tables_whose_tags_match() {
    let g = governance();
    assert!(explain(&g, "science", "lake", "events").can_select);
    assert!(!explain(&g, "science", "lake", "raw_events").can_select, "pii is not public or internal");
    assert!(tags_match("classification=pii AND classification=pii", g.table_tags.get(1)));
    assert!(!tags_match("owner=x", g.table_tags.first()));
    assert!(!tags_match("nonsense", g.table_tags.first()));
}

#[test]
fn readers_of_a_table_name_each_route() {
    let readers = readers(&governance(), "events");
    let who: Vec<(&str, &str)> = readers.iter().map(|r| (r.principal.as_str(), r.columns.as_str())).collect();
    assert_eq!(
        who,
        [
            (ANALYSTS, "all columns but user_id"),
            ("arn:aws:iam::123456789012:role/science", "all columns"),
            ("arn:aws:iam::123456789012:role/etl", "all columns"),
        ]
    );
}

#[test]
fn iam_allowed_principals_applies_to_everyone() {
    let mut g = governance();
    g.grants.push(grant(
        "IAMAllowedPrincipals",
        GrantResource::Table { database: "lake".into(), table: "raw_events".into() },
        &["ALL"],
    ));
    let access = explain(&g, "arn:aws:iam::123456789012:user/zoe", "lake", "raw_events");
    assert!(access.can_select);
    assert!(access.answer.ends_with("(Lake Formation leaves this table to IAM policies)"), "{}", access.answer);
}

#[test]
fn a_name_matches_the_last_part_of_an_arn_only() {
    assert!(names("analysts", ANALYSTS));
    assert!(!names("analyst", ANALYSTS));
    assert!(!names("arn:aws:iam::123456789012:role/other", ANALYSTS));
    assert_eq!(filter(&governance(), Some("etl"), Some("raw_events")).len(), 1);
    assert_eq!(filter(&governance(), None, None).len(), 4);
}

#[test]
fn grants_add_up_as_lake_formation_adds_them() {
    let mut g = governance();
    let columns = |columns: &[&str], excluded: &[&str]| GrantResource::Columns {
        database: "lake".into(),
        table: "events".into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        excluded: excluded.iter().map(|c| c.to_string()).collect(),
    };
    // Beside the grant of all columns but user_id: one of all but user_id and ip shows no more.
    g.grants.push(grant(ANALYSTS, columns(&[], &["user_id", "ip"]), &["SELECT"]));
    assert_eq!(readers(&g, "events")[0].columns, "all columns but user_id");
    // One that names user_id lets it through too: every column.
    g.grants.push(grant(ANALYSTS, columns(&["user_id"], &[]), &["SELECT"]));
    let access = explain(&g, "analysts", "lake", "events");
    assert!(
        access.answer.starts_with(&format!("{ANALYSTS} may SELECT all columns of lake.events through the grants on")),
        "{}",
        access.answer
    );
    let readers = readers(&g, "events");
    assert_eq!(readers.iter().filter(|r| r.principal == ANALYSTS).count(), 1, "one line a principal: {readers:?}");
    assert_eq!((readers[0].columns.as_str(), readers[0].through.as_str()), ("all columns", "a column grant"));
    g.grants.push(grant(ANALYSTS, GrantResource::AllTables { database: "lake".into() }, &["SELECT"]));
    assert_eq!(super::readers(&g, "events")[0].through, "a column grant and every table of lake");
}

#[test]
fn a_principal_no_grant_names_is_asked_for_by_its_arn() {
    let g = governance();
    assert_eq!(resolve(&g, "role/analysts").as_deref(), Some(ANALYSTS));
    assert_eq!(resolve(&g, "le/analysts"), None, "a part of the ARN's name is not its name");
    let access = explain(&g, "nobody", "lake", "events");
    assert!(!access.can_select);
    assert!(access.answer.contains("ask again with its ARN"), "{}", access.answer);
    assert!(
        !access.answer.contains("grant-permissions"),
        "no command for a principal it cannot name: {}",
        access.answer
    );
    let access = explain(&g, "role/bob", "lake", "events");
    assert!(access.answer.contains("(arn:aws:iam::ACCOUNT:role/bob or …:user/bob)"), "{}", access.answer);
}

#[test]
fn tables_are_the_catalog_s_in_any_case() {
    let g = governance();
    assert_eq!(catalog_table(&g, "EVENTS"), Some("events"));
    assert_eq!(catalog_table(&g, "Raw_Events"), Some("raw_events"));
    assert_eq!(catalog_table(&g, "nope"), None);
}
