//! The explanation as text for a terminal: the tree, the forecast's
//! contributions, themes and recommendations.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The explanation as text: a tree, then themes and recommendations.
pub fn text(e: &Explained<'_>, plan: &Plan) -> String {
    let mut out = format!(
        "{} ({}), {}: {} {}  [framework {}]\n",
        e.country,
        e.iso3,
        e.year,
        e.overall.title,
        score_band(&e.overall),
        e.framework
    );
    tree(&mut out, &e.overall.children, "");
    for f in &e.forecasts {
        forecast_text(&mut out, f);
    }
    if !e.themes.is_empty() {
        out.push_str("\nThemes (scored beside the crimes, not into them)\n");
        for t in &e.themes {
            out.push_str(&format!("{} {}  {}\n", t.id, t.title, score_band(t)));
            tree(&mut out, &t.children, "");
        }
    }
    out.push('\n');
    if plan.recommendations.is_empty() {
        out.push_str("This framework defines no recommendations.\n");
    } else if e.recommendations.is_empty() {
        out.push_str("No recommendation is triggered.\n");
    } else {
        out.push_str(&format!(
            "Recommendations triggered: {} of {}, strongest first\n",
            e.recommendations.len(),
            plan.recommendations.len()
        ));
        for (i, r) in e.recommendations.iter().enumerate() {
            out.push_str(&format!(
                "{:>3}. ({}) {}  (to: {})\n",
                i + 1,
                r.id,
                r.title,
                r.addressed_to.join(", ")
            ));
            for t in &r.triggers {
                let cell = t
                    .cells
                    .last()
                    .map(|c| format!("{}:{} {} ({}) -> ", c.file, c.line, c.column, c.year))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "       {} {} {} ({}): {cell}{} -> ({})\n",
                    t.node,
                    t.value.map_or("n/a".to_string(), |v| format!("{v:.3}")),
                    t.band.as_deref().unwrap_or("-"),
                    t.condition,
                    t.path
                        .iter()
                        .rev()
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" -> "),
                    r.id
                ));
            }
        }
    }
    if e.forecasts.is_empty() {
        out.push_str("\nScores run from 0 to 1 (relative risk, not a probability). Run with --format json for every number.\n");
    } else {
        out.push_str("\nScores run from 0 to 1 (relative risk, not a probability), except the fitted forecasts, which are probabilities. Run with --format json for every number.\n");
    }
    crate::diagnostic::sanitize(&out).into_owned()
}

/// A number with a sign, for contributions to the log-odds.
fn signed(v: f64) -> String {
    if v.abs() < 0.005 {
        " 0.00".to_string()
    } else {
        format!("{v:+.2}")
    }
}

/// The forecast section: what each input adds to the log-odds.
fn forecast_text(out: &mut String, f: &Forecast<'_>) {
    let s = &f.split;
    out.push_str(&format!(
        "\nForecast {}: {} {}  (a probability: {})\n",
        s.id,
        fmt_probability(s.probability),
        f.band.unwrap_or(""),
        short(f.title, 70)
    ));
    out.push_str(&format!(
        "  log-odds {:.2}; the year's average country (every input at its year mean): {:.2}, {}. What each input adds to the log-odds:\n",
        s.log_odds,
        s.average_log_odds,
        fmt_probability(s.average_probability)
    ));
    let mut zero = 0;
    for (i, src) in s.inputs.iter().zip(&f.sources) {
        if i.weight == 0.0 {
            zero += 1;
            continue;
        }
        let name = format!("{} {}", i.id, short(src.title, 44));
        let how = if i.imputed {
            format!("no score: counted at {}", num3(i.value))
        } else {
            format!("{} against {}", num3(i.value), num3(i.year_mean))
        };
        out.push_str(&format!(
            "  {:>6}  {:<60}  {how}, weight {}\n",
            signed(i.contribution),
            short(&name, 60),
            num3(i.weight)
        ));
        for c in &src.cells {
            out.push_str(&format!("            {}\n", cell_text(c)));
        }
    }
    let total: f64 = s.inputs.iter().map(|i| i.contribution).sum();
    out.push_str(&format!(
        "  sum {} = log-odds {:.2} minus the average country's {:.2}",
        signed(total),
        s.log_odds,
        s.average_log_odds
    ));
    if zero > 0 {
        out.push_str(&format!("; {zero} input(s) at weight 0 not listed"));
    }
    out.push_str(". Risk-factor inputs are detailed in the tree above.\n");
}

/// A value to three significant figures.
fn num3(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{v:.digits$}")
}

fn score_band(n: &ExNode<'_>) -> String {
    match n.value {
        Some(v) => format!("{} {}", fmt_score(v), n.band.unwrap_or("")),
        None => "n/a (insufficient data)".to_string(),
    }
}

fn tree(out: &mut String, nodes: &[ExNode<'_>], prefix: &str) {
    for (i, n) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        let (branch, cont) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        let w = n
            .weight
            .filter(|w| *w != 1.0)
            .map(|w| format!(" ×{w}"))
            .unwrap_or_default();
        let repeated = n.repeat;
        match n.kind {
            Kind::Measure => {
                let status = match n.status {
                    Some(Status::Observed) => String::new(),
                    Some(Status::CarriedForward { from_year }) => {
                        format!(", carried forward from {from_year}")
                    }
                    Some(Status::Filled) => ", missing: filled".to_string(),
                    Some(Status::Missing) | None => ", missing".to_string(),
                };
                let raw = n.raw.map_or("n/a".to_string(), |r| r.to_string());
                out.push_str(&format!(
                    "{prefix}{branch}{}{w}: {raw} -> {}{status}  [{}]\n",
                    n.id.rsplit('/').next().unwrap_or(n.id),
                    n.value.map_or("n/a".to_string(), |v| format!("{v:.3}")),
                    n.rule.as_deref().unwrap_or("")
                ));
                for (k, c) in n.inputs.iter().enumerate() {
                    let b = if k + 1 == n.inputs.len() {
                        "└─ "
                    } else {
                        "├─ "
                    };
                    let who = c
                        .analyst
                        .as_ref()
                        .map(|a| format!("  [analyst assessment: {}]", analyst_text(a)))
                        .unwrap_or_default();
                    out.push_str(&format!("{prefix}{cont}{b}{}{who}\n", cell_text(c)));
                }
            }
            _ => {
                let cov = match (n.coverage, n.children.is_empty() && !n.repeat) {
                    (Some(c), false) if c < 1.0 => format!(", coverage {:.0}%", c * 100.0),
                    _ => String::new(),
                };
                let method = n
                    .method
                    .as_deref()
                    .filter(|m| *m != "mean")
                    .map(|m| format!(", {m}"))
                    .unwrap_or_default();
                let note = if n.qualitative && n.value.is_none() {
                    "  (qualitative: needs an analyst assessment)".to_string()
                } else if repeated {
                    "  (detailed above)".to_string()
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "{prefix}{branch}{} {}{w}  {}{cov}{method}{note}\n",
                    n.id,
                    short(n.title, 60),
                    score_band(n)
                ));
                if !repeated {
                    tree(out, &n.children, &format!("{prefix}{cont}"));
                }
            }
        }
    }
}

/// Where an input cell is and its value: `file:line column (year) = value`,
/// and the cell of a worksheet (`(cell C48)`).
fn cell_text(c: &Cell) -> String {
    let cell = c
        .cell
        .as_ref()
        .map(|a| format!(" (cell {a})"))
        .unwrap_or_default();
    format!(
        "{}:{} {} ({}) = {}{cell}",
        c.at.file, c.at.line, c.at.column, c.at.year, c.value
    )
}

fn analyst_text(a: &crate::data::Analyst) -> String {
    let v = serde_json::to_value(a).unwrap_or_default();
    let mut parts = Vec::new();
    for key in ["source", "confidence", "note"] {
        if let Some(x) = v
            .get(key)
            .and_then(|x| x.as_str())
            .filter(|x| !x.is_empty())
        {
            parts.push(format!("{key}: {x}"));
        }
    }
    if parts.is_empty() {
        "no source given".to_string()
    } else {
        parts.join("; ")
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max - 1).collect();
        format!("{}…", t.trim_end())
    }
}
