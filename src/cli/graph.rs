//! `atrisk graph`: the framework as a graph, from data columns to
//! recommendations and the actors they address.

use std::path::PathBuf;

use super::{Ctx, EXIT_OK, Failure, InputArgs, usage, write_output};
use crate::diagnostic::did_you_mean;
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
    #[command(flatten)]
    pub input: InputArgs,
    /// Only the part of the graph that leads to this node or follows from it,
    /// such as `rf5`, `nsag` or `recommendation:d`.
    #[arg(long, value_name = "ID")]
    pub focus: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `graph`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let s = a.input.score(ctx)?;
    let mut g = Graph::build(&s.plan, &s.panel);
    if let Some(id) = &a.focus {
        g = match g.focus(id) {
            Some(f) => f,
            None => {
                let hint = match did_you_mean(id, g.ids()) {
                    Some(x) => format!("did you mean `{x}`?"),
                    None => "give a node id as `atrisk graph --format json` lists them, such as `rf5`, `nsag` or `recommendation:d`".to_string(),
                };
                return Err(usage(format!("no node `{id}` in the graph"), hint));
            }
        };
    }
    let text = match a.format {
        Format::Dot => g.to_dot(),
        Format::Mermaid => g.to_mermaid(),
        Format::Json => g.to_json(),
    };
    write_output(a.output.as_deref(), &text, &a.input.paths())?;
    Ok(EXIT_OK)
}
