package events

import (
	"reflect"
	"strings"
)

// JSONField is one field of a struct's JSON, as encoding/json writes it.
type JSONField struct {
	Name, GoName string
	Type         reflect.Type
	// Tag is the Go field's tag, for other tags (doc, enum) a reader knows.
	Tag reflect.StructTag
	// Optional fields may be missing: omitempty, omitzero, or inside an
	// embedded pointer that may be nil.
	Optional bool
	// AsString is the ",string" option on a type it applies to.
	AsString bool
	depth    int
	tagged   bool
}

// JSONFields lists the fields encoding/json writes for struct t: exported
// fields named by their json tag, embedded structs' fields promoted, and a
// shallower (or else the one tagged) field hiding others of its name.
func JSONFields(t reflect.Type) []JSONField {
	var all []JSONField
	var walk func(t reflect.Type, depth int, optional bool, path map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, optional bool, path map[reflect.Type]bool) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if !sf.IsExported() && et.Kind() != reflect.Struct {
					continue
				}
				if name == "" && et.Kind() == reflect.Struct {
					if path[et] {
						continue
					}
					inner := map[reflect.Type]bool{et: true}
					for k := range path {
						inner[k] = true
					}
					walk(et, depth+1, optional || ft.Kind() == reflect.Pointer, inner)
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			f := JSONField{Name: name, GoName: sf.Name, Type: ft, Tag: sf.Tag, depth: depth, tagged: name != "", Optional: optional}
			if f.Name == "" {
				f.Name = sf.Name
			}
			for o := range strings.SplitSeq(opts, ",") {
				switch o {
				case "omitempty", "omitzero":
					f.Optional = true
				case "string":
					f.AsString = quotable(ft)
				}
			}
			all = append(all, f)
		}
	}
	walk(t, 0, false, map[reflect.Type]bool{t: true})

	var out []JSONField
	for _, f := range all {
		if dominant(f, all) {
			out = append(out, f)
		}
	}
	return out
}

// dominant reports whether f is the field its name stands for: encoding/json
// keeps the shallowest, and among equally deep ones the only tagged one, and
// drops a name it cannot decide.
func dominant(f JSONField, all []JSONField) bool {
	rivals, tagged := 0, 0
	for _, o := range all {
		if o.Name != f.Name || o.depth > f.depth {
			continue
		}
		if o.depth < f.depth {
			return false
		}
		rivals++
		if o.tagged {
			tagged++
		}
	}
	switch {
	case rivals == 1:
		return true
	case tagged == 1:
		return f.tagged
	}
	return false
}

// quotable reports whether the json ",string" option applies to t.
func quotable(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}
