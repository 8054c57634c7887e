// Package fastlane is a net.Listener for an http.Server that answers some
// requests itself, faster than net/http can.
//
// Go's HTTP server spends most of the time of a small cached response on
// per-request machinery (header maps, the response writer, routing). The
// fast lane reads an HTTP/1.1 GET or HEAD with a strict parser, asks a
// Responder whether it has a prepared answer, and if so writes the status
// line, headers and body in one system call, as nginx does with a file in
// the page cache. Anything else — a request the Responder declines, a
// malformed or unusual one (a body, HTTP/1.0, %-escapes, bare LF line ends,
// headers over 4 KiB) — hands the connection, with the bytes already read,
// to the http.Server, which serves it from then on.
//
// The parser accepts only requests net/http would accept and read the same
// way (a differential fuzz target checks this), so a client cannot tell
// which of the two answered, Date aside. The package knows nothing of what
// it serves: the Responder decides.
//
// The listener also keeps the process alive when it runs out of file
// descriptors (it backs off and retries, as net/http does) and bounds the
// number of open connections (Config.MaxConns).
package fastlane
