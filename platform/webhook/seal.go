package webhook

import (
	"context"
	"fmt"
	"strings"

	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/pii"
)

// Signing secrets are kept sealed with the PII keys (AES-256-GCM, the
// key's ID in front): the dispatcher must sign with them, so they cannot
// be hashed like client secrets, and a database dump must not let anyone
// forge deliveries.

// sealingField is the column sealed secrets belong to; it is authenticated
// with each, so a sealed value copied into another column does not open.
const sealingField = "webhook_subscriptions.secret"

// SealSecret returns a signing secret as subscriptions store it.
func SealSecret(keys *pii.Keys, secret string) string { return keys.Seal(sealingField, secret) }

// openSecret returns the signing secret a subscription stores sealed.
func openSecret(keys *pii.Keys, sub SubscriptionRow) (string, error) {
	secret, err := keys.Open(sealingField, sub.SecretSealed)
	if err != nil {
		return "", fmt.Errorf("open the secret of subscription %s: %w", sub.ID, err)
	}
	return secret, nil
}

// sealBatch is how many rows one pass of SealSecrets rewrites.
const sealBatch = 500

// SealSecrets seals the signing secrets still stored in the clear (rows
// written before sealing) and reseals those sealed with a key other than
// the current one, so that an old key can be retired once it seals
// nothing. The server runs it after migrating, before it serves. Several
// instances may run it at once: a row is rewritten only if it is still
// what was read. It returns how many rows it rewrote.
func SealSecrets(ctx context.Context, d *db.DB, keys *pii.Keys) (int, error) {
	total := 0
	for {
		n, err := sealSecrets(ctx, d, keys)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// sealSecrets rewrites one batch of stale secrets, of deleted
// subscriptions too.
func sealSecrets(ctx context.Context, d *db.DB, keys *pii.Keys) (int, error) {
	conn := d.Conn(ctx)
	current := keys.Current() + "."
	var rows []SubscriptionRow
	err := conn.Where("substr(secret_sealed, 1, ?) <> ?", len(current), current).Order("id").Limit(sealBatch).Find(&rows).Error
	if err != nil {
		return 0, db.Translate(err, "")
	}
	n := 0
	for _, r := range rows {
		secret := r.SecretSealed // before sealing, the column held the secret itself
		if !strings.HasPrefix(secret, secretPrefix) {
			if secret, err = openSecret(keys, r); err != nil {
				return n, err
			}
		}
		res := conn.Model(&SubscriptionRow{}).Where("id = ? AND secret_sealed = ?", r.ID, r.SecretSealed).
			Update("secret_sealed", SealSecret(keys, secret))
		if res.Error != nil {
			return n, db.Translate(res.Error, "")
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}
