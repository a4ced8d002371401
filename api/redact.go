package api

import (
	"encoding/json"
	"strings"

	"cxtracker/events"
)

// credentialFields are, by event type, the fields of an event's data that
// hold credential material. Only token_issued events stored at schema
// version 1 have one: the token's SHA-256 hash. Later events keep it out of
// the log altogether (events/jetstream/credentials.go).
var credentialFields = map[string][]string{
	events.Type(events.KindToken, events.EventTokenIssued): {"hash"},
}

// showEvent is a record as who may see it. Every route that shows events'
// data shows them through it: the audit log, every history and the live
// stream. Only the admin sees credential material; anyone else gets the
// event with those fields removed.
func showEvent(who Caller, rec events.Record) EventView {
	v := viewEvent(rec)
	if who.Admin() {
		return v
	}
	v.Data = redact(v.Type, v.Data)
	return v
}

// redact removes the credential fields of an event of type typ from its
// data. Names are matched without regard to case, as the JSON decoder that
// reads an event's data matches them. Data that is not an object, for a
// type that has credential fields, is not shown at all, since what it holds
// cannot be told apart.
func redact(typ string, data json.RawMessage) json.RawMessage {
	secret := credentialFields[typ]
	if len(secret) == 0 {
		return data
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return json.RawMessage(`{}`)
	}
	for name := range fields {
		for _, s := range secret {
			if strings.EqualFold(name, s) {
				delete(fields, name)
			}
		}
	}
	out, err := json.Marshal(fields)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return out
}
