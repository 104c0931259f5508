//! Timing shared by the benchmarks.

use std::time::{Duration, Instant};

/// The best wall time of `runs` runs of `f`, and the last result.
pub fn time<T>(runs: u32, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}
