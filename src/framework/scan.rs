//! A first pass over a YAML document that decodes nothing but visits every
//! value: the reader's limits (depth, values, aliases) apply to the whole
//! document before any typed decoding, and the first text (key or value)
//! holding a control character is found. Control characters such as ESC
//! or BEL would otherwise reach the terminal through titles and texts.

use crate::diagnostic::is_unsafe_control;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// The first text of a document with a control character, if any.
#[derive(Debug, Default)]
pub struct Scan(pub Option<String>);

struct ScanVisitor;

impl<'de> Visitor<'de> for ScanVisitor {
    type Value = Scan;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scan, E> {
        Ok(Scan(
            v.chars().any(is_unsafe_control).then(|| v.to_string()),
        ))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Scan, E> {
        Ok(Scan(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scan, D::Error> {
        Scan::deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Scan, D::Error> {
        Scan::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scan, A::Error> {
        let mut found = None;
        while let Some(Scan(s)) = seq.next_element::<Scan>()? {
            found = found.or(s);
        }
        Ok(Scan(found))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scan, A::Error> {
        let mut found = None;
        while let Some(Scan(k)) = map.next_key::<Scan>()? {
            let Scan(v) = map.next_value::<Scan>()?;
            found = found.or(k).or(v);
        }
        Ok(Scan(found))
    }
}

impl<'de> Deserialize<'de> for Scan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScanVisitor)
    }
}
