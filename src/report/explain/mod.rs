//! Why a country-year scores what it scores: the tree from the overall score
//! down through crimes, risk factors, indicators and measures to the input
//! cells, then the themes and the triggered recommendations with their paths.

use serde::Serialize;

mod text;
pub use text::text;

use super::json::{RecResult, recommendations};
use super::{fmt_probability, fmt_score};
use crate::analysis::round;
use crate::compile::{Kind, MeasurePlan, Plan};
use crate::data::{CellRef, Panel};
use crate::diagnostic::{Diagnostic, Origin};
use crate::framework::model::{Centre, Direction, Method, Missing, Normalise, Transform};
use crate::limits::Limit;
use crate::score::contrib::{self, Contributions};
use crate::score::{self, Scores, Status};

/// The explanation of one country-year.
#[derive(Debug)]
pub struct Explained<'a> {
    /// Country code.
    pub iso3: &'a str,
    /// Country name.
    pub country: &'a str,
    /// Year.
    pub year: i32,
    /// Framework id.
    pub framework: &'a str,
    /// The overall score and everything under it.
    pub overall: ExNode<'a>,
    /// Themes and everything under them.
    pub themes: Vec<ExNode<'a>>,
    /// Every logistic node with a value (a fitted forecast): what each input
    /// adds to its log-odds against the year's average country.
    pub forecasts: Vec<Forecast<'a>>,
    /// Triggered recommendations, strongest first.
    pub recommendations: Vec<RecResult<'a>>,
}

/// One node of the tree.
#[derive(Debug, Clone, Serialize)]
pub struct ExNode<'a> {
    /// Node id.
    pub id: &'a str,
    /// Kind.
    pub kind: Kind,
    /// Title or text.
    pub title: &'a str,
    /// Where the framework defines it (`file:line`).
    pub defined_at: String,
    /// Score (none when insufficient data).
    pub value: Option<f64>,
    /// Band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<&'a str>,
    /// Weight in its parent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Share of the children's weight with data.
    pub coverage: Option<f64>,
    /// How the children combine, such as `mean` (not for measures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// For qualitative indicators without a value: where the value would come from.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub qualitative: bool,
    /// For measures: how the columns are read and normalised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// For measures: the transformed value before normalisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<f64>,
    /// For measures: how the value was obtained.
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub status: Option<Status>,
    /// For measures: the data cells read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Cell>,
    /// A node already explained earlier in the tree (reached again by
    /// another path): its children are not repeated here.
    #[serde(rename = "detailed_above", skip_serializing_if = "std::ops::Not::not")]
    pub repeat: bool,
    /// Children, in framework order (none for a repeat).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ExNode<'a>>,
}

/// A logistic node's value split into its inputs' contributions.
#[derive(Debug, Serialize)]
pub struct Forecast<'a> {
    /// Title of the node.
    pub title: &'a str,
    /// Band of the value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<&'a str>,
    /// Where the framework defines the node.
    pub defined_at: String,
    /// The decomposition.
    #[serde(flatten)]
    pub split: Contributions,
    /// Per input (in the order of `inputs`): its title, and for a measure
    /// the data cells it read.
    pub sources: Vec<InputSource<'a>>,
}

/// Where an input of a forecast comes from.
#[derive(Debug, Serialize)]
pub struct InputSource<'a> {
    /// Input id.
    pub id: &'a str,
    /// Its title or text.
    pub title: &'a str,
    /// For a measure: the data cells read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Cell>,
}

/// An input cell with its value.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Where it is.
    #[serde(flatten)]
    pub at: CellRef,
    /// For a cell of a worksheet (`FILE.xlsx#Sheet`): its address, such as
    /// `C48` (`line` is its row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The value as read.
    pub value: f64,
    /// For analyst assessments: who says so, how sure, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analyst: Option<crate::data::Analyst>,
}

/// Explains a country-year without a budget, every node with all its
/// children: a repeat (see [`explain_within`]) keeps its mark, so the text
/// still shows it as "detailed above", but carries a copy of its subtree.
/// The tree is then as large as the framework's paths, which a hostile
/// framework makes exponential: the command line uses [`explain_within`].
pub fn explain<'a>(
    plan: &'a Plan,
    panel: &'a Panel,
    scores: &Scores,
    country: usize,
    year_idx: usize,
) -> Explained<'a> {
    let mut e = match build_explained(plan, panel, scores, country, year_idx, u64::MAX) {
        Ok(e) => e,
        Err(_) => unreachable!("no budget to pass"),
    };
    let mut full = std::collections::HashMap::new();
    for n in std::iter::once(&e.overall).chain(&e.themes) {
        expanded_size(n, &mut full);
    }
    let overall = expand(&e.overall, &full, true);
    let themes = e.themes.iter().map(|t| expand(t, &full, true)).collect();
    e.overall = overall;
    e.themes = themes;
    e
}

/// Explains a country-year within the budget `explain-nodes`.
///
/// Each node reached by several paths (a risk factor under several crimes,
/// a theme's members) is explained in full the first time, in the order the
/// text prints the tree, and marked as a repeat without its children after
/// that, so the tree is as large as the framework's links, never as large
/// as its paths (which themes sharing members level after level make
/// exponential). An explanation that would still write more nodes and cells
/// than the budget `explain-nodes` is refused (L013).
pub fn explain_within<'a>(
    plan: &'a Plan,
    panel: &'a Panel,
    scores: &Scores,
    country: usize,
    year_idx: usize,
) -> Result<Explained<'a>, Diagnostic> {
    build_explained(
        plan,
        panel,
        scores,
        country,
        year_idx,
        Limit::ExplainNodes.get(),
    )
}

fn build_explained<'a>(
    plan: &'a Plan,
    panel: &'a Panel,
    scores: &Scores,
    country: usize,
    year_idx: usize,
    budget: u64,
) -> Result<Explained<'a>, Diagnostic> {
    let mut b = Builder {
        plan,
        panel,
        scores,
        country,
        year_idx,
        seen: vec![false; plan.nodes.len()],
        written: 0,
        budget,
    };
    let c = &panel.countries[country];
    let overall = b.node(plan.overall(), None, false)?;
    let themes = plan
        .of_kind(Kind::Theme)
        .into_iter()
        .map(|t| b.node(t, None, false))
        .collect::<Result<Vec<_>, _>>()?;
    let mut forecasts = Vec::new();
    for n in contrib::logistic_nodes(plan) {
        let Some(split) = contrib::contributions(plan, panel, scores, n, country, year_idx) else {
            continue;
        };
        let mut sources = Vec::with_capacity(split.inputs.len());
        for i in &split.inputs {
            let cells = cells(plan, panel, scores, i.node, country, year_idx);
            b.count(1 + cells.len())?;
            sources.push(InputSource {
                id: &plan.nodes[i.node].id,
                title: &plan.nodes[i.node].title,
                cells,
            });
        }
        forecasts.push(Forecast {
            title: &plan.nodes[n].title,
            band: plan.band(n, split.probability),
            defined_at: plan.location(n),
            sources,
            split,
        });
    }
    let recommendations = recommendations(plan, panel, scores, country, year_idx);
    for r in &recommendations {
        for t in &r.triggers {
            b.count(1 + t.path.len() + t.cells.len())?;
        }
    }
    Ok(Explained {
        iso3: &c.iso3,
        country: &c.name,
        year: panel.year(year_idx),
        framework: &plan.id,
        overall,
        themes,
        forecasts,
        recommendations,
    })
}

/// Builds the tree, each node's children once.
struct Builder<'a, 's> {
    plan: &'a Plan,
    panel: &'s Panel,
    scores: &'s Scores,
    country: usize,
    year_idx: usize,
    /// Nodes already explained with their children.
    seen: Vec<bool>,
    /// Nodes and cells written so far.
    written: u64,
    budget: u64,
}

impl<'a> Builder<'a, '_> {
    /// Counts `n` more nodes or cells against the budget.
    fn count(&mut self, n: usize) -> Result<(), Diagnostic> {
        self.written = self.written.saturating_add(n as u64);
        if self.written > self.budget {
            return Err(over_budget(self.plan, self.written));
        }
        Ok(())
    }

    /// A node and, unless it was explained before, its subtree. `mark` is
    /// false for the roots (the overall score and each theme as listed),
    /// which are not repeats of anything.
    fn node(
        &mut self,
        ni: usize,
        weight: Option<f64>,
        mark: bool,
    ) -> Result<ExNode<'a>, Diagnostic> {
        let (plan, panel, scores) = (self.plan, self.panel, self.scores);
        let (country, year_idx) = (self.country, self.year_idx);
        let cell = panel.cell(country, year_idx);
        let n = &plan.nodes[ni];
        let v = scores.value(ni, cell);
        let measure = scores.measure(ni, cell);
        let inputs = cells(plan, panel, scores, ni, country, year_idx);
        self.count(1 + inputs.len())?;
        let repeat = mark && n.kind != Kind::Measure && !n.children.is_empty() && self.seen[ni];
        if mark && n.kind != Kind::Measure {
            self.seen[ni] = true;
        }
        let mut children = Vec::new();
        if !repeat {
            children.reserve(n.children.len());
            for &(c, w) in &n.children {
                children.push(self.node(c, Some(w), true)?);
            }
        }
        Ok(ExNode {
            id: &n.id,
            kind: n.kind,
            title: &n.title,
            defined_at: plan.location(ni),
            value: round(v, 6),
            band: if n.kind == Kind::Measure {
                None
            } else {
                plan.band(ni, v)
            },
            weight,
            coverage: round(scores.coverage(ni, cell), 6),
            method: (n.kind != Kind::Measure && !n.children.is_empty())
                .then(|| method_name(n.rule.method, n.rule.threshold, n.rule.intercept)),
            qualitative: n.qualitative && n.children.is_empty(),
            rule: n.measure.as_ref().map(describe),
            raw: measure.and_then(|(x, _)| round(x, 6)),
            status: measure.map(|(_, s)| s),
            inputs,
            repeat,
            children,
        })
    }
}

/// L013: an explanation larger than the budget `explain-nodes`.
fn over_budget(plan: &Plan, written: u64) -> Diagnostic {
    let file = plan.files.last().map(String::as_str).unwrap_or("");
    Limit::ExplainNodes.breach(
        Origin::Framework,
        format!(
            "the explanation by framework `{}` ({file}) would write at least {written} nodes and data cells: its nodes are linked by that many paths, or read that many cells",
            plan.id
        ),
    )
}

/// The data cells a measure read for a country-year (none for other nodes).
fn cells(
    plan: &Plan,
    panel: &Panel,
    scores: &Scores,
    ni: usize,
    country: usize,
    year_idx: usize,
) -> Vec<Cell> {
    if plan.nodes[ni].measure.is_none() {
        return Vec::new();
    }
    score::trace(plan, panel, scores, ni, country, year_idx)
        .into_iter()
        .map(|(col, cc)| {
            let at = panel.cell_ref(col, cc);
            Cell {
                cell: crate::data::xlsx::sheet_cell(&at.file, panel.columns[col].field, at.line),
                at,
                value: panel.value(col, cc),
                analyst: panel.analyst(col, cc).cloned(),
            }
        })
        .collect()
}

fn method_name(m: Method, threshold: f64, intercept: f64) -> String {
    match m {
        Method::Mean => "mean".to_string(),
        Method::GeometricMean => "geometric mean".to_string(),
        Method::Max => "max".to_string(),
        Method::ShareAbove => format!("share at or above {threshold}"),
        Method::Logistic => format!("logistic, intercept {intercept}"),
    }
}

/// How a measure reads and normalises its columns, in words.
pub fn describe(m: &MeasurePlan) -> String {
    let mut parts: Vec<String> = m
        .transforms
        .iter()
        .map(|t| match t {
            Transform::Log => "log".to_string(),
            Transform::Log1p => "log(1+x)".to_string(),
            Transform::Sqrt => "square root".to_string(),
            Transform::PerCapita(p) => format!("per {} {}", p.per, p.column),
            Transform::Lag(k) => format!("value {k} years earlier"),
            Transform::Change(k) => format!("change over {k} years"),
            Transform::RollingMean(k) => format!("mean of {k} years"),
            Transform::RollingMax(k) => format!("highest of {k} years"),
        })
        .collect();
    let dir = match m.direction {
        Some(Direction::HigherIsRiskier) => ", higher is riskier",
        Some(Direction::LowerIsRiskier) => ", lower is riskier",
        None => "",
    };
    parts.push(match &m.normalise {
        Normalise::Goalposts(g) => format!("goalposts {} to {}{dir}", g.min, g.max),
        Normalise::Steps(s) => format!(
            "steps {}",
            s.iter()
                .map(|s| format!("{}->{}", s.min, s.score))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Normalise::Binary(b) => format!("1 at or beyond {}{dir}", b.threshold),
        Normalise::Percentile => format!("percentile within the year{dir}"),
        Normalise::Zscore(z) => format!("z-score within the year, clipped at {}{dir}", z.clip),
        Normalise::Raw => "as is".to_string(),
        Normalise::Centre(Centre::Median) => "minus the median of the year".to_string(),
        Normalise::Centre(Centre::Mean) => "minus the mean of the year".to_string(),
    });
    match &m.missing {
        Missing::Skip => {}
        Missing::Fill(v) => parts.push(format!("missing filled with {v}")),
        Missing::CarryForward(k) => parts.push(format!("missing carried forward up to {k} years")),
    }
    parts.join("; ")
}

/// The explanation as pretty JSON. A node reached by several paths is
/// written in full at each place while the whole document stays within the
/// budget `explain-nodes`; beyond it, each repeat is written once in full and
/// then as `detailed_above` without its children, and the document says so
/// (`repeats_by_reference`).
pub fn json(e: &Explained<'_>) -> String {
    let budget = Limit::ExplainNodes.get();
    let mut full = std::collections::HashMap::new();
    let mut written: u64 = 0;
    for n in std::iter::once(&e.overall).chain(&e.themes) {
        written = written.saturating_add(expanded_size(n, &mut full));
    }
    let rest: usize = e
        .forecasts
        .iter()
        .flat_map(|f| &f.sources)
        .map(|s| 1 + s.cells.len())
        .chain(
            e.recommendations
                .iter()
                .flat_map(|r| &r.triggers)
                .map(|t| 1 + t.path.len() + t.cells.len()),
        )
        .sum();
    written = written.saturating_add(rest as u64);
    let doc = |repeats_by_reference, overall, themes| Doc {
        iso3: e.iso3,
        country: e.country,
        year: e.year,
        framework: e.framework,
        repeats_by_reference,
        overall,
        themes,
        forecasts: &e.forecasts,
        recommendations: &e.recommendations,
    };
    let mut s = if written <= budget {
        let overall = expand(&e.overall, &full, false);
        let themes: Vec<ExNode<'_>> = e.themes.iter().map(|t| expand(t, &full, false)).collect();
        serde_json::to_string_pretty(&doc(false, &overall, &themes))
    } else {
        let overall = strip(&e.overall);
        let themes: Vec<ExNode<'_>> = e.themes.iter().map(strip).collect();
        serde_json::to_string_pretty(&doc(true, &overall, &themes))
    }
    .unwrap_or_default();
    s.push('\n');
    s
}

/// The JSON document of an explanation.
#[derive(Serialize)]
struct Doc<'r, 'a> {
    iso3: &'a str,
    country: &'a str,
    year: i32,
    framework: &'a str,
    /// True when a node reached by several paths is written in full only
    /// the first time, and later as `detailed_above` without its children.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    repeats_by_reference: bool,
    overall: &'r ExNode<'a>,
    themes: &'r [ExNode<'a>],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    forecasts: &'r [Forecast<'a>],
    recommendations: &'r [RecResult<'a>],
}

/// The nodes and cells a subtree would write with every repeat copied in
/// full; `full` maps each id explained in full to that size. A repeat comes
/// after its first, full explanation, so its size is known by then.
fn expanded_size<'a, 'e>(
    n: &'e ExNode<'a>,
    full: &mut std::collections::HashMap<&'a str, (u64, &'e ExNode<'a>)>,
) -> u64 {
    if n.repeat && n.children.is_empty() {
        return full.get(n.id).map_or(1, |(size, _)| *size);
    }
    let mut size = 1 + n.inputs.len() as u64;
    for c in &n.children {
        size = size.saturating_add(expanded_size(c, full));
    }
    if !n.children.is_empty() {
        full.entry(n.id).or_insert((size, n));
    }
    size
}

/// A subtree with every repeat copied in full; `keep_marks` keeps the mark
/// of each repeat (for the text), otherwise it is written as any node.
fn expand<'a>(
    n: &ExNode<'a>,
    full: &std::collections::HashMap<&'a str, (u64, &ExNode<'a>)>,
    keep_marks: bool,
) -> ExNode<'a> {
    let children = match (n.repeat && n.children.is_empty(), full.get(n.id)) {
        (true, Some((_, first))) => &first.children,
        _ => &n.children,
    };
    ExNode {
        repeat: n.repeat && keep_marks,
        children: children
            .iter()
            .map(|c| expand(c, full, keep_marks))
            .collect(),
        ..n.clone_head()
    }
}

/// A subtree with the children of every repeat left out.
fn strip<'a>(n: &ExNode<'a>) -> ExNode<'a> {
    ExNode {
        children: if n.repeat {
            Vec::new()
        } else {
            n.children.iter().map(strip).collect()
        },
        ..n.clone_head()
    }
}

impl ExNode<'_> {
    /// The node without its children.
    fn clone_head(&self) -> Self {
        ExNode {
            inputs: self.inputs.clone(),
            rule: self.rule.clone(),
            method: self.method.clone(),
            defined_at: self.defined_at.clone(),
            children: Vec::new(),
            ..*self
        }
    }
}
