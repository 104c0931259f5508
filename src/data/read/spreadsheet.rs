//! What spreadsheets write into CSV files: numbers with thousands
//! separators, decimal commas in `;`-separated files, and the separator
//! itself (detected, or given with `--delimiter`).

use super::*;

/// A cell's number: `Some(None)` for a missing value, `None` when the text
/// is not a number. Besides plain decimals (`1.5`, `-2`, `1e3`), a number
/// with thousands separators is read when its grouping is exact: `1,234,567`
/// and `1,234.5` (a comma after one to three digits, then groups of three),
/// never `1,23` or `12,3456`.
pub(crate) fn parse_number(raw: &str) -> Option<Option<f64>> {
    let t = raw.trim();
    if MISSING_MARKERS.contains(&t) {
        return Some(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(Some(v)),
        _ => {
            let plain = ungroup(t, b',', b'.')?;
            match plain.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(Some(v)),
                _ => None,
            }
        }
    }
}

/// The digits of `t` without its thousands separators `sep`, the decimal
/// mark `dec` written as a point: `Some` only when `t` is an optional sign,
/// one to three digits, at least one group of `sep` and three digits, and
/// an optional decimal part of `dec` and digits.
fn ungroup(t: &str, sep: u8, dec: u8) -> Option<String> {
    let b = t.as_bytes();
    let (sign, rest) = match b.first() {
        Some(b'-' | b'+') => (&b[..1], &b[1..]),
        _ => (&b[..0], b),
    };
    let (int, frac) = match rest.iter().position(|&c| c == dec) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut groups = int.split(|&c| c == sep);
    let lead = groups.next()?;
    let mut out = String::from_utf8_lossy(sign).into_owned();
    let digits = |g: &[u8]| g.iter().all(u8::is_ascii_digit);
    if lead.is_empty() || lead.len() > 3 || !digits(lead) {
        return None;
    }
    out.push_str(std::str::from_utf8(lead).ok()?);
    let mut n = 0;
    for g in groups {
        if g.len() != 3 || !digits(g) {
            return None;
        }
        out.push_str(std::str::from_utf8(g).ok()?);
        n += 1;
    }
    if n == 0 {
        return None;
    }
    if let Some(f) = frac {
        if f.is_empty() || !digits(f) {
            return None;
        }
        out.push('.');
        out.push_str(std::str::from_utf8(f).ok()?);
    }
    Some(out)
}

/// What to do about a cell that is not a number, when its text says more
/// than "not a number": thousands separators grouped wrongly, or a decimal
/// comma in a file that does not use decimal commas throughout.
pub(crate) fn number_hint(raw: &str) -> Option<&'static str> {
    let t = raw.trim();
    let t = t.strip_prefix(['-', '+']).unwrap_or(t);
    let numeric = |c: char| c.is_ascii_digit() || c == ',' || c == '.';
    if t.is_empty() || !t.chars().all(numeric) || !t.contains(',') {
        return None;
    }
    if t.matches(',').count() == 1 && !t.contains('.') && !t.ends_with(',') {
        return Some(
            "decimal commas are read only from files separated by `;` in which every decimal is written with a comma (give --delimiter ';' if the file is one); \
             otherwise write the number with a decimal point (3.5)",
        );
    }
    Some(
        "thousands separators are read only when they group digits by three (1,234,567.5); \
         write the number without separators, or correct the grouping",
    )
}

/// The field delimiter of a text file: `;` when its header has semicolons
/// but no comma and its first rows have as many semicolons as the header
/// (as spreadsheets save CSV files where the comma is the decimal mark),
/// a tab likewise, else a comma.
pub fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let text = strip_bom(bytes);
    let mut lines = split_lines(text).filter(|l| !l.iter().all(u8::is_ascii_whitespace));
    let Some(header) = lines.next() else {
        return b',';
    };
    let rows: Vec<&[u8]> = lines.take(20).collect();
    for d in [b';', b'\t'] {
        let n = count_unquoted(header, d);
        if n > 0
            && count_unquoted(header, b',') == 0
            && rows.iter().all(|r| count_unquoted(r, d) == n)
        {
            return d;
        }
    }
    b','
}

/// The number of `d` outside double quotes on a line.
fn count_unquoted(line: &[u8], d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// A decimal with a comma as its mark (`-1,5`, `1.234,5`), or a whole
/// number grouped by points (`1.234.567`), as written where the comma is
/// the decimal mark: the number with a decimal point and no separators.
fn decimal_comma_number(t: &str) -> Option<String> {
    let t = t.trim();
    if let Some(g) = ungroup(t, b'.', b',') {
        return Some(g);
    }
    let b = t.as_bytes();
    let body = b.strip_prefix(b"-").or(b.strip_prefix(b"+")).unwrap_or(b);
    let i = body.iter().position(|&c| c == b',')?;
    let (int, frac) = (&body[..i], &body[i + 1..]);
    let digits = |g: &[u8]| !g.is_empty() && g.iter().all(u8::is_ascii_digit);
    (digits(int) && digits(frac)).then(|| t.replacen(',', ".", 1))
}

/// A decimal written with a point (`1.5`, `.5`), not counting a whole
/// number grouped by points (`1.234`), which both conventions could mean.
fn is_point_decimal(t: &str) -> bool {
    let t = t.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let Some((int, frac)) = body.split_once('.') else {
        return false;
    };
    let digits = |g: &str| g.bytes().all(|c| c.is_ascii_digit());
    let frac_digits = frac.split_once(['e', 'E']).map_or(frac, |(f, _)| f);
    digits(int)
        && !frac_digits.is_empty()
        && digits(frac_digits)
        && ungroup(t, b'.', b',').is_none()
}

/// A file separated by another delimiter than the comma (given, or found
/// by [`sniff_delimiter`]), rewritten as a comma-separated text that every
/// reader takes: each record keeps its physical line (blank lines and line
/// breaks inside quotes are kept), so that every message and every
/// provenance still names the line of the file. In a `;` file in which
/// every decimal is written with a comma (at least one, and no decimal
/// point anywhere), decimal commas become points and points grouping
/// thousands are dropped (`1.234,5` is read as 1234.5). `Ok(None)` when the
/// file is comma-separated already.
pub fn to_comma_separated(
    input: &Input<'_>,
    delimiter: Option<u8>,
) -> Result<Option<Vec<u8>>, Diagnostic> {
    let d = delimiter.unwrap_or_else(|| sniff_delimiter(input.bytes));
    if d == b',' {
        return Ok(None);
    }
    check_line_endings(input)?;
    let bytes = strip_bom(input.bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(d)
        .from_reader(bytes);
    let mut records: Vec<(u64, csv::ByteRecord)> = Vec::new();
    let mut lines = LineCounter::default();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(input, &e)),
        }
        let line = rec.position().map_or(1, |p| lines.line_at(bytes, p.byte()));
        records.push((line, rec.clone()));
    }
    let cells = || {
        records
            .iter()
            .skip(1)
            .flat_map(|(_, r)| r.iter())
            .filter_map(|f| std::str::from_utf8(f).ok())
    };
    let decimal_comma = d == b';'
        && cells().any(|c| c.contains(',') && decimal_comma_number(c).is_some())
        && !cells().any(is_point_decimal);
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    let mut at = 1u64;
    for (i, (line, r)) in records.iter().enumerate() {
        while at < *line {
            out.push(b'\n');
            at += 1;
        }
        for (j, f) in r.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            let converted = (decimal_comma && i > 0)
                .then(|| std::str::from_utf8(f).ok().and_then(decimal_comma_number))
                .flatten();
            let f = converted.as_deref().map_or(f, str::as_bytes);
            push_csv_field(&mut out, f);
            at += count_line_ends(f);
        }
        out.push(b'\n');
        at += 1;
    }
    Ok(Some(out))
}

/// A `--delimiter` argument: one character that separates the fields of
/// the data files (`;`, `,`, `|`, or `tab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiter(pub u8);

impl std::str::FromStr for Delimiter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let b = match s {
            "tab" | "\\t" | "\t" => b'\t',
            _ if s.len() == 1 => s.as_bytes()[0],
            _ => return Err(format!("`{s}`: give one character, such as ';' or tab")),
        };
        if b.is_ascii_alphanumeric() || matches!(b, b'"' | b'\n' | b'\r' | b'.' | b'-' | b'+') {
            return Err(format!(
                "`{s}` cannot separate fields: it is part of numbers, names or quotes"
            ));
        }
        Ok(Delimiter(b))
    }
}
