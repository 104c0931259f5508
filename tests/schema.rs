//! The committed JSON Schema matches the one the code generates, and the
//! shipped frameworks validate and score on the shipped panel.

use std::process::Command;

fn atrisk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_atrisk"))
}

#[test]
fn committed_schema_is_current() {
    let out = atrisk().args(["schema"]).output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/framework.schema.json"
    ))
    .unwrap();
    assert!(
        String::from_utf8(out.stdout).unwrap() == committed,
        "docs/framework.schema.json is stale: run `cargo run -- schema -o docs/framework.schema.json`"
    );
}

#[test]
fn shipped_frameworks_validate_without_warnings() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/frameworks");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            n += 1;
            let out = atrisk()
                .args(["--color", "never", "validate", "--deny-warnings"])
                .arg(&path)
                .args([
                    "--data",
                    "examples/data/panel.csv",
                    "--data",
                    "examples/data/vdem.csv",
                ])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    assert!(n >= 1);
}

#[test]
fn shipped_framework_covers_fourteen_risk_factors() {
    let text = include_str!("../frameworks/un-foa-2014.yaml");
    let fw = atrisk::framework::load::parse("un-foa-2014.yaml", text).unwrap();
    assert_eq!(fw.risk_factors.len(), 14);
    assert_eq!(fw.crimes.len(), 3);
    // the eight common risk factors each have at least one measured indicator
    for rf in 1..=8 {
        let id = format!("rf{rf}");
        let measured = fw
            .indicators
            .iter()
            .filter(|i| {
                i.risk_factor.as_ref().is_some_and(|r| r.value == id) && !i.measures.is_empty()
            })
            .count();
        assert!(measured >= 1, "{id} has no measured indicator");
    }
}

#[test]
fn seed_document_links_to_existing_framework_ids() {
    let seed: serde_json::Value =
        serde_saphyr::from_str(include_str!("../seeds/s-2015-815.yaml")).expect("seed parses");
    let fw = atrisk::framework::load::parse(
        "un-foa-2014.yaml",
        include_str!("../frameworks/un-foa-2014.yaml"),
    )
    .unwrap();
    let rfs: Vec<&str> = fw
        .risk_factors
        .iter()
        .map(|r| r.id.value.as_str())
        .collect();
    let inds: Vec<&str> = fw.indicators.iter().map(|i| i.id.value.as_str()).collect();
    let themes = seed["themes"].as_array().unwrap();
    assert_eq!(themes.len(), 4);
    let recs = seed["recommendations"].as_array().unwrap();
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e", "f", "g", "h", "i"]);
    let actors = [
        "states",
        "un",
        "hrc",
        "regional_organisations",
        "security_council",
        "focal_points",
        "civil_society",
    ];
    for item in themes.iter().chain(recs) {
        for rf in item["risk_factors"].as_array().into_iter().flatten() {
            assert!(
                rfs.contains(&rf.as_str().unwrap()),
                "unknown risk factor {rf}"
            );
        }
        for ind in item["indicators"].as_array().into_iter().flatten() {
            assert!(
                inds.contains(&ind.as_str().unwrap()),
                "unknown indicator {ind}"
            );
        }
    }
    for r in recs {
        let to = r["addressed_to"].as_array().unwrap();
        assert!(!to.is_empty());
        for a in to {
            assert!(actors.contains(&a.as_str().unwrap()), "unknown actor {a}");
        }
    }
}

/// A sanity check, not a tuning target (docs/methodology.md): in the latest
/// year, most of a list of countries with well-documented atrocity situations
/// rank in the overall top 20.
#[test]
fn face_validity_of_the_shipped_framework() {
    let out = atrisk()
        .args(["score", "--format", "csv", "--top", "20"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let top20: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| {
            l.split(',')
                .nth(1)
                .and_then(|r| r.parse::<u32>().ok())
                .is_some_and(|r| r <= 20)
        })
        .filter_map(|l| l.split(',').nth(2))
        .collect();
    assert_eq!(top20.len(), 20);
    let watched = [
        "MMR", "SDN", "SSD", "SYR", "AFG", "ETH", "COD", "YEM", "SOM", "NGA", "MLI", "BFA",
    ];
    let hits = watched.iter().filter(|c| top20.contains(c)).count();
    assert!(hits >= 6, "only {hits} of the 12 in the top 20: {top20:?}");
}
