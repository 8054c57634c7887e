package fastlane

import (
	"bytes"
	"net"
	"unsafe"
)

// Request is what the fast lane read of a request. A Responder must not
// keep it, Target or the strings of IfNoneMatch after Respond returns: they
// alias the connection's read buffer, reused for its next request.
type Request struct {
	// Method is "GET" or "HEAD".
	Method string
	// Target is the request target as sent, in origin form ("/path?query"):
	// printable ASCII without "%" or "#", so it needs no unescaping.
	Target []byte
	// IfNoneMatch holds the values of the If-None-Match headers.
	IfNoneMatch []string
	// Close is true when the client asked to close the connection after
	// the response (Connection: close).
	Close bool
	// RemoteAddr is the client's address.
	RemoteAddr net.Addr
	// Note may be set by a Respond that declines the request: it is carried
	// with the connection to net/http, where Note returns it to the handler
	// of this request, which can then skip what the Responder already did.
	Note any
}

// Head reports whether the request is a HEAD.
func (r *Request) Head() bool { return r.Method == methodHead }

const (
	methodGet  = "GET"
	methodHead = "HEAD"
)

// verdict is the parser's decision on the bytes at the head of a connection.
type verdict int

const (
	needMore verdict = iota // no complete header block yet
	handOver                // leave the request to net/http
	accept                  // a request the fast lane may answer
	declined                // a request read, that the Responder left to net/http
)

// MaxRequestBytes bounds the header block of a request the fast lane reads;
// a longer one is handed over to net/http.
const MaxRequestBytes = 4 << 10

var crlf2 = []byte("\r\n\r\n")

// parse reads the request at the head of buf into req (whose IfNoneMatch
// it appends to, after truncating it) and returns the request's length.
// It accepts only a request that net/http accepts too and reads the same
// way: GET or HEAD, HTTP/1.1, an origin-form target of printable ASCII
// without escapes, one valid Host, valid header names and values, no
// body, no Expect or Upgrade, CRLF line ends. Everything else is handOver;
// a header block not complete yet is needMore.
func parse(buf []byte, req *Request) (n int, v verdict) {
	req.Method, req.Target, req.IfNoneMatch, req.Close, req.Note = "", nil, req.IfNoneMatch[:0], false, nil
	end := bytes.Index(buf, crlf2)
	block := buf
	if end >= 0 {
		block = buf[:end+4]
	}
	// net/http reads a bare LF as a line end; the fast lane does not wait
	// for a CRLF CRLF that will never come.
	for i := bytes.IndexByte(block, '\n'); i >= 0; {
		if i == 0 || block[i-1] != '\r' {
			return 0, handOver
		}
		j := bytes.IndexByte(block[i+1:], '\n')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if end < 0 {
		if len(buf) >= MaxRequestBytes {
			return 0, handOver
		}
		return 0, needMore
	}
	if end+4 > MaxRequestBytes {
		return 0, handOver
	}
	n = end + 4
	line, rest, _ := bytes.Cut(buf[:end+2], []byte("\r\n"))
	method, line, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(line, []byte(" "))
	if !ok1 || !ok2 || string(proto) != "HTTP/1.1" || !validTarget(target) {
		return 0, handOver
	}
	switch string(method) {
	case methodGet:
		req.Method = methodGet
	case methodHead:
		req.Method = methodHead
	default:
		return 0, handOver
	}
	req.Target = target
	hosts := 0
	for len(rest) > 0 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, found := bytes.Cut(h, []byte(":"))
		if !found || !validName(name) {
			return 0, handOver // malformed, a folded line, or space before the colon
		}
		value = bytes.Trim(value, " \t")
		if !validValue(value) {
			return 0, handOver
		}
		switch {
		case equalFold(name, "host"):
			hosts++
			if hosts > 1 || !validHost(value) {
				return 0, handOver
			}
		case equalFold(name, "if-none-match"):
			req.IfNoneMatch = append(req.IfNoneMatch, alias(value))
		case equalFold(name, "connection"):
			for len(value) > 0 {
				var opt []byte
				opt, value, _ = bytes.Cut(value, []byte(","))
				opt = bytes.Trim(opt, " \t")
				switch {
				case equalFold(opt, "close"):
					req.Close = true
				case equalFold(opt, "upgrade"):
					return 0, handOver
				}
			}
		case equalFold(name, "content-length"), equalFold(name, "transfer-encoding"),
			equalFold(name, "expect"), equalFold(name, "upgrade"):
			return 0, handOver
		}
	}
	if hosts != 1 {
		return 0, handOver
	}
	return n, accept
}

// equalFold reports whether b equals the lower-case ASCII s, ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// validTarget: origin form, printable ASCII, no %-escape (which would need
// decoding) and no "#".
func validTarget(t []byte) bool {
	if len(t) == 0 || t[0] != '/' {
		return false
	}
	for _, c := range t {
		if c <= ' ' || c >= 0x7f || c == '%' || c == '#' {
			return false
		}
	}
	return true
}

// validName: a non-empty token (RFC 9110 §5.6.2).
func validName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !tokenByte[c] {
			return false
		}
	}
	return true
}

// validValue: no control character but HTAB (RFC 9110 §5.5); net/http
// answers 400 to any other, NUL included.
func validValue(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// validHost: the bytes net/http allows in Host (httpguts.ValidHostHeader).
func validHost(b []byte) bool {
	for _, c := range b {
		if !hostByte[c] {
			return false
		}
	}
	return true
}

var tokenByte, hostByte [256]bool

func init() {
	for c := '0'; c <= '9'; c++ {
		tokenByte[c], hostByte[c] = true, true
	}
	for c := 'a'; c <= 'z'; c++ {
		tokenByte[c], hostByte[c] = true, true
		tokenByte[c-'a'+'A'], hostByte[c-'a'+'A'] = true, true
	}
	for _, c := range []byte("!#$%&'*+-.^_`|~") {
		tokenByte[c] = true
	}
	for _, c := range []byte("!$%&()*+,-.:;=['_]~") {
		hostByte[c] = true
	}
}

// alias returns b as a string without copying it, so that a warm request
// allocates nothing: the string is valid only while b is not overwritten,
// which for a request's bytes is until Respond returns.
func alias(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
