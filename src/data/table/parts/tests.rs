//! Reading in parts gives the table of one pass, or falls back to it.
//! The files here are synthetic.

use super::super::{Cells, Table, read_table_in};
use crate::data::Input;
use crate::diagnostic::Diagnostic;

fn read(text: &str, parts: usize) -> Result<(Table, bool), Diagnostic> {
    let input = Input {
        name: "p.csv".into(),
        prefix: None,
        bytes: text.as_bytes(),
    };
    read_table_in(&input, &["iso3".to_string()], None, parts, 0)
}

/// Everything a table holds, NaN written as text so that tables compare.
fn contents(t: &Table) -> String {
    let cells: Vec<Vec<String>> = t
        .cells
        .iter()
        .map(|c| match c {
            Cells::Dense(d) => d.iter().map(|v| format!("{v:?}")).collect(),
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
        let (t, parted) = read(&text, parts).unwrap();
        assert!(parted, "{parts} parts");
        assert_eq!(contents(&t), want, "{parts} parts");
    }
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
