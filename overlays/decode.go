package overlays

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// decodeLayer decodes a FeatureCollection member by member and its features
// one at a time, filling l and adding problems with the file and its
// features; it returns the JSON error that stopped it, if any, or errStop.
func decodeLayer(data []byte, l *Layer, problems *ValidationErrors, count *int) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	fileErr := func(err error) { problems.add(&ValidationError{File: l.File, Feature: -1, Err: err}) }
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(data, err)
	}
	if tok != json.Delim('{') {
		if err := syntaxError(data, nil); err != nil {
			return err
		}
		fileErr(fmt.Errorf("value: got JSON %s, want an object", jsonKind(tok)))
		return nil
	}
	// Problems with the members are kept apart from those of the features:
	// a file that is not a FeatureCollection reports only the former, and
	// its type may come after its features.
	var members, features ValidationErrors
	memberErr := func(err error) { members.add(&ValidationError{File: l.File, Feature: -1, Err: err}) }
	var typ string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(data, err)
		}
		key, _ := tok.(string)
		if seen[key] {
			memberErr(fmt.Errorf("member %q appears twice", key))
		}
		seen[key] = true
		if key == "features" && nextByte(data, dec.InputOffset()) == '[' {
			if err := decodeFeatures(dec, data, l, &features, count); err != nil {
				problems.merge(&features)
				return err
			}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntaxError(data, err)
		}
		member := func(dst any) {
			if string(raw) == "null" {
				return
			}
			if err := json.Unmarshal(raw, dst); err != nil {
				memberErr(fmt.Errorf("member %q: %w", key, jsonError(err)))
			}
		}
		switch key {
		case "type":
			member(&typ)
		case "title":
			member(&l.Title)
		case "description":
			member(&l.Description)
		case "attribution":
			member(&l.Attribution)
		case "sources":
			member(&l.Sources)
		case "features":
			member(new([]json.RawMessage)) // not an array: say what it is
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return syntaxError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return syntaxError(data, err)
	}
	if typ != "FeatureCollection" {
		problems.merge(&members)
		fileErr(fmt.Errorf(`type %q: want "FeatureCollection"`, typ))
		return nil
	}
	for i, s := range l.Sources {
		if s.ID == "" {
			memberErr(fmt.Errorf("sources[%d]: missing id", i))
		}
	}
	if !seen["features"] {
		memberErr(errors.New(`missing "features" array`))
	}
	problems.merge(&members)
	problems.merge(&features)
	if problems.Len() > 0 {
		l.Features = nil
	}
	return nil
}

// decodeFeatures decodes the array of "features" one feature at a time,
// adding each feature's problems to problems and counting them in *count.
// It keeps the features in l only while there is no problem: a file with
// one will be rejected. Past MaxFeatures in the campaign it reports the
// campaign too large and returns errStop: the rest is not checked.
func decodeFeatures(dec *json.Decoder, data []byte, l *Layer, problems *ValidationErrors, count *int) error {
	if _, err := dec.Token(); err != nil { // the opening bracket
		return syntaxError(data, err)
	}
	for i := 0; dec.More(); i++ {
		if *count >= MaxFeatures {
			if *count == MaxFeatures { // said once, in the file where it happens
				problems.add(&ValidationError{File: l.File, Feature: i, Err: fmt.Errorf(
					"%w: more than %d features in the campaign; the rest is not checked", ErrTooLarge, MaxFeatures)})
				*count++
			}
			l.Features = nil
			return errStop
		}
		*count++
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntaxError(data, err)
		}
		ft, errs := decodeFeature(raw)
		for _, err := range errs {
			problems.add(&ValidationError{File: l.File, Feature: i, Name: ft.Name, Err: err})
		}
		if problems.Len() == 0 {
			ft.Layer, ft.Index = l, i
			l.Features = append(l.Features, ft)
		} else {
			l.Features = nil
		}
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return syntaxError(data, err)
	}
	return nil
}

// errStop stops the decoding of a campaign that is too large.
var errStop = errors.New("stop")

// nextByte returns the first byte of the value after offset off (past
// white space and a colon), or 0 at the end.
func nextByte(data []byte, off int64) byte {
	for _, c := range data[min(max(off, 0), int64(len(data))):] {
		switch c {
		case ' ', '\t', '\r', '\n', ':':
			continue
		}
		return c
	}
	return 0
}

// syntaxError returns the syntax error of data as a whole, positioned from
// its start; the decoder's own errors are relative to the value it was
// reading. It returns err when data is well-formed JSON.
func syntaxError(data []byte, err error) error {
	var raw json.RawMessage
	if serr := json.Unmarshal(data, &raw); serr != nil {
		return serr
	}
	return err
}

// jsonKind names the JSON type of a decoder token.
func jsonKind(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

// jsonError rewords encoding/json's errors without the "json: " prefix.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := te.Field
		if where == "" {
			where = "value"
		}
		return fmt.Errorf("%s: got JSON %s, want %s", where, te.Value, jsonType(te.Type.Kind().String()))
	}
	return fmt.Errorf("malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonType(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "float64", "int", "int64":
		return "a number"
	case "bool":
		return "true or false"
	}
	return goKind
}

// jsonPosition returns the 1-based line and column of a syntax or type error.
func jsonPosition(data []byte, err error) (line, col int) {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return 0, 0
	}
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}
