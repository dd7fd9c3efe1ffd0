// Package fft holds the discrete Fourier transforms galforge's image code
// shares: 1-D and 2-D complex transforms with a radix-2 path for power-of-two
// lengths (several times faster than a general-size FFT on postage stamps)
// and gonum's dsp/fourier for all other lengths, and the index helpers that
// go with them (signed frequencies, periodic wrapping, fast sizes).
//
// Conventions: Forward computes X[k] = Σ_m x[m] exp(−2πi km/n) and Inverse
// x[m] = Σ_k X[k] exp(+2πi km/n); neither normalises, like gonum and FFTW.
// The package functions Forward2 and Inverse2 form an exact pair (Inverse2
// divides by nx·ny). 2-D arrays are row-major, x fastest: a[y*nx+x].
package fft
