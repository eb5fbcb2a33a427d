//! LSH kNN: an on-device nearest-neighbour classifier. Labelled vectors
//! (scikit-learn's handwritten digits, 8×8 pixels, in flash as the committed
//! `digits.blob`) are streamed into an `LshIndexQ8` held in a `static`; then
//! every held-out digit is classified by the vote of its 5 nearest
//! neighbours.
//!
//! Log lines (defmt): `knn|train|test|correct|predictions checksum|units per
//! insert|units per query` and `stack|bytes`. The host's
//! `plasticore_host::apps::lsh_knn` computes the same predictions bit for
//! bit (tests/tests/firmware_apps.rs checks it).
#![no_std]
#![no_main]

#[cfg(any(feature = "nrf52840-dk", feature = "rp-pico"))]
#[path = "../../rtt_log.rs"]
mod rtt_log;
#[cfg(feature = "esp32c3")]
use esp_println as _;
#[cfg(any(feature = "qemu-arm", feature = "qemu-riscv32"))]
#[path = "../../semihosting_log.rs"]
mod semihosting_log;

#[path = "../../app_panic.rs"]
mod app_panic;
#[allow(dead_code)] // the self-test's stack and loop probes
#[path = "../../arch/mod.rs"]
mod arch;
#[path = "../../board/mod.rs"]
mod board;
#[allow(dead_code)] // free() serves the self-test
#[path = "../../stack.rs"]
mod stack;

use board::Board;
use plasticore::blob::{fnv1a_f32, Blob, FNV_OFFSET};
use plasticore::lsh::index::{probe_heap_len, LshIndexQ8, Neighbors, QueryBuf};
use plasticore::lsh::knn::vote;
use static_cell::ConstStaticCell;

/// The dataset: 1 797 rows of 64 pixels, then their labels (f32, in flash).
static DIGITS: &[u8] = include_bytes!("digits.blob");

/// Planes seed.
const SEED: u64 = 1;
/// Dimensions.
const D: usize = 64;
/// The first `TRAIN` rows are inserted, the rest classified.
const TRAIN: usize = 1437;
/// Index capacity.
const CAP: usize = 1440;
/// Tables and bits per table.
const L: usize = 8;
const K: usize = 10;
/// Buckets probed per query, and the probe heap for that order.
const PROBES: usize = 32;
const HEAP: usize = probe_heap_len(L, PROBES);
/// Neighbours that vote.
const TOP: usize = 5;

/// The index, its labels and the query scratch: RAM the linker sizes
/// (`zeroed` is `const`, so nothing is built on the stack).
struct Knn {
    index: LshIndexQ8<D, CAP, L, K>,
    labels: [u8; CAP],
    scratch: QueryBuf<CAP, L, K, HEAP>,
}

static KNN: ConstStaticCell<Knn> = ConstStaticCell::new(Knn {
    index: LshIndexQ8::zeroed(),
    labels: [0; CAP],
    scratch: QueryBuf::new(),
});

/// Counts of one run.
struct Tally {
    test: u32,
    correct: u32,
    fnv: u32,
    insert_units: u64,
    query_units: u64,
}

fn classify<B: Board>(board: &mut B, knn: &mut Knn, blob: &Blob<'_>, rows: usize) -> Option<Tally> {
    let row =
        |i: usize| -> [f32; D] { core::array::from_fn(|j| blob.get(i * D + j).unwrap_or(0.0)) };
    let label = |i: usize| blob.get(rows * D + i).unwrap_or(-1.0) as u8;
    knn.index.reset(SEED);
    let t0 = board.ticks();
    for i in 0..TRAIN {
        let id = knn.index.insert(&row(i)).ok()?;
        // Stored as label + 1: 0 (the zeroed static) is "no item".
        *knn.labels.get_mut(id as usize)? = label(i).wrapping_add(1);
    }
    knn.index.recenter();
    let insert_ticks = board.ticks() - t0;
    let mut out = Neighbors::<TOP>::new();
    let mut t = Tally {
        test: 0,
        correct: 0,
        fnv: FNV_OFFSET,
        insert_units: 0,
        query_units: 0,
    };
    let mut query_ticks = 0;
    for i in TRAIN..rows {
        let q = row(i);
        let t0 = board.ticks();
        knn.index
            .query(&q, PROBES, &mut knn.scratch, &mut out)
            .ok()?;
        query_ticks += board.ticks() - t0;
        let labels = &knn.labels;
        let p = vote(&out, |id| {
            labels.get(id as usize).and_then(|&l| l.checked_sub(1))
        })
        .unwrap_or(u8::MAX);
        t.correct += u32::from(p == label(i));
        t.test += 1;
        t.fnv = fnv1a_f32(t.fnv, &[f32::from(p)]);
    }
    let per = |ticks: u64, n: u64| ticks * B::MILLI_UNITS_PER_TICK / 1000 / n.max(1);
    t.insert_units = per(insert_ticks, TRAIN as u64);
    t.query_units = per(query_ticks, u64::from(t.test));
    Some(t)
}

fn banner<B: Board>(_: &B) {
    defmt::info!(
        "app|lsh-knn|{=str}|{=str}|{=str}",
        B::NAME,
        B::CORE,
        B::UNIT
    );
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(feature = "qemu-riscv32", riscv_rt::entry)]
#[cfg_attr(feature = "esp32c3", esp_hal::main)]
fn main() -> ! {
    let mut b = board::take();
    banner(&b);
    let (sp0, painted) = (arch::sp(), stack::paint());
    let tally = Blob::parse(DIGITS).ok().and_then(|blob| {
        let (rows, features) = blob.dataset().ok()?;
        if features != D || rows <= TRAIN {
            return None;
        }
        classify(&mut b, KNN.try_take()?, &blob, rows)
    });
    let ok = match tally {
        Some(t) => {
            defmt::info!(
                "knn|{=u32}|{=u32}|{=u32}|{=u32:08x}|{=u64}|{=u64}",
                TRAIN as u32,
                t.test,
                t.correct,
                t.fnv,
                t.insert_units,
                t.query_units
            );
            true
        }
        None => {
            defmt::error!("knn|error");
            false
        }
    };
    defmt::info!("stack|{=u32}", stack::used(painted, sp0));
    b.heartbeat();
    board::exit(ok)
}
