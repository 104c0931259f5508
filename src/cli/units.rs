//! `--to-iso3`: data keyed by Correlates of War codes or country names,
//! joined to ISO3 codes through the shipped correspondence table.

use super::{DataArg, Failure, InputArgs};
use crate::data::units::ToIso3;
use crate::diagnostic::{Diagnostic, Origin, Sources};

impl InputArgs {
    /// The `--data` files, each to be keyed through `--to-iso3` if given.
    pub(super) fn mapped_data(&self, key: &[String]) -> Result<Vec<DataArg>, Failure> {
        mapped_data(&self.data, self.to_iso3.as_ref(), key)
    }
}

/// `data`, each file to be keyed through `to_iso3` if given. `--to-iso3`
/// keys rows by `iso3`: another unit key is a usage error (U021).
pub(super) fn mapped_data(
    data: &[DataArg],
    to_iso3: Option<&ToIso3>,
    key: &[String],
) -> Result<Vec<DataArg>, Failure> {
    if let Some(t) = to_iso3
        && !key.is_empty()
        && key != [crate::data::DEFAULT_UNIT_KEY]
    {
        return Err(Failure {
            diags: Diagnostic::error(
                "U021",
                Origin::Usage,
                format!(
                    "--to-iso3 {}:... keys rows by iso3, but the unit key is {}",
                    t.column,
                    key.join(",")
                ),
            )
            .with_hint("drop --to-iso3, or give --unit-key iso3")
            .into(),
            sources: Sources::default(),
        });
    }
    Ok(data
        .iter()
        .map(|d| DataArg {
            to_iso3: to_iso3.cloned(),
            ..d.clone()
        })
        .collect())
}
