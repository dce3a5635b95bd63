package handlers

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// editingStep loads the guide as editing does and its step :n.
func (h *Authoring) editingStep(c *fiber.Ctx) (models.Editable, models.AuthorGuide, models.EditStep, error) {
	e, g, err := h.editing(c)
	if err != nil {
		return e, g, models.EditStep{}, err
	}
	n, err := stepNumber(c)
	if err != nil {
		return e, g, models.EditStep{}, err
	}
	s, err := h.Store.Step(c.UserContext(), g.ID, n)
	return e, g, s, err
}

// AddStep appends a step and opens its editor.
func (h *Authoring) AddStep(c *fiber.Ctx) error {
	e, g, err := h.editing(c)
	if err != nil {
		return err
	}
	title := strings.TrimSpace(c.FormValue("step_title"))
	if msg := (models.StepForm{Title: title}).Validate()["title"]; msg != "" {
		d, err := h.settingsData(c, e, g)
		if err != nil {
			return err
		}
		d.Errors = models.FieldErrors{"step_title": msg}
		return render(c, fiber.StatusUnprocessableEntity, pages.GuideForm(h.page(c, g.Title, true), d))
	}
	n, err := h.Store.AddStep(c.UserContext(), g.ID, title)
	if err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+g.Slug+"/steps/"+strconv.Itoa(n))
}

// editorData fills the step editor for s with form f.
func (h *Authoring) editorData(c *fiber.Ctx, g models.AuthorGuide, s models.EditStep, f models.StepForm, version int) (pages.StepEditorData, error) {
	steps, err := h.Steps.List(c.UserContext(), g.ID)
	if err != nil {
		return pages.StepEditorData{}, err
	}
	preview := s.BodyHTML
	if f.Body != s.BodyMD {
		if preview, err = models.RenderMarkdown(f.Body); err != nil {
			return pages.StepEditorData{}, err
		}
	}
	return pages.StepEditorData{Guide: g, Step: s, Form: f, Version: version, Preview: preview, Total: len(steps)}, nil
}

// EditStep shows the step editor.
func (h *Authoring) EditStep(c *fiber.Ctx) error {
	_, g, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	d, err := h.editorData(c, g, s, models.StepForm{Title: s.Title, Body: s.BodyMD}, s.Version)
	if err != nil {
		return err
	}
	d.Saved = c.Query("done") == "saved"
	return render(c, fiber.StatusOK, pages.StepEditor(h.page(c, "Edit: "+s.Title, true), d))
}

func stepFormFrom(c *fiber.Ctx) (models.StepForm, int) {
	v, _ := strconv.Atoi(c.FormValue("version"))
	return models.StepForm{Title: strings.TrimSpace(c.FormValue("title")), Body: c.FormValue("body")}, v
}

// SaveStep saves the step. A save started from an older version than the
// stored one answers 409 with both texts.
func (h *Authoring) SaveStep(c *fiber.Ctx) error {
	_, g, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	f, version := stepFormFrom(c)
	fe := f.Validate()
	status := fiber.StatusUnprocessableEntity
	var current *models.EditStep
	if !fe.Any() {
		_, err := h.Store.SaveStep(c.UserContext(), s.ID, version, f, CurrentUser(c).ID, g.PublishedAt != nil)
		switch {
		case errors.Is(err, models.ErrStale):
			status, current = fiber.StatusConflict, &s
		case err != nil:
			return err
		default:
			return redirect(c, "/author/guides/"+g.Slug+"/steps/"+strconv.Itoa(s.Position)+"?done=saved")
		}
	}
	f.Title, f.Body = sanitizeText(f.Title), sanitizeText(f.Body)
	d, err := h.editorData(c, g, s, f, version)
	if err != nil {
		return err
	}
	d.Errors, d.Current = fe, current
	return render(c, status, pages.StepEditor(h.page(c, "Edit: "+s.Title, true), d))
}

// sanitizeText drops invalid UTF-8 so a refused body can be shown again.
func sanitizeText(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// Autosave saves the step in the background (htmx) and answers with the
// status line and the new version; a refused save keeps the text in the
// page and says so.
func (h *Authoring) Autosave(c *fiber.Ctx) error {
	_, g, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	f, version := stepFormFrom(c)
	if fe := f.Validate(); fe.Any() {
		msg := fe["title"]
		if msg == "" {
			msg = fe["body"]
		}
		return render(c, fiber.StatusUnprocessableEntity, pages.AutosaveStatus("Not saved — "+msg+" Your text is kept.", 0))
	}
	next, err := h.Store.AutosaveStep(c.UserContext(), s.ID, version, f, CurrentUser(c).ID, g.PublishedAt != nil)
	switch {
	case errors.Is(err, models.ErrStale):
		return render(c, fiber.StatusConflict, pages.AutosaveStatus(
			"Not saved — someone else saved this step. Your text is kept: press Save to compare both versions.", 0))
	case err != nil:
		return err
	}
	return render(c, fiber.StatusOK, pages.AutosaveStatus("Saved", next))
}

// Preview renders Markdown exactly as learners will see it (sanitized).
func (h *Authoring) Preview(c *fiber.Ctx) error {
	if _, _, err := h.editing(c); err != nil {
		return err
	}
	body := c.FormValue("body")
	if utf8.RuneCountInString(body) > models.StepBodyMaxLen {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "The text is too long to preview.")
	}
	html, err := models.RenderMarkdown(sanitizeText(body))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.MarkdownPreview(html))
}

// PreviewStep shows a step, draft or not, as learners will see it.
func (h *Authoring) PreviewStep(c *fiber.Ctx) error {
	_, g, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	steps, err := h.Steps.List(c.UserContext(), g.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.StepPreview(h.page(c, "Preview: "+s.Title, false),
		pages.StepPreviewData{Guide: g, Step: s, Total: len(steps)}))
}

// DeleteStepForm asks before deleting.
func (h *Authoring) DeleteStepForm(c *fiber.Ctx) error {
	_, g, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.StepDelete(h.page(c, "Delete step", true), pages.StepDeleteData{Guide: g, Step: s}))
}

// DeleteStep deletes the step; the later ones move up.
func (h *Authoring) DeleteStep(c *fiber.Ctx) error {
	_, g, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteStep(c.UserContext(), g.ID, s.Position); err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+g.Slug+"?done=deleted")
}

// MoveStep moves a step up or down (?dir=), or to a position (?to=); htmx
// gets the new step list.
func (h *Authoring) MoveStep(c *fiber.Ctx) error {
	_, g, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	dir := c.Query("dir")
	if dir == "" {
		dir = c.FormValue("dir")
	}
	ctx := c.UserContext()
	// ?to=N (drag and drop in editor.js) moves it to a position.
	if to := c.Query("to"); to != "" && dir == "" {
		n, err := strconv.Atoi(to)
		if err != nil || n < 1 || n > 100000 {
			return fiber.NewError(fiber.StatusBadRequest, "Move a step to a position in the guide.")
		}
		if _, err := h.Store.MoveStepTo(ctx, g.ID, s.Position, n); err != nil {
			return err
		}
	} else {
		if dir != "up" && dir != "down" {
			return fiber.NewError(fiber.StatusBadRequest, "Move a step up or down.")
		}
		if _, err := h.Store.MoveStep(ctx, g.ID, s.Position, dir == "up"); err != nil {
			return err
		}
	}
	if !isHTMX(c) {
		return redirect(c, "/author/guides/"+g.Slug)
	}
	steps, err := h.Steps.List(ctx, g.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.AuthorStepList(h.page(c, g.Title, true), g.Slug, steps))
}
