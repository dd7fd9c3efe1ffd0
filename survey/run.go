package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/internal/version"
	"github.com/galforge/galforge/pix"
)

// Options control how Run executes a config; they do not change its output
// bytes (except the run JSON's timings).
type Options struct {
	// Shard and Shards split the run: this process renders shard Shard
	// (0-based, as a Kubernetes Indexed Job counts) of Shards. Shards <= 1
	// renders everything.
	Shard, Shards int
	// Workers is the number of goroutines drawing stamps; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called after each finished batch with the
	// number of galaxies done and the total of this shard.
	Progress func(done, total int)
	// Context, when set, cancels the run between batches (e.g. on Ctrl-C):
	// Run then removes its temporary and written files and returns an
	// error wrapping the context's error.
	Context context.Context
}

// outputs are the file names a run or merge may write into its folder.
var outputs = []string{StampsFile, FieldFile, PSFFile, TruthFITS, TruthCSV, PreviewFile, RunFile}

// CheckOutDir reports, before any work, whether dir can be an output
// folder: it must be a folder or not exist yet, and its nearest existing
// parent must be a folder.
func CheckOutDir(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err == nil {
			if !st.IsDir() {
				if d == dir {
					return fmt.Errorf("output folder %s exists and is not a folder", dir)
				}
				return fmt.Errorf("output folder %s: %s is not a folder", dir, d)
			}
			return nil
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// prepareOutDir makes the output folder (0755) and removes temporary files
// that an interrupted run left under the names of galforge's outputs. The
// returned cleanup, for a failed run, removes the files it is given and the
// folder when this call created it.
func prepareOutDir(dir string) (cleanup func(written []string), err error) {
	if err := CheckOutDir(dir); err != nil {
		return nil, err
	}
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, name := range outputs {
		stale, _ := filepath.Glob(filepath.Join(dir, "."+name+".tmp*"))
		for _, f := range stale {
			os.Remove(f)
		}
	}
	return func(written []string) {
		for _, f := range written {
			os.Remove(filepath.Join(dir, f))
		}
		if os.IsNotExist(statErr) {
			os.Remove(dir)
		}
	}, nil
}

// removeOthers removes the galforge outputs in dir that a successful run
// did not write (files lists those it wrote), so that a re-used folder holds
// one run: a stamps run after a field run leaves no old image.fits behind.
func removeOthers(dir string, files []string) error {
	for _, name := range outputs {
		if slices.Contains(files, name) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("survey: removing the previous run's %s: %w", name, err)
		}
	}
	return nil
}

// cancelled returns the context's error, wrapped, once it is done.
func (o *Options) cancelled() error {
	if o.Context == nil {
		return nil
	}
	if err := o.Context.Err(); err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	return nil
}

// Output file names inside an output directory.
const (
	StampsFile  = "stamps.fits" // stamp cube (image.type: stamps)
	FieldFile   = "image.fits"  // full field (image.type: field)
	PSFFile     = "psf.fits"
	TruthFITS   = "truth.fits"
	TruthCSV    = "truth.csv"
	PreviewFile = "preview.png"
	RunFile     = "run.json"
)

// RunInfo is the run JSON: the config echoed, what was written, timings.
type RunInfo struct {
	Version    string             `json:"galforge_version"`
	ConfigFile string             `json:"config_file"`
	Config     string             `json:"config"` // YAML with defaults filled in
	Seed       uint64             `json:"seed"`
	Objects    int                `json:"objects"`          // in the whole run
	Shard      int                `json:"shard"`            // 0-based
	Shards     int                `json:"shards"`           // 1 for a whole run or a merge
	First      int                `json:"first_object"`     // this shard's first object
	Count      int                `json:"count"`            // objects in this shard's truth catalog
	RowFirst   int                `json:"row_first"`        // field: this shard's first row
	RowCount   int                `json:"row_count"`        // field: rows in this shard
	Files      []string           `json:"files"`            // written, relative to the output folder
	Timings    map[string]float64 `json:"timings_s"`        // seconds
	Rate       float64            `json:"galaxies_per_s"`   // rendering rate
	Merged     []string           `json:"merged,omitempty"` // shard folders (merge only)
	Workers    int                `json:"workers"`
}

// split returns the [first, first+count) part of n items that shard i of m gets.
func split(n, i, m int) (first, count int) {
	lo := int(int64(n) * int64(i) / int64(m))
	hi := int(int64(n) * int64(i+1) / int64(m))
	return lo, hi - lo
}

// Run renders the config into outDir. All inputs are checked before
// anything is written; outputs appear atomically.
func Run(c *Config, outDir string, opt Options) (*RunInfo, error) {
	start := time.Now()
	if opt.Shards <= 0 {
		opt.Shards = 1
	}
	if opt.Shard < 0 || opt.Shard >= opt.Shards {
		return nil, fmt.Errorf("survey: --shard %d/%d: the index must be in [0, %d)", opt.Shard, opt.Shards, opt.Shards)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	r, err := newRenderer(c)
	if err != nil {
		return nil, err
	}
	n := r.gen.n
	info := &RunInfo{Version: version.Version, ConfigFile: c.path, Config: c.YAML(), Seed: c.Seed,
		Objects: n, Shard: opt.Shard, Shards: opt.Shards, Workers: opt.Workers, Timings: map[string]float64{}}
	info.First, info.Count = split(n, opt.Shard, opt.Shards)
	if c.Image.Type == "field" {
		info.RowFirst, info.RowCount = split(c.Image.Ny, opt.Shard, opt.Shards)
	}
	info.Timings["setup"] = time.Since(start).Seconds()
	cleanup, err := prepareOutDir(outDir)
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	ok := false
	defer func() {
		// On failure remove what this run renamed into place, and the
		// output folder if this run created it: a run writes all or nothing.
		if !ok {
			cleanup(info.Files)
		}
	}()

	t0 := time.Now()
	psf, err := r.psfImage()
	if err != nil {
		return nil, err
	}
	if err := writeImage(filepath.Join(outDir, PSFFile), r.psfHeader(), psf); err != nil {
		return nil, err
	}
	info.Files = append(info.Files, PSFFile)

	tr, err := createTruth(outDir, r.cols, info.Count)
	if err != nil {
		return nil, err
	}
	var imgName string
	if c.Image.Type == "stamps" {
		imgName = StampsFile
		err = r.runStamps(filepath.Join(outDir, imgName), tr, info, opt)
	} else {
		imgName = FieldFile
		err = r.runField(filepath.Join(outDir, imgName), tr, info, opt)
	}
	if err != nil {
		tr.Abort()
		return nil, err
	}
	info.Files = append(info.Files, imgName, TruthFITS, TruthCSV)
	if err := tr.Close(); err != nil {
		return nil, err
	}
	info.Timings["render"] = time.Since(t0).Seconds()
	if el := time.Since(t0).Seconds(); el > 0 {
		info.Rate = float64(info.Count) / el
	}
	t1 := time.Now()
	if err := writePreview(filepath.Join(outDir, imgName), filepath.Join(outDir, PreviewFile)); err != nil {
		return nil, err
	}
	info.Files = append(info.Files, PreviewFile)
	info.Timings["preview"] = time.Since(t1).Seconds()
	info.Timings["total"] = time.Since(start).Seconds()
	info.Files = append(info.Files, RunFile)
	if err := writeRunInfo(filepath.Join(outDir, RunFile), info); err != nil {
		return nil, err
	}
	ok = true
	return info, removeOthers(outDir, info.Files)
}

func writeRunInfo(path string, info *RunInfo) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("survey: run JSON: %w", err)
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// ReadRunInfo reads a run JSON.
func ReadRunInfo(path string) (*RunInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	var info RunInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("survey: %s: %w", path, err)
	}
	return &info, nil
}

// shardCards adds the shard bookkeeping cards that Merge removes again.
func shardCards(h *fits.Header, info *RunInfo) {
	if info.Shards <= 1 {
		return
	}
	h.Set("GFSHARD", int64(info.Shard), "galforge shard index (0-based)")
	h.Set("GFNSHARD", int64(info.Shards), "galforge shard count")
}

// runStamps draws this shard's stamps in parallel batches and streams them
// into the cube plane by plane, in object order.
func (r *renderer) runStamps(path string, tr *truthWriter, info *RunInfo, opt Options) error {
	s := r.c.Image.StampSize
	h := r.stampsHeader(info.Count)
	shardCards(h, info)
	st, err := createStream(path)
	if err != nil {
		return err
	}
	defer st.Abort()
	if err := st.begin(h, imageBytes(s, s, info.Count)); err != nil {
		return err
	}
	batch := 16 * opt.Workers
	objs := make([]Object, batch)
	imgs := make([]*pix.Image, batch)
	errs := make([]error, batch)
	for b0 := 0; b0 < info.Count; b0 += batch {
		if err := opt.cancelled(); err != nil {
			return err
		}
		nb := min(batch, info.Count-b0)
		var wg sync.WaitGroup
		next := make(chan int, nb)
		for k := range nb {
			next <- k
		}
		close(next)
		for range min(opt.Workers, nb) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range next {
					objs[k] = r.gen.Object(info.First + b0 + k)
					if imgs[k] == nil {
						imgs[k] = pix.New(s, s, r.c.Image.PixelScale)
					}
					errs[k] = r.stamp(&objs[k], imgs[k], true)
				}
			}()
		}
		wg.Wait()
		for k := range nb {
			if errs[k] != nil {
				return fmt.Errorf("survey: object %d: %w", objs[k].ID, errs[k])
			}
			if err := st.float32s(imgs[k].Pix); err != nil {
				return err
			}
			if err := tr.add(&objs[k]); err != nil {
				return err
			}
		}
		if opt.Progress != nil {
			opt.Progress(b0+nb, info.Count)
		}
	}
	return st.Close()
}

// box is the pixel footprint [x0, x0+size) x [y0, y0+size) of a galaxy's
// stamp inside the field.
type box struct {
	id, x0, y0, size int
}

// runField renders this shard's rows band by band. Every galaxy touching a
// band is drawn into its own stamp (the same stamp whatever the banding) and
// added in object order, then each row gets noise seeded by its row index:
// so a pixel's value does not depend on how the rows are split.
func (r *renderer) runField(path string, tr *truthWriter, info *RunInfo, opt Options) error {
	im := &r.c.Image
	n := r.gen.n
	// Footprints of all galaxies (any of them may reach this shard's rows).
	boxes := make([]box, 0, n)
	for i := range n {
		o := r.gen.Object(i)
		b := r.footprint(&o)
		if b.y0 < info.RowFirst+info.RowCount && b.y0+b.size > info.RowFirst &&
			b.x0 < im.Nx && b.x0+b.size > 0 {
			boxes = append(boxes, b)
		}
	}
	sort.SliceStable(boxes, func(a, b int) bool { return boxes[a].y0 < boxes[b].y0 })

	h := r.fieldHeader()
	h.Set("NAXIS2", int64(info.RowCount), "")
	shardCards(h, info)
	st, err := createStream(path)
	if err != nil {
		return err
	}
	defer st.Abort()
	if err := st.begin(h, imageBytes(im.Nx, info.RowCount)); err != nil {
		return err
	}
	const bandRows = 256
	cache := map[int]*pix.Image{}
	next := 0 // boxes[:next] have started
	var active []box
	for y0 := info.RowFirst; y0 < info.RowFirst+info.RowCount; y0 += bandRows {
		if err := opt.cancelled(); err != nil {
			return err
		}
		y1 := min(y0+bandRows, info.RowFirst+info.RowCount)
		for next < len(boxes) && boxes[next].y0 < y1 {
			active = append(active, boxes[next])
			next++
		}
		// Drop finished galaxies, draw the new ones in parallel.
		keep := active[:0]
		for _, b := range active {
			if b.y0+b.size > y0 {
				keep = append(keep, b)
			} else {
				delete(cache, b.id)
			}
		}
		active = keep
		sort.Slice(active, func(a, b int) bool { return active[a].id < active[b].id })
		if err := r.drawMissing(active, cache, opt.Workers); err != nil {
			return err
		}
		band := pix.New(im.Nx, y1-y0, im.PixelScale)
		for _, b := range active {
			addStamp(band, cache[b.id], b.x0, b.y0-y0)
		}
		row := &pix.Image{Nx: im.Nx, Ny: 1, Stride: im.Nx, Scale: im.PixelScale}
		for y := y0; y < y1; y++ {
			row.Pix = band.Pix[(y-y0)*band.Stride : (y-y0)*band.Stride+im.Nx]
			if err := r.addNoise(row, newRand(fieldNoiseSeed(r.c.Seed), uint64(y))); err != nil {
				return err
			}
			if err := st.float32s(row.Pix); err != nil {
				return err
			}
		}
		if opt.Progress != nil {
			opt.Progress(y1-info.RowFirst, info.RowCount)
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	// The truth catalog rows of this shard.
	for i := info.First; i < info.First+info.Count; i++ {
		o := r.gen.Object(i)
		if err := r.finishObject(&o); err != nil {
			return fmt.Errorf("survey: object %d: %w", i, err)
		}
		if err := tr.add(&o); err != nil {
			return err
		}
	}
	return nil
}

func fieldNoiseSeed(seed uint64) uint64 { return splitmix(seed ^ 0x5EED0F1E1D) }

// drawMissing draws the stamps of active galaxies not yet in cache.
func (r *renderer) drawMissing(active []box, cache map[int]*pix.Image, workers int) error {
	var todo []box
	for _, b := range active {
		if cache[b.id] == nil {
			todo = append(todo, b)
		}
	}
	out := make([]*pix.Image, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	next := make(chan int, len(todo))
	for k := range todo {
		next <- k
	}
	close(next)
	for range min(workers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				b := todo[k]
				o := r.gen.Object(b.id)
				img := pix.New(b.size, b.size, r.c.Image.PixelScale)
				// Draw with the centre placed relative to the stamp corner.
				oo := o
				oo.X, oo.Y = o.X-float64(b.x0), o.Y-float64(b.y0)
				errs[k] = r.stamp(&oo, img, false)
				out[k] = img
			}
		}()
	}
	wg.Wait()
	for k, b := range todo {
		if errs[k] != nil {
			return fmt.Errorf("survey: object %d: %w", b.id, errs[k])
		}
		cache[b.id] = out[k]
	}
	return nil
}

// addStamp adds stamp s with its lower-left pixel at (x0, y0) of dst.
func addStamp(dst, s *pix.Image, x0, y0 int) {
	for j := range s.Ny {
		y := y0 + j
		if y < 0 || y >= dst.Ny {
			continue
		}
		for i := range s.Nx {
			x := x0 + i
			if x < 0 || x >= dst.Nx {
				continue
			}
			dst.Pix[y*dst.Stride+x] += s.Pix[j*s.Stride+i]
		}
	}
}

// writeImage writes one float32 image as a whole FITS file.
func writeImage(path string, h *fits.Header, img *pix.Image) error {
	st, err := createStream(path)
	if err != nil {
		return err
	}
	defer st.Abort()
	if err := st.begin(h, imageBytes(img.Nx, img.Ny)); err != nil {
		return err
	}
	for y := range img.Ny {
		if err := st.float32s(img.Pix[y*img.Stride : y*img.Stride+img.Nx]); err != nil {
			return err
		}
	}
	return st.Close()
}
