package pdfdoc

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// coverDoc writes a document with a title page, contents of three chapters and chapters of
// different lengths; chapter 2 is never started.
func coverDoc(t *testing.T, lang string) (*Doc, []byte) {
	t.Helper()
	d := New("Jahresbericht 2025", lang, Options{Footer: "Stadt Solingen · Jahresbericht", PageWord: "Seite", Cover: &Cover{
		Subtitle: "Stadt Solingen", Facts: [][2]string{{"Jahr", "2025"}, {"Zielgruppe", "Integrationsrat"}, {"Leer", ""}},
		Note: "Werte von 1 bis 4 sind unterdrückt (< 5)."}})
	if d.PageNo() != 2 {
		t.Fatalf("after the title page the text starts on page %d", d.PageNo())
	}
	titles := []string{"1 Vorwort", "2 Fallmanagement mit einem sehr langen Titel, der in der Liste des Inhalts umbrechen muss, weil er nicht in eine Zeile passt", "3 Ausblick", "4 Nie begonnen"}
	d.Contents("Inhalt", titles)
	d.NewPage()
	d.Chapter(0)
	d.Paragraph("Kurz.")
	d.NewPage()
	d.Chapter(1)
	for i := range 200 {
		d.Paragraph(fmt.Sprintf("Absatz %d des Fallmanagements.", i))
	}
	d.Chapter(2) // continues on the page where chapter 2 ends
	d.Paragraph("Ende.")
	d.Chapter(7) // outside the contents: nothing
	b, err := d.Bytes()
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("err %v", err)
	}
	return d, b
}

// A document with a title page opens with the title page, then the contents, then the
// chapters; the contents know the page each chapter starts on.
func TestTitlePageAndContents(t *testing.T) {
	for _, lang := range []string{"de", "ar"} {
		d, b := coverDoc(t, lang)
		pages := d.ContentsPages()
		if len(pages) != 4 || pages[0] != 3 || pages[1] != 4 || pages[2] <= pages[1] || pages[2] != d.PageNo() || pages[3] != 0 {
			t.Errorf("%s: chapter pages %v, last page %d", lang, pages, d.PageNo())
		}
		if n := bytes.Count(b, []byte("/Type /Page\n")) + bytes.Count(b, []byte("/Type /Page ")); n != d.PageNo() || n < 6 {
			t.Errorf("%s: %d pages, PageNo %d", lang, n, d.PageNo())
		}
	}
}

// The contents show the real page numbers (not the placeholders) next to the titles, and the
// title page has no footer. Checked in the text of the PDF when poppler's pdftotext is
// installed (in CI it must be).
func TestContentsShowThePageNumbers(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("pdftotext (poppler-utils) is not installed")
		}
		t.Fatal("pdftotext (poppler-utils) is needed in CI")
	}
	d, b := coverDoc(t, "de")
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	page := func(n int) string {
		out, err := exec.Command(bin, "-layout", "-f", fmt.Sprint(n), "-l", fmt.Sprint(n), path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(string(out)), " ")
	}
	cover := page(1)
	for _, want := range []string{"Jahresbericht 2025", "Stadt Solingen", "Integrationsrat", "Werte von 1 bis 4"} {
		if !strings.Contains(cover, want) {
			t.Errorf("title page lacks %q: %q", want, cover)
		}
	}
	if strings.Contains(cover, "Seite") || strings.Contains(cover, "Leer") {
		t.Errorf("title page: %q", cover)
	}
	toc := page(2)
	if strings.Contains(toc, "{toc") {
		t.Fatalf("placeholders left in the contents: %q", toc)
	}
	pages := d.ContentsPages()
	for i, want := range []string{"1 Vorwort", "muss, weil er nicht in eine Zeile passt", "3 Ausblick"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want) + ` ` + fmt.Sprint(pages[i]) + `\b`).MatchString(toc) {
			t.Errorf("contents lack %q with page %d: %q", want, pages[i], toc)
		}
		if !strings.Contains(page(pages[i]), strings.Fields(want)[0]) {
			t.Errorf("page %d does not show chapter %d", pages[i], i)
		}
	}
	if !strings.Contains(toc, "4 Nie begonnen -") || !strings.Contains(toc, fmt.Sprintf("Seite 2/%d", d.PageNo())) {
		t.Errorf("contents page: %q", toc)
	}
}
