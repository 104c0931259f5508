//! Sections 2-4 of the audit, per risk factor and theme: the Pearson and
//! Spearman correlation of every pair of members, each member's correlation
//! with the rest of its group, Cronbach's alpha with alpha-if-dropped, and a
//! principal component analysis.

use serde::Serialize;

use super::stats::{self, Flaw};
use super::{Ctx, Finding, FindingKind, THRESHOLDS, YearValue, f2, overlap, split};
use crate::compile::Kind;

/// A member of a group that has data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// Node id (an indicator; for themes also a risk factor or theme).
    pub id: String,
    /// Its data columns.
    pub columns: Vec<String>,
    /// Nominal weight, as a share of the members with data.
    pub weight: f64,
}

/// A member left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    /// Node id.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// A pooled statistic with its count, or the reason it is missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stat {
    /// Observations used.
    pub n: usize,
    /// The value.
    pub value: Option<f64>,
    /// Why there is no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Two members and their correlations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// First member.
    pub a: String,
    /// Second member.
    pub b: String,
    /// Unit-years where both have a value.
    pub n: usize,
    /// Pearson, pooled.
    pub pearson: Option<f64>,
    /// Spearman, pooled.
    pub spearman: Option<f64>,
    /// Why there are no correlations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Pearson or Spearman at or above the redundancy threshold.
    pub redundant: bool,
    /// Pearson at or below the negative-pair threshold.
    pub negative: bool,
    /// Pearson year by year.
    pub pearson_by_year: Vec<YearValue>,
    /// Spearman year by year.
    pub spearman_by_year: Vec<YearValue>,
}

/// A member's correlation with the weighted mean of the other members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemRest {
    /// Member.
    pub id: String,
    /// Pearson with the rest, pooled.
    pub pooled: Stat,
    /// Year by year.
    pub by_year: Vec<YearValue>,
}

/// Alpha without one member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dropped {
    /// The member dropped.
    pub id: String,
    /// Alpha of the others.
    pub alpha: Option<f64>,
    /// Why there is no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Cronbach's alpha of a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alpha {
    /// Alpha of all members with data, pooled.
    pub value: Option<f64>,
    /// Why there is no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Alpha if each member were dropped.
    pub if_dropped: Vec<Dropped>,
    /// Alpha year by year.
    pub by_year: Vec<YearValue>,
}

/// One member's loading on the first component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loading {
    /// Member.
    pub id: String,
    /// Loading (entry of the first unit eigenvector).
    pub loading: f64,
}

/// A principal component analysis of a group's members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Components {
    /// Unit-years with a value for every member.
    pub n: usize,
    /// Eigenvalues of the correlation matrix, largest first.
    pub eigenvalues: Vec<f64>,
    /// Share of variance on the first component.
    pub first_share: Option<f64>,
    /// Loadings of the first component.
    pub loadings: Vec<Loading>,
    /// Why there is no analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The first component's share year by year.
    pub first_share_by_year: Vec<YearValue>,
}

/// The statistics of one risk factor or theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Node id.
    pub id: String,
    /// `risk_factor` or `theme`.
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// Members with data.
    pub members: Vec<Member>,
    /// Members without data.
    pub excluded: Vec<Excluded>,
    /// Every pair of members.
    pub pairs: Vec<Pair>,
    /// The pooled Pearson matrix, in member order (null where not computable).
    pub matrix: Vec<Vec<Option<f64>>>,
    /// Each member against the rest.
    pub item_rest: Vec<ItemRest>,
    /// Cronbach's alpha.
    pub alpha: Alpha,
    /// Principal components.
    pub components: Components,
}

fn corr_years(
    ctx: &Ctx<'_>,
    x: &[f64],
    y: &[f64],
    names: &[&str],
    f: fn(&[f64], &[f64]) -> Result<f64, Flaw>,
) -> Vec<YearValue> {
    ctx.per_year(&[x, y], |s| (overlap(s[0], s[1]), f(s[0], s[1])), names)
}

fn pair(ctx: &Ctx<'_>, a: usize, b: usize) -> Pair {
    let (x, y) = (ctx.values(a), ctx.values(b));
    let names = [ctx.id(a), ctx.id(b)];
    let (pearson, reason) = split(stats::pearson(x, y), &names);
    let spearman = stats::spearman(x, y).ok();
    let top = pearson
        .unwrap_or(f64::NAN)
        .max(spearman.unwrap_or(f64::NAN));
    Pair {
        a: names[0].to_string(),
        b: names[1].to_string(),
        n: overlap(x, y),
        pearson,
        spearman,
        reason,
        redundant: top >= THRESHOLDS.redundant_r,
        negative: pearson.is_some_and(|r| r <= THRESHOLDS.negative_pair_r),
        pearson_by_year: corr_years(ctx, x, y, &names, stats::pearson),
        spearman_by_year: corr_years(ctx, x, y, &names, stats::spearman),
    }
}

/// Per unit-year: the weighted mean of the members other than `skip` that
/// have a value.
fn rest(ctx: &Ctx<'_>, members: &[(usize, f64)], skip: usize) -> Vec<f64> {
    let len = ctx.years.len() * ctx.n_units;
    (0..len)
        .map(|k| {
            let (mut s, mut w) = (0.0, 0.0);
            for &(m, wt) in members {
                let v = ctx.values(m)[k];
                if m != skip && !v.is_nan() {
                    s += v * wt;
                    w += wt;
                }
            }
            if w > 0.0 { s / w } else { f64::NAN }
        })
        .collect()
}

/// Unit-years where every series has a value.
fn complete_rows(s: &[&[f64]]) -> usize {
    (0..s.first().map_or(0, |c| c.len()))
        .filter(|&k| s.iter().all(|c| !c[k].is_nan()))
        .count()
}

fn alpha(ctx: &Ctx<'_>, members: &[usize]) -> Alpha {
    let cols: Vec<&[f64]> = members.iter().map(|&m| ctx.values(m)).collect();
    let names: Vec<&str> = members.iter().map(|&m| ctx.id(m)).collect();
    let all: Vec<usize> = (0..members.len()).collect();
    // The covariances do not depend on which members are kept: computed
    // once, for alpha and for each alpha-if-dropped.
    let cov = stats::pairwise_covariance(&cols);
    let alpha_of = |keep: &[usize]| {
        let r = cov
            .as_ref()
            .map_err(|e| *e)
            .and_then(|cov| stats::cronbach(cov, cols.len(), keep));
        split(r, &names)
    };
    let (value, reason) = alpha_of(&all);
    let if_dropped = if members.len() < 2 || value.is_none() {
        Vec::new()
    } else {
        (0..members.len())
            .map(|d| {
                let keep: Vec<usize> = all.iter().copied().filter(|&i| i != d).collect();
                let (alpha, reason) = alpha_of(&keep);
                Dropped {
                    id: names[d].to_string(),
                    alpha,
                    reason,
                }
            })
            .collect()
    };
    let by_year = ctx.per_year(
        &cols,
        |s| {
            let n = complete_rows(s);
            let r =
                stats::pairwise_covariance(s).and_then(|cov| stats::cronbach(&cov, s.len(), &all));
            (n, r)
        },
        &names,
    );
    Alpha {
        value,
        reason,
        if_dropped,
        by_year,
    }
}

fn components(ctx: &Ctx<'_>, members: &[usize]) -> Components {
    let cols: Vec<&[f64]> = members.iter().map(|&m| ctx.values(m)).collect();
    let names: Vec<&str> = members.iter().map(|&m| ctx.id(m)).collect();
    let first_share_by_year = ctx.per_year(
        &cols,
        |s| match stats::pca(s) {
            Ok(p) => (p.n, Ok(p.first_share)),
            Err(e) => (complete_rows(s), Err(e)),
        },
        &names,
    );
    match stats::pca(&cols) {
        Ok(p) => Components {
            n: p.n,
            first_share: Some(p.first_share),
            loadings: names
                .iter()
                .zip(&p.loadings)
                .map(|(id, l)| Loading {
                    id: id.to_string(),
                    loading: *l,
                })
                .collect(),
            eigenvalues: p.eigenvalues,
            reason: None,
            first_share_by_year,
        },
        Err(e) => Components {
            n: 0,
            eigenvalues: Vec::new(),
            first_share: None,
            loadings: Vec::new(),
            reason: Some(super::why(e, &names)),
            first_share_by_year,
        },
    }
}

fn findings(g: &Group, out: &mut Vec<Finding>) {
    let cols = |id: &str| -> Vec<String> {
        g.members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.columns.clone())
            .unwrap_or_default()
    };
    let named = |id: &str| format!("`{id}` ({})", cols(id).join(", "));
    for p in g.pairs.iter().filter(|p| p.redundant) {
        let r = p
            .pearson
            .unwrap_or(f64::NAN)
            .max(p.spearman.unwrap_or(f64::NAN));
        let mut f = Finding::new(
            FindingKind::Redundant,
            format!(
                "in `{}`, {} and {} correlate at Pearson {}, Spearman {} over {} unit-years: one may be redundant",
                g.id,
                named(&p.a),
                named(&p.b),
                p.pearson.map_or("n/a".into(), f2),
                p.spearman.map_or("n/a".into(), f2),
                p.n
            ),
            r,
        );
        f.indicators = vec![p.a.clone(), p.b.clone()];
        f.columns = cols(&p.a).into_iter().chain(cols(&p.b)).collect();
        f.node = Some(g.id.clone());
        f.value = Some(r);
        out.push(f);
    }
    for ir in &g.item_rest {
        let Some(r) = ir.pooled.value else { continue };
        if r > THRESHOLDS.direction_r {
            continue;
        }
        let mut f = Finding::new(
            FindingKind::Direction,
            format!(
                "{} correlates negatively with the rest of `{}` (r = {} over {} unit-years): check whether its direction is reversed",
                named(&ir.id),
                g.id,
                f2(r),
                ir.pooled.n
            ),
            -r,
        );
        f.indicators = vec![ir.id.clone()];
        f.columns = cols(&ir.id);
        f.node = Some(g.id.clone());
        f.value = Some(r);
        out.push(f);
    }
    let Some(a) = g.alpha.value else { return };
    if a < THRESHOLDS.alpha_low {
        let mut f = Finding::new(
            FindingKind::Consistency,
            format!(
                "`{}` has a low Cronbach's alpha, {} over {} members",
                g.id,
                f2(a),
                g.members.len()
            ),
            THRESHOLDS.alpha_low - a,
        );
        f.node = Some(g.id.clone());
        f.value = Some(a);
        out.push(f);
    }
    for d in &g.alpha.if_dropped {
        let Some(b) = d.alpha else { continue };
        if b - a < THRESHOLDS.alpha_gain {
            continue;
        }
        let mut f = Finding::new(
            FindingKind::Consistency,
            format!(
                "dropping {} would raise the alpha of `{}` from {} to {}: it does not hang together with the rest",
                named(&d.id),
                g.id,
                f2(a),
                f2(b)
            ),
            b - a,
        );
        f.indicators = vec![d.id.clone()];
        f.columns = cols(&d.id);
        f.node = Some(g.id.clone());
        f.value = Some(b);
        out.push(f);
    }
}

/// A group's children, each once (the first link counts), in their order.
fn distinct_children(ctx: &Ctx<'_>, node: usize) -> Vec<(usize, f64)> {
    let mut out: Vec<(usize, f64)> = Vec::new();
    for &(c, w) in &ctx.plan.nodes[node].children {
        if !out.iter().any(|(m, _)| *m == c) {
            out.push((c, w));
        }
    }
    out
}

/// The risk factors and themes the audit describes, in file order.
fn group_nodes(ctx: &Ctx<'_>) -> Vec<usize> {
    let mut nodes = ctx.in_file_order(Kind::RiskFactor);
    nodes.extend(ctx.in_file_order(Kind::Theme));
    nodes
}

/// Per group: how many members have data.
pub(crate) fn member_counts(ctx: &Ctx<'_>) -> Vec<u64> {
    group_nodes(ctx)
        .into_iter()
        .map(|g| {
            distinct_children(ctx, g)
                .iter()
                .filter(|(c, _)| ctx.has_data(*c))
                .count() as u64
        })
        .collect()
}

fn group(ctx: &Ctx<'_>, node: usize) -> Group {
    let n = &ctx.plan.nodes[node];
    let mut members: Vec<(usize, f64)> = Vec::new();
    let mut excluded = Vec::new();
    for (c, w) in distinct_children(ctx, node) {
        if ctx.has_data(c) {
            members.push((c, w.abs()));
        } else {
            excluded.push(Excluded {
                id: ctx.id(c).to_string(),
                reason: if ctx.plan.nodes[c].qualitative && ctx.plan.nodes[c].children.is_empty() {
                    "qualitative, not assessed".to_string()
                } else {
                    "no values in the years audited".to_string()
                },
            });
        }
    }
    let total: f64 = members.iter().map(|(_, w)| w).sum();
    let ids: Vec<usize> = members.iter().map(|(m, _)| *m).collect();
    let mut pairs = Vec::new();
    let k = ids.len();
    let mut matrix = vec![vec![None; k]; k];
    for i in 0..k {
        matrix[i][i] = Some(1.0);
        for j in i + 1..k {
            let p = pair(ctx, ids[i], ids[j]);
            matrix[i][j] = p.pearson;
            matrix[j][i] = p.pearson;
            pairs.push(p);
        }
    }
    let item_rest = if k < 2 {
        Vec::new()
    } else {
        ids.iter()
            .map(|&m| {
                let r = rest(ctx, &members, m);
                let x = ctx.values(m);
                let names = [ctx.id(m), "the rest"];
                let (value, reason) = split(stats::pearson(x, &r), &names);
                ItemRest {
                    id: ctx.id(m).to_string(),
                    pooled: Stat {
                        n: overlap(x, &r),
                        value,
                        reason,
                    },
                    by_year: corr_years(ctx, x, &r, &names, stats::pearson),
                }
            })
            .collect()
    };
    Group {
        id: ctx.id(node).to_string(),
        kind: if n.kind == Kind::Theme {
            "theme"
        } else {
            "risk_factor"
        },
        title: n.title.clone(),
        members: members
            .iter()
            .map(|&(m, w)| Member {
                id: ctx.id(m).to_string(),
                columns: ctx.columns[m].clone(),
                weight: if total > 0.0 { w / total } else { 0.0 },
            })
            .collect(),
        excluded,
        pairs,
        matrix,
        item_rest,
        alpha: alpha(ctx, &ids),
        components: components(ctx, &ids),
    }
}

/// Builds sections 2-4 (every risk factor, then every theme) and adds their findings.
pub(crate) fn section(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Vec<Group> {
    let groups: Vec<Group> = group_nodes(ctx)
        .into_iter()
        .map(|n| group(ctx, n))
        .collect();
    for g in &groups {
        findings(g, out);
    }
    groups
}
