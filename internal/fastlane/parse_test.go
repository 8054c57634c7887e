package fastlane

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	const get = "GET /a?b=c HTTP/1.1\r\nHost: x\r\n"
	for name, tc := range map[string]struct {
		in    string
		want  verdict
		close bool
		inm   []string
	}{
		"GET":                {in: get + "\r\n", want: accept},
		"HEAD":               {in: "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", want: accept},
		"pipelined":          {in: get + "\r\n" + get, want: accept},
		"header names fold":  {in: "GET / HTTP/1.1\r\nhOsT: x:80\r\nIF-NONE-MATCH: \"a\"\r\nif-none-match:\t\"b\" \r\n\r\n", want: accept, inm: []string{`"a"`, `"b"`}},
		"close":              {in: get + "Connection: keep-alive, CLOSE\r\n\r\n", want: accept, close: true},
		"obs-text value":     {in: get + "X: caf\xc3\xa9\r\n\r\n", want: accept},
		"empty host":         {in: "GET / HTTP/1.1\r\nHost:\r\n\r\n", want: accept},
		"incomplete":         {in: get, want: needMore},
		"incomplete line":    {in: "GET / HT", want: needMore},
		"bare LF":            {in: "GET / HTTP/1.1\nHost: x\n\n", want: handOver},
		"bare LF incomplete": {in: "GET / HTTP/1.1\nHost: x\n", want: handOver},
		"bare LF at end":     {in: get + "\n", want: handOver},
		"CR CR LF":           {in: get + "X: a\r\r\n\r\n", want: handOver},
		"no host":            {in: "GET / HTTP/1.1\r\n\r\n", want: handOver},
		"two hosts":          {in: get + "Host: y\r\n\r\n", want: handOver},
		"host with space":    {in: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", want: handOver},
		"host with slash":    {in: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", want: handOver},
		"NUL in value":       {in: get + "X: a\x00b\r\n\r\n", want: handOver},
		"DEL in value":       {in: get + "X: a\x7fb\r\n\r\n", want: handOver},
		"bare CR in value":   {in: get + "X: a\rb\r\n\r\n", want: handOver},
		"space before colon": {in: get + "X : a\r\n\r\n", want: handOver},
		"folded line":        {in: get + "X: a\r\n b\r\n\r\n", want: handOver},
		"no colon":           {in: get + "X\r\n\r\n", want: handOver},
		"empty name":         {in: get + ": a\r\n\r\n", want: handOver},
		"HTTP/1.0":           {in: "GET / HTTP/1.0\r\n\r\n", want: handOver},
		"lower-case proto":   {in: "GET / http/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"POST":               {in: "POST / HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"lower-case get":     {in: "get / HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"absolute form":      {in: "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"escape":             {in: "GET /a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"fragment":           {in: "GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"control in target":  {in: "GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"non-ASCII target":   {in: "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"two spaces":         {in: "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"leading CRLF":       {in: "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", want: handOver},
		"body":               {in: get + "Content-Length: 0\r\n\r\n", want: handOver},
		"chunked":            {in: get + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", want: handOver},
		"expect":             {in: get + "Expect: 100-continue\r\n\r\n", want: handOver},
		"upgrade":            {in: get + "Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n", want: handOver},
		"too long":           {in: get + "X: " + strings.Repeat("a", MaxRequestBytes) + "\r\n\r\n", want: handOver},
		"too long, arriving": {in: get + "X: " + strings.Repeat("a", MaxRequestBytes), want: handOver},
	} {
		t.Run(name, func(t *testing.T) {
			var req Request
			n, v := parse([]byte(tc.in), &req)
			if v != tc.want {
				t.Fatalf("verdict %d, want %d", v, tc.want)
			}
			if v != accept {
				return
			}
			if end := strings.Index(tc.in, "\r\n\r\n") + 4; n != end {
				t.Errorf("length %d, want %d", n, end)
			}
			if req.Close != tc.close {
				t.Errorf("Close = %v", req.Close)
			}
			if strings.Join(req.IfNoneMatch, "|") != strings.Join(tc.inm, "|") {
				t.Errorf("If-None-Match %q, want %q", req.IfNoneMatch, tc.inm)
			}
		})
	}
}
