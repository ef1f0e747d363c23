"""Smoke check of presign's URLs against one running test server.

Run through scripts/servers/smoke.sh STATE_DIR NAME (it picks the venv python).
Reads STATE_DIR/NAME.env (written by start.sh), signs URLs with the presign
binary ($PRESIGN_BIN, default target/debug/presign) and sends them with curl.
Every check that does not give the expected result is repeated with a URL
from botocore for the same input: if botocore's URL fails the same way the
difference is the server's (a QUIRK), otherwise presign differs from botocore
(a FAIL, presign's to fix). Exit 0 when there is no FAIL.
"""
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import botocore.config
import botocore.handlers
import botocore.session

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PRESIGN = os.environ.get("PRESIGN_BIN", os.path.join(REPO, "target", "debug", "presign"))

SPECIAL = "+%~!?#&=;:@$()[]{}*'"
KEYS = [
    "plain/basic.txt",
    "with space.txt",
    "unicode-ü-日本語-😀.txt",
    "nfd-cafe\u0301.txt",
    *[f"special-{i:02d}-{c}-x" for i, c in enumerate(SPECIAL)],
    "all-" + SPECIAL + "-end",
    "double//slash",
    "/leading-slash",
    "//leading-double-slash",
    "trailing-double-slash//x",
    "dots/../up",
    "dots/./here",
    "../above-bucket",
    "pct-encoded-looking-%20-%2F-%41",
    "tab\there",
    "del\x7fhere",
    "~tilde-start",
]
REGIONS = ["us-east-1", "eu-de", ""]


def load_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
    return env


class Smoke:
    def __init__(self, env):
        self.ep = env["PRESIGN_TEST_ENDPOINT"]
        self.ak = env["PRESIGN_TEST_ACCESS_KEY"]
        self.sk = env["PRESIGN_TEST_SECRET_KEY"]
        self.bucket = env["PRESIGN_TEST_BUCKET"]
        self.name = env["PRESIGN_TEST_SERVER"]
        self.tmp = tempfile.mkdtemp(prefix=f"presign-smoke-{self.name}-")
        self.results = []  # (status, case, detail, botocore)
        self.n = 0

    # --- URL makers -------------------------------------------------------
    def presign(self, method, key, region="us-east-1", expires=None, secret=None,
                content_type=None):
        args = [PRESIGN, "--endpoint-url", self.ep, "--region", region,
                "--addressing-style", "path", "-X", method]
        if expires is not None:
            args += ["--expires-in", str(expires)]
            if expires > 604800:
                args.append("--allow-long-expiry")
        if content_type:
            args += ["--content-type", content_type]
        args.append(f"s3://{self.bucket}/{key}")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=self.ak, AWS_SECRET_ACCESS_KEY=secret or self.sk,
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        r = subprocess.run(args, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"presign exited {r.returncode}: {r.stderr.strip()}")
        return r.stdout.strip()

    def botocore(self, method, key, region="us-east-1", expires=None, secret=None,
                 content_type=None):
        c = botocore.session.Session().create_client(
            "s3", endpoint_url=self.ep, region_name=region,
            aws_access_key_id=self.ak, aws_secret_access_key=secret or self.sk,
            config=botocore.config.Config(signature_version="s3v4",
                                          s3={"addressing_style": "path"}))
        op = {"GET": "get_object", "PUT": "put_object", "HEAD": "head_object",
              "DELETE": "delete_object"}[method]
        params = {"Bucket": self.bucket, "Key": key}
        if content_type:
            params["ContentType"] = content_type
        return c.generate_presigned_url(op, Params=params,
                                        ExpiresIn=3600 if expires is None else expires)

    def admin(self):
        return botocore.session.Session().create_client(
            "s3", endpoint_url=self.ep, region_name="us-east-1",
            aws_access_key_id=self.ak, aws_secret_access_key=self.sk,
            config=botocore.config.Config(signature_version="s3v4",
                                          s3={"addressing_style": "path"},
                                          retries={"max_attempts": 1}))

    # --- HTTP -------------------------------------------------------------
    def curl(self, method, url, upload=None, headers=()):
        """Returns (status, body bytes, response headers text)."""
        self.n += 1
        body = os.path.join(self.tmp, f"body{self.n}")
        hdrs = os.path.join(self.tmp, f"hdrs{self.n}")
        args = ["curl", "-sS", "-g", "--path-as-is", "-o", body, "-D", hdrs,
                "-w", "%{http_code}", "--max-time", "30"]
        if method == "HEAD":
            args += ["-I"]
        elif method == "PUT":
            args += ["-X", "PUT", "--upload-file", upload]
        elif method != "GET":
            args += ["-X", method]
        for h in headers:
            args += ["-H", h]
        args.append(url)
        r = subprocess.run(args, capture_output=True, text=True)
        status = int(r.stdout.strip() or 0)
        data = open(body, "rb").read() if os.path.exists(body) else b""
        head = open(hdrs, encoding="latin-1").read() if os.path.exists(hdrs) else ""
        return status, data, head

    @staticmethod
    def err(status, data):
        m = re.search(rb"<Code>([^<]*)</Code>", data)
        code = m.group(1).decode() if m else ""
        m = re.search(rb"<Message>([^<]*)</Message>", data)
        msg = m.group(1).decode()[:120] if m else data[:120].decode("utf-8", "replace")
        return f"HTTP {status} {code} {msg}".strip()

    def file(self, content):
        self.n += 1
        p = os.path.join(self.tmp, f"up{self.n}")
        with open(p, "wb") as f:
            f.write(content)
        return p

    def listed_keys(self):
        """The bucket's keys as the server lists them, without encoding-type=url
        (botocore asks for it and then decodes with unquote_plus, which shows
        a server that ignores it as one that turns '+' into ' ')."""
        keys, token = [], None
        c = self.admin()
        c.meta.events.unregister("before-parameter-build.s3.ListObjectsV2",
                                 botocore.handlers.set_list_objects_encoding_type_url)
        while True:
            kw = {"Bucket": self.bucket}
            if token:
                kw["ContinuationToken"] = token
            r = c.list_objects_v2(**kw)
            keys += [o["Key"] for o in r.get("Contents", [])]
            if not r.get("IsTruncated"):
                return keys
            token = r["NextContinuationToken"]

    # --- cases: each takes a URL maker, returns None (ok) or a failure text --
    def roundtrip(self, sign, key, region="us-east-1", check_listing=True):
        content = f"presign smoke {key!r} {time.time()}\n".encode()
        st, data, _ = self.curl("PUT", sign("PUT", key, region), upload=self.file(content))
        if st != 200:
            return "PUT " + self.err(st, data)
        try:
            st, data, _ = self.curl("GET", sign("GET", key, region))
            if st != 200:
                return "GET " + self.err(st, data)
            if data != content:
                return f"GET returned other bytes ({len(data)} vs {len(content)})"
            st, data, head = self.curl("HEAD", sign("HEAD", key, region))
            if st != 200:
                return f"HEAD HTTP {st}"
            m = re.search(r"(?im)^content-length:\s*(\d+)", head)
            if not m or int(m.group(1)) != len(content):
                return f"HEAD content-length {m.group(1) if m else 'missing'} != {len(content)}"
            if check_listing:
                keys = self.listed_keys()
                if key not in keys:
                    if [html.unescape(k) for k in keys] == [key]:
                        return (f"listed as {keys!r}: ListObjectsV2 escapes XML twice "
                                "(stored and served under the right key)")
                    if not keys:
                        return "not in the bucket's listing (stored outside the bucket?)"
                    return f"stored under another key: listing has {keys!r}"
        finally:
            st, data, _ = self.curl("DELETE", sign("DELETE", key, region))
        if st not in (200, 204):
            return "DELETE " + self.err(st, data)
        st, data, _ = self.curl("GET", sign("GET", key, region))
        if st != 404:
            return f"GET after DELETE: {self.err(st, data)} (expected 404)"
        return None

    def put_fixture(self, key):
        st, data, _ = self.curl("PUT", self.presign("PUT", key), upload=self.file(b"fixture\n"))
        if st != 200:
            raise RuntimeError(f"fixture PUT {key}: {self.err(st, data)}")

    def expect_403(self, st, data, what):
        if st == 403:
            return None
        return f"{what}: {self.err(st, data)} (expected 403)"

    def tampered(self, sign, key):
        url = sign("GET", key)
        m = re.search(r"X-Amz-Signature=([0-9a-f])", url)
        d = m.group(1)
        url = url[:m.start(1)] + ("1" if d != "1" else "2") + url[m.end(1):]
        st, data, _ = self.curl("GET", url)
        return self.expect_403(st, data, "GET with one signature digit changed")

    def wrong_secret(self, sign, key):
        st, data, _ = self.curl("GET", sign("GET", key, secret=self.sk + "x"))
        return self.expect_403(st, data, "GET signed with a wrong secret")

    def expired(self, sign, key):
        url = sign("GET", key, expires=1)
        time.sleep(3)
        st, data, _ = self.curl("GET", url)
        return self.expect_403(st, data, "GET 3 s after a 1 s expiry")

    def too_long(self, sign, key):
        st, data, _ = self.curl("GET", sign("GET", key, expires=8 * 86400))
        if 400 <= st < 500:
            return None
        return f"GET with X-Amz-Expires of 8 days: {self.err(st, data)} (expected 400 or 403)"

    def method_swap(self, sign, key):
        st, data, _ = self.curl("DELETE", sign("GET", key))
        return self.expect_403(st, data, "DELETE with a URL signed for GET")

    def ct_with(self, sign, key):
        url = sign("PUT", key, content_type="text/plain")
        st, data, _ = self.curl("PUT", url, upload=self.file(b"typed\n"),
                                headers=["Content-Type: text/plain"])
        if st != 200:
            return "PUT with the signed Content-Type: " + self.err(st, data)
        st, data, head = self.curl("HEAD", sign("HEAD", key))
        m = re.search(r"(?im)^content-type:\s*(\S+)", head)
        self.curl("DELETE", sign("DELETE", key))
        if not m or m.group(1) != "text/plain":
            return f"stored Content-Type {m.group(1) if m else 'missing'} (expected text/plain)"
        return None

    def ct_without(self, sign, key):
        url = sign("PUT", key, content_type="text/plain")
        st, data, _ = self.curl("PUT", url, upload=self.file(b"typed\n"))
        if st == 200:
            self.curl("DELETE", sign("DELETE", key))
        return self.expect_403(st, data, "PUT without the signed Content-Type header")

    def ct_other(self, sign, key):
        url = sign("PUT", key, content_type="text/plain")
        st, data, _ = self.curl("PUT", url, upload=self.file(b"typed\n"),
                                headers=["Content-Type: application/json"])
        if st == 200:
            self.curl("DELETE", sign("DELETE", key))
        return self.expect_403(st, data, "PUT with another Content-Type than signed")

    def same_paths(self, _sign):
        diff = [k for k in KEYS
                if self.presign("GET", k).split("?")[0] != self.botocore("GET", k).split("?")[0]]
        return f"paths differ for {diff!r}" if diff else None

    def anonymous(self, _sign, key):
        st, data, _ = self.curl("GET", f"{self.ep}/{self.bucket}/{key}")
        return self.expect_403(st, data, "GET without any signature")

    # --- driver -----------------------------------------------------------
    def ensure_bucket(self):
        """Recreates the bucket if a case made it vanish; says so."""
        c = self.admin()
        try:
            c.head_bucket(Bucket=self.bucket)
            return ""
        except Exception:  # noqa: BLE001
            c.create_bucket(Bucket=self.bucket)
            return f" [and bucket {self.bucket} was gone afterwards: recreated]"

    def attempt(self, fn, sign, *args):
        try:
            failure = fn(sign, *args)
        except Exception as e:  # noqa: BLE001
            failure = f"error: {e}"
        gone = self.ensure_bucket()
        if gone:
            failure = (failure or "ok") + gone
        return failure

    def check(self, case, fn, *args, botocore_too=True):
        failure = self.attempt(fn, self.presign, *args)
        if failure is None:
            self.results.append(("ok", case, "", ""))
            print(f"ok     {case}", flush=True)
            return
        if botocore_too:
            bfail = self.attempt(fn, self.botocore, *args)
            bc = "botocore fails too: " + bfail if bfail else "botocore's URL passes"
        elif fn == self.same_paths:
            bc = "presign's URL differs from botocore's"
        else:
            bc = "botocore fails too: no signature involved (the server's)"
        status = "QUIRK" if bc.startswith("botocore fails") else "FAIL"
        self.results.append((status, case, failure, bc))
        print(f"{status:<6} {case}: {failure}\n       {bc}", flush=True)

    def run(self):
        print(f"== smoke: {self.name} at {self.ep} (presign: {PRESIGN})", flush=True)
        self.ensure_bucket()
        for region in REGIONS:
            self.check(f"round trip PUT/GET/HEAD/DELETE, region {region!r}",
                       self.roundtrip, f"region-{region or 'empty'}.txt", region)
        fixture = "fixture/object.txt"
        self.put_fixture(fixture)
        self.check("tampered signature rejected", self.tampered, fixture)
        self.check("wrong secret rejected", self.wrong_secret, fixture)
        self.check("expired URL rejected", self.expired, fixture)
        self.check("expiry over 7 days refused", self.too_long, fixture)
        self.check("URL signed for GET refused for DELETE", self.method_swap, fixture)
        self.check("unsigned GET refused", self.anonymous, fixture, botocore_too=False)
        self.curl("DELETE", self.presign("DELETE", fixture))
        self.check("PUT signing content-type, sent with it", self.ct_with, "typed/with.txt")
        self.check("PUT signing content-type, sent without it", self.ct_without,
                   "typed/without.txt")
        self.check("PUT signing content-type, sent with another", self.ct_other,
                   "typed/other.txt")
        self.check("URL paths of all keys equal botocore's", self.same_paths,
                   botocore_too=False)
        for key in KEYS:
            self.check(f"key {key!r}", self.roundtrip, key)
        counts = {s: sum(1 for r in self.results if r[0] == s) for s in ("ok", "QUIRK", "FAIL")}
        out = os.path.join(os.environ.get("SMOKE_OUT_DIR", self.tmp), f"{self.name}.smoke.json")
        with open(out, "w") as f:
            json.dump([dict(zip(("status", "case", "detail", "botocore"), r))
                       for r in self.results], f, ensure_ascii=False, indent=1)
        print(f"== {self.name}: {counts['ok']} ok, {counts['QUIRK']} quirks (botocore's URL "
              f"fails the same way), {counts['FAIL']} presign failures; details in {out}")
        return 1 if counts["FAIL"] else 0


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: smoke.py STATE_DIR NAME")
    state, name = sys.argv[1], sys.argv[2]
    env = load_env(os.path.join(state, f"{name}.env"))
    os.environ.setdefault("SMOKE_OUT_DIR", state)
    return Smoke(env).run()


if __name__ == "__main__":
    sys.exit(main())
