//! Panic-free slicing for offsets the kernels compute themselves.
//!
//! A kernel checks the caller's sizes once, up front, and then walks its
//! buffers at offsets that are in range by construction — but the optimiser
//! cannot always see that, and `&s[a..b]` would keep a panic path in the
//! image. These return an empty (or shorter) slice where indexing would
//! panic; every caller iterates with `zip`, so a short slice can only mean
//! less work, never a fault. The no-panic check (`nopanic/`) proves at link
//! time that no panic path is left.

/// `s[start..start + len]`, or `&[]` if that is out of range.
#[inline(always)]
pub(crate) fn window<T>(s: &[T], start: usize, len: usize) -> &[T] {
    s.get(start..start.saturating_add(len)).unwrap_or(&[])
}

/// `&mut s[start..start + len]`, or `&mut []` if that is out of range.
#[inline(always)]
pub(crate) fn window_mut<T>(s: &mut [T], start: usize, len: usize) -> &mut [T] {
    s.get_mut(start..start.saturating_add(len)).unwrap_or(&mut [])
}

/// `s[start..]`, or `&[]` if `start` is past the end.
#[inline(always)]
pub(crate) fn tail<T>(s: &[T], start: usize) -> &[T] {
    s.get(start..).unwrap_or(&[])
}

/// `s.split_at_mut(mid)` with `mid` clamped to `s.len()`.
#[inline(always)]
pub(crate) fn split_mut<T>(s: &mut [T], mid: usize) -> (&mut [T], &mut [T]) {
    let mid = mid.min(s.len());
    s.split_at_mut(mid)
}

/// `s.split_at(mid)` with `mid` clamped to `s.len()`.
#[inline(always)]
pub(crate) fn split<T>(s: &[T], mid: usize) -> (&[T], &[T]) {
    let mid = mid.min(s.len());
    s.split_at(mid)
}

/// Copies `src` into the front of `dst` (as many as both hold).
#[inline(always)]
pub(crate) fn copy<T: Copy>(dst: &mut [T], src: &[T]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// `s.chunks_exact(len)` without a division or a panic: whole rows of `len`
/// (none when `len == 0`). `chunks_exact` zipped with another `chunks_exact`
/// divides by the chunk size inside `Zip::new`, which the optimiser cannot
/// always prove non-zero once that is out of line.
pub(crate) fn rows<T>(s: &[T], len: usize) -> Rows<'_, T> {
    Rows { rest: s, len }
}

/// `s.chunks_exact_mut(len)` without a division or a panic (see [`rows`]).
pub(crate) fn rows_mut<T>(s: &mut [T], len: usize) -> RowsMut<'_, T> {
    RowsMut { rest: s, len }
}

/// Iterator of [`rows`].
pub(crate) struct Rows<'s, T> {
    rest: &'s [T],
    len: usize,
}

impl<'s, T> Iterator for Rows<'s, T> {
    type Item = &'s [T];
    #[inline(always)]
    fn next(&mut self) -> Option<&'s [T]> {
        if self.len == 0 {
            return None;
        }
        let (row, rest) = self.rest.split_at_checked(self.len)?;
        self.rest = rest;
        Some(row)
    }
}

/// Iterator of [`rows_mut`].
pub(crate) struct RowsMut<'s, T> {
    rest: &'s mut [T],
    len: usize,
}

impl<'s, T> Iterator for RowsMut<'s, T> {
    type Item = &'s mut [T];
    #[inline(always)]
    fn next(&mut self) -> Option<&'s mut [T]> {
        if self.len == 0 {
            return None;
        }
        let rest = core::mem::take(&mut self.rest);
        let (row, rest) = rest.split_at_mut_checked(self.len)?;
        self.rest = rest;
        Some(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_range_is_plain_slicing() {
        let s = [1, 2, 3, 4, 5];
        assert_eq!(window(&s, 1, 3), &s[1..4]);
        assert_eq!(tail(&s, 2), &s[2..]);
        assert_eq!(split(&s, 2), s.split_at(2));
        let mut m = s;
        window_mut(&mut m, 3, 2).fill(0);
        assert_eq!(m, [1, 2, 3, 0, 0]);
        let (a, b) = split_mut(&mut m, 1);
        assert_eq!((a.len(), b.len()), (1, 4));
    }

    #[test]
    fn out_of_range_is_short_or_empty_never_a_panic() {
        let s = [1, 2, 3];
        assert!(window(&s, 2, 5).is_empty());
        assert!(window(&s, usize::MAX, usize::MAX).is_empty());
        assert!(tail(&s, 4).is_empty());
        assert_eq!(split(&s, 9), (&s[..], &[][..]));
        let mut m = s;
        assert!(window_mut(&mut m, 1, usize::MAX).is_empty());
        assert_eq!(split_mut(&mut m, 7).1.len(), 0);
        let mut d = [0; 2];
        copy(&mut d, &s);
        assert_eq!(d, [1, 2]);
    }

    #[test]
    fn rows_are_chunks_exact_and_zero_gives_none() {
        let s: [u32; 7] = core::array::from_fn(|i| i as u32);
        for len in 1..9 {
            assert!(rows(&s, len).eq(s.chunks_exact(len)), "len {len}");
        }
        assert_eq!(rows(&s, 0).count(), 0);
        let mut m = s;
        for r in rows_mut(&mut m, 3) {
            r.reverse();
        }
        assert_eq!(m, [2, 1, 0, 5, 4, 3, 6]);
        assert_eq!(rows_mut(&mut m, 0).count(), 0);
    }
}
