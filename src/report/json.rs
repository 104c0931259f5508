//! The full result as JSON: every node of every reported country-year with its
//! value, band and coverage; measures with their transformed value and how it
//! was obtained; indicators with the input cells they came from (analyst
//! assessments with their source, confidence and note).

use serde::Serialize;

use crate::analysis::{Row, Run, ValuesBasis, round};
use crate::compile::Kind;
use crate::data::Analyst;
use crate::data::CellRef;
use crate::diagnostic::{Diagnostic, Origin};
use crate::limits::Limit;
use crate::score::{self, Status, recommend};

use super::csv::Selection;

#[derive(Serialize)]
struct Doc<'a> {
    atrisk_version: &'static str,
    framework: FrameworkInfo<'a>,
    data: &'a [String],
    years: Vec<i32>,
    /// The node whose value is the framework's forecast, a probability
    /// reported beside the relative score (absent when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    forecast: Option<&'a str>,
    nodes: Vec<NodeInfo<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actors: Vec<Actor<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    recommendations: Vec<RecInfo<'a>>,
    results: Results<'a, 'a>,
}

/// The results of every country-year, each made only when it is written,
/// so that the document never holds them all twice (once built, once as
/// text).
struct Results<'a, 'r> {
    run: &'r Run<'a>,
    sel: &'r Selection,
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let run = self.run;
        let mut seq = s.serialize_seq(None)?;
        for &y in &run.years {
            for r in self.sel.rows(run, y) {
                seq.serialize_element(&country_year(run, &r, y))?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Actor<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct RecInfo<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    addressed_to: Vec<&'a str>,
    when: Vec<Condition<'a>>,
}

#[derive(Serialize)]
struct Condition<'a> {
    node: &'a str,
    condition: String,
}

/// A recommendation triggered for a country-year.
#[derive(Debug, Serialize)]
pub struct RecResult<'a> {
    /// Recommendation id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Highest score among the nodes whose condition holds.
    pub strength: Option<f64>,
    /// Actor ids.
    pub addressed_to: Vec<&'a str>,
    /// The conditions that hold, strongest first.
    pub triggers: Vec<TriggerResult<'a>>,
}

/// A condition that holds, with the strongest path of contributions under it.
#[derive(Debug, Serialize)]
pub struct TriggerResult<'a> {
    /// Node id.
    pub node: &'a str,
    /// The condition, such as `band at least high`.
    pub condition: String,
    /// The node's score.
    pub value: Option<f64>,
    /// The node's band.
    pub band: Option<String>,
    /// Node ids from the triggering node down to a measure.
    pub path: Vec<&'a str>,
    /// The data cells that measure read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<CellRef>,
}

/// The recommendations triggered for a cell, ready to serialise.
pub fn recommendations<'a>(
    plan: &'a crate::compile::Plan,
    panel: &crate::data::Panel,
    scores: &score::Scores,
    country: usize,
    year_idx: usize,
) -> Vec<RecResult<'a>> {
    recommend::triggered(plan, scores, panel.cell(country, year_idx))
        .into_iter()
        .map(|t| {
            let r = &plan.recommendations[t.rec];
            RecResult {
                id: &r.id,
                title: &r.title,
                strength: round(t.strength, 6),
                addressed_to: r
                    .addressed_to
                    .iter()
                    .map(|&a| plan.actors[a].id.as_str())
                    .collect(),
                triggers: t
                    .hits
                    .iter()
                    .map(|h| TriggerResult {
                        node: &plan.nodes[h.node].id,
                        condition: r.triggers[h.trigger].condition.to_string(),
                        value: round(h.value, 6),
                        band: h.band.clone(),
                        path: h.path.iter().map(|&n| plan.nodes[n].id.as_str()).collect(),
                        cells: h
                            .path
                            .last()
                            .map(|&m| score::trace(plan, panel, scores, m, country, year_idx))
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(col, c)| panel.cell_ref(col, c))
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
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
    /// The forecast's value (null: none for the country-year); absent when
    /// the framework has no forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    probability: Option<Option<f64>>,
    indicators_with_data: usize,
    indicators_measured: usize,
    data_age: ValuesBasis,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    recommendations: Vec<RecResult<'a>>,
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

/// The node results a document for `run` would hold (every node of every
/// country-year written), checked against the `json-nodes` budget before
/// anything is built.
pub fn check_size(run: &Run<'_>, sel: &Selection) -> Result<(), Diagnostic> {
    let nodes = run.plan.nodes.len() as u64;
    let rows =
        (sel.per_year(run.panel.countries.len()) as u64).saturating_mul(run.years.len() as u64);
    let results = nodes.saturating_mul(rows);
    if results > Limit::JsonNodes.get() {
        return Err(Limit::JsonNodes
            .breach(
                Origin::Usage,
                format!(
                    "the JSON document would hold {nodes} nodes for each of {rows} country-years ({} years): {results} node results",
                    run.years.len()
                ),
            )
            .with_hint(format!(
                "choose fewer years with --year or --years A..B, or use --format csv; if this much output is intended, raise the limit with `--limit {}=N` (N >= {results}); see SECURITY.md",
                Limit::JsonNodes.name()
            )));
    }
    Ok(())
}

/// Writes the JSON document of every country-year of the run.
pub fn write(run: &Run<'_>) -> String {
    write_selected(run, &Selection::default())
}

/// Writes the JSON document of the selected country-years (`results` holds
/// only those; ranks stay the ranks among all countries).
pub fn write_selected(run: &Run<'_>, sel: &Selection) -> String {
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
        forecast: plan.forecast().map(|f| plan.nodes[f].id.as_str()),
        nodes,
        actors: plan
            .actors
            .iter()
            .map(|a| Actor {
                id: &a.id,
                title: &a.title,
            })
            .collect(),
        recommendations: plan
            .recommendations
            .iter()
            .map(|r| RecInfo {
                id: &r.id,
                title: &r.title,
                text: r.text.as_deref(),
                source: r.source.as_deref(),
                addressed_to: r
                    .addressed_to
                    .iter()
                    .map(|&a| plan.actors[a].id.as_str())
                    .collect(),
                when: r
                    .triggers
                    .iter()
                    .map(|t| Condition {
                        node: &plan.nodes[t.node].id,
                        condition: t.condition.to_string(),
                    })
                    .collect(),
            })
            .collect(),
        results: Results { run, sel },
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The result of one country-year: every node, with the inputs of indicators.
fn country_year<'a>(run: &Run<'a>, r: &Row, y: usize) -> CountryYear<'a> {
    let plan = run.plan;
    let panel = run.panel;
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
                        raw: panel.raw(col, cc).into_owned(),
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
    CountryYear {
        iso3: &c.iso3,
        country: &c.name,
        year: panel.year(y),
        rank: r.rank,
        score: round(r.score, 6),
        band: r.band.clone(),
        probability: r.probability.map(|p| round(p, 6)),
        indicators_with_data: r.indicators_with_data.0,
        indicators_measured: r.indicators_with_data.1,
        data_age: run.values_basis(r.country, y),
        recommendations: recommendations(plan, panel, run.scores, r.country, y),
        nodes,
    }
}
