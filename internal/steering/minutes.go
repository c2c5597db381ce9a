package steering

import (
	"context"
	"strconv"
	"strings"

	"kim/internal/pdfdoc"
	"kim/internal/platform/access"
	"kim/internal/platform/valid"
)

// MinutesPDF writes the minutes of a meeting as a PDF: body, title, date and time, place,
// attendance with organisations, agenda, minutes text and decisions. t translates the labels
// (the minutes are written in the language of t). The export is audited: the attendance names
// persons.
func (s *Service) MinutesPDF(ctx context.Context, actor access.Actor, id string, lang string, t func(id string, kv ...any) string) ([]byte, *Meeting, error) {
	m, err := s.meetingRead(ctx, actor, id, "meeting.minutes_export")
	if err != nil {
		return nil, nil, err
	}
	b, err := minutesDocument(m, lang, t).Bytes()
	return b, m, err
}

// minutesDocument lays the minutes out.
func minutesDocument(m *Meeting, lang string, t func(id string, kv ...any) string) *pdfdoc.Doc {
	start, end := m.StartsAt.In(valid.Berlin), m.EndsAt.In(valid.Berlin)
	d := pdfdoc.New(t("steering.minutes.title", "Body", m.BodyName, "Title", m.Title), lang, pdfdoc.Options{
		Footer: m.BodyName + " · " + t("steering.minutes.footer"), PageWord: t("steering.minutes.page"), Date: m.UpdatedAt})
	d.Facts([][2]string{
		{t("steering.meeting.body"), m.BodyName + " (" + t("steering.body_type."+m.BodyType) + ")"},
		{t("steering.meeting.title"), m.Title},
		{t("steering.meeting.date"), start.Format("02.01.2006")},
		{t("steering.meeting.time"), t("steering.meeting.time_range", "Start", start.Format("15:04"), "End", end.Format("15:04"))},
		{t("steering.meeting.place"), m.Place},
		{t("steering.meeting.status"), t("steering.meeting_status." + m.Status)},
	})

	d.Heading(t("steering.meeting.attendance"))
	var rows [][]string
	for _, a := range m.Attendance {
		status := t("steering.minutes.not_recorded")
		if a.AttendanceStatus != "" {
			status = t("steering.attendance." + a.AttendanceStatus)
		}
		if a.AttendanceStatus == "deputy" && a.DeputyName != "" {
			status = t("steering.minutes.represented_by", "Name", a.DeputyName)
		}
		rows = append(rows, []string{a.PersonName, a.Organisation, t("steering.member_role." + a.Role), status})
	}
	if len(rows) == 0 {
		d.Paragraph(t("steering.minutes.no_members"))
	} else {
		d.Table([]string{t("steering.member.person_name"), t("steering.member.organisation_id"), t("steering.member.role"),
			t("steering.meeting.attendance_status")}, rows, []float64{3, 3, 1.6, 2.4})
	}

	d.Heading(t("steering.meeting.agenda"))
	if len(m.Agenda) == 0 {
		d.Paragraph(t("steering.minutes.no_agenda"))
	} else {
		var items []string
		for _, a := range m.Agenda {
			item := strconv.Itoa(a.Position) + ". " + a.Title
			if a.ThemeTitle != "" && a.ThemeTitle != a.Title {
				item += " (" + t("steering.meeting.theme_ref", "Title", a.ThemeTitle) + ")"
			}
			items = append(items, item)
		}
		d.Paragraph(strings.Join(items, "\n"))
	}

	d.Heading(t("steering.meeting.minutes"))
	paras := m.MinutesParagraphs()
	if len(paras) == 0 {
		d.Paragraph(t("steering.minutes.no_minutes"))
	}
	for _, p := range paras {
		d.Paragraph(p)
	}

	d.Heading(t("steering.meeting.decisions"))
	if len(m.Decisions) == 0 {
		d.Paragraph(t("steering.minutes.no_decisions"))
	}
	for _, dec := range m.Decisions {
		d.Subheading(t("steering.minutes.decision_no", "Number", dec.Position))
		d.Paragraph(dec.Text)
		var refs [][2]string
		if dec.ThemeTitle != "" {
			refs = append(refs, [2]string{t("steering.meeting.decision_theme"), dec.ThemeTitle})
		}
		if dec.RecommendationTitle != "" {
			refs = append(refs, [2]string{t("steering.meeting.decision_recommendation"), dec.RecommendationTitle})
		}
		if len(refs) > 0 {
			d.Facts(refs)
		}
	}
	return d
}
