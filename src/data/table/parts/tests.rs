//! Reading in parts gives the table of one pass, or falls back to it.
//! The files here are synthetic.

use super::super::{Cells, Table, read_table_in};
use crate::data::Input;
use crate::diagnostic::Diagnostic;

fn read(text: &str, parts: usize) -> Result<(Table, bool), Diagnostic> {
    read_keyed(text, &["iso3"], parts).map(|(t, split)| (t, split.is_some()))
}

/// The table, and for a file read in parts how many were split at commas
/// without the CSV reader.
fn read_keyed(
    text: &str,
    key: &[&str],
    parts: usize,
) -> Result<(Table, Option<usize>), Diagnostic> {
    let input = Input {
        name: "p.csv".into(),
        prefix: None,
        bytes: text.as_bytes(),
    };
    let key: Vec<String> = key.iter().map(|k| (*k).to_string()).collect();
    read_table_in(&input, &key, None, parts, 0)
}

/// Everything a table holds, NaN written as text so that tables compare.
fn contents(t: &Table) -> String {
    let cells: Vec<Vec<String>> = t
        .cells
        .iter()
        .map(|c| match c {
            Cells::Dense(d) => d.iter().map(|v| format!("{v:?}")).collect(),
            Cells::Runs(r) => r.iter().flatten().map(|v| format!("{v:?}")).collect(),
            Cells::Sparse(s) => s.iter().map(|(k, v)| format!("{k}:{v:?}")).collect(),
        })
        .collect();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        t.units, t.names, t.keys, t.columns, cells, t.texts, t.unread
    )
}

/// A synthetic wide file: units in runs (one of them split in two runs far
/// apart), names given on some rows only, texts that are not the value's
/// shortest form, missing markers, blank lines and CRLF line ends.
fn synthetic() -> String {
    let mut s = String::from("iso3,country,year,x,y\r\n");
    for u in 0..30 {
        for y in 0..8 {
            let name = if y == 3 {
                format!("Unit {u}")
            } else {
                String::new()
            };
            let x = match (u + y) % 5 {
                0 => "NA".to_string(),
                1 => String::new(),
                2 => format!("{}.50", u),
                _ => format!("{}", u * 10 + y),
            };
            s.push_str(&format!("U{u:02},{name},{},{x}, {y}\r\n", 2000 + y));
            if (u + y) % 11 == 0 {
                s.push_str("\r\n");
            }
        }
    }
    // More years of the first unit, at the end.
    s.push_str("U00,Late name,2010,1,2\r\n");
    s
}

#[test]
fn parts_give_the_table_of_one_pass() {
    let text = synthetic();
    let (one, parted) = read(&text, 1).unwrap();
    assert!(!parted);
    let want = contents(&one);
    for parts in [2, 3, 5, 7, 40] {
        let (t, split) = read_keyed(&text, &["iso3"], parts).unwrap();
        // Every part's lines were split at commas, not by the CSV reader.
        assert_eq!(split, Some(parts), "{parts} parts");
        assert_eq!(contents(&t), want, "{parts} parts");
    }
    // Codes with spaces around them are the same unit, on the same run.
    let spaced = text.replace("U03,", " U03 ,");
    let (one, _) = read_keyed(&spaced, &["iso3"], 1).unwrap();
    let (t, split) = read_keyed(&spaced, &["iso3"], 3).unwrap();
    assert_eq!((contents(&t), split), (contents(&one), Some(3)));
    assert_eq!(contents(&one), want);
    // Lines are those of the whole file, blank lines counted.
    let last = one.keys.last().unwrap().2 as usize;
    assert_eq!(last, text.lines().count());
    assert!(one.texts[0].iter().any(|(_, t)| &**t == "3.50"));
    assert_eq!(one.names[0], "Unit 0");
}

#[test]
fn whatever_a_part_finds_wrong_is_reported_by_one_pass() {
    let text = synthetic();
    let cases = [
        // A unit-year in two parts.
        format!("{text}U00,,2001,1,2\r\n"),
        // A cell that is not a number, in the last part.
        text.replacen("U29,,2004,294, 4", "U29,,2004,zz, 4", 1),
        // A row with a field too many, in the middle.
        text.replacen("U15,,2004,154, 4", "U15,,2004,154, 4,9", 1),
        // A row with a field too few, in the first part.
        text.replacen("U01,,2002,12, 2", "U01,,2002,12", 1),
    ];
    for (i, case) in cases.iter().enumerate() {
        assert!(case != &text, "case {i} changes the file");
        let one = read(case, 1).map(|_| ()).unwrap_err();
        for parts in [2, 3, 7] {
            let e = read(case, parts).map(|_| ()).unwrap_err();
            assert_eq!(
                (e.code, e.message.clone(), e.location()),
                (one.code, one.message.clone(), one.location()),
                "case {i}, {parts} parts"
            );
        }
    }
}

#[test]
fn quoted_fields_on_one_line_are_read_in_parts_and_other_quotes_in_one_pass() {
    let text = synthetic();
    let parts = |t: &str| {
        let (one, _) = read(t, 1).unwrap();
        let (p, parted) = read(t, 3).unwrap();
        assert_eq!(contents(&p), contents(&one));
        (parted, one)
    };
    let (parted, one) = parts(&text.replace("Unit 3", "\"Unit, 3\""));
    assert!(parted);
    assert_eq!(one.names[3], "Unit, 3");
    // A line end inside quotes, a doubled quote, a quote inside a field:
    // one pass, which reads them as always.
    for (from, to, name) in [
        ("Unit 3", "\"Unit\n3\"", "Unit\n3"),
        ("Unit 3", "\"Unit \"\"3\"\"\"", "Unit \"3\""),
        ("Unit 3", "Unit \"3", "Unit \"3"),
    ] {
        let (parted, one) = parts(&text.replace(from, to));
        assert!(!parted, "{to}");
        assert_eq!(one.names[3], name);
    }
}

#[test]
fn parts_the_line_splitter_does_not_take_are_read_by_the_csv_reader() {
    // A unit key of two columns: the CSV reader reads every part.
    let mut text = String::from("iso3,admin1,year,x\n");
    for u in 0..20 {
        for y in 0..6 {
            text.push_str(&format!("U{u:02},R{},{},{}.5\n", u % 3, 2000 + y, u * y));
        }
    }
    let (one, _) = read_keyed(&text, &["iso3", "admin1"], 1).unwrap();
    let (t, split) = read_keyed(&text, &["iso3", "admin1"], 4).unwrap();
    assert_eq!((contents(&t), split), (contents(&one), Some(0)));
    // A bare carriage return ending a line in the middle of the file: that
    // part is read by the CSV reader, which counts it as a line end, and
    // the lines of the parts after it still are those of the whole file.
    let text = synthetic().replacen("U15,,2004,154, 4\r\n", "U15,,2004,154, 4\r", 1);
    let (one, _) = read(&text, 1).unwrap();
    let (t, split) = read_keyed(&text, &["iso3"], 3).unwrap();
    assert_eq!((contents(&t), split), (contents(&one), Some(2)));
    // The bare CR ends a line as the CRLF did.
    let (crlf, _) = read(&synthetic(), 1).unwrap();
    assert_eq!(one.keys.last(), crlf.keys.last());
}

#[test]
fn fields_end_at_commas_outside_quotes() {
    let ends = |line: &str| {
        let mut e = [0; super::MOST_FIELDS + 1];
        let n = super::field_ends(line.as_bytes(), &mut e);
        let fields: Vec<String> = (0..n)
            .map(|f| String::from_utf8(super::field_at(line.as_bytes(), &e, f).to_vec()).unwrap())
            .collect();
        fields
    };
    assert_eq!(ends("a,b,,c"), ["a", "b", "", "c"]);
    assert_eq!(ends(""), [""]);
    assert_eq!(ends("x,"), ["x", ""]);
    // Quoted fields across the eight-byte words, commas inside kept.
    assert_eq!(
        ends("AFG,\"Afghanistan, Islamic Republic of\",2020,\"\",1.5"),
        ["AFG", "Afghanistan, Islamic Republic of", "2020", "", "1.5"]
    );
    let long = format!("{}\"{}\",{}", "1,".repeat(30), "a,b".repeat(9), "z");
    let got = ends(&long);
    assert_eq!(got.len(), 32);
    assert_eq!(got[30], "a,b".repeat(9));
    assert_eq!(got[31], "z");
    // More fields than are kept are still counted.
    let mut e = [0; super::MOST_FIELDS + 1];
    assert_eq!(super::field_ends(",".repeat(299).as_bytes(), &mut e), 300);
}
