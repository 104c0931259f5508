//! The one pipeline from inputs to scores: load a framework (with the
//! frameworks it extends, from disk or from the binary), read the data files
//! (or the shipped panel) and analyst assessments, validate, compile and
//! evaluate. Every subcommand and test goes through [`Inputs::score`] or the
//! functions it is made of; errors come back as a [`Failure`] that carries
//! the source texts for rendering.

use std::path::{Path, PathBuf};

use crate::compile::{self, Plan};
use crate::data::assessments::Assessments;
use crate::data::names::Names;
use crate::data::read::Delimiter;
use crate::data::units::{self, ToIso3};
use crate::data::xlsx::is_sheet;
use crate::data::{Input, Panel};
use crate::diagnostic::{Diagnostic, Diagnostics, Failure, Origin, Sources, usage};
use crate::embedded;
use crate::framework::extends::{self, Layer};
use crate::framework::load;
use crate::framework::located::Located;
use crate::framework::model::Framework;
use crate::score::Scores;

/// What to score: a framework, data files, assessment files and how units
/// are keyed. Empty `data` means the shipped panel; no `framework` means the
/// default shipped framework.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Framework file, or the id of a shipped framework.
    pub framework: Option<PathBuf>,
    /// Data files.
    pub data: Vec<DataArg>,
    /// Analyst assessment files.
    pub assessments: Vec<PathBuf>,
    /// Unit key columns overriding the framework's (empty: the framework's).
    pub unit_key: Vec<String>,
    /// Key data files through the shipped correspondence table.
    pub to_iso3: Option<ToIso3>,
    /// Read the data files alone, never beside the shipped panel.
    pub no_shipped_data: bool,
    /// A names file (`name,iso3`) adding to the shipped name table.
    pub names: Option<PathBuf>,
    /// The field delimiter of the data files (default: found in each file).
    pub delimiter: Option<Delimiter>,
    /// Read every column of the data files, not only those the framework
    /// reads (to show them).
    pub all_columns: bool,
}

/// The data columns a framework's measures read, in every layer.
pub fn columns_read(loaded: &Loaded) -> Vec<String> {
    let mut out: Vec<String> = loaded
        .located()
        .iter()
        .flat_map(|l| l.fw.indicators.iter())
        .flat_map(|i| i.measures.iter())
        .flat_map(crate::framework::located::measure_columns)
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Inputs {
    /// Loads, validates, compiles and scores. Framework warnings are in
    /// `loaded.warnings`, to render with `sources`.
    pub fn score(&self) -> Result<Scored, Failure> {
        let mut sources = Sources::default();
        let loaded = load_framework(self.framework.as_deref(), &mut sources)?;
        let key = unit_key_of(&self.unit_key, &loaded);
        let data = with_delimiter(
            mapped_data(&self.data, self.to_iso3.as_ref(), &key)?,
            self.delimiter,
        );
        let names = load_names(self.names.as_deref(), &mut sources)?;
        let beside = Beside {
            shipped: !self.no_shipped_data,
            wanted: columns_read(&loaded),
            names: names.clone(),
            only_wanted: !self.all_columns,
        };
        let (panel, assessments, notes) =
            load_inputs_beside(&data, &self.assessments, &key, &beside, &mut sources)?;
        let mut loaded = loaded;
        loaded.warnings.extend(notes);
        let plan = compile_plan(&loaded, &panel, &assessments, &sources)?;
        let scores = crate::score::evaluate(&plan, &panel);
        Ok(Scored {
            loaded,
            plan,
            panel,
            scores,
            sources,
            names,
        })
    }

    /// The input files, which an output file must not overwrite.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut inputs: Vec<PathBuf> = self.data.iter().map(|d| d.path.clone()).collect();
        inputs.extend(self.names.iter().cloned());
        inputs.extend(self.framework.iter().cloned());
        inputs.extend(self.assessments.iter().cloned());
        inputs
    }
}

/// Loads, validates and compiles a framework text and scores it on data
/// inputs: the whole pipeline short of reporting. Warnings are not returned.
/// For analyst assessments, see [`assess_with`].
///
/// ```
/// use atrisk::embedded;
///
/// let inputs = embedded::inputs();
/// let (name, text) = embedded::FRAMEWORK;
/// let (plan, panel, scores) = atrisk::assess(name, text, &inputs).unwrap();
/// let sudan = panel.find_country("Sudan").unwrap();
/// let cell = panel.cell(sudan, panel.year_idx(2023).unwrap());
/// let overall = scores.value(plan.overall(), cell);
/// assert!((0.0..=1.0).contains(&overall));
/// assert!(plan.band(plan.overall(), overall).is_some());
/// ```
pub fn assess(
    framework_name: &str,
    framework_text: &str,
    inputs: &[Input<'_>],
) -> Result<(Plan, Panel, Scores), Diagnostics> {
    assess_with(framework_name, framework_text, inputs, &[])
}

/// [`assess`] with analyst assessments of qualitative indicators: CSV files
/// with the header `iso3,year,indicator,value,confidence,source,note` (see
/// [`crate::data::assessments`]). Each assessed indicator gets a measure
/// `INDICATOR/assessment` that reads the assessed value; rows that name an
/// unknown or measured indicator, or a country or year outside the data,
/// are errors.
///
/// ```
/// use atrisk::{data::Input, embedded};
///
/// let inputs = embedded::inputs();
/// // a synthetic judgement, for illustration only
/// let csv = "iso3,year,indicator,value,confidence,source,note\n\
///            SDN,2023,rf7.hate_speech,present,medium,illustration,\n";
/// let assessments = [Input { name: "a.csv".into(), prefix: None, bytes: csv.as_bytes() }];
/// let (name, text) = embedded::FRAMEWORK;
/// let (plan, panel, scores) = atrisk::assess_with(name, text, &inputs, &assessments).unwrap();
/// let sudan = panel.find_country("SDN").unwrap();
/// let cell = panel.cell(sudan, panel.year_idx(2024).unwrap());
/// // carried forward from 2023
/// assert_eq!(scores.value(plan.find("rf7.hate_speech").unwrap(), cell), 1.0);
/// ```
pub fn assess_with(
    framework_name: &str,
    framework_text: &str,
    inputs: &[Input<'_>],
    assessments: &[Input<'_>],
) -> Result<(Plan, Panel, Scores), Diagnostics> {
    let chain = extends::load_chain(framework_name, framework_text, &mut extends::embedded_only)?;
    let key = extends::unit_key(&chain.located());
    let mut panel = Panel::load_keyed(inputs, &key)?;
    let assessed = add_assessments(&mut panel, assessments)?;
    let plan = compile_checked(&chain.located(), &panel, &assessed)?;
    let scores = crate::score::evaluate(&plan, &panel);
    Ok((plan, panel, scores))
}

/// A framework loaded and checked, with the frameworks it extends.
#[derive(Debug)]
pub struct Loaded {
    /// The model of the file asked for.
    pub fw: Framework,
    /// The name used in messages.
    pub name: String,
    /// Non-fatal findings, of every layer.
    pub warnings: Vec<Diagnostic>,
    /// The frameworks it extends, base first.
    pub bases: Vec<Layer>,
}

impl Loaded {
    /// Every layer, base first, ending with this file.
    pub fn located(&self) -> Vec<Located<'_>> {
        self.bases
            .iter()
            .map(|l| Located {
                file: &l.file,
                fw: &l.fw,
            })
            .chain(std::iter::once(Located {
                file: &self.name,
                fw: &self.fw,
            }))
            .collect()
    }
}

/// Loads a framework from a path, or an embedded one by id, or the default,
/// with the chain of frameworks it extends.
pub fn load_framework(path: Option<&Path>, sources: &mut Sources) -> Result<Loaded, Failure> {
    let embedded_file = |id: &str| {
        embedded::FRAMEWORKS
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, file, text)| ((*file).to_string(), (*text).to_string()))
    };
    let (name, text) = match path {
        None => (
            embedded::FRAMEWORK.0.to_string(),
            embedded::FRAMEWORK.1.to_string(),
        ),
        Some(p) => {
            let s = p.to_string_lossy();
            match embedded_file(&s).filter(|_| !p.exists()) {
                Some(found) => found,
                None => {
                    let text = load::read_file(p).map_err(|d| Failure::new(d, sources))?;
                    (s.to_string(), text)
                }
            }
        }
    };
    sources.add(&name, &text);
    // Files read from the binary extend only shipped frameworks; files on
    // disk name a path relative to themselves, or a shipped id.
    let mut from_binary: Vec<String> = Vec::new();
    if path.is_none_or(|p| !p.exists()) {
        from_binary.push(name.clone());
    }
    let mut added: Vec<(String, String)> = Vec::new();
    let chain = {
        let mut fetch = |from: &str, ext: &serde_saphyr::Spanned<String>| {
            let found = if from_binary.iter().any(|f| f == from) {
                None
            } else {
                let dir = Path::new(from).parent().unwrap_or(Path::new(""));
                let direct = tidy(&dir.join(&ext.value));
                let candidates = [direct.clone(), direct.with_extension("yaml")];
                match candidates.iter().find(|c| c.is_file()) {
                    Some(c) => Some((c.display().to_string(), load::read_file(c)?)),
                    None => None,
                }
            };
            let found = match found {
                Some(f) => f,
                None => {
                    let f =
                        embedded_file(&ext.value).ok_or_else(|| extends::not_found(from, ext))?;
                    from_binary.push(f.0.clone());
                    f
                }
            };
            added.push(found.clone());
            Ok(found)
        };
        extends::load_chain(&name, &text, &mut fetch)
    };
    for (n, t) in &added {
        sources.add(n, t);
    }
    let mut chain = chain.map_err(|mut d| {
        d.0.sort_by_key(|x| std::cmp::Reverse(x.severity));
        Failure::new(d, sources)
    })?;
    let top = chain.layers.pop().expect("a chain has at least one layer");
    Ok(Loaded {
        fw: top.fw,
        name: top.file,
        warnings: chain.warnings,
        bases: chain.layers,
    })
}

/// A path with `dir/..` pairs removed, for shorter names in messages.
fn tidy(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match (c, out.last()) {
            (Component::CurDir, _) => {}
            (Component::ParentDir, Some(Component::Normal(_))) => {
                out.pop();
            }
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

/// A `--data` argument: `PATH` or `PREFIX=PATH`; a workbook's path may
/// name a worksheet, `FILE.xlsx#Sheet`.
#[derive(Debug, Clone)]
pub struct DataArg {
    /// Column prefix.
    pub prefix: Option<String>,
    /// File.
    pub path: PathBuf,
    /// Derive `iso3` from another column (set from `--to-iso3`).
    pub to_iso3: Option<ToIso3>,
    /// The worksheet of a workbook (default: the first).
    pub sheet: Option<String>,
    /// The field delimiter (set from `--delimiter`; default: found in the file).
    pub delimiter: Option<Delimiter>,
}

/// `data`, each file read with `delimiter` if given.
pub fn with_delimiter(data: Vec<DataArg>, delimiter: Option<Delimiter>) -> Vec<DataArg> {
    data.into_iter()
        .map(|d| DataArg {
            delimiter: delimiter.or(d.delimiter),
            ..d
        })
        .collect()
}

/// A path as given, or a workbook's path and the worksheet it names
/// (`FILE.xlsx#Sheet`, when no file has the whole name).
fn path_and_sheet(path: &str) -> (PathBuf, Option<String>) {
    match crate::data::xlsx::split_sheet(path) {
        Some((file, sheet)) if !Path::new(path).exists() => {
            (PathBuf::from(file), Some(sheet.to_string()))
        }
        _ => (PathBuf::from(path), None),
    }
}

impl std::str::FromStr for DataArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("empty path".to_string());
        }
        if let Some((pre, path)) = s.split_once('=') {
            let ok = !pre.is_empty()
                && pre
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if ok && !Path::new(s).exists() {
                let (path, sheet) = path_and_sheet(path);
                return Ok(DataArg {
                    prefix: Some(pre.to_string()),
                    path,
                    to_iso3: None,
                    sheet,
                    delimiter: None,
                });
            }
        }
        let (path, sheet) = path_and_sheet(s);
        Ok(DataArg {
            prefix: None,
            path,
            to_iso3: None,
            sheet,
            delimiter: None,
        })
    }
}

/// A framework scored on a panel.
#[derive(Debug)]
pub struct Scored {
    /// The framework as loaded (for its sources).
    pub loaded: Loaded,
    /// The compiled framework.
    pub plan: Plan,
    /// The data.
    pub panel: Panel,
    /// The scores.
    pub scores: Scores,
    /// The texts of the files read, for rendering diagnostics.
    pub sources: Sources,
    /// The country names in use (shipped, and from `--names`).
    pub names: Names,
}

/// The unit key to read data with: the one given on the command line, else
/// the framework's (empty for the default, iso3).
pub fn unit_key_of(given: &[String], loaded: &Loaded) -> Vec<String> {
    if given.is_empty() {
        extends::unit_key(&loaded.located())
    } else {
        given.to_vec()
    }
}

/// Loads data files, or the embedded panel when none are given, keyed by
/// `key` (empty for the default, iso3). The files given are read alone; see
/// [`load_data_beside`] to read them beside the shipped panel.
pub fn load_data(
    args: &[DataArg],
    key: &[String],
    sources: &mut Sources,
) -> Result<Panel, Failure> {
    load_data_beside(args, key, &Beside::default(), sources).map(|(p, _)| p)
}

/// Whether and how the user's data files are read beside the shipped panel.
#[derive(Debug, Clone)]
pub struct Beside {
    /// Read the shipped panel too (unless the unit key is not `iso3`).
    pub shipped: bool,
    /// The columns the framework reads: the shipped panel is read only
    /// when one of them is in it and not in the user's files.
    pub wanted: Vec<String>,
    /// Country names for files keyed by names.
    pub names: Names,
    /// Read only the `wanted` columns of wide files (the cells of others
    /// are neither parsed nor checked).
    pub only_wanted: bool,
}

impl Default for Beside {
    fn default() -> Self {
        Beside {
            shipped: false,
            wanted: Vec::new(),
            names: Names::shipped().clone(),
            only_wanted: false,
        }
    }
}

/// The shipped name table, with the mappings of a `--names` file if given.
pub fn load_names(path: Option<&Path>, sources: &mut Sources) -> Result<Names, Failure> {
    let Some(p) = path else {
        return Ok(Names::shipped().clone());
    };
    let name = p.display().to_string();
    let bytes = crate::limits::read_data_file(p, "names file", "--names", "D001")
        .map_err(|d| Failure::new(d, sources))?;
    Names::with_file(&name, &bytes).map_err(|d| {
        sources.add(&name, &String::from_utf8_lossy(&bytes));
        Failure::new(d, sources)
    })
}

/// Loads data files, or the embedded panel when none are given, keyed by
/// `key` (empty for the default, iso3); with `beside.shipped`, the files
/// are joined to the shipped panel (see [`Panel::load_beside`]). Returns the
/// panel and the notes on shipped columns replaced (D050).
pub fn load_data_beside(
    args: &[DataArg],
    key: &[String],
    beside: &Beside,
    sources: &mut Sources,
) -> Result<(Panel, Vec<Diagnostic>), Failure> {
    if let Some(k) = key
        .iter()
        .find(|k| k.trim().is_empty() || k.trim().eq_ignore_ascii_case("year"))
    {
        return Err(usage(
            format!("`{k}` cannot be part of the unit key"),
            "--unit-key takes the data column(s) that identify a unit, such as `--unit-key ewp_name` or `--unit-key iso3,admin1`",
        ));
    }
    let by_iso3 = key.is_empty() || key == [crate::data::DEFAULT_UNIT_KEY];
    let mut owned: Vec<(String, Option<String>, std::borrow::Cow<'static, [u8]>)> = Vec::new();
    // The texts to show in messages, where they are not the text read: the
    // file as written for a file rewritten with commas, none for a sheet.
    let mut shown: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    if args.is_empty() {
        for (name, bytes) in embedded::DATA {
            owned.push((name.to_string(), None, std::borrow::Cow::Borrowed(bytes)));
        }
    } else {
        for a in args {
            let (name, bytes, original) = read_data_arg(a).map_err(|d| Failure::new(d, sources))?;
            if let Some(o) = original {
                shown.push((name.clone(), o));
            }
            let by_names = by_iso3 && a.to_iso3.is_none() && units::keyed_by_names(&bytes);
            let auto = by_names.then(|| ToIso3 {
                column: units::NAME_COLUMN.to_string(),
                scheme: units::Scheme::Name,
            });
            let bytes = match a.to_iso3.as_ref().or(auto.as_ref()) {
                Some(t) => units::to_iso3_or_keep(&name, bytes, t, &beside.names).map_err(
                    |(d, text)| {
                        if !is_sheet(&name) {
                            sources.add(&name, &text);
                        }
                        Failure::new(d, sources)
                    },
                )?,
                None => bytes,
            };
            owned.push((name, a.prefix.clone(), std::borrow::Cow::Owned(bytes)));
        }
    }
    let inputs: Vec<Input<'_>> = owned
        .iter()
        .map(|(n, p, b)| Input {
            name: n.clone(),
            prefix: p.clone(),
            bytes: b,
        })
        .collect();
    let loaded = if beside.shipped && by_iso3 && !args.is_empty() {
        Panel::load_beside(
            &embedded::inputs(),
            &inputs,
            &beside.wanted,
            beside.only_wanted,
        )
    } else {
        let only = beside.only_wanted.then_some(&beside.wanted[..]);
        Panel::load_reading(&inputs, key, only).map(|p| (p, Vec::new()))
    };
    let keep = |file: &str, sources: &mut Sources| {
        if let Some((_, o)) = shown.iter().find(|(n, _)| n == file) {
            if let Some(o) = o {
                sources.add(file, &String::from_utf8_lossy(o));
            }
        } else if let Some((_, _, b)) = owned.iter().find(|(n, _, _)| n == file) {
            sources.add(file, &String::from_utf8_lossy(b));
        }
    };
    let sheets = |d: &mut Diagnostic| {
        for (name, _, b) in owned.iter().filter(|(n, _, _)| is_sheet(n)) {
            crate::data::xlsx::locate_cells(d, name, b);
        }
    };
    let loaded = loaded.map(|(p, mut notes)| {
        notes.iter_mut().for_each(sheets);
        (p, notes)
    });
    match loaded {
        Ok((panel, notes)) => {
            for n in &notes {
                if let Some(l) = n.labels.first() {
                    keep(&l.file, sources);
                }
            }
            Ok((panel, notes))
        }
        Err(mut d) => {
            sheets(&mut d);
            // Only the file in question is kept for its snippet.
            if let Some(l) = d.labels.first() {
                keep(&l.file, sources);
            }
            if let Some(l) = d.labels.first()
                && let Some((name, bytes)) = embedded::DATA.iter().find(|(n, _)| *n == l.file)
            {
                sources.add(name, &String::from_utf8_lossy(bytes));
            }
            Err(Failure::new(d, sources))
        }
    }
}

/// Reads one `--data` file: a worksheet of a workbook as CSV text, a file
/// separated by `;` (or the delimiter given) rewritten with commas, or the
/// file as it is. Returns the name to use, the text to read and, when that
/// is not the file's own text, the text to show in messages (`None` for a
/// sheet, which has no lines to show).
#[allow(clippy::type_complexity)]
pub fn read_data_arg(
    a: &DataArg,
) -> Result<(String, Vec<u8>, Option<Option<Vec<u8>>>), Diagnostic> {
    let name = a.path.display().to_string();
    let bytes = crate::limits::read_data_file(&a.path, "data file", "--data", "D001")?;
    if a.sheet.is_some() || crate::data::xlsx::is_workbook_path(&name) {
        let sheet = crate::data::xlsx::read_sheet(&name, &bytes, a.sheet.as_deref())?;
        return Ok((sheet.name, sheet.text, Some(None)));
    }
    let input = Input {
        name: name.clone(),
        prefix: None,
        bytes: &bytes,
    };
    match crate::data::read::to_comma_separated(&input, a.delimiter.map(|d| d.0))? {
        Some(text) => Ok((name, text, Some(Some(bytes)))),
        None => Ok((name, bytes, None)),
    }
}

/// Loads data files (or the embedded panel) and analyst assessment files;
/// the assessments become columns of the panel.
pub fn load_inputs(
    data: &[DataArg],
    assessments: &[PathBuf],
    key: &[String],
    sources: &mut Sources,
) -> Result<(Panel, Assessments), Failure> {
    load_inputs_beside(data, assessments, key, &Beside::default(), sources).map(|(p, a, _)| (p, a))
}

/// [`load_inputs`] with the data files read as [`load_data_beside`] reads
/// them; also returns its notes.
pub fn load_inputs_beside(
    data: &[DataArg],
    assessments: &[PathBuf],
    key: &[String],
    beside: &Beside,
    sources: &mut Sources,
) -> Result<(Panel, Assessments, Vec<Diagnostic>), Failure> {
    let (mut panel, notes) = load_data_beside(data, key, beside, sources)?;
    let mut owned: Vec<(String, Vec<u8>)> = Vec::new();
    for p in assessments {
        let name = p.display().to_string();
        let bytes = crate::limits::read_data_file(p, "assessment file", "--assessments", "D001")
            .map_err(|d| Failure::new(d, sources))?;
        sources.add(&name, &String::from_utf8_lossy(&bytes));
        owned.push((name, bytes));
    }
    let inputs: Vec<Input<'_>> = owned
        .iter()
        .map(|(n, b)| Input {
            name: n.clone(),
            prefix: None,
            bytes: b,
        })
        .collect();
    let parsed = add_assessments(&mut panel, &inputs).map_err(|d| Failure::new(d, sources))?;
    Ok((panel, parsed, notes))
}

/// Reads analyst assessment files and adds them to the panel as columns.
fn add_assessments(panel: &mut Panel, inputs: &[Input<'_>]) -> Result<Assessments, Diagnostic> {
    let parsed = Assessments::parse(inputs)?;
    parsed.add_to(panel)?;
    Ok(parsed)
}

/// Compiles a loaded framework against a panel, then checks the assessments
/// against both.
pub fn compile_plan(
    l: &Loaded,
    panel: &Panel,
    assessments: &Assessments,
    sources: &Sources,
) -> Result<Plan, Failure> {
    compile_checked(&l.located(), panel, assessments).map_err(|d| Failure::new(d, sources))
}

/// Compiles a chain of frameworks against a panel, then checks the
/// assessments against both.
fn compile_checked(
    layers: &[Located<'_>],
    panel: &Panel,
    assessments: &Assessments,
) -> Result<Plan, Diagnostics> {
    let plan = compile::compile_chain(layers, panel)?;
    let found = compile::assessments::check(assessments, &plan, panel);
    if found.has_errors() {
        return Err(found);
    }
    Ok(plan)
}

/// `data`, each file to be keyed through `to_iso3` if given. `--to-iso3`
/// keys rows by `iso3`: another unit key is a usage error (U021).
pub fn mapped_data(
    data: &[DataArg],
    to_iso3: Option<&ToIso3>,
    key: &[String],
) -> Result<Vec<DataArg>, Failure> {
    if let Some(t) = to_iso3
        && !key.is_empty()
        && key != [crate::data::DEFAULT_UNIT_KEY]
    {
        return Err(Failure {
            diags: Diagnostic::error(
                "U021",
                Origin::Usage,
                format!(
                    "--to-iso3 {}:... keys rows by iso3, but the unit key is {}",
                    t.column,
                    key.join(",")
                ),
            )
            .with_hint("drop --to-iso3, or give --unit-key iso3")
            .into(),
            sources: Sources::default(),
        });
    }
    Ok(data
        .iter()
        .map(|d| DataArg {
            to_iso3: to_iso3.cloned(),
            ..d.clone()
        })
        .collect())
}

/// Scores a streamed panel (see [`crate::score::stream`]) and writes it as
/// CSV, header first, to `out`. Returns the number of rows read.
pub fn stream_csv<R: std::io::Read, W: std::io::Write>(
    src: R,
    first_line: u64,
    plan: &Plan,
    layout: &crate::data::stream::Layout,
    opts: &crate::score::stream::Options,
    out: &mut W,
) -> Result<usize, crate::data::stream::Stop> {
    use crate::data::stream::Stop;
    use crate::report::csv;
    let io = |e: std::io::Error| Stop::Io(e.to_string());
    out.write_all(&csv::stream_header(plan, layout.schema.unit_key_label()))
        .map_err(io)?;
    let render = |bp: &crate::data::stream::BlockPanel, scores: &Scores| {
        csv::stream_rows(plan, bp, scores, opts.years)
    };
    crate::score::stream::score(src, first_line, plan, layout, opts, &render, |text| {
        out.write_all(text).map_err(io)
    })
}
