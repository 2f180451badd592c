//! A plan being built: who reads what, each juror's load and how often two jurors co-read.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use rustc_hash::FxHashMap;

/// Up to this many jurors, co-reading counts are held in a dense table (`J²` 16-bit counts:
/// 32 MiB at 4,096 jurors); beyond, in a hash map of the pairs that do co-read.
const DENSE_JURORS: usize = 4096;

/// How often each pair of jurors read the same proposal.
enum CoReads {
    Dense { jurors: usize, counts: Vec<u16> },
    Sparse(FxHashMap<(u32, u32), u32>),
}

impl CoReads {
    fn new(jurors: usize) -> CoReads {
        if jurors <= DENSE_JURORS {
            CoReads::Dense {
                jurors,
                counts: vec![0; jurors * jurors],
            }
        } else {
            CoReads::Sparse(FxHashMap::default())
        }
    }

    fn get(&self, a: usize, b: usize) -> u32 {
        match self {
            CoReads::Dense { jurors, counts } => u32::from(counts[a * jurors + b]),
            CoReads::Sparse(map) => {
                let key = (a.min(b) as u32, a.max(b) as u32);
                map.get(&key).copied().unwrap_or(0)
            }
        }
    }

    fn add(&mut self, a: usize, b: usize, delta: i32) {
        match self {
            CoReads::Dense { jurors, counts } => {
                for (x, y) in [(a, b), (b, a)] {
                    let c = &mut counts[x * *jurors + y];
                    *c = (i32::from(*c) + delta).clamp(0, i32::from(u16::MAX)) as u16;
                }
            }
            CoReads::Sparse(map) => {
                let c = map.entry((a.min(b) as u32, a.max(b) as u32)).or_insert(0);
                *c = (*c as i32 + delta).max(0) as u32;
            }
        }
    }
}

/// Reads placed so far, by juror and by proposal, with loads and co-reading counts.
pub(super) struct State {
    pub(super) by_proposal: Vec<Vec<u32>>,
    pub(super) by_juror: Vec<Vec<u32>>,
    co: CoReads,
    pub(super) rng: ChaCha8Rng,
}

impl State {
    /// An empty plan for `jurors` and `proposals`, drawing from stream `stream` of `seed`.
    pub(super) fn new(jurors: usize, proposals: usize, seed: u64, stream: u64) -> State {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        State {
            by_proposal: vec![Vec::new(); proposals],
            by_juror: vec![Vec::new(); jurors],
            co: CoReads::new(jurors),
            rng,
        }
    }

    /// A random key, to break ties between equally good choices.
    pub(super) fn key(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Juror `j`'s load.
    pub(super) fn load(&self, j: usize) -> usize {
        self.by_juror[j].len()
    }

    /// Whether juror `j` reads proposal `p`.
    pub(super) fn reads(&self, j: usize, p: usize) -> bool {
        self.by_proposal[p].contains(&(j as u32))
    }

    /// How many times juror `j` has co-read with the current readers of `p`.
    pub(super) fn co_reads(&self, j: usize, p: usize) -> u32 {
        let readers = &self.by_proposal[p];
        readers
            .iter()
            .map(|&r| {
                // Row `r`, column `j`: candidates `j` come in increasing order, so the dense
                // table (symmetric) is read along its rows.
                if r as usize == j {
                    0
                } else {
                    self.co.get(r as usize, j)
                }
            })
            .sum()
    }

    /// Juror `j` reads proposal `p`.
    pub(super) fn add(&mut self, j: usize, p: usize) {
        for i in 0..self.by_proposal[p].len() {
            let r = self.by_proposal[p][i] as usize;
            self.co.add(j, r, 1);
        }
        self.by_proposal[p].push(j as u32);
        self.by_juror[j].push(p as u32);
    }

    /// Juror `j` no longer reads proposal `p` (which they read).
    pub(super) fn remove(&mut self, j: usize, p: usize) {
        self.by_proposal[p].retain(|&r| r as usize != j);
        self.by_juror[j].retain(|&q| q as usize != p);
        for i in 0..self.by_proposal[p].len() {
            let r = self.by_proposal[p][i] as usize;
            self.co.add(j, r, -1);
        }
    }
}
