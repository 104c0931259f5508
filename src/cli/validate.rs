//! `atrisk validate`: check frameworks and report every finding.

use std::fmt::Write;
use std::path::PathBuf;

use super::{
    Console, Ctx, DataArg, EXIT_CHECK_FAILED, EXIT_OK, Failure, Loaded, compile_plan, emit,
    load_framework, unit_key_of,
};
use crate::check::lint::{self, Unused};
use crate::data::Panel;
use crate::data::assessments::Assessments;
use crate::diagnostic::{self, Diagnostic, Sources, sanitize};
use crate::framework::model::Framework;
use crate::score;

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
    /// Framework files or shipped ids (default: madrid-2015, which extends un-foa-2014).
    #[arg(value_name = "FRAMEWORK")]
    pub files: Vec<PathBuf>,
    /// Also check that every referenced column is in these data files (CSV, or a worksheet: FILE.xlsx or FILE.xlsx#Sheet), joined to the shipped panel as `score` joins them.
    #[arg(long, value_name = "[PREFIX=]FILE")]
    pub data: Vec<DataArg>,
    /// Check the --data files alone, never joined to the shipped panel.
    #[arg(long)]
    pub no_shipped_data: bool,
    /// The character that separates the fields of the --data files, such as ';' or tab (default: found in each file).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<crate::data::read::Delimiter>,
    /// Also check analyst assessment files against the frameworks and the data (the shipped panel when no --data is given).
    #[arg(long, value_name = "FILE")]
    pub assessments: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Key data files that have column COL (and no iso3) by ISO3 codes through the shipped correspondence table: COL:cow or COL:name (as on `score`).
    #[arg(long, value_name = "COL:cow|COL:name")]
    pub to_iso3: Option<crate::data::units::ToIso3>,
    /// The data column(s) that identify a unit, overriding the framework's `unit_key` (default iso3).
    #[arg(long, value_name = "COL[,COL...]", value_delimiter = ',')]
    pub unit_key: Vec<String>,
    /// Fail (exit 1) when there are warnings.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also print, per risk factor, how many indicators it has, measured and qualitative.
    #[arg(long)]
    pub stats: bool,
}

/// Indicator counts of one risk factor.
#[derive(Debug, serde::Serialize)]
struct RfStats {
    id: String,
    indicators: usize,
    measured: usize,
    qualitative: usize,
}

/// What `--stats` reports of one framework.
#[derive(Debug, serde::Serialize)]
struct Stats {
    file: String,
    risk_factors: Vec<RfStats>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unused_columns: Vec<Unused>,
}

fn stats_of(l: &Loaded, unused: Vec<Unused>) -> Stats {
    let layers = l.located();
    let indicators: Vec<_> = layers.iter().flat_map(|x| &x.fw.indicators).collect();
    let risk_factors = layers
        .iter()
        .flat_map(|x| &x.fw.risk_factors)
        .map(|rf| {
            let inds: Vec<_> = indicators
                .iter()
                .filter(|i| i.belongs_to(&rf.id.value))
                .collect();
            RfStats {
                id: rf.id.value.clone(),
                indicators: inds.len(),
                measured: inds.iter().filter(|i| !i.measures.is_empty()).count(),
                qualitative: inds
                    .iter()
                    .filter(|i| i.qualitative && i.measures.is_empty())
                    .count(),
            }
        })
        .collect();
    Stats {
        file: l.name.clone(),
        risk_factors,
        unused_columns: unused,
    }
}

fn stats_table(s: &Stats) -> String {
    let w = s
        .risk_factors
        .iter()
        .map(|r| r.id.chars().count())
        .chain(["risk factor".len(), "total".len()])
        .max()
        .unwrap_or(5);
    let mut out = format!(
        "{}\n{:<w$}  indicators  measured  qualitative\n",
        s.file, "risk factor"
    );
    let mut total = [0usize; 3];
    for r in &s.risk_factors {
        let _ = writeln!(
            out,
            "{:<w$}  {:>10}  {:>8}  {:>11}",
            r.id, r.indicators, r.measured, r.qualitative
        );
        total[0] += r.indicators;
        total[1] += r.measured;
        total[2] += r.qualitative;
    }
    let _ = writeln!(
        out,
        "{:<w$}  {:>10}  {:>8}  {:>11}",
        "total", total[0], total[1], total[2]
    );
    out
}

/// Checks of a framework against data: normalisations against the values
/// seen, and (for data given with --data) files no measure reads.
fn data_findings(
    l: &Loaded,
    (panel, assessments): &(Panel, Assessments),
    explicit: bool,
    sources: &Sources,
) -> Result<(Vec<Diagnostic>, Vec<Unused>), Failure> {
    let plan = compile_plan(l, panel, assessments, sources)?;
    let scores = score::evaluate(&plan, panel);
    let layers = l.located();
    let mut found = Vec::new();
    for x in &layers {
        found.extend(lint::ranges(x.fw, x.file, &plan, panel, &scores));
    }
    let mut unused = Vec::new();
    if explicit {
        let fws: Vec<&Framework> = layers.iter().map(|x| x.fw).collect();
        unused = lint::unused_columns(&fws, panel);
        found.extend(unused.iter().filter_map(lint::unused_warning));
        unused.retain(|u| !u.columns.is_empty());
    }
    Ok((found, unused))
}

/// A panel and the assessments added to it.
type Inputs = (Panel, Assessments);

/// What a panel is read for: the unit key, and the columns read when the
/// data are joined to the shipped panel.
type PanelKey = (Vec<String>, Option<Vec<String>>);

/// The frameworks named on the command line; `None` is the shipped one, used when none is named.
pub(super) fn framework_paths(files: &[PathBuf]) -> Vec<Option<&std::path::Path>> {
    if files.is_empty() {
        vec![None]
    } else {
        files.iter().map(|p| Some(p.as_path())).collect()
    }
}

/// Runs `validate`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let files = framework_paths(&a.files);
    let mut sources = Sources::default();
    let explicit = !a.data.is_empty();
    // Without --data, normalisations are checked against the shipped panel
    // when the framework's columns are in it.
    let strict = explicit || !a.assessments.is_empty();
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut summary = String::new();
    let mut stats = Vec::new();
    let mut failed_code = None;
    // A JSON document lists every cell of a data file that cannot be read.
    crate::data::read::list_all_cell_errors(matches!(a.format, Format::Json));
    // Panels by unit key and columns read: frameworks that would read the
    // same data share one.
    let mut panels: Vec<(PanelKey, Option<Inputs>, Vec<Diagnostic>)> = Vec::new();
    for f in files {
        match load_framework(f, &mut sources) {
            Ok(l) => {
                let key = unit_key_of(&a.unit_key, &l);
                // The --data files are joined to the shipped panel as
                // `score` joins them, when the framework reads shipped
                // columns they lack; which columns it reads decides it.
                let beside = crate::pipeline::Beside {
                    shipped: explicit && !a.no_shipped_data,
                    wanted: crate::pipeline::columns_read(&l),
                    names: crate::data::names::Names::shipped().clone(),
                    // Columns read by no measure are reported.
                    only_wanted: false,
                };
                let pkey = (key.clone(), beside.shipped.then(|| beside.wanted.clone()));
                let at = match panels.iter().position(|(k, _, _)| *k == pkey) {
                    Some(i) => i,
                    None => {
                        // Without --data, normalisations are checked against
                        // the shipped panel when the framework's columns are in it.
                        let data = crate::pipeline::with_delimiter(
                            crate::pipeline::mapped_data(&a.data, a.to_iso3.as_ref(), &key)?,
                            a.delimiter,
                        );
                        let loaded = crate::pipeline::load_inputs_beside(
                            &data,
                            &a.assessments,
                            &key,
                            &beside,
                            &mut sources,
                        );
                        let (p, notes) = match loaded {
                            Ok((p, asm, notes)) => (Some((p, asm)), notes),
                            // As JSON, the data errors are findings of the
                            // document; as text, they end the run.
                            Err(e) if strict && matches!(a.format, Format::Json) => {
                                failed_code.get_or_insert(e.exit_code());
                                all.extend(e.diags.0);
                                break;
                            }
                            Err(e) if strict => return Err(e),
                            Err(_) => (None, Vec::new()),
                        };
                        panels.push((pkey, p, notes));
                        panels.len() - 1
                    }
                };
                let panel = &panels[at].1;
                let mut findings = l.warnings.clone();
                findings.extend(panels[at].2.iter().cloned());
                let mut unused = Vec::new();
                match panel
                    .as_ref()
                    .map(|p| data_findings(&l, p, explicit, &sources))
                {
                    Some(Ok((found, u))) => {
                        findings.extend(found);
                        unused = u;
                    }
                    Some(Err(e)) if strict => {
                        failed_code.get_or_insert(e.exit_code());
                        findings.extend(e.diags.0);
                    }
                    _ => {}
                }
                let layers = l.located();
                let inds = || layers.iter().flat_map(|x| &x.fw.indicators);
                let count =
                    |f: fn(&Framework) -> usize| layers.iter().map(|x| f(x.fw)).sum::<usize>();
                let extends = if l.bases.is_empty() {
                    String::new()
                } else {
                    let files: Vec<&str> = l.bases.iter().map(|b| b.file.as_str()).collect();
                    format!(" (with {})", files.join(", "))
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
                for u in &unused {
                    let _ = writeln!(
                        summary,
                        "  {}: {} of {} columns read by no measure: {}",
                        u.file,
                        u.columns.len(),
                        u.columns.len() + u.read,
                        u.columns.join(", ")
                    );
                }
                if a.stats {
                    stats.push(stats_of(&l, unused));
                }
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
        Format::Json if a.stats => {
            let mut doc: serde_json::Value =
                serde_json::from_str(&diagnostic::to_json(&all)).unwrap_or_default();
            doc["stats"] = serde_json::to_value(&stats).unwrap_or_default();
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            emit(Console::Out, &format!("{text}\n"))?;
        }
        Format::Json => emit(Console::Out, &diagnostic::to_json(&all))?,
        Format::Text => {
            emit(Console::Err, &diagnostic::render(&all, &sources, ctx.color))?;
            let mut out = summary;
            for s in &stats {
                out.push('\n');
                out.push_str(&stats_table(s));
            }
            // File and column names come from inputs.
            emit(Console::Out, &sanitize(&out))?;
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
