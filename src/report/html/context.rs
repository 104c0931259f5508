//! What the sections of the HTML report share: the context they read
//! ([`Ctx`]), escaping, element ids, and the band colours.

use std::collections::BTreeMap;

use crate::analysis::Run;
use crate::analysis::summary::{Brief, Summary};
use crate::report::summary::{fmt_level, fmt_level_change};
use crate::score::uncertainty::Simulation;

/// Escapes text for HTML element content and attribute values, after the
/// sanitiser has shown control characters and bidirectional overrides
/// escaped (they would reorder or hide text in a browser too).
pub fn esc(s: &str) -> String {
    let s = crate::diagnostic::sanitize(s);
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Band colours, light to dark: a sequential ramp whose lightness falls at
/// every step (from pale peach through orange and rose to deep purple), so
/// bands stay in order for readers with any kind of colour-vision
/// deficiency and in greyscale print. Fill and text colour.
const BAND_COLOURS: [(&str, &str); 4] = [
    ("#fbe7c6", "#1a1a1a"),
    ("#f6a96c", "#1a1a1a"),
    ("#d6456c", "#ffffff"),
    ("#5c1a6e", "#ffffff"),
];

/// The palette entry of the band at `index` of `count` bands: bands spread
/// over the palette, lowest on the lightest, highest on the darkest.
fn palette_index(index: usize, count: usize) -> usize {
    let last = BAND_COLOURS.len() - 1;
    let i = if count <= 1 {
        0
    } else {
        (index * last + (count - 1) / 2) / (count - 1)
    };
    i.min(last)
}

/// The style rules of the band classes `p0` to `p3` (background, text and,
/// in SVG, fill), and of the dashed cut-offs of a bar track where each band
/// after the first starts.
pub(super) fn band_css(bands: &[(String, f64)]) -> String {
    let mut css = String::new();
    for (i, (bg, fg)) in BAND_COLOURS.iter().enumerate() {
        css.push_str(&format!(".p{i}{{background:{bg};color:{fg};fill:{bg}}}\n"));
    }
    let stops: Vec<String> = bands
        .iter()
        .skip(1)
        .map(|(_, min)| {
            let at = min.clamp(0.0, 1.0) * 100.0;
            format!(
                "transparent {:.2}%,var(--muted) {:.2}%,var(--muted) {:.2}%,transparent {:.2}%",
                at - 0.3,
                at - 0.3,
                at + 0.3,
                at + 0.3
            )
        })
        .collect();
    if !stops.is_empty() {
        css.push_str(&format!(
            ".track{{background-image:linear-gradient(90deg,{})}}\n",
            stops.join(",")
        ));
    }
    css
}

/// An id for an element from any text: ASCII letters, digits, `-` and `_`
/// stay, every other byte becomes `.` and two hex digits (so `.` itself is
/// `.2e`), which keeps ids distinct and safe in `id` and `href` alike.
pub(super) fn anchor(prefix: &str, key: &str) -> String {
    let mut out = String::from(prefix);
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!(".{b:02x}"));
        }
    }
    out
}

/// The id of a country's section (`country-SDN`).
pub(super) fn country_anchor(iso3: &str) -> String {
    anchor("country-", iso3)
}

/// What every section of the report reads: the run, its summary, the year
/// index, the overall bands and the draws.
pub(super) struct Ctx<'r, 'a> {
    pub(super) run: &'r Run<'a>,
    pub(super) s: &'r Summary,
    pub(super) y: usize,
    pub(super) bands: Vec<(String, f64)>,
    /// The draws behind the summary's intervals, for every country's rank
    /// interval in the full ranking.
    pub(super) sim: Option<&'r Simulation>,
    /// Index into the summary's profiles by country code.
    pub(super) profiles: BTreeMap<&'r str, usize>,
}

impl<'r, 'a> Ctx<'r, 'a> {
    /// The context of a report.
    pub(super) fn new(run: &'r Run<'a>, s: &'r Summary, sim: Option<&'r Simulation>) -> Self {
        let plan = run.plan;
        Ctx {
            run,
            s,
            y: run.years.first().copied().unwrap_or(0),
            bands: plan.band_sets[plan.nodes[plan.overall()].bands].clone(),
            sim,
            profiles: s
                .profiles
                .iter()
                .enumerate()
                .map(|(i, b)| (b.iso3.as_str(), i))
                .collect(),
        }
    }

    /// The profile of a country, if it has a score.
    pub(super) fn profile(&self, iso3: &str) -> Option<&'r Brief> {
        self.profiles.get(iso3).map(|&i| &self.s.profiles[i])
    }

    /// The colour class (`p0` to `p3`) of an overall band by name (the
    /// lowest band's for a name that is not an overall band).
    pub(super) fn band_class(&self, band: &str) -> String {
        let i = self.bands.iter().position(|(n, _)| n == band).unwrap_or(0);
        format!("p{}", palette_index(i, self.bands.len()))
    }

    /// A band as a coloured chip (`no score` without one).
    pub(super) fn band_chip(&self, band: Option<&str>) -> String {
        match band {
            None => "<span class=\"band none\">no score</span>".to_string(),
            Some(b) => format!(
                "<span class=\"band {}\">{}</span>",
                self.band_class(b),
                esc(b)
            ),
        }
    }

    /// An overall score for people (a percentage when it is a probability),
    /// or `n/a`.
    pub(super) fn level(&self, v: Option<f64>) -> String {
        v.map_or_else(|| "n/a".to_string(), |v| fmt_level(self.s, v))
    }

    /// A change of the overall score for people (percentage points when
    /// it is a probability), or `n/a`.
    pub(super) fn change(&self, v: Option<f64>) -> String {
        fmt_level_change(self.s, v)
    }

    /// A country's name as a link to its section when it has one.
    pub(super) fn country_link(&self, iso3: &str, name: &str) -> String {
        if self.profiles.contains_key(iso3) {
            format!("<a href=\"#{}\">{}</a>", country_anchor(iso3), esc(name))
        } else {
            esc(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_makes_markup_inert() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(esc("Côte d'Ivoire"), "Côte d&#39;Ivoire");
    }

    #[test]
    fn band_colours_spread_over_any_number_of_bands() {
        assert_eq!(palette_index(0, 4), 0);
        assert_eq!(palette_index(3, 4), 3);
        assert_eq!(palette_index(2, 3), 3);
        assert_eq!(palette_index(0, 1), 0);
        assert_eq!(palette_index(9, 6), 3);
        let css = band_css(&[("low".into(), 0.0), ("high".into(), 0.5)]);
        assert!(css.contains(".p3{background:#5c1a6e;color:#ffffff;fill:#5c1a6e}"));
        assert!(css.contains("var(--muted) 49.70%"), "{css}");
    }

    #[test]
    fn anchors_are_safe_and_distinct() {
        assert_eq!(country_anchor("SDN"), "country-SDN");
        assert_eq!(country_anchor("A\"><b>"), "country-A.22.3e.3cb.3e");
        assert_ne!(country_anchor("A.20B"), country_anchor("A B"));
        assert_eq!(anchor("theme-", "arms_flows"), "theme-arms_flows");
    }
}
