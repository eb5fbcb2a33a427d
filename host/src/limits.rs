//! The sizes the host takes from a caller, and their limits.
//!
//! Every number a user passes that sizes an allocation — a population, a
//! count of episodes or of random values, a network's layers, an index's
//! buffers, `k` and the probe budget of a query — is checked here before
//! anything is allocated from it, so a hostile value (2⁴⁰, 2⁶⁴ − 1) is a
//! one-line error (exit status 2 from the CLI, `ValueError` from Python)
//! instead of an aborted allocation or a `capacity overflow` panic. Where the
//! inputs bound a size already (`k` ≤ the index's capacity, probes ≤ the
//! buckets that exist) the size is cut to that bound first.

use plasticore::hebbian::{act_len, weight_len};

/// Most elements of any one buffer the host allocates from a caller's
/// sizes (2²⁸ `f32`: 1 GiB): an index's planes, rows and entries, a
/// network's weights, an ES generation's `population × parameters`
/// candidates, the values of one `Rng` call.
pub const MAX_BUFFER: usize = 1 << 28;

/// Most candidates per ES generation (`evolve --population`,
/// `adaptation --population`, Python `OpenAIES(population=…)` and
/// `Evolution(population=…)`).
pub const MAX_POPULATION: usize = 1 << 16;

/// Most episodes per evaluation (`simulate --episodes`, `evolve
/// --episodes` and `--validate-episodes`, Python `evaluate(episodes=…)`).
pub const MAX_EPISODES: usize = 1 << 20;

/// Most buckets a query may probe: its probe heap then holds at most 2²¹
/// entries (24 MiB). A budget past every bucket that exists (`L·2^K`)
/// probes no more than that, so it is cut to it first.
pub const MAX_PROBES: usize = 1 << 20;

/// Most neighbours a query may ask for.
pub const MAX_K: usize = 1 << 16;

/// `n` if `1 ≤ n ≤ max`.
///
/// # Errors
/// A one-line message naming `what` and the limit.
pub fn check_count(what: &str, n: usize, max: usize) -> Result<usize, String> {
    if n == 0 || n > max {
        return Err(format!("{what}: expected 1 to {max}, got {n}"));
    }
    Ok(n)
}

/// `a · b` elements if the product is at most [`MAX_BUFFER`].
///
/// # Errors
/// A one-line message naming `what`.
pub fn check_buffer(what: &str, a: usize, b: usize) -> Result<usize, String> {
    match a.checked_mul(b) {
        Some(n) if n <= MAX_BUFFER => Ok(n),
        _ => Err(format!("{what}: {a} × {b} elements, at most {MAX_BUFFER} on the host")),
    }
}

/// Checks that a network of layer `sizes` has at most [`MAX_BUFFER`]
/// weights and activations (the core's `Topology` bounds each layer at
/// 2¹⁶, not their products).
///
/// # Errors
/// A one-line message with the sizes.
pub fn check_network(sizes: &[usize]) -> Result<(), String> {
    let weights =
        sizes.windows(2).try_fold(0usize, |acc, w| acc.checked_add(w[0].checked_mul(w[1])?));
    let acts = sizes.iter().try_fold(0usize, |acc, &s| acc.checked_add(s));
    match (weights, acts) {
        (Some(w), Some(a)) if w <= MAX_BUFFER && a <= MAX_BUFFER => {
            debug_assert_eq!((w, a), (weight_len(sizes), act_len(sizes)));
            Ok(())
        }
        _ => Err(format!("layer sizes {sizes:?}: more than {MAX_BUFFER} weights on the host")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_counts_are_refused_and_fair_ones_pass() {
        for n in [0, MAX_EPISODES + 1, 1 << 40, usize::MAX] {
            assert!(check_count("episodes", n, MAX_EPISODES).is_err(), "{n}");
        }
        assert_eq!(check_count("episodes", MAX_EPISODES, MAX_EPISODES), Ok(MAX_EPISODES));
        assert!(check_buffer("x", usize::MAX, 2).is_err());
        assert!(check_buffer("x", 1 << 14, (1 << 14) + 1).is_err());
        assert_eq!(check_buffer("x", 1 << 14, 1 << 14), Ok(1 << 28));
    }

    #[test]
    fn a_network_is_bounded_by_its_weights() {
        assert!(check_network(&[4, 8, 1]).is_ok());
        // 2^16 · 2^16 = 2^32 weights in one layer.
        assert!(check_network(&[4, 1 << 16, 1 << 16, 1]).is_err());
        assert!(check_network(&[usize::MAX, usize::MAX]).is_err());
    }
}
