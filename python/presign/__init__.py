"""SigV4 presigned URLs for S3 and every S3-compatible store, from Rust.

``presign.Client`` offers boto3's ``generate_presigned_url`` (and
``generate_presigned_post``) with boto3's names and results, byte for byte,
over 80 times faster per URL; ``presign_many`` signs a whole list of keys on
every core, over 500 times faster than a boto3 loop. Credentials, region and
endpoint are found as the ``presign`` command finds them (environment,
``~/.aws`` profiles, IBM COS credential files).

Example::

    >>> import presign
    >>> client = presign.Client()                      # like boto3.client("s3")
    >>> url = client.generate_presigned_url(
    ...     "get_object", Params={"Bucket": "my-bucket", "Key": "report.pdf"}, ExpiresIn=3600
    ... )
    >>> urls = client.presign_many("get_object", "my-bucket", ["a.csv", "b.csv"])
    >>> presign.inspect(url)["expires_in"]
    3600

Errors are ``presign.PresignError`` (a ``ValueError``) with the message the
``presign`` command prints; ``presign.verify`` raises ``presign.VerifyError``
for a URL it rejects. All signing happens in Rust.
"""

from presign._presign import (
    Client,
    PresignError,
    VerifyError,
    __version__,
    inspect,
    verify,
)

__all__ = [
    "Client",
    "PresignError",
    "VerifyError",
    "__version__",
    "inspect",
    "verify",
]
