//! `atrisk completions`: shell completion scripts.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Ctx, EXIT_OK, Failure, write_output};

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: Shell,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The completion script for a shell.
pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "atrisk", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Runs `completions`.
pub fn run(_ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    write_output(a.output.as_deref(), &script(a.shell), &[])?;
    Ok(EXIT_OK)
}
