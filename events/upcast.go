package events

import (
	"encoding/json"
	"fmt"
)

// Upcasters change the shape of stored data to the next schema version when
// it is read; the log itself is never rewritten. Each event type's chain is
// registered with the type in the catalogue, and every stored version has an
// example under testdata/ that the tests read through the chain.

// upcastFeedbackLoggedV1 turns feedback_logged version 1 into version 2.
// Version 1 did not record where feedback came from: the tracker then took
// feedback only from the survey tool, so a version 1 item came from a survey.
// A source already present (written by hand into an old event) is kept.
func upcastFeedbackLoggedV1(data json.RawMessage) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("feedback_logged v1 data is not an object: %w", err)
	}
	if fields == nil {
		return nil, fmt.Errorf("feedback_logged v1 data is null")
	}
	if _, ok := fields["source"]; !ok {
		fields["source"] = json.RawMessage(`"` + SourceSurvey + `"`)
	}
	return json.Marshal(fields)
}

// upcastTokenIssuedV1 turns token_issued version 1 into version 2. Version 1
// carried the token's SHA-256 hash, which version 2 keeps out of the log; a
// version 1 event keeps its hash, since the tokens it issued still sign in
// by it. The data is unchanged: version 2 marks that the hash may be absent,
// so that a reader that needs it (an older release) refuses the new events
// rather than taking them for tokens with an empty hash.
func upcastTokenIssuedV1(data json.RawMessage) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("token_issued v1 data is not an object: %w", err)
	}
	if fields == nil {
		return nil, fmt.Errorf("token_issued v1 data is null")
	}
	return data, nil
}

// upcastFollowUpOpenedV1 turns followup_opened version 1 into version 2.
// Version 1 follow-ups were opened by hand, with no rule and no due time,
// which version 2 leaves out too: the data is unchanged. Version 2 marks
// that a follow-up may be due, so that an older release refuses the new
// events rather than taking them for follow-ups that never fall due.
func upcastFollowUpOpenedV1(data json.RawMessage) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("followup_opened v1 data is not an object: %w", err)
	}
	if fields == nil {
		return nil, fmt.Errorf("followup_opened v1 data is null")
	}
	return data, nil
}
