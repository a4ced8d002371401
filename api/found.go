package api

import "github.com/labstack/echo/v4"

// foundView renders the resource that get finds by id, or a 404 naming what
// it is: the View of a write, and the answer of a read by id.
func foundView[T any](what, id string, get func(string) (T, bool)) func() (any, error) {
	return func() (any, error) {
		v, found := get(id)
		if !found {
			return nil, notFound(what, id)
		}
		return v, nil
	}
}

// getByID answers GET .../{id} with the resource get finds, or a 404.
func getByID[T any](what string, get func(string) (T, bool)) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := foundView(what, c.Param("id"), get)()
		if err != nil {
			return err
		}
		return ok(c, v)
	}
}

// listByID answers a list of every resource all gives, paginated by id.
func listByID[T any](all func() []T, id func(T) string) echo.HandlerFunc {
	return func(c echo.Context) error {
		page, err := paginate(c, all(), id)
		if err != nil {
			return err
		}
		return ok(c, page)
	}
}
