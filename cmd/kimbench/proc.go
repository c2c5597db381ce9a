package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// supervisor tracks the child processes so that every one of them ends with the run, whatever
// way the run ends.
type supervisor struct {
	mu    sync.Mutex
	procs map[*server]struct{}
}

func newSupervisor() *supervisor { return &supervisor{procs: map[*server]struct{}{}} }

func (s *supervisor) add(p *server) {
	s.mu.Lock()
	s.procs[p] = struct{}{}
	s.mu.Unlock()
}

func (s *supervisor) remove(p *server) {
	s.mu.Lock()
	delete(s.procs, p)
	s.mu.Unlock()
}

func (s *supervisor) stopAll() {
	s.mu.Lock()
	var ps []*server
	for p := range s.procs {
		ps = append(ps, p)
	}
	s.mu.Unlock()
	for _, p := range ps {
		_ = p.stop(3 * time.Second)
	}
}

// server is a child process that serves HTTP on addr (kim serve or the bare handler).
type server struct {
	sup     *supervisor
	cmd     *exec.Cmd
	addr    string
	logPath string
	started time.Time
	done    chan struct{}
	waitErr error
}

// childAttr kills a child when kimbench dies without cleaning up (e.g. SIGKILL).
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer starts bin with args (where "ADDR" is replaced by a free address), logging
// stdout and stderr to a file.
func (b *bench) startServer(bin string, args []string, env []string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args = append([]string(nil), args...)
	for i, a := range args {
		if a == "ADDR" {
			args[i] = addr
		}
	}
	b.logIdx++
	logPath := filepath.Join(b.tmp, fmt.Sprintf("server-%02d.log", b.logIdx))
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = childAttr()
	p := &server{sup: b.sup, cmd: cmd, addr: addr, logPath: logPath, done: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b.sup.add(p)
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *server) pid() int { return p.cmd.Process.Pid }

func (p *server) url(path string) string { return "http://" + p.addr + path }

// waitReady polls path every 2 ms until it answers 200 and returns the time since the process
// was started.
func (p *server) waitReady(ctx context.Context, path string, timeout time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(p.url(path))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(p.started), nil
			}
		}
		select {
		case <-p.done:
			return 0, fmt.Errorf("server exited before it was ready (%v): %s", p.waitErr, p.logTail())
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("server not ready after %s: %s", timeout, p.logTail())
		}
	}
}

func (p *server) logTail() string {
	data, _ := os.ReadFile(p.logPath)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}

// stop sends SIGTERM, waits up to grace for the process to end and kills it otherwise.
func (p *server) stop(grace time.Duration) error {
	defer p.sup.remove(p)
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("pid %d did not stop within %s and was killed", p.pid(), grace)
	}
}

// logLines counts the lines the server has logged.
func (p *server) logLines() int {
	data, _ := os.ReadFile(p.logPath)
	return bytes.Count(data, []byte("\n"))
}

// memStatus reads VmRSS and VmHWM (KiB) of pid.
func memStatus(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch k {
		case "VmRSS", "VmHWM":
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if k == "VmRSS" {
				rss = n
			} else {
				hwm = n
			}
		}
	}
	return rss, hwm, sc.Err()
}

// clockTick is USER_HZ, 100 on every Linux platform Go supports.
const clockTick = 10 * time.Millisecond

// procCPU returns the user plus system CPU time pid has used.
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * clockTick
}

// command runs a short-lived command and returns its standard output.
func (b *bench) command(ctx context.Context, env []string, dir, bin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Dir = env, dir
	cmd.SysProcAttr = childAttr()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", filepath.Base(bin), strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}

// buildKim builds ./cmd/kim of the module kimbench runs in (or takes -kim).
func (b *bench) buildKim(ctx context.Context) error {
	if b.opt.KimBin != "" {
		abs, err := filepath.Abs(b.opt.KimBin)
		b.kim = abs
		return err
	}
	gomod, err := b.command(ctx, os.Environ(), "", "go", "env", "GOMOD")
	if err != nil {
		return err
	}
	if gomod == "" || gomod == os.DevNull {
		return errors.New("run kimbench inside the kim module (go run ./cmd/kimbench) or pass -kim")
	}
	b.root = filepath.Dir(gomod)
	b.kim = filepath.Join(b.tmp, "kim")
	t0 := time.Now()
	b.logf("building ./cmd/kim")
	if _, err := b.command(ctx, os.Environ(), b.root, "go", "build", "-o", b.kim, "./cmd/kim"); err != nil {
		return err
	}
	b.logf("built in %s", time.Since(t0).Round(100*time.Millisecond))
	return nil
}

// kimEnv is the environment of every kim child: the process environment without KIM_*
// variables, plus extra.
func (b *bench) kimEnv(extra ...string) []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "KIM_") {
			env = append(env, e)
		}
	}
	return append(env, extra...)
}
