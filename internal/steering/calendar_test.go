package steering

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// calLines splits a calendar into its physical lines and checks the line ends: CRLF only, no
// line over 75 octets, none cutting a character in half.
func calLines(t *testing.T, b []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("the calendar does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare line break: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d has %d octets (max 75): %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a character: %q", i+1, l)
		}
	}
	return lines
}

// calUnfold joins folded lines (RFC 5545 §3.1).
func calUnfold(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, " ") && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

func TestCalendarEscapesAndFoldsLongGermanText(t *testing.T) {
	start := time.Date(2026, 3, 24, 13, 0, 0, 0, time.UTC)
	summary := "Arbeitsgruppe „Sprache und Bildung“: Übergänge, Wartezeiten; Kita-Plätze für Familien in Ohligs, Wald und Höhscheid – Abstimmung der Träger"
	desc := "Tagesordnung:\n1. Begrüßung, Protokoll der letzten Sitzung\n2. Wartezeiten bei Integrationskursen; Kinderbetreuung (Caritas, AWO, Diakonie)\n" +
		"3. Pfad C:\\Daten\\Übersicht – Größenordnung äöüß ÄÖÜ € 🙂 " + strings.Repeat("Müngsten ", 12)
	place := "Rathaus Solingen, Raum 1.23; Walter-Scheel-Platz 1, 42651 Solingen"
	e := calEvent{UID: "0190f0aa-0000-7000-8000-000000000001@kim", Summary: summary, Location: place, Description: desc,
		URL: "https://kim.example/sitzungen/0190f0aa-0000-7000-8000-000000000001", Start: start, End: start.Add(2 * time.Hour),
		Created: start.Add(-48 * time.Hour), Modified: start.Add(-24 * time.Hour), Sequence: 3, Cancelled: true}
	out := writeCalendar("KIM – Sitzungen, Gremien; Test", []calEvent{e})
	lines := calLines(t, out)
	folded := 0
	for _, l := range lines {
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded < 5 {
		t.Errorf("only %d continuation lines; the long values were not folded", folded)
	}
	content := calUnfold(lines)
	want := map[string]bool{
		"BEGIN:VCALENDAR": false, "VERSION:2.0": false, "PRODID:" + calProdID: false, "BEGIN:VEVENT": false,
		"UID:0190f0aa-0000-7000-8000-000000000001@kim": false, "DTSTART:20260324T130000Z": false, "DTEND:20260324T150000Z": false,
		"DTSTAMP:20260323T130000Z": false, "SEQUENCE:3": false, "STATUS:CANCELLED": false, "END:VEVENT": false, "END:VCALENDAR": false,
		"SUMMARY:Arbeitsgruppe „Sprache und Bildung“: Übergänge\\, Wartezeiten\\; Kita-Plätze für Familien in Ohligs\\, Wald und Höhscheid – Abstimmung der Träger": false,
		"LOCATION:Rathaus Solingen\\, Raum 1.23\\; Walter-Scheel-Platz 1\\, 42651 Solingen":                                                                         false,
		"X-WR-CALNAME:KIM – Sitzungen\\, Gremien\\; Test":                                                                                                           false,
	}
	for _, l := range content {
		if _, ok := want[l]; ok {
			want[l] = true
		}
		if strings.HasPrefix(l, "DESCRIPTION:") && !strings.Contains(l, `\nBegrüßung`) && !strings.Contains(l, `C:\\Daten\\Übersicht`) {
			t.Errorf("description not escaped: %q", l)
		}
	}
	for l, seen := range want {
		if !seen {
			t.Errorf("missing content line %q", l)
		}
	}

	// An independent parser reads the same values back.
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	get := func(p ics.ComponentProperty) string {
		prop := ev.GetProperty(p)
		if prop == nil {
			t.Fatalf("no %s", p)
		}
		return ics.FromText(prop.Value)
	}
	if got := get(ics.ComponentPropertySummary); got != summary {
		t.Errorf("summary %q", got)
	}
	if got := get(ics.ComponentPropertyDescription); got != desc {
		t.Errorf("description %q, want %q", got, desc)
	}
	if got := get(ics.ComponentPropertyLocation); got != place {
		t.Errorf("location %q", got)
	}
	if got := get(ics.ComponentPropertyStatus); got != "CANCELLED" {
		t.Errorf("status %q", got)
	}
	if got, err := ev.GetStartAt(); err != nil || !got.Equal(start) {
		t.Errorf("start %v %v", got, err)
	}
	if got, err := ev.GetEndAt(); err != nil || !got.Equal(start.Add(2*time.Hour)) {
		t.Errorf("end %v %v", got, err)
	}
}

func TestCalendarFoldsAtCharacterBoundaries(t *testing.T) {
	// Every offset of a multi-octet character against the 75-octet limit.
	for pad := 0; pad < 8; pad++ {
		for _, r := range []string{"ä", "€", "🙂"} {
			w := &calWriter{}
			w.line("SUMMARY", strings.Repeat("x", pad)+strings.Repeat(r, 80))
			lines := calLines(t, w.buf.Bytes())
			if got := calUnfold(lines)[0]; got != "SUMMARY:"+strings.Repeat("x", pad)+strings.Repeat(r, 80) {
				t.Fatalf("pad %d %s: unfolded %q", pad, r, got)
			}
		}
	}
	// A line of exactly 75 octets stays whole; 76 are folded.
	w := &calWriter{}
	w.line("SUMMARY", strings.Repeat("a", 75-len("SUMMARY:")))
	w.line("SUMMARY", strings.Repeat("a", 76-len("SUMMARY:")))
	if lines := calLines(t, w.buf.Bytes()); len(lines) != 3 || lines[2] != " a" {
		t.Errorf("lines %q", lines)
	}
}

func TestCalendarTextDropsControlCharacters(t *testing.T) {
	if got := calText("a\x00b\x1bc\r\nd\\e,f;g"); got != `abc\nd\\e\,f\;g` {
		t.Errorf("calText = %q", got)
	}
}
