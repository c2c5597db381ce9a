package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/ids"
)

// oaCall is one request of the conformance table.
type oaCall struct {
	name   string
	role   access.Role // the fixture token to send; "" sends none
	token  string      // a literal token instead of the role's
	method string
	path   string
	body   any               // sent as JSON
	raw    *string           // sent as is, instead of body
	ctype  string            // Content-Type of raw (default application/json)
	header map[string]string // extra request headers
	want   int
	check  func(t *testing.T, body map[string]any) // optional further assertions on a JSON answer
}

func oaStr(s string) *string { return &s }

func TestAPIConformsToOpenAPI(t *testing.T) {
	s := oaLoad(t)
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			const maxBody = 64 << 10
			env := apptest.New(t, e, apptest.Options{Configure: func(c *app.Config) { c.MaxBody = maxBody }})
			f := env.Seed()
			calls := oaCalls(t, env, f, maxBody)

			// Every secured operation answers 401 without a token.
			for _, o := range s.operations() {
				if o.public() {
					continue
				}
				path := strings.ReplaceAll(o.Path, "{id}", ids.New())
				var body any
				if o.Op["requestBody"] != nil {
					body = map[string]any{}
				}
				calls = append(calls, oaCall{name: "no token", method: o.Method, path: path, body: body, want: http.StatusUnauthorized})
			}

			exercised := map[string]map[int]bool{}
			for _, c := range calls {
				o, status := oaRun(t, env, s, f, c)
				if exercised[o] == nil {
					exercised[o] = map[int]bool{}
				}
				exercised[o][status] = true
			}
			// Every operation was called successfully at least once, and the 401 check reached
			// every secured operation.
			for _, o := range s.operations() {
				got := exercised[o.key()]
				var ok bool
				for st := range got {
					ok = ok || st/100 == 2
				}
				if !ok {
					t.Errorf("%s: no successful call in the conformance table", o.key())
				}
				if !o.public() && !got[http.StatusUnauthorized] {
					t.Errorf("%s: 401 was not exercised", o.key())
				}
			}
		})
	}
}

// oaRun sends one request, checks its status and validates the answer against the document.
// It returns the operation key and the status.
func oaRun(t *testing.T, env *apptest.Env, s *oaSpec, f *apptest.Fixtures, c oaCall) (string, int) {
	t.Helper()
	label := c.method + " " + c.path + " (" + c.name + ")"
	o, ok := s.find(c.method, strings.SplitN(c.path, "?", 2)[0])
	if !ok {
		t.Fatalf("%s: no documented operation", label)
	}
	cl := env.Client()
	switch {
	case c.token != "":
		cl.Token = c.token
	case c.role != "":
		cl.Token = f.Tokens[c.role]
	}
	var reqBody []byte
	var req *http.Request
	switch {
	case c.raw != nil:
		reqBody = []byte(*c.raw)
		req = cl.Request(c.method, c.path, bytes.NewReader(reqBody))
		ct := c.ctype
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	case c.body != nil:
		var err error
		if reqBody, err = json.Marshal(c.body); err != nil {
			t.Fatal(err)
		}
		req = cl.Request(c.method, c.path, bytes.NewReader(reqBody))
		req.Header.Set("Content-Type", "application/json")
	default:
		req = cl.Request(c.method, c.path, nil)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	r := cl.Do(req)
	if r.StatusCode != c.want {
		t.Errorf("%s: status %d, want %d\n%s", label, r.StatusCode, c.want, r.Body)
	}

	// A request the server accepted must conform to the documented request body.
	if rb := oaObj(o.Op["requestBody"]); rb != nil && r.StatusCode/100 == 2 && reqBody != nil {
		rb, ptr := s.resolve(t, rb, o.Ptr+"/requestBody")
		if oaObj(oaObj(rb["content"])["application/json"])["schema"] == nil {
			t.Errorf("%s: the request body has no application/json schema", label)
		} else {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(reqBody))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.schema(t, ptr+"/content/application~1json/schema").Validate(v); err != nil {
				t.Errorf("%s: accepted request body does not match the documented schema: %v\n%s", label, err, reqBody)
			}
		}
	}

	resp := oaObj(oaObj(o.Op["responses"])[strconv.Itoa(r.StatusCode)])
	if resp == nil {
		t.Errorf("%s: status %d is not documented for %s\n%s", label, r.StatusCode, o.key(), r.Body)
		return o.key(), r.StatusCode
	}
	resp, ptr := s.resolve(t, resp, o.Ptr+"/responses/"+strconv.Itoa(r.StatusCode))
	for name := range oaObj(resp["headers"]) {
		if r.Header.Get(name) == "" {
			t.Errorf("%s: documented header %s is missing", label, name)
		}
	}
	media := oaObj(oaObj(resp["content"])["application/json"])
	if media == nil {
		if len(r.Body) != 0 {
			t.Errorf("%s: status %d is documented without content, but the answer has a body: %s", label, r.StatusCode, r.Body)
		}
		return o.key(), r.StatusCode
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want application/json", label, ct)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Body))
	if err != nil {
		t.Errorf("%s: answer is not JSON: %v\n%s", label, err, r.Body)
		return o.key(), r.StatusCode
	}
	if err := s.schema(t, ptr+"/content/application~1json/schema").Validate(v); err != nil {
		t.Errorf("%s: answer does not match the schema of status %d: %v\n%s", label, r.StatusCode, err, r.Body)
	}
	if c.check != nil && !t.Failed() {
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err == nil {
			c.check(t, m)
		}
	}
	return o.key(), r.StatusCode
}

// oaItems returns the "items" of a list answer.
func oaItems(body map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := body["items"].([]any)
	for _, it := range list {
		out = append(out, oaObj(it))
	}
	return out
}

func oaTotal(n int) func(t *testing.T, body map[string]any) {
	return func(t *testing.T, body map[string]any) {
		t.Helper()
		if got, _ := body["total"].(float64); int(got) != n || len(oaItems(body)) != n {
			t.Errorf("total %v with %d items, want %d", body["total"], len(oaItems(body)), n)
		}
	}
}

func oaField(field string) func(t *testing.T, body map[string]any) {
	return func(t *testing.T, body map[string]any) {
		t.Helper()
		if _, ok := oaObj(oaObj(body["error"])["fields"])[field]; !ok {
			t.Errorf("error fields %v, want a message for %q", oaObj(body["error"])["fields"], field)
		}
	}
}

// oaCalls is the table: success and error cases of every operation, in order (later
// calls rely on the versions earlier ones produced).
func oaCalls(t *testing.T, env *apptest.Env, f *apptest.Fixtures, maxBody int) []oaCall {
	t.Helper()
	ctx := t.Context()
	sysA := access.System(f.TenantA.ID)
	dir := env.App.Dir
	orgDel, err := dir.CreateOrganisation(ctx, sysA, directory.OrganisationInput{Name: "Zu löschen", Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG})
	if err != nil {
		t.Fatal(err)
	}
	locDel, err := dir.CreateLocation(ctx, sysA, directory.LocationInput{OrganisationID: f.OrgA2.ID, Name: "Außenstelle"})
	if err != nil {
		t.Fatal(err)
	}
	districtDel, err := dir.CreateDistrict(ctx, sysA, directory.DistrictInput{Name: "Alpha-Süd"})
	if err != nil {
		t.Fatal(err)
	}
	quarterDel, err := dir.AddQuarter(ctx, sysA, f.DistrictA.ID, directory.QuarterInput{Name: "Neubaugebiet"})
	if err != nil {
		t.Fatal(err)
	}

	const (
		admin    = access.TenantAdmin
		platform = access.PlatformAdmin
		dpo      = access.DataProtectionOfficer
		cm       = access.CaseManager
		lead     = access.TeamLead
	)
	missing := ids.New()
	big := `{"name":"` + strings.Repeat("x", maxBody+1024) + `"}`
	var calls []oaCall
	add := func(c ...oaCall) { calls = append(calls, c...) }

	// me
	for _, role := range access.Roles {

		add(oaCall{name: "me as " + string(role), role: role, method: "GET", path: "/api/v1/me", want: 200,
			check: func(t *testing.T, b map[string]any) {
				if b["role"] != string(role) || b["tenant"] != "alpha" || b["id"] != f.Users[role].ID {
					t.Errorf("me as %s: %v", role, b)
				}
			}})
	}
	add(oaCall{name: "unknown token", token: "kim_00000000000000000000000000000000_nope", method: "GET", path: "/api/v1/me", want: 401},
		oaCall{name: "not a KIM token", token: "Basic abc", method: "GET", path: "/api/v1/me", want: 401})

	// organisations
	add(
		oaCall{name: "list", role: cm, method: "GET", path: "/api/v1/organisations", want: 200, check: oaTotal(3)},
		oaCall{name: "list filtered and sorted", role: access.Coordinator, method: "GET",
			path: "/api/v1/organisations?q=alpha&type=welfare&sort=updated&dir=desc&page=1&size=5", want: 200, check: oaTotal(1)},
		oaCall{name: "list past the last page", role: cm, method: "GET", path: "/api/v1/organisations?page=9", want: 200},
		oaCall{name: "list as platform admin", role: platform, method: "GET", path: "/api/v1/organisations", want: 403},
		oaCall{name: "get own tenant", role: access.BodyMember, method: "GET", path: "/api/v1/organisations/" + f.OrgA2.ID, want: 200},
		oaCall{name: "get other tenant", role: admin, method: "GET", path: "/api/v1/organisations/" + f.OrgB1.ID, want: 404},
		oaCall{name: "get missing", role: admin, method: "GET", path: "/api/v1/organisations/" + missing, want: 404},
		oaCall{name: "get malformed id", role: admin, method: "GET", path: "/api/v1/organisations/not-a-uuid", want: 404},
		oaCall{name: "get as platform admin", role: platform, method: "GET", path: "/api/v1/organisations/" + f.OrgA1.ID, want: 403},
		oaCall{name: "create", role: admin, method: "POST", path: "/api/v1/organisations", want: 201,
			body: map[string]any{"name": "Caritas Alpha", "short_name": "Caritas", "type": "welfare", "data_protection_regime": "kdg",
				"kim_carrier": true, "email": "info@caritas.example", "phone": "0212 123-45", "website": "https://caritas.example"}},
		oaCall{name: "create duplicate name", role: admin, method: "POST", path: "/api/v1/organisations", want: 422,
			body: map[string]any{"name": "Caritas Alpha", "type": "welfare", "data_protection_regime": "kdg"}, check: oaField("name")},
		oaCall{name: "create without required fields", role: admin, method: "POST", path: "/api/v1/organisations", want: 422,
			body: map[string]any{"short_name": "X"}, check: oaField("type")},
		oaCall{name: "create with unknown field", role: admin, method: "POST", path: "/api/v1/organisations", want: 422,
			body: map[string]any{"name": "X", "type": "club", "data_protection_regime": "kdg", "tenant_id": f.TenantB.ID}, check: oaField("tenant_id")},
		oaCall{name: "create with wrong type", role: admin, method: "POST", path: "/api/v1/organisations", want: 422,
			raw: oaStr(`{"name": 5}`), check: oaField("name")},
		oaCall{name: "create with broken JSON", role: admin, method: "POST", path: "/api/v1/organisations", want: 400, raw: oaStr(`{"name":`)},
		oaCall{name: "create with trailing data", role: admin, method: "POST", path: "/api/v1/organisations", want: 400,
			raw: oaStr(`{"name":"A","type":"club","data_protection_regime":"kdg"} {}`)},
		oaCall{name: "create with empty body", role: admin, method: "POST", path: "/api/v1/organisations", want: 400, raw: oaStr(``)},
		oaCall{name: "create as form", role: admin, method: "POST", path: "/api/v1/organisations", want: 400,
			raw: oaStr(`name=A`), ctype: "application/x-www-form-urlencoded"},
		oaCall{name: "create too large", role: admin, method: "POST", path: "/api/v1/organisations", want: 413, raw: &big},
		oaCall{name: "create cross-site", role: admin, method: "POST", path: "/api/v1/organisations", want: 403,
			body: map[string]any{"name": "X", "type": "club", "data_protection_regime": "kdg"}, header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		oaCall{name: "create as case manager", role: cm, method: "POST", path: "/api/v1/organisations", want: 403,
			body: map[string]any{"name": "X", "type": "club", "data_protection_regime": "kdg"}},
		oaCall{name: "update", role: admin, method: "PATCH", path: "/api/v1/organisations/" + f.OrgA2.ID, want: 200,
			body: map[string]any{"short_name": "AW", "version": 1}, check: func(t *testing.T, b map[string]any) {
				if b["short_name"] != "AW" || b["name"] != f.OrgA2.Name || b["version"] != float64(2) {
					t.Errorf("patched organisation: %v", b)
				}
			}},
		oaCall{name: "update stale version", role: admin, method: "PATCH", path: "/api/v1/organisations/" + f.OrgA2.ID, want: 409,
			body: map[string]any{"short_name": "AWO", "version": 1}},
		oaCall{name: "update invalid", role: admin, method: "PATCH", path: "/api/v1/organisations/" + f.OrgA2.ID, want: 422,
			body: map[string]any{"website": "javascript:alert(1)"}, check: oaField("website")},
		oaCall{name: "update other tenant", role: admin, method: "PATCH", path: "/api/v1/organisations/" + f.OrgB1.ID, want: 404,
			body: map[string]any{"short_name": "B"}},
		oaCall{name: "update as coordinator", role: access.Coordinator, method: "PATCH", path: "/api/v1/organisations/" + f.OrgA2.ID, want: 403,
			body: map[string]any{"short_name": "B"}},
		oaCall{name: "update broken JSON", role: admin, method: "PATCH", path: "/api/v1/organisations/" + f.OrgA2.ID, want: 400, raw: oaStr(`[`)},
		oaCall{name: "delete in use", role: admin, method: "DELETE", path: "/api/v1/organisations/" + f.OrgA2.ID, want: 409},
		oaCall{name: "delete as case manager", role: cm, method: "DELETE", path: "/api/v1/organisations/" + orgDel.ID, want: 403},
		oaCall{name: "delete other tenant", role: admin, method: "DELETE", path: "/api/v1/organisations/" + f.OrgB1.ID, want: 404},
		oaCall{name: "delete", role: admin, method: "DELETE", path: "/api/v1/organisations/" + orgDel.ID, want: 204},
		oaCall{name: "delete again", role: admin, method: "DELETE", path: "/api/v1/organisations/" + orgDel.ID, want: 404},
	)

	// locations
	add(
		oaCall{name: "list", role: access.NaturalisationClerk, method: "GET", path: "/api/v1/locations", want: 200, check: oaTotal(3)},
		oaCall{name: "list filtered", role: cm, method: "GET", want: 200, check: oaTotal(1),
			path: "/api/v1/locations?organisation_id=" + f.OrgA1.ID + "&district_id=" + f.DistrictA.ID + "&language=ar&step_free=1&sort=district&dir=desc"},
		oaCall{name: "list with malformed id filter", role: cm, method: "GET", path: "/api/v1/locations?organisation_id=nonsense", want: 200, check: oaTotal(0)},
		oaCall{name: "list with malformed district filter", role: cm, method: "GET", path: "/api/v1/locations?district_id=1", want: 200, check: oaTotal(0)},
		oaCall{name: "list as platform admin", role: platform, method: "GET", path: "/api/v1/locations", want: 403},
		oaCall{name: "get", role: cm, method: "GET", path: "/api/v1/locations/" + f.LocA2.ID, want: 200, check: func(t *testing.T, b map[string]any) {
			if b["quarter_name"] != f.QuarterA.Name || b["organisation_name"] != f.OrgA2.Name {
				t.Errorf("location: %v", b)
			}
		}},
		oaCall{name: "get without district", role: cm, method: "GET", path: "/api/v1/locations/" + locDel.ID, want: 200, check: func(t *testing.T, b map[string]any) {
			if b["district_id"] != "" || b["quarter_id"] != "" {
				t.Errorf("location without district: %v", b)
			}
		}},
		oaCall{name: "get other tenant", role: cm, method: "GET", path: "/api/v1/locations/" + f.LocB1.ID, want: 404},
		oaCall{name: "create", role: admin, method: "POST", path: "/api/v1/locations", want: 201,
			body: map[string]any{"organisation_id": f.OrgA1.ID, "name": "Stadtteilbüro", "street": "Hauptstraße 5", "postcode": "42651",
				"city": "Alpha", "quarter_id": f.QuarterA.ID, "opening_hours": "Mo–Fr 9–12 Uhr", "languages": []string{"de", "tr", "uk"},
				"step_free": true, "phone": "+49 212 1", "email": "buero@alpha.example"},
			check: func(t *testing.T, b map[string]any) {
				if b["district_id"] != f.DistrictA.ID {
					t.Errorf("district not taken from the quarter: %v", b)
				}
			}},
		oaCall{name: "create with other tenant's quarter", role: admin, method: "POST", path: "/api/v1/locations", want: 422,
			body: map[string]any{"organisation_id": f.OrgA1.ID, "name": "Fremd", "quarter_id": f.QuarterB.ID}, check: oaField("quarter_id")},
		oaCall{name: "create with other tenant's organisation", role: admin, method: "POST", path: "/api/v1/locations", want: 422,
			body: map[string]any{"organisation_id": f.OrgB1.ID, "name": "Fremd"}, check: oaField("organisation_id")},
		oaCall{name: "create with bad language", role: admin, method: "POST", path: "/api/v1/locations", want: 422,
			body: map[string]any{"organisation_id": f.OrgA1.ID, "name": "X", "languages": []string{"klingon"}}, check: oaField("languages")},
		oaCall{name: "create as team lead", role: lead, method: "POST", path: "/api/v1/locations", want: 403,
			body: map[string]any{"organisation_id": f.OrgA1.ID, "name": "X"}},
		oaCall{name: "update", role: admin, method: "PATCH", path: "/api/v1/locations/" + f.LocA1.ID, want: 200,
			body: map[string]any{"opening_hours": "Di 10–12 Uhr", "version": 1}},
		oaCall{name: "update stale version", role: admin, method: "PATCH", path: "/api/v1/locations/" + f.LocA1.ID, want: 409,
			body: map[string]any{"opening_hours": "Mi", "version": 1}},
		oaCall{name: "update other tenant", role: admin, method: "PATCH", path: "/api/v1/locations/" + f.LocB1.ID, want: 404,
			body: map[string]any{"name": "X"}},
		oaCall{name: "update with bad postcode", role: admin, method: "PATCH", path: "/api/v1/locations/" + f.LocA1.ID, want: 422,
			body: map[string]any{"postcode": "ABC"}, check: oaField("postcode")},
		oaCall{name: "delete as body member", role: access.BodyMember, method: "DELETE", path: "/api/v1/locations/" + locDel.ID, want: 403},
		oaCall{name: "delete other tenant", role: admin, method: "DELETE", path: "/api/v1/locations/" + f.LocB1.ID, want: 404},
		oaCall{name: "delete", role: admin, method: "DELETE", path: "/api/v1/locations/" + locDel.ID, want: 204},
	)

	// districts and quarters
	add(
		oaCall{name: "list", role: cm, method: "GET", path: "/api/v1/districts?sort=code", want: 200, check: oaTotal(2)},
		oaCall{name: "search by quarter", role: cm, method: "GET", path: "/api/v1/districts?q=altstadt", want: 200, check: oaTotal(1)},
		oaCall{name: "list as platform admin", role: platform, method: "GET", path: "/api/v1/districts", want: 403},
		oaCall{name: "get", role: access.Coordinator, method: "GET", path: "/api/v1/districts/" + f.DistrictA.ID, want: 200, check: func(t *testing.T, b map[string]any) {
			if qs, _ := b["quarters"].([]any); len(qs) != 2 {
				t.Errorf("district quarters: %v", b["quarters"])
			}
		}},
		oaCall{name: "get without quarters", role: cm, method: "GET", path: "/api/v1/districts/" + districtDel.ID, want: 200},
		oaCall{name: "get other tenant", role: cm, method: "GET", path: "/api/v1/districts/" + f.DistrictB.ID, want: 404},
		oaCall{name: "create", role: admin, method: "POST", path: "/api/v1/districts", want: 201, body: map[string]any{"name": "Alpha-Nord", "code": "3"}},
		oaCall{name: "create duplicate", role: admin, method: "POST", path: "/api/v1/districts", want: 422,
			body: map[string]any{"name": "Alpha-Nord"}, check: oaField("name")},
		oaCall{name: "create as data-protection officer", role: dpo, method: "POST", path: "/api/v1/districts", want: 403,
			body: map[string]any{"name": "X"}},
		oaCall{name: "update", role: admin, method: "PATCH", path: "/api/v1/districts/" + f.DistrictA.ID, want: 200,
			body: map[string]any{"code": "01", "version": 1}},
		oaCall{name: "update stale version", role: admin, method: "PATCH", path: "/api/v1/districts/" + f.DistrictA.ID, want: 409,
			body: map[string]any{"code": "02", "version": 1}},
		oaCall{name: "update other tenant", role: admin, method: "PATCH", path: "/api/v1/districts/" + f.DistrictB.ID, want: 404,
			body: map[string]any{"code": "02"}},
		oaCall{name: "update empty name", role: admin, method: "PATCH", path: "/api/v1/districts/" + f.DistrictA.ID, want: 422,
			body: map[string]any{"name": " "}, check: oaField("name")},
		oaCall{name: "delete with quarters", role: admin, method: "DELETE", path: "/api/v1/districts/" + f.DistrictA.ID, want: 409},
		oaCall{name: "delete other tenant", role: admin, method: "DELETE", path: "/api/v1/districts/" + f.DistrictB.ID, want: 404},
		oaCall{name: "delete", role: admin, method: "DELETE", path: "/api/v1/districts/" + districtDel.ID, want: 204},

		oaCall{name: "add quarter", role: admin, method: "POST", path: "/api/v1/districts/" + f.DistrictA.ID + "/quarters", want: 201,
			body: map[string]any{"name": "Hafenviertel"}, check: func(t *testing.T, b map[string]any) {
				if b["district_id"] != f.DistrictA.ID {
					t.Errorf("quarter: %v", b)
				}
			}},
		oaCall{name: "add quarter to other tenant", role: admin, method: "POST", path: "/api/v1/districts/" + f.DistrictB.ID + "/quarters", want: 404,
			body: map[string]any{"name": "X"}},
		oaCall{name: "add quarter without name", role: admin, method: "POST", path: "/api/v1/districts/" + f.DistrictA.ID + "/quarters", want: 422,
			body: map[string]any{"name": ""}, check: oaField("name")},
		oaCall{name: "add quarter as clerk", role: access.NaturalisationClerk, method: "POST", path: "/api/v1/districts/" + f.DistrictA.ID + "/quarters", want: 403,
			body: map[string]any{"name": "X"}},
		oaCall{name: "rename quarter", role: admin, method: "PATCH", path: "/api/v1/quarters/" + f.QuarterA.ID, want: 200,
			body: map[string]any{"name": "Historische Altstadt", "version": 1}},
		oaCall{name: "rename quarter stale", role: admin, method: "PATCH", path: "/api/v1/quarters/" + f.QuarterA.ID, want: 409,
			body: map[string]any{"name": "Altstadt", "version": 1}},
		oaCall{name: "rename quarter of other tenant", role: admin, method: "PATCH", path: "/api/v1/quarters/" + f.QuarterB.ID, want: 404,
			body: map[string]any{"name": "X"}},
		oaCall{name: "rename quarter as case manager", role: cm, method: "PATCH", path: "/api/v1/quarters/" + f.QuarterA.ID, want: 403,
			body: map[string]any{"name": "X"}},
		oaCall{name: "delete quarter in use", role: admin, method: "DELETE", path: "/api/v1/quarters/" + f.QuarterA.ID, want: 409},
		oaCall{name: "delete quarter of other tenant", role: admin, method: "DELETE", path: "/api/v1/quarters/" + f.QuarterB.ID, want: 404},
		oaCall{name: "delete quarter", role: admin, method: "DELETE", path: "/api/v1/quarters/" + quarterDel.ID, want: 204},
	)

	// tenants
	add(
		oaCall{name: "list", role: platform, method: "GET", path: "/api/v1/tenants?sort=slug", want: 200, check: oaTotal(2)},
		oaCall{name: "search", role: platform, method: "GET", path: "/api/v1/tenants?q=beta&sort=created&dir=desc", want: 200, check: oaTotal(1)},
		oaCall{name: "list as tenant admin", role: admin, method: "GET", path: "/api/v1/tenants", want: 403},
		oaCall{name: "get", role: platform, method: "GET", path: "/api/v1/tenants/" + f.TenantB.ID, want: 200},
		oaCall{name: "get missing", role: platform, method: "GET", path: "/api/v1/tenants/" + missing, want: 404},
		oaCall{name: "get as tenant admin", role: admin, method: "GET", path: "/api/v1/tenants/" + f.TenantA.ID, want: 403},
		oaCall{name: "create", role: platform, method: "POST", path: "/api/v1/tenants", want: 201,
			body: map[string]any{"slug": "gamma", "name": "Stadt Gamma", "first_organisation": "Gamma Stadtverwaltung"}},
		oaCall{name: "create duplicate slug", role: platform, method: "POST", path: "/api/v1/tenants", want: 422,
			body: map[string]any{"slug": "gamma", "name": "Noch einmal Gamma"}, check: oaField("slug")},
		oaCall{name: "create bad slug", role: platform, method: "POST", path: "/api/v1/tenants", want: 422,
			body: map[string]any{"slug": "-", "name": "X"}, check: oaField("slug")},
		oaCall{name: "create as tenant admin", role: admin, method: "POST", path: "/api/v1/tenants", want: 403,
			body: map[string]any{"slug": "delta", "name": "Delta"}},
		oaCall{name: "disable", role: platform, method: "PATCH", path: "/api/v1/tenants/" + f.TenantB.ID, want: 200,
			body: map[string]any{"disabled": true, "version": 1}, check: func(t *testing.T, b map[string]any) {
				if b["disabled_at"] == nil || b["name"] != f.TenantB.Name {
					t.Errorf("disabled tenant: %v", b)
				}
			}},
		oaCall{name: "re-enable and rename", role: platform, method: "PATCH", path: "/api/v1/tenants/" + f.TenantB.ID, want: 200,
			body: map[string]any{"disabled": false, "name": "Stadt Beta (neu)"}},
		oaCall{name: "update stale version", role: platform, method: "PATCH", path: "/api/v1/tenants/" + f.TenantB.ID, want: 409,
			body: map[string]any{"name": "Beta", "version": 1}},
		oaCall{name: "update empty name", role: platform, method: "PATCH", path: "/api/v1/tenants/" + f.TenantB.ID, want: 422,
			body: map[string]any{"name": ""}, check: oaField("name")},
		oaCall{name: "update missing", role: platform, method: "PATCH", path: "/api/v1/tenants/" + missing, want: 404,
			body: map[string]any{"name": "X"}},
		oaCall{name: "update as tenant admin", role: admin, method: "PATCH", path: "/api/v1/tenants/" + f.TenantA.ID, want: 403,
			body: map[string]any{"name": "X"}},
	)

	// users
	add(
		oaCall{name: "list", role: admin, method: "GET", path: "/api/v1/users?sort=login&dir=desc&size=100", want: 200,
			check: oaTotal(len(access.Roles) + 2)},
		oaCall{name: "list filtered", role: dpo, method: "GET", want: 200, check: oaTotal(2),
			path: "/api/v1/users?role=case_manager&status=active&organisation_id=" + f.OrgA1.ID + "&q=alpha.example&sort=name"},
		oaCall{name: "list with malformed id filter", role: admin, method: "GET", path: "/api/v1/users?organisation_id=nonsense", want: 200, check: oaTotal(0)},
		oaCall{name: "list as team lead (own organisation)", role: lead, method: "GET", path: "/api/v1/users?size=100", want: 200,
			check: func(t *testing.T, b map[string]any) {
				for _, u := range oaItems(b) {
					if u["organisation_id"] != f.OrgA1.ID {
						t.Errorf("team lead sees a user of another organisation: %v", u)
					}
				}
			}},
		oaCall{name: "list as case manager", role: cm, method: "GET", path: "/api/v1/users", want: 403},
		oaCall{name: "get", role: dpo, method: "GET", path: "/api/v1/users/" + f.ColleagueA1.ID, want: 200},
		oaCall{name: "get other organisation as team lead", role: lead, method: "GET", path: "/api/v1/users/" + f.MemberA2.ID, want: 404},
		oaCall{name: "get other tenant", role: admin, method: "GET", path: "/api/v1/users/" + f.MemberB1.ID, want: 404},
		oaCall{name: "get as coordinator", role: access.Coordinator, method: "GET", path: "/api/v1/users/" + f.ColleagueA1.ID, want: 403},
		oaCall{name: "create", role: admin, method: "POST", path: "/api/v1/users", want: 201,
			body: map[string]any{"name": "Neue Kollegin", "email": "neu@alpha.example", "role": "case_manager", "organisation_id": f.OrgA2.ID, "language": "en"},
			check: func(t *testing.T, b map[string]any) {
				if u := oaObj(b["user"]); u["activation_pending"] != true || u["language"] != "en" {
					t.Errorf("new user: %v", b)
				}
			}},
		oaCall{name: "create duplicate email", role: admin, method: "POST", path: "/api/v1/users", want: 422,
			body:  map[string]any{"name": "Doppelt", "email": "NEU@alpha.example", "role": "case_manager", "organisation_id": f.OrgA2.ID},
			check: oaField("email")},
		oaCall{name: "create platform admin", role: admin, method: "POST", path: "/api/v1/users", want: 422,
			body:  map[string]any{"name": "Chef", "email": "chef@alpha.example", "role": "platform_admin", "organisation_id": f.OrgA1.ID},
			check: oaField("role")},
		oaCall{name: "create in other tenant's organisation", role: admin, method: "POST", path: "/api/v1/users", want: 422,
			body:  map[string]any{"name": "Fremd", "email": "fremd@alpha.example", "role": "case_manager", "organisation_id": f.OrgB1.ID},
			check: oaField("organisation_id")},
		oaCall{name: "create as team lead", role: lead, method: "POST", path: "/api/v1/users", want: 403,
			body: map[string]any{"name": "X", "email": "x@alpha.example", "role": "case_manager", "organisation_id": f.OrgA1.ID}},
		oaCall{name: "update", role: admin, method: "PATCH", path: "/api/v1/users/" + f.ColleagueA1.ID, want: 200,
			body: map[string]any{"name": "Kollegin Alpha-Beispiel", "version": 1}},
		oaCall{name: "update stale version", role: admin, method: "PATCH", path: "/api/v1/users/" + f.ColleagueA1.ID, want: 409,
			body: map[string]any{"name": "Kollegin", "version": 1}},
		oaCall{name: "disable", role: admin, method: "PATCH", path: "/api/v1/users/" + f.ColleagueA1.ID, want: 200,
			body: map[string]any{"disabled": true}, check: func(t *testing.T, b map[string]any) {
				if b["disabled"] != true {
					t.Errorf("disabled user: %v", b)
				}
			}},
		oaCall{name: "disable self", role: admin, method: "PATCH", path: "/api/v1/users/" + f.Users[admin].ID, want: 422,
			body: map[string]any{"disabled": true}, check: oaField("disabled")},
		oaCall{name: "demote platform admin as tenant admin", role: admin, method: "PATCH", path: "/api/v1/users/" + f.Users[platform].ID, want: 403,
			body: map[string]any{"role": "case_manager"}},
		oaCall{name: "update other tenant", role: admin, method: "PATCH", path: "/api/v1/users/" + f.MemberB1.ID, want: 404,
			body: map[string]any{"name": "X"}},
		oaCall{name: "update as data-protection officer", role: dpo, method: "PATCH", path: "/api/v1/users/" + f.ColleagueA1.ID, want: 403,
			body: map[string]any{"name": "X"}},
	)

	// audit
	add(
		oaCall{name: "search", role: dpo, method: "GET", path: "/api/v1/audit", want: 200, check: func(t *testing.T, b map[string]any) {
			if len(oaItems(b)) == 0 {
				t.Errorf("empty audit trail after the calls above")
			}
		}},
		oaCall{name: "search filtered", role: dpo, method: "GET", want: 200,
			path: "/api/v1/audit?action=organisation.&outcome=ok&actor=" + f.Users[admin].ID + "&from=2026-01-01&to=2026-12-31&page=1&size=10",
			check: func(t *testing.T, b map[string]any) {
				if len(oaItems(b)) == 0 {
					t.Errorf("no organisation entries of the administrator")
				}
				for _, it := range oaItems(b) {
					if !strings.HasPrefix(it["action"].(string), "organisation.") || it["actor_id"] != f.Users[admin].ID {
						t.Errorf("filter ignored: %v", it)
					}
				}
			}},
		oaCall{name: "search by object", role: dpo, method: "GET", path: "/api/v1/audit?from=&object_id=" + orgDel.ID, want: 200,
			check: func(t *testing.T, b map[string]any) {
				var actions []string
				for _, it := range oaItems(b) {
					actions = append(actions, it["action"].(string))
					if it["object_id"] != orgDel.ID {
						t.Errorf("filter ignored: %v", it)
					}
				}
				if strings.Join(actions, ",") != "organisation.delete,organisation.create" {
					t.Errorf("entries about the deleted organisation: %v", actions)
				}
			}},
		oaCall{name: "bad date", role: dpo, method: "GET", path: "/api/v1/audit?from=gestern", want: 422, check: oaField("from")},
		oaCall{name: "bad actor", role: dpo, method: "GET", path: "/api/v1/audit?actor=jemand", want: 422, check: oaField("actor")},
		oaCall{name: "as tenant admin", role: admin, method: "GET", path: "/api/v1/audit", want: 403},
		oaCall{name: "as platform admin", role: platform, method: "GET", path: "/api/v1/audit", want: 403},
	)

	// the document itself, with and without a token
	add(oaCall{name: "public", method: "GET", path: "/api/v1/openapi.json", want: 200},
		oaCall{name: "with token", role: cm, method: "GET", path: "/api/v1/openapi.json", want: 200})

	// Calls must not leak: every role's denied calls were listed above; make sure the table
	// touches every role at least once.
	used := map[access.Role]bool{}
	for _, c := range calls {
		used[c.role] = true
	}
	for _, r := range access.Roles {
		if !used[r] {
			t.Errorf("role %s is not used in the conformance table", r)
		}
	}
	return calls
}
