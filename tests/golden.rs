//! Golden outputs: every subcommand on the shipped framework and data, in
//! every format, compared byte for byte with the files in `tests/golden/`.
//! The cases are listed in `tests/golden/cases.txt`; re-record them
//! deliberately, after a change meant to alter output, with
//! `ATRISK_BLESS=1 cargo test --test golden`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sha2::{Digest, Sha256};

/// Outputs larger than this are kept as a digest.
const FULL_MAX: usize = 1 << 20;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn digest(bytes: &[u8]) -> String {
    let h = Sha256::digest(bytes);
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}  {} bytes\n", bytes.len())
}

struct Case {
    name: String,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text = fs::read_to_string(root().join("tests/golden/cases.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, args) = l.split_once('\t').expect("NAME<TAB>ARGS");
            Case {
                name: name.to_string(),
                args: args.split(' ').map(str::to_string).collect(),
            }
        })
        .collect()
}

/// Runs one case; returns its output bytes.
fn output(case: &Case, tmp: &Path) -> Vec<u8> {
    let out_file = tmp.join(&case.name);
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("{out}", out_file.to_str().unwrap()))
        .collect();
    let o = Command::cargo_bin("atrisk")
        .unwrap()
        .current_dir(root())
        .env_remove("ATRISK_COLOR")
        .args(["--color", "never"])
        .args(&args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}: exit {:?}\n{}",
        case.name,
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.stderr.is_empty(),
        "{}: unexpected standard error\n{}",
        case.name,
        String::from_utf8_lossy(&o.stderr)
    );
    if case.args.iter().any(|a| a.contains("{out}")) {
        fs::read(&out_file).unwrap()
    } else {
        o.stdout
    }
}

#[test]
fn every_subcommand_gives_its_golden_output() {
    let dir = root().join("tests/golden");
    let tmp = tempfile::tempdir().unwrap();
    let bless = std::env::var_os("ATRISK_BLESS").is_some();
    let cases = cases();
    // The cases run side by side: each is a separate process.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let outputs: Vec<(usize, Vec<u8>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { break };
                        done.push((i, output(case, tmp.path())));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut differ = Vec::new();
    for (i, got) in outputs {
        let case = &cases[i];
        let full = dir.join(&case.name);
        let sum = dir.join(format!("{}.sha256", case.name));
        if bless {
            let _ = fs::remove_file(&full);
            let _ = fs::remove_file(&sum);
            if got.len() > FULL_MAX {
                fs::write(&sum, digest(&got)).unwrap();
            } else {
                fs::write(&full, &got).unwrap();
            }
            continue;
        }
        let same = if got.len() > FULL_MAX {
            fs::read_to_string(&sum).ok() == Some(digest(&got))
        } else {
            fs::read(&full).ok().as_deref() == Some(&got[..])
        };
        if !same {
            fs::write(tmp.path().join(format!("{}.new", case.name)), &got).unwrap();
            differ.push(case.name.clone());
        }
    }
    differ.sort();
    if !differ.is_empty() {
        let keep = tmp.keep();
        panic!(
            "{} output(s) differ from tests/golden: {differ:?}; the new outputs are in {} (re-record deliberately with ATRISK_BLESS=1)",
            differ.len(),
            keep.display()
        );
    }
}
