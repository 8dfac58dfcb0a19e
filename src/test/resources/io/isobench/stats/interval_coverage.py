"""Coverage of 95% intervals by seeded simulation: the evidence for the choices in Summary and Comparison.

Run: python3 interval_coverage.py   (numpy + scipy; a few minutes). Prints, per case, the share of
experiments whose interval covered the true value and (in brackets) the share whose lower bound
was below zero.

Means of one sample: Student t; the log-scale interval of the mean (delta method, isobench's);
Cox's interval for a lognormal mean; the bootstrap percentile interval (2000 resamples).
Ratios of two means: the log-scale interval (isobench's); the linear delta interval (isobench's
before); Fieller's interval with Welch's degrees of freedom.
Data: lognormal of several sigmas, and "stalls": iterations near 300 with some iterations 5x
slower, as a tail percentile behaves when a stall lands in some iterations only.
Paired ratios (the last section; `python3 interval_coverage.py paired` runs it alone): iteration i
of both sides measured in the same round, both scaled by the machine's speed in that round (a
common-mode factor, lognormal iid or a step: some rounds at 60%) times their own lognormal noise.
The paired delta interval (isobench's when iterations pair up) against the unpaired log-ratio one:
coverage (and, in brackets, the mean relative half-width exp(t*s) - 1).
"""
import sys
import numpy as np
from scipy import stats

rng = np.random.default_rng(1)
E = 4000


def mean_methods(x):
    n = len(x)
    m = x.mean()
    se = x.std(ddof=1) / np.sqrt(n)
    t = stats.t.ppf(0.975, n - 1)
    a = t * se / m
    y = np.log(x)
    ym, yv = y.mean(), y.var(ddof=1)
    h = t * np.sqrt(yv / n + yv ** 2 / (2 * (n - 1)))
    boot = x[rng.integers(0, n, (2000, n))].mean(1)
    return {
        'student': (m - t * se, m + t * se),
        'log-mean': (m * np.exp(-a), m * np.exp(a)),
        'cox': (np.exp(ym + yv / 2 - h), np.exp(ym + yv / 2 + h)),
        'bootstrap': tuple(np.percentile(boot, [2.5, 97.5])),
    }


def mean_cases():
    for sigma in (0.1, 0.5, 1.0):
        yield f'lognormal sigma={sigma}', (lambda n, s=sigma: rng.lognormal(0, s, n)), np.exp(sigma ** 2 / 2)
    for share in (0.1, 0.02):
        def stalls(n, q=share):
            v = rng.normal(300, 15, n)
            v[rng.random(n) < q] *= 5
            return v
        yield f'stalls in {share:.0%} of iterations', stalls, 300 * (1 - share + 5 * share)


def ratio_methods(x, b):
    mx, mb = x.mean(), b.mean()
    vx, vb = x.var(ddof=1) / len(x), b.var(ddof=1) / len(b)
    ax, ab = vx / mx ** 2, vb / mb ** 2
    df = (ax + ab) ** 2 / (ax ** 2 / (len(x) - 1) + ab ** 2 / (len(b) - 1))
    t = stats.t.ppf(0.975, df)
    r, s = mx / mb, np.sqrt(ax + ab)
    out = {'log-ratio': (r * np.exp(-t * s), r * np.exp(t * s)), 'linear': (r - t * r * s, r + t * r * s)}
    dfw = (vx + vb) ** 2 / (vx ** 2 / (len(x) - 1) + vb ** 2 / (len(b) - 1))
    tw = stats.t.ppf(0.975, dfw)
    qa, qb, qc = mb ** 2 - tw ** 2 * vb, -2 * mx * mb, mx ** 2 - tw ** 2 * vx
    if qa <= 0:
        out['fieller'] = (-np.inf, np.inf)
    else:
        d = np.sqrt(qb * qb - 4 * qa * qc)
        out['fieller'] = ((-qb - d) / (2 * qa), (-qb + d) / (2 * qa))
    return out


def report(name, cov, neg):
    print(f'{name:44s} ' + '  '.join(f'{k}={cov[k] / E:.3f} ({neg[k] / E:.2f})' for k in cov))


def paired_section():
    # its own generator, so it prints the same run alone or after the sections above
    rng = np.random.default_rng(2)
    print('-- ratio of two means, paired by round: common-mode factor x own noise, environment at half the baseline')
    print('   coverage (mean relative half-width)')
    for common in ('none', 'iid 0.1', 'iid 0.3', 'step'):
        for sx, sb in ((0.02, 0.02), (0.1, 0.1), (0.3, 0.3), (0.1, 0.3)):
            for n in (3, 6, 10):
                if common == 'none':
                    f = np.ones((E, n))
                elif common.startswith('iid'):
                    f = rng.lognormal(0, float(common.split()[1]), (E, n))
                else:
                    # a slowdown of the whole machine over a random share of the rounds
                    f = np.where(rng.random((E, n)) < 0.3, 0.6, 1.0)
                x = 0.5 * f * rng.lognormal(0, sx, (E, n))
                b = f * rng.lognormal(0, sb, (E, n))
                # the ratio of the expected means, whatever the factor: it multiplies both
                true = 0.5 * np.exp(sx ** 2 / 2) / np.exp(sb ** 2 / 2)
                mx, mb = x.mean(1), b.mean(1)
                r = mx / mb
                d = x / mx[:, None] - b / mb[:, None]
                sp = np.sqrt(d.var(1, ddof=1) / n)
                tp = stats.t.ppf(0.975, n - 1)
                ax, ab = x.var(1, ddof=1) / n / mx ** 2, b.var(1, ddof=1) / n / mb ** 2
                su = np.sqrt(ax + ab)
                df = (ax + ab) ** 2 / (ax ** 2 / (n - 1) + ab ** 2 / (n - 1))
                tu = stats.t.ppf(0.975, df)
                out = []
                for k, t, sv in (('paired', tp, sp), ('unpaired', tu, su)):
                    lo, hi = r * np.exp(-t * sv), r * np.exp(t * sv)
                    out.append(f'{k}={np.mean((lo <= true) & (true <= hi)):.3f} ({np.mean(np.exp(t * sv) - 1):.3f})')
                print(f'{common + f" sigma_x={sx} sigma_b={sb} n={n}":44s} ' + '  '.join(out))


if len(sys.argv) > 1 and sys.argv[1] == 'paired':
    paired_section()
    sys.exit(0)

print('-- mean of one sample')
for name, gen, true in mean_cases():
    for n in (3, 5, 10, 30):
        cov, neg = {}, {}
        for _ in range(E):
            for k, (lo, hi) in mean_methods(gen(n)).items():
                cov[k] = cov.get(k, 0) + (lo <= true <= hi)
                neg[k] = neg.get(k, 0) + (lo < 0)
        report(f'{name} n={n}', cov, neg)

print('-- ratio of two means, environment at half the baseline')
for sx, sb in ((0.05, 0.05), (0.3, 0.3), (0.6, 0.6), (1.0, 1.0), (0.6, 0.1), (0.1, 0.6)):
    for n in (3, 5, 10):
        true = 0.5 * np.exp(sx ** 2 / 2) / np.exp(sb ** 2 / 2)
        cov, neg = {}, {}
        for _ in range(E):
            x = 0.5 * rng.lognormal(0, sx, n)
            b = rng.lognormal(0, sb, n)
            for k, (lo, hi) in ratio_methods(x, b).items():
                cov[k] = cov.get(k, 0) + (lo <= true <= hi)
                neg[k] = neg.get(k, 0) + (lo < 0)
        report(f'lognormal sigma_x={sx} sigma_b={sb} n={n}', cov, neg)

paired_section()
