//! The logarithm of the beta function, log B(p, q), computed the way Trino's `beta_cdf` and
//! `inverse_beta_cdf` get it from Apache Commons Math 3: Didonato and Morris's algorithms of the
//! NSWC library (`DBETLN` and the log-gamma pieces it calls), not log Γ(p) + log Γ(q) − log Γ(p + q).
//! The two ways differ in the last digits, and those digits show in `beta_cdf`'s answer.
//!
//! The steps and their order follow that library, so that rounding falls where it falls there:
//! each `(x - 0.5) - 0.5` and each choice of branch is deliberate.

use std::f64::consts::PI;

/// log B(p, q) for p, q > 0; NaN otherwise.
pub fn log_beta(p: f64, q: f64) -> f64 {
    if p.is_nan() || q.is_nan() || p <= 0.0 || q <= 0.0 {
        return f64::NAN;
    }
    let (a, b) = (p.min(q), p.max(q));
    if a >= 10.0 {
        let w = sum_delta_minus_delta_sum(a, b);
        let h = a / b;
        let c = h / (1.0 + h);
        let u = -(a - 0.5) * c.ln();
        let v = b * h.ln_1p();
        let base = (-0.5 * b.ln() + HALF_LOG_TWO_PI) + w;
        return if u <= v { (base - u) - v } else { (base - v) - u };
    }
    if a > 2.0 {
        if b > 1000.0 {
            let n = (a - 1.0).floor() as i32;
            let (mut product, mut reduced) = (1.0, a);
            for _ in 0..n {
                reduced -= 1.0;
                product *= reduced / (1.0 + reduced / b);
            }
            return (product.ln() - f64::from(n) * b.ln())
                + (log_gamma(reduced) + log_gamma_minus_log_gamma_sum(reduced, b));
        }
        let (mut product_a, mut reduced_a) = (1.0, a);
        while reduced_a > 2.0 {
            reduced_a -= 1.0;
            let h = reduced_a / b;
            product_a *= h / (1.0 + h);
        }
        if b < 10.0 {
            let (product_b, reduced_b) = reduced_below_two(b, reduced_a);
            return product_a.ln()
                + product_b.ln()
                + (log_gamma(reduced_a) + (log_gamma(reduced_b) - log_gamma_sum(reduced_a, reduced_b)));
        }
        return product_a.ln() + log_gamma(reduced_a) + log_gamma_minus_log_gamma_sum(reduced_a, b);
    }
    if a >= 1.0 {
        if b <= 2.0 {
            return log_gamma(a) + log_gamma(b) - log_gamma_sum(a, b);
        }
        if b < 10.0 {
            let (product, reduced) = reduced_below_two(b, a);
            return product.ln() + (log_gamma(a) + (log_gamma(reduced) - log_gamma_sum(a, reduced)));
        }
        return log_gamma(a) + log_gamma_minus_log_gamma_sum(a, b);
    }
    if b >= 10.0 {
        return log_gamma(a) + log_gamma_minus_log_gamma_sum(a, b);
    }
    (gamma(a) * gamma(b) / gamma(a + b)).ln()
}

/// b brought down by ones to at most 2, and the product of each step's b / (a + b).
fn reduced_below_two(mut b: f64, a: f64) -> (f64, f64) {
    let mut product = 1.0;
    while b > 2.0 {
        b -= 1.0;
        product *= b / (a + b);
    }
    (product, b)
}

/// ½ log 2π, as the beta function's code writes it.
#[allow(clippy::excessive_precision)]
const HALF_LOG_TWO_PI: f64 = 0.9189385332046727;

/// The series of Δ(x) = log Γ(x) − (x − ½) log x + x − ½ log 2π in (10 / x)², for x ≥ 10.
#[allow(clippy::excessive_precision)]
const DELTA: [f64; 15] = [
    0.833333333333333333333333333333e-01,
    -0.277777777777777777777777752282e-04,
    0.793650793650793650791732130419e-07,
    -0.595238095238095232389839236182e-09,
    0.841750841750832853294451671990e-11,
    -0.191752691751854612334149171243e-12,
    0.641025640510325475730918472625e-14,
    -0.295506514125338232839867823991e-15,
    0.179643716359402238723287696452e-16,
    -0.139228964661627791231203060395e-17,
    0.133802855014020915603275339093e-18,
    -0.154246009867966094273710216533e-19,
    0.197701992980957427278370133333e-20,
    -0.234065664793997056856992426667e-21,
    0.171348014966398575409015466667e-22,
];

/// log Γ(a + b) for 1 ≤ a, b ≤ 2.
fn log_gamma_sum(a: f64, b: f64) -> f64 {
    let x = (a - 1.0) + (b - 1.0);
    if x <= 0.5 {
        log_gamma_1p(1.0 + x)
    } else if x <= 1.5 {
        log_gamma_1p(x) + x.ln_1p()
    } else {
        log_gamma_1p(x - 1.0) + (x * (1.0 + x)).ln()
    }
}

/// log(Γ(b) / Γ(a + b)) for a ≥ 0 and b ≥ 10.
fn log_gamma_minus_log_gamma_sum(a: f64, b: f64) -> f64 {
    let (d, w) = if a <= b {
        (b + (a - 0.5), delta_minus_delta_sum(a, b))
    } else {
        (a + (b - 0.5), delta_minus_delta_sum(b, a))
    };
    let u = d * (a / b).ln_1p();
    let v = a * (b.ln() - 1.0);
    if u <= v {
        (w - u) - v
    } else {
        (w - v) - u
    }
}

/// Δ(b) − Δ(a + b) for 0 ≤ a ≤ b and b ≥ 10.
fn delta_minus_delta_sum(a: f64, b: f64) -> f64 {
    let h = a / b;
    let p = h / (1.0 + h);
    let q = 1.0 / (1.0 + h);
    let q2 = q * q;
    // s[i] = 1 + q + … + q^(2i)
    let mut s = [0.0; DELTA.len()];
    s[0] = 1.0;
    for i in 1..s.len() {
        s[i] = 1.0 + (q + q2 * s[i - 1]);
    }
    let ten_over_b = 10.0 / b;
    let t = ten_over_b * ten_over_b;
    let last = DELTA.len() - 1;
    let mut w = DELTA[last] * s[last];
    for i in (0..last).rev() {
        w = t * w + DELTA[i] * s[i];
    }
    w * p / b
}

/// Δ(p) + Δ(q) − Δ(p + q) for p, q ≥ 10.
fn sum_delta_minus_delta_sum(p: f64, q: f64) -> f64 {
    let (a, b) = (p.min(q), p.max(q));
    let ten_over_a = 10.0 / a;
    let t = ten_over_a * ten_over_a;
    let last = DELTA.len() - 1;
    let mut z = DELTA[last];
    for i in (0..last).rev() {
        z = t * z + DELTA[i];
    }
    z / a + delta_minus_delta_sum(a, b)
}

/// Lanczos's g, and his coefficients for it.
const LANCZOS_G: f64 = 607.0 / 128.0;
#[allow(clippy::excessive_precision)]
const LANCZOS: [f64; 15] = [
    0.99999999999999709182,
    57.156235665862923517,
    -59.597960355475491248,
    14.136097974741747174,
    -0.49191381609762019978,
    0.33994649984811888699e-4,
    0.46523628927048575665e-4,
    -0.98374475304879564677e-4,
    0.15808870322491248884e-3,
    -0.21026444172410488319e-3,
    0.21743961811521264320e-3,
    -0.16431810653676389022e-3,
    0.84418223983852743293e-4,
    -0.26190838401581408670e-4,
    0.36899182659531622704e-5,
];

fn lanczos(x: f64) -> f64 {
    let sum = (1..LANCZOS.len()).rev().fold(0.0, |sum, i| sum + LANCZOS[i] / (x + i as f64));
    sum + LANCZOS[0]
}

/// log Γ(x) for x > 0 (`DGAMLN` up to 8, Lanczos above).
fn log_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        f64::NAN
    } else if x < 0.5 {
        log_gamma_1p(x) - x.ln()
    } else if x <= 2.5 {
        log_gamma_1p((x - 0.5) - 0.5)
    } else if x <= 8.0 {
        let n = (x - 1.5).floor() as i32;
        let product = (1..=n).fold(1.0, |product, i| product * (x - f64::from(i)));
        log_gamma_1p(x - f64::from(n + 1)) + product.ln()
    } else {
        let sum = lanczos(x);
        let tmp = x + LANCZOS_G + 0.5;
        ((x + 0.5) * tmp.ln()) - tmp + 0.5 * (2.0 * PI).ln() + (sum / x).ln()
    }
}

/// Γ(x) (`DGAMMA`).
fn gamma(x: f64) -> f64 {
    if x == x.round_ties_even() && x <= 0.0 {
        return f64::NAN;
    }
    let abs = x.abs();
    if abs <= 20.0 {
        if x >= 1.0 {
            let (mut product, mut t) = (1.0, x);
            while t > 2.5 {
                t -= 1.0;
                product *= t;
            }
            return product / (1.0 + inv_gamma_1p_minus_1(t - 1.0));
        }
        let (mut product, mut t) = (x, x);
        while t < -0.5 {
            t += 1.0;
            product *= t;
        }
        return 1.0 / (product * (1.0 + inv_gamma_1p_minus_1(t)));
    }
    let y = abs + LANCZOS_G + 0.5;
    #[allow(clippy::excessive_precision)]
    const SQRT_TWO_PI: f64 = 2.506628274631000502;
    let gamma_abs = SQRT_TWO_PI / x * y.powf(abs + 0.5) * (-y).exp() * lanczos(abs);
    if x > 0.0 {
        gamma_abs
    } else {
        -PI / (x * (PI * x).sin() * gamma_abs)
    }
}

/// log Γ(1 + x) for −½ ≤ x ≤ 3⁄2 (`DGMLN1`).
fn log_gamma_1p(x: f64) -> f64 {
    -inv_gamma_1p_minus_1(x).ln_1p()
}

/// 1 / Γ(1 + x) − 1 for −½ ≤ x ≤ 3⁄2 (`DGAM1`).
#[allow(clippy::excessive_precision)]
fn inv_gamma_1p_minus_1(x: f64) -> f64 {
    const A: [f64; 2] = [0.611609510448141581788e-08, 0.624730830116465516210e-08];
    // B8 down to B1.
    const B: [f64; 8] = [
        0.195755836614639731882e-09,
        -0.607761895722825260739e-07,
        0.992641840672773722196e-06,
        -0.643045481779353022248e-05,
        -0.851419432440314906588e-05,
        0.493944979382446875238e-03,
        0.266205348428949217746e-01,
        0.203610414066806987300e+00,
    ];
    // P6 down to P0.
    const P: [f64; 7] = [
        0.4343529937408594255178e-14,
        -0.1249441572276366213222e-12,
        0.1572833027710446286995e-11,
        0.4686843322948848031080e-10,
        0.6820161668496170657918e-09,
        0.6871674113067198736152e-08,
        0.6116095104481415817861e-08,
    ];
    // Q4 down to Q1.
    const Q: [f64; 4] = [
        0.2692369466186361192876e-03,
        0.4956830093825887312020e-02,
        0.5464213086042296536016e-01,
        0.3056961078365221025009e+00,
    ];
    // C12 down to C1; C13 starts the sum and C or C0 ends it.
    const C13: f64 = -0.205633841697760710345015413002057e-06;
    const C: [f64; 12] = [
        0.113302723198169588237412962033074e-05,
        -0.125049348214267065734535947383309e-05,
        -0.201348547807882386556893914210218e-04,
        0.128050282388116186153198626328164e-03,
        -0.215241674114950972815729963053648e-03,
        -0.116516759185906511211397108401839e-02,
        0.721894324666309954239501034044657e-02,
        -0.962197152787697356211492167234820e-02,
        -0.421977345555443367482083012891874e-01,
        0.166538611382291489501700795102105e+00,
        -0.420026350340952355290039348754298e-01,
        -0.655878071520253881077019515145390e+00,
    ];
    const C_NEGATIVE: f64 = -0.422784335098467139393487909917598e+00;
    const C0: f64 = 0.577215664901532860606512090082402e+00;
    let horner = |start: f64, coefficients: &[f64], t: f64| coefficients.iter().fold(start, |sum, c| c + t * sum);
    let t = if x <= 0.5 { x } else { (x - 0.5) - 0.5 };
    if t < 0.0 {
        let a = A[0] + t * A[1];
        let b = 1.0 + t * horner(B[0], &B[1..], t);
        let c = C_NEGATIVE + t * horner(C13 + t * (a / b), &C, t);
        if x > 0.5 {
            t * c / x
        } else {
            x * ((c + 0.5) + 0.5)
        }
    } else {
        let p = horner(P[0], &P[1..], t);
        let q = 1.0 + t * horner(Q[0], &Q[1..], t);
        let c = C0 + t * horner(C13 + (p / q) * t, &C, t);
        if x > 0.5 {
            (t / x) * ((c - 0.5) - 0.5)
        } else {
            x * c
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Within `ulps` units in the last place of the exact value.
    fn close(got: f64, exact: f64, ulps: f64) -> bool {
        (got - exact).abs() <= ulps * f64::EPSILON * exact.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn log_gamma_is_log_of_the_factorial_at_whole_numbers() {
        let mut factorial = 1.0_f64;
        for n in 1..30 {
            // Γ(n) = (n − 1)!
            assert!(close(log_gamma(f64::from(n)), factorial.ln(), 8.0), "log Γ({n})");
            assert!(close(gamma(f64::from(n)), factorial, 8.0), "Γ({n})");
            factorial *= f64::from(n);
        }
        assert!(close(gamma(0.5), PI.sqrt(), 4.0));
        assert!(gamma(0.0).is_nan() && gamma(-2.0).is_nan() && log_gamma(-1.0).is_nan());
    }

    #[test]
    fn log_beta_agrees_with_the_gamma_functions_in_every_branch() {
        // One pair for each branch of DBETLN: both ≥ 10; a > 2 with b > 1000, b < 10 and between;
        // 1 ≤ a ≤ 2 with b ≤ 2, b < 10 and b ≥ 10; a < 1 with b ≥ 10 and b < 10.
        for (p, q) in [
            (12.0, 30.0),
            (3.5, 2000.0),
            (3.0, 3.6),
            (4.2, 50.0),
            (1.5, 1.2),
            (1.5, 7.3),
            (1.5, 40.0),
            (0.5, 12.0),
            (0.5, 0.7),
        ] {
            let by_gammas = libm::lgamma(p) + libm::lgamma(q) - libm::lgamma(p + q);
            let got = log_beta(p, q);
            assert!(
                (got - by_gammas).abs() <= 1e-12 * by_gammas.abs().max(1.0),
                "log B({p}, {q}) = {got}, not {by_gammas}"
            );
            assert_eq!(got.to_bits(), log_beta(q, p).to_bits(), "log B is symmetric");
        }
        // B(1, q) = 1 / q
        assert!(close(log_beta(1.0, 4.0), -(4.0_f64.ln()), 4.0));
        assert!(log_beta(0.0, 1.0).is_nan() && log_beta(f64::NAN, 1.0).is_nan());
    }
}
