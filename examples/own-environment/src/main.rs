//! `cargo run --release -p own-environment`: evolves the reacher and prints
//! the mean return per generation, then on 100 unseen episodes.

use own_environment::{evolve, idle_return, mean_return, ReacherParams};
use plasticore::env::Dynamics;

fn main() -> Result<(), plasticore::Error> {
    let (theta, history) = evolve(60, 32, 8, 1)?;
    for (g, h) in history.iter().enumerate() {
        println!("generation {g:3}: mean {:8.2}, best {:8.2}", h.mean, h.best);
    }
    let ret = mean_return(&theta, ReacherParams::NOMINAL, 0..100)?;
    let idle = idle_return(ReacherParams::NOMINAL, 0..100)?;
    println!("on 100 unseen episodes: evolved plastic network {ret:.2}, doing nothing {idle:.2}");
    Ok(())
}
