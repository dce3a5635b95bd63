package handlers

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/authoring"
	"stepwise/models/markdown"
	"stepwise/views/pages"
)

// editingStep loads the guide as editing does and its step :n.
func (h *Authoring) editingStep(c *fiber.Ctx) (models.GuideRecord, models.EditStep, error) {
	n, err := stepNumber(c)
	if err != nil {
		return models.GuideRecord{}, models.EditStep{}, err
	}
	return h.Ops.EditableStep(c.UserContext(), CurrentUser(c), c.Params("slug"), n)
}

// AddStep appends a step and opens its editor.
func (h *Authoring) AddStep(c *fiber.Ctx) error {
	f := models.StepForm{Title: c.FormValue("step_title")}
	st, err := h.Ops.AddStep(c.UserContext(), CurrentUser(c), c.Params("slug"), f)
	if err == nil {
		return redirect(c, "/author/guides/"+c.Params("slug")+"/steps/"+strconv.Itoa(st.Position))
	}
	return h.settingsRefused(c, err, "title", func(d *pages.GuideFormData, fe models.FieldErrors) {
		d.Errors = models.FieldErrors{"step_title": fe["title"]}
		d.NewStepTitle = sanitizeText(f.Title)
	})
}

// editorData fills the step editor for s with form f.
func (h *Authoring) editorData(c *fiber.Ctx, r models.GuideRecord, s models.EditStep, f models.StepForm, version int) (pages.StepEditorData, error) {
	steps, err := h.Steps.List(c.UserContext(), r.ID)
	if err != nil {
		return pages.StepEditorData{}, err
	}
	preview := s.BodyHTML
	if f.Body != s.BodyMD {
		if preview, err = markdown.Render(f.Body); err != nil {
			return pages.StepEditorData{}, err
		}
	}
	return pages.StepEditorData{Guide: r.AuthorGuide(), Step: s, Form: f, Version: version, Preview: preview, Total: len(steps)}, nil
}

// EditStep shows the step editor.
func (h *Authoring) EditStep(c *fiber.Ctx) error {
	r, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	d, err := h.editorData(c, r, s, models.StepForm{Title: s.Title, Body: s.BodyMD}, s.Version)
	if err != nil {
		return err
	}
	d.Saved = c.Query("done") == "saved"
	return render(c, fiber.StatusOK, pages.StepEditor(h.page(c, "Edit: "+s.Title, true), d))
}

func stepSaveFrom(c *fiber.Ctx, autosave bool) authoring.StepSave {
	v, _ := strconv.Atoi(c.FormValue("version"))
	return authoring.StepSave{Form: models.StepForm{Title: strings.TrimSpace(c.FormValue("title")), Body: c.FormValue("body")},
		Version: v, Autosave: autosave}
}

// SaveStep saves the step. A save started from an older version than the
// stored one answers 409 with both texts.
func (h *Authoring) SaveStep(c *fiber.Ctx) error {
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	in := stepSaveFrom(c, false)
	_, err = h.Ops.SaveStep(c.UserContext(), CurrentUser(c), c.Params("slug"), n, in)
	if err == nil {
		return redirect(c, "/author/guides/"+c.Params("slug")+"/steps/"+strconv.Itoa(n)+"?done=saved")
	}
	status, fe, ok := editorRefusal(err, "title")
	if !ok {
		return err
	}
	r, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	f := models.StepForm{Title: sanitizeText(in.Form.Title), Body: sanitizeText(in.Form.Body)}
	d, err := h.editorData(c, r, s, f, in.Version)
	if err != nil {
		return err
	}
	d.Errors = fe
	if status == fiber.StatusConflict {
		// Someone saved in between: show their text beside the user's.
		d.Errors, d.Current = nil, &s
	}
	return render(c, status, pages.StepEditor(h.page(c, "Edit: "+s.Title, true), d))
}

// sanitizeText drops invalid UTF-8 so a refused body can be shown again.
func sanitizeText(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// Autosave saves the step in the background (htmx) and answers with the
// status line and the new version; a refused save keeps the text in the
// page and says so.
func (h *Authoring) Autosave(c *fiber.Ctx) error {
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	st, err := h.Ops.SaveStep(c.UserContext(), CurrentUser(c), c.Params("slug"), n, stepSaveFrom(c, true))
	if err == nil {
		return render(c, fiber.StatusOK, pages.AutosaveStatus("Saved", st.Version))
	}
	status, fe, ok := editorRefusal(err, "title")
	if !ok {
		return err
	}
	msg := fe["title"]
	if msg == "" {
		msg = fe["body"]
	}
	if status == fiber.StatusConflict {
		msg = "someone else saved this step. Your text is kept: press Save to compare both versions."
		return render(c, status, pages.AutosaveStatus("Not saved — "+msg, 0))
	}
	return render(c, status, pages.AutosaveStatus("Not saved — "+msg+" Your text is kept.", 0))
}

// Preview renders Markdown exactly as learners will see it (sanitized).
func (h *Authoring) Preview(c *fiber.Ctx) error {
	if _, err := h.editing(c); err != nil {
		return err
	}
	body := c.FormValue("body")
	if utf8.RuneCountInString(body) > models.StepBodyMaxLen {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "The text is too long to preview.")
	}
	html, err := markdown.Render(sanitizeText(body))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.MarkdownPreview(html))
}

// PreviewStep shows a step, draft or not, as learners will see it.
func (h *Authoring) PreviewStep(c *fiber.Ctx) error {
	r, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	steps, err := h.Steps.List(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.StepPreview(h.page(c, "Preview: "+s.Title, false),
		pages.StepPreviewData{Guide: r.AuthorGuide(), Step: s, Total: len(steps)}))
}

// DeleteStepForm asks before deleting.
func (h *Authoring) DeleteStepForm(c *fiber.Ctx) error {
	r, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.StepDelete(h.page(c, "Delete step", true), pages.StepDeleteData{Guide: r.AuthorGuide(), Step: s}))
}

// DeleteStep deletes the step; the later ones move up.
func (h *Authoring) DeleteStep(c *fiber.Ctx) error {
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	if err := h.Ops.DeleteStep(c.UserContext(), CurrentUser(c), c.Params("slug"), n, authoring.StepRef{}); err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+c.Params("slug")+"?done=deleted")
}

// MoveStep moves a step up or down (?dir=), or to a position (?to=); htmx
// gets the new step list.
func (h *Authoring) MoveStep(c *fiber.Ctx) error {
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	dir := c.Query("dir")
	if dir == "" {
		dir = c.FormValue("dir")
	}
	var to int
	// ?to=N (drag and drop in editor.js) moves it to a position.
	if q := c.Query("to"); q != "" && dir == "" {
		if to, err = strconv.Atoi(q); err != nil {
			return fiber.NewError(fiber.StatusBadRequest, "Move a step to a position in the guide.")
		}
	} else {
		switch dir {
		case "up":
			to = max(n-1, 1)
		case "down":
			to = n + 1
		default:
			return fiber.NewError(fiber.StatusBadRequest, "Move a step up or down.")
		}
	}
	slug := c.Params("slug")
	steps, err := h.Ops.MoveStep(c.UserContext(), CurrentUser(c), slug, n, to, authoring.StepRef{})
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return redirect(c, "/author/guides/"+slug)
	}
	return render(c, fiber.StatusOK, pages.AuthorStepList(h.page(c, slug, true), slug, steps))
}
