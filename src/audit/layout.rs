//! The audit laid out for people: sections of tables whose cells are already
//! formatted, worst findings first. The text, Markdown and HTML renderers
//! draw the same layout, so they cannot disagree.

use super::groups::Group;
use super::{Audit, FindingKind, YearValue, f2, human, pct};

/// Rows shown of a long list; the rest are counted and left to the JSON.
pub const LIMIT: usize = 25;

/// A table with formatted cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the table shows.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Columns aligned right (numbers).
    pub numeric: Vec<bool>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
    /// Rows left out (see the JSON).
    pub more: usize,
    /// For the HTML page: the group whose correlation heat map goes with it.
    pub group: Option<usize>,
}

impl Table {
    fn new(caption: impl Into<String>, header: &[(&str, bool)]) -> Table {
        Table {
            caption: caption.into(),
            header: header.iter().map(|h| h.0.to_string()).collect(),
            numeric: header.iter().map(|h| h.1).collect(),
            rows: Vec::new(),
            more: 0,
            group: None,
        }
    }

    fn limit(mut self, n: usize) -> Table {
        if self.rows.len() > n {
            self.more = self.rows.len() - n;
            self.rows.truncate(n);
        }
        self
    }
}

/// A section: a title, sentences, tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Anchor for links.
    pub anchor: &'static str,
    /// Title.
    pub title: String,
    /// Sentences before the tables.
    pub notes: Vec<String>,
    /// Tables.
    pub tables: Vec<Table>,
}

/// The whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// Title.
    pub title: String,
    /// Sentences under the title.
    pub intro: Vec<String>,
    /// Sections.
    pub sections: Vec<Section>,
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), f2)
}

fn opt_pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), pct)
}

/// `min..max` of the values of a yearly series, or `n/a`.
pub fn range(v: &[YearValue]) -> String {
    let vals: Vec<f64> = v.iter().filter_map(|y| y.value).collect();
    if vals.is_empty() {
        return "n/a".to_string();
    }
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{}..{} ({} y)", f2(lo), f2(hi), vals.len())
}

fn what(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::DoubleCount => "a column counted twice in one score",
        FindingKind::Duplicate => "indicators or columns with nearly the same values",
        FindingKind::Direction => "a member that correlates negatively with the rest of its group",
        FindingKind::Redundant => "two members of a group that correlate very highly",
        FindingKind::Weight => "an effective weight far from the nominal weight",
        FindingKind::Consistency => "low Cronbach's alpha, or a member that lowers it",
        FindingKind::Coverage => "an indicator, unit or year with too few values",
        FindingKind::Jump => "a value that leaves its neighbours in a unit's series",
        FindingKind::Outlier => "a value far from the median of its measure",
        FindingKind::Skew => "a measure with high skewness and kurtosis",
    }
}

fn summary(a: &Audit) -> Section {
    let mut t = Table::new(
        "Findings by kind (exit status 0 unless --deny names a kind found)",
        &[("kind", false), ("found", true), ("what it means", false)],
    );
    for k in FindingKind::ALL {
        t.rows.push(vec![
            k.name().to_string(),
            a.count(k).to_string(),
            what(k).to_string(),
        ]);
    }
    let mut notes = Vec::new();
    if !a.no_data.is_empty() {
        let qual = a
            .no_data
            .iter()
            .filter(|n| n.reason.starts_with("qualitative"))
            .count();
        let n = a.no_data.len();
        notes.push(format!(
            "{n} indicator{} no values and {} left out ({qual} qualitative without analyst assessments): {}.",
            if n == 1 { " has" } else { "s have" },
            if n == 1 { "is" } else { "are" },
            a.no_data.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    Section {
        anchor: "summary",
        title: "Summary".to_string(),
        notes,
        tables: vec![t],
    }
}

fn findings(a: &Audit) -> Section {
    let mut tables = Vec::new();
    for k in FindingKind::ALL {
        let mut t = Table::new(
            format!("{} ({})", k.name(), what(k)),
            &[("#", true), ("finding", false)],
        );
        for (i, f) in a.findings.iter().filter(|f| f.kind == k).enumerate() {
            t.rows.push(vec![(i + 1).to_string(), f.message.clone()]);
        }
        if !t.rows.is_empty() {
            tables.push(t.limit(LIMIT));
        }
    }
    let notes = if tables.is_empty() {
        vec!["Nothing found.".to_string()]
    } else {
        vec!["Worst first within each kind.".to_string()]
    };
    Section {
        anchor: "findings",
        title: "Findings".to_string(),
        notes,
        tables,
    }
}

fn double(a: &Audit) -> Section {
    let d = &a.double_counting;
    let mut notes = Vec::new();
    let mut tables = Vec::new();
    let mut t = Table::new(
        "Columns read by more than one measure",
        &[
            ("column", false),
            ("measure", false),
            ("reads", false),
            ("path from its indicator to the top", false),
        ],
    );
    let mut met = Table::new(
        "Where the readers of a column meet: the column counts once per reader there",
        &[
            ("column", false),
            ("counts", true),
            ("in", false),
            ("through", false),
        ],
    );
    for s in &d.shared_columns {
        for (i, r) in s.readers.iter().enumerate() {
            let col = if i == 0 {
                s.column.clone()
            } else {
                String::new()
            };
            t.rows.push(vec![
                col,
                r.measure.clone(),
                r.reads.clone(),
                r.reach.clone(),
            ]);
        }
        for m in &s.meetings {
            met.rows.push(vec![
                s.column.clone(),
                m.measures.len().to_string(),
                m.at.join(", "),
                m.measures.join(", "),
            ]);
        }
    }
    if t.rows.is_empty() {
        notes.push("No column is read by more than one measure.".to_string());
    } else {
        tables.push(t);
        if met.rows.is_empty() {
            notes.push("The measures that share a column never meet in one score.".to_string());
        } else {
            tables.push(met);
        }
    }
    if !d.denominators.is_empty() {
        notes.push(format!(
            "Per-capita denominators (not double counting): {}.",
            d.denominators
                .iter()
                .map(|d| format!(
                    "{} ({} measure{})",
                    d.column,
                    d.measures,
                    if d.measures == 1 { "" } else { "s" }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if d.identical_columns.is_empty() {
        notes.push("No two columns read by the framework have the same values.".to_string());
    } else {
        let mut t = Table::new(
            "Columns with the same values",
            &[("column", false), ("column", false), ("unit-years", true)],
        );
        for p in &d.identical_columns {
            t.rows.push(vec![p.a.clone(), p.b.clone(), p.n.to_string()]);
        }
        tables.push(t);
    }
    if d.near_identical.is_empty() {
        notes.push(format!(
            "No two indicators correlate at |r| >= {} anywhere in the framework.",
            a.thresholds.duplicate_r
        ));
    } else {
        let mut t = Table::new(
            format!(
                "Nearly identical indicators (|r| >= {})",
                a.thresholds.duplicate_r
            ),
            &[
                ("indicator", false),
                ("indicator", false),
                ("unit-years", true),
                ("r", true),
                ("mean difference", true),
            ],
        );
        let mut pairs: Vec<_> = d.near_identical.iter().collect();
        pairs.sort_by(|x, y| y.pearson.abs().total_cmp(&x.pearson.abs()));
        for p in pairs {
            t.rows.push(vec![
                format!("{} ({})", p.a, p.columns_a.join(", ")),
                format!("{} ({})", p.b, p.columns_b.join(", ")),
                p.n.to_string(),
                f2(p.pearson),
                f2(p.mean_abs_diff),
            ]);
        }
        tables.push(t);
    }
    for tp in &d.theme_paths {
        let more = if tp.more_paths > 0 {
            format!("; and {} more", tp.more_paths)
        } else {
            String::new()
        };
        notes.push(format!(
            "`{}` reaches theme `{}` by {} paths: {}{more}.",
            tp.indicator,
            tp.theme,
            tp.count(),
            tp.paths.join("; ")
        ));
    }
    Section {
        anchor: "double-counting",
        title: "1. Double counting".to_string(),
        notes,
        tables,
    }
}

fn groups_overview(a: &Audit) -> Table {
    let mut t = Table::new(
        "Risk factors and themes",
        &[
            ("group", false),
            ("members with data", true),
            ("without", true),
            ("alpha", true),
            ("PC1 share", true),
            ("unit-years (PCA)", true),
            ("redundant pairs", true),
            ("negative members", true),
        ],
    );
    for g in &a.groups {
        let negative = g
            .item_rest
            .iter()
            .filter(|i| {
                i.pooled
                    .value
                    .is_some_and(|r| r <= a.thresholds.direction_r)
            })
            .count();
        t.rows.push(vec![
            g.id.clone(),
            g.members.len().to_string(),
            g.excluded.len().to_string(),
            opt(g.alpha.value),
            opt_pct(g.components.first_share),
            g.components.n.to_string(),
            g.pairs.iter().filter(|p| p.redundant).count().to_string(),
            negative.to_string(),
        ]);
    }
    t
}

fn group_tables(a: &Audit, gi: usize, g: &Group) -> Vec<Table> {
    let mut head = format!("{} ({}): {}", g.id, g.kind.replace('_', " "), g.title);
    match (&g.alpha.value, &g.alpha.reason) {
        (Some(v), _) => head.push_str(&format!("; alpha {}", f2(*v))),
        (None, Some(r)) => head.push_str(&format!("; alpha not computable: {r}")),
        _ => {}
    }
    match (&g.components.first_share, &g.components.reason) {
        (Some(s), _) => head.push_str(&format!(
            "; first component {} of the variance over {} unit-years",
            pct(*s),
            g.components.n
        )),
        (None, Some(r)) => head.push_str(&format!("; components not computable: {r}")),
        _ => {}
    }
    if !g.excluded.is_empty() {
        head.push_str(&format!(
            "; without data: {}",
            g.excluded
                .iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut members = Table::new(
        head,
        &[
            ("member", false),
            ("columns", false),
            ("weight", true),
            ("r with the rest", true),
            ("alpha if dropped", true),
            ("PC1 loading", true),
        ],
    );
    members.group = Some(gi);
    for (i, m) in g.members.iter().enumerate() {
        let ir = g.item_rest.get(i).map(|r| &r.pooled);
        let mut rest = ir.map_or("n/a".to_string(), |s| opt(s.value));
        if ir
            .and_then(|s| s.value)
            .is_some_and(|r| r <= a.thresholds.direction_r)
        {
            rest.push_str(" direction?");
        }
        let dropped = g
            .alpha
            .if_dropped
            .iter()
            .find(|d| d.id == m.id)
            .map_or("n/a".to_string(), |d| opt(d.alpha));
        let loading = g
            .components
            .loadings
            .iter()
            .find(|l| l.id == m.id)
            .map_or("n/a".to_string(), |l| f2(l.loading));
        members.rows.push(vec![
            m.id.clone(),
            m.columns.join(", "),
            pct(m.weight),
            rest,
            dropped,
            loading,
        ]);
    }
    let mut pairs = Table::new(
        format!("{}: pairs, highest |r| first", g.id),
        &[
            ("pair", false),
            ("unit-years", true),
            ("Pearson", true),
            ("Spearman", true),
            ("Pearson by year", true),
            ("flag", false),
        ],
    );
    let mut ps: Vec<_> = g.pairs.iter().collect();
    ps.sort_by(|x, y| {
        let k = |p: &&super::groups::Pair| p.pearson.map_or(-1.0, f64::abs);
        k(y).total_cmp(&k(x))
    });
    for p in ps {
        let flag = if p.redundant {
            "redundant".to_string()
        } else if p.negative {
            "negative".to_string()
        } else {
            p.reason.clone().unwrap_or_default()
        };
        pairs.rows.push(vec![
            format!("{} ~ {}", p.a, p.b),
            p.n.to_string(),
            opt(p.pearson),
            opt(p.spearman),
            range(&p.pearson_by_year),
            flag,
        ]);
    }
    let mut out = vec![members];
    if !pairs.rows.is_empty() {
        out.push(pairs);
    }
    out
}

fn groups(a: &Audit) -> Section {
    let mut tables = vec![groups_overview(a)];
    for (gi, g) in a.groups.iter().enumerate() {
        tables.extend(group_tables(a, gi, g));
    }
    Section {
        anchor: "groups",
        title: "2-4. Correlations, consistency and structure per risk factor and theme".to_string(),
        notes: vec![format!(
            "Pearson and Spearman correlations over the unit-years where both members have a value; \"redundant\" at {} or more, \"negative\" at {} or less. \"r with the rest\": the member against the weighted mean of the other members; {} or less suggests a reversed direction. Alpha: Cronbach's, from pairwise covariances. PC1: first principal component of the members' correlation matrix, over the unit-years where every member has a value.",
            a.thresholds.redundant_r, a.thresholds.negative_pair_r, a.thresholds.direction_r
        )],
        tables,
    }
}

fn weight_table(caption: &str, items: &[super::weights::Item]) -> Table {
    let mut t = Table::new(
        caption,
        &[
            ("item", false),
            ("columns", false),
            ("r with parent", false),
            ("r with overall", true),
            ("nominal", true),
            ("effective", true),
            ("effective / nominal", true),
        ],
    );
    let mut rows: Vec<(f64, Vec<String>)> = items
        .iter()
        .map(|it| {
            let parents = it
                .parents
                .iter()
                .map(|p| format!("{} {}", p.parent, opt(p.r)))
                .collect::<Vec<_>>()
                .join(", ");
            let (r, nom, eff, ratio, key) = match &it.overall {
                Some(o) => (
                    opt(o.r),
                    pct(o.nominal),
                    opt_pct(o.effective),
                    o.ratio.map_or("n/a".to_string(), |r| format!("{r:.2}")),
                    o.ratio.map_or(-1.0, |r| r.ln().abs()),
                ),
                None => (
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "does not reach the overall score".into(),
                    -2.0,
                ),
            };
            let cols = if it.columns.len() > 3 {
                format!("{} columns", it.columns.len())
            } else {
                it.columns.join(", ")
            };
            (key, vec![it.id.clone(), cols, parents, r, nom, eff, ratio])
        })
        .collect();
    rows.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1[0].cmp(&y.1[0])));
    t.rows = rows.into_iter().map(|r| r.1).collect();
    t
}

fn weights(a: &Audit) -> Section {
    Section {
        anchor: "weights",
        title: "5. Effective weights".to_string(),
        notes: vec![
            "Nominal: the item's structural share of the overall score (weights normalised and multiplied down the tree, summed over paths; the children of a max node count equally), among the items of its level that have a correlation. Effective: its squared correlation with the overall score as a share of the sum over the same items. The farthest from 1 first.".to_string(),
        ],
        tables: vec![
            weight_table("Risk factors", &a.weights.risk_factors),
            weight_table("Indicators", &a.weights.indicators),
        ],
    }
}

fn quality(a: &Audit) -> Section {
    let q = &a.quality;
    let counts_header = [
        ("with a value", true),
        ("observed", true),
        ("carried forward", true),
        ("filled", true),
        ("missing", true),
    ];
    let share = |n: usize, of: usize| pct(n as f64 / of.max(1) as f64);
    let counts_row = |c: &super::quality::Counts| {
        vec![
            pct(c.share()),
            share(c.observed, c.cells),
            share(c.carried_forward, c.cells),
            share(c.filled, c.cells),
            share(c.missing, c.cells),
        ]
    };
    let mut head = vec![("indicator", false), ("columns", false)];
    head.extend(counts_header);
    let mut ind = Table::new("Coverage per indicator, lowest first", &head);
    for i in &q.indicators {
        let mut row = vec![i.id.clone(), i.columns.join(", ")];
        row.extend(counts_row(&i.counts));
        ind.rows.push(row);
    }
    let mut head = vec![("year", false)];
    head.extend(counts_header);
    let mut yr = Table::new("Coverage per year", &head);
    for y in &q.years {
        let mut row = vec![y.key.clone()];
        row.extend(counts_row(&y.counts));
        yr.rows.push(row);
    }
    let mut head = vec![("unit", false)];
    head.extend(counts_header);
    let mut un = Table::new("Coverage per unit, lowest first", &head);
    for u in &q.units {
        let label = match u.name.as_deref() {
            Some(n) if n != u.key => format!("{} {n}", u.key),
            _ => u.key.clone(),
        };
        let mut row = vec![label];
        row.extend(counts_row(&u.counts));
        un.rows.push(row);
    }
    let mut cols = Table::new(
        "Data columns read (observed in the data)",
        &[
            ("column", false),
            ("observed", true),
            ("first year", true),
            ("last year", true),
        ],
    );
    for c in &q.columns {
        let y = |v: Option<i32>| v.map_or("-".to_string(), |y| y.to_string());
        cols.rows.push(vec![
            c.column.clone(),
            pct(c.share),
            y(c.first_year),
            y(c.last_year),
        ]);
    }
    let mut dist = Table::new(
        "Distribution of each measure's observed values, after its transforms; most skewed first",
        &[
            ("measure", false),
            ("values", true),
            ("skewness", true),
            ("kurtosis", true),
            ("median", true),
            ("outliers", true),
            ("note", false),
        ],
    );
    let mut ds: Vec<_> = q.distributions.iter().collect();
    ds.sort_by(|x, y| {
        y.skewness
            .map_or(-1.0, f64::abs)
            .total_cmp(&x.skewness.map_or(-1.0, f64::abs))
            .then_with(|| x.measure.cmp(&y.measure))
    });
    for d in ds {
        dist.rows.push(vec![
            d.measure.clone(),
            d.n.to_string(),
            opt(d.skewness),
            opt(d.kurtosis),
            d.median.map_or("n/a".to_string(), human),
            d.outliers.to_string(),
            d.reasons.join("; "),
        ]);
    }
    Section {
        anchor: "quality",
        title: "6. Data quality".to_string(),
        notes: vec![format!(
            "Coverage counts unit-years of measured indicators; below {} is low. Outliers are values more than {} scaled median absolute deviations from the median; skewed measures have |skewness| above {} and excess kurtosis above {}; jumps are listed among the findings.",
            pct(a.thresholds.coverage_low),
            a.thresholds.outlier_z,
            a.thresholds.skewness,
            a.thresholds.kurtosis
        )],
        tables: vec![ind.limit(LIMIT), yr, un.limit(LIMIT), cols, dist],
    }
}

/// Lays the audit out.
pub fn layout(a: &Audit) -> Doc {
    let years = match (a.years.first(), a.years.last()) {
        (Some(f), Some(l)) if f != l => format!("{f}-{l} ({} years)", a.years.len()),
        (Some(f), _) => f.to_string(),
        _ => "no years".to_string(),
    };
    Doc {
        title: format!(
            "Audit of {} {}: {}",
            a.framework.id, a.framework.version, a.framework.title
        ),
        intro: vec![format!(
            "{} units, {years}. Computed on the normalised indicator values the framework scores, pooled over the unit-years audited; the year-by-year values and every number are in --format json.",
            a.units
        )],
        sections: vec![
            summary(a),
            findings(a),
            double(a),
            groups(a),
            weights(a),
            quality(a),
        ],
    }
}
