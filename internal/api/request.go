package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// TileRequest is a parsed, bounds-checked tile URL.
type TileRequest struct {
	Layers string  // layer list as written in the URL; its syntax is checked
	Day    geo.Day // geo.NoDay for the summary map
	Tile   maptile.Tile
	Scale  int // 1 or 2
}

// ParseTileRequest parses the path parameters of a tile route — layers,
// date (absent on the summary route), z, x and file ({y}.png or
// {y}@2x.png) — and the raw query, where only date is read. Every error is
// a *requestError naming the bad part.
func ParseTileRequest(vars map[string]string, rawQuery string, maxZoom int) (TileRequest, error) {
	req := TileRequest{Day: geo.NoDay, Scale: 1}
	var err error
	if req.Layers, err = CheckLayers(vars["layers"]); err != nil {
		return req, err
	}
	path, dated := vars["date"]
	query, hasQuery, err := QueryDate(rawQuery)
	if err != nil {
		return req, err
	}
	switch {
	case dated && hasQuery:
		return req, BadPart("date", query, "the path already has a date ("+path+"); drop ?date=")
	case dated:
		req.Day, err = ParseDay(path)
	case hasQuery:
		req.Day, err = ParseDay(query)
	}
	if err != nil {
		return req, err
	}

	zs, hint := vars["z"], ""
	if !dated && strings.Count(zs, "-") == 2 {
		hint = " (a dated tile is /tiles/{layers}/{date}/{z}/{x}/{y}.png)"
	}
	z, err := parseIndex("z", zs, uint32(maxZoom), hint)
	if err != nil {
		return req, err
	}
	last, atZoom := uint32(1)<<z-1, " at zoom "+zs
	x, err := parseIndex("x", vars["x"], last, atZoom)
	if err != nil {
		return req, err
	}
	file := vars["file"]
	stem, ext := file, ""
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		stem, ext = file[:i], file[i:]
	}
	if ext != ".png" {
		return req, BadPart("extension", ext, "want .png (the tile is "+Quote(file)+")")
	}
	if i := strings.IndexByte(stem, '@'); i >= 0 {
		if stem[i:] != "@2x" {
			return req, BadPart("scale", stem[i:], "want @2x or nothing before .png")
		}
		stem, req.Scale = stem[:i], 2
	}
	y, err := parseIndex("y", stem, last, atZoom)
	if err != nil {
		return req, err
	}
	req.Tile = maptile.New(x, y, maptile.Zoom(z))
	return req, nil
}

// maxIndexDigits bounds the digits of z, x and y: 2^24 has 8.
const maxIndexDigits = 8

// parseIndex parses a tile index from 0 to last, in canonical decimal: no
// sign, no leading zeros, so that every tile has exactly one URL. suffix
// ends the message of an error.
func parseIndex(part, s string, last uint32, suffix string) (uint32, error) {
	bad := func(extra string) error {
		return BadPart(part, s, fmt.Sprintf("want a whole number from 0 to %d%s%s", last, suffix, extra))
	}
	if s == "" || len(s) > maxIndexDigits {
		return 0, bad("")
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad("")
		}
		n = n*10 + uint64(s[i]-'0')
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, bad(", without leading zeros")
	}
	if n > uint64(last) {
		return 0, bad("")
	}
	return uint32(n), nil
}

// CheckLayers checks the syntax of a layer list: "all", or layer ids
// ([a-z0-9-]+) separated by commas. Whether the ids exist is for
// selectLayers to say, against the data being served.
func CheckLayers(spec string) (string, error) {
	const want = `want "all" or layer ids ([a-z0-9-]+) separated by commas`
	if spec == "" {
		return "", BadPart("layers", spec, want)
	}
	if len(spec) > overlays.MaxSelection {
		return "", BadPart("layers", spec, fmt.Sprintf("longer than %d bytes", overlays.MaxSelection))
	}
	for i := 0; i < len(spec); i++ {
		c := spec[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == ',') {
			return "", BadPart("layers", spec, fmt.Sprintf("%s; %q is not allowed", want, c))
		}
	}
	return spec, nil
}

// SelectLayers resolves a checked layer list against the campaign: a 404
// for an unknown layer, a 400 for an empty item or a repeated id.
func SelectLayers(c *overlays.Campaign, spec string) (overlays.Selection, error) {
	sel, err := c.Select(spec)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, overlays.ErrUnknownLayer) {
			status = http.StatusNotFound
		}
		// Select's messages name the layer or the list at fault.
		return nil, &Error{Status: status, Part: "layers", Msg: err.Error(), Err: err}
	}
	return sel, nil
}

// ParseDay parses a YYYY-MM-DD date.
func ParseDay(s string) (geo.Day, error) {
	d, err := geo.ParseDay(s)
	if err != nil {
		// geo's message quotes the date and says what is wrong with it.
		return geo.NoDay, &Error{Status: http.StatusBadRequest, Part: "date", Msg: err.Error(), Err: err}
	}
	return d, nil
}

// QueryDate returns the date query parameter, if given (at most once).
func QueryDate(rawQuery string) (string, bool, error) {
	if rawQuery == "" {
		return "", false, nil
	}
	q, err := ParseQuery(rawQuery)
	if err != nil {
		return "", false, err
	}
	return OneParam(q, "date")
}

// OptionalDay parses the date query parameter of the API and TileJSON
// routes: geo.NoDay when absent.
func OptionalDay(rawQuery string) (geo.Day, string, error) {
	s, ok, err := QueryDate(rawQuery)
	if err != nil || !ok {
		return geo.NoDay, "", err
	}
	d, err := ParseDay(s)
	return d, s, err
}

// ParseQuery parses a raw query string.
func ParseQuery(rawQuery string) (url.Values, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, BadPart("query", rawQuery, "not a valid query string")
	}
	return q, nil
}

// OneParam returns the query parameter name, if given, and fails when it
// is given more than once.
func OneParam(q url.Values, name string) (string, bool, error) {
	vs, ok := q[name]
	switch {
	case !ok:
		return "", false, nil
	case len(vs) > 1:
		return "", false, BadPart(name, strings.Join(vs, ","), "given more than once")
	}
	return vs[0], true, nil
}

// KnownParams checks that every parameter of q is one of allowed and is
// given once; the error names the first (in sorted order) that is not.
func KnownParams(q url.Values, allowed []string) error {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Contains(allowed, name) {
			return BadPart("query", name, "unknown parameter; want "+strings.Join(allowed, ", "))
		}
		if _, _, err := OneParam(q, name); err != nil {
			return err
		}
	}
	return nil
}

// ParseLayerFile parses the file of a layer-file route, {layers}{ext} (a
// .json TileJSON, a .geojson export, …), and its ?date=: the checked layer
// list, and the day and date as given (geo.NoDay and "" without one). A
// file without ext is a 404 whose message says what is wanted.
func ParseLayerFile(file, ext, want, rawQuery string) (spec string, day geo.Day, date string, err error) {
	spec, found := strings.CutSuffix(file, ext)
	if !found {
		e := BadPart("extension", path.Ext(file), want)
		e.Status = http.StatusNotFound
		return "", geo.NoDay, "", e
	}
	if spec, err = CheckLayers(spec); err != nil {
		return "", geo.NoDay, "", err
	}
	day, date, err = OptionalDay(rawQuery)
	return spec, day, date, err
}

// TileVars splits the part of a tile path after /tiles/ into the router's
// variables (layers, date, z, x, file), as the tile routes would: it
// reports how many segments there were (4: a summary tile, 5: a dated
// one), or false when the path fits neither route.
func TileVars(rest string, vars map[string]string) (int, bool) {
	var seg [6]string
	n := 0
	for n < len(seg) {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			seg[n] = rest
			n++
			break
		}
		seg[n], rest = rest[:i], rest[i+1:]
		n++
	}
	if (n != 4 && n != 5) || rest != seg[n-1] {
		return n, false
	}
	for _, p := range seg[:n] {
		if p == "" {
			return n, false // the router's answer, not a tile's
		}
	}
	if n == 5 {
		vars["layers"], vars["date"], vars["z"], vars["x"], vars["file"] = seg[0], seg[1], seg[2], seg[3], seg[4]
	} else {
		vars["layers"], vars["z"], vars["x"], vars["file"] = seg[0], seg[1], seg[2], seg[3]
	}
	return n, true
}

// ParseIndex parses a tile index (z, x or y, named by part) from 0 to
// last, in canonical decimal, as the tile routes do; suffix ends the
// message of an error.
func ParseIndex(part, s string, last uint32, suffix string) (uint32, error) {
	return parseIndex(part, s, last, suffix)
}
