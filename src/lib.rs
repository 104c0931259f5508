//! atrisk: the UN Framework of Analysis for Atrocity Crimes as executable,
//! testable YAML rules, scored against country-year data.

pub mod analysis;
pub mod audit;
pub mod backtest;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compile;
pub mod data;
pub mod diagnostic;
pub mod embedded;
pub mod fit;
pub mod framework;
pub mod graph;
pub mod limits;
pub mod pipeline;
pub mod report;
pub mod score;

pub use pipeline::{assess, assess_with};
#[cfg(test)]
use {
    compile::Plan,
    data::{Input, Panel},
    score::Scores,
};

/// Scores a synthetic framework on one synthetic CSV named `d.csv`, for unit
/// tests.
#[cfg(test)]
pub(crate) fn assess_csv(framework: &str, csv: &str) -> (Plan, Panel, Scores) {
    assess(
        "t.yaml",
        framework,
        &[Input {
            name: "d.csv".into(),
            prefix: None,
            bytes: csv.as_bytes(),
        }],
    )
    .expect("the synthetic framework and data are valid")
}
