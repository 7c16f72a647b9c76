//! The statements about the catalog, answered from it in Athena's shape (DataFusion's own
//! answers list its internal schemas and Arrow types): `SHOW TABLES ['pattern']`,
//! `SHOW DATABASES`/`SCHEMAS [LIKE 'pattern']`, `SHOW COLUMNS {FROM|IN} t [{FROM|IN} db]`,
//! `SHOW PARTITIONS t`, `SHOW CREATE TABLE t` and `DESCRIBE t [column]`, read word by word (comments left out). A table is named as Athena takes it: `t`, `db.t`, `` `db`.`t` ``.
//! The catalog's tables themselves (`LakeTable`) are declared here, once.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, SchemaRef};
use datafusion::datasource::file_format::json::JsonFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::file_format::FileFormat;
use datafusion::logical_expr::sqlparser::tokenizer::{Token, Tokenizer};

use super::super::lake::curate::{events_schema, raw_events_schema};
use super::dialect::Athena;
use super::{athena_type, Tables, CATALOG, PARTITION_KEYS};
use crate::model::{CatalogColumn, ResultColumn};

/// The S3 buckets of the lake's raw and curated zones, as the platform names them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Buckets {
    pub raw: String,
    pub curated: String,
}

/// A table of the catalog, over a zone of the lake partitioned by day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LakeTable {
    /// The curated zone: the Glue job's Parquet.
    Events,
    /// The raw zone: the delivered JSON lines.
    RawEvents,
}

impl LakeTable {
    /// Every table, as SHOW TABLES lists them.
    pub const ALL: [LakeTable; 2] = [LakeTable::Events, LakeTable::RawEvents];

    pub fn name(self) -> &'static str {
        match self {
            LakeTable::Events => "events",
            LakeTable::RawEvents => "raw_events",
        }
    }

    pub fn named(name: &str) -> Option<LakeTable> {
        LakeTable::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Its columns, the partition keys aside.
    pub fn schema(self) -> SchemaRef {
        match self {
            LakeTable::Events => events_schema(),
            LakeTable::RawEvents => raw_events_schema(),
        }
    }

    /// The folder of its partitions.
    pub fn dir(self, tables: &Tables) -> &Path {
        match self {
            LakeTable::Events => &tables.curated_dir,
            LakeTable::RawEvents => &tables.raw_dir,
        }
    }

    /// Where the catalog says its files are (`s3://bucket/events/`), as Glue's table holds it.
    pub fn location(self, buckets: &Buckets) -> String {
        match self {
            LakeTable::Events => format!("s3://{}/events/", buckets.curated),
            LakeTable::RawEvents => format!("s3://{}/raw/", buckets.raw),
        }
    }

    /// Glue's name of its files' format.
    pub fn format_name(self) -> &'static str {
        match self {
            LakeTable::Events => "parquet",
            LakeTable::RawEvents => "json",
        }
    }

    /// Its files' Hive SerDe, input format and output format, as the Glue table holds them: the
    /// crawler's for the raw zone's JSON lines, the ETL job's for the curated Parquet.
    pub fn storage(self) -> [&'static str; 3] {
        match self {
            LakeTable::Events => [
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            ],
            LakeTable::RawEvents => [
                "org.openx.data.jsonserde.JsonSerDe",
                "org.apache.hadoop.mapred.TextInputFormat",
                "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            ],
        }
    }

    /// How its files are read, and their extension.
    pub fn format(self) -> (Arc<dyn FileFormat>, &'static str) {
        match self {
            // Read a Parquet footer by its length, not by a 512 KiB guess that takes in a small
            // file whole: the bytes read are the bill.
            LakeTable::Events => (Arc::new(ParquetFormat::default().with_metadata_size_hint(None)), ".parquet"),
            LakeTable::RawEvents => (Arc::new(JsonFormat::default()), ".json"),
        }
    }
}

pub type Rows = Vec<Vec<Option<String>>>;
type Answer = Result<(Vec<ResultColumn>, Rows), String>;

/// The answer to `sql` when it is a statement about the catalog; None for any other.
pub fn statement(tables: &Tables, sql: &str) -> Option<Answer> {
    let words = words(sql)?;
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let named = |name: &str, database: Option<&str>| named(tables, sql, name, database);
    Some(match words.as_slice() {
        ["show", "tables", rest @ ..] => show_tables(tables, rest),
        ["show", "databases" | "schemas", rest @ ..] => {
            let database = tables.database.to_lowercase();
            match rest {
                [] => Ok((vec![text("database_name")], single(&[&database]))),
                ["like", pattern] if quoted(pattern).is_some() => {
                    let listed = chosen(quoted(pattern).unwrap_or_default(), &database);
                    Ok((vec![text("database_name")], if listed { single(&[&database]) } else { Vec::new() }))
                }
                _ => Err(format!("SYNTAX_ERROR: SHOW DATABASES [LIKE 'pattern'] ({PATTERNS})")),
            }
        }
        ["show", "columns", "from" | "in", name] => named(name, None)
            .map(|table| (vec![text("field")], columns(table).into_iter().map(|c| vec![Some(c.name)]).collect())),
        ["show", "columns", "from" | "in", name, "from" | "in", database] => named(name, Some(database))
            .map(|table| (vec![text("field")], columns(table).into_iter().map(|c| vec![Some(c.name)]).collect())),
        ["show", "partitions", name] => named(name, None).map(|table| {
            let days = super::super::lake::day_partitions(table.dir(tables));
            let rows = days.iter().map(|day| vec![Some(day.to_string_lossy().replace('\\', "/"))]).collect();
            (vec![text("partition")], rows)
        }),
        ["show", "create", "table", name] => named(name, None).map(|table| show_create_table(tables, table)),
        // DESCRIBE INPUT and OUTPUT name a prepared statement, DESCRIBE VIEW a view, as Athena reads them.
        ["describe" | "desc", "formatted" | "extended", ..]
        | ["describe" | "desc", "input" | "output" | "view", _]
        | ["show", ..] => Err(NOT_ANSWERED.into()),
        ["describe" | "desc", name, only @ ..] if only.len() <= 1 => named(name, None).and_then(|table| {
            let rows: Rows = columns(table)
                .into_iter()
                .filter(|c| only.iter().all(|column| c.name == unquoted(column)))
                .map(|c| {
                    let comment = if c.partition_key { "partition key" } else { "" };
                    vec![Some(c.name), Some(c.kind), Some(comment.to_string())]
                })
                .collect();
            if let (Some(column), true) = (only.first(), rows.is_empty()) {
                let column = unquoted(column);
                let at = super::errors::position(sql, column);
                return Err(format!("COLUMN_NOT_FOUND: {at}Column '{column}' cannot be resolved"));
            }
            Ok((vec![text("col_name"), text("data_type"), text("comment")], rows))
        }),
        _ => return None,
    })
}

/// `SHOW CREATE TABLE t`: the Hive DDL of the table as Glue holds it, one line a row in one
/// column, `createtab_stmt`, laid out as Athena (Hive's `SHOW CREATE TABLE`) lays it out, the
/// `, ` that ends a line included. A column a SerDe reads is `COMMENT 'from deserializer'`
/// (JSON's; Parquet's are the metastore's own), and the JSON SerDe's `paths` are the columns'
/// names sorted, as a crawler writes them.
fn show_create_table(tables: &Tables, table: LakeTable) -> (Vec<ResultColumn>, Rows) {
    let [serde, input, output] = table.storage();
    let from_deserializer = if table == LakeTable::RawEvents { " COMMENT 'from deserializer'" } else { "" };
    let (keys, fields): (Vec<CatalogColumn>, Vec<CatalogColumn>) =
        columns(table).into_iter().partition(|c| c.partition_key);
    let listed = |lines: Vec<String>, close: &str, out: &mut Vec<String>| {
        let last = lines.len().saturating_sub(1);
        out.extend(
            lines
                .into_iter()
                .enumerate()
                .map(|(i, l)| if i == last { format!("{l}{close}") } else { format!("{l}, ") }),
        );
    };
    let mut out = vec![format!("CREATE EXTERNAL TABLE `{}`(", table.name())];
    let fields_lines = fields.iter().map(|c| format!("  `{}` {}{from_deserializer}", c.name, c.kind)).collect();
    listed(fields_lines, ")", &mut out);
    out.push("PARTITIONED BY ( ".into());
    listed(keys.iter().map(|c| format!("  `{}` {}", c.name, c.kind)).collect(), ")", &mut out);
    out.extend(["ROW FORMAT SERDE ".into(), format!("  '{serde}' ")]);
    if table == LakeTable::RawEvents {
        let mut names: Vec<&str> = fields.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        out.extend(["WITH SERDEPROPERTIES ( ".into(), format!("  'paths'='{}') ", names.join(","))]);
    }
    out.extend([
        "STORED AS INPUTFORMAT ".into(),
        format!("  '{input}' "),
        "OUTPUTFORMAT ".into(),
        format!("  '{output}'"),
        "LOCATION".into(),
        format!("  '{}'", table.location(&tables.buckets)),
        "TBLPROPERTIES (".into(),
        format!("  'classification'='{}')", table.format_name()),
    ]);
    (vec![text("createtab_stmt")], out.into_iter().map(|line| vec![Some(line)]).collect())
}

/// Why a statement about the catalog other than those above is refused: DataFusion's own
/// answers to them (`SHOW FUNCTIONS`, `DESCRIBE FORMATTED`) are its names and Arrow's types,
/// not Athena's.
const NOT_ANSWERED: &str = "NOT_SUPPORTED: the sandbox answers SHOW TABLES, SHOW DATABASES, SHOW COLUMNS, \
    SHOW PARTITIONS, SHOW CREATE TABLE and DESCRIBE [column] about its catalog (its functions are in \
    docs/sandbox.md)";

/// What a pattern of SHOW TABLES or SHOW DATABASES may hold (`chosen`).
const PATTERNS: &str = "a pattern's * is any text, | separates choices";

/// The statement's words, lower case, its comments and a closing `;` left out: a name with its
/// dots and without its quotes (`"db"."t"` is `db.t`), a text with its quotes (`'raw*'`). None
/// when it does not read as SQL (the engine gives the error).
fn words(sql: &str) -> Option<Vec<String>> {
    let tokens = Tokenizer::new(&Athena::default(), sql).tokenize().ok()?;
    let mut words: Vec<String> = Vec::new();
    let mut after_dot = false;
    for token in tokens {
        match (token, words.last_mut()) {
            (Token::Whitespace(_) | Token::SemiColon, _) => continue,
            (Token::Period, Some(last)) => last.push('.'),
            (Token::Word(word), Some(last)) if after_dot => last.push_str(&word.value.to_lowercase()),
            (Token::Word(word), _) => words.push(word.value.to_lowercase()),
            (Token::SingleQuotedString(text), _) => words.push(format!("'{text}'")),
            (other, _) => words.push(other.to_string().to_lowercase()),
        }
        after_dot = words.last().is_some_and(|w| w.ends_with('.'));
    }
    Some(words)
}

/// A word written as a text, without its quotes.
fn quoted(word: &str) -> Option<&str> {
    word.strip_prefix('\'')?.strip_suffix('\'')
}

fn text(name: &str) -> ResultColumn {
    ResultColumn { name: name.into(), kind: "varchar".into() }
}

fn single(values: &[&str]) -> Rows {
    values.iter().map(|v| vec![Some(v.to_string())]).collect()
}

/// `SHOW TABLES [IN db] ['pattern']`: the pattern's `*` is any text and `|` separates choices.
fn show_tables(tables: &Tables, rest: &[&str]) -> Answer {
    let (database, pattern) = match rest {
        ["in" | "from", database, pattern @ ..] => (Some(*database), pattern),
        pattern => (None, pattern),
    };
    if let Some(database) = database.map(unquoted).filter(|d| !d.eq_ignore_ascii_case(&tables.database)) {
        return Err(format!("SCHEMA_NOT_FOUND: Schema '{database}' does not exist"));
    }
    let pattern = match pattern {
        [] => "",
        [pattern] if quoted(pattern).is_some() => quoted(pattern).unwrap_or_default(),
        _ => return Err(format!("SYNTAX_ERROR: SHOW TABLES [IN database] ['pattern'] ({PATTERNS})")),
    };
    let names = LakeTable::ALL.map(LakeTable::name);
    let listed: Vec<&str> = names.into_iter().filter(|t| pattern.is_empty() || chosen(pattern, t)).collect();
    Ok((vec![text("tab_name")], single(&listed)))
}

/// Whether `name` fits one of the `|`-separated choices of `pattern`, `*` any text.
fn chosen(pattern: &str, name: &str) -> bool {
    fn fits(pattern: &[u8], name: &[u8]) -> bool {
        match pattern.split_first() {
            None => name.is_empty(),
            Some((b'*', rest)) => (0..=name.len()).any(|skip| fits(rest, &name[skip..])),
            Some((c, rest)) => name.first() == Some(c) && fits(rest, &name[1..]),
        }
    }
    pattern.split('|').any(|choice| fits(choice.trim().as_bytes(), name.as_bytes()))
}

/// A name without its backquotes or double quotes.
fn unquoted(name: &str) -> &str {
    name.trim_matches(|c| c == '`' || c == '"')
}

/// The catalog's table `name` (`t` or `db.t`) in `database` (or the one `name` gives, or the
/// query's); Athena's message when there is no such table.
fn named(tables: &Tables, sql: &str, name: &str, database: Option<&str>) -> Result<LakeTable, String> {
    // `awsdatacatalog.db.t`: the catalog's own name before the database's.
    let name = match name.split_once('.') {
        Some((catalog, rest)) if rest.contains('.') && unquoted(catalog).eq_ignore_ascii_case(CATALOG) => rest,
        _ => name,
    };
    let (given, table) = match name.rsplit_once('.') {
        Some((database, table)) => (Some(unquoted(database)), unquoted(table)),
        None => (database.map(unquoted), unquoted(name)),
    };
    if let Some(database) = given.filter(|d| !d.eq_ignore_ascii_case(&tables.database)) {
        let at = super::errors::position(sql, database);
        return Err(format!("SCHEMA_NOT_FOUND: {at}Schema '{database}' does not exist"));
    }
    let at = super::errors::position(sql, table);
    LakeTable::named(table).ok_or_else(|| {
        let database = &tables.database;
        format!("TABLE_NOT_FOUND: {at}Table '{CATALOG}.{database}.{table}' does not exist")
    })
}

/// The columns of the sandbox catalog's table `name`, as Glue lists them (partition keys last).
pub fn table_columns(name: &str) -> Option<Vec<CatalogColumn>> {
    LakeTable::named(name).map(columns)
}

fn columns(table: LakeTable) -> Vec<CatalogColumn> {
    let schema = table.schema();
    let column = |name: &str, kind: String, partition_key| CatalogColumn { name: name.into(), kind, partition_key };
    let mut columns: Vec<CatalogColumn> =
        schema.fields().iter().map(|f| column(f.name(), hive_type(f.data_type()), false)).collect();
    columns.extend(PARTITION_KEYS.iter().map(|key| column(key, "string".into(), true)));
    columns
}

/// The type names the Glue catalog (and Athena's DESCRIBE) uses.
fn hive_type(kind: &DataType) -> String {
    match kind {
        DataType::Struct(fields) => {
            let inner: Vec<String> =
                fields.iter().map(|f| format!("{}:{}", f.name(), hive_type(f.data_type()))).collect();
            format!("struct<{}>", inner.join(","))
        }
        other => athena_type(&Field::new("", other.clone(), true)).replace("varchar", "string"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_patterns_take_any_text_for_a_star_and_choices_apart() {
        assert!(chosen("raw*", "raw_events"));
        assert!(chosen("*events", "events"));
        assert!(chosen("nope|ev*", "events"));
        assert!(!chosen("raw*", "events"));
        assert!(!chosen("event", "events"));
        assert!(chosen("*", ""));
    }
}
