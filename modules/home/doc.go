// Package home is what makes the services one platform for a citizen: the
// overview screen across health, education and parking, the citizen's
// notifications, and the log of who used their data. It reads the service
// modules only through the small interfaces it declares here.
package home
