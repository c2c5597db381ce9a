package apptest

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"
)

// encodings returns s as UTF-8, UTF-16LE and UTF-16BE (SQLite may store text in either).
func encodings(s string) map[string][]byte {
	u := utf16.Encode([]rune(s))
	le, be := make([]byte, 2*len(u)), make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(le[2*i:], c)
		binary.BigEndian.PutUint16(be[2*i:], c)
	}
	return map[string][]byte{"UTF-8": []byte(s), "UTF-16LE": le, "UTF-16BE": be}
}

// RawOccurrences counts how often s occurs, in any encoding, in each file (for the checks
// that encrypted text never reaches the disk in plain text).
func RawOccurrences(t testing.TB, files []string, s string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for enc, needle := range encodings(s) {
			if n := bytes.Count(b, needle); n > 0 {
				out[filepath.Base(f)+" ("+enc+")"] += n
			}
		}
	}
	return out
}

// DatabaseFiles returns the SQLite database file at path with its -wal and -shm files.
func DatabaseFiles(t testing.TB, path string) []string {
	t.Helper()
	files, err := filepath.Glob(path + "*")
	if err != nil || len(files) == 0 {
		t.Fatalf("database files of %s: %v, %v", path, files, err)
	}
	return files
}
