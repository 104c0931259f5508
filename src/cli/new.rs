//! `atrisk new`: write a commented framework skeleton to start from.

use std::path::{Path, PathBuf};

use super::{Console, Ctx, EXIT_OK, Failure, emit, write_new_output};

/// Arguments of `new`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Name of the new framework: writes NAME.yaml, or the path given when it ends in .yaml or .yml.
    #[arg(value_name = "NAME")]
    pub name: PathBuf,
    /// Replace whatever is at that path (a file, or a symbolic link, which is replaced, not followed).
    #[arg(long)]
    pub force: bool,
}

/// The skeleton; `{ID}` is replaced by the framework's id.
const SKELETON: &str = r#"# yaml-language-server: $schema=framework.schema.json
# (`atrisk schema -o framework.schema.json` writes the schema beside this file,
# for completion and checking in editors.)
#
# A framework skeleton: one crime, one risk factor and three indicators (two
# read from data, one qualitative), with worked examples. The columns read
# (v2x_clphy, ucdp_sb_conflicts_active) are in the panel shipped with atrisk.
# Check it with `atrisk validate FILE`, run its examples with `atrisk test FILE`
# and score it with `atrisk score --framework FILE`. docs/rule-format.md
# describes every key.
format: 1
id: {ID}
title: {ID} (draft)
version: 0.1.0
description: What these rules assess, and for whom.

# Scores from 0 to 1 get the band whose `min` they reach (lowest band first).
bands:
  - {name: low, min: 0}
  - {name: moderate, min: 0.25}
  - {name: high, min: 0.5}
  - {name: very high, min: 0.75}

crimes:
  - id: atrocity
    title: Atrocity crimes
    # Worked examples: `given` maps each child (here risk factors) to a score;
    # children not listed have no score. `value` is the expected score (within
    # `tolerance`, default 1e-6) and/or `band` the expected band.
    examples:
      - given: {violence: 0.7}
        value: 0.7
        band: high

risk_factors:
  - id: violence
    title: Serious violations of human rights and armed conflict
    crimes: [atrocity]
    kind: dynamic
    # The indicators are averaged (the default `aggregate: {method: mean}`);
    # the qualitative one has no score, so the mean is of the other two.
    examples:
      - given: {violence.physical_integrity: 0.8, violence.armed_conflict: 0.4}
        value: 0.6
        band: high

indicators:
  - id: violence.physical_integrity
    risk_factor: violence
    text: Killings, torture and disappearances by state agents.
    measures:
      - column: v2x_clphy                 # a column of the data
        direction: lower_is_riskier       # high values mean respect, low risk
        normalise: {goalposts: {min: 0, max: 1}}
        missing: {carry_forward: 2}       # use the last value up to 2 years back
        rationale: V-Dem physical violence index.
    # Examples of an indicator give raw values of the data columns it reads
    # (a number, null for missing, or a list of yearly values, oldest first).
    examples:
      - given: {v2x_clphy: 0.2}
        value: 0.8
        band: very high
      - given: {v2x_clphy: [0.3, null]}
        value: 0.7
        note: the missing last year is carried forward from the year before

  - id: violence.armed_conflict
    risk_factor: violence
    text: Armed conflict on the territory.
    measures:
      - column: ucdp_sb_conflicts_active
        normalise: {steps: [{min: 1, score: 0.6}, {min: 2, score: 1}]}
        rationale: UCDP count of active state-based conflicts.
    examples:
      - given: {ucdp_sb_conflicts_active: 0}
        value: 0
        band: low
      - given: {ucdp_sb_conflicts_active: 3}
        value: 1

  - id: violence.hate_speech
    risk_factor: violence
    text: Public incitement against a group.
    qualitative: true                     # read from analyst assessments

overall:
  aggregate: {method: max}
  examples:
    - given: {atrocity: 0.3}
      value: 0.3
      band: moderate
"#;

/// The skeleton for a framework id.
pub fn skeleton(id: &str) -> String {
    SKELETON.replace("{ID}", id)
}

/// The file to write and the framework id for a NAME argument.
fn target(name: &Path) -> (PathBuf, String) {
    let yaml = name.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let path = if yaml {
        name.to_path_buf()
    } else {
        let mut p = name.as_os_str().to_owned();
        p.push(".yaml");
        PathBuf::from(p)
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = if id.is_empty() {
        "new-framework".to_string()
    } else {
        id
    };
    (path, id)
}

/// Runs `new`.
pub fn run(_ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let (path, id) = target(&a.name);
    write_new_output(&path, &skeleton(&id), a.force)?;
    emit(Console::Out, &format!("wrote {}\n", path.display()))?;
    Ok(EXIT_OK)
}
