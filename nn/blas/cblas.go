//go:build linux || darwin || freebsd

package blas

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// CBLAS constants (cblas.h).
const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
)

// CBLAS is a C BLAS library opened at run time with purego (no cgo).
type CBLAS struct {
	file  string
	ident string
	sgemm func(order, ta, tb, m, n, k int32, alpha float32, a *float32, lda int32,
		b *float32, ldb int32, beta float32, c *float32, ldc int32)
	setThreads func(n int32)
}

// LoadCBLAS opens a shared library exporting cblas_sgemm. It recognises
// OpenBLAS (openblas_set_num_threads, openblas_get_config), MKL
// (MKL_Set_Num_Threads) and BLIS (bli_thread_set_num_threads) thread controls.
func LoadCBLAS(file string) (c *CBLAS, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("blas: loading %s: %v", file, r)
		}
	}()
	h, err := purego.Dlopen(file, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("blas: %w", err)
	}
	if _, err := purego.Dlsym(h, "cblas_sgemm"); err != nil {
		return nil, fmt.Errorf("blas: %s has no cblas_sgemm: %w", file, err)
	}
	c = &CBLAS{file: file, ident: "CBLAS"}
	purego.RegisterLibFunc(&c.sgemm, h, "cblas_sgemm")
	if _, err := purego.Dlsym(h, "openblas_set_num_threads"); err == nil {
		purego.RegisterLibFunc(&c.setThreads, h, "openblas_set_num_threads")
		c.ident = "OpenBLAS"
		if _, err := purego.Dlsym(h, "openblas_get_config"); err == nil {
			var cfg func() string
			purego.RegisterLibFunc(&cfg, h, "openblas_get_config")
			c.ident = strings.TrimSpace(cfg())
		}
	} else if _, err := purego.Dlsym(h, "MKL_Set_Num_Threads"); err == nil {
		purego.RegisterLibFunc(&c.setThreads, h, "MKL_Set_Num_Threads")
		c.ident = "Intel MKL"
	} else if _, err := purego.Dlsym(h, "bli_thread_set_num_threads"); err == nil {
		var set func(n int64)
		purego.RegisterLibFunc(&set, h, "bli_thread_set_num_threads")
		c.setThreads = func(n int32) { set(int64(n)) }
		c.ident = "BLIS"
	}
	return c, nil
}

// Name implements Backend.
func (c *CBLAS) Name() string { return fmt.Sprintf("%s (%s, via purego)", c.ident, c.file) }

// SetThreads implements Backend.
func (c *CBLAS) SetThreads(n int) {
	if c.setThreads != nil {
		c.setThreads(int32(n))
	}
}

// Sgemm implements Backend.
func (c *CBLAS) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, cm []float32, ldc int) {
	ta, tb := int32(cblasNoTrans), int32(cblasNoTrans)
	// Bounds: the last element each matrix touches must be inside its slice.
	ar, ac := m, k
	if transA {
		ta, ar, ac = cblasTrans, k, m
	}
	br, bc := k, n
	if transB {
		tb, br, bc = cblasTrans, n, k
	}
	_ = a[(ar-1)*lda+ac-1]
	_ = b[(br-1)*ldb+bc-1]
	_ = cm[(m-1)*ldc+n-1]
	c.sgemm(cblasRowMajor, ta, tb, int32(m), int32(n), int32(k), alpha,
		(*float32)(unsafe.Pointer(&a[0])), int32(lda), (*float32)(unsafe.Pointer(&b[0])), int32(ldb),
		beta, (*float32)(unsafe.Pointer(&cm[0])), int32(ldc))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(cm)
}
