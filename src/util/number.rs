//! Numbers as reports write them: six decimals, no trailing zeros, never `-0`.

/// Decimals kept when a number is written to a report.
pub const DECIMALS: usize = 6;

/// A number as written in reports: rounded to [`DECIMALS`] decimals, without trailing zeros,
/// never `-0`.
///
/// ```
/// assert_eq!(jury::report::number(3.0), "3");
/// assert_eq!(jury::report::number(2.0 / 3.0), "0.666667");
/// assert_eq!(jury::report::number(-0.0000001), "0");
/// ```
pub fn number(x: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, x);
    out
}

/// Appends [`number`]'s text for `x` to `out`, without allocating on the usual path.
pub(crate) fn push_number(out: &mut String, x: f64) {
    // Quickly, when x × 10⁶ is nearer one integer than any other by a margin: then that
    // integer is what rounding the exact value gives. Below 10¹² the product is off the
    // exact x × 10⁶ by at most half a unit in the last place, 2⁻¹⁴ < 10⁻⁴, well inside the
    // margin of 10⁻³ left here; only values within 10⁻⁹ of a rounding boundary take the
    // standard library's slower exact path.
    let scaled = x * SCALE as f64;
    let k = scaled.round();
    if scaled.abs() < 1e12 && (scaled - k).abs() < 0.499 {
        push_scaled_integer(out, k as i64);
    } else {
        out.push_str(&number_exactly(x));
    }
}

/// 10 to the power [`DECIMALS`].
const SCALE: u64 = 10u64.pow(DECIMALS as u32);

/// [`DECIMALS`] zeros, the most a fraction is padded with.
const ZEROS: &str = "000000";
const _: () = assert!(ZEROS.len() == DECIMALS);

/// Appends `k / 10⁶` written out, without trailing zeros, never `-0`.
fn push_scaled_integer(out: &mut String, k: i64) {
    if k < 0 {
        out.push('-');
    }
    let k = k.unsigned_abs();
    let (int, mut frac) = (k / SCALE, k % SCALE);
    let mut digits = itoa::Buffer::new();
    out.push_str(digits.format(int));
    if frac == 0 {
        return;
    }
    let mut width = DECIMALS;
    while frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    let frac = digits.format(frac);
    out.push('.');
    out.push_str(&ZEROS[..width - frac.len()]);
    out.push_str(frac);
}

/// [`number`] through the standard library's exact rounding.
fn number_exactly(x: f64) -> String {
    let mut s = format!("{x:.DECIMALS$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_the_standard_librarys_exact_rounding_writes_them() {
        let mut x = 0x2016_u64;
        let mut values = vec![0.0, -0.0, 1.0, -1.0, 0.5, 2.5, 1e-7, -4e-7, 5e-7, 0.0078125];
        values.extend([
            1.0 / 3.0,
            -2.0 / 3.0,
            3.4,
            123456.789,
            999999.9999995,
            1e13,
            -1e13,
        ]);
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
            values.push((unit - 0.5) * 10f64.powi((x % 14) as i32 - 6));
            // Means of whole and half points, the usual totals.
            values.push((x % 1000) as f64 / (1 + x % 7) as f64 / 2.0);
            // Near a rounding boundary, on either side of the fast path's margin.
            let k = (x % 100_000_000) as f64;
            for off in [0.5, 0.4995, 0.4989, 0.49899, 0.499, 0.5001, -0.4995] {
                values.push((k + off) / 1e6);
            }
        }
        for v in values {
            assert_eq!(number(v), number_exactly(v), "{v:e}");
        }
    }

    #[test]
    fn numbers_keep_six_decimals_and_no_trailing_zeros() {
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(-1.5), "-1.5");
        assert_eq!(number(1e-7), "0");
        assert_eq!(number(123456.0000004), "123456");
        assert_eq!(number(0.1 + 0.2), "0.3");
    }
}
