//! Hostile and broken inputs, run through the real binary.
//!
//! 1. The corpus in tests/hostile/ (listed with the expected code and a
//!    message fragment in tests/hostile/cases.txt): each case gives its
//!    expected diagnostic (or succeeds when `ok`), with the right exit code,
//!    a hint, no panic, and the full output kept as a snapshot.
//! 2. Cases made at test time because they are large or not files: a
//!    directory, /dev/null, a named pipe, an endless stream, an enormous
//!    field, a 100,000-value framework, a panel that would need billions of
//!    cells.
//! 3. Outputs: never an input (also a framework reached through `extends`
//!    or a hard link), a missing folder is O002, a named pipe is written in
//!    place, and no temporary file is left behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;
#[cfg(unix)]
use common::run_within_1_gib;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in `dir` with colour off.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atrisk"))
        .current_dir(dir)
        .env_remove("ATRISK_COLOR")
        .arg("--color")
        .arg("never")
        .args(args)
        .output()
        .expect("atrisk runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).replace("\r\n", "\n")
}

/// The exit code that a diagnostic code implies.
fn exit_for(code: &str) -> i32 {
    match code {
        "ok" => 0,
        "L001" | "L002" | "L003" | "L004" => 2,
        "L012" => 64,
        c if c.starts_with('F') => 2,
        c if c.starts_with('U') => 64,
        c if c.starts_with('D') || c.starts_with('L') => 3,
        c if c.starts_with('O') => 74,
        c => panic!("no exit code for {c}"),
    }
}

/// One line of cases.txt.
struct Case {
    file: String,
    expected: String,
    fragment: String,
    global: Vec<String>,
    extra: Vec<String>,
}

fn cases() -> Vec<Case> {
    let list = std::fs::read_to_string(root().join("tests/hostile/cases.txt")).expect("cases.txt");
    list.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split(" | ").map(str::trim).collect();
            assert!(parts.len() >= 3, "bad case line: {l}");
            let flags = parts.get(3).copied().unwrap_or("");
            // Flags after a lone `--` go after the subcommand's arguments.
            let (global, extra) = match flags.find("-- ") {
                Some(i) if i == 0 || flags[..i].ends_with(' ') => (&flags[..i], &flags[i + 3..]),
                _ => (flags, ""),
            };
            Case {
                file: parts[0].to_string(),
                expected: parts[1].to_string(),
                fragment: parts[2].to_string(),
                global: global.split_whitespace().map(String::from).collect(),
                extra: extra.split_whitespace().map(String::from).collect(),
            }
        })
        .collect()
}

/// The command line of a case.
fn args_of(case: &Case) -> Vec<String> {
    let file = format!("tests/hostile/{}", case.file);
    let folder = case.file.split('/').next().unwrap_or("");
    let mut args = case.global.clone();
    let own_framework = case.extra.iter().any(|a| a == "--framework");
    let mut push = |xs: &[&str]| args.extend(xs.iter().map(|s| (*s).to_string()));
    match folder {
        "yaml" => push(&["validate", &file]),
        "csv" => {
            push(&["score", "--data", &file, "--format", "csv"]);
            if !own_framework {
                push(&["--framework", "tests/fixtures/minimal.yaml"]);
            }
        }
        "assessments" => push(&[
            "score",
            "--framework",
            "tests/fixtures/qualitative.yaml",
            "--data",
            "tests/fixtures/data/minimal.csv",
            "--assessments",
            &file,
            "--format",
            "csv",
        ]),
        f => panic!("unknown corpus folder {f}"),
    }
    args.extend(case.extra.iter().cloned());
    args
}

#[test]
fn every_corpus_case_gives_its_expected_result() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    // Every file of the corpus is listed, and every listed file exists.
    for folder in ["csv", "yaml", "assessments"] {
        for e in std::fs::read_dir(root().join("tests/hostile").join(folder)).expect("folder") {
            let name = format!(
                "{folder}/{}",
                e.expect("entry").file_name().to_string_lossy()
            );
            assert!(
                cases.iter().any(|c| c.file == name),
                "{name} is not in cases.txt"
            );
        }
    }
    let mut failures = Vec::new();
    for case in &cases {
        let args = args_of(case);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_in(root(), &refs);
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        let want = exit_for(&case.expected);
        let mut problems = Vec::new();
        if o.status.code() != Some(want) {
            problems.push(format!("exit {:?}, expected {want}", o.status.code()));
        }
        if err.contains("panicked") {
            problems.push("panicked".to_string());
        }
        let shown = if case.expected == "ok" {
            &out
        } else {
            let first = err.lines().find(|l| l.starts_with("error["));
            let wanted = format!("error[{}]", case.expected);
            if !first.is_some_and(|l| l.starts_with(&wanted)) {
                problems.push(format!("first error is {first:?}, expected {wanted}"));
            }
            if !err.contains("= help: ") {
                problems.push("no hint".to_string());
            }
            if !out.is_empty() {
                problems.push("output written despite the error".to_string());
            }
            &err
        };
        if !shown.contains(&case.fragment) {
            problems.push(format!("no `{}` in the output", case.fragment));
        }
        if problems.is_empty() {
            let name = case.file.replace(['/', '.'], "_");
            let snap = if case.expected == "ok" {
                format!(
                    "$ atrisk {}\n--- stdout\n{out}--- stderr\n{err}",
                    args.join(" ")
                )
            } else {
                format!("$ atrisk {}\n{err}", args.join(" "))
            };
            insta::assert_snapshot!(name, snap);
        } else {
            failures.push(format!(
                "{}: {}\nstderr:\n{err}",
                case.file,
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ------------------------------------------------------------ made at test time

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn minimal_csv() -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/data/minimal.csv")).expect("fixture")
}

fn minimal_yaml() -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/minimal.yaml")).expect("fixture")
}

/// Asserts the exit code and the first error code.
fn assert_error(o: &Output, exit: i32, code: &str) -> String {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(exit), "stderr:\n{err}");
    assert!(
        err.contains(&format!("error[{code}]")),
        "no {code} in:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn a_directory_as_framework_or_data_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("folder")).expect("mkdir");
    let o = run_in(dir.path(), &["validate", "folder"]);
    let err = assert_error(&o, 2, "F000");
    assert!(err.contains("directory"), "{err}");
    write(dir.path(), "m.yaml", &minimal_yaml());
    let o = run_in(
        dir.path(),
        &["score", "--framework", "m.yaml", "--data", "folder"],
    );
    assert_error(&o, 3, "D001");
    let o = run_in(
        dir.path(),
        &["score", "--framework", "m.yaml", "--data", "folder/"],
    );
    assert_error(&o, 3, "D001");
}

/// `atrisk GLOBAL... score --framework tests/fixtures/minimal.yaml --data DATA`.
fn score_minimal(global: &[&str], data: &str) -> Output {
    let mut args = global.to_vec();
    args.extend([
        "score",
        "--framework",
        "tests/fixtures/minimal.yaml",
        "--data",
        data,
    ]);
    run_in(root(), &args)
}

#[cfg(unix)]
#[test]
fn dev_null_is_an_empty_file() {
    let o = run_in(root(), &["validate", "/dev/null"]);
    let err = assert_error(&o, 2, "F001");
    assert!(err.contains("is empty"), "{err}");
    let o = score_minimal(&[], "/dev/null");
    assert_error(&o, 3, "D002");
}

#[cfg(unix)]
#[test]
fn endless_streams_stop_at_the_size_limits() {
    let start = Instant::now();
    let o = run_in(
        root(),
        &["--limit", "framework-bytes=100000", "validate", "/dev/zero"],
    );
    let err = assert_error(&o, 2, "L001");
    assert!(err.contains("--limit framework-bytes="), "{err}");
    let o = score_minimal(&["--limit", "data-bytes=100000"], "/dev/zero");
    let err = assert_error(&o, 3, "L005");
    assert!(err.contains("--limit data-bytes="), "{err}");
    assert!(start.elapsed() < Duration::from_secs(60));
}

/// A named pipe in a new temporary folder; `None` (and a note) when
/// `mkfifo` is not available.
#[cfg(unix)]
fn temp_fifo(name: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join(name);
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; skipped");
        return None;
    }
    Some((dir, fifo))
}

/// Whether a thread finishes within two seconds.
#[cfg(unix)]
fn settles<T>(t: &std::thread::JoinHandle<T>) -> bool {
    let start = Instant::now();
    while !t.is_finished() {
        if start.elapsed() > Duration::from_secs(2) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_like_a_file() {
    let Some((dir, fifo)) = temp_fifo("data.csv") else {
        return;
    };
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(&fifo, minimal_csv()))
    };
    write(dir.path(), "m.yaml", &minimal_yaml());
    let o = run_in(
        dir.path(),
        &[
            "score",
            "--framework",
            "m.yaml",
            "--data",
            "data.csv",
            "--format",
            "csv",
        ],
    );
    if !settles(&writer) {
        // atrisk never opened the pipe: unblock the writer before failing.
        let _ = std::fs::read(&fifo);
    }
    writer.join().expect("writer").expect("written");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("CCC"));
}

#[test]
fn an_enormous_field_is_refused_at_the_default_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = b"iso3,country,year,x,y\nAAA,".to_vec();
    csv.extend(std::iter::repeat_n(b'A', 1 << 20));
    csv.extend(b",2019,1,0.9\n");
    write(dir.path(), "big.csv", &csv);
    write(dir.path(), "m.yaml", &minimal_yaml());
    let o = run_in(
        dir.path(),
        &["score", "--framework", "m.yaml", "--data", "big.csv"],
    );
    let err = assert_error(&o, 3, "L006");
    assert!(err.contains("big.csv:2:5"), "{err}");
    assert!(err.contains("`csv-field-bytes` of 65536"), "{err}");
}

#[test]
fn a_framework_of_100000_values_is_refused_quickly_unless_the_limit_is_raised() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut yaml = String::from("# synthetic\ndescription: [");
    for i in 0..100_000 {
        yaml.push_str(&format!("v{i},"));
    }
    yaml.push_str("]\n");
    write(dir.path(), "many.yaml", yaml.as_bytes());
    let start = Instant::now();
    let o = run_in(dir.path(), &["validate", "many.yaml"]);
    let err = assert_error(&o, 2, "L003");
    assert!(err.contains("--limit yaml-nodes="), "{err}");
    assert!(start.elapsed() < Duration::from_secs(30));
    // Raised, the same file goes past the limit to the next error.
    let o = run_in(
        dir.path(),
        &["--limit", "yaml-nodes=200000", "validate", "many.yaml"],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("error[L003]"), "{err}");
}

#[test]
fn a_panel_needing_billions_of_cells_is_refused_before_allocating() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cols = 200;
    let mut csv = String::from("iso3,year");
    for c in 0..cols {
        csv.push_str(&format!(",c{c}"));
    }
    csv.push('\n');
    let ones = ",1".repeat(cols);
    for i in 0..2000 {
        let year = if i % 2 == 0 { 1000 } else { 3000 };
        csv.push_str(&format!("C{i:05},{year}{ones}\n"));
    }
    write(dir.path(), "wide.csv", csv.as_bytes());
    write(dir.path(), "m.yaml", &minimal_yaml());
    // The grid of 4 million unit-years is refused first (L009); with that
    // budget raised, the 800 million cells are (L008).
    let score = ["score", "--framework", "m.yaml", "--data", "wide.csv"];
    let o = run_in(dir.path(), &score);
    let err = assert_error(&o, 3, "L009");
    assert!(err.contains("2000 units x 2001 years"), "{err}");
    let o = run_in(
        dir.path(),
        &[&["--limit", "grid-cells=5000000"][..], &score].concat(),
    );
    let err = assert_error(&o, 3, "L008");
    assert!(err.contains("2000 countries x 2001 years"), "{err}");
}

#[test]
fn limit_flags_are_checked() {
    for bad in ["rows=5", "csv-rows", "csv-rows=0", "csv-rows=lots"] {
        let o = run_in(root(), &["--limit", bad, "schema"]);
        assert_eq!(o.status.code(), Some(64), "--limit {bad}");
        assert!(text(&o.stderr).contains("--limit"), "--limit {bad}");
    }
}

// ---------------------------------------------------------------- outputs

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn output_never_replaces_a_framework_reached_through_extends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = minimal_yaml();
    write(dir.path(), "base.yaml", &base);
    write(
        dir.path(),
        "child.yaml",
        b"# synthetic\nformat: 1\nid: synthetic-child\ntitle: Synthetic child\nversion: 0.0.1\nextends: base.yaml\n",
    );
    write(dir.path(), "d.csv", &minimal_csv());
    for cmd in ["score", "summary", "explain", "graph", "report"] {
        let mut args = vec![cmd, "--framework", "child.yaml", "--data", "d.csv"];
        if cmd == "explain" {
            args.extend(["--country", "AAA"]);
        }
        args.extend(["-o", "base.yaml"]);
        let o = run_in(dir.path(), &args);
        let err = assert_error(&o, 64, "U001");
        assert!(err.contains("refusing to overwrite"), "{cmd}: {err}");
        assert_eq!(
            std::fs::read(dir.path().join("base.yaml")).expect("base"),
            base
        );
    }
    assert_eq!(listing(dir.path()), ["base.yaml", "child.yaml", "d.csv"]);
}

#[cfg(unix)]
#[test]
fn output_never_replaces_an_input_through_a_hard_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = minimal_csv();
    write(dir.path(), "d.csv", &csv);
    write(dir.path(), "m.yaml", &minimal_yaml());
    std::fs::hard_link(dir.path().join("d.csv"), dir.path().join("link.csv")).expect("link");
    let o = run_in(
        dir.path(),
        &[
            "score",
            "--framework",
            "m.yaml",
            "--data",
            "d.csv",
            "-o",
            "link.csv",
        ],
    );
    assert_error(&o, 64, "U001");
    assert_eq!(std::fs::read(dir.path().join("d.csv")).expect("d"), csv);
}

#[test]
fn output_into_a_missing_folder_is_o002_for_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        vec!["score"],
        vec!["summary"],
        vec!["schema"],
        vec!["man"],
        vec!["completions", "bash"],
        vec!["graph"],
    ] {
        let mut a = args.clone();
        a.extend(["-o", "no/such/folder/out.txt"]);
        let o = run_in(dir.path(), &a);
        let err = assert_error(&o, 74, "O002");
        assert!(
            err.contains("the folder `no/such/folder` does not exist"),
            "{err}"
        );
    }
    assert!(listing(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn output_to_a_named_pipe_writes_into_it() {
    let Some((dir, fifo)) = temp_fifo("out.pipe") else {
        return;
    };
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo))
    };
    let o = run_in(dir.path(), &["schema", "-o", "out.pipe"]);
    if !settles(&reader) {
        // atrisk never opened the pipe: unblock the reader before failing.
        let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
    }
    let got = reader.join().expect("reader").expect("read");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&got).contains("\"$schema\""));
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata(&fifo).expect("still there").file_type();
    assert!(kind.is_fifo(), "the pipe was replaced by a file");
    assert_eq!(listing(dir.path()), ["out.pipe"]);
}

#[test]
fn a_failed_write_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("out.txt")).expect("mkdir");
    let o = run_in(dir.path(), &["schema", "-o", "out.txt"]);
    assert_eq!(o.status.code(), Some(64), "{}", text(&o.stderr));
    assert_eq!(listing(dir.path()), ["out.txt"]);
    let o = run_in(dir.path(), &["schema", "-o", "fresh.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(listing(dir.path()), ["fresh.json", "out.txt"]);
}

#[test]
fn a_killed_run_never_leaves_a_partial_output_file() {
    // Killed at several moments of a run that writes a report; the output
    // is either absent or whole, never cut short. (A temporary file may be
    // left behind, as SECURITY.md says; it never has the output's name.)
    let dir = tempfile::tempdir().expect("temp dir");
    for delay_ms in [50, 300, 700, 1200] {
        let out = dir.path().join("report.html");
        let _ = std::fs::remove_file(&out);
        let mut child = Command::new(env!("CARGO_BIN_EXE_atrisk"))
            .current_dir(root())
            .args(["report", "-o"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("atrisk starts");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if let Ok(bytes) = std::fs::read(&out) {
            let html = text(&bytes);
            assert!(
                html.trim_end().ends_with("</html>"),
                "killed after {delay_ms} ms: a partial report.html ({} bytes)",
                bytes.len()
            );
        }
        for name in listing(dir.path()) {
            assert!(
                name == "report.html"
                    || (name.starts_with(".report.html.") && name.ends_with(".tmp")),
                "unexpected file {name}"
            );
        }
    }
}

// ------------------------------------------------- derived work, fit, flags

/// A synthetic framework of two indicators reading `x` and `y`, then
/// `themes` as given (YAML lines).
fn themed(themes: &str) -> String {
    format!(
        "# synthetic\nformat: 1\nid: synthetic-themes\ntitle: Synthetic themes\nversion: 0.0.1\ncrimes:\n  - {{id: c, title: C}}\nrisk_factors:\n  - {{id: r, title: R, crimes: [c], kind: dynamic}}\nindicators:\n  - {{id: i0, risk_factor: r, text: T, measures: [{{column: x, direction: higher_is_riskier, normalise: {{goalposts: {{min: 0, max: 10}}}}}}]}}\n  - {{id: i1, risk_factor: r, text: T, measures: [{{column: y, direction: higher_is_riskier, normalise: {{goalposts: {{min: 0, max: 10}}}}}}]}}\nthemes:\n{themes}"
    )
}

/// Themes `a_k` and `b_k` that both hold `a_{k-1}` and `b_{k-1}`: 2^k paths
/// to the indicators at level k.
fn diamond(levels: usize) -> String {
    let mut t = String::from(
        "  - {id: a0, title: A, members: [i0, i1]}\n  - {id: b0, title: B, members: [i0, i1]}\n",
    );
    for k in 1..levels {
        let p = k - 1;
        t.push_str(&format!(
            "  - {{id: a{k}, title: A, members: [a{p}, b{p}]}}\n  - {{id: b{k}, title: B, members: [a{p}, b{p}]}}\n"
        ));
    }
    themed(&t)
}

/// A chain of themes, each holding the one before and both indicators.
fn chain(n: usize) -> String {
    let mut t = String::from("  - {id: t0, title: T, members: [i0, i1]}\n");
    for k in 1..n {
        t.push_str(&format!(
            "  - {{id: t{k}, title: T, members: [t{}, i0, i1]}}\n",
            k - 1
        ));
    }
    themed(&t)
}

#[cfg(unix)]
#[test]
fn explain_stays_small_on_themes_that_share_members() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = String::from("iso3,year,x,y\n");
    for u in 0..5 {
        for y in 2000..2005 {
            data.push_str(&format!("U{u:03},{y},{},{}\n", (u + y) % 10, u % 7));
        }
    }
    write(dir.path(), "d.csv", data.as_bytes());
    // 2^40 paths through the diamond, about 80,000 through the chain;
    // both files far under 1 MB
    write(dir.path(), "diamond.yaml", diamond(40).as_bytes());
    assert!(diamond(40).len() + chain(400).len() + data.len() < 1 << 20);
    write(dir.path(), "chain.yaml", chain(400).as_bytes());
    for fw in ["diamond.yaml", "chain.yaml"] {
        for format in ["text", "json"] {
            let args = [
                "explain",
                "--framework",
                fw,
                "--data",
                "d.csv",
                "--country",
                "U001",
                "--format",
                format,
            ];
            let o = run_within_1_gib(dir.path(), &args);
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(0), "{fw} {format}: {err}");
            // every node written a bounded number of times: well under
            // the budget of 100,000 nodes
            assert!(
                o.stdout.len() < 4_000_000,
                "{fw} {format}: {} bytes",
                o.stdout.len()
            );
            if format == "json" {
                let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
                assert_eq!(v["repeats_by_reference"], true, "{fw}");
                assert!(text(&o.stdout).contains("\"detailed_above\": true"));
            } else {
                assert!(text(&o.stdout).contains("(detailed above)"), "{fw}");
            }
        }
        let o = run_in(
            dir.path(),
            &[
                "--limit",
                "explain-nodes=40",
                "explain",
                "--framework",
                fw,
                "--data",
                "d.csv",
                "--country",
                "U001",
                "--format",
                "json",
            ],
        );
        let err = assert_error(&o, 2, "L013");
        assert!(err.contains("--limit explain-nodes=N"), "{err}");
        assert!(o.stdout.is_empty());
    }
    // a small diamond fits the budget: repeats are copied in full, and
    // the copies equal the subtree explained first
    write(dir.path(), "small.yaml", diamond(3).as_bytes());
    let o = run_in(
        dir.path(),
        &[
            "explain",
            "--framework",
            "small.yaml",
            "--data",
            "d.csv",
            "--country",
            "U001",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v.get("repeats_by_reference").is_none());
    let themes = v["themes"].as_array().expect("themes");
    let a2 = themes.iter().find(|t| t["id"] == "a2").expect("a2");
    let kids = a2["children"].as_array().expect("children");
    assert_eq!(kids.len(), 2);
    assert_eq!(kids[0]["children"], kids[1]["children"]);
    assert_eq!(kids[0]["children"].as_array().map(Vec::len), Some(2));
}

const FIT_FW: &str = "tests/fixtures/backtest/fw.yaml";
const FIT_DATA: &str = "tests/fixtures/backtest/data.csv";
const FIT_EVENTS: &str = "tests/fixtures/backtest/events.csv";

/// `atrisk fit` on the synthetic backtest fixtures, from the repository.
fn fit_args<'a>(fw: &'a str, data: &'a str, events: &'a str, lambda: &'a str) -> Vec<&'a str> {
    vec![
        "fit",
        "--framework",
        fw,
        "--data",
        data,
        "--events",
        events,
        "--horizon",
        "1",
        "--node",
        "b.logit",
        "--through",
        "2002",
        "--lambda",
        lambda,
    ]
}

#[cfg(unix)]
#[test]
fn fit_output_never_replaces_a_link_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = write(dir.path(), "target.txt", b"keep me\n");
    let dangling = dir.path().join("dangling.yaml");
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("link");
    std::os::unix::fs::symlink(&target, &link).expect("link");
    for out in [&dangling, &link] {
        let mut args = fit_args(FIT_FW, FIT_DATA, FIT_EVENTS, "0.01");
        let o_path = out.display().to_string();
        args.extend(["-o", &o_path]);
        let o = run_in(root(), &args);
        let err = assert_error(&o, 64, "B016");
        assert!(err.contains("--force"), "{err}");
        assert!(
            std::fs::symlink_metadata(out)
                .expect("still there")
                .is_symlink()
        );
    }
    assert!(!dir.path().join("nowhere").exists());
    // a file or a folder at the path: refused the same way, left as it was
    let folder = dir.path().join("folder.yaml");
    std::fs::create_dir(&folder).expect("folder");
    for out in [&target, &folder] {
        let mut args = fit_args(FIT_FW, FIT_DATA, FIT_EVENTS, "0.01");
        let o_path = out.display().to_string();
        args.extend(["-o", &o_path]);
        assert_error(&run_in(root(), &args), 64, "B016");
    }
    assert_eq!(std::fs::read(&target).expect("target"), b"keep me\n");
    assert!(folder.is_dir());
    std::fs::remove_dir(&folder).expect("removed");
    // --force replaces the link itself, never what it leads to
    let mut args = fit_args(FIT_FW, FIT_DATA, FIT_EVENTS, "0.01");
    let o_path = link.display().to_string();
    args.extend(["-o", &o_path, "--force"]);
    let o = run_in(root(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!std::fs::symlink_metadata(&link).expect("file").is_symlink());
    assert_eq!(std::fs::read(&target).expect("target"), b"keep me\n");
    assert_eq!(listing(dir.path()).len(), 3, "{:?}", listing(dir.path()));
    // --force never replaces an input
    let mut args = fit_args(FIT_FW, FIT_DATA, FIT_EVENTS, "0.01");
    args.extend(["-o", FIT_FW, "--force"]);
    assert_error(&run_in(root(), &args), 64, "U001");
}

#[test]
fn fit_refuses_a_merge_key_it_cannot_keep_and_replaces_an_alias() {
    let o = run_in(
        root(),
        &fit_args("tests/hostile/fit/merge.yaml", FIT_DATA, FIT_EVENTS, "0.01"),
    );
    let err = assert_error(&o, 2, "B015");
    assert!(err.contains("merge key `<<: *m`"), "{err}");
    assert!(o.stdout.is_empty());
    let o = run_in(
        root(),
        &fit_args("tests/hostile/fit/alias.yaml", FIT_DATA, FIT_EVENTS, "0.01"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    // the comments and the anchor stay; the output loads
    assert!(
        out.contains("# Synthetic framework with YAML anchors"),
        "{out}"
    );
    assert!(out.contains("weight: &w "), "{out}");
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "fitted.yaml", &o.stdout);
    let v = run_in(dir.path(), &["validate", "fitted.yaml"]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stderr));
}

#[test]
fn fit_names_a_constant_predictor_and_separation() {
    let o = run_in(
        root(),
        &fit_args(FIT_FW, "tests/hostile/fit/constant.csv", FIT_EVENTS, "0.01"),
    );
    let err = assert_error(&o, 3, "B019");
    assert!(err.contains("`b.logit/x` (5)"), "{err}");
    assert!(!err.contains("lower --lambda"), "{err}");
    // the classes meet only at x = 9: quasi-complete separation, not a
    // fit that merely did not converge
    let quasi = |lambda| {
        run_in(
            root(),
            &fit_args(
                FIT_FW,
                "tests/hostile/fit/quasi.csv",
                "tests/fixtures/backtest/separated.csv",
                lambda,
            ),
        )
    };
    let err = assert_error(&quasi("0"), 3, "B011");
    assert!(
        err.contains("`b.logit/x` alone separates the outcomes quasi-completely"),
        "{err}"
    );
    assert!(
        err.contains("reweighting steps with the gradient norm at"),
        "{err}"
    );
    assert!(!err.contains("B012"), "{err}");
    // with a penalty the same rows fit
    let o = quasi("0.01");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn huge_numeric_flags_are_usage_errors() {
    let events = "examples/data/mass-killing-onsets.csv";
    for args in [
        vec!["backtest", "--events", events, "--horizon", "4294967295"],
        vec![
            "backtest",
            "--events",
            events,
            "--horizon",
            "99999999999999999999",
        ],
        vec!["backtest", "--events", events, "--horizon=-1"],
        vec!["backtest", "--events", events, "--from", "2147483647"],
        vec![
            "backtest",
            "--events",
            events,
            "--refit-every",
            "4294967296",
        ],
        vec![
            "backtest",
            "--events",
            events,
            "--refit-every",
            "1",
            "--cv-folds",
            "18446744073709551616",
        ],
        vec![
            "fit",
            "--events",
            events,
            "--cv",
            "99999999999",
            "--through",
            "2010",
        ],
        vec![
            "fit",
            "--events",
            events,
            "--lambda",
            "0.1",
            "--through=-2147483648",
        ],
    ] {
        let o = run_in(root(), &args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(64), "{args:?}: {err}");
        assert!(err.contains("is a whole number from"), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("overflow"),
            "{err}"
        );
    }
}
