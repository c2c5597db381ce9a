package casework_test

import (
	"context"
	"path/filepath"
	"testing"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
)

// TestContactNotesAndDocumentsAreEncryptedAtRest writes a contact note and a document (name
// and content) through the service, moves the write-ahead log into the database file and
// searches the raw SQLite files: the secrets occur nowhere, while the client's family name,
// stored in plain text, is found, so that the search itself is known to work.
func TestContactNotesAndDocumentsAreEncryptedAtRest(t *testing.T) {
	const (
		note     = "Notiz-3C7E: Panikattacken seit der Flucht, Behandlung im Traumazentrum"
		content  = "Inhalt-9D2B: Attest über posttraumatische Belastungsstörung"
		fileName = "Attest-Dateiname-51AF.txt"
		control  = "Kontrollname-8E4F"
		purpose  = "Zweck-6A1C: Abstimmung der Suchtberatung"
		service  = "Angebot-2F9D: HIV-Beratung"
		message  = "Nachricht-7B3E: Termin wegen Depression"
	)
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	ctx := context.Background()
	s := env.App.Cases
	cm := fx.Users[access.CaseManager].Actor("alpha")
	in, err := s.CreateClient(ctx, cm, casework.ClientInput{FamilyName: control, GivenNames: "Amal", BirthDate: "1992-05-17", Acknowledged: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCase(ctx, cm, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "self"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddContact(ctx, cm, c.ID, casework.ContactInput{Date: "2026-03-02", DurationMinutes: 60, Mode: "in_person", Note: note}, ""); err != nil {
		t.Fatal(err)
	}
	k, err := s.CreateConsent(ctx, cm, in.Client.ID, casework.ConsentInput{Recipients: []casework.Recipient{{OrganisationID: fx.OrgA2.ID}},
		Purpose: purpose, Categories: []string{"master_data", "case_plan"}, Special: []string{"health"}, Direction: "one_way", GivenOn: "2026-03-01", ValidUntil: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID, Service: service, Message: message}, ""); err != nil {
		t.Fatal(err)
	}
	d, err := s.AddDocument(ctx, cm, c.ID, casework.DocumentInput{Type: "other", Special: true, Name: fileName, Content: []byte(content)}, "")
	if err != nil {
		t.Fatal(err)
	}
	// Both read back through the service.
	got, body, err := s.DocumentFile(ctx, cm, d.ID, "")
	if err != nil || string(body) != content || got.Name != fileName {
		t.Fatalf("document: %q %q %v", got.Name, body, err)
	}

	path := env.DB().DSN()
	check := func(stage string) {
		t.Helper()
		files, err := filepath.Glob(path + "*")
		if err != nil || len(files) == 0 {
			t.Fatalf("database files of %s: %v %v", path, files, err)
		}
		if found := apptest.RawOccurrences(t, files, control); len(found) == 0 {
			t.Fatalf("%s: the plain control value is not in %v: the search does not work", stage, files)
		}
		for _, secret := range []string{note, "Panikattacken", content, "posttraumatische", fileName, "Attest-Dateiname", purpose, "Suchtberatung",
			service, "HIV-Beratung", message, "Depression"} {
			if found := apptest.RawOccurrences(t, files, secret); len(found) > 0 {
				t.Errorf("%s: %q found in the raw database files: %v", stage, secret, found)
			}
		}
	}
	check("before checkpoint")
	w, _ := env.DB().Pools()
	var busy, logFrames, checkpointed int
	if err := w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed); err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy=%d, %v", busy, err)
	}
	check("after checkpoint")
}
