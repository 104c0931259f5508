//! Stage 2: check a parsed framework on its own: ids, references, weights,
//! bands, aggregation and normalisation parameters.

use std::collections::HashMap;

use serde_saphyr::Spanned;

use super::located::{
    Located, at, label, measure_columns, measure_id, method_of, node_ids, output_column_clash,
    weight,
};
use super::model::{
    Aggregate, Band, Example, Framework, Given, Indicator, Measure, Method, Missing, Normalise,
    Transform, UnitKey, default_bands,
};
use crate::diagnostic::{Diagnostic, Diagnostics, Origin, did_you_mean};

/// The only format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

fn span_str(file: &str, s: &Spanned<String>, d: Diagnostic, text: &str) -> Diagnostic {
    label(d, file, s, text)
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
    v.out.0.extend(super::uncertainty::validate(loc, base).0);
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
        // The unit key whose column the outputs have: the nearest layer's.
        let key = std::iter::once(fw)
            .chain(base.iter().rev().map(|b| b.fw))
            .find_map(|f| f.unit_key.as_ref())
            .map_or_else(
                || crate::data::DEFAULT_UNIT_KEY.to_string(),
                |k| k.value.columns().join(crate::data::UNIT_KEY_SEPARATOR),
            );
        for id in node_ids(fw) {
            self.check_id(id);
            if let Some(d) = output_column_clash(file, id, &key) {
                self.out.push(d);
            }
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

mod examples;

#[cfg(test)]
mod tests;
