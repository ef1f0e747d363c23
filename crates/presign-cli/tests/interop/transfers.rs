//! Transfers that never fail silently, against the four servers: a large
//! upload refused for its content type reports the S3 error, and a download
//! cut half-way (by a proxy in front of the server) resumes with
//! `--continue`, or starts again when the object changed.

use super::{on_every_server, presign, sign, use_url};
use crate::common::Sandbox;
use crate::common::net::socket_of;
use crate::common::servers::Server;
use crate::common::stub::cutting_proxy;

#[test]
fn a_64_mib_upload_with_a_wrong_content_type_reports_the_s3_error() {
    on_every_server("64 MiB wrong content type", |sandbox, server| {
        let file = sandbox.path("big.bin");
        std::fs::write(&file, vec![7u8; 64 << 20]).unwrap();
        let url = sign(
            sandbox,
            server,
            "refused/big.bin",
            &["-X", "PUT", "--content-type", "image/png"],
        );
        let (code, stderr) = use_url(
            sandbox,
            server,
            &[
                "upload",
                "--quiet",
                &url,
                file.to_str().unwrap(),
                "--content-type",
                "image/jpeg",
            ],
        );
        if code == 1
            && stderr.contains("HTTP 403 Forbidden")
            && stderr.contains("SignatureDoesNotMatch")
            && !stderr.contains("Broken pipe")
        {
            Ok(())
        } else {
            Err(format!("exit {code}: {stderr}"))
        }
    });
}

/// Uploads `bytes` as `key` through a presigned PUT.
fn put(sandbox: &Sandbox, server: &Server, key: &str, bytes: &[u8]) -> Result<(), String> {
    let file = sandbox.path("source.bin");
    std::fs::write(&file, bytes).unwrap();
    let url = sign(sandbox, server, key, &["-X", "PUT"]);
    match use_url(
        sandbox,
        server,
        &["upload", "--quiet", &url, file.to_str().unwrap()],
    ) {
        (0, _) => Ok(()),
        (code, stderr) => Err(format!("upload: exit {code}: {stderr}")),
    }
}

/// A GET URL for `key` through a proxy in front of `server` that cuts the
/// first answer after 1 MiB. (The URL is signed for the proxy's address,
/// which the proxy passes on as the Host header.)
fn cut_url(sandbox: &Sandbox, server: &Server, key: &str) -> String {
    let proxy = cutting_proxy(socket_of(&server.endpoint), 1 << 20);
    let output = presign(sandbox, server, &server.secret_key)
        .args([
            "--endpoint-url",
            &proxy,
            "--region",
            "us-east-1",
            "--addressing-style",
            "path",
            &format!("s3://{}/{key}", server.bucket),
        ])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from(i * 7 % 253).unwrap() ^ seed)
        .collect()
}

#[test]
fn a_download_cut_half_way_resumes_with_continue_byte_for_byte() {
    on_every_server("download --continue", |sandbox, server| {
        let object = bytes(4 << 20, 1);
        put(sandbox, server, "resume/object.bin", &object)?;
        let url = cut_url(sandbox, server, "resume/object.bin");
        let (code, stderr) = use_url(
            sandbox,
            server,
            &["download", &url, "-o", "object.bin", "--retries", "0"],
        );
        if code != 1 || !stderr.contains("object.bin.presign-partial") {
            return Err(format!("the cut download: exit {code}: {stderr}"));
        }
        let (code, stderr) = use_url(
            sandbox,
            server,
            &["download", &url, "-o", "object.bin", "--continue"],
        );
        if code != 0 || !stderr.contains("HTTP 206 Partial Content") {
            return Err(format!("--continue: exit {code}: {stderr}"));
        }
        if std::fs::read(sandbox.path("object.bin")).unwrap() != object {
            return Err("the resumed file differs from the object".to_owned());
        }
        if sandbox.path("object.bin.presign-partial").exists() {
            return Err("the partial file is left behind".to_owned());
        }
        Ok(())
    });
}

#[test]
fn continue_after_the_object_changed_starts_again_and_says_why() {
    on_every_server("download --continue, object changed", |sandbox, server| {
        put(sandbox, server, "resume/changing.bin", &bytes(3 << 20, 2))?;
        let url = cut_url(sandbox, server, "resume/changing.bin");
        let (code, stderr) = use_url(
            sandbox,
            server,
            &["download", &url, "-o", "changing.bin", "--retries", "0"],
        );
        if code != 1 {
            return Err(format!("the cut download: exit {code}: {stderr}"));
        }
        let changed = bytes(3 << 20, 3);
        put(sandbox, server, "resume/changing.bin", &changed)?;
        let (code, stderr) = use_url(
            sandbox,
            server,
            &["download", &url, "-o", "changing.bin", "--continue"],
        );
        if code != 0 || !stderr.contains("the object changed since the partial download") {
            return Err(format!("--continue: exit {code}: {stderr}"));
        }
        if std::fs::read(sandbox.path("changing.bin")).unwrap() == changed {
            Ok(())
        } else {
            Err("the file is not the new object".to_owned())
        }
    });
}

/// Issue 23, item 6: the object became smaller than the partial file, so the
/// resume's `Range` starts past its end (servers answer 416): `--continue`
/// starts again, says why, and ends with the new object.
#[test]
fn continue_after_the_object_became_smaller_than_the_partial_starts_again() {
    on_every_server("download --continue, object shrank", |sandbox, server| {
        put(sandbox, server, "resume/shrinking.bin", &bytes(3 << 20, 4))?;
        let url = cut_url(sandbox, server, "resume/shrinking.bin");
        let (code, stderr) = use_url(
            sandbox,
            server,
            &["download", &url, "-o", "shrinking.bin", "--retries", "0"],
        );
        if code != 1 || !stderr.contains("shrinking.bin.presign-partial") {
            return Err(format!("the cut download: exit {code}: {stderr}"));
        }
        let smaller = bytes(100 * 1024, 5);
        put(sandbox, server, "resume/shrinking.bin", &smaller)?;
        let (code, stderr) = use_url(
            sandbox,
            server,
            &["download", &url, "-o", "shrinking.bin", "--continue"],
        );
        if code != 0 || !stderr.contains("starting again") {
            return Err(format!("--continue: exit {code}: {stderr}"));
        }
        if std::fs::read(sandbox.path("shrinking.bin")).unwrap() != smaller {
            return Err("the file is not the new, smaller object".to_owned());
        }
        if sandbox.path("shrinking.bin.presign-partial").exists() {
            return Err("the partial file is left behind".to_owned());
        }
        Ok(())
    });
}

/// Issue 23, item 7: a download URL that signs `Range` (and a plain URL with
/// `--header range`) writes the range to the file and says which bytes it
/// holds; `--continue` with a range is a usage error.
#[test]
fn a_download_of_a_range_writes_the_range_and_says_so() {
    on_every_server("download of a range", |sandbox, server| {
        let object = bytes(1000, 6);
        put(sandbox, server, "range/object.bin", &object)?;
        let signed = sign(
            sandbox,
            server,
            "range/object.bin",
            &["-H", "range: bytes=0-2"],
        );
        let plain = sign(sandbox, server, "range/object.bin", &[]);
        for (url, name) in [(&signed, "signed.bin"), (&plain, "plain.bin")] {
            let (code, stderr) = use_url(
                sandbox,
                server,
                &["download", url, "-o", name, "-H", "range: bytes=0-2"],
            );
            if code != 0 {
                return Err(format!("{name}: exit {code}: {stderr}"));
            }
            let written = std::fs::read(sandbox.path(name)).unwrap();
            match written.len() {
                3 if written == object[..3] && stderr.contains("holds bytes 0-2/1000") => {}
                1000 if written == object && stderr.contains("the server ignored range") => {}
                _ => return Err(format!("{name}: {} bytes; {stderr}", written.len())),
            }
        }
        let (code, stderr) = use_url(
            sandbox,
            server,
            &[
                "download",
                &signed,
                "-o",
                "again.bin",
                "-H",
                "range: bytes=0-2",
                "--continue",
            ],
        );
        if code != 2 || !stderr.contains("--continue cannot resume a download of a range") {
            return Err(format!("--continue: exit {code}: {stderr}"));
        }
        Ok(())
    });
}
