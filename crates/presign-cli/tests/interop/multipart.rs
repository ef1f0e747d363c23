//! Multipart uploads through presigned URLs against the four servers:
//! `presign multipart create` with the credentials, `presign upload --plan`
//! without them; resuming after a part was left out, aborting, an expired
//! part URL, and the one-step `presign upload --multipart`.
//!
//! What a server lacks is asserted as what it does, each row of
//! [`RESUME`] and [`ABORT`] found by experiment and recorded in
//! `docs/servers.md`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{on_every_server, presign, sign, use_url};
use crate::common::Sandbox;
use crate::common::servers::Server;

/// Two parts of 5 MiB and a short last one.
const SIZE: usize = 2 * (5 << 20) + 777;

/// What `upload --plan ... --resume` says on each server after part 3 of 3
/// was left out.
const RESUME: &[(&str, &str)] = &[
    // Lists parts 1 and 2 without <ETag> (s3s-fs 0.14.1), so they are
    // uploaded again.
    (
        "s3s-fs",
        "the server holds 2 of 3 parts; 2 listed without the ETag that completing needs; uploading 3",
    ),
    ("seaweedfs", "the server holds 2 of 3 parts; uploading 1"),
    // No ListParts: GET ?uploadId answers 405 MethodNotAllowed.
    (
        "s3rver",
        "cannot list the parts of an upload (HTTP 405 Method Not Allowed",
    ),
    ("nanio", "the server holds 2 of 3 parts; uploading 1"),
];

/// What `multipart list --plan` does after `multipart abort --plan` (or the
/// abort's own failure).
const ABORT: &[(&str, &str)] = &[
    // Aborted, but ListParts then answers 200 with no part (not
    // NoSuchUpload).
    ("s3s-fs", "listed: 0 parts"),
    ("seaweedfs", "NoSuchUpload"),
    // No AbortMultipartUpload: DELETE ?uploadId answers 405.
    ("s3rver", "abort: HTTP 405 Method Not Allowed"),
    ("nanio", "NoSuchUpload"),
];

fn expected<'a>(table: &'a [(&str, &'a str)], server: &Server) -> &'a str {
    let Some((_, text)) = table.iter().find(|(name, _)| *name == server.name) else {
        panic!("no expectation for server {}", server.name)
    };
    text
}

/// `len` bytes that differ from position to position (and per `seed`).
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from(i * 31 % 251).unwrap() ^ seed)
        .collect()
}

/// `presign multipart create` for `key` with the server's credentials,
/// writing the plan to `plan.json`; the plan, or the failure.
fn create_plan(
    sandbox: &Sandbox,
    server: &Server,
    key: &str,
    extra: &[&str],
) -> Result<(PathBuf, Value), String> {
    let plan = sandbox.path("plan.json");
    let size = SIZE.to_string();
    let uri = format!("s3://{}/{key}", server.bucket);
    let mut args = vec![
        "multipart",
        "create",
        "--quiet",
        "--endpoint-url",
        &server.endpoint,
        "--region",
        "us-east-1",
        "--addressing-style",
        "path",
        "--size",
        &size,
        "--part-size",
        "5MiB",
        "--plan-file",
        plan.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(&uri);
    let (code, stderr) = use_url(sandbox, server, &args);
    if code != 0 {
        return Err(format!("multipart create: exit {code}: {stderr}"));
    }
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    Ok((plan, json))
}

/// `presign ARGS` without any credentials (the side that has the file).
fn without_credentials(sandbox: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let output = sandbox.std_command().args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Writes the file to upload.
fn file(sandbox: &Sandbox, seed: u8) -> (PathBuf, Vec<u8>) {
    let path = sandbox.path("upload.bin");
    let bytes = pattern(SIZE, seed);
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

/// Downloads `key` with a fresh GET URL.
fn read_back(sandbox: &Sandbox, server: &Server, key: &str) -> Result<Vec<u8>, String> {
    let url = sign(sandbox, server, key, &[]);
    let target = sandbox.path("back.bin");
    let _ = std::fs::remove_file(&target);
    let (code, stderr) = use_url(
        sandbox,
        server,
        &["download", "--quiet", &url, "-o", target.to_str().unwrap()],
    );
    if code != 0 {
        return Err(format!("download: exit {code}: {stderr}"));
    }
    Ok(std::fs::read(&target).unwrap())
}

/// A copy of the plan whose part 3 URL points at a closed port (the part
/// cannot be sent: the upload fails with part 3 left out; run with
/// `--parallel 1` so that parts 1 and 2 are sent first).
fn plan_without_part_3(sandbox: &Sandbox, plan: &Value) -> PathBuf {
    let mut broken = plan.clone();
    let url = broken["parts"][2]["url"].as_str().unwrap().to_owned();
    let (_, rest) = url.split_once("//").unwrap();
    let (_, path) = rest.split_once('/').unwrap();
    broken["parts"][2]["url"] = Value::String(format!("http://127.0.0.1:1/{path}"));
    let path = sandbox.path("broken-plan.json");
    std::fs::write(&path, broken.to_string()).unwrap();
    path
}

fn same_bytes(back: &[u8], sent: &[u8]) -> Result<(), String> {
    if back == sent {
        Ok(())
    } else {
        Err(format!(
            "read back {} bytes that differ from the {} sent",
            back.len(),
            sent.len()
        ))
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_three_part_upload_through_a_plan_reads_back_byte_for_byte() {
    on_every_server("multipart through a plan", |sandbox, server| {
        let (plan_path, plan) = create_plan(sandbox, server, "multipart/plan.bin", &[])?;
        let lengths: Vec<u64> = plan["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|part| part["length"].as_u64().unwrap())
            .collect();
        if lengths != [5 << 20, 5 << 20, 777] || plan["part_count"] != 3 {
            return Err(format!("the plan's parts are {lengths:?}"));
        }
        let (path, bytes) = file(sandbox, 1);
        let (code, _, stderr) = without_credentials(
            sandbox,
            &["upload", "--plan", path_str(&plan_path), path_str(&path)],
        );
        if code != 0 || !stderr.contains("uploaded s3://") {
            return Err(format!("upload --plan: exit {code}: {stderr}"));
        }
        same_bytes(&read_back(sandbox, server, "multipart/plan.bin")?, &bytes)
    });
}

#[test]
fn resume_after_a_part_was_left_out_uploads_what_is_missing() {
    on_every_server("multipart resume", |sandbox, server| {
        let (plan_path, plan) = create_plan(sandbox, server, "multipart/resume.bin", &[])?;
        let (path, bytes) = file(sandbox, 2);
        upload_all_but_part_3(sandbox, &plan, &path)?;
        let (code, stdout, stderr) = without_credentials(
            sandbox,
            &["multipart", "list", "--plan", path_str(&plan_path)],
        );
        let listed: Vec<&str> = stdout
            .lines()
            .map(|line| line.split('\t').next().unwrap())
            .collect();
        let list_ok = if server.name == "s3rver" {
            code == 1 && stderr.contains("does not support it")
        } else {
            code == 0 && listed == ["1", "2"] && stderr.contains("missing: 3")
        };
        if !list_ok {
            return Err(format!("multipart list: exit {code}: {stdout}{stderr}"));
        }
        let (code, _, stderr) = without_credentials(
            sandbox,
            &[
                "upload",
                "--plan",
                path_str(&plan_path),
                path_str(&path),
                "--resume",
            ],
        );
        let wanted = expected(RESUME, server);
        if code != 0 || !stderr.contains(wanted) {
            return Err(format!(
                "upload --resume: exit {code}, expected {wanted:?} in: {stderr}"
            ));
        }
        same_bytes(&read_back(sandbox, server, "multipart/resume.bin")?, &bytes)
    });
}

#[test]
fn abort_discards_the_parts_where_the_server_supports_it() {
    on_every_server("multipart abort", |sandbox, server| {
        let (plan_path, plan) = create_plan(sandbox, server, "multipart/abort.bin", &[])?;
        let (path, _) = file(sandbox, 3);
        let broken = plan_without_part_3(sandbox, &plan);
        without_credentials(
            sandbox,
            &[
                "upload",
                "--plan",
                path_str(&broken),
                path_str(&path),
                "--retries",
                "0",
            ],
        );
        let (code, _, stderr) = without_credentials(
            sandbox,
            &["multipart", "abort", "--plan", path_str(&plan_path)],
        );
        let wanted = expected(ABORT, server);
        if server.name == "s3rver" {
            return if code == 1 && stderr.contains("HTTP 405 Method Not Allowed") {
                Ok(())
            } else {
                Err(format!("abort on s3rver: exit {code}: {stderr}"))
            };
        }
        if code != 0 || !stderr.contains("aborted upload") {
            return Err(format!("multipart abort: exit {code}: {stderr}"));
        }
        let (code, stdout, stderr) = without_credentials(
            sandbox,
            &["multipart", "list", "--plan", path_str(&plan_path)],
        );
        let as_expected = match wanted {
            "listed: 0 parts" => code == 0 && stdout.is_empty(),
            code_name => code == 1 && stderr.contains(code_name),
        };
        if as_expected {
            Ok(())
        } else {
            Err(format!(
                "list after abort: expected {wanted:?}, got exit {code}: {stdout}{stderr}"
            ))
        }
    });
}

#[test]
fn an_expired_part_url_is_refused() {
    on_every_server("multipart expired", |sandbox, server| {
        let (plan_path, plan) = create_plan(
            sandbox,
            server,
            "multipart/expired.bin",
            &["--expires-in", "1"],
        )?;
        let (path, _) = file(sandbox, 4);
        std::thread::sleep(std::time::Duration::from_secs(4));
        // presign refuses an expired plan before sending anything ...
        let (code, _, stderr) = without_credentials(
            sandbox,
            &["upload", "--plan", path_str(&plan_path), path_str(&path)],
        );
        if code != 2 || !stderr.contains("the plan's URLs expired at") {
            return Err(format!("expired plan: exit {code}: {stderr}"));
        }
        // ... so, to see the server refuse the expired part URLs, the
        // plan's own expiry is moved (the URLs keep X-Amz-Expires=2).
        let mut moved = plan.clone();
        moved["expires_at"] = Value::String("2099-01-01T00:00:00Z".to_owned());
        let moved_path = sandbox.path("moved-plan.json");
        std::fs::write(&moved_path, moved.to_string()).unwrap();
        let (code, _, stderr) = without_credentials(
            sandbox,
            &["upload", "--plan", path_str(&moved_path), path_str(&path)],
        );
        if code == 1 && stderr.contains("of 3 failed: HTTP 403 Forbidden") {
            Ok(())
        } else {
            Err(format!("expired part URLs: exit {code}: {stderr}"))
        }
    });
}

#[test]
fn upload_multipart_creates_uploads_and_completes_in_one_step() {
    on_every_server("multipart in one step", |sandbox, server| {
        let (path, bytes) = file(sandbox, 5);
        let uri = format!("s3://{}/multipart/one-step.bin", server.bucket);
        let output = presign(sandbox, server, &server.secret_key)
            .args([
                "upload",
                "--multipart",
                &uri,
                path_str(&path),
                "--part-size",
                "5MiB",
                "--content-type",
                "application/x-presign-test",
                "--endpoint-url",
                &server.endpoint,
                "--region",
                "us-east-1",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() || !stderr.contains("(3 parts)") {
            return Err(format!("upload --multipart: {:?}: {stderr}", output.status));
        }
        same_bytes(
            &read_back(sandbox, server, "multipart/one-step.bin")?,
            &bytes,
        )?;
        let head = sign(sandbox, server, "multipart/one-step.bin", &["-X", "HEAD"]);
        let output = presign(sandbox, server, &server.secret_key)
            .args(["send", "--quiet", "-X", "HEAD", &head])
            .output()
            .unwrap();
        let headers = String::from_utf8_lossy(&output.stdout).to_ascii_lowercase();
        if headers.contains("content-type: application/x-presign-test") {
            Ok(())
        } else {
            Err(format!("the object's content type was not kept: {headers}"))
        }
    });
}

#[test]
fn list_and_abort_with_credentials_take_the_upload_id() {
    on_every_server("multipart list/abort by upload id", |sandbox, server| {
        let (_, plan) = create_plan(sandbox, server, "multipart/by-id.bin", &[])?;
        let (path, _) = file(sandbox, 6);
        let broken = plan_without_part_3(sandbox, &plan);
        without_credentials(
            sandbox,
            &[
                "upload",
                "--plan",
                path_str(&broken),
                path_str(&path),
                "--retries",
                "0",
                "--parallel",
                "1",
            ],
        );
        let upload_id = plan["upload_id"].as_str().unwrap();
        let uri = format!("s3://{}/multipart/by-id.bin", server.bucket);
        let by_id = |command: &str| {
            use_url(
                sandbox,
                server,
                &[
                    "multipart",
                    command,
                    &uri,
                    "--upload-id",
                    upload_id,
                    "--endpoint-url",
                    &server.endpoint,
                    "--region",
                    "us-east-1",
                ],
            )
        };
        let (list_code, list_stderr) = by_id("list");
        let (abort_code, abort_stderr) = by_id("abort");
        let as_found = if server.name == "s3rver" {
            list_code == 1 && abort_code == 1 && abort_stderr.contains("HTTP 405")
        } else {
            list_code == 0
                && list_stderr.contains("2 parts (10 MiB) on the server")
                && abort_code == 0
                && abort_stderr.contains("aborted upload")
        };
        if as_found {
            Ok(())
        } else {
            Err(format!(
                "list: exit {list_code}: {list_stderr}; abort: exit {abort_code}: {abort_stderr}"
            ))
        }
    });
}

/// Issue 23, item 8: `presign multipart uploads s3://BUCKET/PREFIX` lists
/// the uploads in progress (an interrupted upload shows there): key,
/// upload id and start, tab-separated. SeaweedFS and nanio list it; s3s-fs
/// and s3rver answer 501 (they do not implement ListMultipartUploads), which
/// the command reports with exit 1.
#[test]
fn multipart_uploads_lists_the_uploads_in_progress() {
    on_every_server("multipart uploads", |sandbox, server| {
        let prefix = format!("in-progress-{}/", std::process::id());
        let (plan, json) = create_plan(sandbox, server, &format!("{prefix}video.bin"), &[])?;
        let upload_id = json["upload_id"].as_str().unwrap().to_owned();
        let uri = format!("s3://{}/{prefix}", server.bucket);
        let output = presign(sandbox, server, &server.secret_key)
            .args([
                "multipart",
                "uploads",
                "--endpoint-url",
                &server.endpoint,
                "--region",
                "us-east-1",
                "--addressing-style",
                "path",
                &uri,
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        // s3s-fs and s3rver do not implement ListMultipartUploads (501): the
        // command says so, exit 1. The others must list the upload.
        if matches!(server.name.as_str(), "s3s-fs" | "s3rver")
            && output.status.code() == Some(1)
            && stderr.contains("ListMultipartUploads")
            && stderr.contains("501")
        {
            let _ = use_url(
                sandbox,
                server,
                &["multipart", "abort", "--plan", plan.to_str().unwrap()],
            );
            return Ok(());
        }
        if output.status.code() != Some(0) {
            return Err(format!("exit {:?}: {stderr}", output.status.code()));
        }
        let line = format!("{prefix}video.bin\t{upload_id}\t");
        if !stdout.lines().any(|l| l.starts_with(&line)) {
            return Err(format!("{line:?} not listed in:\n{stdout}"));
        }
        let (code, stderr) = use_url(
            sandbox,
            server,
            &["multipart", "abort", "--plan", plan.to_str().unwrap()],
        );
        if code != 0 {
            return Err(format!("abort: exit {code}: {stderr}"));
        }
        Ok(())
    });
}

/// Issue 23, item 8, second half: an interrupted upload is continued from
/// its id, without the plan file: `upload --multipart s3://B/K FILE
/// --upload-id ID` lists the parts the server has (ListParts, with the
/// credentials), uploads the others and completes, as `--plan --resume`
/// does (the same account of what the server holds, on every server).
#[test]
fn an_upload_is_resumed_from_its_id_without_the_plan() {
    on_every_server("multipart resume from the upload id", |sandbox, server| {
        let key = "multipart/resume-by-id.bin";
        let (_, plan) = create_plan(sandbox, server, key, &[])?;
        let (path, bytes) = file(sandbox, 4);
        upload_all_but_part_3(sandbox, &plan, &path)?;
        let upload_id = plan["upload_id"].as_str().unwrap();
        let uri = format!("s3://{}/{key}", server.bucket);
        let (code, stderr) = use_url(
            sandbox,
            server,
            &[
                "upload",
                "--multipart",
                &uri,
                path_str(&path),
                "--upload-id",
                upload_id,
                "--part-size",
                "5MiB",
                "--endpoint-url",
                &server.endpoint,
                "--region",
                "us-east-1",
                "--addressing-style",
                "path",
            ],
        );
        let wanted = expected(RESUME, server);
        if code != 0 || !stderr.contains(wanted) || stderr.contains("created upload") {
            return Err(format!(
                "upload --multipart --upload-id: exit {code}, expected {wanted:?} in: {stderr}"
            ));
        }
        same_bytes(&read_back(sandbox, server, key)?, &bytes)
    });
}

/// Uploads `path` through `plan` without its part 3 (an upload broken
/// off): parts 1 and 2 stay on the server, the upload is kept.
fn upload_all_but_part_3(sandbox: &Sandbox, plan: &Value, path: &Path) -> Result<(), String> {
    let broken = plan_without_part_3(sandbox, plan);
    let (code, _, stderr) = without_credentials(
        sandbox,
        &[
            "upload",
            "--plan",
            path_str(&broken),
            path_str(path),
            "--retries",
            "0",
        ],
    );
    if code != 1 || !stderr.contains("is kept: 2 of 3 parts are on the server") {
        return Err(format!("the upload without part 3: exit {code}: {stderr}"));
    }
    Ok(())
}
