//! The best `k` results of a query, kept sorted while candidates stream in:
//! in a caller slice padded with a placeholder (run-time `k`), or in a
//! `heapless::Vec` (compile-time `k`).
//!
//! Insertion into the sorted list, not a `heapless::BinaryHeap`: the result
//! must come out sorted, `k` is small, and most candidates are refused by one
//! comparison with the last entry. Measured on the Cortex-M4F (`lsh.index`
//! query, 16 probes, k = 4): 22 280–22 310 instructions with the `heapless::Vec`
//! (builds of this change), against 22 320 for the hand-written sorted slice it replaced.

use heapless::vec::VecView;

/// A query result with a total order of preference.
#[doc(hidden)]
pub trait Ranked: Copy {
    /// The placeholder that pads a slice result.
    const NONE: Self;
    /// `self` ranks before `other`.
    fn better(&self, other: &Self) -> bool;
    /// `self` is the placeholder.
    fn is_none(&self) -> bool;
}

/// The best `k` results so far, best first: a query's result list, either
/// a `heapless::Vec` (no placeholders) or a slice padded with a placeholder.
/// (Sealed: the module is private.)
pub trait TopK<T: Ranked> {
    /// Empties the list.
    fn reset(&mut self);
    /// Keeps `c` if it is among the best `k` offered.
    fn offer(&mut self, c: T);
    /// Results held.
    fn found(&self) -> usize;
}

/// Moves the last entry to the front, shifting the others back one place
/// (swaps, not `rotate_right`, which keeps a panic path at `opt-level = "s"`).
fn last_to_front<T>(tail: &mut [T]) {
    for j in (1..tail.len()).rev() {
        tail.swap(j - 1, j);
    }
}

/// A caller slice of `k` entries, padded with [`Ranked::NONE`].
impl<T: Ranked> TopK<T> for [T] {
    fn reset(&mut self) {
        self.iter_mut().for_each(|o| *o = T::NONE);
    }

    fn offer(&mut self, c: T) {
        // Most candidates lose to the last of a full list: one comparison.
        if self.last().is_none_or(|w| !w.is_none() && !c.better(w)) {
            return;
        }
        let Some(pos) = self.iter().position(|o| o.is_none() || c.better(o)) else {
            return;
        };
        // Put `c` last, then move it up to `pos`.
        if let Some(tail) = self.get_mut(pos..) {
            if let Some(last) = tail.last_mut() {
                *last = c;
            }
            last_to_front(tail);
        }
    }

    fn found(&self) -> usize {
        self.iter().take_while(|n| !n.is_none()).count()
    }
}

/// An array of `k` entries, as the slice.
impl<T: Ranked, const N: usize> TopK<T> for [T; N] {
    #[inline(always)]
    fn reset(&mut self) {
        self.as_mut_slice().reset()
    }
    #[inline(always)]
    fn offer(&mut self, c: T) {
        self.as_mut_slice().offer(c)
    }
    #[inline(always)]
    fn found(&self) -> usize {
        self.as_slice().found()
    }
}

/// A `heapless::Vec`, through its capacity-erased view.
impl<T: Ranked, const N: usize> TopK<T> for heapless::Vec<T, N> {
    #[inline(always)]
    fn reset(&mut self) {
        self.clear();
    }
    #[inline(always)]
    fn offer(&mut self, c: T) {
        self.as_mut_view().offer(c)
    }
    #[inline(always)]
    fn found(&self) -> usize {
        self.len()
    }
}

/// A `heapless::Vec` (through its capacity-erased view), no placeholders.
impl<T: Ranked> TopK<T> for VecView<T> {
    fn reset(&mut self) {
        self.clear();
    }

    fn offer(&mut self, c: T) {
        let (len, full) = (self.len(), self.is_full());
        let list = self.as_mut_slice();
        // Most candidates lose to the last of a full list: one comparison.
        if full && list.last().is_none_or(|w| !c.better(w)) {
            return;
        }
        let pos = list.iter().position(|o| c.better(o)).unwrap_or(len);
        if full {
            self.pop();
        }
        // Append, then move `c` up to `pos` (heapless' `insert` has a panic path).
        if self.push(c).is_ok() {
            if let Some(tail) = self.get_mut(pos..) {
                last_to_front(tail);
            }
        }
    }

    fn found(&self) -> usize {
        self.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct R(u32);

    impl Ranked for R {
        const NONE: Self = R(u32::MAX);
        fn better(&self, other: &Self) -> bool {
            self.0 < other.0
        }
        fn is_none(&self) -> bool {
            self.0 == u32::MAX
        }
    }

    const STREAM: [u32; 13] = [7, 3, 9, 3, 1, 8, 2, 6, 0, 5, 4, 11, 10];

    /// The `k` smallest of the stream, sorted (reference: sort it all).
    fn want(k: usize) -> heapless::Vec<R, 13> {
        let mut sorted = STREAM;
        sorted.sort_unstable();
        sorted.iter().take(k).map(|&x| R(x)).collect()
    }

    fn vec_top<const N: usize>() -> heapless::Vec<R, N> {
        let mut v = heapless::Vec::<R, N>::new();
        v.as_mut_view().reset();
        for &x in &STREAM {
            v.as_mut_view().offer(R(x));
        }
        v
    }

    /// A padded slice keeps the `k` best sorted, for every `k` up to past
    /// the stream's length.
    #[test]
    fn slice_keeps_the_k_best_sorted() {
        for k in 0..=16 {
            let mut buf = [R(99); 16];
            let slice = &mut buf[..k];
            TopK::reset(slice);
            for &x in &STREAM {
                slice.offer(R(x));
            }
            let n = k.min(STREAM.len());
            assert_eq!(slice.found(), n);
            assert_eq!(&slice[..n], &want(n)[..], "k = {k}");
            assert!(slice[n..].iter().all(R::is_none));
        }
    }

    /// A `heapless::Vec` keeps the `N` best sorted, for `N` of 0, 1, 4, 13, 16.
    #[test]
    fn vec_keeps_the_n_best_sorted() {
        assert_eq!(vec_top::<0>()[..], want(0)[..]);
        assert_eq!(vec_top::<1>()[..], want(1)[..]);
        assert_eq!(vec_top::<4>()[..], want(4)[..]);
        assert_eq!(vec_top::<13>()[..], want(13)[..]);
        assert_eq!(vec_top::<16>()[..], want(13)[..]);
        assert_eq!(vec_top::<4>().as_view().found(), 4);
    }
}
