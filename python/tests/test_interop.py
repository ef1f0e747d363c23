"""The URLs and forms the package makes, used against a real S3-compatible
server with nothing but urllib: upload, read back, multipart, a browser-style
POST form, delete.

The server comes from ``$PRESIGN_INTEROP_SERVERS`` (the folder of the
``NAME.env`` files ``scripts/servers/start.sh`` writes; scripts/test.sh starts
them). s3s-fs is used when it is there, it checks signatures, POST policies
and multipart uploads; otherwise SeaweedFS. Without the variable the tests are
skipped, or fail under CI.
"""

import os
import pathlib
import re
import urllib.error
import urllib.request
import uuid

import presign
import pytest

PREFERRED = ["s3s-fs", "seaweedfs"]


def server():
    folder = os.environ.get("PRESIGN_INTEROP_SERVERS")
    if not folder:
        if os.environ.get("CI"):
            pytest.fail("PRESIGN_INTEROP_SERVERS is not set: scripts/test.sh starts the servers")
        pytest.skip("PRESIGN_INTEROP_SERVERS is not set (scripts/test.sh starts the servers)")
    for name in PREFERRED:
        env = pathlib.Path(folder) / f"{name}.env"
        if env.exists():
            values = dict(
                line.split("=", 1) for line in env.read_text().splitlines() if "=" in line
            )
            return values
    pytest.fail(f"none of {PREFERRED} is running in {folder}")


@pytest.fixture(scope="module")
def store():
    values = server()
    client = presign.Client(
        region_name=values["PRESIGN_TEST_REGION"],
        endpoint_url=values["PRESIGN_TEST_ENDPOINT"],
        aws_access_key_id=values["PRESIGN_TEST_ACCESS_KEY"],
        aws_secret_access_key=values["PRESIGN_TEST_SECRET_KEY"],
        addressing_style="path",
    )
    return client, values["PRESIGN_TEST_BUCKET"], values["PRESIGN_TEST_SERVER"]


def send(url, method, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_put_head_get_delete_through_presigned_urls(store):
    client, bucket, name = store
    key = f"python/{uuid.uuid4()}/a b+ü (1).txt"
    body = b"hello from presign's Python package\n" * 100
    put = client.generate_presigned_url(
        "put_object",
        Params={"Bucket": bucket, "Key": key, "ContentType": "text/plain", "Metadata": {"owner": "alice"}},
        ExpiresIn=600,
    )
    status, _, answer = send(
        put, "PUT", body, {"Content-Type": "text/plain", "x-amz-meta-owner": "alice"}
    )
    assert status == 200, (name, answer)

    wrong = send(put, "PUT", body, {"Content-Type": "image/png", "x-amz-meta-owner": "alice"})
    assert wrong[0] == 403, (name, wrong)

    head = client.generate_presigned_url("head_object", Params={"Bucket": bucket, "Key": key})
    status, headers, _ = send(head, "HEAD")
    headers = {k.lower(): v for k, v in headers.items()}
    assert status == 200 and headers["content-type"] == "text/plain", (name, headers)
    assert headers.get("x-amz-meta-owner") == "alice", (name, headers)

    get = client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key, "ResponseContentType": "application/x-test"}
    )
    status, headers, answer = send(get, "GET")
    assert (status, answer) == (200, body), name
    [many] = client.presign_many("get_object", bucket, [key])
    assert send(many, "GET")[2] == body

    delete = client.generate_presigned_url("delete_object", Params={"Bucket": bucket, "Key": key})
    assert send(delete, "DELETE")[0] == 204
    assert send(client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}), "GET")[0] == 404


def test_a_multipart_upload_through_presigned_urls(store):
    client, bucket, name = store
    key = f"python/{uuid.uuid4()}/big.bin"
    parts = [os.urandom(5 * 1024 * 1024), b"the short last part"]
    create = client.generate_presigned_url(
        "create_multipart_upload", Params={"Bucket": bucket, "Key": key, "ContentType": "application/octet-stream"}
    )
    status, _, answer = send(create, "POST", b"", {"Content-Type": "application/octet-stream"})
    assert status == 200, (name, answer)
    upload_id = re.search(rb"<UploadId>([^<]+)</UploadId>", answer).group(1).decode()

    etags = []
    for number, part in enumerate(parts, start=1):
        url = client.generate_presigned_url(
            "upload_part", Params={"Bucket": bucket, "Key": key, "UploadId": upload_id, "PartNumber": number}
        )
        status, headers, answer = send(url, "PUT", part)
        assert status == 200, (name, answer)
        etags.append({k.lower(): v for k, v in headers.items()}["etag"])

    listed = client.generate_presigned_url("list_parts", Params={"Bucket": bucket, "Key": key, "UploadId": upload_id})
    status, _, answer = send(listed, "GET")
    assert status == 200 and answer.count(b"<Part>") == 2, (name, answer)

    body = "<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{number}</PartNumber><ETag>{etag}</ETag></Part>"
        for number, etag in enumerate(etags, start=1)
    ) + "</CompleteMultipartUpload>"
    complete = client.generate_presigned_url(
        "complete_multipart_upload", Params={"Bucket": bucket, "Key": key, "UploadId": upload_id}
    )
    status, _, answer = send(complete, "POST", body.encode())
    assert status == 200, (name, answer)
    get = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    assert send(get, "GET")[2] == b"".join(parts)


def form(fields, file_bytes):
    """multipart/form-data with the fields in order and the file last."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in fields.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    chunks.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode()
    )
    chunks.append(file_bytes + f"\r\n--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def test_a_browser_style_post_form_uploads_under_its_policy(store):
    client, bucket, name = store
    # An exact key: s3s-fs stores `${filename}` literally (docs/servers.md).
    key = f"python/{uuid.uuid4()}/photo.png"
    post = client.generate_presigned_post(
        bucket,
        key,
        Fields={"Content-Type": "image/png", "success_action_status": "201"},
        Conditions=[
            ["starts-with", "$Content-Type", "image/"],
            {"success_action_status": "201"},
            ["content-length-range", 1, 1024],
        ],
        ExpiresIn=600,
    )
    body, content_type = form(post["fields"], b"\x89PNG not really")
    status, _, answer = send(post["url"], "POST", body, {"Content-Type": content_type})
    assert status == 201, (name, answer)
    get = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    assert send(get, "GET")[2] == b"\x89PNG not really"

    too_big, content_type = form(post["fields"], b"x" * 2048)
    status, _, answer = send(post["url"], "POST", too_big, {"Content-Type": content_type})
    assert status in (400, 403), (name, status, answer)
