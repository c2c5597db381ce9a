package apptest

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"kim/internal/app"
	"kim/internal/platform/auth"
	"kim/internal/platform/clock"
	"kim/internal/platform/db"
	"kim/internal/platform/seal"
)

// Env is a running KIM instance for a test.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	Clock  *clock.Fake
	URL    string
	Logs   *LogBuffer
}

// Options tune New.
type Options struct {
	RequireMFA bool
	Demo       bool
	Configure  func(*app.Config)
}

// Start is the fixed start time of the fake clock.
var Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testKey is a fixed master key, so that test data is reproducible.
var testKey = func() *seal.Keys {
	k, _ := seal.New([]byte("kim-test-master-key-0123456789ab"))
	return k
}()

// LogBuffer collects the JSON log lines of an instance (tests grep it for leaked data).
type LogBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// New starts KIM on engine e with a fake clock, cheap password hashing and a fixed key.
func New(t testing.TB, e Engine, opt Options) *Env {
	t.Helper()
	clk := clock.NewFake(Start)
	cfg := app.Defaults()
	cfg.DSN = e.DSN(t)
	cfg.Keys = testKey
	cfg.Clock = clk
	cfg.PasswordParams = auth.TestParams
	cfg.RequireMFA = opt.RequireMFA
	cfg.Demo = opt.Demo
	if opt.Configure != nil {
		opt.Configure(&cfg)
	}
	logs := &LogBuffer{}
	var w io.Writer = logs
	if os.Getenv("KIM_TEST_LOG") != "" {
		w = io.MultiWriter(logs, os.Stderr)
	}
	a, err := app.New(context.Background(), cfg, app.NewLogger(cfg, w))
	if err != nil {
		t.Fatalf("start kim on %s: %v", e.Name, err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
		// html/template replaces values it finds unsafe with ZgotmplZ; the renderer logs it.
		if strings.Contains(logs.String(), "unsafe value filtered") {
			t.Errorf("a page rendered a value that html/template filtered (see the log)")
		}
	})
	return &Env{T: t, App: a, Server: srv, Clock: clk, URL: srv.URL, Logs: logs}
}

// DB returns the instance's database.
func (e *Env) DB() *db.DB { return e.App.DB }
