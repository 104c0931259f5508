//! The evaluation order of a compiled framework: a topological sort of its
//! nodes, children before parents, computed once per framework.

use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use super::Node;
use crate::diagnostic::Origin;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::framework::links::find_loop;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{Kind, Rule};
    use crate::framework::model::Method;

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
