package main

// The words customers and colleagues write in the demo. Comments are drawn
// by how the customer felt (from the score) and, more often than not, from
// what is said about that touchpoint in particular.

var demoGenericComments = map[sentiment][]string{
	positive: {
		"Quick and friendly, thank you.",
		"Everything worked the first time.",
		"Clear answers and no runaround.",
		"Exactly what I needed, nothing more.",
		"Really pleased with how this went.",
		"You made this easy for us.",
		"Good experience overall, keep it up.",
		"Felt like you knew our business.",
	},
	neutral: {
		"Fine, but nothing special.",
		"It did the job eventually.",
		"OK, though it took longer than I expected.",
		"Some parts were good, some confusing.",
		"Average. I expected a bit more for the price.",
		"No complaints, no praise either.",
	},
	negative: {
		"Took far too long and nobody told me why.",
		"I had to explain my problem three times.",
		"Very frustrating, I am considering other vendors.",
		"Nobody followed up as promised.",
		"Too complicated for something this simple.",
		"I felt passed around between departments.",
		"The information I got was wrong.",
		"Disappointing after such a good sales experience.",
	},
}

// demoTouchpointComments are what customers say about one touchpoint: the
// first list is praise, the second complaints.
var demoTouchpointComments = map[string][2][]string{
	"website": {
		{"Pricing was clear and I could compare plans easily.", "Found the case study for our industry straight away."},
		{"Could not find what the Business plan actually includes.", "The price calculator gave a different number than the sales rep.", "Too much marketing talk, too few facts."},
	},
	"discovery_call": {
		{"The rep listened before pitching anything.", "Great demo tailored to our workflow."},
		{"The call was a sales pitch, not a conversation.", "Was promised features that do not exist yet."},
	},
	"reseller": {
		{"Our reseller knew the product inside out.", "The partner made the switch painless."},
		{"The reseller could not answer basic questions.", "Different prices from the reseller and from you directly."},
	},
	"trial": {
		{"Signed up in two minutes, no credit card needed.", "The trial had everything I wanted to test."},
		{"The verification e-mail never arrived.", "The trial expired before we could test the integrations."},
	},
	"kickoff": {
		{"The kickoff call gave us a clear plan for the first month.", "Our onboarding manager was excellent."},
		{"The kickoff was rescheduled twice.", "Generic slides, nothing specific to us."},
	},
	"data_import": {
		{"The new import wizard found our errors before uploading.", "Import took minutes instead of days this time."},
		{"The CSV import failed with no useful error message.", "Dates came in wrong and we had to fix 2,000 rows by hand.", "Import kept timing out on our larger files.", "Needed three support tickets just to load our customers."},
	},
	"hotline": {
		{"Got through quickly and the agent solved it on the first call.", "The agent called me back as promised."},
		{"Forty minutes on hold before anyone answered.", "Transferred four times and the line dropped.", "The agent could not see my previous tickets.", "Hold music for half an hour, then told to send an e-mail."},
	},
	"chat": {
		{"Chat answered in under a minute.", "The help article the agent sent fixed it."},
		{"The chat bot went in circles.", "Chat closed while I was still typing."},
	},
	"qbr": {
		{"The review showed real numbers about our usage.", "Useful recommendations for the next quarter."},
		{"The review was a thinly veiled upsell.", "Nobody from product came, so our questions went unanswered."},
	},
	"referral": {
		{"Happy to recommend you, the reward was a nice touch.", "Referring a partner was simple."},
		{"The referral reward never showed up on our invoice.", "Referral form asks for too much information."},
	},
	"billing": {
		{"The new invoice layout is much easier to read.", "Billing question answered the same day."},
		{"Invoice did not match our contract.", "Charged twice this month and no one explains why.", "Cannot tell which line is which product.", "Credit note took six weeks."},
	},
	"renewal": {
		{"Renewal was straightforward and fairly priced.", "Our account manager prepared the renewal well in advance."},
		{"Renewal quote arrived two days before the deadline.", "Price rise with no explanation of what we get."},
	},
}

// demoFollowUpNotes are what the person following up a detractor plans.
var demoFollowUpNotes = []string{
	"Call the customer back within two working days.",
	"Check the ticket history and call the account owner.",
	"Ask the account manager to get in touch this week.",
	"Review the case with the team lead before calling.",
}

// demoFollowUpActions are what was done when a follow-up is closed.
var demoFollowUpActions = []string{
	"Called the customer, apologised and fixed the underlying issue.",
	"Walked the customer through the fix on a screen share.",
	"Refunded the overcharge and corrected the contract data.",
	"Escalated to the owning crew; the customer got a workaround meanwhile.",
	"Explained the change and sent written confirmation.",
	"Booked a follow-up session with the onboarding team.",
}
