// Package reqid carries the request id through a context, so that logs and audit entries of one
// request can be correlated without any personal data.
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

type key struct{}

// New returns a random request id.
func New() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context { return context.WithValue(ctx, key{}, id) }

// From returns the request id in ctx, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}
