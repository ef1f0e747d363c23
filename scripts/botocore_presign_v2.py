#!/usr/bin/env python3
"""Presign S3 requests with botocore's SigV2 (signature_version='s3').

The reference side of presign's SigV2 differential test
(crates/presign-cli/tests/differential_sigv2.rs). Reads the same JSON array
of inputs as scripts/botocore_presign.py (method, endpoint, addressing_style,
bucket, key, region, access_key, secret_key, session_token, timestamp,
expires, query, signed_headers) and writes one presigned URL, or a string
starting with "ERROR: ", per input.

It reuses that script's isolation (no AWS_* variable, no shared files, no
CRT), its mapping from inputs to a botocore operation and its Params, and
its clients, made with ``client_config={"signature_version": "s3"}``
(``Config(signature_version="s3", s3={"addressing_style": ...})``).
SigV2's one clock read is ``time.time()`` inside
``HmacV1QueryAuth._get_date`` (Expires = int(time.time() + expires)); the
``time`` module botocore.auth sees is replaced by one whose ``time()``
returns the input's instant, so botocore's own arithmetic still runs.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore_presign as reference  # noqa: E402  (isolates the environment first)
import botocore  # noqa: E402
import botocore.auth  # noqa: E402

_NOW = [None]


class _FrozenTime:
    """Stands in for the ``time`` module inside botocore.auth."""

    def __getattr__(self, name):
        import time
        return getattr(time, name)

    @staticmethod
    def time():
        if _NOW[0] is None:
            raise RuntimeError("SigV2 clock read outside a frozen instant")
        return _NOW[0]


botocore.auth.time = _FrozenTime()


def client_for(inp):
    """The reference script's client for ``inp``, with signature_version="s3"."""
    return reference.client_for(dict(inp, client_config={"signature_version": "s3"}))


def presign(inp):
    operation = reference.choose_operation(inp["method"], [name for name, _ in inp["query"]])
    params = reference.to_params(operation, inp)
    client = client_for(inp)
    instant = datetime.datetime.strptime(inp["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    _NOW[0] = instant.replace(tzinfo=datetime.timezone.utc).timestamp()
    try:
        return client.generate_presigned_url(
            botocore.xform_name(operation), Params=params,
            ExpiresIn=inp["expires"], HttpMethod=inp["method"])
    finally:
        _NOW[0] = None


def main():
    return reference.run(presign, "botocore_presign_v2", reference.CLIENTS)


if __name__ == "__main__":
    sys.exit(main())
