//! The sandbox's Athena: an embedded SQL engine (DataFusion) over the local lake, with the
//! catalog the sandbox's Glue describes, Athena's function names, Athena-shaped errors and
//! the bytes it really read.

mod aggregates;
mod aliases;
mod answer_types;
mod arithmetic;
mod array_comparisons;
mod arrays;
mod athena_functions;
mod bits;
mod bytes;
mod calendar;
mod cast;
mod catalog;
mod code_points;
mod correlated;
mod correlated_in;
mod counting;
mod date_diff;
mod datetime;
mod decimals;
mod dialect;
mod distributions;
mod errors;
mod extremes;
mod fetch;
mod fields;
mod file_columns;
mod float_comparisons;
mod format;
mod forms;
mod functions;
mod grouping;
mod hashes;
mod in_rows;
mod intersect_all;
mod interval_arithmetic;
mod interval_literals;
mod intervals;
mod iso8601;
mod joni;
mod json;
mod json_casts;
mod json_path;
mod json_stream;
mod lambdas;
mod lateral;
mod like;
mod literals;
mod log_beta;
mod map_identity;
mod maps;
mod math;
mod memory;
mod mixed_types;
mod names;
mod nested;
mod one_type;
mod patterns;
mod print;
mod quantified;
mod readable;
mod regexps;
mod replace;
mod row_comparisons;
mod rules;
mod sample;
mod series;
mod shifts;
mod shortcuts;
mod sketches;
mod splits;
mod spooky;
mod sql;
mod stars;
mod strings;
mod subqueries;
mod subscript;
mod sums;
mod text;
mod text_values;
pub mod threads;
mod to_text;
mod try_;
mod types;
mod udf;
mod uri;
mod using;
mod vectors;
mod windows;
pub mod worker;
mod zoned_casts;
mod zones;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::execution::context::SQLOptions;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::execution::SessionStateBuilder;
use datafusion::optimizer::{Analyzer, AnalyzerRule};
use datafusion::physical_plan::collect;
use datafusion::prelude::{SessionConfig, SessionContext};

pub use catalog::table_columns;
pub use dialect::MOST_OPERATORS;
pub use errors::category as error_category;

use crate::model::ResultColumn;
pub use catalog::{Buckets, LakeTable};
use file_columns::FileColumns;

/// Athena's catalog of Glue databases.
pub const CATALOG: &str = "awsdatacatalog";

/// Where the catalog's two tables live.
#[derive(Debug, Clone)]
pub struct Tables {
    pub database: String,
    /// The zones' buckets, which the tables' locations name (`"$path"`).
    pub buckets: Buckets,
    /// The sandbox's present: `now()`, `current_timestamp` and `current_date` answer it.
    pub now_ms: i64,
    pub raw_dir: PathBuf,
    pub curated_dir: PathBuf,
}

impl Tables {
    /// The catalog's tables in `lake`, as they are at `now_ms`.
    pub fn in_lake(lake: &super::lake::Lake, database: String, buckets: Buckets, now_ms: i64) -> Tables {
        Tables { database, buckets, now_ms, raw_dir: lake.raw_dir(), curated_dir: lake.curated_dir() }
    }
}

/// A finished query.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Answer {
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<Vec<Option<String>>>,
    pub scanned_bytes: u64,
    pub engine_ms: u64,
}

/// What the engine runs, said with each statement it does not.
pub const RUNS: &str = "the sandbox engine runs only reads: SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE and EXPLAIN";

/// Why the engine does not run `sql`, or `None`: one of Athena's statements that are not reads
/// (`athena_readonly::NOT_READS`), or an EXPLAIN of one. Said by its word before the lake is
/// brought up or the parser reads it: Athena runs these, so a syntax error (the SQL's fault,
/// exit 2) where the parser knows no Hive DDL would blame valid SQL, and the planner's own
/// refusals named its internals (`CreateMemoryTable`). A word Athena knows no statement by
/// (`SELEC`) is left to the parser's syntax error.
pub fn not_run_here(sql: &str) -> Option<String> {
    let word = crate::ops::athena::statement_keyword(sql);
    if !crate::ops::athena_readonly::NOT_READS.contains(&word.as_str()) {
        return None;
    }
    Some(format!("NOT_SUPPORTED: {word} statements are not run here: {RUNS} (Athena runs them as written)"))
}

/// Runs one statement in `database`; a failure is Athena's kind of message
/// (`SYNTAX_ERROR: line 1:8: …`, `TABLE_NOT_FOUND: …`).
pub async fn run(tables: &Tables, database: &str, sql: &str) -> Result<Answer, String> {
    if !database.eq_ignore_ascii_case(&tables.database) {
        return Err(format!(
            "SCHEMA_NOT_FOUND: Schema '{database}' does not exist (the sandbox's catalog has one database, {})",
            tables.database
        ));
    }
    // A test hook (tests/pty.rs): a fault in the engine fails its query; the console goes on.
    if std::env::var("LAKEOPS_DEBUG_PANIC").as_deref() == Ok(threads::DEBUG_PANIC) {
        panic!("LAKEOPS_DEBUG_PANIC=engine: the sandbox engine panics on purpose");
    }
    let started = Instant::now();
    if let Some(answer) = catalog::statement(tables, sql) {
        return answer.map(|(columns, rows)| Answer { columns, rows, scanned_bytes: 0, engine_ms: 0 });
    }
    let files = Arc::new(counting::CountingFiles::new());
    let read = files.counter();
    // A statement that names `"$path"` (or another of Athena's hidden columns) reads tables that have them.
    let hidden = file_columns::named_in(sql);
    let ctx = session(tables, files, hidden).map_err(|e| errors::athena_message(&e, sql))?;
    let options = SQLOptions::new().with_allow_ddl(false).with_allow_dml(false).with_allow_statements(false);
    let batches = async {
        let (statement, headings) = sql::statement_and_headings(sql)?;
        let plan = ctx.state().statement_to_plan(statement).await?;
        options.verify_plan(&plan)?;
        let frame = ctx.execute_logical_plan(plan).await?;
        let plan = frame.create_physical_plan().await?;
        let schema = plan.schema();
        let batches = collect(plan, ctx.task_ctx()).await?;
        Ok::<_, datafusion::error::DataFusionError>((schema, batches, headings))
    }
    .await;
    let (schema, batches, headings) = batches.map_err(|e| errors::athena_message(&e, sql))?;
    let columns = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = headings.name(i, schema.fields().len(), f.name());
            ResultColumn { name, kind: athena_type(f) }
        })
        .collect();
    let rows = print::rows(&batches).map_err(|e| format!("GENERIC_INTERNAL_ERROR: {e}"))?;
    Ok(Answer {
        columns,
        rows,
        scanned_bytes: read.load(Ordering::Relaxed),
        engine_ms: started.elapsed().as_millis() as u64,
    })
}

/// The engine's session over `tables`, their files' hidden columns too when `hidden`.
fn session(
    tables: &Tables,
    files: Arc<counting::CountingFiles>,
    hidden: bool,
) -> datafusion::error::Result<SessionContext> {
    let config = SessionConfig::new()
        .with_default_catalog_and_schema(CATALOG, tables.database.to_ascii_lowercase())
        .with_create_default_catalog_and_schema(true)
        .with_information_schema(true)
        .with_target_partitions(threads::PARTITIONS);
    // `2.5` is a decimal, as in Trino (`decimals`).
    let mut config = config;
    config.options_mut().sql_parser.parse_float_as_decimal = true;
    // NULLs sort last whichever the direction, as in Trino (DataFusion's are the largest values,
    // first in `ORDER BY x DESC`), in a query's order, a window's and an aggregate's.
    config.options_mut().sql_parser.default_null_ordering = "nulls_last".into();
    // No filter pushed into the scan from a `min` or `max` found so far: with another aggregate
    // beside it, the scan skipped rows that aggregate needed (`max(day(event_time)), min(user_id)`
    // over the events answered a `max` of 4 where it is 6).
    config.options_mut().optimizer.enable_aggregate_dynamic_filter_pushdown = false;
    // The engine's rules over a planned query: Trino's casts and answer types before DataFusion
    // types the query, so that they see only the casts the query wrote and every value around a
    // call is typed for its new type; Trino's decimal quotients after, once both sides are typed.
    let mut rules = Analyzer::new().rules;
    let typing = rules.iter().position(|rule| rule.name() == "type_coercion").unwrap_or(rules.len());
    // Answer types first: a cast of `date_trunc(…, d)` to text is then a date's.
    // Text mixed with other values (compared, in one IN list, CASE or COALESCE) is refused
    // before the engine casts one side.
    // A date beside a timestamp is one of its milliseconds, a decimal beside a double a double.
    // Casts last: a cast to text of `coalesce(1.5, 2e0)` is then a double's; but a cast Trino
    // refuses first, as Trino does.
    let before: [Arc<dyn AnalyzerRule + Send + Sync>; 8] = [
        Arc::new(mixed_types::UNION_TYPES),
        Arc::new(windows::RANGE_FRAMES),
        Arc::new(answer_types::ANSWER_TYPES),
        Arc::new(cast::CASTS_REFUSED),
        Arc::new(mixed_types::MIXED_TYPES),
        Arc::new(one_type::VALUES_AS_ONE_TYPE),
        Arc::new(one_type::COLUMNS_AS_ONE_TYPE),
        Arc::new(cast::TRINO_CASTS),
    ];
    rules.splice(typing..typing, before);
    // IN and `= ANY` of a subquery outside a WHERE clause by a set of its values, once typed.
    rules.push(Arc::new(in_rows::IN_ROWS_SET));
    // An interval of days and time is all nanoseconds, a day 24 hours (`interval_arithmetic`),
    // a window's frame too once the engine has typed it.
    rules.push(Arc::new(interval_arithmetic::DAY_TIME_LITERALS));
    // A timestamp without a zone cast to one with a zone is read in UTC, once the engine's casts are in.
    rules.push(Arc::new(zoned_casts::ZONED_CASTS));
    rules.push(Arc::new(decimals::DECIMAL_QUOTIENTS));
    // Whole numbers that overflow fail, once both sides of each operator have one type.
    rules.push(Arc::new(arithmetic::EXACT_ARITHMETIC));
    // Intervals compare by their lengths, once both sides are typed.
    rules.push(Arc::new(intervals::INTERVAL_ORDER));
    // Rows compare field by field, a NULL field unknown, once both sides are typed; arrays as
    // Trino compares them (`array_comparisons`), reals and doubles as Java (`float_comparisons`).
    rules.push(Arc::new(row_comparisons::ROW_COMPARISONS));
    // `max` of reals and doubles takes NaN for the least value, and `max` and `min` of arrays and rows
    // order them as Trino orders them.
    rules.push(Arc::new(extremes::EXTREMES));
    // A subquery of an aggregate correlated by more than equalities, joined as Trino joins it.
    // A correlated scalar subquery of rows, not an aggregate, as the aggregate of its one row.
    rules.push(Arc::new(subqueries::CORRELATED_ROWS));
    rules.push(Arc::new(correlated::CORRELATED_AGGREGATES));
    // A scalar subquery that finds no row is NULL, whatever its SELECT's value.
    rules.push(Arc::new(subqueries::EMPTY_SUBQUERIES));
    // INTERSECT ALL and EXCEPT ALL keep as many copies of a row as Trino's.
    rules.push(Arc::new(intersect_all::INTERSECT_ALL));
    // A map is one value whatever its entries' order wherever values are grouped, joined or
    // compared whole, once every rule above has made its groups, joins and windows.
    rules.push(Arc::new(map_identity::MAP_IDENTITY));
    // NOT IN of a correlated subquery in a WHERE clause as the NOT EXISTS it stands for there.
    rules.push(Arc::new(subqueries::CORRELATED_NOT_IN));
    // Every NaN a real or double of an arithmetic or a function makes is one value, `nan()`'s.
    rules.push(Arc::new(float_comparisons::ONE_NAN));
    let mut state = SessionStateBuilder::new().with_config(config).with_default_features().with_analyzer_rules(rules);
    // A row's fields are read without case (`fields`), before DataFusion's planner reads them.
    let planners = state.expr_planners().get_or_insert_with(Vec::new);
    planners.insert(0, Arc::new(fields::FieldsWithoutCase));
    // Trino's arithmetic of intervals, which the engine's planner refuses or answers otherwise.
    planners.insert(0, Arc::new(interval_arithmetic::IntervalArithmetic));
    // `||` of arrays as Trino's concat, which the engine's planner reads as its `array_concat`.
    planners.insert(0, Arc::new(arrays::ArrayConcat));
    // `MAP(a, b)` of what are not two arrays as Trino's map, which the engine's planner reads
    // as a map of one entry.
    planners.insert(0, Arc::new(maps::MapOfArrays));
    let state = state.build();
    let ctx = SessionContext::new_with_state(state);
    ctx.register_object_store(ObjectStoreUrl::local_filesystem().as_ref(), files);
    functions::register(&ctx, tables.now_ms)?;
    shortcuts::register(&ctx)?;
    for table in LakeTable::ALL {
        let (format, extension) = table.format();
        let listed = listing(table.dir(tables), format.clone(), extension, table.schema())?;
        if hidden {
            let location = table.location(&tables.buckets);
            ctx.register_table(table.name(), Arc::new(FileColumns::new(listed, format, table.schema(), location)))?;
        } else {
            ctx.register_table(table.name(), listed)?;
        }
    }
    Ok(ctx)
}

/// Both tables are partitioned by day, as Hive-style folders.
pub const PARTITION_KEYS: [&str; 3] = ["year", "month", "day"];

/// Whether `sql`, read as the engine reads it, names a table (`SELECT 1` and `SELECT now()` do
/// not). What the engine cannot read counts as naming one: the engine gives the error.
pub fn names_tables(sql: &str) -> bool {
    use datafusion::sql::parser::Statement;
    use datafusion::sql::resolve::resolve_table_references;
    match sql::statement(sql) {
        Ok(statement @ Statement::Statement(_)) => match resolve_table_references(&statement, true) {
            Ok((tables, _)) => !tables.is_empty(),
            Err(_) => true,
        },
        _ => true,
    }
}

/// A table over a folder of `year=/month=/day=` partitions.
fn listing(
    dir: &std::path::Path,
    format: Arc<dyn FileFormat>,
    extension: &str,
    schema: SchemaRef,
) -> datafusion::error::Result<Arc<ListingTable>> {
    std::fs::create_dir_all(dir)?;
    let url = ListingTableUrl::parse(format!("{}/", dir.display()))?;
    let partitions = PARTITION_KEYS.iter().map(|p| (p.to_string(), DataType::Utf8)).collect();
    let options = ListingOptions::new(format).with_file_extension(extension).with_table_partition_cols(partitions);
    let config = ListingTableConfig::new(url).with_listing_options(options).with_schema(schema);
    Ok(Arc::new(ListingTable::try_new(config)?))
}

/// The type names Athena puts in ResultSetMetadata: Trino's names (`types::trino_type`), without
/// a timestamp's or time's precision and a map's parameters.
fn athena_type(field: &datafusion::arrow::datatypes::Field) -> String {
    if types::is_json(field) {
        return "json".into();
    }
    match field.data_type() {
        DataType::Timestamp(_, None) => "timestamp".into(),
        DataType::Timestamp(_, Some(_)) => "timestamp with time zone".into(),
        DataType::Time32(_) | DataType::Time64(_) => "time".into(),
        DataType::Map(_, _) => "map".into(),
        DataType::List(item) | DataType::LargeList(item) | DataType::ListView(item) => {
            format!("array({})", athena_type(item))
        }
        DataType::Struct(fields) if types::is_anonymous(fields) => {
            let inner: Vec<String> = fields.iter().map(|f| athena_type(f)).collect();
            format!("row({})", inner.join(", "))
        }
        DataType::Struct(fields) => {
            let inner: Vec<String> = fields.iter().map(|f| format!("{} {}", f.name(), athena_type(f))).collect();
            format!("row({})", inner.join(", "))
        }
        other => types::trino_type(other),
    }
}
