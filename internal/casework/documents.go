package casework

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// DocTypes are the kinds of documents of a case (Anlagen).
var DocTypes = []string{"id_permit", "decision", "application", "consent", "plan", "other"}

// MaxDocumentSize is the largest file a case accepts.
const MaxDocumentSize = 10 << 20

// maxFileName is the longest file name kept (in characters).
const maxFileName = 200

// The content types a document may have: what the upload's content is, not what its name or
// the browser claims.
const (
	typePDF  = "application/pdf"
	typeJPEG = "image/jpeg"
	typePNG  = "image/png"
	typeText = "text/plain; charset=utf-8"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeODT  = "application/vnd.oasis.opendocument.text"
	// Plain text that is not UTF-8 comes from older Windows programs in German offices.
	typeText1252 = "text/plain; charset=windows-1252"
)

// extensions are the file name endings that fit a content type; the first is added to a
// download's name when its own ending does not fit.
var extensions = map[string][]string{
	typePDF: {".pdf"}, typeJPEG: {".jpg", ".jpeg"}, typePNG: {".png"}, typeText: {".txt"}, typeText1252: {".txt"},
	"text/plain; charset=utf-16le": {".txt"}, "text/plain; charset=utf-16be": {".txt"}, typeDOCX: {".docx"}, typeODT: {".odt"},
}

// Document is a file of a case (ID or permit copy, decision letter, application …). Its name
// and content are stored encrypted; Special marks special-category content (Art. 9 GDPR).
type Document struct {
	ID          string    `json:"id"`
	CaseID      string    `json:"case_id"`
	Type        string    `json:"doc_type"`
	Special     bool      `json:"special"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// SizeText is the size for people: "830 KB", "2,4 MB", "10 MB".
func (d Document) SizeText() string { return sizeText(int64(d.Size)) }

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<20:
		return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", ",", 1) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+1<<10-1)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " Byte"
}

// DocumentInput uploads a document. Content holds at most MaxDocumentSize+1 bytes (the
// reader stops there), so that a larger file is recognised without reading it all.
type DocumentInput struct {
	Type    string
	Special bool
	Name    string
	Content []byte
}

// Validate checks the input and returns the content type found in the content.
func (in *DocumentInput) Validate() (string, error) {
	var v errs.Validation
	valid.OneOf(&v, "doc_type", in.Type, DocTypes)
	in.Name = cleanFileName(in.Name)
	ct := ""
	switch {
	case len(in.Content) == 0 && in.Name == "":
		v.Add("file", "casework.document.file_required")
	case len(in.Content) == 0:
		v.Add("file", "casework.document.empty")
	case len(in.Content) > MaxDocumentSize:
		v.Add("file", "casework.document.too_large", "Max", sizeText(MaxDocumentSize))
	default:
		if ct = Sniff(in.Content); ct == "" {
			v.Add("file", "casework.document.type_not_allowed")
		}
	}
	if in.Name == "" {
		in.Name = "dokument"
	}
	return ct, v.Err()
}

// Sniff returns the content type of an allowed document (PDF, JPEG, PNG, plain text, DOCX,
// ODT), judged by its content, or "" for anything else.
func Sniff(content []byte) string {
	ct := http.DetectContentType(content)
	switch {
	case ct == typePDF, ct == typeJPEG, ct == typePNG:
		return ct
	case strings.HasPrefix(ct, "text/plain"):
		if strings.Contains(ct, "utf-16") {
			return ct
		}
		// DetectContentType looks at the first 512 bytes only.
		if bytes.ContainsFunc(content, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != 0x1b }) {
			return ""
		}
		if utf8.Valid(content) {
			return typeText
		}
		return typeText1252
	case ct == "application/zip":
		return officeType(content)
	}
	return ""
}

// officeType recognises a word-processing document in a zip file: an OpenDocument text by its
// mimetype entry, a Word document by its [Content_Types].xml. Documents with macros are not
// accepted. Only the small entries are read, each with a limit (no zip bombs).
func officeType(content []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return ""
	}
	read := func(f *zip.File, limit int64) []byte {
		rc, err := f.Open()
		if err != nil {
			return nil
		}
		defer rc.Close()
		b, _ := io.ReadAll(io.LimitReader(rc, limit))
		return b
	}
	var odt, docx bool
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		switch {
		case name == "mimetype":
			odt = strings.TrimSpace(string(read(f, 256))) == typeODT
		case name == "[content_types].xml":
			docx = bytes.Contains(read(f, 1<<20), []byte(`"`+typeDOCX+`.main+xml"`))
		case strings.HasSuffix(name, "vbaproject.bin"), strings.HasPrefix(name, "basic/"), strings.HasPrefix(name, "scripts/"):
			return "" // macros
		}
	}
	switch {
	case odt && !docx:
		return typeODT
	case docx && !odt:
		return typeDOCX
	}
	return ""
}

// cleanFileName keeps the last part of an uploaded file's name, without control and
// direction-changing characters (which can disguise an ending: "rechnung‮fdp.exe").
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		switch {
		case r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0xfeff:
			return -1
		}
		return r
	}, valid.Clean(name))
	name = strings.Trim(name, " .")
	if name == "/" {
		name = ""
	}
	if rs := []rune(name); len(rs) > maxFileName {
		ext := path.Ext(name)
		if len([]rune(ext)) > 10 {
			ext = ""
		}
		name = string(rs[:maxFileName-len([]rune(ext))]) + ext
	}
	return name
}

// DownloadName is the document's name with an ending that fits its content type.
func (d Document) DownloadName() string {
	exts := extensions[d.ContentType]
	ext := strings.ToLower(path.Ext(d.Name))
	for _, e := range exts {
		if ext == e {
			return d.Name
		}
	}
	if len(exts) == 0 {
		return d.Name
	}
	return d.Name + exts[0]
}

const documentCols = `d.id, d.case_id, d.doc_type, d.special, d.name, d.content_type, d.size, COALESCE(u.name, d.uploaded_by), d.uploaded_at`

const documentFrom = ` FROM documents d LEFT JOIN users u ON u.tenant_id = d.tenant_id AND CAST(u.id AS TEXT) = d.uploaded_by`

// scanDocuments reads document rows with their names still sealed.
func scanDocuments(rows *sql.Rows) ([]Document, [][]byte, error) {
	defer rows.Close()
	var (
		out   []Document
		names [][]byte
	)
	for rows.Next() {
		var d Document
		var name []byte
		if err := rows.Scan(&d.ID, &d.CaseID, &d.Type, &d.Special, &name, &d.ContentType, &d.Size, &d.UploadedBy, &d.UploadedAt); err != nil {
			return nil, nil, err
		}
		out = append(out, d)
		names = append(names, name)
	}
	return out, names, rows.Err()
}

// documents loads a case's documents (without content), newest first, names decrypted.
func (s *Service) documents(ctx context.Context, tx *db.Tx, tenantID, caseID string) ([]Document, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+documentCols+documentFrom+" WHERE d.tenant_id = $1 AND d.case_id = $2 ORDER BY d.uploaded_at DESC, d.id DESC",
		tenantID, caseID)
	if err != nil {
		return nil, err
	}
	out, names, err := scanDocuments(rows)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Name, err = s.open(ctx, tx, tenantID, "documents", "name", out[i].ID, names[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// getDocument loads one document of the tenant (without content), name decrypted.
func (s *Service) getDocument(ctx context.Context, tx *db.Tx, tenantID, id string) (*Document, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+documentCols+documentFrom+" WHERE d.tenant_id = $1 AND d.id = $2", tenantID, id)
	if err != nil {
		return nil, err
	}
	out, names, err := scanDocuments(rows)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errs.ErrNotFound
	}
	d := &out[0]
	if d.Name, err = s.open(ctx, tx, tenantID, "documents", "name", d.ID, names[0]); err != nil {
		return nil, err
	}
	return d, nil
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// AddDocument stores a document in a case: name and content encrypted, the upload audited in
// the same transaction. The content's type is sniffed; only the allowed types are kept.
func (s *Service) AddDocument(ctx context.Context, actor access.Actor, caseID string, in DocumentInput, purpose string) (*Document, error) {
	if err := access.Guard(actor, KindCase, access.Update, caseID, 0); err != nil {
		return nil, err
	}
	var d *Document
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := s.loadCase(ctx, tx, actor, access.Update, caseID, purpose)
		if err != nil {
			return err
		}
		ct, err := in.Validate()
		if err != nil {
			return err
		}
		if !IsOpen(c.Status) {
			return errs.E(errs.Conflict, "casework.case.not_open")
		}
		d = &Document{ID: ids.New(), CaseID: c.ID, Type: in.Type, Special: in.Special, Name: in.Name, ContentType: ct,
			Size: len(in.Content), UploadedBy: actor.Name, UploadedAt: tx.Now}
		name, err := s.seal(ctx, tx, c.TenantID, "documents", "name", d.ID, d.Name)
		if err != nil {
			return err
		}
		content, err := s.Vault.Seal(ctx, tx, c.TenantID, in.Content, aad("documents", "content", d.ID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (tenant_id, id, case_id, doc_type, special, name, content_type, size, content,
			uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.TenantID, d.ID, c.ID, d.Type, d.Special, name, d.ContentType, d.Size, content, actor.UserID, tx.Now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE cases SET updated_at = $1 WHERE tenant_id = $2 AND id = $3", tx.Now, c.TenantID, c.ID); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "document.upload", "case", c.ID, map[string]string{"document": d.ID, "doc_type": d.Type,
			"special": flag(d.Special), "size": strconv.Itoa(d.Size)})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// CaseDocuments returns a case with its documents (names, no content) for the documents page;
// the read is audited.
func (s *Service) CaseDocuments(ctx context.Context, actor access.Actor, caseID, purpose string) (*Case, []Document, error) {
	if err := access.Guard(actor, KindCase, access.View, caseID, 0); err != nil {
		return nil, nil, err
	}
	var (
		c    *Case
		docs []Document
	)
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if c, err = s.loadCase(ctx, tx, actor, access.View, caseID, purpose); err != nil {
			return err
		}
		if docs, err = s.documents(ctx, tx, c.TenantID, c.ID); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "document.list", "case", c.ID, map[string]string{"results": strconv.Itoa(len(docs))})
	})
	return c, docs, err
}

// loadDocument loads a document and its case for action a (the case's access rules and purpose
// rule apply).
func (s *Service) loadDocument(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id, purpose string) (*Document, *Case, error) {
	d, err := s.getDocument(ctx, tx, actor.TenantID, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.loadCase(ctx, tx, actor, a, d.CaseID, purpose)
	if err != nil {
		return nil, nil, err
	}
	return d, c, nil
}

// DocumentFile returns a document with its decrypted content for a download; every download
// is audited.
func (s *Service) DocumentFile(ctx context.Context, actor access.Actor, id, purpose string) (*Document, []byte, error) {
	if err := access.Guard(actor, KindCase, access.View, id, 0); err != nil {
		return nil, nil, err
	}
	var (
		d       *Document
		content []byte
	)
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var (
			c   *Case
			err error
		)
		if d, c, err = s.loadDocument(ctx, tx, actor, access.View, id, purpose); err != nil {
			return err
		}
		var sealed []byte
		if err := tx.QueryRowContext(ctx, "SELECT content FROM documents WHERE tenant_id = $1 AND id = $2", c.TenantID, d.ID).Scan(&sealed); err != nil {
			return err
		}
		if content, err = s.Vault.Open(ctx, tx, c.TenantID, sealed, aad("documents", "content", d.ID)); err != nil {
			return fmt.Errorf("open document: %w", err)
		}
		return s.log(ctx, tx, actor, "document.download", "case", c.ID, map[string]string{"document": d.ID, "special": flag(d.Special)})
	})
	if err != nil {
		return nil, nil, err
	}
	return d, content, nil
}

// GetDocument returns a document's details (for the confirmation before deleting it); the
// actor must be allowed to change its case. The read is audited.
func (s *Service) GetDocument(ctx context.Context, actor access.Actor, id, purpose string) (*Document, *Case, error) {
	if err := access.Guard(actor, KindCase, access.Update, id, 0); err != nil {
		return nil, nil, err
	}
	var (
		d *Document
		c *Case
	)
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if d, c, err = s.loadDocument(ctx, tx, actor, access.Update, id, purpose); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "document.view", "case", c.ID, map[string]string{"document": d.ID})
	})
	return d, c, err
}

// DeleteDocument removes a document from its case and returns the case's id; the deletion is
// audited (with the document's type, never its name).
func (s *Service) DeleteDocument(ctx context.Context, actor access.Actor, id, purpose string) (string, error) {
	if err := access.Guard(actor, KindCase, access.Update, id, 0); err != nil {
		return "", err
	}
	var caseID string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		d, c, err := s.loadDocument(ctx, tx, actor, access.Update, id, purpose)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM documents WHERE tenant_id = $1 AND id = $2", c.TenantID, d.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errs.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "UPDATE cases SET updated_at = $1 WHERE tenant_id = $2 AND id = $3", tx.Now, c.TenantID, c.ID); err != nil {
			return err
		}
		caseID = c.ID
		return s.log(ctx, tx, actor, "document.delete", "case", c.ID, map[string]string{"document": d.ID, "doc_type": d.Type, "special": flag(d.Special)})
	})
	return caseID, err
}
