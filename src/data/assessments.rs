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

use super::read::{
    CsvFile, check_control, check_record_limits, data_err, field_span, field_span_at, strip_bom,
};
use super::table::row_key;
use super::{Analyst, AssessedCell, Confidence, Input, Panel};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::did_you_mean;

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
    format!("{}{indicator}", super::ASSESSMENT_PREFIX)
}

/// The id of the measure node that reads an indicator's assessments.
pub fn measure_id(indicator: &str) -> String {
    format!("{indicator}/assessment")
}

/// Where a field of a row is: 1-based character column and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) col: u64,
    pub(crate) len: u64,
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
    pub(crate) value_field: u32,
    /// The value as written in the file.
    pub(crate) raw: String,
    pub(crate) iso3_at: Span,
    pub(crate) year_at: Span,
    pub(crate) indicator_at: Span,
}

impl Assessment {
    pub(crate) fn label(&self, d: Diagnostic, at: Span, text: &str) -> Diagnostic {
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
                    raw: r.raw.clone(),
                });
            }
        }
        for (indicator, (field, cells)) in by_indicator {
            panel.add_assessed_column(&column_name(indicator), "value", field, cells)?;
        }
        Ok(())
    }
}

/// The 1-based line of the header: the first line that is neither blank nor a comment.
fn header_line(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for l in crate::diagnostic::split_lines(bytes) {
        n += 1;
        let t = l.trim_ascii();
        if !t.is_empty() && !t.starts_with(b"#") {
            return n;
        }
    }
    1
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
    let (mut file, header) = CsvFile::open(input, true)?;
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
    while let Some(line) = file.next(&mut rec)? {
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
        // Found from where the record starts: each row costs its own length.
        let start = file.start;
        let span = |f: usize| {
            let (col, len) = field_span_at(file.bytes, start, f);
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
            raw: String::from_utf8_lossy(&rec[val_f]).into_owned(),
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
}
