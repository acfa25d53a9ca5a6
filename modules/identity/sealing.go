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
	for _, pass := range []func(context.Context) (int, error){s.sealAccounts, s.sealDependants, s.hashDependantNumbers} {
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
		hash := s.cnicHash(cnic)
		res := q.Updates(map[string]any{"cnic_hash": hash, "cnic_sealed": s.sealed(fieldCNIC, cnic)})
		if res.Error != nil {
			return n, db.Translate(res.Error, "")
		}
		n += int(res.RowsAffected)
		// The account holder is the person their CNIC names from now on,
		// unless a record named it first.
		if _, err := s.Person(ctx, *hash, r.PersonID); err != nil {
			return n, err
		}
	}
	return n, nil
}

// hashDependantNumbers gives dependants added before people were kept the
// hash of their B-form or CNIC, and records the person it names, so that
// records added from now on join them. The rare dependant whose number its
// account already holds on another record stays without one; it is passed
// over (by ID), not retried within the run.
func (s *Store) hashDependantNumbers(ctx context.Context) (int, error) {
	conn := s.db.Conn(ctx)
	n, after := 0, "00000000-0000-0000-0000-000000000000"
	for {
		var rows []dependantRow
		err := conn.Where("b_form_sealed IS NOT NULL AND number_hash IS NULL AND id > ?", after).Order("id").Limit(sealBatch).Find(&rows).Error
		if err != nil || len(rows) == 0 {
			return n, db.Translate(err, "")
		}
		for _, r := range rows {
			after = r.ID
			if err := s.openDependants(&r); err != nil {
				return n, err
			}
			hash := s.cnicHash(r.BFormOrCNIC)
			res := conn.Model(&dependantRow{}).Where("id = ? AND number_hash IS NULL", r.ID).Update("number_hash", hash)
			if db.IsUniqueViolation(res.Error) {
				continue
			} else if res.Error != nil {
				return n, db.Translate(res.Error, "")
			}
			if _, err := s.Person(ctx, *hash, r.PersonID); err != nil {
				return n, err
			}
			n += int(res.RowsAffected)
		}
	}
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
