"""A Client made once keeps signing with current credentials (issue 22, "Refresh").

A container-credentials endpoint (what ECS and EKS Pod Identity run, read as
botocore's ``ContainerMetadataFetcher`` reads it) hands out keys that live a
few seconds. The Client signs across several rotations, each URL with the
keys issued last and verifying with their secret; when the endpoint goes
down the Client keeps the last keys until they expire, then raises an error
naming the source. The endpoint runs in this process, on a Python thread: it
answers only because the Client releases the GIL while it fetches.
"""

import datetime
import itertools
import json
import time
import urllib.parse

import pytest

import presign
from support import Stub

AUTHORIZATION = "container-agent-token-python-71c2"
LIFETIME = 4  # seconds


class CredentialsEndpoint(Stub):
    """``GET /creds`` with the agent's ``Authorization``: new keys each time."""

    def __init__(self):
        self.issued = {}  # access key id -> (secret, token, expiry as epoch seconds)
        counter = itertools.count()
        issued = self.issued

        def answer(_method, path, _body, headers):
            if path != "/creds" or headers.get("authorization") != AUTHORIZATION:
                return 401, "application/json", json.dumps({"message": "refused"})
            n = next(counter)
            expires = int(time.time()) + LIFETIME
            key_id = f"ASIAPYTHONROTATE{n:04d}"
            issued[key_id] = (f"py/Secret+{n}/{expires}", f"PySessionToken{n}x{expires}", expires)
            return 200, "application/json", json.dumps({
                "AccessKeyId": key_id,
                "SecretAccessKey": issued[key_id][0],
                "Token": issued[key_id][1],
                "Expiration": datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)
                .strftime("%Y-%m-%dT%H:%M:%SZ"),
                "RoleArn": "arn:aws:iam::123456789012:role/python",
            })

        super().__init__(answer)
        self.url += "/creds"

    def down(self):
        """The port refuses connections from now on."""
        self.close()

    def latest(self):
        return max(self.issued.items(), key=lambda item: item[1][2])


@pytest.fixture
def endpoint(monkeypatch):
    endpoint = CredentialsEndpoint()
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTHORIZATION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield endpoint
    if endpoint.thread.is_alive():
        endpoint.down()


def sign(client):
    return client.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "k"}, ExpiresIn=60)


def check_signed_with_issued_keys(url, issued):
    """The URL verifies with the secret issued for its key, signed before the key expired."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    key_id = query["X-Amz-Credential"][0].split("/")[0]
    secret, token, expires = issued[key_id]
    assert query["X-Amz-Security-Token"] == [token]
    signed_at = datetime.datetime.fromisoformat(presign.inspect(url)["signed_at"].replace("Z", "+00:00"))
    assert signed_at.timestamp() < expires, f"{url} signed with expired keys"
    presign.verify(url, "GET", now=signed_at, aws_access_key_id=key_id, aws_secret_access_key=secret)
    return key_id


def test_a_client_made_once_signs_across_rotations_with_the_current_keys(endpoint):
    client = presign.Client(region_name="us-east-1")
    used = []
    deadline = time.monotonic() + 3 * LIFETIME
    while time.monotonic() < deadline:
        used.append(check_signed_with_issued_keys(sign(client), endpoint.issued))
        time.sleep(0.02)
    rotations = [key for key, _ in itertools.groupby(used)]
    # Refreshed half-way through each 4 s life: 12 s see several rotations,
    # in the order issued, never back to older keys.
    assert len(rotations) >= 4, rotations
    assert rotations == sorted(rotations), rotations
    # The caller that refreshes waits for the endpoint; nobody waits for long.
    assert len(used) > 100, len(used)


def test_an_outage_keeps_the_last_keys_until_they_expire_then_raises_naming_the_source(endpoint):
    client = presign.Client(region_name="us-east-1")
    sign(client)
    endpoint.down()
    last_id, (_, _, expires) = endpoint.latest()
    kept = 0
    # A call in the refresh windows waits for the endpoint's three attempts
    # (2 s): those started 2.5 s before expiry still end in time.
    while time.time() + 2.5 < expires:
        assert check_signed_with_issued_keys(sign(client), endpoint.issued) == last_id
        kept += 1
    assert kept >= 1
    while time.time() < expires:
        time.sleep(0.05)
    with pytest.raises(presign.PresignError) as raised:
        sign(client)
    message = str(raised.value)
    assert "expired" in message and "AWS_CONTAINER_CREDENTIALS_FULL_URI" in message, message
    for secret, token, _ in endpoint.issued.values():
        assert secret not in message and token not in message
