package identity

import (
	"context"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/cache"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/pii"
)

// recentAccountTTL is how long an account read for authentication is
// reused: a role change or deactivation made through another instance
// applies within it, and through this one at once.
const recentAccountTTL = time.Second

// People answers what other modules ask of identity: who an account is,
// who a citizen's dependants and children are, and where a citizen gets
// messages. It
// needs no other module, so it is built before the modules that ask it and
// before the identity service, which shares it and its memory of accounts
// read for authentication.
type People struct {
	store *Store
	// recent holds accounts as read for authentication, for a second.
	recent *cache.TTL[string, Account]
	// sessions holds the sessions found live for authentication, for a
	// second, by family ID.
	sessions *cache.TTL[string, string]
}

// NewPeople returns People on d, opening identity numbers with keys.
func NewPeople(d *db.DB, keys *pii.Keys) *People {
	return &People{store: NewStore(d, keys), recent: cache.NewTTL[string, Account](100_000), sessions: cache.NewTTL[string, string](100_000)}
}

// Account returns an account with its roles. Errors: NotFound.
func (p *People) Account(ctx context.Context, id string) (Account, error) {
	row, err := p.store.Account(ctx, id)
	if err != nil {
		return Account{}, err
	}
	acc := row.account()
	if acc.Kind == KindStaff {
		roles, err := p.store.Roles(ctx, []string{id})
		if err != nil {
			return Account{}, err
		}
		if roles[id] != nil {
			acc.Roles = roles[id]
		}
	}
	return acc, nil
}

// RecentAccount is Account as read at most recentAccountTTL ago: every
// authenticated request reads its caller's account, and a client sends
// several at once. The wall clock times it, not the domain clock, because
// it bounds staleness rather than meaning anything to the business.
func (p *People) RecentAccount(ctx context.Context, id string) (Account, error) {
	now := time.Now()
	if acc, ok := p.recent.Get(id, now); ok {
		return acc, nil
	}
	acc, err := p.Account(ctx, id)
	if err == nil {
		p.recent.Put(id, acc, now.Add(recentAccountTTL), now)
	}
	return acc, err
}

// forget drops an account this instance changed from the memory of recent
// accounts, so that the change applies at once.
func (p *People) forget(id string) { p.recent.Delete(id) }

// liveSession reports whether accountID's session familyID is still open,
// as read at most recentAccountTTL ago, as RecentAccount does for accounts.
func (p *People) liveSession(ctx context.Context, accountID, familyID string, now time.Time) (bool, error) {
	wall := time.Now()
	if owner, ok := p.sessions.Get(familyID, wall); ok {
		return owner == accountID, nil
	}
	live, err := p.store.LiveSession(ctx, accountID, familyID, now)
	if live {
		p.sessions.Put(familyID, accountID, wall.Add(recentAccountTTL), wall)
	}
	return live, err
}

// endSessions drops sessions this instance closed from the memory of live
// ones, so that their access tokens stop working at once.
func (p *People) endSessions(familyIDs ...string) {
	for _, id := range familyIDs {
		p.sessions.Delete(id)
	}
}

// Contacts returns the accounts with the given IDs, without roles, for
// sending them messages. Unknown IDs are left out.
func (p *People) Contacts(ctx context.Context, ids []string) ([]Account, error) {
	rows, err := p.store.Accounts(ctx, ids)
	out := make([]Account, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, err
}

// Child returns ownerID's dependant who is their child (RelationChild).
// Errors: NotFound for anyone else's dependant and for a dependant who is
// not a child.
func (p *People) Child(ctx context.Context, ownerID, id string) (Dependant, error) {
	d, err := p.Dependant(ctx, ownerID, id)
	if err != nil {
		return Dependant{}, err
	}
	if d.Relation != RelationChild {
		return Dependant{}, domain.Errorf(domain.NotFound, "child not found")
	}
	return d, nil
}

// Dependant returns ownerID's dependant. Errors: NotFound, also for
// anyone else's dependant.
func (p *People) Dependant(ctx context.Context, ownerID, id string) (Dependant, error) {
	row, err := p.store.Dependant(ctx, ownerID, id)
	if err != nil {
		return Dependant{}, err
	}
	return row.dependant(), nil
}
