//! Checks of the worked examples a framework gives for its nodes, and of
//! whether stated weights match the examples' intent.

use super::*;

impl Validator<'_> {
    /// Checks the worked examples of every node against the node's inputs and bands.
    pub(super) fn check_all_examples(&mut self, fw: &Framework) {
        let band_names = |b: &Option<Vec<Band>>| -> Vec<String> {
            match b.as_ref().or(fw.bands.as_ref()) {
                Some(b) => b.iter().map(|b| b.name.value.clone()).collect(),
                None => default_bands().into_iter().map(|(n, _)| n).collect(),
            }
        };
        for ind in &fw.indicators {
            if ind.measures.is_empty() {
                if let Some(ex) = ind.examples.first() {
                    let d = self.err(
                        "F021",
                        format!(
                            "indicator `{}` has examples but no measure to compute them with",
                            ind.id.value
                        ),
                    );
                    self.out.push(
                        at(d, self.file, ex, 1, "example")
                            .with_hint("examples of indicators give raw values of the columns its measures read; add a measure or remove the examples"),
                    );
                }
                continue;
            }
            let cols: Vec<String> = ind.measures.iter().flat_map(measure_columns).collect();
            let keys: Vec<&str> = cols.iter().map(String::as_str).collect();
            let node = Node {
                id: &ind.id.value,
                keys: &keys,
                what: "data column read by the measures",
                data: true,
                bands: &band_names(&ind.bands),
            };
            self.check_examples(&ind.examples, &node);
        }
        for rf in &fw.risk_factors {
            let keys: Vec<&str> = fw
                .indicators
                .iter()
                .filter(|i| i.belongs_to(&rf.id.value))
                .map(|i| i.id.value.as_str())
                .collect();
            let node = Node {
                id: &rf.id.value,
                keys: &keys,
                what: "indicator",
                data: false,
                bands: &band_names(&rf.bands),
            };
            self.check_examples(&rf.examples, &node);
        }
        for crime in &fw.crimes {
            let keys: Vec<&str> = fw
                .risk_factors
                .iter()
                .filter(|r| r.bears_on(&crime.id.value))
                .map(|r| r.id.value.as_str())
                .collect();
            let node = Node {
                id: &crime.id.value,
                keys: &keys,
                what: "risk factor bearing on it",
                data: false,
                bands: &band_names(&crime.bands),
            };
            self.check_examples(&crime.examples, &node);
        }
        if let Some(o) = &fw.overall {
            let keys: Vec<&str> = fw.crimes.iter().map(|c| c.id.value.as_str()).collect();
            let node = Node {
                id: "overall",
                keys: &keys,
                what: "crime",
                data: false,
                bands: &band_names(&o.bands),
            };
            self.check_examples(&o.examples, &node);
        }
    }

    fn check_examples(&mut self, examples: &[Spanned<Example>], node: &Node<'_>) {
        let file = self.file;
        for ex in examples {
            let e = &ex.value;
            if e.value.is_none() && e.band.is_none() {
                let d = self.err(
                    "F021",
                    format!("an example of `{}` expects nothing", node.id),
                );
                self.out.push(at(d, file, ex, 1, "example").with_hint(
                    "add `value:` (the expected score) or `band:` (the expected band), or both",
                ));
            }
            if let Some(v) = &e.value
                && !(0.0..=1.0).contains(&v.value)
            {
                let d = self.err(
                    "F021",
                    format!("an expected score must be from 0 to 1, found {}", v.value),
                );
                self.out.push(
                    at(d, file, v, 1, "expected score").with_hint("every node scores from 0 to 1"),
                );
            }
            if let Some(t) = &e.tolerance
                && !(t.value >= 0.0 && t.value.is_finite())
            {
                let d = self.err(
                    "F021",
                    format!(
                        "a tolerance must be a number of 0 or more, found {}",
                        t.value
                    ),
                );
                self.out.push(
                    at(d, file, t, 1, "tolerance")
                        .with_hint("leave it out for the default of 1e-6"),
                );
            }
            if let Some(b) = &e.band
                && !node.bands.contains(&b.value)
            {
                let d = self.err(
                    "F021",
                    format!("`{}` is not a band of `{}`", b.value, node.id),
                );
                let hint = match did_you_mean(&b.value, node.bands.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("its bands are: {}", node.bands.join(", ")),
                };
                self.out
                    .push(span_str(file, b, d, "unknown band").with_hint(hint));
            }
            let mut given: Vec<(&Spanned<String>, &Option<Given>)> = e.given.iter().collect();
            given.sort_by_key(|(k, _)| (k.referenced.line(), k.referenced.column()));
            for (k, v) in given {
                if !node.keys.contains(&k.value.as_str()) {
                    let d = self.err(
                        "F021",
                        format!("`{}` is not a {} of `{}`", k.value, node.what, node.id),
                    );
                    let hint = match did_you_mean(&k.value, node.keys.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if node.keys.is_empty() => {
                            format!("`{}` has no {}", node.id, node.what)
                        }
                        None => format!("give values for: {}", node.keys.join(", ")),
                    };
                    self.out
                        .push(span_str(file, k, d, "unknown input").with_hint(hint));
                    continue;
                }
                let problem = match v {
                    Some(Given::Series(_)) if !node.data => {
                        Some("a list of yearly values is only for the data columns of an indicator")
                    }
                    Some(Given::Series(s)) if s.is_empty() => {
                        Some("the list of yearly values is empty")
                    }
                    Some(Given::Value(x)) if !node.data && !(0.0..=1.0).contains(x) => {
                        Some("a child's score must be from 0 to 1")
                    }
                    _ => None,
                };
                if let Some(msg) = problem {
                    let d = self.err("F021", msg);
                    self.out.push(
                        span_str(file, k, d, "this input").with_hint(if node.data {
                            "give a number, `null` for missing, or a list of yearly values ending with the year scored"
                        } else {
                            "give the child's score, a number from 0 to 1 (or `null` for no score)"
                        }),
                    );
                }
            }
        }
    }

    /// Warns when a node's child weights look unlike what the author meant:
    /// fractions mixed with whole numbers (or with children left at the
    /// default of 1), or fractions that sum to nearly, but not quite, 1.
    pub(super) fn check_weight_intent(
        &mut self,
        ws: &[&Option<Spanned<f64>>],
        owner: Option<&Spanned<String>>,
        what: &str,
    ) {
        let file = self.file;
        let explicit: Vec<&Spanned<f64>> = ws.iter().copied().flatten().collect();
        if ws.len() < 2
            || explicit
                .iter()
                .any(|w| !w.value.is_finite() || w.value < 0.0)
        {
            return;
        }
        let defaults = ws.len() - explicit.len();
        let fractions: Vec<&Spanned<f64>> = explicit
            .iter()
            .copied()
            .filter(|w| w.value > 0.0 && w.value < 1.0)
            .collect();
        let wholes: Vec<&Spanned<f64>> = explicit
            .iter()
            .copied()
            .filter(|w| w.value >= 1.0 && w.value.fract() == 0.0)
            .collect();
        let name = owner.map_or("overall", |o| o.value.as_str());
        let d = if let Some(first) = fractions.first()
            && (defaults > 0 || !wholes.is_empty())
        {
            let mut whole_list: Vec<String> = wholes.iter().map(|w| w.value.to_string()).collect();
            if defaults > 0 {
                whole_list.push(if defaults == 1 {
                    "a child without `weight:`, which counts as 1".to_string()
                } else {
                    format!("{defaults} children without `weight:`, which count as 1")
                });
            }
            let d = Diagnostic::warning(
                "F103",
                Origin::Framework,
                format!(
                    "the weights of the {what} of `{name}` mix fractions ({}) with whole numbers ({})",
                    list(&fractions),
                    whole_list.join(", ")
                ),
            );
            let d = at(d, file, first, 1, "a fraction");
            let d = match wholes.first() {
                Some(w) => at(d, file, w, 1, "a whole number"),
                None => d,
            };
            d.with_hint(
                "weights are relative, and a child without `weight:` counts 1; write every weight of these children as a share (summing to 1) or every one as a whole number",
            )
        } else {
            let sum: f64 = explicit.iter().map(|w| w.value).sum();
            let off = (sum - 1.0).abs();
            if defaults > 0 || fractions.len() != explicit.len() || off <= 1e-6 || off > 0.15 {
                return;
            }
            let Some(last) = explicit.last() else {
                return;
            };
            let d = Diagnostic::warning(
                "F103",
                Origin::Framework,
                format!(
                    "the weights of the {what} of `{name}` ({}) sum to {}, not 1",
                    list(&explicit),
                    round6(sum)
                ),
            );
            at(d, file, last, 1, "the last of them").with_hint(format!(
                "weights are relative, so they act as if scaled to sum to 1; if they are shares, correct them (this one would be {} for a sum of 1)",
                round6(last.value + 1.0 - sum)
            ))
        };
        let d = match owner {
            Some(o) => span_str(file, o, d, "the weights of this node's children"),
            None => d,
        };
        self.out.push(d);
    }
}

fn list(ws: &[&Spanned<f64>]) -> String {
    ws.iter()
        .map(|w| w.value.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// What the examples of one node may name and expect.
struct Node<'a> {
    id: &'a str,
    /// The names `given` may use.
    keys: &'a [&'a str],
    /// What those names are, for messages.
    what: &'a str,
    /// True for indicators: inputs are raw data values.
    data: bool,
    /// The node's band names.
    bands: &'a [String],
}
