"""Bad input raises a clear exception, never crashes the interpreter: each
message names the parameter and what is allowed."""

import datetime

import presign
import pytest
from support import ACCESS_KEY, SECRET_KEY

NOW = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def sign(client, method="get_object", params=None, **kwargs):
    if params is None:
        params = {"Bucket": "bucket", "Key": "k"}
    return client.generate_presigned_url(method, Params=params, now=NOW, **kwargs)


@pytest.mark.parametrize(
    "method, params, kwargs, error, match",
    [
        ("get_objects", None, {}, presign.PresignError, r'ClientMethod "get_objects" is not supported: use one of get_object, put_object'),
        ("list_objects_v2", None, {}, presign.PresignError, "is not supported"),
        ("get_object", {"Bucket": "bucket"}, {}, presign.PresignError, 'missing required parameter "Key" for get_object'),
        ("get_object", {"Key": "k"}, {}, presign.PresignError, 'missing required parameter "Bucket"'),
        ("upload_part", {"Bucket": "bucket", "Key": "k", "PartNumber": 1}, {}, presign.PresignError, 'missing required parameter "UploadId" for upload_part'),
        ("get_object", {"Bucket": "bucket", "Key": "k", "ContentType": "a/b"}, {}, presign.PresignError, r'unknown parameter "ContentType" for get_object: it takes Bucket, IfMatch'),
        ("put_object", {"Bucket": "bucket", "Key": "k", "Body": b"data"}, {}, presign.PresignError, "Body is not supported by a presigned URL: it signs no body"),
        ("complete_multipart_upload", {"Bucket": "bucket", "Key": "k", "UploadId": "u", "MultipartUpload": {"Parts": []}}, {}, presign.PresignError, "MultipartUpload is not supported"),
        ("get_object", {"Bucket": "bucket", "Key": ""}, {}, presign.PresignError, "object key is invalid: it is empty"),
        ("get_object", {"Bucket": "bucket", "Key": "k" * 1025}, {}, presign.PresignError, "S3 allows 1..=1024"),
        ("get_object", {"Bucket": "BadBucket", "Key": "k"}, {}, presign.PresignError, 'bucket name "BadBucket" is invalid'),
        ("get_object", None, {"ExpiresIn": 0}, presign.PresignError, r"ExpiresIn must be within 1..=604800 seconds .*got 0"),
        ("get_object", None, {"ExpiresIn": 10**30}, presign.PresignError, r"ExpiresIn must be within 1..=604800 seconds .*got 10000000000"),
        ("get_object", None, {"ExpiresIn": "600"}, TypeError, r"ExpiresIn must be an int \(seconds\), not str"),
        ("get_object", None, {"ExpiresIn": 604801}, presign.PresignError, r"within 1..=604800 seconds \(7 days, the SigV4 maximum\), got 604801"),
        ("get_object", None, {"ExpiresIn": -5}, presign.PresignError, r"ExpiresIn must be within 1..=604800 seconds .*got -5"),
        ("get_object", None, {"HttpMethod": "FETCH"}, presign.PresignError, r'method "FETCH" is not supported: use GET, PUT, HEAD, DELETE or POST'),
        ("upload_part", {"Bucket": "bucket", "Key": "k", "UploadId": "u", "PartNumber": 0}, {}, presign.PresignError, "part number 0"),
        ("upload_part", {"Bucket": "bucket", "Key": "k", "UploadId": "", "PartNumber": 1}, {}, presign.PresignError, "upload id"),
        ("put_object", {"Bucket": "bucket", "Key": "k", "ContentType": "a\r\nX: y"}, {}, presign.PresignError, 'header "Content-Type" is invalid: the value must be printable ASCII'),
        # Wrong Python types.
        (42, None, {}, TypeError, "ClientMethod must be a str, not int"),
        ("get_object", ["Bucket", "bucket"], {}, TypeError, "Params must be a dict, not list"),
        ("get_object", {"Bucket": b"bucket", "Key": "k"}, {}, TypeError, r"Params\[\"Bucket\"\] must be a str, not bytes"),
        ("get_object", {"Bucket": "bucket", "Key": None}, {}, TypeError, r"Params\[\"Key\"\] must be a str, not NoneType"),
        ("get_object", {"Bucket": "bucket", "Key": "k", 3: "x"}, {}, TypeError, "a key of Params must be a str, not int"),
        ("get_object", {"Bucket": "bucket", "Key": "k", "PartNumber": "3"}, {}, TypeError, r"Params\[\"PartNumber\"\] must be an int, not str"),
        ("get_object", {"Bucket": "bucket", "Key": "k", "PartNumber": True}, {}, TypeError, "must be an int, not bool"),
        ("put_object", {"Bucket": "bucket", "Key": "k", "BucketKeyEnabled": "yes"}, {}, TypeError, "must be a bool, not str"),
        ("put_object", {"Bucket": "bucket", "Key": "k", "Expires": [1700000000]}, {}, TypeError, "must be a datetime.datetime, a number of seconds since the epoch or a str, not list"),
        ("put_object", {"Bucket": "bucket", "Key": "k", "Metadata": ["a"]}, {}, TypeError, "must be a dict of str to str, not list"),
        ("put_object", {"Bucket": "bucket", "Key": "k", "Metadata": {"a": 1}}, {}, TypeError, r"Params\['Metadata'\]\[\"a\"\] must be a str, not int"),
        ("get_object", None, {"ExpiresIn": "3600"}, TypeError, "ExpiresIn"),
    ],
)
def test_bad_input_raises_a_clear_exception(client, method, params, kwargs, error, match):
    with pytest.raises(error, match=match):
        sign(client, method, params, **kwargs)


def test_errors_are_value_errors_a_caller_can_catch(client):
    with pytest.raises(ValueError):
        sign(client, "get_object", {"Bucket": "bucket"})


def test_bucket_and_key_in_keyword_arguments_of_presign_many_are_refused(client):
    with pytest.raises(presign.PresignError, match="Key is given as its own argument"):
        client.presign_many("get_object", "bucket", ["k"], Key="other", now=NOW)
    with pytest.raises(TypeError, match=r"Keys\[1\] must be a str, not int"):
        client.presign_many("get_object", "bucket", ["k", 2], now=NOW)
    with pytest.raises(presign.PresignError, match=r"Keys\[1\]: object key is invalid: it is empty"):
        client.presign_many("get_object", "bucket", ["k", ""], now=NOW)
    with pytest.raises(TypeError):
        client.presign_many("get_object", "bucket", 5, now=NOW)


def test_presign_many_reports_the_first_bad_key_in_order_across_chunks(client):
    """Keys are read and signed a chunk (4,096 keys) at a time, in parallel:
    whichever bad key is met first, the one reported is the first in Keys."""
    keys = ["k"] * 12_000
    cases = [
        ({5000: "", 9000: 7}, presign.PresignError, r"Keys\[5000\]: object key is invalid"),
        ({100: 7, 5000: ""}, TypeError, r"Keys\[100\] must be a str, not int"),
        ({100: "", 101: 7}, presign.PresignError, r"Keys\[100\]: object key is invalid"),
        ({4095: 7, 4096: ""}, TypeError, r"Keys\[4095\] must be a str"),
        ({11_999: "x" * 1025}, presign.PresignError, r"Keys\[11999\]: object key is invalid"),
    ]
    for bad, error, match in cases:
        given = list(keys)
        for index, key in bad.items():
            given[index] = key
        with pytest.raises(error, match=match):
            client.presign_many("get_object", "bucket", given, now=NOW)
    # The client is still whole afterwards.
    assert len(client.presign_many("get_object", "bucket", keys, now=NOW)) == len(keys)


def test_presign_many_passes_on_an_error_raised_by_the_iterable(client):
    def keys():
        yield from (f"k/{index}" for index in range(6000))
        raise RuntimeError("the key source failed")

    with pytest.raises(RuntimeError, match="the key source failed"):
        client.presign_many("get_object", "bucket", keys(), now=NOW)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"aws_access_key_id": ACCESS_KEY}, "aws_access_key_id is given without aws_secret_access_key"),
        ({"aws_secret_access_key": SECRET_KEY}, "aws_secret_access_key is given without aws_access_key_id"),
        ({"aws_session_token": "token"}, "aws_session_token is given without aws_access_key_id"),
        ({"aws_access_key_id": "AKID/X", "aws_secret_access_key": SECRET_KEY}, "access key id is invalid"),
        ({"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY, "addressing_style": "vhost"}, 'addressing style "vhost" is not supported: use auto, path or virtual'),
        ({"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY, "region_name": "EU"}, "region"),
        ({"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY, "region_name": ""}, "the region is empty and no endpoint is set"),
        ({"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY, "endpoint_url": "ftp://h"}, 'endpoint URL "ftp://h" is invalid'),
        ({"profile_name": "nowhere"}, "profile 'nowhere' .* was not found"),
        ({"ibm_credentials": "/nonexistent/cos.json"}, "cannot read IBM COS credentials file /nonexistent/cos.json"),
        ({}, "no credentials found"),
    ],
)
def test_bad_client_arguments_raise_presign_errors_without_secrets(kwargs, match):
    with pytest.raises(presign.PresignError, match=match) as raised:
        presign.Client(**kwargs)
    assert SECRET_KEY not in str(raised.value)


def test_an_endpoint_password_is_never_repeated():
    with pytest.raises(presign.PresignError) as raised:
        presign.Client(
            endpoint_url="https://user:hunter2@s3.example.com",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
    assert "hunter2" not in str(raised.value)


def test_odd_values_never_crash_the_interpreter(client):
    """Everything a caller might pass by mistake ends in an exception."""
    odd = [None, 0, -1, 2**200, 1.5, float("nan"), b"x", bytearray(b"x"), [], {}, object(), "\ud800", "\x00"]
    for value in odd:
        for name in ("Bucket", "Key", "VersionId", "PartNumber", "ResponseExpires", "Range"):
            params = {"Bucket": "bucket", "Key": "k", name: value}
            try:
                sign(client, "get_object", params)
            except (presign.PresignError, TypeError, UnicodeError):
                pass
        for method in (value, "get_object"):
            try:
                client.generate_presigned_url(method, Params=value, now=NOW)
            except (presign.PresignError, TypeError, UnicodeError):
                pass
        try:
            client.presign_many("get_object", "bucket", [value], now=NOW)
        except (presign.PresignError, TypeError, UnicodeError):
            pass
        try:
            client.generate_presigned_post("bucket", "k", Fields={"a": value}, Conditions=[value], now=NOW)
        except (presign.PresignError, TypeError, UnicodeError, ValueError):
            pass


# -- Issue 23, item 10: as boto3 users call it ---------------------------------


def test_the_first_argument_is_the_service_name_as_in_boto3(client_keys):
    client = presign.Client("s3", region_name="eu-west-1", **client_keys)
    assert client.region_name == "eu-west-1"
    with pytest.raises(presign.PresignError, match='service_name is "us-east-1": presign signs for S3 only'):
        presign.Client("us-east-1", **client_keys)


def test_a_botocore_config_sets_region_addressing_and_signature_version(client_keys):
    from botocore.config import Config

    client = presign.Client("s3", config=Config(region_name="eu-central-1", s3={"addressing_style": "path"},
                                                signature_version="s3v4"), **client_keys)
    assert (client.region_name, client.addressing_style) == ("eu-central-1", "path")
    # An argument wins over the config, as in boto3.
    client = presign.Client("s3", region_name="us-west-2", config=Config(region_name="eu-central-1"), **client_keys)
    assert client.region_name == "us-west-2"
    # SigV2 (boto3's "s3") is an opt-in now (test_sigv2.py); other names are refused.
    assert presign.Client("s3", config=Config(signature_version="s3"), **client_keys).signature_version == "s3"
    with pytest.raises(presign.PresignError, match='config.signature_version is "s3v2": use s3 '):
        presign.Client("s3", config=Config(signature_version="s3v2"), **client_keys)
    with pytest.raises(TypeError, match="config must be a botocore.config.Config"):
        presign.Client("s3", config=42, **client_keys)


def test_presign_many_refuses_a_str_of_keys(client):
    with pytest.raises(TypeError, match="Keys must be a list .*, not str"):
        client.presign_many("get_object", "bucket", "abc", now=NOW)
    assert len(client.presign_many("get_object", "bucket", iter(["a", "b"]), now=NOW)) == 2


def test_without_credentials_the_message_says_the_python_way(monkeypatch, tmp_path):
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(presign.PresignError) as raised:
        presign.Client("s3", region_name="us-east-1")
    message = str(raised.value)
    assert "aws_access_key_id=" in message and "profile_name=" in message, message
    assert "--profile" not in message and "--ibm-credentials" not in message, message


def test_a_legacy_bucket_name_says_how_and_signs_with_the_opt_in(client_keys):
    client = presign.Client("s3", region_name="us-east-1", endpoint_url="http://127.0.0.1:9000", **client_keys)
    with pytest.raises(presign.PresignError, match=r"allow_legacy_bucket_names=True"):
        client.generate_presigned_url("get_object", Params={"Bucket": "Legacy_Bucket", "Key": "k"}, now=NOW)
    legacy = presign.Client("s3", region_name="us-east-1", endpoint_url="http://127.0.0.1:9000",
                            allow_legacy_bucket_names=True, **client_keys)
    url = legacy.generate_presigned_url("get_object", Params={"Bucket": "Legacy_Bucket", "Key": "k"}, now=NOW)
    assert url.startswith("http://127.0.0.1:9000/Legacy_Bucket/k?"), url
