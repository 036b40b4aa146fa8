#!/usr/bin/env python3
# Run: python3 -m venv /tmp/sv && /tmp/sv/bin/pip install scipy && /tmp/sv/bin/python Tests/Reference/shift_estimate.py
# Independent reference for ShiftEstimate: scipy.stats.mannwhitneyu for U and p, the exact
# null distribution as the Gaussian binomial [m+n choose m]_q in exact integers, all m*n
# differences listed and sorted for the Hodges-Lehmann shift and Moses' interval.
import itertools, math
from fractions import Fraction
from scipy import stats
import numpy as np

Z = stats.norm.ppf(0.975)

def gaussian_binomial(N, m):
    # coefficients of prod_{i=1..m} (1 - q^(N-m+i)) / (1 - q^i), exact integers
    num = [1]
    for i in range(1, m + 1):
        e = N - m + i
        new = num + [0] * e
        for d in range(len(num)):
            new[d + e] -= num[d]
        num = new
    for i in range(1, m + 1):
        # divide by (1 - q^i): c[d] = a[d] + c[d - i]
        out = num[:]
        for d in range(i, len(out)):
            out[d] += out[d - i]
        num = out
    deg = m * (N - m)
    return num[:deg + 1]

def estimate(base, new):
    m, n = len(base), len(new)
    diffs = sorted(y - x for x in base for y in new)
    mn = m * n
    hl = diffs[mn // 2] if mn % 2 == 1 else diffs[mn // 2 - 1] / 2 + diffs[mn // 2] / 2
    pooled = base + new
    ties = len(set(pooled)) != len(pooled)
    u = sum((y > x) + 0.5 * (y == x) for x in base for y in new)
    if not ties and m <= 49 and n <= 49:
        method = 'exact'
        counts = gaussian_binomial(m + n, m)
        total = math.comb(m + n, m)
        assert sum(counts) == total
        cdf = lambda c: Fraction(sum(counts[:c + 1]), total) if c >= 0 else Fraction(0)
        k = 0
        while k < mn // 2 + 1 and cdf(k) <= Fraction(1, 40):
            k += 1
        cov = float(1 - 2 * cdf(k - 1)) if k >= 1 else None
        res = stats.mannwhitneyu(new, base, alternative='two-sided', method='exact')
    else:
        method = 'normal'
        N = m + n
        _, t = np.unique(pooled, return_counts=True)
        var = mn / 12 * ((N + 1) - sum(t**3 - t) / (N * (N - 1)))
        s = math.sqrt(var)
        k = math.floor(mn / 2 + 0.5 - Z * s)
        cov = 1 - 2 * stats.norm.cdf((k - 0.5 - mn / 2) / s)
        res = stats.mannwhitneyu(new, base, alternative='two-sided', method='asymptotic', use_continuity=True)
    k = min(k, (mn + 1) // 2)
    assert res.statistic == u, (res.statistic, u)
    interval = (diffs[k - 1], diffs[mn - k], k, cov) if k >= 1 else None
    return dict(m=m, n=n, u=u, p=float(res.pvalue), method=method, shift=hl, interval=interval)

cases = {
  'exactUnequal': ([1.02, 0.98, 1.05, 0.97, 1.01, 1.03, 0.99], [0.91, 0.95, 0.89, 0.96, 0.93]),
  'ties': ([10, 11, 11, 12, 13, 13, 13, 14], [11, 12, 12, 13, 15, 15, 16, 17, 18]),
  'threeAndThree': ([1, 2, 3], [4, 5, 6]),
  'oneAndTwo': ([5], [1, 2]),
  'fourAndFour': ([1.0, 1.1, 1.2, 1.3], [1.05, 1.15, 1.25, 1.35]),
  'identical': ([0.5, 0.6, 0.7, 0.8, 0.9, 1.0], [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]),
  'oneAndThirtyNine': ([0.5], [j / 100 for j in range(1, 40)]),
  'exactTwentyAndTwentyFive': ([(1000 + (i * 7919) % 1009) / 1000 for i in range(20)],
                               [(990 + (j * 7907) % 1013) / 1000 for j in range(25)]),
  'normalSixtyAndFiftyFive': ([(1000 + (i * 37) % 101) / 1000 for i in range(60)],
                              [(980 + (j * 53) % 97) / 1000 for j in range(55)]),
}
for name, (b, nw) in cases.items():
    b = [float(v) for v in b]; nw = [float(v) for v in nw]
    r = estimate(b, nw)
    print(name, repr(r))
