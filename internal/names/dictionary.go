package names

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// The variant dictionary: groups of spellings of one name (Muhammad, Mohammed, Mehmet, محمد,
// Мухаммед …), kept as data with its sources in data/SOURCES.md. It tells variants of one name
// apart from look-alikes of another (Muhammad ≠ Mahmud, Hasan ≠ Husayn, Karim ≠ Karima).
//
//go:embed data/*.tsv
var dataFS embed.FS

// group describes one name of the dictionary.
type group struct {
	ID   string
	Sex  string // m, f, u
	Kind string // given, family, both
}

type dictEntry struct {
	sym   []byte
	group uint16
	abjad bool
}

type dictionary struct {
	groups  []group
	bySym   map[string][]uint16    // symbol string → groups
	bySkel  map[string][]dictEntry // skeleton → entries, for the nearest name of a new spelling
	idIndex map[string]uint16
}

var (
	dictOnce sync.Once
	theDict  *dictionary
	dictErr  error
)

// dict returns the dictionary, loading it on first use. The embedded data is checked by the tests,
// so a load error is a build defect; it panics with the line at fault.
func dict() *dictionary {
	dictOnce.Do(func() {
		theDict, dictErr = loadDictionary(dataFS)
	})
	if dictErr != nil {
		panic(dictErr)
	}
	return theDict
}

// maxNearest bounds the entries compared when a spelling is not in the dictionary.
const maxNearest = 256

func loadDictionary(fsys fs.FS) (*dictionary, error) {
	d := &dictionary{
		bySym:   map[string][]uint16{},
		bySkel:  map[string][]dictEntry{},
		idIndex: map[string]uint16{},
	}
	files, err := fs.Glob(fsys, "data/*.tsv")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, f := range files {
		if err := d.loadFile(fsys, f); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *dictionary) loadFile(fsys fs.FS, name string) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) != 4 {
			return fmt.Errorf("names: %s:%d: want 4 tab-separated fields, got %d", name, line, len(fields))
		}
		id := strings.TrimSpace(fields[0])
		if _, dup := d.idIndex[id]; dup || id == "" {
			return fmt.Errorf("names: %s:%d: group id %q empty or repeated", name, line, id)
		}
		if len(d.groups) >= 1<<16-1 {
			return fmt.Errorf("names: %s:%d: too many groups", name, line)
		}
		g := uint16(len(d.groups))
		d.groups = append(d.groups, group{ID: id, Sex: strings.TrimSpace(fields[1]), Kind: strings.TrimSpace(fields[2])})
		d.idIndex[id] = g
		for _, v := range strings.Split(fields[3], "|") {
			if strings.TrimSpace(v) == "" {
				return fmt.Errorf("names: %s:%d: empty variant", name, line)
			}
			d.add(v, g)
		}
	}
	return sc.Err()
}

// add registers one spelling. A spelling of several parts (Abdul Rahman) is registered as the
// parts joined, which is how the matcher sees compounds written apart.
func (d *dictionary) add(v string, g uint16) {
	n := parse(v, false)
	if len(n.tokens) == 0 {
		return
	}
	t := n.tokens[0]
	for _, u := range n.tokens[1:] {
		t = joinTokens(t, u)
	}
	key := string(t.sym)
	if !containsGroup(d.bySym[key], g) {
		d.bySym[key] = append(d.bySym[key], g)
	}
	sk := skeleton(t.sym)
	for _, e := range d.bySkel[sk] {
		if e.group == g && string(e.sym) == key {
			return // the same sounds already stand for this name
		}
	}
	d.bySkel[sk] = append(d.bySkel[sk], dictEntry{sym: t.sym, group: g, abjad: t.abjad()})
}

func containsGroup(gs []uint16, g uint16) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// annotateExact looks a token up by its exact sounds only (for parts joined while comparing,
// where the search for the nearest name would cost more than it helps).
func (d *dictionary) annotateExact(t *token) {
	if gs, ok := d.bySym[string(t.sym)]; ok {
		t.groups, t.exact = gs, true
	}
}

// annotate looks a token up: an exact entry gives its groups; otherwise the nearest entries with
// the same skeleton do, when they are close enough and one name is clearly nearest.
func (d *dictionary) annotate(t *token) {
	if gs, ok := d.bySym[string(t.sym)]; ok {
		t.groups, t.exact = gs, true
		return
	}
	entries := d.bySkel[skeleton(t.sym)]
	if len(entries) > maxNearest {
		entries = entries[:maxNearest]
	}
	var bestG, secondG uint16
	best, second := -1.0, -1.0
	for _, e := range entries {
		if endingOf(e.sym) != t.end {
			continue // Karima is not a spelling of Karim, Mohammadi not one of Mohammad
		}
		if e.abjad == t.abjad() && (len(e.sym)-len(t.sym) > 2 || len(t.sym)-len(e.sym) > 2) {
			continue // three sounds more or less are too far for a spelling
		}
		cost, n := symCost(t.sym, t.abjad(), e.sym, e.abjad)
		if !costAllowed(cost, n) {
			continue
		}
		sim := costSimilarity(cost, n)
		switch {
		case best >= 0 && e.group == bestG:
			best = max(best, sim)
		case sim > best:
			if best >= 0 {
				second, secondG = best, bestG
			}
			best, bestG = sim, e.group
		case sim > second:
			second, secondG = sim, e.group
		}
	}
	if best < nearestMin {
		return
	}
	if second >= nearestMin && best-second < nearestMargin {
		t.groups = []uint16{bestG, secondG}
		return
	}
	t.groups = []uint16{bestG}
}

// Thresholds for taking the nearest dictionary name of an unknown spelling.
const (
	nearestMin    = 0.90
	nearestMargin = 0.04
)

// groupNames lists the ids of groups for explanations.
func (d *dictionary) groupNames(gs []uint16) string {
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = d.groups[g].ID
	}
	return strings.Join(ids, "/")
}
