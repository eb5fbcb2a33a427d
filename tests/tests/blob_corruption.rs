//! Every committed parameter blob survives hostile bytes: each single-bit flip
//! (every bit of every byte) and each truncation (every shorter length) is
//! rejected with `Error::CorruptBlob`, never accepted and never a panic. CRC-32
//! detects every single-bit error, so no flip can slip through; the header
//! checks (magic, version, dims, length) catch flips before the checksum is even
//! computed.

use plasticore::attention::TransformerSpec;
use plasticore::blob::Blob;
use plasticore::hebbian::NetSpec;
use plasticore::Error;

const BLOBS: &[&str] = &[
    "hebbian/cartpole_abcd_lr.blob",
    "hebbian/cartpole_q15.blob",
    "attention/transformer_block_full.blob",
    "attention/transformer_block_lsh.blob",
];

fn load(rel: &str) -> Vec<u8> {
    std::fs::read(plasticore_tests::data(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_single_bit_flip_is_rejected() {
    for rel in BLOBS {
        let good = load(rel);
        assert!(Blob::parse(&good).is_ok(), "{rel} parses as committed");
        let mut b = good.clone();
        let mut flips = 0usize;
        for i in 0..b.len() {
            for bit in 0..8 {
                b[i] ^= 1 << bit;
                match Blob::parse(&b) {
                    Err(Error::CorruptBlob { .. }) => {}
                    other => panic!("{rel}: flipping bit {bit} of byte {i} gave {other:?}"),
                }
                b[i] ^= 1 << bit;
                flips += 1;
            }
        }
        assert_eq!(b, good);
        eprintln!("{rel}: {flips} single-bit flips, all rejected");
    }
}

#[test]
fn every_truncation_is_rejected() {
    for rel in BLOBS {
        let good = load(rel);
        for n in 0..good.len() {
            match Blob::parse(&good[..n]) {
                Err(Error::CorruptBlob { .. }) => {}
                other => panic!("{rel}: truncated to {n} bytes gave {other:?}"),
            }
        }
        // One byte too many is refused too.
        let mut long = good.clone();
        long.push(0);
        assert!(matches!(Blob::parse(&long), Err(Error::CorruptBlob { .. })));
    }
}

#[test]
fn wrong_kind_is_an_error_for_both_decoders() {
    let heb = load("hebbian/cartpole_abcd_lr.blob");
    let tr = load("attention/transformer_block_full.blob");
    let (h, t) = (Blob::parse(&heb).unwrap(), Blob::parse(&tr).unwrap());
    assert!(matches!(NetSpec::parse(&t), Err(Error::CorruptBlob { .. })));
    assert!(matches!(TransformerSpec::parse(&h), Err(Error::CorruptBlob { .. })));
}
