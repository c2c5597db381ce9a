// Package e2e drives the real KIM server with a real Chromium (chromedp) and checks every page
// it visits with axe-core. Chromium and axe-core are optional on a developer machine (the tests
// skip with a message) and required with CI=true (.ci/run installs both).
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"kim/internal/apptest"
)

// actionTimeout bounds every single browser action, so that a broken page fails the test with
// a message instead of hanging until the go test timeout. It is a guard, not an assertion.
const actionTimeout = 30 * time.Second

// require skips the test when an optional tool is missing, or fails it under CI=true.
func require(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if ok {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if apptest.CI() {
		t.Fatalf("%s (required because CI=true; .ci/run installs it)", msg)
	}
	t.Skipf("end-to-end tests skipped: %s", msg)
}

// chromiumPath returns the browser binary: $KIM_CHROMIUM or Debian's /usr/bin/chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("KIM_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	st, err := os.Stat(p)
	require(t, err == nil && !st.IsDir(), "no Chromium at %s (install the Debian package chromium or set KIM_CHROMIUM)", p)
	return p
}

// moduleRoot finds the directory of go.mod above the test's working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// axeSource returns the text of axe.min.js: $KIM_AXE_JS or the copy .ci/run installs under
// .cache/e2e (git-ignored).
func axeSource(t *testing.T) string {
	t.Helper()
	p := os.Getenv("KIM_AXE_JS")
	if p == "" {
		p = filepath.Join(moduleRoot(t), ".cache", "e2e", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	require(t, err == nil && len(b) > 0, "axe-core not found at %s (run `npm install --no-save --prefix .cache/e2e axe-core@4.14.1` or set KIM_AXE_JS)", p)
	return string(b)
}

// browser is one Chromium process shared by all scenarios. Each tab opens in its own browser
// context, so each has its own cookies (its own login).
type browser struct {
	ctx   context.Context
	axe   string
	owner *testing.T // the top-level test; tabs live until it ends
}

func startBrowser(t *testing.T, exe, axe string) *browser {
	t.Helper()
	profile, err := os.MkdirTemp("", "kim-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("lang", "de-DE"),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", exe, err)
	}
	return &browser{ctx: ctx, axe: axe, owner: t}
}

// pageWatch records, in every document, uncaught script errors and Content-Security-Policy
// violations, so that each page check can fail on them.
const pageWatch = `(() => {
  window.__kimProblems = [];
  window.addEventListener("error", e => window.__kimProblems.push("script error: " + e.message));
  document.addEventListener("securitypolicyviolation", e =>
    window.__kimProblems.push("CSP violation: " + e.violatedDirective + " " + (e.blockedURI || "inline")));
})();`

// tab is one browser tab with its own cookie jar.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	axe  string
	js   bool
}

// newTab opens a tab in a fresh browser context. With js false, the page's scripts are
// disabled (the browser still answers our own DevTools queries).
func (b *browser) newTab(t *testing.T, base string, js bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("open tab: %v", err)
	}
	// The tab lives as long as the whole test, so that scenarios can reuse its login.
	b.owner.Cleanup(cancel)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: pageWatch}); err != nil {
		t.Fatalf("install page watch: %v", err)
	}
	if !js {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("disable JavaScript: %v", err)
		}
	}
	return &tab{t: t, ctx: ctx, base: base, axe: b.axe, js: js}
}

// on returns the tab bound to the (sub)test t.
func (p *tab) on(t *testing.T) *tab {
	c := *p
	c.t = t
	return &c
}

func (p *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s (on %s): %v", what, p.location(), err)
	}
}

// load runs actions that end in a page load and returns the HTTP status of the document.
func (p *tab) load(what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		return 0
	}
	return resp.Status
}

// location returns the current URL (for messages).
func (p *tab) location() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// path returns the path and query of the current URL.
func (p *tab) path() string {
	p.t.Helper()
	return strings.TrimPrefix(p.location(), p.base)
}

// open navigates to path, expects status want (200 if 0) and checks the page.
func (p *tab) open(path string, want ...int64) {
	p.t.Helper()
	status := p.load("open "+path, chromedp.Navigate(p.base+path))
	p.expectStatus("GET "+path, status, want...)
	p.check()
}

func (p *tab) expectStatus(what string, got int64, want ...int64) {
	p.t.Helper()
	w := int64(200)
	if len(want) > 0 {
		w = want[0]
	}
	if got != w {
		p.t.Fatalf("%s: status %d, want %d (now on %s)\n%s", what, got, w, p.path(), p.text("main"))
	}
}

// click clicks the element and waits for the page it loads; it returns the status of the final
// document (after redirects) and checks that page.
func (p *tab) click(sel string, want ...int64) {
	p.t.Helper()
	p.mustExist(sel)
	status := p.load("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	p.expectStatus("click "+sel, status, want...)
	p.check()
}

// fill replaces the value of a form field. (The keyboard scenarios type key by key.)
func (p *tab) fill(sel, value string) {
	p.t.Helper()
	p.mustExist(sel)
	p.do("fill "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// choose selects the option of a select element whose visible text starts with label.
func (p *tab) choose(sel, label string) {
	p.t.Helper()
	p.mustExist(sel)
	ok := eval[bool](p, `(() => {
	  const s = document.querySelector(%s);
	  const o = [...s.options].find(o => o.textContent.trim().startsWith(%s));
	  if (!o) return false;
	  s.value = o.value;
	  s.dispatchEvent(new Event("change", {bubbles: true}));
	  return true;
	})()`, sel, label)
	if !ok {
		p.t.Fatalf("%s has no option %q (on %s)", sel, label, p.path())
	}
}

// key sends key presses to the focused element (see chromedp/kb for special keys).
func (p *tab) key(keys string) {
	p.t.Helper()
	p.do("press keys", chromedp.KeyEvent(keys))
}

// eval evaluates a JavaScript expression built with fmt verbs whose arguments are inserted
// as JSON literals, and decodes the result.
func eval[T any](p *tab, format string, args ...any) T {
	p.t.Helper()
	lits := make([]any, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			p.t.Fatal(err)
		}
		lits[i] = string(b)
	}
	expr := fmt.Sprintf(format, lits...)
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate on %s: %v\n%s", p.path(), err, expr)
	}
	return v
}

// count returns the number of elements that match sel.
func (p *tab) count(sel string) int {
	p.t.Helper()
	return eval[int](p, `document.querySelectorAll(%s).length`, sel)
}

func (p *tab) mustExist(sel string) {
	p.t.Helper()
	if p.count(sel) == 0 {
		p.t.Fatalf("no element %q on %s", sel, p.path())
	}
}

// text returns the normalised text of the first element matching sel ("" if none).
func (p *tab) text(sel string) string {
	p.t.Helper()
	return eval[string](p, `(() => { const e = document.querySelector(%s);
	  return e ? (e.innerText || e.textContent).replace(/\s+/g, " ").trim() : ""; })()`, sel)
}

// texts returns the normalised texts of all elements matching sel.
func (p *tab) texts(sel string) []string {
	p.t.Helper()
	return eval[[]string](p, `[...document.querySelectorAll(%s)].map(e => (e.innerText || e.textContent).replace(/\s+/g, " ").trim())`, sel)
}

// attr returns an attribute of the first element matching sel (null → "").
func (p *tab) attr(sel, name string) string {
	p.t.Helper()
	return eval[string](p, `(() => { const e = document.querySelector(%s); return (e && e.getAttribute(%s)) || ""; })()`, sel, name)
}

// focused describes the focused element as tag#id.class.
func (p *tab) focused() string {
	p.t.Helper()
	return eval[string](p, `(() => { const e = document.activeElement; if (!e) return "";
	  return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + [...e.classList].map(c => "." + c).join(""); })()`)
}

// expectText fails unless the first element matching sel contains want.
func (p *tab) expectText(sel, want string) {
	p.t.Helper()
	if got := p.text(sel); !strings.Contains(got, want) {
		p.t.Fatalf("%s on %s: got %q, want it to contain %q", sel, p.path(), got, want)
	}
}

// cookie returns the named cookie of the current page, or nil.
func (p *tab) cookie(name string) *network.Cookie {
	p.t.Helper()
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.base + "/"}})
	if err != nil {
		p.t.Fatalf("read cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// check runs on every page: no script error or CSP violation, and no serious or critical
// accessibility violation (WCAG 2.0/2.1 A and AA rules of axe-core). Pages in a tab without
// JavaScript are not checked, because axe itself is a script.
func (p *tab) check() {
	p.t.Helper()
	if !p.js {
		return
	}
	if problems := eval[[]string](p, `window.__kimProblems || []`); len(problems) > 0 {
		p.t.Errorf("page %s reported problems:\n  %s", p.path(), strings.Join(problems, "\n  "))
	}
	if !eval[bool](p, `typeof window.axe === "object"`) {
		ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
		_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](p.axe))
		cancel()
		if err != nil {
			p.t.Fatalf("inject axe-core on %s: %v", p.path(), err)
		}
	}
	type node struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	}
	type violation struct {
		ID      string `json:"id"`
		Impact  string `json:"impact"`
		Help    string `json:"help"`
		HelpURL string `json:"helpUrl"`
		Nodes   []node `json:"nodes"`
	}
	vs := eval[[]violation](p, `axe.run(document, {
	    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
	    resultTypes: ["violations"]
	  }).then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""}))})))`)
	var serious, minor []string
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "[%s] %s: %s (%s)", v.Impact, v.ID, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n      %s\n        %s", n.Target, strings.ReplaceAll(n.Summary, "\n", "\n        "))
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			serious = append(serious, b.String())
		} else {
			minor = append(minor, b.String())
		}
	}
	if len(minor) > 0 {
		p.t.Logf("axe-core on %s (minor/moderate, not failing):\n  %s", p.path(), strings.Join(minor, "\n  "))
	}
	if len(serious) > 0 {
		p.t.Errorf("axe-core found %d serious or critical accessibility violations on %s:\n  %s",
			len(serious), p.path(), strings.Join(serious, "\n  "))
	}
}

// screenshot saves the page as docs/screenshots/NAME.png when KIM_SCREENSHOTS=1.
func (p *tab) screenshot(name string) {
	p.t.Helper()
	if os.Getenv("KIM_SCREENSHOTS") != "1" {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join(moduleRoot(p.t), "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("wrote docs/screenshots/%s.png", name)
}

// waitVisible waits until the element is shown (for script-driven changes).
func (p *tab) waitVisible(sel string) {
	p.t.Helper()
	p.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// waitHidden waits until the element is hidden.
func (p *tab) waitHidden(sel string) {
	p.t.Helper()
	p.do("wait until hidden "+sel, chromedp.WaitNotVisible(chromedp.CSS(sel)))
}

// shiftClock is the server's clock in the browser tests: real time plus an adjustable offset.
// The page script compares the session deadline with the browser's clock, so the server must
// run on (nearly) real time; the offset lets a test bring a session close to its end.
type shiftClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *shiftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.off).Truncate(time.Microsecond)
}

func (c *shiftClock) offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.off
}

func (c *shiftClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}
