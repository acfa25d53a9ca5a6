// Package identity is the one citizen account behind every service:
// registration with CNIC and mobile number, one-time codes, passwords,
// sign-in with access and refresh tokens, profiles, dependants (family
// members), and staff accounts with their roles.
package identity
