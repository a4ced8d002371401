package events

import (
	"encoding/json"
	"unicode/utf8"
)

// member is one top-level member of a JSON object: its key as written
// and where its value lies in the object's bytes.
type member struct {
	key        []byte
	start, end int
	raw        []byte
}

// members are the top-level members of a JSON object, in order.
type members []member

// membersOf scans data, a JSON object, for its top-level members without
// decoding it; false when data is not one object. Keys are compared as
// written: an escaped key (which encoding/json never writes for the
// tracker's own field names) is not found by get.
func membersOf(data []byte) (members, bool) {
	out := make(members, 0, 12)
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return out, skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false
		}
		kend := endOfString(data, i)
		if kend < 0 {
			return nil, false
		}
		key := data[i+1 : kend-1]
		i = skipSpace(data, kend)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipSpace(data, i+1)
		vend := endOfValue(data, i)
		if vend < 0 {
			return nil, false
		}
		out = append(out, member{key: key, start: i, end: vend, raw: data[i:vend]})
		i = skipSpace(data, vend)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return out, skipSpace(data, i+1) == len(data)
		default:
			return nil, false
		}
	}
}

// get is the value of the member key, nil when there is none.
func (ms members) get(key string) json.RawMessage {
	for _, m := range ms {
		if string(m.key) == key {
			return m.raw
		}
	}
	return nil
}

// sorted are the members named in keys, in the order they lie in the data.
func (ms members) sorted(keys []string) members {
	var out members
	for _, m := range ms {
		for _, k := range keys {
			if string(m.key) == k {
				out = append(out, m)
			}
		}
	}
	return out
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// endOfString is the index after the JSON string that starts at i, -1
// when it does not end.
func endOfString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// endOfValue is the index after the JSON value that starts at i, -1 when
// it does not end; a value it passes over is checked only as far as
// finding its end needs (Seal's caller encoded the data).
func endOfValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return endOfString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				e := endOfString(data, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	for j := i; j < len(data); j++ {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			if j == i {
				return -1
			}
			return j
		}
	}
	return -1
}

// stringValue is the text of the JSON string raw; false when raw is not a
// string. A string with no escape is read without decoding.
func stringValue(raw []byte) (string, bool) {
	if isPlainJSONString(raw) {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// isPlainJSONString says whether raw is a JSON string with no escape and
// no byte that needs one: its text is the bytes between the quotes.
func isPlainJSONString(raw []byte) bool {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '"' || c == '\\' || c < 0x20 {
			return false
		}
	}
	return utf8.Valid(body)
}
