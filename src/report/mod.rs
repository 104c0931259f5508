//! Renderers: the submodules write a scored [`Run`](crate::analysis::Run) as a
//! text table, CSV, JSON or Markdown; `summary` builds the early-warning
//! summary of a year and `html` the self-contained HTML report.

pub mod csv;
pub mod explain;
pub mod html;
pub mod json;
pub mod markdown;
pub mod summary;
pub mod text;
pub mod uncertainty;

/// The run type at its former path, for code below this floor that still
/// names it here.
pub use crate::analysis::Run;

/// Formats a score with three decimals, or `n/a`.
pub fn fmt_score(v: f64) -> String {
    if v.is_nan() {
        "n/a".to_string()
    } else {
        format!("{v:.3}")
    }
}
