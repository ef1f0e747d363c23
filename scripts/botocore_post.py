#!/usr/bin/env python3
"""Sign many POST policies with botocore, each at its own frozen instant.

The reference side of presign's POST policy differential test
(crates/presign-cli/tests/differential/post.rs). Reads a JSON array of inputs
on stdin, each an object with

    endpoint, botocore_default_endpoint, addressing_style, region,
    access_key, secret_key, session_token, timestamp
                      as for scripts/botocore_presign.py (the same client)
    bucket, key       generate_presigned_post's Bucket and Key
    expires           ExpiresIn, seconds
    fields            [[name, value], ...]: Fields, a dict built in this order
                      (a repeated name keeps its first place, last value)
    conditions_json   the Conditions list as JSON text (parsed with
                      json.loads, so NaN and Infinity may appear)

and writes a JSON array of the same length on stdout: for each input either
{"url": URL, "fields": [[name, value], ...]} (the fields in botocore's
order) or a string starting with "ERROR: " saying why botocore produced none.

botocore is driven through its public API: client.generate_presigned_post(
Bucket, Key, Fields=..., Conditions=..., ExpiresIn=...). Environment
isolation, the frozen clock and the client cache are botocore_presign.py's;
the clock of botocore.signers (which dates the policy's expiration) is
frozen too.
"""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore_presign as common  # noqa: E402  (isolates the environment first)
import botocore.signers  # noqa: E402

if not hasattr(botocore.signers, "get_current_datetime"):
    raise SystemExit("botocore %s has no botocore.signers.get_current_datetime to freeze"
                     % botocore.__version__)
botocore.signers.get_current_datetime = common._frozen_now


def presign_post(inp):
    client = common.client_for(inp)
    fields = {}
    for name, value in inp["fields"]:
        fields[name] = value
    conditions = json.loads(inp["conditions_json"])
    common._NOW[0] = datetime.datetime.strptime(inp["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    try:
        answer = client.generate_presigned_post(
            inp["bucket"], inp["key"], Fields=fields, Conditions=conditions,
            ExpiresIn=inp["expires"])
    finally:
        common._NOW[0] = None
    for name, value in answer["fields"].items():
        if not isinstance(value, str):
            raise TypeError("field %r is not a string: %r" % (name, value))
    return {"url": answer["url"], "fields": list(answer["fields"].items())}


def main():
    inputs = json.loads(sys.stdin.buffer.read())
    if not isinstance(inputs, list):
        raise SystemExit("expected a JSON array of inputs on stdin")
    out = []
    errors = 0
    for inp in inputs:
        try:
            out.append(presign_post(inp))
        except Exception as err:  # noqa: BLE001 - reported per input
            errors += 1
            text = " ".join(str(err).split())
            out.append("ERROR: %s: %s" % (type(err).__name__, text[:500]))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    sys.stderr.write("botocore_post: botocore %s, %d inputs, %d clients, %d errors\n" % (
        botocore.__version__, len(inputs), len(common.CLIENTS), errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
