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
use system::{Solved, System};

mod system;
#[cfg(test)]
mod tests;

/// A Newton step is worth its dense solves when the cubes of the juror counts, summed over
/// the criteria (and once more for the scales), are at most this many times the number of
/// scores: a sweep costs about a pass over the scores, a step about a cube of the jurors.
const WORK_PER_SCORE: usize = 56;
/// Most Newton steps of a fit; past them the sweeps go on alone.
const MOST_STEPS: usize = 20;

/// The Newton steps of one shared fit: whether they are still on, and their buffers.
pub(super) struct Newton {
    /// Steps taken.
    steps: usize,
    /// The size of the last step: its largest move of a scale, or of a bias in units of its
    /// criterion's spread.
    last: f64,
    /// Each juror's index among the fitted scales (`NONE` when their scale is not fitted).
    var: Vec<u32>,
    /// One criterion's system, then the scales' system summed over the criteria.
    part: System,
    aa: Vec<f64>,
    ga: Vec<f64>,
    /// Each criterion's biases' block, factored.
    solved: Vec<Solved>,
    chol: Vec<f64>,
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
            var: Vec::new(),
            part: System::default(),
            aa: Vec::new(),
            ga: Vec::new(),
            solved: Vec::new(),
            chol: Vec::new(),
        })
    }

    /// Newton steps from the state a sweep left (the values the best for the scales and
    /// biases), each followed by the values for the new scales and biases and the gauge step,
    /// until one moves nothing beyond `√tolerance` (the next sweep then tests convergence, the
    /// step after such a step being about its square). Writes the new scales into `scale` and
    /// each criterion. Returns false when a step cannot be trusted, which is not taken: a scale
    /// would fall below the floor, a block is not positive definite, the step is no smaller
    /// than the last, a juror's scale is fitted on some criteria and not others, or the steps
    /// ran out; the sweeps then go on alone.
    pub(super) fn steps(
        &mut self,
        crits: &mut [Criterion],
        scale: &mut [Option<f64>],
        tolerance: f64,
    ) -> bool {
        loop {
            match self.step(crits, scale) {
                None => return false,
                Some(size) if size * size <= tolerance => return true,
                Some(_) => {}
            }
        }
    }

    /// One Newton step, its size; `None` (nothing changed) when it cannot be trusted.
    fn step(&mut self, crits: &mut [Criterion], scale: &mut [Option<f64>]) -> Option<f64> {
        self.steps += 1;
        if self.steps > MOST_STEPS || !self.number_scales(crits, scale) {
            return None;
        }
        let (da, db) = self.solve(crits)?;
        let size = step_size(crits, &da, &db);
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
        self.apply(crits, scale, &da, &db);
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
    /// their mean of 1. `(Δa per fitted scale, Δb per criterion and juror)`, `None` when a
    /// block is not positive definite or a number is not finite. With `B = L Lᵀ` a
    /// criterion's biases' block, `C` their coupling to the scales and `g` the gradients:
    /// `Z = L⁻¹ C` and `t = L⁻¹ g_b`, the scales' block less `Zᵀ Z`, its right side
    /// `−g_a + Zᵀ t`, and `Δb = −L⁻ᵀ (t + Z Δa)`.
    fn solve(&mut self, crits: &[Criterion]) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
        let n = self.var.iter().filter(|&&i| i != NONE).count();
        self.aa.clear();
        self.aa.resize(n * n, 0.0);
        self.ga.clear();
        self.ga.resize(n, 0.0);
        self.solved.resize_with(crits.len(), Default::default);
        for (c, solved) in crits.iter().zip(&mut self.solved) {
            self.part.assemble(c);
            if !solved.factor(c.design, &self.part, &self.var, n) {
                return None;
            }
            self.part.add_scales(&self.var, &mut self.aa, &mut self.ga);
            for (z, t) in solved.z.chunks_exact(n).zip(&solved.t) {
                for (r, &zr) in z.iter().enumerate() {
                    for (x, &zs) in self.aa[r * n..][..n].iter_mut().zip(z) {
                        *x -= zr * zs;
                    }
                    self.ga[r] += zr * t;
                }
            }
        }
        let rhs = std::mem::take(&mut self.ga);
        let da = solve_mean_zero(&self.aa, n, rhs, &mut self.chol)?;
        let db: Vec<Vec<f64>> = (self.solved.iter()).map(|s| s.biases(&da)).collect();
        let finite = da.iter().chain(db.iter().flatten()).all(|x| x.is_finite());
        finite.then_some((da, db))
    }

    /// Moves the scales and biases by the step, then each criterion's values to the best for
    /// them, and its gauge step.
    fn apply(
        &self,
        crits: &mut [Criterion],
        scale: &mut [Option<f64>],
        da: &[f64],
        db: &[Vec<f64>],
    ) {
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

/// Solves `A δ = rhs − μ 1` with `Σ δ = 0` (the scales keep their mean of 1): with
/// `A' = A + ρ 1 1ᵀ`, which has the same action on such `δ`, `δ = x − y (Σ x / Σ y)` for
/// `A' x = rhs` and `A' y = 1`. `None` when `A'` is not positive definite.
fn solve_mean_zero(aa: &[f64], n: usize, rhs: Vec<f64>, chol: &mut Vec<f64>) -> Option<Vec<f64>> {
    let rho = (0..n).map(|i| aa[i * n + i]).sum::<f64>() / n as f64;
    let shifted: Vec<f64> = aa.iter().map(|x| x + rho).collect();
    chol.resize(n * n, 0.0);
    if !cholesky_into(&shifted, n, chol) {
        return None;
    }
    let (mut x, mut y) = (rhs, vec![1.0; n]);
    for z in [&mut x, &mut y] {
        forward(chol, n, z);
        backward(chol, n, z);
    }
    let mu = x.iter().sum::<f64>() / y.iter().sum::<f64>();
    Some(x.iter().zip(&y).map(|(x, y)| x - mu * y).collect())
}
