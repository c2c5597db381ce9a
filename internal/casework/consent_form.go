package casework

import (
	"context"
	"strings"

	"kim/internal/consentform"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/valid"
)

// ConsentPDF renders the printable form of a consent: German with a translation in the
// consent's form language. The download is audited.
func (s *Service) ConsentPDF(ctx context.Context, actor access.Actor, id string) ([]byte, error) {
	if err := access.Guard(actor, KindConsent, access.View, id, 0); err != nil {
		return nil, err
	}
	var f consentform.Form
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		k, err := s.getConsent(ctx, tx, actor.TenantID, id)
		if err != nil {
			return err
		}
		if err := access.Can(actor, access.View, access.Resource{Kind: KindConsent, TenantID: k.TenantID, OrganisationID: k.OrganisationID}); err != nil {
			return err
		}
		c, err := getClient(ctx, tx, k.TenantID, k.ClientID)
		if err != nil {
			return err
		}
		f = consentform.Form{Lang: k.Language, FormVersion: k.FormVersion, ClientName: strings.TrimSpace(c.GivenNames + " " + c.FamilyName),
			ClientNameOriginal: c.NameOriginal, BirthDate: germanDate(c.BirthDate), Purpose: k.Purpose, Categories: k.Categories,
			Special: k.Special, Direction: k.Direction, ValidUntil: germanDate(k.ValidUntil), UntilCaseClosure: k.UntilClosure,
			Interpreter: k.Interpreter, GivenOn: germanDate(k.GivenOn)}
		if err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE tenant_id = $1 AND id = $2", k.TenantID, k.OrganisationID).Scan(&f.Organisation); err != nil {
			return err
		}
		var street, postcode, city string
		err = tx.QueryRowContext(ctx, "SELECT street, postcode, city FROM locations WHERE tenant_id = $1 AND organisation_id = $2 ORDER BY created_at, id LIMIT 1",
			k.TenantID, k.OrganisationID).Scan(&street, &postcode, &city)
		if err == nil {
			for _, l := range []string{street, strings.TrimSpace(postcode + " " + city)} {
				if l != "" {
					f.OrgAddress = append(f.OrgAddress, l)
				}
			}
		}
		for _, r := range k.Recipients {
			if r.OrganisationID == "" {
				f.Recipients = append(f.Recipients, r.Person)
				continue
			}
			var name string
			if err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE tenant_id = $1 AND id = $2", k.TenantID, r.OrganisationID).Scan(&name); err != nil {
				return err
			}
			f.Recipients = append(f.Recipients, name)
		}
		return s.log(ctx, tx, actor, "consent.print", "consent", k.ID, map[string]string{"client": k.ClientID, "language": k.Language})
	})
	if err != nil {
		return nil, err
	}
	return consentform.Render(f)
}

// germanDate writes an ISO date as DD.MM.YYYY (a year alone stays).
func germanDate(s string) string {
	if t, ok := valid.ParseDate(s); ok && len(s) == 10 {
		return t.Format("02.01.2006")
	}
	return s
}
