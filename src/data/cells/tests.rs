//! The bytes parsers against the text parsers.

use super::*;

/// What the bytes parsers must agree with: `parse_number` and
/// `str::parse::<i32>` on the text.
fn old_number(raw: &[u8]) -> Option<Option<f64>> {
    parse_number(std::str::from_utf8(raw).ok()?)
}

fn old_year(raw: &[u8]) -> Option<i32> {
    std::str::from_utf8(raw).ok()?.trim().parse::<i32>().ok()
}

#[test]
fn bytes_parsers_agree_with_the_text_parsers_on_edge_cases() {
    let cases: &[&[u8]] = &[
        b"",
        b" ",
        b"NA",
        b" NA ",
        b"na",
        b"NaN",
        b"nan",
        b"NAN",
        b"inf",
        b"-inf",
        b"infinity",
        b"1e400",
        b"-1e400",
        b"1e-400",
        b"4.9e-324",
        b"1.7976931348623157e308",
        b"1.",
        b".5",
        b".",
        b"-",
        b"+",
        b"+1",
        b"-0",
        b"1e",
        b"1e+",
        b"1e-5",
        b"1E5",
        b"0x10",
        b"1_000",
        b"1,5",
        b"\x0b1\x0c",
        b"\x1c1",
        b" 2\t",
        b"\xc2\xa01\xc2\xa0",
        b"\xe2\x80\x831",
        b"\xff",
        b"12345678901234567890",
        b"0.1000000000000000055511151231257827",
        b"2.2250738585072011e-308",
        b"00012",
        b"2000",
        b"+2000",
        b"-2000",
        b" 2000 ",
        b"2000.0",
        b"2147483648",
        b"-2147483648",
        b"999999999",
        b"0009999999999",
    ];
    for &c in cases {
        let (a, b) = (parse_number_bytes(c), old_number(c));
        assert_eq!(
            a.map(|v| v.map(f64::to_bits)),
            b.map(|v| v.map(f64::to_bits)),
            "{c:?}"
        );
        assert_eq!(parse_year(c), old_year(c), "{c:?}");
        let control = std::str::from_utf8(c)
            .ok()
            .map(|s| s.chars().any(is_unsafe_control));
        assert_eq!(has_unsafe_control(c), control, "{c:?}");
    }
}

proptest::proptest! {
    #[test]
    fn bytes_parsers_agree_with_the_text_parsers(
        s in "[ \t\x0b\x0c\x1c\u{a0}]{0,2}[-+]?[0-9]{0,20}[.]?[0-9]{0,20}([eE][-+]?[0-9]{0,4})?[ \t\u{2003}]{0,2}",
        junk in "[-+.eE0-9naNAifIF \x00-\x1f\x7f\u{80}-\u{9f}\u{a0}]{0,12}",
    ) {
        for c in [s.as_bytes(), junk.as_bytes()] {
            let (a, b) = (parse_number_bytes(c), old_number(c));
            proptest::prop_assert_eq!(a.map(|v| v.map(f64::to_bits)), b.map(|v| v.map(f64::to_bits)), "{:?}", c);
            proptest::prop_assert_eq!(parse_year(c), old_year(c), "{:?}", c);
            let control = std::str::from_utf8(c).ok().map(|s| s.chars().any(is_unsafe_control));
            proptest::prop_assert_eq!(has_unsafe_control(c), control, "{:?}", c);
        }
    }

    #[test]
    fn short_decimals_are_read_as_the_text_parser_reads_them(
        s in "-?[0-9]{1,20}([.][0-9]{1,23})?",
    ) {
        let want = s.parse::<f64>().ok().filter(|v| v.is_finite());
        proptest::prop_assert_eq!(plain_number(s.as_bytes()).map(f64::to_bits), want.map(f64::to_bits), "{}", s);
    }

    #[test]
    fn random_doubles_print_and_parse_back_alike(bits in proptest::num::u64::ANY, digits in 0usize..20) {
        let v = f64::from_bits(bits);
        for text in [format!("{v}"), format!("{v:e}"), format!("{v:.digits$}"), format!("{v:.digits$e}")] {
            let c = text.as_bytes();
            let (a, b) = (parse_number_bytes(c), old_number(c));
            proptest::prop_assert_eq!(a.map(|v| v.map(f64::to_bits)), b.map(|v| v.map(f64::to_bits)), "{}", text);
        }
    }
}
