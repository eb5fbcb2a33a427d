//! The coefficient / weight blob decoder on hostile bytes: `Blob::parse` and
//! every decoder behind it (Hebbian topology and config, the fixed-point
//! flag, transformer spec and block, the values). Each input is tried as it
//! is and with its checksum repaired, so the fuzzer also reaches the decoders
//! behind the CRC. Nothing may panic; a decoded blob must re-encode to the
//! same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plasticore::attention::{AttentionMode, TransformerBlock, TransformerSpec};
use plasticore::blob::{self, Blob};
use plasticore::checksum::crc32;
use plasticore::hebbian::{NetSpec, PlasticNet, StaticNetSpec};
use plasticore::rng::Rng;

fn decode(bytes: &[u8]) {
    let Ok(b) = Blob::parse(bytes) else { return };
    let mut values = vec![0.0f32; b.len()];
    b.read_into(&mut values).expect("read_into with the right length");
    assert!(b.read_into(&mut values[..b.len().saturating_sub(1)]).is_err() || b.is_empty());
    for i in 0..=b.len() {
        assert_eq!(b.get(i).map(f32::to_bits), values.get(i).map(|v| v.to_bits()));
    }
    // Re-encoding gives back the same bytes.
    let mut out = vec![0u8; blob::encoded_len(b.header.dims().len(), b.len())];
    let n = blob::encode(&b.header, &values, &mut out).expect("encode");
    assert_eq!(&out[..n], bytes, "re-encoded blob differs");
    let _ = StaticNetSpec::parse(&b);
    if let Ok(NetSpec { topology: topo, config, .. }) = NetSpec::parse(&b) {
        let sizes = topo.sizes();
        let nw = plasticore::hebbian::weight_len(sizes);
        let na = plasticore::hebbian::act_len(sizes);
        if nw <= 1 << 16 && na <= 1 << 12 {
            let (mut w, mut a) = (vec![0.0; nw], vec![0.0; na]);
            if let Ok(mut net) =
                PlasticNet::new(sizes, config, &values, &mut w, &mut a, &mut Rng::new(0))
            {
                let input = vec![0.5f32; topo.inputs()];
                let _ = net.step(&input);
            }
        }
    }
    if let Ok(spec) = TransformerSpec::parse(&b) {
        let need = TransformerBlock::flat_len(spec.dims, spec.shared_qk);
        if need <= 1 << 16 {
            let mut params = vec![0.0f32; need];
            let _ =
                TransformerBlock::from_blob(&b, &mut params, AttentionMode::Full { causal: true });
        }
    }
}

fuzz_target!(|data: &[u8]| {
    decode(data);
    // The same bytes with a valid checksum.
    if data.len() >= 8 {
        let mut fixed = data.to_vec();
        let n = fixed.len();
        let crc = crc32(&fixed[..n - 4]);
        fixed[n - 4..].copy_from_slice(&crc.to_le_bytes());
        decode(&fixed);
    }
});
