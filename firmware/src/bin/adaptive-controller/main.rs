//! Adaptive controller: an evolved plastic network balancing a simulated
//! CartPole on the board, through a change of dynamics it never saw (at
//! step 200: a pole twice as long, three times as heavy, a weaker push),
//! against a static network evolved the same way. Coefficients and weights
//! are `static`s in flash (`plastic.rs`, `static.rs`: `plasticore evolve`'s
//! Rust; another rule: `PLASTICORE_PLASTIC_RS=path/to/rule.rs`). Logs
//! `episode|NET|seed|steps|return before|return|weights checksum|units per
//! step`, `summary|NET|mean before|mean after` and `stack|bytes`; the host's
//! `plasticore simulate` gives the same figures bit for bit.
#![no_std]
#![no_main]

#[allow(dead_code)] // generated: SIZES documents the network
#[rustfmt::skip]
mod plastic { include!(concat!(env!("OUT_DIR"), "/plastic.rs")); }
#[rustfmt::skip]
#[path = "static.rs"]
mod static_net;
mod episodes;

use episodes::{run, CHANGE};
use plasticore::hebbian::{act_len, PlasticMlp, StaticNet};
use plasticore::rng::Rng;
use plasticore_firmware::{self as fw, stack::HighWater, Board, Target};

#[fw::entry]
fn main() -> ! {
    let mut b = fw::take();
    defmt::info!(
        "app|adaptive-controller|{=str}|{=str}|{=str}|change at {=u32}",
        Target::NAME,
        Target::CORE,
        Target::UNIT,
        CHANGE.at
    );
    let high = HighWater::start();
    let plastic = PlasticMlp::<4, 8, 1>::new(&plastic::COEFFS, plastic::CONFIG, &mut Rng::new(0));
    let ok_plastic = plastic.is_ok_and(|mut net| run(&mut b, "plastic", &mut net));
    let mut acts = [0.0f32; act_len(&static_net::SIZES)];
    let st =
        StaticNet::new(&static_net::SIZES, static_net::OUTPUT, &static_net::WEIGHTS, &mut acts);
    let ok_static = st.is_ok_and(|mut net| run(&mut b, "static", &mut net));
    defmt::info!("stack|{=u32}", high.bytes());
    fw::exit(ok_plastic && ok_static)
}
