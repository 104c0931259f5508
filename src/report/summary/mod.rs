//! Renderers of the early-warning summary of a year (the model is
//! [`crate::analysis::summary::Summary`]): text for a terminal, Markdown and
//! JSON. The phrases they share (numbers, changes, inputs and data age in
//! words, the fixed sentences) are re-exported here for the HTML report.

mod format;
mod markdown;
mod text;

pub use format::{
    BRIEF_RECOMMENDATIONS, FOOTER, NO_FACTOR_ROSE, NO_INDICATOR_ROSE, actor_names, compared_with,
    fmt_age_range, fmt_analyst, fmt_certainty, fmt_change, fmt_column_value, fmt_data_age,
    fmt_input_change, fmt_interval, fmt_reasons, fmt_triggers, fmt_value, more_recommendations,
    movers_note,
};
pub use markdown::write_markdown;
pub use text::write_text;

use crate::analysis::summary::Summary;

/// The summary as JSON (field names are documented in docs/summary.md).
pub fn write_json(s: &Summary) -> String {
    let mut out = serde_json::to_string_pretty(s).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::summary::synthetic;

    #[test]
    fn rendering_never_needs_more_than_the_model() {
        let s = synthetic::summary();
        assert!(write_text(&s).contains("a 2 (2000) -> 8 (2001)"));
        assert!(write_markdown(&s).contains("a 2 (2000) → 8 (2001)"));
    }
}
