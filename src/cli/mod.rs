//! The command-line interface: argument definitions, shared loading of
//! frameworks and data, error rendering and exit codes. One file per subcommand.

mod audit;
mod backtest;
mod completions;
mod explain;
mod fit;
mod graph;
mod man;
mod new;
mod output;
mod report;
mod schema;
mod score;
mod stream;
mod summary;
mod test;
mod uncertainty;
mod units;
mod validate;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::data::assessments::Assessments;
use crate::data::{Input, Panel};
use crate::diagnostic::{self, Diagnostic, Diagnostics, Origin, Severity, Sources};
use crate::embedded;
use crate::framework::compile::{self, Plan};
use crate::framework::extends::{self, Layer};
use crate::framework::load;
use crate::framework::model::Framework;
use crate::framework::validate::Located;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: a check failed (warnings with `validate --deny-warnings`, a failed example with `test`).
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code: a framework is invalid.
pub const EXIT_FRAMEWORK: u8 = 2;
/// Exit code: a data file is invalid or does not fit the framework.
pub const EXIT_DATA: u8 = 3;
/// Exit code: the command line is wrong.
pub const EXIT_USAGE: u8 = 64;
/// Exit code: the output could not be written.
pub const EXIT_OUTPUT: u8 = 74;

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
    /// Change a limit on inputs, e.g. `--limit csv-rows=5000000`; repeat for several. Names: framework-bytes, yaml-depth, yaml-nodes, yaml-aliases, data-bytes, csv-field-bytes, csv-rows, panel-cells (see SECURITY.md).
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
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprint!("{}", diagnostic::render(&f.diags.0, &f.sources, ctx.color));
            ExitCode::from(f.exit_code())
        }
    }
}

/// Settings shared by subcommands.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// Colour diagnostics.
    pub color: bool,
}

/// A failed command: its diagnostics and the sources to render them with.
#[derive(Debug, Default)]
pub struct Failure {
    /// What went wrong.
    pub diags: Diagnostics,
    /// File texts for snippets.
    pub sources: Sources,
}

impl Failure {
    fn new(d: impl Into<Diagnostics>, sources: &Sources) -> Self {
        Failure {
            diags: d.into(),
            sources: sources.clone(),
        }
    }

    /// Exit code for the first error.
    pub fn exit_code(&self) -> u8 {
        let first = self.diags.0.iter().find(|d| d.severity == Severity::Error);
        match first.map(|d| d.origin) {
            Some(Origin::Framework) => EXIT_FRAMEWORK,
            Some(Origin::Data) => EXIT_DATA,
            Some(Origin::Output) => EXIT_OUTPUT,
            Some(Origin::Usage) | None => EXIT_USAGE,
        }
    }
}

/// A usage error (exit 64).
pub fn usage(msg: impl Into<String>, hint: impl Into<String>) -> Failure {
    Failure::new(
        Diagnostic::error("U001", Origin::Usage, msg).with_hint(hint),
        &Sources::default(),
    )
}

/// A framework loaded and checked, with the frameworks it extends.
#[derive(Debug)]
pub struct Loaded {
    /// The model of the file asked for.
    pub fw: Framework,
    /// The name used in messages.
    pub name: String,
    /// Non-fatal findings, of every layer.
    pub warnings: Vec<Diagnostic>,
    /// The frameworks it extends, base first.
    pub bases: Vec<Layer>,
}

impl Loaded {
    /// Every layer, base first, ending with this file.
    pub fn located(&self) -> Vec<Located<'_>> {
        self.bases
            .iter()
            .map(|l| Located {
                file: &l.file,
                fw: &l.fw,
            })
            .chain(std::iter::once(Located {
                file: &self.name,
                fw: &self.fw,
            }))
            .collect()
    }
}

/// Loads a framework from a path, or an embedded one by id, or the default,
/// with the chain of frameworks it extends.
pub fn load_framework(path: Option<&Path>, sources: &mut Sources) -> Result<Loaded, Failure> {
    let embedded_file = |id: &str| {
        embedded::FRAMEWORKS
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, file, text)| ((*file).to_string(), (*text).to_string()))
    };
    let (name, text) = match path {
        None => (
            embedded::FRAMEWORK.0.to_string(),
            embedded::FRAMEWORK.1.to_string(),
        ),
        Some(p) => {
            let s = p.to_string_lossy();
            match embedded_file(&s).filter(|_| !p.exists()) {
                Some(found) => found,
                None => {
                    let text = load::read_file(p).map_err(|d| Failure::new(d, sources))?;
                    (s.to_string(), text)
                }
            }
        }
    };
    sources.add(&name, &text);
    // Files read from the binary extend only shipped frameworks; files on
    // disk name a path relative to themselves, or a shipped id.
    let mut from_binary: Vec<String> = Vec::new();
    if path.is_none_or(|p| !p.exists()) {
        from_binary.push(name.clone());
    }
    let mut added: Vec<(String, String)> = Vec::new();
    let chain = {
        let mut fetch = |from: &str, ext: &serde_saphyr::Spanned<String>| {
            let found = if from_binary.iter().any(|f| f == from) {
                None
            } else {
                let dir = Path::new(from).parent().unwrap_or(Path::new(""));
                let direct = tidy(&dir.join(&ext.value));
                let candidates = [direct.clone(), direct.with_extension("yaml")];
                match candidates.iter().find(|c| c.is_file()) {
                    Some(c) => Some((c.display().to_string(), load::read_file(c)?)),
                    None => None,
                }
            };
            let found = match found {
                Some(f) => f,
                None => {
                    let f =
                        embedded_file(&ext.value).ok_or_else(|| extends::not_found(from, ext))?;
                    from_binary.push(f.0.clone());
                    f
                }
            };
            added.push(found.clone());
            Ok(found)
        };
        extends::load_chain(&name, &text, &mut fetch)
    };
    for (n, t) in &added {
        sources.add(n, t);
    }
    let mut chain = chain.map_err(|mut d| {
        d.0.sort_by_key(|x| std::cmp::Reverse(x.severity));
        Failure::new(d, sources)
    })?;
    let top = chain.layers.pop().expect("a chain has at least one layer");
    Ok(Loaded {
        fw: top.fw,
        name: top.file,
        warnings: chain.warnings,
        bases: chain.layers,
    })
}

/// A path with `dir/..` pairs removed, for shorter names in messages.
fn tidy(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match (c, out.last()) {
            (Component::CurDir, _) => {}
            (Component::ParentDir, Some(Component::Normal(_))) => {
                out.pop();
            }
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

/// A `--data` argument: `PATH` or `PREFIX=PATH`.
#[derive(Debug, Clone)]
pub struct DataArg {
    /// Column prefix.
    pub prefix: Option<String>,
    /// File.
    pub path: PathBuf,
    /// Derive `iso3` from another column (set from `--to-iso3`).
    pub to_iso3: Option<crate::data::units::ToIso3>,
}

impl std::str::FromStr for DataArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("empty path".to_string());
        }
        if let Some((pre, path)) = s.split_once('=') {
            let ok = !pre.is_empty()
                && pre
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if ok && !Path::new(s).exists() {
                return Ok(DataArg {
                    prefix: Some(pre.to_string()),
                    path: PathBuf::from(path),
                    to_iso3: None,
                });
            }
        }
        Ok(DataArg {
            prefix: None,
            path: PathBuf::from(s),
            to_iso3: None,
        })
    }
}

/// The framework and data arguments of the commands that score.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Framework file, or the id of a shipped framework (default: madrid-2015, which extends un-foa-2014).
    #[arg(long, value_name = "FILE")]
    pub framework: Option<PathBuf>,
    /// Data file (CSV, wide or long form); repeat for several; PREFIX=FILE names its columns PREFIX.column.
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
}

/// A framework scored on a panel.
#[derive(Debug)]
pub struct Scored {
    /// The framework as loaded (for its sources).
    pub loaded: Loaded,
    /// The compiled framework.
    pub plan: Plan,
    /// The data.
    pub panel: Panel,
    /// The scores.
    pub scores: crate::score::Scores,
}

impl InputArgs {
    /// Loads, compiles and scores; prints framework warnings.
    pub fn score(&self, ctx: &Ctx) -> Result<Scored, Failure> {
        let mut sources = Sources::default();
        let loaded = load_framework(self.framework.as_deref(), &mut sources)?;
        let key = unit_key_of(&self.unit_key, &loaded);
        let data = self.mapped_data(&key)?;
        let (panel, assessments) = load_inputs(&data, &self.assessments, &key, &mut sources)?;
        let plan = compile_plan(&loaded, &panel, &assessments, &sources)?;
        print_warnings(ctx, &loaded.warnings, &sources);
        let scores = crate::score::evaluate(&plan, &panel);
        Ok(Scored {
            loaded,
            plan,
            panel,
            scores,
        })
    }

    /// The input files, which an output file must not overwrite.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut inputs: Vec<PathBuf> = self.data.iter().map(|d| d.path.clone()).collect();
        inputs.extend(self.framework.iter().cloned());
        inputs.extend(self.assessments.iter().cloned());
        inputs
    }
}

/// The unit key to read data with: the one given on the command line, else
/// the framework's (empty for the default, iso3).
pub fn unit_key_of(given: &[String], loaded: &Loaded) -> Vec<String> {
    if given.is_empty() {
        extends::unit_key(&loaded.located())
    } else {
        given.to_vec()
    }
}

/// Loads data files, or the embedded panel when none are given, keyed by
/// `key` (empty for the default, iso3).
pub fn load_data(
    args: &[DataArg],
    key: &[String],
    sources: &mut Sources,
) -> Result<Panel, Failure> {
    if let Some(k) = key
        .iter()
        .find(|k| k.trim().is_empty() || k.trim().eq_ignore_ascii_case("year"))
    {
        return Err(usage(
            format!("`{k}` cannot be part of the unit key"),
            "--unit-key takes the data column(s) that identify a unit, such as `--unit-key ewp_name` or `--unit-key iso3,admin1`",
        ));
    }
    let mut owned: Vec<(String, Option<String>, std::borrow::Cow<'static, [u8]>)> = Vec::new();
    if args.is_empty() {
        for (name, bytes) in embedded::DATA {
            owned.push((name.to_string(), None, std::borrow::Cow::Borrowed(bytes)));
        }
    } else {
        for a in args {
            let name = a.path.display().to_string();
            let bytes = crate::limits::read_data_file(&a.path, "data file", "--data", "D001")
                .map_err(|d| Failure::new(d, sources))?;
            let bytes = match &a.to_iso3 {
                Some(t) => {
                    crate::data::units::to_iso3_or_keep(&name, bytes, t).map_err(|(d, text)| {
                        sources.add(&name, &text);
                        Failure::new(d, sources)
                    })?
                }
                None => bytes,
            };
            owned.push((name, a.prefix.clone(), std::borrow::Cow::Owned(bytes)));
        }
    }
    let inputs: Vec<Input<'_>> = owned
        .iter()
        .map(|(n, p, b)| Input {
            name: n.clone(),
            prefix: p.clone(),
            bytes: b,
        })
        .collect();
    Panel::load_keyed(&inputs, key).map_err(|d| {
        // Only the file in question is kept for its snippet.
        if let Some(l) = d.labels.first()
            && let Some((_, _, b)) = owned.iter().find(|(n, _, _)| *n == l.file)
        {
            sources.add(&l.file, &String::from_utf8_lossy(b));
        }
        Failure::new(d, sources)
    })
}

/// Loads data files (or the embedded panel) and analyst assessment files;
/// the assessments become columns of the panel.
pub fn load_inputs(
    data: &[DataArg],
    assessments: &[PathBuf],
    key: &[String],
    sources: &mut Sources,
) -> Result<(Panel, Assessments), Failure> {
    let mut panel = load_data(data, key, sources)?;
    let mut owned: Vec<(String, Vec<u8>)> = Vec::new();
    for p in assessments {
        let name = p.display().to_string();
        let bytes = crate::limits::read_data_file(p, "assessment file", "--assessments", "D001")
            .map_err(|d| Failure::new(d, sources))?;
        sources.add(&name, &String::from_utf8_lossy(&bytes));
        owned.push((name, bytes));
    }
    let inputs: Vec<Input<'_>> = owned
        .iter()
        .map(|(n, b)| Input {
            name: n.clone(),
            prefix: None,
            bytes: b,
        })
        .collect();
    let parsed = Assessments::parse(&inputs).map_err(|d| Failure::new(d, sources))?;
    parsed
        .add_to(&mut panel)
        .map_err(|d| Failure::new(d, sources))?;
    Ok((panel, parsed))
}

/// Compiles a loaded framework against a panel, then checks the assessments
/// against both.
pub fn compile_plan(
    l: &Loaded,
    panel: &Panel,
    assessments: &Assessments,
    sources: &Sources,
) -> Result<Plan, Failure> {
    let plan = compile::compile_chain(&l.located(), panel).map_err(|d| Failure::new(d, sources))?;
    let found = assessments.check(&plan, panel);
    if found.has_errors() {
        return Err(Failure::new(found, sources));
    }
    Ok(plan)
}

/// Prints warnings to standard error.
pub fn print_warnings(ctx: &Ctx, warnings: &[Diagnostic], sources: &Sources) {
    if !warnings.is_empty() {
        eprint!("{}", diagnostic::render(warnings, sources, ctx.color));
    }
}

/// Writes output to standard output, or atomically to a file (temporary file,
/// then rename). Refuses to overwrite any input file.
pub fn write_output(out: Option<&Path>, content: &str, inputs: &[PathBuf]) -> Result<(), Failure> {
    let Some(path) = out else {
        let mut so = std::io::stdout().lock();
        return match so.write_all(content.as_bytes()).and_then(|()| so.flush()) {
            Ok(()) => Ok(()),
            // A closed pipe (`| head`) is not an error worth reporting.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(output_error(&format!(
                "cannot write to standard output: {e}"
            ))),
        };
    };
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
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    if !dir.is_dir() {
        return Err(output::missing_folder(path, dir));
    }
    if output::is_special(path) {
        // A device or pipe (`-o /dev/stdout`, a named pipe) is written to,
        // never replaced by a renamed file.
        return output::write_special(path, content)
            .map_err(|e| output_error(&format!("cannot write `{}`: {e}", path.display())));
    }
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let res = output::write_new(&tmp, content).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(output_error(&format!(
            "cannot write `{}`: {e}",
            path.display()
        )));
    }
    Ok(())
}

fn output_error(msg: &str) -> Failure {
    Failure::new(
        Diagnostic::error("O001", Origin::Output, msg)
            .with_hint("check that the folder exists and is writable"),
        &Sources::default(),
    )
}
