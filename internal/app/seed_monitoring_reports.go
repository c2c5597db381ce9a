package app

import (
	"context"
	"strconv"
	"strings"

	"kim/internal/monitoring"
	"kim/internal/platform/web"
)

// demoReportTexts are the coordination's text blocks of the demo's annual report for last
// year, per section (invented for the demo; no person named).
var demoReportTexts = map[string]string{
	monitoring.SectionIntro: "Mit diesem Bericht legt die Koordination des Kommunalen Integrationsmanagements (KIM) der Lenkungsgruppe " +
		"und dem Integrationsrat die Zahlen des Jahres {{year}} vor. Alle Zahlen werden aus der laufenden Fallarbeit berechnet und " +
		"vor der Veröffentlichung so geschützt, dass kein Wert auf einzelne Personen schließen lässt.\n\n" +
		"Wir danken den Trägern des Fallmanagements, den Ausländer- und Einbürgerungsbehörden und allen Partnern im Netzwerk für " +
		"die Zusammenarbeit.",
	monitoring.SectionCasework: "Das Fallmanagement hat im Berichtsjahr Menschen mit mehreren Bedarfen in verschiedenen Rechtskreisen " +
		"begleitet. Die meisten Anfragen kamen über die Beratungsstellen der Träger und über Verweise der Ausländerbehörde. " +
		"Häufigste Bedarfe waren Sprache, Arbeit und Wohnen.\n\nDie Wartezeiten auf Angebote der Partner sind in der zweiten " +
		"Jahreshälfte gesunken, nachdem zusätzliche Sprachkurse mit Kinderbetreuung eingerichtet wurden.",
	monitoring.SectionSteering: "Aus den Problemanzeigen der Fallarbeit hat die Koordination Themen gebündelt und der Lenkungsgruppe " +
		"vorgelegt. Die Arbeitsgruppen haben dazu Handlungsempfehlungen erarbeitet; über den Stand der Umsetzung berichtet die " +
		"Koordination in jeder Sitzung.",
	monitoring.SectionContext: "Die Kontextdaten der städtischen Statistikstelle zeigen die Bevölkerung nach Stadtbezirken und " +
		"Staatsangehörigkeit. Sie erlauben, die Zahlen des Fallmanagements je 1.000 Einwohnerinnen und Einwohner einzuordnen.",
	monitoring.SectionOutlook: "Im kommenden Jahr will das Netzwerk die Übergänge zwischen den Rechtskreisen weiter verbessern und " +
		"die Zusammenarbeit mit den Jobcentern verbindlich regeln. Die Koordination wird dazu die Zahlen vierteljährlich berichten.",
}

// seedDemoMonitoringReports writes the coordination's text blocks of last year's annual report.
// It is idempotent: a text already written is left alone.
func (a *App) seedDemoMonitoringReports(ctx context.Context, tenantID string) error {
	actor, err := a.demoContextCoordinator(ctx, tenantID)
	if err != nil {
		return err
	}
	year := a.DB.Clock.Now().In(web.Berlin).Year() - 1
	texts, err := a.Monitor.ReportTexts(ctx, actor, year)
	if err != nil {
		return err
	}
	for _, t := range texts {
		body, ok := demoReportTexts[t.Section]
		if !ok || t.Version > 0 {
			continue
		}
		body = strings.ReplaceAll(body, "{{year}}", strconv.Itoa(year))
		if _, err := a.Monitor.SaveReportText(ctx, actor, strconv.Itoa(year), t.Section, monitoring.TextInput{Body: body}); err != nil {
			return err
		}
	}
	return nil
}
