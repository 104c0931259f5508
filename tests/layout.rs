//! The source stays readable as a pipeline: no file in `src/` is over 800
//! lines (ARCHITECTURE.md).

mod common;

use std::fs;
use std::path::PathBuf;

use common::rust_files;

#[test]
fn no_source_file_is_over_800_lines() {
    let mut files = Vec::new();
    rust_files(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 20);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = fs::read_to_string(f).unwrap().lines().count();
            (n > 800).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by responsibility: {long:?}");
}
