//! The results as an Excel workbook (`score --format xlsx -o FILE`): the
//! ranked scores with bands and data age; the crime and risk-factor scores
//! of each country; every indicator with its raw input values and the cells
//! they were read from; the recommendations triggered, with the path that
//! triggers them; and the sources, method and licences. The same rows as
//! the CSV and JSON of a [`Run`] and a [`Selection`].
//!
//! Every text that comes from an input (names, codes, raw values, titles)
//! is written as text, never as a formula, whatever it starts with. The
//! workbook's creation time is fixed, so the same input gives the same bytes.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Url, Workbook,
    Worksheet, XlsxError,
};

use super::csv::Selection;
use crate::analysis::{Row, Run, round};
use crate::compile::{Kind, Plan};
use crate::diagnostic::{Diagnostic, Origin};
use crate::embedded;
use crate::score::{self, Status};

/// The sheets, in order.
pub const SHEETS: [&str; 5] = [
    "Scores",
    "Risk factors",
    "Indicators",
    "Recommendations",
    "Sources",
];

/// Rows a sheet holds under its header row.
const MAX_ROWS: u32 = 1_048_575;
/// Hyperlinks a sheet may hold (Excel warns beyond); further cells are
/// written as plain text.
const MAX_LINKS: usize = 65_530;

/// The shipped data's own description, for its sources and licences.
const SOURCES_MD: &str = include_str!("../../examples/data/SOURCES.md");
/// The README, whose table names each shipped source and its licence.
const README_MD: &str = include_str!("../../README.md");

/// The cell formats of the workbooks.
pub(crate) struct Styles {
    pub(crate) head: Format,
    pub(crate) score: Format,
    pub(crate) percent: Format,
    pub(crate) whole: Format,
    pub(crate) title: Format,
    pub(crate) section: Format,
    pub(crate) wrap: Format,
}

impl Styles {
    pub(crate) fn new() -> Styles {
        Styles {
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0x00DD_E4EE))
                .set_border_bottom(FormatBorder::Thin),
            score: Format::new().set_num_format("0.000"),
            percent: Format::new().set_num_format("0.0%"),
            whole: Format::new().set_num_format("0"),
            title: Format::new().set_bold().set_font_size(14),
            section: Format::new().set_bold().set_font_size(12),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// What a failed write becomes: O001 (exit 74), naming what failed.
pub(crate) fn failed(e: &XlsxError) -> Diagnostic {
    Diagnostic::error(
        "O001",
        Origin::Output,
        format!("cannot write the workbook: {e}"),
    )
    .with_hint("shorten the text named, or write CSV or JSON instead")
}

/// A sheet whose rows would exceed Excel's row limit (U001, exit 64).
fn too_many_rows(sheet: &str, rows: usize) -> Diagnostic {
    Diagnostic::error(
        "U001",
        Origin::Usage,
        format!(
            "the sheet `{sheet}` would hold {rows} rows, more than a worksheet can ({MAX_ROWS})"
        ),
    )
    .with_hint("choose fewer years (--year, --years A..B), fewer countries (--country, --top N), or use --format csv or json")
}

/// One worksheet being filled: a header row, then one row after another.
pub(crate) struct Sheet {
    pub(crate) ws: Worksheet,
    name: &'static str,
    /// The row last written (0: the header).
    pub(crate) row: u32,
    links: usize,
}

impl Sheet {
    /// A sheet with its header row frozen; `widths` are column widths.
    pub(crate) fn new(
        name: &'static str,
        head: &[&str],
        widths: &[f64],
        st: &Styles,
    ) -> Result<Sheet, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        for (c, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, col(c), *h, &st.head)?;
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col(c), *w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(Sheet {
            ws,
            name,
            row: 0,
            links: 0,
        })
    }

    /// A sheet of sources, method and licences: facts and sentences in
    /// two wide columns, tables below.
    pub(crate) fn sources(name: &'static str, st: &Styles) -> Result<Sheet, XlsxError> {
        Sheet::new(
            name,
            &["Sources, method and licences"],
            &[30.0, 60.0, 40.0, 30.0],
            st,
        )
    }

    /// Moves to the next row; past the last row a worksheet has, the
    /// sheet's row count is an error.
    pub(crate) fn next(&mut self, rows: usize) -> Result<u32, Diagnostic> {
        if self.row >= MAX_ROWS {
            return Err(too_many_rows(self.name, rows));
        }
        self.row += 1;
        Ok(self.row)
    }

    /// Text from an input or a framework, always as a string.
    pub(crate) fn text(&mut self, c: usize, s: &str) -> Result<(), XlsxError> {
        if !s.is_empty() {
            self.ws.write_string(self.row, col(c), s)?;
        }
        Ok(())
    }

    /// A number rounded to six places as in CSV and JSON, in a format;
    /// nothing for NaN.
    pub(crate) fn num(&mut self, c: usize, v: f64, f: &Format) -> Result<(), XlsxError> {
        if let Some(r) = round(v, 6).filter(|r| r.is_finite()) {
            self.ws.write_number_with_format(self.row, col(c), r, f)?;
        }
        Ok(())
    }

    /// A whole number.
    pub(crate) fn int(
        &mut self,
        c: usize,
        v: impl Into<f64>,
        st: &Styles,
    ) -> Result<(), XlsxError> {
        self.num(c, v.into(), &st.whole)
    }

    /// Text linked to a cell of another sheet (plain text beyond the
    /// hyperlinks a sheet may hold).
    pub(crate) fn link(
        &mut self,
        c: usize,
        s: &str,
        sheet: &str,
        row: u32,
    ) -> Result<(), XlsxError> {
        if self.links >= MAX_LINKS || s.is_empty() {
            return self.text(c, s);
        }
        self.links += 1;
        let url = Url::new(format!("internal:'{sheet}'!A{}", row + 1)).set_text(s);
        self.ws.write_url(self.row, col(c), url)?;
        Ok(())
    }

    /// Autofilter over the header and the rows written.
    pub(crate) fn finish(mut self, cols: usize) -> Result<Worksheet, XlsxError> {
        if cols > 0 {
            self.ws.autofilter(0, 0, self.row.max(1), col(cols - 1))?;
        }
        Ok(self.ws)
    }
}

pub(crate) fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// The crime and risk-factor nodes, in framework order.
fn factor_nodes(plan: &Plan) -> Vec<usize> {
    [Kind::Crime, Kind::RiskFactor]
        .iter()
        .flat_map(|k| plan.of_kind(*k))
        .collect()
}

/// The workbook of the selected rows of a run, as bytes.
pub fn write(run: &Run<'_>, sel: &Selection) -> Result<Vec<u8>, Diagnostic> {
    let rows: Vec<(usize, Vec<Row>)> = run.years.iter().map(|&y| (y, sel.rows(run, y))).collect();
    let n: usize = rows.iter().map(|(_, r)| r.len()).sum();
    if n > MAX_ROWS as usize {
        return Err(too_many_rows(SHEETS[0], n));
    }
    let st = Styles::new();
    let (indicators, first) = indicators_sheet(run, &rows, &st)?;
    let sheets = [
        scores_sheet(run, &rows, &st).map_err(|e| failed(&e))?,
        factors_sheet(run, &rows, &first, &st).map_err(|e| failed(&e))?,
        indicators,
        recommendations_sheet(run, &rows, &st)?,
        sources_sheet(run, sel, &st).map_err(|e| failed(&e))?,
    ];
    book(
        &format!("{} ({})", run.plan.title, run.plan.version),
        sheets,
    )
}

/// A workbook of these sheets, in order, as bytes; its creation time is
/// fixed, so the same sheets give the same bytes.
pub(crate) fn book(
    title: &str,
    sheets: impl IntoIterator<Item = Worksheet>,
) -> Result<Vec<u8>, Diagnostic> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| failed(&e))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&created),
    );
    for s in sheets {
        wb.push_worksheet(s);
    }
    wb.save_to_buffer().map_err(|e| failed(&e))
}

/// The ranked scores: one row per country-year, with band, forecast,
/// coverage and data age; the country links to its risk factors.
fn scores_sheet(
    run: &Run<'_>,
    rows: &[(usize, Vec<Row>)],
    st: &Styles,
) -> Result<Worksheet, XlsxError> {
    let (plan, panel) = (run.plan, run.panel);
    let forecast = plan.forecast();
    let key = panel.unit_key_label();
    let mut head = vec!["Year", "Rank", key.as_str(), "Country", "Score", "Band"];
    if forecast.is_some() {
        head.push("Forecast");
    }
    head.extend([
        "Indicators with data",
        "Indicators measured",
        "Values observed",
        "Values carried forward",
        "Values filled",
        "Values missing",
        "Oldest carried year",
        "Carried columns (from year)",
    ]);
    let mut widths = vec![7.0, 6.0, 9.0, 28.0, 8.0, 11.0];
    if forecast.is_some() {
        widths.push(10.0);
    }
    widths.extend([11.0, 11.0, 10.0, 10.0, 9.0, 9.0, 10.0, 50.0]);
    let mut s = Sheet::new(SHEETS[0], &head, &widths, st)?;
    for (y, rs) in rows {
        for r in rs {
            s.row += 1;
            let c = &panel.countries[r.country];
            s.int(0, panel.year(*y), st)?;
            s.int(1, r.rank as f64, st)?;
            s.text(2, &c.iso3)?;
            let at = s.row;
            s.link(3, &c.name, SHEETS[1], at)?;
            s.num(4, r.score, &st.score)?;
            s.text(5, r.band.as_deref().unwrap_or_default())?;
            let mut k = 6;
            if forecast.is_some() {
                s.num(k, r.probability.unwrap_or(f64::NAN), &st.percent)?;
                k += 1;
            }
            let b = run.values_basis(r.country, *y);
            s.int(k, r.indicators_with_data.0 as f64, st)?;
            s.int(k + 1, r.indicators_with_data.1 as f64, st)?;
            s.int(k + 2, b.observed as f64, st)?;
            s.int(k + 3, b.carried as f64, st)?;
            s.int(k + 4, b.filled as f64, st)?;
            s.int(k + 5, b.missing as f64, st)?;
            if let Some(o) = b.oldest_carried {
                s.int(k + 6, o, st)?;
            }
            s.text(k + 7, &b.stale_text())?;
        }
    }
    s.finish(head.len())
}

/// The crime and risk-factor scores of each country-year, in the rows of
/// the scores sheet; the country links to its first indicator row.
fn factors_sheet(
    run: &Run<'_>,
    rows: &[(usize, Vec<Row>)],
    first: &[u32],
    st: &Styles,
) -> Result<Worksheet, XlsxError> {
    let (plan, panel) = (run.plan, run.panel);
    let nodes = factor_nodes(plan);
    let key = panel.unit_key_label();
    let titles: Vec<String> = nodes
        .iter()
        .map(|&n| format!("{}: {}", plan.nodes[n].id, plan.nodes[n].title))
        .collect();
    let mut head = vec!["Year", key.as_str(), "Country"];
    head.extend(titles.iter().map(String::as_str));
    let mut widths = vec![7.0, 9.0, 28.0];
    widths.extend(nodes.iter().map(|_| 16.0));
    let mut s = Sheet::new(SHEETS[1], &head, &widths, st)?;
    s.ws.set_row_height(0, 75)?;
    let mut i = 0;
    for (y, rs) in rows {
        for r in rs {
            s.row += 1;
            let c = &panel.countries[r.country];
            let cell = panel.cell(r.country, *y);
            s.int(0, panel.year(*y), st)?;
            s.text(1, &c.iso3)?;
            match first.get(i) {
                Some(&at) => s.link(2, &c.name, SHEETS[2], at)?,
                None => s.text(2, &c.name)?,
            }
            i += 1;
            for (k, &n) in nodes.iter().enumerate() {
                let f = if plan.is_probability(n) {
                    &st.percent
                } else {
                    &st.score
                };
                s.num(3 + k, run.scores.value(n, cell), f)?;
            }
        }
    }
    s.finish(head.len())
}

/// How a measure's value was obtained, in words.
fn status_text(status: Option<Status>) -> String {
    match status {
        Some(Status::Observed) => "observed".to_string(),
        Some(Status::CarriedForward { from_year }) => format!("carried from {from_year}"),
        Some(Status::Filled) => "filled".to_string(),
        Some(Status::Missing) | None => "missing".to_string(),
    }
}

/// Every indicator read from data, for each country-year: its score, and
/// per measure the value, how it was obtained, and each input cell with its
/// raw text and where it was read (file, row, column, year). Also the
/// first row of each country-year, for the links to it.
fn indicators_sheet(
    run: &Run<'_>,
    rows: &[(usize, Vec<Row>)],
    st: &Styles,
) -> Result<(Worksheet, Vec<u32>), Diagnostic> {
    let (plan, panel) = (run.plan, run.panel);
    let key = panel.unit_key_label();
    let head = [
        "Year",
        key.as_str(),
        "Country",
        "Indicator",
        "Indicator text",
        "Score",
        "Band",
        "Measure",
        "Measure value",
        "How obtained",
        "Raw value",
        "File",
        "Row",
        "Column",
        "Cell year",
        "Sheet cell",
    ];
    let widths = [
        7.0, 9.0, 24.0, 14.0, 50.0, 8.0, 10.0, 22.0, 10.0, 16.0, 12.0, 26.0, 8.0, 26.0, 9.0, 9.0,
    ];
    let indicators: Vec<usize> = plan
        .of_kind(Kind::Indicator)
        .into_iter()
        .filter(|&i| !plan.nodes[i].children.is_empty())
        .collect();
    let per_row: usize = indicators
        .iter()
        .map(|&i| plan.nodes[i].children.len())
        .sum();
    let lines: usize = rows.iter().map(|(_, r)| r.len()).sum::<usize>() * per_row;
    let x = |e: XlsxError| failed(&e);
    let mut s = Sheet::new(SHEETS[2], &head, &widths, st).map_err(x)?;
    let mut first = Vec::new();
    for (y, rs) in rows {
        for r in rs {
            first.push(s.row + 1);
            let c = &panel.countries[r.country];
            let cell = panel.cell(r.country, *y);
            for &i in &indicators {
                let node = &plan.nodes[i];
                let v = run.scores.value(i, cell);
                for &(m, _) in &node.children {
                    let measure = run.scores.measure(m, cell);
                    let mid = plan.nodes[m].id.rsplit('/').next().unwrap_or_default();
                    let cells = score::trace(plan, panel, run.scores, m, r.country, *y);
                    let lead = |s: &mut Sheet| -> Result<(), XlsxError> {
                        s.int(0, panel.year(*y), st)?;
                        s.text(1, &c.iso3)?;
                        s.text(2, &c.name)?;
                        s.text(3, &node.id)?;
                        s.text(4, &node.title)?;
                        s.num(5, v, &st.score)?;
                        s.text(6, plan.band(i, v).unwrap_or_default())?;
                        s.text(7, mid)?;
                        s.num(8, measure.map_or(f64::NAN, |(x, _)| x), &st.score)?;
                        s.text(9, &status_text(measure.map(|(_, how)| how)))
                    };
                    if cells.is_empty() {
                        s.next(lines)?;
                        lead(&mut s).map_err(x)?;
                    }
                    for (colx, cc) in cells {
                        s.next(lines)?;
                        lead(&mut s).map_err(x)?;
                        let raw = panel.raw(colx, cc);
                        match raw.trim().parse::<f64>() {
                            Ok(n) if n.is_finite() => {
                                s.ws.write_number(s.row, 10, n).map_err(x)?;
                            }
                            _ => s.text(10, &raw).map_err(x)?,
                        }
                        let at = panel.cell_ref(colx, cc);
                        s.text(11, &at.file).map_err(x)?;
                        s.int(12, at.line, st).map_err(x)?;
                        s.text(13, &at.column).map_err(x)?;
                        s.int(14, at.year, st).map_err(x)?;
                        let field = panel.columns[colx].field;
                        if let Some(a) = crate::data::xlsx::sheet_cell(&at.file, field, at.line) {
                            s.text(15, &a).map_err(x)?;
                        }
                    }
                }
            }
        }
    }
    Ok((s.finish(head.len()).map_err(x)?, first))
}

/// The recommendations triggered for each country-year: one row per
/// condition that holds, with the path from the triggering node down to a
/// measure and the cells that measure read.
fn recommendations_sheet(
    run: &Run<'_>,
    rows: &[(usize, Vec<Row>)],
    st: &Styles,
) -> Result<Worksheet, Diagnostic> {
    let (plan, panel) = (run.plan, run.panel);
    let key = panel.unit_key_label();
    let head = [
        "Year",
        key.as_str(),
        "Country",
        "Recommendation",
        "Title",
        "Strength",
        "Addressed to",
        "Triggered by",
        "Condition",
        "Node score",
        "Node band",
        "Path",
        "Source cells",
    ];
    let widths = [
        7.0, 9.0, 24.0, 14.0, 50.0, 9.0, 24.0, 14.0, 22.0, 9.0, 10.0, 40.0, 50.0,
    ];
    let x = |e: XlsxError| failed(&e);
    let mut s = Sheet::new(SHEETS[3], &head, &widths, st).map_err(x)?;
    let mut lines = 0;
    for (y, rs) in rows {
        for r in rs {
            let c = &panel.countries[r.country];
            for rec in super::json::recommendations(plan, panel, run.scores, r.country, *y) {
                for t in &rec.triggers {
                    lines += 1;
                    s.next(lines)?;
                    let cells: Vec<String> = t
                        .cells
                        .iter()
                        .map(|c| format!("{} row {} {} ({})", c.file, c.line, c.column, c.year))
                        .collect();
                    let w = |s: &mut Sheet| -> Result<(), XlsxError> {
                        s.int(0, panel.year(*y), st)?;
                        s.text(1, &c.iso3)?;
                        s.text(2, &c.name)?;
                        s.text(3, rec.id)?;
                        s.text(4, rec.title)?;
                        s.num(5, rec.strength.unwrap_or(f64::NAN), &st.score)?;
                        s.text(6, &rec.addressed_to.join(", "))?;
                        s.text(7, t.node)?;
                        s.text(8, &t.condition)?;
                        s.num(9, t.value.unwrap_or(f64::NAN), &st.score)?;
                        s.text(10, t.band.as_deref().unwrap_or_default())?;
                        s.text(11, &t.path.join(" > "))?;
                        s.text(12, &cells.join("; "))
                    };
                    w(&mut s).map_err(x)?;
                }
            }
        }
    }
    s.finish(head.len()).map_err(x)
}

/// The name of a node kind, in words.
fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Measure => "measure",
        Kind::Indicator => "indicator",
        Kind::RiskFactor => "risk factor",
        Kind::Crime => "crime",
        Kind::Overall => "overall",
        Kind::Theme => "theme",
    }
}

/// The rows of the first Markdown table of `text` whose header starts with
/// `header`, header first, as plain text (code and bold marks dropped).
fn md_rows(text: &str, header: &str) -> Vec<Vec<String>> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(header));
    let Some(head) = lines.next() else {
        return Vec::new();
    };
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split(" | ")
            .map(|c| c.trim().replace(['`'], "").replace("**", ""))
            .collect()
    };
    let mut out = vec![cells(head)];
    out.extend(
        lines
            .take_while(|l| l.starts_with('|'))
            .filter(|l| !(l.starts_with("|---") || l.starts_with("| ---")))
            .map(cells),
    );
    out
}

/// What the workbook holds, how the scores are made, and where the data
/// come from with their licences; then every node of the framework.
fn sources_sheet(run: &Run<'_>, sel: &Selection, st: &Styles) -> Result<Worksheet, XlsxError> {
    let (plan, panel) = (run.plan, run.panel);
    let mut s = Sheet::sources(SHEETS[4], st)?;
    let years: Vec<String> = run
        .years
        .iter()
        .map(|&y| panel.year(y).to_string())
        .collect();
    let mut lines: Vec<(&str, String)> = vec![
        (
            "Written by",
            format!("atrisk {}", env!("CARGO_PKG_VERSION")),
        ),
        (
            "Framework",
            format!("{} ({}, version {})", plan.title, plan.id, plan.version),
        ),
        ("Framework files", plan.files.join(", ")),
        ("Data files", panel.files.join(", ")),
        ("Years", years.join(", ")),
    ];
    if sel.top.is_some() || sel.countries.is_some() {
        lines.push((
            "Rows",
            "a selection of countries (--top, --country); ranks are the ranks among all countries"
                .to_string(),
        ));
    }
    facts(
        &mut s,
        &format!("{} ({})", plan.title, plan.version),
        &lines,
        st,
    )?;
    section(&mut s, "Sheets", st)?;
    sheet_notes(
        &mut s,
        &[
            (
                SHEETS[0],
                "The ranking: score, band, coverage and the age of the data behind each score. A country name leads to its risk factors.",
            ),
            (
                SHEETS[1],
                "The crime and risk-factor scores of each country (headed by id and title). A country name leads to its indicators.",
            ),
            (
                SHEETS[2],
                "Each indicator read from data: its score, each measure's value and how it was obtained, and every input cell with its raw value, file, row and column (and its cell, such as C48, when read from a worksheet).",
            ),
            (
                SHEETS[3],
                "The recommendations triggered: the condition that holds, the path of nodes from it down to a measure, and the cells read.",
            ),
        ],
        st,
    )?;
    section(&mut s, "Method", st)?;
    let overall = if plan.is_probability(plan.overall()) {
        "The overall score is the output of the framework's logistic model: read it as a chance only after checking its backtest (atrisk backtest)."
    } else {
        "A score is a relative screening measure from 0 to 1: not a probability, not a prediction of an event, and not a legal finding."
    };
    let method = [
        "Each measured indicator places a published value between two fixed reference points of the rules: 0 when the condition is absent, 1 at the most severe level considered. A score therefore depends only on the country's own data.",
        "Indicators are combined into risk factors, risk factors into a score per crime, and crime scores into the overall score, as the framework file states.",
        overall,
        "A value missing in a year may be carried forward from an earlier year; the Scores sheet counts such values and names the oldest year.",
        "Bands are cut-offs on a continuous scale: small differences between countries near a cut-off are not meaningful on their own.",
        "The full method is in docs/methodology.md; every score traces down to the data cells listed in the Indicators sheet.",
    ];
    paragraphs(&mut s, &method, st)?;
    licences(&mut s, &panel.files, st)?;
    section(&mut s, "Framework nodes", st)?;
    s.row += 1;
    for (k, h) in ["Id", "Title", "Kind", "Source"].iter().enumerate() {
        s.ws.write_string_with_format(s.row, col(k), *h, &st.head)?;
    }
    for n in &plan.nodes {
        if n.kind == Kind::Measure {
            continue;
        }
        s.row += 1;
        s.text(0, &n.id)?;
        s.ws.write_string_with_format(s.row, 1, &n.title, &st.wrap)?;
        s.text(2, kind_name(n.kind))?;
        s.text(3, n.source.as_deref().unwrap_or_default())?;
    }
    Ok(s.ws)
}

/// The title of a sources sheet, then one fact a row: its name in bold,
/// then its value.
pub(crate) fn facts(
    s: &mut Sheet,
    title: &str,
    lines: &[(&str, String)],
    st: &Styles,
) -> Result<(), XlsxError> {
    s.row += 1;
    s.ws.write_string_with_format(s.row, 0, title, &st.title)?;
    for (k, v) in lines {
        s.row += 1;
        s.ws.write_string_with_format(s.row, 0, *k, &st.section)?;
        s.text(1, v)?;
    }
    Ok(())
}

/// Sentences, one a row, wrapped in the second column.
pub(crate) fn paragraphs(s: &mut Sheet, lines: &[&str], st: &Styles) -> Result<(), XlsxError> {
    for line in lines {
        s.row += 1;
        s.ws.write_string_with_format(s.row, 1, *line, &st.wrap)?;
    }
    Ok(())
}

/// A section heading of a sources sheet, after an empty row.
pub(crate) fn section(s: &mut Sheet, t: &str, st: &Styles) -> Result<(), XlsxError> {
    s.row += 2;
    s.ws.write_string_with_format(s.row, 0, t, &st.section)?;
    Ok(())
}

/// What each sheet of a workbook holds: its name, then a sentence.
pub(crate) fn sheet_notes(
    s: &mut Sheet,
    notes: &[(&str, &str)],
    st: &Styles,
) -> Result<(), XlsxError> {
    for (name, what) in notes {
        s.row += 1;
        s.text(0, name)?;
        s.ws.write_string_with_format(s.row, 1, *what, &st.wrap)?;
    }
    Ok(())
}

/// The section on the data files: for the shipped data, the table of its
/// files and the table of its sources with their licences; for other data,
/// the files named.
pub(crate) fn licences(s: &mut Sheet, files: &[String], st: &Styles) -> Result<(), XlsxError> {
    section(s, "Data sources and licences", st)?;
    let shipped = files.len() == embedded::DATA.len()
        && files
            .iter()
            .zip(embedded::DATA.iter())
            .all(|(f, (n, _))| f == n);
    if shipped {
        for table in [
            md_rows(SOURCES_MD, "| file |"),
            md_rows(README_MD, "| source |"),
        ] {
            for (i, cells) in table.iter().enumerate() {
                s.row += 1;
                for (k, c) in cells.iter().enumerate() {
                    if i == 0 {
                        s.ws.write_string_with_format(s.row, col(k), c, &st.head)?;
                    } else {
                        s.ws.write_string_with_format(s.row, col(k), c, &st.wrap)?;
                    }
                }
            }
            s.row += 1;
        }
    } else {
        s.row += 1;
        s.ws.write_string_with_format(
            s.row,
            1,
            format!(
                "The scores use these data files: {}. Their sources and licences are those stated by their publishers.",
                files.join(", ")
            ),
            &st.wrap,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_tables_become_plain_cells() {
        let t = md_rows(
            "x\n| file | licence |\n|---|---|\n| `a.csv` | **CC BY** |\nafter\n",
            "| file |",
        );
        assert_eq!(
            t,
            vec![
                vec!["file".to_string(), "licence".to_string()],
                vec!["a.csv".to_string(), "CC BY".to_string()]
            ]
        );
        assert!(md_rows("none", "| file |").is_empty());
    }

    #[test]
    fn the_shipped_tables_are_found() {
        assert!(md_rows(SOURCES_MD, "| file |").len() > 1);
        assert!(md_rows(README_MD, "| source |").len() > 1);
    }
}
