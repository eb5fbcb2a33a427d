//! Domain sections of docs/benchmarks.md, one file per domain, each built
//! from the board records (and any host measurement it makes itself).

use crate::report::Report;

mod hebbian;
mod lsh;

/// Every section, in document order; each returns Markdown (empty to skip).
pub fn all(r: &Report) -> Vec<String> {
    let sections: Vec<fn(&Report) -> String> = vec![lsh::section, hebbian::section];
    sections
        .into_iter()
        .map(|f| f(r))
        .filter(|s| !s.is_empty())
        .collect()
}
