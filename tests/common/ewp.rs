//! Shared by the tests that read the Early Warning Project's data where present.

use std::path::{Path, PathBuf};

use super::root;

/// EWP's folder: `ATRISK_EWP_DIR`, else `../shared/data/ewp-sra` beside the
/// repository. `None` (with a message) when absent.
pub fn ewp_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ATRISK_EWP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/data/ewp-sra"));
    if dir.join("prepared2024predictors-2025-09-03.csv").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: EWP's data are not in {} (set ATRISK_EWP_DIR to run this check)",
            dir.display()
        );
        None
    }
}

/// EWP's published 2025-26 forecast: name -> (probability, rank).
fn published(dir: &Path) -> Vec<(String, f64, usize)> {
    let text = std::fs::read_to_string(dir.join("forecasts3Sep2025.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[1].trim_matches('"').to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

/// Scores a framework file on EWP's panel for 2024 and compares with the
/// published forecast; returns the largest difference. With `ranks`, the
/// ranks must be identical too.
pub fn compare_2024(dir: &Path, framework: &Path, ranks: bool) -> f64 {
    let panel = dir.join("prepared2024predictors-2025-09-03.csv");
    let bytes = std::fs::read(&panel).unwrap();
    let text = std::fs::read_to_string(framework).unwrap();
    let inputs = [atrisk::data::Input {
        name: panel.display().to_string(),
        prefix: None,
        bytes: &bytes,
    }];
    let name = framework.display().to_string();
    let (plan, panel, scores) = atrisk::assess(&name, &text, &inputs).expect("scores");
    let y = panel.year_idx(2024).unwrap();
    let pubd = published(dir);
    assert_eq!(pubd.len(), 168);
    let mut ours: Vec<(String, f64)> = pubd
        .iter()
        .map(|(n, _, _)| {
            let c = panel
                .find_country(n)
                .unwrap_or_else(|| panic!("{n} not in the panel"));
            (n.clone(), scores.value(plan.overall(), panel.cell(c, y)))
        })
        .collect();
    let mut worst: f64 = 0.0;
    for ((_, p, _), (_, q)) in pubd.iter().zip(&ours) {
        worst = worst.max((p - q).abs());
    }
    ours.sort_by(|a, b| b.1.total_cmp(&a.1));
    if !ranks {
        return worst;
    }
    for (i, (n, _)) in ours.iter().enumerate() {
        let want = pubd.iter().find(|(m, _, _)| m == n).unwrap().2;
        assert_eq!(i + 1, want, "rank of {n}");
    }
    worst
}
