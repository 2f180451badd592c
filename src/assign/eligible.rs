//! Which juror may read which proposal: the award's conflicts, looked up in constant time.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::award::Award;
use crate::util::text::fold;

/// The conflicts of an award: declared pairs, and each `[conflicts] same` attribute's value
/// interned per juror and per proposal (compared ignoring letter case, as scoring does).
pub(super) struct Eligible {
    declared: FxHashSet<(u32, u32)>,
    /// Per attribute: each juror's and each proposal's value as a number (`u32::MAX`: none).
    same: Vec<(Vec<u32>, Vec<u32>)>,
}

impl Eligible {
    /// The conflicts of `award`.
    pub(super) fn new(award: &Award) -> Eligible {
        let declared = award
            .conflicts()
            .iter()
            .map(|c| (c.juror.index() as u32, c.proposal.index() as u32))
            .collect();
        let same = award
            .settings()
            .conflicts_same
            .iter()
            .map(|name| {
                let mut values: FxHashMap<String, u32> = FxHashMap::default();
                let mut intern = |v: Option<&str>| match v {
                    None => u32::MAX,
                    Some(v) => {
                        let key: String = fold(v).collect();
                        let next = values.len() as u32;
                        *values.entry(key).or_insert(next)
                    }
                };
                let jurors: Vec<u32> = (0..award.jurors().len())
                    .map(|j| intern(award.jurors().attribute(j, name)))
                    .collect();
                let proposals: Vec<u32> = (0..award.proposals().len())
                    .map(|p| intern(award.proposals().attribute(p, name)))
                    .collect();
                (jurors, proposals)
            })
            .collect();
        Eligible { declared, same }
    }

    /// Whether juror `j` may read proposal `p`.
    pub(super) fn allows(&self, j: usize, p: usize) -> bool {
        let shared = self
            .same
            .iter()
            .any(|(jv, pv)| jv[j] != u32::MAX && jv[j] == pv[p]);
        !shared && !self.declared.contains(&(j as u32, p as u32))
    }
}
