#!/usr/bin/python3
"""Write the FITS fixtures of galforge's fits package with astropy, and the
values astropy reads back from them into expected.json.

Run from anywhere: /usr/bin/python3 testdata/fits/make_fixtures.py
Floats in expected.json are strings (repr) so that NaN/inf survive and Go can
compare bit for bit.
"""
import bz2
import gzip
import json
import os

import numpy as np
from astropy.io import fits

from astropy_dump import dump

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def record(exp, name):
    exp[name] = dump(path(name))


def header_cards():
    h = fits.Header()
    h['LOGT'] = (True, 'a true logical')
    h['LOGF'] = (False, 'a false logical')
    h['INTV'] = (-42, 'an integer')
    h['BIGINT'] = (9007199254740993, 'beyond 2**53')
    h['FLTV'] = (6.02214076e23, 'a float')
    h['FLTSMALL'] = (-1.5e-300, 'a tiny float')
    h['STRV'] = ("O'Brien's", 'quotes doubled')
    h['EMPTYS'] = ('', 'empty string')
    h['LEADSP'] = ('  lead', 'leading blanks kept')
    h['LONGSTR'] = ('This is a long string value that needs more than one card, '
                    'so astropy continues it over CONTINUE cards; it ends here.', 'long')
    h['COMMENT'] = 'a comment card'
    h['HISTORY'] = 'a history card'
    h[''] = 'a blank-keyword card'
    h['HIERARCH ESO DET CHIP TEMP'] = (-120.5, 'hierarch')
    h.append(fits.Card.fromstring('DEXP    =              1.5D+03 / D exponent'))
    h.append(fits.Card.fromstring('UNDEF   =                      / undefined value'))
    h['CMPLX'] = (complex(1.5, -2), 'complex')
    return h


def images(exp):
    hdus = []
    u8 = (np.arange(12, dtype=np.uint8).reshape(3, 4) * 21).astype(np.uint8)
    prim = fits.PrimaryHDU(u8, header=header_cards())
    hdus.append(prim)

    # int16 with BSCALE/BZERO/BLANK stored raw
    raw16 = np.array([[-32768, -1, 0, 1], [2, 100, 32767, -500]], dtype=np.int16)
    h = fits.Header()
    h['BSCALE'] = 0.5
    h['BZERO'] = 100.0
    h['BLANK'] = -32768
    hdus.append(fits.ImageHDU(raw16, header=h, name='I16', do_not_scale_image_data=True))

    hdus.append(fits.ImageHDU(np.array([[0, 1, 32768], [40000, 65534, 65535]], dtype=np.uint16), name='U16'))

    raw32 = np.array([[-2147483647, 7, -7], [123456789, 0, -2147483648]], dtype=np.int32)
    h = fits.Header()
    h['BSCALE'] = 2.5
    h['BZERO'] = -7.0
    h['BLANK'] = -2147483648
    hdus.append(fits.ImageHDU(raw32, header=h, name='I32', do_not_scale_image_data=True))

    hdus.append(fits.ImageHDU(np.array([0, 1, 2147483648, 4294967295], dtype=np.uint32), name='U32'))
    hdus.append(fits.ImageHDU(np.array([[-9223372036854775808, 9223372036854775807],
                                        [9007199254740993, -1]], dtype=np.int64), name='I64'))
    hdus.append(fits.ImageHDU(np.array([0, 1, 9223372036854775808, 18446744073709551615],
                                       dtype=np.uint64), name='U64'))
    hdus.append(fits.ImageHDU(np.array([-128, -1, 0, 127], dtype=np.int8), name='S8'))
    hdus.append(fits.ImageHDU(np.array([[1.5, np.nan, np.inf], [-np.inf, -0.0, 1e-40]], dtype=np.float32), name='F32'))
    hdus.append(fits.ImageHDU(np.array([[1.5, np.nan, 1e300], [-2.2250738585072014e-308, 5e-324, 0.1]]), name='F64'))
    cube = (np.arange(60, dtype=np.float32).reshape(3, 4, 5) * 0.25 - 3).astype(np.float32)
    hdus.append(fits.ImageHDU(cube, name='CUBE'))
    hl = fits.HDUList(hdus)
    hl.writeto(path('images.fits'), overwrite=True)
    record(exp, 'images.fits')


def tables(exp):
    n = 5
    rng = np.random.default_rng(7)
    cols = [
        fits.Column(name='flag', format='L', array=np.array([True, False, True, True, False])),
        fits.Column(name='bits', format='11X', array=np.array(
            [[1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0]] * n, dtype=bool)),
        fits.Column(name='byte', format='B', array=np.array([0, 1, 127, 200, 255], dtype=np.uint8)),
        fits.Column(name='short', format='I', null=-999, array=np.array([1, -2, -999, 300, -32768], dtype=np.int16)),
        fits.Column(name='scaled', format='J', array=np.array([0, 1, -4, 1000, 2], dtype=np.int32)),  # TSCAL/TZERO patched in below
        fits.Column(name='long', format='K', array=np.array([9223372036854775807, -9223372036854775808, 0, 9007199254740993, -1], dtype=np.int64)),
        fits.Column(name='ushort', format='I', bzero=32768, array=np.array([0, 1, 32768, 65535, 40000], dtype=np.uint16)),
        fits.Column(name='name', format='10A', array=np.array(['alpha', 'b', '', 'delta  x', 'epsilon123'])),
        fits.Column(name='fl32', format='E', unit='mag', array=np.array([1.5, np.nan, -np.inf, 3.4028235e38, 1e-45], dtype=np.float32)),
        fits.Column(name='fl64', format='D', unit='deg', array=np.array([0.1, np.nan, np.inf, -1e-310, 150.416558])),
        fits.Column(name='cpx', format='C', array=np.array([1 + 2j, -1j, 0, 3.5, np.nan], dtype=np.complex64)),
        fits.Column(name='dcpx', format='M', array=np.array([1 + 2j, -1j, 0, 3.5, 1e300j])),
        fits.Column(name='vec8', format='8D', array=rng.normal(size=(n, 8))),
        fits.Column(name='vec16', format='16D', array=rng.normal(size=(n, 16))),
        fits.Column(name='mat', format='6E', dim='(3,2)', array=np.arange(30, dtype=np.float32).reshape(n, 2, 3)),
    ]
    t = fits.BinTableHDU.from_columns(cols, name='CAT')
    # astropy 5.2 cannot write a TSCAL/TZERO integer column from physical
    # values; write placeholders and rename them to TSCAL5/TZERO5 in the bytes.
    t.header['XSCAL5'] = 0.25
    t.header['XZERO5'] = 10.0
    var = fits.BinTableHDU.from_columns([
        fits.Column(name='pj', format='PJ()', array=np.array([np.array([1, 2, 3], dtype=np.int32), np.array([], dtype=np.int32), np.array([-5], dtype=np.int32)], dtype=object)),
        fits.Column(name='qd', format='QD()', array=np.array([np.array([0.5]), np.array([1.0, 2.0, np.nan]), np.array([-3.25, 4.0])], dtype=object)),
    ], name='VAR')
    asc = fits.TableHDU.from_columns([
        fits.Column(name='id', format='I6', array=np.array([1, -20, 300])),
        fits.Column(name='label', format='A8', array=np.array(['one', 'two', 'three'])),
        fits.Column(name='x', format='F10.4', array=np.array([1.25, -0.5, 1000.0625])),
        fits.Column(name='y', format='E14.6', array=np.array([1.5e10, -2.25e-5, 0.0])),
        fits.Column(name='z', format='D21.13', array=np.array([3.141592653589793, -1e100, 2.5])),
    ], name='ASCII')
    fits.HDUList([fits.PrimaryHDU(), t, var, asc]).writeto(path('tables.fits'), overwrite=True)
    with open(path('tables.fits'), 'rb') as f:
        b = f.read()
    b = b.replace(b'XSCAL5  =', b'TSCAL5  =').replace(b'XZERO5  =', b'TZERO5  =')
    with open(path('tables.fits'), 'wb') as f:
        f.write(b)
    record(exp, 'tables.fits')


def compressed(exp):
    yy, xx = np.mgrid[0:20, 0:24]
    i16 = ((xx * 37 + yy * 101) % 3000 - 1500).astype(np.int16)
    i32 = ((xx * 7919 + yy * 104729) % 1000003 - 500000).astype(np.int32)
    f32 = (np.sin(xx / 3.0) * np.cos(yy / 5.0) * 100 + 0.01 * xx).astype(np.float32)
    f32n = f32.copy()
    f32n[3, 5] = np.nan
    f32n[4, :3] = 0
    hdus = [fits.PrimaryHDU(),
            fits.CompImageHDU(i16, compression_type='RICE_1', name='RICE16'),
            fits.CompImageHDU(i32, compression_type='RICE_1', tile_size=[8, 6], name='RICE32TILES'),
            fits.CompImageHDU(f32, compression_type='RICE_1', name='RICEF32'),
            fits.CompImageHDU(i32, compression_type='GZIP_1', name='GZIP32'),
            fits.CompImageHDU(f32, compression_type='GZIP_1', quantize_level=0.0, name='GZIPF32'),
            fits.CompImageHDU(f32n, compression_type='RICE_1', quantize_method=1, dither_seed=42, name='RICEDITHER'),
            fits.CompImageHDU(f32n, compression_type='GZIP_2', quantize_method=2, dither_seed=7, name='GZIP2DITHER2')]
    fits.HDUList(hdus).writeto(path('compressed.fits'), overwrite=True)
    record(exp, 'compressed.fits')


def streams(exp):
    img = (np.arange(30 * 20, dtype=np.float32).reshape(20, 30) / 7).astype(np.float32)
    hl = fits.HDUList([fits.PrimaryHDU(img),
                       fits.ImageHDU((img * 2).astype(np.int16), name='TWICE')])
    raw = path('stream.tmp.fits')
    hl.writeto(raw, overwrite=True)
    with open(raw, 'rb') as f:
        data = f.read()
    os.remove(raw)
    cut = 4000  # inside the first data unit: the second member starts mid-HDU
    with open(path('twomembers.fits.gz'), 'wb') as f:
        f.write(gzip.compress(data[:cut], mtime=0))
        f.write(gzip.compress(data[cut:], mtime=0))
    with open(path('image.fits.bz2'), 'wb') as f:
        f.write(bz2.compress(data))
    record(exp, 'twomembers.fits.gz')
    record(exp, 'image.fits.bz2')


def groups(exp):
    # 3 groups of 2 parameters and a (NAXIS2=3, NAXIS3=2) array each
    data = np.arange(18, dtype=np.float32).reshape(3, 1, 2, 3) * 0.5
    pars = [np.array([1.0, 2.0, 3.0], dtype=np.float32), np.array([10.0, 20.0, 30.0], dtype=np.float32)]
    gd = fits.GroupData(data, parnames=['UU', 'VV'], pardata=pars, bitpix=-32)
    fits.GroupsHDU(gd).writeto(path('groups.fits'), overwrite=True)
    record(exp, 'groups.fits')


def checksums(exp):
    img = np.arange(100, dtype=np.int32).reshape(10, 10)
    t = fits.BinTableHDU.from_columns([fits.Column(name='a', format='D', array=np.linspace(0, 1, 7))], name='T')
    fits.HDUList([fits.PrimaryHDU(img), t]).writeto(path('checksum.fits'), overwrite=True, checksum=True)
    record(exp, 'checksum.fits')


def main():
    exp = {}
    images(exp)
    tables(exp)
    compressed(exp)
    streams(exp)
    groups(exp)
    checksums(exp)
    with open(path('expected.json'), 'w') as f:
        json.dump(exp, f, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
