//! A framework with the file it was read from, the labels that point
//! diagnostics at its spans, and the queries of the model that every stage
//! asks (node ids, the columns a measure reads, weights with defaults).

use serde_saphyr::Spanned;

use super::model::{Aggregate, Framework, Measure, Method, Transform};
use crate::diagnostic::Diagnostic;

/// A framework with the file name it was read from.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    /// File name used in diagnostics.
    pub file: &'a str,
    /// The parsed model.
    pub fw: &'a Framework,
}

/// Labels a diagnostic with the location of a spanned value.
pub fn at<T>(d: Diagnostic, file: &str, s: &Spanned<T>, len: usize, text: &str) -> Diagnostic {
    d.at(
        file,
        s.referenced.line().max(1),
        s.referenced.column().max(1),
        len as u64,
        text,
    )
}

/// Labels a diagnostic with the location of a spanned string.
pub fn label(d: Diagnostic, file: &str, s: &Spanned<String>, text: &str) -> Diagnostic {
    at(d, file, s, s.value.chars().count(), text)
}

/// Ids of the scored nodes a framework defines: crimes, risk factors,
/// indicators and themes.
pub fn node_ids(fw: &Framework) -> impl Iterator<Item = &Spanned<String>> {
    fw.crimes
        .iter()
        .map(|c| &c.id)
        .chain(fw.risk_factors.iter().map(|r| &r.id))
        .chain(fw.indicators.iter().map(|i| &i.id))
        .chain(fw.themes.iter().map(|t| &t.id))
}

/// The data columns a measure reads: its column(s) and any `per_capita` denominator.
pub fn measure_columns(m: &Measure) -> Vec<String> {
    let mut out: Vec<String> = m.column.iter().map(|c| c.value.clone()).collect();
    out.extend(m.columns.iter().flatten().map(|c| c.value.clone()));
    for t in &m.transform {
        if let Transform::PerCapita(p) = &t.value {
            out.push(p.column.clone());
        }
    }
    out
}

/// A weight as written, or the default of 1.
pub fn weight(w: &Option<Spanned<f64>>) -> f64 {
    w.as_ref().map_or(1.0, |w| w.value)
}

/// The method of an aggregate, with the default.
pub fn method_of(a: &Aggregate) -> Method {
    a.method.as_ref().map_or(Method::Mean, |m| m.value)
}

/// A measure's id (explicit, or its first column) and where it is.
pub fn measure_id(m: &Measure) -> (String, u64, u64) {
    if let Some(id) = &m.id {
        return (
            id.value.clone(),
            id.referenced.line(),
            id.referenced.column(),
        );
    }
    let first = m
        .column
        .as_ref()
        .or_else(|| m.columns.as_ref().and_then(|c| c.first()));
    match first {
        Some(c) => (c.value.clone(), c.referenced.line(), c.referenced.column()),
        None => (
            "measure".to_string(),
            m.normalise.referenced.line(),
            m.normalise.referenced.column(),
        ),
    }
}

/// The fixed column names of the CSV outputs (`score --format csv` and
/// `score --stream`), beside which every crime and risk factor becomes a
/// column named by its id; the unit key (`iso3` by default) is one more.
/// No node may take one of these ids, in any case, or the header would name
/// two columns alike.
pub const OUTPUT_COLUMNS: [&str; 8] = [
    "year",
    "rank",
    "country",
    "score",
    "band",
    "indicators_with_data",
    "indicators_measured",
    "line",
];

/// F037 when a node id is the name of an output column (one of
/// [`OUTPUT_COLUMNS`], or `unit_key`, the label of the unit key); `None`
/// otherwise.
pub fn output_column_clash(file: &str, id: &Spanned<String>, unit_key: &str) -> Option<Diagnostic> {
    let v = id.value.as_str();
    let clash = OUTPUT_COLUMNS
        .iter()
        .copied()
        .chain([unit_key])
        .find(|c| c.eq_ignore_ascii_case(v))?;
    let what = if clash.eq_ignore_ascii_case(unit_key) {
        format!("the column of the unit key (`{unit_key}`)")
    } else {
        format!("the column `{clash}`")
    };
    let d = Diagnostic::error(
        "F037",
        crate::diagnostic::Origin::Framework,
        format!("node id `{v}` is the name of an output column: {what}"),
    );
    Some(label(d, file, id, "this id").with_hint(format!(
        "the CSV outputs have the columns {}, the unit key and one per crime and risk factor; rename the node",
        OUTPUT_COLUMNS.join(", ")
    )))
}
