//! Running the worked examples of a framework (`atrisk test`).
//!
//! An example of an indicator is scored by the same pipeline as real data: a
//! one-country panel is built from the example's raw values (every other
//! column of the framework empty), the framework is compiled against it and
//! evaluated, and the indicator's score in the last year is read. An example
//! of a risk factor, crime or the overall score applies the node's aggregation
//! to the child scores the example gives.

use std::collections::{BTreeSet, HashMap};

use serde_saphyr::Spanned;

use crate::compile::{self, Plan};
use crate::data::{Input, Panel};
use crate::diagnostic::{Diagnostic, Diagnostics, Origin};
use crate::framework::located::measure_columns;
use crate::framework::model::{Example, Framework, Given};
use crate::score::{self, aggregate};

/// Largest accepted difference from an expected value when an example sets no `tolerance`.
pub const DEFAULT_TOLERANCE: f64 = 1e-6;

/// Code of a failed example.
pub const FAILED: &str = "T001";

/// The result of one example.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Outcome {
    /// Id of the node the example belongs to.
    pub node: String,
    /// File of the example.
    pub file: String,
    /// 1-based line of the example.
    pub line: u64,
    /// 1-based column of the example.
    pub column: u64,
    /// The expected score, if any.
    pub expected_value: Option<f64>,
    /// Accepted difference from the expected score.
    pub tolerance: f64,
    /// The expected band, if any.
    pub expected_band: Option<String>,
    /// The score computed (`None`: the node gets no score from these inputs).
    pub value: Option<f64>,
    /// The band of the score computed.
    pub band: Option<String>,
    /// True when everything expected was found.
    pub passed: bool,
}

impl Outcome {
    /// A failed example as a diagnostic: expected against got, at the example.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut expected = Vec::new();
        let mut got = Vec::new();
        if let Some(v) = self.expected_value {
            expected.push(format!("score {} (± {})", num(v), self.tolerance));
            got.push(format!(
                "score {}",
                self.value.map_or("none".to_string(), num)
            ));
        }
        if let Some(b) = &self.expected_band {
            expected.push(format!("band `{b}`"));
            got.push(match &self.band {
                Some(b) => format!("band `{b}`"),
                None => "no band".to_string(),
            });
        }
        Diagnostic::error(
            FAILED,
            Origin::Framework,
            format!(
                "example of `{}` failed: expected {}, got {}",
                self.node,
                expected.join(" and "),
                got.join(" and ")
            ),
        )
        .at(&self.file, self.line, self.column, 1, "this example")
        .with_hint(
            "the node is computed from the example's inputs alone (other inputs missing); correct the rule or the expected result",
        )
    }
}

/// A number for messages: at most nine decimals.
fn num(x: f64) -> String {
    ((x * 1e9).round() / 1e9).to_string()
}

/// Runs every example of a validated framework. Errors only when the
/// framework cannot be compiled against the example data.
pub fn run(fw: &Framework, file: &str) -> Result<Vec<Outcome>, Diagnostics> {
    let columns: Vec<String> = fw
        .indicators
        .iter()
        .flat_map(|i| &i.measures)
        .flat_map(measure_columns)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let empty: HashMap<&str, &Option<Given>> = HashMap::new();
    let plan = compile_on(fw, file, &columns, &empty)?.0;
    let mut out = Vec::new();
    for ind in &fw.indicators {
        if ind.measures.is_empty() {
            continue;
        }
        for ex in &ind.examples {
            let (plan, panel) = compile_on(fw, file, &columns, &inputs(&ex.value))
                .map_err(|d| at_example(d, file, ex))?;
            let scores = score::evaluate(&plan, &panel);
            let cell = panel.cell(0, panel.n_years - 1);
            let value = plan.find(&ind.id.value).map(|n| (n, scores.value(n, cell)));
            out.push(outcome(&plan, file, &ind.id.value, ex, value));
        }
    }
    let higher = fw
        .risk_factors
        .iter()
        .map(|r| (r.id.value.as_str(), &r.examples))
        .chain(fw.crimes.iter().map(|c| (c.id.value.as_str(), &c.examples)))
        .chain(fw.overall.iter().map(|o| ("overall", &o.examples)));
    for (id, examples) in higher {
        for ex in examples {
            let given = inputs(&ex.value);
            let value = plan.find(id).map(|n| {
                let node = &plan.nodes[n];
                let kids: Vec<(f64, f64)> = node
                    .children
                    .iter()
                    .map(|&(c, w)| {
                        let v = match given.get(plan.nodes[c].id.as_str()) {
                            Some(Some(Given::Value(v))) => *v,
                            _ => f64::NAN,
                        };
                        (v, w)
                    })
                    .collect();
                (n, aggregate::aggregate(&node.rule, &kids).value)
            });
            out.push(outcome(&plan, file, id, ex, value));
        }
    }
    Ok(out)
}

fn inputs(ex: &Example) -> HashMap<&str, &Option<Given>> {
    ex.given
        .iter()
        .map(|(k, v)| (k.value.as_str(), v))
        .collect()
}

fn outcome(
    plan: &Plan,
    file: &str,
    id: &str,
    ex: &Spanned<Example>,
    value: Option<(usize, f64)>,
) -> Outcome {
    let e = &ex.value;
    let tolerance = e.tolerance.as_ref().map_or(DEFAULT_TOLERANCE, |t| t.value);
    let (got, band) = match value {
        Some((n, v)) if !v.is_nan() => (Some(v), plan.band(n, v).map(str::to_string)),
        _ => (None, None),
    };
    let value_ok = e
        .value
        .as_ref()
        .is_none_or(|v| got.is_some_and(|g| (g - v.value).abs() <= tolerance));
    let band_ok = e
        .band
        .as_ref()
        .is_none_or(|b| band.as_deref() == Some(b.value.as_str()));
    Outcome {
        node: id.to_string(),
        file: file.to_string(),
        line: ex.referenced.line().max(1),
        column: ex.referenced.column().max(1),
        expected_value: e.value.as_ref().map(|v| v.value),
        tolerance,
        expected_band: e.band.as_ref().map(|b| b.value.clone()),
        value: got,
        band,
        passed: value_ok && band_ok,
    }
}

/// Most yearly values an example can give: the years a panel can hold
/// (1000 to 3000).
pub const MAX_EXAMPLE_YEARS: usize = 2001;

/// Places the problems of an example's one-country panel at the example:
/// the panel is made up, so a location in it would name a file that does not
/// exist. They are framework errors (the example is part of the framework).
fn at_example(d: Diagnostics, file: &str, ex: &Spanned<Example>) -> Diagnostics {
    let (line, column) = (ex.referenced.line().max(1), ex.referenced.column().max(1));
    Diagnostics(
        d.0.into_iter()
            .map(|mut d| {
                if d.labels.is_empty() || d.labels.iter().any(|l| l.file != file) {
                    d.labels = Vec::new();
                    d = d.at(file, line, column, 1, "this example");
                }
                d.origin = Origin::Framework;
                d
            })
            .collect(),
    )
}

/// Compiles the framework against a one-country panel holding every column
/// the framework reads, filled from an example's raw values (the last row is
/// the year scored; lists of yearly values end there).
fn compile_on(
    fw: &Framework,
    file: &str,
    columns: &[String],
    given: &HashMap<&str, &Option<Given>>,
) -> Result<(Plan, Panel), Diagnostics> {
    let years = given
        .values()
        .map(|g| match g {
            Some(Given::Series(s)) => s.len(),
            _ => 1,
        })
        .max()
        .unwrap_or(1)
        .max(1);
    if years > MAX_EXAMPLE_YEARS {
        return Err(Diagnostic::error(
            "F021",
            Origin::Framework,
            format!(
                "an example gives {years} yearly values, more than the {MAX_EXAMPLE_YEARS} years a panel can hold"
            ),
        )
        .with_hint(format!(
            "give at most {MAX_EXAMPLE_YEARS} yearly values, oldest first; only the years a rule looks back over matter"
        ))
        .into());
    }
    // Years end at 2000 + n - 1, or at 3000 for the longest lists.
    let first_year = 2000.min(3001 - years);
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = ["iso3", "year"]
        .into_iter()
        .chain(columns.iter().map(String::as_str));
    let mut rows: Vec<Vec<String>> = vec![header.map(str::to_string).collect()];
    for y in 0..years {
        let mut row = vec!["EXAMPLE".to_string(), (first_year + y).to_string()];
        for c in columns {
            let cell = match given.get(c.as_str()) {
                Some(Some(Given::Value(v))) if y + 1 == years => Some(*v),
                Some(Some(Given::Series(s))) => (y + s.len())
                    .checked_sub(years)
                    .and_then(|i| s.get(i).copied().flatten()),
                _ => None,
            };
            row.push(cell.map_or(String::new(), |v| v.to_string()));
        }
        rows.push(row);
    }
    for r in &rows {
        w.write_record(r)
            .map_err(|e| internal(file, &e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| internal(file, &e.to_string()))?;
    let panel = Panel::load(&[Input {
        name: "example".to_string(),
        prefix: None,
        bytes: &bytes,
    }])?;
    let plan = compile::compile(fw, file, &panel)?;
    Ok((plan, panel))
}

fn internal(file: &str, msg: &str) -> Diagnostics {
    Diagnostic::error(
        "F021",
        Origin::Framework,
        format!("the examples cannot be set up: {msg}"),
    )
    .at(file, 1, 1, 1, "in this framework")
    .into()
}
