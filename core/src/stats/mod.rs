//! Statistics: KL divergence, moving averages, compensated sums and the
//! special functions behind p-values (regularised incomplete beta).

pub mod kl;
pub mod moving_average;
pub mod special;
pub mod sum;

pub use kl::{kl, kl_rows};
pub use moving_average::{moving_average, per_capita_7day, MovingAverage};
pub use special::{betainc, ln_gamma};
pub use sum::NeumaierSum;
