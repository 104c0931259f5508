//! `atrisk test`: run the worked examples of frameworks.

use std::fmt::Write;
use std::path::PathBuf;

use super::validate::{Format, framework_paths};
use super::{Console, Ctx, EXIT_CHECK_FAILED, EXIT_OK, Failure, emit, load_framework};
use crate::check::examples::{self, Outcome};
use crate::diagnostic::{self, Diagnostic, Sources, sanitize};

/// Arguments of `test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Framework files or shipped ids (default: madrid-2015, which extends un-foa-2014).
    #[arg(value_name = "FRAMEWORK")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs `test`: exit 0 when every example passes, 1 when one fails, 2 when a
/// framework is invalid.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let files = framework_paths(&a.files);
    let mut sources = Sources::default();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut summary = String::new();
    let mut failed_code = None;
    for f in files {
        // The examples of every file of an `extends` chain, base first.
        let result = load_framework(f, &mut sources).and_then(|l| {
            let mut all = Vec::new();
            for layer in l.located() {
                all.extend(examples::run(layer.fw, layer.file).map_err(|d| Failure {
                    diags: d,
                    sources: sources.clone(),
                })?);
            }
            Ok((l.name, all))
        });
        match result {
            Ok((name, found)) => {
                let failed = found.iter().filter(|o| !o.passed).count();
                let _ = writeln!(
                    summary,
                    "{name}: {} example(s), {} passed, {failed} failed",
                    found.len(),
                    found.len() - failed
                );
                diags.extend(
                    found
                        .iter()
                        .filter(|o| !o.passed)
                        .map(Outcome::to_diagnostic),
                );
                outcomes.extend(found);
            }
            Err(e) => {
                failed_code.get_or_insert(e.exit_code());
                diags.extend(e.diags.0);
            }
        }
    }
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    match a.format {
        Format::Json => {
            let doc = serde_json::json!({
                "examples": outcomes,
                "passed": outcomes.len() - failed,
                "failed": failed,
                "diagnostics": diags,
            });
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            emit(Console::Out, &format!("{text}\n"))?;
        }
        Format::Text => {
            emit(
                Console::Err,
                &diagnostic::render(&diags, &sources, ctx.color),
            )?;
            emit(Console::Out, &sanitize(&summary))?;
        }
    }
    Ok(match failed_code {
        Some(code) => code,
        None if failed > 0 => EXIT_CHECK_FAILED,
        None => EXIT_OK,
    })
}
