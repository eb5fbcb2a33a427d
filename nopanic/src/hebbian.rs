//! Hebbian rules, layers and networks (f32 and Q15), and their blob formats.

use crate::{cut, cut_mut, norm, opaque, rule, sharing, sink};
use plasticore::attention::{TransformerDims, TransformerSpec};
use plasticore::blob::{self, Blob, Header};
use plasticore::checksum;
use plasticore::env::action_from_output;
use plasticore::hebbian::{
    self, q15, Activation as HebbAct, Coeffs, Controller, NetConfig, NetSpec, PlasticLayer,
    PlasticMlp, PlasticNet, Rule, Sharing, StaticNetSpec, Topology,
};
use plasticore::nn::Activation;
use plasticore::rng::Rng;

#[inline(never)]
pub fn check_q15() {
    let h = opaque([100i16; 4]);
    sink(q15::tanh_q15(opaque(i32::MIN)));
    sink(q15::delta_q15(cut(&h), opaque(-300), opaque(i16::MIN)));
    let mut w = opaque([0i16; 32]);
    let pre = opaque([1000i16; 4]);
    let post = opaque([-1000i16; 8]);
    let c = opaque([7i16; 32 * 4]);
    q15::update_q15(cut_mut(&mut w), cut(&pre), cut(&post), cut(&c), sharing());
    q15::norm_q15(norm(), cut_mut(&mut w));
    let cf = opaque([0.1f32; 200]);
    let mut cq = opaque([0i16; 160]);
    sink(q15::fold_coeffs(rule(), cut(&cf), cut_mut(&mut cq)));
    sink(q15::folded_len(cut(&[4usize, 8, 1]), sharing()));
    sink(rule().folded(cut(&cf))[0]);
    let sizes = opaque([4usize, 8, 1]);
    let mut weights = opaque([0i16; 40]);
    let mut acts = opaque([0i16; 13]);
    let config = NetConfig {
        rule: rule(),
        sharing: sharing(),
        norm: norm(),
        output: HebbAct::from_id(opaque(1)).unwrap_or(HebbAct::Tanh),
    };
    if let Ok(mut net) = q15::PlasticNetQ15::new(
        cut(&sizes),
        config,
        opaque(12),
        cut(&cq),
        cut_mut(&mut weights),
        cut_mut(&mut acts),
        &mut Rng::new(opaque(1)),
    ) {
        net.reset(&mut Rng::new(opaque(1)));
        let input = opaque([300i16; 4]);
        sink(net.step_q(cut(&input)).map(|o| o.len()));
        sink(net.weights().len());
    }
}

pub(crate) fn hebb_config() -> NetConfig {
    NetConfig {
        rule: rule(),
        sharing: sharing(),
        norm: norm(),
        output: HebbAct::from_id(opaque(1)).unwrap_or(HebbAct::Tanh),
    }
}

#[inline(never)]
pub fn check_hebbian_rules() {
    let h = opaque([0.1f32; 5]);
    let r = rule();
    let s = sharing();
    sink((r.k(), r.name().len(), r.id(), r.delta(cut(&h), opaque(0.5), opaque(-0.5))));
    sink((Rule::from_name("ABCD_lr"), Sharing::from_name("per_synapse")));
    sink((s.vectors(opaque(usize::MAX), opaque(3)), s.name().len(), s.id()));
    sink(s.coeff_len(r, opaque(usize::MAX), opaque(usize::MAX)));
    let n = norm();
    sink((n.id(), n.param(), n.validate()));
    let mut w = opaque([0.3f32; 32]);
    n.apply(cut_mut(&mut w));
    sink(hebbian::update_cost(r, s, opaque(usize::MAX), opaque(usize::MAX)));
    let c = opaque([0.01f32; 32 * 5]);
    let pre = opaque([0.5f32; 4]);
    let post = opaque([0.5f32; 8]);
    if let Ok(coeffs) = Coeffs::new(cut(&c), r, s, opaque(8), opaque(4)) {
        sink((
            coeffs.rule(),
            coeffs.sharing(),
            coeffs.outputs(),
            coeffs.inputs(),
            coeffs.data().len(),
        ));
        sink(hebbian::update(cut_mut(&mut w), cut(&pre), cut(&post), &coeffs, n));
    }
    let act = HebbAct::from_id(opaque(0)).unwrap_or(HebbAct::Linear);
    sink(act.id());
    sink(act.apply(opaque(0.5)));
    sink(act.apply_in_place(cut_mut(&mut w)));
    let mut layer = PlasticLayer::<4, 8>::zeros();
    layer.randomize(&mut Rng::new(opaque(2)));
    let mut y = [0.0f32; 8];
    layer.forward(&opaque([0.5; 4]), &mut y, act);
    sink(layer.weights().len());
    if let Ok(coeffs) = Coeffs::new(cut(&c), r, s, 8, 4) {
        sink(layer.update(&opaque([0.5; 4]), &y, &coeffs, n));
    }
    sink(action_from_output(cut(&post)));
}

#[inline(never)]
pub fn check_hebbian_nets() {
    let sizes = opaque([4usize, 8, 1]);
    sink((
        hebbian::weight_len(cut(&sizes)),
        hebbian::act_len(cut(&sizes)),
        hebbian::coeff_len(cut(&sizes), rule(), sharing()),
    ));
    if let Ok(t) = Topology::new(cut(&sizes)) {
        sink((t.sizes().len(), t.layers(), t.inputs(), t.outputs()));
    }
    let coeffs = opaque([0.01f32; 40 * 5]);
    let mut weights = opaque([0.0f32; 40]);
    let mut acts = opaque([0.0f32; 13]);
    if let Ok(mut net) = PlasticNet::new(
        cut(&sizes),
        hebb_config(),
        cut(&coeffs),
        cut_mut(&mut weights),
        cut_mut(&mut acts),
        &mut Rng::new(opaque(1)),
    ) {
        net.reset(&mut Rng::new(opaque(1)));
        sink(net.step(cut(&opaque([0.1f32; 4]))).map(|o| o.len()));
        sink((net.topology().layers(), net.config(), net.weights().len(), net.activations().len()));
        sink(hebbian::cartpole_episode(&mut net, opaque(5)));
        let scale = opaque([0.5f32, 2.0, 1.0]);
        let mut scaled = hebbian::Scaled::new(&mut net, cut(&scale));
        sink(scaled.step_slice(cut(&opaque([0.1f32; 4]))).map(|o| o.len()));
        sink(hebbian::cartpole_episode(&mut scaled, opaque(6)));
        let mut biased = hebbian::Scaled::with_bias(&mut net, cut(&scale));
        sink(biased.step_slice(cut(&opaque([0.1f32; 3]))).map(|o| o.len()));
        sink(net.weights_checksum());
    }
    sink(PlasticMlp::<4, 8, 1>::coeff_len(rule(), sharing()));
    if let Ok(mut mlp) =
        PlasticMlp::<4, 8, 1>::new(cut(&coeffs), hebb_config(), &mut Rng::new(opaque(1)))
    {
        mlp.reset(&mut Rng::new(opaque(1)));
        sink(mlp.step(&opaque([0.1f32; 4])).map(|o| o[0]));
        sink(mlp.step_slice(cut(&opaque([0.1f32; 4]))).map(|o| o.len()));
    }
}

#[inline(never)]
pub fn check_blob() {
    let bytes = opaque([0u8; 256]);
    sink(checksum::crc32(cut(&bytes)));
    sink(checksum::fnv1a_f32(opaque(1), cut(&opaque([1.0f32; 8]))));
    sink(blob::encoded_len(opaque(usize::MAX), opaque(usize::MAX)));
    let dims = opaque([4u32, 8]);
    if let Ok(h) = Header::new(opaque(1), opaque([0; 8]), opaque(0.0), cut(&dims)) {
        sink(h.dims().len());
        let mut out = opaque([0u8; 256]);
        sink(blob::encode(&h, cut(&opaque([1.0f32; 32])), cut_mut(&mut out)));
    }
    if let Ok(b) = Blob::parse(cut(&bytes)) {
        sink((b.len(), b.is_empty(), b.get(opaque(3))));
        let mut vals = opaque([0.0f32; 64]);
        sink(b.read_into(cut_mut(&mut vals)));
        sink(NetSpec::parse(&b).map(|s| (s.topology.layers(), s.fixed_point, s.coeff_len())));
        sink(TransformerSpec::parse(&b).map(|s| (s.n, s.param_len())));
        sink(StaticNetSpec::parse(&b).map(|s| s.topology.layers()));
        sink(b.dataset());
        let mut coeffs = opaque([0.0f32; 200]);
        let mut rng = Rng::new(opaque(2));
        sink(PlasticMlp::<4, 8, 1>::from_blob(&b, cut_mut(&mut coeffs), &mut rng).is_ok());
    }
    let sizes = opaque([4usize, 8, 1]);
    let mut out = opaque([0u8; 1024]);
    if let Ok(spec) = NetSpec::new(cut(&sizes), hebb_config()) {
        sink(spec.header().map(|h| h.kind));
        sink(spec.encode(cut(&opaque([0.1f32; 40])), cut_mut(&mut out)));
    }
    if let Ok(spec) = StaticNetSpec::new(cut(&sizes), HebbAct::Tanh) {
        sink(spec.header().map(|h| h.kind));
        sink(spec.encode(cut(&opaque([0.1f32; 40])), cut_mut(&mut out)));
    }
    let spec = TransformerSpec {
        n: opaque(4),
        dims: TransformerDims {
            d: opaque(4),
            heads: opaque(2),
            d_ff: opaque(8),
            act: Activation::Relu,
        },
        shared_qk: opaque(false),
    };
    sink(spec.header().map(|h| h.kind));
    sink(spec.encode(cut(&opaque([0.1f32; 160])), cut_mut(&mut out)));
}
