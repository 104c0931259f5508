//! `atrisk fit`: fit the weights and intercept of a logistic node by
//! penalised logistic regression, and write a new framework file with them.

use std::fmt::Write;
use std::path::PathBuf;

use serde_saphyr::Spanned;

use super::backtest::{EventArgs, fail, load_events};
use super::{Ctx, EXIT_OK, Failure, InputArgs, Scored, write_output};
use crate::backtest;
use crate::compile::Kind;
use crate::diagnostic::{Diagnostic, Origin};
use crate::embedded;
use crate::fit::{self, Settings};
use crate::framework::located::measure_id;
use crate::framework::model::Framework;

/// Arguments of `fit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub events: EventArgs,
    /// Last data year of the training rows; their outcomes (up to YEAR + horizon) must be known (default: the last such year the data cover).
    #[arg(long, value_name = "YEAR", value_parser = super::numbers::year)]
    pub through: Option<i32>,
    /// The logistic node to fit (default: the framework's only one).
    #[arg(long, value_name = "ID")]
    pub node: Option<String>,
    /// Elastic-net mixing: 1 lasso, 0 ridge.
    #[arg(long, value_name = "A", default_value_t = 0.5)]
    pub alpha: f64,
    /// Penalty strength.
    #[arg(
        long,
        value_name = "L",
        conflicts_with = "cv",
        required_unless_present = "cv"
    )]
    pub lambda: Option<f64>,
    /// Choose lambda by K-fold cross-validation by year (each fold a run of consecutive years, lowest held-out deviance; no random seed), as `backtest --refit-every` does inside each fit.
    #[arg(long, value_name = "K", value_parser = super::numbers::folds)]
    pub cv: Option<usize>,
    /// Write the new framework to this file (which must not exist yet, not even as a symbolic link) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace what is at the -o path (a file, or a symbolic link, which is replaced, not followed); never an input.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// The framework text of the top file.
fn framework_text(a: &Args, name: &str) -> Result<String, Failure> {
    if let Some(p) = &a.input.framework
        && p.exists()
    {
        return crate::framework::load::read_file(p).map_err(fail);
    }
    embedded::FRAMEWORKS
        .iter()
        .find(|(_, f, _)| *f == name)
        .map(|(_, _, t)| (*t).to_string())
        .or_else(|| (embedded::FRAMEWORK.0 == name).then(|| embedded::FRAMEWORK.1.to_string()))
        .ok_or_else(|| fail(no_text(name)))
}

fn no_text(name: &str) -> Diagnostic {
    Diagnostic::error(
        "B015",
        Origin::Framework,
        format!("cannot read the text of `{name}`"),
    )
}

/// A number as written in a framework file, if it is.
type Written<'a> = &'a Option<Spanned<f64>>;

/// The weight of each child of a node, as written in the file, and the
/// node's intercept, or why they cannot be rewritten.
fn spans<'a>(
    fw: &'a Framework,
    kind: Kind,
    id: &str,
    children: &[String],
) -> Result<(Vec<Written<'a>>, Written<'a>), String> {
    let find = |got: Vec<(String, Written<'a>)>| -> Result<Vec<_>, String> {
        children
            .iter()
            .map(|c| {
                got.iter()
                    .find(|(i, _)| i == c)
                    .map(|(_, w)| *w)
                    .ok_or_else(|| format!("`{c}` is not defined in this file"))
            })
            .collect()
    };
    match kind {
        Kind::Indicator => {
            let ind = fw
                .indicators
                .iter()
                .find(|i| i.id.value == id)
                .ok_or_else(|| format!("`{id}` is defined in a framework this one extends"))?;
            let got = ind
                .measures
                .iter()
                .map(|m| (format!("{id}/{}", measure_id(m).0), &m.weight))
                .chain(ind.inputs.iter().map(|i| (i.node.value.clone(), &i.weight)))
                .collect();
            Ok((find(got)?, &ind.aggregate.intercept))
        }
        Kind::RiskFactor => {
            let rf = fw
                .risk_factors
                .iter()
                .find(|r| r.id.value == id)
                .ok_or_else(|| format!("`{id}` is defined in a framework this one extends"))?;
            let got = fw
                .indicators
                .iter()
                .map(|i| (i.id.value.clone(), &i.weight))
                .collect();
            Ok((find(got)?, &rf.aggregate.intercept))
        }
        Kind::Crime => {
            let cr = fw
                .crimes
                .iter()
                .find(|r| r.id.value == id)
                .ok_or_else(|| format!("`{id}` is defined in a framework this one extends"))?;
            let got = fw
                .risk_factors
                .iter()
                .map(|r| (r.id.value.clone(), &r.weight))
                .collect();
            Ok((find(got)?, &cr.aggregate.intercept))
        }
        _ => Err("only indicators, risk factors and crimes can be fitted".to_string()),
    }
}

/// Replaces the number that starts at a 1-based line and character column.
fn replace_at(lines: &mut [String], line: u64, col: u64, value: &str) -> bool {
    let Some(l) = lines.get_mut(line as usize - 1) else {
        return false;
    };
    let chars: Vec<char> = l.chars().collect();
    let start = col as usize - 1;
    if start >= chars.len() {
        return false;
    }
    let end = chars[start..]
        .iter()
        .position(|c| matches!(c, ',' | '}' | ']' | ' ' | '\t' | '#'))
        .map_or(chars.len(), |e| start + e);
    let mut out: String = chars[..start].iter().collect();
    out.push_str(value);
    out.extend(&chars[end..]);
    *l = out;
    true
}

/// The lines of a text, each line end being LF, CRLF or a bare CR (as the
/// YAML reader counts them), and the first line end found (LF if none).
fn split_lines(text: &str) -> (Vec<String>, &'static str) {
    let mut lines = Vec::new();
    let mut eol = None;
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let end = match c {
            '\n' => "\n",
            '\r' if chars.next_if_eq(&'\n').is_some() => "\r\n",
            '\r' => "\r",
            _ => {
                cur.push(c);
                continue;
            }
        };
        eol.get_or_insert(end);
        lines.push(std::mem::take(&mut cur));
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    (lines, eol.unwrap_or("\n"))
}

/// The value written at a 1-based line and character column, up to the
/// next delimiter.
fn token_at(lines: &[String], line: u64, col: u64) -> Option<String> {
    let l = lines.get((line as usize).checked_sub(1)?)?;
    let start = (col as usize).checked_sub(1)?;
    Some(
        l.chars()
            .skip(start)
            .take_while(|c| !matches!(c, ',' | '}' | ']' | ' ' | '\t' | '#'))
            .collect(),
    )
}

/// B015: a construct of the file that rewriting the numbers cannot keep.
fn cannot_keep(file: &str, line: u64, col: u64, what: &str, construct: &str) -> Diagnostic {
    Diagnostic::error(
        "B015",
        Origin::Framework,
        format!(
            "cannot write the fitted value of {what} at {file}:{line}:{col}: it comes from {construct}, and the framework written would not read back the fitted values"
        ),
    )
    .at(file, line, col, 1, "the value of this place would change")
    .with_hint("write this weight or intercept as a number in place (without the anchor, alias or merge key) and run fit again")
}

/// Checks that the framework written loads and reads back exactly the
/// fitted weights and intercept (B015 if not), so that a construct the
/// rewrite did not foresee never gives a file that fails or lies.
fn read_back(
    file: &str,
    out: &str,
    kind: Kind,
    id: &str,
    children: &[String],
    model: &fit::Model,
) -> Result<(), Failure> {
    let wrong = |why: String| {
        fail(
            Diagnostic::error(
                "B015",
                Origin::Framework,
                format!("cannot write the fitted weights into the text of `{file}`: {why}"),
            )
            .with_hint("write every weight of the node and its intercept as a number in place (without anchors, aliases or merge keys) and run fit again"),
        )
    };
    let fw = crate::framework::load::parse(file, out).map_err(|d| {
        wrong(format!(
            "the framework written would not load ({})",
            d.message
        ))
    })?;
    let (weights, intercept) = spans(&fw, kind, id, children)
        .map_err(|w| wrong(format!("in the framework written, {w}")))?;
    let read = |w: Written<'_>| w.as_ref().map(|s| s.value);
    for ((w, b), c) in weights.iter().zip(&model.beta).zip(children) {
        if read(w) != number(*b).parse().ok() {
            return Err(wrong(format!(
                "the weight of `{c}` would read back as {}, not the fitted {}",
                read(w).map_or("nothing".to_string(), |v| v.to_string()),
                number(*b)
            )));
        }
    }
    if read(intercept) != number(model.intercept).parse().ok() {
        return Err(wrong(
            "the intercept would not read back as fitted".to_string(),
        ));
    }
    Ok(())
}

/// A number written so it reads back exactly.
fn number(v: f64) -> String {
    if v == 0.0 {
        "0".to_string()
    } else {
        format!("{v:?}")
    }
}

/// How the record of a fit begins, in the framework written.
const FIT_HEAD: &str = "# Weights and intercept of `";

/// Runs `fit`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let Scored {
        loaded,
        plan,
        panel,
        scores,
        ..
    } = a.input.score(ctx)?;
    if let Some(out) = &a.output
        && !a.force
        && std::fs::symlink_metadata(out).is_ok()
    {
        return Err(exists(out));
    }
    let ev = load_events(&a.events.events, &panel)?;
    let node = backtest::logistic_node(&plan, a.node.as_deref()).map_err(fail)?;
    let w = backtest::window(
        &panel,
        &ev,
        a.events.horizon,
        None,
        a.through,
        a.events.exclude_ongoing,
    )
    .map_err(fail)?;
    let through = w.to;
    let (d, years) = backtest::design(&plan, &panel, &scores, &ev, node, &w, through);
    let what = format!("fit on the years up to {through}");
    let names: Vec<&str> = plan.nodes[node]
        .children
        .iter()
        .map(|&(c, _)| plan.nodes[c].id.as_str())
        .collect();
    let mut warnings = Vec::new();
    if let Some(listed) = backtest::constant_predictors(&d, &names, &what).map_err(fail)? {
        warnings.push(backtest::constant_warning(&what, &listed));
    }
    let work = backtest::fit_work();
    let (lambda, cv_note) = match (a.lambda, a.cv) {
        (Some(l), _) => (l, None),
        (None, Some(k)) => {
            let gap = a.events.horizon.saturating_sub(1);
            let cv = fit::cross_validate_within(&d, &years, a.alpha, k, gap, &work)
                .map_err(|e| fail(backtest::fit_failure(&e, &d, &names, &what)))?;
            if cv.not_converged > 0 {
                warnings.push(backtest::not_converged(
                    &format!(
                        "{} of {} fits along the folds' lambda paths",
                        cv.not_converged, cv.fits
                    ),
                    Settings::new(a.alpha, 0.0).max_irls,
                    cv.worst_gradient,
                ));
            }
            let l = cv.lambdas[cv.best];
            let blocks: Vec<String> = cv
                .folds
                .years
                .iter()
                .map(|(x, y)| {
                    if x == y {
                        x.to_string()
                    } else {
                        format!("{x}-{y}")
                    }
                })
                .collect();
            (
                l,
                Some(format!(
                    "lambda chosen by {}-fold cross-validation by year over {} values (held-out years {}; {} year(s) left out of the fitted rows on each side): held-out binomial deviance {:.6} per row",
                    blocks.len(),
                    cv.lambdas.len(),
                    blocks.join(", "),
                    cv.folds.gap,
                    cv.deviance[cv.best]
                )),
            )
        }
        (None, None) => unreachable!("clap requires --lambda or --cv"),
    };
    let model = backtest::fit_checked(
        &d,
        &Settings::new(a.alpha, lambda),
        None,
        &names,
        &what,
        &work,
    )
    .map_err(fail)?;
    if !model.converged {
        warnings.push(backtest::not_converged(
            &format!("the fit on the years up to {through}"),
            model.irls_steps,
            model.gradient_norm,
        ));
    }
    super::print_warnings(ctx, &warnings, &crate::diagnostic::Sources::default())?;
    if model.nonzero() == 0 {
        return Err(fail(
            Diagnostic::error(
                "B017",
                Origin::Usage,
                format!(
                    "every weight is 0 at lambda {lambda}: the framework would have no predictor"
                ),
            )
            .with_hint("lower --lambda"),
        ));
    }
    // Rewrite the weights and the intercept in the file's text.
    let n = &plan.nodes[node];
    let top = plan.files.len() - 1;
    let children: Vec<String> = n
        .children
        .iter()
        .map(|&(c, _)| plan.nodes[c].id.clone())
        .collect();
    let located = if n.file == top {
        spans(&loaded.fw, n.kind, &n.id, &children)
    } else {
        Err(format!(
            "`{}` is defined in a framework this one extends",
            n.id
        ))
    };
    let (weights, intercept) = located.map_err(|why| {
        fail(
            Diagnostic::error(
                "B015",
                Origin::Framework,
                format!("cannot write the fitted weights of `{}`: {why}", n.id),
            )
            .with_hint("fit a node defined in the framework file given with --framework"),
        )
    })?;
    let text = framework_text(a, &loaded.name)?;
    let (mut lines, eol) = split_lines(&text);
    let mut edits: Vec<(u64, u64, String, String)> = Vec::new();
    for ((w, b), c) in weights.iter().zip(&model.beta).zip(&children) {
        match w {
            Some(s) => edits.push((
                s.referenced.line(),
                s.referenced.column(),
                number(*b),
                c.clone(),
            )),
            None => {
                return Err(fail(
                    Diagnostic::error(
                        "B015",
                        Origin::Framework,
                        format!("`{c}` has no `weight` written in `{}`, so there is no number to replace", loaded.name),
                    )
                    .at(&loaded.name, plan.nodes[plan.find(c).unwrap_or(node)].line, 1, 1, "no weight")
                    .with_hint("write its weight explicitly (such as `weight: 1`) and run fit again"),
                ));
            }
        }
    }
    let ic = intercept
        .as_ref()
        .expect("a logistic node has an intercept");
    edits.push((
        ic.referenced.line(),
        ic.referenced.column(),
        number(model.intercept),
        "intercept".into(),
    ));
    edits.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    // Each number is replaced where it is written. A value that is not a
    // number written in place (an alias of a mapping, a merge key) or one
    // place that holds several of the values cannot take the fitted values.
    for (i, (line, col, _, what)) in edits.iter().enumerate() {
        let token = token_at(&lines, *line, *col).unwrap_or_default();
        let shared = edits[..i]
            .iter()
            .chain(&edits[i + 1..])
            .any(|e| (e.0, e.1) == (*line, *col));
        let prefix = lines
            .get(*line as usize - 1)
            .map(|l| l.chars().take(*col as usize - 1).collect::<String>())
            .unwrap_or_default();
        let construct = if prefix.trim_end().ends_with("<<:") {
            Some(format!("the merge key `<<: {token}`"))
        } else if shared {
            Some(format!(
                "`{token}`, which gives the value of several weights"
            ))
        } else if !token.starts_with('*') && token.parse::<f64>().is_err() {
            Some(format!("`{token}`, which is not a number written in place"))
        } else {
            None
        };
        if let Some(c) = construct {
            return Err(fail(cannot_keep(&loaded.name, *line, *col, what, &c)));
        }
    }
    for (line, col, v, what) in &edits {
        if !replace_at(&mut lines, *line, *col, v) {
            return Err(fail(Diagnostic::error(
                "B015",
                Origin::Framework,
                format!(
                    "cannot find the number of {what} at {}:{line}:{col}",
                    loaded.name
                ),
            )));
        }
    }
    let data: Vec<String> = a
        .input
        .data
        .iter()
        .map(|d| d.path.display().to_string())
        .collect();
    let mut head = String::new();
    let _ = writeln!(head, "{FIT_HEAD}{}` fitted with `atrisk fit`:", n.id);
    let _ = writeln!(
        head,
        "#   penalised logistic regression (elastic net, glmnet's binomial objective), alpha {}, lambda {};",
        a.alpha, lambda
    );
    if let Some(c) = &cv_note {
        let _ = writeln!(head, "#   {c};");
    }
    let _ = writeln!(
        head,
        "#   predictors standardised internally (population SD), weights on the raw scale, intercept unpenalised;"
    );
    let _ = writeln!(
        head,
        "#   data: {}; unit key: {}; events: {};",
        if data.is_empty() {
            "the shipped panel".to_string()
        } else {
            data.join(", ")
        },
        panel.unit_key_label(),
        a.events.events.display()
    );
    let _ = writeln!(
        head,
        "#   outcome: an onset within {} year(s); training rows: {}-{} with {}{}: {} rows, {} positive;",
        w.horizon,
        years.first().copied().unwrap_or(panel.first_year),
        through,
        if n.rule.impute {
            "the node scored (an input without a score at its year's mean)"
        } else {
            "every predictor present"
        },
        if w.exclude_ongoing {
            ", ongoing episodes left out"
        } else {
            ""
        },
        model.n,
        model.positives
    );
    let _ = writeln!(
        head,
        "#   {} of {} weights non-zero; deviance explained {:.4}; {} reweighting steps.",
        model.nonzero(),
        model.beta.len(),
        model.dev_ratio,
        model.irls_steps
    );
    let head = head.replace('\n', eol);
    let mut out = String::new();
    let mut rest = lines.iter().peekable();
    // An editor's schema line stays first; the record of an earlier fit is
    // replaced.
    if let Some(l) = rest.next_if(|l| l.starts_with("# yaml-language-server:")) {
        out.push_str(l);
        out.push_str(eol);
    }
    if rest.next_if(|l| l.starts_with(FIT_HEAD)).is_some() {
        while rest.next_if(|l| l.starts_with("#   ")).is_some() {}
    }
    out.push_str(&head);
    for l in rest {
        out.push_str(l);
        out.push_str(eol);
    }
    read_back(&loaded.name, &out, n.kind, &n.id, &children, &model)?;
    let mut inputs = a.input.paths();
    inputs.push(a.events.events.clone());
    match &a.output {
        // Nothing is replaced: the file is linked into place under its name
        // in one step that fails if the name was taken meanwhile.
        Some(path) if !a.force => {
            super::check_output(path, &inputs)?;
            super::write_new_output(path, &out, false).map_err(|f| {
                if std::fs::symlink_metadata(path).is_ok() {
                    exists(path)
                } else {
                    f
                }
            })?;
        }
        _ => write_output(a.output.as_deref(), &out, &inputs)?,
    }
    Ok(EXIT_OK)
}

/// B016: something (a file, a folder, a symbolic link, even a dangling one)
/// is at the output path already.
fn exists(out: &std::path::Path) -> Failure {
    fail(
        Diagnostic::error(
            "B016",
            Origin::Usage,
            format!(
                "`{}` exists already (a file, a folder or a symbolic link); fit writes a new file",
                out.display()
            ),
        )
        .with_hint(
            "choose a new file name with -o, or give --force to replace it (never an input)",
        ),
    )
}
