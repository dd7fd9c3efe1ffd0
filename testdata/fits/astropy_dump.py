#!/usr/bin/python3
"""Print as JSON what astropy reads from FITS files, for galforge's tests.

    /usr/bin/python3 astropy_dump.py [--no-data] FILE...

Output: {FILE: [HDU, ...]} with each HDU's index, name, kind, header values
(typed), checksum verdict and data (floats as repr strings, so NaN and inf
survive and values compare bit for bit; integers as strings, so 64-bit values
stay exact).
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits


def enc(a):
    """Flatten an array in FITS order (x fastest) to JSON-safe values."""
    a = np.asarray(a)
    flat = a.ravel()
    if a.dtype.kind == 'f' or a.dtype.kind == 'c':
        return [repr(float(v)) for v in flat]
    if a.dtype.kind == 'b':
        return [bool(v) for v in flat]
    if a.dtype.kind in 'SU':
        return [str(v) for v in flat]
    return [str(int(v)) for v in flat]


def hdu_kind(h):
    if isinstance(h, fits.GroupsHDU):
        return 'GROUPS'
    if isinstance(h, fits.PrimaryHDU):
        return 'PRIMARY'
    if isinstance(h, fits.CompImageHDU):
        return 'COMPRESSED'
    if isinstance(h, fits.ImageHDU):
        return 'IMAGE'
    if isinstance(h, fits.BinTableHDU):
        return 'BINTABLE'
    if isinstance(h, fits.TableHDU):
        return 'TABLE'
    return 'OTHER'


def header_values(hdr):
    out = {}
    for card in hdr.cards:
        k = card.keyword
        if k in ('COMMENT', 'HISTORY', '') or k in out:
            continue
        v = card.value
        if isinstance(v, bool):
            out[k] = {'bool': v}
        elif isinstance(v, (int, np.integer)):
            out[k] = {'int': str(int(v))}
        elif isinstance(v, (float, np.floating)):
            out[k] = {'float': repr(float(v))}
        elif isinstance(v, str):
            out[k] = {'string': v}
    return out


def dump(name, data=True):
    """What astropy reads from a file: per HDU name, kind, header values and
    (unless data is False) the data."""
    res = []
    with fits.open(name) as hl:
        for i, h in enumerate(hl):
            e = {'index': i, 'name': h.name, 'kind': hdu_kind(h)}
            if isinstance(h, fits.CompImageHDU):
                hdr = h.header
                e['header'] = header_values(h._header)
            else:
                hdr = h.header
                e['header'] = header_values(hdr)
            if 'CHECKSUM' in h._header or 'DATASUM' in h._header:
                e['checksum_ok'] = bool(h.verify_checksum() == 1 and h.verify_datasum() == 1)
            if e['kind'] in ('PRIMARY', 'IMAGE', 'COMPRESSED'):
                if not data:
                    e['axes'] = [int(hdr['ZNAXIS%d' % k] if e['kind'] == 'COMPRESSED' else hdr['NAXIS%d' % k])
                                 for k in range(1, (hdr['ZNAXIS'] if e['kind'] == 'COMPRESSED' else hdr['NAXIS']) + 1)]
                elif h.data is not None:
                    e['axes'] = list(h.data.shape[::-1])
                    e['data'] = enc(h.data)
                    e['dtype'] = str(h.data.dtype)
            elif not data:
                if e['kind'] == 'GROUPS':
                    e['axes'] = [int(hdr['NAXIS%d' % k]) for k in range(2, hdr['NAXIS'] + 1)]
                else:
                    e['columns'] = {c.name: {'format': str(c.format)} for c in h.columns}
                    e['tforms'] = [str(c.format) for c in h.columns]
                    e['rows'] = int(hdr['NAXIS2'])
            elif e['kind'] == 'GROUPS':
                e['axes'] = [int(hdr['NAXIS%d' % k]) for k in range(2, hdr['NAXIS'] + 1)]
                e['gcount'] = len(h.data)
                e['params'] = {n: enc(h.data.par(n)) for n in h.data.parnames}
                e['data'] = enc(h.data.data)
            elif e['kind'] in ('BINTABLE', 'TABLE'):
                cols = {}
                for c in h.columns:
                    v = h.data[c.name]
                    col = {'format': str(c.format)}
                    if str(c.format).startswith(('P', 'Q', '1P', '1Q')):
                        col['rows'] = [enc(np.asarray(x)) for x in v]
                    elif v.dtype.kind in 'SU':
                        col['strings'] = [str(x) for x in v]
                    elif v.dtype.kind == 'c':
                        col['values'] = [[repr(float(x.real)), repr(float(x.imag))] for x in v]
                    else:
                        arr = np.asarray(v)
                        if arr.ndim > 1:
                            col['rows'] = [enc(np.asarray(x).astype(float) if arr.dtype.kind == 'b' else x) for x in arr]
                        else:
                            col['values'] = enc(arr)
                    cols[c.name] = col
                e['columns'] = cols
                e['rows'] = len(h.data)
            res.append(e)
    return res


def main():
    args = sys.argv[1:]
    data = True
    if args and args[0] == '--no-data':
        data = False
        args = args[1:]
    warnings.simplefilter('ignore')
    json.dump({a: dump(a, data) for a in args}, sys.stdout, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
