//! The dependency graph of a framework: nodes linked child -> parent. Scoring
//! walks a topological order computed once per framework.

use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use std::collections::HashMap;

use serde_saphyr::Spanned;

use crate::data::Panel;
use crate::diagnostic::{Diagnostic, Diagnostics, Origin};
use crate::framework::compile::{Kind, Node, Plan, default_bands};
use crate::framework::model::{Band, Framework};
use crate::framework::validate::{Located, at, did_you_mean, label};

/// Reorders nodes so that every child comes before its parents, remapping
/// child indices. A cycle is reported with its path.
pub fn evaluation_order(nodes: Vec<Node>, files: &[String]) -> Result<Vec<Node>, Diagnostics> {
    let mut g: DiGraph<usize, ()> = DiGraph::with_capacity(nodes.len(), nodes.len());
    let idx: Vec<NodeIndex> = (0..nodes.len()).map(|i| g.add_node(i)).collect();
    for (p, n) in nodes.iter().enumerate() {
        for &(c, _) in &n.children {
            g.add_edge(idx[c], idx[p], ());
        }
    }
    let order = toposort(&g, None).map_err(|cycle| {
        let start = g[cycle.node_id()];
        let path = cycle_path(&nodes, start);
        Diagnostics::from(
            Diagnostic::error(
                "F020",
                Origin::Framework,
                format!("the framework has a cycle: {path}"),
            )
            .at(
                files.get(nodes[start].file).map_or("", String::as_str),
                nodes[start].line.max(1),
                1,
                1,
                "on the cycle",
            )
            .with_hint("a node cannot depend on itself, directly or through others"),
        )
    })?;
    let mut new_pos = vec![0usize; nodes.len()];
    for (pos, ni) in order.iter().enumerate() {
        new_pos[g[*ni]] = pos;
    }
    // Place every node at its new position, remapping child indices.
    let mut placed: Vec<(usize, Node)> = nodes
        .into_iter()
        .enumerate()
        .map(|(old, mut n)| {
            for c in &mut n.children {
                c.0 = new_pos[c.0];
            }
            (new_pos[old], n)
        })
        .collect();
    placed.sort_by_key(|(pos, _)| *pos);
    Ok(placed.into_iter().map(|(_, n)| n).collect())
}

/// Follows children from `start` until it returns, giving `a -> b -> a`.
fn cycle_path(nodes: &[Node], start: usize) -> String {
    let mut path = vec![start];
    let mut seen = vec![false; nodes.len()];
    let kids: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| n.children.iter().map(|c| c.0).collect())
        .collect();
    if find_loop(&kids, start, start, &mut path, &mut seen) {
        return path
            .iter()
            .map(|&i| nodes[i].id.as_str())
            .collect::<Vec<_>>()
            .join(" -> ");
    }
    nodes[start].id.clone()
}

/// What a trigger may name, with its bands.
struct Target<'a> {
    kind: &'static str,
    bands: Vec<&'a str>,
}

fn names(b: &[Band]) -> Vec<&str> {
    b.iter().map(|b| b.name.value.as_str()).collect()
}

/// Checks the links of a chain of frameworks (base first) that the
/// per-file checks cannot see: theme members, actors, and the conditions that
/// call for each recommendation.
pub fn check_links<'a>(layers: &[Located<'a>]) -> Diagnostics {
    let mut out = Diagnostics::default();
    let fws = || layers.iter().map(|l| -> &'a Framework { l.fw });
    let fw_bands: Vec<&str> = fws()
        .rev()
        .find_map(|f| f.bands.as_deref())
        .map(names)
        .unwrap_or_else(|| default_bands_names());
    let own = |b: &'a Option<Vec<Band>>| -> Vec<&'a str> {
        b.as_deref().map_or_else(|| fw_bands.clone(), names)
    };
    let mut targets: HashMap<&str, Target<'_>> = HashMap::new();
    for f in fws() {
        let nodes = f
            .crimes
            .iter()
            .map(|c| (&c.id, "crime", &c.bands))
            .chain(
                f.risk_factors
                    .iter()
                    .map(|r| (&r.id, "risk factor", &r.bands)),
            )
            .chain(f.indicators.iter().map(|i| (&i.id, "indicator", &i.bands)))
            .chain(f.themes.iter().map(|t| (&t.id, "theme", &t.bands)));
        for (id, kind, bands) in nodes {
            targets.insert(
                &id.value,
                Target {
                    kind,
                    bands: own(bands),
                },
            );
        }
    }
    let overall_bands = fws()
        .rev()
        .find_map(|f| f.overall.as_ref())
        .map_or_else(|| fw_bands.clone(), |o| own(&o.bands));
    targets.insert(
        "overall",
        Target {
            kind: "overall",
            bands: overall_bands,
        },
    );
    let mut target_ids: Vec<&str> = targets.keys().copied().collect();
    target_ids.sort_unstable();

    // Themes: members are indicators or risk factors.
    for l in layers {
        for t in &l.fw.themes {
            if t.members.is_empty() {
                let d = Diagnostic::warning(
                    "F102",
                    Origin::Framework,
                    format!("theme `{}` has no members", t.id.value),
                );
                out.push(
                    label(d, l.file, &t.id, "never gets a score")
                        .with_hint("list indicator or risk factor ids under `members:`"),
                );
            }
            for m in &t.members {
                match targets.get(m.value.as_str()) {
                    None => out.push(unknown(
                        l.file,
                        m,
                        "indicator, risk factor or theme",
                        &target_ids,
                    )),
                    Some(tg) if tg.kind == "crime" || tg.kind == "overall" => {
                        let d = Diagnostic::error(
                            "F034",
                            Origin::Framework,
                            format!(
                                "theme `{}` lists the {} `{}` as a member",
                                t.id.value, tg.kind, m.value
                            ),
                        );
                        out.push(
                            label(d, l.file, m, "not an indicator, risk factor or theme").with_hint(
                                "themes are scored from indicators, risk factors and other themes",
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }

    // Themes that list themes must not loop.
    let theme_at: Vec<(&str, &Spanned<String>)> = layers
        .iter()
        .flat_map(|l| l.fw.themes.iter().map(move |t| (l.file, &t.id)))
        .collect();
    let members: Vec<Vec<usize>> = fws()
        .flat_map(|f| &f.themes)
        .map(|t| {
            t.members
                .iter()
                .filter_map(|m| theme_at.iter().position(|(_, id)| id.value == m.value))
                .collect()
        })
        .collect();
    let mut tg: DiGraph<usize, ()> = DiGraph::new();
    let ti: Vec<NodeIndex> = (0..theme_at.len()).map(|i| tg.add_node(i)).collect();
    for (t, ms) in members.iter().enumerate() {
        for &m in ms {
            tg.add_edge(ti[t], ti[m], ());
        }
    }
    if let Err(c) = toposort(&tg, None) {
        let start = tg[c.node_id()];
        let mut path = vec![start];
        let mut seen = vec![false; theme_at.len()];
        find_loop(&members, start, start, &mut path, &mut seen);
        let (file, id) = theme_at[start];
        let names: Vec<&str> = path.iter().map(|&i| theme_at[i].1.value.as_str()).collect();
        let d = Diagnostic::error(
            "F020",
            Origin::Framework,
            format!("the framework has a cycle: {}", names.join(" -> ")),
        );
        out.push(
            label(d, file, id, "on the cycle")
                .with_hint("a theme cannot contain itself, directly or through other themes"),
        );
    }

    // Every indicator reaches a risk factor or a theme.
    for l in layers {
        for i in &l.fw.indicators {
            let in_theme = fws().any(|f| {
                f.themes
                    .iter()
                    .any(|t| t.members.iter().any(|m| m.value == i.id.value))
            });
            if i.risk_factor.is_none() && !in_theme {
                let d = Diagnostic::error(
                    "F035",
                    Origin::Framework,
                    format!(
                        "indicator `{}` reaches no risk factor and no theme",
                        i.id.value
                    ),
                );
                out.push(label(d, l.file, &i.id, "scored into nothing").with_hint(
                    "set `risk_factor:`, or list the indicator among a theme's `members:`",
                ));
            }
        }
    }

    // Actors and recommendations: unique ids, known references.
    let mut actors: HashMap<&str, (&str, &Spanned<String>)> = HashMap::new();
    let mut recs: HashMap<&str, (&str, &Spanned<String>)> = HashMap::new();
    for l in layers {
        for a in &l.fw.actors {
            dup(&mut out, &mut actors, l.file, &a.id, "actor");
        }
        for r in &l.fw.recommendations {
            dup(&mut out, &mut recs, l.file, &r.id, "recommendation");
        }
    }
    let mut actor_ids: Vec<&str> = actors.keys().copied().collect();
    actor_ids.sort_unstable();
    let mut addressed: Vec<&str> = Vec::new();
    for l in layers {
        for r in &l.fw.recommendations {
            if r.addressed_to.is_empty() {
                let d = Diagnostic::warning(
                    "F131",
                    Origin::Framework,
                    format!("recommendation `{}` is addressed to no one", r.id.value),
                );
                out.push(
                    label(d, l.file, &r.id, "no `addressed_to`")
                        .with_hint("list the actors who should act on it under `addressed_to:`"),
                );
            }
            for a in &r.addressed_to {
                if actors.contains_key(a.value.as_str()) {
                    addressed.push(&a.value);
                } else {
                    out.push(unknown(l.file, a, "actor", &actor_ids));
                }
            }
            let mut reachable = false;
            for t in &r.when {
                let Some(tg) = targets.get(t.node.value.as_str()) else {
                    out.push(unknown(l.file, &t.node, "node", &target_ids));
                    reachable = true; // reported already
                    continue;
                };
                match (&t.band_at_least, &t.score_at_least) {
                    (Some(b), None) => match tg.bands.iter().position(|n| *n == b.value) {
                        None => {
                            let d = Diagnostic::error(
                                "F011",
                                Origin::Framework,
                                format!("{} `{}` has no band `{}`", tg.kind, t.node.value, b.value),
                            );
                            let hint = match did_you_mean(&b.value, tg.bands.iter().copied()) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => format!("its bands are: {}", tg.bands.join(", ")),
                            };
                            out.push(label(d, l.file, b, "unknown band").with_hint(hint));
                            reachable = true;
                        }
                        Some(0) => {
                            let d = Diagnostic::warning(
                                "F130",
                                Origin::Framework,
                                format!(
                                    "`{}` is the lowest band of `{}`: this condition holds for every scored country",
                                    b.value, t.node.value
                                ),
                            );
                            out.push(
                                label(d, l.file, b, "always holds")
                                    .with_hint("name a higher band, or use `score_at_least`"),
                            );
                            reachable = true;
                        }
                        Some(_) => reachable = true,
                    },
                    (None, Some(s)) => {
                        if s.value > 1.0 || s.value.is_nan() {
                            let d = Diagnostic::error(
                                "F032",
                                Origin::Framework,
                                format!(
                                    "`score_at_least: {}` can never hold: scores run from 0 to 1",
                                    s.value
                                ),
                            );
                            out.push(
                                at(d, l.file, s, 1, "unreachable")
                                    .with_hint("use a value from 0 to 1"),
                            );
                            reachable = true;
                        } else {
                            if s.value <= 0.0 {
                                let d = Diagnostic::warning(
                                    "F130",
                                    Origin::Framework,
                                    format!(
                                        "`score_at_least: {}` holds for every scored country",
                                        s.value
                                    ),
                                );
                                out.push(
                                    at(d, l.file, s, 1, "always holds")
                                        .with_hint("use a value above 0"),
                                );
                            }
                            reachable = true;
                        }
                    }
                    _ => {
                        let d = Diagnostic::error(
                            "F033",
                            Origin::Framework,
                            format!(
                                "the condition on `{}` must set exactly one of `band_at_least` and `score_at_least`",
                                t.node.value
                            ),
                        );
                        out.push(label(d, l.file, &t.node, "this condition").with_hint(
                            "for example `band_at_least: high` or `score_at_least: 0.6`",
                        ));
                        reachable = true;
                    }
                }
            }
            if !reachable {
                let d = Diagnostic::error(
                    "F032",
                    Origin::Framework,
                    format!(
                        "recommendation `{}` has no condition, so no risk can call for it",
                        r.id.value
                    ),
                );
                out.push(
                    label(d, l.file, &r.id, "never triggered").with_hint(
                        "add a `when:` entry such as `{node: rf1, band_at_least: high}`",
                    ),
                );
            }
        }
    }
    for l in layers {
        for a in &l.fw.actors {
            if !addressed.contains(&a.id.value.as_str()) {
                let d = Diagnostic::warning(
                    "F131",
                    Origin::Framework,
                    format!("no recommendation is addressed to actor `{}`", a.id.value),
                );
                out.push(label(d, l.file, &a.id, "unused").with_hint(
                    "remove the actor, or name it in a recommendation's `addressed_to`",
                ));
            }
        }
    }
    out
}

/// Depth-first search for a path from `at` back to `start`.
fn find_loop(
    kids: &[Vec<usize>],
    start: usize,
    at: usize,
    path: &mut Vec<usize>,
    seen: &mut [bool],
) -> bool {
    for &c in &kids[at] {
        if c == start {
            path.push(c);
            return true;
        }
        if !seen[c] {
            seen[c] = true;
            path.push(c);
            if find_loop(kids, start, c, path, seen) {
                return true;
            }
            path.pop();
        }
    }
    false
}

fn default_bands_names() -> Vec<&'static str> {
    // The names of the default bands, as static strings.
    const NAMES: [&str; 4] = ["low", "moderate", "high", "very high"];
    debug_assert_eq!(
        default_bands()
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        NAMES
    );
    NAMES.to_vec()
}

fn unknown(file: &str, r: &Spanned<String>, what: &str, known: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(
        "F011",
        Origin::Framework,
        format!("unknown {what} `{}`", r.value),
    );
    let hint = match did_you_mean(&r.value, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if known.is_empty() => format!("no {what} is defined"),
        None if known.len() <= 12 => format!("defined {what} ids: {}", known.join(", ")),
        None => format!("{} {what} ids are defined; check the spelling", known.len()),
    };
    label(d, file, r, "not defined").with_hint(hint)
}

fn dup<'a>(
    out: &mut Diagnostics,
    seen: &mut HashMap<&'a str, (&'a str, &'a Spanned<String>)>,
    file: &'a str,
    id: &'a Spanned<String>,
    what: &str,
) {
    if let Some((pf, prev)) = seen.get(id.value.as_str()) {
        let d = Diagnostic::error(
            "F010",
            Origin::Framework,
            format!("duplicate {what} id `{}`", id.value),
        );
        let d = label(d, file, id, "defined again here");
        out.push(
            label(d, pf, prev, "first defined here")
                .with_hint(format!("{what} ids must be unique")),
        );
    } else {
        seen.insert(&id.value, (file, id));
    }
}

/// Kinds of node in the framework graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A data column.
    Column,
    /// A measure: how an indicator reads columns.
    Measure,
    /// An indicator.
    Indicator,
    /// A risk factor.
    RiskFactor,
    /// A crime.
    Crime,
    /// The overall score.
    Overall,
    /// A theme.
    Theme,
    /// A recommendation.
    Recommendation,
    /// Someone a recommendation addresses.
    Actor,
}

/// Kinds of edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A column is read by a measure.
    Measures,
    /// A node's score feeds its parent's, with a weight.
    ContributesTo,
    /// A node's score calls for a recommendation under a condition.
    CallsFor,
    /// A recommendation addresses an actor.
    AddressedTo,
}

/// A node of the framework graph.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GraphNode {
    /// Kind.
    pub kind: NodeKind,
    /// Unique id: a framework id, or `column:`, `recommendation:` or `actor:`
    /// followed by the name.
    pub id: String,
    /// Title.
    pub title: String,
}

/// An edge of the framework graph.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GraphEdge {
    /// Kind.
    pub kind: EdgeKind,
    /// Weight, for `contributes_to`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Condition, for `calls_for`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// The whole framework as a graph: from data columns through measures,
/// indicators, risk factors, crimes and themes to the recommendations they
/// call for and the actors those address.
#[derive(Debug)]
pub struct Graph {
    /// The graph; edges point from input to output.
    pub g: DiGraph<GraphNode, GraphEdge>,
}

impl Graph {
    /// Builds the graph of a compiled framework; `panel` names the columns.
    pub fn build(plan: &Plan, panel: &Panel) -> Graph {
        let mut g = DiGraph::new();
        let mut columns: HashMap<usize, NodeIndex> = HashMap::new();
        let idx: Vec<NodeIndex> = plan
            .nodes
            .iter()
            .map(|n| {
                g.add_node(GraphNode {
                    kind: match n.kind {
                        Kind::Measure => NodeKind::Measure,
                        Kind::Indicator => NodeKind::Indicator,
                        Kind::RiskFactor => NodeKind::RiskFactor,
                        Kind::Crime => NodeKind::Crime,
                        Kind::Overall => NodeKind::Overall,
                        Kind::Theme => NodeKind::Theme,
                    },
                    id: n.id.clone(),
                    title: n.title.clone(),
                })
            })
            .collect();
        for (ni, n) in plan.nodes.iter().enumerate() {
            if let Some(m) = &n.measure {
                let read = m.columns.iter().chain(m.denominators.iter().flatten());
                for &c in read {
                    let ci = *columns.entry(c).or_insert_with(|| {
                        g.add_node(GraphNode {
                            kind: NodeKind::Column,
                            id: format!("column:{}", panel.columns[c].name),
                            title: panel.columns[c].name.clone(),
                        })
                    });
                    if g.find_edge(ci, idx[ni]).is_none() {
                        g.add_edge(ci, idx[ni], edge(EdgeKind::Measures));
                    }
                }
            }
            for &(c, w) in &n.children {
                g.add_edge(
                    idx[c],
                    idx[ni],
                    GraphEdge {
                        weight: Some(w),
                        ..edge(EdgeKind::ContributesTo)
                    },
                );
            }
        }
        let actors: Vec<NodeIndex> = plan
            .actors
            .iter()
            .map(|a| {
                g.add_node(GraphNode {
                    kind: NodeKind::Actor,
                    id: format!("actor:{}", a.id),
                    title: a.title.clone(),
                })
            })
            .collect();
        for r in &plan.recommendations {
            let ri = g.add_node(GraphNode {
                kind: NodeKind::Recommendation,
                id: format!("recommendation:{}", r.id),
                title: r.title.clone(),
            });
            for t in &r.triggers {
                g.add_edge(
                    idx[t.node],
                    ri,
                    GraphEdge {
                        condition: Some(t.condition.to_string()),
                        ..edge(EdgeKind::CallsFor)
                    },
                );
            }
            for &a in &r.addressed_to {
                g.add_edge(ri, actors[a], edge(EdgeKind::AddressedTo));
            }
        }
        Graph { g }
    }

    /// The part of the graph that leads to `id` or follows from it: its
    /// inputs down to the data columns, and what it feeds up to the
    /// recommendations and actors. `id` is a node id as in the JSON output
    /// (`rf5`, `recommendation:d`, `column:population`); `None` when unknown.
    pub fn focus(&self, id: &str) -> Option<Graph> {
        use petgraph::Direction::Outgoing;
        use petgraph::visit::{Dfs, Reversed};
        let start = self.g.node_indices().find(|&n| self.g[n].id == id)?;
        let mut keep = vec![false; self.g.node_count()];
        let mut down = Dfs::new(&self.g, start);
        while let Some(n) = down.next(&self.g) {
            keep[n.index()] = true;
        }
        let rev = Reversed(&self.g);
        let mut up = Dfs::new(rev, start);
        while let Some(n) = up.next(rev) {
            keep[n.index()] = true;
        }
        // Actors of the recommendations kept, so each says whom it addresses.
        for n in self.g.node_indices() {
            if keep[n.index()] && self.g[n].kind == NodeKind::Recommendation {
                for a in self.g.neighbors_directed(n, Outgoing) {
                    keep[a.index()] = true;
                }
            }
        }
        let g = self.g.filter_map(
            |n, w| keep[n.index()].then(|| w.clone()),
            |_, e| Some(e.clone()),
        );
        Some(Graph { g })
    }

    /// Node ids, for suggestions.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.g.node_weights().map(|n| n.id.as_str())
    }

    /// JSON: `{"nodes": [{kind, id, title}], "edges": [{kind, from, to, weight?, condition?}]}`.
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Edge<'a> {
            from: &'a str,
            to: &'a str,
            #[serde(flatten)]
            edge: &'a GraphEdge,
        }
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            nodes: Vec<&'a GraphNode>,
            edges: Vec<Edge<'a>>,
        }
        let doc = Doc {
            nodes: self.g.node_weights().collect(),
            edges: self
                .g
                .edge_indices()
                .filter_map(|e| {
                    let (a, b) = self.g.edge_endpoints(e)?;
                    Some(Edge {
                        from: &self.g[a].id,
                        to: &self.g[b].id,
                        edge: &self.g[e],
                    })
                })
                .collect(),
        };
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Graphviz DOT, laid out left to right from data to recommendations.
    pub fn to_dot(&self) -> String {
        let mut s = String::from(
            "digraph atrisk {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n  edge [fontname=\"Helvetica\", fontsize=8, color=\"#666666\"];\n",
        );
        for n in self.g.node_weights() {
            let (shape, fill) = style(n.kind);
            let label = if n.title.is_empty() || n.kind == NodeKind::Column {
                n.id.clone()
            } else {
                format!("{}\n{}", n.id, wrap(&n.title, 40))
            };
            s.push_str(&format!(
                "  {} [label={}, shape={shape}, fillcolor=\"{fill}\"];\n",
                dot_str(&n.id),
                dot_str(&label)
            ));
        }
        for e in self.g.edge_indices() {
            let Some((a, b)) = self.g.edge_endpoints(e) else {
                continue;
            };
            let w = &self.g[e];
            let label = match (w.weight, &w.condition) {
                (Some(x), _) if x != 1.0 => format!(" [label={}]", dot_str(&x.to_string())),
                (_, Some(c)) => format!(" [label={}, style=dashed]", dot_str(c)),
                _ => String::new(),
            };
            s.push_str(&format!(
                "  {} -> {}{label};\n",
                dot_str(&self.g[a].id),
                dot_str(&self.g[b].id)
            ));
        }
        s.push_str("}\n");
        s
    }

    /// A Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        let mut s = String::from("flowchart LR\n");
        for ni in self.g.node_indices() {
            let n = &self.g[ni];
            let text = if n.title.is_empty() || n.kind == NodeKind::Column {
                n.id.clone()
            } else {
                format!("{}: {}", n.id, n.title)
            };
            let text = mermaid_str(&text);
            let shape = match n.kind {
                NodeKind::Column => format!("[(\"{text}\")]"),
                NodeKind::Recommendation => format!("{{{{\"{text}\"}}}}"),
                NodeKind::Actor => format!("([\"{text}\"])"),
                _ => format!("[\"{text}\"]"),
            };
            s.push_str(&format!("  n{}{shape}\n", ni.index()));
        }
        for e in self.g.edge_indices() {
            let Some((a, b)) = self.g.edge_endpoints(e) else {
                continue;
            };
            let w = &self.g[e];
            let arrow = match (w.weight, &w.condition) {
                (Some(x), _) if x != 1.0 => format!("-- \"{}\" -->", mermaid_str(&x.to_string())),
                (_, Some(c)) => format!("-. \"{}\" .->", mermaid_str(c)),
                _ => "-->".to_string(),
            };
            s.push_str(&format!("  n{} {arrow} n{}\n", a.index(), b.index()));
        }
        s
    }
}

fn edge(kind: EdgeKind) -> GraphEdge {
    GraphEdge {
        kind,
        weight: None,
        condition: None,
    }
}

fn style(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Column => ("cylinder", "#f2f2f2"),
        NodeKind::Measure => ("box", "#ffffff"),
        NodeKind::Indicator => ("box", "#deebf7"),
        NodeKind::RiskFactor => ("box", "#9ecae1"),
        NodeKind::Crime => ("box", "#fdae6b"),
        NodeKind::Overall => ("doubleoctagon", "#e6550d"),
        NodeKind::Theme => ("box", "#c7e9c0"),
        NodeKind::Recommendation => ("note", "#fff7bc"),
        NodeKind::Actor => ("ellipse", "#e5e5e5"),
    }
}

/// A DOT string literal.
fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text inside a quoted Mermaid label: quotes and angle brackets as entities.
fn mermaid_str(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('\n', " ")
}

/// Breaks text into lines of about `width` characters.
fn wrap(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for w in s.split_whitespace() {
        if line > 0 && line + w.len() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(w);
        line += w.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::compile::Kind;
    use crate::framework::model::Method;
    use crate::score::aggregate::Rule;

    fn node(id: &str, children: &[usize]) -> Node {
        Node {
            id: id.to_string(),
            kind: Kind::RiskFactor,
            title: String::new(),
            source: None,
            children: children.iter().map(|&c| (c, 1.0)).collect(),
            rule: Rule {
                method: Method::Mean,
                threshold: 0.5,
                intercept: 0.0,
                min_coverage: 0.5,
                impute: false,
            },
            bands: 0,
            measure: None,
            qualitative: false,
            file: 0,
            line: 1,
        }
    }

    #[test]
    fn children_come_before_parents() {
        // 0 = top (children 1, 2), 1 = mid (child 2), 2 = leaf
        let out = evaluation_order(
            vec![node("top", &[1, 2]), node("mid", &[2]), node("leaf", &[])],
            &["f.yaml".to_string()],
        )
        .unwrap();
        let ids: Vec<&str> = out.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["leaf", "mid", "top"]);
        // child indices follow the nodes to their new places
        assert_eq!(
            out[2]
                .children
                .iter()
                .map(|c| out[c.0].id.as_str())
                .collect::<Vec<_>>(),
            ["mid", "leaf"]
        );
    }

    #[test]
    fn a_cycle_is_reported_with_its_path() {
        let err = evaluation_order(
            vec![node("a", &[1]), node("b", &[0]), node("c", &[])],
            &["f.yaml".to_string()],
        )
        .unwrap_err();
        let msg = &err.0[0].message;
        assert_eq!(err.0[0].code, "F020");
        assert!(
            msg.contains("a -> b -> a") || msg.contains("b -> a -> b"),
            "{msg}"
        );
    }
}
