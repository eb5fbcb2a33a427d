//! Domain sections of docs/benchmarks.md, one file per domain, each built
//! from the board records (and any host measurement it makes itself).

use crate::report::Report;

<<<<<<< HEAD
mod hebbian;

/// Every section, in document order; each returns Markdown (empty to skip).
pub fn all(r: &Report) -> Vec<String> {
    let sections: Vec<fn(&Report) -> String> = vec![hebbian::section];
=======
mod lsh;

/// Every section, in document order; each returns Markdown (empty to skip).
pub fn all(r: &Report) -> Vec<String> {
    let sections: Vec<fn(&Report) -> String> = vec![lsh::section];
>>>>>>> lsh
    sections
        .into_iter()
        .map(|f| f(r))
        .filter(|s| !s.is_empty())
        .collect()
}
