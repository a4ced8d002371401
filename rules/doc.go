// Package rules is the follow-up rules' process manager: it follows the
// feedback logged, through a durable consumer of its own shared by every
// replica, and opens a follow-up for each item a rule matches, judged by
// the rules as they stood at the item's place in the log; and it escalates
// once, to the CX manager, each rule's follow-up left open past its due
// time, by the program's clock.
//
// Every event it writes has an id derived from what it is about (the
// feedback item and the rule; the follow-up), so a second try anywhere (a
// restart, another replica, a redelivered message) is refused by the log's
// duplicate window, and after it by the follow-up's own rules (one
// follow-up per item, escalated once).
package rules
