"""Small botocore helper for scripts/servers (run with .tools/venv/bin/python).

  s3util.py wait-bucket ENDPOINT AK SK BUCKET [--timeout S] [--pid PID]
      Until the server answers, create BUCKET (an existing one is fine) and
      check it with HeadBucket. Exit 0 when done, 1 on timeout / dead PID.
  s3util.py presign ENDPOINT AK SK REGION METHOD BUCKET KEY EXPIRES [CONTENT_TYPE]
      Print botocore's presigned URL (path style, s3v4) for the same input
      as presign's, for cross-checks.
"""
import argparse
import os
import sys
import time

import botocore.config
import botocore.session
from botocore.exceptions import ClientError

REGION = "us-east-1"


def client(endpoint, ak, sk, region=REGION, retries=1):
    cfg = botocore.config.Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        retries={"max_attempts": retries, "mode": "standard"},
        connect_timeout=3,
        read_timeout=15,
    )
    return botocore.session.Session().create_client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=ak,
        aws_secret_access_key=sk,
        config=cfg,
    )


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except OSError:
        return False


def wait_bucket(a):
    c = client(a.endpoint, a.ak, a.sk)
    deadline = time.monotonic() + a.timeout
    last = None
    while True:
        if a.pid and not pid_alive(a.pid):
            print(f"s3util: server process {a.pid} is gone", file=sys.stderr)
            return 1
        try:
            try:
                c.create_bucket(Bucket=a.bucket)
            except ClientError as e:
                code = e.response.get("Error", {}).get("Code")
                if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise
            c.head_bucket(Bucket=a.bucket)
            return 0
        except Exception as e:  # not up yet, or still starting its parts
            msg = f"{type(e).__name__}: {e}"
            if msg != last:
                print(f"s3util: waiting for {a.endpoint}: {msg}", file=sys.stderr)
                last = msg
        if time.monotonic() >= deadline:
            print(f"s3util: gave up after {a.timeout} s: {last}", file=sys.stderr)
            return 1
        time.sleep(0.5)


OPS = {"GET": "get_object", "PUT": "put_object", "HEAD": "head_object", "DELETE": "delete_object"}


def presign(a):
    c = client(a.endpoint, a.ak, a.sk, region=a.region)
    params = {"Bucket": a.bucket, "Key": a.key}
    if a.content_type:
        params["ContentType"] = a.content_type
    print(c.generate_presigned_url(OPS[a.method], Params=params, ExpiresIn=a.expires))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait-bucket")
    for n in ("endpoint", "ak", "sk", "bucket"):
        w.add_argument(n)
    w.add_argument("--timeout", type=float, default=60)
    w.add_argument("--pid", type=int)
    s = sub.add_parser("presign")
    for n in ("endpoint", "ak", "sk", "region", "method", "bucket", "key"):
        s.add_argument(n)
    s.add_argument("expires", type=int)
    s.add_argument("content_type", nargs="?")
    a = p.parse_args()
    return wait_bucket(a) if a.cmd == "wait-bucket" else presign(a)


if __name__ == "__main__":
    sys.exit(main())
