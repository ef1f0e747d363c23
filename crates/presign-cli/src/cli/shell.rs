//! `presign completions` and `presign man`: what the shell needs.

use clap::Args;

/// `presign completions`.
#[derive(Debug, Args)]
#[command(after_help = "Install, for example:
  bash:  presign completions bash > ~/.local/share/bash-completion/completions/presign
  zsh:   presign completions zsh > \"${fpath[1]}/_presign\"
  fish:  presign completions fish > ~/.config/fish/completions/presign.fish")]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

/// `presign man`.
#[derive(Debug, Args)]
#[command(after_help = "Read it with: presign man | man -l -
Install it with: presign man > ~/.local/share/man/man1/presign.1")]
pub(crate) struct ManArgs {}
