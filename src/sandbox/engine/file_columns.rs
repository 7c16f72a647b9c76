//! Athena's hidden columns of a table's files: `"$path"` (the object's S3 URI),
//! `"$file_size"` (its bytes) and `"$file_modified_time"` (when it was written), which an
//! operator reads to find the file behind bad rows (`SELECT "$path", count(*) FROM raw_events
//! WHERE data IS NULL GROUP BY 1`).
//!
//! Hidden means a `*` leaves them out. DataFusion has no such columns, so a statement that names
//! none of them plans over the tables as they are, and one that names one plans over tables that
//! have them (`FileColumns`), each `*` and `t.*` over a catalog table being told to leave them out
//! (`leave_out_of_stars`). Each file's values are constants of its scan, as a partition's are.

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef, TimeUnit};
use datafusion::catalog::Session;
use datafusion::common::{internal_err, project_schema, Result, ScalarValue};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{ListingTable, PartitionedFile};
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfig, FileScanConfigBuilder};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::logical_expr::sqlparser::ast::{
    self, ExcludeSelectItem, Ident, ObjectName, Query, SelectItem, SelectItemQualifiedWildcardKind, SetExpr,
    TableFactor, VisitMut, VisitorMut,
};
use datafusion::logical_expr::sqlparser::tokenizer::{Token, Tokenizer};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::ExecutionPlan;

use super::catalog::LakeTable;
use super::dialect::Athena;

/// The hidden columns, in the order a table has them after its own.
pub const HIDDEN: [&str; 3] = ["$path", "$file_size", "$file_modified_time"];

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
        // The part under the table's folder starts at its first partition key.
        let under = local.rfind("year=").map_or(local, |at| &local[at..]);
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
        // A filter of a hidden column is the engine's to apply, above the scan.
        Ok(filters
            .iter()
            .map(|f| match reads_hidden(f) {
                true => TableProviderFilterPushDown::Unsupported,
                false => answers.next().unwrap_or(TableProviderFilterPushDown::Unsupported),
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
        let listed = self.inner.scan(state, None, &own, None).await?;
        if listed.is::<EmptyExec>() {
            return Ok(Arc::new(EmptyExec::new(project_schema(&self.schema, projection)?)));
        }
        let Some(config) = listed
            .downcast_ref::<DataSourceExec>()
            .and_then(|exec| exec.data_source().downcast_ref::<FileScanConfig>())
        else {
            return internal_err!("the sandbox's table scan is not a scan of files");
        };
        let groups: Vec<FileGroup> = config
            .file_groups
            .iter()
            .map(|group| {
                let files = group.iter().map(|file| {
                    let mut file = file.clone();
                    file.partition_values.extend(self.values(&file));
                    // Its statistics are of the columns without the hidden ones.
                    file.statistics = None;
                    file
                });
                FileGroup::new(files.collect())
            })
            .collect();
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

/// Each `*` and `t.*` over catalog tables leaves their hidden columns out, as Athena's do: a `*`
/// over one table is told to (`* EXCLUDE (…)`, which the engine reads), a `*` over several
/// becomes each one's `t.*`. A `*` over a relation without a name, or beside an UNNEST or a USING
/// join, is left as it is (its hidden columns then show).
pub fn leave_out_of_stars(statement: &mut ast::Statement) {
    let _ = statement.visit(&mut Stars);
}

struct Stars;

impl VisitorMut for Stars {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        each_select(&mut query.body);
        ControlFlow::Continue(())
    }
}

fn each_select(body: &mut SetExpr) {
    match body {
        SetExpr::Select(select) => leave_out(select),
        SetExpr::SetOperation { left, right, .. } => {
            each_select(left);
            each_select(right);
        }
        _ => {}
    }
}

/// A relation of a FROM clause: the name its columns are qualified by, and whether it is a
/// catalog table. None for one whose columns a `t.*` cannot name.
fn relation(factor: &TableFactor) -> Option<(Ident, bool)> {
    match factor {
        TableFactor::Table { name, alias, args: None, .. } => {
            let table = name.0.last()?.as_ident()?;
            let catalog = LakeTable::named(&table.value.to_lowercase()).is_some();
            Some((alias.as_ref().map_or_else(|| table.clone(), |alias| alias.name.clone()), catalog))
        }
        TableFactor::Derived { alias: Some(alias), .. } => Some((alias.name.clone(), false)),
        _ => None,
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
    ExcludeSelectItem::Multiple(
        HIDDEN.iter().map(|name| ObjectName::from(vec![Ident::with_quote('"', *name)])).collect(),
    )
}

fn leave_out(select: &mut ast::Select) {
    let mut relations = Vec::new();
    let mut plain = true;
    for from in &select.from {
        relations.push(relation(&from.relation));
        for join in &from.joins {
            relations.push(relation(&join.relation));
            // A USING or NATURAL join's `*` gives its keys once: not each side's `t.*`.
            plain &= !keys_once(&join.join_operator);
        }
    }
    let catalog: HashSet<String> =
        relations.iter().flatten().filter(|(_, catalog)| *catalog).map(|(name, _)| name.value.to_lowercase()).collect();
    if catalog.is_empty() {
        return;
    }
    let mut items = Vec::with_capacity(select.projection.len());
    for item in std::mem::take(&mut select.projection) {
        match item {
            SelectItem::Wildcard(mut options) if options.opt_exclude.is_none() => {
                let named: Option<Vec<(Ident, bool)>> = relations.iter().cloned().collect();
                match named {
                    Some(named) if named.len() == 1 => {
                        options.opt_exclude = Some(excluded());
                        items.push(SelectItem::Wildcard(options));
                    }
                    Some(named) if plain => {
                        for (name, catalog) in named {
                            let mut options = options.clone();
                            options.opt_exclude = catalog.then(excluded);
                            let kind = SelectItemQualifiedWildcardKind::ObjectName(ObjectName::from(vec![name]));
                            items.push(SelectItem::QualifiedWildcard(kind, options));
                        }
                    }
                    _ => items.push(SelectItem::Wildcard(options)),
                }
            }
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), mut options)
                if options.opt_exclude.is_none()
                    && name
                        .0
                        .last()
                        .and_then(|part| part.as_ident())
                        .is_some_and(|part| catalog.contains(&part.value.to_lowercase())) =>
            {
                options.opt_exclude = Some(excluded());
                items.push(SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), options));
            }
            other => items.push(other),
        }
    }
    select.projection = items;
}
