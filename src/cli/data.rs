//! `atrisk data`: the data shipped in the binary: what the files hold
//! (`list`), one country's values by year (`show`), and a copy to edit and
//! read back with `--data` (`export`).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Console, Ctx, EXIT_OK, Failure, emit, usage, write_new_output, write_output};
use crate::analysis::Run;
use crate::data::Panel;
use crate::data::catalog::{self, Catalog, FileEntry};
use crate::diagnostic::{Diagnostic, Origin, Sources};
use crate::report::summary::fmt_human;

/// Width of the text outputs.
const WIDTH: usize = 100;

/// Arguments of `data`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands of `data`.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// The shipped data files: each column and what it holds, its years and countries, source, version and licence.
    List(ListArgs),
    /// One country's shipped values by year, marking missing and carried-forward cells.
    Show(ShowArgs),
    /// Write the shipped data files, their sources and licences into a folder, to edit and read back with --data.
    Export(ExportArgs),
}

/// Output formats of `data list` and `data show`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Tables for people, within 100 columns.
    Text,
    /// JSON for scripts, with raw values.
    Json,
}

/// Arguments of `data list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `data show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The country: an ISO3 code in any case (SDN, sdn) or a name as people write it (Sudan, DR Congo, Burma, Türkiye).
    #[arg(long, value_name = "ISO3|NAME")]
    pub country: String,
    /// First year to show (default: the last 8 years of the data).
    #[arg(long, value_name = "YEAR", value_parser = super::numbers::year)]
    pub from: Option<i32>,
    /// Last year to show (default: the last year of the data).
    #[arg(long, value_name = "YEAR", value_parser = super::numbers::year)]
    pub to: Option<i32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `data export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The folder to write into (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Replace files of the same names already in the folder.
    #[arg(long)]
    pub force: bool,
}

/// Runs `data`.
pub fn run(_ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    match &a.command {
        Sub::List(a) => list(a),
        Sub::Show(a) => show(a),
        Sub::Export(a) => export(a),
    }
}

/// The shipped catalog; the table is checked by the tests, so a failure
/// here is a binary built from a broken tree.
fn shipped() -> Result<(Catalog, Panel), Failure> {
    catalog::shipped().map_err(|e| {
        let d = Diagnostic::error(
            "D001",
            Origin::Data,
            format!(
                "the description of the shipped data (`{}`) cannot be read: {e}",
                crate::embedded::DATA_COLUMNS.0
            ),
        )
        .with_hint("this binary was built from a broken source tree; rebuild it");
        Failure::new(d, &Sources::default())
    })
}

/// `1990-2024`, or `none`.
fn span(first: Option<i32>, last: Option<i32>) -> String {
    match (first, last) {
        (Some(f), Some(l)) if f == l => f.to_string(),
        (Some(f), Some(l)) => format!("{f}-{l}"),
        _ => "none".to_string(),
    }
}

/// A count with thousands separated: `6,160`.
fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Words of `text` in lines of at most `width` characters (a longer word
/// stands alone on its line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for w in text.split(' ').filter(|w| !w.is_empty()) {
        let last = lines.last_mut().map_or(0, |l| l.chars().count());
        if last > 0 && last + 1 + w.chars().count() > width {
            lines.push(String::new());
        }
        if let Some(l) = lines.last_mut() {
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(w);
        }
    }
    lines
}

/// The width of a column of column names, headed `column`.
fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(str::len).max().unwrap_or(0).max("column".len())
}

/// The file name a shipped file is exported under.
fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn list(a: &ListArgs) -> Result<u8, Failure> {
    let (catalog, _) = shipped()?;
    let text = match a.format {
        Format::Text => list_text(&catalog),
        Format::Json => json(&catalog),
    };
    write_output(a.output.as_deref(), &text, &[])?;
    Ok(EXIT_OK)
}

fn json<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// The catalog as text: per file a summary, then its columns grouped by
/// source, each with its years, countries and meaning.
fn list_text(c: &Catalog) -> String {
    let mut out = String::from(
        "Data shipped in atrisk, read when no --data is given. Years and countries count the cells\n\
         with a value. `atrisk data show --country X` prints one country's values; `atrisk data\n\
         export DIR` writes the files out, to edit and read back with --data.\n",
    );
    for f in &c.files {
        file_text(&mut out, c, f);
    }
    out
}

fn file_text(out: &mut String, c: &Catalog, f: &FileEntry) {
    let _ = writeln!(out, "\n{}", f.file);
    let summary = format!(
        "{} rows, {} countries, {}, {} data columns; licence {}",
        count(f.rows),
        f.countries,
        span(f.first_year, f.last_year),
        f.columns.len(),
        f.licences.join(", ")
    );
    for l in wrap(&summary, WIDTH - 2) {
        let _ = writeln!(out, "  {l}");
    }
    let keys: Vec<String> = f
        .keys
        .iter()
        .map(|k| format!("{} ({})", k.column, k.meaning))
        .collect();
    for l in wrap(&format!("keys: {}", keys.join(", ")), WIDTH - 2) {
        let _ = writeln!(out, "  {l}");
    }
    let _ = writeln!(out, "  origin, fill rules and citations: {}", f.doc);
    let name_w = name_width(f.columns.iter().map(|c| c.column.as_str()));
    let meaning_at = 4 + name_w + 2 + 9 + 2 + 9 + 2;
    let _ = writeln!(
        out,
        "\n    {:name_w$}  {:9}  {:>9}  meaning",
        "column", "years", "countries"
    );
    for id in &f.sources {
        let Some(s) = c.source(id) else { continue };
        // The licence's name is not broken across lines.
        let head = format!(
            "{}, {}; {}",
            s.name,
            s.version,
            s.licence.replace(' ', "\u{a0}")
        );
        for (i, l) in wrap(&head, WIDTH - 4).iter().enumerate() {
            let l = l.replace('\u{a0}', " ");
            let _ = writeln!(out, "{}{l}", if i == 0 { "  " } else { "    " });
        }
        for col in f.columns.iter().filter(|col| &col.source == id) {
            let lines = wrap(&col.meaning, WIDTH - meaning_at);
            let _ = writeln!(
                out,
                "    {:name_w$}  {:9}  {:>9}  {}",
                col.column,
                span(col.first_year, col.last_year),
                col.countries,
                lines[0]
            );
            for l in &lines[1..] {
                let _ = writeln!(out, "{:meaning_at$}{l}", "");
            }
        }
    }
}

/// One cell of `data show`.
#[derive(Debug, Serialize)]
struct Cell {
    year: i32,
    /// The value as read (null when missing).
    value: Option<f64>,
    /// The text of the cell in its file.
    raw: String,
    /// `observed`, `missing` or `carried_forward`.
    status: &'static str,
    /// For a carried-forward cell: the year whose value the framework uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    carried_from: Option<i32>,
}

#[derive(Debug, Serialize)]
struct ShowColumn {
    column: String,
    cells: Vec<Cell>,
}

#[derive(Debug, Serialize)]
struct ShowFile {
    file: String,
    columns: Vec<ShowColumn>,
}

#[derive(Debug, Serialize)]
struct Shown {
    iso3: String,
    country: String,
    /// The framework whose rules say which cells are carried forward.
    framework: String,
    years: Vec<i32>,
    files: Vec<ShowFile>,
}

/// The years `data show` prints: `--from`/`--to` within the data, by
/// default the last 8 years.
fn show_years(a: &ShowArgs, panel: &Panel) -> Result<Vec<usize>, Failure> {
    let (first, last) = (panel.first_year, panel.last_year());
    let to = a.to.unwrap_or(last);
    let from = a.from.unwrap_or_else(|| (to - 7).max(first));
    for y in [from, to] {
        if panel.year_idx(y).is_none() {
            return Err(usage(
                format!("{y} is outside the shipped data ({first}-{last})"),
                format!("give --from and --to between {first} and {last}"),
            ));
        }
    }
    if from > to {
        return Err(usage(
            format!("--from {from} is after --to {to}"),
            "give the earlier year with --from",
        ));
    }
    Ok((from..=to).filter_map(|y| panel.year_idx(y)).collect())
}

fn show(a: &ShowArgs) -> Result<u8, Failure> {
    let super::Scored {
        loaded,
        plan,
        panel,
        scores,
        names,
        ..
    } = crate::pipeline::Inputs {
        all_columns: true,
        ..Default::default()
    }
    .score()?;
    let country = super::explain::find_country(&panel, &names, &a.country)?;
    let years = show_years(a, &panel)?;
    let run = Run {
        plan: &plan,
        panel: &panel,
        scores: &scores,
        years: Vec::new(),
    };
    // Per year: the columns the framework carries forward, and from when.
    let stale: Vec<Vec<(String, i32)>> = years
        .iter()
        .map(|&y| {
            run.values_basis(country, y)
                .stale
                .into_iter()
                .map(|s| (s.column, s.from_year))
                .collect()
        })
        .collect();
    let files = panel
        .files
        .iter()
        .enumerate()
        .map(|(fi, file)| ShowFile {
            file: file.clone(),
            columns: panel
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.file == fi)
                .map(|(k, c)| ShowColumn {
                    column: c.name.clone(),
                    cells: years
                        .iter()
                        .zip(&stale)
                        .map(|(&y, st)| {
                            let cell = panel.cell(country, y);
                            let v = panel.value(k, cell);
                            let carried = st.iter().find(|(n, _)| n == &c.name).map(|s| s.1);
                            let (status, carried_from) = match (v.is_nan(), carried) {
                                (false, _) => ("observed", None),
                                (true, Some(from)) => ("carried_forward", Some(from)),
                                (true, None) => ("missing", None),
                            };
                            Cell {
                                year: panel.year(y),
                                value: (!v.is_nan()).then_some(v),
                                raw: panel.raw(k, cell).into_owned(),
                                status,
                                carried_from,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let shown = Shown {
        iso3: panel.countries[country].iso3.clone(),
        country: panel.countries[country].name.clone(),
        framework: loaded.fw.id.value.clone(),
        years: years.iter().map(|&y| panel.year(y)).collect(),
        files,
    };
    let text = match a.format {
        Format::Text => show_text(&shown, &panel),
        Format::Json => json(&shown),
    };
    write_output(a.output.as_deref(), &text, &[])?;
    Ok(EXIT_OK)
}

/// Width of a year's cell in `data show`, the space before it included.
const CELL: usize = 8;

/// The text of one cell: the value for people, `n/a` when missing, and for
/// a carried-forward cell the value carried, marked `*`.
fn cell_text(c: &Cell, col: usize, country: usize, panel: &Panel) -> String {
    match (c.value, c.carried_from) {
        (Some(v), _) => fmt_human(v),
        (None, Some(from)) => {
            let v = panel
                .year_idx(from)
                .map_or(f64::NAN, |y| panel.value(col, panel.cell(country, y)));
            if v.is_nan() {
                "*".to_string()
            } else {
                format!("{}*", fmt_human(v))
            }
        }
        (None, None) => "n/a".to_string(),
    }
}

fn show_text(s: &Shown, panel: &Panel) -> String {
    let country = panel.find_country(&s.iso3).unwrap_or_default();
    let mut out = format!(
        "{} ({}): shipped data, {}\n\
         n/a  no value in the data\n\
         *    no value in the data; the rules of {} carry the value of an earlier year forward\n\
         \x20    (the value shown; its year with --format json)\n\
         Values are rounded for reading (186M, 0.34); --format json gives them as published.\n",
        s.country,
        s.iso3,
        span(s.years.first().copied(), s.years.last().copied()),
        s.framework
    );
    for f in &s.files {
        let _ = writeln!(out, "\n{}", f.file);
        let name_w = name_width(f.columns.iter().map(|c| c.column.as_str()));
        let per_block = ((WIDTH - name_w) / CELL).max(1);
        for (b, block) in (0..s.years.len())
            .collect::<Vec<_>>()
            .chunks(per_block)
            .enumerate()
        {
            if b > 0 {
                out.push('\n');
            }
            let _ = write!(out, "{:name_w$}", "column");
            for &i in block {
                let _ = write!(out, "{:>CELL$}", s.years[i]);
            }
            out.push('\n');
            for c in &f.columns {
                let k = panel.column(&c.column).unwrap_or_default();
                let _ = write!(out, "{:name_w$}", c.column);
                for &i in block {
                    let _ = write!(out, "{:>CELL$}", cell_text(&c.cells[i], k, country, panel));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The licence notice written with the exported files: for each licence,
/// where its text is, the files and columns under it and their sources.
fn licences_text(c: &Catalog) -> String {
    let mut out = format!(
        "# Licences of these data files\n\n\
         These files are the data shipped with atrisk {}, byte for byte. columns.yaml says in\n\
         one line what each column holds and where it comes from; SOURCES.md gives the origin,\n\
         fill rules and citation of the columns it covers. The licence of atrisk's code does not\n\
         cover these files: each column keeps the licence of its source. Whoever shares them, or\n\
         files made from them, credits the sources as SOURCES.md cites them, says what was\n\
         changed, and keeps these licences. A file made from a CC BY-SA file is shared under\n\
         CC BY-SA as well.\n",
        env!("CARGO_PKG_VERSION")
    );
    for l in &c.licences {
        let _ = writeln!(out, "\n## {}\n", l.id);
        if let Some(u) = &l.url {
            let _ = writeln!(out, "Text of the licence: {u}\n");
        }
        if let Some(n) = &l.note {
            let _ = writeln!(out, "{n}\n");
        }
        for f in &c.files {
            let under: Vec<&str> = f
                .columns
                .iter()
                .filter(|col| c.source(&col.source).is_some_and(|s| s.licence == l.id))
                .map(|col| col.column.as_str())
                .collect();
            if under.is_empty() {
                continue;
            }
            let others: Vec<&str> = f
                .columns
                .iter()
                .map(|col| col.column.as_str())
                .filter(|col| !under.contains(col))
                .collect();
            let which = match (others.is_empty(), others.len() < under.len()) {
                (true, _) => "every column".to_string(),
                (false, true) => format!("every column but {}", others.join(", ")),
                (false, false) => under.join(", "),
            };
            let _ = writeln!(out, "- `{}`: {which}", base_name(&f.file));
        }
        for s in c.sources.iter().filter(|s| s.licence == l.id) {
            let _ = writeln!(out, "- source: {}, {}", s.name, s.version);
        }
    }
    out
}

fn export(a: &ExportArgs) -> Result<u8, Failure> {
    let (catalog, _) = shipped()?;
    let mut files: Vec<(String, String)> = Vec::new();
    for (name, bytes) in crate::embedded::DATA {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| super::output_error(&format!("`{name}` is not UTF-8 text: {e}")))?;
        files.push((base_name(name).to_string(), text.to_string()));
    }
    for (name, text) in [crate::embedded::DATA_SOURCES, crate::embedded::DATA_COLUMNS] {
        files.push((base_name(name).to_string(), text.to_string()));
    }
    files.push(("LICENCES.md".to_string(), licences_text(&catalog)));
    let dir = &a.dir;
    let paths: Vec<PathBuf> = files.iter().map(|(n, _)| dir.join(n)).collect();
    // Nothing is written unless every file can be.
    if !a.force
        && let Some(p) = paths.iter().find(|p| std::fs::symlink_metadata(p).is_ok())
    {
        return Err(usage(
            format!(
                "`{}` already exists; data export replaces no file",
                p.display()
            ),
            "export into a new or empty folder, or give --force to replace the files it writes",
        ));
    }
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(usage(
            format!("`{}` is not a folder", dir.display()),
            "give the folder to export into; it is created if missing",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        super::output_error(&format!(
            "cannot create the folder `{}`: {e}",
            dir.display()
        ))
    })?;
    for (p, (_, text)) in paths.iter().zip(&files) {
        write_new_output(p, text, a.force)?;
    }
    emit(Console::Out, &export_note(dir, &paths))?;
    Ok(EXIT_OK)
}

/// What `data export` wrote, and how to read it back.
fn export_note(dir: &Path, paths: &[PathBuf]) -> String {
    let mut out = format!("Wrote {} files to {}:\n", paths.len(), dir.display());
    for p in paths {
        let _ = writeln!(out, "  {}", p.display());
    }
    let data: Vec<String> = crate::embedded::DATA
        .iter()
        .map(|(n, _)| format!("--data {}", dir.join(base_name(n)).display()))
        .collect();
    let _ = write!(
        out,
        "Score them instead of the shipped data, after editing or not:\n  atrisk score --no-shipped-data {}\n",
        data.join(" ")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_lines_for_people() {
        assert_eq!(count(6160), "6,160");
        assert_eq!(count(176), "176");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(wrap("a bb ccc dd", 6), ["a bb", "ccc dd"]);
        assert_eq!(wrap("abcdefgh x", 4), ["abcdefgh", "x"]);
        assert_eq!(span(Some(1990), Some(2024)), "1990-2024");
        assert_eq!(span(None, None), "none");
    }

    #[test]
    fn the_licence_notice_names_every_file_and_licence() {
        let (c, _) = shipped().unwrap();
        let t = licences_text(&c);
        for f in &c.files {
            assert!(t.contains(&format!("`{}`", base_name(&f.file))), "{t}");
        }
        for l in &c.licences {
            assert!(t.contains(&format!("## {}", l.id)), "{t}");
        }
        // The V-Dem file is wholly CC BY-SA; the panel's UN WPP column is
        // CC BY 3.0 IGO and the rest CC BY 4.0.
        assert!(t.contains("- `vdem.csv`: every column"), "{t}");
        assert!(t.contains("- `panel.csv`: imr_wpp\n"), "{t}");
        assert!(
            t.contains("- `panel.csv`: every column but imr_wpp\n"),
            "{t}"
        );
    }
}
