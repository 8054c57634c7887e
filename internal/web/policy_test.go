package web

import (
	"strings"
	"testing"
)

// TestBaseSource checks the CSP source allowed for a base map template.
func TestBaseSource(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"},
		{"https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png", "https://*.tile.opentopomap.org"},
		{"http://127.0.0.1:8080/{z}/{x}/{y}{r}.png", "http://127.0.0.1:8080"},
		{"https://tiles.example.org?z={z}&x={x}&y={y}", "https://tiles.example.org"},
		{"https://tile-{s}.example.org/{z}/{x}/{y}.png", "https:"},
		{"https://example.org;script-src */{z}/{x}/{y}.png", "https:"},
		{"https://a.*.example.org/{z}/{x}/{y}.png", "https:"},
		{"none", ""},
		{"", ""},
		{"ftp://example.org/{z}/{x}/{y}.png", ""},
	} {
		t.Run(tc.tmpl, func(t *testing.T) {
			if got := baseSource(tc.tmpl); got != tc.want {
				t.Errorf("baseSource(%q) = %q, want %q", tc.tmpl, got, tc.want)
			}
		})
	}
	if p := Policy("none"); !strings.Contains(p, "connect-src 'self';") {
		t.Errorf("policy without a base map: %q", p)
	}
}

// FuzzBaseSource: whatever the template, the policy's connect-src is one
// source list (no ';' or ',' or space can end it early).
func FuzzBaseSource(f *testing.F) {
	f.Add("https://{s}.tile.example.org/{z}/{x}/{y}.png")
	f.Add("http://[::1]:8080/{z}/{x}/{y}.png")
	f.Fuzz(func(t *testing.T, tmpl string) {
		src := baseSource(tmpl)
		if strings.ContainsAny(src, "; ,'\"\r\n\t") {
			t.Errorf("baseSource(%q) = %q", tmpl, src)
		}
	})
}
