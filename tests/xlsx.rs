//! `score --format xlsx -o FILE` and `summary --format xlsx -o FILE`: the
//! workbooks are opened with a reader and checked: their sheets, header
//! rows, values against the CSV and the JSON summary, text that looks like a
//! formula kept as text, and identical bytes on a rerun.

mod common;

use std::io::Cursor;
use std::path::Path;

use atrisk::report::summary::SHEETS as SUMMARY_SHEETS;
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
            "Cell year",
            "Sheet cell"
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

/// Country names that a spreadsheet would take for formulas.
const FORMULA_NAMES: [&str; 4] = ["=HYPERLINK(\"http://example.org\")", "+1", "-2", "@SUM(A1)"];

/// The workbook of `command` on a synthetic file whose country names are
/// [`FORMULA_NAMES`].
fn formula_names_workbook(command: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("synthetic.csv");
    std::fs::write(
        &data,
        "iso3,country,year,x,y\nAAA,\"=HYPERLINK(\"\"http://example.org\"\")\",2019,1,0.9\nBBB,+1,2019,2,0.8\nCCC,-2,2019,3,0.5\nDDD,@SUM(A1),2019,4,0.1\n",
    )
    .unwrap();
    write(
        &[
            command,
            "--framework",
            "tests/fixtures/minimal.yaml",
            "--no-shipped-data",
            "--data",
            data.to_str().unwrap(),
        ],
        &dir.path().join("f.xlsx"),
    )
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let mut wb = open(&formula_names_workbook("score"));
    for name in ["Scores", "Risk factors", "Indicators"] {
        let r = sheet(&mut wb, name);
        let col = if name == "Scores" { 3 } else { 2 };
        let names: Vec<&Data> = r.rows().skip(1).map(|l| &l[col]).collect();
        for want in FORMULA_NAMES {
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

/// The JSON summary with the same arguments.
fn summary_json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = run(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn float(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_summary_workbook_holds_the_values_of_the_json_summary() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["summary", "--year", "2019", "--draws", "20"];
    let bytes = write(&args, &dir.path().join("s.xlsx"));
    assert_eq!(
        bytes,
        write(&args, &dir.path().join("t.xlsx")),
        "same bytes"
    );
    let json = summary_json(&args);
    let mut wb = open(&bytes);
    assert_eq!(wb.sheet_names(), SUMMARY_SHEETS.map(String::from));

    let watch = sheet(&mut wb, "Watch list");
    let head = header(&watch);
    assert_eq!(
        head[..7],
        ["List", "Rank", "ISO3", "Country", "Score", "Band", "Change"]
    );
    for h in [
        "Score 5%",
        "Old data",
        "Mean input age (years)",
        "Oldest input year",
    ] {
        assert!(head.contains(&h.to_string()), "{h} in {head:?}");
    }
    let col = |h: &str| head.iter().position(|x| x == h).unwrap();
    let overall = json["watch_list"]["overall"].as_array().unwrap();
    let lines = rows_with(&watch, 0, "Overall");
    assert_eq!(lines.len(), overall.len());
    assert_eq!(lines.len(), json["top"].as_u64().unwrap() as usize);
    for (l, e) in lines.iter().zip(overall) {
        assert_eq!(text(&l[2]), e["iso3"].as_str().unwrap());
        assert_eq!(text(&l[3]), e["country"].as_str().unwrap());
        assert_eq!(float(&l[1]), e["rank"].as_f64().unwrap());
        assert_eq!(float(&l[4]), e["score"].as_f64().unwrap());
        assert_eq!(text(&l[5]), e["band"].as_str().unwrap());
        assert_eq!(
            float(&l[col("Score 95%")]),
            e["interval"]["score_p95"].as_f64().unwrap()
        );
    }
    // The first brief's data age is on its watch-list line.
    let brief = &json["briefs"][0];
    let line = rows_with(&watch, 2, brief["iso3"].as_str().unwrap())[0];
    assert_eq!(
        float(&line[col("Indicators with data")]),
        brief["data"]["indicators_with_data"].as_f64().unwrap()
    );
    assert_eq!(
        float(&line[col("Oldest input year")]),
        brief["data"]["oldest_input_year"].as_f64().unwrap()
    );
    // Every crime has its list.
    for c in json["watch_list"]["crimes"].as_array().unwrap() {
        let name = format!(
            "{}: {}",
            c["id"].as_str().unwrap(),
            c["title"].as_str().unwrap()
        );
        let lines = rows_with(&watch, 0, &name);
        assert_eq!(
            lines.len(),
            c["entries"].as_array().unwrap().len(),
            "{name}"
        );
        assert_eq!(
            float(&lines[0][4]),
            c["entries"][0]["score"].as_f64().unwrap()
        );
    }

    let movers = sheet(&mut wb, "Movers");
    let head = header(&movers);
    assert_eq!(head[..3], ["Compared with", "ISO3", "Country"]);
    let first = &json["movers"]["previous_year"][0];
    let lines = rows_with(&movers, 1, first["iso3"].as_str().unwrap());
    let lines: Vec<_> = lines.iter().filter(|l| text(&l[0]) == "2018").collect();
    assert!(!lines.is_empty());
    assert_eq!(float(&lines[0][6]), first["change"].as_f64().unwrap());
    let driver = &first["drivers"][0];
    assert_eq!(text(&lines[0][14]), driver["id"].as_str().unwrap());
    assert_eq!(
        text(&lines[0][19]),
        driver["indicators"][0]["id"].as_str().unwrap()
    );
    assert!(text(&lines[0][24]).contains(" -> "), "{:?}", lines[0]);

    let new = sheet(&mut wb, "New in top bands");
    let entries = json["new_in_top_bands"].as_array().unwrap();
    assert_eq!(new.height(), entries.len() + 1);
    for (l, e) in new.rows().skip(1).zip(entries) {
        assert_eq!(text(&l[0]), e["iso3"].as_str().unwrap());
        assert_eq!(float(&l[2]), e["score"].as_f64().unwrap());
        assert_eq!(text(&l[3]), e["band"].as_str().unwrap());
    }

    let recs = sheet(&mut wb, "Recommendations");
    let tally = json["recommendations"].as_array().unwrap();
    assert_eq!(recs.height(), tally.len() + 1);
    let l = recs.rows().nth(1).unwrap();
    assert_eq!(text(&l[0]), tally[0]["id"].as_str().unwrap());
    assert_eq!(float(&l[3]), tally[0]["count"].as_f64().unwrap());

    let warnings = sheet(&mut wb, "Data warnings");
    let listed: Vec<String> = warnings.rows().skip(1).map(|l| text(&l[0])).collect();
    let want: Vec<String> = json["data_warnings"]["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["iso3"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, want);

    let sources = sheet(&mut wb, "Sources");
    let all: Vec<String> = sources.rows().flat_map(|l| l.iter().map(text)).collect();
    assert!(
        all.iter().any(|c| c.contains("CC BY-SA 4.0")),
        "licences listed"
    );
    assert!(all.iter().any(|c| c == "Method"));
    assert!(all.iter().any(|c| c == "2019"));
}

#[test]
fn the_summary_workbook_keeps_formula_like_names_as_text() {
    let mut wb = open(&formula_names_workbook("summary"));
    let r = sheet(&mut wb, "Watch list");
    let names: Vec<&Data> = r.rows().skip(1).map(|l| &l[3]).collect();
    for want in FORMULA_NAMES {
        assert!(
            names.contains(&&Data::String(want.to_string())),
            "{want} not kept as text in {names:?}"
        );
    }
    for name in SUMMARY_SHEETS {
        let formulas = wb.worksheet_formula(name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "a formula in {name}"
        );
    }
    // The licences of the shipped data are not claimed for other data.
    let sources = sheet(&mut wb, "Sources");
    let all: Vec<String> = sources.rows().flat_map(|l| l.iter().map(text)).collect();
    assert!(!all.iter().any(|c| c.contains("CC BY-SA 4.0")));
}

#[test]
fn a_summary_workbook_needs_an_output_file() {
    let err = fails(&["summary", "--format", "xlsx"], 64, "U001");
    assert!(err.contains("a workbook needs -o FILE"), "{err}");
}

#[test]
fn explain_names_the_cell_of_a_worksheet_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synthetic.xlsx");
    // Column A empty and row 3 blank: the cell address counts from A1.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Data").unwrap();
    for (c, h) in ["iso3", "year", "x", "y"].iter().enumerate() {
        ws.write_string(0, c as u16 + 1, *h).unwrap();
    }
    for (r, (iso3, x, y)) in [(1, ("AAA", 1.0, 0.9)), (3, ("BBB", 2.0, 0.8))] {
        ws.write_string(r, 1, iso3).unwrap();
        ws.write_number(r, 2, 2019).unwrap();
        ws.write_number(r, 3, x).unwrap();
        ws.write_number(r, 4, y).unwrap();
    }
    wb.save(&path).unwrap();
    let data = format!("{}#Data", path.to_str().unwrap());
    let args = |format: &str| {
        run(&[
            "explain",
            "--framework",
            "tests/fixtures/minimal.yaml",
            "--no-shipped-data",
            "--data",
            &data,
            "--country",
            "BBB",
            "--year",
            "2019",
            "--format",
            format,
        ])
    };
    let o = args("json");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = String::from_utf8(o.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut cells = Vec::new();
    collect_inputs(&v, &mut cells);
    assert!(!cells.is_empty(), "{json}");
    for c in &cells {
        assert_eq!(c["line"], 4, "{c}");
        let want = match c["column"].as_str().unwrap() {
            "x" => "D4",
            "y" => "E4",
            other => panic!("column {other}"),
        };
        assert_eq!(c["cell"], want, "{c}");
    }
    let o = args("text");
    let told = String::from_utf8(o.stdout).unwrap();
    assert!(told.contains("#Data:4 x (2019) = 2 (cell D4)"), "{told}");
    // The score workbook gives the same cell.
    let book = write(
        &[
            "score",
            "--framework",
            "tests/fixtures/minimal.yaml",
            "--no-shipped-data",
            "--data",
            &data,
        ],
        &dir.path().join("out.xlsx"),
    );
    let indicators = sheet(&mut open(&book), "Indicators");
    let bbb = rows_with(&indicators, 1, "BBB");
    assert!(!bbb.is_empty());
    for l in bbb {
        let want = if text(&l[13]) == "x" { "D4" } else { "E4" };
        assert_eq!(text(&l[15]), want, "{l:?}");
    }
    // A CSV file has lines, not cells.
    let o = run(&[
        "explain",
        "--country",
        "SDN",
        "--year",
        "2019",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut cells = Vec::new();
    collect_inputs(&v, &mut cells);
    assert!(!cells.is_empty());
    assert!(cells.iter().all(|c| c.get("cell").is_none()));
}

/// Every object with a `file` and a `line` in a JSON document.
fn collect_inputs(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            if m.contains_key("file") && m.contains_key("line") {
                out.push(v.clone());
            }
            m.values().for_each(|x| collect_inputs(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_inputs(x, out)),
        _ => {}
    }
}
