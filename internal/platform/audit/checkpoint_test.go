package audit_test

import (
	"context"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/audit"
	"kim/internal/platform/ids"
)

// Cutting entries off the end of a chain and setting its head back leaves a chain that verifies
// on its own; a checkpoint saved before the cut finds it.
func TestCheckpointsFindACutTail(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			f := setup(t, e)
			tenant, other := ids.New(), ids.New()
			f.append(tenant, 10)
			f.append(other, 3)
			heads, err := audit.Heads(context.Background(), f.d)
			if err != nil || len(heads) != 2 {
				t.Fatalf("heads: %v %v", heads, err)
			}
			var saved strings.Builder
			for _, h := range heads {
				saved.WriteString(h.String() + "\n")
			}
			f.append(tenant, 2) // entries 11 and 12 after the checkpoint
			cps, err := audit.ReadCheckpoints(strings.NewReader(saved.String()))
			if err != nil || len(cps) != 2 {
				t.Fatalf("read checkpoints: %v %v", cps, err)
			}
			if p, _, err := f.chain.VerifyWithCheckpoints(context.Background(), f.d, tenant, cps); p != nil || err != nil {
				t.Fatalf("intact chain with checkpoints: %v %v", p, err)
			}

			// The attacker deletes entries 8 to 12 and sets the head to entry 7.
			f.dropTriggers()
			f.exec("DELETE FROM audit_log WHERE tenant_id = $1 AND seq >= 8", tenant)
			seven := f.record(tenant, 7)
			f.exec("UPDATE audit_heads SET seq = 7, hash = $1 WHERE tenant_id = $2", seven.Hash, tenant)
			if p, _ := f.verify(tenant); p != nil {
				t.Fatalf("without checkpoints the cut is invisible, but got %v", p)
			}
			p, _, err := f.chain.VerifyWithCheckpoints(context.Background(), f.d, tenant, cps)
			if err != nil || p == nil || p.Seq != 8 || p.Reason != audit.ReasonCut {
				t.Fatalf("with the checkpoint at 10: %v %v, want entry 8 cut", p, err)
			}
			if p, _, _ := f.chain.VerifyWithCheckpoints(context.Background(), f.d, other, cps); p != nil {
				t.Fatalf("the other tenant: %v", p)
			}
		})
	}
}

func TestReadCheckpointsFromLogLines(t *testing.T) {
	in := `{"time":"2026-03-02T09:00:00Z","level":"INFO","msg":"request","route":"GET /start"}
{"time":"2026-03-02T09:00:00Z","level":"INFO","msg":"audit checkpoint","tenant_id":"t1","seq":42,"hash":"abc"}
checkpoint t2 7 def
ein Kommentar
`
	cps, err := audit.ReadCheckpoints(strings.NewReader(in))
	if err != nil || len(cps) != 2 || cps[0] != (audit.Checkpoint{TenantID: "t1", Seq: 42, Hash: "abc"}) ||
		cps[1] != (audit.Checkpoint{TenantID: "t2", Seq: 7, Hash: "def"}) {
		t.Fatalf("got %+v, %v", cps, err)
	}
	for _, bad := range []string{"checkpoint t1 x abc", "checkpoint t1 0 abc", "checkpoint t1 5", "checkpoint"} {
		if _, err := audit.ReadCheckpoints(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
