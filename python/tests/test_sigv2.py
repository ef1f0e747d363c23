"""SigV2 presigned URLs: ``presign.Client(signature_version="s3")``, boto3's
``Config(signature_version="s3")`` spelling, and the profile's
``s3.signature_version``.

The reference is botocore 1.43.11 with ``signature_version="s3"``, its SigV2
clock (``time.time()`` inside ``botocore.auth``) frozen at the signing
instant, and the AWS SigV2 documentation's query-string example (the URL the
``presign`` command's tests assert too).
"""

import datetime
import itertools

import pytest

import presign

from support import ACCESS_KEY, SECRET_KEY

# The AWS documentation's SigV2 query-string example.
DOC_NOW = datetime.datetime(2007, 3, 29, 2, 40, 20, tzinfo=datetime.timezone.utc)
DOC_URL = (
    "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
    "&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620"
)
DOC_CALL = ("get_object", {"Bucket": "johnsmith", "Key": "photos/puppy.jpg"})


def doc_client(**arguments):
    arguments.setdefault("aws_access_key_id", ACCESS_KEY)
    arguments.setdefault("aws_secret_access_key", SECRET_KEY)
    return presign.Client(
        region_name="us-east-1",
        endpoint_url="https://s3.amazonaws.com",
        addressing_style="virtual",
        **arguments,
    )


def doc_url(client):
    method, params = DOC_CALL
    return client.generate_presigned_url(method, Params=params, ExpiresIn=3600, now=DOC_NOW)


@pytest.fixture
def frozen_sigv2(monkeypatch):
    """boto3 SigV2 clients whose clock reads the instant given."""
    import boto3
    import botocore.auth
    from botocore.config import Config

    clock = {"now": None}

    class FrozenTime:
        def __getattr__(self, name):
            import time

            return getattr(time, name)

        @staticmethod
        def time():
            if clock["now"] is None:
                raise RuntimeError("botocore read its SigV2 clock outside a frozen instant")
            return clock["now"]

    monkeypatch.setattr(botocore.auth, "time", FrozenTime())
    session = boto3.session.Session()

    def sign(client_args, method, params, expires, now, http_method=None):
        client = session.client(
            "s3",
            config=Config(signature_version="s3", s3={"addressing_style": client_args["addressing_style"]}),
            region_name=client_args["region_name"],
            endpoint_url=client_args["endpoint_url"],
            aws_access_key_id=client_args["aws_access_key_id"],
            aws_secret_access_key=client_args["aws_secret_access_key"],
            aws_session_token=client_args.get("aws_session_token"),
        )
        clock["now"] = now.timestamp()
        try:
            return client.generate_presigned_url(
                method, Params=params, ExpiresIn=expires, HttpMethod=http_method
            )
        finally:
            clock["now"] = None

    return sign


def test_the_aws_documentation_example():
    assert doc_url(doc_client(signature_version="s3")) == DOC_URL


def test_sigv4_stays_the_default():
    client = doc_client()
    assert client.signature_version == "s3v4"
    assert "X-Amz-Signature=" in doc_url(client)
    assert doc_url(doc_client(signature_version="s3v4")) == doc_url(client)


KEYS = ["photos/puppy.jpg", "a b/ü+%~!*'()&=?.txt", "dir//x/../y", "日本/😀"]
ENDPOINTS = [
    ("http://127.0.0.1:9000", "path"),
    ("https://s3.example.com", "virtual"),
    ("https://s3.example.com:8443/base", "path"),
    ("https://s3.eu-de.cloud-object-storage.appdomain.cloud", "virtual"),
]
CALLS = [
    ("get_object", {}, None),
    ("get_object", {"ResponseContentType": "text/plain; charset=utf-8",
                    "ResponseContentDisposition": 'attachment; filename="a b.txt"',
                    "VersionId": "v1/2"}, None),
    ("head_object", {"VersionId": "3"}, None),
    ("put_object", {"ContentType": "image/png", "Metadata": {"Owner": "alice", "tag": " x "}}, "PUT"),
    ("put_object", {"ContentMD5": "1B2M2Y8AsgTpgAmY7PhCfg==", "ACL": "private"}, "PUT"),
    ("delete_object", {"VersionId": "v1"}, "DELETE"),
    ("upload_part", {"UploadId": "u 1", "PartNumber": 2}, "PUT"),
]


def test_urls_are_botocore_s_byte_for_byte(frozen_sigv2):
    now = datetime.datetime(2024, 2, 29, 12, 34, 56, tzinfo=datetime.timezone.utc)
    compared = 0
    for (endpoint, style), key, (method, extra, http_method), token in itertools.product(
        ENDPOINTS, KEYS, CALLS, [None, "FQoGZXIvYXdz/+token=="]
    ):
        arguments = {
            "region_name": "us-east-1",
            "endpoint_url": endpoint,
            "addressing_style": style,
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
            "aws_session_token": token,
        }
        params = {"Bucket": "bucket-1", "Key": key, **extra}
        theirs = frozen_sigv2(arguments, method, params, 900, now, http_method)
        client = presign.Client(signature_version="s3", **arguments)
        ours = client.generate_presigned_url(
            method, Params=params, ExpiresIn=900, HttpMethod=http_method, now=now
        )
        assert ours == theirs, (endpoint, style, key, method, extra, token)
        compared += 1
    assert compared == len(ENDPOINTS) * len(KEYS) * len(CALLS) * 2


def test_a_botocore_config_asks_for_sigv2_as_in_boto3():
    from botocore.config import Config

    client = doc_client(config=Config(signature_version="s3"))
    assert client.signature_version == "s3"
    assert doc_url(client) == DOC_URL
    # The argument wins over the config.
    assert doc_client(config=Config(signature_version="s3"), signature_version="s3v4").signature_version == "s3v4"


def test_the_profile_setting_and_its_precedence(tmp_path, monkeypatch):
    from botocore.config import Config

    config = tmp_path / "config"
    config.write_text("[default]\ns3 =\n  signature_version = s3\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    client = doc_client()
    assert client.signature_version == "s3"
    assert doc_url(client) == DOC_URL
    assert doc_client(signature_version="s3v4").signature_version == "s3v4"
    assert doc_client(config=Config(signature_version="s3v4")).signature_version == "s3v4"


def test_bad_values_name_the_argument_and_the_allowed_values(tmp_path, monkeypatch):
    from botocore.config import Config

    with pytest.raises(presign.PresignError, match=r'^signature_version is "v2": use s3 \(SigV2\), s3v4'):
        doc_client(signature_version="v2")
    with pytest.raises(presign.PresignError, match=r'^config.signature_version is "s3v2": use s3 \(SigV2\)'):
        doc_client(config=Config(signature_version="s3v2"))
    config = tmp_path / "config"
    config.write_text("[default]\ns3 =\n  signature_version = sigv2\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with pytest.raises(presign.PresignError, match=r"invalid `s3.signature_version` in profile 'default'"):
        doc_client()


def test_what_sigv2_cannot_sign_is_refused():
    client = doc_client(signature_version="s3")
    with pytest.raises(presign.PresignError, match="method POST cannot be presigned with SigV2"):
        client.generate_presigned_url(
            "create_multipart_upload", Params={"Bucket": "johnsmith", "Key": "k"}, now=DOC_NOW
        )
    with pytest.raises(presign.PresignError, match='header "Cache-Control" is invalid: SigV2 signs only'):
        client.generate_presigned_url(
            "put_object", Params={"Bucket": "johnsmith", "Key": "k", "CacheControl": "no-cache"}, now=DOC_NOW
        )
    with pytest.raises(presign.PresignError, match="generate_presigned_post signs SigV4 POST policies only"):
        client.generate_presigned_post("johnsmith", "k", now=DOC_NOW)


def test_presign_many_gives_each_key_s_generate_presigned_url():
    client = doc_client(signature_version="s3")
    keys = ["photos/puppy.jpg", "a b.txt", "ü"]
    urls = client.presign_many("get_object", "johnsmith", keys, ExpiresIn=3600, now=DOC_NOW)
    assert urls[0] == DOC_URL
    assert urls == [
        client.generate_presigned_url(
            "get_object", Params={"Bucket": "johnsmith", "Key": key}, ExpiresIn=3600, now=DOC_NOW
        )
        for key in keys
    ]
    with pytest.raises(TypeError, match=r"Keys\[1\]"):
        client.presign_many("get_object", "johnsmith", ["a", 2], now=DOC_NOW)
    with pytest.raises(presign.PresignError, match=r"^Keys\[1\]: object key is invalid"):
        client.presign_many("get_object", "johnsmith", ["a", ""], now=DOC_NOW)


def test_inspect_and_verify_read_the_sigv2_urls_boto3_signs(frozen_sigv2):
    now = datetime.datetime(2024, 2, 29, 12, 34, 56, tzinfo=datetime.timezone.utc)
    token = "FQoGZXIvYXdz/+token=="
    arguments = {
        "region_name": "us-east-1",
        "endpoint_url": "http://127.0.0.1:9000",
        "addressing_style": "path",
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        "aws_session_token": token,
    }
    key = "a b/ü+.png"
    params = {"Bucket": "bucket-1", "Key": key, "ContentType": "image/png", "Metadata": {"owner": "alice"}}
    url = frozen_sigv2(arguments, "put_object", params, 900, now, "PUT")
    assert "AWSAccessKeyId=" in url

    info = presign.inspect(url, now=now + datetime.timedelta(seconds=60))
    assert info["signature_version"] == "s3" and info["algorithm"] == "HmacSHA1"
    assert (info["bucket"], info["key"]) == ("bucket-1", key)
    assert info["signed_at"] is None and info["expires_in"] is None
    assert info["expires_at"] == "2024-02-29T12:49:56Z" and info["time_left_seconds"] == 840
    assert info["signed_headers"] == ["content-type", "x-amz-meta-owner"]
    assert info["session_token"] is True and token not in repr(info)

    keys = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
    sent = {"Content-Type": "image/png", "x-amz-meta-owner": "alice"}
    verified = presign.verify(url, "PUT", sent, now=now, **keys)
    assert verified["signature_version"] == "s3" and verified["signed_at"] is None
    assert (verified["bucket"], verified["key"]) == ("bucket-1", key)
    assert verified["expires_at"] == "2024-02-29T12:49:56Z"
    with pytest.raises(presign.VerifyError, match="the URL was signed for PUT; send it with PUT"):
        presign.verify(url, "GET", sent, now=now, **keys)
    with pytest.raises(presign.VerifyError, match="signs the header content-type"):
        presign.verify(url, "PUT", {}, now=now, **keys)
    with pytest.raises(presign.VerifyError, match="signature mismatch"):
        presign.verify(url, "PUT", {**sent, "Content-Type": "text/html"}, now=now, **keys)
    with pytest.raises(presign.VerifyError, match="expired at 2024-02-29T12:49:56Z"):
        presign.verify(url, "PUT", sent, now=now + datetime.timedelta(seconds=900), **keys)
    with pytest.raises(presign.PresignError, match="no Signature parameter") as malformed:
        presign.verify(url.replace("Signature=", "Signatur="), "PUT", sent, now=now, **keys)
    assert not isinstance(malformed.value, presign.VerifyError)

    # presign's own SigV2 URL reads back the same way.
    ours = presign.Client(signature_version="s3", **arguments).generate_presigned_url(
        "put_object", Params=params, ExpiresIn=900, HttpMethod="PUT", now=now
    )
    assert ours == url
