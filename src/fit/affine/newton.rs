//! Newton steps of the shared fit on a small award: every scale and bias at once, the values
//! eliminated, between the sweeps (`docs/methods.md`, "Newton steps on small awards").
//!
//! A sweep is exact block descent on the fit's objective `F`: the scales and biases given the
//! values, then the values given the scales and biases. Its fixed point is where the gradient
//! of `F` vanishes under the mean-one constraint of the scales, and the sweeps creep toward it
//! along a band of slow modes that couple the scales with the biases and values. A Newton step
//! on `f(θ) = min_v F(θ, v)`, `θ` every scale and bias, goes there at once on a small award;
//! the sweeps still judge convergence, so the fit stops on the same test as without it.

use super::super::components::NONE;
use super::super::dense::{backward, cholesky_into, forward};
use super::super::design::Design;
use super::criterion::Criterion;
use crate::util::spare;
use system::{Solved, System};

mod system;
#[cfg(test)]
mod tests;

/// A Newton step is worth its dense solves when the cubes of the juror counts, summed over
/// the criteria (and once more for the scales), are at most this many times the number of
/// scores: a sweep costs about a pass over the scores, a step about a cube of the jurors.
const WORK_PER_SCORE: usize = 56;
/// Most steps of a fit, chord steps included; past them the sweeps go on alone.
const MOST_STEPS: usize = 30;
/// A step is a chord step, which keeps the last factors, while the steps since they were
/// formed moved at most this far (in the units of [`step_size`]).
const CHORD_REACH: f64 = 5e-2;

/// The Newton steps of one shared fit: whether they are still on, and their buffers.
pub(super) struct Newton {
    /// Steps taken.
    steps: usize,
    /// The size of the last step: its largest move of a scale, or of a bias in units of its
    /// criterion's spread.
    last: f64,
    /// How far the steps moved since the factors were formed: the sum of their sizes,
    /// infinite when there are no factors to keep.
    moved: f64,
    /// Each juror's index among the fitted scales (`NONE` when their scale is not fitted).
    var: Vec<u32>,
    /// One criterion's system, each in turn.
    part: System,
    /// The scales' reduced system summed over the criteria (`n × n`), and its right side.
    aa: Vec<f64>,
    ga: Vec<f64>,
    /// Each criterion's biases' block, factored.
    solved: Vec<Solved>,
    /// The scales' reduced block, factored.
    scales: MeanZero,
    /// The step to take.
    delta: Delta,
}

/// A step: `Δa` per fitted scale, `Δb` per criterion and juror.
#[derive(Default, Debug, Clone, PartialEq)]
struct Delta {
    a: Vec<f64>,
    b: Vec<Vec<f64>>,
}

impl Newton {
    /// The Newton steps for a shared fit of these criteria, when the award is small enough
    /// for them and simple enough for their model: every criterion one connected component,
    /// its scores not split across threads. `None` otherwise (the sweeps alone).
    pub(super) fn new(designs: &[Design], n_jurors: usize, parallel: bool) -> Option<Newton> {
        let simple = designs.iter().all(|d| d.n_comps <= 1);
        let scores: usize = designs.iter().map(Design::n_scores).sum();
        let cube = n_jurors.saturating_pow(3);
        let work = cube.saturating_mul(designs.len() + 1);
        let small = work <= WORK_PER_SCORE.saturating_mul(scores);
        (simple && small && !parallel && scores > 0).then(|| Newton {
            steps: 0,
            last: f64::INFINITY,
            moved: f64::INFINITY,
            var: Vec::new(),
            part: System::default(),
            aa: spare::take(),
            ga: spare::take(),
            solved: Vec::new(),
            scales: MeanZero::default(),
            delta: Delta {
                a: spare::take(),
                b: Vec::new(),
            },
        })
    }

    /// Newton steps from the state a sweep left (the values the best for the scales and
    /// biases), each followed by the values for the new scales and biases and the gauge step,
    /// until the next step would move nothing beyond the tolerance (the next sweep then tests
    /// convergence). Writes the new scales into `scale` and each criterion. Returns false
    /// when a Newton step cannot be trusted, which is not taken: a scale would fall below the
    /// floor, a block is not positive definite, the step is no smaller than the last, a
    /// juror's scale is fitted on some criteria and not others, or the steps (chord steps
    /// included) ran out; the sweeps then go on alone.
    ///
    /// A step of size `s` taken with the Hessian of its own state leaves about `s²` to go,
    /// and one with the factors of a state `m` away (a chord step) about `m s`: the steps stop
    /// when that is at most the tolerance. A step is a chord step while `m` is at most
    /// [`CHORD_REACH`]; a refused chord step is taken again with new factors.
    pub(super) fn steps(
        &mut self,
        crits: &mut [Criterion],
        scale: &mut [Option<f64>],
        tolerance: f64,
    ) -> bool {
        // A sweep has moved the state since any factors were formed.
        self.moved = f64::INFINITY;
        loop {
            match self.step(crits, scale) {
                None => return false,
                Some(left) if left <= tolerance => return true,
                Some(_) => {}
            }
        }
    }

    /// One step, a chord step while the factors are near, about what it leaves to go (see
    /// [`Newton::steps`]); `None` (nothing changed) when a Newton step cannot be trusted.
    fn step(&mut self, crits: &mut [Criterion], scale: &mut [Option<f64>]) -> Option<f64> {
        self.steps += 1;
        if self.steps > MOST_STEPS || !self.number_scales(crits, scale) {
            return None;
        }
        let reach = self.moved;
        if reach <= CHORD_REACH && self.chord(crits) {
            if let Some(size) = self.take(crits, scale) {
                self.moved += size;
                // `size < last ≤ moved`: the step's own distance is within `reach`.
                return Some(reach * size);
            }
        }
        self.moved = f64::INFINITY;
        if !self.solve(crits) {
            return None;
        }
        let size = self.take(crits, scale)?;
        self.moved = size;
        Some(size * size)
    }

    /// Takes the step in `delta` when it can be trusted (no scale below the floor, smaller
    /// than the last); its size.
    fn take(&mut self, crits: &mut [Criterion], scale: &mut [Option<f64>]) -> Option<f64> {
        let (da, db) = (&self.delta.a, &self.delta.b);
        let size = step_size(crits, da, db);
        let floor = crits.first().map_or(0.1, |c| c.floor);
        let below = (0..self.var.len()).any(|j| {
            let i = self.var[j];
            i != NONE && scale[j].unwrap_or(1.0) + da[i as usize] < floor
        });
        // (A NaN size is no smaller.)
        let smaller = size.partial_cmp(&self.last) == Some(std::cmp::Ordering::Less);
        if !smaller || below {
            return None;
        }
        self.last = size;
        self.apply(crits, scale);
        Some(size)
    }

    /// Whether a step was taken.
    pub(super) fn taken(&self) -> bool {
        self.last.is_finite()
    }

    /// Numbers the fitted scales (the jurors with `Some` scale); false when a juror's scale is
    /// identified on some of the criteria they scored and not on others.
    fn number_scales(&mut self, crits: &[Criterion], scale: &[Option<f64>]) -> bool {
        self.var.clear();
        let mut n = 0;
        for (j, s) in scale.iter().enumerate() {
            let fitted = s.is_some();
            let agree = crits
                .iter()
                .all(|c| c.design.juror_comp[j] == NONE || c.identified[j] == fitted);
            if !agree {
                return false;
            }
            self.var.push(if fitted { n } else { NONE });
            n += u32::from(fitted);
        }
        n > 0
    }

    /// The Newton step: each criterion's biases' block eliminated, then the scales under
    /// their mean of 1, into `delta`; false when a block is not positive definite or a
    /// number is not finite. With `B = L Lᵀ` a criterion's biases' block, `C` their coupling
    /// to the scales and `g` the gradients: `Z = L⁻¹ C` and `t = L⁻¹ g_b`, the scales' block
    /// less `Zᵀ Z`, its right side `−g_a + Zᵀ t`, and `Δb = −L⁻ᵀ (t + Z Δa)`.
    fn solve(&mut self, crits: &[Criterion]) -> bool {
        let n = fitted_count(&self.var);
        self.aa.clear();
        self.aa.resize(n * n, 0.0);
        self.ga.clear();
        self.ga.resize(n, 0.0);
        self.solved.resize_with(crits.len(), Default::default);
        for (c, solved) in crits.iter().zip(&mut self.solved) {
            self.part.assemble(c);
            if !solved.factor(c.design, &self.part, &self.var, n) {
                return false;
            }
            self.part.add_scales(&self.var, &mut self.aa, n);
            reduce_gradient(&self.part, solved, &self.var, &mut self.ga);
            for z in solved.z.chunks_exact(n) {
                for (r, &zr) in z.iter().enumerate() {
                    for (x, &zs) in self.aa[r * n..][..n].iter_mut().zip(z) {
                        *x -= zr * zs;
                    }
                }
            }
        }
        self.scales.factor(&self.aa, n) && self.reduced_step()
    }

    /// The step with the factors kept from the last [`Newton::solve`] and the gradient of
    /// the current state (a chord step): [`Newton::solve`]'s step when the state is the one
    /// they were formed at. Into `delta`; false when a number is not finite.
    fn chord(&mut self, crits: &[Criterion]) -> bool {
        debug_assert_eq!(self.solved.len(), crits.len());
        debug_assert_eq!(self.scales.n, fitted_count(&self.var));
        self.ga.clear();
        self.ga.resize(self.scales.n, 0.0);
        for (c, solved) in crits.iter().zip(&mut self.solved) {
            self.part.gradient(c);
            solved.gradient(&self.part);
            reduce_gradient(&self.part, solved, &self.var, &mut self.ga);
        }
        self.reduced_step()
    }

    /// The step from the factors and the reduced gradient `ga`, into `delta`; false when a
    /// number is not finite.
    fn reduced_step(&mut self) -> bool {
        let Delta { a: da, b: db } = &mut self.delta;
        self.scales.solve(&self.ga, da);
        db.resize_with(self.solved.len(), spare::take);
        for (s, db) in self.solved.iter().zip(db.iter_mut()) {
            s.biases(da, db);
        }
        da.iter().chain(db.iter().flatten()).all(|x| x.is_finite())
    }

    /// Moves the scales and biases by the step, then each criterion's values to the best for
    /// them, and its gauge step.
    fn apply(&self, crits: &mut [Criterion], scale: &mut [Option<f64>]) {
        let (da, db) = (&self.delta.a, &self.delta.b);
        for (j, s) in scale.iter_mut().enumerate() {
            if let (Some(a), i) = (s.as_mut(), self.var[j]) {
                *a += da[i as usize];
            }
        }
        for (c, db) in crits.iter_mut().zip(db) {
            for j in 0..c.design.n_jurors {
                if c.design.juror_comp[j] != NONE {
                    c.scale[j] = scale[j].unwrap_or(1.0);
                    c.bias[j] += db[j];
                }
            }
            c.values_and_gauge();
        }
    }
}

/// The largest move of a fitted scale, or of a bias in units of its criterion's spread.
fn step_size(crits: &[Criterion], da: &[f64], db: &[Vec<f64>]) -> f64 {
    let a = da.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    crits.iter().zip(db).fold(a, |m, (c, db)| {
        let spread = c.spread.first().copied().unwrap_or(1.0);
        db.iter().fold(m, |m, x| m.max(x.abs() / spread))
    })
}

/// How many scales are fitted.
fn fitted_count(var: &[u32]) -> usize {
    var.iter().filter(|&&i| i != NONE).count()
}

/// Adds a criterion's part of the scales' right side to `ga`: `−g_a + Zᵀ t`.
fn reduce_gradient(part: &System, solved: &Solved, var: &[u32], ga: &mut [f64]) {
    part.less_scales_gradient(var, ga);
    for (z, t) in solved.z.chunks_exact(ga.len()).zip(&solved.t) {
        for (g, &zr) in ga.iter_mut().zip(z) {
            *g += zr * t;
        }
    }
}

impl Drop for Newton {
    /// The steps' vectors go back to the thread's spares for its next fit (the systems and
    /// factors give back their own).
    fn drop(&mut self) {
        spare::keep_all([&mut self.aa, &mut self.ga, &mut self.delta.a]);
        spare::keep_all(&mut self.delta.b);
    }
}

/// The scales' reduced block `A` (`n × n`), factored to solve `A δ = rhs − μ 1` with
/// `Σ δ = 0` (the scales keep their mean of 1): with `A' = A + ρ 1 1ᵀ`, which has the same
/// action on such `δ`, `δ = x − y (Σ x / Σ y)` for `A' x = rhs` and `A' y = 1`.
struct MeanZero {
    n: usize,
    /// `A'`, then its factor.
    shifted: Vec<f64>,
    chol: Vec<f64>,
    /// `y`, and `Σ y`.
    ones: Vec<f64>,
    ones_sum: f64,
}

impl Default for MeanZero {
    /// Empty, in vectors from the thread's spares.
    fn default() -> MeanZero {
        MeanZero {
            n: 0,
            shifted: spare::take(),
            chol: spare::take(),
            ones: spare::take(),
            ones_sum: 0.0,
        }
    }
}

impl Drop for MeanZero {
    /// Its vectors go back to the thread's spares.
    fn drop(&mut self) {
        spare::keep_all([&mut self.shifted, &mut self.chol, &mut self.ones]);
    }
}

impl MeanZero {
    /// Factors `A'`; false when it is not positive definite.
    fn factor(&mut self, aa: &[f64], n: usize) -> bool {
        self.n = n;
        let rho = (0..n).map(|i| aa[i * n + i]).sum::<f64>() / n as f64;
        self.shifted.clear();
        self.shifted.extend(aa.iter().map(|x| x + rho));
        self.chol.resize(n * n, 0.0);
        if !cholesky_into(&self.shifted, n, &mut self.chol) {
            return false;
        }
        self.ones.clear();
        self.ones.resize(n, 1.0);
        forward(&self.chol, n, &mut self.ones);
        backward(&self.chol, n, &mut self.ones);
        self.ones_sum = self.ones.iter().sum();
        true
    }

    /// `δ` for this `rhs`, into `x`.
    fn solve(&self, rhs: &[f64], x: &mut Vec<f64>) {
        x.clear();
        x.extend_from_slice(rhs);
        forward(&self.chol, self.n, x);
        backward(&self.chol, self.n, x);
        let mu = x.iter().sum::<f64>() / self.ones_sum;
        x.iter_mut().zip(&self.ones).for_each(|(x, y)| *x -= mu * y);
    }
}
