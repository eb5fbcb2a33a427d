//! Statistics, the small numerics (loss, radioactive data, math) and cost.

use crate::{cut, cut_mut, opaque, sink};
use plasticore::rng::Rng;
use plasticore::stats::{self, MovingAverage, NeumaierSum};
use plasticore::{cost, error, loss, math, radioactive};

#[inline(never)]
pub fn check_stats() {
    let p = opaque([0.25f32; 16]);
    let mut out = opaque([0.0f32; 16]);
    sink(stats::kl(cut(&p), cut(&p)));
    sink(stats::kl_rows(cut(&p), cut(&p), opaque(4), cut_mut(&mut out)));
    sink(stats::moving_average(cut(&p), opaque(3), cut_mut(&mut out)));
    sink(stats::per_capita_7day(cut(&p), cut(&p), opaque(1e5), cut_mut(&mut out)));
    let mut ma = MovingAverage::<4>::new();
    sink(ma.push(opaque(1.0)));
    sink((ma.mean(), ma.partial_mean(), ma.len(), ma.is_empty()));
    ma.reset();
    let mut s = NeumaierSum::new();
    s.add(opaque(1e8));
    sink(s.value());
    sink((stats::ln_gamma(opaque(0.5)), stats::betainc(opaque(1.0), opaque(2.0), opaque(0.5))));
}

#[inline(never)]
pub fn check_small_numerics() {
    let f = opaque([0.5f32; 32]);
    let mut g = opaque([0.0f32; 32]);
    let labels = opaque([0i32, 1, 0, 1]);
    let mut scratch = opaque([0.0f32; 64]);
    sink(loss::supcon_scratch_len(opaque(usize::MAX)));
    sink(loss::supcon_loss(cut(&f), opaque(8), cut(&labels), opaque(0.1), cut_mut(&mut scratch)));
    sink(loss::supcon_loss_grad(
        cut(&f),
        opaque(8),
        cut(&labels),
        opaque(0.1),
        cut_mut(&mut g),
        cut_mut(&mut scratch),
    ));
    let u = opaque([0.1f32; 8]);
    sink(radioactive::mark_in_place(cut_mut(&mut g), cut(&u), opaque(0.2)));
    sink(radioactive::mark(cut(&f), cut(&u), opaque(0.2), cut_mut(&mut g)));
    sink(radioactive::cosine_pvalue(opaque(0.3), opaque(0)));
    sink(radioactive::cosine(cut(&f), cut(&u)));
    sink(radioactive::pvalue(cut(&f), cut(&u)));
    let x = opaque(0.7f32);
    sink((math::exp(x), math::ln(x), math::sqrt(x), math::tanh(x)));
    sink((math::abs(x), math::sin(x), math::cos(x), math::erf(x)));
    sink((math::approx::exp(x), math::approx::tanh(x), math::approx::sin(x), math::approx::cos(x)));
    let mut rng = Rng::new(opaque(9));
    sink((rng.next(), rng.unit(), rng.uniform(opaque(1.0), opaque(0.0))));
    sink((rng.normal(), rng.sign(), rng.below(opaque(0))));
    rng.fill_uniform(cut_mut(&mut g), opaque(0.0), opaque(1.0));
    rng.fill_normal(cut_mut(&mut g));
    sink(error::check_len("x", opaque(1), opaque(2)));
    sink(error::check_finite("x", cut(&f)));
    sink(error::check_nonempty("x", opaque(0)));
}

#[inline(never)]
pub fn check_cost() {
    let n = opaque(usize::MAX);
    let c = cost::Cost::new(n, n, n);
    sink((c.flops(), cost::dot(n), cost::axpy(n), cost::matvec(n, n), cost::matmul(n, n, n)));
    sink((cost::matmul_weights(n, n, n), cost::softmax(n), cost::softmax_rows(n, n)));
    sink(cost::logsumexp(n));
    sink((cost::kl(n), cost::moving_average(n, n), cost::moving_average_stream(n)));
    sink((cost::supcon(n, n), cost::supcon_grad(n, n), cost::radioactive_mark(n, n)));
    sink((cost::radioactive_pvalue(n), cost::reshape(n)));
}
