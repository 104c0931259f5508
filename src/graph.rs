//! The dependency graph of a framework: nodes linked child -> parent. Scoring
//! walks a topological order computed once per framework.

use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::diagnostic::{Diagnostic, Diagnostics, Origin};
use crate::framework::compile::Node;

/// Reorders nodes so that every child comes before its parents, remapping
/// child indices. A cycle is reported with its path.
pub fn evaluation_order(nodes: Vec<Node>, file: &str) -> Result<Vec<Node>, Diagnostics> {
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
            .at(file, nodes[start].line.max(1), 1, 1, "on the cycle")
            .with_hint("a node cannot depend on itself, directly or through others"),
        )
    })?;
    let mut new_pos = vec![0usize; nodes.len()];
    for (pos, ni) in order.iter().enumerate() {
        new_pos[g[*ni]] = pos;
    }
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for ni in order {
        let mut n = slots[g[ni]].take().unwrap_or_else(unreachable_node);
        for c in &mut n.children {
            c.0 = new_pos[c.0];
        }
        out.push(n);
    }
    Ok(out)
}

fn unreachable_node() -> Node {
    // toposort visits each node exactly once; this is never reached.
    panic!("node visited twice in topological order")
}

/// Follows children from `start` until it returns, giving `a -> b -> a`.
fn cycle_path(nodes: &[Node], start: usize) -> String {
    let mut path = vec![start];
    let mut seen = vec![false; nodes.len()];
    if dfs(nodes, start, start, &mut path, &mut seen) {
        return path
            .iter()
            .map(|&i| nodes[i].id.as_str())
            .collect::<Vec<_>>()
            .join(" -> ");
    }
    nodes[start].id.clone()
}

fn dfs(nodes: &[Node], start: usize, at: usize, path: &mut Vec<usize>, seen: &mut [bool]) -> bool {
    for &(c, _) in &nodes[at].children {
        if c == start {
            path.push(c);
            return true;
        }
        if !seen[c] {
            seen[c] = true;
            path.push(c);
            if dfs(nodes, start, c, path, seen) {
                return true;
            }
            path.pop();
        }
    }
    false
}
