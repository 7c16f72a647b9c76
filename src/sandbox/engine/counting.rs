//! The local file system, counting the bytes the engine reads: Athena bills the bytes it
//! scans, so the sandbox shows the bytes its engine actually read, after partition pruning,
//! column projection and row-group skipping.

use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use datafusion::object_store::local::LocalFileSystem;
use datafusion::object_store::path::Path;
use datafusion::object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions,
    PutOptions, PutPayload, PutResult, Result,
};
use futures::stream::BoxStream;

#[derive(Debug, Default)]
pub struct CountingFiles {
    inner: LocalFileSystem,
    read: Arc<AtomicU64>,
}

impl CountingFiles {
    pub fn new() -> CountingFiles {
        CountingFiles::default()
    }

    /// The running count, shared: read it after the query.
    pub fn counter(&self) -> Arc<AtomicU64> {
        self.read.clone()
    }
}

impl fmt::Display for CountingFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountingFiles({})", self.inner)
    }
}

#[async_trait]
impl ObjectStore for CountingFiles {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let head = options.head;
        let result = self.inner.get_opts(location, options).await?;
        // Whoever asked for the object reads the range it was given; a HEAD reads nothing.
        if !head {
            self.read.fetch_add(result.range.end.saturating_sub(result.range.start), Ordering::Relaxed);
        }
        Ok(result)
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let parts = self.inner.get_ranges(location, ranges).await?;
        self.read.fetch_add(parts.iter().map(|b| b.len() as u64).sum(), Ordering::Relaxed);
        Ok(parts)
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}
