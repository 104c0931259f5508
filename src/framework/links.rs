//! Checks of the links between the layers of an `extends` chain that no
//! single file can check: theme members, actors, and the conditions that call
//! for each recommendation.

use std::collections::HashMap;

use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use serde_saphyr::Spanned;

use super::located::{Located, at, label};
use super::model::{Band, Framework, default_bands};
use crate::diagnostic::{Diagnostic, Diagnostics, Origin, did_you_mean};

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
pub(crate) fn find_loop(
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
