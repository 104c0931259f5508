//! The early-warning summary of one year: the watch list, the largest rises
//! and what drove them, new entries into the top bands, data warnings and a
//! brief per watch-list country.
//!
//! [`Summary`] is the model, built by a [`Builder`] from a scored run; the
//! renderers write it as text, Markdown, JSON and HTML from the model alone.
//! Every list is sorted with a stable tie-break (country code, then
//! framework order), so the same input gives the same output byte for byte.
//!
//! The model grows by sections: a section (such as the recommendations
//! triggered per country) is a field of [`Summary`] and of [`Brief`], filled
//! by its own builder function and rendered in each format. JSON readers are
//! expected to ignore fields they do not know, so adding one does not break
//! them.

mod assess;
mod briefs;
mod build;
mod builder;
mod data_age;
mod model;
mod movers;
#[cfg(test)]
pub(crate) mod synthetic;
mod themes;

pub use assess::{Assessed, Options, assess};
pub use briefs::{TALLY_TOP, TREND_YEARS};
pub use builder::{Builder, weight_shares};
pub use data_age::{FEW_INDICATORS, OLD_DATA_YEARS};
pub use model::*;
pub use themes::THEME_TOP;
