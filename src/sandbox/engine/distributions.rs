//! Trino's statistical functions: the normal and beta distributions' cumulative probabilities
//! and their inverses (`normal_cdf`, `inverse_normal_cdf`, `beta_cdf`, `inverse_beta_cdf`), and
//! the Wilson score interval of a binomial proportion (`wilson_interval_lower`,
//! `wilson_interval_upper`), with Trino's checks of their arguments in its words.
//!
//! Trino computes them with Apache Commons Math: the inverse of erf by Giles's approximation, the
//! incomplete beta function by its continued fraction, and the inverse of the beta distribution
//! with Brent's method to an absolute accuracy of 1e-9 from the middle of [0, 1], the beta
//! function's logarithm by the NSWC library's algorithms (`log_beta`). They are computed here the
//! same ways (erf itself from libm); an answer may differ from Trino's in its last digits (Java's
//! `FastMath` exp and log are not libm's).

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::ScalarUDF;

use super::log_beta::log_beta;
use super::math::doubles;
use super::udf::{is_integer, is_number, Call, Trino};

pub fn functions() -> Vec<ScalarUDF> {
    vec![
        Trino::udf("normal_cdf", three_doubles, |args, _| answered(args, normal_cdf)),
        Trino::udf("inverse_normal_cdf", three_doubles, |args, _| answered(args, inverse_normal_cdf)),
        Trino::udf("beta_cdf", three_doubles, |args, _| answered(args, beta_cdf)),
        Trino::udf("inverse_beta_cdf", three_doubles, |args, _| answered(args, inverse_beta_cdf)),
        Trino::udf("wilson_interval_lower", wilson_type, |args, _| answered(args, |s, n, z| wilson(s, n, z, -1.0))),
        Trino::udf("wilson_interval_upper", wilson_type, |args, _| answered(args, |s, n, z| wilson(s, n, z, 1.0))),
    ]
}

fn three_doubles(call: &Call) -> Result<DataType> {
    match call.types {
        [a, b, c] if is_number(a) && is_number(b) && is_number(c) => Ok(DataType::Float64),
        _ => call.mismatch(&format!("{}(double, double, double)", call.name)),
    }
}

fn wilson_type(call: &Call) -> Result<DataType> {
    match call.types {
        [s, n, z] if is_integer(s) && is_integer(n) && is_number(z) => Ok(DataType::Float64),
        _ => call.mismatch(&format!("{}(bigint, bigint, double)", call.name)),
    }
}

/// `f` of each row's three arguments; NULL when one is NULL.
fn answered(args: &[ArrayRef], f: fn(f64, f64, f64) -> Result<f64>) -> Result<ArrayRef> {
    let (a, b, c) = (doubles(&args[0])?, doubles(&args[1])?, doubles(&args[2])?);
    let mut out = Vec::with_capacity(a.len());
    for ((a, b), c) in a.iter().zip(b.iter()).zip(c.iter()) {
        out.push(match (a, b, c) {
            (Some(a), Some(b), Some(c)) => Some(f(a, b, c)?),
            _ => None,
        });
    }
    Ok(Arc::new(Float64Array::from(out)))
}

/// Trino's refusal of an argument, in its words; a NaN fails every check, as in Trino.
fn check(holds: bool, message: &str) -> Result<()> {
    if holds {
        return Ok(());
    }
    exec_err!("INVALID_FUNCTION_ARGUMENT: {message}")
}

fn normal_cdf(mean: f64, sd: f64, value: f64) -> Result<f64> {
    check(sd > 0.0, "standardDeviation must be > 0")?;
    Ok(0.5 * (1.0 + libm::erf((value - mean) / (sd * std::f64::consts::SQRT_2))))
}

fn inverse_normal_cdf(mean: f64, sd: f64, p: f64) -> Result<f64> {
    check(p > 0.0 && p < 1.0, "p must be 0 > p > 1")?;
    check(sd > 0.0, "sd must be > 0")?;
    Ok(mean + sd * std::f64::consts::SQRT_2 * erf_inverse(2.0 * p - 1.0))
}

fn beta_cdf(a: f64, b: f64, value: f64) -> Result<f64> {
    check((0.0..=1.0).contains(&value), "value must be 0 >= v >= 1")?;
    check(a > 0.0 && b > 0.0, "a, b must be > 0")?;
    Ok(beta_probability(a, b, value))
}

fn inverse_beta_cdf(a: f64, b: f64, p: f64) -> Result<f64> {
    check((0.0..=1.0).contains(&p), "p must be 0 >= p >= 1")?;
    check(a > 0.0 && b > 0.0, "a, b must be > 0")?;
    if p == 0.0 || p == 1.0 {
        return Ok(p);
    }
    Ok(brent_root(|x| beta_probability(a, b, x) - p, 0.0, 1.0))
}

/// The Wilson score interval's lower (`side` -1) or upper (+1) bound.
fn wilson(successes: f64, trials: f64, z: f64, side: f64) -> Result<f64> {
    check(successes >= 0.0, "number of successes must not be negative")?;
    check(trials > 0.0, "number of trials must be positive")?;
    check(successes <= trials, "number of successes must not be larger than number of trials")?;
    check(z >= 0.0, "z-score must not be negative")?;
    let (p, n) = (successes / trials, trials);
    Ok((p + (z * z) / (2.0 * n) + side * z * ((p * (1.0 - p)) / n + (z * z) / (4.0 * n * n)).sqrt())
        / (1.0 + (z * z) / n))
}

/// The beta distribution's cumulative probability at `x`.
fn beta_probability(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x >= 1.0 {
        1.0
    } else {
        regularized_beta(x, a, b)
    }
}

/// The regularized incomplete beta function, by its continued fraction (on the side of the
/// mean where it converges fast).
fn regularized_beta(x: f64, a: f64, b: f64) -> f64 {
    if x > (a + 1.0) / (2.0 + b + a) && 1.0 - x <= (b + 1.0) / (2.0 + b + a) {
        return 1.0 - regularized_beta(1.0 - x, b, a);
    }
    let term = |n: u32| {
        let n = f64::from(n);
        if n % 2.0 == 0.0 {
            let m = n / 2.0;
            (m * (b - m) * x) / ((a + 2.0 * m - 1.0) * (a + 2.0 * m))
        } else {
            let m = (n - 1.0) / 2.0;
            -((a + m) * (a + b + m) * x) / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
        }
    };
    (a * x.ln() + b * (-x).ln_1p() - a.ln() - log_beta(a, b)).exp() / continued_fraction(term)
}

/// 1 + b1/(1 + b2/(1 + …)), by the modified Lentz method to a relative accuracy of 1e-14.
fn continued_fraction(b: impl Fn(u32) -> f64) -> f64 {
    const SMALL: f64 = 1e-50;
    let nonzero = |v: f64| if v.abs() < SMALL { SMALL } else { v };
    let (mut h, mut d, mut c) = (1.0, 0.0, 1.0);
    // The fraction converges in a few hundred terms for the a and b of distributions people
    // fit; it needs more as they grow (millions past 1e12, where Commons Math goes on and this
    // stops short). The bound keeps a NaN, or an absurd parameter, from holding the query.
    for n in 1..100_000 {
        d = 1.0 / nonzero(1.0 + b(n) * d);
        c = nonzero(1.0 + b(n) / c);
        let delta = c * d;
        h *= delta;
        if !h.is_finite() || (delta - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// The root of `f` in [lo, hi] by Brent's method as Commons Math's `BrentSolver` finds it
/// (absolute accuracy 1e-9, relative 1e-14, |f| ≤ 1e-15 good enough), starting from the middle.
fn brent_root(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    const GOOD_ENOUGH: f64 = 1e-15;
    let initial = lo + 0.5 * (hi - lo);
    let f_initial = f(initial);
    if f_initial.abs() <= GOOD_ENOUGH {
        return initial;
    }
    let f_lo = f(lo);
    if f_lo.abs() <= GOOD_ENOUGH {
        return lo;
    }
    if f_initial * f_lo < 0.0 {
        return brent(&f, lo, initial, f_lo, f_initial);
    }
    let f_hi = f(hi);
    if f_hi.abs() <= GOOD_ENOUGH {
        return hi;
    }
    brent(&f, initial, hi, f_initial, f_hi)
}

fn brent(f: &impl Fn(f64) -> f64, lo: f64, hi: f64, f_lo: f64, f_hi: f64) -> f64 {
    const ABSOLUTE: f64 = 1e-9;
    const RELATIVE: f64 = 1e-14;
    let (mut a, mut fa, mut b, mut fb) = (lo, f_lo, hi, f_hi);
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    // Each step at least halves the bracket or moves by the tolerance: a few hundred steps at most.
    for _ in 0..10_000 {
        if fc.abs() < fb.abs() {
            (a, b, c) = (b, c, b);
            (fa, fb, fc) = (fb, fc, fb);
        }
        let tol = 2.0 * RELATIVE * b.abs() + ABSOLUTE;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb.abs() <= f64::from_bits(1) {
            return b;
        }
        if e.abs() < tol || fa.abs() <= fb.abs() {
            d = m;
            e = d;
        } else {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                q = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0));
                q = (q - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            let previous = e;
            e = d;
            if p >= 1.5 * m * q - (tol * q).abs() || p >= (0.5 * previous * q).abs() {
                d = m;
                e = d;
            } else {
                d = p / q;
            }
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol {
            d
        } else if m > 0.0 {
            tol
        } else {
            -tol
        };
        fb = f(b);
        if (fb > 0.0 && fc > 0.0) || (fb <= 0.0 && fc <= 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
    }
    b
}

/// The inverse of erf, by Giles's approximation ("Approximating the erfinv function", 2010),
/// the polynomials in double precision that Commons Math uses.
fn erf_inverse(x: f64) -> f64 {
    // (1 - x)(1 + x), not 1 - x², which loses precision near ±1.
    let mut w = -((1.0 - x) * (1.0 + x)).ln();
    let horner = |coefficients: &[f64], w: f64| coefficients.iter().fold(0.0, |p, c| c + p * w);
    let p = if w < 6.25 {
        w -= 3.125;
        horner(&CENTRAL, w)
    } else if w < 16.0 {
        horner(&TAIL, w.sqrt() - 3.25)
    } else if w.is_finite() {
        horner(&FAR_TAIL, w.sqrt() - 5.0)
    } else {
        f64::INFINITY
    };
    p * x
}

// The coefficients as published, to 20 digits; each is read as the nearest double.
#[allow(clippy::excessive_precision)]
const CENTRAL: [f64; 23] = [
    -3.6444120640178196996e-21,
    -1.685059138182016589e-19,
    1.2858480715256400167e-18,
    1.115787767802518096e-17,
    -1.333171662854620906e-16,
    2.0972767875968561637e-17,
    6.6376381343583238325e-15,
    -4.0545662729752068639e-14,
    -8.1519341976054721522e-14,
    2.6335093153082322977e-12,
    -1.2975133253453532498e-11,
    -5.4154120542946279317e-11,
    1.051212273321532285e-09,
    -4.1126339803469836976e-09,
    -2.9070369957882005086e-08,
    4.2347877827932403518e-07,
    -1.3654692000834678645e-06,
    -1.3882523362786468719e-05,
    0.0001867342080340571352,
    -0.00074070253416626697512,
    -0.0060336708714301490533,
    0.24015818242558961693,
    1.6536545626831027356,
];

#[allow(clippy::excessive_precision)]
const TAIL: [f64; 19] = [
    2.2137376921775787049e-09,
    9.0756561938885390979e-08,
    -2.7517406297064545428e-07,
    1.8239629214389227755e-08,
    1.5027403968909827627e-06,
    -4.013867526981545969e-06,
    2.9234449089955446044e-06,
    1.2475304481671778723e-05,
    -4.7318229009055733981e-05,
    6.8284851459573175448e-05,
    2.4031110387097893999e-05,
    -0.0003550375203628474796,
    0.00095328937973738049703,
    -0.0016882755560235047313,
    0.0024914420961078508066,
    -0.0037512085075692412107,
    0.005370914553590063617,
    1.0052589676941592334,
    3.0838856104922207635,
];

#[allow(clippy::excessive_precision)]
const FAR_TAIL: [f64; 17] = [
    -2.7109920616438573243e-11,
    -2.5556418169965252055e-10,
    1.5076572693500548083e-09,
    -3.7894654401267369937e-09,
    7.6157012080783393804e-09,
    -1.4960026627149240478e-08,
    2.9147953450901080826e-08,
    -6.7711997758452339498e-08,
    2.2900482228026654717e-07,
    -9.9298272942317002539e-07,
    4.5260625972231537039e-06,
    -1.9681778105531670567e-05,
    7.5995277030017761139e-05,
    -0.00021503011930044477347,
    -0.00013871931833623122026,
    1.0103004648645343977,
    4.8499064014085844221,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::excessive_precision)]
    fn beta_probabilities_agree_with_the_exact_values_in_each_range_of_log_beta() {
        // The regularized incomplete beta function to 20 digits (mpmath's betainc at 40 digits).
        for (a, b, x, exact) in [
            (0.5, 0.7, 0.2, 0.364709208611865573),
            (12.0, 30.0, 0.3, 0.59895220965038992975),
            (1.5, 40.0, 0.01, 0.15269206115199868964),
            (3.5, 2000.0, 0.001, 0.22074127021308816714),
            (3.0, 3.6, 0.3, 0.21764809997679950109),
        ] {
            let got = beta_probability(a, b, x);
            assert!((got - exact).abs() <= 1e-14 * exact, "beta_cdf({a}, {b}, {x}) = {got}, not {exact}");
        }
        // Trino's own answer, to the last bit (math.md), which log-gamma from libm missed by 4 units.
        assert_eq!(beta_probability(3.0, 3.6, 0.3), 0.21764809997679938);
    }
}
