"""Type stubs of presign's compiled module (presign._presign); re-exported by presign."""

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, Optional, TypedDict, Union

__version__: str

ClientMethod = Literal[
    "get_object",
    "put_object",
    "head_object",
    "delete_object",
    "upload_part",
    "create_multipart_upload",
    "complete_multipart_upload",
    "abort_multipart_upload",
    "list_parts",
]

class PresignError(ValueError):
    """Bad input: the message names the parameter and what is allowed (the ``presign`` command's message)."""

class VerifyError(PresignError):
    """presign.verify rejected the URL: the message says why (expired, signature, scope, ...)."""

class PresignedPost(TypedDict):
    url: str
    fields: dict[str, Any]

class Inspection(TypedDict):
    endpoint: str
    host: str
    addressing_style: Literal["path", "virtual"]
    addressing_style_guessed: bool
    bucket: str
    key: str
    access_key_id: str
    signature_version: Literal["s3v4", "s3"]
    algorithm: str
    region: str
    service: str
    signed_at: Optional[str]
    expires_in: Optional[int]
    expires_at: str
    now: str
    expired: bool
    time_left_seconds: int
    signed_headers: list[str]
    session_token: bool
    query: list[tuple[str, str]]

class Verified(TypedDict):
    access_key_id: str
    signature_version: Literal["s3v4", "s3"]
    bucket: str
    key: str
    region: str
    signed_at: Optional[str]
    expires_at: str
    signed_headers: list[str]

class Client:
    """Presigns S3 requests as boto3's S3 client does, over 80 times faster.

    With no arguments the client finds credentials, region and endpoint as the
    ``presign`` command and boto3 do (environment, then the ``~/.aws`` profile
    with its assumed role, web identity, SSO login, keys or credential_process,
    then container and instance roles); temporary credentials are refreshed
    before they expire.

    Example::

        >>> client = presign.Client(region_name="eu-west-1")
        >>> client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    """

    def __init__(
        self,
        service_name: Optional[Literal["s3"]] = None,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        profile_name: Optional[str] = None,
        addressing_style: Literal["auto", "path", "virtual"] = "auto",
        ibm_credentials: Optional[Union[str, os.PathLike[str]]] = None,
        config: Optional[Any] = None,
        allow_legacy_bucket_names: bool = False,
        signature_version: Optional[Literal["s3v4", "s3"]] = None,
    ) -> None:
        """``service_name`` is ``"s3"`` (as in ``boto3.client("s3", ...)``);
        ``config`` a ``botocore.config.Config``, of which presigning uses
        ``region_name``, ``signature_version`` (``"s3v4"``, or ``"s3"`` for
        SigV2), ``use_dualstack_endpoint``, ``use_fips_endpoint``,
        ``s3_disable_express_session_auth`` and ``s3={"addressing_style",
        "use_accelerate_endpoint", "use_dualstack_endpoint", "use_arn_region",
        "us_east_1_regional_endpoint"}``; unset, the ``AWS_*`` environment
        and the profile decide, as in boto3. ``Bucket`` may be an access
        point ARN (S3, Object Lambda, Outposts, Multi-Region) or an S3 Express
        directory bucket, signed with a ``CreateSession`` session kept per
        bucket. ``allow_legacy_bucket_names`` accepts buckets named under the
        old rules (upper case, ``_``), signed path style. ``signature_version``:
        ``"s3v4"`` (SigV4, the default) or ``"s3"`` (SigV2 query-string URLs,
        an opt-in for stores that still document them); it wins over
        ``config``'s, which wins over the profile's ``s3.signature_version``."""
    @property
    def region_name(self) -> str:
        """The signing region (may be ``""``)."""
    @property
    def endpoint_url(self) -> str:
        """The endpoint URLs are made for (without the bucket)."""
    @property
    def addressing_style(self) -> Literal["auto", "path", "virtual"]:
        """The addressing style in use."""
    @property
    def signature_version(self) -> Literal["s3v4", "s3"]:
        """``"s3v4"`` (SigV4) or ``"s3"`` (SigV2): how URLs are signed."""
    def generate_presigned_url(
        self,
        ClientMethod: ClientMethod,
        Params: Optional[Mapping[str, Any]] = None,
        ExpiresIn: int = 3600,
        HttpMethod: Optional[str] = None,
        *,
        now: Optional[datetime.datetime] = None,
    ) -> str:
        """A presigned URL, as boto3's ``generate_presigned_url`` makes it.

        Example::

            >>> client.generate_presigned_url(
            ...     "put_object",
            ...     Params={"Bucket": "uploads", "Key": "in/a.png", "ContentType": "image/png"},
            ...     ExpiresIn=600,
            ... )
        """
    def generate_presigned_post(
        self,
        Bucket: str,
        Key: str,
        Fields: Optional[Mapping[str, Any]] = None,
        Conditions: Optional[Sequence[Union[Mapping[str, Any], Sequence[Any]]]] = None,
        ExpiresIn: int = 3600,
        *,
        now: Optional[datetime.datetime] = None,
    ) -> PresignedPost:
        """A presigned POST (``url`` and form ``fields``), as boto3's ``generate_presigned_post``.

        Example::

            >>> client.generate_presigned_post(
            ...     "uploads", "in/${filename}", Conditions=[["content-length-range", 1, 10485760]]
            ... )
        """
    def presign_many(
        self,
        ClientMethod: ClientMethod,
        Bucket: str,
        Keys: Iterable[str],
        ExpiresIn: int = 3600,
        HttpMethod: Optional[str] = None,
        *,
        now: Optional[datetime.datetime] = None,
        **Params: Any,
    ) -> list[str]:
        """Presigned URLs for many keys, in order, one instant, every core, the GIL released.

        A key that is not a ``str`` raises ``TypeError``, a key S3 refuses ``PresignError``;
        either names its index, and of several bad keys the first in ``Keys`` is reported.

        Example::

            >>> client.presign_many("get_object", "dataset", ["a.csv", "b.csv"])
        """

def inspect(url: str, *, now: Optional[datetime.datetime] = None) -> Inspection:
    """What a presigned URL holds, read without credentials (``presign inspect --output json``).

    Example::

        >>> presign.inspect(url)["expires_at"]
    """

def verify(
    url: str,
    method: str = "GET",
    headers: Optional[Mapping[str, str]] = None,
    *,
    aws_access_key_id: Optional[str] = None,
    aws_secret_access_key: Optional[str] = None,
    profile_name: Optional[str] = None,
    ibm_credentials: Optional[Union[str, os.PathLike[str]]] = None,
    now: Optional[datetime.datetime] = None,
    max_expires_in: Optional[int] = None,
    clock_skew: int = 900,
    regions: Optional[Sequence[str]] = None,
) -> Verified:
    """Checks a presigned URL as a server would; raises VerifyError with the reason when it is rejected.

    Example::

        >>> presign.verify(url, "GET")["key"]
    """
