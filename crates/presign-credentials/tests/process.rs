//! `credential_process` with real little scripts as the process, and
//! botocore's ProcessProvider (through its chain, on the same config) as the
//! oracle.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{Home, Python, assert_same_as_botocore, botocore_chain};
use presign_config::sources::split_command_line;
use presign_credentials::CredentialsError;

/// A home whose profile `default` runs `command`, where `{dir}` is the home.
fn home_running(command: &str) -> Home {
    let home = Home::new();
    let command = command.replace("{dir}", &home.path().display().to_string());
    home.write_config(&format!("[default]\ncredential_process = {command}\n"));
    home
}

const GOOD: &str = r#"cat <<EOF
{"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "process-secret/+=",
 "SessionToken": "process-token", "Expiration": "2099-01-01T00:00:00Z"}
EOF"#;

#[test]
fn credentials_match_botocore() {
    let home = home_running("'{dir}/my creds.sh' --flag");
    home.script("my creds.sh", GOOD);
    let ours = common::fetch(&home).unwrap();
    assert_eq!(ours.access_key_id, "ASIAPROCESS");
    assert_eq!(ours.secret_access_key.as_str(), "process-secret/+=");
    assert_eq!(
        ours.session_token.as_deref().map(String::as_str),
        Some("process-token")
    );
    assert_eq!(
        ours.expires_at,
        presign_config::parse_expiration("2099-01-01T00:00:00Z")
    );
    assert_eq!(ours.source, "credential_process of profile 'default'");
    if let Some(python) = Python::find() {
        assert_same_as_botocore(&ours, &botocore_chain(&python, &home));
    }
}

#[test]
fn arguments_reach_the_process_as_split_and_match_botocore() {
    // The script prints its arguments as the key id, joined with '|'.
    let home = home_running(r#"{dir}/args.sh "a b" 'c"d' e\ f "g\h" '' $HOME"#);
    home.script(
        "args.sh",
        r#"joined=$(printf '%s|' "$@")
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "s"}' "$(printf '%s' "$joined" | sed 's/\\/\\\\/g; s/"/\\"/g')""#,
    );
    let ours = common::fetch(&home).unwrap();
    assert_eq!(ours.access_key_id, r#"a b|c"d|e f|g\h||$HOME|"#);
    assert!(ours.session_token.is_none());
    assert!(ours.expires_at.is_none());
    if let Some(python) = Python::find() {
        assert_same_as_botocore(&ours, &botocore_chain(&python, &home));
    }
}

#[test]
fn the_splitter_agrees_with_botocores_on_a_table_of_command_lines() {
    let lines = [
        "plain words here",
        "  leading and trailing  ",
        "tabs\tand\nnewlines\r\nhere",
        r"back\ slash\\es \q",
        r"'single \ quotes' x'y'z",
        r#""double \" quote" "back\\slash" "keep\n\x" "$VAR `cmd`""#,
        r#"mixed"quo"'tes' "" '' x"" ''y"#,
        "a|b >c 2>&1; d && e # not a comment",
        "unicode ünïcödé 'wörds here' \u{a0}nbsp",
        r#"--opt="value with spaces" --other='it''s'"#,
        "/usr/bin/aws-vault exec dev --json",
        "op plugin run -- aws configure export-credentials --format process",
    ];
    let ours: Vec<Vec<String>> = lines
        .iter()
        .map(|line| split_command_line(line).unwrap())
        .collect();
    assert_eq!(ours[0], ["plain", "words", "here"]);
    let Some(python) = Python::find() else {
        return;
    };
    let script = "import json, sys\nfrom botocore.compat import compat_shell_split\n\
                  print(json.dumps([compat_shell_split(l, 'linux') for l in json.loads(sys.argv[1])]))";
    let output = python.run(
        script,
        &[&serde_json::to_string(&lines).unwrap()],
        Vec::<(String, String)>::new(),
    );
    let botocore: Vec<Vec<String>> = serde_json::from_str(&output).unwrap();
    assert_eq!(botocore.len(), lines.len());
    for ((line, ours), theirs) in lines.iter().zip(&ours).zip(&botocore) {
        assert_eq!(ours, theirs, "{line:?}");
    }
    // Refusals alike: botocore raises ValueError on each.
    for line in ["open 'quote", "open \"quote", "trailing\\"] {
        assert!(split_command_line(line).is_err(), "{line:?}");
    }
}

#[test]
fn a_failing_process_shows_its_stderr_and_exit_status() {
    let home = home_running("{dir}/fail.sh");
    home.script(
        "fail.sh",
        "echo '{\"Version\": 1}'\necho 'vault is locked: run unlock' >&2\nexit 3",
    );
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ProcessFailed { profile, .. } if profile == "default"),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("vault is locked: run unlock"), "{message}");
    assert!(message.contains("exit status: 3"), "{message}");
    assert!(message.contains("profile 'default'"), "{message}");
    if let Some(python) = Python::find() {
        let botocore = botocore_chain(&python, &home);
        assert_eq!(botocore["error"], "CredentialRetrievalError", "{botocore}");
        assert!(
            botocore["message"]
                .as_str()
                .unwrap()
                .contains("vault is locked")
        );
    }
}

#[test]
fn garbage_output_is_refused_without_echoing_it() {
    let home = home_running("{dir}/garbage.sh");
    home.script("garbage.sh", "echo 'AKIA-LEAKED super-secret-value'");
    let error = common::fetch(&home).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(&error, CredentialsError::ProcessOutput { .. }),
        "{message}"
    );
    assert!(message.contains("profile 'default'"), "{message}");
    assert!(message.contains("credential_process"), "{message}");
    assert!(message.contains("not JSON"), "{message}");
    assert!(!message.contains("super-secret-value"), "{message}");
    assert!(!message.contains("LEAKED"), "{message}");
    assert!(!format!("{error:?}").contains("super-secret-value"));
}

#[test]
fn version_2_is_refused_as_botocore_refuses_it() {
    let home = home_running("{dir}/v2.sh");
    home.script(
        "v2.sh",
        r#"echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}'"#,
    );
    let error = common::fetch(&home).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("unsupported version '2' for credential process provider"),
        "{message}"
    );
    if let Some(python) = Python::find() {
        let botocore = botocore_chain(&python, &home);
        assert_eq!(botocore["error"], "CredentialRetrievalError", "{botocore}");
        assert!(
            botocore["message"]
                .as_str()
                .unwrap()
                .contains("Unsupported version '2' for credential process provider")
        );
    }
}

#[test]
fn a_hanging_process_is_killed_after_the_timeout() {
    let mut home = home_running("{dir}/hang.sh");
    home.script("hang.sh", "echo started >&2\nsleep 30");
    home.set("PRESIGN_CREDENTIAL_PROCESS_TIMEOUT", "1");
    let started = Instant::now();
    let error = common::fetch(&home).unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(
        matches!(&error, CredentialsError::ProcessTimeout { seconds: 1, .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("PRESIGN_CREDENTIAL_PROCESS_TIMEOUT"),
        "{error}"
    );
}

#[test]
fn stdin_is_closed() {
    // A process that reads stdin gets end of file at once instead of waiting.
    let mut home = home_running("{dir}/stdin.sh");
    home.script(
        "stdin.sh",
        r#"input=$(cat)
printf '{"Version": 1, "AccessKeyId": "STDIN%s", "SecretAccessKey": "s"}' "${#input}""#,
    );
    home.set("PRESIGN_CREDENTIAL_PROCESS_TIMEOUT", "5");
    assert_eq!(common::fetch(&home).unwrap().access_key_id, "STDIN0");
}

#[test]
fn output_over_one_mebibyte_is_refused() {
    let home = home_running("{dir}/flood.sh");
    home.script("flood.sh", "head -c 2097152 /dev/zero | tr '\\0' ' '");
    let started = Instant::now();
    let error = common::fetch(&home).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        matches!(&error, CredentialsError::ProcessOutputTooLarge { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("1 MiB"), "{error}");
}

#[test]
fn a_missing_program_and_a_bad_command_line_are_named() {
    let home = home_running("/no/such/program --x");
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ProcessSpawn { program, profile, .. }
            if program == "/no/such/program" && profile == "default"),
        "{error}"
    );
    let home = home_running("creds 'unclosed");
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ProcessCommand { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("quote is never closed"),
        "{error}"
    );
}
