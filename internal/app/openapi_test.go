package app_test

import (
	"bytes"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"kim/internal/apptest"
	"kim/internal/platform/web"
)

// The OpenAPI document is held to the router and to the real answers of the API: every route is
// documented, every documented operation exists, and every answer of every operation validates
// against the schema documented for its status code.

const oaURL = "https://kim.example/api/v1/openapi.json"

var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// oaSpec is the parsed document with a compiler for the schemas in it.
type oaSpec struct {
	raw []byte
	doc map[string]any // decoded with json.Number, as the validator wants it

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
}

func oaLoad(t testing.TB) *oaSpec {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		t.Fatal("openapi.json is not a JSON object")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(oaURL, doc); err != nil {
		t.Fatalf("add document: %v", err)
	}
	return &oaSpec{raw: raw, doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
}

// schema compiles (once) the schema at the JSON pointer ptr of the document.
func (s *oaSpec) schema(t testing.TB, ptr string) *jsonschema.Schema {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.schemas[ptr]; ok {
		return sch
	}
	sch, err := s.compiler.Compile(oaURL + "#" + ptr)
	if err != nil {
		t.Fatalf("compile schema %s: %v", ptr, err)
	}
	s.schemas[ptr] = sch
	return sch
}

// oaEscape encodes a JSON pointer token.
func oaEscape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// resolve follows a local $ref ("#/components/…") and returns the target with its pointer.
func (s *oaSpec) resolve(t testing.TB, v map[string]any, ptr string) (map[string]any, string) {
	t.Helper()
	for range 10 {
		ref, ok := v["$ref"].(string)
		if !ok {
			return v, ptr
		}
		if !strings.HasPrefix(ref, "#/") {
			t.Fatalf("%s: only local references are allowed, got %q", ptr, ref)
		}
		var cur any = s.doc
		for _, tok := range strings.Split(ref[2:], "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("%s: reference %q does not resolve", ptr, ref)
			}
			if cur, ok = m[tok]; !ok {
				t.Fatalf("%s: reference %q does not resolve", ptr, ref)
			}
		}
		if v, ok = cur.(map[string]any); !ok {
			t.Fatalf("%s: reference %q is not an object", ptr, ref)
		}
		ptr = ref[1:]
	}
	t.Fatalf("%s: reference chain too long", ptr)
	return nil, ""
}

func oaObj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// oaOperation is one documented method of a path.
type oaOperation struct {
	Method string // upper case
	Path   string // OpenAPI template
	Ptr    string // JSON pointer of the operation object
	Op     map[string]any
	Item   map[string]any // the path item (for path-level parameters)
}

func (o oaOperation) key() string { return o.Method + " " + o.Path }

func (s *oaSpec) operations() []oaOperation {
	var out []oaOperation
	for path, item := range oaObj(s.doc["paths"]) {
		for _, m := range oaMethods {
			if op := oaObj(oaObj(item)[m]); op != nil {
				out = append(out, oaOperation{Method: strings.ToUpper(m), Path: path, Ptr: "/paths/" + oaEscape(path) + "/" + m, Op: op, Item: oaObj(item)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// find returns the operation that serves method and a concrete path; literal segments win
// over template segments.
func (s *oaSpec) find(method, path string) (oaOperation, bool) {
	segs := strings.Split(path, "/")
	best, bestScore := oaOperation{}, -1
	for _, op := range s.operations() {
		if op.Method != method {
			continue
		}
		tsegs := strings.Split(op.Path, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		score := 0
		for i, ts := range tsegs {
			switch {
			case ts == segs[i]:
				score++
			case strings.HasPrefix(ts, "{") && strings.HasSuffix(ts, "}") && segs[i] != "":
			default:
				score = -1
			}
			if score < 0 {
				break
			}
		}
		if score > bestScore {
			best, bestScore = op, score
		}
	}
	return best, bestScore >= 0
}

// public reports whether the operation needs no token (security: []).
func (o oaOperation) public() bool {
	sec, ok := o.Op["security"].([]any)
	return ok && len(sec) == 0
}

// parameters returns the operation's parameters, path-level ones included, resolved.
func (s *oaSpec) parameters(t testing.TB, o oaOperation) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, list := range []struct {
		v   any
		ptr string
	}{{o.Item["parameters"], "/paths/" + oaEscape(o.Path) + "/parameters"}, {o.Op["parameters"], o.Ptr + "/parameters"}} {
		ps, _ := list.v.([]any)
		for i, p := range ps {
			rp, _ := s.resolve(t, oaObj(p), list.ptr+"/"+strconv.Itoa(i))
			out = append(out, rp)
		}
	}
	return out
}

// oaRoutePath turns a ServeMux pattern path into an OpenAPI path template.
func oaRoutePath(p string) string {
	p = strings.TrimSuffix(p, "{$}")
	p = strings.ReplaceAll(p, "...}", "}")
	return p
}

// --- (a) the document itself ---

func TestOpenAPIDocumentIsValid(t *testing.T) {
	s := oaLoad(t)
	if s.doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", s.doc["openapi"])
	}
	if d := s.doc["jsonSchemaDialect"]; d != nil && d != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("jsonSchemaDialect = %v, want the 2020-12 dialect", d)
	}
	info := oaObj(s.doc["info"])
	if info["title"] != "KIM" || info["version"] == nil || info["version"] == "" {
		t.Errorf("info = %v, want title KIM and a version", info)
	}
	servers, _ := s.doc["servers"].([]any)
	if len(servers) != 1 || oaObj(servers[0])["url"] != "/" {
		t.Errorf("servers = %v, want one relative server \"/\"", servers)
	}
	bearer := oaObj(oaObj(oaObj(s.doc["components"])["securitySchemes"])["bearerAuth"])
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("securitySchemes.bearerAuth = %v, want an HTTP bearer scheme", bearer)
	}
	global, _ := s.doc["security"].([]any)
	if len(global) != 1 || oaObj(global[0])["bearerAuth"] == nil {
		t.Errorf("security = %v, want bearerAuth for every operation by default", global)
	}

	// Every schema in the document compiles as a 2020-12 schema (the compiler checks each
	// against the metaschema and resolves every $ref).
	n := 0
	for name := range oaObj(oaObj(s.doc["components"])["schemas"]) {
		s.schema(t, "/components/schemas/"+oaEscape(name))
		n++
	}
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				p := ptr + "/" + oaEscape(k)
				if k == "schema" { // a parameter's or media type's schema
					s.schema(t, p)
					n++
					continue
				}
				if k == "$ref" {
					if ref, _ := c.(string); ref != "" {
						s.resolve(t, x, ptr) // fails when the target does not exist
					}
				}
				walk(c, p)
			}
		case []any:
			for i, c := range x {
				walk(c, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(s.doc["paths"], "/paths")
	walk(oaObj(s.doc["components"])["responses"], "/components/responses")
	walk(oaObj(s.doc["components"])["parameters"], "/components/parameters")
	if n < 40 {
		t.Errorf("compiled only %d schemas; the walk is broken", n)
	}

	// Operations: unique ids, declared path parameters, and the error answers every caller can
	// meet.
	seen := map[string]string{}
	for _, o := range s.operations() {
		id, _ := o.Op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", o.key())
		} else if other, dup := seen[id]; dup {
			t.Errorf("%s: operationId %q also used by %s", o.key(), id, other)
		}
		seen[id] = o.key()
		if d, _ := o.Op["summary"].(string); d == "" {
			t.Errorf("%s: no summary", o.key())
		}
		declared := map[string]bool{}
		for _, p := range s.parameters(t, o) {
			if p["in"] == "path" {
				declared[p["name"].(string)] = true
				if p["required"] != true {
					t.Errorf("%s: path parameter %v must be required", o.key(), p["name"])
				}
			}
		}
		for _, seg := range strings.Split(o.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				name := strings.Trim(seg, "{}")
				if !declared[name] {
					t.Errorf("%s: path parameter %q is not declared", o.key(), name)
				}
				delete(declared, name)
			}
		}
		for name := range declared {
			t.Errorf("%s: declared path parameter %q is not in the path", o.key(), name)
		}
		responses := oaObj(o.Op["responses"])
		var success bool
		for code := range responses {
			if strings.HasPrefix(code, "2") {
				success = true
			}
		}
		if !success {
			t.Errorf("%s: no success response", o.key())
		}
		var want []string
		if !o.public() {
			want = append(want, "401", "500")
		}
		if o.Op["requestBody"] != nil {
			want = append(want, "400", "413", "422")
		}
		if strings.Contains(o.Path, "{id}") {
			want = append(want, "404")
		}
		for _, code := range want {
			if responses[code] == nil {
				t.Errorf("%s: response %s is not documented", o.key(), code)
			}
		}
	}
}

// --- (b) document and router agree ---

func TestOpenAPIMatchesRouter(t *testing.T) {
	s := oaLoad(t)
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	routes := map[string]web.Route{}
	for _, r := range env.App.Router.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") || r.Path == "/api/v1" {
			routes[r.Method+" "+oaRoutePath(r.Path)] = r
		}
	}
	if len(routes) < 20 {
		t.Fatalf("only %d API routes registered; the route listing is broken", len(routes))
	}
	documented := map[string]oaOperation{}
	for _, o := range s.operations() {
		documented[o.key()] = o
		if !strings.HasPrefix(o.Path, "/api/v1/") {
			t.Errorf("%s: documented outside /api/v1", o.key())
		}
	}
	for key, r := range routes {
		o, ok := documented[key]
		if !ok {
			t.Errorf("route %s is registered but not documented in openapi.json", key)
			continue
		}
		switch r.Access {
		case web.Public:
			if !o.public() {
				t.Errorf("%s: the route is public, but the document requires a token", key)
			}
		case web.Token:
			if o.public() {
				t.Errorf("%s: the route requires a token, but the document says it is public", key)
			}
		default:
			t.Errorf("%s: API route with access mode %v", key, r.Access)
		}
	}
	for key := range documented {
		if _, ok := routes[key]; !ok {
			t.Errorf("operation %s is documented but no such route is registered", key)
		}
	}
}

func TestOpenAPIIsServed(t *testing.T) {
	s := oaLoad(t)
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	r := env.Client().Get("/api/v1/openapi.json")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d", r.StatusCode)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if !bytes.Equal(r.Body, s.raw) {
		t.Errorf("the served document differs from internal/app/openapi.json (%d vs %d bytes)", len(r.Body), len(s.raw))
	}
}

// --- (c) the API answers as documented ---
