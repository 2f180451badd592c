//! A chain's run (burn-in, then recorded sweeps) and the posterior summary of all chains.

use rand_chacha::ChaCha8Rng;

use super::sweep::{Model, State};
use super::{split_rhat, BayesOptions, Posterior};

/// What one chain recorded: its draws of the totals (compact proposals, draw-major) and the
/// sums of the recorded values, scales, leniencies and levels.
pub(crate) struct Chain {
    totals: Vec<f64>,
    draws: usize,
    value: Vec<f64>,
    a: Vec<f64>,
    b: Vec<f64>,
    mu: Vec<f64>,
}

impl Model {
    /// One chain: `options.sweeps` sweeps from [`Model::start`], every `thin`-th after the
    /// burn-in recorded.
    pub(super) fn run(&self, rng: &mut ChaCha8Rng, options: &BayesOptions) -> Chain {
        let mut s = self.start();
        let n = self.proposal_of.len();
        let mut chain = Chain {
            totals: Vec::new(),
            draws: 0,
            value: vec![0.0; n * self.c],
            a: vec![0.0; s.a.len()],
            b: vec![0.0; s.b.len()],
            mu: vec![0.0; self.c],
        };
        for sweep in 0..options.sweeps {
            self.sweep(&mut s, rng);
            if sweep >= options.burn_in && (sweep - options.burn_in) % options.thin == 0 {
                self.record(&s, &mut chain);
            }
        }
        chain
    }

    /// Adds the state `s` to the chain's record.
    fn record(&self, s: &State, chain: &mut Chain) {
        let c = self.c;
        for vi in s.v.chunks_exact(c) {
            let total = (0..c)
                .map(|k| self.weight[k] * (self.mid[k] + self.range[k] * (s.mu[k] + vi[k])))
                .sum::<f64>();
            chain.totals.push(total);
        }
        add(&mut chain.value, &s.v);
        add(&mut chain.a, &s.a);
        add(&mut chain.b, &s.b);
        add(&mut chain.mu, &s.mu);
        chain.draws += 1;
    }

    /// The posterior of all `chains` (combined in chain order), on the award's indices.
    pub(super) fn summarise(&self, chains: &[Chain]) -> Posterior {
        let (c, n) = (self.c, self.proposal_of.len());
        let per_chain = chains[0].draws;
        let draws = (per_chain * chains.len()) as f64;
        let mean = |pick: &dyn Fn(&Chain) -> &[f64], len: usize| -> Vec<f64> {
            (0..len)
                .map(|k| chains.iter().map(|ch| pick(ch)[k]).sum::<f64>() / draws)
                .collect()
        };
        let (v, a, b, mu) = (
            mean(&|ch| &ch.value, n * c),
            mean(&|ch| &ch.a, self.juror_of.len()),
            mean(&|ch| &ch.b, self.juror_of.len()),
            mean(&|ch| &ch.mu, c),
        );
        let level: Vec<f64> = (0..c)
            .map(|k| self.mid[k] + self.range[k] * mu[k])
            .collect();
        let mut value = vec![f64::NAN; self.proposals * c];
        for (i, &p) in self.proposal_of.iter().enumerate() {
            for k in 0..c {
                value[p * c + k] = level[k] + self.range[k] * v[i * c + k];
            }
        }
        let (mut scale, mut leniency) = (vec![1.0; self.jurors], vec![0.0; self.jurors]);
        for (j, &juror) in self.juror_of.iter().enumerate() {
            scale[juror] = a[j];
            leniency[juror] = b[j];
        }
        let mut totals = vec![f64::NAN; self.proposals * per_chain * chains.len()];
        let mut rhat = vec![f64::NAN; self.proposals];
        let mut sequences = vec![vec![0.0; per_chain]; chains.len()];
        for (i, &p) in self.proposal_of.iter().enumerate() {
            for (k, ch) in chains.iter().enumerate() {
                for d in 0..per_chain {
                    let x = ch.totals[d * n + i];
                    sequences[k][d] = x;
                    totals[(k * per_chain + d) * self.proposals + p] = x;
                }
            }
            let refs: Vec<&[f64]> = sequences.iter().map(Vec::as_slice).collect();
            rhat[p] = split_rhat(&refs);
        }
        Posterior {
            criteria: c,
            proposals: self.proposals,
            value,
            scale,
            leniency,
            level,
            totals,
            per_chain,
            chains: chains.len(),
            rhat,
        }
    }
}

/// `sum += x`, entry by entry.
fn add(sum: &mut [f64], x: &[f64]) {
    for (s, x) in sum.iter_mut().zip(x) {
        *s += x;
    }
}
