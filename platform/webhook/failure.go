package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"syscall"
)

// A failed try records why as one word of Failures, never the error's
// text: that names hosts, addresses, ports and certificate details, and
// the client reads its delivery log, so the text would let it map what
// the platform's network reaches. The error itself goes to the server's
// debug log.

// Failures are the words a delivery's last error may hold, in the order
// the API documents them (the enums of integrations.Delivery.LastError):
//
//   - timeout: no answer in time (connecting, the TLS handshake or the answer)
//   - dns: the host name did not resolve
//   - refused: nothing accepted the connection
//   - unreachable: no route to the receiver's address
//   - tls: the TLS handshake failed (an untrusted, expired or mismatched certificate, or no TLS)
//   - not_allowed: the host resolved to an address webhooks may not reach
//   - redirect: a 3xx answer; redirects are not followed
//   - http_status: any other answer outside 2xx, in last_status
//   - subscription_ended: the subscription was deleted or its client revoked
//   - other: anything else, such as a connection closed before the answer
var Failures = []string{"timeout", "dns", "refused", "unreachable", "tls", "not_allowed", "redirect", "http_status", Ended, "other"}

// Ended is the failure of the deliveries a deleted subscription or a
// revoked client leaves unsent.
const Ended = "subscription_ended"

var (
	// errNotAllowed refuses a connection to a blocked address.
	errNotAllowed = errors.New("not allowed")
	// errEnded stops a delivery whose subscription is no longer active.
	errEnded = errors.New("subscription no longer active")
)

// failure names why a try failed, from the receiver's status (0 for no
// answer) and the error.
func failure(status int, err error) string {
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		record  tls.RecordHeaderError
		alert   tls.AlertError
		netErr  net.Error
	)
	switch {
	case errors.Is(err, errEnded):
		return Ended
	case errors.Is(err, errNotAllowed):
		return "not_allowed"
	case status >= 300 && status < 400:
		return "redirect"
	case status != 0:
		return "http_status"
	case errors.As(err, &dnsErr):
		return "dns"
	case errors.As(err, &certErr), errors.As(err, &record), errors.As(err, &alert), errors.Is(err, http.ErrSchemeMismatch):
		return "tls"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "unreachable"
	}
	return "other"
}
