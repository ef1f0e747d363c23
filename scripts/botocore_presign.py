#!/usr/bin/env python3
"""Presign many S3 requests with botocore, each at its own frozen instant.

The reference side of presign's differential test
(crates/presign-cli/tests/differential.rs). Reads a JSON array of inputs on
stdin, each an object with

    method            GET PUT HEAD DELETE POST
    endpoint          scheme://host[:port][/base/path]
    addressing_style  path | virtual | auto   (botocore's s3.addressing_style)
    bucket, key       the key is a Unicode string, used verbatim
    region            signing region ("" allowed with path style)
    access_key, secret_key, session_token (null when absent)
    timestamp         signing instant, YYYY-MM-DDTHH:MM:SSZ (UTC)
    expires           X-Amz-Expires, seconds
    query             [[name, raw value], ...] extra query parameters
    signed_headers    {name: value} extra headers to sign
    botocore_default_endpoint  (optional, default false) true: botocore gets
                      no endpoint_url and resolves the region's endpoint
                      itself, as `aws s3 presign` without --endpoint-url
                      does; `endpoint` is then only what the other side
                      was given
    client_config     (optional) endpoint settings for botocore's Config, as a
                      program gives them: use_dualstack_endpoint,
                      use_fips_endpoint, and an "s3" object
                      (use_accelerate_endpoint, us_east_1_regional_endpoint,
                      use_arn_region, s3_disable_multiregion_access_points,
                      disable_s3_express_session_auth; its addressing_style
                      is the input's); plus
                      "signature_version": absent means "s3v4", null means
                      botocore's own choice (SigV4A through awscrt for
                      Multi-Region Access Points: run with
                      PRESIGN_BOTOCORE_CRT=1). S3 Express session auth is
                      turned off with "s3": {"disable_s3_express_session_auth":
                      true}: botocore 1.43.11 reads the client Config's value
                      only there (args.py), and the top-level Config
                      argument s3_disable_express_session_auth is dropped
    raw_params        (optional, default false) true: a query parameter of a
                      non-string member (response-expires) goes to botocore as
                      the given string, and a query parameter or header that
                      is no member of the operation goes to it as a Param of
                      that name, so that botocore itself re-formats or refuses
                      them (docs/botocore-differences.md shows what it does);
                      the differential test leaves it false

and writes a JSON array of the same length on stdout: for each input either
the presigned URL botocore produced, or a string starting with "ERROR: "
saying why it produced none (the input cannot be expressed through botocore's
client API, or botocore refused it).

botocore is driven through its public API, as an application would:
``client.generate_presigned_url(operation, Params=..., ExpiresIn=...,
HttpMethod=...)`` on a client made with ``Config(signature_version="s3v4",
s3={"addressing_style": ...})``. The operation follows from the method and the
query parameters (GET + uploadId = ListParts, PUT + partNumber + uploadId =
UploadPart, POST + uploads = CreateMultipartUpload, other POST =
CompleteMultipartUpload, DELETE + uploadId = AbortMultipartUpload); each query
parameter and header must be a member of that operation's input (x-amz-meta-*
headers go through Metadata), in the order given, so the URL keeps the input's
parameter order. ``uploads`` comes from the operation's own request URI.

Isolation: every AWS_* variable is removed and the shared config and
credentials files point at /dev/null before botocore is imported, so nothing
from the machine (profile, region, endpoint, credentials) leaks in. The
signing clock (botocore.auth.get_current_datetime) is replaced by one that
returns the current input's timestamp. Nothing is sent over the network:
presigning is local computation.

Speed: one process for all inputs; one client per (endpoint, region,
addressing style, credentials) combination, cached.
"""
import datetime
import json
import os
import sys


def isolate_environment():
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    # The CRT signer (used when awscrt is importable) is a different
    # implementation; the reference is botocore's own Python signer, except
    # for SigV4A, which botocore signs only through awscrt.
    if os.environ.get("PRESIGN_BOTOCORE_CRT") != "1":
        os.environ["BOTO_DISABLE_CRT"] = "true"


isolate_environment()

import botocore  # noqa: E402  (imported after the environment is cleaned)
import botocore.auth  # noqa: E402
import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402

# -- frozen clock ------------------------------------------------------------

_NOW = [None]


def _frozen_now(*_args, remove_tzinfo=True, **_kwargs):
    if _NOW[0] is None:
        raise RuntimeError("signing clock read outside a frozen instant")
    if remove_tzinfo:
        return _NOW[0]
    return _NOW[0].replace(tzinfo=datetime.timezone.utc)


if not hasattr(botocore.auth, "get_current_datetime"):
    raise SystemExit("botocore %s has no botocore.auth.get_current_datetime to freeze"
                     % botocore.__version__)
botocore.auth.get_current_datetime = _frozen_now
if os.environ.get("PRESIGN_BOTOCORE_CRT") == "1":
    import botocore.crt.auth  # noqa: E402  (needs awscrt)

    botocore.crt.auth.get_current_datetime = _frozen_now

# -- operations and parameters ------------------------------------------------

SESSION = botocore.session.Session()
MODEL = SESSION.get_service_model("s3")
CLIENTS = {}
_MEMBERS = {}


def choose_operation(method, query_names):
    if method == "GET":
        return "ListParts" if "uploadId" in query_names else "GetObject"
    if method == "HEAD":
        return "HeadObject"
    if method == "PUT":
        if "uploadId" in query_names and "partNumber" in query_names:
            return "UploadPart"
        return "PutObject"
    if method == "POST":
        if "uploads" in query_names:
            return "CreateMultipartUpload"
        return "CompleteMultipartUpload"
    if method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in query_names else "DeleteObject"
    raise ValueError("no S3 object operation for method %r" % (method,))


def members(operation):
    """(query name -> (member, shape), lower-case header name -> (member, shape))."""
    if operation not in _MEMBERS:
        shape = MODEL.operation_model(operation).input_shape
        by_query, by_header = {}, {}
        for member, mshape in shape.members.items():
            location = mshape.serialization.get("location")
            name = mshape.serialization.get("name", member)
            if location == "querystring":
                by_query[name] = (member, mshape)
            elif location == "header":
                by_header[name.lower()] = (member, mshape)
        _MEMBERS[operation] = (by_query, by_header)
    return _MEMBERS[operation]


def typed(name, mshape, value, raw=False):
    if mshape.type_name == "string" or (raw and mshape.type_name == "timestamp"):
        return value
    if mshape.type_name in ("integer", "long"):
        number = int(value, 10)
        if str(number) != value:
            raise ValueError("%s=%r does not survive botocore's integer type" % (name, value))
        return number
    raise ValueError("%s has botocore type %s; only strings and integers are passed"
                     % (name, mshape.type_name))


def to_params(operation, inp):
    by_query, by_header = members(operation)
    raw = bool(inp.get("raw_params", False))
    params = {"Bucket": inp["bucket"], "Key": inp["key"]}
    names = [name for name, _ in inp["query"]]
    if len(set(names)) != len(names):
        raise ValueError("a query name given twice cannot be expressed as Params")
    for name, value in inp["query"]:
        if name == "uploads" and operation == "CreateMultipartUpload":
            if value != "":
                raise ValueError("uploads comes from the request URI, with no value")
            continue  # part of the operation's request URI
        if name not in by_query:
            if raw:
                params[name] = value  # botocore refuses it itself
                continue
            raise ValueError("query parameter %r is not an input of %s" % (name, operation))
        member, mshape = by_query[name]
        params[member] = typed(name, mshape, value, raw)
    seen = set()
    for name, value in inp["signed_headers"].items():
        lname = name.lower()
        if lname in seen:
            raise ValueError("header %r given twice" % name)
        seen.add(lname)
        if lname.startswith("x-amz-meta-"):
            # botocore writes "x-amz-meta-" + the Metadata key.
            params.setdefault("Metadata", {})[name[len("x-amz-meta-"):]] = value
            continue
        if lname not in by_header:
            if raw:
                params[name] = value  # botocore refuses it itself
                continue
            raise ValueError("header %r is not an input of %s" % (name, operation))
        member, mshape = by_header[lname]
        params[member] = typed(name, mshape, value)
    return params


def client_for(inp):
    default_endpoint = bool(inp.get("botocore_default_endpoint", False))
    endpoint_url = None if default_endpoint else inp["endpoint"]
    settings = dict(inp.get("client_config") or {})
    cache_key = (endpoint_url, inp["region"], inp["addressing_style"],
                 inp["access_key"], inp["secret_key"], inp["session_token"],
                 json.dumps(settings, sort_keys=True))
    client = CLIENTS.get(cache_key)
    if client is None:
        s3 = dict(settings.pop("s3", {}))
        s3["addressing_style"] = inp["addressing_style"]
        signature_version = settings.pop("signature_version", "s3v4")
        if signature_version is not None:
            settings["signature_version"] = signature_version
        config = Config(s3=s3, **settings)
        client = SESSION.create_client(
            "s3", region_name=inp["region"], endpoint_url=endpoint_url,
            aws_access_key_id=inp["access_key"],
            aws_secret_access_key=inp["secret_key"],
            aws_session_token=inp["session_token"], config=config)
        CLIENTS[cache_key] = client
    return client


def presign(inp):
    operation = choose_operation(inp["method"], [name for name, _ in inp["query"]])
    params = to_params(operation, inp)
    client = client_for(inp)
    _NOW[0] = datetime.datetime.strptime(inp["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    try:
        return client.generate_presigned_url(
            botocore.xform_name(operation), Params=params,
            ExpiresIn=inp["expires"], HttpMethod=inp["method"])
    finally:
        _NOW[0] = None


def run(presign_one, name, clients):
    """Reads the JSON array of inputs on stdin and writes, as a JSON array,
    what ``presign_one`` makes of each: a URL, or "ERROR: Type: message".
    Shared by this script and botocore_presign_v2.py; ``name`` and the
    ``clients`` cache go in the summary line on stderr."""
    inputs = json.loads(sys.stdin.buffer.read())
    if not isinstance(inputs, list):
        raise SystemExit("expected a JSON array of inputs on stdin")
    out = []
    for inp in inputs:
        try:
            out.append(presign_one(inp))
        except Exception as err:  # noqa: BLE001 - reported per input
            text = " ".join(str(err).split())
            out.append("ERROR: %s: %s" % (type(err).__name__, text[:500]))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    sys.stderr.write("%s: botocore %s, %d inputs, %d clients, %d errors\n" % (
        name, botocore.__version__, len(inputs), len(clients),
        sum(1 for url in out if url.startswith("ERROR: "))))
    return 0


def main():
    return run(presign, "botocore_presign", CLIENTS)


if __name__ == "__main__":
    sys.exit(main())
