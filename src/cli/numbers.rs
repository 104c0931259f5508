//! Numbers given on the command line, each checked against a sensible
//! range when the command line is read, with a message that gives the
//! range (a usage error, exit 64).

/// Years data may hold, and so the years a command may be asked for.
pub const YEARS: (i64, i64) = (1000, 3000);

/// Most rows a list may be asked to show (`--top`).
pub const MAX_TOP: i64 = 100_000;

/// Most Monte Carlo draws (`--draws`, `--sensitivity-draws`): 10,000 is
/// already enough for publication.
pub const MAX_DRAWS: i64 = 100_000;

/// Most threads of `score --stream`.
pub const MAX_THREADS: i64 = 256;

/// Longest horizon of `backtest` and `fit`, in years: more than the span
/// of any panel is never useful, and a bound keeps year arithmetic exact.
pub const MAX_HORIZON: i64 = 100;

/// Most years between refits of `backtest --refit-every`.
pub const MAX_REFIT: i64 = 2000;

/// Most folds of a cross-validation by year (`--cv`, `--cv-folds`).
pub const MAX_FOLDS: i64 = 1000;

/// A whole number from `lo` to `hi` (`_` may group digits), or a message
/// naming the range.
fn whole(s: &str, lo: i64, hi: i64, what: &str) -> Result<i64, String> {
    let t = s.trim().replace('_', "");
    match t.parse::<i64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(format!("{what} is a whole number from {lo} to {hi}")),
    }
}

/// `--year`.
pub fn year(s: &str) -> Result<i32, String> {
    let n = whole(s, YEARS.0, YEARS.1, "a year")?;
    i32::try_from(n).map_err(|e| e.to_string())
}

/// `--top` (0 is refused by [`check_top`], with its own message).
pub fn top(s: &str) -> Result<usize, String> {
    let n = whole(s, 0, MAX_TOP, "the length of a list")?;
    usize::try_from(n).map_err(|e| e.to_string())
}

/// A list length of 0 (`--top 0`, or a framework's watch list of 0) is a
/// usage error: every list would be empty.
pub fn check_top(top: usize) -> Result<usize, super::Failure> {
    if top == 0 {
        return Err(super::usage(
            "`--top 0` leaves every list empty",
            "give --top 1 or more",
        ));
    }
    Ok(top)
}

/// `--draws` and `--sensitivity-draws` (0 has its own meaning, or its own
/// message, on each command).
pub fn draws(s: &str) -> Result<usize, String> {
    let n = whole(s, 0, MAX_DRAWS, "a number of draws")?;
    usize::try_from(n).map_err(|e| e.to_string())
}

/// `--threads`.
pub fn threads(s: &str) -> Result<u16, String> {
    let n = whole(s, 1, MAX_THREADS, "a number of threads")?;
    u16::try_from(n).map_err(|e| e.to_string())
}

/// `--horizon` (0 has its own message, B006).
pub fn horizon(s: &str) -> Result<u32, String> {
    let n = whole(s, 0, MAX_HORIZON, "a horizon in years")?;
    u32::try_from(n).map_err(|e| e.to_string())
}

/// `--refit-every` (0 has its own message, B010).
pub fn refit(s: &str) -> Result<u32, String> {
    let n = whole(s, 0, MAX_REFIT, "a refit interval in years")?;
    u32::try_from(n).map_err(|e| e.to_string())
}

/// `--cv` and `--cv-folds` (fewer than 2 have their own message, B018).
pub fn folds(s: &str) -> Result<usize, String> {
    let n = whole(s, 0, MAX_FOLDS, "a number of folds")?;
    usize::try_from(n).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_enforced() {
        assert_eq!(year("2020"), Ok(2020));
        assert_eq!(year(" 1000 "), Ok(1000));
        for bad in [
            "999",
            "3001",
            "-5",
            "99999999999999999999",
            "2020.5",
            "",
            "abc",
        ] {
            let e = year(bad).unwrap_err();
            assert!(e.contains("from 1000 to 3000"), "{bad}: {e}");
        }
        assert_eq!(top("1_000"), Ok(1000));
        assert_eq!(top("0"), Ok(0));
        assert!(check_top(0).is_err());
        assert!(top("100001").is_err());
        assert_eq!(draws("0"), Ok(0));
        assert!(draws("18446744073709551616").is_err());
        assert_eq!(threads("256"), Ok(256));
        assert!(threads("257").is_err());
        assert!(threads("65535").is_err());
        assert!(threads("0").is_err());
        assert_eq!(horizon("0"), Ok(0));
        assert_eq!(horizon("100"), Ok(100));
        for bad in ["101", "4294967297", "99999999999999999999", "-1"] {
            let e = horizon(bad).unwrap_err();
            assert!(e.contains("from 0 to 100"), "{bad}: {e}");
        }
        assert!(refit("2001").is_err());
        assert!(folds("18446744073709551617").is_err());
    }
}
