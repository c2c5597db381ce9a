package app_test

import (
	"context"
	"strings"

	"kim/internal/casework"
)

func init() {
	// A document's {id}: a document of the scope's case (a fresh one for deletions).
	docs := map[*matrixRunner]map[string]string{}
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasPrefix(r.path, "/dokumente/") {
			return "", false
		}
		if id := docs[m][r.scope]; id != "" && !destructive(r) {
			return id, true
		}
		fx := m.fx
		kase := pick(r, fx.CaseA1.ID, fx.CaseA2.ID, fx.CaseB1.ID)
		d, err := m.env.App.Cases.AddDocument(context.Background(), m.scopeActor(r), kase,
			casework.DocumentInput{Type: "decision", Name: m.name("bescheid") + ".pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}, "")
		m.must(err)
		if !destructive(r) {
			if docs[m] == nil {
				docs[m] = map[string]string{}
			}
			docs[m][r.scope] = d.ID
		}
		return d.ID, true
	})
}
