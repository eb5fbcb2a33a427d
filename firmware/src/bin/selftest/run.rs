//! Runs every case that fits the stack left (the micro:bit has 16 KiB of
//! RAM) and logs one `case|…` line each, then `summary|…`.

use plasticore_firmware::{meter::BoardMeter, stack, Board};
use plasticore_selftest::{cases, Case};

/// Stack kept free beyond a case's declared need (the meter, the log).
const CASE_STACK_RESERVE: usize = 512;

/// Whether a case fits the stack that is left.
fn fits(case: &Case) -> bool {
    case.ram_bytes as usize + CASE_STACK_RESERVE <= stack::free()
}

/// Runs the cases and then `reference` (CMSIS-DSP's, when linked); true if all passed.
pub fn all<B: Board>(meter: &mut BoardMeter<'_, B>, reference: &[Case]) -> bool {
    let mut failed = 0u32;
    let mut skipped = 0u32;
    let all = cases();
    for case in all.iter().chain(reference) {
        if !fits(case) {
            defmt::info!(
                "skip|{=str}|{=str}|{=u32}|{=u32}",
                case.kernel,
                case.shape,
                case.ram_bytes + CASE_STACK_RESERVE as u32,
                stack::free() as u32
            );
            skipped += 1;
            continue;
        }
        let high = stack::HighWater::start();
        let o = (case.run)(meter);
        let case_stack = high.bytes();
        defmt::info!(
            "case|{=str}|{=str}|{=u64}|{=u32}|{=u64}|{=u32}|{=u32}|{=u32}|{=f32}|{=bool}|{=f32}|{=f32}|{=f32}|{=f32}|{=u32}",
            case.kernel,
            case.shape,
            case.cost.macs as u64,
            case.data_bytes,
            meter.cost_milli,
            meter.stack,
            o.checksum,
            o.outputs,
            o.max_rel_err,
            o.ok,
            o.preview[0],
            o.preview[1],
            o.preview[2],
            o.preview[3],
            case_stack
        );
        if !o.ok {
            defmt::error!("self-test failed: {=str} {=str}", case.kernel, case.shape);
            failed += 1;
        }
        meter.board().heartbeat();
    }
    defmt::info!(
        "summary|{=u32}|{=u32}|{=u32}",
        (all.len() + reference.len()) as u32,
        failed,
        skipped
    );
    failed == 0
}
