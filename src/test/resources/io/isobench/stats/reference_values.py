"""Independent reference values for SummaryTest and ComparisonTest (numpy + scipy, no isobench code).

Run: python3 reference_values.py   (numpy 2.4, scipy 1.17 gave the values pinned in the tests)

Mean interval of a positive quantity, on the log scale of the mean (delta method):
    a = t(0.975, n-1) * sd / sqrt(n) / mean;   [mean * exp(-a), mean * exp(a)]
Ratio R = mean_x / mean_b of two positive quantities, on the log scale:
    s^2 = (se_x/mean_x)^2 + (se_b/mean_b)^2
    df  = s^4 / ((se_x/mean_x)^4/(n_x-1) + (se_b/mean_b)^4/(n_b-1))     (Welch-Satterthwaite)
    [R * exp(-t(0.975, df) * s), R * exp(t(0.975, df) * s)],  p = 2 * T_df(-|ln R| / s)
The old constructions (Student t for a mean, linear delta for a ratio, Welch's test of the raw
difference) are printed too, to show that the test samples reproduce the reported failures.
"""
import numpy as np
from scipy import stats


def se(x):
    return np.std(x, ddof=1) / np.sqrt(len(x))


def log_mean_interval(x):
    x = np.asarray(x, float)
    m = x.mean()
    a = stats.t.ppf(0.975, len(x) - 1) * se(x) / m
    return m * np.exp(-a), m * np.exp(a)


def student_interval(x):
    x = np.asarray(x, float)
    h = stats.t.ppf(0.975, len(x) - 1) * se(x)
    return x.mean() - h, x.mean() + h


def log_ratio(x, b):
    x = np.asarray(x, float)
    b = np.asarray(b, float)
    r = x.mean() / b.mean()
    ax = (se(x) / x.mean()) ** 2
    ab = (se(b) / b.mean()) ** 2
    s = np.sqrt(ax + ab)
    df = (ax + ab) ** 2 / (ax ** 2 / (len(x) - 1) + ab ** 2 / (len(b) - 1))
    t = stats.t.ppf(0.975, df)
    p = 2 * stats.t.sf(abs(np.log(r)) / s, df)
    return dict(ratio=r, low=r * np.exp(-t * s), high=r * np.exp(t * s), p=p, df=df)


def old_linear_ratio(x, b):
    x = np.asarray(x, float)
    b = np.asarray(b, float)
    r = x.mean() / b.mean()
    ax = (se(x) / x.mean()) ** 2
    ab = (se(b) / b.mean()) ** 2
    df = (ax + ab) ** 2 / (ax ** 2 / (len(x) - 1) + ab ** 2 / (len(b) - 1))
    h = stats.t.ppf(0.975, df) * r * np.sqrt(ax + ab)
    return dict(low=r - h, high=r + h, welch_p=stats.ttest_ind(x, b, equal_var=False).pvalue)


def show(name, v):
    print(name, repr(v))


D = [9, 2, 4, 4, 5, 4, 5, 7]
show('D log interval', log_mean_interval(D))
show('D-5 student interval', student_interval(np.array(D) - 5))
lo, hi = log_mean_interval(D)
show('D relative half-width', (hi - lo) / 2 / np.mean(D))
P999 = [305, 322, 331, 318, 1535]
show('p99.9 student (old)', student_interval(P999))
show('p99.9 log interval', log_mean_interval(P999))
Z = [0, 0, 0, 0, 0.1]
show('zeros log interval', log_mean_interval(Z))

BASE = [10.1, 9.8, 10.3, 10.0, 9.9]
X = [12.2, 11.9, 12.5, 12.1, 12.0]
show('X/BASE log ratio', log_ratio(X, BASE))
A = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
B = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]
show('A/B log ratio', log_ratio(A, B))
show('B/A log ratio', log_ratio(B, A))
RA_NATIVE = [0.0560, 0.0910, 0.0700, 0.1080, 0.0750]
RA_VM = [0.0012, 0.0021, 0.0036, 0.0092, 0.0127]
show('randomaccess old', old_linear_ratio(RA_VM, RA_NATIVE))
show('randomaccess log ratio', log_ratio(RA_VM, RA_NATIVE))
