// Package traffic is the traffic service: the offence schedule, e-challans
// issued by officers and camera systems for a plate, their payment,
// contest and decision, and road advisories for the sectors citizens
// follow. Who held a plate comes from the citizen's vehicle registry,
// through the Plates interface this package declares.
package traffic
