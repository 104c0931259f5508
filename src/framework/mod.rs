//! Frameworks: the YAML rule model, its loading and its validation.

pub mod compile;
pub mod examples;
pub mod extends;
pub mod lint;
pub mod load;
pub mod model;
pub mod scan;
pub mod validate;
