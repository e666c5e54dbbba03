#!/usr/bin/python3
# Generates the read-only math tables that the engine writes into the shared
# memory before any kernel runs (kernels may not carry data segments), and
# the constants the kernels use with them:
#   src/runtime/math-tables-data.ts   offsets + the table words (the engine writes them)
#   assembly/math-tables.ts           the same offsets + polynomial coefficients
# Run from the repository root. Adding a table: write a function returning (u64 words, {name: f64 constant}),
# add one line to TABLES, rerun `/usr/bin/python3 scripts/gen-math-tables.py`.
# test/math-tables.test.ts checks that both files agree and that an engine's
# memory holds exactly these words.
import base64
import os
import struct
import sys
from mpmath import mp, mpf, chebyfit, exp, log, log1p, ldexp

mp.prec = 256

# The region: the top 16 KiB of the control block (see src/runtime/math-tables.ts).
BASE, END = 49152, 65536


def f64(v):
    return float(v)  # mpf -> nearest double


def bits(d):
    return struct.unpack('<Q', struct.pack('<d', d))[0]


EXP_BITS = 9
EXP_N = 1 << EXP_BITS


def exp_table():
    """2^(i/N), i < N, as (tail, bits(hi) - (i << (52 - EXP_BITS))) pairs: hi
    is the nearest double and hi * (1 + tail) = 2^(i/N) to ~2^-106. Adding
    kd << (52 - EXP_BITS) to the second word adds kd >> EXP_BITS to the
    exponent and cancels the i bits: one integer add gives 2^(kd/N)."""
    words = []
    for i in range(EXP_N):
        v = mp.power(2, mpf(i) / EXP_N)
        hi = f64(v)
        tail = f64((v - hi) / hi)
        words += [bits(tail), (bits(hi) - (i << (52 - EXP_BITS))) & (2**64 - 1)]
    # e^r = 1 + r + r^2 (C2 + C3 r + C4 r^2) on |r| <= ln2/(2N), with a margin
    # for kd rounded from an inexact x*N/ln2.
    a = log(2) / (2 * EXP_N) * mpf('1.0001')
    g = lambda r: (exp(r) - 1 - r) / (r * r) if r != 0 else mpf(0.5)
    poly, _ = chebyfit(g, [-a, a], 3, error=True)
    c4, c3, c2 = [f64(c) for c in poly]
    err = max(abs(exp(r) - (1 + r + r * r * (c2 + c3 * r + c4 * r * r))) / exp(r)
              for r in [a * (k / mpf(500) - 1) for k in range(1001)])
    # tanh needs e^r - 1 itself to ~2^-60 (t = e^(2a) - 1 is ~r for small a):
    # one more degree, relative to r.
    m = chebyfit(g, [-a, a], 4)
    m5, m4, m3, m2 = [f64(c) for c in m]
    err1 = max(abs(mp.expm1(r) - (r + r * r * (m2 + m3 * r + m4 * r * r + m5 * r**3))) / abs(mp.expm1(r))
               for r in [a * (k / mpf(500) - 1) for k in range(1001) if k != 500])
    ln2 = log(2)
    ln2hi = f64(6.93147180369123816490e-01)  # fdlibm's: 32 significant bits, so kd * ln2hi/N is exact
    ln2lo = f64(ln2 - ln2hi)
    consts = {
        'EXP_BITS': EXP_BITS,
        'EXP_N': EXP_N,
        'EXP_INV_LN2N': f64(EXP_N / ln2),
        'EXP_LN2HI_N': ln2hi / EXP_N,
        'EXP_LN2LO_N': ln2lo / EXP_N,
        'EXP_C2': c2, 'EXP_C3': c3, 'EXP_C4': c4,
        'EXPM1_C2': m2, 'EXPM1_C3': m3, 'EXPM1_C4': m4, 'EXPM1_C5': m5,
    }
    note = (f'relative error of the polynomial: {float(err):.3g} (2^{float(mp.log(err, 2)):.1f}); '
            f'of e^r - 1 with EXPM1_*: {float(err1):.3g} (2^{float(mp.log(err1, 2)):.1f})')
    return words, consts, note


def dbl(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


POW_LOG_BITS = 7
POW_LOG_N = 1 << POW_LOG_BITS
POW_LOG_OFF = 0x3fe6955500000000


def pow_log_table():
    """log(c) for pow: x = 2^k z, z in [0x1.69555p-1, 0x1.69555p0) split into N
    subintervals by the top mantissa bits of bits(x) - OFF; entry i is (invc,
    logc, logctail, 0) with c near the subinterval's centre, 1/c = round(N/c)/N
    (or round(2N/c)/2N above 1) so that z/c - 1 is exact, logc = log(c)
    rounded to a multiple of 2^-43 (so k*ln2hi + logc is exact) and logctail
    the rest. The two subintervals around 1 get c = 1: no cancellation where
    log x is tiny."""
    N = POW_LOG_N
    words = []
    rmax = mpf(0)
    for i in range(N):
        lo = mpf(dbl(POW_LOG_OFF + (i << (52 - POW_LOG_BITS))))
        hi = mpf(dbl(POW_LOG_OFF + ((i + 1) << (52 - POW_LOG_BITS))))
        center = (lo + hi) / 2
        invc = mp.nint(N / center) / N if center < 1 else mp.nint(2 * N / center) / N / 2
        invc = f64(invc)
        c = 1 / mpf(invc)
        lc = log(c)
        logc = f64(mp.nint(lc * mpf(2) ** 43) / mpf(2) ** 43)
        logctail = f64(lc - logc)
        rmax = max(rmax, abs(lo * invc - 1), abs(hi * invc - 1))
        words += [bits(invc), bits(logc), bits(logctail), 0]
    # log1p(r) = r - r^2/2 + r^3 (c3 + c4 r + ... + c8 r^5) on |r| <= rmax
    a = rmax * mpf('1.0001')
    g = lambda r: (log1p(r) - r + r * r / 2) / r**3 if r != 0 else mpf(1) / 3
    poly, _ = chebyfit(g, [-a, a], 6, error=True)
    c8, c7, c6, c5, c4, c3 = [f64(x) for x in poly]
    def rel(r):
        p = r - r * r / 2 + r**3 * (mpf(c3) + r * (mpf(c4) + r * (mpf(c5) + r * (mpf(c6) + r * (mpf(c7) + r * mpf(c8))))))
        return abs(p - log1p(r)) / abs(log1p(r))
    err = max(rel(a * (k / mpf(500) - 1)) for k in range(1001) if k != 500)
    ln2 = log(2)
    ln2hi = dbl(0x3fe62e42fefa3800)  # 42 significant bits: k * ln2hi is exact for |k| < 2^11
    consts = {
        'POW_LOG_Z0': dbl(POW_LOG_OFF),  # where the subintervals start (the kernel takes its bits)
        'POW_LN2HI': ln2hi, 'POW_LN2LO': f64(ln2 - ln2hi),
        # glibc's arrangement: with ar = -r/2, ar2 = r*ar, ar3 = r*ar2,
        # p = ar3 * (A1 + r A2 + ar2 (A3 + r A4 + ar2 (A5 + r A6)))
        'POW_A1': -2 * c3, 'POW_A2': -2 * c4, 'POW_A3': 4 * c5, 'POW_A4': 4 * c6, 'POW_A5': -8 * c7, 'POW_A6': -8 * c8,
    }
    note = f'|r| <= {float(rmax):.4g}; relative error of log1p: {float(err):.3g} (2^{float(mp.log(err, 2)):.1f})'
    return words, consts, note


# name, generator, what it is (emitted next to the offset)
TABLES = [
    ('EXP_TABLE', exp_table, f'2^(i/{EXP_N}) as (tail, exponent-adjusted bits) pairs, 16 bytes per i: vmath.ts expCore'),
    ('POW_LOG_TABLE', pow_log_table, 'log(c) for pow as (1/c, logc, logctail, 0), 32 bytes per i: vmath-pow.ts powCore'),
]


def main():
    offset = BASE
    layout, all_words, consts = [], [], {}
    for name, gen, what in TABLES:
        words, c, note = gen()
        layout.append((name, offset, len(words) * 8, what, note))
        all_words += words
        consts.update(c)
        offset += len(words) * 8
        pad = (-offset) % 64  # each table starts on a cache line
        all_words += [0] * (pad // 8)
        offset += pad
    assert offset <= END, f'math tables need {offset - BASE} bytes; the region has {END - BASE}'

    head = '// GENERATED by scripts/gen-math-tables.py: do not edit; change the script and rerun it.\n'
    ts = [head, "// The math tables' layout and words; src/runtime/math-tables.ts writes them.\n\n",
          f'/** The region the tables live in (bytes, [BASE, END)). */\n',
          f'export const MATH_TABLES_BYTE = {BASE};\nexport const MATH_TABLES_END = {END};\n']
    asm = [head, "// Where the engine has written the math tables (src/runtime/math-tables.ts),\n",
           "// and the constants that go with them. Every value is a compile-time constant.\n\n",
           f'export const MATH_TABLES_BYTE: usize = {BASE};\nexport const MATH_TABLES_END: usize = {END};\n']
    for name, off, size, what, note in layout:
        ts.append(f'/** {what} ({size} bytes; {note}). */\nexport const {name} = {off};\n')
        asm.append(f'/** {what} ({size} bytes; {note}). */\nexport const {name}: usize = {off};\n')
    for k, v in consts.items():
        asm.append(f'export const {k}: {"i32" if isinstance(v, int) else "f64"} = {v!r};\n')
    blob = base64.b64encode(b''.join(struct.pack('<Q', w) for w in all_words)).decode()
    ts.append(f'\n/** The {len(all_words) * 8} bytes from MATH_TABLES_BYTE on, base64 (little-endian f64 and u64 words). */\n')
    ts.append('export const MATH_TABLES_BASE64 = [\n')
    for i in range(0, len(blob), 200):
        ts.append(f"  '{blob[i:i + 200]}',\n")
    ts.append("].join('');\n")
    # --out DIR writes both files under DIR instead (test/math-tables.test.ts: the checked-in files are current)
    out = sys.argv[sys.argv.index('--out') + 1] if '--out' in sys.argv else '.'
    for path, text in [('src/runtime/math-tables-data.ts', ts), ('assembly/math-tables.ts', asm)]:
        os.makedirs(os.path.dirname(os.path.join(out, path)), exist_ok=True)
        open(os.path.join(out, path), 'w').write(''.join(text))
    for name, off, size, what, note in layout:
        print(f'{name} at {off}, {size} bytes; {note}')


if __name__ == '__main__':
    main()
