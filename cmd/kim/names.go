package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"

	"kim/internal/names"
)

// maxMatchLine bounds one input line of `kim names match` (without its line break); a longer
// line is answered as malformed, and reading goes on with the next line.
const maxMatchLine = 64 * 1024

// matchBatch is the number of lines compared together, in parallel, before they are written in
// input order.
const matchBatch = 2048

// cmdNamesMatch reads NAME_A<TAB>NAME_B lines on stdin and writes SCORE<TAB>MATCH for each, in
// order. An empty or malformed line gives "0\t0". It never stops on bad input.
func cmdNamesMatch(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 {
		return usageErr("names match: unexpected argument %q (it reads NAME_A<TAB>NAME_B lines on stdin)", args[0])
	}
	r := bufio.NewReaderSize(stdin, 256*1024)
	w := bufio.NewWriterSize(stdout, 256*1024)
	workers := max(1, runtime.GOMAXPROCS(0))
	lines := make([][]byte, 0, matchBatch)
	out := make([][]byte, matchBatch)
	for {
		lines = lines[:0]
		var readErr error
		for len(lines) < matchBatch {
			if len(lines) > 0 && r.Buffered() == 0 {
				break // answer what we have before waiting for more input (interactive use)
			}
			line, err := readLine(r)
			if err != nil {
				readErr = err
				if line == nil {
					break
				}
			}
			lines = append(lines, line)
			if err != nil {
				break
			}
		}
		scoreLines(lines, out, workers)
		for i := range lines {
			if _, err := w.Write(out[i]); err != nil {
				return err
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if readErr != nil {
			if errors.Is(readErr, io.EOF) {
				return nil
			}
			return readErr
		}
	}
}

// readLine returns the next line without its line break, nil at the end of input. A line longer
// than maxMatchLine comes back as an empty slice (malformed) after it was skipped.
func readLine(r *bufio.Reader) ([]byte, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxMatchLine+2 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && len(buf) == 0 && !tooLong {
			return nil, err
		}
		if tooLong {
			return []byte{}, err
		}
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		return buf, err
	}
}

// scoreLines fills out[i] with the answer line for lines[i], spreading the work over workers.
func scoreLines(lines, out [][]byte, workers int) {
	if len(lines) < 64 || workers == 1 {
		for i, l := range lines {
			out[i] = answer(out[i][:0], l)
		}
		return
	}
	var wg sync.WaitGroup
	per := (len(lines) + workers - 1) / workers
	for lo := 0; lo < len(lines); lo += per {
		hi := min(lo+per, len(lines))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = answer(out[i][:0], lines[i])
			}
		}()
	}
	wg.Wait()
}

// answer appends "SCORE\tMATCH\n" for one input line.
func answer(dst, line []byte) []byte {
	tab := bytes.IndexByte(line, '\t')
	if tab <= 0 || tab == len(line)-1 || bytes.IndexByte(line[tab+1:], '\t') >= 0 {
		return append(dst, "0\t0\n"...)
	}
	res := names.Compare(string(line[:tab]), string(line[tab+1:]))
	dst = strconv.AppendFloat(dst, res.Score, 'f', -1, 64)
	if res.Match {
		return append(dst, "\t1\n"...)
	}
	return append(dst, "\t0\n"...)
}

// cmdNamesExplain prints which parts of two names matched how.
func cmdNamesExplain(args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return usageErr("names explain: want two names, e.g. kim names explain \"Mohammed Al-Hassan\" \"محمد الحسن\"")
	}
	_, err := fmt.Fprint(stdout, names.Explain(args[0], args[1]).String())
	return err
}
