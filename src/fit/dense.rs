//! Small dense symmetric matrices (row-major `n × n`): the Cholesky factor, solves with it,
//! and the inverse. Used by `bayes` (one row per criterion) and by the Newton steps of the
//! shared affine fit (one row per juror).

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
        let (done, rest) = l.split_at_mut(i * n);
        let row = &mut rest[..n];
        for j in 0..=i {
            // Row `j` of `L` is `done`'s when `j < i`, else this row itself.
            let rj = if j < i {
                &done[j * n..j * n + j]
            } else {
                &row[..j]
            };
            // The same subtractions, in the same order, as `s -= L[i][k] L[j][k]` for each `k`.
            let s = (row[..j].iter().zip(rj)).fold(a[i * n + j], |s, (x, y)| s - x * y);
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return false;
                }
                row[i] = s.sqrt();
            } else {
                row[j] = s / done[j * n + j];
            }
        }
        row[i + 1..].fill(0.0);
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

/// Solves `L X = B` in place for the `m` columns of `x` (`n × m`, row-major; `L` lower
/// triangular): [`forward`] on each column, a row at a time.
pub(crate) fn forward_columns(l: &[f64], n: usize, x: &mut [f64], m: usize) {
    for i in 0..n {
        let (done, rest) = x.split_at_mut(i * m);
        let row = &mut rest[..m];
        for k in 0..i {
            let lik = l[i * n + k];
            for (r, z) in row.iter_mut().zip(&done[k * m..][..m]) {
                *r -= lik * z;
            }
        }
        let d = l[i * n + i];
        row.iter_mut().for_each(|r| *r /= d);
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
