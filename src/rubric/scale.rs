//! The scale a criterion is scored on, and what makes one usable.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Location, Problem, ProblemKind, Problems};
use crate::limits::{SCALE_LIMIT, SMALLEST};
use crate::tolerance;

/// The scale a criterion is scored on: numbers from `min` to `max`, on steps of `step` from
/// `min` when a step is given.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// The lowest score.
    pub min: f64,
    /// The highest score.
    pub max: f64,
    /// The distance between allowed scores; `None` allows any number in range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

/// The rounding error of a few floating-point steps, relative to the size of the numbers.
const ROUNDING: f64 = 8.0 * f64::EPSILON;

impl Scale {
    /// Scores from `min` to `max`, on steps of `step` from `min` when one is given (any number
    /// in range when `None`).
    pub fn new(min: f64, max: f64, step: Option<f64>) -> Scale {
        Scale { min, max, step }
    }

    /// Whether `x` is in range and on a step.
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && self.in_range(x) && self.on_step(x)
    }

    /// In range up to [`tolerance::STEP`], or up to the rounding error of numbers as large as
    /// the scale's ends when that is more (a tolerance relative to the scale's width would
    /// let 1,000,000,000.9 onto a scale up to 10⁹).
    fn in_range(&self, x: f64) -> bool {
        let slack = tolerance::STEP.max(ROUNDING * self.min.abs().max(self.max.abs()));
        x >= self.min - slack && x <= self.max + slack
    }

    /// A whole number `k` of steps from the minimum, up to [`tolerance::STEP`] of a step, or
    /// up to the rounding error of `k` when that is more: the error of `x − min`, as large as
    /// that of numbers the size of `x` and `min` (in steps), and of the division (a
    /// tolerance relative to the scale's width would let 500,000,000.4 onto a scale of whole
    /// numbers up to 10⁹; one relative to `k` alone refused −99,999.997 on a scale from
    /// −100,000 in steps of 0.001).
    fn on_step(&self, x: f64) -> bool {
        match self.step {
            None => true,
            Some(step) => {
                let k = (x - self.min) / step;
                // A whole number of steps, as most scores are, needs no rounding (a call to
                // the maths library on most targets).
                if k == k as i64 as f64 {
                    return true;
                }
                let error = ROUNDING * (k.abs() + (x.abs() + self.min.abs()) / step);
                (k - k.round()).abs() <= tolerance::STEP.max(error)
            }
        }
    }

    /// `max − min`.
    pub fn width(&self) -> f64 {
        self.max - self.min
    }

    /// What a score on this scale must be, in words ("a number from 1 to 5 in steps of 1").
    pub fn expectation(&self) -> String {
        match self.step {
            Some(step) => format!(
                "a number from {} to {} in steps of {}",
                self.min, self.max, step
            ),
            None => format!("a number from {} to {}", self.min, self.max),
        }
    }

    pub(super) fn check(&self, at: &Location, problems: &mut Problems) -> bool {
        let mut ok = true;
        let ends = self.min.is_finite() && self.max.is_finite() && self.min < self.max;
        let mut bad = |message: String| {
            problems.push(Problem::new(ProblemKind::Setting, at.clone(), message));
            ok = false;
        };
        if !self.min.is_finite() || !self.max.is_finite() || self.min >= self.max {
            bad(format!(
                "scale min {} and max {} must be finite numbers with min < max",
                self.min, self.max
            ));
        } else if self.min.abs().max(self.max.abs()) > SCALE_LIMIT {
            bad(format!(
                "scale min {:?} and max {:?} must lie from -{SCALE_LIMIT:e} to {SCALE_LIMIT:e}",
                self.min, self.max
            ));
        } else if self.width() < SMALLEST {
            bad(format!(
                "scale min {:?} and max {:?} must be at least {SMALLEST} apart",
                self.min, self.max
            ));
        }
        if let Some(step) = self.step {
            if !step.is_finite() || step <= 0.0 {
                bad(format!("scale step {step} must be a positive number"));
            } else if step > self.width() {
                bad(format!(
                    "scale step {step} must be at most max − min ({}): a larger step leaves one score",
                    self.width()
                ));
            } else if ends && !self.on_step(self.max) {
                // The scale's own max must be a score it takes: pass_total's reach counts it.
                bad(format!(
                    "scale max {} is not a whole number of steps of {step} from min {}; choose a step that divides max − min",
                    self.max, self.min
                ));
            }
        }
        ok
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(step) => write!(f, "{}–{} (step {})", self.min, self.max, step),
            None => write!(f, "{}–{}", self.min, self.max),
        }
    }
}
