//! The command-line interface: argument definitions, shared loading of
//! frameworks and data, error rendering and exit codes. One file per subcommand.
//!
//! Everything is written through [`emit`] and [`write_output`], which never
//! panic: the print macros are refused in this module.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod audit;
mod backtest;
mod completions;
mod data;
mod explain;
mod fit;
mod graph;
mod man;
mod new;
mod numbers;
mod output;
mod report;
mod schema;
mod score;
mod stream;
mod summary;
mod test;
mod uncertainty;
mod validate;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diagnostic::{self, Diagnostic, Sources};
use crate::pipeline::Inputs;

pub use crate::diagnostic::{
    EXIT_CHECK_FAILED, EXIT_DATA, EXIT_FRAMEWORK, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, Failure, usage,
};
pub use crate::pipeline::{
    DataArg, Loaded, Scored, compile_plan, load_framework, load_inputs, unit_key_of,
};
use output::Watched;
pub use output::{Console, emit, pipe_closed};
use output::{console_error, output_error};

/// atrisk: assess the risk of atrocity crimes country by country and year by
/// year, from the UN Framework of Analysis written as YAML rules and scored
/// against country-year data.
#[derive(Debug, Parser)]
#[command(name = "atrisk", version, about, long_about = None, after_help = "\
Exit codes: 0 success, 1 a check or an example failed, 2 framework error, 3 data error, 64 usage error, 74 output not written.
With no --framework and no --data, the shipped rules (madrid-2015: the UN Framework of Analysis with the Madrid 2015 themes and recommendations) and the panel shipped in the binary are used.")]
pub struct Cli {
    /// Colour in messages: auto, always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, env = "ATRISK_COLOR")]
    pub color: Color,
    /// Change a limit on inputs or on the work derived from them, e.g. `--limit csv-rows=5000000`; repeat for several. Names: framework-bytes, yaml-depth, yaml-nodes, yaml-aliases, data-bytes, csv-field-bytes, csv-rows, panel-cells, grid-cells, score-cells, csv-columns, json-nodes (see SECURITY.md).
    #[arg(long = "limit", global = true, value_name = "NAME=VALUE")]
    pub limits: Vec<crate::limits::LimitArg>,
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour messages.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Color {
    /// Colour when standard error is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score countries: a ranked table, CSV, JSON or Markdown.
    Score(score::Args),
    /// Check frameworks for errors and warnings.
    Validate(validate::Args),
    /// Print the JSON Schema of the framework format.
    Schema(schema::Args),
    /// The framework as a graph (DOT, Mermaid or JSON), from data to recommendations.
    Graph(graph::Args),
    /// Why a country scores what it scores: the tree down to the data cells.
    Explain(explain::Args),
    /// Early-warning summary: watch list, movers, new entries, data warnings, briefs.
    Summary(summary::Args),
    /// A self-contained HTML report for one year.
    Report(report::Args),
    /// Run the worked examples of frameworks.
    Test(test::Args),
    /// Write a commented framework skeleton to start from.
    New(new::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Print the manual page (roff).
    Man(man::Args),
    /// Backtest a framework against events: AUC, average precision, Brier score, top-k recall.
    Backtest(backtest::Args),
    /// Fit the weights of a logistic node by elastic-net logistic regression; writes a new framework.
    Fit(fit::Args),
    /// Monte Carlo over the framework's declared alternatives: score and rank intervals, sensitivity.
    Uncertainty(uncertainty::Args),
    /// Statistical audit of a framework on its data: double counting, correlations, alpha, PCA, effective weights, data quality.
    Audit(audit::Args),
    /// The shipped data: list its files and columns, show one country's values, export it to edit.
    Data(data::Args),
}

/// Runs the command line and returns the exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    for l in &cli.limits {
        crate::limits::set(l.limit, l.value);
    }
    let ctx = Ctx { color };
    let result = match &cli.command {
        Command::Score(a) => score::run(&ctx, a),
        Command::Validate(a) => validate::run(&ctx, a),
        Command::Schema(a) => schema::run(&ctx, a),
        Command::Graph(a) => graph::run(&ctx, a),
        Command::Explain(a) => explain::run(&ctx, a),
        Command::Summary(a) => summary::run(&ctx, a),
        Command::Report(a) => report::run(&ctx, a),
        Command::Test(a) => test::run(&ctx, a),
        Command::New(a) => new::run(&ctx, a),
        Command::Completions(a) => completions::run(&ctx, a),
        Command::Man(a) => man::run(&ctx, a),
        Command::Backtest(a) => backtest::run(&ctx, a),
        Command::Fit(a) => fit::run(&ctx, a),
        Command::Uncertainty(a) => uncertainty::run(&ctx, a),
        Command::Audit(a) => audit::run(&ctx, a),
        Command::Data(a) => data::run(&ctx, a),
    };
    match result {
        // A reader that went away (`| head`) ends the run quietly.
        _ if pipe_closed() => ExitCode::from(EXIT_OK),
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            let shown = emit(
                Console::Err,
                &diagnostic::render(&f.diags.0, &f.sources, ctx.color),
            );
            match shown {
                _ if pipe_closed() => ExitCode::from(EXIT_OK),
                Ok(()) => ExitCode::from(f.exit_code()),
                // Standard error cannot be written (a full disk): the
                // message is lost, and that is the failure the code tells.
                Err(_) => ExitCode::from(EXIT_OUTPUT),
            }
        }
    }
}

/// Settings shared by subcommands.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// Colour diagnostics.
    pub color: bool,
}

/// The framework and data arguments of the commands that score.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Framework file, or the id of a shipped framework (default: madrid-2015, which extends un-foa-2014).
    #[arg(long, value_name = "FILE")]
    pub framework: Option<PathBuf>,
    /// Data file (CSV, wide or long form, or a worksheet: FILE.xlsx or FILE.xlsx#Sheet); repeat for several; PREFIX=FILE names its columns PREFIX.column.
    #[arg(long, value_name = "[PREFIX=]FILE")]
    pub data: Vec<DataArg>,
    /// Analyst assessments of qualitative indicators (CSV: iso3,year,indicator,value,confidence,source,note); repeat for several.
    #[arg(long, value_name = "FILE")]
    pub assessments: Vec<PathBuf>,
    /// The data column(s) that identify a unit, overriding the framework's `unit_key` (default iso3), e.g. ewp_name or iso3,admin1.
    #[arg(long, value_name = "COL[,COL...]", value_delimiter = ',')]
    pub unit_key: Vec<String>,
    /// Key data files that have column COL (and no iso3) by ISO3 codes derived from COL through the shipped correspondence table: COL:cow for Correlates of War codes, COL:name for country names.
    #[arg(long, value_name = "COL:cow|COL:name")]
    pub to_iso3: Option<crate::data::units::ToIso3>,
    /// Score the --data files alone. Without it, the files are joined (on iso3 and year) to the shipped panel whenever the framework reads a shipped column they lack; a column of theirs named like a shipped one replaces it, with a warning.
    #[arg(long)]
    pub no_shipped_data: bool,
    /// Country names file (CSV: name,iso3) adding to or overriding the shipped name table, for --country and for data keyed by names.
    #[arg(long, value_name = "FILE")]
    pub names: Option<PathBuf>,
    /// The character that separates the fields of the --data files, such as ';' or tab (default: `;` when a file's header and first rows are separated by semicolons, else `,`).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<crate::data::read::Delimiter>,
}

impl InputArgs {
    /// The library's description of these inputs.
    pub fn inputs(&self) -> Inputs {
        Inputs {
            framework: self.framework.clone(),
            data: self.data.clone(),
            assessments: self.assessments.clone(),
            unit_key: self.unit_key.clone(),
            to_iso3: self.to_iso3.clone(),
            no_shipped_data: self.no_shipped_data,
            names: self.names.clone(),
            delimiter: self.delimiter,
            all_columns: false,
        }
    }

    /// Loads, compiles and scores; prints framework warnings.
    pub fn score(&self, ctx: &Ctx) -> Result<Scored, Failure> {
        let scored = self.inputs().score()?;
        print_warnings(ctx, &scored.loaded.warnings, &scored.sources)?;
        Ok(scored)
    }

    /// The input files, which an output file must not overwrite.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.inputs().paths()
    }
}

/// Prints warnings to standard error.
pub fn print_warnings(
    ctx: &Ctx,
    warnings: &[Diagnostic],
    sources: &Sources,
) -> Result<(), Failure> {
    if warnings.is_empty() {
        return Ok(());
    }
    emit(
        Console::Err,
        &diagnostic::render(warnings, sources, ctx.color),
    )
}

/// Writes output to standard output, or atomically to a file (temporary file,
/// then rename). Refuses to overwrite any input file.
pub fn write_output(out: Option<&Path>, content: &str, inputs: &[PathBuf]) -> Result<(), Failure> {
    match out {
        Some(path) => write_file_output(path, content.as_bytes(), inputs),
        None => emit(Console::Out, content),
    }
}

/// [`write_output`] of a text made piece by piece by `produce` (UTF-8
/// together), each piece written as it is made.
pub fn write_output_with(
    out: Option<&Path>,
    inputs: &[PathBuf],
    produce: &mut output::Produce<'_>,
) -> Result<(), Failure> {
    match out {
        Some(path) => write_file_with(path, inputs, produce),
        None => output::emit_with(Console::Out, produce),
    }
}

/// Writes bytes (a workbook) atomically to `-o FILE` as [`write_output`] does.
pub fn write_file_output(path: &Path, content: &[u8], inputs: &[PathBuf]) -> Result<(), Failure> {
    write_file_with(path, inputs, &mut |sink| sink(content))
}

/// [`write_file_output`] of bytes made piece by piece by `produce`.
fn write_file_with(
    path: &Path,
    inputs: &[PathBuf],
    produce: &mut output::Produce<'_>,
) -> Result<(), Failure> {
    let cannot =
        |e: std::io::Error| output_error(&format!("cannot write `{}`: {e}", path.display()));
    match check_output(path, inputs)? {
        // A device or pipe (`-o /dev/stdout`, a named pipe) is written to,
        // never replaced by a renamed file.
        Destination::Special => output::write_special(path, produce).map_err(cannot),
        Destination::Replace { tmp } => {
            let res = output::write_new(&tmp, produce).and_then(|()| std::fs::rename(&tmp, path));
            res.map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                cannot(e)
            })
        }
    }
}

/// How an output file is written, once [`check_output`] has found it may be.
#[derive(Debug)]
pub enum Destination {
    /// A device or pipe, written to in place.
    Special,
    /// A file, replaced whole by this temporary file beside it.
    Replace {
        /// The temporary file to write first.
        tmp: PathBuf,
    },
}

/// The checks made before anything is written to `-o FILE`: never one of
/// the inputs (under any name, also a hard link), never a folder, and the
/// folder must exist (O002).
pub fn check_output(path: &Path, inputs: &[PathBuf]) -> Result<Destination, Failure> {
    let target = std::fs::canonicalize(path).ok();
    let read = crate::limits::files_read();
    for i in inputs.iter().chain(&read) {
        if (target.is_some() && std::fs::canonicalize(i).ok() == target)
            || output::same_file(path, i)
        {
            return Err(usage(
                format!("refusing to overwrite the input file `{}`", path.display()),
                "choose another output file with -o",
            ));
        }
    }
    if path.is_dir() {
        return Err(usage(
            format!("`{}` is a directory", path.display()),
            "give a file name with -o",
        ));
    }
    let (dir, tmp) = output::temporary(path);
    if !dir.is_dir() {
        return Err(output::missing_folder(path, &dir));
    }
    if output::is_special(path) {
        return Ok(Destination::Special);
    }
    Ok(Destination::Replace { tmp })
}

/// Writes a new file that must not exist in any form (a file, a folder, a
/// symbolic link, even a dangling one) unless `force` is set, in which case
/// it is replaced whole as by [`write_output`]. Never writes through a link.
pub fn write_new_output(path: &Path, content: &str, force: bool) -> Result<(), Failure> {
    let taken = || {
        usage(
            format!("`{}` already exists", path.display()),
            "choose another name, or give --force to replace it",
        )
    };
    let existing = std::fs::symlink_metadata(path);
    match &existing {
        Ok(m) if m.is_dir() => {
            return Err(usage(
                format!("`{}` is a directory", path.display()),
                "give a file name",
            ));
        }
        Ok(_) if !force => return Err(taken()),
        _ => {}
    }
    let (dir, tmp) = output::temporary(path);
    if !dir.is_dir() {
        return Err(output::missing_folder(path, &dir));
    }
    let res = if force {
        // The file, or the link itself (never what it leads to), is
        // replaced whole by a rename.
        output::write_new(&tmp, &mut |sink| sink(content.as_bytes()))
            .and_then(|()| std::fs::rename(&tmp, path))
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
    } else {
        output::write_new_file(path, &tmp, content)
    };
    res.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            taken()
        } else {
            output_error(&format!("cannot write `{}`: {e}", path.display()))
        }
    })
}
