//! The HTML report in a real browser, as a reader would see it: headless
//! Chromium renders the report of the shipped data at 420 and at 1,400
//! pixels wide, with every section opened, and the test fails when the page
//! is wider than the window, when any text is drawn smaller than 9 pixels
//! (SVG text at its rendered size), when the top of the page does not fit a
//! 1,400 x 900 laptop screen, or on a console error. The structure of the
//! rendered page (headings, sections, tables, the map's shapes and links,
//! not the bytes of its SVG) is kept as a snapshot.
//!
//! The report is read in a frame of the reader's width (headless Chromium
//! keeps its own window at least 500 pixels wide). Skipped, with a message,
//! only when no Chromium binary is found (set `CHROMIUM` to its path, or put
//! `chromium` on the PATH; `.ci/run` installs it). Screenshots of the first
//! 2,400 pixels at both widths, all sections closed and all open, are kept
//! in `target/tmp/browser/` for people to look at.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

/// Budget for one browser run.
const BROWSER_TIME: Duration = Duration::from_secs(180);

/// The widths a reader sees the report at: a phone and a laptop.
const WIDTHS: [u32; 2] = [420, 1400];

/// Height of the laptop screen the top of the page must fit.
const SCREEN_HEIGHT: u32 = 900;

/// Smallest text size allowed, in CSS pixels.
const MIN_TEXT_PX: f64 = 9.0;

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
fn browse(chromium: &Path, page: &Path, extra: &[String]) -> Output {
    let profile = tempfile::tempdir().expect("profile folder");
    Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .timeout(BROWSER_TIME)
        .output()
        .expect("chromium runs")
}

/// Console messages, uncaught exceptions and blocked or failed loads in
/// Chromium's log. The report's own script writes nothing to the console,
/// so any console message is one too many.
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

/// Measures the page once loaded and writes the figures as lines of
/// `key<TAB>value` into a `<pre id="probe">` for `--dump-dom` to carry out:
/// how far the top reaches with every section closed; then, with every
/// section open, the width of the page against the window, the elements
/// that stick out of it, the smallest rendered text, and the outline of the
/// page. The test adds it to a copy of the report; the report never has it.
const PROBE: &str = r#"<script>
window.addEventListener('load', function () {
  var lines = [];
  function put(k, v) { lines.push(k + '\t' + v); }
  function text(e) { return e ? (e.textContent || '').replace(/\s+/g, ' ').trim() : ''; }
  var top = document.getElementById('top');
  put('top_bottom', top ? Math.ceil(top.getBoundingClientRect().bottom) : -1);
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var vw = document.documentElement.clientWidth;
  put('viewport', vw);
  put('page_width', document.documentElement.scrollWidth);
  var wide = [];
  document.querySelectorAll('body *').forEach(function (e) {
    if (e.closest('.scroll') || e.closest('svg') && e.tagName.toLowerCase() !== 'svg') return;
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 0.5 && wide.length < 5) {
      wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' to ' + Math.round(r.right));
    }
  });
  put('wide', wide.join('; '));
  var min = Infinity, where = '';
  document.querySelectorAll('body *').forEach(function (e) {
    var tag = e.tagName.toLowerCase();
    if (['script', 'style', 'title', 'desc', 'defs', 'pattern'].indexOf(tag) >= 0 || e.closest('title')) return;
    var own = false;
    e.childNodes.forEach(function (n) { if (n.nodeType === 3 && n.textContent.trim()) own = true; });
    if (!own || e.getClientRects().length === 0) return;
    var size = parseFloat(getComputedStyle(e).fontSize);
    if (e instanceof SVGGraphicsElement) {
      var m = e.getScreenCTM();
      size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    if (size < min) { min = size; where = tag + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' "' + text(e).slice(0, 40) + '"'; }
  });
  put('min_text', min.toFixed(2));
  put('min_text_at', where);
  // The outline: what a reader finds on the page, in order.
  var out = [];
  out.push('h1 ' + text(document.querySelector('h1')));
  out.push('nav ' + [].map.call(document.querySelectorAll('nav a'), text).join(' | '));
  function table(t) {
    var head = [].map.call(t.querySelectorAll('thead th'), text).join(' | ');
    return 'table' + (t.className ? '.' + t.className : '') + ' [' + head + '] ' + t.querySelectorAll('tbody tr').length + ' rows';
  }
  function parts(e) {
    var got = [];
    e.querySelectorAll('h4, table, .bars, svg, ol, ul').forEach(function (x) {
      var tag = x.tagName.toLowerCase();
      if (tag === 'h4') got.push('h4 ' + text(x));
      else if (tag === 'table') got.push(table(x));
      else if (tag === 'svg') got.push('svg.' + x.getAttribute('class'));
      else if (x.classList.contains('bars')) got.push('bars ' + x.querySelectorAll('.row').length);
      else if (!x.parentElement.closest('li, table')) got.push(tag + (x.className ? '.' + x.className : '') + ' ' + x.children.length);
    });
    return got;
  }
  var countries = [];
  document.querySelectorAll('main > *').forEach(function (e) {
    var tag = e.tagName.toLowerCase();
    if (tag === 'details' && e.classList.contains('country')) { countries.push(e); return; }
    if (countries.length) {
      out.push('details.country x ' + countries.length + ', the first #' + countries[0].id + ': ' + parts(countries[0]).join('; '));
      countries = [];
    }
    if (tag === 'section') {
      out.push('section#' + e.id);
      e.querySelectorAll('h2').forEach(function (h) { out.push('  h2#' + h.id + ' ' + text(h)); });
      e.querySelectorAll('table').forEach(function (t) { out.push('  ' + table(t)); });
      var svg = e.querySelector('figure.map svg');
      if (svg) {
        out.push('  map: ' + svg.querySelectorAll('path').length + ' shapes, ' + svg.querySelectorAll('circle').length + ' dots, ' + svg.querySelectorAll('a').length + ' links, title "' + text(svg.querySelector('title')) + '"');
        out.push('  legend ' + [].map.call(e.querySelectorAll('.legend > span'), text).join(' | '));
      }
      e.querySelectorAll('ul.rises').forEach(function (u) { out.push('  ul.rises ' + u.children.length); });
    } else if (tag === 'details') {
      var s = e.querySelector('summary');
      out.push('details#' + e.id + ' ' + text(s) + (parts(e).length ? ': ' + parts(e).join('; ') : ''));
    } else if (/^h[1-6]$/.test(tag)) {
      out.push(tag + (e.id ? '#' + e.id : '') + ' ' + text(e));
    }
  });
  if (countries.length) out.push('details.country x ' + countries.length);
  out.forEach(function (l) { put('outline', l); });
  var doc = window.parent.document;
  var pre = doc.createElement('pre');
  pre.id = 'probe';
  pre.textContent = lines.join('\n');
  doc.body.appendChild(pre);
});
</script>"#;

/// The figures of the probe, from a DOM dump.
struct Probe {
    lines: Vec<(String, String)>,
}

impl Probe {
    fn parse(dom: &str) -> Probe {
        let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + 16;
        let end = start + dom[start..].find("</pre>").expect("the probe ends");
        let body = dom[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        Probe {
            lines: body
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn get(&self, key: &str) -> &str {
        self.lines
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| panic!("no `{key}` in the probe"), |(_, v)| v.as_str())
    }

    fn num(&self, key: &str) -> f64 {
        self.get(key).parse().expect("a number")
    }

    fn outline(&self) -> String {
        self.lines
            .iter()
            .filter(|(k, _)| k == "outline")
            .map(|(_, v)| format!("{v}\n"))
            .collect()
    }
}

/// Writes the report of the shipped data.
fn report(dir: &Path) -> String {
    let page = dir.join("report.html");
    Command::cargo_bin("atrisk")
        .expect("the atrisk binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--color", "never", "report", "-o"])
        .arg(&page)
        .assert()
        .success();
    std::fs::read_to_string(&page).expect("the report was written")
}

/// A page that shows `html` in a frame `width` x `height` pixels. Headless
/// Chromium will not make its window narrower than 500 pixels, so the
/// report is read in a frame of the reader's width; the frame's document
/// comes from `srcdoc`, so the probe in it may write to this page.
fn framed(dir: &Path, name: &str, html: &str, width: u32, height: u32) -> PathBuf {
    let escaped = html.replace('&', "&amp;").replace('"', "&quot;");
    let page = dir.join(name);
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>html,body{{margin:0;padding:0}}iframe{{display:block;border:0;width:{width}px;height:{height}px}}</style></head><body><iframe srcdoc=\"{escaped}\"></iframe></body></html>"
        ),
    )
    .expect("page written");
    page
}

fn screenshot(chromium: &Path, page: &Path, shot: &Path, width: u32) {
    let _ = std::fs::remove_file(shot);
    let o = browse(
        chromium,
        page,
        &[
            format!("--screenshot={}", shot.display()),
            format!("--window-size={},2400", width.max(500)),
        ],
    );
    let log = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "chromium failed:\n{log}");
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console errors:\n{}", errors.join("\n"));
    let png = std::fs::read(shot).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank page compresses to a few kilobytes; the map and tables do not.
    assert!(
        png.len() > 30_000,
        "screenshot looks empty: {} bytes",
        png.len()
    );
}

#[test]
fn report_reads_at_420_and_1400_pixels_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        println!(
            "SKIPPED: no chromium binary found (install Debian's `chromium`, or set CHROMIUM to its path)"
        );
        return;
    };
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&out_dir).expect("output folder");
    let html = report(&out_dir);
    let probed = html.replacen("</body>", &format!("{PROBE}\n</body>"), 1);
    let mut outlines = Vec::new();
    for width in WIDTHS {
        let page = framed(&out_dir, &format!("view-{width}.html"), &html, width, 2400);
        screenshot(
            &chromium,
            &page,
            &out_dir.join(format!("report-{width}.png")),
            width,
        );
        // The probe opens every section, so this one shows them open.
        let page = framed(
            &out_dir,
            &format!("open-{width}.html"),
            &probed,
            width,
            2400,
        );
        screenshot(
            &chromium,
            &page,
            &out_dir.join(format!("report-{width}-open.png")),
            width,
        );
        let page = framed(
            &out_dir,
            &format!("probe-{width}.html"),
            &probed,
            width,
            SCREEN_HEIGHT,
        );
        let o = browse(
            &chromium,
            &page,
            &[
                "--dump-dom".to_string(),
                format!("--window-size={},{SCREEN_HEIGHT}", width.max(500)),
            ],
        );
        let log = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(o.status.success(), "chromium failed:\n{log}");
        let errors = console_errors(&log);
        assert!(errors.is_empty(), "console errors:\n{}", errors.join("\n"));
        let p = Probe::parse(&String::from_utf8_lossy(&o.stdout));
        let viewport = p.num("viewport");
        assert_eq!(viewport, f64::from(width), "the window is not {width} wide");
        assert!(
            p.num("page_width") <= viewport,
            "at {width} px the page is {} px wide; sticking out: {}",
            p.get("page_width"),
            p.get("wide")
        );
        assert!(
            p.num("min_text") >= MIN_TEXT_PX,
            "at {width} px text is drawn at {} px: {}",
            p.get("min_text"),
            p.get("min_text_at")
        );
        if width >= 1400 {
            assert!(
                p.num("top_bottom") <= f64::from(SCREEN_HEIGHT),
                "the top of the page ends at {} px, below a {width} x {SCREEN_HEIGHT} screen",
                p.get("top_bottom")
            );
        }
        println!(
            "{width} px: page {} px wide, smallest text {} px ({}), top ends at {} px",
            p.get("page_width"),
            p.get("min_text"),
            p.get("min_text_at"),
            p.get("top_bottom")
        );
        outlines.push(p.outline());
    }
    // The same page at both widths.
    assert_eq!(outlines[0], outlines[1]);
    insta::assert_snapshot!("report_outline", outlines.remove(0));
    println!("screenshots: {}", out_dir.display());
}
