//! `jury completions SHELL` and `jury man`: generated from the argument definitions, so they
//! always match the binary that prints them.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::CommandFactory;

use super::args::Args;

/// The completion script for `shell`, on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode, jury::Error> {
    let mut cmd = Args::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "jury", &mut script);
    super::stdout_result(io::stdout().lock().write_all(&script))
}

/// The manual page, in roff, on stdout: the command, then each subcommand's own section.
pub fn man() -> Result<ExitCode, jury::Error> {
    let mut page = Vec::new();
    let rendered = render_man(&mut page);
    let written = rendered.and_then(|()| io::stdout().lock().write_all(&page));
    super::stdout_result(written)
}

/// The top-level page, then each subcommand's page.
fn render_man(out: &mut Vec<u8>) -> io::Result<()> {
    let cmd = Args::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    for sub in cmd.get_subcommands() {
        writeln!(out, ".SH \"JURY {}\"", sub.get_name().to_uppercase())?;
        let sub = sub.clone().bin_name(format!("jury {}", sub.get_name()));
        let man = clap_mangen::Man::new(sub);
        man.render_synopsis_section(out)?;
        man.render_description_section(out)?;
        man.render_options_section(out)?;
        man.render_extra_section(out)?;
    }
    Ok(())
}
