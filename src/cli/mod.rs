//! The command-line interface: argument definitions, shared loading of
//! frameworks and data, error rendering and exit codes. One file per subcommand.

mod completions;
mod man;
mod new;
mod schema;
mod score;
mod test;
mod validate;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::data::{Input, Panel};
use crate::diagnostic::{self, Diagnostic, Diagnostics, Origin, Severity, Sources};
use crate::embedded;
use crate::framework::compile::{self, Plan};
use crate::framework::model::Framework;
use crate::framework::{load, validate as fw_validate};

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
With no --framework and no --data, the UN Framework of Analysis rules and the panel shipped in the binary are used.")]
pub struct Cli {
    /// Colour in messages: auto, always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, env = "ATRISK_COLOR")]
    pub color: Color,
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
    /// Run the worked examples of frameworks.
    Test(test::Args),
    /// Write a commented framework skeleton to start from.
    New(new::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Print the manual page (roff).
    Man(man::Args),
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
    let ctx = Ctx { color };
    let result = match &cli.command {
        Command::Score(a) => score::run(&ctx, a),
        Command::Validate(a) => validate::run(&ctx, a),
        Command::Schema(a) => schema::run(&ctx, a),
        Command::Test(a) => test::run(&ctx, a),
        Command::New(a) => new::run(&ctx, a),
        Command::Completions(a) => completions::run(&ctx, a),
        Command::Man(a) => man::run(&ctx, a),
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

/// A framework loaded and checked.
#[derive(Debug)]
pub struct Loaded {
    /// The model.
    pub fw: Framework,
    /// The name used in messages.
    pub name: String,
    /// Non-fatal findings.
    pub warnings: Vec<Diagnostic>,
}

/// Loads a framework from a path, or an embedded one by id, or the default.
pub fn load_framework(path: Option<&Path>, sources: &mut Sources) -> Result<Loaded, Failure> {
    let (name, text) = match path {
        None => (
            embedded::FRAMEWORK.0.to_string(),
            embedded::FRAMEWORK.1.to_string(),
        ),
        Some(p) => {
            let s = p.to_string_lossy();
            match embedded::FRAMEWORKS
                .iter()
                .find(|(id, _, _)| *id == s && !p.exists())
            {
                Some((_, file, text)) => ((*file).to_string(), (*text).to_string()),
                None => {
                    let text = load::read_file(p).map_err(|d| Failure::new(d, sources))?;
                    (s.to_string(), text)
                }
            }
        }
    };
    sources.add(&name, &text);
    let fw = load::parse(&name, &text).map_err(|d| Failure::new(d, sources))?;
    let diags = fw_validate::validate(&fw_validate::Located {
        file: &name,
        fw: &fw,
    });
    if diags.has_errors() {
        let mut d = diags;
        d.0.sort_by_key(|x| std::cmp::Reverse(x.severity));
        return Err(Failure::new(d, sources));
    }
    Ok(Loaded {
        fw,
        name,
        warnings: diags.0,
    })
}

/// A `--data` argument: `PATH` or `PREFIX=PATH`.
#[derive(Debug, Clone)]
pub struct DataArg {
    /// Column prefix.
    pub prefix: Option<String>,
    /// File.
    pub path: PathBuf,
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
                });
            }
        }
        Ok(DataArg {
            prefix: None,
            path: PathBuf::from(s),
        })
    }
}

/// Loads data files, or the embedded panel when none are given.
pub fn load_data(args: &[DataArg], sources: &mut Sources) -> Result<Panel, Failure> {
    let mut owned: Vec<(String, Option<String>, std::borrow::Cow<'static, [u8]>)> = Vec::new();
    if args.is_empty() {
        for (name, bytes) in embedded::DATA {
            owned.push((name.to_string(), None, std::borrow::Cow::Borrowed(bytes)));
        }
    } else {
        for a in args {
            let name = a.path.display().to_string();
            let bytes = std::fs::read(&a.path).map_err(|e| {
                Failure::new(
                    Diagnostic::error(
                        "D001",
                        Origin::Data,
                        format!("cannot read data file `{name}`: {e}"),
                    )
                    .with_hint("check the path given with --data"),
                    sources,
                )
            })?;
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
    Panel::load(&inputs).map_err(|d| {
        // Only the file in question is kept for its snippet.
        if let Some(l) = d.labels.first()
            && let Some((_, _, b)) = owned.iter().find(|(n, _, _)| *n == l.file)
        {
            sources.add(&l.file, &String::from_utf8_lossy(b));
        }
        Failure::new(d, sources)
    })
}

/// Compiles a loaded framework against a panel.
pub fn compile_plan(l: &Loaded, panel: &Panel, sources: &Sources) -> Result<Plan, Failure> {
    compile::compile(&l.fw, &l.name, panel).map_err(|d| Failure::new(d, sources))
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
    for i in inputs {
        if target.is_some() && std::fs::canonicalize(i).ok() == target {
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
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let res = std::fs::write(&tmp, content).and_then(|()| std::fs::rename(&tmp, path));
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
