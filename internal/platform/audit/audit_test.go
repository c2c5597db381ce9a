package audit_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/clock"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
)

var key = []byte("audit-test-key-0123456789abcdef!")

type fixture struct {
	t     *testing.T
	d     *db.DB
	clk   *clock.Fake
	chain *audit.Chain
}

func setup(t *testing.T, e apptest.Engine) *fixture {
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 123456000, time.UTC))
	return &fixture{t: t, d: apptest.OpenDB(t, e, db.Options{Clock: clk}), clk: clk, chain: audit.NewChain(key)}
}

// append writes n entries for tenant, each in its own transaction, one second apart.
func (f *fixture) append(tenant string, n int) {
	f.t.Helper()
	for i := 0; i < n; i++ {
		f.clk.Advance(time.Second + 7*time.Microsecond)
		err := f.d.Write(context.Background(), func(tx *db.Tx) error {
			return f.chain.Append(context.Background(), tx, entry(tenant, i))
		})
		if err != nil {
			f.t.Fatalf("append %d: %v", i, err)
		}
	}
}

func entry(tenant string, i int) audit.Entry {
	return audit.Entry{
		Actor:  access.Actor{UserID: ids.New(), TenantID: tenant, Role: access.CaseManager, OrganisationID: ids.New()},
		Action: fmt.Sprintf("test.action%d", i%3), ObjectType: "thing", ObjectID: ids.New(),
		Purpose: "Prüfung", Details: map[string]string{"n": fmt.Sprint(i), "b": "zwei", "a": "eins \"quoted\""},
	}
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if err := f.d.Write(context.Background(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(context.Background(), q, args...)
		return err
	}); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

// dropTriggers removes the append-only triggers, as an attacker with database access would.
func (f *fixture) dropTriggers() {
	if f.d.Engine() == db.Postgres {
		f.exec("DROP TRIGGER audit_log_no_update ON audit_log")
		return
	}
	f.exec("DROP TRIGGER audit_log_no_update")
	f.exec("DROP TRIGGER audit_log_no_delete")
}

func (f *fixture) verify(tenant string) (*audit.Problem, int64) {
	f.t.Helper()
	p, n, err := f.chain.Verify(context.Background(), f.d, tenant)
	if err != nil {
		f.t.Fatalf("verify: %v", err)
	}
	return p, n
}

func (f *fixture) record(tenant string, seq int64) audit.Record {
	f.t.Helper()
	var r audit.Record
	err := f.d.Read(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT tenant_id, seq, id, at, actor_id, actor_role, actor_org_id, action,
			object_type, object_id, purpose, outcome, request_id, details, prev_hash, hash FROM audit_log WHERE tenant_id = $1 AND seq = $2`,
			tenant, seq).Scan(&r.TenantID, &r.Seq, &r.ID, &r.At, &r.ActorID, &r.ActorRole, &r.ActorOrgID, &r.Action, &r.ObjectType,
			&r.ObjectID, &r.Purpose, &r.Outcome, &r.RequestID, &r.Details, &r.PrevHash, &r.Hash)
	})
	if err != nil {
		f.t.Fatalf("read entry %d: %v", seq, err)
	}
	return r
}

// overwrite replaces every column of the row at seq (except tenant and seq) by r's values.
func (f *fixture) overwrite(seq int64, r audit.Record) {
	f.t.Helper()
	f.exec(`UPDATE audit_log SET id = $1, at = $2, actor_id = $3, actor_role = $4, actor_org_id = $5, action = $6, object_type = $7,
		object_id = $8, purpose = $9, outcome = $10, request_id = $11, details = $12, prev_hash = $13, hash = $14
		WHERE tenant_id = $15 AND seq = $16`, r.ID, r.At, r.ActorID, r.ActorRole, r.ActorOrgID, r.Action, r.ObjectType,
		r.ObjectID, r.Purpose, r.Outcome, r.RequestID, r.Details, r.PrevHash, r.Hash, r.TenantID, seq)
}

func (f *fixture) insert(r audit.Record) {
	f.t.Helper()
	f.exec(`INSERT INTO audit_log (tenant_id, seq, id, at, actor_id, actor_role, actor_org_id, action, object_type, object_id,
		purpose, outcome, request_id, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		r.TenantID, r.Seq, r.ID, r.At, r.ActorID, r.ActorRole, r.ActorOrgID, r.Action, r.ObjectType, r.ObjectID, r.Purpose,
		r.Outcome, r.RequestID, r.Details, r.PrevHash, r.Hash)
}

// swapSeq exchanges the positions of two entries (a reordering).
func (f *fixture) swapSeq(tenant string, a, b int64) {
	f.exec("UPDATE audit_log SET seq = -1 WHERE tenant_id = $1 AND seq = $2", tenant, a)
	f.exec("UPDATE audit_log SET seq = $1 WHERE tenant_id = $2 AND seq = $3", a, tenant, b)
	f.exec("UPDATE audit_log SET seq = $1 WHERE tenant_id = $2 AND seq = -1", b, tenant)
}

func TestVerifyIntactChain(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := setup(t, e)
			a, b := ids.New(), ids.New()
			if p, n := f.verify(a); p != nil || n != 0 {
				t.Fatalf("empty tenant: problem %v, %d entries", p, n)
			}
			f.append(a, 7)
			f.append(b, 3)
			f.append(a, 5)
			if p, n := f.verify(a); p != nil || n != 12 {
				t.Fatalf("tenant a: problem %v, %d entries; want none and 12", p, n)
			}
			if p, n := f.verify(b); p != nil || n != 3 {
				t.Fatalf("tenant b: problem %v, %d entries; want none and 3", p, n)
			}
			// Stored entries carry what was appended, and the first one chains to the genesis.
			first := f.record(a, 1)
			if first.PrevHash != f.chain.Genesis(a) || first.Hash != f.chain.Hash(&first) || first.Outcome != "ok" ||
				first.Details != `{"a":"eins \"quoted\"","b":"zwei","n":"0"}` || first.At.Nanosecond()%1000 != 0 {
				t.Errorf("first entry %+v", first)
			}
			if second := f.record(a, 2); second.PrevHash != first.Hash {
				t.Errorf("entry 2 does not chain to entry 1")
			}
			// A chain keyed differently does not verify, from the first entry on.
			other := audit.NewChain([]byte("another key, held by an attacker"))
			p, _, err := other.Verify(context.Background(), f.d, a)
			if err != nil {
				t.Fatal(err)
			}
			if p == nil || p.Seq != 1 || p.Reason != audit.ReasonChanged {
				t.Errorf("verified with another key: %+v, want entry 1 changed", p)
			}
		})
	}
}

// TestVerifyFindsTampering changes the trail the way someone with database access could and
// checks that Verify names the first bad entry and why.
func TestVerifyFindsTampering(t *testing.T) {
	const n = 10
	type want struct {
		seq    int64
		reason string
		entry  int64 // seq of the original entry whose id is reported; 0: no id
	}
	cases := []struct {
		name   string
		tamper func(f *fixture, tenant string)
		want   want
	}{
		{"change a field", func(f *fixture, tn string) {
			f.exec("UPDATE audit_log SET action = 'test.harmless' WHERE tenant_id = $1 AND seq = 5", tn)
		}, want{5, audit.ReasonChanged, 5}},
		{"change the time", func(f *fixture, tn string) {
			f.exec("UPDATE audit_log SET at = $1 WHERE tenant_id = $2 AND seq = 3", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), tn)
		}, want{3, audit.ReasonChanged, 3}},
		{"change the first entry's details", func(f *fixture, tn string) {
			f.exec("UPDATE audit_log SET details = '{}' WHERE tenant_id = $1 AND seq = 1", tn)
		}, want{1, audit.ReasonChanged, 1}},
		{"delete a middle entry", func(f *fixture, tn string) {
			f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 5", tn)
		}, want{5, audit.ReasonMissing, 0}},
		{"delete the first entry", func(f *fixture, tn string) {
			f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 1", tn)
		}, want{1, audit.ReasonMissing, 0}},
		{"delete the last entry", func(f *fixture, tn string) {
			f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq = $2", tn, n)
		}, want{n, audit.ReasonHeadMismatch, 0}},
		{"delete the last three entries", func(f *fixture, tn string) {
			f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq > $2", tn, n-3)
		}, want{n - 2, audit.ReasonHeadMismatch, 0}},
		{"delete every entry", func(f *fixture, tn string) {
			f.exec("DELETE FROM audit_log WHERE tenant_id = $1", tn)
		}, want{1, audit.ReasonHeadMismatch, 0}},
		{"delete the last entry and reset the head", func(f *fixture, tn string) {
			prev := f.record(tn, n-1)
			f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq = $2", tn, n)
			f.exec("UPDATE audit_heads SET seq = $1, hash = 'forged' WHERE tenant_id = $2", prev.Seq, tn)
		}, want{n - 1, audit.ReasonHeadMismatch, 0}},
		{"delete the head", func(f *fixture, tn string) {
			f.exec("DELETE FROM audit_heads WHERE tenant_id = $1", tn)
		}, want{n, audit.ReasonHeadMismatch, 0}},
		{"swap two entries' contents", func(f *fixture, tn string) {
			r4, r7 := f.record(tn, 4), f.record(tn, 7)
			f.overwrite(4, r7)
			f.overwrite(7, r4)
		}, want{4, audit.ReasonChanged, 7}},
		{"reorder two entries", func(f *fixture, tn string) { f.swapSeq(tn, 4, 7) }, want{4, audit.ReasonChanged, 7}},
		{"insert a forged entry in the middle", func(f *fixture, tn string) {
			for s := int64(n); s >= 6; s-- {
				f.exec("UPDATE audit_log SET seq = seq + 1 WHERE tenant_id = $1 AND seq = $2", tn, s)
			}
			r := f.record(tn, 5)
			r.Seq, r.ID, r.PrevHash, r.Action = 6, ids.New(), r.Hash, "test.forged"
			r.Hash = audit.NewChain([]byte("guessed key")).Hash(&r)
			f.insert(r)
			f.exec("UPDATE audit_heads SET seq = seq + 1 WHERE tenant_id = $1", tn)
		}, want{6, audit.ReasonChanged, -1}},
		{"append a forged entry", func(f *fixture, tn string) {
			r := f.record(tn, n)
			r.Seq, r.ID, r.PrevHash, r.Action = n+1, ids.New(), r.Hash, "test.forged"
			r.Hash = "0000"
			f.insert(r)
		}, want{n + 1, audit.ReasonChanged, -1}},
		{"append a correctly hashed entry without moving the head", func(f *fixture, tn string) {
			r := f.record(tn, n)
			r.Seq, r.ID, r.PrevHash = n+1, ids.New(), r.Hash
			r.Hash = f.chain.Hash(&r)
			f.insert(r)
		}, want{n + 1, audit.ReasonHeadMismatch, 0}},
		{"replace an entry by a correctly hashed one that does not chain", func(f *fixture, tn string) {
			r := f.record(tn, 5)
			r.PrevHash, r.Action = f.record(tn, 3).Hash, "test.forged"
			r.Hash = f.chain.Hash(&r)
			f.overwrite(5, r)
		}, want{5, audit.ReasonChainBroken, 5}},
	}
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := setup(t, e)
			f.dropTriggers()
			for _, c := range cases {
				t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
					f.t = t
					tenant, bystander := ids.New(), ids.New()
					f.append(tenant, n)
					f.append(bystander, 2)
					orig := map[int64]string{}
					for s := int64(1); s <= n; s++ {
						orig[s] = f.record(tenant, s).ID
					}
					c.tamper(f, tenant)
					p, _ := f.verify(tenant)
					if p == nil {
						t.Fatal("tampering not detected")
					}
					if p.Seq != c.want.seq || p.Reason != c.want.reason || p.TenantID != tenant {
						t.Fatalf("problem %+v, want entry %d %s", p, c.want.seq, c.want.reason)
					}
					switch {
					case c.want.entry > 0 && p.EntryID != orig[c.want.entry]:
						t.Errorf("reported id %q, want %q", p.EntryID, orig[c.want.entry])
					case c.want.entry < 0 && (p.EntryID == "" || p.EntryID == orig[c.want.seq]):
						t.Errorf("reported id %q, want the forged entry's", p.EntryID)
					case c.want.entry == 0 && p.EntryID != "":
						t.Errorf("reported id %q for an entry that does not exist", p.EntryID)
					}
					msg := p.String()
					if !strings.HasPrefix(msg, fmt.Sprintf("entry %d", c.want.seq)) || (p.EntryID != "" && !strings.Contains(msg, p.EntryID)) {
						t.Errorf("message %q does not name the entry", msg)
					}
					if q, _ := f.verify(bystander); q != nil {
						t.Errorf("another tenant's chain reports %+v", q)
					}
				})
			}
		})
	}
}

func TestConcurrentAppendsStayGapless(t *testing.T) {
	const workers, each = 8, 50
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := setup(t, e)
			tenants := []string{ids.New(), ids.New()}
			var wg sync.WaitGroup
			errc := make(chan error, workers)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < each; i++ {
						tenant := tenants[0]
						if w%4 == 3 {
							tenant = tenants[1]
						}
						if err := f.d.Write(context.Background(), func(tx *db.Tx) error {
							return f.chain.Append(context.Background(), tx, entry(tenant, i))
						}); err != nil {
							errc <- fmt.Errorf("worker %d append %d: %w", w, i, err)
							return
						}
					}
				}(w)
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			for i, tenant := range tenants {
				want := int64(workers * each * 3 / 4)
				if i == 1 {
					want = workers * each / 4
				}
				p, n := f.verify(tenant)
				if p != nil || n != want {
					t.Errorf("tenant %d: problem %+v, %d entries; want none and %d", i, p, n, want)
				}
				var min, max, count int64
				if err := f.d.Read(context.Background(), func(tx *db.Tx) error {
					return tx.QueryRowContext(context.Background(), "SELECT min(seq), max(seq), count(DISTINCT seq) FROM audit_log WHERE tenant_id = $1", tenant).
						Scan(&min, &max, &count)
				}); err != nil {
					t.Fatal(err)
				}
				if min != 1 || max != want || count != want {
					t.Errorf("tenant %d: seq %d..%d with %d distinct, want 1..%d", i, min, max, count, want)
				}
			}
		})
	}
}

func TestRolledBackEntryLeavesNoTrace(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := setup(t, e)
			tenant, fresh := ids.New(), ids.New()
			f.append(tenant, 2)
			boom := errors.New("the change failed after its audit entry")
			for _, tn := range []string{tenant, fresh} {
				err := f.d.Write(context.Background(), func(tx *db.Tx) error {
					if err := f.chain.Append(context.Background(), tx, entry(tn, 9)); err != nil {
						return err
					}
					return boom
				})
				if !errors.Is(err, boom) {
					t.Fatalf("write: %v", err)
				}
			}
			if p, n := f.verify(tenant); p != nil || n != 2 {
				t.Fatalf("after rollback: problem %+v, %d entries; want none and 2", p, n)
			}
			if p, n := f.verify(fresh); p != nil || n != 0 {
				t.Fatalf("fresh tenant after rollback: problem %+v, %d entries", p, n)
			}
			var heads int
			if err := f.d.Read(context.Background(), func(tx *db.Tx) error {
				return tx.QueryRowContext(context.Background(), "SELECT count(*) FROM audit_heads WHERE tenant_id = $1", fresh).Scan(&heads)
			}); err != nil {
				t.Fatal(err)
			}
			if heads != 0 {
				t.Error("the rolled-back first entry left a chain head")
			}
			f.append(tenant, 1)
			f.append(fresh, 1)
			if p, n := f.verify(tenant); p != nil || n != 3 || f.record(tenant, 3).PrevHash != f.record(tenant, 2).Hash {
				t.Fatalf("next entry: problem %+v, %d entries", p, n)
			}
			if p, n := f.verify(fresh); p != nil || n != 1 {
				t.Fatalf("fresh tenant's first entry: problem %+v, %d entries", p, n)
			}
		})
	}
}

func TestAppendNeedsTenant(t *testing.T) {
	f := setup(t, apptest.SQLite)
	err := f.d.Write(context.Background(), func(tx *db.Tx) error {
		return f.chain.Append(context.Background(), tx, audit.Entry{Action: "test"})
	})
	if err == nil {
		t.Fatal("an entry without tenant was written")
	}
}

// TestVerifyReportsEarliestTamperingProperty appends random trails, tampers with one random
// entry in a random way and checks that Verify reports exactly that entry (a property test with
// fixed seeds, so that a failure can be replayed).
func TestVerifyReportsEarliestTamperingProperty(t *testing.T) {
	kinds := []string{"change", "delete", "truncate", "reorder", "swap", "forge"}
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := setup(t, e)
			f.dropTriggers()
			for seed := uint64(1); seed <= 30; seed++ {
				rng := rand.New(rand.NewPCG(seed, 42))
				n := int64(1 + rng.IntN(12))
				tenant := ids.New()
				f.append(tenant, int(n))
				kind := kinds[rng.IntN(len(kinds))]
				i := 1 + rng.Int64N(n)
				wantSeq, wantReason := i, audit.ReasonChanged
				switch kind {
				case "change":
					col := []string{"action", "actor_id", "object_id", "details", "purpose", "outcome", "prev_hash", "hash"}[rng.IntN(8)]
					f.exec("UPDATE audit_log SET "+col+" = "+col+" || 'x' WHERE tenant_id = $1 AND seq = $2", tenant, i)
					if col == "prev_hash" {
						wantReason = audit.ReasonChanged // the hash covers prev_hash
					}
				case "delete":
					f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq = $2", tenant, i)
					wantReason = audit.ReasonMissing
					if i == n {
						wantReason = audit.ReasonHeadMismatch
					}
				case "truncate":
					f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq >= $2", tenant, i)
					wantReason = audit.ReasonHeadMismatch
				case "reorder", "swap":
					if n < 2 {
						kind, wantReason = "truncate", audit.ReasonHeadMismatch
						f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq >= $2", tenant, i)
						break
					}
					a := 1 + rng.Int64N(n-1)
					b := a + 1 + rng.Int64N(n-a)
					wantSeq = a
					if kind == "reorder" {
						f.swapSeq(tenant, a, b)
					} else {
						ra, rb := f.record(tenant, a), f.record(tenant, b)
						f.overwrite(a, rb)
						f.overwrite(b, ra)
					}
				case "forge":
					r := f.record(tenant, i)
					r.Action = "test.forged"
					r.Hash = audit.NewChain([]byte("not the key")).Hash(&r)
					f.overwrite(i, r)
				}
				p, _ := f.verify(tenant)
				if p == nil || p.Seq != wantSeq || p.Reason != wantReason {
					t.Fatalf("seed %d: %d entries, %s at %d: got %+v, want entry %d %s", seed, n, kind, i, p, wantSeq, wantReason)
				}
			}
		})
	}
}
