//! Small dense symmetric matrices (one row per criterion, row-major `n × n`): the Cholesky
//! factor, solves with it, the inverse, and a Wishart draw.

use rand_chacha::ChaCha8Rng;

use super::draw::{gamma, normal};

/// The lower Cholesky factor `L` of the symmetric positive definite `a` (`a = L Lᵀ`); `None`
/// when a pivot is not positive.
pub(crate) fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    cholesky_into(a, n, &mut l).then_some(l)
}

/// [`cholesky`] into `l` (`n × n`, its upper triangle set to 0); false, `l` unspecified,
/// when a pivot is not positive.
pub(crate) fn cholesky_into(a: &[f64], n: usize, l: &mut [f64]) -> bool {
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return false;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
        for j in i + 1..n {
            l[i * n + j] = 0.0;
        }
    }
    true
}

/// Solves `L x = b` in place (`L` lower triangular).
pub(crate) fn forward(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

/// Solves `Lᵀ x = b` in place (`L` lower triangular).
pub(crate) fn backward(l: &[f64], n: usize, b: &mut [f64]) {
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[k * n + i] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

/// The inverse of the symmetric positive definite `a`; `None` when it is not.
pub(crate) fn inverse(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let l = cholesky(a, n)?;
    let mut out = vec![0.0; n * n];
    let mut col = vec![0.0; n];
    for j in 0..n {
        col.iter_mut().for_each(|x| *x = 0.0);
        col[j] = 1.0;
        forward(&l, n, &mut col);
        backward(&l, n, &mut col);
        for i in 0..n {
            out[i * n + j] = col[i];
        }
    }
    Some(out)
}

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
