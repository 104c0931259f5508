//! `atrisk validate`: check frameworks and report every finding.

use std::fmt::Write;
use std::path::PathBuf;

use super::{
    Ctx, DataArg, EXIT_CHECK_FAILED, EXIT_OK, Failure, compile_plan, load_framework, load_inputs,
};
use crate::diagnostic::{self, Diagnostic, Sources};
use crate::framework::model::Framework;

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Rendered for people.
    Text,
    /// A JSON document for scripts.
    Json,
}

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Framework files (default: the shipped UN Framework rules).
    #[arg(value_name = "FRAMEWORK")]
    pub files: Vec<PathBuf>,
    /// Also check that every referenced column is in these data files.
    #[arg(long, value_name = "[PREFIX=]FILE")]
    pub data: Vec<DataArg>,
    /// Also check analyst assessment files against the frameworks and the data (the shipped panel when no --data is given).
    #[arg(long, value_name = "FILE")]
    pub assessments: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fail (exit 1) when there are warnings.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Runs `validate`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let files: Vec<Option<&std::path::Path>> = if a.files.is_empty() {
        vec![None]
    } else {
        a.files.iter().map(|p| Some(p.as_path())).collect()
    };
    let mut sources = Sources::default();
    let inputs = if a.data.is_empty() && a.assessments.is_empty() {
        None
    } else {
        Some(load_inputs(&a.data, &a.assessments, &mut sources)?)
    };
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut summary = String::new();
    let mut failed_code = None;
    for f in files {
        match load_framework(f, &mut sources) {
            Ok(l) => {
                let mut findings = l.warnings.clone();
                if let Some((p, assessed)) = &inputs
                    && let Err(e) = compile_plan(&l, p, assessed, &sources)
                {
                    failed_code.get_or_insert(e.exit_code());
                    findings.extend(e.diags.0);
                }
                let layers = l.located();
                let inds = || layers.iter().flat_map(|x| &x.fw.indicators);
                let count =
                    |f: fn(&Framework) -> usize| layers.iter().map(|x| f(x.fw)).sum::<usize>();
                let extends = if l.bases.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (with {})",
                        l.bases
                            .iter()
                            .map(|b| b.file.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let _ = writeln!(
                    summary,
                    "{}{extends}: {} crimes, {} risk factors, {} indicators ({} measured, {} qualitative), {} themes, {} recommendations; {} warning(s)",
                    l.name,
                    count(|f| f.crimes.len()),
                    count(|f| f.risk_factors.len()),
                    inds().count(),
                    inds().filter(|i| !i.measures.is_empty()).count(),
                    inds()
                        .filter(|i| i.qualitative && i.measures.is_empty())
                        .count(),
                    count(|f| f.themes.len()),
                    count(|f| f.recommendations.len()),
                    findings
                        .iter()
                        .filter(|d| d.severity == diagnostic::Severity::Warning)
                        .count(),
                );
                all.extend(findings);
            }
            Err(e) => {
                failed_code.get_or_insert(e.exit_code());
                all.extend(e.diags.0);
            }
        }
    }
    let warnings = all
        .iter()
        .filter(|d| d.severity == diagnostic::Severity::Warning)
        .count();
    match a.format {
        Format::Json => print!("{}", diagnostic::to_json(&all)),
        Format::Text => {
            eprint!("{}", diagnostic::render(&all, &sources, ctx.color));
            print!("{summary}");
        }
    }
    if let Some(code) = failed_code {
        return Ok(code);
    }
    if a.deny_warnings && warnings > 0 {
        return Ok(EXIT_CHECK_FAILED);
    }
    Ok(EXIT_OK)
}
