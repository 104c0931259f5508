//! `atrisk man`: the manual page, in roff.

use std::path::PathBuf;

use clap::CommandFactory;

use super::{Cli, Ctx, EXIT_OK, Failure, write_output};

/// Arguments of `man`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file (such as `atrisk.1`) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The manual page of `atrisk` (roff).
pub fn page() -> String {
    let mut buf = Vec::new();
    // Rendering into memory cannot fail for want of space.
    let _ = clap_mangen::Man::new(Cli::command()).render(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Runs `man`.
pub fn run(_ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    write_output(a.output.as_deref(), &page(), &[])?;
    Ok(EXIT_OK)
}
