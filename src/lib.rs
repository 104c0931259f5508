//! atrisk: the UN Framework of Analysis for Atrocity Crimes as executable,
//! testable YAML rules, scored against country-year data.

pub mod diagnostic;
pub mod framework;
pub mod data;
pub mod graph;
pub mod score;
pub mod embedded;
pub mod report;
pub mod cli;
