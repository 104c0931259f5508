//! The one way atrisk writes: to standard output or standard error through
//! [`emit`], which ends quietly on a closed pipe and reports any other
//! failure naming the destination; and checks and helpers for output files
//! (the same file under another name, a missing folder, a temporary file
//! that never replaces another, a new file that replaces nothing).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Failure;
use crate::diagnostic::{Diagnostic, Origin, Sources};

/// Standard output or standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    /// Standard output.
    Out,
    /// Standard error.
    Err,
}

impl Console {
    /// The destination, in messages.
    fn name(self) -> &'static str {
        match self {
            Console::Out => "standard output",
            Console::Err => "standard error",
        }
    }
}

/// Set once a reader of standard output or standard error has gone away
/// (`atrisk ... | head -1`): nothing more is written, and the process ends
/// quietly with exit code 0.
static PIPE_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether a pipe on standard output or standard error was found closed.
pub fn pipe_closed() -> bool {
    PIPE_CLOSED.load(Ordering::Relaxed)
}

/// The failure that stops a command whose reader has gone away: it carries
/// no diagnostic, and [`pipe_closed`] tells the caller to end with exit 0.
pub(super) fn closed_pipe() -> Failure {
    PIPE_CLOSED.store(true, Ordering::Relaxed);
    Failure::default()
}

/// What a failed write to the console becomes: a closed pipe ends quietly,
/// anything else is O001 naming the destination (exit 74).
pub(super) fn console_error(to: Console, e: &std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return closed_pipe();
    }
    output_error(&format!("cannot write to {}: {e}", to.name()))
}

/// Writes text to standard output or standard error, whole, and flushes it.
/// Never panics: a closed pipe and any other error come back as a
/// [`Failure`] (see [`console_error`]).
pub fn emit(to: Console, text: &str) -> Result<(), Failure> {
    emit_with(to, &mut |sink| sink(text.as_bytes()))
}

/// Takes each piece of an output, in order, as it is made.
pub type Sink<'a> = dyn FnMut(&[u8]) -> std::io::Result<()> + 'a;

/// Makes an output piece by piece, handing each to the sink it is given.
pub type Produce<'a> = dyn FnMut(&mut Sink<'_>) -> std::io::Result<()> + 'a;

/// [`emit`] of a text made piece by piece by `produce`.
pub fn emit_with(to: Console, produce: &mut Produce<'_>) -> Result<(), Failure> {
    if pipe_closed() {
        return Err(Failure::default());
    }
    let res = match to {
        Console::Out => {
            let mut o = std::io::stdout().lock();
            write_with(&mut o, produce).and_then(|()| o.flush())
        }
        Console::Err => {
            let mut e = std::io::stderr().lock();
            write_with(&mut e, produce).and_then(|()| e.flush())
        }
    };
    res.map_err(|e| console_error(to, &e))
}

/// Writes the pieces `produce` makes, one after another, in calls of at
/// most 256 KiB: the kernel takes a large output several times faster so
/// than in one call of its whole length (measured on ext4).
fn write_with(w: &mut impl Write, produce: &mut Produce<'_>) -> std::io::Result<()> {
    produce(&mut |piece: &[u8]| piece.chunks(1 << 18).try_for_each(|c| w.write_all(c)))
}

/// A writer that remembers the kind of its first error, so that a caller
/// handed only a message can still tell a closed pipe from a full disk.
#[derive(Debug)]
pub(super) struct Watched<W> {
    pub(super) inner: W,
    pub(super) error: Option<std::io::ErrorKind>,
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| {
            self.error.get_or_insert(e.kind());
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.error.get_or_insert(e.kind());
        })
    }
}

/// O001: an output that could not be written (exit 74).
pub(super) fn output_error(msg: &str) -> Failure {
    Failure::new(
        Diagnostic::error("O001", Origin::Output, msg)
            .with_hint("check that the destination exists, is writable and has space left"),
        &Sources::default(),
    )
}

/// The folder of an output file, and the temporary file beside the output
/// that is written first (`.NAME.PID.tmp`).
pub(super) fn temporary(path: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    (dir.to_path_buf(), tmp)
}

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

/// Writes a file that must not exist yet, in any form (a file, a folder,
/// a symbolic link, even one that leads nowhere): the content goes to a
/// temporary file beside it, which is then linked under the name, an
/// operation that fails when the name is taken, so nothing is ever
/// replaced, even when something appears there meanwhile. Where hard links
/// are not supported, the name is checked and the temporary file renamed.
pub(super) fn write_new_file(path: &Path, tmp: &Path, content: &str) -> std::io::Result<()> {
    let content = content.as_bytes();
    write_new(tmp, &mut |sink| sink(content))?;
    let linked = std::fs::hard_link(tmp, path);
    let res = match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if std::fs::symlink_metadata(path).is_ok() => Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "it already exists",
        )),
        Err(_) => std::fs::rename(tmp, path),
    };
    let _ = std::fs::remove_file(tmp);
    res
}

/// Writes a new file; fails if anything (a file, a link) is already there,
/// so a temporary name never writes through a link planted in its place.
pub(super) fn write_new(path: &Path, produce: &mut Produce<'_>) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    write_with(&mut f, produce)?;
    f.sync_all()
}

/// Whether the path is an existing device, pipe or socket rather than a
/// regular file or a folder.
pub(super) fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes to an existing device or pipe in place.
pub(super) fn write_special(path: &Path, produce: &mut Produce<'_>) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
    write_with(&mut f, produce)?;
    f.flush()
}
