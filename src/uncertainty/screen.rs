//! Which jurors' absence cannot change the winners: a screen ahead of the exact scorings
//! without each juror.
//!
//! Scoring the award without a juror means a new fit of the whole award; with thousands of
//! jurors that is thousands of fits. But a juror's absence moves the totals mostly near what
//! they read: the proposals they read lose a review (the *direct* change, exact at the other
//! jurors' current effects), and the jurors who read those proposals too have their leniency
//! re-estimated, which moves everything those jurors read (the *ripple*, worked out for
//! [`HOPS`] rounds). The screen allows for what it leaves out ([`RIPPLE_ALLOWANCE`] times the
//! last round, and a floor), and clears the juror only when, even so, no proposal can change
//! its eligibility and the ranking's order down to the runner-up stays as it is: then the
//! winners, which depend on nothing else, stay as they are. Every juror it does not clear is
//! scored again exactly. The ripple applies to `none` and `additive`; under `affine` a juror's
//! absence also moves every scale, which this linear account misses (a case is in
//! `docs/methods.md`), and the change of the places near the cut is worked out globally
//! instead ([`super::screen_affine`]). The rule and its checks: `docs/methods.md`,
//! "Leave-one-juror-out screen".

use crate::award::Award;
use crate::conflicts::Status;
use crate::fit::SharedAffineFit;
use crate::outcome::Outcome;
use crate::settings::{Aggregate, Method, Settings};

use super::screen_affine::Affine;

/// The screen's allowance for the rounds of re-estimation it does not work out, as a multiple
/// of the last round it works out.
pub(crate) const RIPPLE_ALLOWANCE: f64 = 3.0;

/// The least allowance, relative to a total's size (at least 1): far above the tie tolerance,
/// so a pair the screen keeps apart is never tied by the exact scoring.
const FLOOR: f64 = 1e-6;

/// What the screen needs of the award and its outcome, made once.
pub(super) struct Screen<'a> {
    award: &'a Award,
    settings: &'a Settings,
    outcome: &'a Outcome,
    /// How a juror's absence moves the other scores.
    kind: Kind,
    /// Each juror's used scores, and each proposal's.
    by_juror: Vec<Vec<u32>>,
    by_proposal: Vec<Vec<u32>>,
    /// Per (proposal, criterion): the weights of its used scores, summed.
    cell_weight: Vec<f64>,
    /// Per (juror, criterion): the weights of the juror's used scores, summed.
    juror_weight: Vec<f64>,
    /// Per criterion: the weights of its used scores, summed.
    criterion_weight: Vec<f64>,
    /// Jurors whose absence splits the design.
    cut_vertex: Vec<bool>,
    /// The ranking down to the runner-up (or all of it): the places the winners depend on.
    prefix: usize,
}

/// How a juror's absence moves the other scores.
enum Kind {
    /// Not at all (`none`).
    Direct,
    /// The co-readers' leniencies are re-estimated (`additive`).
    Ripple,
    /// Every juror's scale and leniencies are re-estimated (`affine`).
    Affine(Box<Affine>),
}

/// Most rounds of re-estimation the screen works out after the direct change.
const HOPS: usize = 3;

/// The screen's working space for one juror, reused across jurors on one thread.
#[derive(Default)]
pub(super) struct Scratch {
    /// Per (proposal, criterion): the direct change; the sum of the ripples; the ripple of
    /// the current round and of the next.
    direct: Vec<f64>,
    ripple: Vec<f64>,
    round: Vec<f64>,
    next: Vec<f64>,
    /// Per (proposal, criterion): the weight of the left-out juror's score (0 where none).
    mine: Vec<f64>,
    /// Per (juror, criterion): the shift of the juror's corrected scores in this round.
    shift: Vec<f64>,
    /// Cells touched so far, in this round and in the next; shifts of this round.
    cells: Vec<usize>,
    round_cells: Vec<usize>,
    next_cells: Vec<usize>,
    shifts: Vec<usize>,
    /// Whether each cell is in `cells`, `next_cells`; each shift in `shifts`.
    seen: Vec<bool>,
    seen_next: Vec<bool>,
    seen_shift: Vec<bool>,
    /// The largest change of a total in each round, the direct change first (the round's mean
    /// over the award taken out).
    sizes: Vec<f64>,
    /// Per criterion, the mean of the last round over the award.
    means: Vec<f64>,
}

impl<'a> Screen<'a> {
    /// The screen of `outcome`, scored from `award` under `settings` (`fit`: the whole award's
    /// fit under `affine`); `None` when it does not apply: a method other than `none`,
    /// `additive` and `affine` (their corrections move every score of a criterion, or come
    /// from a posterior), an aggregate other than the mean, no winners, or an `affine` award
    /// the affine screen does not take ([`Affine::new`]).
    pub(super) fn new(
        award: &'a Award,
        settings: &'a Settings,
        outcome: &'a Outcome,
        fit: Option<&SharedAffineFit>,
    ) -> Option<Self> {
        if !matches!(
            settings.method,
            Method::None | Method::Additive | Method::Affine
        ) || settings.aggregate != Aggregate::Mean
            || outcome.selection.winner.iter().all(Option::is_none)
        {
            return None;
        }
        let (n_j, n_p) = (award.jurors().len(), award.proposals().len());
        let n_c = award.rubric().criteria.len();
        let mut by_juror = vec![Vec::new(); n_j];
        let mut by_proposal = vec![Vec::new(); n_p];
        let mut cell_weight = vec![0.0; n_p * n_c];
        let mut juror_weight = vec![0.0; n_j * n_c];
        for (i, s) in award.scores().iter().enumerate() {
            if outcome.status[i] != Status::Used {
                continue;
            }
            let (j, p, c) = (s.juror_index(), s.proposal_index(), s.criterion_index());
            by_juror[j].push(i as u32);
            by_proposal[p].push(i as u32);
            cell_weight[p * n_c + c] += award.weight(i);
            juror_weight[j * n_c + c] += award.weight(i);
        }
        let mut criterion_weight = vec![0.0; n_c];
        for (k, w) in cell_weight.iter().enumerate() {
            criterion_weight[k % n_c] += w;
        }
        let cut_vertex = super::cut::jurors(n_j, n_p, &by_juror, award);
        let order = &outcome.ranking.order;
        let prefix = outcome
            .selection
            .runner_up
            .and_then(|r| order.iter().position(|&p| p == r))
            .map_or(order.len(), |k| k + 1);
        let kind = match settings.method {
            Method::None => Kind::Direct,
            Method::Additive => Kind::Ripple,
            _ => Kind::Affine(Box::new(Affine::new(award, outcome, fit?, prefix)?)),
        };
        Some(Screen {
            award,
            settings,
            outcome,
            kind,
            by_juror,
            by_proposal,
            cell_weight,
            juror_weight,
            criterion_weight,
            cut_vertex,
            prefix,
        })
    }

    /// Whether the award without juror `j` surely has the same winners, in the same order.
    pub(super) fn clears(&self, j: usize, scratch: &mut Scratch) -> bool {
        if self.by_juror[j].is_empty() {
            return true; // nothing of theirs counts
        }
        if self.cut_vertex[j] || !self.reviews_hold(j) {
            return false;
        }
        let n_c = self.award.rubric().criteria.len();
        let cells = self.award.proposals().len() * n_c;
        if scratch.direct.len() != cells {
            let shifts = self.award.jurors().len() * n_c;
            *scratch = Scratch {
                direct: vec![0.0; cells],
                ripple: vec![0.0; cells],
                round: vec![0.0; cells],
                mine: vec![0.0; cells],
                next: vec![0.0; cells],
                shift: vec![0.0; shifts],
                seen: vec![false; cells],
                seen_next: vec![false; cells],
                seen_shift: vec![false; shifts],
                ..Scratch::default()
            };
        }
        let Some(()) = self.direct(j, scratch) else {
            self.reset(scratch);
            return false;
        };
        let clear = match &self.kind {
            Kind::Affine(affine) => {
                let direct = self.direct_totals(scratch);
                affine.clears(j, self.outcome, &direct)
            }
            kind => {
                scratch.sizes.clear();
                let direct = self.size(scratch, true);
                scratch.sizes.push(direct);
                if matches!(kind, Kind::Ripple) {
                    self.ripple(j, scratch)
                } else {
                    self.order_holds(j, scratch)
                }
            }
        };
        self.reset(scratch);
        clear
    }

    /// The direct change of each total the juror read (the sum of its cells' direct changes,
    /// weighted by their criteria), as (proposal, change) in proposal order.
    fn direct_totals(&self, s: &mut Scratch) -> Vec<(usize, f64)> {
        let rubric = self.award.rubric();
        let n_c = rubric.criteria.len();
        s.cells.sort_unstable();
        let mut out: Vec<(usize, f64)> = Vec::new();
        for &cell in &s.cells {
            let (p, c) = (cell / n_c, cell % n_c);
            let d = rubric.criteria[c].weight * s.direct[cell];
            match out.last_mut() {
                Some((q, total)) if *q == p => *total += d,
                _ => out.push((p, d)),
            }
        }
        out
    }

    /// Whether every proposal juror `j` read that places at or above the runner-up keeps its
    /// eligibility by reviews (one below those places that loses it leaves no gap in them).
    fn reviews_hold(&self, j: usize) -> bool {
        let min = self.settings.min_reviews;
        let order = &self.outcome.ranking.order[..self.prefix];
        let mut last = usize::MAX;
        self.by_juror[j].iter().all(|&i| {
            let p = self.award.scores()[i as usize].proposal_index();
            let ok = p == last || {
                let r = self.outcome.values[p].reviews;
                r != min || !order.contains(&p)
            };
            last = p;
            ok
        })
    }

    /// The direct change of each cell juror `j` scored: its mean without their score, at every
    /// other juror's current correction. `None` when a cell would have no score left.
    fn direct(&self, j: usize, s: &mut Scratch) -> Option<()> {
        let n_c = self.award.rubric().criteria.len();
        let corrected = &self.outcome.correction.corrected;
        for &i in &self.by_juror[j] {
            let i = i as usize;
            let sc = &self.award.scores()[i];
            let cell = sc.proposal_index() * n_c + sc.criterion_index();
            let (w, total) = (self.award.weight(i), self.cell_weight[cell]);
            let value = self.outcome.values[sc.proposal_index()].values[sc.criterion_index()]?;
            let left = total - w;
            if left <= 0.0 || left <= 1e-12 * total {
                return None;
            }
            // (value·total − w·x) / left − value
            s.direct[cell] += w * (value - corrected[i]) / left;
            s.mine[cell] = w;
            if !s.seen[cell] {
                s.seen[cell] = true;
                s.cells.push(cell);
            }
        }
        Some(())
    }

    /// The ripple, round by round (at most [`HOPS`]): each juror who read a cell that changed
    /// has their leniency re-estimated against the changed values (their corrected scores
    /// shift by the weighted mean of the changes over their scores), and every cell they
    /// scored moves by its share of the shift. Leaves the sum of the rounds in `ripple`, and
    /// in `sizes` each round's largest change of a total, its mean over the award taken out (a
    /// change common to every proposal moves no place). Whether the juror is cleared.
    ///
    /// After each round the order is checked ([`Screen::order_holds`]), and the juror cleared
    /// as soon as it holds: most jurors read nothing near the cut, and one round, on what
    /// their co-readers read, settles them; a later round reaches about the whole award.
    fn ripple(&self, j: usize, s: &mut Scratch) -> bool {
        s.round_cells.clone_from(&s.cells);
        for &cell in &s.round_cells {
            s.round[cell] = s.direct[cell];
        }
        for _ in 0..HOPS {
            self.shifts(j, s);
            self.spread(s);
            for &cell in &s.next_cells {
                s.ripple[cell] += s.next[cell];
                if !s.seen[cell] {
                    s.seen[cell] = true;
                    s.cells.push(cell);
                }
            }
            for &cell in &s.round_cells {
                s.round[cell] = 0.0;
            }
            std::mem::swap(&mut s.round, &mut s.next);
            std::mem::swap(&mut s.round_cells, &mut s.next_cells);
            for &cell in &s.round_cells {
                s.seen_next[cell] = false;
            }
            s.next_cells.clear();
            let size = self.size(s, false);
            s.sizes.push(size);
            if self.order_holds(j, s) {
                return true;
            }
            if size <= 1e-3 * s.sizes[0] {
                break;
            }
        }
        false
    }

    /// Each co-reader's shift this round: the weighted mean of the round's changes over their
    /// scores of the criterion.
    fn shifts(&self, j: usize, s: &mut Scratch) {
        let scores = self.award.scores();
        let n_c = self.award.rubric().criteria.len();
        for &cell in &s.round_cells {
            let (p, c) = (cell / n_c, cell % n_c);
            let change = s.round[cell];
            if change == 0.0 {
                continue;
            }
            for &i in &self.by_proposal[p] {
                let sc = &scores[i as usize];
                let k = sc.juror_index();
                if k == j || sc.criterion_index() != c {
                    continue;
                }
                let key = k * n_c + c;
                if !s.seen_shift[key] {
                    s.seen_shift[key] = true;
                    s.shifts.push(key);
                }
                s.shift[key] += self.award.weight(i as usize) * change / self.juror_weight[key];
            }
        }
    }

    /// Every cell a shifted juror scored moves by its share of the shift (into `next`); the
    /// shifts are then cleared.
    fn spread(&self, s: &mut Scratch) {
        let scores = self.award.scores();
        let n_c = self.award.rubric().criteria.len();
        s.shifts.sort_unstable();
        for t in 0..s.shifts.len() {
            let key = s.shifts[t];
            let (k, c) = (key / n_c, key % n_c);
            let shift = std::mem::take(&mut s.shift[key]);
            s.seen_shift[key] = false;
            for &i in &self.by_juror[k] {
                let sc = &scores[i as usize];
                if sc.criterion_index() != c {
                    continue;
                }
                let cell = sc.proposal_index() * n_c + c;
                let left = self.cell_weight[cell] - s.mine[cell];
                s.next[cell] += self.award.weight(i as usize) * shift / left;
                if !s.seen_next[cell] {
                    s.seen_next[cell] = true;
                    s.next_cells.push(cell);
                }
            }
        }
        s.shifts.clear();
    }

    /// The largest change of a total in this round (`direct`: the direct change), its weighted
    /// mean over every cell of the award taken out per criterion; leaves those means in
    /// `means`.
    fn size(&self, s: &mut Scratch, direct: bool) -> f64 {
        let rubric = self.award.rubric();
        let n_c = rubric.criteria.len();
        let (x, cells) = if direct {
            (&s.direct, &s.cells)
        } else {
            (&s.round, &s.round_cells)
        };
        let mut mean = vec![0.0; n_c];
        for &cell in cells.iter() {
            mean[cell % n_c] += self.cell_weight[cell] * x[cell];
        }
        for (c, m) in mean.iter_mut().enumerate() {
            *m /= self.criterion_weight[c];
        }
        let mut proposals: Vec<usize> = cells.iter().map(|&cell| cell / n_c).collect();
        proposals.sort_unstable();
        proposals.dedup();
        let shifted = |p: usize| -> f64 {
            (0..n_c)
                .map(|c| rubric.criteria[c].weight * (x[p * n_c + c] - mean[c]))
                .sum()
        };
        let common: f64 = (0..n_c).map(|c| rubric.criteria[c].weight * mean[c]).sum();
        let size = proposals
            .iter()
            .map(|&p| shifted(p).abs())
            .fold(common.abs(), f64::max);
        s.means = mean;
        size
    }

    /// Whether, with every total moved by its worked-out change give or take its allowance,
    /// the ranking keeps its order down to the runner-up, nothing below overtakes the
    /// runner-up, and no threshold or pass total is crossed. A proposal's allowance is the
    /// allowance factor times its change in the last round worked out, plus, for every
    /// proposal, the rounds after it: the factor times the last round's largest change, shrunk
    /// by its ratio to the round before (each round spreads the last one thinner).
    fn order_holds(&self, j: usize, s: &mut Scratch) -> bool {
        s.cells.sort_unstable();
        let rubric = self.award.rubric();
        let n_c = rubric.criteria.len();
        let weight = |c: usize| rubric.criteria[c].weight;
        let on =
            |x: &[f64], p: usize| -> f64 { (0..n_c).map(|c| weight(c) * x[p * n_c + c]).sum() };
        let mut touched: Vec<usize> = s.cells.iter().map(|&cell| cell / n_c).collect();
        touched.dedup();
        let rounds = s.sizes.len();
        let (last, before) = (s.sizes[rounds - 1], s.sizes[rounds.saturating_sub(2)]);
        let far = if rounds < 2 {
            0.0
        } else if last > 0.5 * before {
            return false; // the ripple does not die down: no bound on the rest
        } else {
            RIPPLE_ALLOWANCE * last * last / before
        };
        let values = &self.outcome.values;
        let total = |p: usize| values[p].total.unwrap_or(0.0);
        let is_touched = |p: usize| touched.binary_search(&p).is_ok();
        let change = |p: usize| {
            if is_touched(p) {
                on(&s.direct, p) + on(&s.ripple, p)
            } else {
                0.0
            }
        };
        let common: f64 = (0..n_c)
            .map(|c| weight(c) * s.means.get(c).copied().unwrap_or(0.0))
            .sum();
        let own = |p: usize| {
            if rounds < 2 {
                0.0
            } else if is_touched(p) {
                RIPPLE_ALLOWANCE * (on(&s.round, p) - common).abs()
            } else {
                RIPPLE_ALLOWANCE * common.abs()
            }
        };
        let slack = |p: usize| {
            let moves = is_touched(p) || far > 0.0 || own(p) > 0.0;
            own(p)
                + far
                + if moves {
                    FLOOR * total(p).abs().max(1.0)
                } else {
                    0.0
                }
        };
        let lo = |p: usize| total(p) + change(p) - slack(p);
        let hi = |p: usize| total(p) + change(p) + slack(p);
        // Two places whose totals stay exactly as they were keep their order (a tie included:
        // the same tie, broken by the same rule).
        let still = |p: usize| slack(p) == 0.0 && change(p) == 0.0;
        let order = &self.outcome.ranking.order;
        let prefix = &order[..self.prefix];
        if prefix
            .windows(2)
            .any(|w| !(still(w[0]) && still(w[1])) && lo(w[0]) <= hi(w[1]))
        {
            return false;
        }
        let Some(&last) = prefix.last() else {
            return true;
        };
        let in_prefix = |p: usize| prefix.contains(&p);
        let first_untouched = order[self.prefix..].iter().find(|&&p| !is_touched(p));
        let below = touched
            .iter()
            .filter(|&&p| self.outcome.ranking.rank[p].is_some() && !in_prefix(p))
            .chain(first_untouched);
        if below
            .clone()
            .any(|&p| !(still(p) && still(last)) && hi(p) >= lo(last))
        {
            return false;
        }
        let bars = touched
            .iter()
            .all(|&p| self.far_from_bars(j, p, s, far + own(p)));
        bars && (far == 0.0 || !self.award.rubric().has_bars())
    }

    /// Whether proposal `p`'s criterion values and their sum stay on the same side of every
    /// threshold and the pass total, moved by their change give or take `allow`.
    fn far_from_bars(&self, j: usize, p: usize, s: &Scratch, allow: f64) -> bool {
        let rubric = self.award.rubric();
        let n_c = rubric.criteria.len();
        let values = &self.outcome.values[p].values;
        let d = |c: usize| s.direct[p * n_c + c] + s.ripple[p * n_c + c];
        let near = |v: f64, d: f64, bar: f64| {
            (v - bar).abs() <= d.abs() + allow + FLOOR * bar.abs().max(1.0)
        };
        let cells = (0..n_c).all(|c| match (rubric.criteria[c].threshold, values[c]) {
            (Some(t), Some(v)) => !near(v, d(c), t) && !self.raw_at_edge(j, p, c),
            _ => true,
        });
        let sum = values.iter().copied().sum::<Option<f64>>();
        let pass = match (rubric.pass_total, sum) {
            (Some(bar), Some(sum)) => !near(sum, (0..n_c).map(d).sum(), bar),
            _ => true,
        };
        cells && pass
    }

    /// Whether juror `j`'s raw score in proposal `p`'s criterion `c` is its lowest or highest
    /// (its absence could then change the range a threshold reads).
    fn raw_at_edge(&self, j: usize, p: usize, c: usize) -> bool {
        let scores = self.award.scores();
        let raws = self.by_proposal[p]
            .iter()
            .map(|&i| &scores[i as usize])
            .filter(|s| s.criterion_index() == c);
        let Some(mine) = raws
            .clone()
            .find(|s| s.juror_index() == j)
            .and_then(|s| s.raw())
        else {
            return false;
        };
        let (lo, hi) = raws
            .filter_map(|s| s.raw())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
                (l.min(x), h.max(x))
            });
        mine <= lo || mine >= hi
    }

    fn reset(&self, s: &mut Scratch) {
        for &cell in &s.cells {
            (s.direct[cell], s.ripple[cell], s.seen[cell]) = (0.0, 0.0, false);
            s.mine[cell] = 0.0;
        }
        for &cell in &s.round_cells {
            s.round[cell] = 0.0;
        }
        s.cells.clear();
        s.round_cells.clear();
    }
}
