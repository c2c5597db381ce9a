package casework_test

import (
	"archive/zip"
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
)

// upload posts a file to a case's documents like a browser's form does.
func upload(t *testing.T, c *apptest.Client, caseID, fileName string, content []byte, docType string, special bool) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("doc_type", docType)
	if special {
		_ = mw.WriteField("special", "1")
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+fileName+`"`)
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(content)
	_ = mw.Close()
	req := c.Request(http.MethodPost, "/faelle/"+caseID+"/dokumente", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// zipOf builds a zip file from name/content pairs (the first entry stored, as ODT wants).
func zipOf(t *testing.T, entries ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(entries); i += 2 {
		method := zip.Deflate
		if i == 0 {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: entries[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(entries[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const docxTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

var (
	pdfFile  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nVertraulicher Bescheid 4711\n%%EOF\n")
	pngFile  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	jpegFile = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 64)...)
)

func TestSniffAllowsOnlyTheListedTypes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"pdf", pdfFile, "application/pdf"},
		{"png", pngFile, "image/png"},
		{"jpeg", jpegFile, "image/jpeg"},
		{"utf-8 text", []byte("Gesprächsnotiz für Frau Öztürk\n"), "text/plain; charset=utf-8"},
		{"windows-1252 text", []byte("Gespr\xe4chsnotiz f\xfcr Frau \xd6zt\xfcrk\n"), "text/plain; charset=windows-1252"},
		{"docx", zipOf(t, "[Content_Types].xml", docxTypes, "word/document.xml", "<w:document/>"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"odt", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<office:document-content/>"), "application/vnd.oasis.opendocument.text"},
		{"docx with macros", zipOf(t, "[Content_Types].xml", docxTypes, "word/vbaProject.bin", "macro"), ""},
		{"odt with macros", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.text", "Basic/Standard/Module1.xml", "macro"), ""},
		{"spreadsheet", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ""},
		{"plain zip", zipOf(t, "a.txt", "hallo"), ""},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), ""},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""},
		{"exe", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...), ""},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00"), ""},
		{"text with binary after 512 bytes", append([]byte(strings.Repeat("a", 600)), 0, 1, 2), ""},
	} {
		if got := casework.Sniff(tc.content); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	for name, want := range map[string]string{
		"Bescheid Ausländerbehörde.pdf": `attachment; filename="Bescheid Auslaenderbehoerde.pdf"; filename*=UTF-8''Bescheid%20Ausl%C3%A4nderbeh%C3%B6rde.pdf`,
		`a"b\c;d.txt`:                   `attachment; filename="a_b_c;d.txt"; filename*=UTF-8''a%22b%5Cc%3Bd.txt`,
		"قرار.pdf":                      `attachment; filename="____.pdf"; filename*=UTF-8''%D9%82%D8%B1%D8%A7%D8%B1.pdf`,
	} {
		if got := casework.ContentDisposition(name); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}

func auditCount(t *testing.T, env *apptest.Env, action, detail string) int {
	t.Helper()
	w, _ := env.DB().Pools()
	var n int
	if err := w.QueryRow("SELECT count(*) FROM audit_log WHERE action = $1 AND details LIKE $2", action, "%"+detail+"%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func countDocuments(t *testing.T, d *db.DB) int {
	t.Helper()
	w, _ := d.Pools()
	var n int
	if err := w.QueryRow("SELECT count(*) FROM documents").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDocumentUploadAndDownload(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			c := env.Client()
			c.Login(access.CaseManager)

			r := upload(t, c, fx.CaseA1.ID, "Bescheid Ausländerbehörde.pdf", pdfFile, "decision", true)
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/faelle/"+fx.CaseA1.ID+"/dokumente" {
				t.Fatalf("upload: %d %s %s", r.StatusCode, r.Location(), r.Body)
			}
			page := c.Get("/faelle/" + fx.CaseA1.ID + "/dokumente")
			if page.StatusCode != http.StatusOK {
				t.Fatalf("documents page: %d", page.StatusCode)
			}
			doc := page.Doc(t)
			row := doc.Find("table tbody tr")
			if row.Length() != 1 {
				t.Fatalf("%d rows", row.Length())
			}
			if s := row.Text(); !strings.Contains(s, "Bescheid Ausländerbehörde.pdf") || !strings.Contains(s, "Bescheid") || !strings.Contains(s, "Art. 9") {
				t.Errorf("row: %s", s)
			}
			href, _ := row.Find("a[download]").Attr("href")
			if !strings.HasPrefix(href, "/dokumente/") {
				t.Fatalf("download link %q", href)
			}
			// The case page leads to the documents.
			if n := c.Get("/faelle/" + fx.CaseA1.ID).Doc(t).Find(`#dokumente a[href="/faelle/` + fx.CaseA1.ID + `/dokumente"]`).Length(); n != 1 {
				t.Errorf("case page: %d links to the documents", n)
			}

			dl := c.Get(href)
			if dl.StatusCode != http.StatusOK || !bytes.Equal(dl.Body, pdfFile) {
				t.Fatalf("download: %d %q", dl.StatusCode, dl.Body)
			}
			for k, want := range map[string]string{
				"Content-Type":           "application/pdf",
				"Content-Disposition":    `attachment; filename="Bescheid Auslaenderbehoerde.pdf"; filename*=UTF-8''Bescheid%20Ausl%C3%A4nderbeh%C3%B6rde.pdf`,
				"X-Content-Type-Options": "nosniff",
				"Cache-Control":          "no-store",
			} {
				if got := dl.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			c.Get(href)
			id := strings.TrimPrefix(href, "/dokumente/")
			if n := auditCount(t, env, "document.download", id); n != 2 {
				t.Errorf("%d download entries, want 2", n)
			}
			if n := auditCount(t, env, "document.upload", id); n != 1 {
				t.Errorf("%d upload entries, want 1", n)
			}

			// A name without an ending gets the ending of its type; a text stays text.
			if r := upload(t, c, fx.CaseA1.ID, `C:\Users\x\notiz`, []byte("Termin am Montag"), "other", false); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("text upload: %d %s", r.StatusCode, r.Body)
			}
			var textHref string
			c.Get("/faelle/" + fx.CaseA1.ID + "/dokumente").Doc(t).Find("table tbody tr").Each(func(_ int, s *goquery.Selection) {
				if strings.Contains(s.Text(), "notiz") {
					textHref, _ = s.Find("a[download]").Attr("href")
				}
			})
			tr := c.Get(textHref)
			if tr.Header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.Contains(tr.Header.Get("Content-Disposition"), `filename="notiz.txt"`) {
				t.Errorf("text download: %q %q", tr.Header.Get("Content-Type"), tr.Header.Get("Content-Disposition"))
			}

			// Deleting asks first, then removes the document and records it.
			confirm := c.Get("/dokumente/" + id + "/loeschen")
			if confirm.StatusCode != http.StatusOK || !strings.Contains(string(confirm.Body), "Bescheid Ausländerbehörde.pdf") {
				t.Fatalf("confirm: %d", confirm.StatusCode)
			}
			del := c.PostForm("/dokumente/"+id+"/loeschen", nil)
			if del.StatusCode != http.StatusSeeOther || del.Location() != "/faelle/"+fx.CaseA1.ID+"/dokumente" {
				t.Fatalf("delete: %d %s", del.StatusCode, del.Location())
			}
			if r := c.Get(href); r.StatusCode != http.StatusNotFound {
				t.Errorf("download after delete: %d", r.StatusCode)
			}
			if n := auditCount(t, env, "document.delete", id); n != 1 {
				t.Errorf("%d delete entries, want 1", n)
			}
			if n := countDocuments(t, env.DB()); n != 1 {
				t.Errorf("%d documents left, want 1", n)
			}
		})
	}
}

// errorText returns the field message of the upload form.
func errorText(t *testing.T, r *apptest.Response) string {
	t.Helper()
	return strings.TrimSpace(r.Doc(t).Find("#f-file-error").Text())
}

func TestDocumentUploadRefusesTypesAndSizes(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			// The application's body limit allows a little more than the largest document, so
			// that the document limit itself is what refuses a larger file.
			env := apptest.New(t, e, apptest.Options{Configure: func(c *app.Config) { c.MaxBody = casework.MaxDocumentSize + 1<<20 }})
			fx := env.Seed()
			c := env.Client()
			c.Login(access.CaseManager)
			big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), casework.MaxDocumentSize)...)
			for _, tc := range []struct {
				name, file string
				content    []byte
				docType    string
				status     int
				want       string
			}{
				{"html", "seite.html", []byte("<html><body><script>alert(1)</script></body></html>"), "other", 422, "Dieser Dateityp ist nicht erlaubt"},
				{"exe named pdf", "bescheid.pdf", append([]byte("MZ\x90\x00"), make([]byte, 100)...), "decision", 422, "Dieser Dateityp ist nicht erlaubt"},
				{"macro document", "antrag.docx", zipOf(t, "[Content_Types].xml", docxTypes, "word/vbaProject.bin", "x"), "application", 422, "Makros"},
				{"empty", "leer.pdf", nil, "other", 422, "Die Datei ist leer."},
				{"no file", "", nil, "other", 422, "Bitte wählen Sie eine Datei aus."},
				{"too large", "gross.pdf", big, "other", 422, "Die Datei ist zu groß. Erlaubt sind höchstens 10 MB."},
				{"unknown type", "x.pdf", pdfFile, "passport", 422, ""},
			} {
				r := upload(t, c, fx.CaseA1.ID, tc.file, tc.content, tc.docType, false)
				if r.StatusCode != tc.status {
					t.Errorf("%s: status %d, want %d", tc.name, r.StatusCode, tc.status)
					continue
				}
				if got := errorText(t, r); !strings.Contains(got, tc.want) {
					t.Errorf("%s: message %q, want %q", tc.name, got, tc.want)
				}
				if tc.want == "" && r.Doc(t).Find("#f-doc_type-error").Length() != 1 {
					t.Errorf("%s: no message at the type", tc.name)
				}
			}
			if n := countDocuments(t, env.DB()); n != 0 {
				t.Errorf("%d documents saved, want 0", n)
			}
			if n := auditCount(t, env, "document.upload", ""); n != 0 {
				t.Errorf("%d uploads recorded", n)
			}
		})
	}
}

// A request over the application's body limit (KIM_MAX_BODY_BYTES) is refused with a message
// that names that limit.
// The upload route takes files up to 10 MB although the application's default body limit is
// 1 MB; a larger body is refused with the German message and nothing is saved.
func TestDocumentUploadBodyLimit(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{Configure: func(c *app.Config) { c.MaxBody = 1 << 20 }})
	fx := env.Seed()
	c := env.Client()
	c.Login(access.CaseManager)
	r := upload(t, c, fx.CaseA1.ID, "scan.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 2<<20)...), "other", false)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a 2 MB file: status %d", r.StatusCode)
	}
	r = upload(t, c, fx.CaseA1.ID, "scan.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 12<<20)...), "other", false)
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 12 MB file: status %d", r.StatusCode)
	}
	if got := errorText(t, r); !strings.HasSuffix(got, "Die Datei ist zu groß. Erlaubt sind höchstens 10 MB.") {
		t.Errorf("message %q", got)
	}
	if n := countDocuments(t, env.DB()); n != 1 {
		t.Errorf("%d documents saved, want the 2 MB one only", n)
	}
	// Other routes keep the default limit.
	big := url.Values{"family_name": {strings.Repeat("x", 2<<20)}}
	if r := c.PostForm("/klienten", big); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MB client form: status %d", r.StatusCode)
	}
}

func TestDocumentsOfOtherOrganisationsAreNotFound(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			ctx := context.Background()
			cases := env.App.Cases
			own, err := cases.AddDocument(ctx, fx.Users[access.CaseManager].Actor("alpha"), fx.CaseA1.ID,
				casework.DocumentInput{Type: "plan", Name: "plan.pdf", Content: pdfFile}, "")
			if err != nil {
				t.Fatal(err)
			}
			otherOrg, err := cases.AddDocument(ctx, fx.MemberA2.Actor("alpha"), fx.CaseA2.ID, casework.DocumentInput{Type: "plan", Name: "plan.pdf", Content: pdfFile}, "")
			if err != nil {
				t.Fatal(err)
			}
			otherTenant, err := cases.AddDocument(ctx, fx.MemberB1.Actor("beta"), fx.CaseB1.ID, casework.DocumentInput{Type: "plan", Name: "plan.pdf", Content: pdfFile}, "")
			if err != nil {
				t.Fatal(err)
			}
			cm := env.Client()
			cm.Login(access.CaseManager)
			for _, id := range []string{otherOrg.ID, otherTenant.ID} {
				for _, p := range []string{"/dokumente/" + id, "/dokumente/" + id + "/loeschen"} {
					if r := cm.Get(p); r.StatusCode != http.StatusNotFound {
						t.Errorf("GET %s: %d, want 404", p, r.StatusCode)
					}
				}
				if r := cm.PostForm("/dokumente/"+id+"/loeschen", nil); r.StatusCode != http.StatusNotFound {
					t.Errorf("delete %s: %d, want 404", id, r.StatusCode)
				}
			}
			for _, kase := range []string{fx.CaseA2.ID, fx.CaseB1.ID} {
				if r := upload(t, cm, kase, "x.pdf", pdfFile, "other", false); r.StatusCode != http.StatusNotFound {
					t.Errorf("upload to %s: %d, want 404", kase, r.StatusCode)
				}
				if r := cm.Get("/faelle/" + kase + "/dokumente"); r.StatusCode != http.StatusNotFound {
					t.Errorf("documents of %s: %d, want 404", kase, r.StatusCode)
				}
			}
			if n := countDocuments(t, env.DB()); n != 3 {
				t.Errorf("%d documents, want 3", n)
			}
			// A team lead opens a case of the team with a stated purpose first.
			lead := env.Client()
			lead.Login(access.TeamLead)
			if r := lead.Get("/dokumente/" + own.ID); r.StatusCode != http.StatusForbidden {
				t.Errorf("team lead without purpose: %d, want 403", r.StatusCode)
			}
			if r := lead.PostForm("/faelle/"+fx.CaseA1.ID+"/zweck", map[string][]string{"purpose": {"Urlaubsvertretung"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("purpose: %d", r.StatusCode)
			}
			if r := lead.Get("/dokumente/" + own.ID); r.StatusCode != http.StatusOK || !bytes.Equal(r.Body, pdfFile) {
				t.Errorf("team lead with purpose: %d", r.StatusCode)
			}
			// Roles without case access never get a document.
			coord := env.Client()
			coord.Login(access.Coordinator)
			if r := coord.Get("/dokumente/" + own.ID); r.StatusCode != http.StatusForbidden {
				t.Errorf("coordinator: %d, want 403", r.StatusCode)
			}
		})
	}
}
