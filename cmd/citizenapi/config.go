package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/pii"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// config is everything the service reads from its environment. The README's
// configuration table lists the same variables.
type config struct {
	Env      string `env:"APP_ENV" envDefault:"development"`
	HTTPAddr string `env:"HTTP_ADDR" envDefault:":8080"`
	// OpsAddr serves /metrics and /debug/pprof when set; keep it on a
	// private interface.
	OpsAddr     string `env:"OPS_ADDR"`
	DatabaseURL string `env:"DATABASE_URL" envDefault:"sqlite:./data/citizen.db"`
	// DatabaseReplicaURLs are PostgreSQL streaming replicas that serve the
	// public catalogue lists (replicaTables).
	DatabaseReplicaURLs []string `env:"DATABASE_REPLICA_URLS" envSeparator:","`
	// DataDir holds what development creates for itself (keys, the SQLite file).
	DataDir  string `env:"DATA_DIR" envDefault:"./data"`
	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`

	DBMaxOpenConns     int           `env:"DB_MAX_OPEN_CONNS" envDefault:"20"`
	DBMaxIdleConns     int           `env:"DB_MAX_IDLE_CONNS" envDefault:"20"`
	DBConnMaxLifetime  time.Duration `env:"DB_CONN_MAX_LIFETIME" envDefault:"30m"`
	DBConnMaxIdleTime  time.Duration `env:"DB_CONN_MAX_IDLE_TIME" envDefault:"5m"`
	DBStatementTimeout time.Duration `env:"DB_STATEMENT_TIMEOUT" envDefault:"5s"`

	BodyLimit         int64         `env:"HTTP_BODY_LIMIT" envDefault:"1048576"`
	RequestTimeout    time.Duration `env:"HTTP_REQUEST_TIMEOUT" envDefault:"10s"`
	ReadHeaderTimeout time.Duration `env:"HTTP_READ_HEADER_TIMEOUT" envDefault:"5s"`
	ReadTimeout       time.Duration `env:"HTTP_READ_TIMEOUT" envDefault:"15s"`
	WriteTimeout      time.Duration `env:"HTTP_WRITE_TIMEOUT" envDefault:"30s"`
	IdleTimeout       time.Duration `env:"HTTP_IDLE_TIMEOUT" envDefault:"120s"`
	ShutdownTimeout   time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"20s"`
	// ShutdownDrain is how long readiness fails before the listener closes,
	// so that load balancers stop routing here first.
	ShutdownDrain *time.Duration `env:"SHUTDOWN_DRAIN"`

	// HealthCancelCutoff is how long before an appointment a citizen may
	// still cancel or move it.
	HealthCancelCutoff time.Duration `env:"HEALTH_CANCEL_CUTOFF" envDefault:"2h"`
	// HealthMaxAccountBookings is how many appointments one account may
	// hold with a doctor on a day, for its holder and dependants together.
	HealthMaxAccountBookings int `env:"HEALTH_MAX_ACCOUNT_BOOKINGS" envDefault:"4"`
	// MaxDependants is how many family members one account may hold.
	MaxDependants int `env:"MAX_DEPENDANTS" envDefault:"20"`

	// How long a waitlist offer holds its place before it passes to the
	// next in line (a health offer never outlives its slot's start).
	HealthOfferHold    time.Duration `env:"HEALTH_OFFER_HOLD" envDefault:"30m"`
	EducationOfferHold time.Duration `env:"EDUCATION_OFFER_HOLD" envDefault:"72h"`
	ParkingOfferHold   time.Duration `env:"PARKING_OFFER_HOLD" envDefault:"24h"`

	// RegistrationsPerAddress is how many registrations one client address
	// may try in an hour; SMSPerAddressHour and SMSPerAddressDay how many
	// SMS codes its requests may have sent in an hour and a day.
	RegistrationsPerAddress int `env:"REGISTRATIONS_PER_ADDRESS_HOUR" envDefault:"10"`
	SMSPerAddressHour       int `env:"SMS_PER_ADDRESS_HOUR" envDefault:"10"`
	SMSPerAddressDay        int `env:"SMS_PER_ADDRESS_DAY" envDefault:"30"`
	// SMSDailyBudget is how many SMS codes the platform sends in a UTC day.
	SMSDailyBudget int `env:"SMS_DAILY_BUDGET" envDefault:"50000"`

	CORSOrigins    []string `env:"CORS_ORIGINS" envSeparator:","`
	TrustedProxies []string `env:"TRUSTED_PROXIES" envSeparator:","`

	// TokenSigningKeys are the Ed25519 keys that sign access and permit
	// tokens, "kid:base64seed" separated by commas, newest last.
	// Development generates one under DataDir.
	TokenSigningKeys string `env:"TOKEN_SIGNING_KEYS"`
	TokenIssuer      string `env:"TOKEN_ISSUER" envDefault:"citizenapi"`

	// PIISealingKeys encrypt CNICs, B-forms and webhook signing secrets at
	// rest, "kid:base64key"
	// (32 bytes) separated by commas, newest last; PIILookupKey (base64, 32
	// bytes) keys the hash that finds an account by CNIC and never rotates.
	// Development generates both under DataDir.
	PIISealingKeys string `env:"PII_SEALING_KEYS"`
	PIILookupKey   string `env:"PII_LOOKUP_KEY"`

	// SMSGatewayURL and SMSGatewayToken configure the production SMS
	// gateway. Without them development records messages for /dev/messages.
	SMSGatewayURL   string `env:"SMS_GATEWAY_URL"`
	SMSGatewayToken string `env:"SMS_GATEWAY_TOKEN"`

	// WebhookAllowPrivate lets webhooks go to private addresses over http,
	// for a receiver on a developer's machine. Refused in production.
	WebhookAllowPrivate bool `env:"WEBHOOK_ALLOW_PRIVATE" envDefault:"false"`
}

// productionSecrets are the variables production refuses to start without.
var productionSecrets = []string{"TOKEN_SIGNING_KEYS", "PII_SEALING_KEYS", "PII_LOOKUP_KEY", "SMS_GATEWAY_URL", "SMS_GATEWAY_TOKEN"}

func loadConfig() (config, error) {
	var cfg config
	if err := env.Parse(&cfg); err != nil {
		return cfg, err
	}
	return cfg, cfg.validate()
}

func (c config) production() bool { return c.Env == "production" }

func (c config) validate() error {
	if c.Env != "development" && c.Env != "production" {
		return fmt.Errorf("APP_ENV must be development or production, not %q", c.Env)
	}
	if c.MaxDependants < 1 || c.HealthMaxAccountBookings < 1 {
		return errors.New("MAX_DEPENDANTS and HEALTH_MAX_ACCOUNT_BOOKINGS must be at least 1")
	}
	if c.RegistrationsPerAddress < 1 || c.SMSPerAddressHour < 1 || c.SMSPerAddressDay < 1 || c.SMSDailyBudget < 1 {
		return errors.New("REGISTRATIONS_PER_ADDRESS_HOUR, SMS_PER_ADDRESS_HOUR, SMS_PER_ADDRESS_DAY and SMS_DAILY_BUDGET must be at least 1")
	}
	// An offer held for less than the engine's shortest hold is never made.
	if c.HealthOfferHold < 10*time.Minute || c.EducationOfferHold < 10*time.Minute || c.ParkingOfferHold < 10*time.Minute {
		return errors.New("HEALTH_OFFER_HOLD, EDUCATION_OFFER_HOLD and PARKING_OFFER_HOLD must be at least 10m")
	}
	if !c.production() {
		return nil
	}
	if c.WebhookAllowPrivate {
		return errors.New("WEBHOOK_ALLOW_PRIVATE is for development only")
	}
	var missing []string
	for _, name := range productionSecrets {
		if strings.TrimSpace(os.Getenv(name)) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("APP_ENV=production needs its secrets configured; missing: %s (see README, Configuration)", strings.Join(missing, ", "))
	}
	if db.DialectOf(os.Getenv("DATABASE_URL")) != db.Postgres {
		return errors.New("APP_ENV=production runs on PostgreSQL: set DATABASE_URL to postgres://…")
	}
	return nil
}

// replicaTables are the public catalogue tables behind the facility,
// practitioner, slot, school and zone lists, whose reads may go to
// DATABASE_REPLICA_URLS and lag the primary by the replication delay.
// Bookings, applications, permits, accounts, idempotency keys and rate-limit
// counters are not listed: they are read where they are written.
var replicaTables = []string{
	"health_facilities", "health_facility_specialties", "health_practitioners", "health_slots",
	"education_schools", "education_seats",
	"parking_zones", "parking_tariffs",
}

func (c config) db() db.Config {
	return db.Config{
		URL: c.DatabaseURL, MaxOpenConns: c.DBMaxOpenConns, MaxIdleConns: c.DBMaxIdleConns,
		ConnMaxLifetime: c.DBConnMaxLifetime, ConnMaxIdleTime: c.DBConnMaxIdleTime, StatementTimeout: c.DBStatementTimeout,
		ReplicaURLs: c.DatabaseReplicaURLs, ReplicaTables: replicaTables,
	}
}

func (c config) api() api.Config {
	return api.Config{
		Env: c.Env, Addr: c.HTTPAddr, BodyLimit: c.BodyLimit, RequestTimeout: c.RequestTimeout,
		ReadHeaderTimeout: c.ReadHeaderTimeout, ReadTimeout: c.ReadTimeout, WriteTimeout: c.WriteTimeout, IdleTimeout: c.IdleTimeout,
		CORSOrigins: c.CORSOrigins, TrustedProxies: c.TrustedProxies, Issuer: c.TokenIssuer, CancelCutoff: c.HealthCancelCutoff,
		MaxDependants: c.MaxDependants, MaxAccountBookings: c.HealthMaxAccountBookings, WebhookAllowPrivate: c.WebhookAllowPrivate,
		OfferHolds: map[string]time.Duration{"health": c.HealthOfferHold, "education": c.EducationOfferHold, "parking": c.ParkingOfferHold},
		Limits: identity.Limits{RegistrationsPerAddress: c.RegistrationsPerAddress, CodesPerAddressHour: c.SMSPerAddressHour,
			CodesPerAddressDay: c.SMSPerAddressDay, SMSDailyBudget: c.SMSDailyBudget},
	}
}

// signingKeys reads TOKEN_SIGNING_KEYS, or in development the key file under
// DataDir, created on first use so tokens survive restarts.
func (c config) signingKeys() (*token.KeySet, error) {
	if c.TokenSigningKeys != "" {
		keys, err := token.ParseKeys(c.TokenSigningKeys)
		if err != nil {
			return nil, fmt.Errorf("TOKEN_SIGNING_KEYS: %w", err)
		}
		return keys, nil
	}
	return token.LoadOrCreateKeyFile(filepath.Join(c.DataDir, "signing-keys"))
}

// piiKeys reads PII_SEALING_KEYS and PII_LOOKUP_KEY, or in development the
// key file under DataDir, created on first use so sealed values stay
// readable across restarts.
func (c config) piiKeys() (*pii.Keys, error) {
	if c.PIISealingKeys != "" || c.PIILookupKey != "" {
		keys, err := pii.Parse(c.PIISealingKeys, c.PIILookupKey)
		if err != nil {
			return nil, fmt.Errorf("PII_SEALING_KEYS, PII_LOOKUP_KEY: %w", err)
		}
		return keys, nil
	}
	return pii.LoadOrCreateFile(filepath.Join(c.DataDir, "pii-keys"))
}

// deps are what the modules are built on: the database, the keys from the
// environment (or, in development, DataDir) and the message sender.
func (c config) deps(d *db.DB, log *slog.Logger) (api.Deps, error) {
	keys, err := c.signingKeys()
	if err != nil {
		return api.Deps{}, err
	}
	piiKeys, err := c.piiKeys()
	if err != nil {
		return api.Deps{}, err
	}
	return api.Deps{DB: d, Log: log, Clock: domain.SystemClock{}, Keys: keys, PII: piiKeys, Sender: c.sender()}, nil
}

// sender is the SMS gateway when configured; nil means the development
// sender, which records messages for /dev/messages.
func (c config) sender() notify.Sender {
	if c.SMSGatewayURL == "" {
		return nil
	}
	return &notify.GatewaySender{URL: c.SMSGatewayURL, Token: c.SMSGatewayToken, Client: &http.Client{Timeout: 10 * time.Second}}
}

func (c config) drain() time.Duration {
	switch {
	case c.ShutdownDrain != nil:
		return *c.ShutdownDrain
	case c.production():
		return 5 * time.Second
	}
	return 0
}

func (c config) logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.production() {
		return slog.New(slog.NewJSONHandler(os.Stdout, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stdout, opts))
}
