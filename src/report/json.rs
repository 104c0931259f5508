//! The full result as JSON: every node of every reported country-year with its
//! value, band and coverage; measures with their transformed value and how it
//! was obtained; indicators with the input cells they came from (analyst
//! assessments with their source, confidence and note).

use serde::Serialize;

use super::{Run, round};
use crate::data::CellRef;
use crate::data::assessments::Analyst;
use crate::framework::compile::Kind;
use crate::score::{self, Status};

#[derive(Serialize)]
struct Doc<'a> {
    atrisk_version: &'static str,
    framework: FrameworkInfo<'a>,
    data: &'a [String],
    years: Vec<i32>,
    nodes: Vec<NodeInfo<'a>>,
    results: Vec<CountryYear<'a>>,
}

#[derive(Serialize)]
struct FrameworkInfo<'a> {
    id: &'a str,
    title: &'a str,
    version: &'a str,
    file: &'a str,
}

#[derive(Serialize)]
struct NodeInfo<'a> {
    id: &'a str,
    kind: Kind,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    qualitative: bool,
    children: Vec<Child<'a>>,
}

#[derive(Serialize)]
struct Child<'a> {
    id: &'a str,
    weight: f64,
}

#[derive(Serialize)]
struct CountryYear<'a> {
    iso3: &'a str,
    country: &'a str,
    year: i32,
    rank: usize,
    score: Option<f64>,
    band: Option<String>,
    indicators_with_data: usize,
    indicators_measured: usize,
    nodes: Vec<NodeResult<'a>>,
}

#[derive(Serialize)]
struct NodeResult<'a> {
    id: &'a str,
    value: Option<f64>,
    band: Option<&'a str>,
    coverage: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inputs: Option<Vec<Input<'a>>>,
}

#[derive(Serialize)]
struct Input<'a> {
    measure: String,
    #[serde(flatten)]
    cell: CellRef,
    raw: String,
    /// For an analyst assessment: its source, confidence and note.
    #[serde(skip_serializing_if = "Option::is_none")]
    analyst: Option<&'a Analyst>,
}

/// Writes the JSON document.
pub fn write(run: &Run<'_>) -> String {
    let plan = run.plan;
    let panel = run.panel;
    let nodes = plan
        .nodes
        .iter()
        .map(|n| NodeInfo {
            id: &n.id,
            kind: n.kind,
            title: &n.title,
            source: n.source.as_deref(),
            qualitative: n.qualitative,
            children: n
                .children
                .iter()
                .map(|&(c, w)| Child {
                    id: &plan.nodes[c].id,
                    weight: w,
                })
                .collect(),
        })
        .collect();
    let mut results = Vec::new();
    for &y in &run.years {
        for r in run.ranked(y) {
            let cell = panel.cell(r.country, y);
            let c = &panel.countries[r.country];
            let nodes = plan
                .nodes
                .iter()
                .enumerate()
                .map(|(ni, n)| {
                    let v = run.scores.value(ni, cell);
                    let measure = run.scores.measure(ni, cell);
                    let inputs = (n.kind == Kind::Indicator && !n.children.is_empty()).then(|| {
                        n.children
                            .iter()
                            .flat_map(|&(m, _)| {
                                let mid = plan.nodes[m]
                                    .id
                                    .rsplit('/')
                                    .next()
                                    .unwrap_or("")
                                    .to_string();
                                score::trace(plan, panel, run.scores, m, r.country, y)
                                    .into_iter()
                                    .map(move |cell| (mid.clone(), cell))
                            })
                            .map(|(measure, (col, cc))| Input {
                                measure,
                                cell: panel.cell_ref(col, cc),
                                raw: fmt_raw(panel.value(col, cc)),
                                analyst: panel.analyst(col, cc),
                            })
                            .collect()
                    });
                    NodeResult {
                        id: &n.id,
                        value: round(v, 6),
                        band: if n.kind == Kind::Measure {
                            None
                        } else {
                            plan.band(ni, v)
                        },
                        coverage: round(run.scores.coverage(ni, cell), 6),
                        raw: measure.map(|(x, _)| round(x, 6)),
                        status: measure.map(|(_, s)| s),
                        inputs,
                    }
                })
                .collect();
            results.push(CountryYear {
                iso3: &c.iso3,
                country: &c.name,
                year: panel.year(y),
                rank: r.rank,
                score: round(r.score, 6),
                band: r.band.clone(),
                indicators_with_data: r.indicators_with_data.0,
                indicators_measured: r.indicators_with_data.1,
                nodes,
            });
        }
    }
    let doc = Doc {
        atrisk_version: env!("CARGO_PKG_VERSION"),
        framework: FrameworkInfo {
            id: &plan.id,
            title: &plan.title,
            version: &plan.version,
            file: &plan.file,
        },
        data: &panel.files,
        years: run.years.iter().map(|&y| panel.year(y)).collect(),
        nodes,
        results,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn fmt_raw(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        v.to_string()
    }
}
