//! LSH kNN: an on-device nearest-neighbour classifier. Labelled vectors
//! (scikit-learn's handwritten digits, 8×8 pixels, in flash as the committed
//! `digits.blob`) are streamed into an `LshIndexI8` held in a `static`, its
//! planes in flash (`planes.rs`, written by `plasticore planes --rust`: the
//! index's RAM is all `.bss`); then every held-out digit is classified by the
//! vote of its 5 nearest neighbours. Logs `knn|train|test|correct|predictions
//! checksum|units per insert|units per query` and `stack|bytes`; the host's
//! `plasticore_host::apps::lsh_knn` computes the same predictions bit for bit.
#![no_std]
#![no_main]

mod classify;
mod planes;

use classify::{classify, Knn, TRAIN};
use plasticore::blob::Blob;
use plasticore_firmware::{self as fw, stack::HighWater, Board, Target};
use static_cell::ConstStaticCell;

/// The dataset: 1 797 rows of 64 pixels, then their labels (f32, in flash).
static DIGITS: &[u8] = include_bytes!("digits.blob");

/// The index, its labels and the query scratch: RAM the linker sizes
/// (`Knn::EMPTY` is `const` and all zero, so nothing is built on the stack).
static KNN: ConstStaticCell<Knn> = ConstStaticCell::new(Knn::EMPTY);

#[fw::entry]
fn main() -> ! {
    let mut b = fw::take();
    defmt::info!("app|lsh-knn|{=str}|{=str}|{=str}", Target::NAME, Target::CORE, Target::UNIT);
    let high = HighWater::start();
    let tally = Blob::parse(DIGITS).ok().and_then(|blob| classify(&mut b, KNN.try_take()?, &blob));
    let ok = tally.is_some();
    match tally {
        Some(t) => defmt::info!(
            "knn|{=u32}|{=u32}|{=u32}|{=u32:08x}|{=u64}|{=u64}",
            TRAIN as u32,
            t.test,
            t.correct,
            t.fnv,
            t.insert_units,
            t.query_units
        ),
        None => defmt::error!("knn|error"),
    }
    defmt::info!("stack|{=u32}", high.bytes());
    b.heartbeat();
    fw::exit(ok)
}
