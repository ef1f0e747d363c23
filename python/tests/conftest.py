"""Shared setup of the Python package's tests.

Nothing from the machine may leak into a test: every ``AWS_*`` variable is
removed and the shared config and credentials files point at ``/dev/null``
before any client is made (``presign.Client()`` reads the environment as the
``presign`` command does, and so does boto3). Tests that exercise that lookup
set what they need with ``monkeypatch``.

The tests run against the installed wheel (``scripts/test-python.sh``); the
source tree's ``python/presign`` is never imported.
"""

import os
import pathlib
import sys

import pytest


def _isolate_environment():
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    # The machine's instance metadata service is the machine too.
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    # botocore's own Python signer is the reference, not the CRT one.
    os.environ["BOTO_DISABLE_CRT"] = "true"


_isolate_environment()
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from support import ACCESS_KEY, SECRET_KEY, FrozenBotocore  # noqa: E402


@pytest.fixture
def client():
    import presign

    return presign.Client(
        region_name="us-east-1", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


@pytest.fixture
def client_keys():
    """The test credentials as Client's keyword arguments."""
    return {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}


@pytest.fixture(scope="session")
def botocore_frozen():
    return FrozenBotocore()
