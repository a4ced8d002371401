package events

import (
	"bytes"
	"strings"
	"testing"
)

var hook = id(85)

// hookTypes is what the tables' webhook subscribes to.
var hookTypes = []string{Type(KindFeedback, EventFeedbackLogged)}

func webhookAgg() Aggregate { return Aggregate{KindWebhook, hook} }

// registered is the tables' webhook, registered.
func registered() []fact {
	return on(webhookAgg(), WebhookRegistered{WebhookID: hook, URL: "https://crm.example/hooks", Types: hookTypes})
}

func paused() []fact {
	return on(webhookAgg(), WebhookPaused{WebhookID: hook, Reason: "failing for a day"})
}

func TestWebhookCommands(t *testing.T) {
	a := webhookAgg()
	deleted := on(a, WebhookDeleted{WebhookID: hook})
	run(t, []scenario{
		{name: "register", when: RegisterWebhook{WebhookID: hook, URL: "https://crm.example/hooks", Types: hookTypes}, then: registered()},
		{name: "register twice", given: registered(), when: RegisterWebhook{WebhookID: hook, URL: "https://crm.example/hooks", Types: hookTypes},
			code: CodeRuleForbids},
		{name: "a url is needed", when: RegisterWebhook{WebhookID: hook, Types: hookTypes}, code: CodeInvalid, field: "url"},
		{name: "a url of one word", when: RegisterWebhook{WebhookID: hook, URL: "https://crm.example/a b", Types: hookTypes}, code: CodeInvalid, field: "url"},
		{name: "a url too long", when: RegisterWebhook{WebhookID: hook, URL: "https://crm.example/" + strings.Repeat("a", MaxWebhookURL), Types: hookTypes},
			code: CodeInvalid, field: "url"},
		{name: "a url without a password in it", when: RegisterWebhook{WebhookID: hook, URL: "https://crm:s3cret@crm.example/hooks", Types: hookTypes},
			code: CodeInvalid, field: "url"},
		{name: "a type is needed", when: RegisterWebhook{WebhookID: hook, URL: "https://crm.example/hooks"}, code: CodeInvalid, field: "types"},
		{name: "a type of the catalogue", when: RegisterWebhook{WebhookID: hook, URL: "https://crm.example/hooks", Types: []string{"cx.feedback.nothing"}},
			code: CodeInvalid, field: "types"},
		{name: "a type once", when: RegisterWebhook{WebhookID: hook, URL: "https://crm.example/hooks", Types: append(hookTypes, hookTypes...)},
			code: CodeInvalid, field: "types"},

		{name: "pause", given: registered(), when: PauseWebhook{WebhookID: hook, Reason: "failing for a day"}, then: paused()},
		{name: "pause says why", given: registered(), when: PauseWebhook{WebhookID: hook}, code: CodeInvalid, field: "reason"},
		{name: "pause a paused one writes nothing", given: given(registered(), paused()), when: PauseWebhook{WebhookID: hook, Reason: "again"}},
		{name: "pause an unknown one", when: PauseWebhook{WebhookID: hook, Reason: "x"}, code: CodeNotFound},
		{name: "resume", given: given(registered(), paused()), when: ResumeWebhook{WebhookID: hook}, then: on(a, WebhookResumed{WebhookID: hook})},
		{name: "resume an active one writes nothing", given: registered(), when: ResumeWebhook{WebhookID: hook}},
		{name: "delete", given: registered(), when: DeleteWebhook{WebhookID: hook}, then: deleted},
		{name: "delete a paused one", given: given(registered(), paused()), when: DeleteWebhook{WebhookID: hook}, then: deleted},
		{name: "delete twice", given: given(registered(), deleted), when: DeleteWebhook{WebhookID: hook}, code: CodeNotFound},
		{name: "resume a deleted one", given: given(registered(), paused(), deleted), when: ResumeWebhook{WebhookID: hook}, code: CodeNotFound},
		{name: "delete one never registered", when: DeleteWebhook{WebhookID: hook}, code: CodeNotFound},
	})
}

func TestAWebhookIsActiveUntilPausedOrDeletedAndSurvivesACheckpoint(t *testing.T) {
	s := replay(t, given(registered(), paused()))
	var buf bytes.Buffer
	if err := s.SaveCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	n := NewState()
	if err := n.LoadCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	w, ok := n.Webhook(hook)
	if !ok || w.Active() || w.Reason != "failing for a day" || w.URL != "https://crm.example/hooks" || !w.ActiveSince.Equal(testTime) {
		t.Fatalf("the webhook after a checkpoint is %+v, %v", w, ok)
	}
}

func TestAPauseIDIsTheSameForTheSameVersionOnly(t *testing.T) {
	first, second := WebhookPauseID(hook, 3), WebhookPauseID(hook, 3)
	if first != second {
		t.Error("two replicas derive two ids for one pause")
	}
	if WebhookPauseID(hook, 3) == WebhookPauseID(hook, 5) || WebhookPauseID(hook, 3) == WebhookPauseID(id(86), 3) {
		t.Error("two pauses share an id")
	}
}
