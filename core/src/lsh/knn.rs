//! k-nearest-neighbour classification over an index's query result.
//!
//! [`vote`] is the majority label of the neighbours found, ties going to the
//! label of the nearer neighbour (the result lists nearest first), as
//! scikit-learn's `KNeighborsClassifier(weights="uniform")` does up to its
//! own tie order. O(k²) comparisons, no table of classes.

use super::index::Neighbor;
use crate::slices::split;

/// The majority label of `neighbors` (nearest first; [`Neighbor::NONE`]
/// entries and ids without a label are skipped), `label_of` giving an id's
/// label. `None` if no neighbour has a label.
pub fn vote<L: PartialEq + Copy>(
    neighbors: &[Neighbor],
    label_of: impl Fn(u32) -> Option<L>,
) -> Option<L> {
    let mut best: Option<(L, usize)> = None;
    for (i, n) in neighbors.iter().enumerate() {
        let Some(label) = label_of(n.id) else {
            continue;
        };
        // Counted once, at its nearest occurrence.
        let (nearer, rest) = split(neighbors, i);
        if nearer.iter().any(|m| label_of(m.id) == Some(label)) {
            continue;
        }
        let count = rest.iter().filter(|m| label_of(m.id) == Some(label)).count();
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((label, count));
        }
    }
    best.map(|(l, _)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(id: u32) -> Neighbor {
        Neighbor { id, cosine: 0.0 }
    }

    #[test]
    fn majority_then_nearest() {
        let labels = [3u8, 1, 1, 3, 7];
        let of = |id: u32| labels.get(id as usize).copied();
        // 1, 1 against 3, 3: a tie goes to the nearer label (3).
        assert_eq!(vote(&[n(0), n(1), n(2), n(3)], of), Some(3));
        // 1 twice beats 3 and 7 once.
        assert_eq!(vote(&[n(4), n(1), n(0), n(2)], of), Some(1));
        // Missing neighbours and unknown ids are skipped.
        assert_eq!(vote(&[Neighbor::NONE, n(9), n(4)], of), Some(7));
        assert_eq!(vote(&[Neighbor::NONE], of), None);
        assert_eq!(vote(&[], of), None);
    }
}
