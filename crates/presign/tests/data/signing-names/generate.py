"""Writes cases.json: presigned URLs from botocore 1.43.11 (with awscrt for
SigV4A) for the signing names and token placements of S3 access points,
Object Lambda, Outposts, S3 Express and Multi-Region Access Points, at a fixed
instant. Run with the project's venv (`.tools/venv/bin/python generate.py`);
crates/presign/tests/signing_names.rs reads the file.

Each case is signed by `client.generate_presigned_url`, the same path
`aws s3 presign` takes. The SigV4 cases run with BOTO_DISABLE_CRT=true: with
awscrt installed botocore signs every presigned URL with the CRT (whose
parameter order differs: X-Amz-SignedHeaders before X-Amz-Expires), and
presign matches botocore's own SigV4 signer. The SigV4A cases need awscrt
(botocore 1.43.11 pins awscrt 0.32.2). S3 Express session credentials come from a stubbed
identity cache instead of a CreateSession call, and the SigV4A case with an
explicit region set calls botocore's `CrtS3SigV4AsymQueryAuth` directly
(endpoint rules only ever give `*`)."""
import datetime
import json
import os
import subprocess
import sys
from unittest import mock
from urllib.parse import urlsplit

import botocore
import botocore.auth
import botocore.session
import botocore.utils
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
AT = datetime.datetime(2026, 12, 7, 1, 2, 3, tzinfo=datetime.timezone.utc)
SESSION = Credentials("ASIASESSIONEXAMPLE", "sessionSecret/EXAMPLE+KEY", "session/token+=")


def fake_now(remove_tzinfo=True):
    return AT.replace(tzinfo=None) if remove_tzinfo else AT


def client(region, token=None, default_signer=False, **config):
    """A client signing with SigV4 (`s3v4`), or, with `default_signer`, with
    what the endpoint rules choose (S3 Express session auth, SigV4A)."""
    if not default_signer:
        config["signature_version"] = "s3v4"
    session = botocore.session.get_session()
    return session.create_client(
        "s3",
        region_name=region,
        aws_access_key_id=AKID,
        aws_secret_access_key=SECRET,
        aws_session_token=token,
        config=Config(**config),
    )


def case(name, *, url, method, endpoint, bucket, key, region, service, expires,
         query=(), headers=(), token=None, express_session=False, sigv4a=None,
         access_key_id=AKID, secret=SECRET):
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return {
        "name": name,
        "method": method,
        "endpoint": endpoint,
        "bucket": bucket,
        "key": key,
        "region": region,
        "service": service,
        "express_session": express_session,
        "sigv4a": sigv4a,
        "expires": expires,
        "query": [list(pair) for pair in query],
        "headers": [list(pair) for pair in headers],
        "access_key_id": access_key_id,
        "secret_access_key": secret,
        "session_token": token,
        "time": AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "origin": origin,
        "url": url,
    }


def v4_cases():
    cases = []
    with mock.patch.object(botocore.auth, "get_current_datetime", fake_now):
        # S3 Object Lambda access point: service s3-object-lambda.
        c = client("us-west-2")
        arn = "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/myolap"
        url = c.generate_presigned_url("get_object", Params={"Bucket": arn, "Key": "a b/c~d.txt"}, ExpiresIn=900)
        cases.append(case("object-lambda-get", url=url, method="GET",
                          endpoint="https://s3-object-lambda.us-west-2.amazonaws.com",
                          bucket="myolap-123456789012", key="a b/c~d.txt", region="us-west-2",
                          service="s3-object-lambda", expires=900))
        # Outposts access point: service s3-outposts, with a session token.
        c = client("us-west-2", token="tok/en+=")
        arn = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/myaccesspoint"
        url = c.generate_presigned_url("get_object", Params={"Bucket": arn, "Key": "k", "VersionId": "v1"}, ExpiresIn=60)
        cases.append(case("outposts-get-token", url=url, method="GET",
                          endpoint="https://op-01234567890123456.s3-outposts.us-west-2.amazonaws.com",
                          bucket="myaccesspoint-123456789012", key="k", region="us-west-2",
                          service="s3-outposts", expires=60, query=[("versionId", "v1")],
                          token="tok/en+="))
        # S3 Express with session auth disabled: the IAM keys, service s3express.
        c = client("us-west-2", token="tok/en+=", s3={"disable_s3_express_session_auth": True})
        bucket = "mybucket--usw2-az1--x-s3"
        url = c.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "in/a.png", "ContentType": "image/png"}, ExpiresIn=300)
        cases.append(case("express-iam-put", url=url, method="PUT",
                          endpoint="https://s3express-usw2-az1.us-west-2.amazonaws.com",
                          bucket=bucket, key="in/a.png", region="us-west-2", service="s3express",
                          expires=300, headers=[("Content-Type", "image/png")], token="tok/en+="))
        # S3 Express session auth: session keys, X-Amz-S3session-Token.
        with mock.patch.object(botocore.utils.S3ExpressIdentityCache, "get_credentials",
                               lambda self, bucket: SESSION):
            c = client("us-west-2", default_signer=True)
            for name, params, query in [
                ("express-session-get", {"Key": "a b.txt"}, []),
                ("express-session-get-query", {"Key": "k", "ResponseContentDisposition": "attachment; filename=x", "VersionId": "v/1"},
                 [("response-content-disposition", "attachment; filename=x"), ("versionId", "v/1")]),
            ]:
                url = c.generate_presigned_url("get_object", Params={"Bucket": bucket, **params}, ExpiresIn=300)
                cases.append(case(name, url=url, method="GET",
                                  endpoint="https://s3express-usw2-az1.us-west-2.amazonaws.com",
                                  bucket=bucket, key=params["Key"], region="us-west-2",
                                  service="s3express", expires=300, query=query,
                                  token=SESSION.token, express_session=True,
                                  access_key_id=SESSION.access_key, secret=SESSION.secret_key))
    return cases


def post_cases():
    """POST policies: botocore's S3SigV4PostAuth with another signing name,
    and S3ExpressPostAuth (session token field X-Amz-S3session-Token)."""
    import botocore.signers

    posts = []
    with mock.patch.object(botocore.auth, "get_current_datetime", fake_now), \
         mock.patch.object(botocore.signers, "get_current_datetime", fake_now):
        bucket = "mybucket--usw2-az1--x-s3"
        endpoint = "https://s3express-control.us-west-2.amazonaws.com"
        c = client("us-west-2", token="tok/en+=", s3={"disable_s3_express_session_auth": True})
        post = c.generate_presigned_post(bucket, "up/a.txt", ExpiresIn=600)
        posts.append({"name": "express-iam-post", "endpoint": endpoint, "bucket": bucket,
                      "key": "up/a.txt", "region": "us-west-2", "service": "s3express",
                      "express_session": False, "expires": 600, "access_key_id": AKID,
                      "secret_access_key": SECRET, "session_token": "tok/en+=",
                      "url": post["url"], "fields": post["fields"]})
        # generate_presigned_post resolves S3 Express buckets to the control
        # endpoint and never reaches S3ExpressPostAuth, so that signer is
        # called as generate_presigned_post calls its signer.
        auth = botocore.auth.S3ExpressPostAuth(SESSION, "s3express", "us-west-2",
                                               identity_cache=None)
        request = AWSRequest(method="POST", url=endpoint + "/" + bucket)
        expiration = fake_now() + datetime.timedelta(seconds=600)
        request.context["s3-presign-post-fields"] = {"key": "up/b.txt"}
        request.context["s3-presign-post-policy"] = {
            "expiration": expiration.strftime(botocore.auth.ISO8601),
            "conditions": [{"bucket": bucket}, {"key": "up/b.txt"}],
        }
        auth.add_auth(request)
        posts.append({"name": "express-session-post", "endpoint": endpoint, "bucket": bucket,
                      "key": "up/b.txt", "region": "us-west-2", "service": "s3express",
                      "express_session": True, "expires": 600,
                      "access_key_id": SESSION.access_key,
                      "secret_access_key": SESSION.secret_key,
                      "session_token": SESSION.token, "url": None,
                      "fields": request.context["s3-presign-post-fields"]})
    return posts


def v4a_cases():
    import botocore.crt.auth

    cases = []
    with mock.patch.object(botocore.crt.auth, "get_current_datetime", fake_now):
        # Multi-Region Access Point: SigV4A through awscrt.
        mrap = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap"
        mrap_endpoint = "https://mrap.accesspoint.s3-global.amazonaws.com"
        c = client("us-west-2", token="tok/en+=", default_signer=True)
        url = c.generate_presigned_url("get_object", Params={"Bucket": mrap, "Key": "a b/c~d", "ResponseContentType": "text/plain", "VersionId": "v1"}, ExpiresIn=900)
        cases.append(case("mrap-get-token", url=url, method="GET", endpoint=mrap_endpoint,
                          bucket="mfzwi23gnjvgw", key="a b/c~d", region="us-west-2", service="s3",
                          expires=900, query=[("response-content-type", "text/plain"), ("versionId", "v1")],
                          token="tok/en+=", sigv4a="*"))
        c = client("us-east-1", default_signer=True)
        url = c.generate_presigned_url("put_object", Params={"Bucket": mrap, "Key": "k", "ContentType": "image/png"}, ExpiresIn=3600)
        cases.append(case("mrap-put-header", url=url, method="PUT", endpoint=mrap_endpoint,
                          bucket="mfzwi23gnjvgw", key="k", region="us-east-1", service="s3",
                          expires=3600, headers=[("Content-Type", "image/png")], sigv4a="*"))
        # An explicit region set, signed by the SigV4A query signer itself.
        auth = botocore.crt.auth.CrtS3SigV4AsymQueryAuth(
            Credentials(AKID, SECRET), "s3", "us-east-1,us-west-2", expires=600)
        request = AWSRequest(method="GET", url="https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/x/y.bin")
        auth.add_auth(request)
        cases.append(case("mrap-region-set", url=request.url, method="GET", endpoint=mrap_endpoint,
                          bucket="mfzwi23gnjvgw", key="x/y.bin", region="us-east-1", service="s3",
                          expires=600, sigv4a="us-east-1,us-west-2"))
    return cases


def part(name, disable_crt):
    env = dict(os.environ, BOTO_DISABLE_CRT="true" if disable_crt else "false")
    out = subprocess.run([sys.executable, __file__, name], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    if sys.argv[1:] == ["v4"]:
        json.dump(v4_cases(), sys.stdout)
        return
    if sys.argv[1:] == ["post"]:
        json.dump(post_cases(), sys.stdout)
        return
    if sys.argv[1:] == ["v4a"]:
        json.dump(v4a_cases(), sys.stdout)
        return
    import awscrt

    document = {
        "generator": "crates/presign/tests/data/signing-names/generate.py",
        "botocore": botocore.__version__,
        "awscrt": awscrt.__version__,
        "time": AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cases": part("v4", True) + part("v4a", False),
        "posts": part("post", True),
    }
    json.dump(document, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
