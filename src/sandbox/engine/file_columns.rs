//! Athena's hidden columns of a table's files: `"$path"` (the object's S3 URI),
//! `"$file_size"` (its bytes) and `"$file_modified_time"` (when it was written), which an
//! operator reads to find the file behind bad rows (`SELECT "$path", count(*) FROM raw_events
//! WHERE data IS NULL GROUP BY 1`).
//!
//! Hidden means a `*` leaves them out. DataFusion has no such columns, so a statement that names
//! none of them plans over the tables as they are, and one that names one plans over tables that
//! have them (`FileColumns`), each `*` and `t.*` over a catalog table being told to leave them out
//! (`leave_out_of_stars`). Each file's values are constants of its scan, as a partition's are, and
//! a filter of them alone leaves out the files it rules out (`Kept`).

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef, TimeUnit};
use datafusion::catalog::Session;
use datafusion::common::{internal_err, project_schema, DFSchema, Result, ScalarValue};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{ListingTable, PartitionedFile};
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfig, FileScanConfigBuilder};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::logical_expr::expr_rewriter::unnormalize_col;
use datafusion::logical_expr::sqlparser::ast::{
    self, ExcludeSelectItem, Ident, ObjectName, Query, SelectItem, SelectItemQualifiedWildcardKind, SetExpr,
    TableFactor, TableWithJoins, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::tokenizer::{Token, Tokenizer};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::ExecutionPlan;

use super::catalog::LakeTable;
use super::dialect::Athena;
use super::PARTITION_KEYS;

pub use crate::ops::athena::HIDDEN_COLUMNS as HIDDEN;

/// Whether `sql` names a hidden column (a quoted word, as Athena takes them).
pub fn named_in(sql: &str) -> bool {
    let Ok(tokens) = Tokenizer::new(&Athena::default(), sql).tokenize() else { return false };
    tokens.iter().any(|token| {
        matches!(token, Token::Word(word) if word.quote_style.is_some()
            && HIDDEN.iter().any(|hidden| word.value.eq_ignore_ascii_case(hidden)))
    })
}

fn hidden_fields() -> [FieldRef; 3] {
    [
        Arc::new(Field::new(HIDDEN[0], DataType::Utf8, false)),
        Arc::new(Field::new(HIDDEN[1], DataType::Int64, false)),
        Arc::new(Field::new(HIDDEN[2], DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())), false)),
    ]
}

/// A catalog table with its files' hidden columns after its own.
#[derive(Debug)]
pub struct FileColumns {
    inner: Arc<ListingTable>,
    format: Arc<dyn FileFormat>,
    /// The columns of its files (the partition keys aside).
    file_schema: SchemaRef,
    partition_keys: Vec<FieldRef>,
    /// Its location, `s3://bucket/raw/`, before a file's `year=…/month=…/day=…/name`.
    location: String,
    schema: SchemaRef,
}

impl FileColumns {
    pub fn new(
        inner: Arc<ListingTable>,
        format: Arc<dyn FileFormat>,
        file_schema: SchemaRef,
        location: String,
    ) -> FileColumns {
        let own = inner.schema();
        let partition_keys = own.fields().iter().skip(file_schema.fields().len()).cloned().collect();
        let fields: Vec<FieldRef> = own.fields().iter().cloned().chain(hidden_fields()).collect();
        let schema = Arc::new(Schema::new(fields));
        FileColumns { inner, format, file_schema, partition_keys, location, schema }
    }

    /// A file's hidden values: its URI in the table's location, its size, when it was written.
    fn values(&self, file: &PartitionedFile) -> Vec<ScalarValue> {
        let local = file.object_meta.location.as_ref();
        // The part under the table's folder starts at its first partition key (`year=`).
        let first_key = format!("{}=", PARTITION_KEYS[0]);
        let under = local.rfind(&first_key).map_or(local, |at| &local[at..]);
        vec![
            ScalarValue::Utf8(Some(format!("{}{under}", self.location))),
            ScalarValue::Int64(Some(file.object_meta.size as i64)),
            ScalarValue::TimestampMillisecond(
                Some(file.object_meta.last_modified.timestamp_millis()),
                Some("UTC".into()),
            ),
        ]
    }

    fn own_width(&self) -> usize {
        self.inner.schema().fields().len()
    }
}

/// Whether `filter` reads a hidden column.
fn reads_hidden(filter: &Expr) -> bool {
    filter.column_refs().iter().any(|column| HIDDEN.contains(&column.name.as_str()))
}

/// Whether `filter` reads hidden columns only (`"$path" = '…'`): it decides a whole file.
fn reads_only_hidden(filter: &Expr) -> bool {
    let columns = filter.column_refs();
    !columns.is_empty() && columns.iter().all(|column| HIDDEN.contains(&column.name.as_str()))
}

#[async_trait]
impl TableProvider for FileColumns {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> Result<Vec<TableProviderFilterPushDown>> {
        let own: Vec<&Expr> = filters.iter().copied().filter(|f| !reads_hidden(f)).collect();
        let mut answers = self.inner.supports_filters_pushdown(&own)?.into_iter();
        // A filter of hidden columns alone leaves out the files it rules out, as Athena's Hive
        // connector does (the engine applies it above the scan too); one of hidden columns and
        // others is the engine's alone.
        Ok(filters
            .iter()
            .map(|f| match (reads_only_hidden(f), reads_hidden(f)) {
                (true, _) => TableProviderFilterPushDown::Inexact,
                (false, true) => TableProviderFilterPushDown::Unsupported,
                (false, false) => answers.next().unwrap_or(TableProviderFilterPushDown::Unsupported),
            })
            .collect())
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let own: Vec<Expr> = filters.iter().filter(|f| !reads_hidden(f)).cloned().collect();
        let width = self.own_width();
        if projection.is_some_and(|columns| columns.iter().all(|&c| c < width)) {
            return self.inner.scan(state, projection, &own, limit).await;
        }
        // The listing's plan, for the files its partition filters keep.
        let listed = self.inner.scan(state, None, &own, limit).await?;
        if listed.is::<EmptyExec>() {
            return Ok(Arc::new(EmptyExec::new(project_schema(&self.schema, projection)?)));
        }
        let Some(config) = listed
            .downcast_ref::<DataSourceExec>()
            .and_then(|exec| exec.data_source().downcast_ref::<FileScanConfig>())
        else {
            return internal_err!("the sandbox's table scan is not a scan of files");
        };
        let deciding: Vec<&Expr> = filters.iter().filter(|f| reads_only_hidden(f)).collect();
        let kept = Kept::new(state, &deciding)?;
        let groups: Vec<FileGroup> = config
            .file_groups
            .iter()
            .map(|group| {
                let files = group.iter().filter_map(|file| {
                    let values = self.values(file);
                    if !kept.keeps(&values) {
                        return None;
                    }
                    let mut file = file.clone();
                    file.partition_values.extend(values);
                    // Its statistics are of the columns without the hidden ones.
                    file.statistics = None;
                    Some(file)
                });
                FileGroup::new(files.collect())
            })
            .filter(|group| !group.is_empty())
            .collect();
        if groups.is_empty() {
            return Ok(Arc::new(EmptyExec::new(project_schema(&self.schema, projection)?)));
        }
        let partition_columns: Vec<FieldRef> = self.partition_keys.iter().cloned().chain(hidden_fields()).collect();
        let table = TableSchema::builder(self.file_schema.clone()).with_table_partition_cols(partition_columns).build();
        let source = self.format.file_source(table);
        let config = FileScanConfigBuilder::new(config.object_store_url.clone(), source)
            .with_file_groups(groups)
            .with_projection_indices(projection.cloned())?
            .with_limit(limit)
            .build();
        self.format.create_physical_plan(state, config).await
    }
}

/// The filters of hidden columns alone, as a file's test: a file is read unless one of them is
/// false (or NULL) for its values.
struct Kept {
    tests: Vec<Arc<dyn PhysicalExpr>>,
    /// The hidden columns' schema, a file's values one row of it.
    schema: SchemaRef,
}

impl Kept {
    /// The tests of `filters` that can be answered from a file's values alone; the engine
    /// applies every filter again above the scan, so one left out here only reads more.
    fn new(state: &dyn Session, filters: &[&Expr]) -> Result<Kept> {
        let schema: SchemaRef = Arc::new(Schema::new(hidden_fields().to_vec()));
        let columns = DFSchema::try_from(schema.clone())?;
        let tests = filters
            .iter()
            .filter_map(|filter| state.create_physical_expr(unnormalize_col((*filter).clone()), &columns).ok());
        Ok(Kept { tests: tests.collect(), schema })
    }

    fn keeps(&self, values: &[ScalarValue]) -> bool {
        if self.tests.is_empty() {
            return true;
        }
        let columns: Result<Vec<ArrayRef>> = values.iter().map(|value| value.to_array()).collect();
        let Ok(batch) = columns.and_then(|columns| Ok(RecordBatch::try_new(self.schema.clone(), columns)?)) else {
            return true;
        };
        self.tests.iter().all(|test| {
            let answer = test.evaluate(&batch).and_then(|answer| answer.into_array(1));
            // A test that cannot be answered here keeps the file: the engine applies it again.
            match answer {
                Ok(answer) => answer.as_boolean_opt().is_none_or(|b| b.is_valid(0) && b.value(0)),
                Err(_) => true,
            }
        })
    }
}

/// Each `*` and `t.*` of the query as written over catalog tables leaves their hidden columns
/// out, as Athena's do (before the engine's own rewrites add `*`s of their own, which keep them):
/// a `*` over relations that all have names becomes each one's `t.*`, told to leave them out
/// where it is a catalog table's (`t.* EXCLUDE (…)`, which the engine reads); a `*` over one
/// catalog table beside an UNNEST or a relation without a name is told so itself; so is each side's
/// `t.*` of a `*` over a join USING its keys (`using`); a join in parentheses is read as its
/// relations. A `*` over two catalog tables joined by USING among more relations is left as it is
/// (their hidden columns show).
pub fn leave_out_of_stars(statement: &mut ast::Statement) {
    let mut named = WithNames::default();
    let _ = statement.visit(&mut named);
    let _ = statement.visit(&mut Stars { with: named.0 });
}

/// The names of the statement's WITH queries, which hide a catalog table of the same name.
#[derive(Default)]
struct WithNames(HashSet<String>);

impl VisitorMut for WithNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        for table in query.with.iter().flat_map(|with| &with.cte_tables) {
            self.0.insert(table.alias.name.value.to_lowercase());
        }
        ControlFlow::Continue(())
    }
}

struct Stars {
    with: HashSet<String>,
}

impl VisitorMut for Stars {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.each_select(&mut query.body);
        ControlFlow::Continue(())
    }
}

/// A relation of a FROM clause: the name a `t.*` of it is written with (None when it has none
/// a `t.*` can use) and how many catalog tables it reads directly.
struct Relation {
    name: Option<ObjectName>,
    catalog: usize,
}

impl Stars {
    fn each_select(&self, body: &mut SetExpr) {
        match body {
            SetExpr::Select(select) => self.leave_out(select),
            SetExpr::SetOperation { left, right, .. } => {
                self.each_select(left);
                self.each_select(right);
            }
            _ => {}
        }
    }

    fn is_catalog(&self, name: &ObjectName) -> bool {
        let Some(table) = name.0.last().and_then(|part| part.as_ident()) else { return false };
        let table = table.value.to_lowercase();
        LakeTable::named(&table).is_some() && (name.0.len() > 1 || !self.with.contains(&table))
    }

    fn relation(&self, factor: &TableFactor) -> Relation {
        match factor {
            TableFactor::Table { name, alias, args: None, .. } => {
                let catalog = usize::from(self.is_catalog(name));
                let name =
                    alias.as_ref().map_or_else(|| name.clone(), |alias| ObjectName::from(vec![alias.name.clone()]));
                Relation { name: Some(name), catalog }
            }
            TableFactor::Derived { alias, .. } => {
                Relation { name: alias.as_ref().map(|alias| ObjectName::from(vec![alias.name.clone()])), catalog: 0 }
            }
            TableFactor::NestedJoin { table_with_joins, .. } => {
                let inner = std::iter::once(&table_with_joins.relation)
                    .chain(table_with_joins.joins.iter().map(|join| &join.relation));
                Relation { name: None, catalog: inner.map(|factor| self.relation(factor).catalog).sum() }
            }
            _ => Relation { name: None, catalog: 0 },
        }
    }

    /// The relations of `from` a `*` lists, those of a join in parentheses among them (its
    /// relations keep their names outside it, unless it has one of its own), and whether a join
    /// among them gives its keys once.
    fn relations(&self, from: &TableWithJoins, relations: &mut Vec<Relation>, keys_once_joins: &mut bool) {
        for factor in std::iter::once(&from.relation).chain(from.joins.iter().map(|join| &join.relation)) {
            match factor {
                TableFactor::NestedJoin { table_with_joins, alias: None } => {
                    self.relations(table_with_joins, relations, keys_once_joins)
                }
                _ => relations.push(self.relation(factor)),
            }
        }
        *keys_once_joins |= from.joins.iter().any(|join| keys_once(&join.join_operator));
    }

    fn leave_out(&self, select: &mut ast::Select) {
        let mut relations = Vec::new();
        let mut keys_once_joins = false;
        for from in &select.from {
            self.relations(from, &mut relations, &mut keys_once_joins);
        }
        let catalog: usize = relations.iter().map(|r| r.catalog).sum();
        if catalog == 0 {
            return;
        }
        // The names of catalog tables a `t.*` may be written with.
        let catalog_names: HashSet<String> = relations
            .iter()
            .filter(|r| r.catalog > 0)
            .filter_map(|r| r.name.as_ref()?.0.last()?.as_ident().map(|name| name.value.to_lowercase()))
            .collect();
        let all_named = relations.iter().all(|r| r.name.is_some());
        let mut items = Vec::with_capacity(select.projection.len());
        for item in std::mem::take(&mut select.projection) {
            match item {
                SelectItem::Wildcard(mut options) if options.opt_exclude.is_none() => {
                    if relations.len() > 1 && all_named && !keys_once_joins {
                        for relation in &relations {
                            let Some(name) = relation.name.clone() else { continue };
                            let mut options = options.clone();
                            options.opt_exclude = (relation.catalog > 0).then(excluded);
                            items.push(SelectItem::QualifiedWildcard(
                                SelectItemQualifiedWildcardKind::ObjectName(name),
                                options,
                            ));
                        }
                    } else {
                        if catalog == 1 {
                            options.opt_exclude = Some(excluded());
                        }
                        items.push(SelectItem::Wildcard(options));
                    }
                }
                SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), mut options)
                    if matches!(options.opt_exclude, None | Some(ExcludeSelectItem::Multiple(_)))
                        && name
                            .0
                            .last()
                            .and_then(|part| part.as_ident())
                            .is_some_and(|part| catalog_names.contains(&part.value.to_lowercase())) =>
                {
                    // Beside the keys of a join USING them (`using`), when it has those.
                    options.opt_exclude = Some(match options.opt_exclude.take() {
                        Some(ExcludeSelectItem::Multiple(mut names)) => {
                            names.extend(hidden_names());
                            ExcludeSelectItem::Multiple(names)
                        }
                        _ => excluded(),
                    });
                    items.push(SelectItem::QualifiedWildcard(
                        SelectItemQualifiedWildcardKind::ObjectName(name),
                        options,
                    ));
                }
                other => items.push(other),
            }
        }
        select.projection = items;
    }
}

/// Whether a join gives its keys once (USING, NATURAL).
fn keys_once(operator: &ast::JoinOperator) -> bool {
    use ast::JoinConstraint::{Natural, Using};
    use ast::JoinOperator::*;
    match operator {
        Join(c) | Inner(c) | Left(c) | LeftOuter(c) | Right(c) | RightOuter(c) | FullOuter(c) => {
            matches!(c, Using(_) | Natural)
        }
        _ => false,
    }
}

fn excluded() -> ExcludeSelectItem {
    ExcludeSelectItem::Multiple(hidden_names().collect())
}

fn hidden_names() -> impl Iterator<Item = ObjectName> {
    HIDDEN.iter().map(|name| ObjectName::from(vec![Ident::with_quote('"', *name)]))
}
