//! Renderers of the early-warning summary of a year (the model is
//! [`crate::analysis::summary::Summary`]): text for a terminal, Markdown,
//! JSON and an Excel workbook. The phrases they share (numbers, changes, inputs and data age in
//! words, the fixed sentences) are re-exported here for the HTML report.

mod format;
mod markdown;
mod text;
mod xlsx;

pub use format::{
    BRIEF_RECOMMENDATIONS, FOOTER, NO_FACTOR_ROSE, NO_INDICATOR_ROSE, actor_names, compared_with,
    data_mark, fmt_age_range, fmt_analyst, fmt_certainty, fmt_change, fmt_column_value,
    fmt_data_age, fmt_human, fmt_input_change, fmt_input_change_human, fmt_interval, fmt_level,
    fmt_level_change, fmt_reasons, fmt_triggers, fmt_value, fmt_year_data_age, level_name,
    more_recommendations, movers_note, rise_driver, tally_heading,
};
pub use markdown::write_markdown;
pub use text::{write_brief_text, write_text};
pub use xlsx::{SHEETS, write_xlsx};

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
    fn raw_values_read_as_people_write_them() {
        assert_eq!(fmt_human(186_000_000.0), "186M");
        assert_eq!(fmt_human(80_000_000.0), "80M");
        assert_eq!(fmt_human(1_250_000_000.0), "1.2B");
        assert_eq!(fmt_human(12_345.0), "12.3k");
        assert_eq!(fmt_human(2.0), "2");
        assert_eq!(fmt_human(-1.708), "-1.71");
        assert_eq!(fmt_human(0.0667), "0.067");
        assert_eq!(fmt_human(0.0), "0");
        assert_eq!(fmt_human(450.4), "450");
    }

    #[test]
    fn rendering_never_needs_more_than_the_model() {
        let s = synthetic::summary();
        assert!(write_text(&s).contains("a 2 (2000) -> 8 (2001)"));
        assert!(write_markdown(&s).contains("a 2 (2000) → 8 (2001)"));
    }
}
