package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"kim/internal/app"
	"kim/internal/platform/vault"
)

// cmdKeys dispatches `kim keys SUB`.
func cmdKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageErr("keys: missing sub-command (see kim help)")
	}
	switch args[0] {
	case "rotate":
		return cmdKeysRotate(ctx, args[1:], getenv, stdout, stderr)
	}
	return usageErr("unknown command %q (see kim help)", "keys "+args[0])
}

// cmdKeysRotate gives each tenant (or the one named) a new data key and re-encrypts its values
// under it. A tenant that fails does not stop the others; the command then exits 1 naming them.
func cmdKeysRotate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var slug string
	return withApp(ctx, "keys rotate", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "tenant", "", "tenant slug (default: all tenants)")
	}, func(a *app.App) error {
		tenants, err := selectTenants(ctx, a, slug)
		if err != nil {
			return err
		}
		v := vault.New(a.DB, a.Keys)
		v.Audit = a.Audit
		var failed []error
		for _, t := range tenants {
			n, err := v.Rotate(ctx, t.ID)
			fmt.Fprintf(stdout, "%s: %d values re-encrypted\n", t.Slug, n)
			if err != nil {
				failed = append(failed, fmt.Errorf("%s: %w", t.Slug, err))
			}
		}
		if len(failed) > 0 {
			return fmt.Errorf("keys rotate failed for %d of %d tenants: %w", len(failed), len(tenants), errors.Join(failed...))
		}
		return nil
	})
}
