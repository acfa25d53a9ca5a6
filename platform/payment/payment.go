// Package payment is how the services take money: a provider interface
// and the sandbox provider that moves none.
package payment

import (
	"context"

	"github.com/google/uuid"
)

// Provider takes payments. The sandbox provider is the default; a real
// one implements the same two calls.
type Provider interface {
	// Charge takes amount for reference (the permit or challan), using the payment
	// token the app got from the provider. It returns the provider's
	// reference and whether the charge went through. The reference is the
	// provider's idempotency key: charging it again, as a retried database
	// transaction may, must not take the money twice.
	Charge(ctx context.Context, reference string, amountPKR int64, paymentToken string) (providerRef string, approved bool, err error)
	// Refund returns amount of an earlier charge.
	Refund(ctx context.Context, providerRef string, amountPKR int64) (refundRef string, err error)
}

// SandboxDeclineToken makes the sandbox decline a charge.
const SandboxDeclineToken = "tok_decline"

// Sandbox approves every charge except those paid with SandboxDeclineToken,
// and moves no real money.
type Sandbox struct{}

// Charge implements Provider.
func (Sandbox) Charge(_ context.Context, _ string, _ int64, paymentToken string) (string, bool, error) {
	return "sbx_ch_" + uuid.NewString(), paymentToken != SandboxDeclineToken, nil
}

// Refund implements Provider.
func (Sandbox) Refund(_ context.Context, _ string, _ int64) (string, error) {
	return "sbx_re_" + uuid.NewString(), nil
}
