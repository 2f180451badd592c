//! Vectors that a thread's work frees, kept for the same thread's next work.
//!
//! A bootstrap scores the award again and again on each worker thread; every replicate's fit
//! makes and frees the same few hundred small vectors, and the system allocator's work is up
//! to a tenth of the example's bootstrap (docs/performance.md, eighteenth session). [`take`]
//! hands out a vector this thread [`keep`]s, with its allocation, so a worker's replicates
//! reuse one set of buffers. What a vector holds never carries over: [`take`] gives it empty,
//! [`filled`] gives `vec![x; n]`. Vectors of numbers, indices and flags are kept ([`Spare`]).
//!
//! A thread keeps at most [`ROOM`] bytes of vectors (256 KiB a thread, however many threads
//! the embedding program runs, and 24 bytes a kept vector for its list), each of at most
//! [`LONGEST`] bytes; a vector beyond either is freed as usual.

use std::cell::{Cell, RefCell};
use std::thread::LocalKey;

/// Most bytes a thread keeps room for, over all its kept vectors.
pub const ROOM: usize = 256 * 1024;

/// Most bytes of room of one kept vector: the vectors of a small award's fits (the example's
/// largest is 2.6 KB). Longer ones, kept between the large blocks of a larger award, kept
/// those from being reused: with 8 KiB the 60,000-score conference's bootstrap peaked 8%
/// higher, with 4 KiB as without keeping (docs/performance.md, eighteenth session).
pub const LONGEST: usize = 4096;

/// A kind of element whose vectors a thread keeps: each kind has its own list.
pub trait Spare: Copy + 'static {
    /// This thread's kept vectors of this kind.
    fn kept() -> &'static LocalKey<RefCell<Vec<Vec<Self>>>>;
}

macro_rules! spare {
    ($($t:ty),*) => {$(
        impl Spare for $t {
            fn kept() -> &'static LocalKey<RefCell<Vec<Vec<$t>>>> {
                thread_local! {
                    static KEPT: RefCell<Vec<Vec<$t>>> = const { RefCell::new(Vec::new()) };
                }
                &KEPT
            }
        }
    )*};
}

spare!(f64, (f64, f64), u32, usize, bool, Option<u32>);

thread_local! {
    /// The bytes this thread's kept vectors hold room for.
    static HELD: Cell<usize> = const { Cell::new(0) };
}

/// The bytes of room of `v`.
fn bytes<T>(v: &Vec<T>) -> usize {
    v.capacity() * std::mem::size_of::<T>()
}

/// An empty vector: one this thread kept, with its room, or a new one.
pub fn take<T: Spare>() -> Vec<T> {
    let kept = T::kept().try_with(|k| k.borrow_mut().pop()).ok().flatten();
    match kept {
        Some(v) => {
            let _ = HELD.try_with(|h| h.set(h.get() - bytes(&v)));
            v
        }
        None => Vec::new(),
    }
}

/// `vec![x; n]`, in a vector this thread kept when it has one.
pub fn filled<T: Spare>(n: usize, x: T) -> Vec<T> {
    let mut v = take();
    // Room for `n` exactly, as `vec!` makes (a kept vector's doubling would give more).
    v.reserve_exact(n);
    v.resize(n, x);
    v
}

/// `iter` collected, into a vector this thread kept when it has one.
pub fn collect<T: Spare>(iter: impl IntoIterator<Item = T>) -> Vec<T> {
    let iter = iter.into_iter();
    let mut v = take();
    v.reserve_exact(iter.size_hint().0);
    v.extend(iter);
    v
}

/// Keeps `v`'s allocation for this thread's next [`take`] (emptied), unless it has none, has
/// more than [`LONGEST`] bytes, or the thread's kept vectors would hold more than [`ROOM`]
/// bytes.
pub fn keep<T: Spare>(mut v: Vec<T>) {
    v.clear();
    let size = bytes(&v);
    // (After the thread's keepers are gone, at its exit, the vector is freed.)
    let Ok(held) = HELD.try_with(Cell::get) else {
        return;
    };
    if size == 0 || size > LONGEST || held + size > ROOM {
        return;
    }
    let kept = T::kept().try_with(|k| k.borrow_mut().push(v));
    if kept.is_ok() {
        let _ = HELD.try_with(|h| h.set(held + size));
    }
}

/// [`keep`] on each of `vs`, leaving them empty.
pub fn keep_all<'a, T: Spare>(vs: impl IntoIterator<Item = &'a mut Vec<T>>) {
    vs.into_iter().for_each(|v| keep(std::mem::take(v)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `f` on a thread of its own, whose kept vectors no other test's fits touch (the
    /// harness's threads run other tests).
    fn alone(f: impl FnOnce() + Send + 'static) {
        std::thread::spawn(f).join().unwrap();
    }

    #[test]
    fn a_kept_vector_comes_back_empty_with_its_room() {
        alone(|| {
            let mut v = filled(100, 2.5);
            assert_eq!(v, vec![2.5; 100]);
            v[7] = -1.0;
            let allocation = v.as_ptr();
            keep(v);
            let w = filled(3, 0.0);
            assert_eq!(w, vec![0.0; 3], "nothing carries over");
            assert_eq!(w.as_ptr(), allocation, "the same allocation");
            assert_eq!(collect([1.0, 2.0]), vec![1.0, 2.0]);
        });
    }

    #[test]
    fn a_vector_grown_from_a_kept_one_has_the_room_asked_for() {
        alone(|| {
            keep(Vec::<f64>::with_capacity(20));
            assert_eq!(filled(30, 1.0).capacity(), 30);
            keep(Vec::<f64>::with_capacity(20));
            assert_eq!(collect((0..30).map(f64::from)).capacity(), 30);
        });
    }

    #[test]
    fn a_thread_keeps_at_most_its_room() {
        alone(|| {
            keep(Vec::<f64>::with_capacity(8));
            keep(vec![0.0; LONGEST / 8 + 1]);
            keep(Vec::<f64>::new());
            let first = take::<f64>().capacity();
            assert_eq!(first, 8, "neither the long nor the empty kept");
            assert_eq!(take::<f64>().capacity(), 0, "nothing else kept");
            let most = ROOM / LONGEST;
            for _ in 0..most + 10 {
                keep(Vec::<f64>::with_capacity(LONGEST / 8));
            }
            let kept: Vec<Vec<f64>> = (0..most + 10).map(|_| take()).collect();
            let room: usize = kept.iter().map(Vec::capacity).sum();
            assert_eq!(room * 8, ROOM, "as many of the longest as the room holds");
            assert_eq!(kept.iter().filter(|v| v.capacity() > 0).count(), most);
            keep(Vec::<f64>::with_capacity(LONGEST / 8));
            let again = take::<f64>().capacity();
            assert_eq!(again, LONGEST / 8, "the room given back by take");
        });
    }

    #[test]
    fn each_kind_has_its_own_list_and_all_share_the_room() {
        alone(|| {
            keep(vec![7u32; 10]);
            let numbers = take::<f64>().capacity();
            assert_eq!(numbers, 0, "a list of indices is no list of numbers");
            let indices = take::<u32>();
            assert!(indices.is_empty() && indices.capacity() == 10);
            for _ in 0..ROOM / LONGEST {
                keep(Vec::<u32>::with_capacity(LONGEST / 4));
            }
            keep(Vec::<f64>::with_capacity(1));
            assert_eq!(take::<f64>().capacity(), 0, "the indices hold all the room");
            assert_eq!(take::<u32>().capacity(), LONGEST / 4);
            keep(Vec::<f64>::with_capacity(1));
            assert_eq!(take::<f64>().capacity(), 1, "the room given back");
        });
    }
}
