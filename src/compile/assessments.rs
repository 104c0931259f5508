//! Analyst assessments against a compiled framework: the measure that reads
//! a qualitative indicator's assessments, and the checks of every assessment
//! row against the framework and the panel (D016-D019).

use crate::compile::{Kind, MeasurePlan, Plan};
use crate::data::Panel;
use crate::data::assessments::{Assessment, Assessments, CARRY_FORWARD_YEARS};
use crate::data::read::data_err;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::framework::model::{Direction, Goalposts, Missing, Normalise};

/// How a qualitative indicator reads its assessment column: the assessed
/// value is the score (0-1), carried forward for up to
/// [`CARRY_FORWARD_YEARS`] years unless a later row states `unknown`.
pub fn measure_plan(column: usize) -> MeasurePlan {
    MeasurePlan {
        columns: vec![column],
        transforms: Vec::new(),
        denominators: Vec::new(),
        direction: Some(Direction::HigherIsRiskier),
        normalise: Normalise::Goalposts(Goalposts { min: 0.0, max: 1.0 }),
        missing: Missing::CarryForward(CARRY_FORWARD_YEARS),
    }
}

/// Checks every row against a compiled framework and its panel: the
/// indicator must be a qualitative indicator of the framework, the
/// country and the year must be in the panel. Returns every finding.
pub fn check(assessments: &Assessments, plan: &Plan, panel: &Panel) -> Diagnostics {
    let mut out = Diagnostics::default();
    let indicators: Vec<&str> = plan
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Indicator)
        .map(|n| n.id.as_str())
        .collect();
    let assessable: Vec<&str> = indicators
        .iter()
        .copied()
        .filter(|id| plan.find(id).is_some_and(|i| is_assessable(plan, panel, i)))
        .collect();
    for r in &assessments.rows {
        match plan
            .find(&r.indicator)
            .filter(|&i| plan.nodes[i].kind == Kind::Indicator)
        {
            None => out.push(unknown_indicator(r, &indicators, &assessable)),
            Some(i) if !is_assessable(plan, panel, i) => {
                out.push(measured_indicator(r, !plan.nodes[i].children.is_empty()));
            }
            Some(_) => {}
        }
        if panel
            .countries
            .binary_search_by(|c| c.iso3.as_str().cmp(&r.iso3))
            .is_err()
        {
            out.push(unknown_country(r, panel));
        }
        if panel.year_idx(r.year).is_none() {
            let range = format!("{}..{}", panel.first_year, panel.last_year());
            let d = data_err(
                "D019",
                format!(
                    "assessment year {} is outside the data ({range}) (line {} of `{}`)",
                    r.year, r.line, r.file
                ),
            );
            out.push(r.label(d, r.year_at, "not in the data").with_hint(format!(
                "assess a year from {range}, or give data that cover {} with --data",
                r.year
            )));
        }
    }
    out
}

/// True for a measure node that reads analyst assessments (and no data).
pub fn reads_assessments(plan: &Plan, panel: &Panel, node: usize) -> bool {
    plan.nodes[node]
        .measure
        .as_ref()
        .is_some_and(|m| !m.columns.is_empty() && m.columns.iter().all(|&c| panel.is_assessed(c)))
}

/// A qualitative indicator whose measures (if any) read only assessments.
fn is_assessable(plan: &Plan, panel: &Panel, node: usize) -> bool {
    let n = &plan.nodes[node];
    n.qualitative
        && n.children
            .iter()
            .all(|&(c, _)| reads_assessments(plan, panel, c))
}

fn unknown_indicator(r: &Assessment, indicators: &[&str], assessable: &[&str]) -> Diagnostic {
    let d = data_err(
        "D016",
        format!(
            "the framework has no indicator `{}` (line {} of `{}`)",
            r.indicator, r.line, r.file
        ),
    );
    let hint = match did_you_mean(&r.indicator, indicators.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if assessable.is_empty() => {
            "this framework has no qualitative indicator to assess".to_string()
        }
        None => format!("qualitative indicators: {}", assessable.join(", ")),
    };
    r.label(d, r.indicator_at, "unknown indicator")
        .with_hint(hint)
}

fn measured_indicator(r: &Assessment, has_measures: bool) -> Diagnostic {
    let (msg, hint) = if has_measures {
        (
            "is measured from data",
            "assessments are only for indicators marked `qualitative: true` without measures; remove the row",
        )
    } else {
        (
            "is not qualitative",
            "remove the row, or mark the indicator `qualitative: true` in the framework if analysts are to assess it",
        )
    };
    let d = data_err(
        "D017",
        format!(
            "indicator `{}` {msg} (line {} of `{}`)",
            r.indicator, r.line, r.file
        ),
    );
    r.label(d, r.indicator_at, "not an assessed indicator")
        .with_hint(hint)
}

fn unknown_country(r: &Assessment, panel: &Panel) -> Diagnostic {
    let d = data_err(
        "D018",
        format!(
            "country `{}` is not in the data (line {} of `{}`)",
            r.iso3, r.line, r.file
        ),
    );
    let named = |i: usize| {
        let c = &panel.countries[i];
        format!("did you mean `{}` ({})?", c.iso3, c.name)
    };
    let hint = panel
        .find_country(&r.iso3)
        .map(named)
        .or_else(|| {
            let codes = panel.countries.iter().map(|c| c.iso3.as_str());
            let names = panel.countries.iter().map(|c| c.name.as_str());
            did_you_mean(&r.iso3, codes)
                .or_else(|| did_you_mean(&r.iso3, names))
                .and_then(|s| panel.find_country(&s))
                .map(named)
        })
        .unwrap_or_else(|| {
            format!(
                "use a country code of the data ({} countries, such as `{}`)",
                panel.countries.len(),
                panel.countries.first().map_or("", |c| c.iso3.as_str())
            )
        });
    r.label(d, r.iso3_at, "not in the data").with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Confidence;
    use crate::data::test_inputs;

    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors: [{id: r, title: R, crimes: [g], kind: dynamic}]\nindicators:\n  - {id: m, risk_factor: r, text: t, measures: [{column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]}\n  - {id: q, risk_factor: r, text: t, qualitative: true}\n  - {id: open, risk_factor: r, text: t}\n";
    // synthetic: AAA and BBB, 2000-2009
    const CSV: &str = "iso3,country,year,x\nAAA,Alpha,2000,1\nBBB,Beta,2009,2\n";

    fn run(assessments: &str) -> Result<(Plan, Panel, crate::score::Scores), Diagnostics> {
        let data = test_inputs(&[("d.csv", CSV)]);
        crate::assess_with("t.yaml", FW, &data, &test_inputs(&[("a.csv", assessments)]))
    }

    #[test]
    fn check_reports_every_row_that_does_not_fit() {
        let e = run("iso3,year,indicator,value\nAAA,2000,Q,1\nAAA,2000,m,1\nAAA,2000,open,1\nalpha,2000,q,1\nZZZ,2000,q,1\nAAA,1999,q,1\n")
            .unwrap_err();
        let found: Vec<(&str, u64)> = e.0.iter().map(|d| (d.code, d.labels[0].line)).collect();
        assert_eq!(
            found,
            [
                ("D016", 2),
                ("D017", 3),
                ("D017", 4),
                ("D018", 5),
                ("D018", 6),
                ("D019", 7)
            ]
        );
        assert_eq!(e.0[0].hint.as_deref(), Some("did you mean `q`?"));
        assert!(e.0[1].message.contains("measured from data"));
        assert!(e.0[2].message.contains("not qualitative"));
        assert_eq!(e.0[3].hint.as_deref(), Some("did you mean `AAA` (Alpha)?"));
        assert!(e.0[5].hint.as_deref().unwrap().contains("2000..2009"));
    }

    #[test]
    fn assessed_value_is_the_score_carried_five_years_until_unknown() {
        let (plan, panel, s) = run(
            "iso3,year,indicator,value,confidence,source\nAAA,2000,q,0.7,low,S\nAAA,2007,q,unknown,,\nBBB,2001,q,present,,\n",
        )
        .unwrap();
        let m = plan.find("q/assessment").unwrap();
        let q = plan.find("q").unwrap();
        let aaa = |y: usize| panel.cell(0, y);
        assert_eq!(
            s.measure(m, aaa(0)),
            Some((0.7, crate::score::Status::Observed))
        );
        assert_eq!(s.value(q, aaa(0)), 0.7);
        for y in 1..=5 {
            assert_eq!(
                s.measure(m, aaa(y)).unwrap().1,
                crate::score::Status::CarriedForward { from_year: 2000 }
            );
            assert_eq!(s.value(q, aaa(y)), 0.7);
        }
        assert!(s.value(q, aaa(6)).is_nan(), "past five years");
        assert!(s.value(q, aaa(7)).is_nan(), "stated unknown");
        // BBB: present in 2001, carried to 2006; 2000 has no value
        assert!(s.value(q, panel.cell(1, 0)).is_nan());
        assert_eq!(s.value(q, panel.cell(1, 6)), 1.0);
        assert!(s.value(q, panel.cell(1, 7)).is_nan());
        // the trace points at the assessment row
        let cells = crate::score::trace(&plan, &panel, &s, m, 0, 3);
        let r = panel.cell_ref(cells[0].0, cells[0].1);
        assert_eq!(
            (r.file.as_str(), r.line, r.column.as_str(), r.year),
            ("a.csv", 2, "value", 2000)
        );
        let an = panel.analyst(cells[0].0, cells[0].1).unwrap();
        assert_eq!(an.confidence, Some(Confidence::Low));
        assert_eq!(an.source.as_deref(), Some("S"));
    }

    #[test]
    fn unknown_stops_carrying_until_a_new_assessment() {
        let (plan, panel, s) =
            run("iso3,year,indicator,value\nAAA,2000,q,0.5\nAAA,2002,q,unknown\nAAA,2004,q,0.2\n")
                .unwrap();
        let q = plan.find("q").unwrap();
        let v: Vec<f64> = (0..7).map(|y| s.value(q, panel.cell(0, y))).collect();
        assert_eq!(v[0..2], [0.5, 0.5]);
        assert!(v[2].is_nan() && v[3].is_nan());
        assert_eq!(v[4..7], [0.2, 0.2, 0.2]);
    }

    #[test]
    fn without_assessments_a_qualitative_indicator_has_no_measure() {
        let (plan, ..) =
            crate::assess_with("t.yaml", FW, &test_inputs(&[("d.csv", CSV)]), &[]).unwrap();
        assert!(plan.find("q/assessment").is_none());
        assert!(plan.nodes[plan.find("q").unwrap()].children.is_empty());
    }
}
