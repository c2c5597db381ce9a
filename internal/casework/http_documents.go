package casework

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// documentRoutes registers the documents of a case, the deadline list and the caseload
// exports.
func (h *HTTP) documentRoutes(rt *web.Router) {
	rt.Handle("GET /faelle/{id}/dokumente", web.Staff, h.documentList)
	// The upload takes a file of up to MaxDocumentSize plus the multipart framing.
	rt.HandleLimit("POST /faelle/{id}/dokumente", web.Staff, MaxDocumentSize+1<<20, h.documentUpload)
	rt.Handle("GET /dokumente/{id}", web.Staff, h.documentDownload)
	rt.Handle("GET /dokumente/{id}/loeschen", web.Staff, h.documentDeleteConfirm)
	rt.Handle("POST /dokumente/{id}/loeschen", web.Staff, h.documentDelete)
	h.deadlineRoutes(rt)
	h.exportRoutes(rt)
}

type documentsData struct {
	Case     *Case
	Items    []Document
	Open     bool
	DocTypes []web.Option
	Max      string
}

var documentFields = web.Fields("file", "casework.document.file", "doc_type", "casework.document.doc_type", "special", "casework.document.special")

// documentsPage renders a case's documents with the upload form; a case that needs a purpose
// first shows the purpose form.
func (h *HTTP) documentsPage(w http.ResponseWriter, r *http.Request, status int, form *web.Form) {
	actor, ok := h.check(w, r, KindCase, access.View)
	if !ok {
		return
	}
	c, docs, err := h.S.CaseDocuments(r.Context(), actor, r.PathValue("id"), "")
	if errors.Is(err, ErrPurposeRequired) {
		h.askPurpose(w, r, http.StatusForbidden, nil)
		return
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if form == nil {
		form = web.NewForm(url.Values{"doc_type": {"other"}})
	}
	form.Fields = documentFields
	h.R.Render(w, r, status, "casework/documents", web.View{Title: "casework.document.list_title", TitleArgs: []any{"Number", c.Number},
		Form: form, Data: documentsData{Case: c, Items: docs, Open: IsOpen(c.Status), DocTypes: codeOptions("casework.doc_type.", DocTypes),
			Max: sizeText(MaxDocumentSize)}})
}

func (h *HTTP) documentList(w http.ResponseWriter, r *http.Request) {
	h.documentsPage(w, r, http.StatusOK, nil)
}

// errBodyTooLarge is a request body over the application's limit (web.MaxBody); Limit is
// that limit.
type errBodyTooLarge struct{ Limit int64 }

func (e errBodyTooLarge) Error() string {
	return "request body over " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// readUpload reads the upload form as a stream: the file goes to memory (never to a temporary
// file on disk, where it would lie unencrypted), at most MaxDocumentSize+1 bytes of it. A form
// that is not multipart (no file) gives its fields and no content.
func readUpload(r *http.Request) (DocumentInput, url.Values, error) {
	var in DocumentInput
	tooLarge := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBodyTooLarge{Limit: mbe.Limit}
		}
		return errs.E(errs.Invalid, "error.bad_form")
	}
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		if err := web.ParseForm(r); err != nil {
			return in, nil, err
		}
		return DocumentInput{Type: r.PostForm.Get("doc_type"), Special: checked(r.PostForm, "special")}, r.PostForm, nil
	}
	if err != nil {
		return in, nil, errs.E(errs.Invalid, "error.bad_form")
	}
	values := url.Values{}
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil || parts > 20 {
			return in, nil, tooLarge(err)
		}
		switch name := p.FormName(); name {
		case "file":
			if in.Content != nil || in.Name != "" {
				continue // one file per upload
			}
			in.Name = p.FileName()
			if in.Content, err = io.ReadAll(io.LimitReader(p, MaxDocumentSize+1)); err != nil {
				return in, nil, tooLarge(err)
			}
		case "doc_type", "special":
			b, err := io.ReadAll(io.LimitReader(p, 1<<10))
			if err != nil {
				return in, nil, tooLarge(err)
			}
			if !utf8.Valid(b) {
				return in, nil, errs.E(errs.Invalid, "error.bad_form")
			}
			values.Add(name, string(b))
		}
	}
	in.Type, in.Special = values.Get("doc_type"), checked(values, "special")
	return in, values, nil
}

func (h *HTTP) documentUpload(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindCase, access.Update)
	if !ok {
		return
	}
	in, values, err := readUpload(r)
	var big errBodyTooLarge
	if errors.As(err, &big) {
		// The whole request was over the application's body limit: say how large a file may
		// be (the page itself checks access to the case).
		f := web.NewForm(url.Values{"doc_type": {"other"}})
		f.Errors = map[string]errs.Message{"file": errs.Msg("casework.document.too_large", "Max", sizeText(min(big.Limit, MaxDocumentSize)))}
		h.documentsPage(w, r, http.StatusRequestEntityTooLarge, f)
		return
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if _, err := h.S.AddDocument(r.Context(), actor, r.PathValue("id"), in, ""); err != nil {
		form := web.NewForm(values).WithError(err)
		if len(form.Errors) == 0 {
			h.R.Fail(w, r, err)
			return
		}
		h.documentsPage(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	web.Redirect(w, r, "/faelle/"+r.PathValue("id")+"/dokumente", "casework.document.uploaded")
}

func (h *HTTP) documentDownload(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindCase, access.View)
	if !ok {
		return
	}
	d, content, err := h.S.DocumentFile(r.Context(), actor, r.PathValue("id"), "")
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", d.ContentType)
	hd.Set("Content-Disposition", ContentDisposition(d.DownloadName()))
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	_, _ = w.Write(content)
}

func (h *HTTP) documentDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindCase, access.Update)
	if !ok {
		return
	}
	d, c, err := h.S.GetDocument(r.Context(), actor, r.PathValue("id"), "")
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.RenderConfirm(w, r, "casework.document.delete_title", web.Confirm{Question: "casework.document.delete_question", Name: d.Name,
		Consequence: "casework.document.delete_consequence", Confirm: "casework.document.delete", Action: "/dokumente/" + d.ID + "/loeschen",
		Cancel: "/faelle/" + c.ID + "/dokumente"})
}

func (h *HTTP) documentDelete(w http.ResponseWriter, r *http.Request) {
	h.postAction(w, r, KindCase, access.Update, "casework.document.deleted", func(actor access.Actor) (string, error) {
		caseID, err := h.S.DeleteDocument(r.Context(), actor, r.PathValue("id"), "")
		return "/faelle/" + caseID + "/dokumente", err
	})
}

// ContentDisposition is the header value of a download as an attachment (RFC 6266): an ASCII
// name for old clients and the exact name in UTF-8 (RFC 8187).
func ContentDisposition(name string) string {
	var ascii, exact strings.Builder
	for _, r := range name {
		switch {
		case r == '"' || r == '\\' || r == '%' || r < 0x20 || r == 0x7f:
			ascii.WriteByte('_')
		case r < 0x80:
			ascii.WriteRune(r)
		default:
			if t, ok := asciiFold[r]; ok {
				ascii.WriteString(t)
			} else {
				ascii.WriteByte('_')
			}
		}
	}
	const attrChar = "!#$&+-.^_`|~"
	for _, b := range []byte(name) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte(attrChar, b) >= 0) {
			exact.WriteByte(b)
		} else {
			exact.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(b)|0x100, 16)[1:]))
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + exact.String()
}

// asciiFold spells the German letters in ASCII for the fallback file name.
var asciiFold = map[rune]string{'ä': "ae", 'ö': "oe", 'ü': "ue", 'Ä': "Ae", 'Ö': "Oe", 'Ü': "Ue", 'ß': "ss", 'é': "e", 'è': "e", 'á': "a", 'à': "a", 'ç': "c"}
