//! `presign completions SHELL` and `presign man`: generated from the clap
//! definition, so they always match the flags.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;

/// Writes the completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let mut command = Cli::command();
    // Into memory first: clap_complete panics on a failed write (a closed
    // pipe), while a write here returns the error.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "presign", &mut script);
    out.write_all(&script)?;
    out.flush()
}

/// Writes one roff man page: presign, then a section per subcommand (its
/// synopsis, description and options, as sub-sections).
pub(crate) fn man(out: &mut dyn Write) -> std::io::Result<()> {
    let mut page_text = Vec::new();
    render_man(&mut page_text)?;
    // clap_mangen titles the after-help text EXTRA; NOTES is the man-page
    // convention.
    for line in String::from_utf8_lossy(&page_text).lines() {
        match line {
            ".SH EXTRA" => writeln!(out, ".SH NOTES")?,
            ".SS EXTRA" => writeln!(out, ".SS NOTES")?,
            _ => writeln!(out, "{line}")?,
        }
    }
    out.flush()
}

fn render_man(out: &mut dyn Write) -> std::io::Result<()> {
    let command = Cli::command();
    let page = clap_mangen::Man::new(command.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    page.render_subcommands_section(out)?;
    page.render_extra_section(out)?;
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = format!("presign {}", sub.get_name());
        let sub = sub
            .clone()
            .display_name(name.clone())
            .bin_name(name.clone());
        let sub_page = clap_mangen::Man::new(sub);
        let mut section = Vec::new();
        sub_page.render_synopsis_section(&mut section)?;
        sub_page.render_description_section(&mut section)?;
        sub_page.render_options_section(&mut section)?;
        sub_page.render_extra_section(&mut section)?;
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        // The subcommand's sections become sub-sections of its own.
        for line in String::from_utf8_lossy(&section).lines() {
            match line.strip_prefix(".SH ") {
                Some(title) => writeln!(out, ".SS {title}")?,
                None => writeln!(out, "{line}")?,
            }
        }
    }
    page.render_version_section(out)
}
