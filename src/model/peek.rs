//! Reading records off a stream: where to start, where each shard stands, what came back.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeekFrom {
    Latest,
    TrimHorizon,
    At(DateTime<Utc>),
}

impl PeekFrom {
    /// `latest`, `trim-horizon`, or an RFC 3339 time such as `2026-03-20T10:00:00Z`.
    pub fn parse(text: &str) -> Result<PeekFrom, String> {
        match text {
            "latest" => Ok(PeekFrom::Latest),
            "trim-horizon" => Ok(PeekFrom::TrimHorizon),
            other => DateTime::parse_from_rfc3339(other).map(|t| PeekFrom::At(t.with_timezone(&Utc))).map_err(|_| {
                format!("expected latest, trim-horizon or a time such as 2026-03-20T10:00:00Z, found {other:?}")
            }),
        }
    }

    pub fn label(&self) -> String {
        match self {
            PeekFrom::Latest => "latest".into(),
            PeekFrom::TrimHorizon => "trim-horizon".into(),
            PeekFrom::At(t) => t.to_rfc3339(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeekRecord {
    pub arrival: DateTime<Utc>,
    pub shard: String,
    pub partition_key: String,
    pub sequence: String,
    #[serde(skip)]
    pub data: Vec<u8>,
}

/// Where reading one shard stands. `iterator` is the backend's position: a shard iterator on
/// AWS (valid 5 minutes), a time in the sandbox.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardPosition {
    pub shard: String,
    pub iterator: Option<String>,
    /// Wall-clock milliseconds when the iterator was obtained, and when the shard was last read.
    pub obtained_ms: i64,
    pub last_read_ms: i64,
    pub last_sequence: Option<String>,
    /// The shard is closed and read to its end.
    pub finished: bool,
    /// Its parents among the shards of this peek: it is read once they are read to their end.
    pub parents: Vec<String>,
    /// Open when the peek started (a closed shard ends; an open one never does).
    pub open: bool,
}

impl ShardPosition {
    pub fn new(shard: &str, parents: Vec<String>, open: bool, iterator: Option<String>, obtained_ms: i64) -> Self {
        ShardPosition {
            shard: shard.to_string(),
            iterator,
            obtained_ms,
            last_read_ms: 0,
            last_sequence: None,
            finished: false,
            parents,
            open,
        }
    }
}

/// A peek in progress over one shard or a stream's shards (`ops::peek` chooses which).
#[derive(Debug, Clone, PartialEq)]
pub struct PeekCursor {
    pub stream: String,
    pub from: PeekFrom,
    pub shards: Vec<ShardPosition>,
    /// Whose turn it is when a round's limit is smaller than the shards due (`ops::peek`).
    pub turn: usize,
}
