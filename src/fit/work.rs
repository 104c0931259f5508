//! The bound on the work of the fits of one run, and what each part of a
//! fit counts.

use std::sync::atomic::{AtomicU64, Ordering};

use super::FitError;

/// A bound on the work of the fits of one run, shared by every fit (and
/// thread) it is given to. Work is counted in multiply-adds before it is
/// done, an exponential or a logarithm counting as [`EXP_WORK`]: each
/// reweighting step of a fit of `n` rows and `p` predictors counts
/// `n ((p + 1) (p + 2) / 2 + EXP_WORK)` (its weighted Gram matrix), each
/// coordinate-descent sweep `p (p + 1)`, each evaluation of the objective
/// `n (p + 1 + 2 EXP_WORK)`, and each held-out row of a cross-validation
/// `p + 1 + 3 EXP_WORK` per penalty. A fit that would pass the bound stops with
/// [`FitError::Budget`]. The count of a run does not depend on the number
/// of threads, so whether a run passes the bound does not either.
#[derive(Debug)]
pub struct Work {
    used: AtomicU64,
    cap: u64,
}

impl Work {
    /// A bound of `cap` multiply-adds.
    pub fn new(cap: u64) -> Work {
        Work {
            used: AtomicU64::new(0),
            cap,
        }
    }

    /// No bound.
    pub fn unbounded() -> Work {
        Work::new(u64::MAX)
    }

    /// The work counted so far.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// The bound.
    pub fn cap(&self) -> u64 {
        self.cap
    }

    /// Checks, before any of it is done, that work of at least `least`
    /// more multiply-adds fits within the bound (without counting it): a
    /// run that must pass the bound stops before it starts.
    /// When it does not, the bound counts as passed (see [`Work::exceeded`]).
    pub fn ahead(&self, least: u64) -> Result<(), FitError> {
        if self.used().saturating_add(least) > self.cap {
            self.charge(least)
        } else {
            Ok(())
        }
    }

    /// True once some fit was stopped by the bound.
    pub fn exceeded(&self) -> bool {
        self.used() > self.cap
    }

    /// Counts `amount` before it is done: an error when the total would pass
    /// the bound (the total is kept, so that every later charge fails too).
    pub fn charge(&self, amount: u64) -> Result<(), FitError> {
        let before = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                Some(u.saturating_add(amount))
            })
            .unwrap_or(u64::MAX);
        if before.saturating_add(amount) > self.cap {
            Err(FitError::Budget { cap: self.cap })
        } else {
            Ok(())
        }
    }
}

/// The most predictors of one fit: its Gram matrix has `p * p` cells
/// (128 MiB at this bound), held once per fit running at a time.
pub const MAX_PREDICTORS: usize = 4096;

/// What an exponential or a logarithm counts for in [`Work`], in
/// multiply-adds.
pub const EXP_WORK: usize = 40;

/// The work of one reweighting step of `n` rows and `p` predictors.
pub(super) fn step_work(n: usize, p: usize) -> u64 {
    product(&[n, (p + 1) * (p + 2) / 2 + EXP_WORK])
}

/// The work of one evaluation of the objective.
pub(super) fn objective_work(n: usize, p: usize) -> u64 {
    product(&[n, p + 1 + 2 * EXP_WORK])
}

/// The least work of one fit of `n` rows and `p` predictors: one
/// reweighting step and the objective at its start (see [`Work`]).
pub fn least_work(n: usize, p: usize) -> u64 {
    step_work(n, p).saturating_add(objective_work(n, p))
}

/// The product of `parts` as a count of work, saturating.
pub(super) fn product(parts: &[usize]) -> u64 {
    parts
        .iter()
        .fold(1u64, |acc, &v| acc.saturating_mul(v as u64))
}
