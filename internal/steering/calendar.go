package steering

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The iCalendar (RFC 5545) writer of the meeting calendar: one event per meeting, times in
// UTC, text escaped and lines folded at 75 octets without splitting a character.

// calEvent is a meeting as a calendar event.
type calEvent struct {
	UID         string
	Summary     string
	Location    string
	Description string
	URL         string
	Start, End  time.Time
	Created     time.Time
	Modified    time.Time
	Sequence    int
	Cancelled   bool
}

// calProdID names the product that wrote the calendar.
const calProdID = "-//KIM Kommunales Integrationsmanagement//Sitzungen//DE"

// calTime formats an instant as a UTC DATE-TIME.
func calTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// calText escapes a TEXT value: backslash, semicolon, comma and line breaks.
func calText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		default:
			if r < 0x20 && r != '\t' || r == 0x7f {
				continue // control characters are not allowed in TEXT
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// calWriter writes content lines with CRLF line ends, folded at 75 octets.
type calWriter struct{ buf bytes.Buffer }

// line writes one content line "name:value" (value already escaped), folding it so that no
// line exceeds 75 octets; a continuation line starts with a space. A multi-octet character is
// never split.
func (w *calWriter) line(name, value string) {
	s := name + ":" + value
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut])
		w.buf.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}

// writeCalendar returns a VCALENDAR with the events; name is the calendar's display name.
func writeCalendar(name string, events []calEvent) []byte {
	w := &calWriter{}
	w.line("BEGIN", "VCALENDAR")
	w.line("VERSION", "2.0")
	w.line("PRODID", calProdID)
	w.line("CALSCALE", "GREGORIAN")
	if name != "" {
		w.line("NAME", calText(name))
		w.line("X-WR-CALNAME", calText(name))
		w.line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
		w.line("X-PUBLISHED-TTL", "PT1H")
	}
	for _, e := range events {
		w.line("BEGIN", "VEVENT")
		w.line("UID", e.UID)
		// Without a METHOD, DTSTAMP is the time the event last changed (RFC 5545 §3.8.7.2).
		w.line("DTSTAMP", calTime(e.Modified))
		w.line("CREATED", calTime(e.Created))
		w.line("LAST-MODIFIED", calTime(e.Modified))
		w.line("SEQUENCE", strconv.Itoa(e.Sequence))
		w.line("DTSTART", calTime(e.Start))
		w.line("DTEND", calTime(e.End))
		w.line("SUMMARY", calText(e.Summary))
		if e.Location != "" {
			w.line("LOCATION", calText(e.Location))
		}
		if e.Description != "" {
			w.line("DESCRIPTION", calText(e.Description))
		}
		if e.URL != "" {
			w.line("URL;VALUE=URI", e.URL)
		}
		status := "CONFIRMED"
		if e.Cancelled {
			status = "CANCELLED"
		}
		w.line("STATUS", status)
		w.line("TRANSP", "OPAQUE")
		w.line("END", "VEVENT")
	}
	w.line("END", "VCALENDAR")
	return w.buf.Bytes()
}

// meetingEvent turns a meeting (with its agenda) into a calendar event; base is the address
// of the installation ("https://kim.example") for the link to the meeting's page, or "", and t
// translates the words of the event. A cancelled meeting keeps its place in the calendar,
// marked in the title as well as in its status (not every program shows STATUS). The event
// changes with the meeting and with its body (whose name is in the title).
func meetingEvent(m *Meeting, base string, t func(id string, kv ...any) string) calEvent {
	var desc strings.Builder
	if len(m.Agenda) > 0 {
		desc.WriteString(t("steering.meeting.agenda"))
		desc.WriteString(":\n")
		for _, a := range m.Agenda {
			desc.WriteString(strconv.Itoa(a.Position))
			desc.WriteString(". ")
			desc.WriteString(a.Title)
			desc.WriteString("\n")
		}
	}
	summary := m.BodyName + ": " + m.Title
	if m.Status == MeetingCancelled {
		summary = t("steering.calendar.summary_cancelled", "Summary", summary)
	}
	e := calEvent{UID: m.ID + "@kim", Summary: summary, Location: m.Place,
		Description: strings.TrimSuffix(desc.String(), "\n"), Start: m.StartsAt, End: m.EndsAt, Created: m.CreatedAt,
		Modified: m.Modified(), Sequence: m.Sequence(), Cancelled: m.Status == MeetingCancelled}
	if base != "" {
		e.URL = strings.TrimSuffix(base, "/") + "/sitzungen/" + m.ID
	}
	return e
}
