package steering

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
)

// A member's personal calendar feed: a secret address (/kalender/<token>) that calendar
// programs subscribe to without a login. It lists the meetings of every body in which the
// account is a member or a deputy, of the last twelve months and all coming ones. Only the
// SHA-256 hash of the token is stored; renewing the address makes the old one stop working.
//
// The address is shown once, on a page reached after the request (post/redirect/get): the
// request (RenewCalendarFeed) ends the old address at once and marks the new one as due to be
// shown for a few minutes; the page (RevealCalendarFeed) then issues the token it shows. A
// reload finds nothing due and shows no (further) address, and the token is never stored.

// calFeedHistory is how far back the feed lists meetings.
const calFeedHistory = 12

// calTokenLen is the length of a feed token (32 random bytes, base64url).
const calTokenLen = 43

// calRevealWindow is how long after the request the page may show the new address.
const calRevealWindow = 10 * time.Minute

// newCalToken returns a fresh random token.
func newCalToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func calHash(token string) string {
	h := sha256.Sum256([]byte("kim/calendar-feed/" + token))
	return hex.EncodeToString(h[:])
}

// CalendarFeed is what the calendar page shows of the actor's feed.
type CalendarFeed struct {
	Exists    bool
	CreatedAt time.Time
	Bodies    []string // the bodies whose meetings the feed lists
}

// memberBodies lists the names of the current bodies in which the user is a member or deputy.
func memberBodies(ctx context.Context, tx *db.Tx, tenantID, userID string) ([]string, error) {
	return loopRows(ctx, tx, func(row loopScanner, s *string) error { return row.Scan(s) },
		`SELECT b.name FROM bodies b WHERE b.tenant_id = $1 AND EXISTS (SELECT 1 FROM body_members m WHERE m.tenant_id = b.tenant_id
		AND m.body_id = b.id AND m.removed_at IS NULL AND (m.user_id = $2 OR m.deputy_user_id = $2)) ORDER BY b.name`, tenantID, userID)
}

// GetCalendarFeed returns the state of the actor's feed.
func (s *Service) GetCalendarFeed(ctx context.Context, actor access.Actor) (*CalendarFeed, error) {
	if err := access.Check(actor, KindMeeting, access.List); err != nil {
		return nil, err
	}
	f := &CalendarFeed{}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		err = tx.QueryRowContext(ctx, "SELECT created_at FROM calendar_feeds WHERE tenant_id = $1 AND user_id = $2", actor.TenantID, actor.UserID).
			Scan(&f.CreatedAt)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		f.Exists = err == nil
		f.Bodies, err = memberBodies(ctx, tx, actor.TenantID, actor.UserID)
		return err
	})
	return f, err
}

// RenewCalendarFeed creates a new secret address for the actor's feed and returns its token;
// an older address stops working. The new address may be shown once within calRevealWindow
// (RevealCalendarFeed, which issues it anew).
func (s *Service) RenewCalendarFeed(ctx context.Context, actor access.Actor) (string, error) {
	if err := access.Check(actor, KindMeeting, access.List); err != nil {
		return "", err
	}
	token, err := newCalToken()
	if err != nil {
		return "", err
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		renew, err := loopExists(ctx, tx, "SELECT 1 FROM calendar_feeds WHERE tenant_id = $1 AND user_id = $2", actor.TenantID, actor.UserID)
		if err != nil {
			return err
		}
		// One statement for the first address and a renewal: two requests at the same time
		// both succeed (the later one's address is the one that works).
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (tenant_id, user_id, token_hash, created_at, reveal_until) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (tenant_id, user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
			reveal_until = excluded.reveal_until`, actor.TenantID, actor.UserID, calHash(token), tx.Now, tx.Now.Add(calRevealWindow)); err != nil {
			return err
		}
		action := "meeting.feed_create"
		if renew {
			action = "meeting.feed_renew"
		}
		return s.loopAudit(ctx, tx, actor, action, "calendar_feed", actor.UserID, nil)
	})
	return token, err
}

// RevealCalendarFeed issues the token of the actor's address requested within calRevealWindow
// and not shown yet, and returns it (the address requested is replaced by this one); "" when
// no address is due to be shown.
func (s *Service) RevealCalendarFeed(ctx context.Context, actor access.Actor) (string, error) {
	if err := access.Check(actor, KindMeeting, access.List); err != nil {
		return "", err
	}
	token, err := newCalToken()
	if err != nil {
		return "", err
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE calendar_feeds SET token_hash = $3, reveal_until = NULL
			WHERE tenant_id = $1 AND user_id = $2 AND reveal_until >= $4`, actor.TenantID, actor.UserID, calHash(token), tx.Now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			token = ""
		}
		return nil
	})
	return token, err
}

// DeleteCalendarFeed switches the actor's feed off: its address stops working.
func (s *Service) DeleteCalendarFeed(ctx context.Context, actor access.Actor) error {
	if err := access.Check(actor, KindMeeting, access.List); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM calendar_feeds WHERE tenant_id = $1 AND user_id = $2", actor.TenantID, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.loopAudit(ctx, tx, actor, "meeting.feed_delete", "calendar_feed", actor.UserID, nil)
	})
}

// FeedMeetings returns, for a feed token, the meetings of the bodies in which the feed's
// account is a member or deputy, of the last twelve months and all coming ones, with their
// agendas. An unknown token, or one of a disabled account, of a disabled tenant or of an
// account whose role no longer reads meetings, is errs.ErrNotFound.
func (s *Service) FeedMeetings(ctx context.Context, token string) ([]Meeting, error) {
	if len(token) != calTokenLen {
		return nil, errs.ErrNotFound
	}
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
		return nil, errs.ErrNotFound
	}
	var out []Meeting
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var tenantID, userID, role string
		err := tx.QueryRowContext(ctx, `SELECT CAST(f.tenant_id AS TEXT), CAST(f.user_id AS TEXT), u.role FROM calendar_feeds f
			JOIN users u ON u.tenant_id = f.tenant_id AND u.id = f.user_id
			JOIN tenants t ON t.id = f.tenant_id
			WHERE f.token_hash = $1 AND u.disabled_at IS NULL AND t.disabled_at IS NULL`, calHash(token)).Scan(&tenantID, &userID, &role)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		}
		if err != nil {
			return err
		}
		if !access.Allowed(access.Actor{UserID: userID, TenantID: tenantID, Role: access.Role(role)}, KindMeeting, access.List) {
			return errs.ErrNotFound
		}
		from := tx.Now.UTC().AddDate(0, -calFeedHistory, 0)
		if out, err = loopRows(ctx, tx, scanMeeting, "SELECT "+meetingCols+meetingFrom+` WHERE mt.tenant_id = $1 AND mt.starts_at >= $3
			AND EXISTS (SELECT 1 FROM body_members m WHERE m.tenant_id = mt.tenant_id AND m.body_id = mt.body_id AND m.removed_at IS NULL
			AND (m.user_id = $2 OR m.deputy_user_id = $2)) ORDER BY mt.starts_at, mt.id LIMIT 2000`, tenantID, userID, from); err != nil {
			return err
		}
		return feedAgendas(ctx, tx, tenantID, out)
	})
	return out, err
}

// feedAgendas fills the agendas of the meetings (one query).
func feedAgendas(ctx context.Context, tx *db.Tx, tenantID string, ms []Meeting) error {
	if len(ms) == 0 {
		return nil
	}
	type item struct {
		meeting string
		MeetingAgendaItem
	}
	args := []any{tenantID}
	for _, m := range ms {
		args = append(args, m.ID)
	}
	items, err := loopRows(ctx, tx, func(row loopScanner, a *item) error { return row.Scan(&a.meeting, &a.Position, &a.Title) },
		`SELECT CAST(meeting_id AS TEXT), position, title FROM meeting_agenda WHERE tenant_id = $1
		AND meeting_id IN (`+db.Placeholders(2, len(ms))+`) ORDER BY meeting_id, position`, args...)
	if err != nil {
		return err
	}
	at := map[string]int{}
	for i := range ms {
		at[ms[i].ID] = i
	}
	for _, a := range items {
		if i, ok := at[a.meeting]; ok {
			ms[i].Agenda = append(ms[i].Agenda, a.MeetingAgendaItem)
		}
	}
	return nil
}
