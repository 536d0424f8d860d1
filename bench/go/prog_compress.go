// prog/Compress: the Go twin of examples/gip/compress.c (bench/c/scenarios/prog_compress.c): gzip
// each of `files` files of `kib` KiB to FILE.gz, one goroutine per file, a sync.WaitGroup; level 1
// is gzip.BestSpeed. The inputs are the programs' generated text (genText, seed = file number),
// written once per size into a temporary directory that progCleanup removes.
//
// Go's compress/gzip is Go's own deflate, not zlib: this row compares libraries as much as
// task runtimes (docs/programs.md).
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

func init() {
	register(&scenario{prim: "prog", name: "Compress", run: progCompress,
		sweeps: []sweep{{"files", fixed(64), fixed(4)}, {"kib", fixed(1024), fixed(64)},
			{"level", fixed(1), nil}}})
}

var compressIn struct {
	dir        string
	files, kib int
	paths      []string
}

// progCleanup removes the generated inputs and their .gz files (main's deferred call).
func progCleanup() {
	if compressIn.dir != "" {
		os.RemoveAll(compressIn.dir)
		compressIn.dir = ""
	}
}

func compressPrepare(files, kib int) error {
	if compressIn.files == files && compressIn.kib == kib && compressIn.dir != "" {
		return nil
	}
	progCleanup()
	dir, err := os.MkdirTemp("", "csplab-gobench-compress-")
	if err != nil {
		return err
	}
	compressIn.dir, compressIn.paths = dir, nil
	buf := make([]byte, kib*1024)
	for i := 0; i < files; i++ {
		path := filepath.Join(dir, fmt.Sprintf("in%d.txt", i+1))
		genText(buf, uint64(i+1))
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			return err
		}
		compressIn.paths = append(compressIn.paths, path)
	}
	compressIn.files, compressIn.kib = files, kib
	return nil
}

// compressFile is gip_compress_file: it knows nothing of goroutines or WaitGroups.
func compressFile(path string, level int) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(path + ".gz")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 64*1024)
	gz, err := gzip.NewWriterLevel(w, level)
	if err == nil {
		_, err = io.Copy(gz, in)
	}
	if cerr := gz.Close(); err == nil {
		err = cerr
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func progCompress(b *B) {
	files, kib, level := int(b.Arg("files")), int(b.Arg("kib")), int(b.Arg("level"))
	b.StopTimer()
	if err := compressPrepare(files, kib); err != nil {
		b.Errorf("inputs: %v", err)
		return
	}
	b.StartTimer()
	errs := make([]error, files)
	for i := int64(0); i < b.N; i++ {
		var wg sync.WaitGroup
		for f, path := range compressIn.paths {
			wg.Add(1)
			go func(f int, path string) { // the file passed in: not the loop variable
				defer wg.Done()
				errs[f] = compressFile(path, level)
			}(f, path)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Errorf("%v", err)
				return
			}
		}
	}
}
