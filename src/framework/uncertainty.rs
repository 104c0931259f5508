//! The `uncertainty:` block of a framework chain (docs/rule-format.md §30):
//! the alternatives it declares, merged over an `extends` chain, and their
//! checks (F040-F045).

use std::collections::HashMap;

use serde_saphyr::Spanned;

use super::located::{Located, at, label, measure_id, node_ids};
use super::model::{Distribution, Method, Missing, Normalise, WeightRange};
use crate::diagnostic::{Diagnostic, Diagnostics, Origin, did_you_mean};

// ---------------------------------------------------------------------------
// Declarations merged over an `extends` chain.

/// One node's alternatives, merged over the chain (a higher layer overrides
/// each field it sets).
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeAlt {
    pub(crate) share: Option<f64>,
    pub(crate) range: Option<WeightRange>,
    pub(crate) distribution: Option<Distribution>,
    pub(crate) aggregate: Vec<Method>,
    pub(crate) normalise: Vec<Normalise>,
    pub(crate) missing: Option<Vec<Missing>>,
}

/// The alternatives of a framework chain.
#[derive(Debug, Clone, Default)]
pub struct Alternatives {
    pub(crate) share: f64,
    pub(crate) distribution: Option<Distribution>,
    pub(crate) missing: Vec<Missing>,
    pub(crate) nodes: HashMap<String, NodeAlt>,
}

impl Alternatives {
    /// Merges the `uncertainty:` blocks of a chain, base first: a higher layer
    /// overrides the framework-wide settings it sets and, per node, each field
    /// it sets.
    pub fn of_chain(layers: &[Located<'_>]) -> Alternatives {
        let mut out = Alternatives::default();
        for l in layers {
            let Some(u) = &l.fw.uncertainty else { continue };
            if let Some(s) = &u.weight_share {
                out.share = s.value;
            }
            if u.distribution.is_some() {
                out.distribution = u.distribution;
            }
            if !u.missing.is_empty() {
                out.missing = u.missing.iter().map(|m| m.value.clone()).collect();
            }
            for n in &u.nodes {
                let e = out.nodes.entry(n.node.value.clone()).or_default();
                if let Some(s) = &n.weight_share {
                    e.share = Some(s.value);
                    e.range = None;
                }
                if let Some(r) = &n.weight {
                    e.range = Some(r.value);
                }
                if n.distribution.is_some() {
                    e.distribution = n.distribution;
                }
                if !n.aggregate.is_empty() {
                    e.aggregate = n.aggregate.iter().map(|m| m.value).collect();
                }
                if !n.normalise.is_empty() {
                    e.normalise = n.normalise.iter().map(|m| m.value.clone()).collect();
                }
                if !n.missing.is_empty() {
                    e.missing = Some(n.missing.iter().map(|m| m.value.clone()).collect());
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Validation (F040-F045).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Overall,
    Scored,
    Theme,
    Measure,
}

fn err(code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, Origin::Framework, msg)
}

fn check_share(file: &str, s: &Spanned<f64>, out: &mut Diagnostics) {
    if !(s.value.is_finite() && (0.0..1.0).contains(&s.value)) {
        out.push(
            at(
                err("F041", format!("weight share {} is out of range", s.value)),
                file,
                s,
                1,
                "share of the weight",
            )
            .with_hint("give a share from 0 up to (not including) 1, such as 0.25 for +-25%"),
        );
    }
}

/// Checks the `uncertainty:` block of a framework against the nodes of the
/// frameworks it extends and its own.
pub fn validate(loc: &Located<'_>, base: &[Located<'_>]) -> Diagnostics {
    let mut out = Diagnostics::default();
    let Some(u) = &loc.fw.uncertainty else {
        return out;
    };
    let file = loc.file;
    let mut known: HashMap<String, Target> = HashMap::new();
    known.insert("overall".into(), Target::Overall);
    for l in base.iter().chain(std::iter::once(loc)) {
        for id in node_ids(l.fw) {
            known.insert(id.value.clone(), Target::Scored);
        }
        for t in &l.fw.themes {
            known.insert(t.id.value.clone(), Target::Theme);
        }
        for ind in &l.fw.indicators {
            for m in &ind.measures {
                known.insert(
                    format!("{}/{}", ind.id.value, measure_id(m).0),
                    Target::Measure,
                );
            }
        }
    }
    if let Some(s) = &u.weight_share {
        check_share(file, s, &mut out);
    }
    for m in &u.missing {
        check_missing(file, m, &mut out);
    }
    let mut seen: HashMap<&str, &Spanned<String>> = HashMap::new();
    for n in &u.nodes {
        let id = &n.node;
        if let Some(first) = seen.insert(&id.value, id) {
            out.push(
                label(
                    err(
                        "F044",
                        format!("`{}` is listed twice under `uncertainty.nodes`", id.value),
                    ),
                    file,
                    id,
                    "listed again here",
                )
                .with_hint(format!(
                    "merge it with the entry on line {}",
                    first.referenced.line()
                )),
            );
            continue;
        }
        let Some(&target) = known.get(&id.value) else {
            let mut d = label(
                err(
                    "F040",
                    format!("unknown node `{}` in `uncertainty.nodes`", id.value),
                ),
                file,
                id,
                "not a node of this framework",
            );
            d = match did_you_mean(&id.value, known.keys().map(String::as_str)) {
                Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                None => d.with_hint(
                    "name a crime, risk factor or indicator id, `overall`, or a measure as `indicator/measure`",
                ),
            };
            out.push(d);
            continue;
        };
        let misplaced = |what: &str, why: &str| {
            label(
                err(
                    "F042",
                    format!("`{}` cannot have {what} alternatives", id.value),
                ),
                file,
                id,
                why,
            )
        };
        if target == Target::Theme {
            out.push(misplaced("any", "a theme").with_hint(
                "themes do not feed the overall score; declare alternatives on its members",
            ));
            continue;
        }
        if target == Target::Overall && (n.weight.is_some() || n.weight_share.is_some()) {
            out.push(
                misplaced("weight", "the overall score has no parent")
                    .with_hint("remove `weight`/`weight_share` from this entry"),
            );
        }
        if target == Target::Measure && !n.aggregate.is_empty() {
            out.push(
                misplaced("aggregation", "a measure has no children")
                    .with_hint("declare `aggregate` alternatives on the indicator"),
            );
        }
        if target != Target::Measure && (!n.normalise.is_empty() || !n.missing.is_empty()) {
            out.push(
                misplaced("normalisation or missing-data", "not a measure")
                    .with_hint("declare them on a measure, written `indicator/measure`"),
            );
        }
        if let Some(s) = &n.weight_share {
            check_share(file, s, &mut out);
        }
        if let Some(r) = &n.weight {
            let w = r.value;
            if !(w.min.is_finite() && w.max.is_finite() && w.min > 0.0 && w.min <= w.max) {
                out.push(
                    at(
                        err(
                            "F041",
                            format!("weight range {}..{} is invalid", w.min, w.max),
                        ),
                        file,
                        r,
                        1,
                        "weight range",
                    )
                    .with_hint("give `min` above 0 and `max` at least `min`"),
                );
            }
        }
        for m in &n.aggregate {
            if m.value == Method::Logistic {
                out.push(
                    at(
                        err("F043", "`logistic` cannot be an alternative aggregation"),
                        file,
                        m,
                        8,
                        "alternative",
                    )
                    .with_hint("a logistic model needs calibrated weights and an intercept; use mean, geometric_mean, max or share_above"),
                );
            }
        }
        for m in &n.normalise {
            let bad = match &m.value {
                Normalise::Raw => Some("`raw` cannot be an alternative normalisation"),
                Normalise::Centre(_) => Some("`centre` cannot be an alternative normalisation"),
                Normalise::Goalposts(g)
                    if g.min.partial_cmp(&g.max) != Some(std::cmp::Ordering::Less) =>
                {
                    Some("alternative goalposts need `min` below `max`")
                }
                Normalise::Zscore(z) if z.clip.is_nan() || z.clip <= 0.0 => {
                    Some("alternative z-score needs `clip` above 0")
                }
                _ => None,
            };
            if let Some(msg) = bad {
                out.push(at(err("F043", msg), file, m, 1, "alternative").with_hint(
                    "use goalposts, steps, binary, percentile or zscore on the 0-1 scale",
                ));
            }
        }
        for m in &n.missing {
            check_missing(file, m, &mut out);
        }
    }
    out
}

fn check_missing(file: &str, m: &Spanned<Missing>, out: &mut Diagnostics) {
    if let Missing::Fill(v) = m.value
        && !v.is_finite()
    {
        out.push(
            at(
                err("F043", "an alternative `fill` value must be a number"),
                file,
                m,
                1,
                "alternative",
            )
            .with_hint("give a finite fill value"),
        );
    }
}
