//! The dependency graph of a framework as a petgraph: data columns, measures,
//! indicators, risk factors, crimes, themes and recommendations, exported as
//! DOT, Mermaid or JSON.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::compile::{Kind, Plan};
use crate::data::Panel;

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
    // Titles come from inputs: controls and bidirectional overrides escaped.
    let s = crate::diagnostic::sanitize(s);
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
    crate::diagnostic::sanitize(s)
        .replace('"', "#quot;")
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
