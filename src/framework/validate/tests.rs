//! Unit tests of the framework checks.

use super::*;

#[test]
fn suggestions() {
    assert_eq!(
        did_you_mean("rf01", ["rf1", "rf10", "rf2"]).as_deref(),
        Some("rf1")
    );
    assert_eq!(
        did_you_mean("genocid", ["genocide", "war_crimes"]).as_deref(),
        Some("genocide")
    );
    assert_eq!(did_you_mean("zzzz", ["genocide"]), None);
}
