//! The assembly of a year's summary from its sections, with the sections
//! that read the ranking directly: the band counts, the watch list and the
//! new entries into the top bands.

use super::builder::Builder;
use super::model::{
    BandCount, CrimeList, Entry, ForecastRef, FrameworkRef, Movers, NewEntry, Summary,
    UncertaintyRef, WatchList,
};
use crate::analysis::ranking::Row;
use crate::analysis::{r6, r6f};

impl Builder<'_, '_> {
    /// The summary of year index `y`, with lists of `top` countries.
    pub fn build(&self, y: usize, top: usize) -> Summary {
        let (plan, panel) = (self.run.plan, self.run.panel);
        let prev: Vec<usize> = y.checked_sub(1).into_iter().collect();
        let mean_years: Vec<usize> = if y >= 3 {
            (y - 3..y).collect()
        } else {
            Vec::new()
        };
        let rows = self.run.ranked(y);
        let briefs = self.briefs(&rows, y, top, &prev, &mean_years);
        let (profiles, themes) = if self.profiles {
            (
                self.profiles(&rows, y, &prev, &mean_years),
                self.theme_parts(y, &prev),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        Summary {
            atrisk_version: env!("CARGO_PKG_VERSION"),
            framework: FrameworkRef {
                id: plan.id.clone(),
                title: plan.title.clone(),
                version: plan.version.clone(),
            },
            data: panel.files.clone(),
            year: panel.year(y),
            year_basis: None,
            previous_year: prev.first().map(|&p| panel.year(p)),
            mean_years: mean_years.iter().map(|&m| panel.year(m)).collect(),
            top,
            countries: panel.countries.len(),
            bands: self.band_counts(&rows),
            no_score: rows.iter().filter(|r| r.score.is_nan()).count(),
            watch_list: self.watch_list(&rows, y, top, &prev),
            movers: Movers {
                previous_year: self.movers(y, &prev, top, 0),
                three_year_mean: self.movers(y, &mean_years, top, 1),
            },
            new_in_top_bands: self.new_in_top_bands(&rows, &prev),
            data_warnings: self.data_warnings(y),
            briefs,
            recommendations: self.tally(&rows, y),
            uncertainty: self.sim.map(|s| UncertaintyRef {
                draws: s.info.draws,
                seed: s.info.seed,
                varied: self.varied.clone(),
            }),
            probability: plan.is_probability(plan.overall()),
            forecast: self.forecast.map(|f| ForecastRef {
                id: plan.nodes[f].id.clone(),
                title: plan.nodes[f].title.clone(),
            }),
            profiles,
            themes,
        }
    }

    /// A line of a list ranked by `node`: country index `c` with score `v`
    /// at `rank`, and its change since the mean of the `prev` years.
    pub(super) fn entry(
        &self,
        rank: usize,
        c: usize,
        node: usize,
        v: f64,
        (y, prev): (usize, &[usize]),
    ) -> Entry {
        let (iso3, country) = self.country(c);
        Entry {
            rank,
            iso3,
            country,
            score: r6(v),
            band: self.run.plan.band(node, v).map(str::to_string),
            change: r6(v - self.mean(node, c, prev)),
            interval: None,
            probability: None,
            old_data: self.run.values_basis(c, y).mostly_carried(),
        }
    }

    /// The overall bands, lowest first.
    fn bands(&self) -> &[(String, f64)] {
        let plan = self.run.plan;
        &plan.band_sets[plan.nodes[plan.overall()].bands]
    }

    /// Countries per overall band, lowest band first.
    fn band_counts(&self, rows: &[Row]) -> Vec<BandCount> {
        self.bands()
            .iter()
            .map(|(name, min)| BandCount {
                band: name.clone(),
                min: *min,
                countries: rows
                    .iter()
                    .filter(|r| r.band.as_deref() == Some(name.as_str()))
                    .count(),
            })
            .collect()
    }

    /// The first `top` countries of year `y` by overall score (from the
    /// ranked `rows`) and by each crime's score, with their change since the
    /// `prev` year.
    fn watch_list(&self, rows: &[Row], y: usize, top: usize, prev: &[usize]) -> WatchList {
        let plan = self.run.plan;
        let overall = plan.overall();
        let entry =
            |rank: usize, c: usize, node: usize, v: f64| self.entry(rank, c, node, v, (y, prev));
        let watch_overall: Vec<Entry> = rows
            .iter()
            .filter(|r| !r.score.is_nan())
            .take(top)
            .map(|r| Entry {
                interval: self.interval(r.country),
                probability: r.probability.and_then(r6),
                ..entry(r.rank, r.country, overall, r.score)
            })
            .collect();
        let crime_lists = self
            .crimes
            .iter()
            .map(|&k| CrimeList {
                id: plan.nodes[k].id.clone(),
                title: plan.nodes[k].title.clone(),
                probability: plan.is_probability(k),
                entries: self
                    .ranked_by(k, y)
                    .into_iter()
                    .take(top)
                    .enumerate()
                    .map(|(i, (c, v))| entry(i + 1, c, k, v))
                    .collect(),
            })
            .collect();
        WatchList {
            overall: watch_overall,
            crimes: crime_lists,
        }
    }

    /// The countries of the ranked `rows` whose band rose into the two top
    /// bands since the `prev` year (none without one).
    fn new_in_top_bands(&self, rows: &[Row], prev: &[usize]) -> Vec<NewEntry> {
        let plan = self.run.plan;
        let overall = plan.overall();
        let bands = self.bands();
        let band_rank = |v: f64| {
            plan.band(overall, v)
                .and_then(|b| bands.iter().position(|(n, _)| n == b))
        };
        let high_from = bands.len().saturating_sub(2);
        match prev.first() {
            None => Vec::new(),
            Some(&p) => rows
                .iter()
                .filter(|r| band_rank(r.score).is_some_and(|b| b >= high_from))
                .filter_map(|r| {
                    let before = self.value(overall, r.country, p);
                    let was = band_rank(before);
                    let rose = was.is_none_or(|b| b < high_from);
                    rose.then(|| {
                        let (iso3, country) = self.country(r.country);
                        NewEntry {
                            iso3,
                            country,
                            score: r6f(r.score),
                            band: r.band.clone().unwrap_or_default(),
                            previous_score: r6(before),
                            previous_band: plan.band(overall, before).map(str::to_string),
                        }
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::builder::weight_shares;
    use super::super::model::InputValue;
    use super::super::synthetic;

    #[test]
    fn weight_shares_follow_the_max_and_the_weights() {
        let (plan, panel, scores) = synthetic::scored();
        let s = weight_shares(&plan, &scores, panel.cell(0, 1));
        let id = |n: &str| plan.find(n).unwrap();
        // AAA 2001: g = (3*0.8 + 0.1)/4 = 0.625 > h = 0.1, so g takes the whole share.
        assert_eq!(s[id("g")], 1.0);
        assert_eq!(s[id("h")], 0.0);
        assert!((s[id("r1")] - 0.75).abs() < 1e-12);
        assert!((s[id("r2")] - 0.25).abs() < 1e-12);
        assert!((s[id("r1.a")] - 0.75).abs() < 1e-12);
    }

    #[test]
    fn summary_lists_the_rise_with_its_driver_and_raw_inputs() {
        let s = synthetic::summary();
        assert_eq!((s.year, s.previous_year), (2001, Some(2000)));
        let m = &s.movers.previous_year;
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].iso3, "AAA");
        assert!((m[0].change - 0.45).abs() < 1e-9);
        let d = &m[0].drivers[0];
        assert_eq!(d.id, "r1");
        let i = &d.indicators[0].inputs[0];
        assert_eq!(i.column, "a");
        assert_eq!(
            i.before,
            vec![InputValue {
                year: 2000,
                value: 2.0
            }]
        );
        assert_eq!(
            i.after,
            Some(InputValue {
                year: 2001,
                value: 8.0
            })
        );
        // Too short a panel for a three-year mean.
        assert!(s.mean_years.is_empty());
        assert!(s.movers.three_year_mean.is_empty());
    }
}
