package monitoring

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"kim/internal/platform/errs"
)

// Context statistics are official figures imported from a CSV file (the city's statistics
// office, the Federal Employment Agency …): one figure per period, spatial unit and indicator.
// They are public aggregates, not personal data, and are shown beside KIM's own figures (rates
// per 1,000 residents).

// ContextIndicators are the well-known codes of context figures with a German and English
// label; other codes matching contextCode are accepted and shown by their code.
var ContextIndicators = []string{"population", "population_foreign", "population_migration", "population_foreign_syria",
	"population_foreign_turkey", "population_foreign_ukraine", "population_foreign_afghanistan", "population_foreign_iraq",
	"population_foreign_poland", "population_foreign_romania", "population_under18", "population_65plus", "sgb2_recipients",
	"sgb2_under15", "unemployed", "unemployed_foreign", "naturalisations"}

var contextCode = regexp.MustCompile(`^[a-z0-9_]{2,40}$`)

// MaxContextRows is the most data lines one import takes.
const MaxContextRows = 50000

// ContextRow is one accepted line of an import.
type ContextRow struct {
	Line       int
	Period     string // YYYY or YYYY-MM
	DistrictID string // "" for the whole city
	Indicator  string
	Value      float64
}

// LineError names a rejected line of an import and why (a message of the catalogue).
type LineError struct {
	Line    int
	Message errs.Message
}

// SpatialUnits resolves the spatial units of a file: the tenant's districts by name or code
// and the names of the whole city.
type SpatialUnits struct {
	byName map[string]string // folded name or code → district id
	city   map[string]bool
}

// NewSpatialUnits returns the units of a tenant named tenantName with its districts (id,
// name, code).
func NewSpatialUnits(tenantName string, districts []DistrictRef) SpatialUnits {
	u := SpatialUnits{byName: map[string]string{}, city: map[string]bool{"": true, "stadt": true, "gesamt": true, "gesamtstadt": true,
		"stadt gesamt": true, "insgesamt": true}}
	name := ctxFold(tenantName)
	u.city[name] = true
	u.city[strings.TrimPrefix(name, "stadt ")] = true
	codes := map[string]int{}
	for _, d := range districts {
		if d.Code != "" {
			codes[ctxFold(d.Code)]++
		}
	}
	for _, d := range districts {
		if c := ctxFold(d.Code); c != "" && codes[c] == 1 {
			u.byName[c] = d.ID
		}
	}
	for _, d := range districts {
		u.byName[ctxFold(d.Name)] = d.ID // a name wins over another district's code
	}
	return u
}

// DistrictRef is a district of the tenant as the monitoring uses it.
type DistrictRef struct {
	ID, Name, Code string
}

// resolve returns the district id of a spatial unit ("" for the city).
func (u SpatialUnits) resolve(s string) (string, bool) {
	k := ctxFold(strings.Join(strings.Fields(s), " "))
	if id, ok := u.byName[k]; ok {
		return id, true
	}
	if u.city[k] {
		return "", true
	}
	return "", false
}

// ParseContextCSV reads an import file: a header row, then period, spatial unit, indicator and
// value per line, separated by semicolons (German decimal comma) or commas, UTF-8 with or
// without byte order mark. It returns the accepted rows and every rejected line with its
// reason; the import takes the file only when no line was rejected.
func ParseContextCSV(data []byte, units SpatialUnits) ([]ContextRow, []LineError) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	fail := func(line int, id string, kv ...any) []LineError {
		return []LineError{{Line: line, Message: errs.Msg(id, kv...)}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(0, "monitoring.context.csv.empty")
	}
	if !utf8.Valid(data) {
		return nil, fail(0, "monitoring.context.csv.not_utf8")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	if bytes.ContainsRune(first, ';') {
		sep = ';'
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var (
		rows     []ContextRow
		problems []LineError
		seen     = map[string]int{}
		header   = true
	)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			problems = append(problems, LineError{Line: line, Message: errs.Msg("monitoring.context.csv.quotes")})
			break
		}
		if header {
			header = false
			if len(rec) != 4 {
				problems = append(problems, LineError{Line: line, Message: errs.Msg("monitoring.context.csv.header_columns", "Count", len(rec))})
				break
			}
			if _, ok := ctxParsePeriod(rec[0]); ok {
				problems = append(problems, LineError{Line: line, Message: errs.Msg("monitoring.context.csv.no_header")})
				break
			}
			continue
		}
		if len(rows)+len(problems) >= MaxContextRows {
			problems = append(problems, LineError{Line: line, Message: errs.Msg("monitoring.context.csv.too_many", "Max", MaxContextRows)})
			break
		}
		row, msg := parseContextLine(rec, sep, units)
		if msg.ID == "" {
			key := row.Indicator + "|" + row.Period + "|" + row.DistrictID
			if prev, dup := seen[key]; dup {
				msg = errs.Msg("monitoring.context.csv.duplicate", "Line", prev)
			} else {
				seen[key] = line
			}
		}
		if msg.ID != "" {
			problems = append(problems, LineError{Line: line, Message: msg})
			continue
		}
		row.Line = line
		rows = append(rows, row)
	}
	if len(problems) == 0 && len(rows) == 0 {
		return nil, fail(0, "monitoring.context.csv.no_rows")
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return rows, nil
}

// parseContextLine checks one data line.
func parseContextLine(rec []string, sep rune, units SpatialUnits) (ContextRow, errs.Message) {
	if len(rec) != 4 {
		return ContextRow{}, errs.Msg("monitoring.context.csv.columns", "Count", len(rec))
	}
	period, ok := ctxParsePeriod(rec[0])
	if !ok {
		return ContextRow{}, errs.Msg("monitoring.context.csv.bad_period", "Value", ctxShortValue(rec[0]))
	}
	district, ok := units.resolve(rec[1])
	if !ok {
		return ContextRow{}, errs.Msg("monitoring.context.csv.unknown_district", "Value", ctxShortValue(rec[1]))
	}
	ind := ctxFold(rec[2])
	if !contextCode.MatchString(ind) {
		return ContextRow{}, errs.Msg("monitoring.context.csv.bad_indicator", "Value", ctxShortValue(rec[2]))
	}
	v, ok := parseContextNumber(rec[3], sep)
	if !ok {
		return ContextRow{}, errs.Msg("monitoring.context.csv.bad_number", "Value", ctxShortValue(rec[3]))
	}
	if v < 0 {
		return ContextRow{}, errs.Msg("monitoring.context.csv.negative", "Value", ctxShortValue(rec[3]))
	}
	return ContextRow{Period: period, DistrictID: district, Indicator: ind, Value: v}, errs.Message{}
}

// ctxShortValue is a value of a rejected line as the report quotes it: at most 40 characters,
// control characters removed.
func ctxShortValue(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	return ctxClip(s, 40)
}

// ctxParsePeriod reads a year (YYYY) or a month (YYYY-MM).
func ctxParsePeriod(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 4 {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1900 || y > 2999 {
			return "", false
		}
		return s, true
	}
	m, err := ParseMonth(s)
	if err != nil {
		return "", false
	}
	return m.String(), true
}

var (
	ctxGermanThousands = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$`)
	ctxGermanPlain     = regexp.MustCompile(`^[0-9]+(,[0-9]+)?$`)
	ctxPointPlain      = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
)

// parseContextNumber reads a value: with semicolons as separator the German way ("12.345,6",
// "12345,6", "12345"), with commas the English way ("12345.6"). A minus sign is read so that
// the report can say the value is negative.
func parseContextNumber(s string, sep rune) (float64, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	switch {
	case sep == ';' && ctxGermanThousands.MatchString(s):
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	case sep == ';' && ctxGermanPlain.MatchString(s):
		s = strings.ReplaceAll(s, ",", ".")
	case sep == ',' && ctxPointPlain.MatchString(s):
	default:
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || v > 1e12 {
		return 0, false
	}
	if neg && v != 0 {
		v = -v
	}
	return v, true
}
