//! The evolution loop without a host, the monitor that notices a changed
//! plant, and the flash store of what was learned.

use crate::{cut, cut_mut, opaque, sink};
use embedded_storage::nor_flash::{ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash};
use plasticore::checksum::crc32_extend;
use plasticore::es::{EsConfig, EsState};
use plasticore::evolution::{self, Buffers, Evolution, Monitor, Settings};
use plasticore::store::BlobStore;
use plasticore::Error;

/// An episode whose return the optimiser cannot see.
fn episode(c: &[f32], seed: u64) -> Result<f32, Error> {
    Ok(opaque(c.first().copied().unwrap_or(0.0)) + opaque(seed as f32))
}

/// θ, the best θ, the candidate and the noise; fitnesses and ranks: each
/// cut to a length the optimiser cannot know.
fn buffers<'a>(v: &'a mut [[f32; 6]; 4], p: &'a mut [[f32; 8]; 2]) -> Buffers<'a> {
    let [theta, best, candidate, scratch] = v;
    let [fitness, ranks] = p;
    Buffers {
        theta: cut_mut(theta),
        best: cut_mut(best),
        candidate: cut_mut(candidate),
        scratch: cut_mut(scratch),
        fitness: cut_mut(fitness),
        ranks: cut_mut(ranks),
    }
}

/// A run, a resumed run and the monitor on opaque sizes and settings.
pub fn check_evolution() {
    let es = EsConfig { population: opaque(4), sigma: opaque(0.1), ..EsConfig::default() };
    let settings = Settings {
        es,
        episodes: opaque(2),
        validate_every: opaque(2),
        validate_episodes: opaque(3),
        target: opaque(1.0e9),
        generations: opaque(3),
    };
    sink(evolution::train_seed(opaque(1), opaque(2), opaque(3)));
    sink(evolution::validation_seed(opaque(1), opaque(2)));
    sink(evolution::mean_return(&mut episode, cut(&opaque([0.5f32; 4])), 0..opaque(3)));
    let (mut vectors, mut pop) = (opaque([[0.0f32; 6]; 4]), opaque([[0.0f32; 8]; 2]));
    if let Ok(mut run) = Evolution::new(settings, opaque(7), buffers(&mut vectors, &mut pop)) {
        while !run.is_done() {
            sink(run.generation(&mut episode));
        }
        sink((run.reached(), run.generations_run(), run.theta().len(), run.best().1));
        sink((run.state(), run.settings()));
    }
    let state = EsState { sigma: opaque(0.1), lr: opaque(0.2), generation: opaque(5), seed: 1 };
    if let Ok(mut run) = Evolution::resume(settings, state, buffers(&mut vectors, &mut pop)) {
        sink(run.generation(&mut episode));
    }
    let mut m = Monitor::<3>::new(opaque(475.0));
    for k in 0..opaque(5) {
        sink(m.push(opaque(k as f32)));
    }
    sink((m.mean(), m.episodes()));
    m.clear();
    sink(m.mean());
}

/// NOR flash in RAM whose every access is checked (as a driver's would be).
struct Mem([u8; 2048]);

impl ErrorType for Mem {
    type Error = NorFlashErrorKind;
}

impl ReadNorFlash for Mem {
    const READ_SIZE: usize = 1;
    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        let o = offset as usize;
        let src =
            self.0.get(o..o.saturating_add(bytes.len())).ok_or(NorFlashErrorKind::OutOfBounds)?;
        bytes.iter_mut().zip(src).for_each(|(d, s)| *d = *s);
        Ok(())
    }
    fn capacity(&self) -> usize {
        self.0.len()
    }
}

impl NorFlash for Mem {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = 512;
    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        let r = self.0.get_mut(from as usize..to as usize).ok_or(NorFlashErrorKind::OutOfBounds)?;
        r.fill(0xFF);
        Ok(())
    }
    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        let o = offset as usize;
        let dst = self
            .0
            .get_mut(o..o.saturating_add(bytes.len()))
            .ok_or(NorFlashErrorKind::OutOfBounds)?;
        dst.iter_mut().zip(bytes).for_each(|(d, b)| *d &= b);
        Ok(())
    }
}

/// The store on an opaque base, slot size and blob.
pub fn check_store() {
    let blob = opaque([0u8; 64]);
    sink(crc32_extend(opaque(7), cut(&blob)));
    if let Ok(mut store) = BlobStore::new(Mem([0xFF; 2048]), opaque(0), opaque(512)) {
        sink(store.capacity());
        sink(store.save(cut(&blob)));
        let mut out = opaque([0u8; 600]);
        sink(store.load(cut_mut(&mut out)));
        sink(store.into_inner().0.len());
    }
}
