//! `score --format xlsx -o FILE`: the workbook is opened with a reader and
//! checked: its sheets, header rows, a country's score against the CSV, text
//! that looks like a formula kept as text, and identical bytes on a rerun.

mod common;

use std::io::Cursor;
use std::path::Path;

use atrisk::report::xlsx::SHEETS;
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use common::{fails, run};

fn write(args: &[&str], out: &Path) -> Vec<u8> {
    let mut all = args.to_vec();
    let out = out.to_str().unwrap();
    all.extend(["--format", "xlsx", "-o", out]);
    let o = run(&all);
    assert!(
        o.status.success(),
        "{all:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    std::fs::read(out).unwrap()
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a workbook")
}

fn sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    wb.worksheet_range(name).expect("the sheet")
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn header(r: &Range<Data>) -> Vec<String> {
    r.rows().next().unwrap().iter().map(text).collect()
}

/// The rows of a sheet whose column `col` is `value`.
fn rows_with<'a>(r: &'a Range<Data>, col: usize, value: &str) -> Vec<&'a [Data]> {
    r.rows().filter(|l| text(&l[col]) == value).collect()
}

#[test]
fn the_workbook_holds_the_scores_with_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = write(&["score", "--year", "2019"], &dir.path().join("a.xlsx"));
    let mut wb = open(&bytes);
    assert_eq!(wb.sheet_names(), SHEETS.map(String::from));

    let scores = sheet(&mut wb, "Scores");
    let head = header(&scores);
    assert_eq!(
        head[..6],
        ["Year", "Rank", "iso3", "Country", "Score", "Band"]
    );
    assert!(head.contains(&"Oldest carried year".to_string()));
    // Sudan's row has the score and rank of the CSV.
    let csv = String::from_utf8(
        run(&[
            "score",
            "--format",
            "csv",
            "--year",
            "2019",
            "--country",
            "SDN",
            "--columns",
            "rank,score,band",
        ])
        .stdout,
    )
    .unwrap();
    let want: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let sdn = rows_with(&scores, 2, "SDN");
    assert_eq!(sdn.len(), 1);
    assert_eq!(sdn[0][0], Data::Float(2019.0));
    assert_eq!(text(&sdn[0][1]), want[0]);
    assert_eq!(sdn[0][4], Data::Float(want[1].parse().unwrap()));
    assert_eq!(text(&sdn[0][5]), want[2]);
    assert_eq!(text(&sdn[0][3]), "Sudan");
    assert_eq!(scores.height(), 177, "176 countries and the header");

    let factors = sheet(&mut wb, "Risk factors");
    assert_eq!(header(&factors)[..3], ["Year", "iso3", "Country"]);
    assert!(header(&factors).iter().any(|h| h.starts_with("rf1: ")));
    // Same rows as the scores sheet, so that its links land on the country.
    assert_eq!(
        text(&factors.rows().nth(5).unwrap()[1]),
        text(&scores.rows().nth(5).unwrap()[2])
    );

    let indicators = sheet(&mut wb, "Indicators");
    assert_eq!(
        header(&indicators),
        [
            "Year",
            "iso3",
            "Country",
            "Indicator",
            "Indicator text",
            "Score",
            "Band",
            "Measure",
            "Measure value",
            "How obtained",
            "Raw value",
            "File",
            "Row",
            "Column",
            "Cell year"
        ]
    );
    // Every observed input names the file, row and column it was read from.
    let sdn = rows_with(&indicators, 1, "SDN");
    assert!(sdn.len() > 50);
    let observed: Vec<_> = sdn.iter().filter(|l| text(&l[9]) == "observed").collect();
    assert!(!observed.is_empty());
    for l in observed {
        assert!(text(&l[11]).ends_with(".csv"), "{l:?}");
        assert!(matches!(l[12], Data::Float(r) if r >= 2.0), "{l:?}");
        assert!(!text(&l[13]).is_empty(), "{l:?}");
    }

    let recs = sheet(&mut wb, "Recommendations");
    assert_eq!(header(&recs)[3], "Recommendation");
    assert!(!rows_with(&recs, 1, "SDN").is_empty());
    let path = text(&rows_with(&recs, 1, "SDN")[0][11]);
    assert!(path.contains(" > "), "{path}");

    let sources = sheet(&mut wb, "Sources");
    let all: Vec<String> = sources.rows().flat_map(|l| l.iter().map(text)).collect();
    assert!(
        all.iter().any(|c| c.contains("CC BY-SA 4.0")),
        "licences listed"
    );
    assert!(all.iter().any(|c| c == "Method"));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["score", "--year", "2019", "--top", "10"];
    let a = write(&args, &dir.path().join("a.xlsx"));
    let b = write(&args, &dir.path().join("b.xlsx"));
    assert_eq!(a, b);
    // A selection keeps the ranks among all countries.
    let mut wb = open(&a);
    assert_eq!(sheet(&mut wb, "Scores").height(), 11);
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("synthetic.csv");
    std::fs::write(
        &data,
        "iso3,country,year,x,y\nAAA,\"=HYPERLINK(\"\"http://example.org\"\")\",2019,1,0.9\nBBB,+1,2019,2,0.8\nCCC,-2,2019,3,0.5\nDDD,@SUM(A1),2019,4,0.1\n",
    )
    .unwrap();
    let bytes = write(
        &[
            "score",
            "--framework",
            "tests/fixtures/minimal.yaml",
            "--no-shipped-data",
            "--data",
            data.to_str().unwrap(),
        ],
        &dir.path().join("f.xlsx"),
    );
    let mut wb = open(&bytes);
    for name in ["Scores", "Risk factors", "Indicators"] {
        let r = sheet(&mut wb, name);
        let col = if name == "Scores" { 3 } else { 2 };
        let names: Vec<&Data> = r.rows().skip(1).map(|l| &l[col]).collect();
        for want in ["=HYPERLINK(\"http://example.org\")", "+1", "-2", "@SUM(A1)"] {
            assert!(
                names.contains(&&Data::String(want.to_string())),
                "{name}: {want} not kept as text in {names:?}"
            );
        }
    }
    let formulas = wb.worksheet_formula("Scores").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

#[test]
fn a_workbook_needs_an_output_file() {
    let err = fails(&["score", "--format", "xlsx"], 64, "U001");
    assert!(err.contains("a workbook needs -o FILE"), "{err}");
}
