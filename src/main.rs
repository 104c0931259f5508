//! The `atrisk` command: a thin wrapper over the library.

fn main() -> std::process::ExitCode {
    atrisk::cli::run()
}
