//! Tests of `atrisk summary` and `atrisk report`: snapshots of the summary in
//! text, Markdown and JSON for a fixed year of the shipped data, the HTML
//! report of the shipped data, escaping of markup from a synthetic fixture,
//! and bad flags.

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// Synthetic framework and data with markup in titles and country names.
const SCRIPT_FW: &str = "tests/fixtures/synthetic_script.yaml";
const SCRIPT_CSV: &str = "tests/fixtures/data/synthetic_script.csv";
const MINIMAL: &str = "tests/fixtures/minimal.yaml";
const MINIMAL_CSV: &str = "tests/fixtures/data/minimal.csv";

fn atrisk() -> Command {
    let mut c = Command::cargo_bin("atrisk").expect("the atrisk binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
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

fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "unexpected exit code; stderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn assert_has(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected `{needle}` in:\n{}",
        &haystack[..haystack.len().min(3000)]
    );
}

/// Runs `report ARGS -o DIR/report.html` and returns the HTML.
fn report_html(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report.html");
    let o = atrisk()
        .arg("report")
        .args(args)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty(), "nothing on stdout expected with -o");
    fs::read_to_string(&out).expect("the report was written")
}

// ---------------------------------------------------------------- summary

/// The year `summary` and `report` assess by default on the shipped data.
fn default_year() -> i32 {
    let inputs = atrisk::embedded::inputs();
    let (name, text) = atrisk::embedded::FRAMEWORK;
    let (plan, panel, scores) = atrisk::assess(name, text, &inputs).unwrap();
    panel.year(atrisk::analysis::year::default_year(&plan, &panel, &scores).year_idx)
}

#[test]
fn summary_without_args_runs_on_the_embedded_default() {
    let o = run(&["summary"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let y = default_year();
    for needle in [
        format!("Early-warning summary, {y}"),
        format!("{y} is assessed by default"),
        "Watch list (top 20)".to_string(),
        "Watch list, Genocide".to_string(),
        format!("Largest rises against {}", y - 1),
        format!("Largest rises against the mean of {}-{}", y - 3, y - 1),
        format!("New in the top two bands since {}", y - 1),
        "Data warnings".to_string(),
        "Briefs".to_string(),
        "not probabilities".to_string(),
    ] {
        assert_has(&out, &needle);
    }
}

#[test]
fn summary_text_snapshot_2023_top_3() {
    let o = run(&["summary", "--year", "2023", "--top", "3"]);
    assert_exit(&o, 0);
    insta::assert_snapshot!("summary_2023_top3_text", stdout(&o));
}

#[test]
fn summary_markdown_snapshot_2023_top_3() {
    let o = run(&["summary", "--year", "2023", "--top", "3", "--format", "md"]);
    assert_exit(&o, 0);
    insta::assert_snapshot!("summary_2023_top3_md", stdout(&o));
}

#[test]
fn summary_json_snapshot_2023_top_3() {
    let o = run(&[
        "summary", "--year", "2023", "--top", "3", "--format", "json",
    ]);
    assert_exit(&o, 0);
    insta::assert_snapshot!("summary_2023_top3_json", stdout(&o));
}

#[test]
fn summary_json_has_the_documented_fields() {
    let o = run(&[
        "summary", "--year", "2023", "--top", "3", "--format", "json",
    ]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    for key in [
        "atrisk_version",
        "framework",
        "data",
        "year",
        "previous_year",
        "mean_years",
        "top",
        "countries",
        "bands",
        "no_score",
        "watch_list",
        "movers",
        "new_in_top_bands",
        "data_warnings",
        "briefs",
    ] {
        assert!(v.get(key).is_some(), "missing field `{key}`");
    }
    assert_eq!(v["year"], 2023);
    assert_eq!(v["previous_year"], 2022);
    assert_eq!(v["mean_years"], serde_json::json!([2020, 2021, 2022]));
    assert_eq!(v["watch_list"]["overall"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["watch_list"]["crimes"].as_array().map(Vec::len), Some(3));
    let total: u64 = v["bands"]
        .as_array()
        .expect("bands")
        .iter()
        .map(|b| b["countries"].as_u64().expect("count"))
        .sum::<u64>()
        + v["no_score"].as_u64().expect("no_score");
    assert_eq!(Some(total), v["countries"].as_u64());
    // Movers: rises only, largest first, each with drivers carrying raw inputs.
    let movers = v["movers"]["previous_year"].as_array().expect("movers");
    assert!(!movers.is_empty());
    let changes: Vec<f64> = movers
        .iter()
        .map(|m| m["change"].as_f64().expect("change"))
        .collect();
    assert!(changes.iter().all(|c| *c > 0.0));
    assert!(changes.windows(2).all(|w| w[0] >= w[1]), "{changes:?}");
    let first = &movers[0];
    let ind = &first["drivers"][0]["indicators"][0];
    assert!(ind["inputs"][0]["column"].is_string(), "{first}");
    assert!(ind["inputs"][0]["after"]["year"].is_i64(), "{first}");
    // Briefs: in rank order, with data age.
    let briefs = v["briefs"].as_array().expect("briefs");
    assert_eq!(briefs.len(), 3);
    assert_eq!(briefs[0]["rank"], 1);
    assert!(briefs[0]["data"]["indicators_measured"].as_u64() > Some(0));
    assert!(briefs[0]["data"]["oldest_input_year"].is_i64());
    // Recommendations: tallied over the briefs, and listed in each brief
    // with whom they address and the risks that call for them.
    let recs = v["recommendations"].as_array().expect("recommendations");
    assert!(!recs.is_empty());
    for r in recs {
        let n = r["countries"].as_array().expect("countries").len() as u64;
        assert_eq!(r["count"].as_u64(), Some(n));
        assert!(n <= 3);
        assert!(r["addressed_to"][0]["title"].is_string(), "{r}");
    }
    let counts: Vec<u64> = recs.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let br = briefs[0]["recommendations"]
        .as_array()
        .expect("brief recommendations");
    assert!(!br.is_empty());
    let strengths: Vec<f64> = br.iter().map(|r| r["strength"].as_f64().unwrap()).collect();
    assert!(strengths.windows(2).all(|w| w[0] >= w[1]), "{strengths:?}");
    assert!(br[0]["triggered_by"][0]["band"].is_string());
}

#[test]
fn summary_is_byte_identical_across_runs() {
    let a = run(&["summary", "--format", "json"]);
    let b = run(&["summary", "--format", "json"]);
    assert_exit(&a, 0);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn summary_of_the_first_year_has_no_movers() {
    let o = run(&[
        "summary",
        "--framework",
        MINIMAL,
        "--data",
        MINIMAL_CSV,
        "--year",
        "2019",
        "--format",
        "json",
    ]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert!(v["previous_year"].is_null());
    assert_eq!(v["movers"]["previous_year"], serde_json::json!([]));
    assert_eq!(v["movers"]["three_year_mean"], serde_json::json!([]));
}

#[test]
fn summary_output_file_is_written_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("summary.md");
    let o = atrisk()
        .args(["summary", "--format", "md", "--top", "2", "-o"])
        .arg(&out)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty());
    let text = fs::read_to_string(&out).expect("written");
    let y = default_year();
    assert!(
        text.starts_with(&format!("## Early-warning summary, {y}")),
        "{text}"
    );
}

#[test]
fn summary_bad_flags_exit_64() {
    for args in [
        &["summary", "--format", "xml"][..],
        &["summary", "--top", "many"],
        &["summary", "--years", "2020..2021"],
        &["summary", "--no-such-flag"],
    ] {
        let o = run(args);
        assert_exit(&o, 64);
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn summary_year_outside_data_and_top_zero_are_usage_errors() {
    for args in [
        &["summary", "--year", "1800"][..],
        &["summary", "--top", "0"],
    ] {
        let o = run(args);
        assert_exit(&o, 64);
        assert_has(&String::from_utf8_lossy(&o.stderr), "error[U001]");
    }
}

#[test]
fn summary_refuses_to_overwrite_its_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data.csv");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(MINIMAL_CSV),
        &data,
    )
    .expect("copy");
    let before = fs::read(&data).expect("read");
    let o = atrisk()
        .args(["summary", "--framework", MINIMAL, "--data"])
        .arg(&data)
        .arg("-o")
        .arg(&data)
        .output()
        .expect("atrisk runs");
    assert_exit(&o, 64);
    assert_eq!(fs::read(&data).expect("read"), before);
}

// ---------------------------------------------------------------- report

#[test]
fn report_of_the_shipped_data_is_one_self_contained_file() {
    let html = report_html(&[]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // Nothing is loaded from elsewhere and nothing runs.
    for banned in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", " src=", "<object",
    ] {
        assert!(!html.contains(banned), "`{banned}` in the report");
    }
    let y = default_year();
    let (title, ranking, spark) = (
        format!("Atrocity risk report, {y}"),
        format!("Full ranking, {y}"),
        format!("aria-label=\"score {}-{y}\"", y - 14),
    );
    for needle in [
        title.as_str(),
        "<svg",
        "The 20 highest-scoring countries",
        "Risk factors of the watch-list countries",
        "Movers: the largest rises",
        "Country briefs",
        "Data warnings",
        ranking.as_str(),
        "Sources and licences",
        "CC BY-SA 4.0",
        "CC BY 4.0",
        "Method and caveats",
        "not a probability",
        "very high",
    ] {
        assert_has(&html, needle);
    }
    // The heat map has the 14 risk factors; every country has a sparkline.
    for rf in 1..=14 {
        assert_has(&html, &format!(">RF{rf}</th>"));
    }
    let sparklines = html.matches(spark.as_str()).count();
    assert!(sparklines >= 176, "{sparklines} sparklines");
    // Band names are always written, not only coloured.
    assert!(html.matches(">very high</span>").count() >= 11);
}

#[test]
fn report_is_byte_identical_across_runs() {
    assert_eq!(
        report_html(&["--year", "2021"]),
        report_html(&["--year", "2021"])
    );
}

#[test]
fn report_escapes_markup_from_frameworks_and_data() {
    let html = report_html(&["--framework", SCRIPT_FW, "--data", SCRIPT_CSV]);
    assert!(
        !html.contains("<script"),
        "unescaped <script> in the report"
    );
    assert!(!html.contains("<img"), "unescaped <img> in the report");
    assert!(!html.contains("<b>bold"), "unescaped <b> in the report");
    assert!(!html.contains("<i>co"), "unescaped <i> in the report");
    assert_has(
        &html,
        "Synthetic &lt;script&gt;alert(&quot;framework&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; framework",
    );
    assert_has(
        &html,
        "&lt;script&gt;alert(&#39;country&#39;)&lt;/script&gt; Synthetia A",
    );
    assert_has(&html, "Synthetia B &amp; &lt;i&gt;co&lt;/i&gt;");
    assert_has(&html, "&lt;img src=x onerror=alert(1)&gt;");
    // Data that are not the shipped panel get no shipped licence table.
    assert_has(&html, "tests/fixtures/data/synthetic_script.csv");
    assert!(!html.contains("CC BY-SA 4.0"));
}

/// An analyst's note with markup (synthetic assessments of the synthetic
/// qualitative indicator `rf9.q`) comes out as text, in the brief that uses it.
#[test]
fn report_escapes_analyst_notes() {
    let html = report_html(&[
        "--framework",
        "tests/fixtures/qualitative.yaml",
        "--data",
        "tests/fixtures/data/minimal.csv",
        "--assessments",
        "tests/fixtures/assessments/ok.csv",
        "--year",
        "2020",
    ]);
    assert!(
        !html.contains("<script"),
        "unescaped <script> in the report"
    );
    assert_has(&html, "Analyst assessments in this score");
    assert_has(&html, "note: &lt;script&gt;alert(1)&lt;/script&gt;");
}

#[test]
fn report_bad_flags_exit_64_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("r.html");
    for args in [
        &["report", "--format", "pdf"][..],
        &["report", "--year", "1800"],
        &["report", "--top", "0"],
        &["report", "--bogus"],
    ] {
        let o = atrisk()
            .args(args)
            .arg("-o")
            .arg(&out)
            .output()
            .expect("atrisk runs");
        assert_exit(&o, 64);
        assert!(!out.exists(), "{args:?} wrote a file");
    }
    assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn report_with_a_bad_framework_exits_2() {
    let o = run(&[
        "report",
        "--framework",
        "tests/fixtures/bad/unknown_key.yaml",
        "--data",
        MINIMAL_CSV,
    ]);
    assert_exit(&o, 2);
    assert!(o.stdout.is_empty());
}

#[test]
fn full_ranking_gives_every_country_its_rank_interval_with_draws_only() {
    let with = report_html(&["--year", "2023", "--draws", "20"]);
    let ranking = &with[with.find("id=\"ranking\"").expect("a full ranking")..];
    let ranking = &ranking[..ranking.find("</table>").expect("its table ends")];
    assert!(ranking.contains("<th class=\"num\">Rank interval</th>"));
    assert!(ranking.contains("over 20 draws"));
    let rows = ranking.matches("<tr><td").count();
    assert!(rows > 100, "{rows} rows");
    // every row: rank, then an interval `lo-hi` or a single rank
    let intervals = ranking
        .split("<tr><td class=\"num\">")
        .skip(1)
        .filter(|row| {
            let cell = row
                .split("<td class=\"num\">")
                .nth(1)
                .and_then(|c| c.split("</td>").next())
                .unwrap_or("");
            !cell.is_empty() && cell.split('-').all(|n| n.parse::<usize>().is_ok())
        })
        .count();
    assert_eq!(intervals, rows);
    let without = report_html(&["--year", "2023", "--draws", "0"]);
    assert!(!without.contains("Rank interval"));
}
