//! Frameworks: the YAML rule model, its loading and its validation.

pub mod extends;
pub mod links;
pub mod load;
pub mod located;
pub mod model;
pub mod scan;
pub mod uncertainty;
pub mod validate;
