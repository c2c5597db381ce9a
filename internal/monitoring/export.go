package monitoring

import (
	"encoding/csv"
	"fmt"
	"io"
	"kim/internal/monitoring/sdc"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

// Exports of protected tables as XLSX (one sheet per table) and CSV (one long file). Both take
// tables that passed disclosure control (Compute/ComputeAll) and write a suppressed cell as the
// text "< 5" only: its value is never read, so it cannot end up anywhere in the file.

// ExportOptions are optional settings of an export.
type ExportOptions struct {
	// Names maps the ids of districts and organisations to their names, for the filter line of
	// the header block (an id without a name is shown as it is).
	Names map[string]string
	// Min is the disclosure threshold the texts name ("< 5"); 0 means the default rule's.
	Min int
	// MinPersons is the fewest persons behind a published mean, median or rate (the "•" note);
	// 0 means the default rule's.
	MinPersons int
}

// rule is the disclosure rule the texts name.
func (o ExportOptions) rule() sdc.Rule {
	r := sdc.DefaultRule()
	if o.Min > 1 {
		r.Min = o.Min
	}
	if o.MinPersons > 1 {
		r.MinPersons = o.MinPersons
	}
	return r
}

func exportOptions(opts []ExportOptions) ExportOptions {
	out := ExportOptions{Names: map[string]string{}, Min: 5}
	for _, o := range opts {
		for k, v := range o.Names {
			out.Names[k] = v
		}
		if o.Min > 1 {
			out.Min = o.Min
		}
		if o.MinPersons > 1 {
			out.MinPersons = o.MinPersons
		}
	}
	return out
}

// exportTable is a table prepared for an export: labels and cells as they are written.
type exportTable struct {
	t       *Table
	name    string // the indicator's name
	def     string // its definition
	period  string // "2025-01 – 2025-12"
	filters string // "Bezirk: Mitte" or "alle"
	by      string // the breakdown's name, or "" for totals only
	groups  []string
	rows    []exportRow
}

type exportRow struct {
	period string
	cells  []Cell // the groups' cells, then the total
}

// exportNote is the disclosure note of a table's sheet: the general note, and for a mean,
// median or rate what its marker of a withheld value means.
func exportNote(ind *Indicator, l *i18n.Localizer, o ExportOptions) string {
	note := exportDisclosureNote(l, o.Min)
	if IsMagnitude(ind) {
		note += " " + SuppressedNote(ind, o.rule(), l)
	}
	return note
}

// exportDisclosureNote is the note every export and report carries.
func exportDisclosureNote(l *i18n.Localizer, min int) string {
	return l.T("monitoring.reports.disclosure_note", "Max", min-1, "Min", min)
}

// exportGroupLabel returns the display name of a group.
func exportGroupLabel(l *i18n.Localizer, g Group) string {
	if g.Translate {
		return l.T(g.Label)
	}
	return g.Label
}

// exportPeriod returns the label of the period of row i ("2026-01", or "2026" for years).
func exportPeriod(t *Table, i int) string {
	if i < len(t.Totals) && t.Totals[i].Period != "" {
		return t.Totals[i].Period
	}
	if i < len(t.Cells) {
		for _, c := range t.Cells[i] {
			if c.Period != "" {
				return c.Period
			}
		}
	}
	if i < len(t.Periods) {
		if t.Query.Yearly {
			return strconv.Itoa(t.Periods[i].Year)
		}
		return t.Periods[i].String()
	}
	return ""
}

// exportRange names the query's range ("2025-01 – 2025-12"; "2025" for one year).
func exportRange(q Query) string {
	if q.Yearly {
		if q.From.Year == q.To.Year {
			return strconv.Itoa(q.From.Year)
		}
		return fmt.Sprintf("%d – %d", q.From.Year, q.To.Year)
	}
	if q.From == q.To {
		return q.From.String()
	}
	return q.From.String() + " – " + q.To.String()
}

// exportFilters names the filters of a query ("Bezirk: Mitte; Organisation: Caritas", or "alle").
func exportFilters(l *i18n.Localizer, q Query, names map[string]string) string {
	name := func(id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return id
	}
	var parts []string
	if q.District != "" {
		parts = append(parts, l.T("monitoring.reports.filter_district", "Name", name(q.District)))
	}
	if q.Organisation != "" {
		parts = append(parts, l.T("monitoring.reports.filter_organisation", "Name", name(q.Organisation)))
	}
	if len(parts) == 0 {
		return l.T("monitoring.reports.filter_none")
	}
	return strings.Join(parts, "; ")
}

// exportBreakdown returns the name of a breakdown (the indicator pages' message).
func exportBreakdown(l *i18n.Localizer, by string) string {
	if by == "" {
		return l.T("monitoring.reports.breakdown_none")
	}
	return l.T("monitoring.indicators.by." + by)
}

func prepareExport(t *Table, l *i18n.Localizer, names map[string]string) exportTable {
	e := exportTable{t: t, period: exportRange(t.Query), filters: exportFilters(l, t.Query, names), by: exportBreakdown(l, t.Query.By)}
	e.name, e.def = t.Query.Indicator, ""
	if t.Indicator != nil {
		e.name, e.def = t.Indicator.Name.In(l.Lang), t.Indicator.Definition.In(l.Lang)
	}
	for _, g := range t.Groups {
		e.groups = append(e.groups, exportGroupLabel(l, g))
	}
	n := max(len(t.Periods), len(t.Totals), len(t.Cells))
	for i := 0; i < n; i++ {
		row := exportRow{period: exportPeriod(t, i), cells: make([]Cell, len(t.Groups)+1)}
		if i < len(t.Cells) {
			copy(row.cells, t.Cells[i])
		}
		if i < len(t.Totals) {
			row.cells[len(t.Groups)] = t.Totals[i]
		} else {
			row.cells[len(t.Groups)] = Cell{Suppressed: true}
		}
		e.rows = append(e.rows, row)
	}
	return e
}

// exportSheetName makes a valid, unique sheet name from s: at most 31 characters, none of
// : \ / ? * [ ], not starting or ending with an apostrophe, unique regardless of case.
func exportSheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) || r < 0x20 {
			return ' '
		}
		return r
	}, s)
	s = strings.Trim(strings.Join(strings.Fields(s), " "), "'")
	if s == "" {
		s = "Tabelle"
	}
	for n := 1; ; n++ {
		suffix := ""
		if n > 1 {
			suffix = " (" + strconv.Itoa(n) + ")"
		}
		base := s
		for utf8.RuneCountInString(base)+utf8.RuneCountInString(suffix) > 31 {
			_, size := utf8.DecodeLastRuneInString(base)
			base = base[:len(base)-size]
		}
		name := strings.TrimRight(strings.Trim(base, "'"), " ") + suffix
		if !used[strings.ToLower(name)] {
			used[strings.ToLower(name)] = true
			return name
		}
	}
}

// WriteXLSX writes the tables as a workbook with one sheet per table: a header block
// (indicator, definition, period, filters, breakdown, the disclosure note), then one row per
// period with one column per group and the total. Published values are numbers; a suppressed
// cell is the text "< 5".
func WriteXLSX(w io.Writer, tables []*Table, l *i18n.Localizer, opts ...ExportOptions) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	if err != nil {
		return err
	}
	decimal := "#,##0.0"
	dec, err := f.NewStyle(&excelize.Style{CustomNumFmt: &decimal})
	if err != nil {
		return err
	}
	right, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}})
	if err != nil {
		return err
	}
	o := exportOptions(opts)
	used := map[string]bool{}
	first := true
	for _, t := range tables {
		e := prepareExport(t, l, o.Names)
		label := e.name
		if t.Query.By != "" {
			label += " – " + e.by
		}
		sheet := exportSheetName(label, used)
		if first {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		if err := sw.SetColWidth(1, 1, 22); err != nil {
			return err
		}
		if err := sw.SetColWidth(2, len(e.groups)+2, 14); err != nil {
			return err
		}
		text := func(s string, style int) excelize.Cell { return excelize.Cell{StyleID: style, Value: web.SafeCell(s)} }
		header := [][]any{
			{text(e.name, title)},
			{text(l.T("monitoring.reports.xlsx_definition"), bold), text(e.def, 0)},
			{text(l.T("monitoring.reports.xlsx_period"), bold), text(e.period, 0)},
			{text(l.T("monitoring.reports.xlsx_filters"), bold), text(e.filters, 0)},
			{text(l.T("monitoring.reports.xlsx_breakdown"), bold), text(e.by, 0)},
			{text(exportNote(t.Indicator, l, o), 0)},
			{},
		}
		cols := []any{text(l.T("monitoring.reports.col_period"), bold)}
		for _, g := range e.groups {
			cols = append(cols, text(g, bold))
		}
		cols = append(cols, text(l.T("monitoring.reports.total"), bold))
		header = append(header, cols)
		row := 1
		for _, r := range header {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, r); err != nil {
				return err
			}
			row++
		}
		for _, r := range e.rows {
			values := []any{text(r.period, bold)}
			for _, c := range r.cells {
				values = append(values, exportXLSXValue(c, SuppressedText(t.Indicator, o.rule(), l), dec, right))
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, values); err != nil {
				return err
			}
			row++
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	if first {
		// No table: an empty workbook still names why.
		if err := f.SetCellValue("Sheet1", "A1", l.T("monitoring.reports.no_tables")); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// exportXLSXValue is a published number, or the text for a suppressed cell (never its value).
func exportXLSXValue(c Cell, suppressed string, dec, right int) any {
	if c.Suppressed || c.Value == nil {
		if c.Suppressed {
			return excelize.Cell{StyleID: right, Value: suppressed}
		}
		return nil
	}
	v := *c.Value
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return int64(v)
	}
	return excelize.Cell{StyleID: dec, Value: v}
}

// WriteCSV writes the tables as one CSV file for German spreadsheet programs: UTF-8 with a
// byte order mark, ";" as the separator, decimal commas, one line per cell with the columns
// indicator (code), breakdown (code, empty for totals only), period, group (empty for the
// total), value ("< 5" when suppressed) and suppressed ("ja"/"nein" in German). Text that a
// spreadsheet would read as a formula is prefixed with an apostrophe.
func WriteCSV(w io.Writer, tables []*Table, l *i18n.Localizer, opts ...ExportOptions) error {
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	o := exportOptions(opts)
	head := []string{"col_indicator", "col_breakdown", "col_period", "col_group", "col_value", "col_suppressed"}
	for i, h := range head {
		head[i] = l.T("monitoring.reports." + h)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	yes, no := l.T("monitoring.reports.yes"), l.T("monitoring.reports.no")
	for _, t := range tables {
		e := prepareExport(t, l, nil)
		for _, r := range e.rows {
			for i, c := range r.cells {
				group := l.T("monitoring.reports.total")
				if i < len(e.groups) {
					group = e.groups[i]
				}
				value, sup := "", no
				switch {
				case c.Suppressed:
					value, sup = SuppressedText(t.Indicator, o.rule(), l), yes
				case c.Value != nil:
					value = exportCSVNumber(*c.Value, l.Lang)
				}
				rec := []string{t.Query.Indicator, t.Query.By, r.period, group, value, sup}
				for k, s := range rec {
					rec[k] = web.SafeCell(s)
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// exportCSVNumber formats a value with a decimal comma for German (a point otherwise), without
// thousands separators.
func exportCSVNumber(v float64, lang string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v != math.Trunc(v) {
		s = strconv.FormatFloat(v, 'f', 1, 64)
	}
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
