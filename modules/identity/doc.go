// Package identity is the one citizen account behind every service:
// registration with CNIC and mobile number, one-time codes, passwords,
// sign-in with access and refresh tokens, profiles, dependants (family
// members), the registry of citizens' vehicles, and staff accounts with
// their roles.
package identity
