// Package domain is the shared core of the citizen services platform: the error
// kinds every layer speaks, the authenticated principal, local time, and
// number plates. It depends on the standard library only.
package domain
