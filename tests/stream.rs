//! `score --stream`: scoring a panel grouped by unit, block by block, gives
//! the numbers of the in-memory path, for any number of threads, any block
//! size and any order of units and years; a unit whose rows are not
//! together is an error; unsuitable input falls back to the in-memory path
//! with a note.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use atrisk::analysis::Run;
use atrisk::data::stream::{Stop, layout};
use atrisk::data::{Input, Panel};
use atrisk::pipeline::stream_csv as write_csv;
use atrisk::score::stream::{Options, check, read_columns};

fn atrisk() -> Command {
    let mut c = Command::cargo_bin("atrisk").expect("the atrisk binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("ATRISK_COLOR")
        .arg("--color")
        .arg("never");
    c
}

/// The shipped panel (two files) joined into one wide CSV sorted by iso3,
/// then year: every cell with a row, values written so they read back exactly.
fn shipped_joined() -> String {
    let inputs = atrisk::embedded::inputs();
    let p = Panel::load(&inputs).unwrap();
    let names: Vec<&str> = p.column_names().collect();
    let mut out = format!("iso3,country,year,{}\n", names.join(","));
    for (ci, c) in p.countries.iter().enumerate() {
        for y in 0..p.n_years {
            let cell = p.cell(ci, y);
            if (0..names.len()).all(|k| p.line(k, cell) == 0) {
                continue;
            }
            out.push_str(&format!("{},\"{}\",{}", c.iso3, c.name, p.year(y)));
            for k in 0..names.len() {
                let v = p.value(k, cell);
                out.push(',');
                if !v.is_nan() {
                    out.push_str(&v.to_string());
                }
            }
            out.push('\n');
        }
    }
    out
}

/// Rows of a score CSV by (year, code), without `rank` and `line`.
fn by_unit_year(csv: &str) -> HashMap<(String, String), Vec<String>> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let keep: Vec<usize> = (0..head.len())
        .filter(|&i| head[i] != "rank" && head[i] != "line")
        .collect();
    let (yi, ki) = (0, keep[1]);
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let key = (rec[yi].to_string(), rec[ki].to_string());
            (key, keep.iter().map(|&i| rec[i].to_string()).collect())
        })
        .collect()
}

#[test]
fn shipped_panel_streams_like_in_memory_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("joined.csv");
    let text = shipped_joined();
    fs::write(&data, &text).unwrap();
    let run = |extra: &[&str]| {
        let mut c = atrisk();
        c.args(["score", "--framework", "un-foa-2014", "--format", "csv"])
            .arg("--data")
            .arg(&data)
            .args(["--years"])
            .args(extra);
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (memory, _) = run(&[]);
    let (one, err) = run(&["--stream", "--threads", "1"]);
    assert!(err.is_empty(), "no fallback expected: {err}");
    let out_file = dir.path().join("two.csv");
    let (_, _) = run(&[
        "--stream",
        "--threads",
        "2",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    let two = fs::read_to_string(&out_file).unwrap();
    assert_eq!(one, two, "the output depends on the number of threads");
    let rows = text.lines().count() - 1;
    assert_eq!(one.lines().count() - 1, rows, "one line per row read");
    let mem = by_unit_year(&memory);
    let streamed = by_unit_year(&one);
    assert_eq!(streamed.len(), rows);
    let mut scored = 0;
    for (k, v) in &streamed {
        assert_eq!(mem.get(k), Some(v), "{k:?}");
        scored += usize::from(!v[3].is_empty());
    }
    assert!(scored > rows / 2, "most unit-years have a score");
    // Each row names the line it was read from.
    let line_of_first = one.lines().nth(1).unwrap().rsplit(',').next().unwrap();
    assert_eq!(line_of_first, "2");
}

// Synthetic framework exercising lags, changes, rolling windows, per-capita,
// carrying forward and filling.
const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors: [{id: r, title: R, crimes: [g], kind: dynamic}, {id: s, title: S, crimes: [g], kind: structural}]\nindicators:\n  - id: i\n    risk_factor: r\n    text: t\n    aggregate: {method: logistic, intercept: -1}\n    measures:\n      - {id: lag, column: x, transform: [{lag: 2}], normalise: raw, missing: {carry_forward: 2}, weight: 0.5}\n      - {id: chg, column: x, transform: [{change: 1}], normalise: raw, missing: {fill: 0}, weight: -0.3}\n      - {id: roll, column: y, transform: [{rolling_mean: 3}, log1p], normalise: raw, missing: {fill: 0}, weight: 0.2}\n  - id: j\n    risk_factor: s\n    text: t\n    measures:\n      - {id: pc, column: y, transform: [{per_capita: {column: z, per: 10}}], direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 5}}}\n      - {id: mx, column: x, transform: [{rolling_max: 4}], direction: lower_is_riskier, normalise: {goalposts: {min: -5, max: 5}}, missing: {carry_forward: 1}}\n";

/// A synthetic panel: units with gaps in their years and missing cells, and
/// a column no framework reads, holding `unused`.
fn synthetic(units: usize, unused: &str) -> String {
    let units: Vec<(usize, String)> = (0..units).map(|u| (u, format!("U{u:04}"))).collect();
    synthetic_rows("iso3,year,x,y,z,unused", &units, &format!(",{unused}"))
}

/// Synthetic rows under `head`: for each unit (a seed, the fields before
/// `year`), twelve years from 2000 with deterministic gaps and missing
/// values in x, y and z, then `tail`.
fn synthetic_rows(head: &str, units: &[(usize, String)], tail: &str) -> String {
    let mut s = format!("{head}\n");
    for (u, key) in units {
        let u = *u;
        for y in 0..12 {
            // Deterministic gaps and missing values.
            if (u + y) % 7 == 3 {
                continue;
            }
            let x = if (u * 3 + y) % 5 == 0 {
                String::new()
            } else {
                format!("{}", ((u * 13 + y * 7) % 11) as f64 - 5.5)
            };
            let y_ = if (u + 2 * y) % 6 == 0 {
                "NA".to_string()
            } else {
                format!("{}", (u * 17 + y * 5) % 23)
            };
            let z = 1 + (u + y) % 4;
            s.push_str(&format!("{key},{},{x},{y_},{z}{tail}\n", 2000 + y));
        }
    }
    s
}

#[test]
fn synthetic_panel_streams_like_in_memory_for_any_block_size() {
    let numbers = synthetic(40, "7");
    let input = Input {
        name: "s.csv".into(),
        prefix: None,
        bytes: numbers.as_bytes(),
    };
    let (plan, panel, scores) = atrisk::assess("t.yaml", FW, &[input]).unwrap();
    let run = Run {
        plan: &plan,
        panel: &panel,
        scores: &scores,
        years: (0..panel.n_years).collect(),
    };
    let memory = by_unit_year(&atrisk::report::csv::write(&run));
    // Streamed, the column `unused` is not parsed: `junk` is not a number.
    let csv_text = synthetic(40, "junk");
    let (head_line, body) = csv_text.split_once('\n').unwrap();
    let first_row = body.lines().next().unwrap();
    let head = format!("{head_line}\n{first_row}\n");
    let mut lay = layout("s.csv", None, head.as_bytes(), &[]).unwrap();
    lay.parse_columns(&read_columns(&plan));
    assert_eq!(lay.parsed.len(), 3);
    let mut outputs = Vec::new();
    for (threads, block_bytes) in [(1, 1 << 20), (1, 1), (3, 50), (2, 700)] {
        let opts = Options {
            threads,
            block_bytes,
            years: None,
        };
        let mut out = Vec::new();
        let n = write_csv(body.as_bytes(), 2, &plan, &lay, &opts, &mut out).unwrap();
        assert_eq!(n, body.lines().count());
        outputs.push(String::from_utf8(out).unwrap());
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    let streamed = by_unit_year(&outputs[0]);
    for (k, v) in &streamed {
        assert_eq!(memory.get(k), Some(v), "{k:?}");
    }
    // Some values come from lags across a gap and from carrying forward.
    assert!(streamed.values().filter(|v| !v[3].is_empty()).count() > 100);
    // A year filter keeps only those years.
    let opts = Options {
        years: Some((2003, 2004)),
        ..Options::default()
    };
    let mut out = Vec::new();
    write_csv(body.as_bytes(), 2, &plan, &lay, &opts, &mut out).unwrap();
    let kept = by_unit_year(std::str::from_utf8(&out).unwrap());
    assert!(!kept.is_empty() && kept.keys().all(|(y, _)| y == "2003" || y == "2004"));
    // A unit whose rows are not together is found, whatever the block size:
    // the first row of U0000 moved to the end.
    let (first, rest) = body.split_once('\n').unwrap();
    let split = format!("{rest}{first}\n");
    let last_line = 1 + split.lines().count() as u64;
    for block_bytes in [1, 50, 1 << 20] {
        let opts = Options {
            block_bytes,
            ..Options::default()
        };
        let e = check(split.as_bytes(), 2, &lay, &opts).unwrap_err();
        match e {
            Stop::Unsorted { line, what } => {
                assert_eq!(line, last_line);
                assert!(
                    what.contains("`U0000`") && what.contains("line 10,"),
                    "{what}"
                );
            }
            e => panic!("{e:?}"),
        }
    }
}

#[test]
fn units_and_years_in_any_order_stream_and_a_unit_that_comes_back_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let reversed = dir.path().join("reversed.csv");
    let text = synthetic(6, "0");
    let (head, body) = text.split_once('\n').unwrap();
    let mut lines: Vec<&str> = body.lines().collect();
    lines.reverse();
    fs::write(&reversed, format!("{head}\n{}\n", lines.join("\n"))).unwrap();
    let fw = dir.path().join("t.yaml");
    fs::write(&fw, FW).unwrap();
    let score = |data: &Path, extra: &[&str]| {
        let mut c = atrisk();
        c.arg("score")
            .arg("--framework")
            .arg(&fw)
            .arg("--data")
            .arg(data)
            .args(["--format", "csv", "--years"])
            .args(extra);
        c.output().unwrap()
    };
    // Units descending, years descending within each unit: streamed as it
    // is, rows in file order, the numbers of the in-memory path.
    let streamed = score(&reversed, &["--stream"]);
    assert!(
        streamed.status.success() && streamed.stderr.is_empty(),
        "{streamed:?}"
    );
    let streamed = String::from_utf8(streamed.stdout).unwrap();
    let second = streamed.lines().nth(2).unwrap();
    assert!(
        second.starts_with("2010,U0005,") && second.ends_with(",3"),
        "{second}"
    );
    let memory = String::from_utf8(score(&reversed, &[]).stdout).unwrap();
    let (s, m) = (by_unit_year(&streamed), by_unit_year(&memory));
    assert_eq!(s.len(), lines.len());
    assert!(s.iter().all(|(k, v)| m.get(k) == Some(v)));
    // A unit that comes back after others: exit 3, both lines named,
    // nothing written, on standard output or in a file.
    let back = dir.path().join("back.csv");
    fs::write(
        &back,
        format!("{head}\n{}\n{}\n", lines[1..].join("\n"), lines[0]),
    )
    .unwrap();
    let out_file = dir.path().join("out.csv");
    for extra in [
        &["--stream"][..],
        &["--stream", "-o", out_file.to_str().unwrap()],
    ] {
        let out = score(&back, extra);
        assert_eq!(out.status.code(), Some(3), "{out:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        let last = lines.len() + 1;
        assert!(err.contains("error[D040]") || err.contains("D040"), "{err}");
        assert!(err.contains("`U0005`") && err.contains("line 11,"), "{err}");
        assert!(err.contains(&format!("back.csv:{last}:1")), "{err}");
        assert!(err.contains("sort -s -t, -k1,1"), "{err}");
        assert!(!out_file.exists());
    }
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        3,
        "no file left behind"
    );
}

#[test]
fn stream_refuses_formats_it_cannot_write_and_notes_what_it_cannot_stream() {
    let out = atrisk()
        .args(["score", "--stream", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("U020"));
    let out = atrisk()
        .args(["score", "--stream", "--format", "csv", "--top", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    // The shipped panel (no --data) is scored in memory, with a note.
    let out = atrisk()
        .args(["score", "--stream", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("D041"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("year,rank,iso3"));
}

#[test]
fn subnational_example_scores_end_to_end_in_memory_and_streamed() {
    let run = |stream: bool| {
        let mut c = atrisk();
        c.args([
            "score",
            "--framework",
            "examples/subnational/framework.yaml",
            "--data",
            "examples/subnational/regions.csv",
            "--format",
            "csv",
            "--years",
        ]);
        if stream {
            c.arg("--stream");
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        assert!(out.stderr.is_empty(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let memory = run(false);
    assert!(
        memory.starts_with("year,rank,iso3|admin1,country,"),
        "{memory}"
    );
    let m = by_unit_year(&memory);
    let s = by_unit_year(&run(true));
    let rows = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/subnational/regions.csv"),
    )
    .unwrap()
    .lines()
    .count()
        - 1;
    assert_eq!(s.len(), rows);
    assert!(s.iter().all(|(k, v)| m.get(k) == Some(v)));
    // Two-column codes, and most region-years are scored.
    let darfur = &s[&("2023".to_string(), "SDN|Darfur".to_string())];
    assert!(darfur[2].contains("synthetic region"));
    assert!(s.values().filter(|v| !v[3].is_empty()).count() > rows / 2);
}

#[test]
fn one_unit_larger_than_the_data_limit_is_not_held_whole() {
    // Synthetic: one unit whose single row is 1.5 MB, over a data-bytes limit
    // of 1.2 MB: the stream stops growing its buffer at the limit, and the
    // in-memory fallback refuses the file with L005.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("huge.csv");
    let row = format!("AAA,2000,{}\nBBB,2000,1\n", "1".repeat(1_500_000));
    fs::write(&data, format!("iso3,year,x\n{row}")).unwrap();
    let out = atrisk()
        .args(["--limit", "data-bytes=1200000", "score"])
        .args(["--framework", "tests/fixtures/units/keyed.yaml"])
        .args([
            "--unit-key",
            "iso3",
            "--format",
            "csv",
            "--stream",
            "--data",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("D041") && err.contains("`data-bytes` limit"),
        "{err}"
    );
    assert!(err.contains("error[L005]"), "{err}");
    assert!(out.stdout.is_empty());
}

/// A synthetic panel keyed by name, with a numeric code, written in the
/// order of the codes (as EWP's panel is, by COW code) or of the names
/// (case-insensitively, as a spreadsheet sorts): neither is byte order.
fn grouped(by_name: bool) -> String {
    let mut units = [
        (2, "Alpha"),
        (20, "delta"),
        (41, "\"Bravo, Republic of\""),
        (100, "Charlie"),
        (200, "alpha-2"),
        (365, "Echo"),
        (530, "Zulu"),
        (710, "Çedilla"),
    ];
    if by_name {
        units.sort_by_key(|u| u.1.trim_matches('"').to_lowercase());
    }
    let units: Vec<(usize, String)> = units
        .iter()
        .map(|&(code, name)| (code, format!("{name},{code}")))
        .collect();
    synthetic_rows("ewp_name,ccode,year,x,y,z", &units, "")
}

#[test]
fn code_order_and_name_order_stream_like_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let fw = dir.path().join("t.yaml");
    fs::write(&fw, FW).unwrap();
    let run = |data: &Path, stream: bool| {
        let mut c = atrisk();
        c.args([
            "score",
            "--unit-key",
            "ewp_name",
            "--format",
            "csv",
            "--years",
        ])
        .arg("--framework")
        .arg(&fw)
        .arg("--data")
        .arg(data);
        if stream {
            c.arg("--stream");
        }
        let out = c.output().unwrap();
        assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let mut memory = Vec::new();
    let mut streamed = Vec::new();
    for by_name in [false, true] {
        let text = grouped(by_name);
        let data = dir.path().join(format!("by_name_{by_name}.csv"));
        fs::write(&data, &text).unwrap();
        memory.push(run(&data, false));
        let s = run(&data, true);
        assert_eq!(s.lines().count(), text.lines().count(), "one line per row");
        // Rows in file order, each with its line.
        for (i, l) in s.lines().skip(1).enumerate() {
            assert!(l.ends_with(&format!(",{}", i + 2)), "{l}");
        }
        // Any block size and number of threads gives the same bytes.
        let (head_line, body) = text.split_once('\n').unwrap();
        let head = format!("{head_line}\n{}\n", body.lines().next().unwrap());
        let key = ["ewp_name".to_string()];
        let mut lay = layout("d.csv", None, head.as_bytes(), &key).unwrap();
        let input = Input {
            name: "d.csv".into(),
            prefix: None,
            bytes: text.as_bytes(),
        };
        let fw_text = FW.replace("format: 1\n", "format: 1\nunit_key: ewp_name\n");
        let (plan, _, _) = atrisk::assess("t.yaml", &fw_text, &[input]).unwrap();
        lay.parse_columns(&read_columns(&plan));
        let mut outputs = Vec::new();
        for (threads, block_bytes) in [(1, 1 << 20), (1, 1), (2, 90), (3, 400)] {
            let opts = Options {
                threads,
                block_bytes,
                years: None,
            };
            let mut out = Vec::new();
            write_csv(body.as_bytes(), 2, &plan, &lay, &opts, &mut out).unwrap();
            outputs.push(String::from_utf8(out).unwrap());
        }
        assert!(outputs.windows(2).all(|w| w[0] == w[1]));
        streamed.push(s);
    }
    assert_eq!(
        memory[0], memory[1],
        "the in-memory output does not depend on the order"
    );
    let m = by_unit_year(&memory[0]);
    let (a, b) = (by_unit_year(&streamed[0]), by_unit_year(&streamed[1]));
    assert_eq!(a, b);
    assert_eq!(a.len(), grouped(false).lines().count() - 1);
    assert!(a.iter().all(|(k, v)| m.get(k) == Some(v)));
    assert!(
        a.values().filter(|v| !v[3].is_empty()).count() > 30,
        "most rows scored"
    );
}

#[test]
fn in_memory_the_columns_no_measure_reads_are_not_read_either() {
    // As streamed: a cell of a column the framework does not read is not
    // parsed, so `junk` there changes nothing; `validate` still checks it,
    // and a misspelt column is still told the name of an unread one.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.yaml"), FW).unwrap();
    fs::write(dir.path().join("numbers.csv"), synthetic(12, "7")).unwrap();
    fs::write(dir.path().join("junk.csv"), synthetic(12, "junk")).unwrap();
    let score = |data: &str| {
        let o = atrisk()
            .current_dir(dir.path())
            .args(["score", "--framework", "t.yaml", "--data", data])
            .args(["--no-shipped-data", "--format", "csv", "--years"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        String::from_utf8(o.stdout).unwrap()
    };
    let numbers = score("numbers.csv");
    assert!(numbers.lines().count() > 100, "{numbers}");
    assert_eq!(score("junk.csv"), numbers);
    let o = atrisk()
        .current_dir(dir.path())
        .args(["validate", "t.yaml", "--data", "junk.csv"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("D004"), "{o:?}");
    fs::write(
        dir.path().join("typo.yaml"),
        FW.replace(
            "column: y, transform: [{rolling",
            "column: unusd, transform: [{rolling",
        ),
    )
    .unwrap();
    let o = atrisk()
        .current_dir(dir.path())
        .args(["score", "--framework", "typo.yaml", "--data", "numbers.csv"])
        .arg("--no-shipped-data")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("D010") && err.contains("did you mean `unused`?"),
        "{err}"
    );
}
