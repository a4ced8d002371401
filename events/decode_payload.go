package events

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// A replay decodes every event's data into its payload type, and
// encoding/json's reflection spent more of a rebuild's time on it than any
// read model did. Most payloads are flat structs of strings, integers,
// booleans and times, so decodePlain fills those straight from the bytes
// with the envelope's scanner (decode.go), field by field; anything it does
// not expect (an escaped string, an unknown or repeated key, a null, a
// number that is not a plain integer) falls back to encoding/json, whose
// answer is the reference. FuzzDecodePayload holds the two to the same
// results.

// plainKind is the kind of value a plain field holds.
type plainKind uint8

const (
	plainString plainKind = iota
	plainInt
	plainBool
	plainTime
)

// plainField is one field of a flat payload type, by its JSON name.
type plainField struct {
	name  string
	index int
	kind  plainKind
	bits  int // an integer's size
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// plainFieldsOf lists the fields of t when every one is plain, and nil
// when t is anything else: encoding/json then decodes it every time. At
// most 64 fields, so that a bit each marks the keys seen.
func plainFieldsOf(t reflect.Type) []plainField {
	if t.Kind() != reflect.Struct || t.NumField() > 64 || customDecoded(t) {
		return nil
	}
	var out []plainField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		for _, o := range strings.Split(opts, ",") {
			if o != "" && o != "omitempty" && o != "omitzero" {
				return nil
			}
		}
		if name == "" {
			return nil
		}
		pf := plainField{name: name, index: i}
		switch ft := f.Type; {
		case ft == timeType:
			pf.kind = plainTime
		case customDecoded(ft):
			return nil
		case ft.Kind() == reflect.String:
			pf.kind = plainString
		case ft.Kind() == reflect.Bool:
			pf.kind = plainBool
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Int64:
			pf.kind, pf.bits = plainInt, ft.Bits()
		default:
			return nil
		}
		out = append(out, pf)
	}
	return out
}

// customDecoded reports whether encoding/json would decode t through a
// method of its own.
func customDecoded(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(unmarshalerType) || p.Implements(unmarshalerType) || t.Implements(textType) || p.Implements(textType)
}

// decodePlain fills v, an addressable zero struct of the type fields
// describe, from data when data is an object of those fields in the usual
// shape, and reports false otherwise, v then holding part of it. An
// unknown key is refused too, so that a strict decode, which refuses it,
// falls back as well.
func decodePlain(data []byte, v reflect.Value, fields []plainField) bool {
	s := scanner{b: data}
	var seen uint64
	return s.object(func(key []byte) bool {
		i := plainIndex(fields, key)
		if i < 0 || seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		return s.plainValue(v.Field(fields[i].index), fields[i])
	})
}

// plainIndex is the index in fields of the field named key, -1 if none.
func plainIndex(fields []plainField, key []byte) int {
	for i := range fields {
		if fields[i].name == string(key) {
			return i
		}
	}
	return -1
}

// plainValue reads one field's value into fv.
func (s *scanner) plainValue(fv reflect.Value, f plainField) bool {
	switch f.kind {
	case plainString:
		v, ok := s.plainString()
		if ok {
			fv.SetString(string(v))
		}
		return ok
	case plainTime:
		v, ok := s.plainString()
		return ok && fv.Addr().Interface().(*time.Time).UnmarshalText(v) == nil
	case plainBool:
		switch {
		case s.literal("true"):
			fv.SetBool(true)
			return true
		default:
			return s.literal("false")
		}
	default:
		n, ok := s.int(f.bits)
		if ok {
			fv.SetInt(n)
		}
		return ok
	}
}

// int reads an integer, with no fraction or exponent, that fits in bits
// bits.
func (s *scanner) int(bits int) (int64, bool) {
	neg := s.eat('-')
	n, ok := s.uint(63)
	if !ok {
		return 0, false
	}
	v := int64(n)
	if neg {
		v = -v
	}
	if bits == 64 {
		return v, true
	}
	limit := int64(1) << (bits - 1)
	return v, v >= -limit && v < limit
}
