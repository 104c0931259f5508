//! The default framework and panel, compiled into the binary so `atrisk score`
//! works from any folder.

/// Path and text of the default framework.
pub const FRAMEWORK: (&str, &str) = (
    "frameworks/un-foa-2014.yaml",
    include_str!("../frameworks/un-foa-2014.yaml"),
);

/// Paths and bytes of the default data files.
pub const DATA: [(&str, &[u8]); 2] = [
    (
        "examples/data/panel.csv",
        include_bytes!("../examples/data/panel.csv"),
    ),
    (
        "examples/data/vdem.csv",
        include_bytes!("../examples/data/vdem.csv"),
    ),
];

/// Frameworks shipped in the binary, by id.
pub const FRAMEWORKS: [(&str, &str, &str); 1] = [("un-foa-2014", FRAMEWORK.0, FRAMEWORK.1)];
