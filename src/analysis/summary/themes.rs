//! Theme parts: for each theme of the framework, the countries that score
//! highest on it, how its members score among them, and the recommendations
//! with a condition on it.

use super::briefs::actors;
use super::builder::Builder;
use super::model::{ThemeMember, ThemePart, ThemeRec};
use crate::analysis::r6;
use crate::compile::Kind;
use crate::score::recommend::holds;

/// Countries listed per theme.
pub const THEME_TOP: usize = 10;

impl Builder<'_, '_> {
    /// One part per theme, in framework order, for year index `y`; changes
    /// are against the mean of the `prev` years.
    pub(super) fn theme_parts(&self, y: usize, prev: &[usize]) -> Vec<ThemePart> {
        let plan = self.run.plan;
        self.themes
            .iter()
            .map(|&t| {
                let node = &plan.nodes[t];
                let top: Vec<(usize, f64)> =
                    self.ranked_by(t, y).into_iter().take(THEME_TOP).collect();
                let mut members: Vec<ThemeMember> = node
                    .children
                    .iter()
                    .map(|&(m, _)| self.member(m, &top, y))
                    .collect();
                members.sort_by(|a, b| {
                    let key = |m: &ThemeMember| m.mean.unwrap_or(f64::NEG_INFINITY);
                    key(b).total_cmp(&key(a))
                });
                let recommendations = plan
                    .recommendations
                    .iter()
                    .flat_map(|r| {
                        r.triggers
                            .iter()
                            .filter(|tr| tr.node == t)
                            .map(|tr| ThemeRec {
                                id: r.id.clone(),
                                title: r.title.clone(),
                                addressed_to: actors(plan, &r.addressed_to),
                                condition: tr.condition.to_string(),
                                count: top
                                    .iter()
                                    .filter(|&&(_, v)| holds(plan, t, &tr.condition, v))
                                    .count(),
                            })
                    })
                    .collect();
                ThemePart {
                    id: node.id.clone(),
                    title: node.title.clone(),
                    description: self
                        .theme_texts
                        .iter()
                        .find(|(id, _)| *id == node.id)
                        .map(|(_, d)| d.clone()),
                    top: top
                        .iter()
                        .enumerate()
                        .map(|(i, &(c, v))| self.entry(i + 1, c, t, v, (y, prev)))
                        .collect(),
                    members,
                    recommendations,
                }
            })
            .collect()
    }

    /// How member node `m` of a theme scores among the theme's `top`
    /// countries (country index, theme score) in year index `y`.
    fn member(&self, m: usize, top: &[(usize, f64)], y: usize) -> ThemeMember {
        let plan = self.run.plan;
        let node = &plan.nodes[m];
        let bands = &plan.band_sets[node.bands];
        let high_from = bands
            .iter()
            .position(|(name, _)| name == "high")
            .unwrap_or(bands.len().saturating_sub(2));
        let values: Vec<f64> = top
            .iter()
            .map(|&(c, _)| self.value(m, c, y))
            .filter(|v| !v.is_nan())
            .collect();
        ThemeMember {
            id: node.id.clone(),
            title: node.title.clone(),
            kind: match node.kind {
                Kind::Indicator => "indicator",
                Kind::RiskFactor => "risk factor",
                Kind::Theme => "theme",
                _ => "node",
            },
            mean: (!values.is_empty())
                .then(|| r6(values.iter().sum::<f64>() / values.len() as f64))
                .flatten(),
            high: values
                .iter()
                .filter(|&&v| plan.band_rank(m, v).is_some_and(|r| r >= high_from))
                .count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::ranking::Run;
    use crate::analysis::summary::{Builder, Summary};

    // Synthetic: theme t has members r1.a and r2.b; recommendation x is
    // triggered when t is high.
    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors:\n  - {id: r1, title: R1, crimes: [g], kind: dynamic}\n  - {id: r2, title: R2, crimes: [g], kind: dynamic}\nindicators:\n  - {id: r1.a, risk_factor: r1, text: A, measures: [{column: a, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]}\n  - {id: r2.b, risk_factor: r2, text: B, measures: [{column: b, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]}\nthemes:\n  - {id: t, title: Theme T, members: [r1.a, r2.b]}\nactors: [{id: s, title: States}]\nrecommendations:\n  - {id: x, title: X, addressed_to: [s], when: [{node: t, band_at_least: high}]}\n";
    const CSV: &str = "iso3,year,a,b\nAAA,2000,9,7\nBBB,2000,1,1\nCCC,2000,6,2\n";

    /// The synthetic summary of 2000, with profiles and theme parts or without.
    fn summary(profiles: bool) -> Summary {
        let (plan, panel, scores) = crate::assess_csv(FW, CSV);
        let run = Run {
            plan: &plan,
            panel: &panel,
            scores: &scores,
            years: vec![0],
        };
        let b = Builder::new(&run);
        let b = if profiles {
            b.with_profiles()
                .with_theme_texts(vec![("t".into(), "What T covers.".into())])
        } else {
            b
        };
        b.build(0, 5)
    }

    #[test]
    fn a_theme_part_ranks_countries_and_members_and_counts_its_recommendations() {
        let s = summary(true);
        assert_eq!(s.themes.len(), 1);
        let t = &s.themes[0];
        assert_eq!(t.title, "Theme T");
        assert_eq!(t.description.as_deref(), Some("What T covers."));
        // AAA (0.8), CCC (0.4), BBB (0.1).
        let order: Vec<&str> = t.top.iter().map(|e| e.iso3.as_str()).collect();
        assert_eq!(order, ["AAA", "CCC", "BBB"]);
        // r1.a: 0.9, 0.6, 0.1 (mean 0.533, two high); r2.b: 0.7, 0.2, 0.1.
        assert_eq!(t.members[0].id, "r1.a");
        assert!((t.members[0].mean.unwrap() - 1.6 / 3.0).abs() < 1e-6);
        assert_eq!(t.members[0].high, 2);
        assert_eq!(t.members[1].high, 1);
        // Only AAA's theme score (0.8) is high.
        assert_eq!(t.recommendations.len(), 1);
        assert_eq!(t.recommendations[0].count, 1);
        assert_eq!(t.recommendations[0].condition, "band at least high");
        // Every scored country has a profile with its themes and trend.
        assert_eq!(s.profiles.len(), 3);
        assert_eq!(s.profiles[0].themes[0].id, "t");
        assert_eq!(s.profiles[0].risk_factors.len(), 2);
        assert_eq!(s.profiles[0].trend.len(), 1);
    }

    #[test]
    fn without_profiles_the_summary_has_no_profiles_or_theme_parts() {
        let s = summary(false);
        assert!(s.profiles.is_empty() && s.themes.is_empty());
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("\"profiles\"") && !json.contains("\"themes\""));
        // The tally lists every recommendation, over every scored country here.
        assert_eq!(s.recommendations.len(), 1);
        assert_eq!(
            (s.recommendations[0].count, s.recommendations[0].of),
            (1, 3)
        );
    }
}
