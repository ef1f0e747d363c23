"""The installed package: what a user imports, its types, its licences, its repr."""

import importlib.metadata
import pathlib
import subprocess
import sys

import presign
import pytest
from support import ACCESS_KEY, AWS_EXAMPLE_INSTANT, REPO, SECRET_KEY


def test_the_installed_wheel_is_tested_not_the_source_tree():
    installed = pathlib.Path(presign.__file__).resolve()
    assert "site-packages" in installed.parts, installed
    assert REPO / "python" not in installed.parents


def test_the_package_exports_its_names_and_carries_types():
    assert set(presign.__all__) == {
        "Client",
        "PresignError",
        "VerifyError",
        "__version__",
        "inspect",
        "verify",
    }
    assert presign.__version__ == importlib.metadata.version("presign")
    folder = pathlib.Path(presign.__file__).parent
    assert (folder / "py.typed").exists()
    assert (folder / "_presign.pyi").exists()
    assert presign.Client.__module__ == "presign"


def test_the_stub_names_what_the_module_has():
    stub = (pathlib.Path(presign.__file__).parent / "_presign.pyi").read_text()
    for name in ("generate_presigned_url", "generate_presigned_post", "presign_many"):
        assert hasattr(presign.Client, name)
        assert f"def {name}(" in stub
    for name in ("inspect", "verify"):
        assert f"def {name}(" in stub


def test_the_wheel_carries_both_licence_texts():
    files = importlib.metadata.files("presign")
    names = {pathlib.PurePath(str(file)).name for file in files}
    assert {"LICENSE-MIT", "LICENSE-APACHE"} <= names
    metadata = importlib.metadata.metadata("presign")
    assert metadata["License-Expression"] == "MIT OR Apache-2.0"


def test_errors_are_value_errors_and_verify_errors_are_presign_errors():
    assert issubclass(presign.PresignError, ValueError)
    assert issubclass(presign.VerifyError, presign.PresignError)


def test_repr_shows_where_credentials_came_from_but_no_secret():
    token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
    client = presign.Client(
        region_name="eu-de",
        endpoint_url="https://s3.eu-de.cloud-object-storage.appdomain.cloud",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=token,
    )
    text = repr(client)
    assert ACCESS_KEY in text and "eu-de" in text
    assert SECRET_KEY not in text and token not in text
    assert client.region_name == "eu-de"
    assert client.endpoint_url == "https://s3.eu-de.cloud-object-storage.appdomain.cloud"
    assert client.addressing_style == "auto"


def test_the_docstring_example_of_client_holds(client):
    url = client.generate_presigned_url(
        "get_object",
        Params={"Bucket": "examplebucket", "Key": "test.txt"},
        ExpiresIn=86400,
        now=AWS_EXAMPLE_INSTANT,
    )
    assert url[-64:] == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    assert presign.Client.__doc__ and "generate_presigned_url" in presign.Client.__doc__
    assert "Example" in presign.Client.generate_presigned_url.__doc__


def test_the_readme_example_runs_from_a_fresh_interpreter(tmp_path):
    """A user's first lines, with credentials in the environment."""
    script = (
        "import presign\n"
        "client = presign.Client()\n"
        "url = client.generate_presigned_url('get_object', "
        "Params={'Bucket': 'my-bucket', 'Key': 'report.pdf'}, ExpiresIn=3600)\n"
        "urls = client.presign_many('get_object', 'my-bucket', ['a.csv', 'b.csv'])\n"
        "assert presign.inspect(url)['expires_in'] == 3600, url\n"
        "assert len(urls) == 2 and urls[1].startswith('https://my-bucket.s3.amazonaws.com/b.csv?')\n"
        "print(url)\n"
    )
    env = {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("https://my-bucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=")


@pytest.mark.parametrize("method", ["generate_presigned_url", "presign_many"])
def test_now_must_be_aware(client, method):
    import datetime

    naive = datetime.datetime(2024, 1, 1)
    call = getattr(client, method)
    args = ("get_object", {"Bucket": "bucket", "Key": "k"}) if method == "generate_presigned_url" else (
        "get_object",
        "bucket",
        ["k"],
    )
    with pytest.raises(presign.PresignError, match="now must be an aware datetime"):
        call(*args, now=naive)
    with pytest.raises(TypeError, match="now must be an aware datetime.datetime, not str"):
        call(*args, now="2024-01-01T00:00:00Z")


def test_now_is_read_to_the_second_in_any_offset_and_checked_against_the_core_range(client):
    import datetime

    params = {"Bucket": "bucket", "Key": "k"}
    utc = datetime.timezone.utc
    india = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    at = datetime.datetime(2024, 1, 1, 6, 30, tzinfo=utc)
    whole = client.generate_presigned_url("get_object", Params=params, now=at)
    # The same second given in another offset, with a fraction: the same URL.
    late = datetime.datetime(2024, 1, 1, 12, 0, 0, 999_999, tzinfo=india)
    assert client.generate_presigned_url("get_object", Params=params, now=late) == whole
    next_second = datetime.datetime(2024, 1, 1, 6, 30, 1, tzinfo=utc)
    assert client.generate_presigned_url("get_object", Params=params, now=next_second) != whole
    # Before 1970 (by a fraction of a second, or by years) and past 9999: the core's message.
    for instant in (
        datetime.datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=utc),
        datetime.datetime(1960, 1, 1, tzinfo=india),
        datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=utc),
    ):
        with pytest.raises(presign.PresignError, match="signing time is out of range"):
            client.generate_presigned_url("get_object", Params=params, now=instant)


def _stub_signatures():
    """Parameter lists of the stub's functions: name -> [(name, kind, default)]."""
    import ast

    tree = ast.parse((pathlib.Path(presign.__file__).parent / "_presign.pyi").read_text())
    found = {}

    def params(function, drop_self):
        args = function.args
        positional = args.posonlyargs + args.args
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        out = []
        for arg, default in zip(positional, defaults):
            out.append((arg.arg, "positional", None if default is None else ast.literal_eval(default)))
        if args.vararg:
            out.append((args.vararg.arg, "*args", None))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            out.append((arg.arg, "keyword", None if default is None else ast.literal_eval(default)))
        if args.kwarg:
            out.append((args.kwarg.arg, "**kwargs", None))
        return out[1:] if drop_self else out

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = params(node, False)
        if isinstance(node, ast.ClassDef) and node.name == "Client":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not any(
                    getattr(d, "id", None) == "property" for d in item.decorator_list
                ):
                    name = "Client" if item.name == "__init__" else f"Client.{item.name}"
                    found[name] = params(item, True)
    return found


def _runtime_signature(obj):
    import inspect

    kinds = {
        inspect.Parameter.POSITIONAL_ONLY: "positional",
        inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
        inspect.Parameter.VAR_POSITIONAL: "*args",
        inspect.Parameter.KEYWORD_ONLY: "keyword",
        inspect.Parameter.VAR_KEYWORD: "**kwargs",
    }
    out = []
    for parameter in inspect.signature(obj).parameters.values():
        if parameter.name == "self":
            continue
        default = None if parameter.default is inspect.Parameter.empty else parameter.default
        out.append((parameter.name, kinds[parameter.kind], default))
    return out


def test_the_stub_matches_the_runtime_signatures():
    stubs = _stub_signatures()
    runtime = {
        "Client": presign.Client,
        "Client.generate_presigned_url": presign.Client.generate_presigned_url,
        "Client.generate_presigned_post": presign.Client.generate_presigned_post,
        "Client.presign_many": presign.Client.presign_many,
        "inspect": presign.inspect,
        "verify": presign.verify,
    }
    assert set(stubs) == set(runtime)
    for name, obj in runtime.items():
        assert stubs[name] == _runtime_signature(obj), name


def test_every_docstring_example_runs_as_written(monkeypatch):
    """The examples of the package's docstrings (what ``help()`` shows), run with
    doctest. Their context: keys in the environment (``presign.Client()`` and
    ``verify`` find them there), a ``client`` and a fresh ``url`` for
    ``examplebucket/test.txt``, as the examples that use them say."""
    import datetime
    import doctest

    import presign._presign as compiled

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = presign.Client()
    params = {"Bucket": "examplebucket", "Key": "test.txt"}
    url = client.generate_presigned_url("get_object", Params=params)
    context = {"presign": presign, "datetime": datetime, "client": client, "url": url}
    documented = [presign, compiled.Client, compiled.inspect, compiled.verify]
    documented += [getattr(compiled.Client, name) for name in dir(compiled.Client) if not name.startswith("_")]
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    examples = 0
    for item in documented:
        for test in finder.find(item, globs=dict(context)):
            examples += len(test.examples)
            runner.run(test, out=lambda text: pytest.fail(text))
    assert examples >= 15, f"only {examples} examples found: were the docstrings lost?"
    assert runner.summarize(verbose=False).failed == 0
