//! Hostile ways of running atrisk, through the real binary: readers that go
//! away (closed pipes on standard output and standard error), full disks,
//! numbers out of range, output paths that already hold something, names
//! that match several units, and text from inputs on its way to tables,
//! summaries and reports. All inputs are synthetic.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn atrisk(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_atrisk"));
    c.current_dir(dir)
        .env_remove("ATRISK_COLOR")
        .args(["--color", "never"]);
    c
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    atrisk(dir).args(args).output().expect("atrisk runs")
}

/// Runs atrisk with the arguments of a command line (split at spaces).
fn run_line(dir: &Path, line: &str) -> Output {
    run_in(dir, &line.split_whitespace().collect::<Vec<_>>())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// Asserts the exit code and that nothing panicked; returns standard error.
fn exits(o: &Output, code: i32) -> String {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "stderr:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn write(dir: &Path, name: &str, content: &str) {
    std::fs::write(dir.join(name), content).expect("write");
}

/// A folder with the minimal framework as `m.yaml`.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let fw = std::fs::read_to_string(root().join("tests/fixtures/minimal.yaml")).expect("fixture");
    write(dir.path(), "m.yaml", &fw);
    dir
}

// ------------------------------------------------------------ closed pipes

/// Runs atrisk with the read end of standard output (or error) closed
/// before it writes anything, or after the first `keep` bytes were read.
#[cfg(unix)]
fn with_reader_gone(args: &[&str], stderr_too: bool, keep: usize) -> Output {
    let mut child = atrisk(root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("atrisk starts");
    let mut out = child.stdout.take().expect("stdout");
    if keep > 0 {
        let mut first = vec![0u8; keep];
        out.read_exact(&mut first).expect("first bytes");
    }
    drop(out);
    let err = if stderr_too {
        drop(child.stderr.take());
        Vec::new()
    } else {
        let mut e = Vec::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_end(&mut e)
            .expect("stderr");
        e
    };
    let status = child.wait().expect("atrisk ends");
    Output {
        status,
        stdout: Vec::new(),
        stderr: err,
    }
}

#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_ends_the_run_quietly_with_exit_0() {
    // `| head -1`: the reader takes a little, then closes.
    for args in [
        vec!["score", "--format", "csv", "--years"],
        vec!["validate"],
        vec!["schema"],
        vec!["graph"],
    ] {
        let o = with_reader_gone(&args, false, 1);
        let err = exits(&o, 0);
        assert!(err.is_empty(), "{args:?}: {err}");
    }
    // Both standard output and standard error closed, with warnings and
    // with errors to print on standard error.
    let warn = "tests/fixtures/warnings.yaml";
    for args in [
        vec!["validate", warn],
        vec!["validate", "tests/hostile/yaml/nan_goalpost.yaml"],
        vec!["score", "--framework", warn],
    ] {
        let o = with_reader_gone(&args, true, 0);
        exits(&o, 0);
    }
    // A streamed score whose reader goes away after the first bytes.
    let o = with_reader_gone(
        &[
            "score",
            "--stream",
            "--format",
            "csv",
            "--framework",
            "tests/fixtures/minimal.yaml",
            "--data",
            "tests/fixtures/data/minimal.csv",
        ],
        false,
        1,
    );
    exits(&o, 0);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_o001_naming_the_destination() {
    let full = || std::fs::File::create("/dev/full").expect("/dev/full");
    for args in [vec!["schema"], vec!["validate"], vec!["score"]] {
        let o = atrisk(root())
            .args(&args)
            .stdout(full())
            .output()
            .expect("runs");
        let err = exits(&o, 74);
        assert!(err.contains("error[O001]"), "{err}");
        assert!(err.contains("cannot write to standard output"), "{err}");
    }
    let o = run_line(root(), "schema -o /dev/full");
    let err = exits(&o, 74);
    assert!(err.contains("cannot write `/dev/full`"), "{err}");
    // Standard error full: whether it was to show warnings or errors, the
    // output was not written (74), and nothing panics.
    for args in [
        vec!["validate", "tests/hostile/yaml/nan_goalpost.yaml"],
        vec!["validate", "tests/fixtures/warnings.yaml"],
        vec![
            "score",
            "--framework",
            "tests/hostile/yaml/nan_goalpost.yaml",
        ],
    ] {
        let o = atrisk(root())
            .args(&args)
            .stderr(full())
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(74), "{args:?}");
    }
}

// ------------------------------------------------------------ numbers

#[test]
fn numbers_out_of_range_are_usage_errors() {
    let m = "tests/fixtures/minimal.yaml";
    let d = "tests/fixtures/data/minimal.csv";
    let cases: &[(&[&str], &str)] = &[
        (
            &["score", "--stream", "--format", "csv", "--threads", "0"],
            "from 1 to 256",
        ),
        (
            &["score", "--stream", "--format", "csv", "--threads", "65535"],
            "from 1 to 256",
        ),
        (
            &[
                "score",
                "--stream",
                "--format",
                "csv",
                "--threads",
                "99999999999999999999",
            ],
            "from 1 to 256",
        ),
        (&["score", "--year", "99999999999"], "from 1000 to 3000"),
        (&["score", "--year=-2020"], "from 1000 to 3000"),
        (&["score", "--years", "2019..99999"], "from 1000 to 3000"),
        (&["score", "--top", "0"], "leaves every list empty"),
        (
            &["summary", "--top", "18446744073709551616"],
            "from 0 to 100000",
        ),
        (&["summary", "--draws", "1000000000"], "from 0 to 100000"),
        (
            &["uncertainty", "--sensitivity-draws", "100001"],
            "from 0 to 100000",
        ),
        (
            &["explain", "--country", "AAA", "--year", "0"],
            "from 1000 to 3000",
        ),
    ];
    for (args, fragment) in cases {
        let mut all = args.to_vec();
        all.extend(["--framework", m, "--data", d]);
        let o = run_in(root(), &all);
        let err = exits(&o, 64);
        assert!(err.contains(fragment), "{args:?}: {err}");
    }
    // Within range, the same flags run.
    let o = run_in(
        root(),
        &[
            "score",
            "--stream",
            "--format",
            "csv",
            "--threads",
            "256",
            "--framework",
            m,
            "--data",
            d,
        ],
    );
    exits(&o, 0);
}

// ------------------------------------------------------------ new

#[cfg(unix)]
#[test]
fn new_never_replaces_what_is_there_unless_forced() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    write(p, "kept.txt", "mine\n");
    write(p, "taken.yaml", "mine\n");
    symlink("kept.txt", p.join("link.yaml")).expect("link");
    symlink("nowhere.txt", p.join("dangling.yaml")).expect("link");
    std::fs::create_dir(p.join("folder.yaml")).expect("folder");
    for name in ["taken", "link", "dangling", "folder"] {
        let o = run_in(p, &["new", name]);
        let err = exits(&o, 64);
        assert!(err.contains("error[U001]"), "{name}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(p.join("kept.txt")).expect("kept"),
        "mine\n"
    );
    assert!(
        !p.join("nowhere.txt").exists(),
        "written through a dangling link"
    );
    assert!(
        std::fs::symlink_metadata(p.join("dangling.yaml"))
            .is_ok_and(|m| m.file_type().is_symlink())
    );
    // Forced, the link itself is replaced, never what it leads to.
    let o = run_line(p, "new link --force");
    exits(&o, 0);
    let m = std::fs::symlink_metadata(p.join("link.yaml")).expect("there");
    assert!(m.is_file(), "the link was followed");
    assert_eq!(
        std::fs::read_to_string(p.join("kept.txt")).expect("kept"),
        "mine\n"
    );
    let o = run_line(p, "new dangling --force");
    exits(&o, 0);
    assert!(!p.join("nowhere.txt").exists());
    // A new name is written, whole, with no temporary file left.
    let o = run_line(p, "new fresh");
    assert_eq!(text(&o.stdout), "wrote fresh.yaml\n");
    let o = run_line(p, "validate fresh.yaml");
    exits(&o, 0);
    let mut names: Vec<String> = std::fs::read_dir(p)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "dangling.yaml",
            "folder.yaml",
            "fresh.yaml",
            "kept.txt",
            "link.yaml",
            "taken.yaml"
        ]
    );
}

// ------------------------------------------------------------ kinds

#[test]
fn an_exact_code_wins_and_an_ambiguous_name_is_listed() {
    let dir = folder();
    write(
        dir.path(),
        "d.csv",
        "iso3,country,year,x,y\nAAA,Twin,2019,1,0.5\naaa,Other,2019,2,0.5\nBBB,twin,2019,3,0.5\n",
    );
    let explain = |c: &str| {
        run_in(
            dir.path(),
            &[
                "explain",
                "--framework",
                "m.yaml",
                "--data",
                "d.csv",
                "--country",
                c,
            ],
        )
    };
    let o = explain("aaa");
    exits(&o, 0);
    assert!(text(&o.stdout).contains("Other"), "{}", text(&o.stdout));
    let o = explain("TWIN");
    let err = exits(&o, 64);
    assert!(err.contains("matches 2 units"), "{err}");
    assert!(
        err.contains("`AAA` (Twin)") && err.contains("`BBB` (twin)"),
        "{err}"
    );
    let o = explain("Aaa");
    let err = exits(&o, 64);
    assert!(err.contains("`AAA` (Twin), `aaa` (Other)"), "{err}");
}

#[test]
fn a_long_yearly_list_in_an_example_is_a_framework_error_at_the_example() {
    let dir = folder();
    let fw = std::fs::read_to_string(dir.path().join("m.yaml")).expect("m");
    let values = vec!["1"; 2002].join(", ");
    let fw = fw.replace(
        "        normalise: {goalposts: {min: 0, max: 10}}\n",
        &format!(
            "        normalise: {{goalposts: {{min: 0, max: 10}}}}\n    examples:\n      - given: {{x: [{values}]}}\n        value: 0.1\n"
        ),
    );
    write(dir.path(), "ex.yaml", &fw);
    let o = run_line(dir.path(), "test ex.yaml");
    let err = exits(&o, 2);
    assert!(err.contains("error[F021]"), "{err}");
    assert!(err.contains("ex.yaml:29:9"), "{err}");
    assert!(!err.contains("--> example"), "{err}");
    // 2001 values still fit in a panel.
    let fw = fw.replace(
        &format!("[{values}]"),
        &format!("[{}]", vec!["1"; 2001].join(", ")),
    );
    write(dir.path(), "ok.yaml", &fw);
    let o = run_line(dir.path(), "test ok.yaml");
    exits(&o, 0);
}

#[test]
fn a_json_document_over_its_budget_names_it() {
    let o = run_line(root(), "--limit json-nodes=100 score --format json");
    let err = exits(&o, 64);
    assert!(err.contains("error[L012]"), "{err}");
    assert!(err.contains("--year or --years"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn raw_is_the_cells_text() {
    let dir = folder();
    write(dir.path(), "d.csv", "iso3,year,x,y\nAAA,2019,1.50, 0.9\n");
    let o = run_line(
        dir.path(),
        "score --framework m.yaml --data d.csv --format json",
    );
    exits(&o, 0);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let raws: Vec<&str> = doc["results"][0]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["inputs"].as_array())
        .flatten()
        .map(|i| i["raw"].as_str().expect("raw"))
        .collect();
    assert_eq!(raws, [" 0.9", "1.50"]);
}

// ------------------------------------------------------------ sanitiser

/// Unsafe characters in a rendered text: controls other than tab and line
/// feed (carriage returns included), C1 controls and bidirectional controls.
fn unsafe_chars(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn names_and_titles_from_inputs_reach_tables_and_reports_escaped() {
    let dir = folder();
    let fw = std::fs::read_to_string(dir.path().join("m.yaml")).expect("m");
    let fw = fw
        .replace(
            "title: Synthetic minimal framework",
            "title: \"Synthetic\\r\\u202Eframework\"",
        )
        .replace(
            "title: Synthetic risk factor 9",
            "title: \"Factor\\u2067 nine\\r\"",
        );
    write(dir.path(), "t.yaml", &fw);
    write(
        dir.path(),
        "d.csv",
        "iso3,country,year,x,y\nAAA,\"Synth\retia\",2019,9,0.1\nBBB,B\u{202e}eta,2019,1,0.9\nBBB,B\u{202e}eta,2020,2,0.8\n",
    );
    let base = ["--framework", "t.yaml", "--data", "d.csv"];
    for args in [
        vec!["score"],
        vec!["score", "--format", "md"],
        vec!["summary", "--draws", "10"],
        vec!["summary", "--format", "md", "--draws", "10"],
        vec!["uncertainty", "--draws", "10"],
        vec!["report", "--draws", "10"],
        vec!["graph", "--format", "dot"],
        vec!["graph", "--format", "mermaid"],
        vec!["validate", "t.yaml", "--data", "d.csv"],
    ] {
        let mut all = args.clone();
        if args[0] != "validate" {
            all.extend(base);
        }
        let o = run_in(dir.path(), &all);
        exits(&o, 0);
        let out = text(&o.stdout);
        assert_eq!(unsafe_chars(&out), [], "{args:?}:\n{out}");
        assert_eq!(unsafe_chars(&text(&o.stderr)), [], "{args:?}");
        if args[0] == "score" || args[0] == "summary" {
            assert!(out.contains("B\\u{202e}eta"), "{args:?}:\n{out}");
        }
    }
    // Machine formats carry the texts as they are.
    let o = run_in(
        dir.path(),
        &[&["score", "--format", "csv"][..], &base].concat(),
    );
    assert!(text(&o.stdout).contains("B\u{202e}eta"));
}

#[test]
fn every_diagnostic_that_echoes_an_input_shows_it_escaped() {
    // One input per diagnostic that quotes a name, a value or a line of an
    // input; each holds a bidirectional override, and where the reader
    // allows it a carriage return.
    let dir = folder();
    let p = dir.path();
    let o = "\u{202e}";
    write(
        p,
        "bad_value.csv",
        &format!("iso3,year,x,y\nAAA,2019,1{o}0,0.5\n"),
    );
    write(
        p,
        "bad_year.csv",
        &format!("iso3,year,x,y\nAAA,\"20{o}\r19\",1,0.5\n"),
    );
    write(
        p,
        "dup_col.csv",
        &format!("iso3,year,x{o},x{o},y\nAAA,2019,1,1,0.5\n"),
    );
    write(
        p,
        "dup_row.csv",
        &format!("iso3,year,x,y\nA{o}A,2019,1,0.5\nA{o}A,2019,1,0.5\n"),
    );
    write(
        p,
        "no_iso3.csv",
        &format!("code{o},year,x,y\nAAA,2019,1,0.5\n"),
    );
    write(p, "ok.csv", "iso3,year,x,y\nAAA,2019,1,0.5\n");
    write(
        p,
        "assess_ind.csv",
        &format!("iso3,year,indicator,value\nAAA,2019,rf9.q{o},1\n"),
    );
    write(
        p,
        "assess_val.csv",
        &format!("iso3,year,indicator,value\nAAA,2019,rf9.q,\"pre{o}\rsent\"\n"),
    );
    write(
        p,
        "assess_conf.csv",
        &format!("iso3,year,indicator,value,confidence\nAAA,2019,rf9.q,1,hi{o}gh\n"),
    );
    write(
        p,
        "assess_country.csv",
        &format!("iso3,year,indicator,value\nZZ{o}Z,2019,rf9.q,1\n"),
    );
    let q = std::fs::read_to_string(root().join("tests/fixtures/qualitative.yaml")).expect("q");
    write(p, "q.yaml", &q);
    let fw = std::fs::read_to_string(p.join("m.yaml")).expect("m");
    write(
        p,
        "unknown_ref.yaml",
        &fw.replace("risk_factor: rf9", &format!("risk_factor: \"rf{o}9\"")),
    );
    write(
        p,
        "bad_id.yaml",
        &fw.replace("id: rf9.y", &format!("id: \"rf9.{o}y\"")),
    );
    write(
        p,
        "unknown_col.yaml",
        &fw.replace("column: y", &format!("column: \"y{o}\"")),
    );
    write(
        p,
        "cr_key.yaml",
        &fw.replace("title: Synthetic crime A", "title: A\n    \"col\\rour\": x"),
    );
    let score = |data: &'static str| vec!["score", "--framework", "m.yaml", "--data", data];
    let assess = |file: &'static str| {
        vec![
            "score",
            "--framework",
            "q.yaml",
            "--data",
            "ok.csv",
            "--assessments",
            file,
        ]
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (score("bad_value.csv"), "D004"),
        (score("bad_year.csv"), "D009"),
        (score("dup_col.csv"), "D005"),
        (score("dup_row.csv"), "D005"),
        (score("no_iso3.csv"), "D003"),
        (assess("assess_ind.csv"), "D016"),
        (assess("assess_val.csv"), "D013"),
        (assess("assess_conf.csv"), "D015"),
        (assess("assess_country.csv"), "D018"),
        (vec!["validate", "unknown_ref.yaml"], "F011"),
        (vec!["validate", "bad_id.yaml"], "F009"),
        (
            vec![
                "score",
                "--framework",
                "unknown_col.yaml",
                "--data",
                "ok.csv",
            ],
            "D010",
        ),
        (vec!["validate", "cr_key.yaml"], "F002"),
        (
            vec![
                "explain",
                "--framework",
                "m.yaml",
                "--data",
                "ok.csv",
                "--country",
                "A\u{202e}\rA",
            ],
            "U001",
        ),
        (
            vec![
                "graph",
                "--framework",
                "m.yaml",
                "--data",
                "ok.csv",
                "--focus",
                "rf\u{202e}1",
            ],
            "U001",
        ),
    ];
    for (args, code) in cases {
        let out = run_in(p, &args);
        let err = text(&out.stderr);
        assert!(err.contains(&format!("error[{code}]")), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(unsafe_chars(&err), [], "{args:?}:\n{err}");
        assert!(
            err.contains("\\u{202e}") || err.contains("\\r"),
            "{args:?}: the input is not echoed:\n{err}"
        );
    }
}
