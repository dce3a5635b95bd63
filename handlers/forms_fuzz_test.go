package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// FuzzAuthForms posts arbitrary bodies, with a valid CSRF token and its
// cookie, to the sign-up and login forms: whatever arrives, the answer is
// a page or a redirect, never a server error.
func FuzzAuthForms(f *testing.F) {
	app, _, _, _ := newApp(f)

	// Get a visitor's token and cookie the way a browser would.
	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/signup", nil), -1)
	if err != nil {
		f.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	token, _ := doc.Find(`input[name="csrf_token"]`).Attr("value")
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == "stepwise_csrf" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if token == "" || cookie == "" {
		f.Fatal("no CSRF cookie or token")
	}

	f.Add("email=a%40example.com&display_name=A&password=long+enough", "application/x-www-form-urlencoded", true)
	f.Add("email=%ff%fe&display_name=%00&password=", "application/x-www-form-urlencoded", false)
	f.Add("email=a&email=b&next=//evil", "application/x-www-form-urlencoded", false)
	f.Add("--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na\r\n--x--", "multipart/form-data; boundary=x", true)
	f.Add("{\"email\":1}", "application/json", true)
	f.Add("%%%&&&===", "application/x-www-form-urlencoded; charset=utf-16", false)
	f.Fuzz(func(t *testing.T, body, contentType string, signup bool) {
		path := "/login"
		if signup {
			path = "/signup"
		}
		// The token goes in the header so the body can be anything.
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Cookie", cookie)
		req.Header.Set("X-CSRF-Token", token)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("POST %s %q (%s): status %d: %.300s", path, body, contentType, resp.StatusCode, b)
		}
	})
}
