//! Link-time proof that no call into `plasticore` can panic.
//!
//! Every public function of the core is called below on inputs the optimiser
//! cannot see: values and slice lengths come through `read_volatile`
//! ([`opaque`]), so no length check can be folded away. The panic handler calls
//! `plasticore_panic_is_reachable`, a function that exists nowhere: if any
//! panic path (bounds check, division by zero, `unwrap`, overflow in a const
//! evaluated at run time, a slice with a caller's size) survives optimisation,
//! the image does not link. `tests/tests/no_panic.rs` builds it at
//! `opt-level = "s"` and `3`, and checks that every `pub fn` of the core is
//! named here.
//!
//! With `--features diagnose` the symbol is defined, the image links, and the
//! functions below that still call into `core::panicking` can be read from
//! its disassembly (each check is its own `#[inline(never)]` function).
#![no_std]
#![no_main]

mod attention;
mod env;
mod evolution;
mod hebbian;
mod index;
mod linalg;
mod lsh;
mod numerics;

use core::hint::black_box;
use core::ptr::read_volatile;

use plasticore::hebbian::{Norm, Rule, Sharing};
use plasticore::linalg::Layout;

/// Keeps `x` alive: the optimiser must compute it.
#[inline(always)]
fn sink<T>(x: T) {
    black_box(x);
}

/// A value the optimiser cannot know.
#[inline(always)]
fn opaque<T: Copy>(x: T) -> T {
    // SAFETY: `&x` is a valid, aligned reference to an initialised `T: Copy`.
    unsafe { read_volatile(&x) }
}

/// `s` cut to a length the optimiser cannot know.
fn cut<T>(s: &[T]) -> &[T] {
    let n = opaque(s.len()).min(s.len());
    &s[..n]
}

/// `s` cut to a length the optimiser cannot know.
fn cut_mut<T>(s: &mut [T]) -> &mut [T] {
    let n = opaque(s.len()).min(s.len());
    &mut s[..n]
}

fn rule() -> Rule {
    Rule::from_id(opaque(6)).unwrap_or(Rule::ABCDLr)
}
fn sharing() -> Sharing {
    Sharing::from_id(opaque(0)).unwrap_or(Sharing::PerSynapse)
}
fn norm() -> Norm {
    Norm::from_id(opaque(1), opaque(1.0)).unwrap_or(Norm::None)
}
fn layout() -> Layout {
    if opaque(true) {
        Layout::RowMajor
    } else {
        Layout::ColMajor
    }
}

#[cortex_m_rt::entry]
fn main() -> ! {
    linalg::check_linalg();
    linalg::check_tensor();
    linalg::check_fixed();
    lsh::check_ternary();
    hebbian::check_q15();
    lsh::check_lsh_hashes();
    lsh::check_lsh_angular_crosspolytope();
    lsh::check_lsh_binary();
    index::check_lsh_index();
    index::check_lsh_const_index();
    index::check_binary_index();
    index::check_lsh_knn();
    hebbian::check_hebbian_rules();
    hebbian::check_hebbian_nets();
    env::check_env_es();
    env::check_envs();
    evolution::check_evolution();
    evolution::check_store();
    hebbian::check_blob();
    attention::check_nn();
    attention::check_attention_kernels();
    attention::check_attention_blocks();
    numerics::check_stats();
    numerics::check_small_numerics();
    numerics::check_cost();
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(not(feature = "diagnose"))]
extern "C" {
    /// Defined nowhere: referencing it from the panic handler makes every
    /// surviving panic path a link error.
    fn plasticore_panic_is_reachable() -> !;
}

#[cfg(feature = "diagnose")]
#[no_mangle]
extern "C" fn plasticore_panic_is_reachable() -> ! {
    loop {}
}

#[panic_handler]
#[allow(unused_unsafe)] // safe to call when `diagnose` defines it
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: never runs; the image links only if no panic is reachable.
    unsafe { plasticore_panic_is_reachable() }
}
