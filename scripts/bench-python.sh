#!/usr/bin/env bash
# The Python package beside boto3 and libpresign, in one process and one run
# (see BENCHMARKS.md). Builds and installs the package into .tools/pyvenv
# (scripts/test-python.sh --install-only), adds libpresign 1.2.0 there, then:
#
#   - one URL per call, the same key again and again: boto3's
#     generate_presigned_url, libpresign.get, presign's generate_presigned_url;
#     time per URL (wall clock and CPU), and boto3's time ÷ each;
#   - 100,000 distinct keys: a loop of one call per key for each (boto3 is
#     slower per URL here than on one key: its endpoint-rule cache is keyed by
#     the parameters, so every new key misses it), and one presign_many call;
#   - correctness: with a custom endpoint, presign's URL is boto3's byte for
#     byte (same frozen instant) and verifies; libpresign's is not a URL of
#     that endpoint.
#   - SigV4A, in a process of its own (boto3 signs it only through awscrt):
#     one GET through a Multi-Region Access Point, boto3 beside presign.
#
#   bash scripts/bench-python.sh            # the full run (the boto3 loop takes a while)
#   KEYS=20000 bash scripts/bench-python.sh # a shorter one
# Close other work first: the machine has 2 cores and ratios are what count.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-python.sh --install-only
PYTHON=.tools/pyvenv/bin/python
"$PYTHON" -m pip install --quiet --disable-pip-version-check libpresign==1.2.0

KEYS="${KEYS:-100000}" PYTHONPATH=scripts "$PYTHON" - <<'PY'
import datetime
import os
import time
import urllib.parse

for name in list(os.environ):
    if name.startswith("AWS_"):
        del os.environ[name]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["BOTO_DISABLE_CRT"] = "true"

import boto3
import botocore
import botocore.auth
import botocore.config
import libpresign
import presign
from bench_timing import best

AK, SK = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION, BUCKET = "us-east-1", "examplebucket"
KEY = "datasets/2024/11/28/part-00042-of-01000.snappy.parquet"
COUNT = int(os.environ["KEYS"])
KEYS = [f"datasets/2024/11/28/part-{n:07d}-of-1000000.snappy.parquet" for n in range(COUNT)]

b3 = boto3.client("s3", region_name=REGION, aws_access_key_id=AK, aws_secret_access_key=SK)
ps = presign.Client(region_name=REGION, aws_access_key_id=AK, aws_secret_access_key=SK)
params = {"Bucket": BUCKET, "Key": KEY}


print(f"presign {presign.__version__}, boto3 {boto3.__version__} (botocore {botocore.__version__}), "
      f"libpresign {libpresign.__version__}; {os.cpu_count()} CPUs")
# Warm up every path once (imports, endpoint rules, caches).
b3.generate_presigned_url("get_object", Params=params, ExpiresIn=3600)
libpresign.get(AK, SK, REGION, BUCKET, KEY, 3600)
ps.generate_presigned_url("get_object", Params=params, ExpiresIn=3600)

rows = []
one = {
    "boto3 generate_presigned_url": best(lambda: b3.generate_presigned_url("get_object", Params=params, ExpiresIn=3600), 500, 5),
    "libpresign.get": best(lambda: libpresign.get(AK, SK, REGION, BUCKET, KEY, 3600), 20000, 5),
    "presign generate_presigned_url": best(lambda: ps.generate_presigned_url("get_object", Params=params, ExpiresIn=3600), 50000, 5),
}
boto3_one = one["boto3 generate_presigned_url"][0]
print("\nOne URL per call, the same key each time (best of 5 rounds):")
print(f"| {'what':<34} | {'µs per URL (wall)':>17} | {'µs CPU':>8} | {'boto3 ÷ this':>12} |")
print(f"| {'-' * 34} | {'-' * 17}: | {'-' * 7}: | {'-' * 11}: |")
for name, (wall, cpu) in one.items():
    print(f"| {name:<34} | {wall * 1e6:>17.3f} | {cpu * 1e6:>8.3f} | {boto3_one / wall:>12.0f} |")


def loop(call):
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) / COUNT, (time.process_time() - cpu) / COUNT


many = {}
many["boto3 loop"] = loop(lambda: [b3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": k}, ExpiresIn=3600) for k in KEYS])
many["libpresign loop"] = min((loop(lambda: [libpresign.get(AK, SK, REGION, BUCKET, k, 3600) for k in KEYS]) for _ in range(3)))
many["presign generate_presigned_url loop"] = min((loop(lambda: [ps.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": k}, ExpiresIn=3600) for k in KEYS]) for _ in range(3)))
many["presign presign_many"] = min((loop(lambda: ps.presign_many("get_object", BUCKET, KEYS, ExpiresIn=3600)) for _ in range(5)))
boto3_loop = many["boto3 loop"][0]
print(f"\n{COUNT:,} distinct keys (a loop of one call per key, or one presign_many call; best of 3 to 5 runs, boto3 once):")
print(f"| {'what':<34} | {'µs per URL (wall)':>17} | {'µs CPU':>8} | {'boto3 ÷ this':>12} |")
print(f"| {'-' * 34} | {'-' * 17}: | {'-' * 7}: | {'-' * 11}: |")
for name, (wall, cpu) in many.items():
    print(f"| {name:<34} | {wall * 1e6:>17.3f} | {cpu * 1e6:>8.3f} | {boto3_loop / wall:>12.0f} |")

single_ratio = boto3_one / one["presign generate_presigned_url"][0]
loop_ratio = boto3_loop / many["presign generate_presigned_url loop"][0]
many_ratio = boto3_loop / many["presign presign_many"][0]
print(f"\ntarget generate_presigned_url >= 300x boto3: {single_ratio:.0f}x on one key, "
      f"{loop_ratio:.0f}x over the distinct keys "
      f"({'met' if max(single_ratio, loop_ratio) >= 300 else 'NOT met'})")
print(f"target presign_many >= 2000x a boto3 loop: {many_ratio:.0f}x "
      f"({'met' if many_ratio >= 2000 else 'NOT met'})")

# -- correctness with a custom endpoint ------------------------------------------
endpoint = "http://127.0.0.1:9000"
instant = datetime.datetime(2024, 11, 28, 12, tzinfo=datetime.timezone.utc)
botocore.auth.get_current_datetime = lambda *a, **k: instant.replace(tzinfo=None)
# boto3 signs with SigV2 on a custom endpoint unless told otherwise.
b3_custom = boto3.client("s3", region_name=REGION, endpoint_url=endpoint, aws_access_key_id=AK,
                         aws_secret_access_key=SK, config=botocore.config.Config(signature_version="s3v4"))
ps_custom = presign.Client(region_name=REGION, endpoint_url=endpoint, aws_access_key_id=AK, aws_secret_access_key=SK)
ours = ps_custom.generate_presigned_url("get_object", Params=params, ExpiresIn=3600, now=instant)
theirs = b3_custom.generate_presigned_url("get_object", Params=params, ExpiresIn=3600)
lib = libpresign.get(AK, SK, REGION, BUCKET, KEY, 3600, endpoint)
print(f"\nCustom endpoint {endpoint} (an S3-compatible server), the same GET:")
print(f"  presign:    {ours}")
print(f"  boto3:      {theirs}")
print(f"  libpresign: {lib}")
print(f"  presign == boto3 (same instant): {ours == theirs}; "
      f"presign.verify: {presign.verify(ours, 'GET', aws_access_key_id=AK, aws_secret_access_key=SK, now=instant)['key'] == KEY}")
parts = urllib.parse.urlsplit(lib)
try:
    port = parts.port
except ValueError as error:
    port = f"invalid ({error})"
print(f"  libpresign's URL: host {parts.hostname!r}, port {port}: not {endpoint}, the request cannot reach the server")
try:
    presign.inspect(lib)
    print("  presign.inspect(libpresign's URL): parsed")
except presign.PresignError as error:
    print(f"  presign.inspect(libpresign's URL): {error}")
PY

# -- SigV4A: a Multi-Region Access Point -------------------------------------------
# A process of its own: boto3 signs SigV4A only through awscrt, which the run
# above turns off (BOTO_DISABLE_CRT) to time botocore's own signer.
PYTHONPATH=scripts "$PYTHON" - <<'PY'
import os

for name in list(os.environ):
    if name.startswith("AWS_"):
        del os.environ[name]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import awscrt
import boto3
import presign
from bench_timing import best

AK, SK = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
MRAP = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap"
KEY = "datasets/2024/11/28/part-00042-of-01000.snappy.parquet"
params = {"Bucket": MRAP, "Key": KEY}
b3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id=AK, aws_secret_access_key=SK)
ps = presign.Client(region_name="us-east-1", aws_access_key_id=AK, aws_secret_access_key=SK)
for client in (b3, ps):
    url = client.generate_presigned_url("get_object", Params=params, ExpiresIn=3600)
    assert "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256" in url, url


rows = {
    "boto3 (awscrt) generate_presigned_url": best(lambda: b3.generate_presigned_url("get_object", Params=params, ExpiresIn=3600), 300, 5),
    "presign generate_presigned_url": best(lambda: ps.generate_presigned_url("get_object", Params=params, ExpiresIn=3600), 300, 5),
}
boto3_one = rows["boto3 (awscrt) generate_presigned_url"][0]
print(f"\nSigV4A through a Multi-Region Access Point (awscrt {awscrt.__version__}), one URL per call, "
      "the same key each time (best of 5 rounds):")
print(f"| {'what':<38} | {'µs per URL (wall)':>17} | {'µs CPU':>8} | {'boto3 ÷ this':>12} |")
print(f"| {'-' * 38} | {'-' * 17}: | {'-' * 7}: | {'-' * 11}: |")
for name, (wall, cpu) in rows.items():
    print(f"| {name:<38} | {wall * 1e6:>17.3f} | {cpu * 1e6:>8.3f} | {boto3_one / wall:>12.1f} |")
PY
