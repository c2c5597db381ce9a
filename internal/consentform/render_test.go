package consentform

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var countRE = regexp.MustCompile(`/Type /Pages\n/Kids \[[^\]]*\]\n/Count (\d+)`)

// pageCount reads the page count from the (uncompressed) page tree.
func pageCount(t *testing.T, pdf []byte) int {
	t.Helper()
	m := countRE.FindSubmatch(pdf)
	if m == nil {
		// Fall back to counting page objects.
		return bytes.Count(pdf, []byte("/Type /Page\n"))
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func allLangs() []string { return append([]string{"de"}, Languages()...) }

func TestRenderEveryLanguage(t *testing.T) {
	for _, lang := range allLangs() {
		t.Run(lang, func(t *testing.T) {
			pdf, err := Render(sampleForm(lang))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("output does not start with %%PDF-: %q", pdf[:min(len(pdf), 16)])
			}
			if !bytes.Contains(pdf, []byte("%%EOF")) {
				t.Error("output has no EOF marker")
			}
			if n := pageCount(t, pdf); n < 1 || n > 4 {
				t.Errorf("%d pages, want 1 to 4", n)
			}
			if !bytes.Contains(pdf, []byte("/FontFile2")) {
				t.Error("font is not embedded")
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	for _, lang := range []string{"de", "ar", "fa", "uk"} {
		a, err := Render(sampleForm(lang))
		if err != nil {
			t.Fatal(err)
		}
		b, err := Render(sampleForm(lang))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renders of the same form differ", lang)
		}
	}
	x, _ := Render(sampleForm("tr"))
	f := sampleForm("tr")
	f.ClientName = "Ayşe Yılmaz"
	y, _ := Render(f)
	if bytes.Equal(x, y) {
		t.Error("different forms gave the same PDF")
	}
}

func TestRenderVariants(t *testing.T) {
	variants := map[string]func(*Form){
		"one way until closure": func(f *Form) {
			f.Direction, f.ValidUntil, f.UntilCaseClosure = DirectionOneWay, "", true
		},
		"no special, no interpreter, given on": func(f *Form) {
			f.Special, f.Interpreter, f.GivenOn = nil, "", "05.11.2026"
		},
		"only special categories": func(f *Form) {
			f.Categories, f.Special = nil, SpecialCodes()
		},
		"minimal person": func(f *Form) {
			f.ClientNameOriginal, f.BirthDate, f.OrgAddress = "", "", nil
		},
		"Arabic organisation and recipient": func(f *Form) {
			f.Organisation = "جمعية المساعدة – Solingen"
			f.Recipients = []string{"مركز الاستشارة (Ohligs)", "Jobcenter"}
		},
		"multi-line purpose": func(f *Form) {
			f.Purpose = "1. Wohnungssuche\n2. Anmeldung Kita (Tochter, 4 Jahre)\n\n3. Sprachkurs B1"
		},
		"worst case": func(f *Form) {
			f.Recipients = nil
			for i := 0; i < 12; i++ {
				f.Recipients = append(f.Recipients, "Beratungsstelle Nummer "+strconv.Itoa(i+1)+" mit einem recht langen Namen, Solingen-Mitte")
			}
			f.Purpose = strings.Repeat("Ein sehr langer Zweck mit vielen Wörtern. ", 28)
			f.Categories, f.Special = CategoryCodes(), SpecialCodes()
			f.Organisation = strings.Repeat("Organisation ", 15)
			f.ClientName = strings.Repeat("Namenlang", 20)
		},
	}
	for name, change := range variants {
		for _, lang := range []string{"de", "ar", "ru"} {
			f := sampleForm(lang)
			change(&f)
			pdf, err := Render(f)
			if err != nil {
				t.Errorf("%s/%s: %v", name, lang, err)
				continue
			}
			if n := pageCount(t, pdf); n < 1 || (name != "worst case" && n > 4) || n > 8 {
				t.Errorf("%s/%s: %d pages", name, lang, n)
			}
		}
	}
}

// TestWriteSamples writes the seven sample PDFs to a temporary directory
// and, when poppler's pdftoppm and pdftotext are installed, renders them to
// PNG and checks the extracted text (skipped when poppler is missing).
func TestWriteSamples(t *testing.T) {
	dir := t.TempDir()
	for _, lang := range allLangs() {
		pdf, err := Render(sampleForm(lang))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "consent-"+lang+".pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := exec.LookPath("pdftoppm"); err == nil {
			out, err := exec.Command("pdftoppm", "-r", "60", "-png", path, filepath.Join(dir, "consent-"+lang)).CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Errorf("%s: pdftoppm: %v %s", lang, err, out)
			}
			if _, err := os.Stat(filepath.Join(dir, "consent-"+lang+"-1.png")); err != nil {
				t.Errorf("%s: no PNG of page 1: %v", lang, err)
			}
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
			if err != nil {
				t.Fatalf("%s: pdftotext: %v", lang, err)
			}
			text := string(out)
			n := pageCount(t, pdf)
			for _, want := range []string{"Einwilligung", "Mohammed Al-Hassan", "Jobcenter Solingen, Team U25",
				"Seite 1 von " + strconv.Itoa(n), "Seite " + strconv.Itoa(n) + " von " + strconv.Itoa(n), "Formular 2026-11"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: extracted text lacks %q", lang, want)
				}
			}
		}
	}
}

func TestRenderConcurrent(t *testing.T) {
	want := map[string][]byte{}
	for _, lang := range allLangs() {
		b, err := Render(sampleForm(lang))
		if err != nil {
			t.Fatal(err)
		}
		want[lang] = b
	}
	errs := make(chan string, 2*len(want))
	done := make(chan struct{})
	for i := 0; i < 2; i++ {
		for _, lang := range allLangs() {
			go func() {
				defer func() { done <- struct{}{} }()
				b, err := Render(sampleForm(lang))
				if err != nil || !bytes.Equal(b, want[lang]) {
					errs <- lang
				}
			}()
		}
	}
	for i := 0; i < 2*len(want); i++ {
		<-done
	}
	close(errs)
	for lang := range errs {
		t.Errorf("%s: concurrent render differs from serial render", lang)
	}
}
