#!/usr/bin/env python3
"""Randomized SigV4 cases signed by botocore (Debian's python3-botocore), for ferry's cross-check.

    botocore_cases.py --seed 20261124 --count 300   # one JSON object per line on stdout

Each case: an S3 request (method, bucket, raw key with spaces, unicode and reserved characters,
a query string, headers with odd whitespace, a body, a time, credentials with or without a session
token) and what botocore's S3SigV4Auth made of it: the canonical request and the signature.
tests/unit/sigv4_botocore_test.cpp signs the same requests with ferry's signer and compares.
The cases depend only on the seed. Exit status 77: botocore is not installed.
"""
import argparse
import datetime
import hashlib
import json
import random
import sys
from unittest import mock

try:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode
except ImportError:
    sys.stderr.write("botocore is not installed (apt-get install python3-botocore)\n")
    sys.exit(77)

KEY_PIECES = ["a", "Z", "0", "-", "_", ".", "~", " ", "  ", "+", "=", "&", "?", "#", "%", "%20",
              "@", ":", ",", ";", "$", "!", "'", "(", ")", "*", "[", "]", "{", "}", "\"", "<",
              "^", "|", "\\", "é", "ü", "ß", "日本", "данные", "🚀", "/", "//", "./", "../",
              "dt=2026-11-24", "hour=05", "log", ".json.zst"]
QUERY_VALUE_PIECES = ["1", "abc", " ", "/", "+", "=", "&", "é", "~", "*", "%", "日", "A-Z_.~"]
HEADER_VALUE_PIECES = ["x", "Value", " ", "  ", "\t", "a  b", "1,2", ";", "=", "\"q\"", "()"]
METHODS = ["GET", "PUT", "POST", "HEAD", "DELETE"]
REGIONS = ["us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1"]


def pick(rng, pieces, lo, hi):
    return "".join(rng.choice(pieces) for _ in range(rng.randint(lo, hi)))


def random_case(rng, index):
    key = pick(rng, KEY_PIECES, 1, 8)
    params = []
    for _ in range(rng.randint(0, 4)):
        name = rng.choice(["partNumber", "uploadId", "uploads", "prefix", "list-type",
                           "x-id", "marker", "delimiter", "max-keys", "a b", "é"])
        value = "" if name == "uploads" else pick(rng, QUERY_VALUE_PIECES, 0, 4)
        params.append((name, value))
    # The wire form, encoded as SigV4 defines it (what ferry sends and what S3 decodes).
    query = "&".join(f"{percent_encode(n, safe='-_.~')}={percent_encode(v, safe='-_.~')}"
                     for n, v in params)
    headers = []
    used = set()
    for _ in range(rng.randint(0, 4)):
        name = rng.choice(["Content-Type", "x-amz-meta-note", "X-Amz-Meta-Odd",
                           "x-amz-storage-class", "Content-Encoding", "x-amz-checksum-crc32c",
                           "Cache-Control"])
        if name.lower() in used:
            continue
        used.add(name.lower())
        # Leading, trailing and repeated spaces and tabs: both sides must trim and squash them.
        headers.append((name, pick(rng, HEADER_VALUE_PIECES, 1, 6)))
    body = pick(rng, ["line\n", "{}", "é", "\x00", "x" * 100], 0, 3).encode()
    token = rng.choice(["", "", "FwoGZXIvYXdzEXAMPLE/TOKEN+with=chars"])
    when = datetime.datetime(2026, 1, 1) + datetime.timedelta(seconds=rng.randint(0, 3 * 10**7))
    return {"index": index, "method": rng.choice(METHODS), "bucket": "retention", "key": key,
            "query": query, "headers": headers, "body": body.decode("latin-1"),
            "region": rng.choice(REGIONS), "access_key": "AKIDEXAMPLE",
            "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token": token,
            "time": when.strftime("%Y%m%dT%H%M%SZ")}, when


def sign_with_botocore(case, when):
    body = case["body"].encode("latin-1")
    host = "127.0.0.1:4568"
    path = "/" + case["bucket"] + "/" + percent_encode(case["key"], safe="/~")
    url = f"http://{host}{path}" + (f"?{case['query']}" if case["query"] else "")
    request = AWSRequest(method=case["method"], url=url, data=body,
                         headers=dict(case["headers"]))
    credentials = Credentials(case["access_key"], case["secret_key"], case["token"] or None)
    auth = S3SigV4Auth(credentials, "s3", case["region"])
    with mock.patch("botocore.auth.datetime") as fake:
        fake.datetime.utcnow.return_value = when
        fake.datetime.now.return_value = when
        auth.add_auth(request)
    authorization = request.headers["Authorization"]
    del request.headers["Authorization"]  # the canonical request is what was signed before it
    case["host"] = host
    case["payload_sha256"] = hashlib.sha256(body).hexdigest()
    case["canonical_request"] = auth.canonical_request(request)
    case["signature"] = authorization.rpartition("Signature=")[2]
    return case


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for i in range(args.count):
        case, when = random_case(rng, i)
        print(json.dumps(sign_with_botocore(case, when)))


if __name__ == "__main__":
    main()
