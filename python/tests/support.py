"""Constants and helpers shared by the Python tests (conftest.py puts this
folder on sys.path; it holds no package named presign)."""

import datetime
import http.server
import pathlib
import threading

REPO = pathlib.Path(__file__).resolve().parents[2]
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_EXAMPLE_INSTANT = datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc)


def utc(text):
    """An aware datetime from ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc
    )


class FrozenBotocore:
    """boto3 clients whose signing clock is frozen at an instant we choose.

    botocore reads the time through ``botocore.auth.get_current_datetime``
    (URLs) and ``botocore.signers.get_current_datetime`` (POST policies);
    both are replaced by one that returns ``self.now``.
    """

    def __init__(self):
        import boto3
        import botocore.auth
        import botocore.signers

        self.now = None
        self._clients = {}
        self._session = boto3.session.Session()

        def frozen(*_args, **_kwargs):
            if self.now is None:
                raise RuntimeError("botocore read its clock outside a frozen instant")
            return self.now

        botocore.auth.get_current_datetime = frozen
        botocore.signers.get_current_datetime = frozen

    def client(self, region, endpoint, style, access_key, secret_key, token):
        from botocore.config import Config

        key = (region, endpoint, style, access_key, secret_key, token)
        if key not in self._clients:
            self._clients[key] = self._session.client(
                "s3",
                region_name=region,
                endpoint_url=endpoint,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                aws_session_token=token,
                config=Config(signature_version="s3v4", s3={"addressing_style": style}),
            )
        return self._clients[key]

    def at(self, instant):
        """Context: botocore's clock reads ``instant`` (aware or naive UTC)."""
        frozen = self

        class _At:
            def __enter__(self):
                frozen.now = instant.astimezone(datetime.timezone.utc).replace(tzinfo=None)

            def __exit__(self, *_exc):
                frozen.now = None

        return _At()


class Stub:
    """A loopback HTTP server answering every GET and POST with
    ``answer(method, path, body, headers)``, which returns ``(status,
    content_type, payload)``; headers have lower-case names. It records each
    request as ``(method, path, headers, body)`` in ``requests``."""

    def __init__(self, answer):
        self.requests = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _reply(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                headers = {name.lower(): value for name, value in self.headers.items()}
                stub.requests.append((self.command, self.path, headers, body))
                status, content_type, payload = answer(self.command, self.path, body, headers)
                data = payload if isinstance(payload, bytes) else payload.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _reply

            def log_message(self, *_args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        """Stops answering; the port refuses connections from now on."""
        self.server.shutdown()
        self.server.server_close()
