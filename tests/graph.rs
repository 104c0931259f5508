//! The framework graph from the command line: `atrisk graph` in its three
//! formats, `atrisk explain` down to the data cells and up to the
//! recommendations, and the link checks (themes, actors, recommendations,
//! `extends`), each with a snapshot of its rendered diagnostic.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::cargo_bin("atrisk")
        .expect("the atrisk binary is built")
        .current_dir(root())
        .env_remove("ATRISK_COLOR")
        .env_remove("NO_COLOR")
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("atrisk runs")
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "atrisk {args:?} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("valid JSON")
}

// ------------------------------------------------------------------ graph

#[test]
fn graph_json_links_columns_to_actors() {
    let g = json(&["graph", "--format", "json"]);
    let nodes = g["nodes"].as_array().unwrap();
    let kinds: BTreeSet<&str> = nodes.iter().map(|n| n["kind"].as_str().unwrap()).collect();
    for k in [
        "column",
        "measure",
        "indicator",
        "risk_factor",
        "crime",
        "overall",
        "theme",
        "recommendation",
        "actor",
    ] {
        assert!(kinds.contains(k), "no {k} node");
    }
    let ids: BTreeSet<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), nodes.len(), "node ids are unique");
    let edges = g["edges"].as_array().unwrap();
    for e in edges {
        assert!(ids.contains(e["from"].as_str().unwrap()), "{e}");
        assert!(ids.contains(e["to"].as_str().unwrap()), "{e}");
    }
    let has = |kind: &str, from: &str, to: &str| {
        edges
            .iter()
            .any(|e| e["kind"] == kind && e["from"] == from && e["to"] == to)
    };
    assert!(has(
        "measures",
        "column:v2caviol",
        "rf1.armed_opposition/v2caviol"
    ));
    assert!(has("contributes_to", "rf1", "genocide"));
    assert!(has("contributes_to", "rf5.armed_groups", "nsag"));
    assert!(has(
        "addressed_to",
        "recommendation:i",
        "actor:security_council"
    ));
    let calls = edges
        .iter()
        .find(|e| e["kind"] == "calls_for" && e["from"] == "arms_flows")
        .expect("arms flows call for a recommendation");
    assert_eq!(calls["to"], "recommendation:d");
    assert_eq!(calls["condition"], "band at least high");
    // every recommendation (a) to (i) is reachable from some risk
    for r in ["a", "b", "c", "d", "e", "f", "g", "h", "i"] {
        let id = format!("recommendation:{r}");
        assert!(
            edges
                .iter()
                .any(|e| e["kind"] == "calls_for" && e["to"] == id),
            "{id} is called for by nothing"
        );
    }
}

#[test]
fn graph_dot_and_mermaid_are_well_formed() {
    let dot = ok(&["graph"]);
    assert!(dot.starts_with("digraph atrisk {"));
    assert!(dot.trim_end().ends_with('}'));
    assert!(dot.contains("\"rf1\" -> \"genocide\""));
    assert!(dot.contains("\"recommendation:i\" -> \"actor:security_council\""));
    let mermaid = ok(&["graph", "--format", "mermaid"]);
    assert!(mermaid.starts_with("flowchart LR\n"));
    assert!(mermaid.contains("-. \"band at least high\" .->"));
    assert!(!mermaid.contains("\"\""), "no empty labels");
}

#[test]
fn graph_dot_renders_with_graphviz_when_installed() {
    let Ok(dot_bin) = which("dot") else {
        eprintln!("graphviz `dot` not found; skipping the render check");
        return;
    };
    let dot = ok(&["graph", "--framework", "frameworks/madrid-2015.yaml"]);
    let out = Command::new(dot_bin)
        .arg("-Tsvg")
        .write_stdin(dot)
        .output()
        .expect("dot runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains("<svg"), "an SVG comes out");
}

fn which(bin: &str) -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
        .ok_or(())
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_sudan_goes_from_cells_to_recommendations() {
    let text = ok(&["explain", "--country", "SDN", "--year", "2024"]);
    assert!(text.starts_with("Sudan (SDN), 2024: "), "{}", &text[..200]);
    // the tree reaches input cells with file and line
    assert!(text.contains("examples/data/panel.csv:"));
    assert!(text.contains("examples/data/vdem.csv:"));
    // carried-forward values and qualitative gaps are said
    assert!(text.contains("carried forward from"));
    assert!(text.contains("qualitative: needs an analyst assessment"));
    // then the recommendations, each with a path ending at it
    assert!(text.contains("Recommendations triggered: "));
    assert!(text.contains("-> (e)"));
}

#[test]
fn explain_json_matches_score_json() {
    let e = json(&[
        "explain",
        "--country",
        "Sudan",
        "--year",
        "2022",
        "--format",
        "json",
    ]);
    let s = json(&["score", "--year", "2022", "--format", "json"]);
    let sdn = s["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["iso3"] == "SDN")
        .unwrap();
    let by_id: std::collections::HashMap<&str, &Value> = sdn["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let mut checked = 0;
    let mut stack = vec![&e["overall"]];
    stack.extend(e["themes"].as_array().unwrap());
    while let Some(n) = stack.pop() {
        let id = n["id"].as_str().unwrap();
        assert_eq!(n["value"], by_id[id]["value"], "value of {id}");
        assert_eq!(n["coverage"], by_id[id]["coverage"], "coverage of {id}");
        checked += 1;
        if let Some(c) = n["children"].as_array() {
            stack.extend(c);
        }
    }
    assert!(checked > 100, "only {checked} nodes");
    assert_eq!(e["overall"]["value"], sdn["score"]);
    assert_eq!(e["recommendations"], sdn["recommendations"]);
}

#[test]
fn explain_unknown_country_suggests_one() {
    let o = run(&["explain", "--country", "Sudn"]);
    assert_eq!(o.status.code(), Some(64));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no country `Sudn`"), "{err}");
    assert!(
        err.contains("closest names in the data: Sudan (SDN)"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn explain_year_outside_the_data_is_a_usage_error() {
    let o = run(&["explain", "--country", "SDN", "--year", "1900"]);
    assert_eq!(o.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&o.stderr).contains("year 1900 is outside the data"));
}

#[test]
fn foa_alone_has_no_recommendations() {
    let text = ok(&["explain", "--country", "SDN", "--framework", "un-foa-2014"]);
    assert!(text.contains("This framework defines no recommendations."));
}

// ------------------------------------------------------------ link checks

/// Every file under tests/fixtures/links is rejected (exit 2) with a
/// located diagnostic; the rendered text is pinned by a snapshot.
#[test]
fn link_fixtures_are_rejected_with_located_diagnostics() {
    let dir = root().join("tests/fixtures/links");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 14);
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let rel = format!("tests/fixtures/links/{name}.yaml");
        let o = run(&[
            "validate",
            &rel,
            "--data",
            "tests/fixtures/data/minimal.csv",
        ]);
        assert_eq!(o.status.code(), Some(2), "{rel} exits 2");
        let err = String::from_utf8_lossy(&o.stderr).replace('\\', "/");
        assert!(err.contains(" --> "), "{rel}: no location:\n{err}");
        assert!(err.contains("= help: "), "{rel}: no hint:\n{err}");
        insta::assert_snapshot!(format!("link_{name}"), err);
    }
}

#[test]
fn an_extending_framework_keeps_the_base_scores() {
    let foa = json(&[
        "score",
        "--framework",
        "un-foa-2014",
        "--format",
        "json",
        "--year",
        "2020",
    ]);
    let madrid = json(&["score", "--format", "json", "--year", "2020"]);
    let overall = |d: &Value| -> Vec<(String, Value)> {
        d["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["iso3"].as_str().unwrap().to_string(), r["score"].clone()))
            .collect()
    };
    assert_eq!(overall(&foa), overall(&madrid));
    assert_eq!(madrid["framework"]["id"], "madrid-2015");
}

#[test]
fn graph_focus_keeps_what_leads_to_and_follows_from_a_node() {
    let g = json(&["graph", "--focus", "arms_flows", "--format", "json"]);
    let ids: BTreeSet<&str> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for want in [
        "arms_flows",
        "rf5.external_arms",
        "column:arms_imports_tiv",
        "recommendation:d",
        "actor:states",
    ] {
        assert!(ids.contains(want), "{want} missing from {ids:?}");
    }
    // nothing unrelated: no crime, no other theme
    assert!(!ids.contains("genocide"));
    assert!(!ids.contains("gbv"));
    let o = run(&["graph", "--focus", "armsflows"]);
    assert_eq!(o.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `arms_flows`?"));
}
