"""Differential test: presign's Python API against boto3 (botocore 1.43.11).

Each run generates ``PRESIGN_PY_DIFF_CASES`` (default 1200, at least 1000)
random ``generate_presigned_url`` calls and ``PRESIGN_PY_DIFF_POST_CASES``
(default 300, at least 200) random ``generate_presigned_post`` calls from a
seed (printed; ``PRESIGN_PY_DIFF_SEED=N`` replays a run, by default it comes
from the clock so that runs explore), makes each with ``presign.Client`` and
with a boto3 client whose signing clock is frozen at the same instant, and
requires the same URL byte for byte (for POST: the same URL and the same
fields, in the same order, so the same policy document and signature).

Inputs cover the nine operations and their ``Params`` (strings of every
character class in query parameters, integers, booleans, ``datetime``s in
both timestamp formats, ``Metadata``, ``SSECustomerKey``), ``HttpMethod``,
regions including ``""``, session tokens, custom endpoints (with a base path
too) and AWS's, all three addressing styles.

The generator leaves out what presign decides otherwise on purpose; each
class is listed in ``EXCLUSIONS`` with the reason (the rows of
docs/botocore-differences.md and the Rust differential test,
crates/presign-cli/tests/differential.rs), and enforced where the generator
makes that part of the input.
"""

import datetime
import os
import random
import string
import time

import botocore.session
import presign

EXCLUSIONS = [
    ("addressing auto with an explicit *.amazonaws.com endpoint",
     "botocore's auto is path style whenever an endpoint is given; presign's is virtual-hosted on AWS hosts"),
    ("addressing auto without an endpoint in a region other than us-east-1, bucket without dots",
     "botocore presigns on the global host, presign on the regional one (docs/botocore-differences.md)"),
    ("virtual-hosted style on an IP address with a bucket with dots",
     "botocore puts the bucket in front of the IP; presign uses path style (docs/botocore-differences.md)"),
    ("an empty region with virtual style or without an endpoint",
     "botocore refuses it; presign signs it (IBM COS)"),
    ("regions of digits only, with a leading or trailing '-', FIPS and pseudo-regions",
     "botocore refuses or renames them; presign signs the region as given"),
    ("endpoint hosts with '_', base paths with other than unreserved characters",
     "botocore refuses the host and re-encodes the base path; presign keeps both as written"),
    ("bucket names ending in --x-s3, legacy bucket names",
     "S3 Express directory buckets to botocore; legacy names need presign's opt-in"),
    ("Content-Type exactly 'application/x-www-form-urlencoded; charset=utf-8'",
     "botocore drops that header before signing; presign signs it"),
    ("timestamp strings other than epoch numbers, ISO 8601 and RFC 822",
     "botocore's dateutil guesses free-form dates ('Jan 1 2030'); presign refuses them with a ValueError"),
    ("ExpiresIn of 0 or beyond 604800 s; keys over 1024 bytes",
     "botocore signs URLs S3 refuses; presign refuses them when they are made"),
    ("Metadata values beyond ASCII",
     "botocore refuses them; presign RFC 2047-encodes them, as the presign command's --meta does"),
    ("header values with control characters or beyond ASCII (other than Metadata)",
     "presign refuses what cannot be sent as an HTTP header value"),
    ("Body and MultipartUpload",
     "a presigned URL signs no body; presign says so instead of dropping them"),
    ("POST: an empty key, ExpiresIn beyond 7 days, a dict condition naming a field twice",
     "as the Rust POST differential test (crates/presign-cli/tests/differential/post.rs)"),
]

MODEL = botocore.session.Session().get_service_model("s3")
OPERATIONS = [
    "GetObject", "PutObject", "HeadObject", "DeleteObject", "UploadPart",
    "CreateMultipartUpload", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
]
AWS_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "sa-east-1"]
OTHER_REGIONS = ["eu-de", "us-south", "auto", "garage", "local-1", ""]
CUSTOM_ENDPOINTS = [
    "http://127.0.0.1:9000",
    "https://s3.example.com",
    "http://localhost:9000",
    "https://s3.eu-de.cloud-object-storage.appdomain.cloud",
    "http://minio.local:9000/base",
    "https://gateway.example.com:8443/storage/v1",
    "HTTPS://S3.Example.COM:443",
    "http://[::1]:9000",
]
AWS_ENDPOINTS = ["https://s3.amazonaws.com", "https://s3.eu-west-1.amazonaws.com"]
PLAIN_BUCKETS = ["examplebucket", "my-bucket", "data-2024", "abc", "b" * 63, "x1-y2-z3"]
DOTTED_BUCKETS = ["my.dotted.bucket", "a.b.c", "logs.example.com"]
CONTEXTS = 48
FORM_URLENCODED = "application/x-www-form-urlencoded; charset=utf-8"
KEY_ATOMS = ["a", "Z", "0", "/", "//", " ", "+", "%", "%20", "~", "-", "_", ".", "..", "?", "#",
             "&", "=", ";", ":", "@", "$", "!", "*", "'", "(", ")", "[", "]", "é", "e\u0301",
             "日本", "😀", "\u00a0", "\t", "photos/2024/", "report (final).pdf"]
VALUE_ATOMS = KEY_ATOMS + ["attachment; filename=\"a b.txt\"", "text/plain; charset=utf-8", "\n"]
HEADER_CHARS = string.ascii_letters + string.digits + " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
TOKEN_CHARS = string.ascii_lowercase + string.digits + "-"


def seed():
    given = os.environ.get("PRESIGN_PY_DIFF_SEED")
    return int(given, 0) if given else time.time_ns() % 2**32


def count(name, default, minimum):
    value = int(os.environ.get(name, default))
    assert value >= minimum, f"{name} must be at least {minimum}"
    return value


def text(rng, atoms, low, high):
    return "".join(rng.choice(atoms) for _ in range(rng.randint(low, high)))


def header_text(rng):
    return "".join(rng.choice(HEADER_CHARS) for _ in range(rng.randint(0, 24)))


def some_datetime(rng):
    moment = datetime.datetime(1971, 1, 1) + datetime.timedelta(
        seconds=rng.randrange(0, 130 * 365 * 86400),
        microseconds=rng.choice([0, 0, rng.randrange(1, 10**6)]),
    )
    if rng.random() < 0.5:
        return moment  # naive: UTC to both
    offset = datetime.timedelta(minutes=rng.choice([-600, -330, 0, 60, 345, 840]))
    return (moment + offset).replace(tzinfo=datetime.timezone(offset))


def some_timestamp(rng):
    """A timestamp member as boto3 users pass one: a datetime, epoch seconds
    (int, float, or a str of them), or a str in ISO 8601 or RFC 822."""
    moment = some_datetime(rng)
    aware = moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)
    epoch = aware.timestamp()
    form = rng.choice(["datetime", "datetime", "int", "float", "str-int", "str-float",
                       "iso-z", "iso-offset", "iso-naive", "iso-space", "iso-date", "rfc822"])
    if form == "datetime":
        return moment
    if form == "int":
        return int(epoch)
    if form == "float":
        return round(epoch, rng.choice([1, 3, 6]))
    if form == "str-int":
        return str(int(epoch))
    if form == "str-float":
        return f"{epoch:.3f}"
    utc = aware.astimezone(datetime.timezone.utc)
    if form == "iso-z":
        return utc.strftime("%Y-%m-%dT%H:%M:%S") + (f".{utc.microsecond:06d}" if utc.microsecond else "") + "Z"
    if form == "iso-offset":
        return aware.isoformat()
    if form == "iso-naive":
        return utc.replace(tzinfo=None).isoformat()
    if form == "iso-space":
        return utc.strftime("%Y-%m-%d %H:%M:%S")
    if form == "iso-date":
        return utc.strftime("%Y-%m-%d")
    return utc.strftime("%a, %d %b %Y %H:%M:%S GMT")


def context(rng):
    """Region, endpoint (None: AWS's, resolved by each side), style, credentials."""
    style = rng.choice(["path", "virtual", "auto"])
    roll = rng.random()
    if roll < 0.35:
        endpoint = rng.choice(CUSTOM_ENDPOINTS)
        region = rng.choice(AWS_REGIONS + OTHER_REGIONS)
        if region == "" and style == "virtual":
            style = "path"
    elif roll < 0.45:
        endpoint = rng.choice(AWS_ENDPOINTS)
        region = rng.choice(AWS_REGIONS)
        if style == "auto":
            style = rng.choice(["path", "virtual"])
    else:
        endpoint = None
        region = rng.choice(AWS_REGIONS)
    token = None
    if rng.random() < 0.3:
        token = "".join(rng.choice(string.ascii_letters + string.digits + "+/=") for _ in range(rng.randint(16, 400)))
    access_key = rng.choice(["AKIAIOSFODNN7EXAMPLE", "AKID", "ASIA" + "X" * 16, "test_key-1"])
    secret = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return region, endpoint, style, access_key, secret, token


def bucket_for(rng, region, endpoint, style):
    if endpoint is None and style == "auto" and region != "us-east-1":
        return rng.choice(DOTTED_BUCKETS)
    if style == "virtual" and endpoint and ("[" in endpoint or "127.0.0.1" in endpoint):
        return rng.choice(PLAIN_BUCKETS)
    return rng.choice(PLAIN_BUCKETS + DOTTED_BUCKETS)


def key_for(rng):
    while True:
        key = text(rng, KEY_ATOMS, 1, rng.choice([4, 12, 60]))
        if 1 <= len(key.encode()) <= 1024:
            return key


def value_for(rng, operation, member, shape, location):
    kind = shape.type_name
    if kind in ("integer", "long"):
        if member == "PartNumber":
            return rng.randint(1, 10000)
        return rng.choice([0, 1, 5, 1000, rng.randrange(0, 2**40)])
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "timestamp":
        return some_timestamp(rng)
    if kind == "map":
        names = rng.sample(["owner", "Project", "x", "mixed-Case", "a1", "long-name-here"], rng.randint(1, 3))
        return {name: header_text(rng).strip() or "v" for name in names}
    # Strings.
    if member == "UploadId":
        return text(rng, VALUE_ATOMS, 1, 30)
    if member == "ContentType" and rng.random() < 0.5:
        return rng.choice(["image/png", "application/octet-stream", "text/plain; charset=utf-8"])
    if location == "querystring":
        return text(rng, VALUE_ATOMS, 0, 16)
    value = header_text(rng)
    if member == "ContentType" and value == FORM_URLENCODED:
        value = "text/plain"
    return value


def params_for(rng, operation, bucket, key):
    shape = MODEL.operation_model(operation).input_shape
    required = set(shape.required_members)
    optional = [
        name for name in shape.members
        if name not in required and name not in ("Body", "MultipartUpload")
    ]
    chosen = rng.sample(optional, min(len(optional), rng.choice([0, 0, 1, 2, 3, 5])))
    names = [name for name in shape.members if name in required and name not in ("Bucket", "Key")]
    names += chosen
    rng.shuffle(names)
    params = {}
    position = rng.randint(0, len(names))
    for index, name in enumerate(names + [None]):
        if index == position:
            params["Bucket"] = bucket
            params["Key"] = key
        if name is None:
            break
        member = shape.members[name]
        params[name] = value_for(rng, operation, name, member, member.serialization.get("location"))
    if "SSECustomerKeyMD5" in params and "SSECustomerKey" not in params and rng.random() < 0.5:
        del params["SSECustomerKeyMD5"]
    return params


def contexts(rng):
    """A pool of client contexts the cases draw from: a boto3 client takes
    tens of milliseconds to make, a case a fraction of one."""
    return [context(rng) for _ in range(CONTEXTS)]


def generate_urls(rng, cases):
    inputs = []
    pool = contexts(rng)
    for _ in range(cases):
        region, endpoint, style, access_key, secret, token = rng.choice(pool)
        operation = rng.choice(OPERATIONS)
        bucket = bucket_for(rng, region, endpoint, style)
        params = params_for(rng, operation, bucket, key_for(rng))
        http_method = rng.choice([None] * 8 + ["GET", "PUT", "HEAD", "DELETE", "POST"])
        inputs.append({
            "context": (region, endpoint, style, access_key, secret, token),
            "method": botocore.xform_name(operation),
            "params": params,
            "expires": rng.choice([1, 60, 3600, 86400, 604800, rng.randint(1, 604800)]),
            "http_method": http_method,
            "now": datetime.datetime(1971, 1, 1, tzinfo=datetime.timezone.utc)
            + datetime.timedelta(seconds=rng.randrange(0, 125 * 365 * 86400)),
        })
    return inputs


_CLIENTS = {}


def presign_client(region, endpoint, style, access_key, secret, token):
    key = (region, endpoint, style, access_key, secret, token)
    if key not in _CLIENTS:
        _CLIENTS[key] = presign.Client(
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            addressing_style=style,
        )
    return _CLIENTS[key]


def describe(case):
    shown = dict(case)
    region, endpoint, style, access_key, _secret, token = case["context"]
    shown["context"] = {"region": region, "endpoint": endpoint, "style": style,
                        "access_key": access_key, "token": token is not None}
    return repr(shown)


def report(kind, the_seed, failures, total):
    lines = [f"{len(failures)} of {total} {kind} differ from boto3; replay with PRESIGN_PY_DIFF_SEED={the_seed}"]
    for case, ours, theirs in failures[:10]:
        lines += [f"input: {describe(case)}", f"  presign: {ours}", f"  boto3:   {theirs}"]
    return "\n".join(lines)


def test_generate_presigned_url_matches_boto3(botocore_frozen):
    the_seed = seed()
    cases = count("PRESIGN_PY_DIFF_CASES", 1200, 1000)
    print(f"differential: seed {the_seed}, {cases} URLs, {len(EXCLUSIONS)} documented exclusions")
    rng = random.Random(the_seed)
    failures, methods = [], set()
    for case in generate_urls(rng, cases):
        methods.add(case["method"])
        ours = presign_client(*case["context"]).generate_presigned_url(
            case["method"], Params=case["params"], ExpiresIn=case["expires"],
            HttpMethod=case["http_method"], now=case["now"],
        )
        with botocore_frozen.at(case["now"]):
            theirs = botocore_frozen.client(*case["context"]).generate_presigned_url(
                case["method"], Params=case["params"], ExpiresIn=case["expires"],
                HttpMethod=case["http_method"],
            )
        if ours != theirs:
            failures.append((case, ours, theirs))
    assert len(methods) == len(OPERATIONS)
    assert not failures, report("URLs", the_seed, failures, cases)


TIMESTAMPS = [
    datetime.datetime(2030, 1, 1, 12, 30, 5, 250000, tzinfo=datetime.timezone.utc),
    datetime.datetime(2030, 1, 1, 12, 30, 5),
    1893501005,
    1893501005.25,
    "1893501005",
    "1893501005.5",
    "2030-01-01T12:30:05Z",
    "2030-01-01T12:30:05.125000Z",
    "2030-01-01T14:30:05+02:00",
    "2030-01-01T12:30:05",
    "2030-01-01 12:30:05",
    "2030-01-01",
    "Tue, 01 Jan 2030 12:30:05 GMT",
]


def test_timestamp_members_of_every_accepted_type_sign_as_boto3_signs_them(botocore_frozen):
    """Issue 23, item 9: ResponseExpires (query, rfc822), IfModifiedSince
    (header) and Expires (header of put_object) as a datetime, epoch seconds
    or an ISO 8601 / RFC 822 string give boto3's URL byte for byte."""
    context = ("us-east-1", "http://127.0.0.1:9000", "path", "AKIAIOSFODNN7EXAMPLE",
               "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)
    now = datetime.datetime(2029, 12, 31, tzinfo=datetime.timezone.utc)
    for value in TIMESTAMPS:
        for method, member in [("get_object", "ResponseExpires"), ("get_object", "IfModifiedSince"),
                               ("put_object", "Expires")]:
            params = {"Bucket": "bucket", "Key": "k", member: value}
            ours = presign_client(*context).generate_presigned_url(method, Params=params, now=now)
            with botocore_frozen.at(now):
                theirs = botocore_frozen.client(*context).generate_presigned_url(method, Params=params)
            assert ours == theirs, f"{member}={value!r}"


def test_a_timestamp_presign_cannot_read_is_refused_naming_the_member():
    client = presign.Client(region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="s")
    for value in ["next tuesday", "", "inf", float("nan")]:
        try:
            client.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "k", "ResponseExpires": value})
        except presign.PresignError as error:
            assert "ResponseExpires" in str(error) and "ISO 8601" in str(error), error
        else:
            raise AssertionError(f"{value!r} was signed")
    try:
        client.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "k", "ResponseExpires": True})
    except TypeError as error:
        assert "ResponseExpires" in str(error), error
    else:
        raise AssertionError("True was signed")


# -- generate_presigned_post --------------------------------------------------

FIELD_NAMES = ["acl", "success_action_status", "success_action_redirect", "Content-Type",
               "Cache-Control", "x-amz-meta-owner", "x-amz-storage-class", "tagging", "Custom"]


def policy_value(rng, depth=0):
    roll = rng.random()
    if depth < 2 and roll < 0.15:
        return [policy_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 2 and roll < 0.25:
        return {text(rng, KEY_ATOMS, 1, 5): policy_value(rng, depth + 1) for _ in range(rng.randint(0, 2))}
    return rng.choice([
        None, True, False, rng.randint(-10**6, 10**6), 2**70, -(2**65),
        rng.uniform(-1e6, 1e6), 1e-7, 1.5e300, float("inf"), float("-inf"), float("nan"), 0.0, -0.0,
        text(rng, VALUE_ATOMS, 0, 10),
    ])


def condition(rng):
    roll = rng.random()
    name = rng.choice(FIELD_NAMES)
    if roll < 0.3:
        return {name: text(rng, VALUE_ATOMS, 0, 12)}
    if roll < 0.5:
        return ["starts-with", "$" + name, text(rng, VALUE_ATOMS, 0, 8)]
    if roll < 0.6:
        return ["eq", "$" + name, text(rng, VALUE_ATOMS, 0, 8)]
    if roll < 0.75:
        low = rng.randint(0, 10**6)
        return ["content-length-range", low, low + rng.randint(0, 10**9)]
    if roll < 0.85:
        return {name: policy_value(rng)}
    return [policy_value(rng) for _ in range(rng.randint(1, 4))]


def generate_posts(rng, cases):
    inputs = []
    pool = contexts(rng)
    for _ in range(cases):
        region, endpoint, style, access_key, secret, token = rng.choice(pool)
        bucket = bucket_for(rng, region, endpoint, style)
        key = key_for(rng)
        if rng.random() < 0.4:
            key = key[: rng.randint(0, len(key))] + "${filename}"
        fields = {}
        for name in rng.sample(FIELD_NAMES, rng.randint(0, 4)):
            fields[name] = rng.choice([text(rng, VALUE_ATOMS, 0, 10), "201", 201]) if name == "success_action_status" else text(rng, VALUE_ATOMS, 0, 10)
        conditions = [condition(rng) for _ in range(rng.randint(0, 5))]
        inputs.append({
            "context": (region, endpoint, style, access_key, secret, token),
            "bucket": bucket, "key": key, "fields": fields, "conditions": conditions,
            "expires": rng.choice([1, 600, 3600, 604800, rng.randint(1, 604800)]),
            "now": datetime.datetime(1971, 1, 1, tzinfo=datetime.timezone.utc)
            + datetime.timedelta(seconds=rng.randrange(0, 125 * 365 * 86400)),
        })
    return inputs


def test_generate_presigned_post_matches_boto3(botocore_frozen):
    the_seed = seed()
    cases = count("PRESIGN_PY_DIFF_POST_CASES", 300, 200)
    print(f"differential: seed {the_seed}, {cases} POST policies")
    rng = random.Random(the_seed ^ 0x9E3779B9)
    failures = []
    for case in generate_posts(rng, cases):
        ours = presign_client(*case["context"]).generate_presigned_post(
            case["bucket"], case["key"], Fields=case["fields"], Conditions=case["conditions"],
            ExpiresIn=case["expires"], now=case["now"],
        )
        with botocore_frozen.at(case["now"]):
            theirs = botocore_frozen.client(*case["context"]).generate_presigned_post(
                case["bucket"], case["key"], Fields=case["fields"], Conditions=case["conditions"],
                ExpiresIn=case["expires"],
            )
        ours_form = (ours["url"], list(ours["fields"].items()))
        theirs_form = (theirs["url"], list(theirs["fields"].items()))
        if ours_form != theirs_form:
            failures.append((case, ours_form, theirs_form))
    assert not failures, report("POST policies", the_seed, failures, cases)
