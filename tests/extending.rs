//! docs/extending.md is tested: its YAML is the shipped example file, its CSV
//! excerpt is the shipped data file's head, and every `atrisk` command it
//! shows runs and exits 0.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn doc() -> String {
    std::fs::read_to_string(root().join("docs/extending.md")).expect("docs/extending.md")
}

/// The fenced blocks of a language in the page, in order.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let open = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&open) {
        let body = &rest[i + open.len()..];
        let end = body.find("```").expect("closed block");
        out.push(body[..end].to_string());
        rest = &body[end..];
    }
    out
}

#[test]
fn the_yaml_shown_is_the_shipped_file() {
    let yaml = blocks(&doc(), "yaml");
    let file = std::fs::read_to_string(root().join("examples/extending/militarisation.yaml"))
        .expect("example file");
    assert_eq!(yaml.first(), Some(&file));
}

#[test]
fn the_csv_shown_is_the_head_of_the_shipped_file() {
    let csv = blocks(&doc(), "csv");
    let file = std::fs::read_to_string(root().join("examples/extending/milex.csv")).expect("csv");
    let shown = csv.first().expect("a csv block");
    assert!(file.starts_with(shown.as_str()), "{shown}");
}

#[test]
fn every_command_shown_runs() {
    let cmds: Vec<String> = blocks(&doc(), "sh")
        .iter()
        .flat_map(|b| b.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| l.starts_with("atrisk "))
        .collect();
    assert!(cmds.len() >= 4, "{cmds:?}");
    for c in &cmds {
        let args: Vec<&str> = c.split_whitespace().skip(1).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_atrisk"))
            .current_dir(root())
            .args(["--color", "never"])
            .args(&args)
            .output()
            .expect("atrisk runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "`{c}` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        match args[0] {
            "score" => {
                let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
                let ven = v["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["iso3"] == "VEN")
                    .expect("Venezuela is scored");
                let node = |id: &str| {
                    ven["nodes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|n| n["id"] == id)
                        .unwrap_or_else(|| panic!("no node {id}"))
                        .clone()
                };
                assert!(node("militarisation")["value"].is_number());
                let inputs = node("milex.surge")["inputs"].clone();
                assert!(
                    inputs
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|i| i["file"] == "examples/extending/milex.csv"),
                    "{inputs}"
                );
            }
            "explain" => {
                assert!(stdout.contains("militarisation Militarisation"), "{stdout}");
                assert!(stdout.contains("examples/extending/milex.csv:"));
            }
            "test" => assert!(stdout.contains(" passed, 0 failed"), "{stdout}"),
            _ => {}
        }
    }
}

#[test]
fn extending_leaves_the_base_scores_alone() {
    let score = |fw: &str, extra: bool| {
        let mut args = vec![
            "score",
            "--framework",
            fw,
            "--data",
            "examples/data/panel.csv",
            "--data",
            "examples/data/vdem.csv",
            "--format",
            "csv",
            "--year",
            "2020",
        ];
        if extra {
            args.extend(["--data", "examples/extending/milex.csv"]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_atrisk"))
            .current_dir(root())
            .args(&args)
            .output()
            .expect("atrisk runs");
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let overall = |csv: String| -> Vec<String> {
        csv.lines()
            .map(|l| l.split(',').take(6).collect::<Vec<_>>().join(","))
            .collect()
    };
    assert_eq!(
        overall(score("madrid-2015", false)),
        overall(score("examples/extending/militarisation.yaml", true))
    );
}
