// Package fastlane is a net.Listener for an http.Server that answers some
// requests itself, faster than net/http can.
//
// Go's HTTP server spends most of the time of a small cached response on
// per-request machinery (header maps, the response writer, routing). The
// fast lane reads an HTTP/1.1 GET or HEAD with a strict parser, asks a
// Responder whether it has a prepared answer, and if so writes the status
// line, headers and body in one system call, as nginx does with a file in
// the page cache.
//
// A request the Responder declines is handed to the http.Server alone,
// with its connection; once net/http has answered it and waits, idle, for
// the next request, the fast lane takes its turn again (if the
// http.Server's ConnState is ConnState). The Responder may leave a note on
// a request it declines, which the handler gets from Note (if the
// http.Server's ConnContext is ConnContext), so that work is not done
// twice. Bytes the parser does not read — a body, HTTP/1.0, %-escapes,
// bare LF line ends, headers over 4 KiB, anything malformed or unusual —
// make the connection net/http's for good.
//
// The parser accepts only requests net/http accepts and reads the same way,
// from the same bytes (a differential fuzz target checks this), so a client
// cannot tell which of the two answered, Date aside. The package knows
// nothing of what it serves: the Responder decides.
//
// The listener also keeps the process alive when it runs out of file
// descriptors (it backs off and retries, as net/http does) and bounds the
// number of open connections (Config.MaxConns), shedding those above.
package fastlane
