// Package api is Stepwise's JSON API under /api/v1: every resource a
// browser user works with, for integrators holding a personal access
// token. It uses the same models and the same policy (models.Can*) as the
// HTML handlers; what it adds is the HTTP conventions:
//
//   - authentication with "Authorization: Bearer <token>" only (browser
//     sessions are never read here, so there is no CSRF surface), the
//     token's scopes checked by method (auth.go);
//   - a per-token rate limit kept in the database (ratelimit.go);
//   - JSON in (strict: one object, known fields, a JSON content type,
//     decode.go) and out, errors as RFC 9457 problem details (problem.go);
//   - a strong ETag on every resource, If-None-Match → 304, and If-Match
//     required to change or delete one (etag.go);
//   - opaque cursors for lists (cursor.go);
//   - an OpenAPI 3.1 document assembled from openapi/*.yaml (openapi.go),
//     kept true by the contract tests.
//
// Each resource has its own file; routes.go lists every route.
package api
