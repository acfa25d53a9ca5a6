package identity

import (
	"context"
	"net/netip"
	"time"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// Limits bound what one client address, one phone and the whole platform
// may ask of password hashing, registration and SMS codes. Zero fields
// take DefaultLimits' values.
type Limits struct {
	// HashesPerAddress is how many password hashes one client address may
	// have running or waiting in one instance; zero means half its CPUs, at
	// least one. It applies when the service builds its own Hasher.
	HashesPerAddress int
	// HashWait is how long a password check waits for its turn before the
	// answer is Unavailable; zero means two seconds. It applies when the
	// service builds its own Hasher.
	HashWait time.Duration
	// RegistrationsPerAddress is how many registrations one client address
	// may try in an hour.
	RegistrationsPerAddress int
	// CodesPerAddressHour and CodesPerAddressDay are how many SMS codes
	// requests from one client address may have sent in an hour and in a
	// day, registrations and resends together.
	CodesPerAddressHour, CodesPerAddressDay int
	// SMSDailyBudget is how many SMS codes the platform sends in a day.
	SMSDailyBudget int
}

// DefaultLimits are enough for a household or an office behind one
// address, and keep a flood from one address cheap: its registrations
// stop at ten an hour before anything is hashed or sent.
var DefaultLimits = Limits{RegistrationsPerAddress: 10, CodesPerAddressHour: 10, CodesPerAddressDay: 30, SMSDailyBudget: 50000}

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	fill := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&l.RegistrationsPerAddress, DefaultLimits.RegistrationsPerAddress)
	fill(&l.CodesPerAddressHour, DefaultLimits.CodesPerAddressHour)
	fill(&l.CodesPerAddressDay, DefaultLimits.CodesPerAddressDay)
	fill(&l.SMSDailyBudget, DefaultLimits.SMSDailyBudget)
	return l
}

// otpPerDay is how many codes one phone is sent in a day.
const otpPerDay = 10

const day = 24 * time.Hour

// clientNetwork is what limits per client address count under: the IPv4
// address, or the /64 of an IPv6 address, since one subscriber is usually
// given a whole /64. Anything else, such as the label a tool passes, counts
// as itself.
func clientNetwork(clientIP string) string {
	addr, err := netip.ParseAddr(clientIP)
	if err != nil {
		return clientIP
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	prefix, _ := addr.Prefix(64)
	return prefix.String()
}

// window is one limit: at most max hits under key in each period (an hour
// or a UTC day), refused past it as kind with message.
type window struct {
	key     string
	period  time.Duration
	max     int
	kind    domain.Kind
	message string
}

// take counts a hit in w's current period and returns the count, or
// refuses it with the wait until the period ends.
func (s *Service) take(ctx context.Context, w window) (int, error) {
	now := s.clock.Now().UTC()
	start := now.Truncate(w.period)
	hits, err := s.store.TakeWindow(ctx, w.key, start, w.max)
	if err != nil {
		return 0, err
	}
	if hits == 0 {
		return 0, domain.RetryLater(w.kind, start.Add(w.period).Sub(now), w.message)
	}
	return hits, nil
}

// addressKey is the stored form of a client address: the keyed hash of its
// network, never the address itself.
func (s *Service) addressKey(clientIP string) string {
	return s.store.pii.Hash("address:" + clientNetwork(clientIP))
}

// countRegistration counts a registration tried from clientIP. Errors:
// RateLimited when the address has tried its number this hour.
func (s *Service) countRegistration(ctx context.Context, clientIP string) error {
	_, err := s.take(ctx, window{key: "register.address.hour:" + s.addressKey(clientIP), period: time.Hour,
		max: s.limits.RegistrationsPerAddress, kind: domain.RateLimited, message: "too many registrations from your address; try again later"})
	return err
}

// allowSMS counts one SMS code to phone, asked for from clientIP, against
// the limits of the phone, of the address and of the platform. It joins
// the caller's transaction, which a refusal must end, so that a refused
// code counts nowhere; send the code once that transaction commits.
// Errors: RateLimited (with the wait) when the phone or the address has
// had its codes; Unavailable (with the wait) when the platform's budget
// for the day is spent.
func (s *Service) allowSMS(ctx context.Context, clientIP, phone string) error {
	phoneKey, addressKey := s.store.pii.Hash("phone:"+phone), s.addressKey(clientIP)
	toPhone, fromAddress := "too many codes were sent to this phone; try again later", "too many codes were asked for from your address; try again later"
	// Always in this order, so that concurrent transactions lock the rows
	// alike; the platform's row last, held only until the commit.
	windows := []window{
		{"sms.phone.hour:" + phoneKey, time.Hour, otpPerHour, domain.RateLimited, toPhone},
		{"sms.phone.day:" + phoneKey, day, otpPerDay, domain.RateLimited, toPhone},
		{"sms.address.hour:" + addressKey, time.Hour, s.limits.CodesPerAddressHour, domain.RateLimited, fromAddress},
		{"sms.address.day:" + addressKey, day, s.limits.CodesPerAddressDay, domain.RateLimited, fromAddress},
		{"sms.platform.day", day, s.limits.SMSDailyBudget, domain.Unavailable, "no more codes can be sent today; try again tomorrow"},
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		for _, w := range windows {
			hits, err := s.take(ctx, w)
			if err != nil {
				return err
			}
			if w.kind == domain.Unavailable && hits == w.max {
				s.log.WarnContext(ctx, "the SMS budget for the day is spent; codes are refused until the next UTC day", "budget", w.max)
			}
		}
		return nil
	})
}

// issueCode stores a fresh code for purpose for accountID's phone, counted
// by allowSMS, and returns it for textCode to send. Call it outside a
// transaction: send the code once it is committed. Errors: those of
// allowSMS.
func (s *Service) issueCode(ctx context.Context, clientIP, phone, accountID, purpose string) (string, error) {
	var code string
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.allowSMS(ctx, clientIP, phone); err != nil {
			return err
		}
		var err error
		code, err = s.newOTP(ctx, accountID, phone, purpose)
		return err
	})
	return code, err
}

// TakeWindow counts one hit under key in the window that starts at start,
// unless it holds max already, and returns the new count, or 0 when the
// window is full. One statement counts and checks, so concurrent callers on
// any instance cannot pass max.
func (s *Store) TakeWindow(ctx context.Context, key string, start time.Time, max int) (int, error) {
	var hits int
	err := s.db.Conn(ctx).Raw(`INSERT INTO throttle_windows (key, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET hits = throttle_windows.hits + 1
		WHERE throttle_windows.hits < ? RETURNING hits`, key, start, max).Scan(&hits).Error
	return hits, db.Translate(err, "")
}

// PurgeWindows deletes the counts of windows that started before t.
func (s *Store) PurgeWindows(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.Conn(ctx).Exec("DELETE FROM throttle_windows WHERE window_start < ?", before)
	return res.RowsAffected, db.Translate(res.Error, "")
}
