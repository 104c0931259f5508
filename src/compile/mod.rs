//! Stage 3: compile a validated framework against a panel into a plan: a flat
//! list of nodes in evaluation order, with data columns resolved to indices.

pub mod assessments;
pub mod order;

use crate::data::Panel;
use crate::data::assessments::{
    column_name as assessment_column, measure_id as assessment_measure_id,
};
use crate::diagnostic::did_you_mean;
use crate::diagnostic::{Diagnostic, Diagnostics, Origin};
use crate::framework::located::{Located, measure_id, node_ids, output_column_clash, weight};
use crate::framework::model::{
    Band, Direction, Framework, Method, Missing, Normalise, Transform, default_bands,
};
use crate::limits::Limit;

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
    /// A cross-cutting theme (scored beside the crimes, not into them).
    Theme,
}

/// When a recommendation's trigger holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The node's band is this one (index in its band set) or higher.
    BandAtLeast {
        /// Index of the band in the node's band set.
        rank: usize,
        /// Band name.
        name: String,
    },
    /// The node's score is at least this.
    ScoreAtLeast(f64),
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Condition::BandAtLeast { name, .. } => write!(f, "band at least {name}"),
            Condition::ScoreAtLeast(v) => write!(f, "score at least {v}"),
        }
    }
}

/// One condition of a recommendation.
#[derive(Debug, Clone)]
pub struct TriggerPlan {
    /// Node index.
    pub node: usize,
    /// Condition on the node.
    pub condition: Condition,
}

/// A recommendation, compiled.
#[derive(Debug, Clone)]
pub struct RecPlan {
    /// Identifier.
    pub id: String,
    /// Short title.
    pub title: String,
    /// What is recommended.
    pub text: Option<String>,
    /// Where it comes from.
    pub source: Option<String>,
    /// Indices into [`Plan::actors`].
    pub addressed_to: Vec<usize>,
    /// Conditions; any one triggers it.
    pub triggers: Vec<TriggerPlan>,
    /// Index into [`Plan::files`].
    pub file: usize,
    /// 1-based line of its id.
    pub line: u64,
}

/// Someone recommendations address.
#[derive(Debug, Clone)]
pub struct ActorPlan {
    /// Identifier.
    pub id: String,
    /// Name.
    pub title: String,
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
    /// Index into [`Plan::files`] of the file that defines it.
    pub file: usize,
    /// 1-based line of the node's id in that file.
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
                impute: false,
            },
            bands: 0,
            measure: None,
            qualitative: false,
            file: 0,
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
    /// File it was read from (the top of an `extends` chain).
    pub file: String,
    /// Every file of the chain, base first.
    pub files: Vec<String>,
    /// Nodes in evaluation order (children before parents).
    pub nodes: Vec<Node>,
    /// Band sets: (name, min) ascending.
    pub band_sets: Vec<Vec<(String, f64)>>,
    /// Watch-list size.
    pub watchlist_top: usize,
    /// Recommendations, in framework order.
    pub recommendations: Vec<RecPlan>,
    /// Actors, in framework order.
    pub actors: Vec<ActorPlan>,
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

    /// The index of a value's band in the node's band set.
    pub fn band_rank(&self, node: usize, value: f64) -> Option<usize> {
        if value.is_nan() {
            return None;
        }
        self.band_sets[self.nodes[node].bands]
            .iter()
            .rposition(|(_, min)| value >= *min)
    }

    /// True when a node's values are probabilities: a logistic aggregation, or
    /// a mean, maximum or geometric mean of exactly one probability (with the
    /// other children at weight 0), which passes it on unchanged.
    pub fn is_probability(&self, node: usize) -> bool {
        let n = &self.nodes[node];
        match n.rule.method {
            Method::Logistic => true,
            Method::Mean | Method::Max | Method::GeometricMean => {
                let mut live = n.children.iter().filter(|(_, w)| *w != 0.0);
                match (live.next(), live.next()) {
                    (Some(&(child, _)), None) => self.is_probability(child),
                    _ => false,
                }
            }
            Method::ShareAbove => false,
        }
    }

    /// The forecast reported beside a relative overall score: the first
    /// crime, else risk factor, else indicator, in evaluation order, whose
    /// values are probabilities (see [`Plan::is_probability`]). `None` when
    /// the overall score is itself a probability, or when the framework has
    /// no probability node.
    pub fn forecast(&self) -> Option<usize> {
        if self.is_probability(self.overall()) {
            return None;
        }
        [Kind::Crime, Kind::RiskFactor, Kind::Indicator]
            .into_iter()
            .flat_map(|k| self.of_kind(k))
            .find(|&i| self.is_probability(i))
    }

    /// Where a node is defined, as `file:line`.
    pub fn location(&self, node: usize) -> String {
        let n = &self.nodes[node];
        format!("{}:{}", self.files[n.file], n.line)
    }
}

/// Parameters of one node's aggregation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Method.
    pub method: Method,
    /// `share_above` threshold.
    pub threshold: f64,
    /// `logistic` intercept.
    pub intercept: f64,
    /// Minimum coverage for a score.
    pub min_coverage: f64,
    /// `logistic` with `impute: year_mean`: a child without a score takes the
    /// mean of that child's scores in the same year (see [`crate::score::impute`]).
    pub impute: bool,
}

fn bands_of(b: &[Band]) -> Vec<(String, f64)> {
    b.iter()
        .map(|b| (b.name.value.clone(), b.min.value))
        .collect()
}

/// Checks the node scores a plan of `nodes` nodes computes on a panel (a
/// value and a coverage for every unit-year) against the `score-cells`
/// budget, before anything is allocated for them.
fn check_score_cells(nodes: usize, panel: &Panel) -> Result<(), Diagnostics> {
    let units = panel.countries.len() as u64;
    let years = panel.n_years as u64;
    let cells = (nodes as u64).saturating_mul(units).saturating_mul(years);
    if cells > Limit::ScoreCells.get() {
        return Err(Limit::ScoreCells
            .breach(
                Origin::Data,
                format!(
                    "scoring {nodes} nodes of the framework for {units} units x {years} years means {cells} node scores"
                ),
            )
            .into());
    }
    Ok(())
}

/// Compiles a validated framework against a panel. Unknown columns are
/// reported with the framework's location and a suggestion.
pub fn compile(fw: &Framework, file: &str, panel: &Panel) -> Result<Plan, Diagnostics> {
    compile_chain(&[Located { file, fw }], panel)
}

/// Compiles a checked `extends` chain (base first) against a panel. Nodes of
/// every layer are kept; bands, defaults, the overall rule and the watch list
/// come from the highest layer that sets them.
pub fn compile_chain(layers: &[Located<'_>], panel: &Panel) -> Result<Plan, Diagnostics> {
    let mut diags = Diagnostics::default();
    // The unit key may come from the command line: no node may be named
    // like its output column.
    let key = panel.unit_key_label();
    for l in layers {
        diags
            .0
            .extend(node_ids(l.fw).filter_map(|id| output_column_clash(l.file, id, &key)));
    }
    let top = layers.last().expect("a chain has at least one layer");
    let fws = || layers.iter().map(|l| l.fw);
    let default_cov = fws()
        .rev()
        .find_map(|f| f.defaults.min_coverage.as_ref())
        .map_or(DEFAULT_MIN_COVERAGE, |c| c.value);
    let mut band_sets = vec![
        fws()
            .rev()
            .find_map(|f| f.bands.as_deref())
            .map_or_else(default_bands, bands_of),
    ];
    let mut band_index = |b: &Option<Vec<Band>>| -> usize {
        match b {
            Some(b) => {
                band_sets.push(bands_of(b));
                band_sets.len() - 1
            }
            None => 0,
        }
    };
    let rule = |a: &crate::framework::model::Aggregate, default: Method| -> Rule {
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
            impute: a.impute.is_some() && method == Method::Logistic,
        }
    };
    let resolve = |file: &str,
                   name: &serde_saphyr::Spanned<String>,
                   diags: &mut Diagnostics|
     -> Option<usize> {
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
        let n_columns = panel.all_column_names().count();
        d = match did_you_mean(&name.value, panel.all_column_names()) {
            Some(s) => d.with_hint(format!(
                "did you mean `{s}`? Otherwise add the column to a --data file"
            )),
            None => d.with_hint(format!(
                "add the column to a --data file; the data have {} column{} from {}",
                n_columns,
                if n_columns == 1 { "" } else { "s" },
                panel.files.join(", ")
            )),
        };
        diags.push(d);
        None
    };

    let mut nodes: Vec<Node> = Vec::new();
    // Indicators and their measures.
    let mut by_id: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut indicators = Vec::new();
    let mut with_inputs = Vec::new();
    for (fi, l) in layers.iter().enumerate() {
        for ind in &l.fw.indicators {
            let mut kids = Vec::new();
            for m in &ind.measures {
                let names: Vec<&serde_saphyr::Spanned<String>> = match (&m.column, &m.columns) {
                    (Some(c), _) => vec![c],
                    (None, Some(cs)) => cs.iter().collect(),
                    _ => vec![],
                };
                let cols: Vec<Option<usize>> = names
                    .iter()
                    .map(|n| resolve(l.file, n, &mut diags))
                    .collect();
                let mut denominators = Vec::new();
                for t in &m.transform {
                    denominators.push(match &t.value {
                        Transform::PerCapita(p) => {
                            let s = serde_saphyr::Spanned {
                                value: p.column.clone(),
                                referenced: t.referenced,
                                defined: t.defined,
                            };
                            resolve(l.file, &s, &mut diags)
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
                    file: fi,
                    ..Node::new(Kind::Measure, id, title, line)
                });
                kids.push((nodes.len() - 1, weight(&m.weight)));
            }
            let assessed = assessment_column(&ind.id.value);
            // Only a column of analyst assessments is read as one.
            if ind.qualitative
                && ind.measures.is_empty()
                && let Some(col) = panel.column(&assessed).filter(|&c| panel.is_assessed(c))
            {
                nodes.push(Node {
                    measure: Some(assessments::measure_plan(col)),
                    file: fi,
                    ..Node::new(
                        Kind::Measure,
                        assessment_measure_id(&ind.id.value),
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
                file: fi,
                ..Node::new(
                    Kind::Indicator,
                    ind.id.value.clone(),
                    &ind.text,
                    ind.id.referenced.line(),
                )
            });
            by_id.insert(ind.id.value.clone(), nodes.len() - 1);
            indicators.push((ind, nodes.len() - 1));
            if !ind.inputs.is_empty() {
                with_inputs.push((ind, nodes.len() - 1));
            }
        }
    }
    let mut rfs = Vec::new();
    for (fi, l) in layers.iter().enumerate() {
        for rf in &l.fw.risk_factors {
            let kids = indicators
                .iter()
                .filter(|(i, _)| i.belongs_to(&rf.id.value))
                .map(|(i, n)| (*n, weight(&i.weight)))
                .collect();
            nodes.push(Node {
                source: rf.source.clone(),
                children: kids,
                rule: rule(&rf.aggregate, Method::Mean),
                bands: band_index(&rf.bands),
                file: fi,
                ..Node::new(
                    Kind::RiskFactor,
                    rf.id.value.clone(),
                    &rf.title,
                    rf.id.referenced.line(),
                )
            });
            by_id.insert(rf.id.value.clone(), nodes.len() - 1);
            rfs.push((rf, nodes.len() - 1));
        }
    }
    let mut crimes = Vec::new();
    for (fi, l) in layers.iter().enumerate() {
        for crime in &l.fw.crimes {
            let kids = rfs
                .iter()
                .filter(|(r, _)| r.bears_on(&crime.id.value))
                .map(|(r, n)| (*n, weight(&r.weight)))
                .collect();
            nodes.push(Node {
                children: kids,
                rule: rule(&crime.aggregate, Method::Mean),
                bands: band_index(&crime.bands),
                file: fi,
                ..Node::new(
                    Kind::Crime,
                    crime.id.value.clone(),
                    &crime.title,
                    crime.id.referenced.line(),
                )
            });
            crimes.push((crime, nodes.len() - 1));
        }
    }
    let kids = crimes
        .iter()
        .map(|(c, n)| (*n, weight(&c.weight)))
        .collect();
    let (ofile, overall) = layers
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, l)| l.fw.overall.as_ref().map(|o| (i, o)))
        .map_or((layers.len() - 1, None), |(i, o)| (i, Some(o)));
    let title = overall
        .and_then(|o| o.title.as_deref())
        .unwrap_or("Overall");
    let default_aggregate = crate::framework::model::Aggregate::default();
    nodes.push(Node {
        children: kids,
        rule: rule(
            overall.map_or(&default_aggregate, |o| &o.aggregate),
            Method::Max,
        ),
        bands: overall.map_or(0, |o| band_index(&o.bands)),
        file: ofile,
        ..Node::new(Kind::Overall, "overall".to_string(), title, 1)
    });
    // Themes may list other themes, so all are placed before any is linked.
    let mut themes = Vec::new();
    for (fi, l) in layers.iter().enumerate() {
        for t in &l.fw.themes {
            nodes.push(Node {
                source: t.source.clone(),
                rule: rule(&t.aggregate, Method::Mean),
                bands: band_index(&t.bands),
                file: fi,
                ..Node::new(
                    Kind::Theme,
                    t.id.value.clone(),
                    &t.title,
                    t.id.referenced.line(),
                )
            });
            by_id.insert(t.id.value.clone(), nodes.len() - 1);
            themes.push((t, nodes.len() - 1));
        }
    }
    for (t, n) in themes {
        nodes[n].children = t
            .members
            .iter()
            .filter_map(|m| by_id.get(&m.value).map(|&c| (c, 1.0)))
            .collect();
    }
    // An indicator's `inputs` follow its measures.
    for (ind, n) in with_inputs {
        for i in &ind.inputs {
            if let Some(&c) = by_id.get(&i.node.value) {
                nodes[n].children.push((c, weight(&i.weight)));
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    check_score_cells(nodes.len(), panel)?;
    let files: Vec<String> = layers.iter().map(|l| l.file.to_string()).collect();
    let nodes = order::evaluation_order(nodes, &files)?;
    let mut plan = Plan {
        id: top.fw.id.value.clone(),
        title: top.fw.title.clone(),
        version: top.fw.version.clone(),
        file: top.file.to_string(),
        files,
        nodes,
        band_sets,
        watchlist_top: fws()
            .rev()
            .find_map(|f| f.watchlist.as_ref())
            .map_or(20, |w| w.top as usize),
        recommendations: Vec::new(),
        actors: Vec::new(),
    };
    for l in layers {
        for a in &l.fw.actors {
            plan.actors.push(ActorPlan {
                id: a.id.value.clone(),
                title: a.title.clone(),
            });
        }
    }
    for (fi, l) in layers.iter().enumerate() {
        for r in &l.fw.recommendations {
            let addressed_to = r
                .addressed_to
                .iter()
                .filter_map(|a| plan.actors.iter().position(|x| x.id == a.value))
                .collect();
            let mut triggers = Vec::new();
            for t in &r.when {
                let Some(node) = plan.find(&t.node.value) else {
                    continue;
                };
                let condition = match (&t.band_at_least, &t.score_at_least) {
                    (Some(b), _) => {
                        let set = &plan.band_sets[plan.nodes[node].bands];
                        let Some(rank) = set.iter().position(|(n, _)| *n == b.value) else {
                            continue;
                        };
                        Condition::BandAtLeast {
                            rank,
                            name: b.value.clone(),
                        }
                    }
                    (None, Some(s)) => Condition::ScoreAtLeast(s.value),
                    (None, None) => continue,
                };
                triggers.push(TriggerPlan { node, condition });
            }
            plan.recommendations.push(RecPlan {
                id: r.id.value.clone(),
                title: r.title.clone(),
                text: r.text.clone(),
                source: r.source.clone(),
                addressed_to,
                triggers,
                file: fi,
                line: r.id.referenced.line(),
            });
        }
    }
    Ok(plan)
}
