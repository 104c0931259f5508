//! Integration tests of the `atrisk` command line: happy paths, every kind of
//! bad input (framework, data, usage) with its exit code, diagnostic code and
//! location. Snapshots of every rendered framework error are in tests/invalid.rs.
//!
//! Every command runs from the crate root with relative fixture paths, so the
//! paths in messages (and in the snapshots) are stable. The fixtures under
//! tests/fixtures/ are synthetic; large or pathological inputs (size cap,
//! deep nesting, CRLF line endings) are generated in a temporary folder.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// A valid synthetic framework: two crimes, risk factors rf1 and rf9, columns x and y.
const MINIMAL: &str = "tests/fixtures/minimal.yaml";
/// Synthetic data for [`MINIMAL`]: 3 countries, 2019-2021.
const MINIMAL_CSV: &str = "tests/fixtures/data/minimal.csv";
/// Bands of the shipped framework.
const BANDS: [&str; 4] = ["low", "moderate", "high", "very high"];
/// Budget for pathological inputs that must fail fast.
const QUICK: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------- helpers

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `atrisk --color never`, run from the crate root.
fn atrisk() -> Command {
    let mut c = Command::cargo_bin("atrisk").expect("the atrisk binary is built");
    c.current_dir(root())
        .env_remove("ATRISK_COLOR")
        .env_remove("NO_COLOR")
        .args(["--color", "never"]);
    c
}

fn run(args: &[&str]) -> Output {
    atrisk().args(args).output().expect("atrisk runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).replace("\r\n", "\n")
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("not valid JSON: {e}\n{}", &text[..text.len().min(2000)]))
}

/// Asserts the exit code, showing stderr when it differs.
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "unexpected exit code; stderr:\n{}",
        stderr(o)
    );
}

fn assert_has(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected `{needle}` in:\n{haystack}"
    );
}

/// Asserts that `text` matches a regular expression.
fn assert_match(text: &str, re: &str) {
    assert!(
        predicate::str::is_match(re)
            .expect("valid regex")
            .eval(text),
        "expected /{re}/ in:\n{text}"
    );
}

/// Asserts that `-o` created nothing: no output file and no temporary file.
fn assert_nothing_written(dir: &Path) {
    let left: Vec<PathBuf> = fs::read_dir(dir)
        .expect("temp dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(left.is_empty(), "output files were left behind: {left:?}");
}

/// Runs `atrisk ARGS... -o TMP/out.txt` and returns the output; `-o` must not create anything.
fn run_with_output_file(args: &[&str], code: i32) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.txt");
    let o = atrisk()
        .args(args)
        .arg("-o")
        .arg(&out)
        .timeout(QUICK)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, code);
    assert!(
        o.stdout.is_empty(),
        "nothing on stdout expected, got:\n{}",
        stdout(&o)
    );
    assert_nothing_written(dir.path());
    o
}

/// Scores a bad framework against the minimal data with `-o`: exit 2, the
/// code and location on stderr, no output file.
fn framework_error(fixture: &str, code: &str, location: &str) -> String {
    let o = run_with_output_file(&["score", "--framework", fixture, "--data", MINIMAL_CSV], 2);
    let err = stderr(&o);
    assert_has(&err, &format!("error[{code}]"));
    assert_has(&err, location);
    err
}

/// Scores the minimal framework against bad data with `-o`: exit 3, the code
/// and every needle on stderr, no output file.
fn data_error(data: &[&str], code: &str, needles: &[&str]) -> String {
    let mut args = vec!["score", "--framework", MINIMAL];
    for d in data {
        args.extend(["--data", d]);
    }
    let o = run_with_output_file(&args, 3);
    let err = stderr(&o);
    assert_has(&err, &format!("error[{code}]"));
    for n in needles {
        assert_has(&err, n);
    }
    err
}

/// Scores the minimal framework and data with extra flags and `-o`: exit 64.
fn usage_error(extra: &[&str]) -> String {
    let mut args = vec!["score", "--framework", MINIMAL, "--data", MINIMAL_CSV];
    args.extend(extra);
    let o = run_with_output_file(&args, 64);
    let err = stderr(&o);
    assert_has(&err, "error[U001]");
    err
}

/// Distinct values of the first CSV column (the year) of `score --format csv`.
fn csv_years(csv: &str) -> BTreeSet<i32> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or("").parse().expect("a year"))
        .collect()
}

/// Rows of the ranked text table: `rank iso3 ...`.
fn table_rows(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let mut t = l.split_whitespace();
            let rank = t.next().is_some_and(|r| r.parse::<usize>().is_ok());
            let iso = t
                .next()
                .is_some_and(|i| i.len() == 3 && i.chars().all(|c| c.is_ascii_uppercase()));
            rank && iso
        })
        .collect()
}

/// Writes `text` into a temporary folder as `name`.
fn temp_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).expect("write temp file");
    p
}

// ---------------------------------------------------------------- A. happy paths

#[test]
fn score_without_args_prints_ranked_table_with_150_plus_countries_and_bands() {
    let o = run(&["score"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    // the first line says which year is assessed by default, and why
    assert!(
        out.lines()
            .next()
            .unwrap_or("")
            .contains("is assessed by default"),
        "no default-year line:\n{}",
        &out[..out.len().min(300)]
    );
    let header = out.lines().nth(3).unwrap_or("");
    assert!(
        header.contains("rank") && header.contains("band"),
        "table header missing:\n{header}"
    );
    let rows = table_rows(&out);
    assert!(rows.len() >= 150, "only {} country rows", rows.len());
    let with_band = rows
        .iter()
        .filter(|r| BANDS.iter().any(|b| r.contains(&format!("  {b}  "))))
        .count();
    assert!(with_band >= 150, "only {with_band} rows show a band");
    let ranks: Vec<usize> = rows
        .iter()
        .map(|r| {
            r.split_whitespace()
                .next()
                .unwrap_or("")
                .parse()
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(
        ranks,
        (1..=rows.len()).collect::<Vec<_>>(),
        "ranks are not 1..n"
    );
}

#[test]
fn score_json_results_have_nodes_with_value_band_coverage_and_indicator_inputs() {
    let o = run(&["score", "--format", "json"]);
    assert_exit(&o, 0);
    let doc = parse_json(&stdout(&o));
    let files: Vec<&str> = doc["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    // Measured indicators: kind indicator with children (measures).
    let measured: BTreeSet<&str> = doc["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| {
            n["kind"] == "indicator" && n["children"].as_array().is_some_and(|c| !c.is_empty())
        })
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert!(!measured.is_empty(), "no measured indicators in the plan");
    let results = doc["results"].as_array().expect("results");
    assert!(results.len() >= 150, "only {} results", results.len());
    let mut inputs_seen = 0;
    for r in results {
        let nodes = r["nodes"].as_array().expect("result nodes");
        assert!(!nodes.is_empty());
        for n in nodes {
            for key in ["id", "value", "band", "coverage"] {
                assert!(n.get(key).is_some(), "node without `{key}`: {n}");
            }
            let id = n["id"].as_str().expect("node id");
            if !measured.contains(id) {
                continue;
            }
            let inputs = n["inputs"]
                .as_array()
                .unwrap_or_else(|| panic!("indicator {id} has no inputs: {n}"));
            if !n["value"].is_null() {
                assert!(
                    !inputs.is_empty(),
                    "indicator {id} has a value but no inputs: {n}"
                );
            }
            for i in inputs {
                for key in ["file", "line", "column", "year", "raw"] {
                    assert!(i.get(key).is_some(), "input without `{key}`: {i}");
                }
                assert!(
                    files.contains(&i["file"].as_str().unwrap_or("")),
                    "input from an unknown file: {i}"
                );
                assert!(
                    i["line"].as_u64().is_some_and(|l| l >= 2),
                    "input line must point below the header: {i}"
                );
                inputs_seen += 1;
            }
        }
    }
    assert!(
        inputs_seen > 1000,
        "only {inputs_seen} input cells reported"
    );
}

#[test]
fn score_json_inputs_point_at_the_source_row() {
    let o = run(&[
        "score",
        "--framework",
        MINIMAL,
        "--data",
        MINIMAL_CSV,
        "--year",
        "2020",
        "--format",
        "json",
    ]);
    assert_exit(&o, 0);
    let doc = parse_json(&stdout(&o));
    assert_eq!(doc["years"], serde_json::json!([2020]));
    let aaa = doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["iso3"] == "AAA")
        .expect("AAA");
    let node = aaa["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == "rf1.x")
        .expect("rf1.x");
    assert_eq!(node["value"], serde_json::json!(0.2));
    assert_eq!(node["coverage"], serde_json::json!(1.0));
    assert_eq!(
        node["inputs"],
        serde_json::json!([{"measure": "x", "file": MINIMAL_CSV, "line": 3, "column": "x", "year": 2020, "raw": "2"}])
    );
}

#[test]
fn score_csv_starts_with_header() {
    let o = run(&["score", "--format", "csv"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let header = out.lines().next().unwrap_or("");
    assert!(
        header.starts_with(
            "year,rank,iso3,country,score,band,indicators_with_data,indicators_measured,"
        ),
        "unexpected CSV header: {header}"
    );
    for id in [
        "genocide",
        "crimes_against_humanity",
        "war_crimes",
        "rf1",
        "rf14",
    ] {
        assert!(
            header.split(',').any(|h| h == id),
            "no `{id}` column in {header}"
        );
    }
    assert!(out.lines().count() > 150);
}

#[test]
fn score_md_prints_markdown_table() {
    let o = run(&["score", "--format", "md"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.lines().any(|l| l.starts_with("## ")),
        "no Markdown heading:\n{}",
        &out[..out.len().min(300)]
    );
    assert_has(&out, "| Rank | ISO3 | Country | Score | Band |");
    assert_has(&out, "|---:|");
    let rows = out
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Rank"))
        .count();
    assert!(rows >= 150, "only {rows} Markdown rows");
}

#[test]
fn score_years_range_covers_three_years() {
    let o = run(&["score", "--years", "2019..2021", "--format", "csv"]);
    assert_exit(&o, 0);
    assert_eq!(csv_years(&stdout(&o)), BTreeSet::from([2019, 2020, 2021]));
}

#[test]
fn score_years_without_value_covers_all_years() {
    let o = run(&[
        "score",
        "--framework",
        MINIMAL,
        "--data",
        MINIMAL_CSV,
        "--years",
        "--format",
        "csv",
    ]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert_eq!(csv_years(&out), BTreeSet::from([2019, 2020, 2021]));
    assert_eq!(
        out.lines().count(),
        1 + 3 * 3,
        "3 countries x 3 years expected:\n{out}"
    );

    // The shipped panel: every year from the first to the last, contiguous.
    let o = run(&["score", "--years", "--format", "csv"]);
    assert_exit(&o, 0);
    let years = csv_years(&stdout(&o));
    let (first, last) = (
        *years.first().expect("a year"),
        *years.last().expect("a year"),
    );
    assert!(years.len() >= 30, "only {} years", years.len());
    assert_eq!(years, (first..=last).collect::<BTreeSet<_>>());
}

#[test]
fn score_single_year_covers_only_that_year() {
    let o = run(&["score", "--year", "2020", "--format", "csv"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert_eq!(csv_years(&out), BTreeSet::from([2020]));
    assert!(out.lines().count() > 150);
    let o = run(&["score", "--year", "2020"]);
    assert_exit(&o, 0);
    assert_has(&stdout(&o), ", 2020: ");
}

#[test]
fn score_output_flag_writes_file_and_prints_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("scores.csv");
    let args = [
        "score",
        "--framework",
        MINIMAL,
        "--data",
        MINIMAL_CSV,
        "--years",
        "--format",
        "csv",
    ];
    let o = atrisk()
        .args(args)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty(), "stdout should be empty with -o");
    let written = fs::read_to_string(&out).expect("output file written");
    let direct = run(&args);
    assert_eq!(
        written,
        stdout(&direct),
        "the file should hold what stdout would"
    );
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("scores.csv")],
        "temporary files left behind"
    );
}

#[test]
fn score_same_command_twice_is_byte_identical() {
    let a = run(&["score", "--format", "json"]);
    let b = run(&["score", "--format", "json"]);
    assert_exit(&a, 0);
    assert_exit(&b, 0);
    assert!(a.stdout == b.stdout, "two runs of the same command differ");
    let a = run(&[
        "score",
        "--framework",
        MINIMAL,
        "--data",
        MINIMAL_CSV,
        "--years",
    ]);
    let b = run(&[
        "score",
        "--framework",
        MINIMAL,
        "--data",
        MINIMAL_CSV,
        "--years",
    ]);
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn validate_embedded_framework_exits_0() {
    let o = run(&["validate"]);
    assert_exit(&o, 0);
    assert_has(
        &stdout(&o),
        "frameworks/madrid-2015.yaml (with frameworks/un-foa-2014.yaml, frameworks/un-foa-2014-forecast.yaml): 4 crimes, 15 risk factors",
    );
}

#[test]
fn validate_shipped_framework_against_shipped_data_exits_0() {
    let o = run(&[
        "validate",
        "frameworks/un-foa-2014.yaml",
        "--data",
        "examples/data/panel.csv",
        "--data",
        "examples/data/vdem.csv",
    ]);
    assert_exit(&o, 0);
    assert_has(&stdout(&o), "frameworks/un-foa-2014.yaml:");
}

#[test]
fn validate_minimal_synthetic_framework_exits_0() {
    let o = run(&["validate", MINIMAL, "--data", MINIMAL_CSV]);
    assert_exit(&o, 0);
    assert_has(&stdout(&o), "2 crimes, 2 risk factors, 2 indicators");
}

#[test]
fn schema_prints_json_schema() {
    let o = run(&["schema"]);
    assert_exit(&o, 0);
    let doc = parse_json(&stdout(&o));
    assert!(
        doc.get("$schema").and_then(Value::as_str).is_some(),
        "no $schema key"
    );
    assert!(
        doc["properties"].get("risk_factors").is_some(),
        "no risk_factors property"
    );
}

#[test]
fn help_exits_0() {
    let o = run(&["--help"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert_has(&out, "Usage");
    assert_has(&out, "score");
    assert_has(&out, "Exit codes");
    assert_exit(&run(&["score", "--help"]), 0);
}

#[test]
fn unknown_subcommand_exits_64() {
    let o = run(&["frobnicate"]);
    assert_exit(&o, 64);
    assert_has(&stderr(&o), "frobnicate");
}

#[test]
fn unknown_flag_exits_64() {
    let o = run(&["score", "--no-such-flag"]);
    assert_exit(&o, 64);
    assert_has(&stderr(&o), "--no-such-flag");
    assert_exit(&run(&["score", "--format", "xml"]), 64);
    assert_exit(
        &run(&["score", "--year", "2020", "--years", "2019..2021"]),
        64,
    );
}

#[test]
fn data_prefix_resolves_column_clash() {
    let o = run(&[
        "score",
        "--framework",
        "tests/fixtures/prefixed.yaml",
        "--data",
        MINIMAL_CSV,
        "--data",
        "p=tests/fixtures/data/second_x.csv",
        "--year",
        "2019",
        "--format",
        "json",
    ]);
    assert_exit(&o, 0);
    let doc = parse_json(&stdout(&o));
    let ccc = doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["iso3"] == "CCC")
        .expect("CCC");
    let node = ccc["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == "rf1.x")
        .expect("rf1.x");
    assert_eq!(node["value"], serde_json::json!(0.75));
    let input = &node["inputs"][0];
    assert_eq!(input["file"], "tests/fixtures/data/second_x.csv");
    assert_eq!(input["column"], "x");
    assert_eq!(input["line"], 4);
}

// ---------------------------------------------------------------- B. framework errors (exit 2)

#[test]
fn framework_yaml_syntax_error_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/syntax_error.yaml",
        "F001",
        "tests/fixtures/bad/syntax_error.yaml:",
    );
    assert_match(&err, r"tests/fixtures/bad/syntax_error\.yaml:1[45]:\d+");
}

#[test]
fn framework_unknown_key_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/unknown_key.yaml",
        "F002",
        "tests/fixtures/bad/unknown_key.yaml:9:5",
    );
    assert_has(&err, "`colour`");
}

#[test]
fn framework_wrong_type_exits_2_with_location() {
    framework_error(
        "tests/fixtures/bad/wrong_type.yaml",
        "F003",
        "tests/fixtures/bad/wrong_type.yaml:11:13",
    );
}

#[test]
fn framework_unknown_risk_factor_exits_2_with_did_you_mean() {
    let err = framework_error(
        "tests/fixtures/bad/unknown_risk_factor.yaml",
        "F011",
        "tests/fixtures/bad/unknown_risk_factor.yaml:29:18",
    );
    assert_has(&err, "unknown risk factor `rf99`");
    assert_has(&err, "= help: did you mean `rf9`?");
}

#[test]
fn framework_unknown_crime_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/unknown_crime.yaml",
        "F011",
        "tests/fixtures/bad/unknown_crime.yaml:18:14",
    );
    assert_has(&err, "unknown crime `crime_z`");
}

#[test]
fn framework_duplicate_id_exits_2_with_both_locations() {
    let err = framework_error(
        "tests/fixtures/bad/duplicate_id.yaml",
        "F010",
        "tests/fixtures/bad/duplicate_id.yaml:16:9",
    );
    assert_has(&err, "tests/fixtures/bad/duplicate_id.yaml:12:9");
    assert_has(&err, "duplicate id `rf1`");
}

#[test]
fn framework_negative_weight_exits_2_with_location() {
    framework_error(
        "tests/fixtures/bad/negative_weight.yaml",
        "F012",
        "tests/fixtures/bad/negative_weight.yaml:30:13",
    );
}

#[test]
fn framework_all_weights_zero_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/zero_weights.yaml",
        "F013",
        "tests/fixtures/bad/zero_weights.yaml:12:9",
    );
    assert_has(&err, "`rf1`");
}

#[test]
fn framework_alias_bomb_exits_2_quickly() {
    let err = framework_error(
        "tests/fixtures/bad/alias_bomb.yaml",
        "L003",
        "tests/fixtures/bad/alias_bomb.yaml:",
    );
    assert_match(&err, r"tests/fixtures/bad/alias_bomb\.yaml:\d+:\d+");
}

#[test]
fn framework_10000_deep_nesting_exits_2_quickly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    temp_file(dir.path(), "deep.yaml", text.as_bytes());
    let data = root().join(MINIMAL_CSV);
    let o = atrisk()
        .current_dir(dir.path())
        .args(["score", "--framework", "deep.yaml", "--data"])
        .arg(&data)
        .args(["-o", "out.txt"])
        .timeout(QUICK)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert_has(&err, "error[L002]");
    assert_match(&err, r"deep\.yaml:1:\d+");
    assert!(
        !dir.path().join("out.txt").exists(),
        "output written despite the error"
    );
}

#[test]
fn framework_10000_deep_block_mappings_exit_2_quickly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = format!("a: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    temp_file(dir.path(), "deep.yaml", text.as_bytes());
    let o = atrisk()
        .current_dir(dir.path())
        .args(["validate", "deep.yaml"])
        .timeout(QUICK)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert_has(&err, "error[L002]");
    assert_match(&err, r"deep\.yaml:1:\d+");
}

/// A framework one byte over the 4 MiB cap, generated at test time.
fn oversize_framework(dir: &Path) {
    let mut text = String::from("# synthetic oversize framework\n");
    let line = format!("# {}\n", "x".repeat(1021));
    while text.len() <= 4 * 1024 * 1024 {
        text.push_str(&line);
    }
    temp_file(dir, "oversize.yaml", text.as_bytes());
}

#[test]
fn framework_over_size_cap_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    oversize_framework(dir.path());
    let data = root().join(MINIMAL_CSV);
    let o = atrisk()
        .current_dir(dir.path())
        .args(["score", "--framework", "oversize.yaml", "--data"])
        .arg(&data)
        .args(["-o", "out.txt"])
        .timeout(QUICK)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert_has(&err, "error[L001]");
    assert_has(&err, "`oversize.yaml`");
    assert_has(&err, "4194304");
    assert!(
        !dir.path().join("out.txt").exists(),
        "output written despite the error"
    );
}

#[test]
fn framework_over_size_cap_reports_file_line_col() {
    let dir = tempfile::tempdir().expect("temp dir");
    oversize_framework(dir.path());
    let o = atrisk()
        .current_dir(dir.path())
        .args(["validate", "oversize.yaml"])
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 2);
    assert_match(&stderr(&o), r"oversize\.yaml:\d+:\d+");
}

#[test]
fn framework_bands_not_ascending_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/bands_not_ascending.yaml",
        "F014",
        "tests/fixtures/bad/bands_not_ascending.yaml:9:25",
    );
    assert_has(&err, "band `medium`");
}

#[test]
fn framework_share_above_without_threshold_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/share_above_no_threshold.yaml",
        "F015",
        "tests/fixtures/bad/share_above_no_threshold.yaml:36:23",
    );
    assert_has(&err, "threshold");
}

#[test]
fn framework_logistic_without_intercept_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/logistic_no_intercept.yaml",
        "F015",
        "tests/fixtures/bad/logistic_no_intercept.yaml:36:23",
    );
    assert_has(&err, "intercept");
}

#[test]
fn framework_goalposts_min_not_below_max_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/goalposts_min_ge_max.yaml",
        "F016",
        "tests/fixtures/bad/goalposts_min_ge_max.yaml:27:20",
    );
    assert_has(&err, "min < max");
}

#[test]
fn framework_goalposts_error_has_hint() {
    let o = run(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/bad/goalposts_min_ge_max.yaml",
    ]);
    assert_exit(&o, 2);
    let doc = parse_json(&stdout(&o));
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "F016");
    assert!(
        d["hint"].as_str().is_some_and(|h| !h.is_empty()),
        "no hint: {d}"
    );
}

#[test]
fn framework_unsupported_format_2_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/format_2.yaml",
        "F017",
        "tests/fixtures/bad/format_2.yaml:2:9",
    );
    assert_has(&err, "format 2");
}

#[test]
fn framework_empty_file_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/empty.yaml",
        "F001",
        "tests/fixtures/bad/empty.yaml:1:1",
    );
    assert_has(&err, "is empty");
}

#[test]
fn framework_non_utf8_exits_2_with_location() {
    let err = framework_error(
        "tests/fixtures/bad/non_utf8.yaml",
        "F001",
        "tests/fixtures/bad/non_utf8.yaml:3:15",
    );
    assert_has(&err, "not valid UTF-8");
}

#[test]
fn framework_missing_file_exits_2() {
    let o = run_with_output_file(
        &[
            "score",
            "--framework",
            "tests/fixtures/bad/does_not_exist.yaml",
            "--data",
            MINIMAL_CSV,
        ],
        2,
    );
    let err = stderr(&o);
    assert_has(&err, "error[F000]");
    assert_has(&err, "tests/fixtures/bad/does_not_exist.yaml");
}

// ---------------------------------------------------------------- B. data errors (exit 3)

#[test]
fn data_missing_referenced_column_names_framework_location_and_column() {
    let err = data_error(
        &["tests/fixtures/data/missing_column.csv"],
        "D010",
        &["tests/fixtures/minimal.yaml:32:17", "column `y`"],
    );
    assert_has(&err, "tests/fixtures/data/missing_column.csv");
}

#[test]
fn data_non_numeric_cell_names_file_line_and_column() {
    let err = data_error(
        &["tests/fixtures/data/non_numeric.csv"],
        "D004",
        &["tests/fixtures/data/non_numeric.csv:3:22"],
    );
    assert_has(&err, "`lots` in column `x`");
}

#[test]
fn data_duplicate_country_year_names_both_lines() {
    let err = data_error(
        &["tests/fixtures/data/duplicate_country_year.csv"],
        "D005",
        &[
            "tests/fixtures/data/duplicate_country_year.csv:4:1",
            "tests/fixtures/data/duplicate_country_year.csv:2:1",
        ],
    );
    assert_has(&err, "AAA 2019");
}

#[test]
fn data_ragged_row_names_file_and_line() {
    let err = data_error(
        &["tests/fixtures/data/ragged_row.csv"],
        "D006",
        &["tests/fixtures/data/ragged_row.csv:3:1"],
    );
    assert_has(&err, "4 fields");
}

#[test]
fn data_non_utf8_names_file_and_line() {
    data_error(
        &["tests/fixtures/data/non_utf8.csv"],
        "D007",
        &["tests/fixtures/data/non_utf8.csv:3:"],
    );
}

#[test]
fn data_empty_file_exits_3() {
    data_error(
        &["tests/fixtures/data/empty.csv"],
        "D002",
        &["tests/fixtures/data/empty.csv:1:1"],
    );
}

#[test]
fn data_header_without_rows_exits_3() {
    let err = data_error(
        &["tests/fixtures/data/header_only.csv"],
        "D002",
        &["tests/fixtures/data/header_only.csv:1:1"],
    );
    assert_has(&err, "no rows");
}

#[test]
fn data_column_in_two_files_exits_3() {
    let err = data_error(
        &[MINIMAL_CSV, "tests/fixtures/data/second_x.csv"],
        "D008",
        &[
            "tests/fixtures/data/second_x.csv:1:",
            "tests/fixtures/data/minimal.csv:1:",
        ],
    );
    assert_has(&err, "column `x`");
    assert_has(&err, "--data NAME=");
}

#[test]
fn data_missing_iso3_column_exits_3() {
    let err = data_error(
        &["tests/fixtures/data/missing_iso3.csv"],
        "D042",
        &["tests/fixtures/data/missing_iso3.csv:2:1"],
    );
    // Without `iso3`, the file is keyed by its `country` names, which are
    // synthetic here.
    assert_has(&err, "`iso3`");
}

#[test]
fn data_path_that_does_not_exist_exits_3() {
    data_error(
        &["tests/fixtures/data/does_not_exist.csv"],
        "D001",
        &["tests/fixtures/data/does_not_exist.csv"],
    );
}

/// A CRLF data file for the minimal framework with a bad cell (`zz`) on line 4.
fn crlf_non_numeric(dir: &Path) -> PathBuf {
    let text = "iso3,year,x,y\r\nAAA,2019,1,0.9\r\nAAA,2020,2,0.8\r\nAAA,2021,zz,0.7\r\n";
    temp_file(dir, "crlf.csv", text.as_bytes())
}

#[test]
fn data_crlf_error_exits_3() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = crlf_non_numeric(dir.path());
    let o = atrisk()
        .current_dir(dir.path())
        .args(["score", "--framework"])
        .arg(root().join(MINIMAL))
        .arg("--data")
        .arg(&data)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 3);
    assert_has(&stderr(&o), "error[D004]");
}

#[test]
fn data_crlf_error_reports_true_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    crlf_non_numeric(dir.path());
    let o = atrisk()
        .current_dir(dir.path())
        .args(["score", "--framework"])
        .arg(root().join(MINIMAL))
        .args(["--data", "crlf.csv"])
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 3);
    assert_has(&stderr(&o), "crlf.csv:4:");
}

#[test]
fn data_crlf_json_inputs_report_true_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "iso3,year,x,y\r\nAAA,2019,1,0.9\r\nAAA,2020,2,0.8\r\nAAA,2021,3,0.7\r\n";
    temp_file(dir.path(), "crlf.csv", text.as_bytes());
    let o = atrisk()
        .current_dir(dir.path())
        .args(["score", "--framework"])
        .arg(root().join(MINIMAL))
        .args(["--data", "crlf.csv", "--year", "2021", "--format", "json"])
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 0);
    let doc = parse_json(&stdout(&o));
    let node = doc["results"][0]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == "rf1.x")
        .expect("rf1.x");
    assert_eq!(node["inputs"][0]["raw"], "3");
    assert_eq!(
        node["inputs"][0]["line"], 4,
        "AAA 2021 is on line 4: {node}"
    );
}

#[test]
fn data_blank_line_does_not_shift_reported_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    temp_file(
        dir.path(),
        "blank.csv",
        b"iso3,year,x,y\nAAA,2019,1,0.9\n\nAAA,2020,zz,0.8\n",
    );
    let o = atrisk()
        .current_dir(dir.path())
        .args(["score", "--framework"])
        .arg(root().join(MINIMAL))
        .args(["--data", "blank.csv"])
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 3);
    let err = stderr(&o);
    assert_has(&err, "error[D004]");
    assert_has(&err, "blank.csv:4:");
}

// ---------------------------------------------------------------- B. usage errors (exit 64)

#[test]
fn usage_year_outside_data_names_range() {
    let err = usage_error(&["--year", "1990"]);
    assert_has(&err, "1990");
    assert_has(&err, "2019..2021");
}

#[test]
fn usage_years_range_partly_outside_data_names_range() {
    let err = usage_error(&["--years", "2018..2020"]);
    assert_has(&err, "2019..2021");
}

#[test]
fn usage_years_reversed_range_exits_64() {
    let err = usage_error(&["--years", "2020..2010"]);
    assert_has(&err, "2020..2010");
}

#[test]
fn usage_output_onto_input_file_exits_64_and_keeps_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_bytes = fs::read(root().join(MINIMAL_CSV)).expect("fixture");
    let fw_bytes = fs::read(root().join(MINIMAL)).expect("fixture");
    temp_file(dir.path(), "minimal.csv", &data_bytes);
    temp_file(dir.path(), "minimal.yaml", &fw_bytes);
    for target in ["minimal.csv", "./minimal.csv", "minimal.yaml"] {
        let o = atrisk()
            .current_dir(dir.path())
            .args([
                "score",
                "--framework",
                "minimal.yaml",
                "--data",
                "minimal.csv",
                "-o",
                target,
            ])
            .output()
            .expect("atrisk runs");
        assert_exit(&o, 64);
        assert!(o.stdout.is_empty());
        let err = stderr(&o);
        assert_has(&err, "error[U001]");
        assert_has(&err, "refusing to overwrite");
        assert_eq!(
            fs::read(dir.path().join("minimal.csv")).expect("data"),
            data_bytes,
            "-o {target} changed the data"
        );
        assert_eq!(
            fs::read(dir.path().join("minimal.yaml")).expect("fw"),
            fw_bytes,
            "-o {target} changed the framework"
        );
        let n = fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(n, 2, "-o {target} left files behind");
    }
}

#[test]
fn output_into_missing_folder_exits_74() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("no").join("such").join("out.csv");
    let o = atrisk()
        .args(["score", "--framework", MINIMAL, "--data", MINIMAL_CSV, "-o"])
        .arg(&out)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 74);
    assert_has(&stderr(&o), "error[O002]");
    assert_nothing_written(dir.path());
}

#[test]
fn output_onto_folder_exits_64() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = atrisk()
        .args(["score", "--framework", MINIMAL, "--data", MINIMAL_CSV, "-o"])
        .arg(dir.path())
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 64);
    assert_has(&stderr(&o), "is a directory");
    assert_nothing_written(dir.path());
}

// ---------------------------------------------------------------- B. validate

#[test]
fn validate_reports_every_bad_file() {
    let files = [
        (
            "tests/fixtures/bad/unknown_key.yaml",
            "F002",
            "tests/fixtures/bad/unknown_key.yaml:9:5",
        ),
        (
            "tests/fixtures/bad/negative_weight.yaml",
            "F012",
            "tests/fixtures/bad/negative_weight.yaml:30:13",
        ),
        (
            "tests/fixtures/bad/format_2.yaml",
            "F017",
            "tests/fixtures/bad/format_2.yaml:2:9",
        ),
        (
            "tests/fixtures/bad/empty.yaml",
            "F001",
            "tests/fixtures/bad/empty.yaml:1:1",
        ),
        (
            "tests/fixtures/bad/unknown_risk_factor.yaml",
            "F011",
            "tests/fixtures/bad/unknown_risk_factor.yaml:29:18",
        ),
    ];
    let mut args = vec!["validate"];
    args.extend(files.iter().map(|f| f.0));
    let o = run(&args);
    assert_exit(&o, 2);
    let err = stderr(&o);
    for (_, code, loc) in files {
        assert_has(&err, &format!("error[{code}]"));
        assert_has(&err, loc);
    }
}

#[test]
fn validate_json_lists_diagnostics_with_code_severity_message_labels_hint() {
    let o = run(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/bad/unknown_risk_factor.yaml",
        "tests/fixtures/bad/unknown_key.yaml",
        "tests/fixtures/bad/negative_weight.yaml",
        "tests/fixtures/bad/empty.yaml",
    ]);
    assert_exit(&o, 2);
    let doc = parse_json(&stdout(&o));
    let diags = doc["diagnostics"].as_array().expect("diagnostics array");
    let codes: BTreeSet<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    for c in ["F011", "F002", "F012", "F001"] {
        assert!(codes.contains(c), "no {c} in {codes:?}");
    }
    for d in diags {
        assert!(
            d["code"].as_str().is_some_and(|c| c.len() == 4),
            "code: {d}"
        );
        assert!(
            matches!(d["severity"].as_str(), Some("error" | "warning")),
            "severity: {d}"
        );
        assert!(
            d["message"].as_str().is_some_and(|m| !m.is_empty()),
            "message: {d}"
        );
        assert!(
            d["hint"].as_str().is_some_and(|h| !h.is_empty()),
            "hint: {d}"
        );
        let labels = d["labels"].as_array().expect("labels");
        assert!(!labels.is_empty(), "no labels: {d}");
        for l in labels {
            assert!(
                l["file"]
                    .as_str()
                    .is_some_and(|f| f.starts_with("tests/fixtures/bad/")),
                "file: {l}"
            );
            assert!(l["line"].as_u64().is_some_and(|n| n >= 1), "line: {l}");
            assert!(l["column"].as_u64().is_some_and(|n| n >= 1), "column: {l}");
        }
    }
    let rf99 = diags.iter().find(|d| d["code"] == "F011").expect("F011");
    assert_eq!(rf99["hint"], "did you mean `rf9`?");
    assert_eq!(rf99["labels"][0]["line"], 29);
    assert_eq!(rf99["labels"][0]["column"], 18);
    let errors = diags.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(doc["errors"].as_u64(), Some(errors as u64));
}

#[test]
fn validate_with_data_missing_column_exits_3() {
    let o = run(&[
        "validate",
        MINIMAL,
        "--data",
        "tests/fixtures/data/missing_column.csv",
    ]);
    assert_exit(&o, 3);
    let err = stderr(&o);
    assert_has(&err, "error[D010]");
    assert_has(&err, "tests/fixtures/minimal.yaml:32:17");
}

#[test]
fn validate_warnings_exit_0_and_deny_warnings_exits_1() {
    let fixture = "tests/fixtures/warn_no_measure.yaml";
    let o = run(&["validate", fixture]);
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert_has(&err, "warning[F101]");
    assert_has(&err, "tests/fixtures/warn_no_measure.yaml:35:9");
    assert_has(&stdout(&o), "1 warning(s)");
    let o = run(&["validate", "--deny-warnings", fixture]);
    assert_exit(&o, 1);
    assert_has(&stderr(&o), "warning[F101]");
}

#[test]
fn score_with_framework_warning_scores_and_warns_on_stderr() {
    let o = run(&[
        "score",
        "--framework",
        "tests/fixtures/warn_no_measure.yaml",
        "--data",
        MINIMAL_CSV,
        "--format",
        "csv",
    ]);
    assert_exit(&o, 0);
    assert_has(&stderr(&o), "warning[F101]");
    assert_eq!(stdout(&o).lines().count(), 1 + 3);
}

#[test]
fn validate_good_and_bad_files_together_exits_2_and_summarises_the_good_one() {
    let o = run(&[
        "validate",
        MINIMAL,
        "tests/fixtures/bad/negative_weight.yaml",
    ]);
    assert_exit(&o, 2);
    assert_has(&stdout(&o), "tests/fixtures/minimal.yaml: 2 crimes");
    assert_has(&stderr(&o), "tests/fixtures/bad/negative_weight.yaml:30:13");
}

// ---------------------------------------------------------------- D. analyst assessments

/// [`MINIMAL`] with a qualitative indicator `rf9.q` in risk factor rf9.
const QUALITATIVE: &str = "tests/fixtures/qualitative.yaml";
/// Synthetic assessments of `rf9.q`: AAA 0.8 in 2019 and unknown in 2021, BBB present in 2020.
const ASSESSMENTS: &str = "tests/fixtures/assessments/ok.csv";

/// `score --framework QUALITATIVE --data MINIMAL_CSV --assessments FILE... EXTRA...`.
fn assessed_args<'a>(assessments: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["score", "--framework", QUALITATIVE, "--data", MINIMAL_CSV];
    for a in assessments {
        args.extend(["--assessments", a]);
    }
    args.extend(extra);
    args
}

/// The JSON report of every year with these assessments.
fn assessed_json(assessments: &[&str]) -> Value {
    let o = run(&assessed_args(
        assessments,
        &["--years", "--format", "json"],
    ));
    assert_exit(&o, 0);
    parse_json(&stdout(&o))
}

/// The node `id` of a country-year in a JSON report.
fn json_node<'a>(doc: &'a Value, iso3: &str, year: i32, id: &str) -> &'a Value {
    doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["iso3"] == iso3 && r["year"] == year)
        .and_then(|r| {
            r["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .find(|n| n["id"] == id)
        })
        .unwrap_or_else(|| panic!("no node {id} for {iso3} {year}"))
}

#[test]
fn assessment_gives_the_indicator_its_value_and_changes_its_risk_factor() {
    let without = assessed_json(&[]);
    let with = assessed_json(&[ASSESSMENTS]);
    // without assessments the qualitative indicator has no score and rf9 = rf9.y = 1 - 0.9
    assert_eq!(
        json_node(&without, "AAA", 2019, "rf9.q")["value"],
        Value::Null
    );
    assert_eq!(
        json_node(&without, "AAA", 2019, "rf9")["value"],
        serde_json::json!(0.1)
    );
    assert!(
        without["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["id"] != "rf9.q/assessment")
    );
    // with: exactly the assessed value, and rf9 = mean(0.1, 0.8)
    assert_eq!(
        json_node(&with, "AAA", 2019, "rf9.q")["value"],
        serde_json::json!(0.8)
    );
    assert_eq!(
        json_node(&with, "AAA", 2019, "rf9")["value"],
        serde_json::json!(0.45)
    );
    assert_eq!(
        json_node(&with, "AAA", 2019, "rf9")["coverage"],
        serde_json::json!(1.0)
    );
    let m = json_node(&with, "AAA", 2019, "rf9.q/assessment");
    assert_eq!(m["status"], "observed");
    assert_eq!(m["raw"], serde_json::json!(0.8));
    // `present` is 1
    assert_eq!(
        json_node(&with, "BBB", 2020, "rf9.q")["value"],
        serde_json::json!(1.0)
    );
}

#[test]
fn assessment_is_carried_forward_and_stopped_by_unknown() {
    let doc = assessed_json(&[ASSESSMENTS]);
    let m = json_node(&doc, "AAA", 2020, "rf9.q/assessment");
    assert_eq!(m["status"], "carried_forward");
    assert_eq!(m["from_year"], 2019);
    assert_eq!(
        json_node(&doc, "AAA", 2020, "rf9.q")["value"],
        serde_json::json!(0.8)
    );
    // 2021 is stated unknown: no value, although 2019 is within 5 years
    let m = json_node(&doc, "AAA", 2021, "rf9.q/assessment");
    assert_eq!(m["status"], "missing");
    assert_eq!(json_node(&doc, "AAA", 2021, "rf9.q")["value"], Value::Null);
    assert_eq!(
        json_node(&doc, "AAA", 2021, "rf9")["value"],
        serde_json::json!(0.3)
    );
    // BBB: present from 2020 on, nothing before
    assert_eq!(json_node(&doc, "BBB", 2019, "rf9.q")["value"], Value::Null);
    let m = json_node(&doc, "BBB", 2021, "rf9.q/assessment");
    assert_eq!(
        (m["status"].as_str(), m["from_year"].as_i64()),
        (Some("carried_forward"), Some(2020))
    );
}

#[test]
fn assessment_inputs_carry_the_analyst_source_confidence_and_note() {
    let doc = assessed_json(&[ASSESSMENTS]);
    // the carried value of 2020 points at the 2019 row, line 3 of the file
    assert_eq!(
        json_node(&doc, "AAA", 2020, "rf9.q")["inputs"],
        serde_json::json!([{
            "measure": "assessment", "file": ASSESSMENTS, "line": 3, "column": "value",
            "year": 2019, "raw": "0.8",
            "analyst": {"source": "Synthetic source", "confidence": "high", "note": "<script>alert(1)</script>"}
        }])
    );
    assert_eq!(
        json_node(&doc, "BBB", 2020, "rf9.q")["inputs"][0]["analyst"],
        serde_json::json!({"source": null, "confidence": "low", "note": null})
    );
    // data inputs have no analyst field
    assert!(
        json_node(&doc, "AAA", 2020, "rf1.x")["inputs"][0]
            .get("analyst")
            .is_none()
    );
    assert!(
        doc["data"]
            .as_array()
            .expect("data")
            .iter()
            .any(|f| f == ASSESSMENTS),
        "the assessment file is listed with the data files"
    );
}

#[test]
fn assessment_note_under_table_and_markdown_names_counts_and_file() {
    for format in ["table", "md"] {
        let o = run(&assessed_args(
            &[ASSESSMENTS],
            &["--year", "2020", "--format", format],
        ));
        assert_exit(&o, 0);
        let out = stdout(&o);
        assert_has(
            &out,
            "Analyst assessments, not data, enter the scores of 2 countries for 2020 (1 qualitative indicator), from tests/fixtures/assessments/ok.csv;",
        );
        assert!(
            !out.contains("<script>"),
            "notes are not part of {format}:\n{out}"
        );
        // the data column still counts only indicators measured from data
        if format == "table" {
            assert_match(&out, r"AAA .* 2/2\n");
        }
    }
    // no note without assessments, nor in a year none of them reaches
    let o = run(&assessed_args(&[ASSESSMENTS], &["--year", "2021"]));
    assert_has(&stdout(&o), "enter the scores of 1 country for 2021");
    let o = run(&assessed_args(&[], &[]));
    assert!(!stdout(&o).contains("Analyst assessments"));
}

#[test]
fn validate_checks_assessments() {
    let o = run(&[
        "validate",
        QUALITATIVE,
        "--data",
        MINIMAL_CSV,
        "--assessments",
        ASSESSMENTS,
    ]);
    assert_exit(&o, 0);
    let o = run(&[
        "validate",
        "--assessments",
        "examples/assessments.csv",
        "--format",
        "json",
    ]);
    assert_exit(&o, 0);
    assert_eq!(parse_json(&stdout(&o))["errors"], 0);
    let bad = format!(
        "validate {QUALITATIVE} --data {MINIMAL_CSV} --format json --assessments tests/fixtures/assessments/unknown_country.csv"
    );
    let o = run(&bad.split(' ').collect::<Vec<_>>());
    assert_exit(&o, 3);
    let doc = parse_json(&stdout(&o));
    assert_eq!(doc["diagnostics"][0]["code"], "D018");
    assert_eq!(doc["diagnostics"][0]["labels"][0]["line"], 2);
}

#[test]
fn assessment_country_by_name_suggests_its_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = temp_file(
        dir.path(),
        "a.csv",
        b"iso3,year,indicator,value\nSynthetia B,2019,rf9.q,1\n",
    );
    let o = run(&assessed_args(&[f.to_str().expect("utf-8 path")], &[]));
    assert_exit(&o, 3);
    assert_has(&stderr(&o), "did you mean `BBB` (Synthetia B)?");
}

#[test]
fn assessment_file_that_does_not_exist_exits_3() {
    let o = run_with_output_file(
        &assessed_args(&["tests/fixtures/assessments/nope.csv"], &[]),
        3,
    );
    assert_has(&stderr(&o), "error[D001]: cannot read assessment file");
}

#[test]
fn output_onto_assessment_file_exits_64() {
    let o = run(&assessed_args(&[ASSESSMENTS], &["-o", ASSESSMENTS]));
    assert_exit(&o, 64);
}

/// Scores QUALITATIVE with a bad assessment fixture and `-o`: exit 3, the
/// code on stderr, nothing written; returns stderr for a snapshot.
fn assessment_error(fixture: &str, code: &str) -> String {
    let path = format!("tests/fixtures/assessments/{fixture}.csv");
    let o = run_with_output_file(&assessed_args(&[&path], &[]), 3);
    let err = stderr(&o).replace('\\', "/");
    assert_has(&err, &format!("error[{code}]"));
    assert_has(&err, &path);
    err
}

#[test]
fn snapshot_assessment_errors() {
    for (fixture, code) in [
        ("bad_value", "D013"),
        ("out_of_range", "D014"),
        ("bad_year", "D009"),
        ("bad_confidence", "D015"),
        ("duplicate", "D005"),
        ("missing_header", "D012"),
        ("extra_column", "D012"),
        ("unknown_indicator", "D016"),
        ("measured_indicator", "D017"),
        ("unknown_country", "D018"),
        ("year_outside", "D019"),
    ] {
        insta::assert_snapshot!(
            format!("assessment_{fixture}"),
            assessment_error(fixture, code)
        );
    }
}

// ---------------------------------------------------------------- unit keys

#[test]
fn framework_unit_key_scores_data_keyed_by_name() {
    let o = run(&[
        "score",
        "--framework",
        "tests/fixtures/units/keyed.yaml",
        "--data",
        "tests/fixtures/units/keyed.csv",
        "--years",
        "--format",
        "csv",
    ]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_has(
        lines.next().unwrap_or(""),
        "year,rank,unit_name,country,score",
    );
    // x = 8 on goalposts 0-10 for the unit whose name holds a slash.
    assert_has(
        &out,
        "2021,1,Synthetia North/East,Synthetia North/East,0.8,",
    );
    assert_has(&out, "2021,2,Synthetia South,Synthetia South,0.1,");
}

#[test]
fn unit_key_flag_overrides_the_framework() {
    let o = run(&[
        "score",
        "--framework",
        "tests/fixtures/units/keyed.yaml",
        "--data",
        "tests/fixtures/units/regions.csv",
        "--unit-key",
        "iso3,admin1",
        "--format",
        "csv",
    ]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert_has(&out, "year,rank,iso3|admin1,country");
    assert_has(&out, "2021,1,AAA|North,AAA|North,0.9,");
    assert_has(&out, "2021,3,AAA|South,AAA|South,0.3,");
    // Without the flag, the framework's key is not in the file.
    let o = run(&[
        "score",
        "--framework",
        "tests/fixtures/units/keyed.yaml",
        "--data",
        "tests/fixtures/units/regions.csv",
    ]);
    assert_exit(&o, 3);
    assert_has(&stderr(&o), "error[D003]");
    assert_has(&stderr(&o), "has no `unit_name` column");
    // `year` is not a unit column.
    let o = run(&["score", "--unit-key", "iso3,year"]);
    assert_exit(&o, 64);
    assert_has(&stderr(&o), "`year` cannot be part of the unit key");
}

#[test]
fn explain_finds_a_unit_by_its_key() {
    let o = run(&[
        "explain",
        "--framework",
        "tests/fixtures/units/keyed.yaml",
        "--data",
        "tests/fixtures/units/keyed.csv",
        "--country",
        "Synthetia South",
        "--year",
        "2020",
    ]);
    assert_exit(&o, 0);
    assert_has(&stdout(&o), "tests/fixtures/units/keyed.csv:4");
}
