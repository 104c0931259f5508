//! `atrisk audit`: the statistical audit of a framework on its data. Parses
//! the flags, runs the library's audit, writes the chosen format, and exits 1
//! when a kind of finding named by `--deny` was found.

use std::path::PathBuf;

use super::score::select_years;
use super::{Ctx, EXIT_CHECK_FAILED, EXIT_OK, Failure, InputArgs, write_output};
use crate::audit::{self, FindingKind};
use crate::diagnostic::{Diagnostic, Origin, Sources, did_you_mean};

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Tables for the terminal.
    Table,
    /// Every number, named by indicator id and column.
    Json,
    /// Markdown.
    Md,
    /// One self-contained HTML page with a correlation heat map per risk factor and theme.
    Html,
}

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Years to audit, A..B (default: every year in which some indicator has a value).
    #[arg(long, value_name = "A..B")]
    pub years: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of standard output (written whole, or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when findings of these kinds are found (comma-separated, or `all`): double_count, duplicate, direction, redundant, weight, consistency, coverage, jump, outlier, skew.
    #[arg(long, value_name = "KIND[,KIND...]", value_delimiter = ',')]
    pub deny: Vec<String>,
}

fn kind_names() -> String {
    FindingKind::ALL.map(FindingKind::name).join(", ")
}

/// Parses `--deny` (U030 for a name that is not a kind).
fn denied(names: &[String]) -> Result<Vec<FindingKind>, Failure> {
    let mut kinds = Vec::new();
    for n in names.iter().filter(|n| !n.trim().is_empty()) {
        if n.trim() == "all" {
            kinds.extend(FindingKind::ALL);
            continue;
        }
        match FindingKind::parse(n) {
            Some(k) => kinds.push(k),
            None => {
                let mut hint = format!("the kinds are {}, or all", kind_names());
                if let Some(s) = did_you_mean(n, FindingKind::ALL.map(FindingKind::name)) {
                    hint = format!("did you mean `{s}`? {hint}");
                }
                return Err(Failure::new(
                    Diagnostic::error(
                        "U030",
                        Origin::Usage,
                        format!("`--deny {n}` is not a kind of finding"),
                    )
                    .with_hint(hint),
                    &Sources::default(),
                ));
            }
        }
    }
    kinds.sort();
    kinds.dedup();
    Ok(kinds)
}

/// Runs `audit`: exit 0 whatever it found, 1 when a denied kind was found.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let deny = denied(&a.deny)?;
    let scored = a.input.score(ctx)?;
    let (plan, panel, scores) = (&scored.plan, &scored.panel, &scored.scores);
    let years = match a.years.as_deref() {
        Some(s) => select_years(None, Some(s), panel, 0)?,
        None => audit::years_with_data(plan, panel, scores),
    };
    let report = audit::run_within(plan, panel, scores, &years).map_err(super::backtest::fail)?;
    let text = match a.format {
        Format::Table => audit::text::write(&report),
        Format::Json => report.to_json(),
        Format::Md => audit::markdown::write(&report),
        Format::Html => audit::html::write(&report),
    };
    write_output(a.output.as_deref(), &text, &a.input.paths())?;
    let found: Vec<String> = deny
        .iter()
        .filter(|&&k| report.count(k) > 0)
        .map(|&k| format!("{} {}", report.count(k), k.name()))
        .collect();
    if found.is_empty() {
        return Ok(EXIT_OK);
    }
    let d = Diagnostic::error(
        "A001",
        Origin::Usage,
        format!("the audit found denied findings: {}", found.join(", ")),
    )
    .with_hint("read them in the output (--format json names every one); fix the framework or the data, or drop the kind from --deny");
    super::print_warnings(ctx, &[d], &Sources::default())?;
    Ok(EXIT_CHECK_FAILED)
}
