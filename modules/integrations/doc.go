// Package integrations is how third parties (private clinics, enforcement
// contractors, aggregator apps) use the platform: OAuth clients with scopes
// (RFC 6749 client credentials), per-client rate limits, and webhook
// subscriptions with their delivery log.
package integrations
