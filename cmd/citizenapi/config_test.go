package main

import (
	"strings"
	"testing"
)

func TestConfigRefusesHoldsTooShortToAnswer(t *testing.T) {
	cases := []struct {
		env, value, want string
	}{
		{"HEALTH_OFFER_HOLD", "30m", ""},
		{"HEALTH_OFFER_HOLD", "0s", "HEALTH_OFFER_HOLD"},
		{"EDUCATION_OFFER_HOLD", "5m", "EDUCATION_OFFER_HOLD"},
		{"PARKING_OFFER_HOLD", "-1h", "PARKING_OFFER_HOLD"},
	}
	for _, c := range cases {
		t.Run(c.env+"="+c.value, func(t *testing.T) {
			t.Setenv(c.env, c.value)
			_, err := loadConfig()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("loadConfig: %v, want no error", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("loadConfig: %v, want an error naming %s", err, c.want)
			}
		})
	}
}
