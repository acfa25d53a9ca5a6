// Package offers is the one waitlist and offer engine every service uses
// for its scarce places: a doctor's day in health, a school's grade in
// education, a zone in parking.
//
// A citizen joins a pool (the places they wait for) and waits in the order
// they joined. When a service frees a place it hands it to the engine in
// its own transaction: the first entry waiting gets an offer that holds
// the place until expires_at, or, when nobody waits, the service gets the
// place back. Accepting takes the place with the service's own rules, in
// one transaction; declining, leaving or letting the offer lapse hands the
// place to the next in line at once.
//
// Services keep their places themselves (a seat stays taken while it is
// offered; a zone counts its live offers), so the database, not this
// package's memory, makes sure no place has two holders: an entry has at
// most one live offer (a partial unique index), every change of an offer
// is a conditional update from "offered", and an offer past expires_at
// cannot be accepted even before the sweep lapses it.
package offers
