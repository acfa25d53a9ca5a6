// Package parking is the parking permit service: zones with quotas and
// tariffs, citizens' vehicles (kept in identity's registry), permits and
// their payments, and verification of a plate by enforcement officers.
package parking
