package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/casework"
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

	// case management: clients, consents, cases, contacts, referrals
	cw := env.App.Cases
	cmA1 := f.Users[cm].Actor("alpha")
	crit, err := cw.SaveCriterion(ctx, f.Users[admin].Actor("alpha"), "", casework.CriterionInput{Label: "Handlungsbedarf in mehreren Lebensbereichen", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	intake := func(in casework.ClientInput) *casework.Client {
		t.Helper()
		in.Acknowledged = true
		res, err := cw.CreateClient(ctx, cmA1, in)
		if err != nil {
			t.Fatal(err)
		}
		return res.Client
	}
	spouse := intake(casework.ClientInput{FamilyName: "Alpha-Klient", GivenNames: "Leyla", BirthDate: "1992-07-15"})
	rahimi := intake(casework.ClientInput{FamilyName: "Rahimi", GivenNames: "Mohammad", NameOriginal: "محمد رحیمی", BirthDate: "1988"})
	if _, err := cw.AddHouseholdMember(ctx, cmA1, f.ClientA1.ID, casework.HouseholdInput{MemberID: spouse.ID, Relationship: "spouse"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.AddHouseholdMember(ctx, cmA1, f.ClientA1.ID, casework.HouseholdInput{Name: "Lina Alpha-Klient", Relationship: "child", BirthDate: "2019-05-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.AddResidenceStatus(ctx, cmA1, f.ClientA1.ID, casework.ResidenceInput{Type: "ae_25b", LegalBasis: "§ 25b AufenthG",
		IssuedOn: "2025-06-01", ValidUntil: "2027-05-31", Source: "document"}); err != nil {
		t.Fatal(err)
	}
	newCase := func(in casework.CaseInput) *casework.Case {
		t.Helper()
		c, err := cw.CreateCase(ctx, cmA1, in)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	caseMove := newCase(casework.CaseInput{ClientID: spouse.ID, AccessRoute: "jobcenter"})      // moved through the phases below
	caseDecline := newCase(casework.CaseInput{ClientID: spouse.ID, AccessRoute: "counselling"}) // declined below, then not open
	caseColleague := newCase(casework.CaseInput{ClientID: rahimi.ID, AccessRoute: "self", CaseManagerID: f.ColleagueA1.ID})
	consentRevoke, err := cw.CreateConsent(ctx, cmA1, f.ClientA1.ID, casework.ConsentInput{Recipients: []casework.Recipient{{OrganisationID: f.OrgA2.ID}},
		Purpose: "Abstimmung zur Wohnungssuche mit dem Träger", Categories: []string{"master_data", "housing"}, Direction: "mutual",
		GivenOn: "2026-02-01", ValidUntil: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	coord := access.Coordinator
	purpose := map[string]string{"KIM-Purpose": "Fallbesprechung im Team (Prüfung der Hilfeplanung)"}
	cli := func(id string) string { return "/api/v1/clients/" + id }
	cas := func(id string) string { return "/api/v1/cases/" + id }
	fullClient := map[string]any{"given_names": "Amina", "family_name": "Haddad", "name_original_script": "أمينة حداد",
		"other_spellings": []string{"Amina Hadad", "Amina Haddad"}, "birth_date": "1994", "sex": "f", "nationalities": []string{"sy", "SY"},
		"stateless": false, "country_of_birth": "SY", "languages": []string{"ar", "de"}, "german_level": "A2", "interpreter_language": "ar",
		"arrived_germany": "2016-05-10", "arrived_city": "2017-01-15", "street": "Hauptstraße 5", "postcode": "42651", "city": "Alpha",
		"district_id": f.DistrictA.ID, "quarter_id": f.QuarterA.ID, "phone": "0212 555-123", "email": "Amina.Haddad@example.org",
		"messenger": "Signal", "benefit_regime": "sgb2", "other_case_management": []string{"jobcenter", "mbe"}}
	consentBody := map[string]any{"case_id": f.CaseA1.ID, "recipients": []map[string]any{{"organisation_id": f.OrgA2.ID}, {"person": "Frau Dr. Beispiel, Hausärztin"}},
		"purpose": "Abstimmung der Gesundheitsversorgung mit der Hausärztin", "categories": []string{"master_data", "contact"},
		"special_categories": []string{"health"}, "direction": "mutual", "language": "ar", "interpreter": "Herr Haddad",
		"given_on": "2026-03-01", "until_case_closure": true}
	contactBody := map[string]any{"date": "2026-03-01", "duration_minutes": 45, "mode": "in_person", "interpreter": "professional",
		"interpreter_language": "ar", "life_domains": []string{"language", "work", "language"}, "note": "Erstgespräch, Sprachkurs besprochen.",
		"follow_up_on": "2026-03-15"}
	referralBody := map[string]any{"organisation_id": f.OrgA2.ID, "consent_id": f.ConsentA1.ID, "service": "Sprachkurs mit Kinderbetreuung",
		"message": "Bitte um einen Termin im April.", "answer_due": "2026-03-20", "partner_link": true}
	firstItem := func(id string) func(t *testing.T, b map[string]any) {
		return func(t *testing.T, b map[string]any) {
			t.Helper()
			if items := oaItems(b); len(items) == 0 || items[0]["id"] != id {
				t.Errorf("first hit is not %s: %v", id, b)
			}
		}
	}
	ownOrg := func(t *testing.T, b map[string]any) {
		t.Helper()
		for _, it := range oaItems(b) {
			if it["organisation_id"] != f.OrgA1.ID {
				t.Errorf("record of another organisation listed: %v", it)
			}
		}
	}
	add(
		// clients
		oaCall{name: "list", role: cm, method: "GET", path: "/api/v1/clients", want: 200, check: func(t *testing.T, b map[string]any) {
			oaTotal(3)(t, b)
			ownOrg(t, b)
		}},
		oaCall{name: "list sorted and paged", role: lead, method: "GET", path: "/api/v1/clients?sort=birth&dir=desc&page=2&size=2", want: 200,
			check: func(t *testing.T, b map[string]any) {
				if items := oaItems(b); b["total"] != float64(3) || len(items) != 1 || items[0]["id"] != rahimi.ID {
					t.Errorf("second page by birth date: %v", b)
				}
			}},
		oaCall{name: "search", role: cm, method: "GET", path: "/api/v1/clients?q=Samir+Alpha-Klient", want: 200, check: firstItem(f.ClientA1.ID)},
		oaCall{name: "search other spelling", role: cm, method: "GET", path: "/api/v1/clients?q=Sameer%20Alfa-Klient", want: 200, check: firstItem(f.ClientA1.ID)},
		oaCall{name: "search other script", role: cm, method: "GET", path: "/api/v1/clients?q=" + url.QueryEscape("محمد رحيمي"), want: 200, check: firstItem(rahimi.ID)},
		oaCall{name: "search transcription of original script", role: lead, method: "GET", path: "/api/v1/clients?q=Muhammad+Rahimi&sort=created", want: 200, check: firstItem(rahimi.ID)},
		oaCall{name: "search other organisation's client", role: cm, method: "GET", path: "/api/v1/clients?q=Olena+Traeger-Klientin", want: 200, check: oaTotal(0)},
		oaCall{name: "list as coordinator", role: coord, method: "GET", path: "/api/v1/clients", want: 403},
		oaCall{name: "get", role: cm, method: "GET", path: cli(f.ClientA1.ID), want: 200, check: func(t *testing.T, b map[string]any) {
			hh, _ := b["household"].([]any)
			rs, _ := b["residence_statuses"].([]any)
			if len(hh) != 2 || len(rs) != 1 || b["family_name"] != "Alpha-Klient" {
				t.Errorf("client: %v", b)
			}
		}},
		oaCall{name: "get as team lead", role: lead, method: "GET", path: cli(rahimi.ID), want: 200},
		oaCall{name: "get other organisation", role: cm, method: "GET", path: cli(f.ClientA2.ID), want: 404},
		oaCall{name: "get other tenant", role: lead, method: "GET", path: cli(f.ClientB1.ID), want: 404},
		oaCall{name: "get malformed id", role: cm, method: "GET", path: cli("not-a-uuid"), want: 404},
		oaCall{name: "get as coordinator", role: coord, method: "GET", path: cli(f.ClientA1.ID), want: 403},
		oaCall{name: "create", role: cm, method: "POST", path: "/api/v1/clients", want: 201, body: fullClient, check: func(t *testing.T, b map[string]any) {
			if b["known_elsewhere"] != false || b["email"] != "amina.haddad@example.org" || b["organisation_id"] != f.OrgA1.ID || b["version"] != float64(1) {
				t.Errorf("new client: %v", b)
			}
			if ns, _ := b["nationalities"].([]any); len(ns) != 1 || ns[0] != "SY" {
				t.Errorf("nationalities: %v", b["nationalities"])
			}
		}},
		oaCall{name: "create minimal", role: lead, method: "POST", path: "/api/v1/clients", want: 201, body: map[string]any{"family_name": "Nowak"},
			check: func(t *testing.T, b map[string]any) {
				if b["sex"] != "u" || b["benefit_regime"] != "unknown" || b["birth_date"] != "" || b["known_elsewhere"] != false {
					t.Errorf("defaults: %v", b)
				}
			}},
		oaCall{name: "create known elsewhere", role: cm, method: "POST", path: "/api/v1/clients", want: 201,
			body: map[string]any{"family_name": "Traeger-Klientin", "given_names": "Olena", "birth_date": "1985-09-12"},
			check: func(t *testing.T, b map[string]any) {
				if b["known_elsewhere"] != true {
					t.Errorf("known_elsewhere: %v", b)
				}
			}},
		oaCall{name: "create possible duplicate", role: cm, method: "POST", path: "/api/v1/clients", want: 409,
			body: map[string]any{"family_name": "Alpha-Klient", "given_names": "Samir", "birth_date": "1990-04-01"}, check: oaField("confirm_not_duplicate")},
		oaCall{name: "create confirmed duplicate", role: cm, method: "POST", path: "/api/v1/clients", want: 201,
			body: map[string]any{"family_name": "Alpha-Klient", "given_names": "Samir", "birth_date": "1990-04-01", "confirm_not_duplicate": true}},
		oaCall{name: "create without family name", role: cm, method: "POST", path: "/api/v1/clients", want: 422,
			body: map[string]any{"given_names": "Ohne"}, check: oaField("family_name")},
		oaCall{name: "create born in the future", role: cm, method: "POST", path: "/api/v1/clients", want: 422,
			body: map[string]any{"family_name": "Zukunft", "birth_date": "2030-01-01"}, check: oaField("birth_date")},
		oaCall{name: "create with unknown country", role: cm, method: "POST", path: "/api/v1/clients", want: 422,
			body: map[string]any{"family_name": "Irgendwo", "nationalities": []string{"QQ"}}, check: oaField("nationalities")},
		oaCall{name: "create with other tenant's district", role: cm, method: "POST", path: "/api/v1/clients", want: 422,
			body: map[string]any{"family_name": "Woanders", "district_id": f.DistrictB.ID}, check: oaField("district_id")},
		oaCall{name: "create with quarter outside district", role: cm, method: "POST", path: "/api/v1/clients", want: 422,
			body: map[string]any{"family_name": "Woanders", "district_id": f.DistrictA.ID, "quarter_id": f.QuarterB.ID}, check: oaField("quarter_id")},
		oaCall{name: "create with unknown field", role: cm, method: "POST", path: "/api/v1/clients", want: 422,
			body: map[string]any{"family_name": "X", "organisation_id": f.OrgA2.ID}, check: oaField("organisation_id")},
		oaCall{name: "create with broken JSON", role: cm, method: "POST", path: "/api/v1/clients", want: 400, raw: oaStr(`{"family_name":`)},
		oaCall{name: "create as coordinator", role: coord, method: "POST", path: "/api/v1/clients", want: 403, body: map[string]any{"family_name": "X"}},
		oaCall{name: "update", role: cm, method: "PATCH", path: cli(f.ClientA1.ID), want: 200,
			body: map[string]any{"phone": "0212 12345", "languages": []string{"ar"}, "version": 1}, check: func(t *testing.T, b map[string]any) {
				if b["phone"] != "0212 12345" || b["family_name"] != "Alpha-Klient" || b["birth_date"] != "1990-04-01" || b["version"] != float64(2) {
					t.Errorf("patched client: %v", b)
				}
			}},
		oaCall{name: "update stale version", role: cm, method: "PATCH", path: cli(f.ClientA1.ID), want: 409, body: map[string]any{"phone": "0212 54321", "version": 1}},
		oaCall{name: "update invalid", role: lead, method: "PATCH", path: cli(f.ClientA1.ID), want: 422,
			body: map[string]any{"postcode": "ABC", "sex": "q"}, check: oaField("postcode")},
		oaCall{name: "update quarter without district", role: cm, method: "PATCH", path: cli(rahimi.ID), want: 422,
			body: map[string]any{"quarter_id": f.QuarterA.ID}, check: oaField("district_id")},
		oaCall{name: "update other organisation", role: cm, method: "PATCH", path: cli(f.ClientA2.ID), want: 404, body: map[string]any{"phone": "0212 1"}},
		oaCall{name: "update other tenant", role: lead, method: "PATCH", path: cli(f.ClientB1.ID), want: 404, body: map[string]any{"phone": "0212 1"}},
		oaCall{name: "update as coordinator", role: coord, method: "PATCH", path: cli(f.ClientA1.ID), want: 403, body: map[string]any{"phone": "0212 1"}},

		// consents
		oaCall{name: "list", role: cm, method: "GET", path: cli(f.ClientA1.ID) + "/consents", want: 200, check: func(t *testing.T, b map[string]any) {
			if items := oaItems(b); len(items) != 2 || items[0]["id"] != consentRevoke.ID {
				t.Errorf("consents (newest first): %v", b)
			}
		}},
		oaCall{name: "list empty", role: lead, method: "GET", path: cli(rahimi.ID) + "/consents", want: 200, check: func(t *testing.T, b map[string]any) {
			if items, ok := b["items"].([]any); !ok || len(items) != 0 {
				t.Errorf("no consents: %v", b)
			}
		}},
		oaCall{name: "list other organisation", role: cm, method: "GET", path: cli(f.ClientA2.ID) + "/consents", want: 404},
		oaCall{name: "list other tenant", role: cm, method: "GET", path: cli(f.ClientB1.ID) + "/consents", want: 404},
		oaCall{name: "list as coordinator", role: coord, method: "GET", path: cli(f.ClientA1.ID) + "/consents", want: 403},
		oaCall{name: "create until case closure", role: cm, method: "POST", path: cli(f.ClientA1.ID) + "/consents", want: 201, body: consentBody,
			check: func(t *testing.T, b map[string]any) {
				if rs, _ := b["recipients"].([]any); len(rs) != 2 || b["revoked_at"] != nil || b["case_id"] != f.CaseA1.ID || b["valid_until"] != "" {
					t.Errorf("new consent: %v", b)
				}
			}},
		oaCall{name: "create with end date", role: lead, method: "POST", path: cli(spouse.ID) + "/consents", want: 201,
			body: map[string]any{"recipients": []map[string]any{{"organisation_id": f.OrgA2.ID}}, "purpose": "Vermittlung in eine Kinderbetreuung",
				"categories": []string{"master_data"}, "direction": "one_way", "given_on": "2026-03-02", "valid_until": "2026-09-30"}},
		oaCall{name: "create without end", role: cm, method: "POST", path: cli(f.ClientA1.ID) + "/consents", want: 422,
			body: map[string]any{"recipients": []map[string]any{{"person": "Herr Beispiel"}}, "purpose": "Unterstützung bei Behördengängen",
				"categories": []string{"master_data"}, "direction": "one_way", "given_on": "2026-03-01"}, check: oaField("valid_until")},
		oaCall{name: "create naming the own organisation", role: cm, method: "POST", path: cli(f.ClientA1.ID) + "/consents", want: 422,
			body: map[string]any{"recipients": []map[string]any{{"organisation_id": f.OrgA1.ID}}, "purpose": "Unterstützung bei Behördengängen",
				"categories": []string{"master_data"}, "direction": "one_way", "given_on": "2026-03-01", "valid_until": "2026-12-31"}, check: oaField("recipients")},
		oaCall{name: "create unspecific", role: cm, method: "POST", path: cli(f.ClientA1.ID) + "/consents", want: 422,
			body: map[string]any{"recipients": []map[string]any{}, "purpose": "alles", "direction": "sideways"}, check: func(t *testing.T, b map[string]any) {
				for _, field := range []string{"recipients", "purpose", "categories", "direction", "given_on"} {
					oaField(field)(t, b)
				}
			}},
		oaCall{name: "create for other organisation's client", role: cm, method: "POST", path: cli(f.ClientA2.ID) + "/consents", want: 404, body: consentBody},
		oaCall{name: "create as coordinator", role: coord, method: "POST", path: cli(f.ClientA1.ID) + "/consents", want: 403, body: consentBody},
		oaCall{name: "revoke", role: cm, method: "POST", path: "/api/v1/consents/" + consentRevoke.ID + "/revoke", want: 200,
			body: map[string]any{"revocation_channel": "written"}, check: func(t *testing.T, b map[string]any) {
				if b["revoked_at"] == nil || b["revocation_channel"] != "written" || b["version"] != float64(2) {
					t.Errorf("revoked consent: %v", b)
				}
			}},
		oaCall{name: "revoke again", role: lead, method: "POST", path: "/api/v1/consents/" + consentRevoke.ID + "/revoke", want: 409,
			body: map[string]any{"revocation_channel": "oral"}},
		oaCall{name: "revoke with unknown channel", role: cm, method: "POST", path: "/api/v1/consents/" + f.ConsentA1.ID + "/revoke", want: 422,
			body: map[string]any{"revocation_channel": "fax"}, check: oaField("revocation_channel")},
		oaCall{name: "revoke other organisation's", role: cm, method: "POST", path: "/api/v1/consents/" + f.ConsentA2.ID + "/revoke", want: 404,
			body: map[string]any{"revocation_channel": "oral"}},
		oaCall{name: "revoke other tenant's", role: lead, method: "POST", path: "/api/v1/consents/" + f.ConsentB1.ID + "/revoke", want: 404,
			body: map[string]any{"revocation_channel": "oral"}},
		oaCall{name: "revoke as coordinator", role: coord, method: "POST", path: "/api/v1/consents/" + f.ConsentA1.ID + "/revoke", want: 403,
			body: map[string]any{"revocation_channel": "oral"}},

		// cases
		oaCall{name: "list own", role: cm, method: "GET", path: "/api/v1/cases", want: 200, check: func(t *testing.T, b map[string]any) {
			oaTotal(3)(t, b)
			for _, it := range oaItems(b) {
				if it["case_manager_id"] != f.Users[cm].ID || it["status"] != "requested" {
					t.Errorf("case of someone else or not open: %v", it)
				}
			}
		}},
		oaCall{name: "list team view", role: lead, method: "GET", path: "/api/v1/cases?sort=number&dir=desc&page=1&size=10", want: 200, check: func(t *testing.T, b map[string]any) {
			oaTotal(4)(t, b)
			ownOrg(t, b)
		}},
		oaCall{name: "list by case manager", role: lead, method: "GET", path: "/api/v1/cases?case_manager_id=" + f.ColleagueA1.ID, want: 200, check: firstItem(caseColleague.ID)},
		oaCall{name: "list mine as team lead", role: lead, method: "GET", path: "/api/v1/cases?mine=1", want: 200, check: oaTotal(0)},
		oaCall{name: "list by client", role: cm, method: "GET", path: "/api/v1/cases?status=all&client_id=" + f.ClientA1.ID, want: 200, check: firstItem(f.CaseA1.ID)},
		oaCall{name: "list by status", role: cm, method: "GET", path: "/api/v1/cases?status=closed&status=declined&mine=true", want: 200, check: oaTotal(0)},
		oaCall{name: "list as coordinator", role: coord, method: "GET", path: "/api/v1/cases", want: 403},
		oaCall{name: "create", role: cm, method: "POST", path: "/api/v1/cases", want: 201,
			body: map[string]any{"client_id": rahimi.ID, "access_route": "school", "deputy_id": f.Users[lead].ID, "location_id": f.LocA1.ID,
				"urgency": "high", "requested_on": "2026-02-20", "admission_criteria_met": []string{crit.ID}, "admission_note": "Mehrere Bedarfe.",
				"member_client_ids": []string{spouse.ID}},
			check: func(t *testing.T, b map[string]any) {
				if b["status"] != "requested" || b["case_manager_id"] != f.Users[cm].ID || b["deputy_name"] != f.Users[lead].Name ||
					!strings.HasPrefix(b["case_number"].(string), "2026-") || b["client_name"] != "Rahimi, Mohammad" {
					t.Errorf("new case: %v", b)
				}
			}},
		oaCall{name: "create minimal as team lead", role: lead, method: "POST", path: "/api/v1/cases", want: 201,
			body: map[string]any{"client_id": spouse.ID, "access_route": "self"}, check: func(t *testing.T, b map[string]any) {
				if b["case_manager_id"] != f.Users[lead].ID || b["urgency"] != "normal" || b["requested_on"] != "2026-03-02" {
					t.Errorf("defaults: %v", b)
				}
			}},
		oaCall{name: "create for other organisation's client", role: cm, method: "POST", path: "/api/v1/cases", want: 422,
			body: map[string]any{"client_id": f.ClientA2.ID, "access_route": "self"}, check: oaField("client_id")},
		oaCall{name: "create invalid", role: cm, method: "POST", path: "/api/v1/cases", want: 422,
			body: map[string]any{"client_id": f.ClientA1.ID, "access_route": "internet", "urgency": "sofort", "requested_on": "2027-01-01"},
			check: func(t *testing.T, b map[string]any) {
				for _, field := range []string{"access_route", "urgency", "requested_on"} {
					oaField(field)(t, b)
				}
			}},
		oaCall{name: "create with deputy as manager", role: cm, method: "POST", path: "/api/v1/cases", want: 422,
			body:  map[string]any{"client_id": f.ClientA1.ID, "access_route": "self", "case_manager_id": f.Users[lead].ID, "deputy_id": f.Users[lead].ID},
			check: oaField("deputy_id")},
		oaCall{name: "create with other organisation's staff", role: cm, method: "POST", path: "/api/v1/cases", want: 422,
			body: map[string]any{"client_id": f.ClientA1.ID, "access_route": "self", "case_manager_id": f.MemberA2.ID}, check: oaField("case_manager_id")},
		oaCall{name: "create as coordinator", role: coord, method: "POST", path: "/api/v1/cases", want: 403,
			body: map[string]any{"client_id": f.ClientA1.ID, "access_route": "self"}},
		oaCall{name: "get own", role: cm, method: "GET", path: cas(f.CaseA1.ID), want: 200, check: func(t *testing.T, b map[string]any) {
			if ps, _ := b["participants"].([]any); len(ps) != 1 || b["client_id"] != f.ClientA1.ID {
				t.Errorf("case: %v", b)
			}
		}},
		oaCall{name: "get colleague's", role: cm, method: "GET", path: cas(caseColleague.ID), want: 404},
		oaCall{name: "get other organisation", role: cm, method: "GET", path: cas(f.CaseA2.ID), want: 404},
		oaCall{name: "get other tenant", role: cm, method: "GET", path: cas(f.CaseB1.ID), want: 404},
		oaCall{name: "get as coordinator", role: coord, method: "GET", path: cas(f.CaseA1.ID), want: 403},
		oaCall{name: "get as team lead without purpose", role: lead, method: "GET", path: cas(f.CaseA1.ID), want: 403,
			check: func(t *testing.T, b map[string]any) {
				if msg, _ := oaObj(b["error"])["message"].(string); !strings.Contains(msg, "Zweck") {
					t.Errorf("the message does not ask for the purpose: %v", b)
				}
			}},
		oaCall{name: "get as team lead with too long a purpose", role: lead, method: "GET", path: cas(f.CaseA1.ID), want: 422,
			header: map[string]string{"KIM-Purpose": strings.Repeat("x", 301)}, check: oaField("purpose")},
		oaCall{name: "get as team lead with purpose", role: lead, method: "GET", path: cas(f.CaseA1.ID), want: 200, header: purpose},
		oaCall{name: "get as team lead again (purpose remembered)", role: lead, method: "GET", path: cas(f.CaseA1.ID), want: 200},
		oaCall{name: "get other organisation as team lead", role: lead, method: "GET", path: cas(f.CaseA2.ID), want: 404, header: purpose},

		// status changes
		oaCall{name: "move", role: cm, method: "POST", path: cas(caseMove.ID) + "/status", want: 200,
			body: map[string]any{"status": "clarification", "version": 1}, check: func(t *testing.T, b map[string]any) {
				if b["status"] != "clarification" || b["version"] != float64(2) {
					t.Errorf("moved case: %v", b)
				}
			}},
		oaCall{name: "move stale version", role: cm, method: "POST", path: cas(caseMove.ID) + "/status", want: 409,
			body: map[string]any{"status": "assessment", "version": 1}},
		oaCall{name: "move not allowed", role: cm, method: "POST", path: cas(caseMove.ID) + "/status", want: 422,
			body: map[string]any{"status": "closed", "close_reason": "goals_achieved"}, check: oaField("status")},
		oaCall{name: "move as team lead without purpose", role: lead, method: "POST", path: cas(caseMove.ID) + "/status", want: 403,
			body: map[string]any{"status": "assessment"}},
		oaCall{name: "move as team lead with purpose", role: lead, method: "POST", path: cas(caseMove.ID) + "/status", want: 200,
			body: map[string]any{"status": "assessment"}, header: purpose},
		oaCall{name: "pause without note", role: cm, method: "POST", path: cas(caseMove.ID) + "/status", want: 422,
			body: map[string]any{"status": "paused"}, check: oaField("note")},
		oaCall{name: "decline", role: cm, method: "POST", path: cas(caseDecline.ID) + "/status", want: 200,
			body: map[string]any{"status": "declined", "note": "Kurzberatung genügt."}, check: func(t *testing.T, b map[string]any) {
				if b["status"] != "declined" || b["closed_on"] != "2026-03-02" {
					t.Errorf("declined case: %v", b)
				}
			}},
		oaCall{name: "move other organisation", role: cm, method: "POST", path: cas(f.CaseA2.ID) + "/status", want: 404,
			body: map[string]any{"status": "clarification"}},
		oaCall{name: "move as coordinator", role: coord, method: "POST", path: cas(caseMove.ID) + "/status", want: 403,
			body: map[string]any{"status": "planning"}},

		// contacts
		oaCall{name: "add", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/contacts", want: 201, body: contactBody,
			check: func(t *testing.T, b map[string]any) {
				if ds, _ := b["life_domains"].([]any); len(ds) != 2 || b["case_id"] != f.CaseA1.ID || b["note"] != contactBody["note"] {
					t.Errorf("new contact: %v", b)
				}
			}},
		oaCall{name: "add minimal", role: cm, method: "POST", path: cas(caseMove.ID) + "/contacts", want: 201,
			body: map[string]any{"date": "2026-03-02", "duration_minutes": 10, "mode": "phone"}, check: func(t *testing.T, b map[string]any) {
				if b["interpreter"] != "none" || b["interpreter_language"] != "" || b["follow_up_on"] != "" {
					t.Errorf("defaults: %v", b)
				}
			}},
		oaCall{name: "add as team lead (purpose remembered)", role: lead, method: "POST", path: cas(f.CaseA1.ID) + "/contacts", want: 201,
			body: map[string]any{"date": "2026-03-02", "duration_minutes": 20, "mode": "video"}},
		oaCall{name: "add as team lead without purpose", role: lead, method: "POST", path: cas(caseColleague.ID) + "/contacts", want: 403,
			body: map[string]any{"date": "2026-03-02", "duration_minutes": 20, "mode": "video"}},
		oaCall{name: "add invalid", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/contacts", want: 422,
			body: map[string]any{"date": "2026-04-01", "duration_minutes": 0, "mode": "fax", "interpreter": "lay"}, check: func(t *testing.T, b map[string]any) {
				for _, field := range []string{"date", "duration_minutes", "mode", "interpreter_language"} {
					oaField(field)(t, b)
				}
			}},
		oaCall{name: "add to a declined case", role: cm, method: "POST", path: cas(caseDecline.ID) + "/contacts", want: 409,
			body: map[string]any{"date": "2026-03-02", "duration_minutes": 10, "mode": "phone"}},
		oaCall{name: "add to other tenant's case", role: cm, method: "POST", path: cas(f.CaseB1.ID) + "/contacts", want: 404, body: contactBody},
		oaCall{name: "add as coordinator", role: coord, method: "POST", path: cas(f.CaseA1.ID) + "/contacts", want: 403, body: contactBody},

		// referrals
		oaCall{name: "send with partner link", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 201, body: referralBody,
			check: func(t *testing.T, b map[string]any) {
				if link, _ := b["partner_link"].(string); len(link) != 43 || b["status"] != "sent" || b["organisation_id"] != f.OrgA2.ID ||
					b["from_organisation_id"] != f.OrgA1.ID || b["organisation_name"] != f.OrgA2.Name || b["overdue"] != false {
					t.Errorf("new referral: %v", b)
				}
			}},
		oaCall{name: "send minimal", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 201,
			body: map[string]any{"organisation_id": f.OrgA2.ID, "consent_id": f.ConsentA1.ID}, check: func(t *testing.T, b map[string]any) {
				if _, ok := b["partner_link"]; ok || b["answer_due"] != "2026-03-16" || b["sent_on"] != "2026-03-02" {
					t.Errorf("referral without link: %v", b)
				}
			}},
		oaCall{name: "send under a revoked consent", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 422,
			body: map[string]any{"organisation_id": f.OrgA2.ID, "consent_id": consentRevoke.ID}, check: oaField("consent_id")},
		oaCall{name: "send under another organisation's consent", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 422,
			body: map[string]any{"organisation_id": f.OrgA2.ID, "consent_id": f.ConsentA2.ID}, check: oaField("consent_id")},
		oaCall{name: "send to the own organisation", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 422,
			body: map[string]any{"organisation_id": f.OrgA1.ID, "consent_id": f.ConsentA1.ID}, check: oaField("organisation_id")},
		oaCall{name: "send to an unknown offer", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 422,
			body: map[string]any{"offer_id": ids.New(), "consent_id": f.ConsentA1.ID}, check: oaField("offer_id")},
		oaCall{name: "send to an offer", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 201,
			body: map[string]any{"offer_id": f.Offers.OfferA2.ID, "consent_id": f.ConsentA1.ID}, check: func(t *testing.T, b map[string]any) {
				if b["offer_id"] != f.Offers.OfferA2.ID || b["offer_title"] != f.Offers.OfferA2.Title || b["organisation_id"] != f.OrgA2.ID {
					t.Errorf("referral to an offer: %v", b)
				}
			}},
		oaCall{name: "send to an offer naming another organisation", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 422,
			body: map[string]any{"offer_id": f.Offers.OfferA2.ID, "organisation_id": f.OrgA1.ID, "consent_id": f.ConsentA1.ID}, check: oaField("organisation_id")},
		oaCall{name: "send to an unpublished offer", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 422,
			body: map[string]any{"offer_id": f.Offers.OfferHiddenA1.ID, "consent_id": f.ConsentA1.ID}, check: oaField("offer_id")},
		oaCall{name: "send to another tenant's offer", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 422,
			body: map[string]any{"offer_id": f.Offers.OfferB1.ID, "consent_id": f.ConsentA1.ID}, check: oaField("offer_id")},
		oaCall{name: "send without offer or organisation", role: cm, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 422,
			body: map[string]any{"consent_id": f.ConsentA1.ID}, check: oaField("organisation_id")},
		oaCall{name: "send from a declined case", role: cm, method: "POST", path: cas(caseDecline.ID) + "/referrals", want: 409,
			body: map[string]any{"organisation_id": f.OrgA2.ID, "consent_id": f.ConsentA1.ID}},
		oaCall{name: "send as team lead with purpose", role: lead, method: "POST", path: cas(caseColleague.ID) + "/referrals", want: 422,
			body: map[string]any{"organisation_id": f.OrgA2.ID, "consent_id": f.ConsentA1.ID}, header: purpose, check: oaField("consent_id")},
		oaCall{name: "send from other organisation's case", role: cm, method: "POST", path: cas(f.CaseA2.ID) + "/referrals", want: 404, body: referralBody},
		oaCall{name: "send as coordinator", role: coord, method: "POST", path: cas(f.CaseA1.ID) + "/referrals", want: 403, body: referralBody},
	)

	// the public offer directory (no token)
	offerTitle := func(want string) func(t *testing.T, b map[string]any) {
		return func(t *testing.T, b map[string]any) {
			if b["title"] != want {
				t.Errorf("offer title %v, want %q", b["title"], want)
			}
		}
	}
	add(
		oaCall{name: "public list", method: "GET", path: "/api/v1/offers?mandant=alpha", want: 200, check: oaTotal(2)},
		oaCall{name: "public list filtered", method: "GET", want: 200, check: oaTotal(1),
			path: "/api/v1/offers?mandant=alpha&domain=housing&language=tr&district=" + f.DistrictA.ID + "&target=families&q=wohnung&lang=uk&page=1&size=5"},
		oaCall{name: "public list with a token", role: access.BodyMember, method: "GET", path: "/api/v1/offers", want: 200, check: oaTotal(2)},
		oaCall{name: "public list of another municipality", method: "GET", path: "/api/v1/offers?mandant=beta", want: 200, check: oaTotal(1)},
		oaCall{name: "public list without municipality", method: "GET", path: "/api/v1/offers", want: 422, check: oaField("mandant")},
		oaCall{name: "public list of an unknown municipality", method: "GET", path: "/api/v1/offers?mandant=atlantis", want: 422, check: oaField("mandant")},
		oaCall{name: "public list unknown domain", method: "GET", path: "/api/v1/offers?mandant=alpha&domain=astrologie", want: 422, check: oaField("domain")},
		oaCall{name: "public list other tenant's district", method: "GET", path: "/api/v1/offers?mandant=alpha&district=" + f.DistrictB.ID, want: 422, check: oaField("district")},
		oaCall{name: "public list by district name", method: "GET", path: "/api/v1/offers?mandant=alpha&domain=housing&district=ALPHA-mitte", want: 200, check: oaTotal(1)},
		// (the district calls above changed Alpha-Mitte's code to 01)
		oaCall{name: "public list by district code", method: "GET", path: "/api/v1/offers?mandant=alpha&domain=housing&district=01", want: 200, check: oaTotal(1)},
		oaCall{name: "public list other tenant's district name", method: "GET", path: "/api/v1/offers?mandant=alpha&district=Beta-Mitte", want: 422, check: oaField("district")},
		oaCall{name: "public list unknown language", method: "GET", path: "/api/v1/offers?mandant=alpha&lang=xx", want: 422, check: oaField("lang")},
		oaCall{name: "public offer", method: "GET", path: "/api/v1/offers/" + f.Offers.OfferA1.ID + "?mandant=alpha", want: 200, check: offerTitle(f.Offers.OfferA1.Title)},
		oaCall{name: "public offer translated", method: "GET", path: "/api/v1/offers/" + f.Offers.OfferA1.ID + "?mandant=alpha&lang=en", want: 200,
			check: offerTitle("Language café in the old town")},
		oaCall{name: "public offer not published", method: "GET", path: "/api/v1/offers/" + f.Offers.OfferHiddenA1.ID + "?mandant=alpha", want: 404},
		oaCall{name: "public offer of another municipality", method: "GET", path: "/api/v1/offers/" + f.Offers.OfferB1.ID + "?mandant=alpha", want: 404},
		oaCall{name: "public offer malformed id", method: "GET", path: "/api/v1/offers/kein-angebot?mandant=alpha", want: 404},
		oaCall{name: "public offer without municipality", method: "GET", path: "/api/v1/offers/" + f.Offers.OfferA1.ID, want: 422, check: oaField("mandant")},
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

	// the monitoring (openapi_monitoring_test.go)
	add(oaMonitoringCalls()...)

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
