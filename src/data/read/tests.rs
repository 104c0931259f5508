use super::*;

fn input(text: &str) -> Input<'_> {
    Input {
        name: "s.csv".into(),
        prefix: None,
        bytes: text.as_bytes(),
    }
}

fn rewritten(text: &str) -> String {
    let out = to_comma_separated(&input(text), None).unwrap().unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn thousands_separators_need_exact_groups() {
    assert_eq!(parse_number("1,234,567"), Some(Some(1_234_567.0)));
    assert_eq!(parse_number(" -1,234.5 "), Some(Some(-1234.5)));
    assert_eq!(parse_number("999"), Some(Some(999.0)));
    assert_eq!(parse_number("NA"), Some(None));
    for bad in [
        "1,23", "12,3456", "1,234,56", ",123", "1,,234", "1,234.", "1.234,5",
    ] {
        assert_eq!(parse_number(bad), None, "{bad}");
    }
    assert!(number_hint("1,23,456").unwrap().contains("by three"));
    assert!(number_hint("3,5").unwrap().contains("decimal commas"));
    assert_eq!(number_hint("abc"), None);
}

#[test]
fn the_delimiter_is_found_from_the_header_and_first_rows() {
    assert_eq!(sniff_delimiter(b"iso3;year;x\nAAA;2000;1,5\n"), b';');
    assert_eq!(
        sniff_delimiter(b"\xEF\xBB\xBFiso3;year\r\nAAA;2000\r\n"),
        b';'
    );
    assert_eq!(sniff_delimiter(b"iso3\tyear\nAAA\t2000\n"), b'\t');
    // Not used consistently: a row with fewer semicolons.
    assert_eq!(sniff_delimiter(b"iso3;year;x\nAAA;2000\n"), b',');
    // A header with commas is comma-separated.
    assert_eq!(sniff_delimiter(b"iso3,year,note\nAAA,2000,a;b\n"), b',');
    assert_eq!(sniff_delimiter(b""), b',');
}

#[test]
fn semicolon_files_keep_their_lines_and_read_decimal_commas() {
    let t = "\u{feff}iso3;country;year;x\r\nAAA;Korea, Rep.;2000;1,5\r\n\r\nBBB;\"B\";2001;1.234,5\r\nCCC;C;2002;-2\r\n";
    assert_eq!(
        rewritten(t),
        "iso3,country,year,x\nAAA,\"Korea, Rep.\",2000,1.5\n\nBBB,B,2001,1234.5\nCCC,C,2002,-2\n"
    );
    // A decimal point anywhere: no decimal commas, and `1,5` is left
    // for the reader to refuse.
    let t = "iso3;year;x;y\nAAA;2000;1,5;0.5\n";
    assert_eq!(rewritten(t), "iso3,year,x,y\nAAA,2000,\"1,5\",0.5\n");
    // A field over two lines keeps the lines after it in place.
    let t = "iso3;year;note;x\nAAA;2000;\"two\nlines\";1\nBBB;2000;x;2\n";
    let out = to_comma_separated(&input(t), Some(b';')).unwrap().unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().nth(3), Some("BBB,2000,x,2"));
    // A comma file is left alone, unless another delimiter is given.
    assert!(
        to_comma_separated(&input("iso3,year\nA,1\n"), None)
            .unwrap()
            .is_none()
    );
    let out = to_comma_separated(&input("iso3|year\nA|2000\n"), Some(b'|')).unwrap();
    assert_eq!(out.as_deref(), Some(&b"iso3,year\nA,2000\n"[..]));
}

#[test]
fn fields_and_columns() {
    assert_eq!(field_at("a,\"b,c\",d", 1), 0);
    assert_eq!(field_at("a,\"b,c\",d", 4), 1);
    assert_eq!(field_at("a,\"b,c\",d", 9), 2);
    assert_eq!(span_on("a,\"b,c\",d", 1), (3, 5));
    assert!("tab".parse::<Delimiter>().is_ok_and(|d| d.0 == b'\t'));
    assert!(".".parse::<Delimiter>().is_err());
    assert!(";;".parse::<Delimiter>().is_err());
}
