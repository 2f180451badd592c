//! The joint scale step of the pooled fit: every identified scale and every pooled scale at
//! once, under each component's mean and floor.

use std::ops::Range;

use super::super::components::NONE;
use super::criterion::Criterion;
use super::pooled::{poolable, Pooling, FULLY_POOLED};

/// One scale of the joint scale step: `juror` on `criterion`, in component `comp` (numbered
/// across the criteria), with its `target`, `curvature`, pooling weight `rho` (0 when it is
/// not pooled) and `theta = curvature / (curvature + rho)`.
struct ScaleVar {
    criterion: usize,
    juror: usize,
    comp: usize,
    target: f64,
    curvature: f64,
    rho: f64,
    theta: f64,
}

/// The joint scale step of the pooled fit: given the values, minimises over every identified
/// scale and every pooled scale `A`
/// `Σ h (a − s)² + Σ ρ (a − A)²` subject to, in each component of each criterion, a mean
/// identified scale of 1 and every scale at least `min_scale`. Components are coupled only
/// through pooled jurors, so the equality constraints are solved in blocks of coupled
/// components (Lagrange multipliers, a small dense system), inside an active-set loop for the
/// floors as in [`scale_step`](super::scale_step::scale_step). A block without a solution
/// falls back to scales 1.
pub(super) fn joint_scales(crits: &mut [Criterion], pooling: &Pooling, n_jurors: usize) {
    let offset = component_offsets(crits);
    let n_comps: usize = crits.iter().map(|c| c.design.n_comps).sum();
    let (vars, pooled_of) = scale_vars(crits, pooling, n_jurors, &offset);
    let blocks = coupled_blocks(&vars, &pooled_of, n_comps);
    let floor: Vec<f64> = crits.iter().map(|c| c.floor).collect();
    let (mut a, mut held) = (vec![1.0; vars.len()], vec![false; vars.len()]);
    let mut scratch = vec![PooledScale::default(); n_jurors];
    for members in blocks.iter().filter(|b| !b.is_empty()) {
        let block = Block::new(&vars, members, &pooled_of, &floor);
        if !block_step(&block, &mut scratch, &mut held, &mut a) {
            members.iter().for_each(|&i| a[i] = 1.0); // no solution: additive
        }
    }
    for c in crits.iter_mut() {
        for j in 0..n_jurors {
            if c.design.juror_comp[j] != NONE {
                c.scale[j] = 1.0;
            }
        }
    }
    for (v, &a) in vars.iter().zip(&a) {
        crits[v.criterion].scale[v.juror] = a;
    }
}

/// The number of the first component of each criterion, components numbered across the
/// criteria.
fn component_offsets(crits: &[Criterion]) -> Vec<usize> {
    crits
        .iter()
        .scan(0, |k, c| {
            let first = *k;
            *k += c.design.n_comps;
            Some(first)
        })
        .collect()
}

/// The scales of the joint scale step, juror by juror (the pooled ones carry their weight),
/// and the range of each juror's scales among them.
fn scale_vars(
    crits: &[Criterion],
    pooling: &Pooling,
    n_jurors: usize,
    offset: &[usize],
) -> (Vec<ScaleVar>, Vec<Range<usize>>) {
    let mut vars = Vec::new();
    let mut pooled_of = vec![0..0; n_jurors];
    let mut own = Vec::new();
    for (j, range) in pooled_of.iter_mut().enumerate() {
        poolable(crits, &pooling.sigma2, j, &mut own);
        let pooled = pooling.omega2.is_some() && own.len() >= 2;
        let first = vars.len();
        for (q, c) in crits.iter().enumerate() {
            if c.design.juror_comp[j] == NONE || !c.identified[j] {
                continue;
            }
            let h = c.curvature[j];
            let rho = match (pooled && own.contains(&q), pooling.omega2) {
                (true, Some(w)) => {
                    let s = pooling.sigma2[q].unwrap_or(0.0);
                    (if w > 0.0 { s / w } else { f64::INFINITY }).min(FULLY_POOLED * h)
                }
                _ => 0.0,
            };
            vars.push(ScaleVar {
                criterion: q,
                juror: j,
                comp: offset[q] + c.design.juror_comp[j] as usize,
                target: c.target[j],
                curvature: h,
                rho,
                theta: h / (h + rho),
            });
        }
        *range = first..vars.len();
    }
    (vars, pooled_of)
}

/// Blocks: components joined by a pooled juror. The variables of each block, listed under
/// the block's root component (empty for a component that is not a root).
fn coupled_blocks(
    vars: &[ScaleVar],
    pooled_of: &[Range<usize>],
    n_comps: usize,
) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n_comps).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for r in pooled_of {
        let ks: Vec<usize> = vars[r.clone()]
            .iter()
            .filter(|v| v.rho > 0.0)
            .map(|v| v.comp)
            .collect();
        for w in ks.windows(2) {
            let (x, y) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            parent[x.max(y)] = x.min(y);
        }
    }
    let mut blocks: Vec<Vec<usize>> = vec![Vec::new(); n_comps]; // vars of each block root
    for (i, v) in vars.iter().enumerate() {
        let root = find(&mut parent, v.comp);
        blocks[root].push(i);
    }
    blocks
}

/// A pooled juror's scale in the block step: the unconstrained `A₀`, its curvature `G`, and
/// `A` at the current multipliers.
#[derive(Clone, Copy, Default)]
struct PooledScale {
    unconstrained: f64,
    curvature: f64,
    at_lambda: f64,
}

/// One block of coupled components of the joint scale step.
struct Block<'a> {
    vars: &'a [ScaleVar],
    /// The block's variables.
    members: &'a [usize],
    /// The block's components, in order: component `k` is numbered `local(k)` in the block.
    comps: Vec<usize>,
    /// How many identified scales each component of the block holds.
    size: Vec<f64>,
    /// The jurors of the block with pooled scales.
    jurors: Vec<usize>,
    /// Each juror's variables.
    pooled_of: &'a [Range<usize>],
    /// Each criterion's floor.
    floor: &'a [f64],
}

impl<'a> Block<'a> {
    fn new(
        vars: &'a [ScaleVar],
        members: &'a [usize],
        pooled_of: &'a [Range<usize>],
        floor: &'a [f64],
    ) -> Block<'a> {
        let mut comps: Vec<usize> = members.iter().map(|&i| vars[i].comp).collect();
        comps.sort_unstable();
        comps.dedup();
        let mut block = Block {
            vars,
            members,
            size: vec![0.0; comps.len()],
            comps,
            jurors: Vec::new(),
            pooled_of,
            floor,
        };
        for &i in members {
            let k = block.local(vars[i].comp);
            block.size[k] += 1.0;
        }
        let mut jurors: Vec<usize> = members
            .iter()
            .filter(|&&i| vars[i].rho > 0.0)
            .map(|&i| vars[i].juror)
            .collect();
        jurors.dedup();
        block.jurors = jurors;
        block
    }

    /// The block's number of component `k`.
    fn local(&self, k: usize) -> usize {
        self.comps.partition_point(|&x| x < k)
    }

    /// The pooled variables of juror `j`.
    fn pooled(&self, j: usize) -> impl Iterator<Item = usize> + '_ {
        self.pooled_of[j]
            .clone()
            .filter(|&i| self.vars[i].rho > 0.0)
    }

    fn floor(&self, v: &ScaleVar) -> f64 {
        self.floor[v.criterion]
    }
}

/// The joint scale step of one block of coupled components (see [`joint_scales`]): writes the
/// scales of the block's variables into `a`; `false` when the constraints have no solution.
/// `pool` is scratch space, one entry per juror.
fn block_step(block: &Block, pool: &mut [PooledScale], held: &mut [bool], a: &mut [f64]) -> bool {
    for _ in 0..2 * block.members.len() + 2 {
        pooled_starts(block, held, pool);
        let (m, r) = multiplier_system(block, held, pool);
        let Some(lambda) = solve(m, r, block.comps.len()) else {
            return false;
        };
        pooled_at(block, held, &lambda, pool);
        match scales_at(block, held, &lambda, pool, a) {
            None => return false,
            Some(true) => continue,
            Some(false) => {}
        }
        match leaving(block, held, &lambda, pool) {
            Some(i) => held[i] = false,
            None => return true,
        }
    }
    true
}

/// Each pooled juror's `A₀` and `G`, given the held scales:
/// `A_j(λ) = A₀ − Σ_{free pooled u} (1 − θ_u) λ_{k_u} / G`.
fn pooled_starts(block: &Block, held: &[bool], pool: &mut [PooledScale]) {
    for &j in &block.jurors {
        let (mut num, mut g) = (0.0, 0.0);
        for i in block.pooled(j) {
            let v = &block.vars[i];
            if held[i] {
                (num, g) = (num + v.rho * block.floor(v), g + v.rho);
            } else {
                let gv = v.curvature * (1.0 - v.theta);
                (num, g) = (num + gv * v.target, g + gv);
            }
        }
        pool[j] = PooledScale {
            unconstrained: num / g,
            curvature: g,
            at_lambda: 0.0,
        };
    }
}

/// The system `M λ = r` of the multipliers: each component's scales, as functions of `λ`,
/// sum to its size.
fn multiplier_system(block: &Block, held: &[bool], pool: &[PooledScale]) -> (Vec<f64>, Vec<f64>) {
    let n = block.comps.len();
    let mut m = vec![0.0; n * n];
    let mut r: Vec<f64> = block.size.iter().map(|s| -s).collect();
    let constant = |v: &ScaleVar, pool: &[PooledScale]| {
        if v.rho > 0.0 {
            v.theta * v.target + (1.0 - v.theta) * pool[v.juror].unconstrained
        } else {
            v.target
        }
    };
    for &i in block.members {
        let v = &block.vars[i];
        let k = block.local(v.comp);
        if held[i] {
            r[k] += block.floor(v);
            continue;
        }
        r[k] += constant(v, pool);
        m[k * n + k] += v.theta / v.curvature;
        if v.rho > 0.0 {
            for u in block.pooled(v.juror).filter(|&u| !held[u]) {
                let (vu, g) = (&block.vars[u], pool[v.juror].curvature);
                m[k * n + block.local(vu.comp)] += (1.0 - v.theta) * (1.0 - vu.theta) / g;
            }
        }
    }
    (m, r)
}

/// The pooled scales at the multipliers `lambda`.
fn pooled_at(block: &Block, held: &[bool], lambda: &[f64], pool: &mut [PooledScale]) {
    for &j in &block.jurors {
        let PooledScale {
            unconstrained: a0,
            curvature: g,
            ..
        } = pool[j];
        let moved: f64 = block
            .pooled(j)
            .filter(|&u| !held[u])
            .map(|u| (1.0 - block.vars[u].theta) * lambda[block.local(block.vars[u].comp)] / g)
            .sum();
        pool[j].at_lambda = a0 - moved;
    }
}

/// Every scale of the block at the multipliers `lambda`, into `a`; a free scale below its
/// floor is held. `Some(true)` when a scale joined the held ones, `None` when a scale is not
/// finite.
fn scales_at(
    block: &Block,
    held: &mut [bool],
    lambda: &[f64],
    pool: &[PooledScale],
    a: &mut [f64],
) -> Option<bool> {
    let mut joined = false;
    for &i in block.members {
        let v = &block.vars[i];
        let lambda_k = lambda[block.local(v.comp)];
        a[i] = if held[i] {
            block.floor(v)
        } else if v.rho > 0.0 {
            v.theta * (v.target - lambda_k / v.curvature)
                + (1.0 - v.theta) * pool[v.juror].at_lambda
        } else {
            v.target - lambda_k / v.curvature
        };
        if !(a[i].is_finite()) {
            return None;
        }
        if !held[i] && a[i] < block.floor(v) {
            held[i] = true;
            joined = true;
        }
    }
    Some(joined)
}

/// The held scale whose bound's multiplier is most negative, to be freed; `None` when every
/// held scale's multiplier is non-negative (the step is done). Half the multiplier of a held
/// scale's bound: `h (lo − s) + ρ (lo − A) + λ`.
fn leaving(block: &Block, held: &[bool], lambda: &[f64], pool: &[PooledScale]) -> Option<usize> {
    block
        .members
        .iter()
        .filter(|&&i| held[i])
        .map(|&i| {
            let v = &block.vars[i];
            let pull = if v.rho > 0.0 {
                v.rho * (block.floor(v) - pool[v.juror].at_lambda)
            } else {
                0.0
            };
            (
                i,
                v.curvature * (block.floor(v) - v.target) + pull + lambda[block.local(v.comp)],
            )
        })
        .filter(|&(_, mu)| mu < 0.0)
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(i, _)| i)
}

/// Solves the `n × n` system `m x = r` by Gaussian elimination with partial pivoting; `None`
/// when a pivot is zero or not finite.
fn solve(mut m: Vec<f64>, mut r: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&x, &y| m[x * n + col].abs().total_cmp(&m[y * n + col].abs()))?;
        if m[pivot * n + col] == 0.0 || !m[pivot * n + col].is_finite() {
            return None;
        }
        if pivot != col {
            for c in 0..n {
                m.swap(pivot * n + c, col * n + c);
            }
            r.swap(pivot, col);
        }
        for row in col + 1..n {
            let f = m[row * n + col] / m[col * n + col];
            for c in col..n {
                m[row * n + c] -= f * m[col * n + c];
            }
            r[row] -= f * r[col];
        }
    }
    for col in (0..n).rev() {
        let sum: f64 = (col + 1..n).map(|c| m[col * n + c] * r[c]).sum();
        r[col] = (r[col] - sum) / m[col * n + col];
    }
    r.iter().all(|x| x.is_finite()).then_some(r)
}
