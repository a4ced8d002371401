package api

import "github.com/labstack/echo/v4"

// actingPerson is the council member a proposal, vote or decision is taken
// as. A person's token acts as its person, and may not name anyone else
// (403). A token without a person acts for the person its body names in
// person_id (422 when absent), and only an administrator's may (403): the
// event's actor stays the token, while its payload names the member, so the
// audit log shows who acted for whom.
func actingPerson(c echo.Context, named string) (string, error) {
	caller := callerOf(c)
	if caller.PersonID != "" {
		if named != "" && named != caller.PersonID {
			return "", notAllowed("a person's token acts as that person only; leave person_id out or name yourself")
		}
		return caller.PersonID, nil
	}
	if !caller.Admin() {
		return "", notAllowed("only a person's token, or an administrator's naming the person, may act for a council member")
	}
	if named == "" {
		return "", invalid(FieldError{Field: "person_id", Message: "is required when the token is not a person's: name the council member to act as"})
	}
	return named, nil
}
