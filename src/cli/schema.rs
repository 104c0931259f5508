//! `atrisk schema`: the JSON Schema of the framework format.

use std::path::PathBuf;

use super::{Ctx, EXIT_OK, Failure, write_output};

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The schema as pretty JSON.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(crate::framework::model::Framework);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// Runs `schema`.
pub fn run(_ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    write_output(a.output.as_deref(), &schema_json(), &[])?;
    Ok(EXIT_OK)
}
