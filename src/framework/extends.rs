//! `extends:`: a framework built on another one. The chain is read from the
//! top file down to the base, then checked from the base up, so each layer's
//! references may point into the layers below it.

use serde_saphyr::Spanned;

use super::load;
use super::located::{Located, label};
use super::model::Framework;
use super::validate::validate_on;
use crate::diagnostic::{Diagnostic, Diagnostics, Origin};

/// Longest `extends` chain accepted.
pub const MAX_CHAIN: usize = 8;

/// One file of a chain: its name in messages and its model.
#[derive(Debug)]
pub struct Layer {
    /// File name used in diagnostics.
    pub file: String,
    /// The parsed model.
    pub fw: Framework,
}

/// A checked chain of frameworks, base first, with the warnings found.
#[derive(Debug)]
pub struct Chain {
    /// Layers, base first; the last is the file that was asked for.
    pub layers: Vec<Layer>,
    /// Non-fatal findings.
    pub warnings: Vec<Diagnostic>,
}

impl Chain {
    /// The layers as [`Located`] views, base first.
    pub fn located(&self) -> Vec<Located<'_>> {
        self.layers
            .iter()
            .map(|l| Located {
                file: &l.file,
                fw: &l.fw,
            })
            .collect()
    }

    /// The file that was asked for (the top layer).
    pub fn top(&self) -> &Layer {
        self.layers.last().expect("a chain has at least one layer")
    }
}

/// The unit key of a chain (base first): the `unit_key` of the topmost layer
/// that sets one, or empty for the default (`iso3`).
pub fn unit_key(layers: &[Located<'_>]) -> Vec<String> {
    layers
        .iter()
        .rev()
        .find_map(|l| l.fw.unit_key.as_ref())
        .map(|k| k.value.columns())
        .unwrap_or_default()
}

/// Resolves what an `extends:` names: given the file that names it and the
/// value, returns the name and text of the framework it refers to.
pub type Fetch<'f> = dyn FnMut(&str, &Spanned<String>) -> Result<(String, String), Diagnostic> + 'f;

/// Parses `text`, follows its `extends` chain through `fetch`, and checks
/// every layer on the ones below it, then the links (themes, actors,
/// recommendations) across the whole chain.
pub fn load_chain(name: &str, text: &str, fetch: &mut Fetch<'_>) -> Result<Chain, Diagnostics> {
    let mut layers = vec![Layer {
        file: name.to_string(),
        fw: load::parse(name, text)?,
    }];
    loop {
        let top = layers.last().expect("not empty");
        let Some(ext) = top.fw.extends.clone() else {
            break;
        };
        let from = top.file.clone();
        let (file, text) = fetch(&from, &ext)?;
        let names: Vec<&str> = layers.iter().map(|l| l.file.as_str()).collect();
        if names.contains(&file.as_str()) || layers.len() >= MAX_CHAIN {
            let mut path: Vec<&str> = names.clone();
            path.push(&file);
            let what = if names.contains(&file.as_str()) {
                "`extends` forms a cycle"
            } else {
                "the `extends` chain is too long"
            };
            return Err(label(
                Diagnostic::error(
                    "F030",
                    Origin::Framework,
                    format!("{what}: {}", path.join(" -> ")),
                ),
                &from,
                &ext,
                "extends this",
            )
            .with_hint(format!(
                "a framework may build on another, up to {MAX_CHAIN} deep, but never on itself"
            ))
            .into());
        }
        let fw = load::parse(&file, &text)?;
        layers.push(Layer { file, fw });
    }
    layers.reverse();
    let mut warnings = Vec::new();
    {
        let located: Vec<Located<'_>> = layers
            .iter()
            .map(|l| Located {
                file: &l.file,
                fw: &l.fw,
            })
            .collect();
        // Each layer on the ones below it (layers above a broken one would
        // only repeat its errors), then the links across all of them.
        for i in 0..=located.len() {
            let found = match located.get(i) {
                Some(l) => validate_on(l, &located[..i]),
                None => super::links::check_links(&located),
            };
            let (mut errors, w): (Vec<_>, Vec<_>) = found.0.into_iter().partition(|d| d.is_error());
            warnings.extend(w);
            if !errors.is_empty() {
                errors.append(&mut warnings);
                return Err(Diagnostics(errors));
            }
        }
    }
    Ok(Chain { layers, warnings })
}

/// A resolver for [`load_chain`] that knows only the frameworks shipped in
/// the binary, by id.
pub fn embedded_only(from: &str, ext: &Spanned<String>) -> Result<(String, String), Diagnostic> {
    match crate::embedded::FRAMEWORKS
        .iter()
        .find(|(id, _, _)| *id == ext.value)
    {
        Some((_, file, text)) => Ok(((*file).to_string(), (*text).to_string())),
        None => Err(not_found(from, ext)),
    }
}

/// The error for an `extends` value that names nothing.
pub fn not_found(from: &str, ext: &Spanned<String>) -> Diagnostic {
    let ids: Vec<&str> = crate::embedded::FRAMEWORKS
        .iter()
        .map(|(id, _, _)| *id)
        .collect();
    let d = label(
        Diagnostic::error(
            "F031",
            Origin::Framework,
            format!("cannot find the framework `{}` this one extends", ext.value),
        ),
        from,
        ext,
        "named here",
    );
    match crate::diagnostic::did_you_mean(&ext.value, ids.iter().copied()) {
        Some(s) => d.with_hint(format!("did you mean `{s}`?")),
        None => d.with_hint(format!(
            "give a path relative to this file, or a shipped framework id: {}",
            ids.join(", ")
        )),
    }
}
