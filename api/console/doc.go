// Package console serves the staff console at /console/: server-rendered
// pages on which department staff do their day's work in a browser.
//
// The console is a second face of the admin API, not a second set of
// rules. Every page reads, and every form writes, through the API's own
// routes, called in process as the signed-in staff member with an access
// token of their console session. The API's authorization (Casbin and unit
// scoping), validation, transactions and audit log therefore decide what
// the console shows and does, exactly as they do for a call over the
// network, and a refusal is shown with the API's own message.
//
// A console session is an identity session (a refresh-token family) whose
// refresh token lives in an HttpOnly, SameSite=Strict cookie and is never
// spent: each request asks identity for a fresh access token of it, so
// signing out, deactivation and a password change end it at once. Every
// form carries a CSRF token derived from the session.
package console
