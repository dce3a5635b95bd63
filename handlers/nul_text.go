package handlers

import (
	"bytes"
	"mime"

	"github.com/gofiber/fiber/v2"
)

// errNULText refuses text holding the NUL character: no form field or
// API value needs it, PostgreSQL cannot store it in text, and letting
// SQLite store what PostgreSQL refuses would make the two databases
// behave differently.
var errNULText = fiber.NewError(fiber.StatusBadRequest,
	"The request contains a NUL character (%00), which no text in Stepwise may hold. Remove it and send the request again.")

// refuseNULText answers 400 to a request whose query string, form body
// or JSON body carries a NUL character, before any handler runs. Other
// bodies (uploads, archives) are binary and are left alone.
func refuseNULText(c *fiber.Ctx) error {
	if hasNUL(c.Request().URI().QueryString(), false) {
		return errNULText
	}
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	switch mt {
	case fiber.MIMEApplicationForm:
		if hasNUL(c.Body(), false) {
			return errNULText
		}
	}
	return c.Next()
}

// hasNUL reports whether b holds a NUL: raw, percent-encoded (%00), or,
// in JSON, as the escape \u0000 (an escaped backslash before "u0000" is
// text, not a NUL).
func hasNUL(b []byte, json bool) bool {
	if bytes.IndexByte(b, 0) >= 0 || bytes.Contains(b, []byte("%00")) {
		return true
	}
	if !json {
		return false
	}
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`u0000`))
		if j < 0 {
			return false
		}
		at := i + j
		slashes := 0
		for k := at - 1; k >= 0 && b[k] == '\\'; k-- {
			slashes++
		}
		if slashes%2 == 1 {
			return true
		}
		i = at + 1
	}
}
