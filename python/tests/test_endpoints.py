"""Endpoint settings and every bucket form (issue 19): a Client configured as
a boto3 client is (``Config(use_dualstack_endpoint=..., use_fips_endpoint=...,
s3={...})``) makes the URLs boto3 1.43.11 makes, byte for byte, at a fixed
instant: dualstack, FIPS, acceleration, the us-east-1 regional endpoint,
access point, Object Lambda and Outposts ARNs, S3 Express directory buckets
with and without session auth (the session from a loopback CreateSession
stub both are pointed at), Multi-Region Access Points (SigV4A: all but the
signature, which verifies). What botocore refuses is refused, naming the part."""

import datetime
import json
import os
import subprocess
import sys

import presign
import pytest
from botocore.config import Config
from support import ACCESS_KEY, SECRET_KEY, Stub

NOW = datetime.datetime(2026, 12, 6, 16, 4, 5, tzinfo=datetime.timezone.utc)
KEYS = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}

AP = "arn:aws:s3:us-west-2:123456789012:accesspoint/myap"
OBJECT_LAMBDA = "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/mybanner"
OUTPOSTS = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports"
EXPRESS = "mybucket--usw2-az1--x-s3"
MRAP = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap"

# (name, region, Config arguments, bucket)
CASES = [
    ("dualstack", "us-west-2", {"use_dualstack_endpoint": True}, "bucket"),
    ("dualstack in s3", "eu-west-1", {"s3": {"use_dualstack_endpoint": True}}, "bucket"),
    ("fips", "us-west-2", {"use_fips_endpoint": True}, "bucket"),
    ("fips dualstack", "us-east-1",
     {"use_fips_endpoint": True, "use_dualstack_endpoint": True}, "bucket"),
    ("accelerate", "us-west-2", {"s3": {"use_accelerate_endpoint": True}}, "bucket"),
    ("accelerate dualstack", "us-west-2",
     {"use_dualstack_endpoint": True, "s3": {"use_accelerate_endpoint": True}}, "bucket"),
    ("us-east-1 regional", "us-east-1", {"s3": {"us_east_1_regional_endpoint": "regional"}}, "bucket"),
    ("us-east-1 legacy", "us-east-1", {"s3": {"us_east_1_regional_endpoint": "legacy"}}, "bucket"),
    ("path style dualstack", "us-west-2",
     {"use_dualstack_endpoint": True, "s3": {"addressing_style": "path"}}, "bucket"),
    ("access point, the ARN's region", "us-east-1", {}, AP),
    ("access point dualstack", "us-west-2", {"use_dualstack_endpoint": True}, AP),
    ("access point fips", "us-west-2", {"use_fips_endpoint": True}, AP),
    ("access point, use_arn_region off, same region", "us-west-2", {"s3": {"use_arn_region": False}}, AP),
    ("object lambda", "us-west-2", {}, OBJECT_LAMBDA),
    # The rules offer SigV4A, then SigV4: presign signs SigV4, as boto3
    # does without awscrt.
    ("outposts", "us-west-2", {}, OUTPOSTS),
]


def virtual(config):
    """``config`` with ``s3.addressing_style`` virtual unless it names one:
    with ``signature_version="s3v4"`` and no style, botocore sends regions
    other than us-east-1 to the global host (``bucket.s3.amazonaws.com``),
    a botocore quirk presign does not copy."""
    return {**config, "s3": {"addressing_style": "virtual", **config.get("s3", {})}}


def boto3_client(frozen, region, config, endpoint_url=None, signature_version="s3v4"):
    return frozen._session.client(
        "s3",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(signature_version=signature_version, **config),
    )


@pytest.mark.parametrize("name, region, config, bucket", CASES, ids=[case[0] for case in CASES])
def test_every_setting_and_bucket_form_gives_boto3s_url(botocore_frozen, name, region, config, bucket):
    config = virtual(config)
    ours = presign.Client(region_name=region, config=Config(**config), **KEYS)
    theirs = boto3_client(botocore_frozen, region, config)
    for method, params in [
        ("get_object", {"Key": "a/b c.txt", "ResponseContentType": "text/plain"}),
        ("put_object", {"Key": "in/x.png", "ContentType": "image/png"}),
    ]:
        params = {"Bucket": bucket, **params}
        url = ours.generate_presigned_url(method, Params=params, ExpiresIn=900, now=NOW)
        with botocore_frozen.at(NOW):
            expected = theirs.generate_presigned_url(method, Params=params, ExpiresIn=900)
        assert url == expected, name
    many = ours.presign_many("get_object", bucket, ["k1", "k2"], ExpiresIn=900, now=NOW)
    with botocore_frozen.at(NOW):
        assert many == [
            theirs.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=900)
            for key in ("k1", "k2")
        ]


def test_the_environment_sets_what_config_sets(botocore_frozen, monkeypatch):
    monkeypatch.setenv("AWS_USE_DUALSTACK_ENDPOINT", "true")
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    ours = presign.Client(region_name="us-west-2", config=Config(**virtual({})), **KEYS)
    theirs = boto3_client(botocore_frozen, "us-west-2", virtual({}))
    params = {"Bucket": "bucket", "Key": "k"}
    url = ours.generate_presigned_url("get_object", Params=params, now=NOW)
    with botocore_frozen.at(NOW):
        assert url == theirs.generate_presigned_url("get_object", Params=params)
    assert url.startswith("https://bucket.s3-fips.dualstack.us-west-2.amazonaws.com/k?")


def test_one_client_signs_for_many_buckets_each_on_its_own_host(botocore_frozen):
    ours = presign.Client(region_name="us-west-2", config=Config(**virtual({})), **KEYS)
    theirs = boto3_client(botocore_frozen, "us-west-2", virtual({}))
    for bucket in ["one", AP, "two", "two", OBJECT_LAMBDA, "one"]:
        params = {"Bucket": bucket, "Key": "k"}
        url = ours.generate_presigned_url("get_object", Params=params, now=NOW)
        with botocore_frozen.at(NOW):
            assert url == theirs.generate_presigned_url("get_object", Params=params)


@pytest.mark.parametrize(
    "config, bucket, part",
    [
        ({}, "arn:aws:s3:us-west-2::accesspoint/myap", "account"),
        ({}, "arn:aws:s3:us-west-2:123456789012:bucket_name/mybucket", "bucket_name"),
        ({}, "arn:aws:sqs:us-west-2:123456789012:accesspoint/myap", "sqs"),
        ({"s3": {"use_accelerate_endpoint": True}}, "my.dotted.bucket", "accelerat"),
        ({"s3": {"use_accelerate_endpoint": True}}, AP, "accelerat"),
        ({"s3": {"use_arn_region": False}}, "arn:aws:s3:eu-west-1:123456789012:accesspoint/myap", "eu-west-1"),
        ({}, "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/myap", "partition"),
    ],
)
def test_what_botocore_refuses_is_refused_naming_the_part(botocore_frozen, config, bucket, part):
    ours = presign.Client(region_name="us-west-2", config=Config(**config), **KEYS)
    params = {"Bucket": bucket, "Key": "k"}
    with pytest.raises(presign.PresignError, match=part) as refused:
        ours.generate_presigned_url("get_object", Params=params, now=NOW)
    assert bucket in str(refused.value)
    with pytest.raises(presign.PresignError, match=part):
        ours.presign_many("get_object", bucket, ["k"], now=NOW)
    theirs = boto3_client(botocore_frozen, "us-west-2", config)
    with botocore_frozen.at(NOW), pytest.raises(Exception):
        theirs.generate_presigned_url("get_object", Params=params)


def test_a_refusal_names_the_config_setting_in_force():
    ours = presign.Client(
        region_name="us-west-2", config=Config(s3={"use_accelerate_endpoint": True}), **KEYS
    )
    with pytest.raises(presign.PresignError) as refused:
        ours.generate_presigned_url("get_object", Params={"Bucket": "a.b", "Key": "k"}, now=NOW)
    assert 'accelerate from config.s3["use_accelerate_endpoint"]' in str(refused.value)
    assert "--accelerate" not in str(refused.value)


@pytest.mark.parametrize(
    "config, message",
    [
        (Config(s3={"us_east_1_regional_endpoint": "global"}),
         r'config.s3\["us_east_1_regional_endpoint"\] is "global": expected "regional" or "legacy"'),
        (Config(use_fips_endpoint="yes"), 'config.use_fips_endpoint is "yes": expected True or False'),
        (Config(s3={"use_accelerate_endpoint": "on"}),
         r'config.s3\["use_accelerate_endpoint"\] is "on": expected True or False'),
    ],
)
def test_a_bad_setting_is_refused_naming_it(config, message):
    with pytest.raises(presign.PresignError, match=message):
        presign.Client(region_name="us-west-2", config=config, **KEYS)


def test_a_setting_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match=r'config.s3\["use_arn_region"\] must be a bool, not int'):
        presign.Client(region_name="us-west-2", config=Config(s3={"use_arn_region": 1}), **KEYS)


@pytest.mark.parametrize("bucket, reason", [
    (AP, "access points"),
    (OBJECT_LAMBDA, "access points"),
    (EXPRESS, "directory buckets take no POST uploads"),
])
def test_post_is_refused_for_arns_and_directory_buckets(bucket, reason):
    ours = presign.Client(region_name="us-west-2", **KEYS)
    with pytest.raises(presign.PresignError, match=reason) as refused:
        ours.generate_presigned_post(bucket, "k", now=NOW)
    assert str(refused.value).startswith(f"no POST policy for {bucket}: ")


@pytest.mark.parametrize("bucket, url_start, scope", [
    (MRAP, "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/a%20b.txt?", "%2F20261206%2Fs3%2Faws4_request&"),
])
def test_sigv4a_forms_are_signed_as_boto3_with_awscrt_signs_them(bucket, url_start, scope):
    """A Multi-Region Access Point: the rules ask for SigV4A, which boto3
    signs only with awscrt (the other tests turn it off, so boto3 runs in a
    process of its own, at the same instant). ECDSA signatures differ
    (boto3's nonce is random): everything else is the same, and both
    signatures verify."""
    ours = presign.Client(region_name="us-west-2", **KEYS)
    params = {"Bucket": bucket, "Key": "a b.txt"}
    url = ours.generate_presigned_url("get_object", Params=params, ExpiresIn=900, now=NOW)
    assert url.startswith(url_start), url
    assert "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&" in url
    assert "X-Amz-Region-Set=%2A" in url
    assert scope in url
    verified = presign.verify(url, "GET", now=NOW, **KEYS)
    assert verified["key"] == "a b.txt"
    assert ours.presign_many("get_object", bucket, ["a b.txt"], ExpiresIn=900, now=NOW) == [url]
    theirs = boto3_with_crt(bucket, "a b.txt", 900, NOW)
    assert theirs is not None, "awscrt is missing: scripts/test-python.sh installs it"
    same, signature = url.split("&X-Amz-Signature=")
    their_same, their_signature = theirs.split("&X-Amz-Signature=")
    assert same == their_same
    assert presign.verify(theirs, "GET", now=NOW, **KEYS)["key"] == "a b.txt"


def boto3_with_crt(bucket, key, expires, now):
    script = f"""
import datetime, json, sys
try:
    import awscrt  # noqa: F401
except ImportError:
    print(json.dumps(None)); sys.exit()
import boto3, botocore.crt.auth
now = datetime.datetime.fromisoformat({now.isoformat()!r})
botocore.crt.auth.get_current_datetime = lambda remove_tzinfo=True: (
    now.replace(tzinfo=None) if remove_tzinfo else now)
client = boto3.client("s3", region_name="us-west-2", aws_access_key_id={ACCESS_KEY!r},
    aws_secret_access_key={SECRET_KEY!r})
print(json.dumps(client.generate_presigned_url("get_object",
    Params={{"Bucket": {bucket!r}, "Key": {key!r}}}, ExpiresIn={expires})))
"""
    env = {name: value for name, value in os.environ.items() if name != "BOTO_DISABLE_CRT"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


class CreateSessionStub(Stub):
    """A loopback S3 Express endpoint answering ``GET /BUCKET?session`` with
    one fixed session, as S3 answers CreateSession; ``calls`` records the
    calls as ``(path, headers)``."""

    SESSION = ("ASIASESSIONKEY", "session/secret+key", "session-token/+=")

    def __init__(self):
        key, secret, token = self.SESSION
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<CreateSessionResult '
            'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Credentials>'
            f"<SessionToken>{token}</SessionToken><SecretAccessKey>{secret}</SecretAccessKey>"
            f"<AccessKeyId>{key}</AccessKeyId><Expiration>2099-01-01T00:00:00Z</Expiration>"
            "</Credentials></CreateSessionResult>"
        )
        super().__init__(lambda _method, _path, _body, _headers: (200, "application/xml", body))

    @property
    def calls(self):
        return [(path, headers) for _method, path, headers, _body in self.requests]


@pytest.fixture
def stub():
    server = CreateSessionStub()
    yield server
    server.close()


def test_express_session_auth_signs_with_the_session_as_boto3_does(botocore_frozen, stub):
    ours = presign.Client(region_name="us-west-2", endpoint_url=stub.url, **KEYS)
    # botocore's default signer: an explicit "s3v4" would skip the rules'
    # S3 Express session auth.
    theirs = boto3_client(botocore_frozen, "us-west-2", {}, endpoint_url=stub.url, signature_version=None)
    for key in ["a.txt", "b/c d.txt"]:
        params = {"Bucket": EXPRESS, "Key": key}
        url = ours.generate_presigned_url("get_object", Params=params, ExpiresIn=300, now=NOW)
        with botocore_frozen.at(NOW):
            expected = theirs.generate_presigned_url("get_object", Params=params, ExpiresIn=300)
        assert url == expected
        assert url.startswith(f"{stub.url}/{EXPRESS}/")
        assert "X-Amz-Credential=ASIASESSIONKEY%2F20261206%2Fus-west-2%2Fs3express%2Faws4_request" in url
        assert "X-Amz-S3session-Token=session-token%2F%2B%3D" in url
        assert "X-Amz-Security-Token" not in url
    urls = ours.presign_many("put_object", EXPRESS, ["a.txt"], ExpiresIn=300, now=NOW)
    with botocore_frozen.at(NOW):
        assert urls == [theirs.generate_presigned_url(
            "put_object", Params={"Bucket": EXPRESS, "Key": "a.txt"}, ExpiresIn=300)]
    # One session per client, kept between calls: one call from each side.
    paths = [path for path, _ in stub.calls]
    assert paths == [f"/{EXPRESS}?session", f"/{EXPRESS}?session"], paths
    for _, headers in stub.calls:
        assert headers["authorization"].startswith(
            f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/"
        ) and "/us-west-2/s3express/aws4_request" in headers["authorization"]


def test_express_session_auth_off_on_aws_signs_with_the_iam_keys_for_s3express(botocore_frozen, monkeypatch):
    monkeypatch.setenv("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")
    ours = presign.Client(region_name="us-west-2", **KEYS)
    theirs = boto3_client(botocore_frozen, "us-west-2", {})
    params = {"Bucket": EXPRESS, "Key": "a.txt"}
    url = ours.generate_presigned_url("get_object", Params=params, now=NOW)
    with botocore_frozen.at(NOW):
        assert url == theirs.generate_presigned_url("get_object", Params=params)
    assert url.startswith(f"https://{EXPRESS}.s3express-usw2-az1.us-west-2.amazonaws.com/a.txt?")
    assert "%2Fus-west-2%2Fs3express%2Faws4_request&" in url


def test_express_session_auth_off_signs_with_the_iam_keys_and_calls_nobody(botocore_frozen, stub, monkeypatch):
    monkeypatch.setenv("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")
    ours = presign.Client(region_name="us-west-2", endpoint_url=stub.url, **KEYS)
    theirs = boto3_client(botocore_frozen, "us-west-2", {}, endpoint_url=stub.url)
    params = {"Bucket": EXPRESS, "Key": "a.txt"}
    url = ours.generate_presigned_url("get_object", Params=params, now=NOW)
    with botocore_frozen.at(NOW):
        assert url == theirs.generate_presigned_url("get_object", Params=params)
    assert f"X-Amz-Credential={ACCESS_KEY}%2F" in url and "S3session" not in url
    assert stub.calls == []


def test_a_failed_create_session_is_an_error_naming_the_bucket_and_endpoint():
    # Nothing listens on port 9 of the loopback.
    ours = presign.Client(region_name="us-west-2", endpoint_url="http://127.0.0.1:9", **KEYS)
    with pytest.raises(presign.PresignError) as refused:
        ours.generate_presigned_url("get_object", Params={"Bucket": EXPRESS, "Key": "k"}, now=NOW)
    message = str(refused.value)
    assert EXPRESS in message and "http://127.0.0.1:9" in message, message
    assert SECRET_KEY not in message
