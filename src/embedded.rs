//! The default framework and panel, compiled into the binary so `atrisk score`
//! works from any folder.

/// Path and text of the UN Framework of Analysis rules.
pub const UN_FOA_2014: (&str, &str) = (
    "frameworks/un-foa-2014.yaml",
    include_str!("../frameworks/un-foa-2014.yaml"),
);

/// Path and text of the Madrid 2015 themes and recommendations, which extend
/// the UN Framework of Analysis rules.
pub const MADRID_2015: (&str, &str) = (
    "frameworks/madrid-2015.yaml",
    include_str!("../frameworks/madrid-2015.yaml"),
);

/// Path and text of the UN Framework of Analysis with a fitted forecast of
/// mass-killing onset (a logistic node over its risk-factor scores), which
/// extends the UN Framework of Analysis rules.
pub const UN_FOA_2014_FORECAST: (&str, &str) = (
    "frameworks/un-foa-2014-forecast.yaml",
    include_str!("../frameworks/un-foa-2014-forecast.yaml"),
);

/// Path and text of the default framework: the Madrid 2015 themes and
/// recommendations on the UN Framework of Analysis.
pub const FRAMEWORK: (&str, &str) = MADRID_2015;

/// Paths and bytes of the default data files: the panel of published data,
/// V-Dem, and the mass-killing history derived from the onsets file (read by
/// the forecast framework).
pub const DATA: [(&str, &[u8]); 3] = [
    (
        "examples/data/panel.csv",
        include_bytes!("../examples/data/panel.csv"),
    ),
    (
        "examples/data/vdem.csv",
        include_bytes!("../examples/data/vdem.csv"),
    ),
    (
        "examples/data/mass-killing-history.csv",
        include_bytes!("../examples/data/mass-killing-history.csv"),
    ),
];

/// The default data files as inputs of [`crate::data::Panel::load`].
pub fn inputs() -> Vec<crate::data::Input<'static>> {
    DATA.iter()
        .map(|(name, bytes)| crate::data::Input {
            name: (*name).to_string(),
            prefix: None,
            bytes,
        })
        .collect()
}

/// Frameworks shipped in the binary, by id.
pub const FRAMEWORKS: [(&str, &str, &str); 3] = [
    ("un-foa-2014", UN_FOA_2014.0, UN_FOA_2014.1),
    ("madrid-2015", MADRID_2015.0, MADRID_2015.1),
    (
        "un-foa-2014-forecast",
        UN_FOA_2014_FORECAST.0,
        UN_FOA_2014_FORECAST.1,
    ),
];

/// Path and text of the description of the shipped data: its origin, fill
/// rules, citations and licences, column by column.
pub const DATA_SOURCES: (&str, &str) = (
    "examples/data/SOURCES.md",
    include_str!("../examples/data/SOURCES.md"),
);

/// Path and text of the table of the shipped data columns: one line of
/// meaning each, and their sources, versions and licences (read by
/// [`crate::data::catalog`]).
pub const DATA_COLUMNS: (&str, &str) = (
    "examples/data/columns.yaml",
    include_str!("../examples/data/columns.yaml"),
);
