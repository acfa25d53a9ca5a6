// Package owasp is the attack suite of the API: tests that attack a real
// server on a real database as the OWASP API Security Top 10 (2023)
// describes, on SQLite and on PostgreSQL alike. They try object- and
// function-level authorization across citizens, facilities and schools,
// mass assignment, resource consumption (bodies, nesting, pages, slow
// clients), injection through queries and bodies, leaks in error answers,
// token misuse and foreign CORS origins, and fuzz every request body.
//
// The package holds no code: the tests are in its _test.go files, and
// docs/security.md says what they cover.
package owasp
