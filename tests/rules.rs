//! Rule authoring: worked examples (`atrisk test`, and every shipped
//! framework's examples), the skeleton of `atrisk new`, the warnings and
//! `--stats` of `atrisk validate`, the JSON Schema against real and broken
//! frameworks, shell completions and the manual page.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn atrisk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atrisk"))
        .current_dir(root())
        .env_remove("ATRISK_COLOR")
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("atrisk runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).replace("\r\n", "\n")
}

fn code(o: &Output, expected: i32) {
    assert_eq!(
        o.status.code(),
        Some(expected),
        "stdout:\n{}\nstderr:\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------- examples

#[test]
fn every_shipped_framework_passes_its_examples() {
    let files = yaml_files(&root().join("frameworks"));
    assert!(!files.is_empty());
    for path in files {
        let name = path.display().to_string();
        let src = std::fs::read_to_string(&path).expect("readable");
        let fw = atrisk::framework::load::parse(&name, &src).expect("parses");
        let found = atrisk::check::examples::run(&fw, &name).expect("examples run");
        let failed: Vec<String> = found
            .iter()
            .filter(|o| !o.passed)
            .map(|o| o.to_diagnostic().to_string())
            .collect();
        assert!(failed.is_empty(), "{name}:\n{}", failed.join("\n"));
        let o = atrisk(&["test", &name]);
        code(&o, 0);
    }
}

#[test]
fn test_passes_on_good_examples_and_reports_counts() {
    let o = atrisk(&["test", "tests/fixtures/examples.yaml"]);
    code(&o, 0);
    assert_eq!(
        text(&o.stdout),
        "tests/fixtures/examples.yaml: 6 example(s), 6 passed, 0 failed\n"
    );
}

#[test]
fn test_failure_exits_1_with_expected_got_and_location() {
    let o = atrisk(&["test", "tests/fixtures/examples_fail.yaml"]);
    code(&o, 1);
    let err = text(&o.stderr);
    assert!(
        err.contains("error[T001]: example of `rf1.x` failed: expected score 0.9"),
        "{err}"
    );
    assert!(err.contains("got score 1 and band `very high`"), "{err}");
    assert!(
        err.contains("tests/fixtures/examples_fail.yaml:39:9"),
        "{err}"
    );
    assert!(err.contains("= help: "), "{err}");
    assert!(text(&o.stdout).contains("5 passed, 1 failed"));
}

#[test]
fn test_json_lists_every_example_with_expected_and_got() {
    let o = atrisk(&[
        "test",
        "tests/fixtures/examples_fail.yaml",
        "--format",
        "json",
    ]);
    code(&o, 1);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["passed"], 5);
    assert_eq!(v["failed"], 1);
    let bad: Vec<&Value> = v["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .filter(|e| e["passed"] == false)
        .collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0]["node"], "rf1.x");
    assert_eq!(bad[0]["line"], 39);
    assert_eq!(bad[0]["expected_value"], 0.9);
    assert_eq!(bad[0]["value"], 1.0);
    assert_eq!(v["diagnostics"][0]["code"], "T001");
}

#[test]
fn test_of_an_invalid_framework_exits_2() {
    let o = atrisk(&["test", "tests/fixtures/bad/example_unknown_input.yaml"]);
    code(&o, 2);
    assert!(text(&o.stderr).contains("F021"));
}

// ---------------------------------------------------------------- new

#[test]
fn new_writes_a_skeleton_that_validates_and_passes_its_examples_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("my-rules.yaml");
    let p = path.to_str().expect("UTF-8 path");
    code(&atrisk(&["new", p]), 0);
    let written = std::fs::read_to_string(&path).expect("written");
    assert!(written.starts_with("# yaml-language-server: $schema="));
    assert!(written.contains("id: my-rules\n"));
    code(&atrisk(&["validate", "--deny-warnings", p]), 0);
    let o = atrisk(&["test", p]);
    code(&o, 0);
    assert!(text(&o.stdout).contains("7 example(s), 7 passed, 0 failed"));
    // A second run refuses and leaves the file as it was.
    std::fs::write(&path, "changed").expect("write");
    let o = atrisk(&["new", p]);
    code(&o, 64);
    assert!(text(&o.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), "changed");
    // A bare name gets `.yaml`.
    let bare = dir.path().join("other");
    code(&atrisk(&["new", bare.to_str().expect("UTF-8")]), 0);
    assert!(dir.path().join("other.yaml").exists());
}

// ---------------------------------------------------------------- validate warnings and stats

fn codes(o: &Output) -> Vec<String> {
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect()
}

#[test]
fn validate_warns_on_weights_bands_goalposts_and_unread_data_files() {
    let o = atrisk(&[
        "validate",
        "tests/fixtures/warnings.yaml",
        "--data",
        "tests/fixtures/data/minimal.csv",
        "--data",
        "tests/fixtures/data/unread.csv",
        "--format",
        "json",
    ]);
    code(&o, 0);
    assert_eq!(codes(&o), ["F104", "F103", "F105", "F106"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    for d in v["diagnostics"].as_array().expect("diagnostics") {
        assert_eq!(d["severity"], "warning");
        assert!(d["hint"].is_string(), "{d}");
        assert!(d["labels"][0]["line"].as_u64().is_some(), "{d}");
    }
    let o = atrisk(&[
        "validate",
        "tests/fixtures/warnings.yaml",
        "--data",
        "tests/fixtures/data/minimal.csv",
        "--deny-warnings",
    ]);
    code(&o, 1);
}

#[test]
fn validate_without_data_checks_goalposts_against_the_shipped_panel_only_when_it_fits() {
    // The synthetic columns are not in the shipped panel: no data findings.
    let o = atrisk(&[
        "validate",
        "tests/fixtures/warnings.yaml",
        "--format",
        "json",
    ]);
    code(&o, 0);
    assert_eq!(codes(&o), ["F104", "F103"]);
}

#[test]
fn validate_weights_that_nearly_sum_to_one_warn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = std::fs::read_to_string(root().join("tests/fixtures/minimal.yaml"))
        .expect("minimal")
        .replace(
            "  - id: crime_b\n",
            "    weight: 0.5\n  - id: crime_b\n    weight: 0.49\n",
        )
        .replace("{method: max}", "{method: mean}");
    let path = dir.path().join("sum.yaml");
    std::fs::write(&path, src).expect("write");
    let o = atrisk(&[
        "validate",
        path.to_str().expect("UTF-8"),
        "--format",
        "json",
    ]);
    code(&o, 0);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "F103");
    assert!(
        d["message"]
            .as_str()
            .expect("message")
            .contains("sum to 0.99, not 1"),
        "{d}"
    );
}

#[test]
fn validate_summarises_partly_read_data_files_without_a_warning() {
    let o = atrisk(&[
        "validate",
        "tests/fixtures/minimal.yaml",
        "--data",
        "tests/fixtures/data/minimal.csv",
        "--deny-warnings",
    ]);
    code(&o, 0);
    let o = atrisk(&[
        "validate",
        "tests/fixtures/examples.yaml",
        "--data",
        "tests/fixtures/data/minimal.csv",
    ]);
    assert!(
        text(&o.stdout)
            .contains("tests/fixtures/data/minimal.csv: 1 of 2 columns read by no measure: y"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn validate_stats_counts_indicators_per_risk_factor() {
    let o = atrisk(&["validate", "--stats", "tests/fixtures/warn_no_measure.yaml"]);
    code(&o, 0);
    let out = text(&o.stdout);
    assert!(
        out.contains("risk factor  indicators  measured  qualitative"),
        "{out}"
    );
    assert!(out.contains("total"), "{out}");
    let o = atrisk(&["validate", "--stats", "--format", "json"]);
    code(&o, 0);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let rfs = v["stats"][0]["risk_factors"].as_array().expect("stats");
    // the Framework's 14 and the forecast of un-foa-2014-forecast
    assert_eq!(rfs.len(), 15);
    for r in rfs {
        let n = r["indicators"].as_u64().expect("count");
        assert!(
            r["measured"].as_u64().expect("measured") + r["qualitative"].as_u64().expect("q") <= n
        );
    }
}

// ---------------------------------------------------------------- JSON Schema

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/framework.schema.json")).expect("schema");
    let v: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&v).expect("schema compiles")
}

/// YAML as an editor reads it (YAML 1.2 booleans only: `y` is a string).
fn yaml(text: &str) -> Value {
    let opts = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(text, opts).expect("YAML")
}

#[test]
fn schema_accepts_every_shipped_framework_and_the_test_frameworks() {
    let s = schema();
    let mut files = yaml_files(&root().join("frameworks"));
    files.extend(
        [
            "minimal.yaml",
            "examples.yaml",
            "warnings.yaml",
            "uncertainty_base.yaml",
            "uncertainty_child.yaml",
        ]
        .iter()
        .map(|f| root().join("tests/fixtures").join(f)),
    );
    for f in files {
        let v = yaml(&std::fs::read_to_string(&f).expect("readable"));
        let errors: Vec<String> = s.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
}

#[test]
fn schema_rejects_unknown_keys_wrong_types_missing_keys_and_bad_values() {
    let s = schema();
    for bad in [
        "unknown_key.yaml",
        "unknown_measure_key.yaml",
        "example_unknown_key.yaml",
        "weight_not_a_number.yaml",
        "missing_required_key.yaml",
        "unknown_kind.yaml",
        "unknown_method.yaml",
        "band_above_one.yaml",
        "uncertainty_bad_weight.yaml",
    ] {
        let v = yaml(
            &std::fs::read_to_string(root().join("tests/fixtures/bad").join(bad))
                .expect("readable"),
        );
        assert!(!s.is_valid(&v), "{bad} should not match the schema");
    }
}

// ---------------------------------------------------------------- completions and man

#[test]
fn completions_name_every_subcommand_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = atrisk(&["completions", shell]);
        code(&o, 0);
        let out = text(&o.stdout);
        for sub in [
            "score",
            "validate",
            "test",
            "new",
            "schema",
            "completions",
            "man",
        ] {
            assert!(out.contains(sub), "{shell}: no `{sub}`");
        }
    }
    let o = atrisk(&["completions", "tcsh"]);
    code(&o, 64);
}

#[test]
fn man_prints_a_roff_page_and_writes_it_with_o() {
    let o = atrisk(&["man"]);
    code(&o, 0);
    let page = text(&o.stdout);
    assert!(page.starts_with(".ie"), "{}", &page[..page.len().min(200)]);
    assert!(
        page.contains(".TH atrisk"),
        "{}",
        &page[..page.len().min(400)]
    );
    assert!(page.contains("validate"));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("atrisk.1");
    let o = atrisk(&["man", "-o", path.to_str().expect("UTF-8")]);
    code(&o, 0);
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&path).expect("written"), page);
}
