package shapes

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
)

const galsimDir = "../testdata/galsim"

// readGalSimImage reads the primary HDU of a GalSim reference file.
func readGalSimImage(t testing.TB, name string) *pix.Image {
	t.Helper()
	im, _, err := fits.ReadImageFile(filepath.Join(galsimDir, name), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Axes) != 2 {
		t.Fatalf("%s: %d axes", name, len(im.Axes))
	}
	return &pix.Image{Nx: im.Axes[0], Ny: im.Axes[1], Stride: im.Axes[0], Pix: im.Data, Scale: 0.2}
}

type hsmRef struct {
	Sigma  float64 `json:"moments_sigma_pixels"`
	E1     float64 `json:"observed_shape_e1"`
	E2     float64 `json:"observed_shape_e2"`
	X      float64 `json:"centroid_x_pixels_1based"`
	Y      float64 `json:"centroid_y_pixels_1based"`
	Amp    float64 `json:"moments_amp"`
	Rho4   float64 `json:"moments_rho4"`
	NIter  int     `json:"moments_n_iter"`
	Error  string  `json:"error"`
	CorrE1 float64 `json:"corrected_e1"`
	CorrE2 float64 `json:"corrected_e2"`
	Res    float64 `json:"resolution_factor"`
	GalSig float64 `json:"galaxy_moments_sigma_pixels"`
	PSFSig float64 `json:"psf_sigma_pixels"`
	PSF    string  `json:"psf_image_file"`
}

type manifestFile struct {
	File     string  `json:"file"`
	Adaptive *hsmRef `json:"hsm_find_adaptive_mom"`
	Shear    *hsmRef `json:"hsm_estimate_shear"`
	// The SHERA-like image carries a soft bias of 1000; its moments were
	// measured with the bias removed.
	Shera *struct {
		HSM *hsmRef `json:"hsm_galsim_version"`
	} `json:"comparison_with_shera_file"`
}

func readManifest(t testing.TB) []manifestFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(galsimDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Files []manifestFile `json:"files"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Files
}
