//! Section 1 of the audit: double counting. A data column read by several
//! measures that meet in one score; two columns with the same values; two
//! indicators whose values are nearly identical; an indicator that reaches a
//! theme by more than one path.

use std::collections::BTreeSet;

use serde::Serialize;

use super::stats::{self, MIN_OBS};
use super::{Ctx, Finding, FindingKind, THRESHOLDS, f2};
use crate::compile::Kind;
use crate::framework::model::Method;
use crate::report::explain::describe;

/// One measure that reads a shared column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reader {
    /// Measure id (`indicator/measure`).
    pub measure: String,
    /// Its indicator.
    pub indicator: String,
    /// How it reads the column, in words.
    pub reads: String,
    /// The paths from the measure up to a node nothing is above (the
    /// overall score, or a theme), as `a -> b -> c`: every one, or the first
    /// [`PATHS_LISTED`] when there are more.
    pub paths: Vec<String>,
    /// Paths not listed in `paths` (absent when every path is listed).
    #[serde(skip_serializing_if = "is_zero")]
    pub more_paths: u64,
    /// The paths from its indicator in one line, branches in braces:
    /// `a -> b -> {c -> overall | d -> overall}`; past [`REACH_IDS`] node
    /// ids, the rest of a branch is written `...`.
    pub reach: String,
}

/// Most paths listed for one measure or one indicator and theme; the others
/// are counted, never listed, so that shared members level after level
/// (whose paths double with each level) cost no more than their links.
pub const PATHS_LISTED: usize = 20;

/// Most node ids written in the one-line `reach` of a reader.
pub const REACH_IDS: usize = 200;

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Measures that read one column and the scores in which their values
/// meet: the column counts once for each of them there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meeting {
    /// The lowest scores above all of `measures` (never a `max` node, which
    /// takes one child's value and so counts nothing twice).
    pub at: Vec<String>,
    /// The measures.
    pub measures: Vec<String>,
}

/// A column read by more than one measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedColumn {
    /// Column name.
    pub column: String,
    /// The measures that read it.
    pub readers: Vec<Reader>,
    /// Where two or more readers meet in a score (double counting); readers
    /// that never meet are not listed.
    pub meetings: Vec<Meeting>,
}

/// Two columns with equal values wherever both have one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnPair {
    /// First column.
    pub a: String,
    /// Second column.
    pub b: String,
    /// Unit-years where both have a value.
    pub n: usize,
}

/// Two indicators with nearly identical values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorPair {
    /// First indicator.
    pub a: String,
    /// Its columns.
    pub columns_a: Vec<String>,
    /// Second indicator.
    pub b: String,
    /// Its columns.
    pub columns_b: Vec<String>,
    /// Unit-years where both have a value.
    pub n: usize,
    /// Pearson correlation, pooled.
    pub pearson: f64,
    /// Mean absolute difference of the normalised values.
    pub mean_abs_diff: f64,
}

/// A per-capita denominator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Denominator {
    /// Column name.
    pub column: String,
    /// Measures that divide by it.
    pub measures: usize,
}

/// An indicator that reaches a theme by more than one path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemePaths {
    /// Theme.
    pub theme: String,
    /// Indicator.
    pub indicator: String,
    /// The paths: every one, or the first [`PATHS_LISTED`] when there are
    /// more.
    pub paths: Vec<String>,
    /// Paths not listed in `paths` (absent when every path is listed).
    #[serde(skip_serializing_if = "is_zero")]
    pub more_paths: u64,
}

impl ThemePaths {
    /// How many paths there are (saturating at `u64::MAX`).
    pub fn count(&self) -> u64 {
        (self.paths.len() as u64).saturating_add(self.more_paths)
    }
}

/// Section 1: double counting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Columns read by more than one measure, with the paths of each reader.
    pub shared_columns: Vec<SharedColumn>,
    /// Columns used as per-capita denominators, with how many measures use
    /// each: not double counting, listed for completeness.
    pub denominators: Vec<Denominator>,
    /// Columns read by the framework whose values are equal wherever both have one.
    pub identical_columns: Vec<ColumnPair>,
    /// Indicator pairs with |Pearson| at or above the duplicate threshold.
    pub near_identical: Vec<IndicatorPair>,
    /// Indicators that reach a theme by more than one path.
    pub theme_paths: Vec<ThemePaths>,
}

/// Per node: how many paths lead from it up to `top`, or (with `top` None)
/// up to a node with no parent; counted once per node over the graph (a
/// DAG), saturating at `u64::MAX`.
fn path_counts(ctx: &Ctx<'_>, from: usize, top: Option<usize>) -> Vec<u64> {
    let mut count = vec![0u64; ctx.parents.len()];
    let mut done = vec![false; ctx.parents.len()];
    // Depth-first from `from`, each node finished after its parents.
    let mut stack = vec![(from, false)];
    while let Some((n, parents_done)) = stack.pop() {
        if done[n] {
            continue;
        }
        let ps = &ctx.parents[n];
        if Some(n) == top || (top.is_none() && ps.is_empty()) {
            count[n] = 1;
            done[n] = true;
        } else if parents_done {
            count[n] = ps.iter().fold(0u64, |s, &p| s.saturating_add(count[p]));
            done[n] = true;
        } else {
            stack.push((n, true));
            stack.extend(ps.iter().filter(|&&p| !done[p]).map(|&p| (p, false)));
        }
    }
    count
}

/// The paths from `node` up to `top` (or to a node with no parent), in the
/// order of `order` among each node's parents: how many there are, and the
/// first `PATHS_LISTED` of them.
fn paths_up(
    ctx: &Ctx<'_>,
    node: usize,
    top: Option<usize>,
    order: impl Fn(&[usize]) -> Vec<usize>,
) -> (u64, Vec<Vec<usize>>) {
    let count = path_counts(ctx, node, top);
    let total = count[node];
    let mut out = Vec::new();
    let mut path = vec![node];
    list_paths(ctx, &count, top, &order, &mut path, &mut out);
    (total, out)
}

fn list_paths(
    ctx: &Ctx<'_>,
    count: &[u64],
    top: Option<usize>,
    order: &impl Fn(&[usize]) -> Vec<usize>,
    path: &mut Vec<usize>,
    out: &mut Vec<Vec<usize>>,
) {
    let n = *path.last().expect("a path has a node");
    if Some(n) == top || (top.is_none() && ctx.parents[n].is_empty()) {
        out.push(path.clone());
        return;
    }
    for p in order(&ctx.parents[n]) {
        if out.len() >= PATHS_LISTED {
            return;
        }
        // Every parent of a node on the way was counted: 0 leads nowhere.
        if count[p] == 0 {
            continue;
        }
        path.push(p);
        list_paths(ctx, count, top, order, path, out);
        path.pop();
    }
}

/// The paths up from `node` in one line, branching in braces, within
/// `REACH_IDS` node ids.
fn reach(ctx: &Ctx<'_>, node: usize) -> String {
    let mut left = REACH_IDS;
    let mut out = String::new();
    reach_into(ctx, node, &mut left, &mut out);
    out
}

fn reach_into(ctx: &Ctx<'_>, node: usize, left: &mut usize, out: &mut String) {
    if *left == 0 {
        out.push_str("...");
        return;
    }
    *left -= 1;
    out.push_str(ctx.id(node));
    let ps = &ctx.parents[node];
    match ps.len() {
        0 => {}
        1 => {
            out.push_str(" -> ");
            reach_into(ctx, ps[0], left, out);
        }
        _ => {
            out.push_str(" -> {");
            for (i, &p) in ps.iter().enumerate() {
                if i > 0 {
                    out.push_str(" | ");
                }
                reach_into(ctx, p, left, out);
            }
            out.push('}');
        }
    }
}

fn ancestors(ctx: &Ctx<'_>, node: usize) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        for &p in &ctx.parents[n] {
            if seen.insert(p) {
                stack.push(p);
            }
        }
    }
    seen
}

fn path_text(ctx: &Ctx<'_>, p: &[usize]) -> String {
    p.iter()
        .map(|&n| ctx.id(n))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// Where the readers of one column meet: each score (not a `max` node) above
/// two or more of them, unless a score below it gathers the same readers;
/// scores with the same readers are grouped.
fn meetings_of(ctx: &Ctx<'_>, readers: &[usize]) -> Vec<(Vec<usize>, Vec<usize>)> {
    let anc: Vec<BTreeSet<usize>> = readers.iter().map(|&r| ancestors(ctx, r)).collect();
    let under = |s: usize| -> Vec<usize> {
        (0..readers.len())
            .filter(|&i| anc[i].contains(&s))
            .map(|i| readers[i])
            .collect()
    };
    let candidates: BTreeSet<usize> = anc
        .iter()
        .flatten()
        .copied()
        .filter(|&s| ctx.plan.nodes[s].rule.method != Method::Max && under(s).len() >= 2)
        .collect();
    let mut found: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for &s in &candidates {
        let set = under(s);
        let below = candidates
            .iter()
            .any(|&d| d != s && ancestors(ctx, d).contains(&s) && under(d) == set);
        if below {
            continue;
        }
        match found.iter_mut().find(|(_, r)| *r == set) {
            Some((at, _)) => at.push(s),
            None => found.push((vec![s], set)),
        }
    }
    found
}

fn shared_columns(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> (Vec<SharedColumn>, Vec<Denominator>) {
    let (plan, panel) = (ctx.plan, ctx.panel);
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); panel.columns.len()];
    let mut denominators: Vec<usize> = vec![0; panel.columns.len()];
    for (i, node) in plan.nodes.iter().enumerate() {
        let Some(m) = &node.measure else { continue };
        for &c in &m.columns {
            if !readers[c].contains(&i) {
                readers[c].push(i);
            }
        }
        for &c in m.denominators.iter().flatten() {
            denominators[c] += 1;
        }
    }
    let at = |n: usize| (plan.nodes[n].file, plan.nodes[n].line, n);
    for rs in &mut readers {
        rs.sort_by_key(|&n| at(n));
    }
    let mut shared = Vec::new();
    for (c, rs) in readers.iter().enumerate() {
        if rs.len() < 2 || panel.is_assessed(c) {
            continue;
        }
        let column = panel.columns[c].name.clone();
        let list: Vec<Reader> = rs
            .iter()
            .map(|&m| {
                let ind = ctx.parents[m].first().copied();
                let (total, paths) = paths_up(ctx, m, None, <[usize]>::to_vec);
                Reader {
                    measure: ctx.id(m).to_string(),
                    indicator: ind.map_or(String::new(), |i| ctx.id(i).to_string()),
                    reads: plan.nodes[m]
                        .measure
                        .as_ref()
                        .map(describe)
                        .unwrap_or_default(),
                    paths: paths.iter().map(|p| path_text(ctx, p)).collect(),
                    more_paths: total - paths.len() as u64,
                    reach: ind.map_or_else(|| reach(ctx, m), |i| reach(ctx, i)),
                }
            })
            .collect();
        let mut meetings = Vec::new();
        for (mut at, set) in meetings_of(ctx, rs) {
            at.sort_by_key(|&n| (plan.nodes[n].file, plan.nodes[n].line, n));
            let at: Vec<String> = at.iter().map(|&n| ctx.id(n).to_string()).collect();
            let measures: Vec<String> = set.iter().map(|&m| ctx.id(m).to_string()).collect();
            let mut f = Finding::new(
                FindingKind::DoubleCount,
                format!(
                    "column `{column}` counts {} times in {}: it is read by {}",
                    measures.len(),
                    at.iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    measures
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                measures.len() as f64,
            );
            f.indicators = measures.clone();
            f.columns = vec![column.clone()];
            f.node = at.first().cloned();
            out.push(f);
            meetings.push(Meeting { at, measures });
        }
        shared.push(SharedColumn {
            column,
            readers: list,
            meetings,
        });
    }
    shared.sort_by(|a, b| a.column.cmp(&b.column));
    let mut dens: Vec<Denominator> = denominators
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| Denominator {
            column: panel.columns[c].name.clone(),
            measures: *n,
        })
        .collect();
    dens.sort_by(|a, b| a.column.cmp(&b.column));
    (shared, dens)
}

/// Raw values of a panel column over the audited unit-years.
pub(crate) fn column_values(ctx: &Ctx<'_>, col: usize) -> Vec<f64> {
    let n = ctx.years.len() * ctx.n_units;
    (0..n).map(|k| ctx.panel.value(col, ctx.cell(k))).collect()
}

/// The data columns measures read (not assessments), sorted by name.
pub(crate) fn read_columns(ctx: &Ctx<'_>) -> Vec<usize> {
    let mut cols: Vec<usize> = ctx
        .plan
        .nodes
        .iter()
        .filter_map(|n| n.measure.as_ref())
        .flat_map(|m| m.columns.iter().copied())
        .filter(|&c| !ctx.panel.is_assessed(c))
        .collect();
    cols.sort_by(|a, b| ctx.panel.columns[*a].name.cmp(&ctx.panel.columns[*b].name));
    cols.dedup();
    cols
}

fn identical_columns(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Vec<ColumnPair> {
    let cols = read_columns(ctx);
    let vals: Vec<Vec<f64>> = cols.iter().map(|&c| column_values(ctx, c)).collect();
    let mut pairs = Vec::new();
    for i in 0..cols.len() {
        for j in i + 1..cols.len() {
            // Equal wherever both have a value, on enough unit-years, and
            // not one value throughout.
            let (mut n, mut first, mut varies, mut equal) = (0, f64::NAN, false, true);
            for (x, y) in vals[i].iter().zip(&vals[j]) {
                if x.is_nan() || y.is_nan() {
                    continue;
                }
                if x != y {
                    equal = false;
                    break;
                }
                if n == 0 {
                    first = *x;
                } else if *x != first {
                    varies = true;
                }
                n += 1;
            }
            if n < MIN_OBS || !varies || !equal {
                continue;
            }
            let (na, nb) = (
                &ctx.panel.columns[cols[i]].name,
                &ctx.panel.columns[cols[j]].name,
            );
            let mut f = Finding::new(
                FindingKind::Duplicate,
                format!(
                    "columns `{na}` and `{nb}` have the same value in all {n} unit-years where both have one"
                ),
                2.0,
            );
            f.columns = vec![na.clone(), nb.clone()];
            f.value = Some(1.0);
            out.push(f);
            pairs.push(ColumnPair {
                a: na.clone(),
                b: nb.clone(),
                n,
            });
        }
    }
    pairs
}

fn near_identical(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Vec<IndicatorPair> {
    let inds: Vec<usize> = ctx
        .in_file_order(Kind::Indicator)
        .into_iter()
        .filter(|&i| ctx.has_data(i))
        .collect();
    let mut pairs = Vec::new();
    for (x, &i) in inds.iter().enumerate() {
        for &j in &inds[x + 1..] {
            let Ok(r) = stats::pearson(ctx.values(i), ctx.values(j)) else {
                continue;
            };
            if r.abs() < THRESHOLDS.duplicate_r {
                continue;
            }
            let (a, b) = stats::complete_pairs(ctx.values(i), ctx.values(j));
            let mad = a.iter().zip(&b).map(|(p, q)| (p - q).abs()).sum::<f64>() / a.len() as f64;
            let p = IndicatorPair {
                a: ctx.id(i).to_string(),
                columns_a: ctx.columns[i].clone(),
                b: ctx.id(j).to_string(),
                columns_b: ctx.columns[j].clone(),
                n: a.len(),
                pearson: r,
                mean_abs_diff: mad,
            };
            let how = if r < 0.0 {
                "mirror images of each other"
            } else {
                "nearly identical"
            };
            let mut f = Finding::new(
                FindingKind::Duplicate,
                format!(
                    "indicators `{}` ({}) and `{}` ({}) are {how}: r = {} over {} unit-years, mean difference {}",
                    p.a,
                    p.columns_a.join(", "),
                    p.b,
                    p.columns_b.join(", "),
                    f2(r),
                    p.n,
                    f2(mad)
                ),
                r.abs(),
            );
            f.indicators = vec![p.a.clone(), p.b.clone()];
            f.columns = p.columns_a.iter().chain(&p.columns_b).cloned().collect();
            f.value = Some(r);
            out.push(f);
            pairs.push(p);
        }
    }
    pairs
}

fn theme_paths(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Vec<ThemePaths> {
    let mut found = Vec::new();
    for theme in ctx.in_file_order(Kind::Theme) {
        for ind in ctx.in_file_order(Kind::Indicator) {
            // Distinct paths from the indicator to the theme, in the order
            // of their node indices.
            let sorted = |ps: &[usize]| {
                let mut v = ps.to_vec();
                v.sort_unstable();
                v
            };
            let (total, paths) = paths_up(ctx, ind, Some(theme), sorted);
            if total < 2 {
                continue;
            }
            let texts: Vec<String> = paths.iter().map(|p| path_text(ctx, p)).collect();
            let more_paths = total - texts.len() as u64;
            let more = if more_paths > 0 {
                format!("; and {more_paths} more")
            } else {
                String::new()
            };
            let mut f = Finding::new(
                FindingKind::DoubleCount,
                format!(
                    "indicator `{}` reaches theme `{}` by {total} paths ({}{more}): it counts {total} times there",
                    ctx.id(ind),
                    ctx.id(theme),
                    texts.join("; "),
                ),
                total as f64,
            );
            f.indicators = vec![ctx.id(ind).to_string()];
            f.columns = ctx.columns[ind].clone();
            f.node = Some(ctx.id(theme).to_string());
            out.push(f);
            found.push(ThemePaths {
                theme: ctx.id(theme).to_string(),
                indicator: ctx.id(ind).to_string(),
                paths: texts,
                more_paths,
            });
        }
    }
    found
}

/// Builds section 1 and adds its findings.
pub(crate) fn section(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Section {
    let (shared_columns, denominators) = shared_columns(ctx, out);
    Section {
        shared_columns,
        denominators,
        identical_columns: identical_columns(ctx, out),
        near_identical: near_identical(ctx, out),
        theme_paths: theme_paths(ctx, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Synthetic: column x is read in r1 (crime a only) and r2 (crime b only);
    // the overall score is the max of the crimes, so x never counts twice.
    // Column y is read twice in r1 and so counts twice there.
    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: a, title: A}, {id: b, title: B}]\nrisk_factors:\n  - {id: r1, title: R1, crimes: [a], kind: dynamic}\n  - {id: r2, title: R2, crimes: [b], kind: dynamic}\nindicators:\n  - id: r1.x\n    risk_factor: r1\n    text: t\n    measures: [{column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]\n  - id: r1.y\n    risk_factor: r1\n    text: t\n    measures:\n      - {id: level, column: y, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}\n      - {id: rise, column: y, transform: [{change: 1}], direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 2}}}\n  - id: r2.x\n    risk_factor: r2\n    text: t\n    measures: [{column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]\noverall: {aggregate: {method: max}}\n";
    const CSV: &str = "iso3,year,x,y\nAAA,2000,1,2\nAAA,2001,2,3\nBBB,2000,3,5\nBBB,2001,4,4\n";

    #[test]
    fn a_max_node_is_no_meeting_point() {
        let (plan, panel, scores) = crate::assess_csv(FW, CSV);
        let a = crate::audit::run(&plan, &panel, &scores, &[0, 1]);
        let shared = &a.double_counting.shared_columns;
        let x = shared.iter().find(|s| s.column == "x").unwrap();
        assert_eq!(x.readers.len(), 2);
        assert!(x.meetings.is_empty(), "{:?}", x.meetings);
        let y = shared.iter().find(|s| s.column == "y").unwrap();
        assert_eq!(y.meetings.len(), 1);
        assert_eq!(y.meetings[0].at, ["r1.y"]);
        assert_eq!(y.meetings[0].measures, ["r1.y/level", "r1.y/rise"]);
        let found: Vec<&Finding> = a
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::DoubleCount)
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].columns, ["y"]);
        // Both readers of x reach the overall score through a max node only.
        assert_eq!(x.readers[0].reach, "r1.x -> r1 -> a -> overall");
    }

    #[test]
    fn paths_to_a_theme_are_counted_and_the_first_listed() {
        // Synthetic: themes t0..t11, each holding both themes of the level
        // below; level 0 holds r1.x and r1.y. From r1.x to `a11` there are
        // 2^11 paths, counted, of which the first 20 are listed.
        let mut fw = FW.to_string();
        fw.push_str("themes:\n  - {id: a0, title: A, members: [r1.x, r1.y]}\n  - {id: b0, title: B, members: [r1.x, r1.y]}\n");
        for k in 1..12 {
            fw.push_str(&format!(
                "  - {{id: a{k}, title: A, members: [a{p}, b{p}]}}\n  - {{id: b{k}, title: B, members: [a{p}, b{p}]}}\n",
                p = k - 1
            ));
        }
        let (plan, panel, scores) = crate::assess_csv(&fw, CSV);
        let a = crate::audit::run(&plan, &panel, &scores, &[0, 1]);
        let theme = |id: &str| {
            a.double_counting
                .theme_paths
                .iter()
                .find(|t| t.theme == id && t.indicator == "r1.x")
        };
        let tp = theme("a11").unwrap();
        assert_eq!(tp.count(), 2048);
        assert_eq!(tp.paths.len(), PATHS_LISTED);
        assert_eq!(tp.more_paths, 2048 - PATHS_LISTED as u64);
        let distinct: BTreeSet<&String> = tp.paths.iter().collect();
        assert_eq!(distinct.len(), PATHS_LISTED);
        assert!(
            tp.paths
                .iter()
                .all(|p| p.starts_with("r1.x -> ") && p.ends_with(" -> a11"))
        );
        // One path from r1.x to a0: no finding.
        assert!(theme("a0").is_none());
        let one = theme("a1").unwrap();
        let mut paths = one.paths.clone();
        paths.sort();
        assert_eq!(paths, ["r1.x -> a0 -> a1", "r1.x -> b0 -> a1"]);
        assert_eq!(one.more_paths, 0);
    }
}
