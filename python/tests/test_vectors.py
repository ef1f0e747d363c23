"""The shared reference vectors (crates/presign/tests/vectors/presign-vectors.json,
made with botocore 1.43.11's generate_presigned_url) through the Python API,
byte for byte.

Each case's method and query parameters are turned into boto3's
``ClientMethod`` and ``Params`` the way botocore's model names them (the query
``versionId`` is ``VersionId``, ``x-amz-meta-*`` headers are ``Metadata``, ...).
A case that boto3's API cannot express is skipped with its reason, and
counted: a query parameter that is not a member of the operation (``x-id``), a
name given twice (a dict has each key once), a raw non-ASCII ``x-amz-meta-*``
value (``Metadata`` values beyond ASCII are RFC 2047-encoded, as the
``presign`` command's ``--meta`` does).
Negative cases must be refused with ``presign.PresignError``, but those about
input forms the Python API does not have: a fractional ``expires`` (``ExpiresIn``
is an ``int``) and timestamps written with an offset or a fraction (``now`` is an
aware ``datetime``).
"""

import json

import botocore.session
import presign
from support import REPO, utc

VECTORS = REPO / "crates" / "presign" / "tests" / "vectors" / "presign-vectors.json"
MODEL = botocore.session.Session().get_service_model("s3")


def client_method(method, query_names):
    """The operation botocore would presign for this method and query."""
    if method == "GET":
        return "ListParts" if "uploadId" in query_names else "GetObject"
    if method == "HEAD":
        return "HeadObject"
    if method == "PUT":
        return "UploadPart" if "uploadId" in query_names else "PutObject"
    if method == "POST":
        return "CreateMultipartUpload" if "uploads" in query_names else "CompleteMultipartUpload"
    return "AbortMultipartUpload" if "uploadId" in query_names else "DeleteObject"


def members(operation):
    by_query, by_header = {}, {}
    for name, shape in MODEL.operation_model(operation).input_shape.members.items():
        location = shape.serialization.get("location")
        wire = shape.serialization.get("name", name)
        if location == "querystring":
            by_query[wire] = (name, shape.type_name)
        elif location == "header":
            by_header[wire.lower()] = (name, shape.type_name)
    return by_query, by_header


def boto3_call(inputs):
    """(ClientMethod, Params, HttpMethod) for a vector, or the reason there is none."""
    names = [name for name, _ in inputs["query"]]
    if len(set(names)) != len(names):
        return "a query name given twice cannot be a key of Params twice"
    headers = [name.lower() for name in inputs["signed_headers"]]
    if len(set(headers)) != len(headers):
        return "a header given twice cannot be a key of Params twice"
    operation = client_method(inputs["method"], names)
    by_query, by_header = members(operation)
    params = {"Bucket": inputs["bucket"], "Key": inputs["key"]}
    for name, value in inputs["query"]:
        if name == "uploads" and operation == "CreateMultipartUpload":
            continue
        if name not in by_query:
            return f"query parameter {name!r} is not a member of {operation}"
        member, kind = by_query[name]
        params[member] = int(value) if kind in ("integer", "long") else value
    for name, value in inputs["signed_headers"].items():
        lower = name.lower()
        if lower.startswith("x-amz-meta-"):
            if not value.isascii():
                return "a Metadata value beyond ASCII is RFC 2047-encoded (docs/botocore-differences.md)"
            params.setdefault("Metadata", {})[name[len("x-amz-meta-"):]] = value
            continue
        if lower not in by_header:
            return f"header {name!r} is not a member of {operation}"
        member, kind = by_header[lower]
        params[member] = int(value) if kind in ("integer", "long") else value
    return botocore.xform_name(operation), params, inputs["method"]


def sign(inputs):
    call = boto3_call(inputs)
    if isinstance(call, str):
        return None, call
    method, params, http_method = call
    client = presign.Client(
        region_name=inputs["region"],
        endpoint_url=inputs["endpoint"],
        aws_access_key_id=inputs["access_key"],
        aws_secret_access_key=inputs["secret_key"],
        aws_session_token=inputs["session_token"],
        addressing_style=inputs["addressing_style"],
    )
    return (
        client.generate_presigned_url(
            method,
            Params=params,
            ExpiresIn=inputs["expires"],
            HttpMethod=http_method,
            now=utc(inputs["timestamp"]),
        ),
        None,
    )


def test_every_positive_case_is_reproduced_byte_for_byte():
    corpus = json.loads(VECTORS.read_text())
    compared, skipped, failures = 0, [], []
    for case in corpus["cases"]:
        url, reason = sign(case["inputs"])
        if reason is not None:
            skipped.append((case["id"], reason))
            continue
        compared += 1
        expected = case["expected"]
        if url != expected["url"] and url not in expected.get("alt_urls", []):
            failures.append(f"{case['id']}:\n  expected {expected['url']}\n  got      {url}")
    print(f"{compared} vectors compared, {len(skipped)} skipped: {skipped}")
    assert not failures, "\n".join(failures)
    # Only the cases with x-id (3 of 250) cannot be said in boto3's terms.
    assert compared >= len(corpus["cases"]) - 5, skipped
    assert all("x-id" in reason for _, reason in skipped), skipped


def test_every_negative_case_is_refused():
    corpus = json.loads(VECTORS.read_text())
    accepted = []
    for case in corpus["negative"]:
        inputs = case["inputs"]
        if not isinstance(inputs["expires"], int):
            continue  # a fraction of a second: ExpiresIn is an int in boto3's API too
        if not inputs["timestamp"].endswith("Z") or "." in inputs["timestamp"]:
            continue  # the text form of --at: Python passes an aware datetime instead
        try:
            url, reason = sign(inputs)
        except (presign.PresignError, TypeError):
            continue
        if reason is None:
            accepted.append(f"{case['id']} ({case['why']}): {url}")
    assert not accepted, "\n".join(accepted)
