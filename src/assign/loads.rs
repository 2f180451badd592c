//! Even loads under limits: each juror's target share of a round's reads.

/// Each juror's target load for `demand` reads, as even as `limits` (the most each juror can
/// take) allow: the largest level `L` with `Σ min(limit, L) ≤ demand` is given to everyone
/// (or their limit, if lower), and the rest, one read each, to jurors whose limit is above
/// `L`, in the order `order`. So two targets below their limits differ by at most one.
/// `None` when the limits add up to less than `demand`.
pub(super) fn targets(limits: &[usize], demand: usize, order: &[usize]) -> Option<Vec<usize>> {
    let filled = |level: usize| -> usize { limits.iter().map(|&l| l.min(level)).sum() };
    let lo = level(limits, demand)?;
    let mut targets: Vec<usize> = limits.iter().map(|&l| l.min(lo)).collect();
    let mut rest = demand - filled(lo);
    for &j in order {
        if rest == 0 {
            break;
        }
        if limits[j] > lo {
            targets[j] += 1;
            rest -= 1;
        }
    }
    debug_assert_eq!(
        rest, 0,
        "filled(lo + 1) > demand leaves enough jurors above lo"
    );
    Some(targets)
}

/// The largest level `L` with `Σ min(limit, L) ≤ demand`, or `None` when the limits add up
/// to less than `demand`. Every even plan gives juror `j` `min(limit, L)` reads, or one more
/// when their limit is above `L` ([`targets`] picks who).
pub(super) fn level(limits: &[usize], demand: usize) -> Option<usize> {
    let filled = |level: usize| -> usize { limits.iter().map(|&l| l.min(level)).sum() };
    let top = limits.iter().copied().max().unwrap_or(0);
    if filled(top) < demand {
        return None;
    }
    // The largest level that does not overshoot: filled() is non-decreasing.
    let (mut lo, mut hi) = (0, top);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if filled(mid) <= demand {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Some(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_jurors_share_evenly() {
        // 10 reads over 4 jurors: 2 each, and the 2 left to the first two in the order
        // (3, 1): targets 2, 3, 2, 3.
        let t = targets(&[10, 10, 10, 10], 10, &[3, 1, 0, 2]).unwrap();
        assert_eq!(t, [2, 3, 2, 3]);
    }

    #[test]
    fn a_low_limit_is_filled_and_the_rest_shared() {
        // Limits 1, 10, 10 and 9 reads: level 4 fills 1 + 4 + 4 = 9 exactly.
        assert_eq!(targets(&[1, 10, 10], 9, &[0, 1, 2]).unwrap(), [1, 4, 4]);
        // 10 reads: level 4 fills 9, one more to the first juror above 4 in the order (2).
        assert_eq!(targets(&[1, 10, 10], 10, &[0, 2, 1]).unwrap(), [1, 4, 5]);
    }

    #[test]
    fn limits_below_the_demand_are_refused() {
        assert_eq!(targets(&[1, 2], 4, &[0, 1]), None);
        assert_eq!(targets(&[1, 2], 3, &[0, 1]).unwrap(), [1, 2]);
        assert_eq!(targets(&[], 0, &[]).unwrap(), Vec::<usize>::new());
    }
}
