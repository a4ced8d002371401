package projections

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"cxtracker/events"
)

// TestEveryModelHandlesOrIgnoresEveryEventType walks the catalogue and feeds
// each event type's corpus example (events/testdata), in catalogue order, to
// every read model, and then the same event with its texts and numbers
// altered (an example may restate what the model already holds, as a
// person's details changed to the same name do). A model must change on
// each type it does not list in Ignores, and must not change on one it
// does: a new event type that a model forgets fails here instead of
// vanishing from the model unseen.
func TestEveryModelHandlesOrIgnoresEveryEventType(t *testing.T) {
	tape := corpusTape(t)
	for _, m := range NewViews().Models() {
		ig, ok := m.(interface{ Ignores() []string })
		if !ok {
			t.Errorf("%s has no Ignores method saying which event types it leaves alone", m.Name())
			continue
		}
		ignored := ig.Ignores()
		for _, r := range tape {
			changed := false
			for _, p := range []events.Payload{r.p, altered(r.p)} {
				before := dump(m)
				if err := m.Apply(r.rec, p); err != nil {
					t.Errorf("%s refused %s: %v", m.Name(), r.rec.Event.Type, err)
				}
				changed = changed || dump(m) != before
			}
			switch listed := ignores(ignored, r.rec.Event.Type); {
			case listed && changed:
				t.Errorf("%s lists %s in Ignores but changed on it", m.Name(), r.rec.Event.Type)
			case !listed && !changed:
				t.Errorf("%s neither handles nor ignores %s: handle it in Apply or list it in Ignores", m.Name(), r.rec.Event.Type)
			}
		}
	}
}

type taped struct {
	rec events.Record
	p   events.Payload
}

// corpusTape is the current-version example of every registered event type,
// each with an idempotency key, as records of one log.
func corpusTape(t *testing.T) []taped {
	var out []taped
	for i, et := range events.EventTypes() {
		raw, err := os.ReadFile(filepath.Join("..", "events", "testdata", fmt.Sprintf("%s.v%d.json", et.Type, et.Version)))
		if err != nil {
			t.Fatal(err)
		}
		ev, err := events.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		ev.IdempotencyKey, ev.ActorToken = fmt.Sprintf("key-%d", i), "token"
		p, err := events.DecodePayload(ev)
		if err != nil {
			t.Fatal(err)
		}
		subject := "cx." + strings.Replace(ev.Subject, "/", ".", 1) + "." + ev.Name()
		out = append(out, taped{events.Record{Seq: uint64(i + 1), Subject: subject, Event: ev, Raw: raw, Stored: ev.Time}, p})
	}
	return out
}

// altered is p with every text that is not an id, and every number, changed.
func altered(p events.Payload) events.Payload {
	v := reflect.New(reflect.TypeOf(p)).Elem()
	v.Set(reflect.ValueOf(p))
	alter(v, "")
	return v.Interface().(events.Payload)
}

func alter(v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.String:
		if name != "id" && !strings.HasSuffix(name, "_id") && !strings.HasSuffix(name, "_ids") {
			v.SetString(v.String() + " again")
		}
	case reflect.Int, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Pointer:
		if !v.IsNil() {
			c := reflect.New(v.Type().Elem())
			c.Elem().Set(v.Elem())
			alter(c.Elem(), name)
			v.Set(c)
		}
	case reflect.Slice:
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := range c.Len() {
			alter(c.Index(i), name)
		}
		v.Set(c)
	case reflect.Struct:
		if v.Type().PkgPath() == "time" {
			return
		}
		for i := range v.NumField() {
			json, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			alter(v.Field(i), json)
		}
	}
}

// ignores reports whether list names the CloudEvents type typ, or its whole
// aggregate kind.
func ignores(list []string, typ string) bool {
	kind := strings.Split(typ, ".")[1]
	return slices.Contains(list, typ) || slices.Contains(list, kind)
}

// dump prints everything a model holds, following pointers and sorting map
// entries, so that two dumps differ exactly when the model changed.
func dump(m Model) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(m), map[uintptr]bool{})
	return b.String()
}

func dumpValue(b *strings.Builder, v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			b.WriteString("nil")
			return
		}
		seen[v.Pointer()] = true
		dumpValue(b, v.Elem(), seen)
		delete(seen, v.Pointer())
	case reflect.Interface:
		if !v.IsNil() {
			dumpValue(b, v.Elem(), seen)
		}
	case reflect.Struct:
		// The item store is on disk (or in SQLite's memory); the views'
		// snapshot compares the items it holds. The KPIs' sums are a cache
		// of what reads computed from the feedback, filled by whoever read;
		// so are the feedback's sums known at a recorded time.
		if v.Type().PkgPath() == "sync" || v.Type() == reflect.TypeFor[itemStore]() || v.Type() == reflect.TypeFor[scopeSumsCache]() ||
			v.Type() == reflect.TypeFor[knownSums]() {
			return
		}
		b.WriteString("{")
		for i := range v.NumField() {
			b.WriteString(v.Type().Field(i).Name + ":")
			dumpValue(b, v.Field(i), seen)
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Map:
		keys := make([]string, 0, v.Len())
		vals := map[string]string{}
		for it := v.MapRange(); it.Next(); {
			var k, e strings.Builder
			dumpValue(&k, it.Key(), seen)
			dumpValue(&e, it.Value(), seen)
			keys = append(keys, k.String())
			vals[k.String()] = e.String()
		}
		sort.Strings(keys)
		b.WriteString("map[")
		for _, k := range keys {
			b.WriteString(k + ":" + vals[k] + " ")
		}
		b.WriteString("]")
	case reflect.Slice, reflect.Array:
		b.WriteString("[")
		for i := range v.Len() {
			dumpValue(b, v.Index(i), seen)
			b.WriteString(" ")
		}
		b.WriteString("]")
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	case reflect.Bool:
		fmt.Fprint(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprint(b, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprint(b, v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprint(b, v.Float())
	default:
		fmt.Fprintf(b, "?%s", v.Kind())
	}
}
