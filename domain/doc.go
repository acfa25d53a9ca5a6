// Package domain is the shared core of the citizen services platform: the error
// kinds every layer speaks, the authenticated principal, and local time. It
// depends on the standard library only.
package domain
