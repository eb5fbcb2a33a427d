//! The Hebbian update kernel against a literal f64 evaluation of the rule
//! table (rule.rs module docs), for every rule, sharing and norm, on
//! arbitrary small layers, activations and coefficients. The kernel's
//! factored evaluation differs from the literal one only by rounding.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use plasticore::hebbian::{update, Coeffs, Norm, Rule, Sharing};

#[derive(Arbitrary, Debug)]
struct Case {
    rule: u8,
    sharing: u8,
    norm: u8,
    outputs: u8,
    inputs: u8,
    values: Vec<i16>,
}

/// Δw of the rule table, in f64.
fn delta(rule: Rule, h: &[f64], oi: f64, oj: f64) -> f64 {
    let abc = || h[0] * oi * oj + h[1] * oi + h[2] * oj;
    match rule {
        Rule::A => h[0] * oi * oj,
        Rule::AD => h[0] * oi * oj + h[1],
        Rule::ADLr => (h[0] * oi * oj + h[1]) * h[2],
        Rule::ABC => abc(),
        Rule::ABCLr => h[3] * abc(),
        Rule::ABCD => h[3] + abc(),
        Rule::ABCDLr => h[3] * (abc() + h[4]),
        Rule::ABCDLrDOut => h[3] * abc() + h[4],
        Rule::ABCDLrDInAndOut => h[3] * (abc() + h[4]) + h[5],
    }
}

fuzz_target!(|c: Case| {
    let Ok(rule) = Rule::from_id(c.rule % 9) else {
        return;
    };
    let Ok(sharing) = Sharing::from_id(c.sharing % 3) else {
        return;
    };
    let norm = match c.norm % 3 {
        0 => Norm::None,
        1 => Norm::MaxAbs,
        _ => Norm::Clamp(0.75),
    };
    let (no, ni) = (c.outputs as usize % 5 + 1, c.inputs as usize % 5 + 1);
    let k = rule.k();
    let nc = sharing.coeff_len(rule, no, ni);
    // Values in [−2, 2): weights, pre, post, coefficients.
    let mut v = c.values.iter().map(|&x| x as f32 / 16384.0).chain(std::iter::repeat(0.25));
    let mut take = |n: usize| -> Vec<f32> { (&mut v).take(n).collect() };
    let (w0, pre, post, h) = (take(no * ni), take(ni), take(no), take(nc));
    let coeffs = Coeffs::new(&h, rule, sharing, no, ni).expect("valid coefficients");
    let mut w = w0.clone();
    update(&mut w, &pre, &post, &coeffs, norm).expect("valid update");

    let mut want: Vec<f64> = Vec::with_capacity(no * ni);
    for j in 0..no {
        for i in 0..ni {
            let hv = match sharing {
                Sharing::PerSynapse => &h[(j * ni + i) * k..][..k],
                Sharing::PerPostNeuron => &h[j * k..][..k],
                Sharing::PerLayer => &h[..k],
            };
            let hv: Vec<f64> = hv.iter().map(|&x| x as f64).collect();
            want.push(w0[j * ni + i] as f64 + delta(rule, &hv, pre[i] as f64, post[j] as f64));
        }
    }
    // Rounding of the f32 kernel: a few ulp of the terms' magnitudes (≤ 2·2·2·2 + 2).
    let mut tol = 64.0 * f32::EPSILON as f64 * 20.0;
    match norm {
        Norm::None => {}
        Norm::MaxAbs => {
            let m = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            if m > 1e-3 {
                want.iter_mut().for_each(|v| *v /= m);
                tol /= m;
                tol *= 4.0;
            } else {
                return; // the max is rounding noise: nothing to compare reliably
            }
        }
        Norm::Clamp(cl) => want.iter_mut().for_each(|v| *v = v.clamp(-cl as f64, cl as f64)),
    }
    for (g, e) in w.iter().zip(&want) {
        assert!((*g as f64 - e).abs() <= tol, "{rule:?} {sharing:?} {norm:?}: {g} vs {e}");
    }
});
