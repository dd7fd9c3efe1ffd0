#!/usr/bin/env python3
"""Reference numbers for lensing/cosmology_test.go (astropy 5.2.1).

Flat LambdaCDM, H0 = 70 km/s/Mpc, Om0 = 0.3, no radiation (Tcmb0 = 0).
Run: python3 lensing/testdata/astropy_cosmology.py
"""
import numpy as np
import astropy.constants as c
import astropy.units as u
from astropy.cosmology import FlatLambdaCDM

co = FlatLambdaCDM(H0=70, Om0=0.3, Tcmb0=0)
dl = co.angular_diameter_distance(0.3)
ds = co.angular_diameter_distance(1.0)
dls = co.angular_diameter_distance_z1z2(0.3, 1.0)
print("D_C(1) Mpc", repr(co.comoving_distance(1.0).value))
print("D_A(0.3) Mpc", repr(dl.value))
print("D_A(0.3, 1) Mpc", repr(dls.value))
print("rho_c(0.3) Msun/Mpc^3", repr(co.critical_density(0.3).to(u.Msun / u.Mpc**3).value))
sc = (c.c**2 / (4 * np.pi * c.G) * ds / (dl * dls)).to(u.Msun / u.Mpc**2)
print("Sigma_cr(0.3, 1) Msun/Mpc^2", repr(sc.value))
