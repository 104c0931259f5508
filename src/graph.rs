//! The dependency graph of a framework: nodes linked child -> parent. Scoring
//! walks a topological order computed once per framework.

use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use std::collections::HashMap;

use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Diagnostics, Origin};
use crate::framework::compile::{Node, default_bands};
use crate::framework::model::{Band, Framework};
use crate::framework::validate::{Located, at, did_you_mean, label};

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
        for c in &f.crimes {
            targets.insert(
                &c.id.value,
                Target {
                    kind: "crime",
                    bands: own(&c.bands),
                },
            );
        }
        for r in &f.risk_factors {
            targets.insert(
                &r.id.value,
                Target {
                    kind: "risk factor",
                    bands: own(&r.bands),
                },
            );
        }
        for i in &f.indicators {
            targets.insert(
                &i.id.value,
                Target {
                    kind: "indicator",
                    bands: own(&i.bands),
                },
            );
        }
        for t in &f.themes {
            targets.insert(
                &t.id.value,
                Target {
                    kind: "theme",
                    bands: own(&t.bands),
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
                    None => out.push(unknown(l.file, m, "indicator or risk factor", &target_ids)),
                    Some(tg) if tg.kind != "indicator" && tg.kind != "risk factor" => {
                        let d = Diagnostic::error(
                            "F034",
                            Origin::Framework,
                            format!(
                                "theme `{}` lists the {} `{}` as a member",
                                t.id.value, tg.kind, m.value
                            ),
                        );
                        out.push(
                            label(d, l.file, m, "not an indicator or risk factor").with_hint(
                                "themes are scored from indicators and risk factors only",
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
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
            "f.yaml",
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
            "f.yaml",
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
