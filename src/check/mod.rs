//! Checks that need a compiled framework and scores: the worked examples of
//! a framework (`atrisk test`) and the lints that compare rules with data.

pub mod examples;
pub mod lint;
