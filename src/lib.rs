//! atrisk: the UN Framework of Analysis for Atrocity Crimes as executable,
//! testable YAML rules, scored against country-year data.

pub mod audit;
pub mod backtest;
pub mod cli;
pub mod data;
pub mod diagnostic;
pub mod embedded;
pub mod fit;
pub mod framework;
pub mod graph;
pub mod limits;
pub mod report;
pub mod score;

use data::assessments::Assessments;
use data::{Input, Panel};
use diagnostic::Diagnostics;
use framework::compile::Plan;
use score::Scores;

/// Loads, validates and compiles a framework text and scores it on data
/// inputs: the whole pipeline short of reporting. Warnings are not returned.
/// For analyst assessments, see [`assess_with`].
///
/// ```
/// use atrisk::embedded;
///
/// let inputs = embedded::inputs();
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
    assess_with(framework_name, framework_text, inputs, &[])
}

/// [`assess`] with analyst assessments of qualitative indicators: CSV files
/// with the header `iso3,year,indicator,value,confidence,source,note` (see
/// [`data::assessments`]). Each assessed indicator gets a measure
/// `INDICATOR/assessment` that reads the assessed value; rows that name an
/// unknown or measured indicator, or a country or year outside the data,
/// are errors.
///
/// ```
/// use atrisk::{data::Input, embedded};
///
/// let inputs = embedded::inputs();
/// // a synthetic judgement, for illustration only
/// let csv = "iso3,year,indicator,value,confidence,source,note\n\
///            SDN,2023,rf7.hate_speech,present,medium,illustration,\n";
/// let assessments = [Input { name: "a.csv".into(), prefix: None, bytes: csv.as_bytes() }];
/// let (name, text) = embedded::FRAMEWORK;
/// let (plan, panel, scores) = atrisk::assess_with(name, text, &inputs, &assessments).unwrap();
/// let sudan = panel.find_country("SDN").unwrap();
/// let cell = panel.cell(sudan, panel.year_idx(2024).unwrap());
/// // carried forward from 2023
/// assert_eq!(scores.value(plan.find("rf7.hate_speech").unwrap(), cell), 1.0);
/// ```
pub fn assess_with(
    framework_name: &str,
    framework_text: &str,
    inputs: &[Input<'_>],
    assessments: &[Input<'_>],
) -> Result<(Plan, Panel, Scores), Diagnostics> {
    let chain = framework::extends::load_chain(
        framework_name,
        framework_text,
        &mut framework::extends::embedded_only,
    )?;
    let key = framework::extends::unit_key(&chain.located());
    let mut panel = Panel::load_keyed(inputs, &key)?;
    let assessed = Assessments::parse(assessments)?;
    assessed.add_to(&mut panel)?;
    let plan = framework::compile::compile_chain(&chain.located(), &panel)?;
    let diags = assessed.check(&plan, &panel);
    if diags.has_errors() {
        return Err(diags);
    }
    let scores = score::evaluate(&plan, &panel);
    Ok((plan, panel, scores))
}

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
