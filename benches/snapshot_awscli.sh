#!/usr/bin/env bash
# The reads `lakeops status --json` makes for the profile benches/snapshot_setup.py writes (N
# streams, PREFIX-…), made with the AWS CLI v1 the way a shell script would: one process per call,
# one call after another. The baseline of benches/snapshot.sh; the calls and their order follow
# what lakeops sends (benches/snapshot.sh counts both on the server and prints the two lists).
# Usage: benches/snapshot_awscli.sh ENDPOINT PREFIX   (AWS_CLI: the aws command, default `aws`)
set -euo pipefail
endpoint=$1
prefix=$2
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}
# The profile's `max_attempts = 2`: a failed call is tried once more, as lakeops does.
export AWS_MAX_ATTEMPTS=2 AWS_RETRY_MODE=standard
cli=${AWS_CLI:-aws}
aws() { command "$cli" --endpoint-url "$endpoint" --region us-east-1 --output text "$@"; }
# A call whose failure the status reports rather than stops on (moto serves no LookupEvents).
tolerated() { aws "$@" >/dev/null 2>&1 || true; }

# Kinesis: every stream, 100 a page (ListStreams allows 5 calls a second), then the profile's
# stream and the next 19 described (DescribeStreamSummary: 20 a second per account), the open
# shards of every other stream counted (ListShards: 1,000 a second per stream).
streams=()
after=
while :; do
  # One line: whether there are more, then the page's names.
  read -r -a words < <(aws kinesis list-streams --limit 100 --no-paginate \
    ${after:+--exclusive-start-stream-name "$after"} \
    --query "join(' ', [to_string(HasMoreStreams), join(' ', StreamNames)])")
  more=${words[0]}
  names=("${words[@]:1}")
  [ "${#names[@]}" -gt 0 ] || break
  streams+=("${names[@]}")
  after=${names[-1]}
  [ "$more" = true ] || break
done
for i in "${!streams[@]}"; do
  if [ "$i" -lt 20 ]; then
    aws kinesis describe-stream-summary --stream-name "${streams[$i]}" >/dev/null
  else
    aws kinesis list-shards --stream-name "${streams[$i]}" --shard-filter Type=AT_LATEST >/dev/null
  fi
done

# What else names the series to read, and the rows that need no metrics.
machine=$(aws stepfunctions list-state-machines --query "stateMachines[?name=='$prefix-nightly'].stateMachineArn | [0]")
aws cloudwatch list-metrics --namespace AWS/Firehose --metric-name DeliveryToS3.DataFreshness >/dev/null
aws cloudwatch describe-alarms --alarm-name-prefix "$prefix-" --max-records 100 >/dev/null
queue=$(aws sqs get-queue-url --queue-name "$prefix-dlq" --query QueueUrl)
aws sqs get-queue-attributes --queue-url "$queue" \
  --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible >/dev/null
aws glue get-job --job-name "$prefix-job-000" >/dev/null
aws glue get-job-runs --job-name "$prefix-job-000" --max-results 25 >/dev/null
aws glue get-crawler --name "$prefix-crawler" >/dev/null
# Sent once: lakeops does not retry it (not every endpoint serves Data Quality).
AWS_MAX_ATTEMPTS=1 tolerated glue list-data-quality-rulesets
aws athena list-query-executions --work-group "$prefix-ops" --max-results 50 >/dev/null
tolerated cloudtrail lookup-events --lookup-attributes AttributeKey=ReadOnly,AttributeValue=false \
  --start-time "$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)" --max-results 50

# Every series in GetMetricData calls of at most 500 queries, over the last 3 hours by minute.
queries=$(mktemp -d)
trap 'rm -rf "$queries"' EXIT
series() { # namespace dimension value stat metric...
  local ns=$1 dim=$2 value=$3 stat=$4
  shift 4
  for metric in "$@"; do
    printf '{"Namespace":"%s","MetricName":"%s","Dimension":"%s","Value":"%s","Stat":"%s"}\n' \
      "$ns" "$metric" "$dim" "$value" "$stat"
  done
}
{
  for s in "${streams[@]}"; do
    series AWS/Kinesis StreamName "$s" Sum IncomingRecords IncomingBytes
    series AWS/Kinesis StreamName "$s" Maximum GetRecords.IteratorAgeMilliseconds
    series AWS/Kinesis StreamName "$s" Sum WriteProvisionedThroughputExceeded ReadProvisionedThroughputExceeded
  done
  series AWS/Lambda FunctionName "$prefix-ingest" Sum Invocations Errors Throttles
  series AWS/Lambda FunctionName "$prefix-ingest" Average Duration
  series AWS/Lambda FunctionName "$prefix-ingest" p99 Duration
  series AWS/Lambda FunctionName "$prefix-ingest" Maximum IteratorAge ConcurrentExecutions
  series AWS/SQS QueueName "$prefix-dlq" Maximum ApproximateAgeOfOldestMessage
  series AWS/Redshift-Serverless Workgroup "$prefix-wh" Average ComputeCapacity DatabaseConnections
  if [ -n "$machine" ] && [ "$machine" != None ]; then
    series AWS/States StateMachineArn "$machine" Sum ExecutionsStarted ExecutionsFailed ExecutionsTimedOut \
      ExecutionsAborted ExecutionThrottled
  fi
} | split -l 500 - "$queries/chunk-"
end=$(($(date +%s) / 60 * 60))
for chunk in "$queries"/chunk-*; do
  awk '{ printf "%s{\"Id\":\"m%d\",\"ReturnData\":true,\"MetricStat\":{\"Period\":60,\"Stat\":%s,\"Metric\":{\"Namespace\":%s,\"MetricName\":%s,\"Dimensions\":[{\"Name\":%s,\"Value\":%s}]}}}",
           (NR > 1 ? "," : "["), NR - 1, f($0, "Stat"), f($0, "Namespace"), f($0, "MetricName"), f($0, "Dimension"), f($0, "Value") }
       END { print "]" }
       function f(line, key,   m) { match(line, "\"" key "\":\"[^\"]*\""); return substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3) }' \
    "$chunk" >"$chunk.json"
  aws cloudwatch get-metric-data --metric-data-queries "file://$chunk.json" --scan-by TimestampAscending \
    --start-time "$((end - 3 * 3600))" --end-time "$end" >/dev/null
done

# The rows that read the metrics: the state machine's newest execution.
if [ -n "$machine" ] && [ "$machine" != None ]; then
  aws stepfunctions list-executions --state-machine-arn "$machine" --max-results 25 >/dev/null
fi
