package convert

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// Node is one element of an XML document: its local name (namespace
// prefixes dropped, the namespace kept in Space), attributes, character
// data and children, and the line it starts on.
type Node struct {
	Name     string
	Space    string
	Attr     []xml.Attr
	Text     string
	Children []*Node
	Line     int
}

// MaxDepth bounds how deeply elements may nest in a document ReadXML reads.
const MaxDepth = 256

// ReadXML parses an XML document into a tree. It reads any encoding the
// XML declaration names (UTF-8, ISO-8859-1, windows-1252, UTF-16 by its
// byte order mark, …) and skips a UTF-8 byte order mark. Errors carry the
// line they were found at (*LineError).
func ReadXML(data []byte) (*Node, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var r io.Reader = bytes.NewReader(data)
	utf16 := false
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) {
		enc, _ := htmlindex.Get("utf-16le")
		if data[0] == 0xfe {
			enc, _ = htmlindex.Get("utf-16be")
		}
		decoded, err := enc.NewDecoder().Bytes(data[2:])
		if err != nil {
			return nil, &LineError{Line: 1, Err: fmt.Errorf("UTF-16: %w", err)}
		}
		r = bytes.NewReader(decoded)
		utf16 = true
	}
	dec := xml.NewDecoder(r)
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		if utf16 && strings.HasPrefix(strings.ToLower(label), "utf-16") {
			return input, nil // decoded above, by the byte order mark
		}
		return charsetReader(label, input)
	}
	dec.Strict = true
	var root *Node
	var stack []*Node
	var text [][]byte
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlError(dec, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= MaxDepth {
				return nil, &LineError{Line: line, Err: fmt.Errorf("elements nested deeper than %d", MaxDepth)}
			}
			n := &Node{Name: t.Name.Local, Space: t.Name.Space, Attr: t.Attr, Line: line}
			if len(stack) == 0 {
				if root != nil {
					return nil, &LineError{Line: line, Err: errors.New("a second root element")}
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.Text = strings.TrimSpace(string(text[len(text)-1]))
			stack, text = stack[:len(stack)-1], text[:len(text)-1]
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1] = append(text[len(text)-1], t...)
			}
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) && bytes.Contains(t, []byte("ENTITY")) {
				return nil, &LineError{Line: line, Err: errors.New("DOCTYPE with entities is not read")}
			}
		}
	}
	if root == nil {
		return nil, &LineError{Line: 1, Err: errors.New("no XML element")}
	}
	return root, nil
}

// LineError is an error at a line of an input.
type LineError struct {
	Line int
	Err  error
}

// Error returns the message without the line, which the Problem built
// from it carries.
func (e *LineError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// xmlError turns a decoder error into a *LineError.
func xmlError(dec *xml.Decoder, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &LineError{Line: se.Line, Err: fmt.Errorf("malformed XML: %s", se.Msg)}
	}
	line, _ := dec.InputPos()
	return &LineError{Line: line, Err: fmt.Errorf("malformed XML: %w", err)}
}

// charsetReader decodes the encodings of the WHATWG Encoding Standard by
// any of their labels (ISO-8859-1 is read as windows-1252, its superset).
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("encoding %q is not supported", label)
	}
	return enc.NewDecoder().Reader(input), nil
}

// Child returns the first child named name, or nil.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns the children named name.
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// ChildText returns the text of the first child named name, or "".
func (n *Node) ChildText(name string) string {
	if c := n.Child(name); c != nil {
		return c.Text
	}
	return ""
}

// AttrValue returns the value of the attribute with the local name name,
// or "".
func (n *Node) AttrValue(name string) string {
	for _, a := range n.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
