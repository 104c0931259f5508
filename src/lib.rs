//! atrisk: the UN Framework of Analysis for Atrocity Crimes as executable,
//! testable YAML rules, scored against country-year data.

pub mod cli;
pub mod data;
pub mod diagnostic;
pub mod embedded;
pub mod framework;
pub mod graph;
pub mod report;
pub mod score;

use data::{Input, Panel};
use diagnostic::Diagnostics;
use framework::compile::Plan;
use score::Scores;

/// Loads, validates and compiles a framework text and scores it on data
/// inputs: the whole pipeline short of reporting. Warnings are not returned.
pub fn assess(
    framework_name: &str,
    framework_text: &str,
    inputs: &[Input<'_>],
) -> Result<(Plan, Panel, Scores), Diagnostics> {
    let fw = framework::load::parse(framework_name, framework_text)?;
    let diags = framework::validate::validate(&framework::validate::Located {
        file: framework_name,
        fw: &fw,
    });
    if diags.has_errors() {
        return Err(diags);
    }
    let panel = Panel::load(inputs)?;
    let plan = framework::compile::compile(&fw, framework_name, &panel)?;
    let scores = score::evaluate(&plan, &panel);
    Ok((plan, panel, scores))
}
