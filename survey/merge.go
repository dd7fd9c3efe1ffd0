package survey

import (
	"bufio"
	"bytes"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/galforge/galforge/fits"
)

// hduInfo is one HDU of a FITS file as Merge sees it: the parsed header
// and where its data lies.
type hduInfo struct {
	hdr       *fits.Header
	dataStart int64
	dataBytes int64 // without padding
	lastAxis  int   // NAXISn of the last axis (0 when NAXIS = 0)
	naxis     int
}

// scanHDUs lists the HDUs of a FITS file without reading their data.
func scanHDUs(path string) ([]hduInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	var out []hduInfo
	off := int64(0)
	block := make([]byte, fits.BlockSize)
	for off < st.Size() {
		var hb []byte
		for {
			if _, err := f.ReadAt(block, off+int64(len(hb))); err != nil {
				return nil, fmt.Errorf("survey: %s: HDU %d: header without END: %w", path, len(out), err)
			}
			hb = append(hb, block...)
			if hasEnd(block) {
				break
			}
		}
		h, _, err := fits.ParseHeader(hb)
		if err != nil {
			return nil, fmt.Errorf("survey: %s: HDU %d: %w", path, len(out), err)
		}
		bitpix, _ := h.Int("BITPIX")
		naxis, _ := h.Int("NAXIS")
		n := int64(0)
		last := 0
		if naxis > 0 {
			n = 1
			for k := int64(1); k <= naxis; k++ {
				a, ok := h.Int(fmt.Sprintf("NAXIS%d", k))
				if !ok {
					return nil, fmt.Errorf("survey: %s: HDU %d: NAXIS%d missing", path, len(out), k)
				}
				n *= a
				last = int(a)
			}
			pc, _ := h.Int("PCOUNT")
			n = (n + pc) * abs64(bitpix) / 8
		}
		start := off + int64(len(hb))
		if start+n > st.Size() {
			return nil, fmt.Errorf("survey: %s: HDU %d: truncated: its data needs %d bytes, the file has %d after the header", path, len(out), n, st.Size()-start)
		}
		out = append(out, hduInfo{hdr: h, dataStart: start, dataBytes: n, lastAxis: last, naxis: int(naxis)})
		off = start + (n+fits.BlockSize-1)/fits.BlockSize*fits.BlockSize
	}
	return out, nil
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func hasEnd(block []byte) bool {
	for i := 0; i+80 <= len(block); i += 80 {
		if bytes.Equal(bytes.TrimRight(block[i:i+80], " "), []byte("END")) {
			return true
		}
	}
	return false
}

// Merge joins the outputs of shard folders (in any order) into outDir; the
// image and truth-catalog files equal byte for byte those of one run of the
// same config. Every shard must come from the same config and shard count,
// and every index must be present once.
func Merge(outDir string, shardDirs []string) (*RunInfo, error) {
	start := time.Now()
	if len(shardDirs) == 0 {
		return nil, fmt.Errorf("survey merge: no shard folders given")
	}
	infos := make([]*RunInfo, len(shardDirs))
	for k, d := range shardDirs {
		info, err := ReadRunInfo(filepath.Join(d, RunFile))
		if err != nil {
			return nil, fmt.Errorf("survey merge: shard folder %s: %w", d, err)
		}
		infos[k] = info
	}
	order := make([]int, len(shardDirs))
	for k := range order {
		order[k] = k
	}
	sort.Slice(order, func(a, b int) bool { return infos[order[a]].Shard < infos[order[b]].Shard })
	first := infos[order[0]]
	if first.Shards != len(shardDirs) {
		return nil, fmt.Errorf("survey merge: %s is shard %d of %d, but %d shard folders were given", shardDirs[order[0]], first.Shard, first.Shards, len(shardDirs))
	}
	for pos, k := range order {
		in := infos[k]
		if in.Config != first.Config {
			return nil, fmt.Errorf("survey merge: %s was made from a different config than %s", shardDirs[k], shardDirs[order[0]])
		}
		if in.Shards != first.Shards || in.Shard != pos {
			return nil, fmt.Errorf("survey merge: %s: shard %d/%d; need each of 0..%d once", shardDirs[k], in.Shard, in.Shards, first.Shards-1)
		}
	}
	dirs := make([]string, len(order))
	for pos, k := range order {
		dirs[pos] = shardDirs[k]
	}
	imgName := StampsFile
	if _, err := os.Stat(filepath.Join(dirs[0], StampsFile)); err != nil {
		imgName = FieldFile
	}
	counts := make([]int, len(order))
	for pos, k := range order {
		counts[pos] = infos[k].Count
	}
	files := []string{PSFFile, imgName, TruthFITS, TruthCSV, PreviewFile, RunFile}
	cleanup, err := prepareOutDir(outDir)
	if err != nil {
		return nil, fmt.Errorf("survey merge: %w", err)
	}
	ok := false
	var written []string
	defer func() {
		if !ok {
			cleanup(written)
		}
	}()
	for _, name := range []string{imgName, TruthFITS} {
		if err := mergeFITS(filepath.Join(outDir, name), dirs, name); err != nil {
			return nil, err
		}
		written = append(written, name)
	}
	if err := mergeCSV(filepath.Join(outDir, TruthCSV), dirs, counts); err != nil {
		return nil, err
	}
	written = append(written, TruthCSV)
	psf, err := os.ReadFile(filepath.Join(dirs[0], PSFFile))
	if err != nil {
		return nil, fmt.Errorf("survey merge: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(outDir, PSFFile), psf); err != nil {
		return nil, err
	}
	written = append(written, PSFFile)
	if err := writePreview(filepath.Join(outDir, imgName), filepath.Join(outDir, PreviewFile)); err != nil {
		return nil, err
	}
	written = append(written, PreviewFile)
	out := *first
	out.Shard, out.Shards = 0, 1
	out.First, out.Count = 0, first.Objects
	out.RowFirst, out.RowCount = 0, 0
	out.Timings = map[string]float64{}
	for _, in := range infos {
		out.Timings["shards_render_sum"] += in.Timings["render"]
		out.RowCount += in.RowCount
	}
	// The rate over all shards: galaxies per second of summed render time
	// (one worker pool's rate, whatever the number of nodes).
	out.Rate = 0
	if t := out.Timings["shards_render_sum"]; t > 0 {
		out.Rate = float64(out.Count) / t
	}
	out.Merged = dirs
	out.Files = files
	out.Timings["merge"] = time.Since(start).Seconds()
	if err := writeRunInfo(filepath.Join(outDir, RunFile), &out); err != nil {
		return nil, err
	}
	ok = true
	return &out, removeOthers(outDir, files)
}

// mergeFITS concatenates, HDU by HDU, the data of the shards' files along
// their last axis, with the header of shard 0 less its shard cards and with
// the last axis set to the total.
func mergeFITS(outPath string, dirs []string, name string) error {
	var all [][]hduInfo
	for _, d := range dirs {
		h, err := scanHDUs(filepath.Join(d, name))
		if err != nil {
			return err
		}
		if len(all) > 0 && len(h) != len(all[0]) {
			return fmt.Errorf("survey merge: %s has %d HDUs, %s has %d", filepath.Join(d, name), len(h), filepath.Join(dirs[0], name), len(all[0]))
		}
		all = append(all, h)
	}
	st, err := createStream(outPath)
	if err != nil {
		return err
	}
	defer st.Abort()
	for k := range all[0] {
		h := all[0][k].hdr.Copy()
		h.Delete("GFSHARD")
		h.Delete("GFNSHARD")
		total, bytes := 0, int64(0)
		for _, hs := range all {
			total += hs[k].lastAxis
			bytes += hs[k].dataBytes
		}
		if n := all[0][k].naxis; n > 0 {
			h.Set(fmt.Sprintf("NAXIS%d", n), int64(total), "")
		}
		if err := st.begin(h, bytes); err != nil {
			return err
		}
		for s, hs := range all {
			f, err := os.Open(filepath.Join(dirs[s], name))
			if err != nil {
				return fmt.Errorf("survey merge: %w", err)
			}
			err = st.copyFrom(io.NewSectionReader(f, hs[k].dataStart, hs[k].dataBytes), hs[k].dataBytes)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	return st.Close()
}

// mergeCSV joins the shards' truth.csv files, keeping the first header line.
// Each shard must hold counts[s] rows, which catches a truncated file.
func mergeCSV(outPath string, dirs []string, counts []int) error {
	out, err := createAtomic(outPath)
	if err != nil {
		return err
	}
	for s, d := range dirs {
		f, err := os.Open(filepath.Join(d, TruthCSV))
		if err != nil {
			out.Abort()
			return fmt.Errorf("survey merge: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		line := 0
		for sc.Scan() {
			if line > 0 || s == 0 {
				out.WriteString(strings.TrimRight(sc.Text(), "\r"))
				out.WriteByte('\n')
			}
			line++
		}
		f.Close()
		if err := sc.Err(); err != nil {
			out.Abort()
			return fmt.Errorf("survey merge: %s: %w", filepath.Join(d, TruthCSV), err)
		}
		if line-1 != counts[s] {
			out.Abort()
			return fmt.Errorf("survey merge: %s: %d rows, but its run.json says %d (truncated?)", filepath.Join(d, TruthCSV), max(line-1, 0), counts[s])
		}
	}
	return out.Close()
}
