//! A cell's text read as a number or a year, from its bytes and without
//! allocating: the shared first step of every CSV reader (whole files,
//! their parts, streamed blocks).

use super::MISSING_MARKERS;
use super::read::parse_number;
use crate::diagnostic::is_unsafe_control;

/// `s.trim()` of a field all in ASCII: the ASCII characters Rust counts as
/// white space (tab, line feed, vertical tab, form feed, carriage return,
/// space).
#[inline]
fn trim_ascii_field(s: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let a = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let z = s.iter().rposition(|b| !ws(b)).map_or(a, |p| p + 1);
    &s[a..z]
}

/// [`parse_number`] of a field's bytes, without allocating: the same value
/// for the same text, and `None` for the same texts (not UTF-8, not a
/// number, not finite). Fields all in ASCII are parsed by `fast_float2`;
/// others go through `parse_number` itself.
#[inline]
pub(super) fn parse_number_bytes(raw: &[u8]) -> Option<Option<f64>> {
    if let Some(v) = plain_number(raw) {
        return Some(Some(v));
    }
    if !raw.is_ascii() {
        return parse_number(std::str::from_utf8(raw).ok()?);
    }
    let t = trim_ascii_field(raw);
    if MISSING_MARKERS.iter().any(|m| m.as_bytes() == t) {
        return Some(None);
    }
    match fast_float2::parse::<f64, _>(t) {
        Ok(v) if v.is_finite() => Some(Some(v)),
        _ => None,
    }
}

/// The value of most cells: a number alone, from its first byte (a digit
/// or `-`) to its last (a digit), finite. Such a field is ASCII with no
/// control character, has no space to trim and is no missing marker, so
/// this is the value [`parse_number_bytes`] gives; `None` says nothing.
#[inline]
pub(crate) fn plain_number(raw: &[u8]) -> Option<f64> {
    short_decimal(raw)
        .map(|(v, _)| v)
        .or_else(|| long_number(raw))
}

/// [`plain_number`] of a text [`short_decimal`] does not take.
#[inline]
pub(crate) fn long_number(raw: &[u8]) -> Option<f64> {
    if raw
        .first()
        .is_some_and(|&c| c.is_ascii_digit() || c == b'-')
        && raw.last().is_some_and(u8::is_ascii_digit)
        && let Ok(v) = fast_float2::parse::<f64, _>(raw)
        && v.is_finite()
    {
        return Some(v);
    }
    None
}

/// Powers of ten that a double holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The value of a short plain decimal (`-`, digits, a point and digits, as
/// `-12.345`) whose digits, read as one whole number, are at most 2^53 and
/// whose decimals are at most 22: that number and the power of ten are
/// doubles exactly, and their quotient, one correctly rounded division, is
/// the double nearest the decimal, the value any correct parser gives.
/// `None` for any other text (which the general parser reads).
///
/// With the value comes whether the text is surely the one the value is
/// written as (`value_text`): `0` itself, or at most 15 digits with no
/// leading zero before the point and no trailing zero after it, the only
/// decimal of 15 digits or fewer that reads as the value (a double holds 15
/// decimal digits exactly), so the shortest. `false` says nothing.
#[inline]
pub(crate) fn short_decimal(raw: &[u8]) -> Option<(f64, bool)> {
    let (neg, b) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    // At most 19 digits, so that `m` cannot overflow.
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let (mut m, mut point) = (0u64, None);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => m = m * 10 + u64::from(c - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < b.len() => point = Some(i),
            _ => return None,
        }
    }
    let decimals = point.map_or(0, |p| b.len() - p - 1);
    if m > 1 << 53 || decimals > 22 {
        return None;
    }
    let v = m as f64 / EXACT_POWERS_OF_TEN[decimals];
    let shortest = if m == 0 {
        raw == b"0"
    } else {
        let (digits, int) = match point {
            Some(p) => (b.len() - 1, p),
            None => (b.len(), b.len()),
        };
        digits <= 15 && (int == 1 || b[0] != b'0') && (point.is_none() || b[b.len() - 1] != b'0')
    };
    Some((if neg { -v } else { v }, shortest))
}

/// `text.trim().parse::<i32>()` of a field's bytes (`None` when it is not
/// UTF-8 or not such a number), without a UTF-8 check for plain digits.
#[inline]
pub(super) fn parse_year(raw: &[u8]) -> Option<i32> {
    if raw.is_ascii() {
        let t = trim_ascii_field(raw);
        if (1..=9).contains(&t.len()) && t.iter().all(u8::is_ascii_digit) {
            return Some(t.iter().fold(0, |y, d| y * 10 + i32::from(d - b'0')));
        }
    }
    std::str::from_utf8(raw).ok()?.trim().parse::<i32>().ok()
}

/// Whether a field holds a character [`is_unsafe_control`] refuses (or is
/// not UTF-8: `None`).
#[inline]
pub(super) fn has_unsafe_control(raw: &[u8]) -> Option<bool> {
    if raw.is_ascii() {
        return Some(
            raw.iter()
                .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F),
        );
    }
    Some(
        std::str::from_utf8(raw)
            .ok()?
            .chars()
            .any(is_unsafe_control),
    )
}

#[cfg(test)]
mod tests;
