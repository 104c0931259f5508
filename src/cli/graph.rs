//! `atrisk graph`: the framework as a graph, from data columns to
//! recommendations and the actors they address.

use std::path::PathBuf;

use super::{
    Ctx, DataArg, EXIT_OK, Failure, compile_plan, load_data, load_framework, print_warnings,
    write_output,
};
use crate::data::assessments::Assessments;
use crate::diagnostic::Sources;
use crate::graph::Graph;

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Graphviz DOT (render with `dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// Nodes and edges as JSON.
    Json,
}

/// Arguments of `graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Framework file, or the id of a shipped framework.
    #[arg(long, value_name = "FILE")]
    pub framework: Option<PathBuf>,
    /// Data files whose columns the measures read (default: the shipped panel).
    #[arg(long, value_name = "[PREFIX=]FILE")]
    pub data: Vec<DataArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `graph`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let mut sources = Sources::default();
    let loaded = load_framework(a.framework.as_deref(), &mut sources)?;
    let panel = load_data(&a.data, &mut sources)?;
    let plan = compile_plan(&loaded, &panel, &Assessments::default(), &sources)?;
    print_warnings(ctx, &loaded.warnings, &sources);
    let g = Graph::build(&plan, &panel);
    let text = match a.format {
        Format::Dot => g.to_dot(),
        Format::Mermaid => g.to_mermaid(),
        Format::Json => g.to_json(),
    };
    let mut inputs: Vec<PathBuf> = a.data.iter().map(|d| d.path.clone()).collect();
    inputs.extend(a.framework.iter().cloned());
    write_output(a.output.as_deref(), &text, &inputs)?;
    Ok(EXIT_OK)
}
