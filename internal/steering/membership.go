package steering

import (
	"strconv"

	"kim/internal/platform/access"
)

// A body member (role body_member) sees the themes, drafts and decisions of the own bodies
// only (BRIEF: "sees the themes, drafts and decisions of the own bodies"): the bodies in which
// the account is a member or a deputy and has not been removed. The coordination, team leads
// and case managers are not limited by membership (their reach is in policy.go).

// membersOnly reports whether the actor's view of bodies is limited to the own bodies.
func membersOnly(actor access.Actor) bool { return actor.Role == access.BodyMember }

// ownBodies returns an SQL condition that keeps the rows whose body id (the column expression
// bodyCol, a UUID column) is one of the actor's own bodies, with its arguments numbered from
// $next; for roles without the limit it is "1=1" without arguments.
func ownBodies(actor access.Actor, bodyCol string, next int) (string, []any) {
	if !membersOnly(actor) {
		return "1=1", nil
	}
	t, u := "$"+strconv.Itoa(next), "$"+strconv.Itoa(next+1)
	return bodyCol + " IN (SELECT bm.body_id FROM body_members bm WHERE bm.tenant_id = " + t +
			" AND bm.removed_at IS NULL AND (bm.user_id = " + u + " OR bm.deputy_user_id = " + u + "))",
		[]any{actor.TenantID, actor.UserID}
}

// ownThemes returns an SQL condition that keeps the rows whose theme id (themeCol) belongs to a
// theme of the actor's own bodies: assigned to one of them, or with a recommendation drafted by
// one of them; "1=1" for roles without the limit. A member of an active steering group also sees
// every theme with a recommendation submitted to it (status beyond draft): the steering group
// decides the recommendations of all working groups.
func ownThemes(actor access.Actor, themeCol string, next int) (string, []any) {
	if !membersOnly(actor) {
		return "1=1", nil
	}
	inTB, a1 := ownBodies(actor, "tb.body_id", next)
	inRec, a2 := ownBodies(actor, "rc.body_id", next+len(a1))
	t, u := "$"+strconv.Itoa(next), "$"+strconv.Itoa(next+1)
	steering := "EXISTS (SELECT 1 FROM body_members sm JOIN bodies sb ON sb.tenant_id = sm.tenant_id AND sb.id = sm.body_id" +
		" WHERE sm.tenant_id = " + t + " AND sm.removed_at IS NULL AND sb.type = 'steering_group' AND sb.active" +
		" AND (sm.user_id = " + u + " OR sm.deputy_user_id = " + u + "))"
	return "((" + steering + " AND " + themeCol + " IN (SELECT rs.theme_id FROM recommendations rs WHERE rs.status <> 'draft')) OR " + themeCol + " IN (SELECT tb.theme_id FROM theme_bodies tb WHERE " + inTB + ") OR " +
		themeCol + " IN (SELECT rc.theme_id FROM recommendations rc WHERE " + inRec + "))", append(a1, a2...)
}
