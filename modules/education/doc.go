// Package education is the school enrollment service: public schools, their
// seats per academic year and grade, admission windows with age rules, and
// the applications parents make for their children.
package education
