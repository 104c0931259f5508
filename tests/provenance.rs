//! The cells cited for a value are exactly the cells that determine it.
//!
//! For generated chains of transforms and missing-data policies on a
//! synthetic panel (random values, some missing), every measure value that
//! exists is recomputed from its cited cells alone (every other cell of the
//! columns it reads blanked) and must come out the same, and blanking any
//! one cited cell must change the value or leave it missing (a cited cell
//! matters). Chains hold at most one transform that reads several years
//! (see the comment in the test for why). No two generated cells are equal, so that no cell stops
//! mattering because another has the same value.

use atrisk::data::Input;
use atrisk::score::{Status, trace};
use proptest::prelude::*;

const YEARS: i32 = 9;

#[derive(Debug, Clone)]
enum T {
    Log1p,
    Sqrt,
    PerCapita,
    Lag(u32),
    Change(u32),
    Mean(u32),
    Max(u32),
}

impl T {
    fn yaml(&self) -> String {
        match self {
            T::Log1p => "log1p".into(),
            T::Sqrt => "sqrt".into(),
            T::PerCapita => "{per_capita: {column: pop, per: 1000}}".into(),
            T::Lag(k) => format!("{{lag: {k}}}"),
            T::Change(k) => format!("{{change: {k}}}"),
            T::Mean(k) => format!("{{rolling_mean: {k}}}"),
            T::Max(k) => format!("{{rolling_max: {k}}}"),
        }
    }
}

fn transform() -> impl Strategy<Value = T> {
    prop_oneof![
        Just(T::Log1p),
        Just(T::Sqrt),
        Just(T::PerCapita),
        (1u32..4).prop_map(T::Lag),
        (1u32..4).prop_map(T::Change),
        (1u32..5).prop_map(T::Mean),
        (1u32..5).prop_map(T::Max),
    ]
}

/// A framework of one measure: `columns` summed, then the transforms, then
/// the missing-data policy; goalposts wide enough never to clip.
fn framework(ts: &[T], two_columns: bool, missing: &str) -> String {
    let cols = if two_columns {
        "columns: [x, y]"
    } else {
        "column: x"
    };
    let transforms: Vec<String> = ts.iter().map(T::yaml).collect();
    format!(
        "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{{id: g, title: G}}]\n\
         risk_factors: [{{id: r, title: R, crimes: [g], kind: dynamic}}]\n\
         indicators:\n  - id: i\n    risk_factor: r\n    text: t\n    measures:\n\
         \x20     - {{id: m, {cols}, transform: [{}], direction: higher_is_riskier, \
         normalise: {{goalposts: {{min: -1000000000, max: 1000000000}}}}{missing}}}\n",
        transforms.join(", ")
    )
}

/// The panel as CSV: one unit, years 2000.., columns x, y, pop; `None` is
/// an empty cell.
fn csv(x: &[Option<f64>], y: &[Option<f64>], pop: &[Option<f64>]) -> String {
    let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let mut s = String::from("iso3,year,x,y,pop\n");
    for i in 0..x.len() {
        s.push_str(&format!(
            "AAA,{},{},{},{}\n",
            2000 + i as i32,
            cell(x[i]),
            cell(y[i]),
            cell(pop[i])
        ));
    }
    s
}

/// The measure's transformed value (after the missing-data policy) for
/// each year, or `None`.
fn values(fw: &str, data: &str) -> Vec<Option<f64>> {
    let inputs = [Input {
        name: "d.csv".into(),
        prefix: None,
        bytes: data.as_bytes(),
    }];
    let (plan, panel, scores) = atrisk::assess("t.yaml", fw, &inputs).expect("valid");
    let m = plan.find("i/m").unwrap();
    (0..panel.n_years)
        .map(|y| match scores.measure(m, panel.cell(0, y)) {
            Some((v, Status::Observed | Status::CarriedForward { .. })) => Some(v),
            _ => None,
        })
        .collect()
}

/// A yearly series with some cells missing. Every cell gets an offset of its
/// own (`salt` tells the columns apart), so that no two cells are equal,
/// even after shrinking: a tie would make a cell not matter by chance.
fn series(salt: f64) -> impl Strategy<Value = Vec<Option<f64>>> {
    prop::collection::vec(prop::option::weighted(0.8, 1.0f64..1000.0), YEARS as usize).prop_map(
        move |v| {
            v.into_iter()
                .enumerate()
                .map(|(i, x)| x.map(|x| x + i as f64 * 0.013 + salt))
                .collect()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn cited_cells_determine_the_value_and_each_matters(
        ts in prop::collection::vec(transform(), 1..4),
        two in any::<bool>(),
        carry in 0u32..3,
        x in series(0.0011),
        y in series(0.0023),
        pop in series(0.0037),
    ) {
        let missing = if carry == 0 { String::new() } else { format!(", missing: {{carry_forward: {carry}}}") };
        let fw = framework(&ts, two, &missing);
        let data = csv(&x, &y, &pop);
        let inputs = [Input { name: "d.csv".into(), prefix: None, bytes: data.as_bytes() }];
        let (plan, panel, scores) = atrisk::assess("t.yaml", &fw, &inputs).expect("valid");
        let m = plan.find("i/m").unwrap();
        let windows = ts.iter().filter(|t| matches!(t, T::Change(_) | T::Mean(_) | T::Max(_))).count();
        let base = values(&fw, &data);
        // column name of each panel column index
        let col_name = |c: usize| panel.columns[c].name.clone();
        // With several transforms that read several years, the declarations
        // compose but are not exact: in a one-year change of a two-year
        // rolling mean the middle year cancels out, and in a rolling maximum
        // of rolling means the cells of the other windows decide which is
        // the peak. Those chains are checked by the unit tests of each
        // transform only.
        prop_assume!(windows <= 1);
        for (target, v) in base.iter().enumerate() {
            let Some(v) = v else { continue };
            let cited = trace(&plan, &panel, &scores, m, 0, target);
            // A carried value is checked in the year it was carried from: its
            // cells are the cited ones, and nothing else is cited.
            let yi = match scores.measure(m, panel.cell(0, target)) {
                Some((_, Status::CarriedForward { from_year })) => panel.year_idx(from_year).unwrap(),
                _ => target,
            };
            prop_assert!(!cited.is_empty(), "year {yi} has a value but no cited cell");
            let cited: Vec<(String, usize)> = cited
                .iter()
                .map(|&(c, cell)| (col_name(c), cell % panel.n_years))
                .collect();
            let keep = |name: &str, year: usize| cited.iter().any(|(n, y)| n == name && *y == year);
            let only = |s: &[Option<f64>], name: &str| -> Vec<Option<f64>> {
                s.iter().enumerate().map(|(i, v)| v.filter(|_| keep(name, i))).collect()
            };
            // recomputed from the cited cells alone
            let alone = values(&fw, &csv(&only(&x, "x"), &only(&y, "y"), &only(&pop, "pop")));
            prop_assert_eq!(alone[yi], Some(*v), "cited {:?} of {}", cited, fw);
            // each cited cell matters
            for (name, year) in &cited {
                let drop = |s: &[Option<f64>], n: &str| -> Vec<Option<f64>> {
                    s.iter().enumerate().map(|(i, v)| if n == name && i == *year { None } else { *v }).collect()
                };
                let without = values(&fw, &csv(&drop(&x, "x"), &drop(&y, "y"), &drop(&pop, "pop")));
                prop_assert_ne!(without[yi], Some(*v), "{} {} does not matter; cited {:?} of {}", name, year, cited, fw);
            }
        }
    }
}

/// A measure's transformed value in year `y` of one country, recomputed
/// from the panel with only the cells `keep` accepts (others missing), and
/// the cells `raised` raised by a tenth plus one.
fn recompute(
    m: &atrisk::compile::MeasurePlan,
    panel: &atrisk::data::Panel,
    country: usize,
    y: usize,
    keep: &dyn Fn(usize, usize) -> bool,
    raised: &[(usize, usize)],
) -> f64 {
    let value = |col: usize, yy: usize| {
        let cell = panel.cell(country, yy);
        let v = if keep(col, cell) {
            panel.value(col, cell)
        } else {
            f64::NAN
        };
        if raised.contains(&(col, cell)) {
            v * 1.1 + 1.0
        } else {
            v
        }
    };
    let mut s: Vec<f64> = (0..panel.n_years)
        .map(|yy| m.columns.iter().map(|&c| value(c, yy)).sum())
        .collect();
    for (t, den) in m.transforms.iter().zip(&m.denominators) {
        let d: Option<Vec<f64>> = den.map(|c| (0..panel.n_years).map(|yy| value(c, yy)).collect());
        s = atrisk::score::transform::apply(t, &s, d.as_deref());
    }
    s[y]
}

/// Over the whole shipped panel, every country, the latest year and two
/// earlier ones: the cells cited for every measure value (the cells that
/// score JSON, explain, the summary and recommendation paths all take from
/// `trace`) give the value by themselves, and each of them matters.
#[test]
fn shipped_panel_cites_exactly_the_cells_that_determine_each_value() {
    let inputs = atrisk::embedded::inputs();
    let (name, text) = atrisk::embedded::FRAMEWORK;
    let (plan, panel, scores) = atrisk::assess(name, text, &inputs).unwrap();
    let last = panel.n_years - 1;
    let mut checked = 0usize;
    for y in [last, last - 5, last - 10] {
        for (ni, node) in plan.nodes.iter().enumerate() {
            let Some(m) = &node.measure else { continue };
            if m.columns.iter().any(|&c| panel.is_assessed(c)) {
                continue;
            }
            for country in 0..panel.countries.len() {
                let cell = panel.cell(country, y);
                let (v, src) = match scores.measure(ni, cell) {
                    Some((v, Status::Observed)) => (v, y),
                    Some((v, Status::CarriedForward { from_year })) => {
                        (v, panel.year_idx(from_year).unwrap())
                    }
                    _ => continue,
                };
                let cited = trace(&plan, &panel, &scores, ni, country, y);
                let what = || {
                    format!(
                        "{} {} {}: {:?}",
                        node.id,
                        panel.countries[country].iso3,
                        panel.year(y),
                        cited
                    )
                };
                assert!(!cited.is_empty(), "{}", what());
                assert!(
                    cited.iter().all(|&(_, c)| c == panel.cell(country, src)
                        || m.transforms.iter().any(|t| !matches!(
                            t,
                            atrisk::framework::model::Transform::Log
                                | atrisk::framework::model::Transform::Log1p
                                | atrisk::framework::model::Transform::Sqrt
                                | atrisk::framework::model::Transform::PerCapita(_)
                        ))),
                    "a value of pointwise transforms cites another year: {}",
                    what()
                );
                let alone = recompute(
                    m,
                    &panel,
                    country,
                    src,
                    &|col, c| cited.contains(&(col, c)),
                    &[],
                );
                assert_eq!(alone, v, "recomputed from the cited cells: {}", what());
                // A cited cell matters: removing it changes the value; or, in
                // real data with ties and zeros, raising it does (one of tied
                // peaks, where removing it leaves the other), or raising the
                // cited cells of its year together does (a per-capita
                // denominator under a numerator of 0, a year of a rolling
                // mean of equal values).
                for &cited_cell in &cited {
                    let changed = |x: f64| x.is_nan() || x != v;
                    let all = |_: usize, _: usize| true;
                    let year_cells: Vec<(usize, usize)> = cited
                        .iter()
                        .copied()
                        .filter(|&(_, c)| c == cited_cell.1)
                        .collect();
                    let matters =
                        changed(recompute(
                            m,
                            &panel,
                            country,
                            src,
                            &|col, c| (col, c) != cited_cell,
                            &[],
                        )) || changed(recompute(m, &panel, country, src, &all, &[cited_cell]))
                            || changed(recompute(m, &panel, country, src, &all, &year_cells));
                    assert!(matters, "cell {cited_cell:?} does not matter: {}", what());
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 5_000, "only {checked} values checked");
}
