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
///
/// ```
/// use atrisk::{data::Input, embedded};
///
/// let inputs: Vec<Input<'_>> = embedded::DATA
///     .iter()
///     .map(|(name, bytes)| Input { name: name.to_string(), prefix: None, bytes })
///     .collect();
/// let (name, text) = embedded::FRAMEWORK;
/// let (plan, panel, scores) = atrisk::assess(name, text, &inputs).unwrap();
/// let sudan = panel.find_country("Sudan").unwrap();
/// let cell = panel.cell(sudan, panel.year_idx(2023).unwrap());
/// let overall = scores.value(plan.overall(), cell);
/// assert!((0.0..=1.0).contains(&overall));
/// assert!(plan.band(plan.overall(), overall).is_some());
/// ```
pub fn assess(
    framework_name: &str,
    framework_text: &str,
    inputs: &[Input<'_>],
) -> Result<(Plan, Panel, Scores), Diagnostics> {
    let chain = framework::extends::load_chain(
        framework_name,
        framework_text,
        &mut framework::extends::embedded_only,
    )?;
    let panel = Panel::load(inputs)?;
    let plan = framework::compile::compile_chain(&chain.located(), &panel)?;
    let scores = score::evaluate(&plan, &panel);
    Ok((plan, panel, scores))
}
