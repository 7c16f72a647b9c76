//! `lakeops peek STREAM [--shard ID] [--from WHERE] [--limit N] [--follow] [--json]`.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::Failure;
use crate::cli::PeekArgs;
use crate::model::text::sanitize;
use crate::model::{PeekFrom, PeekRecord};
use crate::ops::record_view;
use crate::platform::Platform;

/// Checks the arguments, then reads; returns what to print (nothing more when following,
/// which prints as it goes).
/// Records printed without --limit (and without --follow).
const DEFAULT_LIMIT: usize = 10;

pub async fn run(platform: &dyn Platform, args: &PeekArgs) -> Result<String, Failure> {
    let from = PeekFrom::parse(&args.from).map_err(|e| Failure::Invalid(format!("--from: {e}")))?;
    if let Some(limit) = args.limit.filter(|n| !(1..=10_000).contains(n)) {
        return Err(Failure::Invalid(format!("--limit: expected 1 to 10000 records, found {limit}")));
    }
    // Without --follow, 10 records unless told; with it, every record until Ctrl-C unless told.
    let limit = args.limit.unwrap_or(if args.follow { usize::MAX } else { DEFAULT_LIMIT });
    let facts = platform
        .stream_facts(&args.stream)
        .await?
        .ok_or_else(|| Failure::Invalid(format!("no stream named {:?}", args.stream)))?;
    if let Some(shard) = &args.shard {
        if !facts.shards.iter().any(|s| &s.id == shard) {
            // A line, not a page: a stream of 320 shards named every one.
            const NAMED: usize = 8;
            let open: Vec<&str> = facts.open().map(|s| s.id.as_str()).take(NAMED).collect();
            let more = (facts.open_count() as usize).saturating_sub(NAMED);
            let more = if more > 0 {
                format!(" and {more} more (the console's stream view lists them all)")
            } else {
                String::new()
            };
            return Err(Failure::Invalid(format!(
                "{} has no shard {shard}; open shards: {}{more}",
                facts.name,
                open.join(", ")
            )));
        }
    }
    let mut cursor = platform.open_peek(&args.stream, args.shard.as_deref(), from).await?;
    // Records are printed as they are read, never all held: 10,000 records of 1 MiB would be
    // 10 GiB. JSON is one array, written element by element.
    let mut out = std::io::BufWriter::new(std::io::stdout());
    // A reader that stopped early (`| head`) has what it wanted: lakeops stops quietly, exit 0.
    let write = |out: &mut std::io::BufWriter<std::io::Stdout>, text: &str| match out.write_all(text.as_bytes()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Failure::Platform(format!("cannot write: {e}"))),
    };
    let array = args.json && !args.follow;
    let mut printed = 0usize;
    let started = Instant::now();
    loop {
        let want = (limit - printed).min(10_000);
        let batch = platform.read_peek(&mut cursor, want).await?;
        for r in &batch {
            let text = match (args.json, array) {
                (true, true) => {
                    let json = serde_json::to_string_pretty(&to_json(r)).unwrap_or_default();
                    format!("{}  {}", if printed == 0 { "[\n" } else { ",\n" }, json.replace('\n', "\n  "))
                }
                (true, false) => format!("{}\n", to_json(r)),
                (false, _) => to_text(r),
            };
            if !write(&mut out, &text)? {
                return Ok(String::new());
            }
            printed += 1;
        }
        if out.flush().is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
            return Ok(String::new());
        }
        // Every shard read to its end (a closed shard followed): nothing more will come.
        let exhausted = cursor.shards.iter().all(|s| s.finished);
        if printed >= limit || exhausted || (!args.follow && started.elapsed() >= Duration::from_secs(args.wait)) {
            break;
        }
        // Each shard is read at most once a second.
        tokio::time::sleep(Duration::from_millis(1_000)).await;
    }
    let closed = args.shard.as_ref().filter(|id| facts.shards.iter().any(|s| &s.id == *id && !s.open));
    let closed = closed.filter(|_| printed == 0).map(|shard| {
        format!(
            "no records on {shard} from {}: it is closed (resharded) and takes no new records; --from trim-horizon reads what it holds",
            from.label()
        )
    });
    if array {
        write(&mut out, if printed == 0 { "[]\n" } else { "\n]\n" })?;
        let _ = out.flush();
        // The JSON is the document; why it is empty goes to stderr.
        if let Some(closed) = closed {
            crate::note!("lakeops: {closed}");
        }
        return Ok(String::new());
    }
    let _ = out.flush();
    if let Some(closed) = closed {
        return Ok(format!("{closed}\n"));
    }
    if printed == 0 {
        return Ok(format!(
            "no records on {} from {} within {} s (try --from trim-horizon or a longer --wait)\n",
            args.stream,
            from.label(),
            args.wait
        ));
    }
    Ok(String::new())
}

/// A record for scripts: the data parsed when it is JSON, as text when it is UTF-8, and
/// always as base64. serde_json escapes control characters, so this is safe on a terminal.
pub fn to_json(r: &PeekRecord) -> Value {
    let parsed: Option<Value> = serde_json::from_slice(&r.data).ok();
    let text = std::str::from_utf8(&r.data).ok().filter(|_| parsed.is_none());
    json!({
        "arrival": r.arrival.to_rfc3339(),
        "shard": r.shard,
        "partition_key": r.partition_key,
        "sequence": r.sequence,
        "data": parsed,
        "text": text,
        "data_base64": aws_smithy_types::base64::encode(&r.data),
    })
}

/// A record for people: a header line, then the data pretty-printed or dumped, all sanitized.
pub fn to_text(r: &PeekRecord) -> String {
    let mut out = format!(
        "{}  {}  key {}  seq {}\n",
        r.arrival.format("%Y-%m-%d %H:%M:%S%.3f UTC"),
        sanitize(&r.shard),
        sanitize(&r.partition_key),
        sanitize(&r.sequence)
    );
    for line in record_view::lines(&r.data) {
        out.push_str("  ");
        out.push_str(&record_view::plain(&line));
        out.push('\n');
    }
    out
}
