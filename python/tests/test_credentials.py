"""Credentials from the AWS chain in the Python Client, with boto3 as the oracle.

For each source a ``presign.Client(profile_name=...)`` and a boto3 session on
the same profile, the same files and the same environment sign a URL at one
instant: the URLs must be identical, byte for byte, session token included.
The services the chain calls (STS, the container endpoint) are loopback stubs
from the standard library that answer exactly as AWS documents, the same
credentials every time, so both sides get the same keys. A profile botocore
refuses, presign refuses, naming the profile.
"""

import datetime
import json
import stat
import sys
import textwrap

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

import presign
from support import Stub

ENDPOINT = "http://127.0.0.1:9000"
NOW = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.timezone.utc)
EXPIRATION = "2099-01-01T00:00:00Z"
PARAMS = {"Bucket": "bucket", "Key": "dir/file name.txt"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty home with ``~/.aws``; the config file is written by each test."""
    aws = tmp_path / ".aws"
    aws.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    return tmp_path


def write_config(home, text):
    (home / ".aws" / "config").write_text(textwrap.dedent(text))


def ours(profile):
    client = presign.Client(
        profile_name=profile, region_name="eu-west-1", endpoint_url=ENDPOINT,
        addressing_style="path",
    )
    return client.generate_presigned_url("get_object", Params=PARAMS, ExpiresIn=600, now=NOW)


def theirs(profile, botocore_frozen):
    # botocore signs its STS calls with the same (frozen) clock.
    with botocore_frozen.at(NOW):
        session = boto3.session.Session(profile_name=profile)
        credentials = session.get_credentials().get_frozen_credentials()
        client = session.client(
            "s3", region_name="eu-west-1", endpoint_url=ENDPOINT,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )
        url = client.generate_presigned_url("get_object", Params=PARAMS, ExpiresIn=600)
    return url, credentials


def sts_answer(action, key):
    return textwrap.dedent(f"""\
        <{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <{action}Result>
            <Credentials>
              <AccessKeyId>{key}</AccessKeyId>
              <SecretAccessKey>secret-of-{key}</SecretAccessKey>
              <SessionToken>token-of-{key}</SessionToken>
              <Expiration>{EXPIRATION}</Expiration>
            </Credentials>
          </{action}Result>
          <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
        </{action}Response>""")


@pytest.fixture
def sts(monkeypatch):
    """A loopback STS answering AssumeRole and AssumeRoleWithWebIdentity."""

    def answer(_method, _path, body, _headers):
        action = "AssumeRoleWithWebIdentity" if "WithWebIdentity" in body else "AssumeRole"
        key = "ASIAWEBIDENTITY" if action == "AssumeRoleWithWebIdentity" else "ASIAASSUMED"
        return 200, "text/xml", sts_answer(action, key)

    stub = Stub(answer)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", stub.url)
    yield stub
    stub.close()


def test_assume_role_with_a_source_profile_signs_as_boto3(home, sts, botocore_frozen):
    # botocore 1.43 needs a region for STS (NoRegionError); presign would use the global endpoint.
    write_config(home, """\
        [profile dev]
        region = eu-west-1
        role_arn = arn:aws:iam::123456789012:role/dev
        source_profile = base
        role_session_name = presign-test
        [profile base]
        aws_access_key_id = AKIDBASE
        aws_secret_access_key = base-secret
    """)
    url = ours("dev")
    expected, credentials = theirs("dev", botocore_frozen)
    assert credentials.access_key == "ASIAASSUMED"
    assert url == expected
    assert "X-Amz-Security-Token=token-of-ASIAASSUMED" in url
    assert "AKIDBASE" in sts.requests[0][2]["authorization"]


def test_web_identity_from_the_environment_signs_as_boto3(home, sts, botocore_frozen, monkeypatch):
    token = home / "token"
    token.write_text("a-web-identity-token")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod")
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "pod")
    write_config(home, "[default]\nregion = eu-west-1\n")
    url = ours(None)
    expected, _ = theirs(None, botocore_frozen)
    assert url == expected
    assert "Credential=ASIAWEBIDENTITY" in url or "ASIAWEBIDENTITY%2F" in url
    assert all("authorization" not in headers for _, _, headers, _ in sts.requests)


def test_credential_process_signs_as_boto3(home, botocore_frozen):
    script = home / "creds.py"
    script.write_text(textwrap.dedent(f"""\
        import json
        print(json.dumps({{"Version": 1, "AccessKeyId": "ASIAPROCESS",
                          "SecretAccessKey": "process-secret", "SessionToken": "process-token",
                          "Expiration": "{EXPIRATION}"}}))
    """))
    write_config(home, f"""\
        [profile tool]
        credential_process = "{sys.executable}" "{script}"
    """)
    url = ours("tool")
    expected, credentials = theirs("tool", botocore_frozen)
    assert credentials.access_key == "ASIAPROCESS"
    assert url == expected


def test_container_credentials_sign_as_boto3(home, botocore_frozen, monkeypatch):
    answer = json.dumps({
        "AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container-secret",
        "Token": "container-token", "Expiration": EXPIRATION,
    })
    stub = Stub(lambda _method, _path, _body, _headers: (200, "application/json", answer))
    try:
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{stub.url}/v2/credentials")
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth")
        write_config(home, "[default]\nregion = eu-west-1\n")
        url = ours(None)
        expected, credentials = theirs(None, botocore_frozen)
        assert credentials.access_key == "ASIACONTAINER"
        assert url == expected
        assert [headers.get("authorization") for _, _, headers, _ in stub.requests] == ["container-auth"] * 2, stub.requests
    finally:
        stub.close()


def test_the_cli_cache_file_is_shared_with_the_aws_cli(home, sts):
    write_config(home, """\
        [profile dev]
        role_arn = arn:aws:iam::123456789012:role/dev
        source_profile = base
        [profile base]
        aws_access_key_id = AKIDBASE
        aws_secret_access_key = base-secret
    """)
    ours("dev")
    ours("dev")
    cache = home / ".aws" / "cli" / "cache"
    files = list(cache.iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert json.loads(files[0].read_text())["Credentials"]["AccessKeyId"] == "ASIAASSUMED"
    assert len(sts.requests) == 1, "the second client read the cache, as the AWS CLI does"


def test_a_source_profile_loop_is_refused_as_botocore_refuses_it(home):
    write_config(home, """\
        [profile a]
        role_arn = arn:aws:iam::123456789012:role/a
        source_profile = b
        [profile b]
        role_arn = arn:aws:iam::123456789012:role/b
        source_profile = a
    """)
    with pytest.raises(presign.PresignError, match="loop: a -> b -> a"):
        presign.Client(profile_name="a")
    with pytest.raises(botocore.exceptions.InfiniteLoopConfigError):
        boto3.session.Session(profile_name="a").get_credentials()


def test_without_any_source_no_credentials_are_found_as_in_boto3(home):
    write_config(home, "[default]\nregion = eu-west-1\n")
    with pytest.raises(presign.PresignError, match="no credentials found") as raised:
        presign.Client()
    assert "profile_name=" in str(raised.value)
    assert boto3.session.Session().get_credentials() is None
