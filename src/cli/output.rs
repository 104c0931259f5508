//! Checks and helpers for writing output files: the same file under another
//! name, a missing folder, a temporary file that never replaces another.

use std::io::Write;
use std::path::Path;

use super::Failure;
use crate::diagnostic::{Diagnostic, Origin, Sources};

/// Whether two paths name the same existing file (also through a hard link).
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// The folder of an output file does not exist (O002, exit 74).
pub(super) fn missing_folder(path: &Path, dir: &Path) -> Failure {
    Failure::new(
        Diagnostic::error(
            "O002",
            Origin::Output,
            format!(
                "cannot write `{}`: the folder `{}` does not exist",
                path.display(),
                dir.display()
            ),
        )
        .with_hint(format!(
            "create the folder first (mkdir -p {}), or give another path with -o",
            dir.display()
        )),
        &Sources::default(),
    )
}

/// Writes a new file; fails if anything (a file, a link) is already there,
/// so a temporary name never writes through a link planted in its place.
pub(super) fn write_new(path: &Path, content: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}

/// Whether the path is an existing device, pipe or socket rather than a
/// regular file or a folder.
pub(super) fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes to an existing device or pipe in place.
pub(super) fn write_special(path: &Path, content: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
    f.write_all(content.as_bytes())?;
    f.flush()
}
