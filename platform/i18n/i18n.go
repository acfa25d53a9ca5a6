// Package i18n holds the texts people read: problem titles and details,
// validation messages and notifications, in English (the default) and Urdu.
// The texts live in catalog files, one per language, that a translator
// edits without touching code; placeholders are written {name}.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/islamabad-digital/citizenapi/domain"
)

// Languages.
const (
	English = "en"
	Urdu    = "ur"
)

//go:embed catalog/*.json
var files embed.FS

// catalogs maps a language to its keys and texts.
var catalogs = mustLoad()

func mustLoad() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range []string{English, Urdu} {
		raw, err := files.ReadFile("catalog/" + lang + ".json")
		if err != nil {
			panic(fmt.Sprintf("i18n: %v", err))
		}
		var texts map[string]string
		if err := json.Unmarshal(raw, &texts); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", lang, err))
		}
		out[lang] = texts
	}
	return out
}

// Keys returns the keys of a language's catalog, sorted.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether key has a text.
func Has(key string) bool {
	_, ok := catalogs[English][key]
	return ok
}

// T returns the text of key in lang, with {name} placeholders filled from
// params. A key missing in lang falls back to English, and a key missing
// everywhere comes back as itself so that the gap is visible.
func T(lang, key string, params map[string]string) string {
	text, ok := catalogs[lang][key]
	if !ok {
		if text, ok = catalogs[English][key]; !ok {
			return key
		}
	}
	if len(params) == 0 {
		return text
	}
	pairs := make([]string, 0, 2*len(params))
	for k, v := range params {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// Negotiate picks the language of an Accept-Language header: Urdu when the
// client prefers it, English otherwise.
func Negotiate(acceptLanguage string) string {
	best, bestQ := English, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, q := strings.TrimSpace(part), 1.0
		if t, params, ok := strings.Cut(tag, ";"); ok {
			tag = strings.TrimSpace(t)
			if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
				if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
					q = 0
				}
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		// q=0 means "not acceptable" (RFC 9110 §12.4.2).
		if (base == Urdu || base == English) && q > 0 && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// Supported reports whether lang is a language the catalogs hold.
func Supported(lang string) bool {
	_, ok := catalogs[lang]
	return ok
}

// Err returns a domain error whose message is key's English text, so that
// the HTTP layer can show it in the caller's language.
func Err(kind domain.Kind, key string, params map[string]string) *domain.Error {
	return &domain.Error{Kind: kind, Message: T(English, key, params), Key: key, Params: params}
}
