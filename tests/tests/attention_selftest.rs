//! The attention self-test cases (selftest/src/attention_cases.rs) pass on the
//! host: sdpa and LSH attention at n = 64 … 1024 and the transformer block
//! with each meet their f64 references, deterministically. The QEMU test
//! (firmware_qemu.rs) then requires the board's checksums to equal these.

use plasticore_selftest::{cases, NoMeter};

#[test]
fn attention_cases_pass_on_host() {
    let mut n = 0;
    for c in cases().iter().filter(|c| c.kernel.starts_with("attention.")) {
        let o = (c.run)(&mut NoMeter);
        eprintln!(
            "{} {}: ok={} max_rel_err={:.2e} checksum={:08x} macs={} data={}",
            c.kernel, c.shape, o.ok, o.max_rel_err, o.checksum, c.cost.macs, c.data_bytes
        );
        assert!(o.ok, "{} {}: max_rel_err {}", c.kernel, c.shape, o.max_rel_err);
        assert_eq!((c.run)(&mut NoMeter).checksum, o.checksum);
        n += 1;
    }
    // sdpa and LSH at 5 sizes, the block with each.
    assert_eq!(n, 12);
}

#[test]
fn shapes_name_n() {
    for c in cases().iter().filter(|c| c.kernel == "attention.sdpa" || c.kernel == "attention.lsh")
    {
        let n: usize = c.shape.strip_prefix("n=").unwrap().parse().unwrap();
        assert!([64, 128, 256, 512, 1024].contains(&n), "{}", c.shape);
    }
}

/// The committed weight blobs of the transformer-block cases parse and describe
/// those cases (d = 32, 2 heads, d_ff = 64, GELU, n = 128; shared QK for LSH).
#[test]
fn transformer_blobs_describe_the_cases() {
    use plasticore::attention::{TransformerBlock, TransformerSpec};
    use plasticore::blob::Blob;
    use plasticore::nn::Activation;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/attention/");
    for (name, shared) in [("full", false), ("lsh", true)] {
        let bytes = std::fs::read(format!("{dir}transformer_block_{name}.blob")).unwrap();
        let blob = Blob::parse(&bytes).unwrap();
        let spec = TransformerSpec::parse(&blob).unwrap();
        assert_eq!(spec.n, 128);
        assert_eq!(
            (spec.dims.d, spec.dims.heads, spec.dims.d_ff, spec.dims.act),
            (32, 2, 64, Activation::Gelu)
        );
        assert_eq!(spec.shared_qk, shared);
        assert_eq!(blob.len(), TransformerBlock::flat_len(spec.dims, shared));
    }
}
