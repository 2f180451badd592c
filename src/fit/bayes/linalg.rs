//! The Wishart draw of the `bayes` sweeps (the dense solves are in `fit::dense`).

use rand_chacha::ChaCha8Rng;

use super::draw::{gamma, normal};

/// A draw of the Wishart distribution with `dof` degrees of freedom (`dof > n − 1`) and
/// scale matrix `L Lᵀ` given by its Cholesky factor `l` (Bartlett 1933: `L A Aᵀ Lᵀ`, `A`
/// lower triangular with `A_kk² ~ χ²(dof − k)` and standard normal entries below).
pub(crate) fn wishart(rng: &mut ChaCha8Rng, l: &[f64], n: usize, dof: f64) -> Vec<f64> {
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        a[i * n + i] = (2.0 * gamma(rng, 0.5 * (dof - i as f64))).sqrt();
        for j in 0..i {
            a[i * n + j] = normal(rng);
        }
    }
    // B = L A (lower triangular times lower triangular), then B Bᵀ.
    let mut b = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            b[i * n + j] = (j..=i).map(|k| l[i * n + k] * a[k * n + j]).sum();
        }
    }
    let mut w = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            w[i * n + j] = (0..n).map(|k| b[i * n + k] * b[j * n + k]).sum();
        }
    }
    w
}
