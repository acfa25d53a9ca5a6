package integrations

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/page"
)

// CreateClient registers a client and returns its secret, once. Errors:
// Invalid for an unknown scope or a unit given or missing where the scopes
// need it.
func (s *Service) CreateClient(ctx context.Context, in NewClient) (ClientWithSecret, error) {
	scopes, err := checkScopes(in.Scopes, in.UnitID)
	if err != nil {
		return ClientWithSecret{}, err
	}
	secret, hash, err := newSecret()
	if err != nil {
		return ClientWithSecret{}, err
	}
	rate := in.RatePerMinute
	if rate == 0 {
		rate = defaultRate
	}
	now := s.clock.Now()
	row := clientRow{ID: uuid.NewString(), Name: in.Name, OwnerContact: in.OwnerContact, SecretHash: hash, Scopes: strings.Join(scopes, " "),
		UnitID: in.UnitID, RatePerMinute: rate, Status: "active", CreatedAt: now, UpdatedAt: now}
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateClient(ctx, row); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "integrations.client.create", TargetType: "client", TargetID: row.ID})
	})
	if err != nil {
		return ClientWithSecret{}, err
	}
	return ClientWithSecret{Client: row.client(), Secret: secret}, nil
}

// Clients lists clients, oldest first.
func (s *Service) Clients(ctx context.Context, p page.Request) (page.Page[Client], error) {
	return s.store.ListClients(ctx, p)
}

// RevokeClient revokes a client: its tokens stop working at once, no new
// ones are issued and nothing more goes to its subscriptions. Errors:
// NotFound.
func (s *Service) RevokeClient(ctx context.Context, id string) error {
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.store.RevokeClient(ctx, id, s.clock.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "integrations.client.revoke", TargetType: "client", TargetID: id})
	})
}

// RotateSecret gives an active client a new secret, shown once; the old one
// stops working at once. Errors: NotFound.
func (s *Service) RotateSecret(ctx context.Context, id string) (ClientWithSecret, error) {
	secret, hash, err := newSecret()
	if err != nil {
		return ClientWithSecret{}, err
	}
	var row clientRow
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		if row, err = s.store.SetSecret(ctx, id, hash, s.clock.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "integrations.client.rotate_secret", TargetType: "client", TargetID: id})
	})
	if err != nil {
		return ClientWithSecret{}, err
	}
	return ClientWithSecret{Client: row.client(), Secret: secret}, nil
}
