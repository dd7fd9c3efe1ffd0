package fft

// Plan2 is a 2-D complex FFT of an nx×ny row-major array (a[y*nx+x]): 1-D
// transforms along the rows, then along the columns. Like Plan it holds
// scratch space and must not be shared between goroutines.
type Plan2 struct {
	nx, ny int
	px, py *Plan
}

// NewPlan2 returns a 2-D transform of nx×ny arrays (both ≥ 1).
func NewPlan2(nx, ny int) *Plan2 {
	p := &Plan2{nx: nx, ny: ny, px: NewPlan(nx)}
	p.py = p.px
	if ny != nx {
		p.py = NewPlan(ny)
	}
	return p
}

// Forward replaces a by A(kx,ky) = Σ a(x,y) exp(−2πi (kx x/nx + ky y/ny)).
func (p *Plan2) Forward(a []complex128) { p.transform(a, nil, true) }

// Inverse replaces A by a(x,y) = Σ A(kx,ky) exp(+2πi (kx x/nx + ky y/ny)),
// unnormalised (Inverse2 divides by nx·ny).
func (p *Plan2) Inverse(a []complex128) { p.transform(a, nil, false) }

// ForwardRows is Forward for an array whose only non-zero rows are those
// listed in rows: it skips the row transforms of the zero rows (a padded
// image), which leaves the result unchanged.
func (p *Plan2) ForwardRows(a []complex128, rows []int) { p.transform(a, rows, true) }

func (p *Plan2) transform(a []complex128, rows []int, forward bool) {
	nx, ny := p.nx, p.ny
	a = a[:nx*ny]
	tx := p.px.Inverse
	if forward {
		tx = p.px.Forward
	}
	if rows == nil {
		for y := 0; y < ny; y++ {
			tx(a[y*nx : (y+1)*nx])
		}
	} else {
		for _, y := range rows {
			tx(a[y*nx : (y+1)*nx])
		}
	}
	p.py.columns(a, nx, nx, forward)
}

// Forward2 transforms the nx×ny array a in place, unnormalised:
// A(k) = Σ_x a(x) exp(−2πi k·x/n).
func Forward2(a []complex128, nx, ny int) { NewPlan2(nx, ny).Forward(a) }

// Inverse2 undoes Forward2 in place: a(x) = Σ_k A(k) exp(+2πi k·x/n) / (nx·ny).
func Inverse2(a []complex128, nx, ny int) {
	NewPlan2(nx, ny).Inverse(a)
	s := complex(1/float64(nx*ny), 0)
	for i := range a[:nx*ny] {
		a[i] *= s
	}
}
