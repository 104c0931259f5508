//! Stage 2: check a parsed framework on its own: ids, references, weights,
//! bands, aggregation and normalisation parameters.

use std::collections::HashMap;

use serde_saphyr::Spanned;

use super::compile::default_bands;
use super::model::{
    Aggregate, Band, Example, Framework, Given, Indicator, Measure, Method, Missing, Normalise,
    Transform, UnitKey,
};
use crate::diagnostic::{Diagnostic, Diagnostics, Origin};

/// The only format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

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

fn span_str(file: &str, s: &Spanned<String>, d: Diagnostic, text: &str) -> Diagnostic {
    label(d, file, s, text)
}

/// Labels a diagnostic with the location of a spanned string.
pub fn label(d: Diagnostic, file: &str, s: &Spanned<String>, text: &str) -> Diagnostic {
    at(d, file, s, s.value.chars().count(), text)
}

/// Suggests the closest of `candidates` to `word`, if one is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::normalized_levenshtein(&word.to_lowercase(), &c.to_lowercase());
        if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// Runs every check; returns all findings (errors and warnings).
pub fn validate(loc: &Located<'_>) -> Diagnostics {
    validate_on(loc, &[])
}

/// Checks a framework that extends `base` (the frameworks it builds on, in
/// order, already checked): references may point into them, and ids must not
/// repeat theirs.
pub fn validate_on(loc: &Located<'_>, base: &[Located<'_>]) -> Diagnostics {
    let mut v = Validator {
        file: loc.file,
        base,
        out: Diagnostics::default(),
    };
    v.run(loc.fw);
    v.out
        .0
        .extend(crate::score::uncertainty::validate(loc, base).0);
    // A node checked from several parents reports each problem once.
    let mut out = Diagnostics::default();
    for d in v.out.0 {
        if !out.0.contains(&d) {
            out.push(d);
        }
    }
    out
}

struct Validator<'a> {
    file: &'a str,
    base: &'a [Located<'a>],
    out: Diagnostics,
}

impl Validator<'_> {
    fn err(&mut self, code: &'static str, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, Origin::Framework, msg)
    }

    /// `unit_key`: one or more distinct, non-empty column names, none `year`.
    fn check_unit_key(&mut self, k: &Spanned<UnitKey>) {
        let cols = k.value.columns();
        let mut problem = None;
        if cols.is_empty() {
            problem = Some("`unit_key` names no column".to_string());
        }
        for (i, c) in cols.iter().enumerate() {
            if c.trim().is_empty() {
                problem = Some("`unit_key` has an empty column name".to_string());
            } else if c.eq_ignore_ascii_case("year") {
                problem = Some(
                    "`unit_key` cannot include `year`: rows are always keyed by unit and year"
                        .to_string(),
                );
            } else if cols[..i].iter().any(|p| p.eq_ignore_ascii_case(c)) {
                problem = Some(format!("`unit_key` names `{c}` twice"));
            }
        }
        if let Some(msg) = problem {
            let d = self.err("F036", msg);
            let d = at(d, self.file, k, 8, "unit key");
            self.out.push(d.with_hint(
                "give the column, or list of columns, that identifies a unit in the data, such as `unit_key: iso3` or `unit_key: [iso3, admin1]`",
            ));
        }
    }

    fn run(&mut self, fw: &Framework) {
        let file = self.file;
        if fw.format.value != FORMAT_VERSION {
            let d = self.err(
                "F017",
                format!(
                    "unsupported framework format {} (this build reads format {FORMAT_VERSION})",
                    fw.format.value
                ),
            );
            self.out.push(
                at(d, file, &fw.format, 1, "format version")
                    .with_hint("set `format: 1`, or upgrade atrisk"),
            );
        }
        if let Some(k) = &fw.unit_key {
            self.check_unit_key(k);
        }
        // Ids are unique across crimes, risk factors, indicators and themes,
        // including those of the frameworks this one extends.
        let base = self.base;
        let mut seen: HashMap<&str, (&str, &Spanned<String>)> = HashMap::new();
        for b in base {
            for id in node_ids(b.fw) {
                seen.insert(&id.value, (b.file, id));
            }
        }
        for id in node_ids(fw) {
            self.check_id(id);
            if let Some((prev_file, prev)) = seen.get(id.value.as_str()) {
                let d = self.err("F010", format!("duplicate id `{}`", id.value));
                let d = span_str(file, id, d, "defined again here");
                let d = span_str(prev_file, prev, d, "first defined here");
                self.out.push(d.with_hint(
                    "ids must be unique across crimes, risk factors, indicators and themes",
                ));
            } else {
                seen.insert(&id.value, (file, id));
            }
        }
        let layers = || base.iter().map(|b| b.fw).chain(std::iter::once(fw));
        let mut crime_ids: Vec<&str> = layers()
            .flat_map(|f| f.crimes.iter().map(|c| c.id.value.as_str()))
            .collect();
        crime_ids.dedup();
        let rf_ids: Vec<&str> = layers()
            .flat_map(|f| f.risk_factors.iter().map(|r| r.id.value.as_str()))
            .collect();

        if let Some(b) = &fw.bands {
            self.check_bands(b);
        }
        if let Some(m) = &fw.defaults.min_coverage {
            self.check_unit(m, "min_coverage");
        }
        if crime_ids.is_empty() {
            self.out.push(
                self.err_no_span("F019", "the framework defines no crimes")
                    .with_hint("add a `crimes:` list; see docs/rule-format.md"),
            );
        }

        // Risk factors: crime references, weights.
        for rf in &fw.risk_factors {
            if rf.crimes.is_empty() {
                let d = self.err(
                    "F011",
                    format!("risk factor `{}` bears on no crime", rf.id.value),
                );
                self.out.push(
                    span_str(file, &rf.id, d, "this risk factor").with_hint(format!(
                        "list the crimes it bears on: {}",
                        crime_ids.join(", ")
                    )),
                );
            }
            for c in &rf.crimes {
                if !crime_ids.contains(&c.value.as_str()) {
                    self.unknown_ref(c, "crime", &crime_ids);
                }
            }
            self.check_aggregate(&rf.aggregate);
            if let Some(b) = &rf.bands {
                self.check_bands(b);
            }
        }
        // What an indicator's `inputs` may read: risk factors, indicators, themes.
        let input_ids: Vec<(&str, &str)> = layers()
            .flat_map(|f| {
                let rfs = f
                    .risk_factors
                    .iter()
                    .map(|r| (r.id.value.as_str(), "risk factor"));
                let inds = f
                    .indicators
                    .iter()
                    .map(|i| (i.id.value.as_str(), "indicator"));
                let themes = f.themes.iter().map(|t| (t.id.value.as_str(), "theme"));
                let crimes = f.crimes.iter().map(|c| (c.id.value.as_str(), "crime"));
                rfs.chain(inds).chain(themes).chain(crimes)
            })
            .collect();
        // Indicators: risk factor reference, measures.
        for ind in &fw.indicators {
            if let Some(rf) = &ind.risk_factor
                && !rf_ids.contains(&rf.value.as_str())
            {
                self.unknown_ref(rf, "risk factor", &rf_ids);
            }
            self.check_aggregate(&ind.aggregate);
            if let Some(b) = &ind.bands {
                self.check_bands(b);
            }
            if ind.measures.is_empty() && ind.inputs.is_empty() && !ind.qualitative {
                let d = Diagnostic::warning(
                    "F101",
                    Origin::Framework,
                    format!(
                        "indicator `{}` has no measure and is not marked qualitative",
                        ind.id.value
                    ),
                );
                self.out.push(
                    span_str(file, &ind.id, d, "never gets a score")
                        .with_hint("add a `measures:` entry, or set `qualitative: true` to read it from analyst assessments"),
                );
            }
            let parent_logistic = method_of(&ind.aggregate) == Method::Logistic;
            let mut mids: HashMap<String, (u64, u64)> = HashMap::new();
            for m in &ind.measures {
                self.check_measure(m, parent_logistic);
                let (mid, line, col) = measure_id(m);
                if let Some(&(l, c)) = mids.get(&mid) {
                    let d = self
                        .err(
                            "F010",
                            format!(
                                "duplicate measure id `{mid}` in indicator `{}`",
                                ind.id.value
                            ),
                        )
                        .at(
                            file,
                            line,
                            col,
                            mid.chars().count() as u64,
                            "defined again here",
                        )
                        .at(file, l, c, mid.chars().count() as u64, "first defined here")
                        .with_hint("give one of the measures an explicit `id:`");
                    self.out.push(d);
                } else {
                    mids.insert(mid, (line, col));
                }
            }
            self.check_inputs(ind, &input_ids);
            let weights: Vec<&Option<Spanned<f64>>> = ind
                .measures
                .iter()
                .map(|m| &m.weight)
                .chain(ind.inputs.iter().map(|i| &i.weight))
                .collect();
            self.check_weights(&weights, parent_logistic, Some(&ind.id), "measures");
        }
        // Children weights per risk factor and per crime.
        for rf in &fw.risk_factors {
            let kids: Vec<_> = fw
                .indicators
                .iter()
                .filter(|i| i.belongs_to(&rf.id.value))
                .collect();
            if kids.is_empty() {
                let d = Diagnostic::warning(
                    "F102",
                    Origin::Framework,
                    format!("risk factor `{}` has no indicators", rf.id.value),
                );
                self.out.push(
                    span_str(file, &rf.id, d, "never gets a score")
                        .with_hint("add indicators with `risk_factor: ` set to this id"),
                );
            }
            let w: Vec<_> = kids.iter().map(|i| &i.weight).collect();
            self.check_weights(
                &w,
                method_of(&rf.aggregate) == Method::Logistic,
                Some(&rf.id),
                "indicators",
            );
        }
        for crime in &fw.crimes {
            self.check_aggregate(&crime.aggregate);
            if let Some(b) = &crime.bands {
                self.check_bands(b);
            }
            let kids: Vec<_> = fw
                .risk_factors
                .iter()
                .filter(|r| r.bears_on(&crime.id.value))
                .collect();
            if kids.is_empty() && !fw.risk_factors.is_empty() {
                let d = Diagnostic::warning(
                    "F102",
                    Origin::Framework,
                    format!("no risk factor bears on crime `{}`", crime.id.value),
                );
                self.out.push(
                    span_str(file, &crime.id, d, "never gets a score")
                        .with_hint("list this crime in the `crimes:` of a risk factor"),
                );
            }
            let w: Vec<_> = kids.iter().map(|r| &r.weight).collect();
            self.check_weights(
                &w,
                method_of(&crime.aggregate) == Method::Logistic,
                Some(&crime.id),
                "risk factors",
            );
        }
        if let Some(o) = &fw.overall {
            self.check_aggregate(&o.aggregate);
            if let Some(b) = &o.bands {
                self.check_bands(b);
            }
        }
        self.check_all_examples(fw);
        let w: Vec<_> = fw.crimes.iter().map(|c| &c.weight).collect();
        // Crimes of this file weighted 0 beside weighted crimes of the
        // frameworks it extends stay out of the overall score on purpose.
        let base_weighs = self
            .base
            .iter()
            .flat_map(|b| &b.fw.crimes)
            .any(|c| weight(&c.weight) != 0.0);
        let only_zero = base_weighs && w.iter().all(|c| weight(c) == 0.0);
        if !w.is_empty() && !only_zero {
            let logistic = fw
                .overall
                .as_ref()
                .and_then(|o| o.aggregate.method.as_ref())
                .is_some_and(|m| m.value == Method::Logistic);
            self.check_weights(&w, logistic, None, "crimes");
        }
        for t in &fw.themes {
            self.check_aggregate(&t.aggregate);
            if let Some(b) = &t.bands {
                self.check_bands(b);
            }
        }
        if let Some(wl) = &fw.watchlist
            && wl.top == 0
        {
            self.out.push(
                self.err_no_span("F015", "watchlist.top must be at least 1")
                    .with_hint("set `watchlist: {top: 20}` or remove the section"),
            );
        }
    }

    /// An indicator's `inputs`: known risk factors, indicators or themes,
    /// none twice, not the indicator itself or its own risk factor.
    fn check_inputs(&mut self, ind: &Indicator, known: &[(&str, &str)]) {
        let file = self.file;
        let readable: Vec<&str> = known
            .iter()
            .filter(|(_, k)| *k != "crime")
            .map(|(id, _)| *id)
            .collect();
        for (n, i) in ind.inputs.iter().enumerate() {
            let id = i.node.value.as_str();
            match known.iter().find(|(k, _)| *k == id) {
                None => self.unknown_ref(&i.node, "risk factor, indicator or theme", &readable),
                Some((_, "crime")) => {
                    let d = self.err(
                        "F011",
                        format!("`{id}` is a crime; an indicator's inputs read risk factors, indicators or themes"),
                    );
                    self.out.push(
                        span_str(file, &i.node, d, "a crime")
                            .with_hint("name the risk factors that bear on the crime instead"),
                    );
                }
                Some(_) => {}
            }
            let own_rf = ind.risk_factor.as_ref().is_some_and(|r| r.value == id);
            if id == ind.id.value || own_rf {
                let d = self.err(
                    "F020",
                    format!(
                        "indicator `{}` reads `{id}`, whose score depends on the indicator itself",
                        ind.id.value
                    ),
                );
                self.out.push(
                    span_str(file, &i.node, d, "a cycle").with_hint(
                        "an indicator cannot read its own score or its own risk factor's",
                    ),
                );
            }
            if let Some(prev) = ind.inputs[..n].iter().find(|p| p.node.value == id) {
                let d = self.err(
                    "F010",
                    format!("`{id}` is listed twice in the inputs of `{}`", ind.id.value),
                );
                let d = span_str(file, &i.node, d, "listed again here");
                self.out.push(
                    span_str(file, &prev.node, d, "first listed here")
                        .with_hint("list each input once, with one weight"),
                );
            }
        }
        if let Some(ex) = ind.examples.first()
            && !ind.inputs.is_empty()
        {
            let d = self.err(
                "F021",
                format!(
                    "indicator `{}` has inputs from other nodes, which its examples cannot give",
                    ind.id.value
                ),
            );
            self.out.push(at(d, file, ex, 1, "example").with_hint(
                "remove the examples; check the node with `atrisk explain` on real data instead",
            ));
        }
    }

    fn err_no_span(&self, code: &'static str, msg: &str) -> Diagnostic {
        Diagnostic::error(code, Origin::Framework, msg).at(self.file, 1, 1, 1, "in this framework")
    }

    fn check_id(&mut self, id: &Spanned<String>) {
        let ok = !id.value.is_empty()
            && id
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !ok {
            let d = self.err("F009", format!("invalid id `{}`", id.value));
            self.out.push(
                span_str(self.file, id, d, "invalid id")
                    .with_hint("ids use letters, digits, `_`, `-` and `.` only"),
            );
        }
    }

    fn unknown_ref(&mut self, r: &Spanned<String>, what: &str, known: &[&str]) {
        let d = self.err("F011", format!("unknown {what} `{}`", r.value));
        let d = span_str(self.file, r, d, &format!("no {what} has this id"));
        let hint = match did_you_mean(&r.value, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => format!("no {what} is defined in this framework"),
            None => format!("defined {what} ids: {}", known.join(", ")),
        };
        self.out.push(d.with_hint(hint));
    }

    fn check_unit(&mut self, v: &Spanned<f64>, what: &str) {
        if !(0.0..=1.0).contains(&v.value) || !v.value.is_finite() {
            let d = self.err(
                "F015",
                format!("{what} must be between 0 and 1, found {}", v.value),
            );
            self.out.push(
                at(d, self.file, v, 1, "out of range")
                    .with_hint("scores run from 0 to 1; give a value in that range"),
            );
        }
    }

    fn check_bands(&mut self, bands: &[Band]) {
        let file = self.file;
        if bands.is_empty() {
            self.out.push(
                self.err_no_span("F014", "a band list is empty")
                    .with_hint("list at least one band starting at `min: 0`"),
            );
            return;
        }
        let first = &bands[0];
        if first.min.value != 0.0 {
            let d = self.err(
                "F014",
                format!(
                    "the first band `{}` starts at {}, so lower scores get no band",
                    first.name.value, first.min.value
                ),
            );
            self.out.push(
                at(d, file, &first.min, 1, "should be 0")
                    .with_hint("start the first band at `min: 0`"),
            );
        }
        let mut names: HashMap<&str, &Spanned<String>> = HashMap::new();
        for (i, b) in bands.iter().enumerate() {
            self.check_unit(&b.min, "a band's min");
            if let Some(prev) = names.get(b.name.value.as_str()) {
                let d = self.err("F014", format!("band `{}` is listed twice", b.name.value));
                let d = span_str(file, &b.name, d, "again here");
                self.out.push(
                    span_str(file, prev, d, "first here")
                        .with_hint("give each band of a list its own name"),
                );
            } else {
                names.insert(&b.name.value, &b.name);
            }
            if i > 0 && b.min.value <= bands[i - 1].min.value {
                let prev = &bands[i - 1];
                let d = self.err(
                    "F014",
                    format!(
                        "band `{}` starts at {}, not above band `{}` ({}), so band `{}` can never be reached",
                        b.name.value, b.min.value, prev.name.value, prev.min.value, prev.name.value
                    ),
                );
                let d = at(d, file, &b.min, 1, "not above the band before");
                self.out.push(
                    at(d, file, &prev.min, 1, "unreachable band").with_hint(
                        "list bands from lowest to highest with strictly increasing `min`",
                    ),
                );
            } else if i > 0 && b.min.value == 1.0 {
                let d = Diagnostic::warning(
                    "F104",
                    Origin::Framework,
                    format!(
                        "band `{}` starts at 1, so only a perfect score of exactly 1 reaches it",
                        b.name.value
                    ),
                );
                self.out.push(
                    at(d, file, &b.min, 1, "reached only by 1").with_hint(
                        "lower its `min` below 1 (bands start at their `min` and run up to the next band)",
                    ),
                );
            }
        }
    }

    fn check_aggregate(&mut self, a: &Aggregate) {
        let file = self.file;
        let method = method_of(a);
        match (&a.threshold, method) {
            (None, Method::ShareAbove) => {
                let d = self.err("F015", "aggregation `share_above` needs a `threshold`");
                let d = match &a.method {
                    Some(m) => at(d, file, m, 11, "here"),
                    None => d,
                };
                self.out.push(
                    d.with_hint("add `threshold: 0.5` (the child score that counts as above)"),
                );
            }
            (Some(t), Method::ShareAbove) => self.check_unit(t, "threshold"),
            (Some(t), _) => {
                let d = self.err("F015", "`threshold` only applies to `method: share_above`");
                self.out.push(
                    at(d, file, t, 1, "not used")
                        .with_hint("remove it, or set `method: share_above`"),
                );
            }
            (None, _) => {}
        }
        match (&a.intercept, method) {
            (None, Method::Logistic) => {
                let d = self.err("F015", "a logistic aggregation needs an `intercept`");
                let d = match &a.method {
                    Some(m) => at(d, file, m, 8, "logistic model"),
                    None => d,
                };
                self.out
                    .push(d.with_hint("add the model's intercept, such as `intercept: -4.2`"));
            }
            (Some(i), Method::Logistic) if !i.value.is_finite() => {
                let d = self.err("F015", "the intercept must be a finite number");
                self.out.push(
                    at(d, file, i, 1, "here")
                        .with_hint("give the model's intercept, such as `intercept: -4.2`"),
                );
            }
            (Some(i), m) if m != Method::Logistic => {
                let d = self.err("F015", "`intercept` only applies to `method: logistic`");
                self.out.push(
                    at(d, file, i, 1, "not used").with_hint("remove it, or set `method: logistic`"),
                );
            }
            _ => {}
        }
        if let Some(i) = &a.impute
            && method != Method::Logistic
        {
            let d = self.err("F015", "`impute` only applies to `method: logistic`");
            self.out.push(at(d, file, i, 1, "not used").with_hint(
                "remove it: other methods already leave a child without a score out of the mean",
            ));
        }
        if let Some(m) = &a.min_coverage {
            self.check_unit(m, "min_coverage");
        }
    }

    fn check_measure(&mut self, m: &Measure, parent_logistic: bool) {
        let file = self.file;
        let norm = &m.normalise;
        let (_, line, col) = measure_id(m);
        match (&m.column, &m.columns) {
            (Some(_), Some(cols)) => {
                let d = self.err("F018", "a measure has both `column` and `columns`");
                let d = match cols.first() {
                    Some(c) => span_str(file, c, d, "here"),
                    None => d.at(file, line, col, 1, "this measure"),
                };
                self.out.push(
                    d.with_hint("use `column` for one column or `columns` for a sum of several"),
                );
            }
            (None, None) => {
                let d = self.err("F018", "a measure names no data column").at(
                    file,
                    norm.referenced.line(),
                    norm.referenced.column(),
                    1,
                    "in this measure",
                );
                self.out.push(d.with_hint("add `column: NAME`"));
            }
            (None, Some(cols)) if cols.is_empty() => {
                let d = self.err("F018", "a measure's `columns` list is empty").at(
                    file,
                    norm.referenced.line(),
                    norm.referenced.column(),
                    1,
                    "in this measure",
                );
                self.out.push(d.with_hint("list at least one column"));
            }
            _ => {}
        }
        for t in &m.transform {
            let bad = match &t.value {
                Transform::Lag(k)
                | Transform::Change(k)
                | Transform::RollingMean(k)
                | Transform::RollingMax(k) => (*k == 0 || *k > 100)
                    .then(|| format!("a window of {k} years is out of range (1 to 100)")),
                Transform::PerCapita(p) => (p.per <= 0.0 || !p.per.is_finite())
                    .then(|| "`per` must be a positive number".to_string()),
                _ => None,
            };
            if let Some(msg) = bad {
                let d = self.err("F016", msg);
                self.out.push(at(d, file, t, 1, "this transform").with_hint(
                    "windows are whole numbers of years from 1 to 100; `per` is a positive multiplier",
                ));
            }
        }
        let needs_direction = !matches!(
            norm.value,
            Normalise::Steps(_) | Normalise::Raw | Normalise::Centre(_)
        );
        match (needs_direction, m.direction) {
            (true, None) => {
                let d = self.err("F016", "this normalisation needs a `direction`");
                self.out
                    .push(at(d, file, norm, 1, "normalisation").with_hint(
                        "add `direction: higher_is_riskier` or `direction: lower_is_riskier`",
                    ));
            }
            (false, Some(_)) => {
                let msg = if matches!(norm.value, Normalise::Centre(_)) {
                    "`direction` does not apply to `centre`"
                } else {
                    "`direction` does not apply to `steps` or `raw`"
                };
                let d = self.err("F016", msg);
                self.out.push(
                    at(d, file, norm, 1, "normalisation")
                        .with_hint("remove `direction`; steps give each score directly"),
                );
            }
            _ => {}
        }
        let problem = match &norm.value {
            Normalise::Goalposts(g) => (!g.min.is_finite() || !g.max.is_finite() || g.min >= g.max)
                .then(|| format!("goalposts need min < max, found min {} and max {}", g.min, g.max)),
            Normalise::Steps(steps) => {
                if steps.is_empty() {
                    Some("`steps` needs at least one step".to_string())
                } else if steps.windows(2).any(|w| w[1].min <= w[0].min) {
                    Some("steps must be listed by strictly increasing `min`".to_string())
                } else if steps.iter().any(|s| !(0.0..=1.0).contains(&s.score)) {
                    Some("a step's score must be between 0 and 1".to_string())
                } else {
                    None
                }
            }
            Normalise::Zscore(z) => (z.clip <= 0.0 || !z.clip.is_finite())
                .then(|| "zscore `clip` must be a positive number".to_string()),
            Normalise::Raw if !parent_logistic => Some(
                "`raw` values are not on the 0-1 scale; use them only in an indicator with `method: logistic`"
                    .to_string(),
            ),
            Normalise::Centre(_) if !parent_logistic => Some(
                "`centre` values are not on the 0-1 scale; use them only in an indicator with `method: logistic`"
                    .to_string(),
            ),
            _ => None,
        };
        if let Some(msg) = problem {
            let hint = match &norm.value {
                Normalise::Goalposts(_) => {
                    "set `min` below `max`; use `direction: lower_is_riskier` to reverse the scale"
                }
                Normalise::Steps(_) => {
                    "list steps as `{min: VALUE, score: 0-1}` with increasing `min`"
                }
                Normalise::Zscore(_) => {
                    "set `clip` to a positive number of standard deviations, such as 3"
                }
                _ => {
                    "wrap the measure's indicator in `aggregate: {method: logistic, intercept: ...}`, or choose a 0-1 normalisation"
                }
            };
            let d = self.err("F016", msg);
            self.out
                .push(at(d, file, norm, 1, "normalisation").with_hint(hint));
        }
        if let Missing::Fill(v) = &m.missing
            && !v.is_finite()
        {
            let d = self.err("F016", "a fill value must be a finite number");
            self.out
                .push(at(d, file, norm, 1, "in this measure").with_hint(
                    "give the value to use when data are missing, such as `missing: {fill: 0}`",
                ));
        }
    }

    /// Checks a node's child weights: none negative (except under a logistic
    /// parent), not all zero. `owner` is the node's id, where it has one in the
    /// file; the overall node has none.
    fn check_weights(
        &mut self,
        ws: &[&Option<Spanned<f64>>],
        logistic: bool,
        owner: Option<&Spanned<String>>,
        what: &str,
    ) {
        let file = self.file;
        for w in ws.iter().copied().flatten() {
            if !w.value.is_finite() || (!logistic && w.value < 0.0) {
                let d = self.err(
                    "F012",
                    format!("weight {} is negative or not a number", w.value),
                );
                self.out.push(at(d, file, w, 1, "weight").with_hint(
                    "weights are 0 or more; only `method: logistic` takes negative coefficients",
                ));
            }
        }
        if !logistic {
            self.check_weight_intent(ws, owner, what);
        }
        // All zero means every weight was written as 0 (the default is 1).
        if let Some(Some(first)) = ws.first()
            && ws.iter().all(|w| weight(w) == 0.0)
        {
            let name = owner.map_or("overall", |o| o.value.as_str());
            let d = self.err(
                "F013",
                format!("all weights of the {what} of `{name}` are zero"),
            );
            let d = match owner {
                Some(o) => span_str(file, o, d, "this node"),
                None => at(d, file, first, 1, "the first of them"),
            };
            self.out
                .push(d.with_hint("give at least one child a positive weight"));
        }
    }
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

impl Validator<'_> {
    /// Checks the worked examples of every node against the node's inputs and bands.
    fn check_all_examples(&mut self, fw: &Framework) {
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
    fn check_weight_intent(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("rf01", ["rf1", "rf10", "rf2"]).as_deref(),
            Some("rf1")
        );
        assert_eq!(
            did_you_mean("genocid", ["genocide", "war_crimes"]).as_deref(),
            Some("genocide")
        );
        assert_eq!(did_you_mean("zzzz", ["genocide"]), None);
    }
}
