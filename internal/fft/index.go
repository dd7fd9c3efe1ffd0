package fft

// Freq returns the signed integer frequency of FFT index i on an n-point
// grid: i for i < n/2 (and i = n/2 when n is odd), i − n above; the Nyquist
// index n/2 of an even n counts as −n/2. Cycles per sample are Freq(i, n)/n.
func Freq(i, n int) int {
	if i > n/2 || (i == n/2 && n%2 == 0) {
		return i - n
	}
	return i
}

// Wrap returns i modulo n in [0, n): the array index of a periodic grid
// position, negative positions included.
func Wrap(i, n int) int {
	i %= n
	if i < 0 {
		i += n
	}
	return i
}

// GoodSize returns the smallest n ≥ m (and ≥ 1) whose only prime factors
// are 2, 3 and 5, the lengths general-size FFTs handle fastest.
func GoodSize(m int) int {
	for n := max(m, 1); ; n++ {
		k := n
		for _, p := range [...]int{2, 3, 5} {
			for k%p == 0 {
				k /= p
			}
		}
		if k == 1 {
			return n
		}
	}
}

// GalSimSize returns the smallest 2^k or 3·2^k (at least 2, and 6 for the
// 3·2^k sizes) not below n: the padded grid sizes GalSim chooses, so that
// results that depend on the grid (k interpolation, HSM's cyclic
// convolutions) match GalSim's.
func GalSimSize(n int) int {
	if n <= 2 {
		return 2
	}
	p := 4
	for p < n {
		p <<= 1
	}
	// 3p/4 is the only 3·2^k between p/2 (< n) and p.
	if t := 3 * p / 4; t >= n && t >= 6 {
		return t
	}
	return p
}
