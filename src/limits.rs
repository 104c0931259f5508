//! Limits on untrusted inputs: rule-file size, YAML nesting, node and alias
//! counts, data-file size, CSV field size, row count and panel size; and
//! budgets on the work derived from them: the unit-year grid every score is
//! computed on, the node scores of a run, the columns of a CSV header and
//! the node results of a JSON document, the nodes of an explanation, the
//! work of fits and the work of an audit.
//!
//! Each limit has a name, a stable diagnostic code (L001-L015) and a
//! generous default. The command line changes them with the global flag
//! `--limit NAME=VALUE` (repeatable); a library caller uses [`set`]. The
//! values are process-wide, so that every loader sees the same ones without
//! threading them through each call.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::diagnostic::{Diagnostic, Origin};

/// One configurable limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Largest framework (rule) file, in bytes.
    FrameworkBytes,
    /// Deepest YAML nesting of mappings and sequences.
    YamlDepth,
    /// Most YAML values (mappings, sequences, scalars) in one framework file.
    YamlNodes,
    /// Most YAML aliases (`*name`) and anchors (`&name`) in one framework file.
    YamlAliases,
    /// Largest data or assessment file, in bytes.
    DataBytes,
    /// Largest CSV field, in bytes.
    CsvFieldBytes,
    /// Most rows in one CSV file.
    CsvRows,
    /// Most cells of the joined panel (countries x years x columns).
    PanelCells,
    /// Most units x years of a panel (the grid every node is scored on),
    /// also of one block of a streamed file.
    GridCells,
    /// Most node scores of a run: the framework's nodes x units x years.
    ScoreCells,
    /// Most fields in the header of a CSV file.
    CsvColumns,
    /// Most node results in one JSON document (nodes x country-years written).
    JsonNodes,
    /// Most nodes and data cells written by one explanation (`explain`).
    ExplainNodes,
    /// Most work of the fits of one `fit` or `backtest --refit-every`, in
    /// multiply-adds: every refit, fold of its cross-validation and penalty
    /// on the path (see [`crate::fit::Work`]).
    FitWork,
    /// Most work of one audit's correlations, in pair-cells (see
    /// [`crate::audit::work`]).
    AuditWork,
}

impl Limit {
    /// Every limit, in the order of their codes.
    pub const ALL: [Limit; 15] = [
        Limit::FrameworkBytes,
        Limit::YamlDepth,
        Limit::YamlNodes,
        Limit::YamlAliases,
        Limit::DataBytes,
        Limit::CsvFieldBytes,
        Limit::CsvRows,
        Limit::PanelCells,
        Limit::GridCells,
        Limit::ScoreCells,
        Limit::CsvColumns,
        Limit::JsonNodes,
        Limit::ExplainNodes,
        Limit::FitWork,
        Limit::AuditWork,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The name used with `--limit NAME=VALUE`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::FrameworkBytes => "framework-bytes",
            Limit::YamlDepth => "yaml-depth",
            Limit::YamlNodes => "yaml-nodes",
            Limit::YamlAliases => "yaml-aliases",
            Limit::DataBytes => "data-bytes",
            Limit::CsvFieldBytes => "csv-field-bytes",
            Limit::CsvRows => "csv-rows",
            Limit::PanelCells => "panel-cells",
            Limit::GridCells => "grid-cells",
            Limit::ScoreCells => "score-cells",
            Limit::CsvColumns => "csv-columns",
            Limit::JsonNodes => "json-nodes",
            Limit::ExplainNodes => "explain-nodes",
            Limit::FitWork => "fit-work",
            Limit::AuditWork => "audit-work",
        }
    }

    /// The diagnostic code of a breach.
    pub fn code(self) -> &'static str {
        match self {
            Limit::FrameworkBytes => "L001",
            Limit::YamlDepth => "L002",
            Limit::YamlNodes => "L003",
            Limit::YamlAliases => "L004",
            Limit::DataBytes => "L005",
            Limit::CsvFieldBytes => "L006",
            Limit::CsvRows => "L007",
            Limit::PanelCells => "L008",
            Limit::GridCells => "L009",
            Limit::ScoreCells => "L010",
            Limit::CsvColumns => "L011",
            Limit::JsonNodes => "L012",
            Limit::ExplainNodes => "L013",
            Limit::FitWork => "L014",
            Limit::AuditWork => "L015",
        }
    }

    /// The default value.
    pub fn default_value(self) -> u64 {
        match self {
            Limit::FrameworkBytes => 4 * 1024 * 1024,
            Limit::YamlDepth => 48,
            Limit::YamlNodes => 50_000,
            Limit::YamlAliases => 2_000,
            Limit::DataBytes => 256 * 1024 * 1024,
            Limit::CsvFieldBytes => 64 * 1024,
            Limit::CsvRows => 1_000_000,
            Limit::PanelCells => 20_000_000,
            Limit::GridCells => 1_000_000,
            Limit::ScoreCells => 10_000_000,
            Limit::CsvColumns => 20_000,
            Limit::JsonNodes => 2_000_000,
            Limit::ExplainNodes => 100_000,
            Limit::FitWork => FIT_WORK_DEFAULT,
            Limit::AuditWork => 200_000_000,
        }
    }

    /// What the limit bounds, in words.
    pub fn about(self) -> &'static str {
        match self {
            Limit::FrameworkBytes => "size of a framework file, in bytes",
            Limit::YamlDepth => "nesting depth of the YAML of a framework file",
            Limit::YamlNodes => "values (mappings, sequences, scalars) in a framework file",
            Limit::YamlAliases => "YAML anchors and aliases in a framework file",
            Limit::DataBytes => "size of a data or assessment file, in bytes",
            Limit::CsvFieldBytes => "size of one CSV field, in bytes",
            Limit::CsvRows => "rows in one CSV file",
            Limit::PanelCells => "cells of the joined panel: countries x years x columns",
            Limit::GridCells => "units x years of a panel, the grid every node is scored on",
            Limit::ScoreCells => "node scores of a run: nodes x units x years",
            Limit::CsvColumns => "fields in the header of a CSV file",
            Limit::JsonNodes => "node results in one JSON document: nodes x country-years",
            Limit::ExplainNodes => "nodes and data cells written by one explanation",
            Limit::FitWork => {
                "multiply-adds of the fits of one run: refits x folds x penalties x rows x predictors squared"
            }
            Limit::AuditWork => {
                "pair-cells of one audit: pairs of indicators or group members x unit-years, and principal components"
            }
        }
    }

    /// The value in force.
    pub fn get(self) -> u64 {
        match VALUES[self.index()].load(Ordering::Relaxed) {
            0 => self.default_value(),
            v => v,
        }
    }

    /// The value in force, as a `usize` (saturating).
    pub fn get_usize(self) -> usize {
        usize::try_from(self.get()).unwrap_or(usize::MAX)
    }

    /// Finds a limit by its name.
    pub fn by_name(name: &str) -> Option<Limit> {
        Limit::ALL.into_iter().find(|l| l.name() == name)
    }

    /// A breach of this limit: the message names the limit, its value and
    /// how to raise it. The caller adds a location.
    pub fn breach(self, origin: Origin, what: impl std::fmt::Display) -> Diagnostic {
        let value = self.get();
        Diagnostic::error(
            self.code(),
            origin,
            format!("{what}: over the limit `{}` of {value}", self.name()),
        )
        .with_hint(format!(
            "if the input is trusted and this is intended, raise the limit with `--limit {}=N` (N > {value}); see SECURITY.md",
            self.name()
        ))
    }
}

/// The default of `fit-work`.
const FIT_WORK_DEFAULT: u64 = 60_000_000_000;

/// Values set by [`set`]; 0 means the default.
static VALUES: [AtomicU64; Limit::ALL.len()] = [const { AtomicU64::new(0) }; Limit::ALL.len()];

/// Sets a limit for the rest of the process (0 restores the default).
pub fn set(limit: Limit, value: u64) {
    VALUES[limit.index()].store(value, Ordering::Relaxed);
}

/// A `--limit NAME=VALUE` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitArg {
    /// Which limit.
    pub limit: Limit,
    /// Its new value (at least 1).
    pub value: u64,
}

impl std::str::FromStr for LimitArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let names = || {
            Limit::ALL
                .iter()
                .map(|l| l.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some((name, value)) = s.split_once('=') else {
            return Err(format!("expected NAME=VALUE; the names are {}", names()));
        };
        let limit = Limit::by_name(name.trim())
            .ok_or_else(|| format!("unknown limit `{name}`; the names are {}", names()))?;
        let value = value
            .trim()
            .replace('_', "")
            .parse::<u64>()
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| format!("`{value}` is not a positive whole number"))?;
        Ok(LimitArg { limit, value })
    }
}

/// Reads a file, but never more than `limit` bytes: a larger file (or an
/// endless stream such as `/dev/zero`) gives `Ok(Err(n))` where `n` is the
/// number of bytes read before stopping.
pub fn read_capped(path: &Path, limit: Limit) -> std::io::Result<Result<Vec<u8>, u64>> {
    let cap = limit.get();
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a directory",
        ));
    }
    if let Ok(canonical) = std::fs::canonicalize(path)
        && let Ok(mut read) = FILES_READ.lock()
        && !read.contains(&canonical)
    {
        read.push(canonical);
    }
    if let Some(bytes) = read_halves(&file, &meta, cap) {
        return Ok(Ok(bytes));
    }
    // Sized from the file's length (a byte more, to see the end without
    // growing), so that a large file is not copied as the buffer grows.
    let size = meta.len().min(cap).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// A regular file of 16 MiB or more, within the cap, read in two halves
/// side by side (each half on its own thread, at its own offset): the
/// kernel's copy of a large file then takes half the time. `None` when the
/// file is smaller, over the cap, or not `len` bytes long when read (a
/// file that changes while it is read): it is then read in one pass.
#[cfg(unix)]
fn read_halves(file: &std::fs::File, meta: &std::fs::Metadata, cap: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let len = meta.len();
    if len < 16 << 20 || len > cap || !meta.is_file() {
        return None;
    }
    let mut bytes = vec![0u8; usize::try_from(len).ok()?];
    let half = bytes.len() / 2;
    let (a, b) = bytes.split_at_mut(half);
    let read = std::thread::scope(|s| {
        let second = std::thread::Builder::new()
            .spawn_scoped(s, || file.read_exact_at(b, half as u64))
            .ok()?;
        let first = file.read_exact_at(a, 0);
        Some(first.is_ok() && second.join().is_ok_and(|r| r.is_ok()))
    })?;
    // Nothing after the length read: the file did not grow meanwhile.
    let mut more = [0u8; 1];
    (read && file.read_at(&mut more, len).ok()? == 0).then_some(bytes)
}

#[cfg(not(unix))]
fn read_halves(_: &std::fs::File, _: &std::fs::Metadata, _: u64) -> Option<Vec<u8>> {
    None
}

/// Every file opened by [`read_capped`] in this process (canonical paths):
/// frameworks, the frameworks they extend, data and assessment files.
static FILES_READ: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The files read so far as input (canonical paths), which an output must
/// never replace.
pub fn files_read() -> Vec<PathBuf> {
    FILES_READ.lock().map(|f| f.clone()).unwrap_or_default()
}

/// Reads a data, assessment or events file up to the `data-bytes` limit.
/// `what` names the kind of file ("data file", "assessment file") and `flag`
/// the option that gave it, for the messages; `unreadable` is the code of a
/// file that cannot be read (D001, or B001 for an events file).
pub fn read_data_file(
    path: &Path,
    what: &str,
    flag: &str,
    unreadable: &'static str,
) -> Result<Vec<u8>, Diagnostic> {
    let name = path.display().to_string();
    match read_capped(path, Limit::DataBytes) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(n)) => Err(Limit::DataBytes
            .breach(
                Origin::Data,
                format!("{what} `{name}` has at least {n} bytes"),
            )
            .at(&name, 1, 1, 1, "this file")),
        Err(e) => Err(Diagnostic::error(
            unreadable,
            Origin::Data,
            format!("cannot read {what} `{name}`: {e}"),
        )
        .with_hint(format!("check the path given with {flag}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_are_distinct() {
        for (i, a) in Limit::ALL.iter().enumerate() {
            assert_eq!(a.index(), i);
            assert_eq!(Limit::by_name(a.name()), Some(*a));
            for b in &Limit::ALL[i + 1..] {
                assert_ne!(a.name(), b.name());
                assert_ne!(a.code(), b.code());
            }
        }
    }

    #[test]
    fn limit_args_parse() {
        let a: LimitArg = "csv-rows=1_000".parse().expect("valid");
        assert_eq!(a.limit, Limit::CsvRows);
        assert_eq!(a.value, 1000);
        assert!("csv-rows".parse::<LimitArg>().is_err());
        assert!("csv-rows=0".parse::<LimitArg>().is_err());
        assert!("csv-rows=-1".parse::<LimitArg>().is_err());
        let e = "rows=5".parse::<LimitArg>().expect_err("unknown name");
        assert!(e.contains("csv-rows"), "{e}");
    }
}
