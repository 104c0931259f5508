//! Stage 3: compile a validated framework against a panel into a plan: a flat
//! list of nodes in evaluation order, with data columns resolved to indices.

use super::model::{Band, Direction, Framework, Method, Missing, Normalise, Transform};
use super::validate::{did_you_mean, measure_id, weight};
use crate::data::{Panel, assessments};
use crate::diagnostic::{Diagnostic, Diagnostics, Origin};
use crate::graph;
use crate::score::aggregate::Rule;

/// Default minimum coverage when a framework sets none.
pub const DEFAULT_MIN_COVERAGE: f64 = 0.5;

/// Kinds of node in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Reads data columns.
    Measure,
    /// An indicator of a risk factor.
    Indicator,
    /// A risk factor.
    RiskFactor,
    /// A crime type.
    Crime,
    /// The overall score.
    Overall,
}

/// How a measure reads data.
#[derive(Debug, Clone)]
pub struct MeasurePlan {
    /// Column indices (summed when several).
    pub columns: Vec<usize>,
    /// Transforms in order.
    pub transforms: Vec<Transform>,
    /// Per-capita denominator column of each transform, if any.
    pub denominators: Vec<Option<usize>>,
    /// Direction.
    pub direction: Option<Direction>,
    /// Normalisation.
    pub normalise: Normalise,
    /// Missing-data policy.
    pub missing: Missing,
}

/// One node of the plan.
#[derive(Debug, Clone)]
pub struct Node {
    /// Identifier (measures: `indicator/measure`).
    pub id: String,
    /// Kind.
    pub kind: Kind,
    /// Title or text.
    pub title: String,
    /// Source reference (such as `FoA 1.1`).
    pub source: Option<String>,
    /// Children and their weights.
    pub children: Vec<(usize, f64)>,
    /// Aggregation.
    pub rule: Rule,
    /// Band set index into [`Plan::band_sets`].
    pub bands: usize,
    /// For measures: how data are read.
    pub measure: Option<MeasurePlan>,
    /// For indicators: read from analyst assessments.
    pub qualitative: bool,
    /// 1-based line of the node's id in the framework file.
    pub line: u64,
}

impl Node {
    /// A node with no children, the default rule and the framework's bands.
    fn new(kind: Kind, id: String, title: &str, line: u64) -> Node {
        Node {
            id,
            kind,
            title: title.to_string(),
            source: None,
            children: Vec::new(),
            rule: Rule {
                method: Method::Mean,
                threshold: 0.5,
                intercept: 0.0,
                min_coverage: DEFAULT_MIN_COVERAGE,
            },
            bands: 0,
            measure: None,
            qualitative: false,
            line,
        }
    }
}

/// A compiled framework.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Framework id.
    pub id: String,
    /// Framework title.
    pub title: String,
    /// Framework version.
    pub version: String,
    /// File it was read from.
    pub file: String,
    /// Nodes in evaluation order (children before parents).
    pub nodes: Vec<Node>,
    /// Band sets: (name, min) ascending.
    pub band_sets: Vec<Vec<(String, f64)>>,
    /// Watch-list size.
    pub watchlist_top: usize,
}

impl Plan {
    /// Index of the overall node.
    pub fn overall(&self) -> usize {
        self.nodes
            .iter()
            .position(|n| n.kind == Kind::Overall)
            .unwrap_or(0)
    }

    /// Indices of nodes of a kind, in evaluation order.
    pub fn of_kind(&self, kind: Kind) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].kind == kind)
            .collect()
    }

    /// The band of a value at a node.
    pub fn band(&self, node: usize, value: f64) -> Option<&str> {
        if value.is_nan() {
            return None;
        }
        self.band_sets[self.nodes[node].bands]
            .iter()
            .rev()
            .find(|(_, min)| value >= *min)
            .map(|(n, _)| n.as_str())
    }

    /// Index of a node by id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }
}

/// Bands used when a framework defines none.
pub fn default_bands() -> Vec<(String, f64)> {
    vec![
        ("low".to_string(), 0.0),
        ("moderate".to_string(), 0.25),
        ("high".to_string(), 0.5),
        ("very high".to_string(), 0.75),
    ]
}

fn bands_of(b: &[Band]) -> Vec<(String, f64)> {
    b.iter()
        .map(|b| (b.name.value.clone(), b.min.value))
        .collect()
}

/// Compiles a validated framework against a panel. Unknown columns are
/// reported with the framework's location and a suggestion.
pub fn compile(fw: &Framework, file: &str, panel: &Panel) -> Result<Plan, Diagnostics> {
    let mut diags = Diagnostics::default();
    let default_cov = fw
        .defaults
        .min_coverage
        .as_ref()
        .map_or(DEFAULT_MIN_COVERAGE, |c| c.value);
    let mut band_sets = vec![fw.bands.as_deref().map_or_else(default_bands, bands_of)];
    let mut band_index = |b: &Option<Vec<Band>>| -> usize {
        match b {
            Some(b) => {
                band_sets.push(bands_of(b));
                band_sets.len() - 1
            }
            None => 0,
        }
    };
    let rule = |a: &super::model::Aggregate, default: Method| -> Rule {
        let method = a.method.as_ref().map_or(default, |m| m.value);
        let min_cov =
            a.min_coverage
                .as_ref()
                .map(|c| c.value)
                .unwrap_or(if method == Method::Logistic {
                    1.0
                } else {
                    default_cov
                });
        Rule {
            method,
            threshold: a.threshold.as_ref().map_or(0.5, |t| t.value),
            intercept: a.intercept.as_ref().map_or(0.0, |t| t.value),
            min_coverage: min_cov,
        }
    };
    let resolve =
        |name: &serde_saphyr::Spanned<String>, diags: &mut Diagnostics| -> Option<usize> {
            if let Some(i) = panel.column(&name.value) {
                return Some(i);
            }
            let mut d = Diagnostic::error(
                "D010",
                Origin::Data,
                format!("column `{}` is not in the data", name.value),
            )
            .at(
                file,
                name.referenced.line().max(1),
                name.referenced.column().max(1),
                name.value.chars().count() as u64,
                "referenced here",
            );
            d = match did_you_mean(&name.value, panel.column_names()) {
                Some(s) => d.with_hint(format!(
                    "did you mean `{s}`? Otherwise add the column to a --data file"
                )),
                None => d.with_hint(format!(
                    "add the column to a --data file; the data have {} column{} from {}",
                    panel.columns.len(),
                    if panel.columns.len() == 1 { "" } else { "s" },
                    panel.files.join(", ")
                )),
            };
            diags.push(d);
            None
        };

    let mut nodes: Vec<Node> = Vec::new();
    // Indicators and their measures.
    let mut indicator_idx = Vec::new();
    for ind in &fw.indicators {
        let mut kids = Vec::new();
        for m in &ind.measures {
            let names: Vec<&serde_saphyr::Spanned<String>> = match (&m.column, &m.columns) {
                (Some(c), _) => vec![c],
                (None, Some(cs)) => cs.iter().collect(),
                _ => vec![],
            };
            let cols: Vec<Option<usize>> = names.iter().map(|n| resolve(n, &mut diags)).collect();
            let mut denominators = Vec::new();
            for t in &m.transform {
                denominators.push(match &t.value {
                    Transform::PerCapita(p) => {
                        let s = serde_saphyr::Spanned {
                            value: p.column.clone(),
                            referenced: t.referenced,
                            defined: t.defined,
                        };
                        resolve(&s, &mut diags)
                    }
                    _ => None,
                });
            }
            let (mid, line, _) = measure_id(m);
            let id = format!("{}/{}", ind.id.value, mid);
            let title = m.rationale.as_deref().unwrap_or_default();
            nodes.push(Node {
                measure: Some(MeasurePlan {
                    columns: cols.into_iter().flatten().collect(),
                    transforms: m.transform.iter().map(|t| t.value.clone()).collect(),
                    denominators,
                    direction: m.direction,
                    normalise: m.normalise.value.clone(),
                    missing: m.missing.clone(),
                }),
                ..Node::new(Kind::Measure, id, title, line)
            });
            kids.push((nodes.len() - 1, weight(&m.weight)));
        }
        let assessed = assessments::column_name(&ind.id.value);
        if ind.qualitative
            && ind.measures.is_empty()
            && let Some(col) = panel.column(&assessed)
        {
            nodes.push(Node {
                measure: Some(assessments::measure_plan(col)),
                ..Node::new(
                    Kind::Measure,
                    assessments::measure_id(&ind.id.value),
                    "Analyst assessment",
                    ind.id.referenced.line(),
                )
            });
            kids.push((nodes.len() - 1, 1.0));
        }
        nodes.push(Node {
            source: ind.source.clone(),
            children: kids,
            rule: rule(&ind.aggregate, Method::Mean),
            bands: band_index(&ind.bands),
            qualitative: ind.qualitative,
            ..Node::new(
                Kind::Indicator,
                ind.id.value.clone(),
                &ind.text,
                ind.id.referenced.line(),
            )
        });
        indicator_idx.push(nodes.len() - 1);
    }
    let mut rf_idx = Vec::new();
    for rf in &fw.risk_factors {
        let kids = fw
            .indicators
            .iter()
            .zip(&indicator_idx)
            .filter(|(i, _)| i.risk_factor.value == rf.id.value)
            .map(|(i, &n)| (n, weight(&i.weight)))
            .collect();
        nodes.push(Node {
            source: rf.source.clone(),
            children: kids,
            rule: rule(&rf.aggregate, Method::Mean),
            bands: band_index(&rf.bands),
            ..Node::new(
                Kind::RiskFactor,
                rf.id.value.clone(),
                &rf.title,
                rf.id.referenced.line(),
            )
        });
        rf_idx.push(nodes.len() - 1);
    }
    let mut crime_idx = Vec::new();
    for crime in &fw.crimes {
        let kids = fw
            .risk_factors
            .iter()
            .zip(&rf_idx)
            .filter(|(r, _)| r.crimes.iter().any(|c| c.value == crime.id.value))
            .map(|(r, &n)| (n, weight(&r.weight)))
            .collect();
        nodes.push(Node {
            children: kids,
            rule: rule(&crime.aggregate, Method::Mean),
            bands: band_index(&crime.bands),
            ..Node::new(
                Kind::Crime,
                crime.id.value.clone(),
                &crime.title,
                crime.id.referenced.line(),
            )
        });
        crime_idx.push(nodes.len() - 1);
    }
    let kids = fw
        .crimes
        .iter()
        .zip(&crime_idx)
        .map(|(c, &n)| (n, weight(&c.weight)))
        .collect();
    let title = fw.overall.title.as_deref().unwrap_or("Overall");
    nodes.push(Node {
        children: kids,
        rule: rule(&fw.overall.aggregate, Method::Max),
        bands: band_index(&fw.overall.bands),
        ..Node::new(Kind::Overall, "overall".to_string(), title, 1)
    });
    if diags.has_errors() {
        return Err(diags);
    }
    let nodes = graph::evaluation_order(nodes, file)?;
    Ok(Plan {
        id: fw.id.value.clone(),
        title: fw.title.clone(),
        version: fw.version.clone(),
        file: file.to_string(),
        nodes,
        band_sets,
        watchlist_top: fw.watchlist.as_ref().map_or(20, |w| w.top as usize),
    })
}
