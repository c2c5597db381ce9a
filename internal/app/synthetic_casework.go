package app

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"kim/internal/casework"
	"kim/internal/names/nameindex"
	"kim/internal/names/nameindex/synth"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// The case-management generator, shared by `kim seed synthetic` (many tenants, bulk) and the
// demo tenant (a few hundred clients): clients with names of the main origin groups in several
// scripts (internal/names/nameindex/synth), households, residence statuses, cases along the
// phases of case management over two years, contacts with encrypted notes, consents naming
// other organisations and referrals with their answers. Everything follows from the seed and the
// day of seeding; only the ciphertexts differ from run to run (random nonces and data keys).

// cwStaff is a case manager (or a team lead who takes cases) and the weight of their share of
// the organisation's cases.
type cwStaff struct {
	id     string
	weight float64
}

// cwOrg is an organisation that carries case management.
type cwOrg struct {
	id        string
	staff     []cwStaff
	locations []string
	youth     bool // a youth migration service: clients of 12 to 27
}

func (o *cwOrg) weight() float64 {
	w := 0.0
	for _, s := range o.staff {
		w += s.weight
	}
	return w
}

type cwDistrict struct {
	id       string
	quarters []string
	weight   float64
}

type cwRecipient struct {
	id     string
	weight float64
}

// cwWorld is what the generator needs to know of a tenant.
type cwWorld struct {
	tenantID   string
	today      time.Time // the day of seeding, 00:00 UTC
	clients    int
	caseShare  float64 // cases per client (0.5: one case per two clients)
	carriers   []cwOrg
	recipients []cwRecipient // organisations that consents and referrals name
	districts  []cwDistrict
	city       string
	postcodes  []string
	streets    []string
	criteria   []string          // the tenant's admission criteria
	planning   bool              // also assessments, goals and tasks
	orgs       map[string]string // organisation ids by name (demo)
	seq        map[string]int    // the last case number by organisation and year, across parts
}

// cwCounts counts what a plan holds.
type cwCounts struct {
	Clients, WithHousehold, HouseholdRows, Residence, Cases, Open, Events, Contacts, Consents, Referrals int
	Assessments, Goals, Tasks                                                                            int
}

func (c *cwCounts) add(o cwCounts) {
	c.Clients += o.Clients
	c.WithHousehold += o.WithHousehold
	c.HouseholdRows += o.HouseholdRows
	c.Residence += o.Residence
	c.Cases += o.Cases
	c.Open += o.Open
	c.Events += o.Events
	c.Contacts += o.Contacts
	c.Consents += o.Consents
	c.Referrals += o.Referrals
	c.Assessments += o.Assessments
	c.Goals += o.Goals
	c.Tasks += o.Tasks
}

// cwPlan is the generated data of one tenant, ready to insert.
type cwPlan struct {
	tenantID string
	sets     []*rowSet
	subjects []nameindex.Subject
	counts   cwCounts
}

// set returns the rows of table.
func (p *cwPlan) set(table string) *rowSet {
	for _, s := range p.sets {
		if s.table == table {
			return s
		}
	}
	return nil
}

// col returns the index of a column.
func (r *rowSet) col(name string) int {
	i := slices.Index(r.cols, name)
	if i < 0 {
		panic("no column " + r.table + "." + name)
	}
	return i
}

// addIncoming adds up to n fresh referrals to organisation org, sent in the last days, from
// open cases of other organisations whose consent names org and allows sharing today.
func (p *cwPlan) addIncoming(rng *rand.Rand, today time.Time, org string, n int) {
	cases, consents, recips, refs := p.set("cases"), p.set("consents"), p.set("consent_recipients"), p.set("referrals")
	open := map[string][]any{}
	for _, c := range cases.rows {
		if casework.IsOpen(c[cases.col("status")].(string)) && c[cases.col("status")] != casework.StatusRequested {
			open[c[1].(string)] = c
		}
	}
	names := map[string]bool{}
	for _, r := range recips.rows {
		if r[recips.col("organisation_id")] == org {
			names[r[1].(string)] = true
		}
	}
	clients := p.set("clients")
	sex := map[string]string{}
	for _, c := range clients.rows {
		sex[c[1].(string)] = c[clients.col("sex")].(string)
	}
	td := day(today)
	var cands [][]any
	for _, k := range consents.rows {
		caseID, _ := k[consents.col("case_id")].(string)
		until := k[consents.col("valid_until")].(string)
		if !names[k[1].(string)] || open[caseID] == nil || k[consents.col("revoked_at")] != nil || until != "" && until <= td {
			continue
		}
		cands = append(cands, k)
	}
	rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, k := range cands[:min(n, len(cands))] {
		c := open[k[consents.col("case_id")].(string)]
		msg := fill(pick(rng, referralMessages), personOf(sex[c[cases.col("client_id")].(string)]))
		if !slices.Contains(strings.Split(k[consents.col("categories")].(string), ","), "case_plan") {
			msg = ""
		}
		sent := addDays(today, -1-rng.IntN(12))
		at := during(rng, sent)
		id := ids.Deterministic(rng, at)
		cm := c[cases.col("case_manager_id")].(string)
		refs.add(p.tenantID, id, c[1], org, nil, sealText(pick(rng, services)), k[1], sealText(msg), "sent",
			day(sent), day(addDays(sent, 14)), "", sealText(""), "", cm, at, at, 1)
		p.counts.Referrals++
	}
	refs.sortByKey(1)
}

// Shares of the household model: a household has members besides the client with probability
// pFamily; then a second client belongs to it with probability pSecond. With the named members
// (children, parents), about 40 % of the clients live with others.
const (
	pFamily = 0.40
	pSecond = 0.33
)

// day formats a date.
func day(t time.Time) string { return t.Format(valid.DateLayout) }

func addDays(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

// during returns a time of day on d within office hours.
func during(rng *rand.Rand, d time.Time) time.Time {
	return d.Add(7*time.Hour + time.Duration(rng.IntN(10*60))*time.Minute + time.Duration(rng.IntN(60))*time.Second)
}

// weighted draws an index by weights.
func weighted(rng *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	x := rng.Float64() * total
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// choice is a value with a weight.
type choice struct {
	v string
	w float64
}

func draw(rng *rand.Rand, cs []choice) string {
	total := 0.0
	for _, c := range cs {
		total += c.w
	}
	x := rng.Float64() * total
	for _, c := range cs {
		if x < c.w {
			return c.v
		}
		x -= c.w
	}
	return cs[len(cs)-1].v
}

// Countries of the origin groups of synth.
var originCountries = map[string][]choice{
	"ar": {{"SY", 60}, {"IQ", 20}, {"LB", 5}, {"PS", 5}, {"EG", 4}, {"MA", 3}, {"JO", 3}},
	"tr": {{"TR", 1}},
	"uk": {{"UA", 1}},
	"fa": {{"AF", 65}, {"IR", 35}},
	"ru": {{"RU", 60}, {"KZ", 15}, {"UA", 10}, {"BY", 5}, {"MD", 10}},
	"pl": {{"PL", 1}},
	"ro": {{"RO", 85}, {"MD", 15}},
	"de": {{"DE", 1}},
	"ku": {{"IQ", 45}, {"SY", 35}, {"TR", 20}},
	"sq": {{"AL", 50}, {"XK", 35}, {"MK", 15}},
	"sr": {{"RS", 50}, {"BA", 35}, {"ME", 15}},
	"el": {{"GR", 1}},
	"so": {{"SO", 1}},
	"er": {{"ER", 1}},
	"vi": {{"VN", 1}},
}

// countryLanguage is the main language of a country's clients (codes of casework.Languages).
var countryLanguage = map[string][]choice{
	"SY": {{"ar", 1}}, "IQ": {{"ar", 1}}, "LB": {{"ar", 1}}, "PS": {{"ar", 1}}, "EG": {{"ar", 1}}, "MA": {{"ar", 1}}, "JO": {{"ar", 1}},
	"TR": {{"tr", 1}}, "UA": {{"uk", 1}}, "AF": {{"prs", 60}, {"ps", 40}}, "IR": {{"fa", 1}}, "RU": {{"ru", 1}}, "KZ": {{"ru", 1}},
	"BY": {{"ru", 1}}, "MD": {{"ro", 1}}, "PL": {{"pl", 1}}, "RO": {{"ro", 1}}, "DE": {{"de", 1}}, "AL": {{"sq", 1}}, "XK": {{"sq", 1}},
	"MK": {{"sq", 1}}, "RS": {{"sr", 1}}, "BA": {{"bs", 1}}, "ME": {{"sr", 1}}, "GR": {{"el", 1}}, "SO": {{"so", 1}}, "ER": {{"ti", 1}},
	"VN": {{"vi", 1}},
}

var euCountries = map[string]bool{"PL": true, "RO": true, "GR": true, "DE": true}

// residenceByCountry is the current residence status of clients from a country.
var residenceByCountry = map[string][]choice{
	"SY": {{"protection_25_1_2", 55}, {"settlement", 10}, {"gestattung", 8}, {"german", 5}, {"ae_25b", 5}, {"humanitarian_25_3_5", 7}, {"fiction", 5}, {"ae_other", 5}},
	"IQ": {{"protection_25_1_2", 35}, {"duldung", 20}, {"gestattung", 15}, {"ae_25b", 8}, {"chancen_104c", 7}, {"humanitarian_25_3_5", 10}, {"ae_other", 5}},
	"AF": {{"gestattung", 30}, {"protection_25_1_2", 25}, {"duldung", 15}, {"humanitarian_25_3_5", 15}, {"chancen_104c", 8}, {"ae_25a", 7}},
	"IR": {{"gestattung", 35}, {"protection_25_1_2", 30}, {"ae_other", 20}, {"fiction", 15}},
	"TR": {{"gestattung", 35}, {"settlement", 25}, {"ae_other", 25}, {"german", 5}, {"protection_25_1_2", 10}},
	"UA": {{"temporary_24", 85}, {"fiction", 10}, {"ae_other", 5}},
	"RU": {{"ae_other", 40}, {"settlement", 20}, {"gestattung", 25}, {"german", 15}},
	"KZ": {{"german", 50}, {"settlement", 30}, {"ae_other", 20}},
	"BY": {{"gestattung", 40}, {"ae_other", 40}, {"settlement", 20}},
	"MD": {{"ae_other", 50}, {"duldung", 30}, {"gestattung", 20}},
	"DE": {{"german", 1}},
	"AL": {{"duldung", 25}, {"ae_other", 30}, {"chancen_104c", 15}, {"gestattung", 10}, {"ae_25b", 10}, {"settlement", 10}},
	"SO": {{"protection_25_1_2", 50}, {"gestattung", 25}, {"humanitarian_25_3_5", 15}, {"duldung", 10}},
	"VN": {{"ae_other", 50}, {"settlement", 30}, {"duldung", 20}},
	"":   {{"gestattung", 30}, {"duldung", 30}, {"protection_25_1_2", 20}, {"ae_other", 20}},
}

func residenceFor(country string) []choice {
	switch country {
	case "PL", "RO", "GR":
		return []choice{{"eu_free_movement", 1}}
	case "XK", "MK", "RS", "BA", "ME":
		country = "AL"
	case "ER":
		country = "SO"
	}
	if cs, ok := residenceByCountry[country]; ok {
		return cs
	}
	return residenceByCountry[""]
}

var legalBasis = map[string][]string{
	"gestattung": {"§ 55 AsylG"}, "duldung": {"§ 60a AufenthG"}, "chancen_104c": {"§ 104c AufenthG"}, "ae_25a": {"§ 25a AufenthG"},
	"ae_25b": {"§ 25b AufenthG"}, "protection_25_1_2": {"§ 25 Abs. 2 AufenthG", "§ 25 Abs. 1 AufenthG"}, "temporary_24": {"§ 24 AufenthG"},
	"humanitarian_25_3_5": {"§ 25 Abs. 3 AufenthG", "§ 25 Abs. 5 AufenthG"}, "ae_other": {"§ 28 AufenthG", "§ 30 AufenthG", "§ 16a AufenthG", "§ 18a AufenthG", "§ 19c AufenthG"},
	"settlement": {"§ 9 AufenthG", "§ 26 Abs. 3 AufenthG", "§ 9a AufenthG"}, "eu_free_movement": {"§ 2 FreizügG/EU"},
	"fiction": {"§ 81 Abs. 4 AufenthG", "§ 81 Abs. 3 AufenthG"},
}

// validity is how long a title of the type is usually issued for, in days (0: open-ended).
var validity = map[string][2]int{
	"gestattung": {90, 180}, "duldung": {60, 180}, "chancen_104c": {540, 540}, "ae_25a": {365, 1095}, "ae_25b": {365, 730},
	"protection_25_1_2": {1095, 1095}, "temporary_24": {365, 730}, "humanitarian_25_3_5": {365, 1095}, "ae_other": {365, 1095},
	"fiction": {90, 180},
}

func benefitFor(rng *rand.Rand, residence string, age int) string {
	if age >= 66 {
		return draw(rng, []choice{{"sgb12", 60}, {"none", 25}, {"unknown", 15}})
	}
	switch residence {
	case "gestattung", "duldung":
		return draw(rng, []choice{{"asylblg", 90}, {"none", 5}, {"unknown", 5}})
	case "chancen_104c":
		return draw(rng, []choice{{"sgb2", 60}, {"asylblg", 30}, {"none", 10}})
	case "protection_25_1_2", "humanitarian_25_3_5", "ae_25a", "ae_25b", "temporary_24":
		return draw(rng, []choice{{"sgb2", 70}, {"none", 12}, {"sgb3", 5}, {"sgb12", 5}, {"unknown", 8}})
	case "settlement", "german":
		return draw(rng, []choice{{"sgb2", 45}, {"none", 35}, {"sgb3", 8}, {"sgb12", 7}, {"unknown", 5}})
	case "eu_free_movement":
		return draw(rng, []choice{{"sgb2", 45}, {"none", 35}, {"sgb3", 10}, {"unknown", 10}})
	}
	return draw(rng, []choice{{"sgb2", 40}, {"none", 30}, {"asylblg", 10}, {"sgb3", 10}, {"unknown", 10}})
}

// isLatin reports whether s is written in Latin letters.
func isLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// particles join the next token to the family name (Al Hassan, El Khatib, Abu Bakr).
var particles = map[string]bool{"al": true, "el": true, "ash": true, "as": true, "ad": true, "abu": true, "abd": true, "bin": true,
	"ben": true, "ould": true, "van": true, "von": true, "de": true}

// splitName divides a Latin spelling into given names and family name: the last token (with a
// preceding particle) is the family name, except for names written family name first.
func splitName(s string, familyFirst bool) (given, family string) {
	toks := strings.Fields(s)
	if len(toks) < 2 {
		return "", s
	}
	if familyFirst {
		return strings.Join(toks[1:], " "), toks[0]
	}
	k := len(toks) - 1
	if k >= 2 && particles[strings.ToLower(toks[k-1])] {
		k--
	}
	return strings.Join(toks[:k], " "), strings.Join(toks[k:], " ")
}

// ascii writes s in lower-case ASCII letters (for e-mail addresses).
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ı':
			b.WriteByte('i')
		case r == 'ł':
			b.WriteByte('l')
		}
	}
	return b.String()
}

// cwClient is a generated client with what later steps need.
type cwClient struct {
	id, org, sex, birth, created string
	origin, lang, familyName     string
	createdAt                    time.Time
	age                          int
}

type cwCase struct {
	id, org, client, cm, deputy, location, number, status string
	requested                                             time.Time
	members                                               []string
	closedOn, closeReason                                 string
	updated                                               time.Time
	version                                               int
	row                                                   []any
}

// phaseSpans are the days each phase usually lasts.
var phaseSpans = map[string][2]int{
	casework.StatusRequested: {1, 14}, casework.StatusClarification: {5, 30}, casework.StatusAssessment: {14, 45},
	casework.StatusPlanning: {10, 40}, casework.StatusImplementation: {90, 420}, casework.StatusPaused: {20, 90},
	casework.StatusClosing: {7, 30},
}

type transition struct {
	at       time.Time
	from, to string
}

// lifecycle walks a case from its request through the phases and returns the transitions up to
// the day last.
func lifecycle(rng *rand.Rand, requested, last time.Time) []transition {
	var out []transition
	t := requested
	status := casework.StatusRequested
	span := func(s string) int { r := phaseSpans[s]; return r[0] + rng.IntN(r[1]-r[0]+1) }
	move := func(to string, days int) bool {
		t = addDays(t, days)
		if t.After(last) {
			return false
		}
		out = append(out, transition{during(rng, t), status, to})
		status = to
		return true
	}
	if !move(casework.StatusClarification, span(casework.StatusRequested)) {
		return out
	}
	x := rng.Float64()
	switch {
	case x < 0.09:
		move(casework.StatusDeclined, span(casework.StatusClarification))
		return out
	case x < 0.14:
		move(casework.StatusReferred, span(casework.StatusClarification))
		return out
	}
	for _, s := range []string{casework.StatusAssessment, casework.StatusPlanning, casework.StatusImplementation} {
		if !move(s, span(status)) {
			return out
		}
	}
	impl := span(casework.StatusImplementation)
	if rng.Float64() < 0.12 {
		first := impl/4 + rng.IntN(impl/2)
		if !move(casework.StatusPaused, first) || !move(casework.StatusImplementation, span(casework.StatusPaused)) {
			return out
		}
		impl -= first
	}
	if !move(casework.StatusClosing, impl) {
		return out
	}
	move(casework.StatusClosed, span(casework.StatusClosing))
	return out
}

var accessRoutes = []choice{{"self", 20}, {"jobcenter", 18}, {"social_office", 10}, {"foreigners_office", 12}, {"youth_office", 5},
	{"school", 8}, {"counselling", 15}, {"volunteer", 6}, {"health", 3}, {"other", 3}}
var urgencies = []choice{{"low", 15}, {"normal", 65}, {"high", 17}, {"crisis", 3}}
var closeReasons = []choice{{"goals_achieved", 40}, {"regular_service", 20}, {"moved_away", 10}, {"contact_lost", 14},
	{"ended_by_client", 8}, {"other_cm", 4}, {"other", 4}}
var contactModes = []choice{{"in_person", 55}, {"phone", 20}, {"video", 3}, {"home_visit", 7}, {"accompaniment", 8}, {"messenger", 7}}
var domainWeights = []choice{{"residence", 14}, {"orientation", 10}, {"language", 12}, {"work", 12}, {"education", 4}, {"school", 5},
	{"housing", 13}, {"health", 8}, {"family", 7}, {"livelihood", 12}, {"naturalisation", 2}, {"participation", 3}}
var consentCategories = []string{"master_data", "contact", "residence", "benefits", "work_education", "housing", "family", "language",
	"case_plan"}

// generate builds the plan of one tenant. seed makes it reproducible.
func (w *cwWorld) generate(seed uint64) *cwPlan {
	rng := rand.New(rand.NewPCG(seed, 0x63617365776f726b))
	names := synth.New(seed ^ 0x6e616d6573)
	p := &cwPlan{tenantID: w.tenantID}
	today := w.today
	t := w.tenantID

	clients := newRows("clients", `tenant_id, id, organisation_id, pseudonym, given_names, family_name, name_original, other_spellings,
		birth_date, sex, nationalities, stateless, country_of_birth, languages, german_level, interpreter, arrived_germany, arrived_city,
		street, postcode, city, district_id, quarter_id, phone, email, messenger, benefit_regime, other_cm, created_by, created_at,
		updated_at, version`)
	household := newRows("household_members", "tenant_id, id, client_id, member_id, name, relationship, birth_date, created_at")
	residence := newRows("residence_statuses", `tenant_id, id, client_id, type, legal_basis, issued_on, valid_until, document_expiry,
		source, recorded_by, recorded_at`)
	cases := newRows("cases", `tenant_id, id, organisation_id, case_number, client_id, status, access_route, admission, admission_note,
		case_manager_id, deputy_id, location_id, urgency, requested_on, review_on, closed_on, close_reason, close_note, created_at,
		updated_at, version`)
	participants := newRows("case_participants", "tenant_id, case_id, client_id, role, created_at")
	events := newRows("case_events", "tenant_id, id, case_id, at, actor_id, kind, from_status, to_status, detail, note")
	contacts := newRows("contacts", `tenant_id, id, case_id, contact_on, duration_minutes, mode, interpreter, interpreter_lang, domains,
		note, follow_up_on, created_by, created_at, version`)
	consents := newRows("consents", `tenant_id, id, organisation_id, client_id, case_id, purpose, categories, special, direction,
		form_version, language, interpreter, given_on, valid_until, until_closure, revoked_at, revoked_by, revocation_channel, created_by,
		created_at, version`)
	recipients := newRows("consent_recipients", "tenant_id, consent_id, position, organisation_id, person")
	referrals := newRows("referrals", `tenant_id, id, case_id, to_org_id, offer_id, service, consent_id, message, status, sent_on,
		answer_due, answered_on, answer_note, done_on, created_by, created_at, updated_at, version`)
	assessments := newRows("assessments", `tenant_id, id, case_id, domain, urgency, situation, needs, resources, client_view, updated_by,
		updated_at, version`)
	goals := newRows("goals", `tenant_id, id, case_id, domain, text, indicator, target_on, status, evaluation, evaluated_on, created_at,
		updated_at, version`)
	tasks := newRows("tasks", `tenant_id, id, case_id, goal_id, title, responsible, partner_org_id, due_on, status, done_on, created_at,
		updated_at, version`)

	orgW := make([]float64, len(w.carriers))
	for i := range w.carriers {
		orgW[i] = w.carriers[i].weight()
	}
	distW := make([]float64, len(w.districts))
	for i, d := range w.districts {
		distW[i] = d.weight
	}
	recW := make([]float64, len(w.recipients))
	for i, r := range w.recipients {
		recW[i] = r.weight
	}
	// The share of heads of household that get a case, so that cases ≈ caseShare × clients: a
	// second client joins the head's case, or has a case of their own when the head has none.
	heads, seconds := 1.0, pFamily*pSecond
	target := w.caseShare * (heads + seconds)
	q := 1.0
	if disc := (heads+seconds)*(heads+seconds) - 4*seconds*target; disc >= 0 {
		q = min(1, ((heads+seconds)-math.Sqrt(disc))/(2*seconds))
	}

	// Given names by origin and sex, for children (named household members).
	pool := map[string][]string{}
	remember := func(pp synth.Person) {
		given, _ := splitName(pp.Spellings[0], pp.Origin == "vi")
		if given == "" {
			return
		}
		first := strings.Fields(given)[0]
		if pp.Origin == "vi" {
			first = given
		}
		k := pp.Origin + fmt.Sprint(pp.Female)
		if len(pool[k]) < 64 {
			pool[k] = append(pool[k], first)
		} else {
			pool[k][rng.IntN(64)] = first
		}
	}

	var all []*cwClient
	var cs []*cwCase
	var subjects []nameindex.Subject
	span2y := 730

	newCase := func(cl *cwClient, o *cwOrg, requested time.Time, members []string) *cwCase {
		sw := make([]float64, len(o.staff))
		for i, s := range o.staff {
			sw[i] = s.weight
		}
		cm := weighted(rng, sw)
		requested = requested.Truncate(24 * time.Hour)
		c := &cwCase{id: ids.Deterministic(rng, during(rng, requested)), org: o.id, client: cl.id, cm: o.staff[cm].id,
			requested: requested, members: members}
		if len(o.staff) > 1 && rng.Float64() < 0.8 {
			d := rng.IntN(len(o.staff) - 1)
			if d >= cm {
				d++
			}
			c.deputy = o.staff[d].id
		}
		if len(o.locations) > 0 && rng.Float64() < 0.9 {
			c.location = o.locations[rng.IntN(len(o.locations))]
		}
		cs = append(cs, c)
		return c
	}

	for len(all) < w.clients {
		oi := weighted(rng, orgW)
		o := &w.carriers[oi]
		di := weighted(rng, distW)
		d := w.districts[di]
		quarter := ""
		if len(d.quarters) > 0 {
			quarter = d.quarters[rng.IntN(len(d.quarters))]
		}
		street := fmt.Sprintf("%s %d", pick(rng, w.streets), 1+rng.IntN(140))
		postcode := pick(rng, w.postcodes)
		family := rng.Float64() < pFamily
		nClients := 1
		if family && rng.Float64() < pSecond && w.clients-len(all) >= 2 {
			nClients = 2
		}
		// The household's clients.
		var hh []*cwClient
		var head synth.Person
		for k := range nClients {
			pp := names.Person()
			remember(pp)
			if k == 1 {
				// A partner of the same origin and the other sex, where one is drawn soon.
				for range 40 {
					if pp.Origin == head.Origin && pp.Female != head.Female {
						break
					}
					pp = names.Person()
					remember(pp)
				}
			} else {
				head = pp
			}
			cl := w.client(rng, clients, residence, o, pp, d.id, quarter, street, postcode, span2y, &subjects)
			hh = append(hh, cl)
			all = append(all, cl)
		}
		// Named members: children, sometimes a parent.
		type named struct{ name, rel, birth string }
		var others []named
		if family {
			kids := []int{0, 1, 1, 2, 2, 3, 4}[rng.IntN(7)]
			if nClients == 1 && kids == 0 {
				kids = 1
			}
			headAge := hh[0].age
			for range kids {
				if headAge < 20 {
					break
				}
				age := rng.IntN(min(18, headAge-17))
				b := addDays(today, -(age*365 + rng.IntN(365)))
				female := rng.IntN(2) == 0
				given := pick(rng, append(pool[head.Origin+fmt.Sprint(female)], "Sara", "Adam"))
				others = append(others, named{given + " " + hh[0].familyName, "child", day(b)})
			}
			if rng.Float64() < 0.08 && headAge < 50 {
				female := rng.IntN(2) == 0
				given := pick(rng, append(pool[head.Origin+fmt.Sprint(female)], "Amina", "Ali"))
				b := addDays(today, -((headAge+22+rng.IntN(12))*365 + rng.IntN(365)))
				others = append(others, named{given + " " + hh[0].familyName, "parent", day(b)})
			}
		}
		for _, cl := range hh {
			for _, other := range hh {
				if other == cl {
					continue
				}
				rel := "spouse"
				if rng.Float64() < 0.2 {
					rel = "partner"
				}
				household.add(t, ids.Deterministic(rng, cl.createdAt), cl.id, other.id, "", rel, "", cl.createdAt)
			}
			for _, m := range others {
				household.add(t, ids.Deterministic(rng, cl.createdAt), cl.id, nil, m.name, m.rel, m.birth, cl.createdAt)
			}
			if len(hh) > 1 || len(others) > 0 {
				p.counts.WithHousehold++
			}
		}
		// Cases: the head's (a family case with the second client) or the second client's own.
		headCase := rng.Float64() < q
		if headCase {
			var members []string
			if len(hh) == 2 {
				members = []string{hh[1].id}
			}
			newCase(hh[0], o, hh[0].createdAt, members)
		}
		if len(hh) == 2 && !headCase && rng.Float64() < q {
			newCase(hh[1], o, hh[1].createdAt, nil)
		}
	}
	p.counts.Clients = len(all)
	p.subjects = subjects

	byID := make(map[string]*cwClient, len(all))
	for _, cl := range all {
		byID[cl.id] = cl
	}
	orgByID := map[string]*cwOrg{}
	for i := range w.carriers {
		orgByID[w.carriers[i].id] = &w.carriers[i]
	}

	// Case numbers: per organisation and year in the order of the requests.
	slices.SortStableFunc(cs, func(a, b *cwCase) int { return a.requested.Compare(b.requested) })
	if w.seq == nil {
		w.seq = map[string]int{}
	}
	for _, c := range cs {
		k := c.org + "/" + c.requested.Format("2006")
		w.seq[k]++
		c.number = fmt.Sprintf("%s-%05d", c.requested.Format("2006"), w.seq[k])
	}

	for _, c := range cs {
		cl := byID[c.client]
		w.caseFile(rng, p, c, cl, orgByID[c.org], recW, events, contacts, consents, recipients, referrals, assessments, goals, tasks)
		cases.add(c.row...)
		participants.add(t, c.id, c.client, "primary", c.row[18])
		for _, m := range c.members {
			participants.add(t, c.id, m, "member", c.row[18])
		}
	}
	p.counts.Cases = len(cs)
	p.counts.HouseholdRows = len(household.rows)
	p.counts.Residence = len(residence.rows)
	p.counts.Events = len(events.rows)
	p.counts.Contacts = len(contacts.rows)
	p.counts.Consents = len(consents.rows)
	p.counts.Referrals = len(referrals.rows)
	p.counts.Assessments, p.counts.Goals, p.counts.Tasks = len(assessments.rows), len(goals.rows), len(tasks.rows)

	for _, s := range []*rowSet{clients, household, residence, cases, events, contacts, consents, referrals, assessments, goals, tasks} {
		s.sortByKey(1)
	}
	participants.sortByKey(2)
	recipients.sortByKey(2)
	p.sets = []*rowSet{clients, household, residence, cases, participants, events, consents, recipients, contacts, referrals,
		assessments, goals, tasks}
	return p
}

// client draws a client of organisation o from person pp and adds its rows.
func (w *cwWorld) client(rng *rand.Rand, clients, residence *rowSet, o *cwOrg, pp synth.Person, district, quarter, street,
	postcode string, span int, subjects *[]nameindex.Subject) *cwClient {
	today := w.today
	created := addDays(today, -1-rng.IntN(span))
	createdAt := during(rng, created)
	cl := &cwClient{id: ids.Deterministic(rng, createdAt), org: o.id, createdAt: createdAt, origin: pp.Origin}
	cm := o.staff[rng.IntN(len(o.staff))].id
	cl.created = cm

	given, family := splitName(pp.Spellings[0], pp.Origin == "vi")
	cl.familyName = family
	original := ""
	var others []string
	for _, s := range pp.Spellings[1:] {
		if original == "" && !isLatin(s) {
			original = s
		} else {
			others = append(others, s)
		}
	}
	cl.sex = "m"
	if pp.Female {
		cl.sex = "f"
	}
	// Age: adults around 33 on average; a youth migration service counsels 12 to 27.
	age := 18 + int(math.Abs(rng.NormFloat64()*12+12))
	if o.youth {
		age = 12 + rng.IntN(16)
	}
	age = min(age, 78)
	cl.age = age
	birth := addDays(today, -(age*365 + rng.IntN(365)))
	cl.birth = day(birth)
	if rng.Float64() < 0.05 {
		cl.birth = birth.Format("2006")
	}
	country := draw(rng, originCountries[pp.Origin])
	nats := []string{country}
	stateless := false
	switch {
	case country == "PS" || (pp.Origin == "ku" && rng.Float64() < 0.08):
		nats, stateless = nil, true
	case rng.Float64() < 0.04 && country != "DE":
		nats = append(nats, pick(rng, []string{"DE", "TR", "RU", "IT", "GR"}))
		if nats[1] == country {
			nats = nats[:1]
		}
	}
	if country == "PS" {
		country = pick(rng, []string{"SY", "LB", "JO"})
	}
	born := country
	if country == "DE" {
		born = draw(rng, []choice{{"KZ", 40}, {"RU", 30}, {"DE", 30}})
	}
	res := draw(rng, residenceFor(country))
	if country == "DE" {
		res = "german"
	}
	lang := draw(rng, countryLanguage[country])
	if pp.Origin == "ku" {
		lang = "ku" // Kurmanji; Sorani in Iraq
		if country == "IQ" && rng.Float64() < 0.6 {
			lang = "ckb"
		}
	}
	cl.lang = lang
	langs := []string{lang}
	// Years in Germany.
	years := rng.ExpFloat64() * 3
	switch res {
	case "german", "settlement":
		years = 5 + rng.Float64()*20
	case "temporary_24":
		years = min(years, 4.5)
	}
	years = min(years, float64(age)-0.5)
	arrived := addDays(today, -int(years*365))
	arrivedCity := addDays(arrived, rng.IntN(max(1, min(730, int(years*365)))))
	level := draw(rng, []choice{{"none", 15}, {"A1", 25}, {"A2", 20}, {"B1", 25}, {"B2", 10}, {"C1", 5}})
	if years > 6 {
		level = draw(rng, []choice{{"A2", 15}, {"B1", 35}, {"B2", 30}, {"C1", 15}, {"C2", 5}})
	}
	if res == "german" || lang == "de" {
		level = draw(rng, []choice{{"B2", 30}, {"C1", 40}, {"C2", 30}})
	}
	if lang != "de" && (level == "B1" || level == "B2" || level == "C1" || level == "C2") {
		langs = append(langs, "de")
	}
	if rng.Float64() < 0.15 {
		langs = append(langs, "en")
	} else if (lang == "uk" || lang == "ro") && rng.Float64() < 0.4 {
		langs = append(langs, "ru")
	}
	interp := ""
	if lang != "de" && (level == "none" || level == "A1" && rng.Float64() < 0.7 || level == "A2" && rng.Float64() < 0.3) {
		interp = lang
	}
	phone, email, messenger := "", "", ""
	if rng.Float64() < 0.8 {
		phone = fmt.Sprintf("+49 15%d %07d", 1+rng.IntN(9), rng.IntN(10000000))
	}
	if rng.Float64() < 0.3 {
		if a, b := ascii(given), ascii(family); a != "" && b != "" {
			email = fmt.Sprintf("%s.%s%d@mail.example", strings.Fields(a + " x")[0], b, rng.IntN(100))
		}
	}
	if phone != "" && rng.Float64() < 0.5 {
		messenger = draw(rng, []choice{{"WhatsApp", 80}, {"Signal", 10}, {"Telegram", 10}})
	}
	var otherCM []string
	if rng.Float64() < 0.12 {
		otherCM = append(otherCM, "jobcenter")
	}
	if age < 27 && rng.Float64() < 0.2 {
		otherCM = append(otherCM, "jmd")
	} else if rng.Float64() < 0.05 {
		otherCM = append(otherCM, "mbe")
	}
	pseudo := make([]byte, 10)
	for i := range pseudo {
		pseudo[i] = byte(rng.Uint32())
	}
	clients.add(w.tenantID, cl.id, o.id, pseudonymText(pseudo), given, family, original, strings.Join(others, "\n"), cl.birth, cl.sex,
		strings.Join(nats, ","), stateless, born, strings.Join(langs, ","), level, interp, day(arrived), day(arrivedCity),
		street, postcode, w.city, district, nullable(quarter), phone, email, messenger, benefitFor(rng, res, age),
		strings.Join(otherCM, ","), cm, createdAt, createdAt, 1)
	sp := []string{strings.TrimSpace(given + " " + family)}
	if original != "" {
		sp = append(sp, original)
	}
	*subjects = append(*subjects, nameindex.Subject{ID: cl.id, OrganisationID: o.id, Spellings: append(sp, others...)})

	// Residence history: the current status, often after an earlier one.
	if res != "german" || rng.Float64() < 0.3 {
		prev := ""
		switch res {
		case "protection_25_1_2", "humanitarian_25_3_5", "ae_25b", "chancen_104c":
			prev = "gestattung"
			if res == "ae_25b" || res == "chancen_104c" {
				prev = "duldung"
			}
		case "settlement":
			prev = "protection_25_1_2"
		case "german":
			prev = "settlement"
		case "fiction":
			prev = "ae_other"
		}
		issued := addDays(arrived, rng.IntN(120))
		if prev != "" && rng.Float64() < 0.45 {
			until := addDays(issued, 180+rng.IntN(540))
			if until.After(addDays(today, -10)) {
				until = addDays(today, -10-rng.IntN(30))
			}
			if until.After(issued) {
				w.residence(rng, residence, cl, prev, issued, until, createdAt)
				issued = until
			}
		}
		if issued.After(today) {
			issued = today
		}
		if issued.Before(addDays(today, -5*365)) && res != "settlement" && res != "german" && res != "eu_free_movement" {
			issued = addDays(today, -rng.IntN(3*365))
		}
		var until time.Time
		if v, ok := validity[res]; ok {
			until = addDays(issued, v[0]+rng.IntN(v[1]-v[0]+1))
			// Expired titles were renewed; about one in ten runs out within the next three months.
			for until.Before(today) {
				issued = until
				until = addDays(issued, v[0]+rng.IntN(v[1]-v[0]+1))
			}
			if rng.Float64() < 0.04 {
				until = addDays(today, 3+rng.IntN(88))
			}
			if res == "temporary_24" {
				until = time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC)
			}
		}
		w.residence(rng, residence, cl, res, issued, until, createdAt)
	}
	return cl
}

func (w *cwWorld) residence(rng *rand.Rand, rs *rowSet, cl *cwClient, typ string, issued, until time.Time, at time.Time) {
	validUntil, docExpiry := "", ""
	if !until.IsZero() {
		validUntil = day(until)
		if rng.Float64() < 0.5 {
			docExpiry = validUntil
		}
	}
	basis := ""
	if bs := legalBasis[typ]; len(bs) > 0 {
		basis = pick(rng, bs)
	}
	source := "document"
	if rng.Float64() < 0.25 {
		source = "statement"
	}
	rs.add(w.tenantID, ids.Deterministic(rng, at), cl.id, typ, basis, day(issued), validUntil, docExpiry, source, cl.created, at)
}

func pseudonymText(b []byte) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var out strings.Builder
	var acc, bits uint
	for _, c := range b {
		acc = acc<<8 | uint(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out.WriteByte(alphabet[(acc>>bits)&31])
		}
	}
	return out.String()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// caseFile generates a case's history, contacts, consent, referrals and plan and sets c.row.
func (w *cwWorld) caseFile(rng *rand.Rand, p *cwPlan, c *cwCase, cl *cwClient, o *cwOrg, recW []float64,
	events, contacts, consents, recipients, referrals, assessments, goals, tasks *rowSet) {
	t, today := w.tenantID, w.today
	last := addDays(today, -1) // the last day with activity: nothing generated lies after the seeding
	created := during(rng, c.requested)
	trs := lifecycle(rng, c.requested, last)
	c.status = casework.StatusRequested
	c.updated, c.version = created, 1
	events.add(t, ids.Deterministic(rng, created), c.id, created, c.cm, "status", "", casework.StatusRequested, "", sealText(""))
	start := map[string]time.Time{}
	for _, tr := range trs {
		detail, note := "", ""
		switch tr.to {
		case casework.StatusClosed:
			c.closeReason = draw(rng, closeReasons)
			detail = c.closeReason
			c.closedOn = day(tr.at)
			if rng.Float64() < 0.7 {
				note = statusNote(rng, cl.sex, "closed")
			}
		case casework.StatusDeclined, casework.StatusReferred:
			c.closedOn = day(tr.at)
			note = statusNote(rng, cl.sex, tr.to)
		case casework.StatusPaused:
			note = statusNote(rng, cl.sex, tr.to)
		}
		if _, ok := start[tr.to]; !ok {
			start[tr.to] = tr.at
		}
		events.add(t, ids.Deterministic(rng, tr.at), c.id, tr.at, c.cm, "status", tr.from, tr.to, detail, sealText(note))
		c.status, c.updated = tr.to, tr.at
		c.version++
	}
	open := casework.IsOpen(c.status)
	if open {
		p.counts.Open++
	}
	end := last
	if c.closedOn != "" {
		end, _ = time.Parse(valid.DateLayout, c.closedOn)
	}

	// Contacts from the clarification on, about one every four weeks.
	if from, ok := start[casework.StatusClarification]; ok {
		from = from.Truncate(24 * time.Hour)
		days := int(end.Sub(from).Hours()/24) + 1
		n := max(1, min(30, int(float64(days)/26*(0.6+0.8*rng.Float64()))))
		for range n {
			on := addDays(from, rng.IntN(days))
			at := on.Add(15*time.Hour + time.Duration(rng.IntN(4*3600))*time.Second)
			mode := draw(rng, contactModes)
			var doms []string
			for range 1 + rng.IntN(2) {
				if d := draw(rng, domainWeights); !slices.Contains(doms, d) {
					doms = append(doms, d)
				}
			}
			interp, interpLang := "none", ""
			if mode != "messenger" && cl.lang != "de" && rng.Float64() < 0.35 {
				interp, interpLang = draw(rng, []choice{{"professional", 55}, {"lay", 45}}), cl.lang
			}
			follow := ""
			if rng.Float64() < 0.4 {
				follow = day(addDays(on, 7+rng.IntN(22)))
			}
			contacts.add(t, ids.Deterministic(rng, at), c.id, day(on), []int{15, 30, 30, 45, 45, 60, 60, 90, 120}[rng.IntN(9)], mode,
				interp, interpLang, strings.Join(doms, ","), sealText(contactNote(rng, cl.sex, mode, doms)), follow, c.cm, at, 1)
			if at.After(c.updated) {
				c.updated = at
			}
		}
	}

	// A consent from the assessment on, naming one to three other organisations.
	var consentID string
	var consentOrgs []string
	consentPlan := false // the consent covers the plan: referral messages may tell of needs and steps
	var consentFrom, consentUntil time.Time
	if from, ok := start[casework.StatusAssessment]; ok && rng.Float64() < 0.75 && len(w.recipients) > 0 {
		given := addDays(from.Truncate(24*time.Hour), -rng.IntN(10))
		at := during(rng, given)
		consentID = ids.Deterministic(rng, at)
		for range 1 + rng.IntN(3) {
			r := w.recipients[weighted(rng, recW)].id
			if r != c.org && !slices.Contains(consentOrgs, r) {
				consentOrgs = append(consentOrgs, r)
			}
		}
		if len(consentOrgs) == 0 {
			consentID = ""
		}
		if consentID != "" {
			cats := []string{"master_data", "contact"}
			for _, k := range consentCategories[2:] {
				if rng.Float64() < 0.3 || k == "case_plan" && rng.Float64() < 0.5 {
					cats = append(cats, k)
				}
			}
			consentPlan = slices.Contains(cats, "case_plan")
			special := ""
			if rng.Float64() < 0.15 {
				special = "health"
			}
			untilClosure := rng.Float64() < 0.5
			validUntil := ""
			consentFrom, consentUntil = given, today.AddDate(10, 0, 0)
			if untilClosure {
				if c.closedOn != "" {
					consentUntil = end
				}
			} else {
				consentUntil = addDays(given, 365+rng.IntN(366))
				validUntil = day(consentUntil)
			}
			lang := "de"
			if slices.Contains(casework.FormLanguages, cl.lang) {
				lang = cl.lang
			} else if cl.lang == "prs" {
				lang = "fa"
			}
			interp := ""
			if lang != "de" && rng.Float64() < 0.5 {
				interp = "Sprachmittlung (" + lang + ")"
			}
			var revokedAt, revokedBy, channel any = nil, "", ""
			if rng.Float64() < 0.03 {
				r := during(rng, addDays(given, 30+rng.IntN(200)))
				if r.Before(last) {
					revokedAt, revokedBy, channel = r, c.cm, pick(rng, casework.RevocationChannels)
					if r.Before(consentUntil) {
						consentUntil = r
					}
				}
			}
			var caseID any = c.id
			consents.add(t, consentID, c.org, c.client, caseID, sealText(pick(rng, consentPurposes)), strings.Join(cats, ","), special,
				pick(rng, []string{"mutual", "mutual", "one_way"}), casework.FormVersion, lang, interp, day(given), validUntil, untilClosure,
				revokedAt, revokedBy, channel, c.cm, at, 1)
			for i, r := range consentOrgs {
				recipients.add(t, consentID, i, r, "")
			}
		}
	}

	// Referrals under the consent during the implementation.
	if from, ok := start[casework.StatusImplementation]; ok && consentID != "" {
		n := []int{0, 0, 0, 1, 1, 1, 1, 2, 2, 3}[rng.IntN(10)]
		for range n {
			lo, hi := maxTime(from, consentFrom), minTime(end, minTime(consentUntil, last))
			if !hi.After(lo) {
				break
			}
			sent := addDays(lo.Truncate(24*time.Hour), rng.IntN(int(hi.Sub(lo).Hours()/24)+1))
			at := during(rng, sent)
			id := ids.Deterministic(rng, at)
			to := pick(rng, consentOrgs)
			due := addDays(sent, 14)
			status, answered, done := "sent", "", ""
			age := int(today.Sub(sent).Hours() / 24)
			updated := at
			// Partners answer within days or weeks; some never do (overdue).
			if rng.Float64() < min(0.9, float64(age)/20) {
				status = draw(rng, []choice{{"accepted", 55}, {"waiting", 17}, {"declined", 13}, {"no_offer", 15}})
				a := addDays(sent, 1+rng.IntN(min(age, 20)))
				answered = day(a)
				updated = during(rng, a)
				if status == "accepted" && age > 30 && rng.Float64() < 0.6 {
					dn := addDays(a, 7+rng.IntN(min(age, 60)))
					if !dn.After(last) {
						status, done = "done", day(dn)
						updated = during(rng, dn)
					}
				}
			}
			note := ""
			if answered != "" {
				if status == "done" {
					note = answerNote(rng, "accepted")
				} else {
					note = answerNote(rng, status)
				}
			}
			msg := fill(pick(rng, referralMessages), personOf(cl.sex))
			if !consentPlan {
				msg = ""
			}
			referrals.add(t, id, c.id, to, nil, sealText(pick(rng, services)), consentID, sealText(msg),
				status, day(sent), day(due), answered, sealText(note), done, c.cm, at, updated, 1)
			if updated.After(c.updated) {
				c.updated = updated
			}
		}
	}

	// Assessment, goals and tasks (demo).
	if from, ok := start[casework.StatusAssessment]; ok && w.planning {
		doms := []string{}
		for _, d := range []string{"residence", "language", "work", "housing", "health", "livelihood", "family", "orientation"} {
			if rng.Float64() < 0.4 {
				doms = append(doms, d)
			}
		}
		if len(doms) == 0 {
			doms = []string{"orientation"}
		}
		at := during(rng, minTime(addDays(from.Truncate(24*time.Hour), rng.IntN(14)), last))
		for _, d := range doms {
			tx := assessmentTexts[d]
			assessments.add(t, ids.Deterministic(rng, at), c.id, d, pick(rng, []string{"low", "medium", "medium", "high", "none"}),
				sealText(pick(rng, tx[0])), sealText(pick(rng, tx[1])), sealText(pick(rng, tx[2])), sealText(fill(pick(rng, tx[3]), personOf(cl.sex))),
				c.cm, at, 1)
		}
		if pf, ok := start[casework.StatusPlanning]; ok {
			closed := c.status == casework.StatusClosed
			for gi, d := range doms {
				if gi >= 3 {
					break
				}
				gt := goalTexts[d]
				if len(gt) == 0 {
					continue
				}
				gat := during(rng, minTime(addDays(pf.Truncate(24*time.Hour), rng.IntN(10)), last))
				gid := ids.Deterministic(rng, gat)
				target := addDays(gat.Truncate(24*time.Hour), 90+rng.IntN(180))
				status, evaluation, evaluated := "in_progress", "", ""
				switch {
				case closed || c.status == casework.StatusClosing && rng.Float64() < 0.5:
					status = draw(rng, []choice{{"achieved", 50}, {"partly_achieved", 25}, {"not_achieved", 15}, {"dropped", 10}})
					evaluated = c.closedOn
					if evaluated == "" {
						evaluated = day(last)
					}
					evaluation = map[string]string{"achieved": "Ziel erreicht.", "partly_achieved": "Teilweise erreicht; Rest übernimmt der Regeldienst.",
						"not_achieved": "Nicht erreicht, Gründe im Abschlussgespräch besprochen.", "dropped": "Ziel wurde gemeinsam aufgegeben."}[status]
				case rng.Float64() < 0.25:
					status = "open"
				}
				goals.add(t, gid, c.id, d, sealText(pick(rng, gt)), sealText("Nachweis liegt vor"), day(target), status,
					sealText(evaluation), evaluated, gat, gat, 1)
				for range 1 + rng.IntN(2) {
					resp := draw(rng, []choice{{"client", 40}, {"case_manager", 40}, {"partner", 20}})
					var partner any
					if resp == "partner" && len(w.recipients) > 0 {
						partner = w.recipients[weighted(rng, recW)].id
					}
					due := addDays(gat.Truncate(24*time.Hour), 7+rng.IntN(60))
					tstatus, doneOn := "open", ""
					if due.Before(today) && (closed || rng.Float64() < 0.7) {
						tstatus, doneOn = "done", day(minTime(addDays(due, -rng.IntN(7)), last))
					}
					if closed && tstatus == "open" {
						tstatus = "cancelled"
					}
					tasks.add(t, ids.Deterministic(rng, gat), c.id, gid, sealText(pick(rng, taskTitles[resp])), resp, partner, day(due),
						tstatus, doneOn, gat, gat, 1)
				}
			}
		}
	}

	// The case row.
	admission := ""
	if len(w.criteria) > 0 && c.status != casework.StatusRequested {
		var met []string
		for _, k := range w.criteria {
			if rng.Float64() < 0.7 {
				met = append(met, k)
			}
		}
		admission = strings.Join(met, ",")
	}
	note := ""
	if rng.Float64() < 0.6 {
		note = admissionNote(rng, cl.sex)
	}
	review := ""
	if open && c.status != casework.StatusRequested {
		review = day(addDays(today, -10+rng.IntN(70)))
	}
	closeNote := ""
	if c.closedOn != "" && rng.Float64() < 0.7 {
		closeNote = statusNote(rng, cl.sex, c.status)
	}
	c.row = []any{t, c.id, c.org, c.number, c.client, c.status, draw(rng, accessRoutes), admission, sealText(note), c.cm,
		nullable(c.deputy), nullable(c.location), draw(rng, urgencies), day(c.requested), review, c.closedOn, c.closeReason,
		sealText(closeNote), created, c.updated, c.version}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// insert writes the plan in tx: bulk inserts, free text sealed with the tenant's data key, the
// name index filled with nameindex.Store.PutMany. It writes no audit entries (see SeedSynthetic).
func (p *cwPlan) insert(ctx context.Context, tx *db.Tx, seal sealer, idx nameindex.Store) error {
	for _, s := range p.sets {
		if err := bulkInsert(ctx, tx, seal, s); err != nil {
			return err
		}
	}
	for start := 0; start < len(p.subjects); start += 50000 {
		if err := idx.PutMany(ctx, tx, p.tenantID, p.subjects[start:min(start+50000, len(p.subjects))]); err != nil {
			return err
		}
	}
	return nil
}
