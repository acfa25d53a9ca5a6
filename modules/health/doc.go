// Package health is the appointment-booking service: hospitals and clinics,
// their practitioners, the slots generated from schedules, and availability
// search across them.
package health
