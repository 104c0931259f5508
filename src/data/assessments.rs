//! Analyst assessments of qualitative indicators, read from CSV files with the
//! header `iso3,year,indicator,value,confidence,source,note` (any column order;
//! `confidence`, `source` and `note` may be left out or empty; lines starting
//! with `#` are comments).
//!
//! A value is a number from 0 to 1, `present` (1), `absent` (0) or `unknown`
//! (the analyst looked and could not tell). [`Assessments::add_to`] turns the
//! rows into one panel column per indicator, so that a compiled framework
//! reads them like data; [`Assessments::check`] then reports rows that name
//! an indicator, country or year the framework and the panel do not have.

use std::collections::{BTreeMap, HashMap};

use super::{
    AssessedCell, Input, LineCounter, Panel, check_control, check_line_endings,
    check_record_limits, csv_error, csv_error_at, data_err, field_span, line_at, row_key,
    strip_bom,
};
use crate::compile::{Kind, MeasurePlan, Plan};
use crate::diagnostic::did_you_mean;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::framework::model::{Direction, Goalposts, Missing, Normalise};

/// An assessment holds for its year and up to this many later years.
pub const CARRY_FORWARD_YEARS: u32 = 5;

/// The columns of an assessment file; the first four are required.
pub const COLUMNS: [&str; 7] = [
    "iso3",
    "year",
    "indicator",
    "value",
    "confidence",
    "source",
    "note",
];

const HEADER: &str = "iso3,year,indicator,value,confidence,source,note";

/// The name of the panel column holding the assessments of an indicator.
pub fn column_name(indicator: &str) -> String {
    format!("assessment:{indicator}")
}

/// The id of the measure node that reads an indicator's assessments.
pub fn measure_id(indicator: &str) -> String {
    format!("{indicator}/assessment")
}

/// How a qualitative indicator reads its assessment column: the assessed
/// value is the score (0-1), carried forward for up to
/// [`CARRY_FORWARD_YEARS`] years unless a later row states `unknown`.
pub fn measure_plan(column: usize) -> MeasurePlan {
    MeasurePlan {
        columns: vec![column],
        transforms: Vec::new(),
        denominators: Vec::new(),
        direction: Some(Direction::HigherIsRiskier),
        normalise: Normalise::Goalposts(Goalposts { min: 0.0, max: 1.0 }),
        missing: Missing::CarryForward(CARRY_FORWARD_YEARS),
    }
}

/// How sure the analyst is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Low confidence.
    Low,
    /// Medium confidence.
    Medium,
    /// High confidence.
    High,
}

/// The analyst's account of an assessed value, reported with every score it enters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Analyst {
    /// Who made the judgement, or on what it rests.
    pub source: Option<String>,
    /// How sure the analyst is.
    pub confidence: Option<Confidence>,
    /// Free text.
    pub note: Option<String>,
}

/// Where a field of a row is: 1-based character column and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    col: u64,
    len: u64,
}

/// One row of an assessment file.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Country code.
    pub iso3: String,
    /// Year assessed.
    pub year: i32,
    /// Indicator id.
    pub indicator: String,
    /// The value from 0 to 1; `None` when the analyst stated `unknown`.
    pub value: Option<f64>,
    /// Source, confidence and note.
    pub analyst: Analyst,
    /// File name.
    pub file: String,
    /// 1-based line of the row.
    pub line: u32,
    /// 1-based field number of `value` in its file.
    value_field: u32,
    iso3_at: Span,
    year_at: Span,
    indicator_at: Span,
}

impl Assessment {
    fn label(&self, d: Diagnostic, at: Span, text: &str) -> Diagnostic {
        d.at(&self.file, u64::from(self.line), at.col, at.len, text)
    }
}

/// The rows of one or more assessment files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assessments {
    /// Rows in file order.
    pub rows: Vec<Assessment>,
}

impl Assessments {
    /// Reads assessment files (the inputs' `prefix` is not used). Stops at the
    /// first problem, naming the file, line and column.
    pub fn parse(inputs: &[Input<'_>]) -> Result<Assessments, Diagnostic> {
        let mut out = Assessments::default();
        let mut seen: HashMap<(String, i32, String), usize> = HashMap::new();
        for input in inputs {
            read_file(input, &mut out.rows, &mut seen)?;
        }
        Ok(out)
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds one column per assessed indicator to the panel (see
    /// [`column_name`]). Rows for a country or year the panel does not
    /// have are left out here and reported by [`Assessments::check`].
    pub fn add_to(&self, panel: &mut Panel) -> Result<(), Diagnostic> {
        let mut by_indicator: BTreeMap<&str, (u32, Vec<AssessedCell>)> = BTreeMap::new();
        for r in &self.rows {
            let entry = by_indicator
                .entry(&r.indicator)
                .or_insert_with(|| (r.value_field, Vec::new()));
            let country = panel
                .countries
                .binary_search_by(|c| c.iso3.as_str().cmp(&r.iso3));
            if let (Ok(c), Some(y)) = (country, panel.year_idx(r.year)) {
                entry.1.push(AssessedCell {
                    cell: panel.cell(c, y),
                    value: r.value.unwrap_or(f64::NAN),
                    file: r.file.clone(),
                    line: r.line,
                    analyst: r.analyst.clone(),
                });
            }
        }
        for (indicator, (field, cells)) in by_indicator {
            panel.add_assessed_column(&column_name(indicator), "value", field, cells)?;
        }
        Ok(())
    }

    /// Checks every row against a compiled framework and its panel: the
    /// indicator must be a qualitative indicator of the framework, the
    /// country and the year must be in the panel. Returns every finding.
    pub fn check(&self, plan: &Plan, panel: &Panel) -> Diagnostics {
        let mut out = Diagnostics::default();
        let indicators: Vec<&str> = plan
            .nodes
            .iter()
            .filter(|n| n.kind == Kind::Indicator)
            .map(|n| n.id.as_str())
            .collect();
        let assessable: Vec<&str> = indicators
            .iter()
            .copied()
            .filter(|id| plan.find(id).is_some_and(|i| is_assessable(plan, panel, i)))
            .collect();
        for r in &self.rows {
            match plan
                .find(&r.indicator)
                .filter(|&i| plan.nodes[i].kind == Kind::Indicator)
            {
                None => out.push(unknown_indicator(r, &indicators, &assessable)),
                Some(i) if !is_assessable(plan, panel, i) => {
                    out.push(measured_indicator(r, !plan.nodes[i].children.is_empty()));
                }
                Some(_) => {}
            }
            if panel
                .countries
                .binary_search_by(|c| c.iso3.as_str().cmp(&r.iso3))
                .is_err()
            {
                out.push(unknown_country(r, panel));
            }
            if panel.year_idx(r.year).is_none() {
                let range = format!("{}..{}", panel.first_year, panel.last_year());
                let d = data_err(
                    "D019",
                    format!(
                        "assessment year {} is outside the data ({range}) (line {} of `{}`)",
                        r.year, r.line, r.file
                    ),
                );
                out.push(r.label(d, r.year_at, "not in the data").with_hint(format!(
                    "assess a year from {range}, or give data that cover {} with --data",
                    r.year
                )));
            }
        }
        out
    }
}

/// True for a measure node that reads analyst assessments (and no data).
pub fn reads_assessments(plan: &Plan, panel: &Panel, node: usize) -> bool {
    plan.nodes[node]
        .measure
        .as_ref()
        .is_some_and(|m| !m.columns.is_empty() && m.columns.iter().all(|&c| panel.is_assessed(c)))
}

/// A qualitative indicator whose measures (if any) read only assessments.
fn is_assessable(plan: &Plan, panel: &Panel, node: usize) -> bool {
    let n = &plan.nodes[node];
    n.qualitative
        && n.children
            .iter()
            .all(|&(c, _)| reads_assessments(plan, panel, c))
}

fn unknown_indicator(r: &Assessment, indicators: &[&str], assessable: &[&str]) -> Diagnostic {
    let d = data_err(
        "D016",
        format!(
            "the framework has no indicator `{}` (line {} of `{}`)",
            r.indicator, r.line, r.file
        ),
    );
    let hint = match did_you_mean(&r.indicator, indicators.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if assessable.is_empty() => {
            "this framework has no qualitative indicator to assess".to_string()
        }
        None => format!("qualitative indicators: {}", assessable.join(", ")),
    };
    r.label(d, r.indicator_at, "unknown indicator")
        .with_hint(hint)
}

fn measured_indicator(r: &Assessment, has_measures: bool) -> Diagnostic {
    let (msg, hint) = if has_measures {
        (
            "is measured from data",
            "assessments are only for indicators marked `qualitative: true` without measures; remove the row",
        )
    } else {
        (
            "is not qualitative",
            "remove the row, or mark the indicator `qualitative: true` in the framework if analysts are to assess it",
        )
    };
    let d = data_err(
        "D017",
        format!(
            "indicator `{}` {msg} (line {} of `{}`)",
            r.indicator, r.line, r.file
        ),
    );
    r.label(d, r.indicator_at, "not an assessed indicator")
        .with_hint(hint)
}

fn unknown_country(r: &Assessment, panel: &Panel) -> Diagnostic {
    let d = data_err(
        "D018",
        format!(
            "country `{}` is not in the data (line {} of `{}`)",
            r.iso3, r.line, r.file
        ),
    );
    let named = |i: usize| {
        let c = &panel.countries[i];
        format!("did you mean `{}` ({})?", c.iso3, c.name)
    };
    let hint = panel
        .find_country(&r.iso3)
        .map(named)
        .or_else(|| {
            let codes = panel.countries.iter().map(|c| c.iso3.as_str());
            let names = panel.countries.iter().map(|c| c.name.as_str());
            did_you_mean(&r.iso3, codes)
                .or_else(|| did_you_mean(&r.iso3, names))
                .and_then(|s| panel.find_country(&s))
                .map(named)
        })
        .unwrap_or_else(|| {
            format!(
                "use a country code of the data ({} countries, such as `{}`)",
                panel.countries.len(),
                panel.countries.first().map_or("", |c| c.iso3.as_str())
            )
        });
    r.label(d, r.iso3_at, "not in the data").with_hint(hint)
}

/// The 1-based line of the header: the first line that is neither blank nor a comment.
fn header_line(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for l in bytes.split(|b| *b == b'\n') {
        n += 1;
        let t = l.trim_ascii();
        if !t.is_empty() && !t.starts_with(b"#") {
            return n;
        }
    }
    1
}

/// The byte position of a record's first field: a record read after comment
/// lines starts, for the CSV reader, at the first of them.
fn after_comments(bytes: &[u8], pos: u64) -> u64 {
    let mut b = usize::try_from(pos).unwrap_or(usize::MAX).min(bytes.len());
    loop {
        while b < bytes.len() && matches!(bytes[b], b'\n' | b'\r') {
            b += 1;
        }
        if bytes.get(b) != Some(&b'#') {
            return b as u64;
        }
        while b < bytes.len() && bytes[b] != b'\n' {
            b += 1;
        }
    }
}

/// Parses an assessed value: a number from 0 to 1, `present`, `absent` or `unknown`.
fn parse_value(raw: &str) -> Result<Option<f64>, Option<f64>> {
    let t = raw.trim();
    match t.to_ascii_lowercase().as_str() {
        "present" => return Ok(Some(1.0)),
        "absent" => return Ok(Some(0.0)),
        "unknown" => return Ok(None),
        _ => {}
    }
    match t.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(Some(v)),
        Ok(v) if v.is_finite() => Err(Some(v)),
        _ => Err(None),
    }
}

fn parse_confidence(raw: &str) -> Result<Option<Confidence>, ()> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "low" => Ok(Some(Confidence::Low)),
        "medium" => Ok(Some(Confidence::Medium)),
        "high" => Ok(Some(Confidence::High)),
        _ => Err(()),
    }
}

fn read_file(
    input: &Input<'_>,
    rows: &mut Vec<Assessment>,
    seen: &mut HashMap<(String, i32, String), usize>,
) -> Result<(), Diagnostic> {
    let name = &input.name;
    let bytes = strip_bom(input.bytes);
    let head = header_line(bytes);
    let label = |d: Diagnostic, line: u64, field: usize, text: &str| {
        let (col, len) = field_span(input.bytes, line, field);
        d.at(name, line, col, len, text)
    };
    check_line_endings(input)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let header = rdr
        .byte_headers()
        .map_err(|e| csv_error(input, &e))?
        .clone();
    if header.iter().all(|h| h.trim_ascii().is_empty()) {
        return Err(
            data_err("D002", format!("assessment file `{name}` is empty"))
                .at(name, 1, 1, 1, "no header row")
                .with_hint(format!(
                    "an assessment file starts with the header `{HEADER}`"
                )),
        );
    }
    // Field index of each known column.
    let mut at: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    for (i, h) in header.iter().enumerate() {
        let Ok(h) = std::str::from_utf8(h) else {
            return Err(label(
                data_err("D007", format!("the header of `{name}` is not valid UTF-8")),
                head,
                i,
                "invalid bytes",
            )
            .with_hint("save the file as UTF-8"));
        };
        let h = h.trim().to_ascii_lowercase();
        let Some(k) = COLUMNS.iter().position(|c| *c == h) else {
            let hint = match did_you_mean(&h, COLUMNS) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            return Err(label(
                data_err(
                    "D012",
                    format!("column `{h}` is not a column of an assessment file (`{name}`)"),
                ),
                head,
                i,
                "unknown column",
            )
            .with_hint(format!(
                "{hint}an assessment file has the columns {}; put other information in `note`, or remove the column",
                COLUMNS.join(", ")
            )));
        };
        if let Some(j) = at[k] {
            return Err(label(
                data_err(
                    "D005",
                    format!("column `{h}` appears twice in the header of `{name}`"),
                ),
                head,
                i,
                "again here",
            )
            .with_hint(format!("remove one of them (the first is field {})", j + 1)));
        }
        at[k] = Some(i);
    }
    let missing: Vec<&str> = (0..4)
        .filter(|&k| at[k].is_none())
        .map(|k| COLUMNS[k])
        .collect();
    let (Some(iso_f), Some(year_f), Some(ind_f), Some(val_f)) = (at[0], at[1], at[2], at[3]) else {
        return Err(data_err(
            "D012",
            format!(
                "assessment file `{name}` has no `{}` column",
                missing.join("`, `")
            ),
        )
        .at(name, head, 1, 1, "header")
        .with_hint(format!(
            "an assessment file needs the columns iso3, year, indicator and value, for example `{HEADER}`"
        )));
    };
    check_record_limits(input, &header, head, 0)?;
    let mut rec = csv::ByteRecord::new();
    let mut lines = LineCounter::default();
    let mut n_rows = 0usize;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(csv_error_at(input, &e, |pos| {
                    line_at(bytes, after_comments(bytes, pos))
                }));
            }
        }
        let line = rec
            .position()
            .map_or(0, |p| lines.line_at(bytes, after_comments(bytes, p.byte())));
        n_rows += 1;
        check_record_limits(input, &rec, line, n_rows)?;
        let text = |i: usize| -> Result<&str, Diagnostic> {
            std::str::from_utf8(&rec[i])
                .map(str::trim)
                .map_err(|_| {
                    label(
                        data_err(
                            "D007",
                            format!(
                                "line {line} of `{name}` is not valid UTF-8 (column `{}`)",
                                COLUMNS[at.iter().position(|f| *f == Some(i)).unwrap_or(0)]
                            ),
                        ),
                        line,
                        i,
                        "invalid bytes",
                    )
                    .with_hint("save the file as UTF-8")
                })
                .and_then(|s| check_control(input, line, i, s).map(|()| s))
        };
        let opt = |k: usize| -> Result<Option<String>, Diagnostic> {
            match at[k] {
                Some(f) => Ok(Some(text(f)?.to_string()).filter(|s| !s.is_empty())),
                None => Ok(None),
            }
        };
        let (iso3, year) = row_key(
            input,
            line,
            (text(iso_f)?, iso_f),
            (text(year_f)?, year_f),
            "iso3",
        )?;
        let indicator = text(ind_f)?.to_string();
        if indicator.is_empty() {
            return Err(label(
                data_err(
                    "D016",
                    format!("empty `indicator` on line {line} of `{name}`"),
                ),
                line,
                ind_f,
                "empty",
            )
            .with_hint("name the qualitative indicator the row assesses, by its id"));
        }
        let raw = text(val_f)?;
        let value = match parse_value(raw) {
            Ok(v) => v,
            Err(Some(v)) => {
                return Err(label(
                    data_err(
                        "D014",
                        format!("assessed value {v} is outside 0-1 (line {line} of `{name}`)"),
                    ),
                    line,
                    val_f,
                    "outside 0-1",
                )
                .with_hint("assessed values are from 0 (absent) to 1 (present)"));
            }
            Err(None) => {
                return Err(label(
                    data_err(
                        "D013",
                        format!("`{raw}` is not an assessed value (line {line} of `{name}`)"),
                    ),
                    line,
                    val_f,
                    "not a value",
                )
                .with_hint(
                    "write a number from 0 to 1, `present`, `absent`, or `unknown` when the analyst could not tell",
                ));
            }
        };
        let confidence = match at[4] {
            Some(f) => parse_confidence(text(f)?).map_err(|()| {
                label(
                    data_err(
                        "D015",
                        format!(
                            "`{}` is not a confidence (line {line} of `{name}`)",
                            text(f).unwrap_or_default()
                        ),
                    ),
                    line,
                    f,
                    "not a confidence",
                )
                .with_hint("write `low`, `medium` or `high`, or leave the cell empty")
            })?,
            None => None,
        };
        let line32 = u32::try_from(line).unwrap_or(u32::MAX);
        let key = (iso3.clone(), year, indicator.clone());
        if let Some(&prev) = seen.get(&key) {
            let p: &Assessment = &rows[prev];
            return Err(data_err(
                "D005",
                format!("duplicate assessment {iso3} {year} `{indicator}` in `{name}`"),
            )
            .at(name, line, 1, 3, "again here")
            .at(&p.file, u64::from(p.line), 1, 3, "first here")
            .with_hint(
                "each (iso3, year, indicator) may be assessed once; remove or merge one of the rows",
            ));
        }
        seen.insert(key, rows.len());
        let span = |f: usize| {
            let (col, len) = field_span(input.bytes, line, f);
            Span { col, len }
        };
        rows.push(Assessment {
            analyst: Analyst {
                source: opt(5)?,
                confidence,
                note: opt(6)?,
            },
            iso3,
            year,
            indicator,
            value,
            file: name.clone(),
            line: line32,
            value_field: u32::try_from(val_f + 1).unwrap_or(u32::MAX),
            iso3_at: span(iso_f),
            year_at: span(year_f),
            indicator_at: span(ind_f),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::data::test_inputs;

    fn parse(files: &[(&str, &str)]) -> Result<Assessments, Diagnostic> {
        Assessments::parse(&test_inputs(files))
    }

    fn err(text: &str) -> Diagnostic {
        parse(&[("a.csv", text)]).unwrap_err()
    }

    #[test]
    fn reads_values_keywords_comments_and_free_column_order() {
        let a = parse(&[(
            "a.csv",
            "# synthetic\nindicator,value,year,iso3,note\nq,0.25,2020,AAA,\n\n# more\nq,present,2021,AAA,x\nq,absent,2022,AAA,\nq,Unknown,2023,AAA,\n",
        )])
        .unwrap();
        let v: Vec<(Option<f64>, u32)> = a.rows.iter().map(|r| (r.value, r.line)).collect();
        assert_eq!(
            v,
            [(Some(0.25), 3), (Some(1.0), 6), (Some(0.0), 7), (None, 8)]
        );
        assert_eq!(a.rows[1].analyst.note.as_deref(), Some("x"));
        assert_eq!(a.rows[0].analyst.note, None);
        assert_eq!(a.rows[0].analyst.confidence, None);
        assert_eq!(a.rows[0].value_field, 2);
    }

    #[test]
    fn reads_confidence_and_source() {
        let a = parse(&[(
            "a.csv",
            "iso3,year,indicator,value,confidence,source,note\nAAA,2020,q,1,High,\"Report, 2020\",n\n",
        )])
        .unwrap();
        let an = &a.rows[0].analyst;
        assert_eq!(an.confidence, Some(Confidence::High));
        assert_eq!(an.source.as_deref(), Some("Report, 2020"));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let h = "iso3,year,indicator,value,confidence\n";
        for (row, code, at) in [
            ("AAA,2020,q,maybe,", "D013", "a.csv:2:12"),
            ("AAA,2020,q,1.5,", "D014", "a.csv:2:12"),
            ("AAA,20x0,q,1,", "D009", "a.csv:2:5"),
            ("AAA,2020,q,1,sure", "D015", "a.csv:2:14"),
        ] {
            let e = err(&format!("{h}{row}\n"));
            assert_eq!(
                (e.code, e.location().unwrap().as_str()),
                (code, at),
                "{row}"
            );
        }
        let e = err(&format!("{h}AAA,2020,q,1,\nAAA,2020,q,0,\n"));
        assert_eq!(e.code, "D005");
        assert_eq!(
            (
                e.labels[0].line,
                e.labels[1].line,
                e.labels[1].file.as_str()
            ),
            (3, 2, "a.csv")
        );
        let e = err("iso3,year,value\nAAA,2020,1\n");
        assert_eq!(
            (e.code, e.location().unwrap()),
            ("D012", "a.csv:1:1".into())
        );
        assert!(e.message.contains("`indicator`"), "{}", e.message);
        let e = err("iso3,year,indicator,value,notes\n");
        assert_eq!(
            (e.code, e.location().unwrap()),
            ("D012", "a.csv:1:27".into())
        );
        assert!(e.hint.unwrap().contains("did you mean `note`?"));
        let e = err("# only a comment\n");
        assert_eq!(e.code, "D002");
        let e = err(&format!("{h}AAA,2020,,1,\n"));
        assert_eq!(e.code, "D016");
        let e = err(&format!("{h},2020,q,1,\n"));
        assert_eq!(e.code, "D011");
        let e = err(&format!("{h}# c\nAAA,2020,q,1\n"));
        assert_eq!(
            (e.code, e.location().unwrap()),
            ("D006", "a.csv:3:1".into())
        );
    }

    #[test]
    fn duplicate_across_files_names_both() {
        let h = "iso3,year,indicator,value\n";
        let e = parse(&[
            ("a.csv", &format!("{h}AAA,2020,q,1\n")),
            ("b.csv", &format!("{h}BBB,2020,q,1\nAAA,2020,q,0\n")),
        ])
        .unwrap_err();
        assert_eq!(e.code, "D005");
        assert_eq!(e.location().unwrap(), "b.csv:3:1");
        assert_eq!((e.labels[1].file.as_str(), e.labels[1].line), ("a.csv", 2));
    }

    #[test]
    fn values_at_the_bounds_are_accepted() {
        assert_eq!(parse_value(" 0 "), Ok(Some(0.0)));
        assert_eq!(parse_value("1"), Ok(Some(1.0)));
        assert_eq!(parse_value("-0.1"), Err(Some(-0.1)));
        assert_eq!(parse_value("inf"), Err(None));
        assert_eq!(parse_value("NaN"), Err(None));
        assert_eq!(parse_value(""), Err(None));
    }

    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors: [{id: r, title: R, crimes: [g], kind: dynamic}]\nindicators:\n  - {id: m, risk_factor: r, text: t, measures: [{column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]}\n  - {id: q, risk_factor: r, text: t, qualitative: true}\n  - {id: open, risk_factor: r, text: t}\n";
    // synthetic: AAA and BBB, 2000-2009
    const CSV: &str = "iso3,country,year,x\nAAA,Alpha,2000,1\nBBB,Beta,2009,2\n";

    fn run(assessments: &str) -> Result<(Plan, Panel, crate::score::Scores), Diagnostics> {
        let data = test_inputs(&[("d.csv", CSV)]);
        crate::assess_with("t.yaml", FW, &data, &test_inputs(&[("a.csv", assessments)]))
    }

    #[test]
    fn check_reports_every_row_that_does_not_fit() {
        let e = run("iso3,year,indicator,value\nAAA,2000,Q,1\nAAA,2000,m,1\nAAA,2000,open,1\nalpha,2000,q,1\nZZZ,2000,q,1\nAAA,1999,q,1\n")
            .unwrap_err();
        let found: Vec<(&str, u64)> = e.0.iter().map(|d| (d.code, d.labels[0].line)).collect();
        assert_eq!(
            found,
            [
                ("D016", 2),
                ("D017", 3),
                ("D017", 4),
                ("D018", 5),
                ("D018", 6),
                ("D019", 7)
            ]
        );
        assert_eq!(e.0[0].hint.as_deref(), Some("did you mean `q`?"));
        assert!(e.0[1].message.contains("measured from data"));
        assert!(e.0[2].message.contains("not qualitative"));
        assert_eq!(e.0[3].hint.as_deref(), Some("did you mean `AAA` (Alpha)?"));
        assert!(e.0[5].hint.as_deref().unwrap().contains("2000..2009"));
    }

    #[test]
    fn assessed_value_is_the_score_carried_five_years_until_unknown() {
        let (plan, panel, s) = run(
            "iso3,year,indicator,value,confidence,source\nAAA,2000,q,0.7,low,S\nAAA,2007,q,unknown,,\nBBB,2001,q,present,,\n",
        )
        .unwrap();
        let m = plan.find("q/assessment").unwrap();
        let q = plan.find("q").unwrap();
        let aaa = |y: usize| panel.cell(0, y);
        assert_eq!(
            s.measure(m, aaa(0)),
            Some((0.7, crate::score::Status::Observed))
        );
        assert_eq!(s.value(q, aaa(0)), 0.7);
        for y in 1..=5 {
            assert_eq!(
                s.measure(m, aaa(y)).unwrap().1,
                crate::score::Status::CarriedForward { from_year: 2000 }
            );
            assert_eq!(s.value(q, aaa(y)), 0.7);
        }
        assert!(s.value(q, aaa(6)).is_nan(), "past five years");
        assert!(s.value(q, aaa(7)).is_nan(), "stated unknown");
        // BBB: present in 2001, carried to 2006; 2000 has no value
        assert!(s.value(q, panel.cell(1, 0)).is_nan());
        assert_eq!(s.value(q, panel.cell(1, 6)), 1.0);
        assert!(s.value(q, panel.cell(1, 7)).is_nan());
        // the trace points at the assessment row
        let cells = crate::score::trace(&plan, &panel, &s, m, 0, 3);
        let r = panel.cell_ref(cells[0].0, cells[0].1);
        assert_eq!(
            (r.file.as_str(), r.line, r.column.as_str(), r.year),
            ("a.csv", 2, "value", 2000)
        );
        let an = panel.analyst(cells[0].0, cells[0].1).unwrap();
        assert_eq!(an.confidence, Some(Confidence::Low));
        assert_eq!(an.source.as_deref(), Some("S"));
    }

    #[test]
    fn unknown_stops_carrying_until_a_new_assessment() {
        let (plan, panel, s) =
            run("iso3,year,indicator,value\nAAA,2000,q,0.5\nAAA,2002,q,unknown\nAAA,2004,q,0.2\n")
                .unwrap();
        let q = plan.find("q").unwrap();
        let v: Vec<f64> = (0..7).map(|y| s.value(q, panel.cell(0, y))).collect();
        assert_eq!(v[0..2], [0.5, 0.5]);
        assert!(v[2].is_nan() && v[3].is_nan());
        assert_eq!(v[4..7], [0.2, 0.2, 0.2]);
    }

    #[test]
    fn without_assessments_a_qualitative_indicator_has_no_measure() {
        let (plan, ..) =
            crate::assess_with("t.yaml", FW, &test_inputs(&[("d.csv", CSV)]), &[]).unwrap();
        assert!(plan.find("q/assessment").is_none());
        assert!(plan.nodes[plan.find("q").unwrap()].children.is_empty());
    }
}
