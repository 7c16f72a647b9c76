# lakeops ingest: Kinesis records -> raw zone, JSON lines by event date, PII masked.
import base64, hashlib, json, os, time, uuid
from collections import defaultdict
import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["RAW_BUCKET"]
PII = [f.split(".") for f in os.environ.get("PII_FIELDS", "").split(",") if f]


def mask(event):
    for path in PII:
        node = event
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and node.get(path[-1]) is not None:
            value = str(node[path[-1]]).encode()
            node[path[-1]] = "sha256:" + hashlib.sha256(value).hexdigest()[:16]
    return event


def handler(batch, context):
    lines, failures = defaultdict(list), []
    for record in batch["Records"]:
        seq = record["kinesis"]["sequenceNumber"]
        try:
            event = json.loads(base64.b64decode(record["kinesis"]["data"]))
            day = time.strptime(event["timestamp"][:10], "%Y-%m-%d")
        except (ValueError, KeyError, TypeError):
            failures.append({"itemIdentifier": seq})
            continue
        part = time.strftime("year=%Y/month=%m/day=%d", day)
        lines[part].append(json.dumps(mask(event), separators=(",", ":")))
    for part, rows in lines.items():
        key = f"{part}/{context.function_name}-{uuid.uuid4()}.json"
        s3.put_object(Bucket=BUCKET, Key=key, Body="\n".join(rows).encode())
    return {"batchItemFailures": failures}
