use super::*;

// Synthetic rows.
const CSV: &str = "iso3,country,year,x,y\nAAA,Alpha,2000,1,9\nAAA,Alpha,2001,2,9\n\nBBB,,2000,3,9\nBBB,Beta,2002,4,9\nCCC,Gamma,2001,5,9\n";

fn lay() -> Layout {
    let head: Vec<u8> = CSV.lines().take(2).collect::<Vec<_>>().join("\n").into();
    let mut l = layout("d.csv", None, &head, &[]).unwrap();
    l.parse_columns(&[0]);
    l
}

fn blocks(target: usize) -> Vec<Block> {
    let l = lay();
    let body = CSV.split_once('\n').unwrap().1.as_bytes();
    let mut b = Blocks::new(body, 2, &l, target);
    std::iter::from_fn(|| b.next_block().unwrap()).collect()
}

#[test]
fn blocks_hold_whole_units() {
    // A tiny target cuts at every unit boundary, never inside a unit.
    let bs = blocks(1);
    let firsts: Vec<u64> = bs.iter().map(|b| b.first_line).collect();
    assert_eq!(firsts, [2, 4, 7]);
    let l = lay();
    let p = read_block(&bs[1], &l).unwrap();
    assert_eq!(p.panel.countries[0].name, "Beta");
    assert_eq!((p.panel.first_year, p.panel.n_years), (2000, 3));
    assert_eq!(p.rows, [(0, 5), (2, 6)]);
    assert_eq!(p.panel.value(0, 2), 4.0);
    // The column not asked for is not parsed.
    assert!(p.panel.columns[1].values.is_empty());
    // One big block holds everything.
    assert_eq!(blocks(1 << 20).len(), 1);
}

#[test]
fn units_and_years_in_any_order_read_and_a_unit_that_comes_back_stops() {
    let mut l = lay();
    l.parse_columns(&[0, 1]);
    let block = |s: &str| Block {
        index: 0,
        first_line: 2,
        bytes: s.as_bytes().to_vec(),
    };
    // Units descending, years descending: rows keep file order.
    let p = read_block(
        &block("BBB,B,2001,1,1\nBBB,B,2000,2,1\nAAA,A,2001,3,1\n"),
        &l,
    )
    .unwrap();
    assert_eq!(p.panel.countries[0].iso3, "BBB");
    assert_eq!((p.panel.first_year, p.panel.n_years), (2000, 2));
    assert_eq!(p.rows, [(1, 2), (0, 3), (3, 4)]);
    assert_eq!(p.panel.value(0, 0), 2.0);
    // A unit that comes back names both lines.
    let e = read_block(
        &block("AAA,A,2000,1,1\nBBB,B,2000,1,1\nAAA,A,2001,1,1\n"),
        &l,
    )
    .unwrap_err();
    assert_eq!(
        e,
        Stop::Unsorted {
            line: 4,
            what: "the rows of unit `AAA` are not together: line 2, then other units, then line 4"
                .into()
        }
    );
    // A year twice, a cell that is not a number, a short row.
    let e = read_block(&block("AAA,A,2001,1,1\nAAA,A,2001,1,1\n"), &l).unwrap_err();
    assert_eq!(e, Stop::Irregular(3));
    let e = read_block(&block("AAA,A,2001,x,1\n"), &l).unwrap_err();
    assert_eq!(e, Stop::Irregular(2));
    let e = read_block(&block("AAA,A,2001,1\n"), &l).unwrap_err();
    assert_eq!(e, Stop::Irregular(2));
    // Control characters in a name, text that is not UTF-8.
    let e = read_block(&block("AAA,A\x1b,2001,1,1\n"), &l).unwrap_err();
    assert_eq!(e, Stop::Irregular(2));
    let mut bytes = b"AAA,A,2001,1,1\nAAA,A,2002,".to_vec();
    bytes.extend_from_slice(b"\xFF,1\n");
    let b = Block {
        index: 0,
        first_line: 2,
        bytes,
    };
    assert_eq!(read_block(&b, &l).unwrap_err(), Stop::Irregular(3));
}

#[test]
fn quoted_fields_split_as_the_reader_splits_them() {
    let mut f = Fields::default();
    let line = br#"a,"b,c","say ""hi""",,"x"y"#;
    assert_eq!(f.split(line, usize::MAX), None);
    let line = br#"a,"b,c","say ""hi""",,d,e"#;
    assert_eq!(f.split(line, 3), Some(6));
    let got: Vec<&[u8]> = (0..5).map(|i| f.get(line, i)).collect();
    assert_eq!(got, [&b"a"[..], b"b,c", br#"say "hi""#, b"", b""]);
}
