//! The MFA code for an assumed role, asked for on the terminal as the AWS
//! CLI does (`Enter MFA code for arn:aws:iam::…:mfa/me: `).

use std::io::{BufRead, IsTerminal, Write};

use presign_credentials::MfaPrompt;

/// Asks on standard error and reads the code from standard input, when
/// standard input is a terminal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TerminalPrompt;

impl MfaPrompt for TerminalPrompt {
    fn code(&self, _profile: &str, serial: &str) -> Result<String, String> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err("standard input is not a terminal to ask for the code on".to_owned());
        }
        let mut stderr = std::io::stderr().lock();
        write!(stderr, "Enter MFA code for {serial}: ")
            .and_then(|()| stderr.flush())
            .map_err(|error| format!("cannot ask for the code: {error}"))?;
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|error| format!("cannot read the code: {error}"))?;
        let code = line.trim();
        if code.is_empty() {
            return Err("no code was entered".to_owned());
        }
        Ok(code.to_owned())
    }
}
