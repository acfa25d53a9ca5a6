package identity

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/pii"
)

// sealBatch is how many rows one pass of SealIdentityNumbers rewrites.
const sealBatch = 500

// SealIdentityNumbers seals the CNICs and B-forms still stored in the
// clear (rows written before sealing) and reseals those sealed with a key
// other than the current one, so that an old key can be retired once it
// seals nothing. The server runs it after migrating, before it serves.
// Several instances may run it at once: a row is rewritten only if it is
// still what was read. It returns how many rows it rewrote.
func SealIdentityNumbers(ctx context.Context, d *db.DB, keys *pii.Keys) (int, error) {
	s := NewStore(d, keys)
	total := 0
	for _, pass := range []func(context.Context) (int, error){s.sealAccounts, s.sealDependants} {
		for {
			n, err := pass(ctx)
			total += n
			if err != nil {
				return total, err
			}
			if n == 0 {
				break
			}
		}
	}
	return total, nil
}

// stale selects rows of column that are in the clear or sealed with an
// older key.
func (s *Store) stale(q *gorm.DB, column string) *gorm.DB {
	current := s.pii.Current() + "."
	return q.Where(column+" IS NOT NULL AND substr("+column+", 1, ?) <> ?", len(current), current)
}

func (s *Store) sealAccounts(ctx context.Context) (int, error) {
	conn := s.db.Conn(ctx)
	var rows []accountRow
	q := conn.Model(&accountRow{}).Where("cnic_sealed IS NULL AND cnic_hash IS NOT NULL").
		Or(s.stale(conn, "cnic_sealed")).Order("id").Limit(sealBatch)
	if err := q.Find(&rows).Error; err != nil {
		return 0, db.Translate(err, "")
	}
	n := 0
	for _, r := range rows {
		cnic := deref(r.CNICHash) // before sealing, the column held the CNIC itself
		if r.CNICSealed != nil {
			if err := s.openAccounts(&r); err != nil {
				return n, err
			}
			cnic = r.CNIC
		}
		if _, err := NormalizeCNIC("cnic", cnic); err != nil {
			return n, fmt.Errorf("account %s holds neither a sealed nor a plain CNIC", r.ID)
		}
		q := conn.Model(&accountRow{}).Where("id = ?", r.ID)
		if r.CNICSealed == nil {
			q = q.Where("cnic_sealed IS NULL AND cnic_hash = ?", cnic)
		} else {
			q = q.Where("cnic_sealed = ?", *r.CNICSealed)
		}
		res := q.Updates(map[string]any{"cnic_hash": s.cnicHash(cnic), "cnic_sealed": s.sealed(fieldCNIC, cnic)})
		if res.Error != nil {
			return n, db.Translate(res.Error, "")
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

func (s *Store) sealDependants(ctx context.Context) (int, error) {
	conn := s.db.Conn(ctx)
	var rows []dependantRow
	if err := s.stale(conn.Model(&dependantRow{}), "b_form_sealed").Order("id").Limit(sealBatch).Find(&rows).Error; err != nil {
		return 0, db.Translate(err, "")
	}
	n := 0
	for _, r := range rows {
		old := *r.BFormSealed
		plain := old // a plain number has no key ID in front
		if _, err := NormalizeCNIC("b_form_or_cnic", old); err != nil {
			if err := s.openDependants(&r); err != nil {
				return n, err
			}
			plain = r.BFormOrCNIC
		}
		res := conn.Model(&dependantRow{}).Where("id = ? AND b_form_sealed = ?", r.ID, old).
			Update("b_form_sealed", s.sealed(fieldBForm, plain))
		if res.Error != nil {
			return n, db.Translate(res.Error, "")
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// SealCNIC seals a CNIC as accounts store it, for bulk loaders that write
// accounts without the service.
func SealCNIC(keys *pii.Keys, cnic string) string { return keys.Seal(fieldCNIC, cnic) }
