package web

import (
	"context"
	"time"

	"kim/internal/platform/access"
)

// Identity is who is calling, resolved from a session cookie or an API token.
type Identity struct {
	Actor        access.Actor
	Via          string // "session" or "token"
	Stage        string // session stage (auth.StageFull …)
	SessionHash  string
	TenantName   string
	IdleDeadline time.Time // when the session ends without activity
	Expires      time.Time // absolute end of the session
}

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the identity in ctx, or nil.
func IdentityFrom(ctx context.Context) *Identity {
	id, _ := ctx.Value(identityKey{}).(*Identity)
	return id
}

// ActorFrom returns the actor in ctx (anonymous when there is none or the login is unfinished).
func ActorFrom(ctx context.Context) access.Actor {
	if id := IdentityFrom(ctx); id != nil && (id.Via == "token" || id.Stage == "full") {
		return id.Actor
	}
	return access.Actor{}
}
