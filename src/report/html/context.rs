//! What the sections of the HTML report share: the context they read
//! ([`Ctx`]), escaping, and the band colours.

use crate::analysis::Run;
use crate::analysis::summary::Summary;
use crate::score::uncertainty::Simulation;

/// Years shown in each country's sparkline (at most; fewer when the panel is shorter).
pub const SPARK_YEARS: usize = 15;

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

/// Colour-blind-safe band colours (ColorBrewer PuOr, light to dark): fill and text.
const BAND_COLOURS: [(&str, &str); 4] = [
    ("#dde6ef", "#1a1a1a"),
    ("#fdb863", "#1a1a1a"),
    ("#e66101", "#ffffff"),
    ("#5e3c99", "#ffffff"),
];

/// Fill and text colour of the band at `index` of `count` bands.
pub(super) fn band_colour(index: usize, count: usize) -> (&'static str, &'static str) {
    let last = BAND_COLOURS.len() - 1;
    let i = if count <= 1 {
        0
    } else {
        (index * last + (count - 1) / 2) / (count - 1)
    };
    BAND_COLOURS[i.min(last)]
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
}

impl Ctx<'_, '_> {
    /// A band as a coloured chip (`no score` without one).
    pub(super) fn band_chip(&self, band: Option<&str>) -> String {
        match band {
            None => "<span class=\"band\" style=\"background:#eeeeee;color:#333\">no score</span>"
                .to_string(),
            Some(b) => {
                let i = self.bands.iter().position(|(n, _)| n == b).unwrap_or(0);
                let (bg, fg) = band_colour(i, self.bands.len());
                format!(
                    "<span class=\"band\" style=\"background:{bg};color:{fg}\">{}</span>",
                    esc(b)
                )
            }
        }
    }

    /// A country's name, escaped.
    pub(super) fn country_name(&self, c: usize) -> String {
        esc(&self.run.panel.countries[c].name)
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
        assert_eq!(band_colour(0, 4), BAND_COLOURS[0]);
        assert_eq!(band_colour(3, 4), BAND_COLOURS[3]);
        assert_eq!(band_colour(2, 3), BAND_COLOURS[3]);
        assert_eq!(band_colour(0, 1), BAND_COLOURS[0]);
        assert_eq!(band_colour(9, 6), BAND_COLOURS[3]);
    }
}
