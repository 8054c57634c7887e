// Package api is the vocabulary of xiang's HTTP API, shared by the server
// and the fast lane: URLs parsed into typed, bounds-checked requests;
// client errors that name the part of the request at fault (answered as
// 4xx JSON); and prepared responses (Entry) with their strong ETags,
// caching headers and conditional requests. It serves nothing itself.
package api
