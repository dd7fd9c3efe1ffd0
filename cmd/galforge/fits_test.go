package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runFitsCmd runs `galforge fits args...`.
func runFitsCmd(args ...string) (string, error) {
	return runCmd(append([]string{"fits"}, args...)...)
}

const fitsBlock = 2880

const fitsFixtures = "../../testdata/fits"

func TestFitsInfo(t *testing.T) {
	out, err := runFitsCmd("info", filepath.Join(fitsFixtures, "tables.fits"))
	if err != nil {
		t.Fatal(err)
	}
	want := "0\tPRIMARY\tPRIMARY\t\t8\n" +
		"1\tCAT\tBINTABLE\t5x15\tL,11X,B,I,J,K,I,10A,E,D,C,M,8D,16D,6E\n" +
		"2\tVAR\tBINTABLE\t3x2\tPJ(3),QD(3)\n" +
		"3\tASCII\tTABLE\t3x5\tI6,A8,F10.4,E14.6,D21.13\n"
	if out != want {
		t.Errorf("info:\n%s\nwant:\n%s", out, want)
	}
	out, err = runFitsCmd("info", "--json", filepath.Join(fitsFixtures, "groups.fits"))
	if err != nil {
		t.Fatal(err)
	}
	var js []map[string]any
	if err := json.Unmarshal([]byte(out), &js); err != nil || len(js) != 1 || js[0]["type"] != "GROUPS" || js[0]["dims"] != "3x2x1" || js[0]["gcount"] != 3.0 {
		t.Errorf("info --json: %v %s", err, out)
	}
}

func TestFitsTableAndPixels(t *testing.T) {
	out, err := runFitsCmd("table", filepath.Join(fitsFixtures, "tables.fits"), "--hdu", "cat", "--columns", "short,fl32,name,vec8")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "short,fl32,name,vec8" || !strings.HasPrefix(lines[2], "-2,nan,b,") || !strings.HasPrefix(lines[3], ",-inf,,") {
		t.Errorf("table csv:\n%s", out)
	}
	if f := strings.Split(lines[1], ","); len(strings.Fields(f[3])) != 8 {
		t.Errorf("vector cell %q", f[3])
	}
	out, err = runFitsCmd("table", filepath.Join(fitsFixtures, "tables.fits"), "--hdu", "ASCII", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, `[{"id":1,"label":"one","x":1.25,"y":15000000000,"z":3.1415926535898}`) {
		t.Errorf("table json: %s", out)
	}
	out, err = runFitsCmd("pixels", filepath.Join(fitsFixtures, "images.fits"), "--hdu", "CUBE", "--plane", "2", "--window", "1,1,3,3")
	if err != nil {
		t.Fatal(err)
	}
	// cube value = (k*20 + y*5 + x)*0.25 - 3
	if want := "x,y,value\n1,1,8.5\n2,1,8.75\n1,2,9.75\n2,2,10\n"; out != want {
		t.Errorf("pixels:\n%s\nwant\n%s", out, want)
	}
	out, err = runFitsCmd("pixels", filepath.Join(fitsFixtures, "images.fits"), "--hdu", "F32", "--format", "json")
	if err != nil || !strings.Contains(out, `"rows":[[1.5,null,null],[null,-0,9.99994610111476e-41]]`) {
		t.Errorf("pixels json: %v %s", err, out)
	}
	if _, err := runFitsCmd("pixels", filepath.Join(fitsFixtures, "images.fits"), "--hdu", "CUBE", "--window", "0,0,9,9"); err == nil || !strings.Contains(err.Error(), "--window") {
		t.Errorf("bad window: %v", err)
	}
}

func TestFitsHeaderAndVerify(t *testing.T) {
	out, err := runFitsCmd("header", filepath.Join(fitsFixtures, "images.fits"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "STRV = 'O''Brien''s' / quotes doubled\n") || !strings.Contains(out, "LONGSTR = 'This is a long string value that needs more than one card, so astropy continues it over CONTINUE cards; it ends here.' / long\n") {
		t.Errorf("header:\n%s", out)
	}
	out, err = runFitsCmd("header", "--raw", "--hdu", "i16", filepath.Join(fitsFixtures, "images.fits"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if len(l) != 80 {
			t.Fatalf("raw card of %d characters: %q", len(l), l)
		}
	}
	if _, err := runFitsCmd("verify", filepath.Join(fitsFixtures, "checksum.fits")); err != nil {
		t.Errorf("verify of a good file: %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(fitsFixtures, "checksum.fits"))
	b[len(b)-fitsBlock+10] ^= 1 // change the table data: DATASUM no longer matches
	bad := filepath.Join(t.TempDir(), "bad.fits")
	os.WriteFile(bad, b, 0o644)
	out, err = runFitsCmd("verify", bad)
	if exitCode(err) != 1 || !strings.Contains(out, "DATASUM") {
		t.Errorf("verify of a damaged file: %v, %q", err, out)
	}
}

// TestFitsTruncated: info lists the complete HDUs, then fails naming the
// file, the HDU and what is short; verify reports the problem once; pixels
// prefixes only the errors its flags cause.
func TestFitsTruncated(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fitsFixtures, "tables.fits"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "short.fits")
	if err := os.WriteFile(bad, b[:3*fitsBlock+100], 0o644); err != nil { // HDU 1's data cut
		t.Fatal(err)
	}
	out, err := runFitsCmd("info", bad)
	if out != "0\tPRIMARY\tPRIMARY\t\t8\n" || exitCode(err) != 1 || !strings.Contains(fmt.Sprint(err), bad+": HDU 1: data truncated") {
		t.Errorf("info of a truncated file: %q, %v", out, err)
	}
	out, err = runFitsCmd("info", "--json", bad)
	var js []map[string]any
	if jerr := json.Unmarshal([]byte(out), &js); jerr != nil || len(js) != 1 || err == nil || !strings.Contains(err.Error(), "HDU 1: data truncated") {
		t.Errorf("info --json of a truncated file: %q, %v", out, err)
	}
	out, err = runFitsCmd("verify", bad)
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, "HDU 1: data truncated") || !strings.Contains(fmt.Sprint(err), "1 problem(s)") {
		t.Errorf("verify of a truncated file: %q, %v", out, err)
	}
	_, err = runFitsCmd("pixels", "--hdu", "1", bad)
	if err == nil || strings.Contains(err.Error(), "--plane") || !strings.Contains(err.Error(), "HDU 1 is a BINTABLE HDU, not an image") {
		t.Errorf("pixels of a table: %v", err)
	}
	img := filepath.Join(fitsFixtures, "images.fits")
	_, err = runFitsCmd("pixels", "--hdu", "i16", "--window", "0,0,9999,1", img)
	if err == nil || !strings.HasPrefix(err.Error(), "--window 0,0,9999,1: outside") {
		t.Errorf("pixels --window out of range: %v", err)
	}
	_, err = runFitsCmd("pixels", "--hdu", "i16", "--plane", "5", img)
	if err == nil || !strings.HasPrefix(err.Error(), "--plane 5: out of range") {
		t.Errorf("pixels --plane out of range: %v", err)
	}
}
