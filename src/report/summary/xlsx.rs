//! The early-warning summary as an Excel workbook (`summary --format xlsx
//! -o FILE`): the watch lists with band, score, forecast, intervals and
//! data age; the largest rises with the risk factors and indicators that
//! drove them; the countries new in the two top bands; how many of the highest-ranked countries trigger each
//! recommendation; the data warnings; and the sources, method and licences.
//! The same values as the JSON summary, with the styles of the score
//! workbook ([`crate::report::xlsx`]): every text is written as text, never
//! as a formula, and the same summary gives the same bytes.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::format::{
    FOOTER, NO_FACTOR_ROSE, NO_INDICATOR_ROSE, actor_names, band_counts, compared_with,
    fmt_age_range, fmt_input_change_human, fmt_reasons, forecast_note, movers_note, tally_heading,
};
use crate::analysis::ValuesBasis;
use crate::analysis::summary::{DataAge, Entry, Mover, Summary};
use crate::analysis::uncertainty::Interval;
use crate::diagnostic::Diagnostic;
use crate::report::xlsx::{
    Sheet, Styles, book, facts, failed, licences, paragraphs, section, sheet_notes,
};

/// The sheets of the summary workbook, in order.
pub const SHEETS: [&str; 6] = [
    "Watch list",
    "Movers",
    "New in top bands",
    "Recommendations",
    "Data warnings",
    "Sources",
];

/// The summary as a workbook, as bytes.
pub fn write_xlsx(s: &Summary) -> Result<Vec<u8>, Diagnostic> {
    let st = Styles::new();
    let x = |e: XlsxError| failed(&e);
    let (watch, rows) = watch_sheet(s, &st).map_err(x)?;
    let sheets = [
        watch,
        movers_sheet(s, &rows, &st).map_err(x)?,
        new_entries_sheet(s, &rows, &st).map_err(x)?,
        recommendations_sheet(s, &st).map_err(x)?,
        warnings_sheet(s, &rows, &st).map_err(x)?,
        sources_sheet(s, &st).map_err(x)?,
    ];
    book(
        &format!(
            "Early-warning summary {}: {} ({})",
            s.year, s.framework.title, s.framework.version
        ),
        sheets,
    )
}

/// The coverage and data-age columns, from column `k` on.
const AGE_HEAD: [&str; 8] = [
    "Indicators with data",
    "Indicators measured",
    "Risk factors without score",
    "Measure values",
    "Values carried forward",
    "Mean input age (years)",
    "Oldest input year",
    "Carried columns (from year)",
];
const AGE_WIDTHS: [f64; 8] = [11.0, 11.0, 14.0, 10.0, 10.0, 10.0, 10.0, 50.0];

/// Writes a country-year's coverage and data age from column `k` on.
fn age_cells(s: &mut Sheet, k: usize, d: &DataAge, st: &Styles) -> Result<(), XlsxError> {
    s.int(k, d.indicators_with_data as f64, st)?;
    s.int(k + 1, d.indicators_measured as f64, st)?;
    s.text(k + 2, &d.risk_factors_without_score.join(", "))?;
    s.int(k + 3, d.measure_values as f64, st)?;
    s.int(k + 4, d.carried_forward as f64, st)?;
    if let Some(a) = d.mean_input_age {
        s.num(k + 5, a, &st.score)?;
    }
    if let Some(y) = d.oldest_input_year {
        s.int(k + 6, y, st)?;
    }
    let stale = ValuesBasis {
        stale: d.stale_columns.clone(),
        ..Default::default()
    }
    .stale_text();
    s.text(k + 7, &stale)
}

/// The coverage and data age of a country on the summary: from its brief,
/// else from its data warning.
fn data_age<'a>(s: &'a Summary, iso3: &str) -> Option<&'a DataAge> {
    s.briefs
        .iter()
        .find(|b| b.iso3 == iso3)
        .map(|b| &b.data)
        .or_else(|| {
            s.data_warnings
                .countries
                .iter()
                .find(|w| w.iso3 == iso3)
                .map(|w| &w.data)
        })
}

/// Writes rank and score intervals from column `k` on (four columns).
fn interval_cells(
    s: &mut Sheet,
    k: usize,
    i: Option<&Interval>,
    f: &rust_xlsxwriter::Format,
    st: &Styles,
) -> Result<(), XlsxError> {
    let Some(i) = i else { return Ok(()) };
    if let Some(r) = i.rank_p05 {
        s.int(k, r as f64, st)?;
    }
    if let Some(r) = i.rank_p95 {
        s.int(k + 1, r as f64, st)?;
    }
    s.num(k + 2, i.score_p05.unwrap_or(f64::NAN), f)?;
    s.num(k + 3, i.score_p95.unwrap_or(f64::NAN), f)
}

/// The watch lists, overall then per crime, one row per country; also the
/// row of each country on the overall list, for the links to it.
fn watch_sheet(s: &Summary, st: &Styles) -> Result<(Worksheet, Vec<(String, u32)>), XlsxError> {
    let forecast = s.forecast.is_some();
    let mut head = vec!["List", "Rank", "ISO3", "Country", "Score", "Band", "Change"];
    let mut widths = vec![28.0, 6.0, 7.0, 28.0, 8.0, 11.0, 8.0];
    if forecast {
        head.push("Forecast");
        widths.push(10.0);
    }
    head.extend(["Rank 5%", "Rank 95%", "Score 5%", "Score 95%", "Old data"]);
    widths.extend([8.0, 8.0, 8.0, 8.0, 7.0]);
    head.extend(AGE_HEAD);
    widths.extend(AGE_WIDTHS);
    let mut sh = Sheet::new(SHEETS[0], &head, &widths, st)?;
    let mut rows = Vec::new();
    let lists = std::iter::once(("Overall".to_string(), &s.watch_list.overall, s.probability))
        .chain(
            s.watch_list
                .crimes
                .iter()
                .map(|c| (format!("{}: {}", c.id, c.title), &c.entries, c.probability)),
        );
    for (i, (name, entries, probability)) in lists.enumerate() {
        let f = if probability { &st.percent } else { &st.score };
        for e in entries {
            sh.row += 1;
            if i == 0 {
                rows.push((e.iso3.clone(), sh.row));
            }
            entry_cells(&mut sh, s, &name, e, f, forecast, st)?;
        }
    }
    Ok((sh.finish(head.len())?, rows))
}

/// One line of a watch list.
fn entry_cells(
    sh: &mut Sheet,
    s: &Summary,
    list: &str,
    e: &Entry,
    f: &rust_xlsxwriter::Format,
    forecast: bool,
    st: &Styles,
) -> Result<(), XlsxError> {
    sh.text(0, list)?;
    sh.int(1, e.rank as f64, st)?;
    sh.text(2, &e.iso3)?;
    sh.text(3, &e.country)?;
    sh.num(4, e.score.unwrap_or(f64::NAN), f)?;
    sh.text(5, e.band.as_deref().unwrap_or_default())?;
    sh.num(6, e.change.unwrap_or(f64::NAN), f)?;
    let mut k = 7;
    if forecast {
        sh.num(k, e.probability.unwrap_or(f64::NAN), &st.percent)?;
        k += 1;
    }
    interval_cells(sh, k, e.interval.as_ref(), f, st)?;
    sh.text(k + 4, if e.old_data { "yes" } else { "" })?;
    if let Some(d) = data_age(s, &e.iso3) {
        age_cells(sh, k + 5, d, st)?;
    }
    Ok(())
}

/// Writes a country name linked to its row on the overall watch list (plain
/// text when it is not on it).
fn country_link(
    sh: &mut Sheet,
    c: usize,
    iso3: &str,
    name: &str,
    rows: &[(String, u32)],
) -> Result<(), XlsxError> {
    match rows.iter().find(|(i, _)| i == iso3) {
        Some(&(_, at)) => sh.link(c, name, SHEETS[0], at),
        None => sh.text(c, name),
    }
}

/// The largest rises, against the previous year then against the
/// three-year mean: one row per indicator that drove a risk factor that
/// drove the rise, with the raw inputs before and now.
fn movers_sheet(s: &Summary, rows: &[(String, u32)], st: &Styles) -> Result<Worksheet, XlsxError> {
    let head = [
        "Compared with",
        "ISO3",
        "Country",
        "Score",
        "Band",
        "Before",
        "Change",
        "Usual yearly change",
        "Times usual change",
        "Rose in share of draws",
        "Rank 5%",
        "Rank 95%",
        "Score 5%",
        "Score 95%",
        "Risk factor",
        "Risk factor title",
        "Risk factor before",
        "Risk factor now",
        "Risk factor contribution",
        "Indicator",
        "Indicator text",
        "Indicator before",
        "Indicator now",
        "Indicator contribution",
        "Inputs (before -> now)",
    ];
    let widths = [
        16.0, 7.0, 24.0, 8.0, 11.0, 8.0, 8.0, 9.0, 9.0, 9.0, 7.0, 7.0, 8.0, 8.0, 10.0, 30.0, 9.0,
        9.0, 11.0, 16.0, 45.0, 9.0, 9.0, 11.0, 50.0,
    ];
    let f = if s.probability {
        &st.percent
    } else {
        &st.score
    };
    let mut sh = Sheet::new(SHEETS[1], &head, &widths, st)?;
    for mean in [false, true] {
        let Some(what) = compared_with(s, mean) else {
            continue;
        };
        let movers = if mean {
            &s.movers.three_year_mean
        } else {
            &s.movers.previous_year
        };
        for m in movers {
            let lead = |sh: &mut Sheet| mover_cells(sh, &what, m, rows, f, st);
            if m.drivers.is_empty() {
                sh.row += 1;
                lead(&mut sh)?;
                sh.text(15, NO_FACTOR_ROSE)?;
            }
            for d in &m.drivers {
                let driver = |sh: &mut Sheet| -> Result<(), XlsxError> {
                    lead(sh)?;
                    sh.text(14, &d.id)?;
                    sh.text(15, &d.title)?;
                    sh.num(16, d.before, &st.score)?;
                    sh.num(17, d.after, &st.score)?;
                    sh.num(18, d.contribution, &st.score)
                };
                if d.indicators.is_empty() {
                    sh.row += 1;
                    driver(&mut sh)?;
                    sh.text(20, NO_INDICATOR_ROSE.trim().trim_matches(['(', ')']))?;
                }
                for i in &d.indicators {
                    sh.row += 1;
                    driver(&mut sh)?;
                    sh.text(19, &i.id)?;
                    sh.text(20, &i.text)?;
                    sh.num(21, i.before, &st.score)?;
                    sh.num(22, i.after, &st.score)?;
                    sh.num(23, i.contribution, &st.score)?;
                    let inputs: Vec<String> = i.inputs.iter().map(fmt_input_change_human).collect();
                    sh.text(24, &inputs.join("; "))?;
                }
            }
        }
    }
    sh.finish(head.len())
}

/// The country, scores and certainty of a rise (columns 0 to 13).
fn mover_cells(
    sh: &mut Sheet,
    what: &str,
    m: &Mover,
    rows: &[(String, u32)],
    f: &rust_xlsxwriter::Format,
    st: &Styles,
) -> Result<(), XlsxError> {
    sh.text(0, what)?;
    sh.text(1, &m.iso3)?;
    country_link(sh, 2, &m.iso3, &m.country, rows)?;
    sh.num(3, m.score, f)?;
    sh.text(4, m.band.as_deref().unwrap_or_default())?;
    sh.num(5, m.before, f)?;
    sh.num(6, m.change, f)?;
    sh.num(7, m.usual_change.unwrap_or(f64::NAN), f)?;
    sh.num(8, m.materiality.unwrap_or(f64::NAN), &st.score)?;
    sh.num(9, m.rise_share.unwrap_or(f64::NAN), &st.percent)?;
    interval_cells(sh, 10, m.interval.as_ref(), f, st)
}

/// The countries that entered one of the two top bands since the year
/// before.
fn new_entries_sheet(
    s: &Summary,
    rows: &[(String, u32)],
    st: &Styles,
) -> Result<Worksheet, XlsxError> {
    let head = [
        "ISO3",
        "Country",
        "Score",
        "Band",
        "Score the year before",
        "Band the year before",
    ];
    let widths = [7.0, 24.0, 8.0, 11.0, 10.0, 12.0];
    let f = if s.probability {
        &st.percent
    } else {
        &st.score
    };
    let mut sh = Sheet::new(SHEETS[2], &head, &widths, st)?;
    for n in &s.new_in_top_bands {
        sh.row += 1;
        sh.text(0, &n.iso3)?;
        country_link(&mut sh, 1, &n.iso3, &n.country, rows)?;
        sh.num(2, n.score, f)?;
        sh.text(3, &n.band)?;
        sh.num(4, n.previous_score.unwrap_or(f64::NAN), f)?;
        sh.text(5, n.previous_band.as_deref().unwrap_or("no score"))?;
    }
    sh.finish(head.len())
}

/// Every recommendation with the number of the highest-ranked countries it
/// is triggered for, most often triggered first.
fn recommendations_sheet(s: &Summary, st: &Styles) -> Result<Worksheet, XlsxError> {
    let head = [
        "Recommendation",
        "Title",
        "Addressed to",
        "Triggered for",
        "Of the highest-ranked",
        "Countries (ISO3, in rank order)",
    ];
    let widths = [14.0, 60.0, 40.0, 10.0, 11.0, 60.0];
    let mut sh = Sheet::new(SHEETS[3], &head, &widths, st)?;
    for r in &s.recommendations {
        sh.row += 1;
        sh.text(0, &r.id)?;
        sh.text(1, &r.title)?;
        sh.text(2, &actor_names(&r.addressed_to))?;
        sh.int(3, r.count as f64, st)?;
        sh.int(4, r.of as f64, st)?;
        sh.text(5, &r.countries.join(", "))?;
    }
    sh.finish(head.len())
}

/// The countries whose score rests on few indicators or old data, or that
/// have no score.
fn warnings_sheet(
    s: &Summary,
    rows: &[(String, u32)],
    st: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut head = vec!["ISO3", "Country", "Score", "Reasons"];
    head.extend(AGE_HEAD);
    let mut widths = vec![7.0, 24.0, 8.0, 30.0];
    widths.extend(AGE_WIDTHS);
    let f = if s.probability {
        &st.percent
    } else {
        &st.score
    };
    let mut sh = Sheet::new(SHEETS[4], &head, &widths, st)?;
    for w in &s.data_warnings.countries {
        sh.row += 1;
        sh.text(0, &w.iso3)?;
        country_link(&mut sh, 1, &w.iso3, &w.country, rows)?;
        sh.num(2, w.score.unwrap_or(f64::NAN), f)?;
        sh.text(3, &fmt_reasons(w))?;
        age_cells(&mut sh, 4, &w.data, st)?;
    }
    sh.finish(head.len())
}

/// The year, framework and data summarised, what each sheet holds, how to
/// read the values, and the sources and licences of the data.
fn sources_sheet(s: &Summary, st: &Styles) -> Result<Worksheet, XlsxError> {
    let mut sh = Sheet::sources(SHEETS[5], st)?;
    let bands = band_counts(s);
    let mut lines: Vec<(&str, String)> = vec![
        ("Written by", format!("atrisk {}", s.atrisk_version)),
        (
            "Framework",
            format!(
                "{} ({}, version {})",
                s.framework.title, s.framework.id, s.framework.version
            ),
        ),
        ("Data files", s.data.join(", ")),
        ("Year", s.year.to_string()),
    ];
    if let Some(b) = &s.year_basis {
        lines.push(("Why this year", b.clone()));
    }
    lines.push((
        "Countries",
        format!(
            "{} countries, {} scored; per band: {}",
            s.countries,
            s.countries - s.no_score,
            bands.join(", ")
        ),
    ));
    lines.push(("Lists", format!("the {} highest-ranked countries", s.top)));
    if let Some(u) = &s.uncertainty {
        let varied = if u.varied.is_empty() {
            String::new()
        } else {
            format!(", varying {}", u.varied.join(", "))
        };
        lines.push((
            "Intervals",
            format!(
                "{} draws of the framework's declared alternatives (seed {}){varied}",
                u.draws, u.seed
            ),
        ));
    }
    facts(
        &mut sh,
        &format!(
            "Early-warning summary {}: {} ({})",
            s.year, s.framework.title, s.framework.version
        ),
        &lines,
        st,
    )?;
    section(&mut sh, "Sheets", st)?;
    sheet_notes(
        &mut sh,
        &[
            (
                SHEETS[0],
                "The watch lists, overall then per crime: rank, score, band, change since the year before, the rank and score intervals of the draws, and the coverage and age of the data behind the score.",
            ),
            (
                SHEETS[1],
                "The largest rises, against the previous year and against the mean of the three years before: one row per indicator that moved a risk factor that moved the rise, with its raw inputs before and now. A country name leads to its watch-list row.",
            ),
            (
                SHEETS[2],
                "The countries whose band rose into one of the two top bands since the year before, with their score and band then and now.",
            ),
            (
                SHEETS[3],
                "Each recommendation of the framework, with for how many of the highest-ranked countries its conditions hold, and which.",
            ),
            (
                SHEETS[4],
                "The countries whose score rests on few indicators or old data, or that have no score.",
            ),
        ],
        st,
    )?;
    section(&mut sh, "Data age", st)?;
    let age = s
        .data_warnings
        .input_age
        .as_ref()
        .map(|a| fmt_age_range(a, s.year));
    let notes: Vec<&str> = [s.data_warnings.note.as_deref(), age.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    paragraphs(&mut sh, &notes, st)?;
    section(&mut sh, "Method", st)?;
    let forecast = forecast_note(s);
    let movers = movers_note(s);
    let tally = tally_heading(s);
    let method: Vec<&str> = [
        Some(FOOTER),
        forecast.as_deref(),
        movers.as_deref(),
        tally.as_deref(),
        Some(
            "The full method is in docs/methodology.md; `atrisk explain --country X` traces a score down to the data cells, and `atrisk score --format xlsx` writes every score with its cells.",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    paragraphs(&mut sh, &method, st)?;
    licences(&mut sh, &s.data, st)?;
    Ok(sh.ws)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::summary::synthetic;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    #[test]
    fn the_synthetic_summary_reads_back() {
        let s = synthetic::summary();
        let bytes = write_xlsx(&s).unwrap();
        assert_eq!(bytes, write_xlsx(&s).unwrap(), "same bytes");
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), SHEETS.map(String::from));
        let watch = wb.worksheet_range(SHEETS[0]).unwrap();
        let first = watch.rows().nth(1).unwrap();
        let e = &s.watch_list.overall[0];
        assert_eq!(first[2], Data::String(e.iso3.clone()));
        assert_eq!(first[4], Data::Float(e.score.unwrap()));
    }
}
