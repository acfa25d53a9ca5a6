package education

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// createSchool godoc
//
//	@Summary		Add a school
//	@Description	A new public school with its EMIS code, level, gender and sector; seats are set per academic year and grade with PUT .../seats.
//	@ID				createSchool
//	@Tags			education administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SchoolInput	true	"the school"
//	@Success		201		{object}	School
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem	"EMIS code already registered"
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/schools [post]
func (h *Handler) createSchool(c echo.Context) error {
	var in SchoolInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	sc, err := h.svc.CreateSchool(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sc)
}

// updateSchool godoc
//
//	@Summary		Change a school
//	@Description	Changes the fields given and keeps the others; a null or absent field is left as it is.
//	@ID				updateSchool
//	@Tags			education administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"school ID"	format(uuid)
//	@Param			body	body		SchoolChange	true	"fields to change"
//	@Success		200		{object}	School
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/schools/{id} [patch]
func (h *Handler) updateSchool(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in SchoolChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	sc, err := h.svc.UpdateSchool(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sc)
}

// setSeats godoc
//
//	@Summary		Set a grade's seats for a year
//	@Description	Education admins, or that school's staff. Seats may be raised at any time; lowering them below the number filled is 409.
//	@ID				setSchoolSeats
//	@Tags			education administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string		true	"school ID"	format(uuid)
//	@Param			body	body		SeatsInput	true	"year, grade and seats"
//	@Success		200		{object}	School
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/schools/{id}/seats [put]
func (h *Handler) setSeats(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in SeatsInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	sc, err := h.svc.SetSeats(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sc)
}

// createWindow godoc
//
//	@Summary		Open admissions for an academic year
//	@Description	A child's age in whole years on age_cutoff must lie in [min_age, max_age] of the grade's rule.
//	@ID				createAdmissionWindow
//	@Tags			education administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		WindowInput	true	"the window"
//	@Success		201		{object}	AdmissionWindow
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/admission-windows [post]
func (h *Handler) createWindow(c echo.Context) error {
	var in WindowInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	w, err := h.svc.CreateWindow(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, w)
}

// listWindows godoc
//
//	@Summary		List admission windows
//	@Description	Every admission window, newest academic year first, with its dates, age cut-off and age rules per grade.
//	@ID				listAdmissionWindows
//	@Tags			education administration
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	WindowList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/admission-windows [get]
func (h *Handler) listWindows(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Windows(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WindowList{Items: res.Items, NextCursor: res.NextCursor})
}

// schoolApplications godoc
//
//	@Summary		A school's applications
//	@Description	School staff see their own school (the default); education admins name one. Oldest first.
//	@ID				listSchoolApplications
//	@Tags			education administration
//	@Produce		json
//	@Param			school_id	query		string	false	"school ID (default: your own)"	format(uuid)
//	@Param			status		query		string	false	"application status"			Enums(submitted, under_review, accepted, waitlisted, offered, rejected, enrolled, withdrawn)
//	@Param			grade		query		int		false	"grade"							minimum(1)	maximum(12)
//	@Param			limit		query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	ApplicationList
//	@Failure		400			{object}	web.Problem
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Failure		422			{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/applications [get]
func (h *Handler) schoolApplications(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	var f ApplicationFilter
	if f.SchoolID, err = web.QueryID(c, "school_id"); err != nil {
		return err
	}
	f.Status = c.QueryParam("status")
	if f.Grade, err = web.QueryIntPtr(c, "grade"); err != nil {
		return err
	}
	res, err := h.svc.SchoolApplications(c.Request().Context(), web.Principal(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ApplicationList{Items: res.Items, NextCursor: res.NextCursor})
}

// decide godoc
//
//	@Summary		Decide on an application
//	@Description	That school's staff or an education admin. Accepting takes a seat (409 and no change when none is left) and withdraws the child's other applications for the year; moving an accepted application to waitlisted or rejected frees the seat, which is offered to the earliest waitlisted applicant (their application becomes offered until the family answers; staff cannot decide an offered application). Waitlisting puts the application at the end of the grade's line. enrolled only from accepted. While the grade's lottery waits for its draw, its submitted and under-review applications are the lottery's to decide: 409.
//	@ID				decideApplication
//	@Tags			education administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string		true	"application ID"	format(uuid)
//	@Param			body	body		Decision	true	"the decision and a note"
//	@Success		200		{object}	Application
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/applications/{id}/decision [post]
func (h *Handler) decide(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in Decision
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.Decide(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// waitlistLines godoc
//
//	@Summary		A school's waitlists
//	@Description	That school's staff see its lines (a grade and year each) with how many wait and the live offers, soonest to expire first; education admins any school's, or every school's without school_id. Never who waits.
//	@ID				listEducationWaitlists
//	@Tags			education administration
//	@Produce		json
//	@Param			school_id	query		string	false	"school (staff: their own by default)"	format(uuid)
//	@Param			limit		query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	offers.LineList
//	@Failure		400			{object}	web.Problem
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/education/waitlists [get]
func (h *Handler) waitlistLines(c echo.Context) error {
	schoolID, err := web.QueryID(c, "school_id")
	if err != nil {
		return err
	}
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Waitlists(c.Request().Context(), web.Principal(c), schoolID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, offers.LineList{Items: res.Items, NextCursor: res.NextCursor})
}
