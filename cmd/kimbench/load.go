package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// bareFlag makes kimbench serve the bare handler instead of measuring (it re-executes itself,
// so that the bare server is a process of its own like kim and does not share a Go runtime
// with the load generator).
const bareFlag = "-bare-server"

// serveBare answers every request with "ok\n" on addr until ctx ends.
func serveBare(ctx context.Context, addr string) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Println("bare:", err)
		return 1
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Println("bare:", err)
		return 1
	}
	return 0
}

// target is one URL under load.
type target struct {
	Name   string
	Server string // "kim" or "bare"
	URL    string
	Header http.Header
	pid    int // server process, for its CPU time
}

// loadResult is one closed-loop run of a target at a concurrency.
type loadResult struct {
	Target    string
	Server    string
	Conc      int
	Requests  int
	Errors    int
	FirstErr  string
	Elapsed   time.Duration
	RPS       float64
	P50, P90  time.Duration
	P99, Max  time.Duration
	Bytes     int64
	ServerCPU time.Duration // CPU time the server process used in the measured window
	Load1     string
}

// CPUPerReq is the server's CPU time per request.
func (r loadResult) CPUPerReq() time.Duration {
	if r.Requests == 0 {
		return 0
	}
	return r.ServerCPU / time.Duration(r.Requests)
}

// load runs a closed loop: conc workers, each on its own keep-alive connection, send a request,
// read the whole answer and send the next. Requests that start during the warm-up are not
// recorded; the measured window runs for dur after it. Every non-200 answer counts as an error
// (redirects are not followed, so an expired session shows up as errors).
func load(ctx context.Context, t target, conc int, warmup, dur time.Duration) loadResult {
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true,
		IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res := loadResult{Target: t.Name, Server: t.Server, Conc: conc, Load1: loadavg()}
	start := time.Now()
	from, until := start.Add(warmup), start.Add(warmup+dur)
	var cpu0 atomic.Int64
	cpu0.Store(int64(procCPU(t.pid)))
	cpuTimer := time.AfterFunc(warmup, func() { cpu0.Store(int64(procCPU(t.pid))) })
	defer cpuTimer.Stop()

	type part struct {
		lat      []time.Duration
		errs     int
		firstErr string
		bytes    int64
	}
	parts := make([]part, conc)
	var wg sync.WaitGroup
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[w]
			p.lat = make([]time.Duration, 0, 1<<14)
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, t.URL, nil)
			for k, v := range t.Header {
				req.Header[k] = v
			}
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(until) {
					return
				}
				status, n, err := doRequest(client, req)
				d := time.Since(t0)
				if t0.Before(from) {
					continue
				}
				p.lat = append(p.lat, d)
				if err != nil || status != http.StatusOK {
					p.errs++
					if p.firstErr == "" {
						if err != nil {
							p.firstErr = err.Error()
						} else {
							p.firstErr = fmt.Sprintf("status %d", status)
						}
					}
				}
				p.bytes = n
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(from)
	cpuTimer.Stop()
	res.ServerCPU = procCPU(t.pid) - time.Duration(cpu0.Load())
	var all []time.Duration
	for _, p := range parts {
		all = append(all, p.lat...)
		res.Errors += p.errs
		if res.FirstErr == "" {
			res.FirstErr = p.firstErr
		}
		if p.bytes > 0 {
			res.Bytes = p.bytes
		}
	}
	res.Requests = len(all)
	if res.Elapsed > 0 {
		res.RPS = float64(res.Requests) / res.Elapsed.Seconds()
	}
	slices.Sort(all)
	res.P50, res.P90, res.P99 = percentile(all, 0.50), percentile(all, 0.90), percentile(all, 0.99)
	if len(all) > 0 {
		res.Max = all[len(all)-1]
	}
	return res
}

func doRequest(client *http.Client, req *http.Request) (int, int64, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, n, err
}

// percentile returns the nearest-rank p-quantile of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return percentile(s, 0.5)
}
