"""One call of the Lambda Invoke API with boto3, unmodified: LambdaIT runs it with Debian's python3-boto3.

argv[1] is a JSON object: endpoint, optional keyId/secret (else the credentials file in the environment), optional
payloadBytes (a JSON string of that many bytes instead of invoke.Payload), and invoke: the arguments of
client.invoke. Prints one JSON object: what boto3 returned, or the error it raised.
"""
import base64
import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

spec = json.loads(sys.argv[1])
keys = {}
if "keyId" in spec:
    keys = {"aws_access_key_id": spec["keyId"], "aws_secret_access_key": spec["secret"]}
session = boto3.session.Session(**keys)
# One attempt: a test must see what the gateway answered, not a retry of it.
client = session.client("lambda", endpoint_url=spec["endpoint"], region_name=spec.get("region", "us-east-1"),
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=120))
args = dict(spec["invoke"])
if "payloadBytes" in spec:
    args["Payload"] = '"' + "x" * (spec["payloadBytes"] - 2) + '"'
started = time.monotonic()
try:
    r = client.invoke(**args)
    seconds = time.monotonic() - started
    log = r.get("LogResult")
    print(json.dumps({
        "status": r["StatusCode"],
        "functionError": r.get("FunctionError"),
        "executedVersion": r.get("ExecutedVersion"),
        "payload": r["Payload"].read().decode("utf-8", "replace"),
        "log": base64.b64decode(log).decode("utf-8", "replace") if log else None,
        "requestId": r["ResponseMetadata"].get("RequestId"),
        "seconds": round(seconds, 3),
    }))
except ClientError as e:
    print(json.dumps({
        "error": e.response["Error"].get("Code"),
        "message": e.response["Error"].get("Message"),
        "httpStatus": e.response["ResponseMetadata"].get("HTTPStatusCode"),
    }))
