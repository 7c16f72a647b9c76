"""Creates what `benches/snapshot.sh` measures `lakeops status` over, on a local moto server.

N Kinesis streams and N Glue jobs (named PREFIX-stream-000…, PREFIX-job-000…), the pipeline's
other named resources (crawler, database, DLQ, state machine, Athena workgroup), one minute of
Kinesis metrics per stream, and a profile that discovers them all. Prints the profile's path.

Usage: python snapshot_setup.py ENDPOINT N PREFIX DIR
"""

import datetime
import sys

import boto3

ENDPOINT, N, PREFIX, DIR = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")


def client(service):
    return SESSION.client(service, endpoint_url=ENDPOINT)


def main():
    kinesis, glue, cloudwatch = client("kinesis"), client("glue"), client("cloudwatch")
    streams = [f"{PREFIX}-stream-{i:03d}" for i in range(N)]
    jobs = [f"{PREFIX}-job-{i:03d}" for i in range(N)]
    for i, name in enumerate(streams):
        kinesis.create_stream(StreamName=name, ShardCount=1 + i % 4)
    for name in jobs:
        glue.create_job(Name=name, Role="arn:aws:iam::123456789012:role/glue", Command={"Name": "glueetl"})
    glue.create_database(DatabaseInput={"Name": f"{PREFIX}_db"})
    glue.create_crawler(
        Name=f"{PREFIX}-crawler",
        Role="arn:aws:iam::123456789012:role/glue",
        DatabaseName=f"{PREFIX}_db",
        Targets={"S3Targets": [{"Path": f"s3://{PREFIX}-raw/"}]},
    )
    client("sqs").create_queue(QueueName=f"{PREFIX}-dlq")
    client("stepfunctions").create_state_machine(
        name=f"{PREFIX}-nightly",
        definition='{"StartAt": "Curate", "States": {"Curate": {"Type": "Pass", "End": true}}}',
        roleArn="arn:aws:iam::123456789012:role/states",
    )
    client("athena").create_work_group(Name=f"{PREFIX}-ops")
    # A minute of traffic on every stream, so that each stream is judged on numbers.
    minute = datetime.datetime.now(datetime.timezone.utc).replace(second=10, microsecond=0)
    minute -= datetime.timedelta(minutes=1)
    data = [
        {
            "MetricName": "IncomingRecords",
            "Dimensions": [{"Name": "StreamName", "Value": name}],
            "Timestamp": minute,
            "Value": 6000.0,
            "Unit": "Count",
        }
        for name in streams
    ]
    for start in range(0, len(data), 500):
        cloudwatch.put_metric_data(Namespace="AWS/Kinesis", MetricData=data[start : start + 500])
    profile = f"{DIR}/{PREFIX}.toml"
    with open(profile, "w") as f:
        f.write(
            f"""name = "snapshot-bench"
backend = "aws"
[aws]
region = "us-east-1"
endpoint_url = "{ENDPOINT}"
max_attempts = 2
[platform]
stack_name = "{PREFIX}"
discover = true
[platform.stream]
name = "{streams[0]}"
[platform.lambda]
function = "{PREFIX}-ingest"
[platform.glue]
database = "{PREFIX}_db"
crawler = "{PREFIX}-crawler"
job = "{jobs[0]}"
[platform.redshift]
mode = "serverless"
name = "{PREFIX}-wh"
[platform.athena]
workgroup = "{PREFIX}-ops"
[platform.dlq]
queue = "{PREFIX}-dlq"
[platform.orchestration]
state_machine = "{PREFIX}-nightly"
"""
        )
    print(profile)


main()
