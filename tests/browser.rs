//! The HTML report in a real browser: headless Chromium renders the report of
//! the shipped data to a screenshot and to its DOM, with no console error.
//!
//! Skipped, with a message, only when no Chromium binary is found (set
//! `CHROMIUM` to its path, or put `chromium` on the PATH; `.ci/run` installs
//! it). The screenshot is kept at `target/tmp/browser/report.png` for people
//! to look at.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

/// Budget for one browser run.
const BROWSER_TIME: Duration = Duration::from_secs(180);

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM").map(PathBuf::from) {
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser"]
                .into_iter()
                .map(move |n| dir.join(n))
        })
        .find(|p| p.is_file())
}

/// Runs headless Chromium on a page with extra arguments.
fn browse(chromium: &Path, profile: &Path, page: &Path, extra: &[String]) -> Output {
    Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .timeout(BROWSER_TIME)
        .output()
        .expect("chromium runs")
}

/// Console messages, uncaught exceptions and blocked or failed loads in
/// Chromium's log. The report has no script, so any console message is one
/// too many.
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.contains(":CONSOLE")
                || l.contains("Uncaught")
                || l.contains("Refused to")
                || l.contains("net::ERR_")
        })
        .collect()
}

#[test]
fn console_messages_are_caught() {
    let log = "[1:1:1127/035130.555613:INFO:CONSOLE:1] \"boom\", source: file:///x.html (1)\n\
               [1:1:1127/035130.555676:INFO:CONSOLE:1] \"Uncaught Error: bad\", source: file:///x.html (1)\n\
               [1:1:1127/035130.555676:ERROR:dbus/bus.cc:405] Failed to connect to the bus";
    assert_eq!(console_errors(log).len(), 2);
}

#[test]
fn report_renders_in_headless_chromium_without_console_errors() {
    let Some(chromium) = chromium() else {
        println!(
            "SKIPPED: no chromium binary found (install Debian's `chromium`, or set CHROMIUM to its path)"
        );
        return;
    };
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&out_dir).expect("output folder");
    let page = out_dir.join("report.html");
    let shot = out_dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    Command::cargo_bin("atrisk")
        .expect("the atrisk binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--color", "never", "report", "-o"])
        .arg(&page)
        .assert()
        .success();

    // A screenshot of the first 2400 pixels.
    let profile = tempfile::tempdir().expect("profile folder");
    let o = browse(
        &chromium,
        profile.path(),
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".to_string(),
        ],
    );
    let log = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "chromium failed:\n{log}");
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console errors:\n{}", errors.join("\n"));
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank 1280x2400 page compresses to a few kilobytes; the charts do not.
    assert!(
        png.len() > 50_000,
        "screenshot looks empty: {} bytes",
        png.len()
    );
    println!("screenshot: {}", shot.display());

    // The DOM after rendering: every section and chart is there.
    let profile = tempfile::tempdir().expect("profile folder");
    let o = browse(
        &chromium,
        profile.path(),
        &page,
        &["--dump-dom".to_string()],
    );
    let log = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "chromium failed:\n{log}");
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console errors:\n{}", errors.join("\n"));
    let dom = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "Atrocity risk report",
        "The 20 highest-scoring countries",
        "Risk factors of the watch-list countries",
        "Movers: the largest rises",
        "Country briefs",
        "Full ranking",
        "Sources and licences",
        "Method and caveats",
    ] {
        assert!(dom.contains(needle), "`{needle}` not in the rendered DOM");
    }
    assert!(
        dom.matches("<svg").count() > 176,
        "charts missing from the DOM"
    );
}
