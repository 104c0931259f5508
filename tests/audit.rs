//! `atrisk audit` on a synthetic panel with planted faults
//! (tests/fixtures/audit/), its statistics against values computed
//! independently with numpy, what cannot be computed, `--deny`, `--years`,
//! every format, and a run on the shipped framework.

mod common;

use common::{fails, run};
use serde_json::Value;

const FW: &str = "tests/fixtures/audit/synthetic-faults.yaml";
const DATA: &str = "tests/fixtures/audit/synthetic-faults.csv";

fn audit(extra: &[&str]) -> std::process::Output {
    let mut args = vec!["audit", "--framework", FW, "--data", DATA];
    args.extend_from_slice(extra);
    run(&args)
}

fn json(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let o = audit(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("the audit is JSON")
}

fn findings<'a>(doc: &'a Value, kind: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == kind)
        .collect()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn group<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("no group {id}"))
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
}

#[test]
fn every_planted_fault_is_reported_with_the_names_involved() {
    let doc = json(&[]);
    // Two identical columns: the columns, and the indicators that read them.
    let dup = findings(&doc, "duplicate");
    assert!(
        dup.iter()
            .any(|f| strs(&f["columns"]) == ["a", "b"] && f["indicators"].is_null()),
        "{dup:#?}"
    );
    assert!(
        dup.iter()
            .any(|f| strs(&f["indicators"]) == ["r1.a", "r1.b"])
    );
    // A reversed column.
    let dir = findings(&doc, "direction");
    assert_eq!(dir.len(), 1, "{dir:#?}");
    assert_eq!(strs(&dir[0]["indicators"]), ["r1.c"]);
    assert_eq!(strs(&dir[0]["columns"]), ["c"]);
    assert_eq!(dir[0]["node"], "r1");
    // A column read twice, meeting in the crime.
    let dc = findings(&doc, "double_count");
    let d = dc
        .iter()
        .find(|f| strs(&f["columns"]) == ["d"])
        .expect("column d counted twice");
    let mut readers = strs(&d["indicators"]);
    readers.sort();
    assert_eq!(readers, ["r1.d/d", "r2.e/d"]);
    assert_eq!(d["node"], "g");
    // An indicator listed in a theme beside its own risk factor.
    assert!(
        dc.iter()
            .any(|f| strs(&f["indicators"]) == ["r1.a"] && f["node"] == "t")
    );
    // A sparse column.
    let cov = findings(&doc, "coverage");
    assert!(
        cov.iter()
            .any(|f| strs(&f["indicators"]) == ["r2.f"] && strs(&f["columns"]) == ["sparse"]),
        "{cov:#?}"
    );
    // A jump, by unit and year.
    let jump = findings(&doc, "jump");
    assert_eq!(jump.len(), 1, "{jump:#?}");
    assert_eq!(strs(&jump[0]["columns"]), ["j"]);
    assert_eq!(jump[0]["unit"], "FFF");
    assert_eq!(jump[0]["year"], 2003);
    assert_eq!(jump[0]["value"], 60.0);
    // The identical pair is redundant within its risk factor.
    assert!(
        findings(&doc, "redundant")
            .iter()
            .any(|f| strs(&f["indicators"]) == ["r1.a", "r1.b"] && f["node"] == "r1")
    );
    // The counts agree with the findings.
    for (kind, n) in doc["counts"].as_object().unwrap() {
        assert_eq!(
            findings(&doc, kind).len() as u64,
            n.as_u64().unwrap(),
            "{kind}"
        );
    }
}

#[test]
fn statistics_match_values_computed_independently() {
    // Expected values from tests/fixtures/audit/expected.py (numpy 1.24) on
    // the normalised values of r1: a/10, b/10, 1 - c/10, d/10.
    let doc = json(&[]);
    let r1 = group(&doc, "r1");
    let pair = |a: &str, b: &str| {
        r1["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["a"] == a && p["b"] == b)
            .unwrap()
            .clone()
    };
    let ac = pair("r1.a", "r1.c");
    close(&ac["pearson"], -0.900_378_316_373_489_1);
    close(&ac["spearman"], -0.895_691_756_592_992_3);
    assert_eq!(ac["n"], 72);
    close(&pair("r1.a", "r1.d")["pearson"], 0.887_635_560_255_019_1);
    close(&r1["alpha"]["value"], 0.172_524_559_637_885_5);
    let without_c = r1["alpha"]["if_dropped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "r1.c")
        .unwrap();
    close(&without_c["alpha"], 0.970_500_630_252_721);
    let pc = &r1["components"];
    assert_eq!(pc["n"], 72);
    close(&pc["first_share"], 0.922_750_736_820_724);
    let eig = pc["eigenvalues"].as_array().unwrap();
    close(&eig[0], 3.691_002_947_282_896);
    close(&eig[1], 0.200_456_478_381_360_7);
    close(&eig[2], 0.108_540_574_335_743_45);
    let want = [
        ("r1.a", 0.513_747_464_375_468_6),
        ("r1.b", 0.513_747_464_375_468_4),
        ("r1.c", -0.487_735_161_998_620_66),
        ("r1.d", 0.483_985_017_790_564),
    ];
    for (l, (id, w)) in pc["loadings"].as_array().unwrap().iter().zip(want) {
        assert_eq!(l["id"], id);
        close(&l["loading"], w);
    }
    let rest = r1["item_rest"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "r1.c")
        .unwrap();
    close(&rest["pooled"]["value"], -0.892_547_890_628_040_2);
}

#[test]
fn what_cannot_be_computed_says_why() {
    let doc = json(&[]);
    // A constant column: its correlations, the alpha and the components of its group.
    let r3 = group(&doc, "r3");
    let p = &r3["pairs"][0];
    assert!(p["pearson"].is_null() && p["spearman"].is_null());
    assert_eq!(p["reason"], "`r3.k` has the same value everywhere");
    assert_eq!(r3["alpha"]["value"], Value::Null);
    assert_eq!(
        r3["alpha"]["reason"],
        "`r3.k` has the same value everywhere"
    );
    assert_eq!(
        r3["components"]["reason"],
        "`r3.k` has the same value everywhere"
    );
    // A single indicator with data.
    let r4 = group(&doc, "r4");
    assert_eq!(r4["alpha"]["reason"], "fewer than two members with data");
    assert_eq!(
        r4["components"]["reason"],
        "fewer than two members with data"
    );
    assert_eq!(r4["excluded"][0]["id"], "r4.q");
    assert_eq!(r4["excluded"][0]["reason"], "qualitative, not assessed");
    assert!(
        doc["no_data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == "r4.q")
    );
    // Too few units: the sparse column has 3 units a year, in two years only.
    let r2 = group(&doc, "r2");
    let ef = r2["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"] == "r2.e" && p["b"] == "r2.f")
        .unwrap();
    let by_year = ef["pearson_by_year"].as_array().unwrap();
    assert_eq!(by_year[0]["year"], 2000);
    assert_eq!(
        by_year[0]["reason"],
        "only 3 unit-years with values for all of them (5 needed)"
    );
    assert_eq!(
        by_year[2]["reason"],
        "no unit-year has values for all of them"
    );
    assert!(by_year.iter().all(|y| y["value"].is_null()));
    // The table says so too, and never prints NaN.
    let text = String::from_utf8(audit(&[]).stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("alpha not computable: `r3.k` has the same value everywhere"));
    assert!(!text.contains("NaN") && !text.contains("inf"));
}

#[test]
fn deny_makes_chosen_kinds_fail() {
    let o = audit(&["--deny", "direction,redundant"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error[A001]"), "{err}");
    assert!(
        err.contains("1 direction") && err.contains("3 redundant"),
        "{err}"
    );
    // The output is written all the same.
    assert!(String::from_utf8_lossy(&o.stdout).contains("Audit of synthetic-faults"));
    // Without the jump year there is no jump, so denying jumps passes.
    let o = audit(&["--years", "2000..2001", "--deny", "jump"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Without --deny the audit passes whatever it found.
    assert_eq!(audit(&[]).status.code(), Some(0));
    let err = fails(
        &[
            "audit",
            "--framework",
            FW,
            "--data",
            DATA,
            "--deny",
            "directon",
        ],
        64,
        "U030",
    );
    assert!(err.contains("did you mean `direction`?"), "{err}");
}

#[test]
fn years_restrict_the_audit() {
    let doc = json(&["--years", "2001..2003"]);
    assert_eq!(doc["years"], serde_json::json!([2001, 2002, 2003]));
    assert_eq!(group(&doc, "r1")["pairs"][0]["n"], 36);
    fails(
        &[
            "audit",
            "--framework",
            FW,
            "--data",
            DATA,
            "--years",
            "1990..1991",
        ],
        64,
        "U001",
    );
}

#[test]
fn html_is_one_self_contained_page_with_a_heat_map_per_group() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit.html");
    let o = audit(&["--format", "html", "-o", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // r1, r2, r3 and the theme have two or more members with data; r4 one.
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("aria-label=\"Correlations between the members of r1\""));
    for bad in ["<script", "src=", "href=\"http", "@import", "url("] {
        assert!(!html.contains(bad), "{bad}");
    }
}

#[test]
fn markdown_and_table_show_every_section() {
    let md = String::from_utf8(audit(&["--format", "md"]).stdout).unwrap();
    for s in [
        "## Summary",
        "## Findings",
        "## 1. Double counting",
        "## 2-4. Correlations",
        "## 5. Effective weights",
        "## 6. Data quality",
    ] {
        assert!(md.contains(s), "{s}");
    }
    assert!(md.contains("| kind | found | what it means |"));
    let text = String::from_utf8(audit(&[]).stdout).unwrap();
    insta::assert_snapshot!("synthetic_table", text);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    for format in ["json", "table", "html"] {
        let a = audit(&["--format", format]).stdout;
        let b = audit(&["--format", format]).stdout;
        assert_eq!(a, b, "{format}");
    }
}

#[test]
fn the_shipped_framework_is_audited() {
    let o = run(&["audit", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["framework"]["id"], "madrid-2015");
    assert_eq!(
        doc["years"].as_array().unwrap().first(),
        Some(&Value::from(1990))
    );
    // The Framework's 14 risk factors, the forecast (a risk factor of
    // `un-foa-2014-forecast`, which madrid-2015 extends) and 4 themes.
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 19);
    assert_eq!(groups[0]["id"], "rf1");
    assert!(groups.iter().any(|g| g["id"] == "forecast"));
    assert_eq!(groups[15]["kind"], "theme");
    // Every kind is counted, found or not.
    assert_eq!(doc["counts"].as_object().unwrap().len(), 10);
}

#[test]
fn an_audit_over_its_budget_is_refused_before_it_starts() {
    let o = run(&["--limit", "audit-work=1000", "audit"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("error[L015]"), "{err}");
    assert!(err.contains("--limit audit-work=N"), "{err}");
    assert!(o.stdout.is_empty());
}
