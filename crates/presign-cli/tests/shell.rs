//! `presign completions` loaded in a real bash, and `presign man` rendered by
//! groff with warnings on (`scripts/test.sh` installs groff when missing).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use common::{Sandbox, run};

/// What bash's completion function offers for `words` (the last one being
/// completed).
fn bash_completes(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let words_array: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _presign presign '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        words_array.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "bash complained"
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_output_values() {
    let sandbox = Sandbox::new();
    let script = run(sandbox.command().args(["completions", "bash"])).ok();
    let path = sandbox.write("presign.bash", &script);
    let top = bash_completes(&path, &["presign", ""]);
    for subcommand in [
        "batch",
        "download",
        "upload",
        "multipart",
        "send",
        "inspect",
        "verify",
        "doctor",
        "completions",
        "man",
        "post",
        "serve",
    ] {
        assert!(
            top.iter().any(|w| w == subcommand),
            "{subcommand} not offered: {top:?}"
        );
    }
    assert_eq!(bash_completes(&path, &["presign", "doc"]), ["doctor"]);
    assert_eq!(
        bash_completes(&path, &["presign", "--output", ""]),
        ["url", "json", "curl", "explain"]
    );
    assert_eq!(
        bash_completes(&path, &["presign", "--output", "j"]),
        ["json"]
    );
    assert_eq!(
        bash_completes(&path, &["presign", "doctor", "--output", ""]),
        ["text", "json"]
    );
    assert_eq!(
        bash_completes(&path, &["presign", "completions", "f"]),
        ["fish"]
    );
}

#[test]
fn every_shell_gets_a_script() {
    let sandbox = Sandbox::new();
    for (shell, marker) in [
        ("bash", "complete -F _presign"),
        ("zsh", "#compdef presign"),
        ("fish", "complete -c presign"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[presign]"),
    ] {
        let script = run(sandbox.command().args(["completions", shell])).ok();
        assert!(script.contains(marker), "{shell}: no {marker:?}");
    }
    run(sandbox.command().args(["completions", "tcsh"])).refused();
}

#[test]
fn the_man_page_renders_without_warnings() {
    if Command::new("groff").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "groff is missing: scripts/test.sh installs it"
        );
        eprintln!("SKIPPED: groff is not installed (scripts/test.sh installs it)");
        return;
    }
    let sandbox = Sandbox::new();
    let page = run(sandbox.command().arg("man")).ok();
    assert!(page.contains("\n.TH presign 1"), "no title line");
    let path = sandbox.write("presign.1", &page);
    let output = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .arg(&path)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "groff warned");
    let text = String::from_utf8_lossy(&output.stdout);
    // groff marks bold and underline by overstriking.
    let words = strip_overstrike(&text);
    for heading in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "PRESIGN DOCTOR",
        "PRESIGN COMPLETIONS",
        "PRESIGN MAN",
        "PRESIGN DOWNLOAD",
    ] {
        assert!(words.contains(heading), "no {heading} in:\n{words}");
    }
    assert!(words.contains("--ca-bundle"), "{words}");
}

/// Text without groff's overstrike (`c\bc` bold, `_\bc` underline).
fn strip_overstrike(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{8}') {
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}
