package fft

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

func randomGrid(r *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(r.NormFloat64(), r.NormFloat64())
	}
	return x
}

// dft is the textbook O(n²) transform with sign s (−1 forward, +1 inverse).
func dft(x []complex128, s float64) []complex128 {
	n := len(x)
	out := make([]complex128, n)
	for k := range out {
		for m, v := range x {
			out[k] += v * cmplx.Rect(1, s*2*math.Pi*float64(k*m%n)/float64(n))
		}
	}
	return out
}

func near(t *testing.T, what string, got, want []complex128, tol float64) {
	t.Helper()
	for i := range want {
		if cmplx.Abs(got[i]-want[i]) > tol {
			t.Fatalf("%s: element %d = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestPlanMatchesDFT(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 8, 12, 15, 64, 128} {
		x := randomGrid(r, n)
		p := NewPlan(n)
		got := append([]complex128(nil), x...)
		p.Forward(got)
		near(t, "forward", got, dft(x, -1), 1e-12*float64(n))
		got = append(got[:0], x...)
		p.Inverse(got)
		near(t, "inverse", got, dft(x, +1), 1e-12*float64(n))
	}
}

func TestRadix2MatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{2, 4, 8, 64, 256, 1024} {
		x := randomGrid(r, n)
		g := fourier.NewCmplxFFT(n)
		p := NewPlan(n)
		got := append([]complex128(nil), x...)
		p.Inverse(got)
		near(t, "inverse", got, g.Sequence(nil, x), 1e-12*float64(n))
		got = append(got[:0], x...)
		p.Forward(got)
		near(t, "forward", got, g.Coefficients(nil, x), 1e-12*float64(n))
	}
}

// dft2 is the direct 2-D transform of an nx×ny row-major array.
func dft2(a []complex128, nx, ny int, s float64) []complex128 {
	out := make([]complex128, nx*ny)
	for ky := 0; ky < ny; ky++ {
		for kx := 0; kx < nx; kx++ {
			var sum complex128
			for y := 0; y < ny; y++ {
				for x := 0; x < nx; x++ {
					ph := s * 2 * math.Pi * (float64(kx*x%nx)/float64(nx) + float64(ky*y%ny)/float64(ny))
					sum += a[y*nx+x] * cmplx.Rect(1, ph)
				}
			}
			out[ky*nx+kx] = sum
		}
	}
	return out
}

func TestPlan2MatchesDFT(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{1, 1}, {4, 4}, {8, 6}, {5, 3}, {16, 16}, {12, 8}} {
		nx, ny := sz[0], sz[1]
		a := randomGrid(r, nx*ny)
		p := NewPlan2(nx, ny)
		got := append([]complex128(nil), a...)
		p.Forward(got)
		near(t, "forward", got, dft2(a, nx, ny, -1), 1e-11*float64(nx*ny))
		got = append(got[:0], a...)
		p.Inverse(got)
		near(t, "inverse", got, dft2(a, nx, ny, +1), 1e-11*float64(nx*ny))
	}
}

func TestForward2Inverse2RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, sz := range [][2]int{{64, 64}, {30, 20}, {7, 9}} {
		a := randomGrid(r, sz[0]*sz[1])
		b := append([]complex128(nil), a...)
		Forward2(b, sz[0], sz[1])
		Inverse2(b, sz[0], sz[1])
		near(t, "round trip", b, a, 1e-12)
	}
}

func TestForwardRowsMatchesForward(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const n = 32
	rows := []int{0, 1, 2, 30, 31}
	a := make([]complex128, n*n)
	for _, y := range rows {
		copy(a[y*n:(y+1)*n], randomGrid(r, n))
	}
	want := append([]complex128(nil), a...)
	p := NewPlan2(n, n)
	p.Forward(want)
	p.ForwardRows(a, rows)
	near(t, "rows", a, want, 0)
}

func TestFreqWrapGoodSize(t *testing.T) {
	for _, c := range []struct{ n, i, want int }{
		{8, 0, 0}, {8, 3, 3}, {8, 4, -4}, {8, 7, -1}, {7, 3, 3}, {7, 4, -3}, {1, 0, 0},
	} {
		if got := Freq(c.i, c.n); got != c.want {
			t.Errorf("Freq(%d, %d) = %d, want %d", c.i, c.n, got, c.want)
		}
	}
	// Freq agrees with gonum's frequencies in cycles per sample.
	for _, n := range []int{1, 2, 7, 8, 9} {
		g := fourier.NewCmplxFFT(n)
		for i := 0; i < n; i++ {
			if got, want := float64(Freq(i, n))/float64(n), g.Freq(i); math.Abs(got-want) > 1e-15 {
				t.Errorf("Freq(%d, %d)/n = %g, gonum %g", i, n, got, want)
			}
		}
	}
	for _, c := range [][3]int{{5, 8, 5}, {-1, 8, 7}, {-9, 8, 7}, {16, 8, 0}} {
		if got := Wrap(c[0], c[1]); got != c[2] {
			t.Errorf("Wrap(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
	for _, c := range [][2]int{{0, 1}, {1, 1}, {7, 8}, {11, 12}, {13, 15}, {31, 32}, {49, 50}, {97, 100}} {
		if got := GoodSize(c[0]); got != c[1] {
			t.Errorf("GoodSize(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}

func TestColumnsOfStridedArray(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const rows, stride, ncols = 8, 7, 5
	a := randomGrid(r, rows*stride)
	got := append([]complex128(nil), a...)
	NewPlan(rows).ForwardColumns(got, stride, ncols)
	for c := 0; c < stride; c++ {
		col := make([]complex128, rows)
		for y := range col {
			col[y] = a[y*stride+c]
		}
		if c < ncols {
			col = dft(col, -1)
		}
		for y := range col {
			if cmplx.Abs(got[y*stride+c]-col[y]) > 1e-12*rows {
				t.Fatalf("column %d row %d = %v, want %v", c, y, got[y*stride+c], col[y])
			}
		}
	}
	NewPlan(rows).InverseColumns(got, stride, ncols)
	for i := range got {
		c := i % stride
		want := a[i]
		if c < ncols {
			want *= rows
		}
		if cmplx.Abs(got[i]-want) > 1e-12*rows {
			t.Fatalf("round trip element %d = %v, want %v", i, got[i], want)
		}
	}
}

// TestGalSimSize compares GalSimSize with GalSim's own formula
// (galsim.Image.good_fft_size), written with logarithms.
func TestGalSimSize(t *testing.T) {
	galsim := func(n int) int {
		if n <= 2 {
			return 2
		}
		in := (1 - 1e-5) * float64(n)
		l2 := math.Ln2 * math.Ceil(math.Log2(in))
		l3 := math.Max(math.Log(3)+math.Ln2*math.Ceil(math.Log2(in/3)), math.Log(6))
		return int(math.Ceil(math.Exp(math.Min(l2, l3)) - 1e-5))
	}
	for n := -1; n <= 20000; n++ {
		if got, want := GalSimSize(n), galsim(n); got != want {
			t.Fatalf("GalSimSize(%d) = %d, GalSim %d", n, got, want)
		}
	}
	for _, c := range [][2]int{{3, 4}, {5, 6}, {7, 8}, {9, 12}, {13, 16}, {100, 128}, {96, 96}, {97, 128}} {
		if got := GalSimSize(c[0]); got != c[1] {
			t.Errorf("GalSimSize(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}
