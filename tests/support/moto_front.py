"""moto, fronted for the CloudWatch Smithy RPC v2 CBOR protocol.

aws-sdk-cloudwatch >= 1.100 speaks Smithy RPC v2 CBOR; moto 5.2.5 answers CloudWatch only in
the Query and AWS JSON 1.0 protocols. This server runs moto's own WSGI application on one
loopback port and translates CloudWatch CBOR requests to JSON 1.0 and the answers back to
CBOR, typing timestamps from botocore's CloudWatch service model. Every other request goes
to moto untouched.

moto computes no extended statistics (p99, tm90, …): asked for one, it fails the whole
GetMetricData call with a 500. The front takes such queries out before moto sees them and
answers them as real CloudWatch answers a series without datapoints (Complete, no values).

moto writes some timestamps as Python prints them ("2026-03-20T10:00:00.123456", no zone) where
the protocol carries epoch seconds (DMS, AWS JSON 1.1) or an RFC 3339 time with its zone (MSK,
REST-JSON): botocore reads either, the Rust SDK neither. For those services (`RETYPED`) the front
retypes the answer's timestamps from botocore's model of the operation.

Every AWS operation it is asked for is noted, in order, and `GET /_lakeops/operations` answers
the list as JSON: the write-gate tests count the changes that reach moto. `GET
/_lakeops/requests` answers each noted request with its User-Agent and the access key it was
signed with ({"operation", "user_agent", "access_key", "metrics"}: the metric queries of a
GetMetricData request, which AWS bills): a test signs with a key of its own to find its
requests, and checks lakeops' app name is in them.

`POST /_lakeops/fail` with {"operation": "UpdateShardCount", "contains": "orders-1",
"how": "500" | "drop", "forward": true, "times": 1} makes the next matching requests (the
operation, and the body containing the text) fail: moto handles the request first when
`forward` is true (the change lands and its answer is lost), then the client gets a 500 or a
connection closed without an answer.

Usage: python moto_front.py PORT   (prints "ready PORT" on stdout once it serves)
"""

import datetime
import io
import json
import os
import re
import socket
import sys
import threading
import time

import botocore.session
import cbor2
from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

CBOR_PREFIX = "/service/GraniteServiceVersion20100801/operation/"
JSON_TARGET = "GraniteServiceVersion20100801."

_model = botocore.session.get_session().get_service_model("cloudwatch")
# Query error codes ("ResourceNotFound") to the error shapes the CBOR protocol names.
_error_shapes = {shape.error_code: shape.name for shape in _model.error_shapes}


def _is_extended(query):
    stat = (query.get("MetricStat") or {}).get("Stat", "")
    return stat[:1] == "p" or stat[:2] in ("tm", "wm", "tc", "ts", "pr") or stat.startswith("IQM")


def _split_extended(operation, request):
    """Takes out of a GetMetricData request the queries moto cannot answer."""
    if operation != "GetMetricData":
        return []
    queries = request.get("MetricDataQueries") or []
    extended = [q for q in queries if _is_extended(q)]
    request["MetricDataQueries"] = [q for q in queries if not _is_extended(q)]
    return extended


def _to_json_value(value):
    """CBOR-decoded request values to what JSON 1.0 carries (timestamps as epoch seconds)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _to_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json_value(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode()
    return value


def _parse_time(value):
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    if isinstance(value, str):
        text = value.replace("Z", "+00:00")
        try:
            parsed = datetime.datetime.fromisoformat(text)
        except ValueError:
            return value
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return parsed
    return value


def _typed(value, shape):
    """JSON 1.0 response values to CBOR values, guided by the output shape."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        out = {}
        for key, member in value.items():
            member_shape = shape.members.get(key)
            out[key] = _typed(member, member_shape)
        return out
    if kind == "list" and isinstance(value, list):
        return [_typed(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _typed(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        return _parse_time(value)
    if kind in ("double", "float") and isinstance(value, (int, str)):
        return float(value)
    return value


# Services whose JSON answers moto gives with timestamps the Rust SDK cannot read.
RETYPED = {"dms", "kafka"}


def _service_of(environ):
    """The service a request is signed for (its credential scope)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = auth.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    return scope[3] if len(scope) > 3 else None


def _uri_part(part):
    """A piece of a request URI template as a regex: `{label}` one path segment, `{label+}` more."""
    if part.startswith("{") and part.endswith("+}"):
        return ".+"
    if part.startswith("{"):
        return "[^/]+"
    return re.escape(part)


def _operation(model, environ):
    """The operation of a JSON request: its X-Amz-Target, or (REST-JSON) its method and path."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return model.operation_model(target.rsplit(".", 1)[-1])
    # The path as sent: an ARN in it keeps its "/" encoded as one segment.
    method, path = environ.get("REQUEST_METHOD"), environ.get("RAW_URI") or environ.get("PATH_INFO", "")
    path = path.split("?", 1)[0]
    best = None
    for name in model.operation_names:
        op = model.operation_model(name)
        if op.http.get("method") != method:
            continue
        uri = op.http.get("requestUri", "/").split("?")[0]
        pattern = "^" + "".join(_uri_part(part) for part in re.split(r"(\{[^}]+\})", uri)) + "$"
        if re.match(pattern, path):
            literal = len(re.sub(r"\{[^}]+\}", "", uri))
            if best is None or literal > best[0]:
                best = (literal, op)
    return best[1] if best else None


def _retime(value, shape):
    """Timestamps of a JSON answer as the protocol carries them, guided by the output shape."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if wire in value:
                value[wire] = _retime(value[wire], member)
        return value
    if kind == "list" and isinstance(value, list):
        return [_retime(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _retime(v, shape.value) for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, str):
        parsed = _parse_time(value)
        if not isinstance(parsed, datetime.datetime):
            return value
        if shape.serialization.get("timestampFormat") == "iso8601":
            return parsed.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return parsed.timestamp()
    return value


def _retyped(inner, service, environ, start_response):
    """moto's answer with its timestamps retyped (see RETYPED)."""
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    chunks = inner(environ, capture)
    try:
        answer = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    status, headers = captured.get("status", "500 Internal Server Error"), captured.get("headers", [])
    if status.startswith("2") and answer.strip():
        try:
            model = botocore.session.get_session().get_service_model(service)
            op = _operation(model, environ)
            answer = json.dumps(_retime(json.loads(answer), op.output_shape if op else None)).encode()
        except ValueError:
            pass
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(answer))))
    start_response(status, headers)
    return [answer]


class Ledger:
    """The operations asked for, in order (a thread-safe list)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.operations = []
        self.requests = []

    def note(self, environ):
        """Names the operation of a request, leaving its body readable for moto."""
        operation = None
        metrics = 0
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        path = environ.get("PATH_INFO", "")
        if target:
            operation = target.rsplit(".", 1)[-1]
        elif path.startswith(CBOR_PREFIX):
            operation = path[len(CBOR_PREFIX):]
            if operation == "GetMetricData":
                metrics = _metric_queries(environ)
        elif environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(raw)
            for pair in raw.decode("utf-8", "replace").split("&"):
                if pair.startswith("Action="):
                    operation = pair[len("Action="):]
        if operation:
            request = {
                "operation": operation,
                "user_agent": environ.get("HTTP_USER_AGENT", ""),
                "access_key": _access_key(environ),
                "metrics": metrics,
            }
            with self.lock:
                self.operations.append(operation)
                self.requests.append(request)
        return operation

    def answer(self, start_response, requests=False):
        with self.lock:
            body = json.dumps(self.requests if requests else self.operations).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def _metric_queries(environ):
    """How many metric queries a CBOR GetMetricData request asks for (what AWS bills), leaving
    its body readable for moto."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    request = cbor2.loads(raw) if raw else {}
    return len(request.get("MetricDataQueries") or [])


def _access_key(environ):
    """The access key of a SigV4 Authorization header (`Credential=KEY/date/region/…`)."""
    match = re.search(r"Credential=([^/,\s]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else ""


class Faults:
    """Requests to fail, set through `POST /_lakeops/fail` (a thread-safe list)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = []

    def add(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        fault = json.loads(environ["wsgi.input"].read(length) or b"{}")
        fault.setdefault("times", 1)
        with self.lock:
            self.pending.append(fault)
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
        return [b"{}"]

    def take(self, operation, environ):
        """The fault set for this request, if any (used up after `times` requests)."""
        with self.lock:
            if not any(f["operation"] == operation for f in self.pending):
                return None
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        body = raw.decode("utf-8", "replace")
        with self.lock:
            for fault in self.pending:
                if fault["operation"] == operation and fault.get("contains", "") in body:
                    fault["times"] -= 1
                    if fault["times"] <= 0:
                        self.pending.remove(fault)
                    return fault
        return None


def _fail(fault, environ, start_response):
    """Answers a request the way a lost answer looks to the client."""
    if fault.get("how") == "drop":
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        start_response("500 Internal Server Error", [("Content-Length", "0"), ("Connection", "close")])
        return [b""]
    if environ.get("HTTP_X_AMZ_TARGET"):
        body = json.dumps({"__type": "InternalFailure", "message": "injected by the test front"}).encode()
        kind = "application/x-amz-json-1.1"
    else:
        body = (
            b"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
            b"<Message>injected by the test front</Message></Error><RequestId>front</RequestId></ErrorResponse>"
        )
        kind = "text/xml"
    start_response("500 Internal Server Error", [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


class CborFront:
    def __init__(self, inner):
        self.inner = inner
        self.ledger = Ledger()
        self.faults = Faults()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/_lakeops/operations":
            return self.ledger.answer(start_response)
        if path == "/_lakeops/requests":
            return self.ledger.answer(start_response, requests=True)
        if path == "/_lakeops/fail":
            return self.faults.add(environ, start_response)
        operation = None
        if not path.startswith("/moto-api"):
            operation = self.ledger.note(environ)
        fault = self.faults.take(operation, environ) if operation else None
        if fault is None:
            return self.serve(environ, start_response)
        if fault.get("forward", True):
            chunks = self.serve(environ, lambda status, headers, exc_info=None: (lambda data: None))
            try:
                b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        return _fail(fault, environ, start_response)

    def serve(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "POST" or not path.startswith(CBOR_PREFIX):
            service = _service_of(environ)
            if service in RETYPED:
                return _retyped(self.inner, service, environ, start_response)
            return self.inner(environ, start_response)
        operation = path[len(CBOR_PREFIX):]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        request = cbor2.loads(raw) if raw else {}
        extended = _split_extended(operation, request)
        body = json.dumps(_to_json_value(request)).encode()

        environ = dict(environ)
        environ["PATH_INFO"] = "/"
        environ["CONTENT_TYPE"] = "application/x-amz-json-1.0"
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["HTTP_X_AMZ_TARGET"] = JSON_TARGET + operation
        environ["wsgi.input"] = io.BytesIO(body)

        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers
            return lambda data: None

        chunks = self.inner(environ, capture)
        try:
            answer = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status = captured.get("status", "500 Internal Server Error")
        document = json.loads(answer) if answer.strip() else {}
        if status.startswith("2") and extended:
            document.setdefault("MetricDataResults", []).extend(
                {"Id": q["Id"], "Label": q.get("Label", q["Id"]), "Timestamps": [], "Values": [], "StatusCode": "Complete"}
                for q in extended
            )
        if status.startswith("2"):
            try:
                shape = _model.operation_model(operation).output_shape
            except Exception:  # unknown operation: pass the document as is
                shape = None
            document = _typed(document, shape)
        else:
            code = document.get("__type", "InternalFailure").split("#")[-1]
            document = {
                "__type": "com.amazonaws.cloudwatch#" + _error_shapes.get(code, code),
                "message": document.get("message") or document.get("Message") or "",
            }
            query_code = code
        out = cbor2.dumps(document, datetime_as_timestamp=True, timezone=datetime.timezone.utc)
        headers = [
            ("Content-Type", "application/cbor"),
            ("Content-Length", str(len(out))),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("x-amzn-RequestId", "moto-front"),
        ]
        if not status.startswith("2"):
            headers.append(("x-amzn-query-error", query_code + ";Sender"))
        start_response(status, headers)
        return [out]


def _exit_with_parent():
    """Stop when the process that started us is gone (test binaries never run destructors)."""
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    app = CborFront(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, True, request_handler=MotoRequestHandler)
    print("ready", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
