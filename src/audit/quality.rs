//! Section 6 of the audit: data quality. Coverage per indicator, unit and
//! year (observed, carried forward, filled, missing); the distribution of each
//! measure's transformed values (skewness, kurtosis, robust outliers); and
//! jumps in a unit's series of a raw column.

use serde::Serialize;

use super::double::{column_values, read_columns};
use super::stats::{self, MIN_OBS};
use super::{Ctx, Finding, FindingKind, THRESHOLDS, f2, human, pct, why};
use crate::compile::Kind;
use crate::score::Status;

/// Counts of unit-years by how their value was obtained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Unit-years counted.
    pub cells: usize,
    /// Value read from that year's data.
    pub observed: usize,
    /// Value carried forward from an earlier year.
    pub carried_forward: usize,
    /// Value filled by the framework's missing-data policy.
    pub filled: usize,
    /// No value.
    pub missing: usize,
}

impl Counts {
    /// Share of unit-years with a value.
    pub fn share(&self) -> f64 {
        if self.cells == 0 {
            0.0
        } else {
            (self.cells - self.missing) as f64 / self.cells as f64
        }
    }

    fn add(&mut self, s: Obtained) {
        self.cells += 1;
        match s {
            Obtained::Observed => self.observed += 1,
            Obtained::Carried => self.carried_forward += 1,
            Obtained::Filled => self.filled += 1,
            Obtained::Missing => self.missing += 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Obtained {
    Observed,
    Carried,
    Filled,
    Missing,
}

/// Coverage of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorCoverage {
    /// Indicator id.
    pub id: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// Counts over the unit-years audited.
    #[serde(flatten)]
    pub counts: Counts,
    /// Share with a value.
    pub share: f64,
    /// Share with a value, year by year.
    pub share_by_year: Vec<YearShare>,
}

/// A share in one year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearShare {
    /// Year.
    pub year: i32,
    /// Share of unit-years with a value.
    pub share: f64,
}

/// Coverage of one unit or one year, over the measured indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Unit code, or the year.
    pub key: String,
    /// Unit name (for units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Counts over indicator-years (units) or indicator-units (years).
    #[serde(flatten)]
    pub counts: Counts,
    /// Share with a value.
    pub share: f64,
}

/// A raw data column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnCoverage {
    /// Column name.
    pub column: String,
    /// Unit-years with a value in the data.
    pub observed: usize,
    /// Share of the unit-years audited.
    pub share: f64,
    /// First year with a value.
    pub first_year: Option<i32>,
    /// Last year with a value.
    pub last_year: Option<i32>,
}

/// The distribution of a measure's transformed, observed values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Measure id.
    pub measure: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// Observed values.
    pub n: usize,
    /// Skewness (e1071 type 2).
    pub skewness: Option<f64>,
    /// Excess kurtosis (e1071 type 2).
    pub kurtosis: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// 1.4826 x the median absolute deviation.
    pub mad_scale: Option<f64>,
    /// Values beyond the outlier threshold.
    pub outliers: usize,
    /// Why a statistic is missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// A value far from the median of its measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlier {
    /// Measure id.
    pub measure: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// Unit code.
    pub unit: String,
    /// Year.
    pub year: i32,
    /// Transformed value.
    pub value: f64,
    /// Robust z-score.
    pub z: f64,
}

/// A value that leaves its neighbours in a unit's series and comes back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Jump {
    /// Column.
    pub column: String,
    /// Measures that read it.
    pub measures: Vec<String>,
    /// Unit code.
    pub unit: String,
    /// Year.
    pub year: i32,
    /// The value.
    pub value: f64,
    /// The year before.
    pub before: f64,
    /// The year after.
    pub after: f64,
    /// `ratio` (many times its neighbours) or `spread` (far from both).
    pub rule: &'static str,
}

/// Section 6: data quality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Per measured indicator, lowest coverage first.
    pub indicators: Vec<IndicatorCoverage>,
    /// Per unit, lowest coverage first.
    pub units: Vec<Coverage>,
    /// Per year, in order.
    pub years: Vec<Coverage>,
    /// Per column read, by name.
    pub columns: Vec<ColumnCoverage>,
    /// Per measure.
    pub distributions: Vec<Distribution>,
    /// Outliers, largest |z| first.
    pub outliers: Vec<Outlier>,
    /// Jumps, by column, unit and year.
    pub jumps: Vec<Jump>,
}

/// How an indicator's value at an audited unit-year was obtained.
fn obtained(ctx: &Ctx<'_>, ind: usize, k: usize) -> Obtained {
    if ctx.values(ind)[k].is_nan() {
        return Obtained::Missing;
    }
    let cell = ctx.cell(k);
    let mut carried = false;
    for &(m, _) in &ctx.plan.nodes[ind].children {
        match ctx.scores.measure(m, cell) {
            Some((_, Status::Observed)) => return Obtained::Observed,
            Some((_, Status::CarriedForward { .. })) => carried = true,
            _ => {}
        }
    }
    if carried {
        Obtained::Carried
    } else {
        Obtained::Filled
    }
}

fn low(share: f64) -> bool {
    share < THRESHOLDS.coverage_low
}

fn coverage(
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
) -> (Vec<IndicatorCoverage>, Vec<Coverage>, Vec<Coverage>) {
    let inds: Vec<usize> = ctx
        .in_file_order(Kind::Indicator)
        .into_iter()
        .filter(|&i| !ctx.plan.nodes[i].children.is_empty())
        .collect();
    let (nu, ny) = (ctx.n_units, ctx.years.len());
    let mut units = vec![Counts::default(); nu];
    let mut years = vec![Counts::default(); ny];
    let mut per_ind = Vec::new();
    for &i in &inds {
        let mut c = Counts::default();
        let mut by_year = vec![Counts::default(); ny];
        for k in 0..nu * ny {
            let o = obtained(ctx, i, k);
            c.add(o);
            by_year[k / nu].add(o);
            units[k % nu].add(o);
            years[k / nu].add(o);
        }
        let share = c.share();
        if low(share) {
            let mut f = Finding::new(
                FindingKind::Coverage,
                format!(
                    "indicator `{}` ({}) has a value in {} of the unit-years audited ({} observed, {} carried forward)",
                    ctx.id(i),
                    ctx.columns[i].join(", "),
                    pct(share),
                    pct(c.observed as f64 / c.cells.max(1) as f64),
                    pct(c.carried_forward as f64 / c.cells.max(1) as f64)
                ),
                THRESHOLDS.coverage_low - share,
            );
            f.indicators = vec![ctx.id(i).to_string()];
            f.columns = ctx.columns[i].clone();
            f.value = Some(share);
            out.push(f);
        }
        per_ind.push(IndicatorCoverage {
            id: ctx.id(i).to_string(),
            columns: ctx.columns[i].clone(),
            counts: c,
            share,
            share_by_year: by_year
                .iter()
                .enumerate()
                .map(|(yi, b)| YearShare {
                    year: ctx.panel.year(ctx.years[yi]),
                    share: b.share(),
                })
                .collect(),
        });
    }
    per_ind.sort_by(|a, b| a.share.total_cmp(&b.share).then_with(|| a.id.cmp(&b.id)));
    let mut unit_rows: Vec<Coverage> = units
        .iter()
        .enumerate()
        .map(|(u, c)| {
            let country = &ctx.panel.countries[u];
            Coverage {
                key: country.iso3.clone(),
                name: Some(country.name.clone()),
                counts: *c,
                share: c.share(),
            }
        })
        .collect();
    unit_rows.sort_by(|a, b| a.share.total_cmp(&b.share).then_with(|| a.key.cmp(&b.key)));
    let year_rows: Vec<Coverage> = years
        .iter()
        .enumerate()
        .map(|(yi, c)| Coverage {
            key: ctx.panel.year(ctx.years[yi]).to_string(),
            name: None,
            counts: *c,
            share: c.share(),
        })
        .collect();
    if !inds.is_empty() {
        for u in unit_rows.iter().filter(|u| low(u.share)) {
            let mut f = Finding::new(
                FindingKind::Coverage,
                format!(
                    "unit {}{} has values for {} of its indicator-years",
                    u.key,
                    u.name
                        .as_deref()
                        .filter(|n| *n != u.key)
                        .map_or(String::new(), |n| format!(" ({n})")),
                    pct(u.share)
                ),
                THRESHOLDS.coverage_low - u.share,
            );
            f.unit = Some(u.key.clone());
            f.value = Some(u.share);
            out.push(f);
        }
        for y in year_rows.iter().filter(|y| low(y.share)) {
            let mut f = Finding::new(
                FindingKind::Coverage,
                format!(
                    "year {} has values for {} of its indicator-units ({} carried forward)",
                    y.key,
                    pct(y.share),
                    pct(y.counts.carried_forward as f64 / y.counts.cells.max(1) as f64)
                ),
                THRESHOLDS.coverage_low - y.share,
            );
            f.year = y.key.parse().ok();
            f.value = Some(y.share);
            out.push(f);
        }
    }
    (per_ind, unit_rows, year_rows)
}

fn columns(ctx: &Ctx<'_>) -> Vec<ColumnCoverage> {
    let mut cols = read_columns(ctx);
    for m in ctx.plan.nodes.iter().filter_map(|n| n.measure.as_ref()) {
        cols.extend(m.denominators.iter().flatten().copied());
    }
    cols.sort_by(|a, b| ctx.panel.columns[*a].name.cmp(&ctx.panel.columns[*b].name));
    cols.dedup();
    cols.iter()
        .map(|&c| {
            let v = column_values(ctx, c);
            let present: Vec<usize> = (0..v.len()).filter(|&k| !v[k].is_nan()).collect();
            let year = |k: usize| ctx.unit_year(k).1;
            ColumnCoverage {
                column: ctx.panel.columns[c].name.clone(),
                observed: present.len(),
                share: present.len() as f64 / v.len().max(1) as f64,
                first_year: present.iter().map(|&k| year(k)).min(),
                last_year: present.iter().map(|&k| year(k)).max(),
            }
        })
        .collect()
}

fn distributions(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> (Vec<Distribution>, Vec<Outlier>) {
    let len = ctx.years.len() * ctx.n_units;
    let mut dists = Vec::new();
    let mut outliers = Vec::new();
    for m in ctx.in_file_order(Kind::Measure) {
        if crate::compile::assessments::reads_assessments(ctx.plan, ctx.panel, m) {
            continue;
        }
        let observed: Vec<(usize, f64)> = (0..len)
            .filter_map(|k| match ctx.scores.measure(m, ctx.cell(k)) {
                Some((v, Status::Observed)) if !v.is_nan() => Some((k, v)),
                _ => None,
            })
            .collect();
        if observed.is_empty() {
            continue;
        }
        let id = ctx.id(m).to_string();
        let cols = ctx.columns[m].clone();
        let vals: Vec<f64> = observed.iter().map(|o| o.1).collect();
        let mut reasons = Vec::new();
        let mut note = |r: Result<f64, stats::Flaw>, what: &str| match r {
            Ok(v) => Some(v),
            Err(e) => {
                reasons.push(format!("{what}: {}", why(e, &[&id])));
                None
            }
        };
        let skewness = note(stats::skewness(&vals), "skewness");
        let kurtosis = note(stats::kurtosis(&vals), "kurtosis");
        let robust = stats::robust_scale(&vals);
        if let Err(e) = robust {
            reasons.push(format!("outliers: {}", why(e, &[&id])));
        }
        let mut mine: Vec<Outlier> = Vec::new();
        if let Ok((med, scale)) = robust {
            for &(k, v) in &observed {
                let z = (v - med) / scale;
                if z.abs() > THRESHOLDS.outlier_z {
                    let (unit, year) = ctx.unit_year(k);
                    mine.push(Outlier {
                        measure: id.clone(),
                        columns: cols.clone(),
                        unit: unit.to_string(),
                        year,
                        value: v,
                        z,
                    });
                }
            }
            mine.sort_by(|a, b| {
                b.z.abs()
                    .total_cmp(&a.z.abs())
                    .then_with(|| (&a.unit, a.year).cmp(&(&b.unit, b.year)))
            });
            if let Some(worst) = mine.first() {
                let shown: Vec<String> = mine
                    .iter()
                    .take(3)
                    .map(|o| {
                        format!(
                            "{} {} ({}, z = {})",
                            o.unit,
                            o.year,
                            human(o.value),
                            f2(o.z)
                        )
                    })
                    .collect();
                let mut f = Finding::new(
                    FindingKind::Outlier,
                    format!(
                        "`{id}` ({}) has {} value{} more than {} robust standard deviations from its median {} ({} of {} observed); the farthest: {}",
                        cols.join(", "),
                        mine.len(),
                        if mine.len() == 1 { "" } else { "s" },
                        THRESHOLDS.outlier_z,
                        human(med),
                        pct(mine.len() as f64 / vals.len() as f64),
                        vals.len(),
                        shown.join(", ")
                    ),
                    worst.z.abs(),
                );
                f.indicators = vec![id.clone()];
                f.columns = cols.clone();
                f.unit = Some(worst.unit.clone());
                f.year = Some(worst.year);
                f.value = Some(worst.value);
                out.push(f);
            }
        }
        let count = mine.len();
        outliers.extend(mine);
        if let (Some(s), Some(k)) = (skewness, kurtosis)
            && s.abs() > THRESHOLDS.skewness
            && k > THRESHOLDS.kurtosis
        {
            let mut f = Finding::new(
                FindingKind::Skew,
                format!(
                    "`{id}` ({}) is heavily skewed: skewness {}, excess kurtosis {} over {} observed values; a few units may decide its normalisation",
                    cols.join(", "),
                    f2(s),
                    f2(k),
                    vals.len()
                ),
                s.abs(),
            );
            f.indicators = vec![id.clone()];
            f.columns = cols.clone();
            f.value = Some(s);
            out.push(f);
        }
        dists.push(Distribution {
            measure: id,
            columns: cols,
            n: vals.len(),
            skewness,
            kurtosis,
            median: robust.ok().map(|r| r.0),
            mad_scale: robust.ok().map(|r| r.1),
            outliers: count,
            reasons,
        });
    }
    outliers.sort_by(|a, b| {
        b.z.abs()
            .total_cmp(&a.z.abs())
            .then_with(|| (&a.measure, &a.unit, a.year).cmp(&(&b.measure, &b.unit, b.year)))
    });
    (dists, outliers)
}

/// The value at quantile `q` of a sorted sample (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Which rule, if any, makes `x` a jump between `before` and `after`: for a
/// column without negative values (`spread` is `None`), a positive value at
/// least `jump_ratio` times both positive neighbours or at most their
/// `1 / jump_ratio`; for a column with negative values, a value at least
/// `jump_spread` times the column's 5-95% spread from both neighbours, on the
/// same side.
pub(crate) fn jump_rule(
    before: f64,
    x: f64,
    after: f64,
    spread: Option<f64>,
) -> Option<&'static str> {
    match spread {
        None => {
            let r = THRESHOLDS.jump_ratio;
            let positive = before > 0.0 && x > 0.0 && after > 0.0;
            (positive && (x >= r * before.max(after) || x * r <= before.min(after)))
                .then_some("ratio")
        }
        Some(spread) => {
            let (d1, d2) = (x - before, x - after);
            (spread > 0.0
                && d1 * d2 > 0.0
                && d1.abs().min(d2.abs()) >= THRESHOLDS.jump_spread * spread)
                .then_some("spread")
        }
    }
}

fn jumps(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Vec<Jump> {
    let mut found = Vec::new();
    let nu = ctx.n_units;
    for c in read_columns(ctx) {
        let v = column_values(ctx, c);
        let mut sorted = stats::present(&v);
        if sorted.len() < MIN_OBS {
            continue;
        }
        sorted.sort_by(f64::total_cmp);
        let spread = (sorted[0] < 0.0).then(|| quantile(&sorted, 0.95) - quantile(&sorted, 0.05));
        let name = ctx.panel.columns[c].name.clone();
        let measures: Vec<String> = ctx
            .plan
            .nodes
            .iter()
            .filter(|n| n.measure.as_ref().is_some_and(|m| m.columns.contains(&c)))
            .map(|n| n.id.clone())
            .collect();
        for u in 0..nu {
            for yi in 1..ctx.years.len().saturating_sub(1) {
                // Only consecutive years of the panel count as neighbours.
                if ctx.years[yi - 1] + 1 != ctx.years[yi] || ctx.years[yi] + 1 != ctx.years[yi + 1]
                {
                    continue;
                }
                let at = |y: usize| v[y * nu + u];
                let (b, x, a) = (at(yi - 1), at(yi), at(yi + 1));
                if b.is_nan() || x.is_nan() || a.is_nan() {
                    continue;
                }
                let Some(rule) = jump_rule(b, x, a, spread) else {
                    continue;
                };
                let (unit, year) = ctx.unit_year(yi * nu + u);
                let severity = match spread {
                    None => (x / b.max(a)).max(b.min(a) / x).ln(),
                    Some(sp) => (x - b).abs().min((x - a).abs()) / sp,
                };
                let how = match spread {
                    None if x > b => format!("{:.0} times its neighbours", x / b.max(a)),
                    None => format!("1/{:.0} of its neighbours", b.min(a) / x),
                    Some(_) => format!(
                        "{} times the column's 5-95% spread away from both neighbours",
                        f2(severity)
                    ),
                };
                let mut f = Finding::new(
                    FindingKind::Jump,
                    format!(
                        "`{name}` for {unit} in {year} is {}, against {} in {} and {} in {} ({how})",
                        human(x),
                        human(b),
                        year - 1,
                        human(a),
                        year + 1
                    ),
                    severity,
                );
                f.indicators = measures.clone();
                f.columns = vec![name.clone()];
                f.unit = Some(unit.to_string());
                f.year = Some(year);
                f.value = Some(x);
                out.push(f);
                found.push(Jump {
                    column: name.clone(),
                    measures: measures.clone(),
                    unit: unit.to_string(),
                    year,
                    value: x,
                    before: b,
                    after: a,
                    rule,
                });
            }
        }
    }
    found.sort_by(|a, b| (&a.column, &a.unit, a.year).cmp(&(&b.column, &b.unit, b.year)));
    found
}

/// Builds section 6 and adds its findings.
pub(crate) fn section(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Section {
    let (indicators, units, years) = coverage(ctx, out);
    let (distributions, outliers) = distributions(ctx, out);
    Section {
        indicators,
        units,
        years,
        columns: columns(ctx),
        distributions,
        outliers,
        jumps: jumps(ctx, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumps_by_ratio_and_by_spread() {
        // synthetic: 10x both neighbours, or a tenth of them
        assert_eq!(jump_rule(100.0, 1500.0, 120.0, None), Some("ratio"));
        assert_eq!(jump_rule(100.0, 5.0, 120.0, None), Some("ratio"));
        assert_eq!(jump_rule(100.0, 1000.0, 120.0, None), None);
        // a zero neighbour gives no ratio
        assert_eq!(jump_rule(0.0, 5000.0, 0.0, None), None);
        // a level shift is not a jump
        assert_eq!(jump_rule(-1.0, 5.0, 5.0, Some(4.0)), None);
        // far from both, same side, on a spread of 4
        assert_eq!(jump_rule(-1.0, 3.5, -0.5, Some(4.0)), Some("spread"));
        assert_eq!(jump_rule(-1.0, 2.0, -0.5, Some(4.0)), None);
        assert_eq!(jump_rule(1.0, -3.5, 0.5, Some(4.0)), Some("spread"));
    }

    #[test]
    fn counts_share_excludes_missing() {
        let mut c = Counts::default();
        for o in [
            Obtained::Observed,
            Obtained::Carried,
            Obtained::Missing,
            Obtained::Filled,
        ] {
            c.add(o);
        }
        assert_eq!(c.share(), 0.75);
        assert_eq!(Counts::default().share(), 0.0);
    }
}
