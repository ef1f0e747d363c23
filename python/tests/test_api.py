"""presign_many, inspect, verify, the multipart methods, generate_presigned_post
and where a Client() without arguments finds its settings."""

import datetime
import subprocess
import sys
import threading

import presign
import pytest
from support import ACCESS_KEY, REPO, SECRET_KEY

NOW = datetime.datetime(2024, 11, 28, 12, tzinfo=datetime.timezone.utc)


def test_presign_many_gives_generate_presigned_urls_urls_in_order(client):
    keys = [f"data/part-{index:05d}.parquet" for index in range(5001)] + ["ü/ß é", "a//b", "%"]
    urls = client.presign_many(
        "get_object", "dataset", keys, ExpiresIn=600, now=NOW, ResponseContentType="text/csv"
    )
    assert len(urls) == len(keys)
    for key, url in zip(keys, urls):
        single = client.generate_presigned_url(
            "get_object",
            Params={"Bucket": "dataset", "Key": key, "ResponseContentType": "text/csv"},
            ExpiresIn=600,
            now=NOW,
        )
        assert url == single


def test_presign_many_takes_any_iterable_and_an_empty_one(client):
    assert client.presign_many("get_object", "dataset", iter(["a", "b"]), now=NOW) == [
        client.generate_presigned_url("get_object", Params={"Bucket": "dataset", "Key": k}, now=NOW)
        for k in ("a", "b")
    ]
    assert client.presign_many("put_object", "dataset", [], now=NOW) == []


def test_presign_many_releases_the_gil(client):
    """Another Python thread runs while a large batch is signed."""
    keys = [f"k/{index}" for index in range(400_000)]
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)

    thread = threading.Thread(target=tick)
    thread.start()
    try:
        before = len(ticks)
        client.presign_many("get_object", "bucket", keys, now=NOW)
        during = len(ticks) - before
    finally:
        stop.set()
        thread.join()
    assert during > 0


def test_inspect_reads_a_url_without_credentials(client):
    url = client.generate_presigned_url(
        "get_object",
        Params={"Bucket": "examplebucket", "Key": "a b.txt", "VersionId": "v1"},
        ExpiresIn=3600,
        now=NOW,
    )
    info = presign.inspect(url, now=NOW + datetime.timedelta(minutes=10))
    assert info["bucket"] == "examplebucket" and info["key"] == "a b.txt"
    assert info["expires_at"] == "2024-11-28T13:00:00Z"
    assert info["time_left_seconds"] == 3000 and not info["expired"]
    assert info["query"] == [("versionId", "v1")]
    assert info["access_key_id"] == ACCESS_KEY and info["session_token"] is False
    with pytest.raises(presign.PresignError, match="this is not a presigned URL"):
        presign.inspect("https://example.com/")


def test_verify_accepts_the_urls_it_makes_and_says_why_it_refuses(client):
    url = client.generate_presigned_url(
        "put_object",
        Params={"Bucket": "bucket", "Key": "in/a.png", "ContentType": "image/png"},
        ExpiresIn=600,
        now=NOW,
    )
    keys = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
    verified = presign.verify(url, "PUT", {"Content-Type": "image/png"}, now=NOW, **keys)
    assert verified["key"] == "in/a.png" and verified["signed_headers"] == ["content-type", "host"]
    with pytest.raises(presign.VerifyError, match="expired"):
        presign.verify(url, "PUT", {"Content-Type": "image/png"}, now=NOW + datetime.timedelta(hours=1), **keys)
    with pytest.raises(presign.VerifyError, match="signature mismatch for GET: the URL was signed for PUT"):
        presign.verify(url, "GET", {"Content-Type": "image/png"}, now=NOW, **keys)
    with pytest.raises(presign.VerifyError):
        presign.verify(url, "PUT", {"Content-Type": "image/png"}, now=NOW,
                       aws_access_key_id=ACCESS_KEY, aws_secret_access_key="other")
    tampered = url.replace("in/a.png", "in/b.png")
    with pytest.raises(presign.VerifyError, match="signature"):
        presign.verify(tampered, "PUT", {"Content-Type": "image/png"}, now=NOW, **keys)
    with pytest.raises(presign.PresignError, match="this is not a valid presigned URL"):
        presign.verify("https://bucket.s3.amazonaws.com/k", now=NOW, **keys)


MULTIPART = [
    ("create_multipart_upload", {"ContentType": "video/mp4"}),
    ("upload_part", {"PartNumber": 3, "UploadId": "VXBsb2FkIElE"}),
    ("upload_part", {"UploadId": "VXBsb2FkIElE", "PartNumber": 3}),
    ("complete_multipart_upload", {"UploadId": "VXBsb2FkIElE"}),
    ("abort_multipart_upload", {"UploadId": "VXBsb2FkIElE"}),
    ("list_parts", {"UploadId": "VXBsb2FkIElE"}),
    ("list_parts", {"MaxParts": 100, "UploadId": "VXBsb2FkIElE", "PartNumberMarker": 7}),
    ("list_parts", {"PartNumberMarker": 7, "UploadId": "VXBsb2FkIElE"}),
]


@pytest.mark.parametrize("method, extra", MULTIPART)
def test_multipart_urls_are_boto3s_byte_for_byte_in_any_parameter_order(client, botocore_frozen, method, extra):
    params = {"Bucket": "videos", "Key": "big.mp4", **extra}
    ours = client.generate_presigned_url(method, Params=params, ExpiresIn=3600, now=NOW)
    boto3 = botocore_frozen.client("us-east-1", None, "auto", ACCESS_KEY, SECRET_KEY, None)
    with botocore_frozen.at(NOW):
        theirs = boto3.generate_presigned_url(method, Params=params, ExpiresIn=3600)
    assert ours == theirs


def test_generate_presigned_post_example(client):
    post = client.generate_presigned_post(
        "uploads",
        "in/${filename}",
        Fields={"acl": "private", "success_action_status": 201},
        Conditions=[{"acl": "private"}, ["content-length-range", 1, 10485760]],
        ExpiresIn=600,
        now=NOW,
    )
    assert post["url"] == "https://uploads.s3.amazonaws.com/"
    assert list(post["fields"]) == [
        "acl", "success_action_status", "key", "x-amz-algorithm", "x-amz-credential",
        "x-amz-date", "policy", "x-amz-signature",
    ]
    # Fields are handed back as given, as boto3 does.
    assert post["fields"]["success_action_status"] == 201
    assert post["fields"]["key"] == "in/${filename}"


def test_the_operations_table_is_what_the_pinned_botocore_says():
    done = subprocess.run(
        [sys.executable, str(REPO / "crates" / "presign-python" / "generate_operations.py"), "--check"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr


def test_a_client_without_arguments_finds_what_the_command_finds(tmp_path, monkeypatch):
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(
        "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = default-secret\n"
        "[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = dev-secret\n"
    )
    (aws / "config").write_text(
        "[profile dev]\nregion = eu-de\nendpoint_url = https://s3.eu-de.cloud-object-storage.appdomain.cloud\n"
        "s3 =\n  addressing_style = path\n"
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("AWS_CONFIG_FILE")
    monkeypatch.delenv("AWS_SHARED_CREDENTIALS_FILE")
    default = presign.Client()
    assert default.region_name == "us-east-1" and "DEFAULTKEY" in repr(default)
    dev = presign.Client(profile_name="dev")
    assert (dev.region_name, dev.endpoint_url, dev.addressing_style) == (
        "eu-de", "https://s3.eu-de.cloud-object-storage.appdomain.cloud", "path",
    )
    assert "DEVKEY" in repr(dev) and "dev-secret" not in repr(dev)
    assert presign.Client(profile_name="dev", addressing_style="virtual").addressing_style == "virtual"
    monkeypatch.setenv("AWS_PROFILE", "dev")
    monkeypatch.setenv("AWS_REGION", "eu-gb")
    assert presign.Client().region_name == "eu-gb"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    assert "ENVKEY" in repr(presign.Client())
    given = presign.Client(aws_access_key_id="GIVEN", aws_secret_access_key="given-secret")
    assert "GIVEN" in repr(given)
    url = dev.generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k"}, now=NOW)
    assert url.startswith("https://s3.eu-de.cloud-object-storage.appdomain.cloud/b-1/k?")
    assert "DEVKEY%2F20241128%2Feu-de%2Fs3" in url


def test_ibm_credentials_files_work(tmp_path):
    cos = tmp_path / "cos.json"
    cos.write_text('{"cos_hmac_keys": {"access_key_id": "IBMKEY", "secret_access_key": "ibm-secret"}}')
    client = presign.Client(
        region_name="",
        endpoint_url="https://s3.us-south.cloud-object-storage.appdomain.cloud",
        ibm_credentials=cos,
    )
    url = client.generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k"}, now=NOW)
    assert "X-Amz-Credential=IBMKEY%2F20241128%2F%2Fs3%2Faws4_request" in url
