//! Hostile inputs as property tests: arbitrary bytes, and mutations of the
//! shipped frameworks and of the shipped panel (byte flips, truncations,
//! line deletions and duplications, extreme numbers), are fed to the YAML
//! loader, the CSV reader, the assessment reader and the scorer. Each must
//! end in a result or a diagnostic with a code, never a panic; when scoring
//! succeeds, every indicator, risk factor, crime, theme and overall score is
//! in [0, 1] or missing (NaN), never infinite.
//!
//! Case counts are small so that the whole file runs in a few seconds.

use atrisk::compile::{Kind, Plan};
use atrisk::data::{Input, Panel};
use atrisk::diagnostic::Diagnostics;
use atrisk::embedded;
use atrisk::score::Scores;
use proptest::prelude::*;

/// The first lines of a shipped data file: a few countries, every column.
fn head_of(file: usize, lines: usize) -> String {
    let (_, bytes) = embedded::DATA[file];
    let text = std::str::from_utf8(bytes).expect("the shipped data are UTF-8");
    text.lines().take(lines).collect::<Vec<_>>().join("\n") + "\n"
}

/// The first lines of the shipped panel.
fn panel_head(lines: usize) -> String {
    head_of(0, lines)
}

/// The first lines of the other shipped data files, unchanged.
fn other_heads() -> Vec<(String, String)> {
    (1..embedded::DATA.len())
        .map(|i| (embedded::DATA[i].0.to_string(), head_of(i, 40)))
        .collect()
}

/// One mutation of a text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at (position modulo length).
    Flip(usize, u8),
    /// Keep only the first (position modulo length) bytes.
    Truncate(usize),
    /// Delete the line at (index modulo lines).
    DeleteLine(usize),
    /// Repeat the line at (index modulo lines).
    DuplicateLine(usize),
    /// Insert a token at (position modulo length).
    Insert(usize, &'static str),
}

/// Tokens that stress readers: extreme numbers, YAML syntax, CSV syntax,
/// invalid UTF-8 is covered by `Flip`.
const TOKENS: &[&str] = &[
    "1e400",
    "-1e308",
    "1.7976931348623157e308",
    "-0",
    "NaN",
    ".nan",
    ".inf",
    "-.inf",
    "inf",
    "0x1F",
    "99999999999999999999999",
    "-1",
    "\"",
    "\"a\nb\"",
    ",",
    "\r\n",
    "\u{feff}",
    ": ",
    "- ",
    "[",
    "{",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "\t",
    "---\n",
    "...\n",
    "#",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(p, t)| Mutation::Insert(p, t)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match *m {
        Mutation::Flip(p, b) => {
            if !bytes.is_empty() {
                bytes[p % n] = b;
            }
        }
        Mutation::Truncate(p) => bytes.truncate(p % n),
        Mutation::Insert(p, t) => {
            let at = p % (bytes.len() + 1);
            bytes.splice(at..at, t.bytes());
        }
        Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            let k = i % lines.len();
            if matches!(m, Mutation::DeleteLine(_)) {
                lines.remove(k);
            } else {
                let l = lines[k].clone();
                lines.insert(k, l);
            }
            *bytes = lines.join(&b'\n');
        }
    }
}

fn mutated(text: &[u8], ms: &[Mutation]) -> Vec<u8> {
    let mut b = text.to_vec();
    for m in ms {
        apply(&mut b, m);
    }
    b
}

/// Runs every report writer (table, CSV, JSON, Markdown, summary in three
/// forms, HTML, explain) on a scored run: none may panic, whatever the
/// values.
fn write_every_report(plan: &Plan, panel: &Panel, scores: &Scores) {
    use atrisk::analysis::Run;
    use atrisk::report;
    let run = Run {
        plan,
        panel,
        scores,
        years: (panel.n_years.saturating_sub(3)..panel.n_years).collect(),
    };
    let top = report::csv::Selection {
        top: Some(5),
        countries: None,
    };
    let _ = report::text::write(&run, &top);
    let _ = report::csv::write(&run);
    let _ = report::json::write(&run);
    let _ = report::markdown::write(&run, &report::csv::Selection::default());
    let last = panel.n_years - 1;
    let one = Run {
        plan,
        panel,
        scores,
        years: vec![last],
    };
    let summary = atrisk::analysis::summary::Builder::new(&one).build(last, 5);
    let _ = report::summary::write_text(&summary);
    let _ = report::summary::write_markdown(&summary);
    let _ = report::summary::write_json(&summary);
    let _ = report::html::write(&one, &summary, &[], None);
    for c in 0..panel.countries.len().min(2) {
        let e = report::explain::explain(plan, panel, scores, c, last);
        let _ = report::explain::text(&e, plan);
        let _ = report::explain::json(&e);
    }
}

/// Every error has a code from the documented families; success has sane
/// scores.
fn check(
    result: Result<(Plan, Panel, Scores), Diagnostics>,
    reports: bool,
) -> Result<(), TestCaseError> {
    match result {
        Err(d) => {
            prop_assert!(d.has_errors(), "a failure carries an error");
            for e in &d.0 {
                prop_assert!(
                    ["F", "D", "L"].iter().any(|p| e.code.starts_with(p)),
                    "unexpected code {}",
                    e.code
                );
                prop_assert!(!e.message.is_empty());
            }
        }
        Ok((plan, panel, scores)) => {
            if reports {
                write_every_report(&plan, &panel, &scores);
            }
            let cells = panel.countries.len() * panel.n_years;
            for (i, node) in plan.nodes.iter().enumerate() {
                if node.kind == Kind::Measure {
                    continue;
                }
                for cell in 0..cells {
                    let v = scores.value(i, cell);
                    prop_assert!(
                        v.is_nan() || (0.0..=1.0).contains(&v),
                        "{} = {v} at cell {cell}",
                        node.id
                    );
                }
            }
        }
    }
    Ok(())
}

/// Scores a framework on a panel file and the heads of the other shipped files.
fn assess(name: &str, text: &str, panel: &[u8]) -> Result<(Plan, Panel, Scores), Diagnostics> {
    let others = other_heads();
    let mut inputs = vec![Input {
        name: "panel.csv".into(),
        prefix: None,
        bytes: panel,
    }];
    inputs.extend(others.iter().map(|(n, t)| Input {
        name: n.clone(),
        prefix: None,
        bytes: t.as_bytes(),
    }));
    atrisk::assess(name, text, &inputs)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Arbitrary bytes as a framework file: parsed or refused.
    #[test]
    fn arbitrary_bytes_as_framework(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(text) = atrisk::framework::load::decode("f.yaml", bytes) {
            let _ = atrisk::framework::load::parse("f.yaml", &text);
        }
    }

    /// Arbitrary bytes as a data file and as an assessment file.
    #[test]
    fn arbitrary_bytes_as_csv(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let input = [Input { name: "d.csv".into(), prefix: None, bytes: &bytes }];
        if let Err(d) = Panel::load(&input) {
            prop_assert!(d.code.starts_with('D') || d.code.starts_with('L'), "{}", d.code);
        }
        let _ = atrisk::data::assessments::Assessments::parse(&input);
    }

    /// Mutations of the shipped frameworks, scored on the head of the
    /// shipped panel.
    #[test]
    fn mutated_framework_is_scored_or_refused(
        which in 0..embedded::FRAMEWORKS.len(),
        ms in prop::collection::vec(mutation(), 1..4),
    ) {
        let (_, file, text) = embedded::FRAMEWORKS[which];
        let bytes = mutated(text.as_bytes(), &ms);
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()); };
        let head = panel_head(40);
        check(assess(file, &text, head.as_bytes()), false)?;
    }

}

proptest! {
    // Each case here also writes every report, so fewer cases.
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Mutations of the head of the shipped panel, scored with the shipped
    /// framework.
    #[test]
    fn mutated_panel_is_scored_or_refused(ms in prop::collection::vec(mutation(), 1..6)) {
        let head = panel_head(40);
        let bytes = mutated(head.as_bytes(), &ms);
        let (name, text) = embedded::FRAMEWORK;
        check(assess(name, text, &bytes), true)?;
    }

    /// Extreme but finite values in every data column keep every score in
    /// [0, 1] or missing.
    #[test]
    fn extreme_values_keep_scores_in_range(
        picks in prop::collection::vec(
            prop::sample::select(&[
                "1.7976931348623157e308", "-1.7976931348623157e308", "1e300", "-1e300",
                "5e-324", "-5e-324", "0", "-0", "1", "-1", "",
            ][..]),
            8,
        ),
    ) {
        let head = panel_head(25);
        let mut out = String::new();
        for (i, line) in head.lines().enumerate() {
            if i == 0 {
                out.push_str(line);
            } else {
                // keep iso3, country and year; replace every value
                let fields: Vec<&str> = line.split(',').collect();
                let mut row: Vec<String> = fields[..3].iter().map(|s| (*s).to_string()).collect();
                for j in 3..fields.len() {
                    row.push(picks[(i * 7 + j) % picks.len()].to_string());
                }
                out.push_str(&row.join(","));
            }
            out.push('\n');
        }
        let (name, text) = embedded::FRAMEWORK;
        check(assess(name, text, out.as_bytes()), true)?;
    }
}

/// The unmutated inputs score, so that the properties above reach the
/// scorer and its range check, not only the readers.
#[test]
fn unmutated_heads_score() {
    for (_, file, text) in embedded::FRAMEWORKS {
        let head = panel_head(40);
        let r = assess(file, text, head.as_bytes());
        assert!(r.is_ok(), "{file}: {:?}", r.err());
        check(r, true).expect("scores in range and reports written");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Arbitrary designs (extreme values, constant or separating columns,
    /// few rows) fitted and cross-validated under an arbitrary, often tiny,
    /// bound of work (`fit-work`): each ends in a model or an error, never a
    /// panic; the bound is never passed by the work done; a run within the
    /// bound gives exactly what a run without one gives, and a run stopped by
    /// it says so.
    #[test]
    fn fits_stay_within_their_bound_of_work(
        p in 1usize..5,
        rows in prop::collection::vec(
            (prop::collection::vec(
                prop::sample::select(&[
                    0.0, 1.0, -1.0, 0.5, 3.0, 1e300, -1e300, 5e-324, 1e-8, 7.0,
                ][..]),
                4,
            ), any::<bool>(), 0i32..6),
            2..40,
        ),
        cap in prop::sample::select(&[0u64, 1, 50, 1_000, 20_000, 300_000, 5_000_000][..]),
        lambda in prop::sample::select(&[0.0, 1e-4, 0.01, 0.5][..]),
    ) {
        use atrisk::fit::{self, Design, FitError, Settings, Work};
        let mut d = Design::new(p);
        let mut years = Vec::new();
        for (x, y, year) in &rows {
            d.push(&x[..p], *y);
            years.push(2000 + year);
        }
        let s = Settings { max_irls: 20, max_sweeps: 200, ..Settings::new(0.5, lambda) };
        let bounded = Work::new(cap);
        let free = fit::fit_within(&d, &s, None, &Work::unbounded());
        match fit::fit_within(&d, &s, None, &bounded) {
            Err(FitError::Budget { cap: c }) => {
                prop_assert_eq!(c, cap);
                prop_assert!(bounded.exceeded());
            }
            other => {
                prop_assert!(!bounded.exceeded());
                prop_assert!(bounded.used() <= cap);
                // compared as printed: NaN fields (extreme values) equal too
                prop_assert_eq!(format!("{other:?}"), format!("{free:?}"));
            }
        }
        let bounded = Work::new(cap.saturating_mul(40));
        let free = fit::cross_validate_within(&d, &years, 0.5, 3, 1, &Work::unbounded());
        match fit::cross_validate_within(&d, &years, 0.5, 3, 1, &bounded) {
            Err(FitError::Budget { .. }) => prop_assert!(bounded.exceeded()),
            Ok(cv) => {
                prop_assert!(bounded.used() <= bounded.cap());
                let free = free.expect("the same run without a bound");
                prop_assert_eq!(cv.best, free.best);
                prop_assert_eq!(format!("{:?}", cv.lambdas), format!("{:?}", free.lambdas));
            }
            Err(e) => prop_assert_eq!(format!("{:?}", Some(e)), format!("{:?}", free.err())),
        }
    }
}
