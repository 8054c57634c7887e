package glyphs

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// The field numbers of MapLibre's glyphs.proto:
//
//	message glyph { uint32 id = 1; bytes bitmap = 2; uint32 width = 3;
//	  uint32 height = 4; sint32 left = 5; sint32 top = 6; uint32 advance = 7; }
//	message fontstack { string name = 1; string range = 2; repeated glyph glyphs = 3; }
//	message glyphs { repeated fontstack stacks = 1; }
const (
	fieldStacks = 1

	fieldName   = 1
	fieldRange  = 2
	fieldGlyphs = 3

	fieldID      = 1
	fieldBitmap  = 2
	fieldWidth   = 3
	fieldHeight  = 4
	fieldLeft    = 5
	fieldTop     = 6
	fieldAdvance = 7
)

// Encode returns the glyph PBF of one stack and range: a glyphs message
// holding one fontstack with the glyphs.
func Encode(stack string, start rune, glyphs []Glyph) []byte {
	var fsb []byte
	fsb = protowire.AppendTag(fsb, fieldName, protowire.BytesType)
	fsb = protowire.AppendString(fsb, stack)
	fsb = protowire.AppendTag(fsb, fieldRange, protowire.BytesType)
	fsb = protowire.AppendString(fsb, Range(start))
	var gb []byte
	for _, g := range glyphs {
		gb = gb[:0]
		gb = protowire.AppendTag(gb, fieldID, protowire.VarintType)
		gb = protowire.AppendVarint(gb, uint64(g.ID))
		if len(g.Bitmap) > 0 {
			gb = protowire.AppendTag(gb, fieldBitmap, protowire.BytesType)
			gb = protowire.AppendBytes(gb, g.Bitmap)
		}
		for _, f := range []struct {
			num protowire.Number
			v   uint64
		}{
			{fieldWidth, uint64(g.Width)}, {fieldHeight, uint64(g.Height)},
			{fieldLeft, protowire.EncodeZigZag(int64(g.Left))}, {fieldTop, protowire.EncodeZigZag(int64(g.Top))},
			{fieldAdvance, uint64(g.Advance)},
		} {
			gb = protowire.AppendTag(gb, f.num, protowire.VarintType)
			gb = protowire.AppendVarint(gb, f.v)
		}
		fsb = protowire.AppendTag(fsb, fieldGlyphs, protowire.BytesType)
		fsb = protowire.AppendBytes(fsb, gb)
	}
	out := protowire.AppendTag(nil, fieldStacks, protowire.BytesType)
	return protowire.AppendBytes(out, fsb)
}

// Decode reads a glyph PBF back: the name and range of its first stack
// and its glyphs. Unknown fields are skipped.
func Decode(b []byte) (stack, rng string, glyphs []Glyph, err error) {
	err = fields(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if num != fieldStacks || typ != protowire.BytesType || stack != "" || rng != "" {
			return nil
		}
		return fields(v, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
			switch {
			case num == fieldName && typ == protowire.BytesType:
				stack = string(v)
			case num == fieldRange && typ == protowire.BytesType:
				rng = string(v)
			case num == fieldGlyphs && typ == protowire.BytesType:
				var g Glyph
				err := fields(v, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
					switch num {
					case fieldID:
						g.ID = rune(n)
					case fieldBitmap:
						g.Bitmap = append([]byte(nil), v...)
					case fieldWidth:
						g.Width = int(n)
					case fieldHeight:
						g.Height = int(n)
					case fieldLeft:
						g.Left = int(protowire.DecodeZigZag(n))
					case fieldTop:
						g.Top = int(protowire.DecodeZigZag(n))
					case fieldAdvance:
						g.Advance = int(n)
					}
					return nil
				})
				if err != nil {
					return err
				}
				glyphs = append(glyphs, g)
			}
			return nil
		})
	})
	return stack, rng, glyphs, err
}

// fields calls fn with each field of a message: its bytes for
// length-delimited fields, its value for varints.
func fields(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("glyph PBF: bad tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("glyph PBF: field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}
