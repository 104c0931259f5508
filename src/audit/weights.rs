//! Section 5 of the audit: the correlation of each indicator with its risk
//! factor (or theme) and with the overall score, and its effective weight
//! beside its nominal one. The nominal weight is the structural share of the
//! overall score COINr's `get_eff_wts` computes (normalised weights
//! multiplied down the tree, summed over paths); the effective weight is the
//! squared correlation with the overall score as a share of the sum over the
//! same set (Paruolo, Saisana and Saltelli 2013: for a linear link, r squared
//! is the first-order sensitivity index).

use serde::Serialize;

use super::stats;
use super::{Ctx, Finding, FindingKind, THRESHOLDS, YearValue, f2, overlap, pct, split};
use crate::compile::Kind;
use crate::framework::model::Method;

/// An item's correlation with one of its parents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParentLink {
    /// Parent node (a risk factor, theme or crime).
    pub parent: String,
    /// Unit-years where both have a value.
    pub n: usize,
    /// Pearson correlation, pooled.
    pub r: Option<f64>,
    /// Why there is no correlation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Nominal weight within the parent, as a share of its members with a correlation.
    pub nominal: Option<f64>,
    /// r squared within the parent, as a share of its members' sum.
    pub effective: Option<f64>,
}

/// An item's weight in the overall score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverallLink {
    /// Unit-years where both have a value.
    pub n: usize,
    /// Pearson correlation with the overall score, pooled.
    pub r: Option<f64>,
    /// Why there is no correlation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Structural share of the overall score, among the items of its level
    /// with a correlation.
    pub nominal: f64,
    /// r squared as a share of the sum over the same items.
    pub effective: Option<f64>,
    /// effective / nominal.
    pub ratio: Option<f64>,
    /// Pearson with the overall score, year by year.
    pub r_by_year: Vec<YearValue>,
}

/// One indicator or risk factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// Node id.
    pub id: String,
    /// Its data columns.
    pub columns: Vec<String>,
    /// Correlation with each parent.
    pub parents: Vec<ParentLink>,
    /// Weight in the overall score; absent when the item does not reach it.
    pub overall: Option<OverallLink>,
}

/// Section 5: effective weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// How nominal weights are combined down the tree.
    pub method: String,
    /// Indicators with data.
    pub indicators: Vec<Item>,
    /// Risk factors with data.
    pub risk_factors: Vec<Item>,
}

/// Each node's structural share of the overall score: normalised absolute
/// weights multiplied from the overall score down, summed over paths; the
/// children of a `max` node count equally.
pub(crate) fn structural(ctx: &Ctx<'_>) -> Vec<f64> {
    let plan = ctx.plan;
    let mut reach = vec![0.0; plan.nodes.len()];
    reach[plan.overall()] = 1.0;
    for p in (0..plan.nodes.len()).rev() {
        let node = &plan.nodes[p];
        if reach[p] == 0.0 || node.children.is_empty() {
            continue;
        }
        let equal = node.rule.method == Method::Max;
        let total: f64 = node
            .children
            .iter()
            .map(|(_, w)| if equal { 1.0 } else { w.abs() })
            .sum();
        if total <= 0.0 {
            continue;
        }
        for &(c, w) in &node.children {
            let share = if equal { 1.0 } else { w.abs() } / total;
            reach[c] += reach[p] * share;
        }
    }
    reach
}

fn link(ctx: &Ctx<'_>, item: usize, other: usize) -> (usize, Option<f64>, Option<String>) {
    let (x, y) = (ctx.values(item), ctx.values(other));
    let (r, reason) = split(stats::pearson(x, y), &[ctx.id(item), ctx.id(other)]);
    (overlap(x, y), r, reason)
}

fn parents(ctx: &Ctx<'_>, item: usize) -> Vec<ParentLink> {
    ctx.parents[item]
        .iter()
        .filter(|&&p| {
            matches!(
                ctx.plan.nodes[p].kind,
                Kind::RiskFactor | Kind::Theme | Kind::Crime
            )
        })
        .map(|&p| {
            let (n, r, reason) = link(ctx, item, p);
            // Shares among the parent's members with a correlation.
            let kids: Vec<(f64, f64)> = ctx.plan.nodes[p]
                .children
                .iter()
                .filter(|(c, _)| ctx.has_data(*c))
                .filter_map(|&(c, w)| {
                    stats::pearson(ctx.values(c), ctx.values(p))
                        .ok()
                        .map(|r| (w.abs(), r * r))
                })
                .collect();
            let wsum: f64 = kids.iter().map(|k| k.0).sum();
            let rsum: f64 = kids.iter().map(|k| k.1).sum();
            let own_w = ctx.plan.nodes[p]
                .children
                .iter()
                .find(|(c, _)| *c == item)
                .map_or(0.0, |(_, w)| w.abs());
            ParentLink {
                parent: ctx.id(p).to_string(),
                n,
                nominal: r.filter(|_| wsum > 0.0).map(|_| own_w / wsum),
                effective: r.filter(|_| rsum > 0.0).map(|r| r * r / rsum),
                r,
                reason,
            }
        })
        .collect()
}

fn items(ctx: &Ctx<'_>, kind: Kind, reach: &[f64], out: &mut Vec<Finding>) -> Vec<Item> {
    let overall = ctx.plan.overall();
    let nodes: Vec<usize> = ctx
        .in_file_order(kind)
        .into_iter()
        .filter(|&n| ctx.has_data(n))
        .collect();
    let links: Vec<(usize, Option<f64>, Option<String>)> =
        nodes.iter().map(|&n| link(ctx, n, overall)).collect();
    let counted = |i: usize| reach[nodes[i]] > 0.0 && links[i].1.is_some();
    let wsum: f64 = (0..nodes.len())
        .filter(|&i| counted(i))
        .map(|i| reach[nodes[i]])
        .sum();
    let rsum: f64 = (0..nodes.len())
        .filter(|&i| counted(i))
        .map(|i| links[i].1.map_or(0.0, |r| r * r))
        .sum();
    let mut found = Vec::new();
    for (i, &n) in nodes.iter().enumerate() {
        let (count, r, reason) = links[i].clone();
        let overall_link = (reach[n] > 0.0).then(|| {
            let nominal = if counted(i) && wsum > 0.0 {
                reach[n] / wsum
            } else {
                0.0
            };
            let effective = r.filter(|_| rsum > 0.0).map(|r| r * r / rsum);
            let ratio = effective.filter(|_| nominal > 0.0).map(|e| e / nominal);
            let names = [ctx.id(n), ctx.id(overall)];
            let (x, y) = (ctx.values(n), ctx.values(overall));
            OverallLink {
                n: count,
                r,
                reason: reason.clone(),
                nominal,
                effective,
                ratio,
                r_by_year: ctx.per_year(
                    &[x, y],
                    |s| (overlap(s[0], s[1]), stats::pearson(s[0], s[1])),
                    &names,
                ),
            }
        });
        let item = Item {
            id: ctx.id(n).to_string(),
            columns: ctx.columns[n].clone(),
            parents: parents(ctx, n),
            overall: overall_link,
        };
        if let Some(o) = &item.overall
            && let (Some(ratio), Some(eff), Some(r)) = (o.ratio, o.effective, o.r)
            && !(1.0 / THRESHOLDS.weight_ratio..=THRESHOLDS.weight_ratio).contains(&ratio)
        {
            let what = if ratio < 1.0 {
                "moves the overall score much less than its weight says"
            } else {
                "moves the overall score much more than its weight says"
            };
            let mut f = Finding::new(
                FindingKind::Weight,
                format!(
                    "`{}` ({}) {what}: nominal {} of the overall score, effective {} (r = {})",
                    item.id,
                    if item.columns.is_empty() {
                        "no columns".to_string()
                    } else {
                        item.columns.join(", ")
                    },
                    pct(o.nominal),
                    pct(eff),
                    f2(r)
                ),
                ratio.ln().abs(),
            );
            f.indicators = vec![item.id.clone()];
            f.columns = item.columns.clone();
            f.node = Some(ctx.id(overall).to_string());
            f.value = Some(ratio);
            out.push(f);
        }
        found.push(item);
    }
    found
}

/// Builds section 5 and adds its findings.
pub(crate) fn section(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Section {
    let reach = structural(ctx);
    Section {
        method: "nominal: normalised weights multiplied from the overall score down and summed over paths (children of a max node count equally); effective: r squared with the overall score as a share of the sum over the same level".to_string(),
        indicators: items(ctx, Kind::Indicator, &reach, out),
        risk_factors: items(ctx, Kind::RiskFactor, &reach, out),
    }
}
