//! Vectors of numbers that a thread's work frees, kept for the same thread's next work.
//!
//! A bootstrap scores the award again and again on each worker thread; every replicate's fit
//! makes and frees the same few hundred small vectors, and the system allocator's work is up
//! to a tenth of the example's bootstrap (docs/performance.md, eighteenth session). [`take`]
//! hands out a vector this thread [`keep`]s, with its allocation, so a worker's replicates
//! reuse one set of buffers. What a vector holds never carries over: [`take`] gives it empty,
//! [`filled`] gives `vec![x; n]`.
//!
//! A thread keeps at most [`ROOM`] numbers' worth of vectors (256 KiB a thread, however many
//! threads the embedding program runs, and 24 bytes a kept vector for its list); a vector
//! beyond that is freed as usual.

use std::cell::RefCell;

/// Most numbers a thread keeps room for, over all its kept vectors.
pub const ROOM: usize = 32 * 1024;

/// A thread's kept vectors, and the room they hold.
struct Kept {
    vectors: Vec<Vec<f64>>,
    room: usize,
}

thread_local! {
    static KEPT: RefCell<Kept> = const {
        RefCell::new(Kept {
            vectors: Vec::new(),
            room: 0,
        })
    };
}

/// An empty vector: one this thread kept, with its room, or a new one.
pub fn take() -> Vec<f64> {
    let kept = KEPT.try_with(|k| {
        let mut k = k.borrow_mut();
        let v = k.vectors.pop()?;
        k.room -= v.capacity();
        Some(v)
    });
    kept.ok().flatten().unwrap_or_default()
}

/// `vec![x; n]`, in a vector this thread kept when it has one.
pub fn filled(n: usize, x: f64) -> Vec<f64> {
    let mut v = take();
    // Room for `n` exactly, as `vec!` makes (a kept vector's doubling would give more).
    v.reserve_exact(n);
    v.resize(n, x);
    v
}

/// `iter` collected, into a vector this thread kept when it has one.
pub fn collect(iter: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let iter = iter.into_iter();
    let mut v = take();
    v.reserve_exact(iter.size_hint().0);
    v.extend(iter);
    v
}

/// Keeps `v`'s allocation for this thread's next [`take`] (emptied), unless it has none or
/// the thread's kept vectors would hold more than [`ROOM`] numbers.
pub fn keep(mut v: Vec<f64>) {
    v.clear();
    // (After the thread's keeper is gone, at its exit, the vector is freed.)
    let _ = KEPT.try_with(|k| {
        let mut k = k.borrow_mut();
        let room = k.room + v.capacity();
        if v.capacity() > 0 && room <= ROOM {
            k.room = room;
            k.vectors.push(v);
        }
    });
}

/// [`keep`] on each of `vs`, leaving them empty.
pub fn keep_all<'a>(vs: impl IntoIterator<Item = &'a mut Vec<f64>>) {
    vs.into_iter().for_each(|v| keep(std::mem::take(v)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_vector_comes_back_empty_with_its_room() {
        // On a thread of its own: the test harness's threads run other tests' fits.
        std::thread::spawn(|| {
            let mut v = filled(100, 2.5);
            assert_eq!(v, vec![2.5; 100]);
            v[7] = -1.0;
            let allocation = v.as_ptr();
            keep(v);
            let w = filled(3, 0.0);
            assert_eq!(w, vec![0.0; 3], "nothing carries over");
            assert_eq!(w.as_ptr(), allocation, "the same allocation");
            assert_eq!(collect([1.0, 2.0]), vec![1.0, 2.0]);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_vector_grown_from_a_kept_one_has_the_room_asked_for() {
        std::thread::spawn(|| {
            keep(Vec::with_capacity(20));
            assert_eq!(filled(30, 1.0).capacity(), 30);
            keep(Vec::with_capacity(20));
            assert_eq!(collect((0..30).map(f64::from)).capacity(), 30);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_thread_keeps_at_most_its_room() {
        std::thread::spawn(|| {
            keep(Vec::with_capacity(8));
            keep(vec![0.0; ROOM + 1]);
            keep(Vec::new());
            assert_eq!(take().capacity(), 8, "neither the long nor the empty kept");
            assert_eq!(take().capacity(), 0, "nothing else kept");
            for _ in 0..10 {
                keep(Vec::with_capacity(ROOM / 4));
            }
            let kept: Vec<Vec<f64>> = (0..10).map(|_| take()).collect();
            let room: usize = kept.iter().map(Vec::capacity).sum();
            assert_eq!(room, ROOM, "four vectors of a quarter each");
            assert_eq!(kept.iter().filter(|v| v.capacity() > 0).count(), 4);
            keep(Vec::with_capacity(ROOM));
            assert_eq!(take().capacity(), ROOM, "the room given back by take");
        })
        .join()
        .unwrap();
    }
}
